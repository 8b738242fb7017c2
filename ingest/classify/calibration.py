"""From a linear model's raw scores to probabilities that mean what they say.

Two steps, both fitted on out-of-fold scores (scores of texts the scoring
model did not see, as at prediction time):

1. matrix scaling: a multinomial logistic regression on the 14 scores. It
   learns how far to trust each category's score and how scores of related
   categories (资金投入 vs 税收优惠) trade off; in cross-validation it beats a
   single temperature on log loss and even on macro-F1 (docs/classification.md).
2. isotonic regression of "top answer right?" on the top probability, which
   straightens what is left of the reliability curve (ECE) without changing
   which category comes first.
"""

import numpy as np
from scipy.special import softmax
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from .data import INSTRUMENT_COUNT


class Calibrator:
    def __init__(self):
        self.matrix = None
        self.isotonic = None
        # How common each category is in training (add-one smoothed): what a
        # text that says nothing would get.
        self.prior = np.full(INSTRUMENT_COUNT, 1.0 / INSTRUMENT_COUNT)

    def fit(self, scores: np.ndarray, labels: np.ndarray) -> "Calibrator":
        counts = np.bincount(labels, minlength=INSTRUMENT_COUNT) + 1.0
        self.prior = counts / counts.sum()
        self.matrix = LogisticRegression(C=1.0, max_iter=2000).fit(scores, labels)
        proba = self._matrix_proba(scores)
        self.isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            proba.max(axis=1), proba.argmax(axis=1) == labels
        )
        return self

    def transform(self, scores: np.ndarray) -> np.ndarray:
        if self.matrix is None:  # fitted on too little data: plain softmax
            return softmax(scores, axis=1)
        return reshape_top(self._matrix_proba(scores), self.isotonic.predict)

    def _matrix_proba(self, scores):
        out = np.zeros((len(scores), INSTRUMENT_COUNT))
        out[:, self.matrix.classes_] = self.matrix.predict_proba(scores)
        return out


def reshape_top(proba: np.ndarray, calibrate) -> np.ndarray:
    """Set each row's top probability to ``calibrate(top)``; rescale the rest.

    The new top is kept at least as large as the rescaled runner-up, so the
    ranking never changes: calibration decides how sure, not what.
    """
    rows = np.arange(len(proba))
    best = proba.argmax(axis=1)
    top = proba[rows, best]
    second = np.sort(proba, axis=1)[:, -2] if proba.shape[1] > 1 else np.zeros(len(proba))
    rest = np.clip(1.0 - top, 1e-12, None)
    target = np.maximum(calibrate(top), second / np.clip(rest + second, 1e-12, None))
    out = proba * ((1.0 - target) / rest)[:, None]
    out[rows, best] = target
    return out / out.sum(axis=1, keepdims=True)
