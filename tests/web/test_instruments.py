"""政策对照: policies side by side, instrument by instrument, on seeds 002
and 004 ingested with the real command."""

import io
from types import SimpleNamespace

import pytest
from docx import Document as WordDocument

from policybase.catalog.models import Category, Document
from policybase.web.instruments import MAX_DOCUMENTS, UNCLASSIFIED, by_instrument


def category(pk, name, group):
    return SimpleNamespace(pk=pk, name=name, get_group_display=lambda: group)


def test_a_row_per_instrument_any_policy_uses_in_the_taxonomy_s_order():
    categories = [
        category(0, "人才培养", "供给型"),
        category(1, "资金投入", "供给型"),
        category(7, "金融支持", "环境型"),
    ]
    first = [SimpleNamespace(category_id=c, n=i) for i, c in enumerate([7, 0, 7, None])]
    second = [SimpleNamespace(category_id=c, n=i) for i, c in enumerate([7, 7])]
    rows = by_instrument(categories, [first, second])
    assert [(row.category, row.label, row.group, row.counts) for row in rows] == [
        (0, "人才培养", "供给型", [1, 0]),
        (7, "金融支持", "环境型", [2, 2]),
        (None, UNCLASSIFIED, "", [1, 0]),
    ]
    # Within a cell, the text's order.
    assert [clause.n for clause in rows[1].cells[0]] == [0, 2]


@pytest.fixture
def policies(corpus):
    """Two policies of the newsletter with full text, and the 數據要素× plan."""
    with_text = Document.objects.filter(has_full_text=True).exclude(clauses=None).order_by("pk")
    return list(with_text[:3])


def test_the_page_sets_each_policy_s_clauses_under_their_instrument(client, policies):
    ids = ",".join(str(document.pk) for document in policies)
    response = client.get("/documents/compare/", {"ids": ids})
    assert response.status_code == 200
    html = response.content.decode()
    for document in policies:
        assert document.title in html
    rows = response.context["rows"]
    for row in rows:
        name = Category.objects.filter(name=row.label).first()
        for document, cell in zip(policies, row.cells, strict=True):
            assert len(cell) == document.clauses.filter(category=name).count()
    # Every clause of every policy is in one row.
    assert sum(sum(row.counts) for row in rows) == sum(d.clauses.count() for d in policies)
    first, second, third = policies
    assert f'href="?ids={second.pk},{third.pk}">不对照这份</a>' in html


def test_json_gives_each_row_s_clause_ids_per_document(client, policies):
    ids = ",".join(str(document.pk) for document in policies)
    data = client.get("/documents/compare/", {"ids": ids, "format": "json"}).json()
    assert data["documents"] == [document.pk for document in policies]
    for row in data["rows"]:
        for document, clause_ids in zip(policies, row["clauses"], strict=True):
            expected = document.clauses.filter(category=row["category"]).order_by("order")
            assert clause_ids == list(expected.values_list("pk", flat=True))


def test_missing_withdrawn_too_many_and_bad_ids(client, policies):
    first, second, third = policies
    second.review_state = Document.ReviewState.WITHDRAWN
    second.save()
    html = client.get("/documents/compare/", {"ids": f"{first.pk},{second.pk},999999"})
    assert "2 份文件不存在或已撤回" in html.content.decode()
    ids = ",".join(map(str, Document.objects.values_list("pk", flat=True)[: MAX_DOCUMENTS + 1]))
    assert (
        f"一次最多对照 {MAX_DOCUMENTS} 份文件"
        in client.get("/documents/compare/", {"ids": ids}).content.decode()
    )
    assert client.get("/documents/compare/", {"ids": "1,x"}).status_code == 400


def test_word_table_has_a_column_per_policy_and_a_row_per_instrument(client, policies):
    ids = ",".join(str(document.pk) for document in policies)
    page = client.get("/documents/compare/", {"ids": ids})
    response = client.get("/documents/compare/", {"ids": ids, "format": "docx"})
    assert "filename*=utf-8''" in response["Content-Disposition"]
    [table] = WordDocument(io.BytesIO(response.content)).tables
    assert [cell.text for cell in table.rows[0].cells] == ["政策工具"] + [d.title for d in policies]
    rows = page.context["rows"]
    assert [row.cells[0].text for row in table.rows[1:]] == [
        f"{row.label}（{row.group}）" if row.group else row.label for row in rows
    ]
    # The first policy's first clause stands in its row, first column.
    index, clause = next((i, row.cells[0][0]) for i, row in enumerate(rows) if row.cells[0])
    assert table.rows[index + 1].cells[1].paragraphs[0].text.endswith(clause.body)


def test_an_excerpt_of_several_policies_links_their_comparison(client, policies):
    first, second, _ = policies
    ids = f"{first.clauses.first().pk},{second.clauses.first().pk}"
    html = client.get("/excerpts/", {"ids": ids}).content.decode()
    assert f'href="/documents/compare/?ids={first.pk},{second.pk}"' in html
