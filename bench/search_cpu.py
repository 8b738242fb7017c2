"""CPU time of ``query.search`` in this process, per query of the search bench's mix.

    .venv/bin/python bench/search_cpu.py --clauses 100000 [--runs 5]

Searches the data dir var/bench/corpus-N (built by bench/ingest_bench.py)
without HTTP, and prints each query's hit count and the median CPU time of
``--runs`` runs after one search that opens the index. CPU time, unlike
wall-clock time, hardly changes with the load other processes put on the
machine. (The engine's threads search inside the call, so their CPU time is
this process's.)
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
    args = parser.parse_args()
    os.environ["POLICYBASE_DATA_DIR"] = str(corpus_dir(args.clauses))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
    import django

    django.setup()
    from policybase.search.query import Filters, search

    search("x", Filters())  # opens the index
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print("| class | query | filters | hits | CPU ms |")
    print("|---|---|---|---:|---:|")
    for name, query, filters in QUERIES:
        typed = {
            k: dt.date.fromisoformat(v) if k.startswith("date") else v for k, v in filters.items()
        }
        samples = []
        for _ in range(args.runs):
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
