"""Every change to the search index goes through here.

Callers say which documents changed or which clauses disappeared; the change
is queued after the surrounding transaction commits (so the index never shows
what the database rolled back) as a Celery task; in the embedded default
Celery runs it in-process.
"""

from django.db import transaction
from haystack import connections

from policybase.catalog.models import Clause

# Documents written to the index per commit; a commit makes a Whoosh segment.
BATCH_DOCUMENTS = 200


def schedule_reindex(document_ids=(), removed_clause_ids=()):
    document_ids, removed_clause_ids = sorted(set(document_ids)), sorted(set(removed_clause_ids))
    if not document_ids and not removed_clause_ids:
        return
    from .tasks import update_index

    transaction.on_commit(
        lambda: update_index.delay(document_ids, removed_clause_ids), robust=False
    )


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
    for pk in removed_clause_ids:
        backend.remove(f"catalog.clause.{pk}")


def clear_index():
    connections["default"].get_backend().clear()
