"""效力: whether a policy is in force today, from its dates and what a curator
recorded, on the document and as a search filter that agrees with it."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from policybase.catalog.models import Document, Standing
from policybase.search.query import Filters, search

DAY = dt.date(2025, 6, 1)
BEFORE, AFTER = dt.date(2025, 1, 1), dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("fields", "standing"),
    [
        ({}, Standing.IN_FORCE),  # nothing known: in force, as databases of law assume
        ({"effective_date": BEFORE, "expiry_date": AFTER}, Standing.IN_FORCE),
        ({"effective_date": DAY, "expiry_date": DAY}, Standing.IN_FORCE),  # both days count
        ({"effective_date": AFTER}, Standing.NOT_YET),
        ({"expiry_date": BEFORE}, Standing.LAPSED),
        ({"validity": "not_yet"}, Standing.NOT_YET),
        # A 施行日期 the text gives outranks a curator's 尚未生效 once it has come.
        ({"validity": "not_yet", "effective_date": BEFORE}, Standing.IN_FORCE),
        ({"validity": "valid", "expiry_date": BEFORE}, Standing.LAPSED),
        ({"validity": "repealed", "effective_date": BEFORE, "expiry_date": AFTER}, Standing.LAPSED),
        ({"validity": "amended"}, Standing.LAPSED),
        ({"status": ["征求意见稿"], "effective_date": BEFORE}, None),
        ({"status": ["试行", "草案"]}, None),
        ({"status": ["试行"], "effective_date": BEFORE}, Standing.IN_FORCE),
    ],
)
def test_standing_on_a_day(fields, standing):
    assert Document(title="某市数据条例", **fields).standing_on(DAY) == standing


def test_the_label_names_what_a_curator_recorded():
    assert Document(validity="repealed").standing_label == "已废止"
    assert Document(expiry_date=dt.date(2000, 1, 1)).standing_label == "已失效"
    assert Document(status=["征求意见稿"]).standing_label == ""


def test_the_filter_finds_the_documents_of_each_standing(store_drafts, client):
    """Every way a document gets its standing, stored and indexed; the filter
    of each standing finds exactly the documents that have it today."""
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    cases = {
        "undated": {},
        "effective": {"effective_date": today - year, "expiry_date": today + year},
        "expires today": {"expiry_date": today},
        "comes into force": {"effective_date": today + year},
        "expired": {"effective_date": today - 2 * year, "expiry_date": today - year},
        "draft": {"status": ["征求意见稿"]},
        "draft to come": {"status": ["草案"], "effective_date": today + year},
    }
    drafts = [
        DocumentDraft(
            source="policy.txt",
            title=f"某市数据管理办法（{name}）",
            region=RegionRef("city", "浙江省", "杭州市"),
            clauses=[ClauseDraft(f"第一条 本办法适用于{name}的数据管理。", "第一条", [], 6, 0.8)],
            **fields,
        )
        for name, fields in cases.items()
    ]
    # What a curator records: saved one by one, as the admin does.
    for name, validity in [("repealed", "repealed"), ("not yet, undated", "not_yet")]:
        drafts.append(
            DocumentDraft(
                source="policy.txt",
                title=f"某市数据管理办法（{name}）",
                clauses=[ClauseDraft(f"第一条 {name}。", "第一条", [], 6, 0.8)],
                effective_date=today - year if validity == "repealed" else None,
            )
        )
    store_drafts(drafts)
    for name, validity in [("repealed", "repealed"), ("not yet, undated", "not_yet")]:
        document = Document.objects.get(title__contains=name)
        document.validity = validity
        document.save()

    def found(standing: str) -> set[str]:
        hits = search("", Filters(standing=standing), by_document=True).documents
        return {hit.document.title for hit in hits}

    expected = {
        standing: {d.title for d in Document.objects.all() if d.standing == standing}
        for standing in Standing.values
    }
    # The cases cover each standing, and drafts none.
    assert [len(titles) for titles in expected.values()] == [3, 2, 2]
    for standing, titles in expected.items():
        assert found(standing) == titles, standing
    assert found("") == {d.title for d in Document.objects.all()}
    # The page and the API take it as a parameter, and show it on each document.
    page = client.get("/", {"standing": "lapsed"}).content.decode()
    assert "效力：已失效" in page and "已废止" in page
    api = client.get("/api/search", {"standing": "not_yet"}).json()
    assert {hit["standing"] for hit in api["results"]} == {"not_yet"}
    assert client.get("/api/search", {"standing": "whenever"}).status_code == 400
    export = client.get("/api/search", {"standing": "lapsed", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    column = rows[0].index("standing")
    assert [row[column] for row in rows[1:]] == ["lapsed", "lapsed"]
    expired = Document.objects.get(title__contains="（expired）")
    page = client.get(expired.get_absolute_url()).content.decode()
    assert '<a href="/?standing=lapsed">已失效</a>' in page
