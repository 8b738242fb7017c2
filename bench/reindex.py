"""Rewrite a data dir's search index from its database in a few large commits.

    .venv/bin/python bench/reindex.py var/bench/corpus-100000 [--batch 10000]

For a benchmark corpus indexed by an older version of the backend (before
facet columns): ``ingest_bench.py`` would store and index it all again, one
commit per file; this writes the clauses of ``ClauseIndex.index_queryset`` in
batches of ``--batch`` clauses, one commit each, under the index's write lock
(``policybase.search.indexing.rebuild_index``).
"""

import argparse
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
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    generate_corpus.setup_django(args.data_dir)
    index_all(args.batch)


def index_all(batch: int, progress=print) -> float:
    """Clear the index and write every clause in batches; returns the seconds taken."""
    from policybase.search.indexing import rebuild_index

    started = time.perf_counter()

    def report(written):
        progress(f"  {written:,} clauses, {time.perf_counter() - started:.0f} s")

    total = rebuild_index(batch, progress=report)
    seconds = time.perf_counter() - started
    progress(f"{total:,} clauses indexed in {seconds:.0f} s: {total / seconds:,.0f} clauses/s")
    return seconds


if __name__ == "__main__":
    main()
