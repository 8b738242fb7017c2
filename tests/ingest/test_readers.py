"""Readers on files the tests make: PDFs like real ones, text in legacy encodings, web pages."""

import datetime as dt
import re
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.drafts import UnreadableSource
from ingest.parse import parse_path
from ingest.readers import read
from ingest.readers.doc import OLE_MAGIC, tables_as_lines

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
WIDTH, HEIGHT = A4
LEFT, RIGHT = 72, WIDTH - 72
FONT_SIZE = 12

ARTICLE_ONE = "第一条 为了规范公共数据授权运营，促进数据要素市场化配置，保障数据安全，根据有关法律法规，结合本市实际，制定本办法。"
ARTICLE_TWO = "第二条 本市行政区域内公共数据授权运营及其监督管理活动，适用本办法。法律法规另有规定的，从其规定。"
ARTICLE_THREE = "第三条 公共数据授权运营应当遵循依法合规、安全可控、统筹推进的原则。"


def wrap(text, width_chars):
    return [text[i : i + width_chars] for i in range(0, len(text), width_chars)]


def write_policy_pdf(path, pages, encrypt=None):
    """Pages of paragraphs, with a running header and a page-number footer on each."""
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    chars_per_line = int((RIGHT - LEFT) // FONT_SIZE)
    for number, paragraphs in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(LEFT, HEIGHT - 40, "某市人民政府公报 2024年第5期")
        pdf.drawCentredString(WIDTH / 2, 30, f"- {number} -")
        pdf.setFont("STSong-Light", FONT_SIZE)
        y = HEIGHT - 100
        for paragraph, continued in paragraphs:
            lines = wrap(paragraph, chars_per_line)
            for index, line in enumerate(lines):
                indent = 2 * FONT_SIZE if index == 0 and not continued else 0
                pdf.drawString(LEFT + indent, y, line)
                y -= FONT_SIZE * 1.8
        pdf.showPage()
    pdf.save()


@pytest.fixture
def policy_pdf(tmp_path):
    path = tmp_path / "policy.pdf"
    chars_per_line = int((RIGHT - LEFT) // FONT_SIZE)
    # Article two breaks across the page boundary, in the middle of a line's worth of text.
    cut = chars_per_line + 10
    write_policy_pdf(
        path,
        [
            [
                ("某市公共数据授权运营管理办法", False),
                (ARTICLE_ONE, False),
                (ARTICLE_TWO[:cut], False),
            ],
            [(ARTICLE_TWO[cut:], True), (ARTICLE_THREE, False)],
        ],
    )
    return path


def test_pdf_drops_headers_footers_and_page_numbers_and_rejoins_sentences(policy_pdf):
    raw = read(policy_pdf)
    assert "公报" not in raw.text
    assert "- 1 -" not in raw.text and "- 2 -" not in raw.text
    paragraphs = raw.text.split("\n\n")
    assert ARTICLE_ONE.replace(" ", "") in [p.replace(" ", "") for p in paragraphs]
    assert ARTICLE_TWO.replace(" ", "") in [p.replace(" ", "") for p in paragraphs]


def test_pdf_to_clauses(policy_pdf):
    (document,) = parse_path(policy_pdf)
    assert document.title == "某市公共数据授权运营管理办法"
    assert [c.number for c in document.clauses] == ["第一条", "第二条", "第三条"]
    assert document.doc_type == "办法"


def test_encrypted_pdf_fails_with_a_clear_message(tmp_path):
    path = tmp_path / "secret.pdf"
    write_policy_pdf(path, [[(ARTICLE_ONE, False)]], encrypt="password")
    with pytest.raises(UnreadableSource, match="加密"):
        read(path)


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(100, 100, 300, 500, fill=1)  # a page that is only a picture
    pdf.showPage()
    pdf.save()
    with pytest.raises(UnreadableSource, match="OCR"):
        read(path)


def test_corrupt_pdf_fails_with_a_message(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(UnreadableSource):
        read(path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5", "utf-16", "utf-8-sig"])
def test_text_in_legacy_encodings(tmp_path, encoding):
    text = (
        "第一條 為了規範數據處理活動，保障數據安全，制定本條例。"
        if encoding == "big5"
        else ARTICLE_ONE
    )
    path = tmp_path / f"policy-{encoding}.txt"
    path.write_bytes(
        ("某市数据条例\n" if encoding != "big5" else "某市數據條例\n").encode(encoding)
        + text.encode(encoding)
    )
    assert text in read(path).text


def test_empty_and_binary_files_are_unreadable(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "random.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    for path in (empty, binary):
        with pytest.raises(UnreadableSource):
            read(path)


def test_html_keeps_the_article_and_drops_scripts_and_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>某市数据条例</title><script>var x='不要我';</script></head><body>"
        "<nav>首页 | 政务公开 | 互动交流</nav><div id='content'><h1>某市数据条例</h1>"
        f"<p>{ARTICLE_ONE}</p><p>{ARTICLE_TWO}</p></div><footer>版权所有</footer>"
        "<iframe src='x'></iframe></body></html>",
        encoding="utf-8",
    )
    text = read(path).text
    assert ARTICLE_ONE in text and ARTICLE_TWO in text
    assert "不要我" not in text and "政务公开" not in text and "版权所有" not in text


def test_html_data_table_is_one_clause_with_cells_and_rows_apart(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><div><h1>某市公共数据授权运营管理办法</h1>"
        f"<p>{ARTICLE_ONE}</p><table border='1'>"
        "<tr><th>序号</th><th>任务</th><th>责任单位</th></tr>"
        "<tr><td>1</td><td><p>建设<span>数据资产</span>登记平台</p></td><td>市数据局</td></tr>"
        "<tr><td>2</td><td>制定定价指引</td><td><p>市发展改革委</p><p>市市场监管局</p></td></tr>"
        f"</table><p>{ARTICLE_TWO}</p></div></body></html>",
        encoding="utf-8",
    )
    (draft,) = parse_path(path)
    # Word-exported cells: a <span> stays inside its word, the units of one
    # cell on two <p> become a list.
    assert [(c.number, c.text) for c in draft.clauses] == [
        ("第一条", ARTICLE_ONE.replace(" ", "")),
        (
            None,
            "序号 | 任务 | 责任单位；1 | 建设数据资产登记平台 | 市数据局；"
            "2 | 制定定价指引 | 市发展改革委、市市场监管局",
        ),
        ("第二条", ARTICLE_TWO.replace(" ", "")),
    ]


def test_html_layout_table_keeps_the_article_in_paragraphs(tmp_path):
    path = tmp_path / "page.html"
    article = "".join(f"<p>{text}</p>" for text in [ARTICLE_ONE, ARTICLE_TWO, ARTICLE_THREE] * 3)
    path.write_text(
        "<html><body><main><table><tr><td>某市人民政府</td><td>搜索</td></tr>"
        f"<tr><td>政务公开</td><td><p>某市公共数据授权运营管理办法</p>{article}</td></tr>"
        "</table></main></body></html>",
        encoding="utf-8",
    )
    text = read(path).text
    assert " | " not in text
    assert f"\n{ARTICLE_TWO}\n" in text


def test_html_page_fields_fill_what_the_article_does_not_say(tmp_path):
    """A government page prints 发文机关, 文号 and dates as labelled fields
    beside the article (gov.cn's table, a provincial site's list); the
    article here has neither signature nor 文号."""
    fields_table = (
        "<table class='bd1'><tr><td><b>索 引 号：</b></td><td>11330000002482185J/2024-00011</td>"
        "<td><b>发文机关：</b></td><td>浙江省数据局 浙江省财政厅</td></tr>"
        "<tr><td><b>文　　号：</b></td><td>浙数据发〔2024〕3号</td>"
        "<td><b>发布日期：</b></td><td>2024-05-08</td></tr></table>"
    )
    fields_list = (
        "<ul class='info'><li><span>发文机关：</span>浙江省数据局 浙江省财政厅</li>"
        "<li><span>发文字号：</span>浙数据发〔2024〕3号</li><li>发布日期：2024-05-08</li></ul>"
    )
    for fields in (fields_table, fields_list):
        path = tmp_path / "page.html"
        path.write_text(
            f"<html><body>{fields}<div class='article'><h1>公共数据授权运营管理办法（试行）</h1>"
            f"<p>{ARTICLE_ONE}</p><p>{ARTICLE_TWO}</p></div></body></html>",
            encoding="utf-8",
        )
        (draft,) = parse_path(path)
        assert draft.issuers == ["浙江省数据局", "浙江省财政厅"]
        assert draft.doc_number == "浙数据发〔2024〕3号"
        assert draft.publish_date == dt.date(2024, 5, 8)
        assert draft.region.province == "浙江省"
        assert [c.number for c in draft.clauses] == ["第一条", "第二条"]


def test_html_issuer_field_without_an_organisation_names_none(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><ul><li>发文机关：见正文</li><li>发文字号：无</li></ul>"
        "<div class='article'><h1>公共数据授权运营管理办法</h1>"
        f"<p>{ARTICLE_ONE}</p><p>{ARTICLE_TWO}</p></div></body></html>",
        encoding="utf-8",
    )
    (draft,) = parse_path(path)
    assert (draft.issuers, draft.doc_number) == ([], None)


def test_html_page_fields_yield_to_the_signature(tmp_path):
    # The site published the notice days after it was signed; the signature
    # dates it, as its PDF would.
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><div class='article'><table><tr><td>发文机关：</td><td>某省人民政府</td>"
        "<td>发布日期：</td><td>2024年3月20日</td></tr></table>"
        "<h1>某市公共数据授权运营管理办法</h1>"
        f"<p>{ARTICLE_ONE}</p><p>{ARTICLE_TWO}</p>"
        "<p>某市人民政府</p><p>2024年3月15日</p></div></body></html>",
        encoding="utf-8",
    )
    (draft,) = parse_path(path)
    assert (draft.issuers, draft.publish_date) == (["某市人民政府"], dt.date(2024, 3, 15))
    # The fields table is the page's, not the article's.
    assert not any("发文机关" in clause.text for clause in draft.clauses)


def test_docx(tmp_path):
    path = tmp_path / "policy.docx"
    document = docx.Document()
    document.add_paragraph("某市公共数据授权运营管理办法")
    document.add_paragraph(ARTICLE_ONE)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "数据分级"
    for cell, text in zip(
        table._cells[2:], ["级别", "安全要求", "一级", "完整性保护"], strict=True
    ):
        cell.text = text
    table.cell(2, 1).add_paragraph("访问控制")
    document.add_paragraph(ARTICLE_TWO)
    document.save(path)
    (draft,) = parse_path(path)
    # The table stays where it stands, under 第一条, and is no 款 of it.
    assert [(c.number, c.text) for c in draft.clauses[1:2]] == [
        (None, "数据分级；级别 | 安全要求；一级 | 完整性保护、访问控制")
    ]
    assert [c.number for c in draft.clauses] == ["第一条", None, "第二条"]


WORD97 = Path(__file__).resolve().parent.parent / "golden" / "inputs" / "word97_rules.doc"


def test_word97_doc_as_an_office_suite_saves_it():
    # LibreOffice saved it as Word 97–2003: a publishing notice, then the rules.
    raw = read(WORD97)
    assert raw.format == "doc"
    lines = raw.text.split("\n")
    assert lines[0] == "杭州市人民政府办公厅关于印发杭州市公共数据授权运营实施细则（试行）的通知"
    assert "第五条　对在授权运营中作出突出贡献的单位，按规定给予最高50万元奖励。" in lines
    # The table is one line, its rows and cells apart, as from a .docx.
    assert "级别 | 授权方式；一级 | 无条件开放；二级 | 授权运营" in lines
    (draft,) = parse_path(WORD97)
    # The notice's 文号, signatory and date are the rules' metadata.
    assert (draft.title, draft.doc_number, draft.issuers, draft.publish_date) == (
        "杭州市公共数据授权运营实施细则（试行）",
        "杭政办函〔2024〕12号",
        ["杭州市人民政府办公厅"],
        dt.date(2024, 4, 1),
    )
    assert [c.number for c in draft.clauses if c.number] == [
        "第一条",
        "第二条",
        "第三条",
        "（一）",
        "（二）",
        "第四条",
        "第五条",
        "第六条",
    ]


def test_a_doc_name_on_a_docx_or_a_web_page_is_read_for_what_it_is(tmp_path):
    docx_inside = tmp_path / "附件1.doc"
    document = docx.Document()
    document.add_paragraph("某市公共数据授权运营管理办法")
    document.add_paragraph(ARTICLE_ONE)
    document.save(docx_inside)
    assert read(docx_inside).format == "docx"
    page = tmp_path / "附件2.doc"
    page.write_text("<html><body><p>某市数据条例</p></body></html>", encoding="utf-8")
    assert read(page).format == "html"


def test_a_broken_doc_fails_with_a_message_an_operator_can_act_on(tmp_path):
    broken = tmp_path / "broken.doc"
    broken.write_bytes(WORD97.read_bytes()[:3000])  # cut off in the download
    with pytest.raises(UnreadableSource, match="无法读取这个 .doc 文件.*另存为 .docx"):
        read(broken)
    rtf = tmp_path / "rtf.doc"
    rtf.write_text("{\\rtf1\\ansi 某市数据条例}", encoding="gbk")
    with pytest.raises(UnreadableSource, match="不是有效的 Word 97–2003"):
        read(rtf)


GOV = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "gov" / "files"


@pytest.mark.skipif(not GOV.exists(), reason="needs ../shared/corpus")
def test_a_wps_saved_doc_reads_whole_and_a_mail_merge_field_gives_its_result():
    # catdoc printed runs of this file as mojibake and the merge fields' codes
    # (MERGEFIELD title) into the text; the piece table holds the real text.
    raw = read(GOV / "g10_zj_cbirc_joint_individual_business_notice.doc")
    lines = raw.text.split("\n")
    assert lines[1].startswith("中国银保监会浙江监管局 浙江省财政厅 浙江省地方金融监管局")
    assert "MERGEFIELD" not in raw.text
    assert "浙银保监发〔2021〕64号" in raw.text
    assert "（十七）促进政银保担合作。" in raw.text
    # Only Chinese, punctuation, digits and a few Latin letters: no mojibake.
    assert not re.search(r"[\u0080-\u024f]", raw.text)


def test_tab_separated_runs_are_tables_and_a_lone_tab_is_a_space():
    text = "第一条\t为规范数据处理，制定本办法。\n第二条 数据分级如下：\n级别\t要求\n一级\t公开\n第三条 本办法自发布之日起施行。"
    assert tables_as_lines(text).split("\n") == [
        "第一条 为规范数据处理，制定本办法。",
        "第二条 数据分级如下：",
        "级别 | 要求；一级 | 公开",
        "第三条 本办法自发布之日起施行。",
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=4000), st.integers(min_value=0, max_value=19968))
@example(noise=b"PK", at=0)  # read as a .docx by its first bytes, and no zip
@example(noise=b"<html", at=0)  # read as a web page by its first bytes, and binary
def test_a_damaged_doc_is_read_or_refused_never_a_crash(tmp_path, noise, at):
    # A real .doc with bytes overwritten somewhere, and bare noise under the magic.
    original = WORD97.read_bytes()
    for data in (original[:at] + noise + original[at + len(noise) :], OLE_MAGIC + noise):
        path = tmp_path / "damaged.doc"
        path.write_bytes(data)
        try:
            raw = read(path)
        except UnreadableSource as error:
            # .doc, or .docx or a web page's encoding when its first bytes said so
            assert ".doc" in str(error) or "编码" in str(error)
        else:
            assert raw.format in ("doc", "docx", "html") and isinstance(raw.text, str)


def test_a_markdown_heading_names_the_title_and_comments_are_no_text(tmp_path):
    # lawrefbook's layout: "# title", the note, an HTML comment, chapters as "##".
    law = tmp_path / "数据安全法.md"
    law.write_text(
        "# 中华人民共和国数据安全法\n\n2021年6月10日 第十三届全国人民代表大会常务委员会第二十九次会议通过\n\n"
        "<!-- INFO END -->\n\n## 第一章 总  则\n\n第一条 为了规范数据处理活动，保障数据安全，制定本法。\n",
        encoding="utf-8",
    )
    raw = read(law)
    assert raw.fields == {"title": "中华人民共和国数据安全法"}
    assert "INFO END" not in raw.text
    (draft,) = parse_path(law)
    assert (draft.title, draft.doc_type, draft.issuers) == (
        "中华人民共和国数据安全法",
        "法",
        ["全国人民代表大会常务委员会"],
    )
    assert (str(draft.publish_date), draft.region.level) == ("2021-06-10", "national")
    assert draft.legislative_history[0]["action"] == "通过"
    assert [c.number for c in draft.clauses] == ["第一条"]


def test_a_government_page_names_its_title_and_posting_time_in_its_head(tmp_path):
    # The national standard for government sites: ArticleTitle and PubDate meta tags.
    page = tmp_path / "post_1.html"
    page.write_text(
        "<html><head><title>关于开展资格认证的通告-某市人社局网站</title>"
        '<meta name="ArticleTitle" content="某市社保中心关于开展资格认证的通告">'
        '<meta name="PubDate" content="2025-03-31 17:14:08"></head><body>'
        "<div class='crumbs'>首页 &gt; 专题 &gt; 某市社保中心关于开展资格认证的通告</div>"
        "<div class='content'><ucapcontent><p>根据国家和省有关规定，参保人一年至少进行一次资格认证，"
        "每次认证时间间隔不超过12个月，可全年申办。</p><p>一、认证方式</p>"
        "<p>待遇领取人员可通过微信小程序进行认证。</p></ucapcontent></div></body></html>",
        encoding="utf-8",
    )
    raw = read(page)
    assert raw.fields == {
        "title": "某市社保中心关于开展资格认证的通告",
        "posted": "2025-03-31 17:14:08",
    }
    assert raw.text.split("\n")[0] == "某市社保中心关于开展资格认证的通告"
    assert "首页" not in raw.text  # the article is the element holding the paragraphs
    (draft,) = parse_path(page)
    assert draft.title == "某市社保中心关于开展资格认证的通告"
    assert str(draft.publish_date) == "2025-03-31"  # no signature: the page's date
