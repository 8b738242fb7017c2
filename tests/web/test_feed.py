"""A search as an Atom feed: newest ingested matching clauses first."""

import io
import re
import xml.etree.ElementTree as ET

from django.core.management import call_command

from policybase.catalog.models import Clause

from .conftest import api

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, **params):
    response = client.get("/feed/", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_lists_the_latest_ingested_matching_clauses(corpus, client):
    found = entries(client, q="数据", province="浙江省")
    count = api(client, q="数据", province="浙江省")["count"]
    assert len(found) == min(count, 20) > 0
    ids = [int(re.search(r"#c(\d+)$", e.find(f"{ATOM}link").get("href")).group(1)) for e in found]
    assert ids == sorted(ids, reverse=True)
    clauses = Clause.objects.in_bulk(ids)
    assert all(clauses[pk].document.region.lineage()[0].name == "浙江省" for pk in ids)
    # The summary is the highlighted clause, as HTML text inside the XML.
    summary = found[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html" and "<mark>" in summary.text


def test_a_newly_ingested_file_comes_first(corpus, client, tmp_path):
    before = entries(client, q="数据")
    policy = tmp_path / "policy.txt"
    policy.write_text(
        "北京市数据交易补贴办法（试行）\n"
        "第一条 为促进数据交易，对在本市数据交易所完成交易的企业给予补贴。\n"
        "第二条 本办法自2024年1月1日起施行。\n",
        encoding="utf-8",
    )
    call_command("ingest", policy, stdout=io.StringIO())
    after = entries(client, q="数据")
    assert "数据交易补贴办法" in after[0].find(f"{ATOM}title").text
    assert "数据交易补贴办法" not in before[0].find(f"{ATOM}title").text


def test_search_page_links_its_feed(corpus, client):
    page = client.get("/", {"q": "数据", "province": "浙江省"}).content.decode()
    link = re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="/feed/\?([^"?][^"]*)"', page
    )
    assert link and "province=" in link.group(1)


def test_invalid_feed_parameters_are_not_found(db, client):
    assert client.get("/feed/", {"date_from": "2024-99-01"}).status_code == 404
