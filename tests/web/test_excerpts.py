"""摘编: clauses gathered from several policies, shown by document and
exported, on seeds 002 and 004 ingested with the real command."""

import csv
import io
from types import SimpleNamespace

import pytest
from docx import Document as WordDocument

from policybase.catalog.models import Clause, Document
from policybase.web.excerpts import MAX_EXCERPTS, by_document, parse_ids
from policybase.web.exports import TABLE_HEADER


def test_ids_keep_the_order_taken_and_drop_repeats_and_blanks():
    assert parse_ids("12, 40,7,,12,") == [12, 40, 7]
    assert parse_ids("") == []
    for junk in ("12,abc", "-3", "１２", "1.5"):
        with pytest.raises(ValueError, match="不是编号"):
            parse_ids(junk)


def test_documents_in_the_order_first_taken_and_clauses_in_the_order_of_the_text():
    first, second = SimpleNamespace(title="甲"), SimpleNamespace(title="乙")
    clauses = {
        pk: SimpleNamespace(pk=pk, document_id=id(document), document=document, order=order)
        for pk, document, order in [(7, second, 3), (3, first, 9), (5, first, 2), (9, second, 1)]
    }
    groups = by_document(clauses.values(), [7, 3, 9, 5])
    assert [group.document.title for group in groups] == ["乙", "甲"]
    assert [[clause.pk for clause in group.clauses] for group in groups] == [[9, 7], [5, 3]]
    # 移出 keeps the others in the order they were taken.
    removal = {item.clause.pk: item.remove_query for group in groups for item in group.items}
    assert removal[9] == "ids=7,3,5"
    assert by_document([clauses[7]], [7])[0].items[0].remove_query == ""


@pytest.fixture
def taken(corpus):
    """Two clauses of the 數據要素× plan (004) and one of a newsletter policy
    (002), taken in the order plan, newsletter, plan (later article first)."""
    plan = Document.objects.get(doc_number="國數政策〔2023〕11号")
    late, early = plan.clauses.order_by("-order")[0], plan.clauses.order_by("order")[3]
    other = Clause.objects.exclude(document=plan).order_by("pk").first()
    return plan, [late, other, early]


def test_the_page_lists_the_clauses_by_document_with_their_place(client, taken):
    plan, (late, other, early) = taken
    ids = f"{late.pk},{other.pk},{early.pk}"
    response = client.get("/excerpts/", {"ids": ids})
    assert response.status_code == 200
    html = response.content.decode()
    assert "共 <strong>3</strong> 条条款，出自 2 份文件" in html
    # The plan first (taken first), its clauses in the order of the text.
    assert html.index(f'id="c{early.pk}"') < html.index(f'id="c{late.pk}"')
    assert html.index(f'id="c{late.pk}"') < html.index(f'id="c{other.pk}"')
    assert html.index(plan.title) < html.index(other.document.title)
    # Each clause's place stands before its text.
    assert (early.locator, late.locator) == ("第一部分", "第五部分第（二十三）项")
    assert 'title="在文件中查看">第五部分第（二十三）项</a>' in html
    assert f'<span class="text">{early.body}</span>' in html
    assert f'href="?ids={other.pk},{early.pk}" data-clause="{late.pk}"' in html
    assert f'href="?ids={ids}&amp;format=docx"' in html


def test_a_withdrawn_document_s_clauses_are_counted_not_shown(client, taken):
    plan, (late, other, early) = taken
    plan.review_state = Document.ReviewState.WITHDRAWN
    plan.save()
    html = client.get("/excerpts/", {"ids": f"{late.pk},{other.pk},{early.pk},999999"}).content
    html = html.decode()
    assert "共 <strong>1</strong> 条条款，出自 1 份文件" in html
    assert "3 条已不可见" in html
    assert f'id="c{late.pk}"' not in html


def test_bad_ids_answer_400_and_too_many_are_cut_with_a_notice(client, corpus):
    response = client.get("/excerpts/", {"ids": "12,<script>"})
    assert response.status_code == 400
    assert "不是编号" in response.content.decode()
    assert "<script>" not in response.content.decode()

    # Clauses of the corpus (fewer than the cap), then ids no clause has.
    pks = list(Clause.objects.order_by("pk").values_list("pk", flat=True))[: MAX_EXCERPTS - 20]
    ids = pks + list(range(10**7, 10**7 + MAX_EXCERPTS))
    html = client.get("/excerpts/", {"ids": ",".join(map(str, ids))}).content.decode()
    assert f"摘编最多 {MAX_EXCERPTS} 条" in html
    assert f"共 <strong>{len(pks)}</strong> 条条款" in html
    assert f"{MAX_EXCERPTS - len(pks)} 条已不可见" in html


def test_word_export_quotes_each_clause_under_its_policy(client, taken):
    plan, (late, other, early) = taken
    response = client.get(
        "/excerpts/", {"ids": f"{late.pk},{other.pk},{early.pk}", "format": "docx"}
    )
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    word = WordDocument(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("Heading 1", "政策条文摘编")
    assert paragraphs[1][1] == "共 3 条条款，出自 2 份文件。"
    headings = [text for style, text in paragraphs if style == "Heading 2"]
    assert headings == [plan.title, other.document.title]
    texts = [text for _, text in paragraphs]
    assert texts[3] == f"发文机关：{'、'.join(plan.issuer_names)}；文号：{plan.doc_number}；" + (
        f"发布日期：{plan.publish_date:%Y-%m-%d}；效力：{plan.standing_label}"
    )
    assert texts[4] == f"第一部分\u3000{early.text}"
    assert [run.text for run in word.paragraphs[4].runs if run.bold] == ["第一部分\u3000"]
    assert texts[-1].startswith(
        f"来源：PolicyBase 数据政策库 http://testserver/excerpts/?ids={late.pk},{other.pk},{early.pk}"
    )


def test_csv_export_has_the_search_export_s_columns_in_the_page_s_order(client, taken):
    plan, (late, other, early) = taken
    response = client.get(
        "/excerpts/", {"ids": f"{late.pk},{other.pk},{early.pk}", "format": "csv"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == TABLE_HEADER
    assert [int(row[0]) for row in rows[1:]] == [early.pk, late.pk, other.pk]
    assert rows[1][TABLE_HEADER.index("引用")] == early.citation


def test_every_listed_clause_can_be_taken_also_when_grouped_by_document(client, taken):
    plan, (late, other, early) = taken
    for group in ("clause", "document"):
        html = client.get("/", {"q": "創新研發模式", "group": group}).content.decode()
        clause = plan.clauses.get(text__contains="創新研發模式")
        assert f'class="excerpt" data-clause="{clause.pk}"' in html, group
