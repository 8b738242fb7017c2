"""What the heading path, the document type and the structural patterns each
add, on the blind-labelled evaluation set (data/evaluation/clauses.tsv).

Trains the shipped model on the seed clauses less the set's texts (as the
product does), then scores variants of the context the model is given, on the
whole set and on its two halves: the development half the constants were
chosen on and the test half they were not (split by document: a corpus
clause by its source file, a seed clause by its text; md5, even first byte =
development). Prints markdown tables for docs/classification.md.

    .venv/bin/python bench/evaluate_instruments.py [--model FILE]
"""

import argparse
import csv
import hashlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.classify import model as model_module  # noqa: E402 (after sys.path)
from ingest.classify.data import load_evaluation, load_training  # noqa: E402
from ingest.classify.metrics import evaluation_scores  # noqa: E402
from ingest.classify.model import ClauseClassifier  # noqa: E402

SEED = REPO / "data" / "labeled_clauses.tsv"
EVALUATION = REPO / "data" / "evaluation" / "clauses.tsv"
COLUMNS = [
    ("accuracy", "acc"),
    ("macro_f1", "macro-F1"),
    ("top2_accuracy", "top-2"),
    ("ece", "ECE"),
    ("log_loss", "log loss"),
    ("agreed_accuracy", "acc (label = seed)"),
    ("structural_precision", "14 P"),
    ("structural_recall", "14 R"),
]


def halves(path: Path) -> list[str]:
    """'dev' or 'test' per row of the evaluation file, by document."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for row in rows:
        key = row["text"].strip() if row["source"] == "seed-heldout" else row["source"]
        out.append("dev" if hashlib.md5(key.encode()).digest()[0] % 2 == 0 else "test")
    return out


def score(classifier, rows, mask, paths: bool, doc_types: bool) -> dict:
    chosen = [row for row, keep in zip(rows, mask, strict=True) if keep]
    proba = classifier.predict_proba(
        [r.text for r in chosen],
        [r.path for r in chosen] if paths else None,
        [r.doc_type for r in chosen] if doc_types else None,
    )
    return evaluation_scores(proba, [r.label for r in chosen], [r.seed_label for r in chosen])


def table(title, lines):
    print(f"\n{title}\n")
    print("| variant | part | n | " + " | ".join(label for _, label in COLUMNS) + " |")
    print("|---|---|---|" + "---|" * len(COLUMNS))
    for name, part, result in lines:
        cells = " | ".join(f"{result[key]:.3f}" for key, _ in COLUMNS)
        print(f"| {name} | {part} | {result['n']} | {cells} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a saved model instead of training one")
    args = parser.parse_args()
    if args.model:
        classifier = ClauseClassifier.load(args.model)
    else:
        classifier = ClauseClassifier.train(*load_training(SEED, EVALUATION))
    rows = load_evaluation(EVALUATION)
    part_of = halves(EVALUATION)
    parts = {
        "all": np.ones(len(rows), bool),
        "dev": np.array([p == "dev" for p in part_of]),
        "test": np.array([p == "test" for p in part_of]),
    }
    corpus = np.array([bool(r.doc_type) for r in rows])  # the clauses with context

    lines = []
    for name, paths, kinds in [
        ("text only", False, False),
        ("+ heading path", True, False),
        ("+ document type", False, True),
        ("+ both (shipped)", True, True),
    ]:
        for part, mask in parts.items():
            lines.append((name, part, score(classifier, rows, mask, paths, kinds)))
    table("Context on the whole set (structural patterns on throughout):", lines)

    lines = []
    shipped = model_module.PATH_WEIGHT, model_module.LEGISLATION_REGULATION
    for weight in (0.0, 0.25, 0.5, 1.0):
        for factor in (1.0, 2.0, 4.0, 8.0):
            model_module.PATH_WEIGHT, model_module.LEGISLATION_REGULATION = weight, factor
            for part in ("dev", "test"):
                mask = parts[part] & corpus
                result = score(classifier, rows, mask, True, True)
                lines.append((f"path ×{weight}, 法规管制 ×{factor}", part, result))
    model_module.PATH_WEIGHT, model_module.LEGISLATION_REGULATION = shipped
    table("The two constants, on the corpus clauses (those with a path and a type):", lines)


if __name__ == "__main__":
    main()
