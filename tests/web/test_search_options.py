"""Sorting, scopes, grouping, the region tree, issuer and effective-date filters,
parser notes and the Excel export, on seeds 002 and 004."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from policybase.catalog.models import Document, Issuer
from policybase.web.exports import TABLE_HEADER

from .conftest import api
from .test_end_to_end import exported_ids


def all_results(client, **params) -> list[dict]:
    first = api(client, **params)
    results = first["results"]
    for page in range(2, first["num_pages"] + 1):
        results += api(client, **params, page=page)["results"]
    return results


def _descending_nulls_last(values):
    dated = [v for v in values if v]
    return dated == sorted(dated, reverse=True) and values == dated + [None] * values.count(None)


@pytest.mark.parametrize(
    "sort, field", [("newest", "publish_date"), ("effective", "effective_date")]
)
def test_date_sorts_are_newest_first_with_undated_last(corpus, client, sort, field):
    results = all_results(client, q="数据", sort=sort)
    values = [r[field] for r in results]
    assert any(values) and None in values
    assert _descending_nulls_last(values)
    # Clauses of one document keep their reading order.
    first_document = [
        r["clause_id"] for r in results if r["document_id"] == results[0]["document_id"]
    ]
    assert first_document == sorted(first_document)


def test_relevance_is_the_default_and_differs_from_date_order(corpus, client):
    relevance = [r["clause_id"] for r in api(client, q="数据安全")["results"]]
    newest = [r["clause_id"] for r in api(client, q="数据安全", sort="newest")["results"]]
    assert relevance != newest


def test_title_scope_matches_titles_only(corpus, client):
    results = all_results(client, q="人脸识别", scope="title")
    assert results and all("人脸识别" in r["title"] for r in results)
    # Every clause of such a document matches, whatever its text says.
    assert any("人脸识别" not in r["text"] for r in results)
    assert all(r["highlight"] == r["highlight"].replace("<mark>", "") for r in results)


def test_grouping_by_document_lists_each_matching_document_once(corpus, client):
    exported = client.get("/api/search", {"q": "数据安全", "format": "csv"})
    rows = list(csv_rows(exported))
    documents = {row[1] for row in rows}
    page = client.get("/", {"q": "数据安全", "group": "document"}).content.decode()
    assert f"共 <strong>{len(documents)}</strong> 份文件、{len(rows)} 条匹配条款" in page
    links = re.findall(r'<h3><a href="/documents/(\d+)/">', page)
    assert len(links) == len(set(links)) == min(len(documents), 20)
    assert set(links) <= documents
    counts = [int(n) for n in re.findall(r"(\d+) 条匹配</span>", page)]
    assert sum(counts) == len(rows)


def test_title_scope_groups_by_document_by_default(corpus, client):
    page = client.get("/", {"q": "办法", "scope": "title"}).content.decode()
    assert "份文件" in page
    assert "份文件" in page
    # The form sends the automatic choice, so switching to titles groups by document.
    assert '<option value="">自动' in page and " selected>按" not in page
    clauses = client.get("/", {"q": "办法", "scope": "title", "group": "clause"}).content.decode()
    assert "份文件" not in clauses


def csv_rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))[1:]


def test_region_tree_shows_districts_under_their_province(corpus, client):
    page = client.get("/", {"province": "上海市"}).content.decode()
    region = page[page.index('class="facet-region"') : page.index('class="facet-category"')]
    # 浦东新区 sits under the active 上海市, as a link that keeps the province.
    children = region[region.index('<ul class="children">') :]
    assert "浦东新区" in children
    link = re.search(r'href="\?([^"]*district=[^"]*)">浦东新区', children).group(1)
    assert "province=" in link
    narrowed = api(client, province="上海市", district="浦东新区")
    assert narrowed["count"] > 0
    assert all(r["region"]["district"] == "浦东新区" for r in narrowed["results"])
    # A province includes its cities: 杭州市 is found under 浙江省.
    zhejiang = api(client, province="浙江省")
    assert zhejiang["facets"]["city"] == {"杭州市": zhejiang["count"]}


def test_issuer_facet_and_filter(corpus, client):
    facets = api(client, q="数据")["facets"]["issuer"]
    issuer, count = next(iter(facets.items()))
    narrowed = all_results(client, q="数据", issuer=issuer)
    assert len(narrowed) == count
    ids = {r["document_id"] for r in narrowed}
    assert all(issuer in Document.objects.get(pk=pk).issuer_names for pk in ids)


def test_issuer_edit_reaches_the_index(corpus, client):
    document = Document.objects.filter(clauses__isnull=False).first()
    document.issuers.add(Issuer.objects.create(name="测试数据管理局"))
    found = api(client, issuer="测试数据管理局")
    assert found["count"] == document.clauses.count()


def test_effective_date_range(corpus, client):
    start = date(2023, 8, 1)
    results = all_results(client, effective_from=start.isoformat())
    assert results
    assert all(r["effective_date"] and r["effective_date"] >= start.isoformat() for r in results)
    none = api(client, effective_to="1990-01-01")
    assert none["count"] == 0


def test_parser_notes_tell_what_was_set_aside(corpus, client):
    data = api(client, q="OR 数据 〔〕")
    assert data["count"] == api(client, q="数据")["count"]
    assert len(data["notes"]) == 2
    page = client.get("/", {"q": "OR 数据 〔〕"}).content.decode()
    assert "已忽略" in page


@pytest.mark.parametrize(
    "query", ["国数政策〔2023〕11号", "国数政策[2023]11号", "國數政策(2023)11號"]
)
def test_doc_number_in_any_bracket_finds_its_document(corpus, client, query):
    results = api(client, q=query)["results"]
    assert results
    assert {r["doc_number"] for r in results} == {"國數政策〔2023〕11号"}


def test_xlsx_export_has_every_hit(corpus, client):
    ids = exported_ids(client, q="数据")
    response = client.get("/api/search", {"q": "数据", "format": "xlsx"})
    assert response.status_code == 200
    # A Chinese name, as filename*: 政策检索-数据-20261208.xlsx
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["Content-Disposition"].endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == TABLE_HEADER
    assert {str(row[0]) for row in rows[1:]} == ids
    texts = {row[TABLE_HEADER.index("条文")] for row in rows[1:]}
    assert any("数据" in text for text in texts)


def test_export_links_carry_the_filters(corpus, client):
    page = client.get("/", {"q": "数据", "province": "浙江省", "page": "1"}).content.decode()
    # The page's own URL with a format: the analyst's files (the API's CSV is for scripts).
    links = re.findall(r'class="export" href="\?([^"?][^"]*)"', page)
    assert len(links) == 2
    assert {"format=csv" in link or "format=xlsx" in link for link in links} == {True}
    assert all("province=" in link and "page=" not in link for link in links)


def test_page_window_links_first_last_and_neighbours():
    from policybase.web.views import page_window

    assert page_window(1, 1) == [1]
    assert page_window(1, 4) == [1, 2, 3, 4]
    assert page_window(10, 30) == [1, None, 8, 9, 10, 11, 12, None, 30]
    assert page_window(30, 30) == [1, None, 28, 29, 30]


def test_pager_links_keep_the_query(corpus, client):
    page = client.get("/", {"q": "数据", "page": "2"}).content.decode()
    pager = page[page.index('class="pager"') :]
    assert 'aria-current="page">2<' in pager
    assert 'href="?q=%E6%95%B0%E6%8D%AE&amp;page=3"' in pager
