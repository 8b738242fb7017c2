from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "policybase.web"
    verbose_name = "网站"
