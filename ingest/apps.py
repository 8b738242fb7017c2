from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "入库"

    def ready(self):
        from .schedule import install_default_schedule

        # After every migrate, not in a migration: the interval comes from the environment.
        post_migrate.connect(install_default_schedule, sender=self)
