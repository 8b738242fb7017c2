"""Searchers in a crowd while a folder is ingested: requests served, errors, latency.

    .venv/bin/python bench/load.py [--searchers 50] [--seconds 60] [--workers 3] [--clauses 5000]

In a fresh data dir (var/bench/load) with the sample corpus ingested, gunicorn
serves PolicyBase (``--workers`` sync workers) on loopback. ``manage.py ingest``
then starts on a folder of generated policy text files (``--clauses`` clauses,
bench/generate_corpus.py) in the embedded default: the database and the index
change under the searchers' feet. At the same moment ``--searchers`` clients
each send requests one after another for ``--seconds`` seconds: four in five
``GET /api/search`` over search_bench.py's query mix, one in five the search
page itself. Each response must be 200 with a well-formed body; anything else
(status, timeout, connection error, bad JSON) is an error.

Printed and written to bench/results/load.json: requests served and per
second, errors by kind, p50/p95/p99 latency per kind of request, what the
ingest did meanwhile, and whether database and index agree afterwards
(``manage.py reconcile_index --dry-run``).
"""

import argparse
import asyncio
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate_corpus  # noqa: E402 (after sys.path)
from search_bench import QUERIES, free_port, percentiles  # noqa: E402

DATA_DIR = REPO / "var" / "bench" / "load"
RESULTS = REPO / "bench" / "results" / "load.json"
REQUEST_TIMEOUT_SECONDS = 60


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env, check=True, **kwargs
    )


def prepare(clauses: int) -> tuple[dict, Path]:
    """A migrated data dir holding the sample corpus, and the folder to ingest under load."""
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)
    trained = REPO / "var" / "classifier.joblib"
    if trained.exists():  # training takes a minute and is not what is measured here
        shutil.copy(trained, DATA_DIR / "classifier.joblib")
    env = {**os.environ, "POLICYBASE_DATA_DIR": str(DATA_DIR), "DJANGO_DEBUG": "0"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "ingest", str(REPO / "data" / "sample"), stdout=subprocess.DEVNULL)
    folder = DATA_DIR / "incoming"
    generate_corpus.write_files(generate_corpus.generate(clauses, seed=11), folder)
    return env, folder


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "policybase.wsgi",
        "-w", str(workers), "-b", f"127.0.0.1:{port}",
        "--backlog", "2048", "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 120 s")


def requests(rng: random.Random):
    """An endless, shuffled stream of (kind, path, params) from the query mix."""
    while True:
        for _, query, filters in rng.sample(QUERIES, len(QUERIES)):
            params = {"q": query, **filters}
            if rng.random() < 0.2:
                yield "page", "/", params
            else:
                yield "api", "/api/search", params


def check(kind: str, response: httpx.Response) -> str | None:
    """The error a response shows, or None when it is a good answer."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if kind == "api":
        try:
            body = response.json()
        except ValueError:
            return "malformed JSON"
        if not isinstance(body.get("count"), int):
            return "JSON without a count"
    elif "</html>" not in response.text:
        return "truncated page"
    return None


async def searcher(number, client, base, deadline, latencies, errors):
    rng = random.Random(number)
    for kind, path, params in requests(rng):
        if time.monotonic() >= deadline:
            return
        started = time.perf_counter()
        try:
            response = await client.get(base + path, params=params)
            error = check(kind, response)
        except httpx.TimeoutException:
            error = "timeout"
        except httpx.HTTPError as exception:
            error = type(exception).__name__
        if error:
            errors[error] += 1
        else:
            latencies[kind].append(time.perf_counter() - started)


async def crowd(port: int, searchers: int, seconds: float) -> dict:
    latencies = collections.defaultdict(list)
    errors = collections.Counter()
    limits = httpx.Limits(max_connections=searchers, max_keepalive_connections=searchers)
    timeout = httpx.Timeout(REQUEST_TIMEOUT_SECONDS)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(
                searcher(n, client, f"http://127.0.0.1:{port}", deadline, latencies, errors)
                for n in range(searchers)
            )
        )
    served = sum(len(samples) for samples in latencies.values())
    every = [s for samples in latencies.values() for s in samples]
    return {
        "served": served,
        "per_second": served / seconds,
        "errors": dict(errors),
        "latency_ms": {
            kind: percentiles(samples)
            for kind, samples in {"all": every, **latencies}.items()
            if len(samples) > 1
        },
    }


def ingest_summary(env: dict) -> dict:
    jobs = manage(env, "ingest_jobs", "--json", capture_output=True, text=True).stdout
    states = collections.Counter(json.loads(line)["state"] for line in jobs.splitlines())
    drift = manage(env, "reconcile_index", "--dry-run", "--json", capture_output=True, text=True)
    return {"jobs": dict(states), "index": json.loads(drift.stdout)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--searchers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--clauses", type=int, default=5000, help="generated clauses to ingest")
    args = parser.parse_args()

    env, folder = prepare(args.clauses)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    files = len(list(folder.iterdir()))
    load_before = os.getloadavg()[0]
    ingest = subprocess.Popen(
        [sys.executable, str(REPO / "manage.py"), "ingest", str(folder)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        result = asyncio.run(crowd(port, args.searchers, args.seconds))
        ingesting = ingest.poll() is None
        _, stderr = ingest.communicate()
    finally:
        server.terminate()
        server.wait()
    result.update(
        searchers=args.searchers,
        seconds=args.seconds,
        workers=args.workers,
        files_to_ingest=files,
        ingest_still_running_at_the_end=ingesting,
        ingest_exit=ingest.returncode,
        ingest_errors=stderr.strip().splitlines()[-5:],
        load_average=[load_before, os.getloadavg()[0]],
        **ingest_summary(env),
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
