"""Every change to the search index goes through here.

Callers say which documents changed or which clauses disappeared; the change
is queued after the surrounding transaction commits (so the index never shows
what the database rolled back) as a Celery task; in the embedded default
Celery runs it in-process.
"""

import threading

from django.db import transaction
from haystack import connections

from policybase.catalog.models import Clause, Document

# Documents written to the index per commit; a commit makes a Whoosh segment.
BATCH_DOCUMENTS = 200


_pending = threading.local()


def schedule_reindex(document_ids=(), removed_clause_ids=()):
    """Queue index changes for after the current transaction commits.

    Changes gather until the commit, so saving a document with fifty inline
    clauses writes it to the index once. Every call registers a flush: Django
    drops the ones registered in a savepoint that rolls back, and any survivor
    carries all that is pending; the first flush takes it, the rest find nothing.
    """
    if not document_ids and not removed_clause_ids:
        return
    documents, removed = _pending_sets()
    documents.update(document_ids)
    removed.update(removed_clause_ids)
    transaction.on_commit(_flush, robust=False)


def _pending_sets() -> tuple[set, set]:
    if not hasattr(_pending, "documents"):
        _pending.documents, _pending.removed = set(), set()
    return _pending.documents, _pending.removed


def _flush():
    from .tasks import update_index

    documents, removed = _pending_sets()
    if documents or removed:
        update_index.delay(sorted(documents), sorted(removed))
        documents.clear()
        removed.clear()


def apply_index_changes(document_ids=(), removed_clause_ids=()):
    """Write the clauses of ``document_ids`` and drop ``removed_clause_ids``."""
    index = connections["default"].get_unified_index().get_index(Clause)
    backend = connections["default"].get_backend()
    clauses = index.index_queryset()
    document_ids = list(document_ids)
    for start in range(0, len(document_ids), BATCH_DOCUMENTS):
        batch = list(clauses.filter(document_id__in=document_ids[start : start + BATCH_DOCUMENTS]))
        if batch:
            backend.update(index, batch)
    # A deletion that was rolled back may still be pending: keep what still exists.
    still_there = set(Clause.objects.filter(pk__in=removed_clause_ids).values_list("pk", flat=True))
    gone = [pk for pk in removed_clause_ids if pk not in still_there]
    # A withdrawn document leaves the index; its clauses stay in the database.
    gone += Clause.objects.filter(
        document_id__in=document_ids, document__review_state=Document.ReviewState.WITHDRAWN
    ).values_list("pk", flat=True)
    for pk in gone:
        backend.remove(f"catalog.clause.{pk}")


def clear_index():
    connections["default"].get_backend().clear()
