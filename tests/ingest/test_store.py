"""Storing is idempotent, and a changed policy becomes a new version of the old one."""

import datetime as dt

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.catalog.models import Clause, Document, Region


def draft(
    title="某市公共数据授权运营管理办法",
    doc_number=None,
    issuers=("某市人民政府",),
    text="第一条 为规范公共数据授权运营，制定本办法。",
):
    return DocumentDraft(
        source="x",
        title=title,
        doc_number=doc_number,
        issuers=list(issuers),
        region=RegionRef("district", "上海市", None, "浦东新区"),
        publish_date=dt.date(2024, 1, 1),
        clauses=[ClauseDraft(text, "第一条")],
    )


def test_the_same_bytes_twice_change_nothing(store_drafts):
    first, created = store_drafts([draft()], content="v1")
    again, created_again = store_drafts([draft()], content="v1")  # same bytes, another name
    assert created and not created_again
    assert [d.pk for d in again] == [d.pk for d in first]
    assert Document.objects.count() == 1 and Clause.objects.count() == 1


def test_a_new_text_under_the_same_doc_number_is_a_new_version(store_drafts):
    (old,), _ = store_drafts([draft(doc_number="沪府规〔2024〕1号")], content="v1")
    revised = draft(
        doc_number="沪府规〔2024〕1号", text="第一条 为规范和促进公共数据授权运营，制定本办法。"
    )
    (new,), _ = store_drafts([revised], content="v2")
    assert new.previous_version == old
    assert list(old.later_versions.all()) == [new]
    assert Document.objects.count() == 2  # the old version is kept


def test_same_title_and_issuers_without_doc_number_is_a_new_version(store_drafts):
    (old,), _ = store_drafts([draft()], content="v1")
    (new,), _ = store_drafts([draft(text="第一条 修订后的条文。")], content="v2")
    (other,), _ = store_drafts([draft(issuers=("另一个局",))], content="v3")
    assert new.previous_version == old
    assert other.previous_version is None


def test_region_path_is_created_once(store_drafts):
    store_drafts([draft()], content="v1")
    store_drafts([draft(title="另一个办法")], content="v2")
    assert [str(r) for r in Region.objects.order_by("pk")] == ["上海市", "上海市/浦东新区"]
