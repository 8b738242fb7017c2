"""/healthz on the embedded default: SQLite, Tantivy and no broker."""

import socket

import pytest
from django.core.management import call_command

from policybase.catalog.models import Clause


def test_healthz_answers_ok_with_the_index_size(search_index, media_dir, sample_copy, client):
    call_command("ingest", sample_copy("004_webpage_data_elements_x_plan_traditional.txt"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "ok": True,
        "database": {"ok": True, "vendor": "sqlite"},
        "index": {"ok": True, "documents": Clause.objects.count()},
        "broker": {"ok": True, "mode": "eager"},
    }


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_broker_makes_healthz_503_and_names_the_check(
    search_index, client, settings, closed_port
):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    health = response.json()
    assert health["ok"] is False
    assert health["broker"] == {"ok": False, "error": "ConnectionError"}
    assert health["database"]["ok"] and health["index"]["ok"]
