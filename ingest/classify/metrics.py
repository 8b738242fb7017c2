"""Scores of a probabilistic classifier: accuracy, macro-F1, top-2, calibration."""

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .data import CATEGORY_COUNT, STRUCTURAL

CALIBRATION_BINS = 10


def calibration_bins(proba: np.ndarray, labels: np.ndarray, bins: int = CALIBRATION_BINS):
    """Equal-width bins over the top-1 confidence: how sure vs. how often right."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    # A confidence of exactly 1.0 belongs to the last bin.
    index = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        count = int(mask.sum())
        out.append(
            {
                "lower": float(edges[b]),
                "upper": float(edges[b + 1]),
                "count": count,
                "confidence": float(confidence[mask].mean()) if count else None,
                "accuracy": float(correct[mask].mean()) if count else None,
            }
        )
    return out


def expected_calibration_error(proba: np.ndarray, labels: np.ndarray, bins: int = CALIBRATION_BINS):
    """Weighted mean gap between confidence and accuracy over the bins."""
    total = len(labels)
    if not total:
        return 0.0
    return float(
        sum(
            b["count"] / total * abs(b["confidence"] - b["accuracy"])
            for b in calibration_bins(proba, labels, bins)
            if b["count"]
        )
    )


def scores(proba: np.ndarray, labels) -> dict:
    """Every metric of ``evaluate`` from class probabilities and true labels."""
    labels = np.asarray(labels, dtype=int)
    proba = np.asarray(proba, dtype=float)
    predicted = proba.argmax(axis=1)
    top2 = np.argsort(-proba, axis=1)[:, :2]
    categories = list(range(CATEGORY_COUNT))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=categories, zero_division=0
    )
    return {
        "n": int(len(labels)),
        "accuracy": float((predicted == labels).mean()) if len(labels) else 0.0,
        "macro_f1": macro_f1(labels, predicted),
        "top2_accuracy": float((top2 == labels[:, None]).any(axis=1).mean())
        if len(labels)
        else 0.0,
        "ece": expected_calibration_error(proba, labels),
        "log_loss": float(-np.log(np.clip(proba[np.arange(len(labels)), labels], 1e-12, 1)).mean())
        if len(labels)
        else 0.0,
        "per_category": {
            c: {
                "precision": float(precision[c]),
                "recall": float(recall[c]),
                "f1": float(f1[c]),
                "support": int(support[c]),
            }
            for c in categories
        },
        "confusion_matrix": confusion_matrix(labels, predicted, labels=categories).tolist(),
        "calibration": calibration_bins(proba, labels),
    }


def macro_f1(labels, predicted) -> float:
    """Mean F1 over the categories that occur in the labels or the predictions:
    a category nobody used (14 on the seed file) is no zero in the mean."""
    present = sorted(set(np.asarray(labels).tolist()) | set(np.asarray(predicted).tolist()))
    if not present:
        return 0.0
    return float(f1_score(labels, predicted, labels=present, average="macro", zero_division=0))


def evaluation_scores(proba: np.ndarray, labels, seed_labels) -> dict:
    """The figures of issue 25 on a blind-labelled evaluation set.

    ``seed_labels`` holds the seed file's label where the clause has one, else
    None. Overall accuracy, macro-F1, top-2 accuracy and ECE; accuracy and
    macro-F1 on the clauses whose label agrees with the seed label (the
    labels nobody doubts); precision and recall of 非政策工具 (14).
    """
    labels = np.asarray(labels, dtype=int)
    proba = np.asarray(proba, dtype=float)
    overall = scores(proba, labels)
    predicted = proba.argmax(axis=1)
    agreed = np.array(
        [
            seed is not None and seed == label
            for seed, label in zip(seed_labels, labels, strict=True)
        ],
        dtype=bool,
    )
    said = predicted == STRUCTURAL
    truly = labels == STRUCTURAL
    hits = int((said & truly).sum())
    return {
        "n": overall["n"],
        "accuracy": overall["accuracy"],
        "macro_f1": overall["macro_f1"],
        "top2_accuracy": overall["top2_accuracy"],
        "ece": overall["ece"],
        "log_loss": overall["log_loss"],
        "agreed_n": int(agreed.sum()),
        "agreed_accuracy": float((predicted[agreed] == labels[agreed]).mean())
        if agreed.any()
        else 0.0,
        "agreed_macro_f1": macro_f1(labels[agreed], predicted[agreed]) if agreed.any() else 0.0,
        "structural_n": int(truly.sum()),
        "structural_precision": hits / int(said.sum()) if said.any() else 0.0,
        "structural_recall": hits / int(truly.sum()) if truly.any() else 0.0,
        "per_category": overall["per_category"],
    }
