"""Keep the index in step with edits made one object at a time (the admin).

Bulk writes (ingestion) do not send signals and call ``schedule_reindex``
themselves.
"""

from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from policybase.catalog.models import Clause, Document

from .tasks import schedule_reindex


class CommitSignalProcessor(BaseSignalProcessor):
    def setup(self):
        signals.post_save.connect(self.document_saved, sender=Document)
        signals.post_save.connect(self.clause_saved, sender=Clause)
        signals.post_delete.connect(self.clause_deleted, sender=Clause)
        signals.m2m_changed.connect(self.issuers_changed, sender=Document.issuers.through)

    def teardown(self):
        signals.post_save.disconnect(self.document_saved, sender=Document)
        signals.post_save.disconnect(self.clause_saved, sender=Clause)
        signals.post_delete.disconnect(self.clause_deleted, sender=Clause)
        signals.m2m_changed.disconnect(self.issuers_changed, sender=Document.issuers.through)

    def document_saved(self, sender, instance, **kwargs):
        schedule_reindex(document_ids=[instance.pk])

    def clause_saved(self, sender, instance, **kwargs):
        schedule_reindex(document_ids=[instance.document_id])

    def clause_deleted(self, sender, instance, **kwargs):
        schedule_reindex(removed_clause_ids=[instance.pk])

    def issuers_changed(self, sender, instance, action, reverse, pk_set, **kwargs):
        # The issuer facet lives on every clause of the document.
        if action.startswith("post_"):
            documents = (pk_set or ()) if reverse else [instance.pk]
            schedule_reindex(document_ids=documents)
