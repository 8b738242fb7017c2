"""How the review rule behaves at a few thresholds, on labels one can trust.

The rule (``policybase.catalog.review.worth_reviewing``): a model-labelled
clause whose confidence is below the curators' 存疑阈值 is shown with its two
likeliest categories, and goes to the review queue when those two together
hold at least a "choice mass". For a grid of both, on the blind-labelled
evaluation set (data/evaluation/clauses.tsv, scored by a model trained
without its texts, paths and document types given): the share shown in doubt
and queued, how often the model's first answer and its pair of answers are
right among the queued clauses and among the others in doubt, and the share
of all wrong answers the queue holds. Prints a Markdown table (~1 min).

    .venv/bin/python bench/review_thresholds.py
"""

import os
import sys
from pathlib import Path

import django
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
django.setup()

from ingest.classify.data import load_evaluation, load_training  # noqa: E402 (after setup)
from ingest.classify.model import ClauseClassifier  # noqa: E402
from policybase.catalog.review import worth_reviewing  # noqa: E402

SEED = REPO / "data" / "labeled_clauses.tsv"
EVALUATION = REPO / "data" / "evaluation" / "clauses.tsv"
DOUBT = [0.4, 0.45, 0.5, 0.55, 0.6]
CHOICE = [0.0, 0.6, 0.65, 0.7]


def main():
    classifier = ClauseClassifier.train(*load_training(SEED, EVALUATION))
    rows = load_evaluation(EVALUATION)
    predictions = classifier.predict(
        [r.text for r in rows], [r.path for r in rows], [r.doc_type for r in rows]
    )
    labels = np.array([r.label for r in rows])
    tops = [[[c, p] for c, p in prediction.top] for prediction in predictions]
    first = np.array([top[0][0] for top in tops]) == labels
    pair = np.array(
        [label in (top[0][0], top[1][0]) for top, label in zip(tops, labels, strict=True)]
    )
    confidence = np.array([top[0][1] for top in tops])
    print(f"{len(rows)} clauses, accuracy {first.mean():.1%}, top-2 {pair.mean():.1%}\n")
    print(
        "| 存疑阈值 | choice mass | in doubt | queued | queued: first right | queued: pair right "
        "| doubt, not queued: pair right | wrong answers queued |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for doubt in DOUBT:
        for choice in CHOICE:
            in_doubt = confidence < doubt
            queued = np.array(
                [top[0][1] < doubt and top[0][1] + top[1][1] >= choice for top in tops]
            )
            if choice == 0.65:
                assert (queued == np.array([worth_reviewing(t, doubt) for t in tops])).all()
            rest = in_doubt & ~queued
            print(
                f"| {doubt} | {choice or '–'} | {in_doubt.mean():.1%} | {queued.mean():.1%} "
                f"| {first[queued].mean():.1%} | {pair[queued].mean():.1%} "
                f"| {pair[rest].mean() if rest.any() else float('nan'):.1%} "
                f"| {(queued & ~first).sum() / (~first).sum():.1%} |"
            )


if __name__ == "__main__":
    main()
