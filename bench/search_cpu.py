"""CPU time of ``query.search`` in this process, per query of the search bench's mix.

    .venv/bin/python bench/search_cpu.py --clauses 100000 [--runs 5] [--cold]

Searches the data dir var/bench/corpus-N (built by bench/ingest_bench.py)
without HTTP, and prints each query's hit count and the median CPU time of
``--runs`` runs after one search that opens the index. CPU time, unlike
wall-clock time, hardly changes with the load other processes put on the
machine. ``--cold`` empties the cache of decoded postings before every run,
as for characters the process has not read since it started.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from ingest_bench import corpus_dir  # noqa: E402 (after sys.path)
from search_bench import QUERIES  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cold", action="store_true", help="empty the postings cache before each run"
    )
    args = parser.parse_args()
    os.environ["POLICYBASE_DATA_DIR"] = str(corpus_dir(args.clauses))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
    import django

    django.setup()
    from policybase.search import arrays
    from policybase.search.query import Filters, search

    search("x", Filters())  # opens the index and builds each segment's arrays
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print("| class | query | filters | hits | CPU ms |")
    print("|---|---|---|---:|---:|")
    for name, query, filters in QUERIES:
        typed = {
            k: dt.date.fromisoformat(v) if k.startswith("date") else v for k, v in filters.items()
        }
        samples = []
        for _ in range(args.runs):
            if args.cold:
                arrays.POSTINGS.clear()
            started = time.process_time()
            page = search(query, Filters(**typed))
            samples.append(time.process_time() - started)
        shown = " ".join(f"{k}={v}" for k, v in filters.items())
        print(
            f"| {name} | {query or '(empty)'} | {shown} | {page.count:,} | "
            f"{statistics.median(samples) * 1000:.0f} |"
        )
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
