"""Retrain the clause classifier from the seed data plus curators' corrections.

A curator's category is the truth for its text: it replaces the seed label of
the same text and adds the texts the seed data lacks. Clauses whose category
the model set are relabelled with the new model; a curator's never are.

Every model version records a digest of the texts and labels it learnt from,
so the nightly retraining (``train --if-changed``) runs only when curators
have changed a category, or an upgrade the seed data, since.
"""

from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from policybase.catalog.models import Clause
from policybase.search.tasks import schedule_reindex

from .categorize import get_classifier, review_flag, seed_clauses
from .classify.data import labels_digest
from .models import ModelVersion

RELABEL_BATCH = 2000


class TrainingData(NamedTuple):
    texts: list[str]
    labels: list[int]
    seed_count: int  # texts from the seed file
    curated_count: int  # texts a curator categorised

    @property
    def digest(self) -> str:
        return labels_digest(self.texts, self.labels)


def training_data() -> TrainingData:
    """The seed clauses with every curator's category over them."""
    texts, labels = seed_clauses()
    by_text = dict(zip(texts, labels, strict=True))
    seed_count = len(by_text)
    # In a fixed order, so that of one text corrected differently in two
    # documents the same (the later) correction wins every time.
    curated = (
        Clause.objects.filter(category_source=Clause.CategorySource.CURATOR, category__isnull=False)
        .order_by("pk")
        .values_list("text", "category_id")
    )
    curated_texts = set()
    for text, category in curated:
        text = text.strip()
        by_text[text] = category
        curated_texts.add(text)
    return TrainingData(list(by_text), list(by_text.values()), seed_count, len(curated_texts))


def retraining_due(data: TrainingData) -> bool:
    """Whether the model in use learnt from other data than this."""
    current = ModelVersion.in_use()
    return current is None or current.data_digest != data.digest


def models_to_train(folds: int) -> int:
    """One model per cross-validation fold (none below two folds), then the final one."""
    return folds + 1 if folds > 1 else 1


def train_and_install(data: TrainingData, folds: int = 5, trained=lambda: None) -> ModelVersion:
    """Train on ``data``; ``trained()`` is
    called after each of the ``models_to_train(folds)`` models (a progress bar)."""
    # scikit-learn comes with training, not with this module: the admin
    # imports it to tell whether training is due (tests/web/test_footprint.py).
    from .classify.model import ClauseClassifier
    from .classify.validation import cross_validate

    texts, labels, seed_count, curated_count = data

    def train(texts, labels):
        model = ClauseClassifier.train(texts, labels)
        trained()
        return model

    scores = cross_validate(texts, labels, folds=folds, train=train) if folds > 1 else {}
    classifier = train(texts, labels)
    classifier.save(settings.CLASSIFIER_PATH)
    version = ModelVersion.objects.create(
        file_name=settings.CLASSIFIER_PATH.name,
        seed_samples=seed_count,
        curated_samples=curated_count,
        data_digest=data.digest,
        scores=scores,
    )
    version.relabelled = relabel_model_clauses()
    version.save(update_fields=["relabelled"])
    return version


def relabel_model_clauses() -> int:
    """Give every clause the model labelled the current model's category, and
    flag it for review by the current thresholds."""
    classifier = get_classifier()
    changed = 0
    clauses = (
        Clause.objects.filter(category_source=Clause.CategorySource.MODEL)
        .select_related("document")
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(clauses.filter(pk__gt=last_pk)[:RELABEL_BATCH]):
        last_pk = batch[-1].pk
        predictions = classifier.predict(
            [c.text for c in batch],
            [" ".join(c.path) for c in batch],
            [c.document.doc_type for c in batch],
        )
        updated = []
        for clause, prediction in zip(batch, predictions, strict=True):
            top = [[category, round(p, 4)] for category, p in prediction.top]
            new = (prediction.category, round(prediction.confidence, 4), top, review_flag(top))
            if (clause.category_id, clause.confidence, clause.top, clause.needs_review) != new:
                clause.category_id, clause.confidence, clause.top, clause.needs_review = new
                updated.append(clause)
        with transaction.atomic():
            Clause.objects.bulk_update(updated, ["category", "confidence", "top", "needs_review"])
            schedule_reindex(document_ids={c.document_id for c in updated})
        changed += len(updated)
    return changed
