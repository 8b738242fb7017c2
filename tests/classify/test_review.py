"""Clauses the model is unsure of are flagged for review until a curator decides."""

import datetime as dt
import json

import pytest

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from ingest.training import relabel_model_clauses
from policybase.catalog.models import ClassifierSettings, Clause, doubt_below
from policybase.catalog.review import review_flag, worth_reviewing

SUBSIDY = "对符合条件的企业给予最高500万元资金补助。"
VAGUE = "加强统筹协调，形成工作合力。"


@pytest.mark.parametrize(
    ("top", "flagged"),
    [
        ([[6, 0.82], [9, 0.1], [3, 0.03]], False),  # sure
        ([[6, 0.42], [9, 0.3], [3, 0.1]], True),  # in doubt between two: decidable
        ([[6, 0.42], [9, 0.1], [3, 0.1]], False),  # in doubt, but no second candidate to weigh
        ([[6, 0.56], [9, 0.44], [3, 0.0]], False),  # above the threshold: one answer shown
        ([[6, 0.5], [9, 0.35]], False),  # the threshold is strict
        ([[6, 0.9]], False),  # no runner-up
        ([], True),  # no prediction at all
    ],
)
def test_worth_reviewing(top, flagged):
    assert worth_reviewing(top, 0.5) is flagged


def test_worth_reviewing_accepts_the_tuples_of_drafts():
    assert worth_reviewing([(1, 0.4), (0, 0.3)], 0.5)


def test_the_threshold_is_the_curators(db, settings):
    top = [[6, 0.42], [9, 0.3]]
    # Until a curator sets one, the setting's default holds.
    assert doubt_below() == settings.CLASSIFIER_REVIEW_CONFIDENCE == 0.5
    assert review_flag(top)
    ClassifierSettings(doubt_below=0.4).save()
    assert doubt_below() == 0.4
    assert not review_flag(top)


def draft(*clauses: ClauseDraft) -> DocumentDraft:
    return DocumentDraft(
        source="policy.txt",
        title="某市数据要素发展若干措施",
        region=RegionRef("province", "浙江省"),
        publish_date=dt.date(2024, 1, 1),
        clauses=list(clauses),
    )


@pytest.fixture
def stored(store_drafts):
    """One confidently and one unsurely labelled clause, stored as ingestion stores them."""
    store_drafts(
        [
            draft(
                ClauseDraft(SUBSIDY, "第一条", [], 1, 0.91, [(1, 0.91), (7, 0.05), (8, 0.02)]),
                ClauseDraft(VAGUE, "第二条", [], 5, 0.37, [(5, 0.37), (8, 0.3), (11, 0.1)]),
            )
        ]
    )
    return Clause.objects.get(number="第一条"), Clause.objects.get(number="第二条")


def test_storing_flags_the_unsure_clause(stored, client):
    sure, unsure = stored
    assert (sure.needs_review, unsure.needs_review) == (False, True)
    assert list(Clause.objects.filter(needs_review=True)) == [unsure]
    record = client.get(f"/api/documents/{sure.document_id}").json()
    assert [c["needs_review"] for c in record["clauses"]] == [False, True]


def change_form(clause: Clause, **changes) -> dict:
    """The admin change form of ``clause`` as a browser would post it."""
    data = {
        "document": clause.document_id,
        "order": clause.order,
        "number": clause.number,
        "path": json.dumps(clause.path),
        "text": clause.text,
        "category": clause.category_id,
        "confidence": clause.confidence,
        "top": json.dumps(clause.top),
        "category_source": clause.category_source,
        "_save": "保存",
    }
    if clause.needs_review:
        data["needs_review"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_curator_choosing_the_category_clears_the_flag(stored, admin_client):
    _, unsure = stored
    response = admin_client.post(
        f"/admin/catalog/clause/{unsure.pk}/change/", change_form(unsure, category=8)
    )
    assert response.status_code == 302, response.content.decode()
    unsure.refresh_from_db()
    assert (unsure.category_id, unsure.category_source, unsure.needs_review) == (
        8,
        "curator",
        False,
    )


def test_a_curator_clearing_the_flag_confirms_the_category(stored, admin_client):
    _, unsure = stored
    form = change_form(unsure)
    del form["needs_review"]
    response = admin_client.post(f"/admin/catalog/clause/{unsure.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()
    unsure.refresh_from_db()
    assert (unsure.category_id, unsure.category_source, unsure.needs_review) == (
        5,
        "curator",
        False,
    )


def test_editing_the_text_alone_keeps_the_flag(stored, admin_client):
    _, unsure = stored
    form = change_form(unsure, text=VAGUE + "（修订）")
    response = admin_client.post(f"/admin/catalog/clause/{unsure.pk}/change/", form)
    assert response.status_code == 302
    unsure.refresh_from_db()
    assert (unsure.category_source, unsure.needs_review) == ("model", True)


def test_the_review_filter_lists_flagged_clauses(stored, admin_client):
    page = admin_client.get("/admin/catalog/clause/", {"needs_review__exact": "1"})
    html = page.content.decode()
    assert "待复核" in html
    assert "第二条" in html and "第一条" not in html


def test_relabelling_keeps_the_flag_consistent(stored):
    sure, unsure = stored
    # The stored labels came from a made-up model: relabelling replaces them
    # with the real model's, flags included. A curator's clause stays as is.
    curated = Clause.objects.create(
        document=sure.document,
        order=3,
        text="建立数据资产登记制度。",
        category_id=8,
        confidence=0.2,
        top=[[8, 0.2], [9, 0.19]],
        category_source=Clause.CategorySource.CURATOR,
        needs_review=False,
    )
    relabel_model_clauses()
    model_clauses = Clause.objects.filter(category_source="model")
    for clause in model_clauses:
        assert clause.category_id == clause.top[0][0]
        assert clause.needs_review == review_flag(clause.top)
    assert Clause.objects.get(pk=sure.pk).needs_review is False  # 资金投入, beyond doubt
    curated.refresh_from_db()
    assert (curated.category_id, curated.needs_review) == (8, False)

    # A new threshold: the next relabelling moves the flags and nothing else.
    ClassifierSettings(doubt_below=1.01).save()
    before = {c.pk: (c.category_id, c.top) for c in model_clauses}
    relabel_model_clauses()
    assert [c.needs_review for c in model_clauses.all()] == [
        worth_reviewing(c.top, 1.01) for c in model_clauses.all()
    ]
    assert any(c.needs_review for c in model_clauses.all())
    assert {c.pk: (c.category_id, c.top) for c in model_clauses.all()} == before
    curated.refresh_from_db()
    assert curated.needs_review is False


def test_a_curator_setting_the_threshold_in_the_admin_reflags_the_queue(stored, admin_client):
    sure, unsure = stored
    # The settings page opens on the one row, with the default to start from.
    page = admin_client.get("/admin/catalog/classifiersettings/", follow=True)
    assert "存疑阈值" in page.content.decode()
    response = admin_client.post(
        "/admin/catalog/classifiersettings/add/", {"doubt_below": "0.3", "_save": "保存"}
    )
    assert response.status_code == 302, response.content.decode()
    assert ClassifierSettings.objects.get().doubt_below == 0.3
    unsure.refresh_from_db()
    assert unsure.needs_review is False  # 0.37 is no doubt below 0.3
    response = admin_client.post(
        f"/admin/catalog/classifiersettings/{ClassifierSettings.objects.get().pk}/change/",
        {"doubt_below": "0.9", "_save": "保存"},
    )
    assert response.status_code == 302
    sure.refresh_from_db()
    unsure.refresh_from_db()
    assert (sure.needs_review, unsure.needs_review) == (False, True)
    # Out of range is refused, with the field's message.
    response = admin_client.post(
        f"/admin/catalog/classifiersettings/{ClassifierSettings.objects.get().pk}/change/",
        {"doubt_below": "1.5", "_save": "保存"},
    )
    assert response.status_code == 200 and ClassifierSettings.objects.get().doubt_below == 0.9


def test_the_review_queue_puts_the_decisions_that_change_most_first(stored, admin_client):
    sure, unsure = stored
    # The same vague wording waits twice in a second document: one decision settles both.
    other = Clause.objects.create(
        document=sure.document,
        order=10,
        text="推动数据要素市场建设。",
        category_id=8,
        confidence=0.35,
        top=[[8, 0.35], [5, 0.33]],
        needs_review=True,
    )
    copies = [
        Clause.objects.create(
            document=sure.document,
            order=11 + i,
            text=VAGUE,
            category_id=5,
            confidence=0.4,
            top=[[5, 0.4], [8, 0.3]],
            needs_review=True,
        )
        for i in range(2)
    ]
    page = admin_client.get("/admin/catalog/clause/", {"queue": "review"})
    order = [clause.pk for clause in page.context["cl"].result_list]
    assert set(order[:3]) == {unsure.pk, *(c.pk for c in copies)}
    assert order[3] == other.pk and sure.pk not in order
