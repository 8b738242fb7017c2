from celery import shared_task
from django.db import InterfaceError, OperationalError

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
