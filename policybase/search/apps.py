from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "policybase.search"
    verbose_name = "检索"

    def ready(self):
        from .indexing import build_missing_index  # models are loaded only now

        # Every deployment runs migrate before it starts (deploy/README.md),
        # so the first start after an upgrade builds the index it needs. Sent
        # for the catalogue, whose clauses the index holds: Django sends the
        # signal only for apps with models, and this one has none.
        post_migrate.connect(build_missing_index, sender=apps.get_app_config("catalog"))
