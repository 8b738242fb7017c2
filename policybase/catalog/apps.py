from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "policybase.catalog"
    verbose_name = "政策库"
