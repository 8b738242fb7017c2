"""Scores of a classifier on labelled clauses, and stratified cross-validation."""

import numpy as np
from sklearn.model_selection import StratifiedKFold

from . import metrics
from .data import CATEGORY_COUNT
from .model import ClauseClassifier


def evaluate(clf: ClauseClassifier, texts: list[str], labels: list[int]) -> dict:
    """Accuracy, macro-F1, top-2 accuracy, ECE, per-category scores, confusion
    matrix and calibration bins of ``clf`` on labelled texts."""
    return metrics.scores(clf.predict_proba(texts), labels)


def out_of_fold_proba(texts, labels, folds: int = 5, seed: int = 0, train=None) -> np.ndarray:
    """Probabilities for every text from a model of a stratified ``folds``-fold
    split that did not see it. ``train(texts, labels)`` builds the model under
    test (default ``ClauseClassifier.train``); the benchmark passes alternatives."""
    train = train or ClauseClassifier.train
    texts = np.asarray(texts, dtype=object)
    labels = np.asarray(labels, dtype=int)
    proba = np.zeros((len(texts), CATEGORY_COUNT))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(texts, labels):
        model = train(list(texts[train_index]), list(labels[train_index]))
        proba[test_index] = model.predict_proba(list(texts[test_index]))
    return proba


def cross_validate(texts, labels, folds: int = 5, seed: int = 0, train=None) -> dict:
    """The ``evaluate`` metrics over the out-of-fold predictions of
    ``out_of_fold_proba``."""
    proba = out_of_fold_proba(texts, labels, folds, seed, train)
    result = metrics.scores(proba, labels)
    result["folds"] = folds
    result["seed"] = seed
    return result
