"""Whether new files can be ingested now: the Celery broker answers.

Pages say so when it does not (search keeps working: it needs only the
database and the index). The answer is kept for ``CACHE_SECONDS`` and a dead
broker is given ``CONNECT_TIMEOUT_SECONDS``, so a page view never waits on it
for long and a broker outage does not slow every page down. Without
``REDIS_URL`` tasks run in-process and ingestion is never paused.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from django.utils.functional import SimpleLazyObject

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 0.5
CACHE_SECONDS = 10

_lock = threading.Lock()
# The last answer: for which broker, when (time.monotonic()) and what.
_last = {"url": None, "checked": 0.0, "reachable": True}


def broker_reachable() -> bool:
    url = settings.REDIS_URL
    if not url:
        return True
    # The ping runs under the lock: requests that arrive while it runs wait
    # for its answer instead of each pinging the broker too.
    with _lock:
        if _last["url"] != url or time.monotonic() - _last["checked"] >= CACHE_SECONDS:
            reachable = _ping(url)
            _last.update(url=url, checked=time.monotonic(), reachable=reachable)
        return _last["reachable"]


def _ping(url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=CONNECT_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except redis.RedisError as error:
        log.warning("broker unreachable, ingestion paused: %r", error)
        return False
    finally:
        client.close()


def ingestion_status(request):
    """Context processor: ``ingestion_paused`` for the notice in base.html and
    the admin's ingest pages; asked only by a page that shows it."""
    return {"ingestion_paused": SimpleLazyObject(lambda: not broker_reachable())}
