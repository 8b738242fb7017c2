"""Facets are counted from list columns, and still from the postings in an
index written before those columns existed; searches over arrays answer as
Whoosh's collectors do."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from haystack import connections
from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.catalog.curation import set_review_state
from policybase.catalog.models import Document
from policybase.search import arrays
from policybase.search.backend import ChineseWhooshSearchBackend, FacetKeyword
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


# --- Searches over arrays give Whoosh's own answers ------------------------------

# (query, filters, search options): words, phrases, boolean queries, filters, every
# sort, grouping by document, a page past the first, a title search, nothing found.
SAME_ANSWERS = [
    ("数据", {}, {}),
    ("数", {}, {}),
    ("數據", {}, {}),
    ('"数据 安全"', {}, {}),
    ("数据要素", {}, {}),
    ("数据 安全", {}, {}),
    ("数据 OR 人工智能", {}, {}),
    ("数据 -安全", {}, {}),
    ("-数据", {}, {}),
    ("数据", {"province": "浙江省"}, {}),
    ("数据", {"date_from": dt.date(2023, 1, 1), "date_to": dt.date(2023, 12, 31)}, {}),
    # Three or more scored parts, a range among them, over a segment with deletions.
    ("数据 安全", {"date_from": dt.date(2023, 1, 1), "effective_to": dt.date(2024, 12, 31)}, {}),
    ("", {}, {}),
    ("", {"category": 6}, {}),
    ("", {"date_from": dt.date(2023, 6, 1)}, {}),
    ("", {"date_to": dt.date(2023, 8, 25)}, {}),
    ("数据", {"effective_from": dt.date(2023, 1, 1), "effective_to": dt.date(2024, 12, 31)}, {}),
    ("数据", {}, {"page": 2}),
    ("数据", {}, {"sort": "newest"}),
    ("数据", {}, {"sort": "effective"}),
    ("数据", {}, {"sort": "ingested"}),
    ("数据", {}, {"by_document": True}),
    ("数据", {}, {"scope": "title"}),
    ("国数政策〔2023〕11号", {}, {}),
    ("没有这样的词语", {}, {}),
    ("数据", {}, {"page": 999}),
]


def answer(query, filters, options):
    page = search(query, Filters(**filters), **options)
    documents = [
        (d.document.pk, d.match_count, [h.clause.pk for h in d.hits]) for d in page.documents or []
    ]
    return page.count, [h.clause.pk for h in page.hits], page.facets, page.num_pages, documents


@pytest.fixture
def sample_corpus(search_index, media_dir, sample_copy):
    for name in (
        "002_newsletter_dashuju_dongtai_2023_32.txt",
        "004_webpage_data_elements_x_plan_traditional.txt",
    ):
        call_command("ingest", sample_copy(name), stdout=io.StringIO())


def test_searches_over_arrays_answer_as_whoosh_does(sample_corpus, monkeypatch):
    # A withdrawn document leaves deleted entries in the segment, which Whoosh
    # still counts in its size estimates; one of the newsletter's, so that its
    # file's segment keeps live entries beside the deleted ones, and the one
    # with a date, so that date ranges meet its deleted entries.
    withdrawn = Document.objects.get(source_name__startswith="002", effective_date__isnull=False)
    # Browsing first keeps the facet counts of every live document, which the
    # withdrawal must renew.
    browsed = answer("", {}, {})
    set_review_state([withdrawn], Document.ReviewState.WITHDRAWN)
    with connections["default"].get_backend().index.reader() as reader:
        assert reader.has_deletions()
    ours = [answer(*case) for case in SAME_ANSWERS]

    def whoosh_collectors(*args, **kwargs):
        raise arrays.Unsupported("measuring against Whoosh")

    monkeypatch.setattr(ChineseWhooshSearchBackend, "_search_arrays", whoosh_collectors)
    whooshs = [answer(*case) for case in SAME_ANSWERS]
    for case, mine, theirs in zip(SAME_ANSWERS, ours, whooshs, strict=True):
        assert mine == theirs, case
    # Scores are summed in the order of Whoosh's size estimates (sums in another
    # order may differ in the last bit): a range's estimate is Whoosh's own.
    backend = connections["default"].get_backend()
    searcher = backend._open_searcher()
    first, last = (datetime_to_long(dt.datetime(2023, m, d)) for m, d in ((1, 1), (12, 31)))
    day = datetime_to_long(dt.datetime.combine(withdrawn.effective_date, dt.time()))
    ranges = [
        wq.NumericRange("publish_date", first, last),
        wq.NumericRange("effective_date", day, day),
        wq.NumericRange("effective_date", first, last),
    ]
    estimates = []
    for q in ranges:
        for segment in backend._segments(searcher):
            found = arrays.evaluate(q, segment, True)
            estimates.append((arrays._estimate_size(q, found, segment), len(found.ids)))
            assert estimates[-1][0] == q.estimate_size(segment.reader), q
    assert any(size > live for size, live in estimates)  # deleted entries were counted
    assert ours[0][0] > 20  # the comparison had pages of hits to order
    browse = SAME_ANSWERS.index(("", {}, {}))
    assert ours[browse][0] < browsed[0] and ours[browse][2] != browsed[2]


def test_the_open_searcher_sees_later_commits(store_drafts):
    store_drafts([draft()], content="one file")
    assert search("公共数据", Filters()).count == 2
    store_drafts([draft()], content="another file")
    assert search("公共数据", Filters()).count == 4
