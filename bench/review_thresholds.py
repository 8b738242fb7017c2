"""How many clauses the review flag marks, and how right the model is on them.

Cross-validated out-of-fold probabilities of the shipped classifier on the
seed clauses (stratified 5-fold, seed 0, as in docs/classification.md), then,
for a few pairs of thresholds of ``ingest.classify.review.needs_review``: the
share of clauses flagged, accuracy and top-2 accuracy of the flagged and the
unflagged ones, and the share of all wrong labels that land among the
flagged. Prints a Markdown table (~3 min on 2 cores).

    .venv/bin/python bench/review_thresholds.py [--folds 5]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.classify.data import load_labeled  # noqa: E402 (after sys.path)
from ingest.classify.review import needs_review  # noqa: E402
from ingest.classify.validation import out_of_fold_proba  # noqa: E402

TSV = REPO / "data" / "labeled_clauses.tsv"
# (min_confidence, min_margin); 0 switches a criterion off.
THRESHOLDS = [
    (0.4, 0.0),
    (0.5, 0.0),
    (0.6, 0.0),
    (0.0, 0.1),
    (0.0, 0.2),
    (0.4, 0.1),
    (0.45, 0.1),
    (0.45, 0.15),
    (0.5, 0.1),
    (0.5, 0.15),
    (0.5, 0.2),
    (0.55, 0.15),
    (0.6, 0.2),
]


def top_guesses(proba: np.ndarray) -> list[list[list[float]]]:
    """Each row's three likeliest categories as the model stores them."""
    best = np.argsort(-proba, axis=1)[:, :3]
    return [
        [[int(c), float(row[c])] for c in order] for row, order in zip(proba, best, strict=True)
    ]


def table(proba: np.ndarray, labels: np.ndarray, thresholds) -> list[str]:
    tops = top_guesses(proba)
    correct = proba.argmax(axis=1) == labels
    in_top2 = (np.argsort(-proba, axis=1)[:, :2] == labels[:, None]).any(axis=1)
    lines = [
        "| confidence < | margin < | flagged | accuracy flagged | top-2 flagged "
        "| accuracy unflagged | wrong labels flagged |",
        "|---|---|---|---|---|---|---|",
    ]
    for min_confidence, min_margin in thresholds:
        flagged = np.array([needs_review(top, min_confidence, min_margin) for top in tops])
        lines.append(
            f"| {min_confidence or '–'} | {min_margin or '–'} | {flagged.mean():.1%} "
            f"| {correct[flagged].mean():.1%} | {in_top2[flagged].mean():.1%} "
            f"| {correct[~flagged].mean():.1%} "
            f"| {(flagged & ~correct).sum() / (~correct).sum():.1%} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    texts, labels = load_labeled(TSV)
    labels = np.asarray(labels)
    proba = out_of_fold_proba(texts, labels, folds=args.folds)
    print(
        f"{len(texts)} clauses, {args.folds}-fold out-of-fold accuracy {(proba.argmax(1) == labels).mean():.1%}\n"
    )
    print("\n".join(table(proba, labels, THRESHOLDS)))


if __name__ == "__main__":
    main()
