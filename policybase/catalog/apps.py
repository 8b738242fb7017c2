from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CatalogConfig(AppConfig):
    name = "policybase.catalog"
    verbose_name = "政策库"


class PolicyBaseAdminConfig(admin_apps.AdminConfig):
    """The admin, on a site whose index page carries the review queue."""

    default = False  # listed by path in INSTALLED_APPS; CatalogConfig is this module's default
    default_site = "policybase.catalog.admin_site.PolicyBaseAdminSite"
