"""The Tantivy backend: facets of multi-valued fields, readers that follow
commits, rebuilds that never take search down, Tantivy's own writer lock,
and the engine's tokenizer agreeing with the analyzer's units."""

import datetime as dt

import pytest
import tantivy
from django.core.management import call_command
from haystack import connections
from haystack.exceptions import SearchBackendError

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.catalog.models import Clause
from policybase.search.analyzer import UNIT, units
from policybase.search.backend import LIVE
from policybase.search.indexing import apply_index_changes, rebuild_index
from policybase.search.query import Filters, search
from policybase.text.fold import fold

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


def test_multi_valued_facets_are_counted_once_per_value(store_drafts):
    store_drafts([draft()])
    assert facets("") == facets("公共数据") == EXPECTED


def test_facets_count_across_commits(store_drafts):
    for content in ("one file", "another file"):
        store_drafts([draft()], content=content)  # a commit, a segment each
    expected = {name: {k: 2 * n for k, n in values.items()} for name, values in EXPECTED.items()}
    assert facets("") == facets("公共数据") == expected


def test_the_open_searcher_sees_later_commits(store_drafts):
    store_drafts([draft()], content="one file")
    assert search("公共数据", Filters()).count == 2
    assert facets("") == facets("") == EXPECTED  # browsing's counts are kept per commit
    store_drafts([draft()], content="another file")
    assert search("公共数据", Filters()).count == 4
    assert facets("")["province"] == {"浙江省": 4}


def test_query_syntax_of_the_engine_is_only_text(store_drafts):
    store_drafts([draft()])
    # Tantivy's query language never sees what people type: what is not a
    # character or a Latin word is left out of the phrase.
    assert search("(数据", Filters()).count == search("数据", Filters()).count == 2
    assert search("数据:安全", Filters()).count == 1  # 保障数据安全, not a field
    for query in ['text:"公共" OR *', 'a\\"b', "数据^2"]:
        assert search(query, Filters()).count == 0, query


def test_a_rebuild_never_takes_search_down(store_drafts, backend):
    store_drafts([draft()])
    before = backend.live_generation()
    seen = []
    # Called while the new generation is written, before the swap.
    assert rebuild_index(progress=lambda written: seen.append(search("公共数据", Filters()).count))
    assert seen and set(seen) == {2}
    after = backend.live_generation()
    assert after != before and not before.exists()
    assert {p.name for p in backend.path.iterdir()} == {LIVE, after.name}
    assert search("公共数据", Filters()).count == 2


def test_a_writer_that_bypassed_the_lock_makes_the_next_write_fail_loudly(store_drafts, backend):
    [document], _ = store_drafts([draft()])
    other = tantivy.Index.open(str(backend.live_generation())).writer(15_000_000, 1)
    try:
        with pytest.raises(ValueError, match="(?i)lock"):
            apply_index_changes([document.pk], [])
    finally:
        other.wait_merging_threads()
    apply_index_changes([document.pk], [])  # the lock is free again
    assert search("公共数据", Filters()).count == 2


def test_the_engine_cuts_text_into_the_analyzers_units():
    engine = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(UNIT.pattern)).build()
    for text in [
        "國數政策〔２０２３〕11号 ＡＩ數據",
        "5G網絡、IPv6；人臉識別",
        "㐀豈\U00020000 e-mail",
    ]:
        assert engine.analyze(fold(text)) == units(text), text


@pytest.fixture
def sample_corpus(search_index, media_dir, sample_copy):
    call_command("ingest", sample_copy("004_webpage_data_elements_x_plan_traditional.txt"))


def test_relevance_ranks_clauses_by_the_query_words(sample_corpus):
    hits = search("数据安全", Filters()).hits
    assert len(hits) > 1
    # Clauses that say it again and again come before those that say it once
    # (BM25 weighs length too, so the very first need not say it most often).
    said = [fold(hit.clause.text).count("数据安全") for hit in hits]
    many = [rank for rank, count in enumerate(said) if count >= 3]
    once = [rank for rank, count in enumerate(said) if count == 1]
    assert many and once and sum(many) / len(many) < sum(once) / len(once)
    assert said[0] >= 2


def test_similar_clauses_are_found_by_key_words(sample_corpus, backend):
    ids, terms = backend.more_like_text("落实数据安全法规制度，加强数据安全管理", 5)
    assert "数据安全" in terms
    found = Clause.objects.filter(pk__in=ids)
    assert ids and all(any(term in fold(c.text) for term in terms) for c in found)


def test_an_index_of_another_version_is_never_written_to(store_drafts, backend):
    [document], _ = store_drafts([draft()])
    live = backend.live_generation()
    older = live.with_name("0123456789ab" + live.name[12:])
    live.rename(older)
    (backend.path / LIVE).unlink()
    (backend.path / LIVE).symlink_to(older.name)
    # Not written, and not swapped for an empty index either: migrate rebuilds it.
    with pytest.raises(SearchBackendError, match="migrate"):
        apply_index_changes([document.pk], [])
    assert backend.live_generation() == older
