"""The search page's facets count what a click on them lists: clauses in the
clause view, documents in the document view (按文件), on seeds 002 and 004."""

import csv
import html
import io
import re

import pytest

from policybase.catalog.models import Category

# A facet option: its link and count (templates/web/facet_option.html).
OPTION = re.compile(r'<a href="\?([^"]*)">([^<]+)</a> <span class="count">(\d+)</span>')
GROUP_TOTAL = re.compile(r'<h3>([^<]+) <span class="count">(\d+)</span></h3>')


def facet_options(page: str) -> list[tuple[str, str, int]]:
    """(query string, label, count) of every facet option in the sidebar."""
    sidebar = page[page.index('class="facets"') : page.index('class="results"')]
    return [(html.unescape(q), label, int(n)) for q, label, n in OPTION.findall(sidebar)]


def listed_documents(client, query: str) -> int:
    page = client.get(f"/?{query}").content.decode()
    return int(re.search(r"共 <strong>(\d+)</strong> 份文件", page).group(1))


def listed_clauses(client, query: str) -> int:
    page = client.get(f"/?{query}").content.decode()
    return int(re.search(r"共 <strong>(\d+)</strong> 条条款", page).group(1))


def exported(client, **params) -> list[dict]:
    response = client.get("/api/search", {**params, "format": "csv"})
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("params", [{"q": "数据安全"}, {"q": "数据"}, {}])
def test_in_document_view_every_facet_counts_the_documents_a_click_lists(corpus, client, params):
    page = client.get("/", {**params, "group": "document"}).content.decode()
    options = facet_options(page)
    assert len(options) > 10
    for query, label, count in options:
        assert "group=document" in query
        assert listed_documents(client, query) == count, (params, label, query)
    # The case: 国家 counted 96 clauses beside 28 documents.
    total = int(re.search(r"共 <strong>(\d+)</strong> 份文件", page).group(1))
    national = next(n for q, label, n in options if label == "国家")
    assert national <= total


@pytest.mark.parametrize("params", [{"q": "数据安全"}, {}])
def test_in_document_view_an_instrument_group_counts_its_documents_once(corpus, client, params):
    page = client.get("/", {**params, "group": "document"}).content.decode()
    sidebar = page[page.index('class="facet-category"') :]
    totals = {label: int(n) for label, n in GROUP_TOTAL.findall(sidebar)}
    assert {"供给型", "环境型", "需求型"} <= set(totals)
    group_of = {str(c.pk): c.get_group_display() or "非政策工具" for c in Category.objects.all()}
    documents: dict[str, set] = {}
    for row in exported(client, **params):
        documents.setdefault(group_of[row["category"]], set()).add(row["document_id"])
    assert totals == {group: len(ids) for group, ids in documents.items()}


def test_in_clause_view_facets_still_count_clauses(corpus, client):
    page = client.get("/", {"q": "数据安全"}).content.decode()
    options = facet_options(page)
    by_document = dict(
        (label, n)
        for _, label, n in facet_options(
            client.get("/", {"q": "数据安全", "group": "document"}).content.decode()
        )
    )
    assert any(n > by_document.get(label, 0) for _, label, n in options)
    for query, label, count in options[:12]:
        assert listed_clauses(client, query) == count, label
