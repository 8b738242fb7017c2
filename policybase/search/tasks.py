from celery import shared_task

from .indexing import apply_index_changes


@shared_task
def update_index(document_ids, removed_clause_ids):
    apply_index_changes(document_ids, removed_clause_ids)
