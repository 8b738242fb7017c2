"""Rewrite a data dir's search index from its database, timed.

    .venv/bin/python bench/reindex.py var/bench/corpus-100000

What ``manage.py reconcile_index --rebuild`` does
(``policybase.search.indexing.rebuild_index``: every clause of
``ClauseIndex.index_queryset`` into a new generation, swapped in), with the
time and CPU time it took; also for a benchmark corpus indexed by an older
version of the backend.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate_corpus  # noqa: E402 (after sys.path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()
    generate_corpus.setup_django(args.data_dir)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    index_all()
    print(f"load average: {os.getloadavg()[0]:.2f}")


def index_all(progress=print) -> float:
    """Rebuild the index from the database; returns the seconds taken."""
    from policybase.search.indexing import rebuild_index

    started, cpu = time.perf_counter(), time.process_time()

    def report(written):
        if written % 50_000 == 0:
            progress(f"  {written:,} clauses, {time.perf_counter() - started:.0f} s")

    total = rebuild_index(progress=report)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    progress(
        f"{total:,} clauses indexed in {seconds:.0f} s ({cpu:.0f} CPU s): "
        f"{total / seconds:,.0f} clauses/s, {total / cpu:,.0f} per CPU s"
    )
    return seconds


if __name__ == "__main__":
    main()
