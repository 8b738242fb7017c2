"""From a seed file to a search hit, through the command, the API and the HTML page."""

import csv
import io
import re

import pytest
from django.core.management import call_command

from ingest.models import IngestJob
from policybase.catalog.models import Clause, Document

from .conftest import WEBPAGE, api


def test_ingest_reports_done_jobs_with_documents(corpus):
    assert [job["state"] for job in corpus] == ["done", "done"]
    assert all(job["documents"] for job in corpus)
    assert Clause.objects.count() > 50
    jobs = IngestJob.objects.filter(state=IngestJob.State.DONE)
    assert jobs.count() == 2


def test_api_finds_face_recognition_clauses_with_highlight(corpus, client):
    data = api(client, q="人脸识别")
    assert data["count"] > 0
    hit = data["results"][0]
    assert "人脸识别" in hit["text"]
    assert "<mark>人脸识别</mark>" in hit["highlight"]
    assert set(hit) >= {
        "clause_id",
        "document_id",
        "title",
        "region",
        "publish_date",
        "doc_type",
        "category",
        "text",
        "highlight",
    }
    assert set(data["facets"]) >= {"province", "category", "doc_type", "year", "status"}
    # Where a report says it comes from: the regulation (002's draft, no 文号),
    # its article, 款 and 项.
    citations = {hit["citation"] for hit in data["results"]}
    assert {
        "《人脸识别技术应用安全管理规定（试行）（征求意见稿）》第十条第二款",
        "《人脸识别技术应用安全管理规定（试行）（征求意见稿）》第十六条第（一）项",
    } <= citations


def exported_ids(client, **params) -> set[str]:
    response = client.get("/api/search", {**params, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {row[0] for row in rows[1:]}


def test_traditional_text_is_found_by_simplified_query_and_back(corpus, client):
    simplified = exported_ids(client, q="数据要素")
    traditional = exported_ids(client, q="數據要素")
    assert simplified == traditional
    # Seed 004 is in traditional characters, seeds 002 in simplified: both answer either query.
    texts = Clause.objects.filter(pk__in=simplified).values_list("text", flat=True)
    assert any("數據要素" in text for text in texts)
    assert any("数据要素" in text for text in texts)


def test_data_security_search_and_region_filter(corpus, client):
    everything = api(client, q="数据安全")
    assert everything["count"] > 0
    provinces = everything["facets"]["province"]
    assert provinces, "hits carry their province"
    province, count = next(iter(provinces.items()))
    narrowed = api(client, q="数据安全", province=province)
    assert narrowed["count"] == count
    assert all(r["region"]["province"] == province for r in narrowed["results"])


def test_date_filter_narrows_by_publish_date(corpus, client):
    dated = Document.objects.exclude(publish_date=None).order_by("publish_date")
    assert dated.exists()
    day = dated.first().publish_date.isoformat()
    inside = api(client, date_from=day, date_to=day)
    assert inside["count"] > 0
    assert all(r["publish_date"] == day for r in inside["results"])
    before = api(client, date_to="1990-01-01")
    assert before["count"] == 0


def test_html_page_shows_highlighted_hits_and_working_filter_links(corpus, client):
    response = client.get("/", {"q": "人脸识别"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>人脸识别</mark>" in html
    # The face-recognition rules are national: the level facet offers that filter as a link.
    link = re.search(r'href="\?(q=[^"]*level=national[^"]*)"', html)
    assert link, "a level facet link"
    narrowed = client.get("/?" + link.group(1).replace("&amp;", "&"))
    assert narrowed.status_code == 200
    assert "<mark>人脸识别</mark>" in narrowed.content.decode()


def test_html_page_province_and_date_filters(corpus, client):
    html = client.get("/", {"q": "数据", "province": "浙江省"}).content.decode()
    assert "杭州市" in html
    assert "北京市贯彻落实" not in html
    empty = client.get("/", {"q": "数据", "date_to": "1990-01-01"}).content.decode()
    assert "没有找到匹配的条款" in empty


def test_document_page_and_api(corpus, client):
    document = Document.objects.filter(clauses__isnull=False).first()
    page = client.get(f"/documents/{document.pk}/")
    assert page.status_code == 200
    assert document.title in page.content.decode()
    data = client.get(f"/api/documents/{document.pk}").json()
    assert data["title"] == document.title
    assert len(data["clauses"]) == document.clauses.count()
    assert client.get("/api/documents/999999").status_code == 404


def test_reingesting_the_same_file_changes_nothing(corpus, sample_copy):
    before = (Document.objects.count(), Clause.objects.count())
    call_command("ingest", sample_copy(WEBPAGE), stdout=io.StringIO())
    assert (Document.objects.count(), Clause.objects.count()) == before


def test_csv_export_has_every_hit(corpus, client):
    count = api(client, q="数据")["count"]
    response = client.get("/api/search", {"q": "数据", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["clause_id", "document_id"]
    assert len(rows) - 1 == count > 20


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "x"},
        {"category": "99"},
        {"date_from": "2023-13-01"},
        {"level": "planet"},
        {"date_from": "2024-01-01", "date_to": "2023-01-01"},
    ],
)
def test_invalid_parameters_answer_400_with_json(client, db, params):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert "error" in response.json()


ODD_QUERIES = [
    '"',
    "(",
    "OR",
    "NOT",
    "-",
    "*",
    "?",
    "a:b",
    "text:数据",
    "\\",
    '"数据',
    "[1 TO 2]",
    "^2",
    "数据~2",
    "<script>alert(1)</script>",
    "数据 OR",
    "OR 数据",
    '""""',
    "🚀",
    "'数据'",
]


def test_odd_queries_never_break_a_page_and_come_back_escaped(corpus, client):
    for query in ODD_QUERIES:
        api_response = client.get("/api/search", {"q": query})
        page = client.get("/", {"q": query})
        assert api_response.status_code in (200, 400), query
        assert page.status_code in (200, 400), query
        assert "<script>alert" not in page.content.decode(), query
