import logging.config
import os
import resource

from celery import Celery
from celery.signals import setup_logging, worker_process_init

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


@worker_process_init.connect
def bound_memory(**kwargs):
    """Each pool process may hold at most WORKER_MEMORY_LIMIT_MB of private
    memory (heap and anonymous maps; RLIMIT_DATA leaves mapped files such as
    the index out): past it an allocation fails with a MemoryError that fails
    one job, where unbounded growth had the kernel kill processes at random."""
    from django.conf import settings

    limit = settings.WORKER_MEMORY_LIMIT_MB * 1024 * 1024
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
