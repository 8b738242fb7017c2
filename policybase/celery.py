import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")

app = Celery("policybase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(loglevel=None, **kwargs):
    """Worker and beat log through settings.LOGGING (plain or JSON lines) like
    every other process, instead of Celery's own format; ``--loglevel`` sets
    how much Celery itself says."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger("celery").setLevel(loglevel)
