import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")

app = Celery("policybase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
