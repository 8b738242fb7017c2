"""The outline and category mix of a document page, from clause paths (no database)."""

from types import SimpleNamespace

from policybase.catalog.models import Category
from policybase.web.outline import category_mix, heading_label, lead_phrase, outline


def clauses(*rows):
    """Clause-like objects from (number, path, text), numbered from pk 1."""
    return [
        SimpleNamespace(pk=pk, number=number, path=path, text=text, category=None)
        for pk, (number, path, text) in enumerate(rows, start=1)
    ]


REGULATION = clauses(
    ("第一条", ["第一章总则"], "第一条为规范自然资源领域数据处理活动，制定本办法。"),
    ("第二条", ["第一章总则"], "第二条本办法适用于自然资源领域数据处理活动。"),
    ("第三条", ["第二章数据分类分级管理"], "第三条核心数据包括："),
    ("(一)", ["第二章数据分类分级管理", "第三条"], "(一)支撑“两统一”职责的数据；"),
    ("(二)", ["第二章数据分类分级管理", "第三条"], "(二)覆盖多个省份的数据。"),
    ("第三条第二款", ["第二章数据分类分级管理"], "重要数据目录应当报备。"),
    ("第四条", ["第二章数据分类分级管理"], "第四条本办法自印发之日起施行。"),
)

OPINION = clauses(
    ("", [], "为加快推进人工智能产业创新发展，提出如下意见。"),
    ("", ["一、总体要求"], "到2025年，基本形成产业生态。"),
    ("（一）", ["二、主要任务"], "（一）建设多元融合算力支撑体系。加快推进算力基础设施建设。"),
    ("1.", ["二、主要任务", "（一）建设多元融合算力支撑体系"], "1.整合提升通用算力。"),
    ("2.", ["二、主要任务", "（一）建设多元融合算力支撑体系"], "2.积极扩容智能算力。"),
    ("（二）", ["二、主要任务"], "（二）构建高效协同模型创新生态。推进新模式。"),
    ("", ["三、保障措施", "(一)加强组织领导"], "深入实施“链长制”。"),
)


def test_chapters_and_articles_make_the_outline_of_a_regulation():
    result = outline(REGULATION)
    assert [(e.label, e.depth) for e in result.entries] == [
        ("第一章 总则", 0),
        ("第一条", 1),
        ("第二条", 1),
        ("第二章 数据分类分级管理", 0),
        ("第三条", 1),
        ("第四条", 1),
    ]
    # Articles link to the clause permalinks, and show their opening words.
    first = result.entries[1]
    assert first.anchor == "c1"
    assert first.detail.startswith("为规范自然资源")


def test_headings_are_shown_once_above_their_first_clause():
    rows = outline(REGULATION).rows
    shown = [[h.label for h in row.headings] for row in rows]
    assert shown == [["第一章 总则"], [], ["第二章 数据分类分级管理"], [], [], [], []]
    assert rows[0].headings[0].level == 2


def test_items_of_an_article_are_nested_under_it_and_not_headings():
    rows = outline(REGULATION).rows
    assert [row.nested for row in rows] == [False, False, False, True, True, False, False]


def test_every_anchor_is_unique_and_points_at_a_heading_or_a_clause():
    for document in (REGULATION, OPINION):
        result = outline(document)
        targets = {f"c{row.clause.pk}" for row in result.rows}
        targets |= {h.anchor for row in result.rows for h in row.headings}
        anchors = [entry.anchor for entry in result.entries]
        assert len(anchors) == len(set(anchors))
        assert set(anchors) <= targets


def test_a_heading_that_a_clause_opens_links_to_that_clause():
    result = outline(OPINION)
    assert [(e.label, e.anchor, e.depth) for e in result.entries] == [
        ("一、总体要求", "s2-0", 0),
        ("二、主要任务", "s3-0", 0),
        ("（一）建设多元融合算力支撑体系", "c3", 1),
        ("（二）构建高效协同模型创新生态", "c6", 1),
        ("三、保障措施", "s7-0", 0),
        ("(一)加强组织领导", "s7-1", 1),
    ]
    rows = outline(OPINION).rows
    # （一）建设… is the clause itself, so no heading repeats it; 1. and 2. are its items.
    assert [h.label for h in rows[3].headings] == []
    assert rows[3].nested and rows[4].nested


def test_an_article_heading_with_a_title_names_the_article():
    document = clauses(
        ("第五条", [], "本市依法保护数据产权人的数据权益。"),
        ("第五条第二款", [], "数据产权人包括："),
        ("（一）", ["第五条（数据产权人）"], "（一）数据生产者、采集者；"),
    )
    result = outline(document)
    assert [(e.label, e.anchor) for e in result.entries] == [("第五条（数据产权人）", "c1")]
    assert result.rows[2].nested
    assert not any(row.headings for row in result.rows)


def test_a_document_without_clauses_has_no_outline():
    result = outline([])
    assert result.entries == [] and result.rows == []


def test_labels():
    assert heading_label("第三章数据全生命周期安全管理") == "第三章 数据全生命周期安全管理"
    assert heading_label("第一章 总则") == "第一章 总则"
    assert heading_label("二、主要任务") == "二、主要任务"
    assert (
        lead_phrase("（三）促进数据开放共享。支持企业建立训练数据集。") == "（三）促进数据开放共享"
    )
    assert lead_phrase("很" * 40).endswith("…") and len(lead_phrase("很" * 40)) == 28


def test_category_mix_counts_categories_and_instrument_groups():
    talent = Category(id=0, slug="talent", name="人才培养", group=Category.Group.SUPPLY)
    regulation = Category(
        id=6, slug="regulation", name="法规管制", group=Category.Group.ENVIRONMENT
    )
    document = [
        SimpleNamespace(category=c) for c in (regulation, regulation, regulation, talent, None)
    ]
    by_category, by_group = category_mix(document)
    assert [(s.label, s.count, s.percent) for s in by_category] == [
        ("法规管制", 3, 75),
        ("人才培养", 1, 25),
    ]
    assert [(s.label, s.count, s.css) for s in by_group] == [
        ("供给型", 1, "supply"),
        ("环境型", 3, "environment"),
    ]
    assert category_mix([]) == ([], [])
