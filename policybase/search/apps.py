from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "policybase.search"
    verbose_name = "检索"
