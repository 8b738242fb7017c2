"""Clauses per second of storing and of indexing a generated corpus, and the
peak memory of ingestion.

    .venv/bin/python bench/ingest_bench.py --clauses 10000 [--end-to-end 5000]

Generates ``--clauses`` clauses (bench/generate_corpus.py), classifies them with
the application's model, then in a fresh data dir under var/bench/:

  store    ``ingest.store.store_file``, twenty documents to a file, with the
           index task that each file's commit queues held back (the bench
           replaces ``update_index.delay``, which runs the task in-process in
           the embedded default, by a list of its arguments)
  index    ``apply_index_changes`` with each held-back task's arguments, in
           order: exactly what the task does after each file's commit

and prints clauses per second of each and of both together, by the clock and
by this process's CPU time (the machine is shared: the clock counts the other
processes' load too), with the peak RSS of this process after each step. The
data dir it fills, var/bench/corpus-N unless ``--data-dir`` says otherwise, is
the one bench/search_bench.py searches. ``--rebuild`` indexes by rebuilding
the whole index once everything is stored instead (bench/reindex.py, what
``reconcile_index --rebuild`` does). ``--end-to-end N`` also writes N clauses as
text files and times ``manage.py ingest`` on them in a child process (read,
parse, classify, store, index; one ingest job per file), with that child's
peak RSS. PDF pages per second of parsing are bench/pdf_rate.py's.
"""

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate_corpus  # noqa: E402 (after sys.path)
import reindex  # noqa: E402

BENCH_DIR = REPO / "var" / "bench"
# Written last into a corpus data dir: the search bench reuses only a complete one.
COMPLETE = "complete.json"


def corpus_dir(clauses: int) -> Path:
    return BENCH_DIR / f"corpus-{clauses}"


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    # Training the classifier takes a minute and is measured by classify_rate.py.
    trained = REPO / "var" / "classifier.joblib"
    if trained.exists():
        shutil.copy(trained, path / "classifier.joblib")
    return path


def store_then_index(clauses: int, data_dir: Path, rebuild: bool = False) -> dict:
    from ingest.categorize import categorize
    from ingest.store import store_file
    from policybase.search.indexing import apply_index_changes
    from policybase.search.tasks import update_index

    categorize(list(generate_corpus.generate(10)))  # load the model outside the timings
    pending: list[tuple] = []
    update_index.delay = lambda *args: pending.append(args)
    classify_s = store_s = store_cpu = 0.0
    documents = 0
    try:
        # Batch by batch, as files come in: memory holds one file's drafts.
        for path, batch in generate_corpus.stored_batches(
            generate_corpus.generate(clauses), data_dir
        ):
            started = time.perf_counter()
            categorize(batch)
            classify_s += time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            store_file(path, batch)
            store_s += time.perf_counter() - started
            store_cpu += time.process_time() - cpu
            documents += len(batch)
    finally:
        del update_index.delay  # the class's own again
    store_rss = peak_rss_mb()

    started, cpu = time.perf_counter(), time.process_time()
    if rebuild:
        reindex.index_all(progress=lambda line: print(line, flush=True))
    else:
        for document_ids, removed_clause_ids in pending:
            apply_index_changes(document_ids, removed_clause_ids)
    index_s, index_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "clauses": clauses,
        "documents": documents,
        "classify_s": classify_s,
        "store_s": store_s,
        "store_cpu_s": store_cpu,
        "index_s": index_s,
        "index_cpu_s": index_cpu,
        "store_rss": store_rss,
        "index_rss": peak_rss_mb(),
    }


def end_to_end(clauses: int) -> dict:
    """``manage.py ingest`` on text files, in a child process with its own data dir."""
    files = BENCH_DIR / f"text-{clauses}"
    shutil.rmtree(files, ignore_errors=True)
    generate_corpus.write_files(generate_corpus.generate(clauses), files)
    data_dir = fresh_dir(BENCH_DIR / f"e2e-{clauses}")
    env = {**os.environ, "POLICYBASE_DATA_DIR": str(data_dir)}
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run([*manage, "ingest", str(files)], env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    # The parser's count, which need not be the generator's.
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        stored = db.execute("SELECT count(*) FROM catalog_clause").fetchone()[0]
    return {"clauses": stored, "seconds": seconds, "rss": peak_rss_mb(resource.RUSAGE_CHILDREN)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--end-to-end", type=int, default=0, metavar="N")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="index by one rebuild once all is stored, instead of file by file (bench/reindex.py)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="fill this data dir instead of var/bench/corpus-N (which a search bench may be using)",
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    if args.end_to_end:
        e2e = end_to_end(args.end_to_end)
        print(
            f"manage.py ingest, {args.end_to_end:,} generated clauses in text files, "
            f"{e2e['clauses']:,} stored: {e2e['seconds']:.1f} s, "
            f"{e2e['clauses'] / e2e['seconds']:,.0f} clauses/s, peak RSS {e2e['rss']:.0f} MB",
            flush=True,
        )
    data_dir = fresh_dir(args.data_dir or corpus_dir(args.clauses))
    generate_corpus.setup_django(data_dir)
    r = store_then_index(args.clauses, data_dir, args.rebuild)
    (data_dir / COMPLETE).write_text(json.dumps(r, indent=1))
    n = r["clauses"]
    both = r["store_s"] + r["index_s"]
    print(f"{n:,} clauses in {r['documents']:,} documents")
    both_cpu = r["store_cpu_s"] + r["index_cpu_s"]
    index = "index, one rebuild" if args.rebuild else "index"
    print("| step | seconds | clauses/s | CPU seconds | clauses/CPU s | peak RSS after (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| classify | {r['classify_s']:.1f} | {n / r['classify_s']:,.0f} | | | |")
    for step, wall, cpu, rss in (
        ("store", r["store_s"], r["store_cpu_s"], f"{r['store_rss']:.0f}"),
        (index, r["index_s"], r["index_cpu_s"], f"{r['index_rss']:.0f}"),
        ("store + index", both, both_cpu, ""),
    ):
        print(f"| {step} | {wall:.1f} | {n / wall:,.0f} | {cpu:.1f} | {n / cpu:,.0f} | {rss} |")
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
