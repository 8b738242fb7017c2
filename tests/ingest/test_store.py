"""Storing is idempotent, and a changed policy becomes a new version of the old one."""

import datetime as dt
from importlib import import_module

from django.apps import apps as django_apps

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.catalog.models import Clause, Document, Issuer, Region


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


def test_issuers_stored_under_short_or_traditional_names_are_merged_by_the_migration(
    store_drafts,
):
    # Stored before issuer names were folded at ingestion.
    (short,), _ = store_drafts(
        [draft(issuers=["國家網信辦", "财政部", "國家數據局"])], content="v1"
    )
    (full,), _ = store_drafts(
        [draft(title="另一办法", issuers=["国家互联网信息办公室"])], content="v2"
    )
    merge = import_module("policybase.catalog.migrations.0007_canonical_issuers").merge_issuers
    merge(django_apps, None)
    assert sorted(Issuer.objects.values_list("name", flat=True)) == [
        "国家互联网信息办公室",
        "国家数据局",  # renamed: no row had its name
        "财政部",
    ]
    assert short.issuer_names == ["国家互联网信息办公室", "国家数据局", "财政部"]
    assert full.issuer_names == ["国家互联网信息办公室"]
