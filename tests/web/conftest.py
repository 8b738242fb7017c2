import io
import json

import pytest
from django.core.management import call_command

NEWSLETTER = "002_newsletter_dashuju_dongtai_2023_32.txt"
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"


@pytest.fixture
def corpus(search_index, media_dir, sample_copy):
    """Seeds 002 and 004 ingested with the real command; the command's job lines."""
    out = io.StringIO()
    call_command("ingest", sample_copy(NEWSLETTER), sample_copy(WEBPAGE), "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def api(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()
