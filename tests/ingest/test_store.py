"""Storing is idempotent, and a changed policy becomes a new version of the old one."""

import datetime as dt

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from ingest.store import store_file
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


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_the_same_bytes_twice_change_nothing(search_index, media_dir, tmp_path):
    path = write(tmp_path, "a.txt", "v1")
    first, created = store_file(path, [draft()])
    again, created_again = store_file(path, [draft()])
    assert created and not created_again
    assert [d.pk for d in again] == [d.pk for d in first]
    assert Document.objects.count() == 1 and Clause.objects.count() == 1


def test_a_new_text_under_the_same_doc_number_is_a_new_version(search_index, media_dir, tmp_path):
    (old,), _ = store_file(write(tmp_path, "a.txt", "v1"), [draft(doc_number="沪府规〔2024〕1号")])
    (new,), _ = store_file(
        write(tmp_path, "b.txt", "v2"),
        [
            draft(
                doc_number="沪府规〔2024〕1号",
                text="第一条 为规范和促进公共数据授权运营，制定本办法。",
            )
        ],
    )
    assert new.previous_version == old
    assert list(old.later_versions.all()) == [new]
    assert Document.objects.count() == 2  # the old version is kept


def test_same_title_and_issuers_without_doc_number_is_a_new_version(
    search_index, media_dir, tmp_path
):
    (old,), _ = store_file(write(tmp_path, "a.txt", "v1"), [draft()])
    (new,), _ = store_file(write(tmp_path, "b.txt", "v2"), [draft(text="第一条 修订后的条文。")])
    (other,), _ = store_file(write(tmp_path, "c.txt", "v3"), [draft(issuers=("另一个局",))])
    assert new.previous_version == old
    assert other.previous_version is None


def test_region_path_is_created_once(search_index, media_dir, tmp_path):
    store_file(write(tmp_path, "a.txt", "v1"), [draft()])
    store_file(write(tmp_path, "b.txt", "v2"), [draft(title="另一个办法")])
    assert [str(r) for r in Region.objects.order_by("pk")] == ["上海市", "上海市/浦东新区"]
