"""``/healthz``: whether this process can reach what it needs, for load
balancers, uptime checks and people.

200 with every check ok, else 503; the body says which check failed. Errors
name their kind only (the full message goes to the log): the page needs no
login and should not show hosts or paths.
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from haystack.query import SearchQuerySet

log = logging.getLogger(__name__)

# A health check answers quickly or says the broker is not ok.
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def check_index() -> dict:
    # A search through haystack opens a searcher on the index, as every query does.
    return {"ok": True, "documents": SearchQuerySet().count()}


def check_broker() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager"}
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "mode": "redis"}


CHECKS = {"database": check_database, "index": check_index, "broker": check_broker}


def run_check(name: str) -> dict:
    try:
        return CHECKS[name]()
    except Exception as error:  # any failure is this check's answer, never a 500
        log.warning("health check %s failed: %r", name, error)
        return {"ok": False, "error": type(error).__name__}


@never_cache
@require_GET
def healthz(request):
    results = {name: run_check(name) for name in CHECKS}
    ok = all(result["ok"] for result in results.values())
    return JsonResponse({"ok": ok, **results}, status=200 if ok else 503)
