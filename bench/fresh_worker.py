"""A first deployment's worker under a burst of files: time to searchable, peak memory.

    .venv/bin/python bench/fresh_worker.py [--stack both|sqlite|postgresql] [--concurrency 4]

The run of issue 26, on real servers (tests/ops/servers.py): a fresh data
dir with no trained model, Redis, SQLite or PostgreSQL, ``celery -A
policybase worker -B --concurrency N`` with the inbox scanned every 5 s, and
gunicorn for search. Ten files are dropped into the inbox at once (eight
two-article notices, the 004 seed page and a corrupt PDF); then the three
seed files and a 300-page generated PDF, the largest inputs we have.

Printed per stack: seconds from the drop until each file is searchable
through /api/search, jobs by state and attempts, pool processes that died
(WorkerLostError in the worker's log), and the peak resident memory of every
process of the worker (main, pool, beat), sampled every 0.1 s.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pdf_rate import generate_reportlab  # noqa: E402

from tests.conftest import seed_path  # noqa: E402
from tests.ops.servers import MemoryWatch, Postgres, Redis, Stack, wait_until  # noqa: E402

CITIES = ["宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "台州市"]
SEEDS = [
    "002_newsletter_dashuju_dongtai_2023_32.txt",
    "003_compilation_data_asset_policies_2024.txt",
    "004_webpage_data_elements_x_plan_traditional.txt",
]
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\x00\xff\x00trailer"


def notice(city: str) -> str:
    return (
        f"{city}数据局关于开展公共数据授权运营试点的通知\n"
        f"第一条 {city}各区县应当建立公共数据授权运营工作机制，明确责任部门。\n"
        f"第二条 本通知自印发之日起施行。\n"
    )


def drop(inbox: Path, files: dict[str, bytes]) -> float:
    inbox.mkdir(exist_ok=True)
    past = time.time() - 60  # complete already: taken at the next scan
    for name, content in files.items():
        (inbox / name).write_bytes(content)
        os.utime(inbox / name, (past, past))
    return time.monotonic()


def searchable(stack: Stack, query: str) -> bool:
    status, body = stack.get(f"/api/search?q={quote(query)}")
    return status == 200 and json.loads(body)["count"] > 0


def filed(stack: Stack, names) -> bool:
    there = {p.name for folder in ("done", "failed") for p in (stack.inbox / folder).glob("*")}
    return set(names) <= there


def run(kind: str, concurrency: int, postgres: Postgres, big_pdf: Path) -> dict:
    redis = Redis().start()
    data_dir = Path(tempfile.mkdtemp(prefix="policybase-fresh-"))
    database = f"fresh_{kind}_{int(time.time())}"
    postgres.execute(f"CREATE DATABASE {database}")
    stack = Stack(postgres, database, redis, data_dir, POLICYBASE_INBOX_INTERVAL="5")
    if kind == "sqlite":
        del stack.env["DATABASE_URL"]
    try:
        stack.manage("migrate", "--noinput")
        stack.start_web()
        worker = stack.start_worker("-B", "--concurrency", str(concurrency), name="worker")
        wait_until(lambda: " ready." in stack.worker_log("worker"), 60, "the worker")
        watch = MemoryWatch(worker.pid).start()

        files = {f"notice-{i}.txt": notice(city).encode() for i, city in enumerate(CITIES)}
        files[SEEDS[2]] = seed_path(SEEDS[2]).read_bytes()
        files["broken.pdf"] = CORRUPT_PDF
        dropped = drop(stack.inbox, files)
        seconds = {}
        for query in [*CITIES, "數據要素"]:
            wait_until(lambda q=query: searchable(stack, q), 300, query)
            seconds[query] = round(time.monotonic() - dropped, 1)
        wait_until(lambda: filed(stack, files), 120, "the burst to be filed away")
        burst_peaks = dict(watch.peaks)

        large = {name: seed_path(name).read_bytes() for name in SEEDS[:2]}
        large["pdf-300-pages.pdf"] = big_pdf.read_bytes()
        started = drop(stack.inbox, large)
        wait_until(lambda: filed(stack, large), 900, "the large files to be filed away")
        large_seconds = round(time.monotonic() - started, 1)
        peaks = watch.stop()

        jobs = stack.jobs()
        log = stack.worker_log("worker")
        children = {pid for pid in peaks if pid != worker.pid}
        return {
            "stack": f"{kind} + redis",
            "concurrency": concurrency,
            "searchable_after_s": seconds,
            "all_searchable_after_s": max(seconds.values()),
            "failed": sorted(p.name for p in (stack.inbox / "failed").glob("*")),
            "jobs": {state: sum(j["state"] == state for j in jobs) for state in ("done", "failed")},
            "max_attempts": max(j["attempts"] for j in jobs),
            "pool_processes_lost": log.count("WorkerLostError"),
            "trainings": log.count("training a classifier"),
            "large_files_s": large_seconds,
            "peak_rss_mb": {
                "main": round(peaks[worker.pid] / 2**20),
                "burst_children": sorted(round(burst_peaks.get(p, 0) / 2**20) for p in children),
                "all_children": sorted(round(peaks[p] / 2**20) for p in children),
            },
        }
    finally:
        stack.stop()
        redis.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stack", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.stack == "both" else [args.stack]
    postgres = Postgres().start()
    folder = Path(tempfile.mkdtemp(prefix="policybase-pdf-"))
    try:
        big_pdf = folder / "pdf-300-pages.pdf"
        generate_reportlab(big_pdf, 300)
        for kind in kinds:
            print(json.dumps(run(kind, args.concurrency, postgres, big_pdf), ensure_ascii=False))
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
