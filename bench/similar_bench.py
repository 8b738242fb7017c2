"""Time of one 相似条款 lookup (``similar_clauses``) on a benchmark corpus.

    .venv/bin/python bench/similar_bench.py [--clauses 10000] [--samples 30]

Runs on the data dir var/bench/corpus-N that bench/ingest_bench.py fills (run
that first), for randomly chosen clauses, after one warm-up lookup; prints
p50, p95 and the slowest.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    data_dir = REPO / "var" / "bench" / f"corpus-{args.clauses}"
    if not (data_dir / "db.sqlite3").exists():
        sys.exit(f"{data_dir} is missing: bench/ingest_bench.py --clauses {args.clauses} fills it")
    os.environ["POLICYBASE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
    import django

    django.setup()
    from policybase.catalog.models import Clause
    from policybase.search.query import similar_clauses

    ids = list(Clause.objects.values_list("pk", flat=True))
    chosen = random.Random(1).sample(ids, min(args.samples, len(ids)))
    similar_clauses(Clause.objects.get(pk=chosen[0]))  # opens the index, loads jieba
    times = []
    for pk in chosen:
        clause = Clause.objects.get(pk=pk)
        started = time.perf_counter()
        similar_clauses(clause)
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{len(ids):,} clauses, {len(times)} lookups: p50 {times[len(times) // 2] * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, slowest {times[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
