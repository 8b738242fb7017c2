"""The clause classifier: char n-gram features, a linear SVM, calibrated scores."""

import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from scipy.special import softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from .calibration import Calibrator
from .data import CATEGORY_COUNT

FORMAT = "policybase-clause-classifier"
VERSION = 4
MODEL_NAME = (
    "char 1-3 gram TF-IDF of the text and of its first 8 characters (weight 0.5) "
    "+ LinearSVC (C=0.3), matrix scaling + isotonic top-1"
)
# Clauses are a sentence or two; anything longer is a splitting accident and
# its first few hundred characters say what it is about.
MAX_CHARS = 2000
CALIBRATION_FOLDS = 5
# A heading path (四、金融支持) is evidence besides the clause's own words. It
# is scored by the same model and combined as independent evidence:
#   p ∝ p(category | text) · [p(category | path) / p(category)]^PATH_WEIGHT,
# so a generic heading (二、保障措施), whose guess is close to the prior,
# barely moves anything, and a topical one shifts an open clause. The seed
# TSV has no paths, so the weight cannot be fitted; 1.0 is the plain Bayes
# combination, kept unless curated documents with headings show better.
PATH_WEIGHT = 1.0
# A clause's opening words say what it does (加大财政支持…, 建立健全…机制,
# 开展宣传…) more than the same words later in it: the first LEAD_CHARS
# characters get their own n-grams beside the whole text's. Cross-validated
# (docs/classification.md) +0.004 macro-F1 on two seeds; 8 characters at
# half weight beat 6, 12, 16 and 20, and full weight.
LEAD_CHARS = 8
LEAD_WEIGHT = 0.5


class ModelFileError(Exception):
    """A model file that cannot be used: corrupt, foreign or from another version."""


@dataclass(frozen=True)
class Prediction:
    category: int
    confidence: float
    top: list[tuple[int, float]]  # the three likeliest categories, best first


def clean_inputs(texts) -> list[str]:
    """Strings the vectorizers accept, whatever came in (None, numbers, huge text)."""
    return ["" if t is None else str(t).strip()[:MAX_CHARS] for t in texts]


def build_scorer():
    """Unfitted pipeline text -> per-category scores (``decision_function``).

    The winner of ``bench/compare_classifiers.py``: word n-grams, logistic
    regression, NB-SVM and ensembles were no better in cross-validation, and
    jieba alone would cost more than the whole inference budget. The
    opening's own n-grams (LEAD_CHARS) are the one feature that helped.
    """
    features = FeatureUnion(
        [
            ("text", char_ngrams()),
            ("lead", make_pipeline(FunctionTransformer(leads), char_ngrams())),
        ],
        transformer_weights={"text": 1.0, "lead": LEAD_WEIGHT},
    )
    return make_pipeline(features, LinearSVC(C=0.3))


def char_ngrams():
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)


def leads(texts) -> list[str]:
    return [text[:LEAD_CHARS] for text in texts]


def out_of_fold_scores(build, texts, labels, folds, seed) -> np.ndarray:
    """Scores for every text from a model that did not see it."""
    labels = np.asarray(labels)
    out = np.zeros((len(texts), CATEGORY_COUNT))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    texts = np.asarray(texts, dtype=object)
    for train, test in splitter.split(texts, labels):
        scorer = build().fit(texts[train], labels[train])
        out[test] = full_scores(scorer, texts[test])
    return out


def full_scores(scorer, texts) -> np.ndarray:
    """Scores for all 14 categories, even those missing from a small training set."""
    raw = scorer.decision_function(texts)
    classes = scorer.classes_
    if raw.ndim == 1:  # two classes: sklearn returns one column
        raw = np.column_stack([-raw, raw])
    out = np.full((len(texts), CATEGORY_COUNT), -1e3 if len(classes) < CATEGORY_COUNT else 0.0)
    out[:, classes] = raw
    return out


class ClauseClassifier:
    """Assigns each clause one of the 14 policy-instrument categories (DESIGN §2)."""

    def __init__(self, scorer, calibrator: Calibrator, metadata: dict):
        self.scorer = scorer
        self.calibrator = calibrator
        self.metadata = metadata

    @classmethod
    def train(
        cls,
        texts: list[str],
        labels: list[int],
        paths: list[str] | None = None,
        build=build_scorer,
    ):
        """Fit on labelled clauses. ``paths`` is accepted for symmetry with
        ``predict`` and unused: the seed clauses come without headings, and a
        heading is used at prediction time as extra evidence (see PATH_WEIGHT).
        ``build`` makes the unfitted scorer; the benchmark passes variants."""
        started = time.perf_counter()
        texts = clean_inputs(texts)
        labels = np.asarray(labels, dtype=int)
        calibrator = Calibrator()
        # Calibration needs every category in every fold; a tiny training set
        # (a test, a first curator round) goes uncalibrated rather than failing.
        counts = np.unique(labels, return_counts=True)[1]
        folds = min(CALIBRATION_FOLDS, int(counts.min())) if len(counts) >= 2 else 0
        if folds >= 2:
            scores = out_of_fold_scores(build, texts, labels, folds, seed=0)
            calibrator.fit(scores, labels)
        scorer = build().fit(texts, labels)
        metadata = {
            "version": VERSION,
            "model": MODEL_NAME,
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "n_samples": len(texts),
            "calibration_folds": folds,
            "train_seconds": round(time.perf_counter() - started, 2),
        }
        return cls(scorer, calibrator, metadata)

    def predict_proba(self, texts: list[str], paths: list[str] | None = None) -> np.ndarray:
        """Calibrated probabilities, one row of 14 per text.

        ``paths`` (optional, one heading path per text such as
        "二、重点任务 （四）强化金融支持") adds the path as evidence (see
        PATH_WEIGHT); an empty path changes nothing.
        """
        texts = clean_inputs(texts)
        if not texts:
            return np.zeros((0, CATEGORY_COUNT))
        proba = self.calibrator.transform(full_scores(self.scorer, texts))
        if paths is None:
            return proba
        if len(paths) != len(texts):
            raise ValueError(f"{len(paths)} paths for {len(texts)} texts")
        paths = clean_inputs(paths)
        rows = [i for i, path in enumerate(paths) if path]
        if rows:
            path_proba = self.calibrator.transform(
                full_scores(self.scorer, [paths[i] for i in rows])
            )
            log_p = np.log(np.clip(proba[rows], 1e-12, None))
            log_p += PATH_WEIGHT * np.log(np.clip(path_proba / self.calibrator.prior, 1e-12, None))
            proba[rows] = softmax(log_p, axis=1)
        return proba

    def predict(self, texts: list[str], paths: list[str] | None = None) -> list[Prediction]:
        proba = self.predict_proba(texts, paths)
        top = np.argsort(-proba, axis=1)[:, :3]
        return [
            Prediction(
                category=int(best[0]),
                confidence=float(row[best[0]]),
                top=[(int(c), float(row[c])) for c in best],
            )
            for row, best in zip(proba, top, strict=True)
        ]

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "format": FORMAT,
            "version": VERSION,
            "scorer": self.scorer,
            "calibrator": self.calibrator,
            "metadata": self.metadata,
        }
        # A name of its own for every writer: two processes saving at once
        # into one shared ".partial" wrote into the same file, and the one
        # renamed in place was a mix of both, which joblib then read as arrays
        # of absurd shapes, tens of GB (issue 26).
        handle, partial = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
        )
        os.close(handle)
        try:
            joblib.dump(state, partial, compress=3)
            with open(partial, "rb") as written:
                os.fsync(written.fileno())  # on disk before it takes the name
            os.replace(partial, path)  # a reader never sees half a file
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path):
        try:
            state = joblib.load(path)
        except FileNotFoundError:
            raise
        except Exception as error:
            raise ModelFileError(f"{path}: not a readable classifier file ({error!r})") from error
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ModelFileError(f"{path}: not a PolicyBase clause classifier file")
        if state.get("version") != VERSION:
            raise ModelFileError(
                f"{path}: classifier format version {state.get('version')}, this code reads "
                f"version {VERSION}; delete the file to retrain"
            )
        return cls(state["scorer"], state["calibrator"], state["metadata"])
