"""Facets are counted from list columns, and still from the postings in an
index written before those columns existed."""

import datetime as dt

import pytest
from haystack import connections

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.search.backend import FacetKeyword
from policybase.search.query import Filters, search

EXPECTED = {
    "province": {"浙江省": 2},
    "city": {"杭州市": 2},
    "status": {"试行": 2, "征求意见稿": 2},
    "issuer": {"杭州市数据资源管理局": 2},
    "category": {"3": 1, "6": 1},
}


def draft() -> DocumentDraft:
    return DocumentDraft(
        source="policy.txt",
        title="杭州市公共数据开放管理办法（试行）（征求意见稿）",
        issuers=["杭州市数据资源管理局"],
        region=RegionRef("city", "浙江省", "杭州市"),
        publish_date=dt.date(2024, 3, 1),
        doc_type="办法",
        status=["试行", "征求意见稿"],
        clauses=[
            ClauseDraft("第一条 公共数据开放应当保障数据安全。", "第一条", [], 6, 0.8),
            ClauseDraft("第二条 建设统一的公共数据开放平台。", "第二条", [], 3, 0.7),
        ],
    )


def facets(query: str) -> dict:
    found = search(query, Filters()).facets
    return {name: found[name] for name in EXPECTED}


@pytest.fixture
def backend():
    return connections["default"].get_backend()


def test_multi_valued_facets_come_from_list_columns(store_drafts, backend):
    store_drafts([draft()])
    backend.setup()
    assert backend._has_facet_columns()
    assert facets("") == facets("公共数据") == EXPECTED


def test_facet_columns_survive_a_segment_merge(store_drafts, backend):
    for content in ("one file", "another file"):
        store_drafts([draft()], content=content)
    backend.setup()
    backend.index.optimize()  # merges the two files' segments into one
    expected = {name: {k: 2 * n for k, n in values.items()} for name, values in EXPECTED.items()}
    assert facets("") == facets("公共数据") == expected


def test_an_index_written_without_facet_columns_counts_from_the_postings(store_drafts, backend):
    backend.setup()
    for name in backend.schema.names():  # as the backend wrote them before
        if isinstance(backend.schema[name], FacetKeyword):
            backend.schema[name].column_type = None
    store_drafts([draft()])
    backend.setup()  # a process that starts on this index
    assert not backend._has_facet_columns()
    assert facets("") == facets("公共数据") == EXPECTED
