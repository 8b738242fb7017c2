"""The clause classifier as the running application uses it.

One model per process, loaded from the data dir; a missing model, or one an
older version of PolicyBase wrote, is trained from the seed clauses shipped in
``data/`` on first use (DESIGN §4.3).
"""

import functools
import logging
import threading

from django.conf import settings

from .classify import ClauseClassifier, ModelFileError, load_labeled
from .classify.review import needs_review
from .drafts import DocumentDraft

log = logging.getLogger(__name__)
_lock = threading.Lock()


@functools.cache
def get_classifier() -> ClauseClassifier:
    with _lock:
        path = settings.CLASSIFIER_PATH
        if path.exists():
            try:
                return ClauseClassifier.load(path)
            except ModelFileError as error:
                log.warning("cannot use the classifier file (%s): training a new one", error)
        log.info("training a classifier from %s into %s", settings.SEED_CLAUSES, path)
        texts, labels = load_labeled(settings.SEED_CLAUSES)
        classifier = ClauseClassifier.train(texts, labels)
        classifier.save(path)
        return classifier


def review_flag(top) -> bool:
    """Whether a clause with the model's guesses ``top`` is flagged for review,
    with the thresholds of the settings."""
    return needs_review(
        top, settings.CLASSIFIER_REVIEW_CONFIDENCE, settings.CLASSIFIER_REVIEW_MARGIN
    )


def categorize(drafts: list[DocumentDraft]) -> None:
    """Set category, confidence and top guesses on every clause of ``drafts``."""
    clauses = [clause for draft in drafts for clause in draft.clauses]
    if not clauses:
        return
    predictions = get_classifier().predict(
        [c.text for c in clauses], [" ".join(c.path) for c in clauses]
    )
    for clause, prediction in zip(clauses, predictions, strict=True):
        clause.category = prediction.category
        clause.confidence = round(prediction.confidence, 4)
        clause.top = [(category, round(p, 4)) for category, p in prediction.top]
