"""The index follows the database after every commit, and only after it."""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.catalog.models import Clause, Document
from policybase.search.query import Filters, search
from policybase.search.tasks import update_index


@pytest.fixture
def stored(store_drafts):
    draft = DocumentDraft(
        source="policy.txt",
        title="杭州市公共数据授权运营管理办法（试行）",
        issuers=["杭州市人民政府办公厅"],
        doc_number="杭政办函〔2023〕25号",
        region=RegionRef("district", "浙江省", "杭州市", "西湖区"),
        publish_date=dt.date(2023, 9, 1),
        doc_type="办法",
        status=["试行"],
        clauses=[
            ClauseDraft(
                "第一条 为规范公共数据授权运营，保障数据安全，制定本办法。",
                "第一条",
                ["第一章 总则"],
                6,
                0.8,
            ),
            ClauseDraft(
                "第二条 对数据要素企业给予最高500万元奖励。", "第二条", ["第一章 总则"], 1, 0.9
            ),
        ],
    )
    documents, created = store_drafts([draft])
    assert created
    return documents[0]


def test_stored_clauses_are_searchable_with_their_region_path(stored):
    assert search("数据安全", Filters()).count == 1
    for province_or_below in ("浙江省", "杭州市", "西湖区"):
        assert search("", Filters(province=province_or_below)).count == 2
    assert search("", Filters(city="杭州市")).count == 2
    assert search("", Filters(level="district")).count == 2
    assert search("", Filters(province="北京市")).count == 0
    assert search("杭政办函[2023]25号", Filters()).count == 2


def test_a_corrected_category_shows_in_the_facets_after_commit(stored):
    clause = Clause.objects.get(number="第二条")
    clause.category_id = 7
    clause.save()
    facets = search("", Filters()).facets["category"]
    assert facets == {"6": 1, "7": 1}


def test_nothing_reaches_the_index_from_a_rolled_back_transaction(stored):
    with pytest.raises(RuntimeError), transaction.atomic():
        Clause.objects.filter(number="第二条").update(text="临时文本")
        clause = Clause.objects.get(number="第二条")
        clause.category_id = 13
        clause.save()
        raise RuntimeError("roll back")
    assert "13" not in search("", Filters()).facets["category"]


def test_deleting_a_document_removes_its_clauses_from_the_index(stored):
    Document.objects.get(pk=stored.pk).delete()
    assert search("", Filters()).count == 0


def test_many_edits_in_one_transaction_write_the_document_to_the_index_once(stored):
    with (
        mock.patch.object(update_index, "delay", wraps=update_index.delay) as delay,
        transaction.atomic(),
    ):
        for clause in Clause.objects.filter(document=stored):
            clause.category_id = 11
            clause.save()
    delay.assert_called_once_with([stored.pk], [])
    assert search("", Filters()).facets["category"] == {"11": 2}
