"""The index's Celery task, and the queueing of index changes for after
commit: every change goes through ``schedule_reindex`` to one task on the
``index`` queue (run in-process in the embedded default)."""

import threading

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from .indexing import IndexLockTimeout, apply_index_changes

# Worth another try a little later: another writer holds the index, or the
# database connection dropped. Anything else is a bug to see in the logs.
TRANSIENT_ERRORS = (IndexLockTimeout, OperationalError, InterfaceError)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def update_index(document_ids, removed_clause_ids):
    apply_index_changes(document_ids, removed_clause_ids)


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
    documents, removed = _pending_sets()
    if documents or removed:
        update_index.delay(sorted(documents), sorted(removed))
        documents.clear()
        removed.clear()
