"""The clause classifier as the running application uses it.

One model per process, loaded from the data dir; a missing model, or one an
older version of PolicyBase wrote, is trained from the seed clauses shipped in
``data/`` on first use (DESIGN §4.3) and recorded as a ``ModelVersion``
without scores, so the admin always shows which model is live. A process
notices when ``manage.py train`` (or the nightly retraining in a worker)
replaced the file, and loads the new model before its next prediction.
"""

import functools
import logging
import threading
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, transaction

# The store flags clauses for review through this module, which labels them.
from policybase.catalog.review import review_flag  # noqa: F401
from policybase.locks import file_lock

from .classify.data import labels_digest, load_training
from .drafts import DocumentDraft
from .models import ModelVersion

if TYPE_CHECKING:
    from .classify.model import ClauseClassifier

log = logging.getLogger(__name__)
_lock = threading.Lock()


def get_classifier() -> "ClauseClassifier":
    path = settings.CLASSIFIER_PATH
    return _classifier(path, _file_signature(path))


def _file_signature(path):
    """What changes when the file is replaced (``save`` renames a new file into
    place, so the inode changes even within one mtime tick); None if missing."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


class ClassifierUnavailable(Exception):
    """No usable model and none could be trained: the job fails with this
    message instead of classifying with nothing."""


# Training the seed model takes 15 s to a minute; a process that waits longer
# than this for another one's training gives up, and its job says why.
TRAINING_LOCK_TIMEOUT_SECONDS = 600


# One entry, keyed by the file's signature: the model of the current file.
# After training into a missing file the next call loads what was written, once.
@functools.lru_cache(maxsize=1)
def _classifier(path, signature) -> "ClauseClassifier":
    # scikit-learn (~60 MB resident) comes with the model, not with this
    # module: the web process imports this one (the store, the admin) and
    # classifies only if it runs an ingest job itself, with no broker.
    from .classify.model import ClauseClassifier, ModelFileError

    with _lock:
        if signature is not None:
            try:
                classifier = ClauseClassifier.load(path)
            except ModelFileError as error:
                log.warning("cannot use the classifier file (%s): training a new one", error)
            else:
                record_version(path.name, classifier, unless_any=True)
                return classifier
        # Every process of a worker may find the model missing at once (a new
        # data dir, four jobs): one trains, the others wait for its file.
        with file_lock(path.with_name(path.name + ".lock"), TRAINING_LOCK_TIMEOUT_SECONDS) as got:
            if not got:
                raise ClassifierUnavailable(
                    f"分类模型正由另一进程训练，{TRAINING_LOCK_TIMEOUT_SECONDS} 秒内未完成；"
                    "请稍后重新运行本任务"
                )
            if _file_signature(path) != signature:
                try:
                    return ClauseClassifier.load(path)
                except ModelFileError as error:
                    log.warning("the classifier another process wrote is unusable: %s", error)
            return _train_seed_model(path)


def _train_seed_model(path) -> "ClauseClassifier":
    from .classify.model import ClauseClassifier

    log.info("training a classifier from %s into %s", settings.SEED_CLAUSES, path)
    try:
        texts, labels = seed_clauses()
        classifier = ClauseClassifier.train(texts, labels)
        classifier.save(path)
    except (OSError, ValueError) as error:
        raise ClassifierUnavailable(
            f"没有可用的分类模型，也无法从 {settings.SEED_CLAUSES} 训练：{error}"
        ) from error
    record_version(path.name, classifier, data_digest=labels_digest(texts, labels))
    return classifier


def seed_clauses() -> tuple[list[str], list[int]]:
    """The seed clauses the model learns from: the shipped file less the
    evaluation set's texts."""
    return load_training(settings.SEED_CLAUSES, settings.EVALUATION_CLAUSES)


def record_version(
    file_name: str, classifier: "ClauseClassifier", unless_any=False, data_digest=""
) -> None:
    """Record a model trained on first use as a ModelVersion without scores:
    cross-validation takes minutes, ``manage.py train`` makes scored versions.

    With ``unless_any`` (a model file loaded from disk) only when no version
    is recorded at all: the file was trained by a dry run before the database
    was migrated, or by a PolicyBase that kept no versions. Either way the
    admin then shows which model is live.
    """
    try:
        with transaction.atomic():
            if unless_any and ModelVersion.objects.exists():
                return
            ModelVersion.objects.create(
                file_name=file_name,
                seed_samples=classifier.metadata.get("n_samples", 0),
                curated_samples=0,
                data_digest=data_digest,
            )
    except DatabaseError as error:
        # Nowhere to record it yet (a dry run on a data dir that was never
        # migrated); the model file is good all the same.
        log.info("classifier not recorded as a model version: %s", error)


def categorize(drafts: list[DocumentDraft]) -> None:
    """Set category, confidence and top guesses on every clause of ``drafts``."""
    clauses = [clause for draft in drafts for clause in draft.clauses]
    if not clauses:
        return
    doc_types = [draft.doc_type or "" for draft in drafts for _ in draft.clauses]
    predictions = get_classifier().predict(
        [c.text for c in clauses], [" ".join(c.path) for c in clauses], doc_types
    )
    for clause, prediction in zip(clauses, predictions, strict=True):
        clause.category = prediction.category
        clause.confidence = round(prediction.confidence, 4)
        clause.top = [(category, round(p, 4)) for category, p in prediction.top]
