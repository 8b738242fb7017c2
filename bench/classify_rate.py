"""Clauses per second of the shipped classifier on one core, batched.

Trains ``ClauseClassifier`` on the seed clauses (reporting the training
time), then classifies them in batches of 1,000 with one BLAS/OpenMP thread.

    .venv/bin/python bench/classify_rate.py [--batch 1000] [--repeat 3]
"""

import argparse
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.classify.data import load_labeled  # noqa: E402 (after sys.path)
from ingest.classify.model import ClauseClassifier  # noqa: E402

TSV = REPO / "data" / "labeled_clauses.tsv"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the clauses")
    args = parser.parse_args()
    threadpool_limits(1)
    texts, labels = load_labeled(TSV)
    started = time.perf_counter()
    classifier = ClauseClassifier.train(texts, labels)
    print(f"training on {len(texts)} clauses: {time.perf_counter() - started:.1f} s")
    classifier.predict(texts[: args.batch])  # warm up
    started = time.perf_counter()
    done = 0
    for _ in range(args.repeat):
        for start in range(0, len(texts), args.batch):
            done += len(classifier.predict(texts[start : start + args.batch]))
    elapsed = time.perf_counter() - started
    print(f"classified {done} clauses in {elapsed:.2f} s: {done / elapsed:,.0f} clauses/s")
    paths = ["四、金融支持"] * len(texts)
    started = time.perf_counter()
    for start in range(0, len(texts), args.batch):
        classifier.predict(texts[start : start + args.batch], paths[start : start + args.batch])
    elapsed = time.perf_counter() - started
    print(f"with a heading path each: {len(texts) / elapsed:,.0f} clauses/s")


if __name__ == "__main__":
    main()
