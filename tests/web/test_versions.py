"""Comparing two versions of a policy: the pure alignment and character diff,
and the page a document links to when it has another version."""

import io

import docx

from policybase.catalog.models import Clause, Document
from policybase.web.versions import Piece, compare, fold_unchanged, inline_changes

DRAFT = [
    "第一条 为了规范数据交易，制定本办法。",
    "第二条 本办法适用于本省行政区域内的数据交易活动。",
    "第三条 数据交易应当遵循自愿、公平原则。",
    "第四条 省数据局负责统筹。",
]
FINAL = [
    "第一条 為了規範數據交易，制定本辦法。",  # the same clause, in traditional characters
    "第二条 本办法适用于本市行政区域内的数据交易及相关服务活动。",
    "第三条 市数据局负责统筹协调。",
    "第四条 鼓励金融机构开发数据资产质押产品。",
]


def test_clauses_are_kept_changed_dropped_or_added_in_reading_order():
    rows = compare(DRAFT, FINAL)
    assert [(row.kind, row.old, row.new) for row in rows] == [
        ("same", 0, 0),
        ("changed", 1, 1),
        ("removed", 2, None),
        ("changed", 3, 2),
        ("added", None, 3),
    ]
    # An unchanged clause shows the new text, in the new version's script.
    assert rows[0].pieces == (Piece("same", FINAL[0]),)
    assert rows[2].pieces == (Piece("removed", DRAFT[2]),)


def test_a_changed_clause_marks_the_characters_dropped_and_added():
    pieces = inline_changes(DRAFT[1], FINAL[1])
    assert pieces == (
        Piece("same", "第二条 本办法适用于本"),
        Piece("removed", "省"),
        Piece("added", "市"),
        Piece("same", "行政区域内的数据交易"),
        Piece("added", "及相关服务"),
        Piece("same", "活动。"),
    )
    # Reading the pieces gives back both texts.
    assert "".join(p.text for p in pieces if p.kind != "removed") == FINAL[1]
    assert "".join(p.text for p in pieces if p.kind != "added") == DRAFT[1]


def test_a_short_unchanged_run_between_changes_joins_the_change():
    # 加强 → 完善: not 加/完 and 强/善 around nothing, but one replacement.
    assert inline_changes("要加强数据安全", "要完善数据安全") == (
        Piece("same", "要"),
        Piece("removed", "加强"),
        Piece("added", "完善"),
        Piece("same", "数据安全"),
    )
    pieces = inline_changes("甲乙丙丁戊己庚辛", "甲子丙丁寅己庚辛")
    assert [p.kind for p in pieces] == ["same", "removed", "added", "same"]
    assert pieces[1] == Piece("removed", "乙丙丁戊") and pieces[2] == Piece("added", "子丙丁寅")


def test_a_clause_is_paired_with_its_best_match_not_its_neighbour():
    old = ["第一条 总则。", "第二条 建立数据资产登记制度，明确登记机构。", "第三条 附则。"]
    new = [
        "第一条 总则。",
        "第二条 鼓励开展数据资产评估试点。",
        "第三条 建立健全数据资产登记制度，明确登记机构。",
        "第四条 附则。",
    ]
    kinds = [(row.kind, row.old, row.new) for row in compare(old, new)]
    assert kinds == [
        ("same", 0, 0),
        ("added", None, 1),
        ("changed", 1, 2),
        ("changed", 2, 3),
    ]


def test_unrelated_texts_are_dropped_and_added_and_empty_sides_work():
    assert [row.kind for row in compare(["数据安全"], ["人才培养计划"])] == ["removed", "added"]
    assert compare([], []) == []
    assert [row.kind for row in compare([], ["甲"])] == ["added"]


def test_unchanged_runs_fold_to_their_count_around_the_changes():
    rows = compare(
        [f"第{n}条 条文{n}保持不变。" for n in range(1, 9)],
        [f"第{n}条 条文{n}保持不变。" for n in range(1, 5)]
        + ["第5条 条文5已经修改。"]
        + [f"第{n}条 条文{n}保持不变。" for n in range(6, 9)],
    )
    folded = fold_unchanged(rows)
    assert [x if isinstance(x, int) else x.kind for x in folded] == [
        3,
        "same",
        "changed",
        "same",
        2,
    ]


def new_version_of(document: Document) -> Document:
    """A copy of ``document`` with its second clause changed and its last dropped."""
    clauses = list(document.clauses.all())
    copy = Document.objects.create(
        title=document.title, previous_version=document, region=document.region
    )
    texts = [c.text for c in clauses[:-1]]
    texts[1] = texts[1] + "并定期评估。"
    Clause.objects.bulk_create(
        Clause(document=copy, order=k, text=text) for k, text in enumerate(texts)
    )
    return copy


def test_the_document_page_links_both_versions_to_their_comparison(corpus, client):
    document = Document.objects.filter(clauses__isnull=False).distinct().order_by("pk").first()
    later = new_version_of(document)
    url = f"/documents/{document.pk}/diff/{later.pk}/"
    for page in (f"/documents/{document.pk}/", f"/documents/{later.pk}/"):
        assert f'href="{url}"' in client.get(page).content.decode()

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    counts = page.context["counts"]
    assert counts == {"same": document.clauses.count() - 2, "changed": 1, "added": 0, "removed": 1}
    assert "<ins>并定期评估。</ins>" in html
    assert "<del>" in html
    # Unchanged clauses are folded unless asked for.
    shown = [item for item in page.context["items"] if "row" in item]
    assert len(shown) < len(client.get(url, {"all": "1"}).context["items"])


def test_the_comparison_downloads_as_a_word_table_old_beside_new(corpus, client):
    document = Document.objects.filter(clauses__isnull=False).distinct().order_by("pk").first()
    later = new_version_of(document)
    response = client.get(f"/documents/{document.pk}/diff/{later.pk}/", {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    table = docx.Document(io.BytesIO(response.content)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["旧版条文", "新版条文", "变化"]
    changes = {row[2]: row for row in rows[1:] if not row[2].startswith("未变")}
    assert set(changes) == {"修改", "删除"}
    old_text, new_text, _ = changes["修改"]
    assert new_text == old_text + "并定期评估。"
    # What was added is underlined on the right; what was dropped struck on the left.
    changed = next(row for row in table.rows if row.cells[2].text == "修改")
    assert [r.text for r in changed.cells[1].paragraphs[0].runs if r.font.underline] == [
        "并定期评估。"
    ]
    dropped = next(row for row in table.rows if row.cells[2].text == "删除")
    assert all(r.font.strike for r in dropped.cells[0].paragraphs[0].runs)
    assert dropped.cells[1].text == ""
    # Unchanged clauses are counted, not listed, unless asked for.
    skipped = sum(int(row[2].split()[1]) for row in rows[1:] if row[2].startswith("未变 "))
    listed_same = sum(row[2] == "未变" for row in rows[1:])
    assert skipped + listed_same == document.clauses.count() - 2
    every = client.get(f"/documents/{document.pk}/diff/{later.pk}/", {"format": "docx", "all": "1"})
    assert (
        len(docx.Document(io.BytesIO(every.content)).tables[0].rows) == document.clauses.count() + 1
    )


def test_the_comparison_as_json_has_every_row_with_its_clause_ids(corpus, client):
    document = Document.objects.filter(clauses__isnull=False).distinct().order_by("pk").first()
    later = new_version_of(document)
    response = client.get(f"/documents/{document.pk}/diff/{later.pk}/", {"format": "json"})
    data = response.json()
    assert (data["old"], data["new"]) == (document.pk, later.pk)
    assert len(data["rows"]) == document.clauses.count()  # none folded away
    assert data["counts"]["changed"] == 1 and data["counts"]["removed"] == 1
    changed = next(row for row in data["rows"] if row["change"] == "changed")
    old_ids = set(document.clauses.values_list("pk", flat=True))
    assert changed["old_clause_id"] in old_ids
    assert changed["new_clause_id"] in set(later.clauses.values_list("pk", flat=True))
    assert {"kind": "added", "text": "并定期评估。"} in changed["pieces"]
    removed = next(row for row in data["rows"] if row["change"] == "removed")
    assert removed["new_clause_id"] is None and removed["old_clause_id"] in old_ids


def test_a_withdrawn_or_missing_version_is_not_found(corpus, client):
    document = Document.objects.filter(clauses__isnull=False).distinct().order_by("pk").first()
    assert client.get(f"/documents/{document.pk}/diff/999999/").status_code == 404
    later = new_version_of(document)
    later.review_state = Document.ReviewState.WITHDRAWN
    later.save()
    assert client.get(f"/documents/{document.pk}/diff/{later.pk}/").status_code == 404


def test_a_copy_from_another_source_is_linked_to_the_comparison(corpus, client, admin_client):
    document = Document.objects.get(title="人脸识别技术应用安全管理规定（试行）（征求意见稿）")
    # The same policy from another source: its title in traditional characters.
    copy = Document.objects.create(
        title="人臉識別技術應用安全管理規定（試行）（徵求意見稿）", source_name="other.html"
    )
    Clause.objects.create(document=copy, order=0, text=document.clauses.first().text)
    unrelated = Document.objects.exclude(pk__in=[document.pk, copy.pk]).first()

    diff = f"/documents/{copy.pk}/diff/{document.pk}/"
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "同一政策的另一来源" in page and f'href="{diff}"' in page
    assert "同一政策的另一来源" not in client.get(f"/documents/{unrelated.pk}/").content.decode()
    admin_page = admin_client.get(f"/admin/catalog/document/{document.pk}/change/")
    assert f'href="{diff}"' in admin_page.content.decode()
    counts = client.get(diff).context["counts"]
    assert counts["same"] == 1 and counts["added"] == document.clauses.count() - 1

    # A withdrawn copy is no other source any more.
    copy.review_state = Document.ReviewState.WITHDRAWN
    copy.save()
    assert "同一政策的另一来源" not in client.get(f"/documents/{document.pk}/").content.decode()
