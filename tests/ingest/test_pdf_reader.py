"""ingest/readers/pdf.py on PDFs laid out line by line: where paragraphs run
over a page break and where they do not, glyphs without characters, and
readers in several threads (pdfium itself is not thread-safe)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.drafts import UnreadableSource
from ingest.readers import read
from ingest.readers.pdf import UNMAPPED

from ..chromium import CHROMIUM, print_to_pdf

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
WIDTH, HEIGHT = A4
LEFT, FONT_SIZE = 72, 12
# Every character here is a full-width CJK glyph, so a line of PER_LINE
# characters reaches the right margin and an indent is two characters.
PER_LINE = 30
TITLE = "某市公共数据授权运营管理办法"
# 28 + 30 characters: the indented first line and one full line, ending on "。".
FILLS_TWO_LINES = (
    "第一条为了规范公共数据授权运营，促进数据要素市场化配置，保障数据安全，"
    "根据有关法律、法规，结合本市实际，制定本办法。"
)
NEXT_SENTENCE = "本办法所称公共数据是指公共管理和服务机构在依法履职过程中收集产生的数据。"
ARTICLE_TWO = "第二条本市行政区域内公共数据授权运营及其监督管理活动适用本办法。"


def lines_of(paragraph: str, continued: bool = False) -> list[tuple[int, str]]:
    """(indent in characters, text) of each line, set as a word processor would."""
    lines, rest, indent = [], paragraph, 0 if continued else 2
    while rest:
        lines.append((indent, rest[: PER_LINE - indent]))
        rest, indent = rest[PER_LINE - indent :], 0
    return lines


def write_pdf(path, pages):
    """Pages of (indent, text) lines under a running header, over a page number."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(LEFT, HEIGHT - 40, "某市人民政府公报 2024年第5期")
        pdf.drawCentredString(WIDTH / 2, 30, f"- {number} -")
        pdf.setFont("STSong-Light", FONT_SIZE)
        for row, (indent, text) in enumerate(lines):
            pdf.drawString(LEFT + indent * FONT_SIZE, HEIGHT - 100 - row * 22, text)
        pdf.showPage()
    pdf.save()
    return path


def paragraphs(path) -> list[str]:
    return read(path).text.split("\n\n")


def test_the_fixture_fills_lines_to_the_margin():
    assert len(FILLS_TWO_LINES) == 2 * PER_LINE - 2
    assert [len(text) + indent for indent, text in lines_of(FILLS_TWO_LINES)] == [PER_LINE] * 2


def test_a_paragraph_filling_the_last_line_of_a_page_runs_on_despite_its_full_stop(tmp_path):
    path = write_pdf(
        tmp_path / "runs-on.pdf",
        [
            [(4, TITLE), *lines_of(FILLS_TWO_LINES)],
            [*lines_of(NEXT_SENTENCE, continued=True), *lines_of(ARTICLE_TWO)],
        ],
    )
    assert paragraphs(path) == [TITLE, FILLS_TWO_LINES + NEXT_SENTENCE, ARTICLE_TWO]


def test_a_closing_quote_at_the_foot_of_a_page_does_not_end_the_paragraph(tmp_path):
    quoted = (
        "第三条市数据主管部门会同有关部门建立健全“数据要素×”行动的推进机制，"
        "支持各区结合本区产业优势积极开展“数据要素×”"
    )
    assert len(quoted) == 2 * PER_LINE - 2
    rest = "典型场景建设。"
    path = write_pdf(
        tmp_path / "quote.pdf",
        [[*lines_of(quoted)], [*lines_of(rest, continued=True), *lines_of(ARTICLE_TWO)]],
    )
    assert paragraphs(path) == [quoted + rest, ARTICLE_TWO]


def test_an_indented_line_at_the_top_of_a_page_starts_a_paragraph(tmp_path):
    path = write_pdf(
        tmp_path / "new-paragraph.pdf",
        [[*lines_of(FILLS_TWO_LINES)], [*lines_of(NEXT_SENTENCE)]],
    )
    assert paragraphs(path) == [FILLS_TWO_LINES, NEXT_SENTENCE]


def test_a_short_last_line_ending_a_sentence_ends_the_paragraph(tmp_path):
    short = FILLS_TWO_LINES[:-10] + "。"
    path = write_pdf(
        tmp_path / "short.pdf",
        [[*lines_of(short)], [*lines_of(NEXT_SENTENCE, continued=True)]],
    )
    assert paragraphs(path) == [short, NEXT_SENTENCE]


def test_threads_reading_at_once_get_the_same_text(tmp_path):
    path = write_pdf(
        tmp_path / "shared.pdf",
        [[(4, TITLE), *lines_of(FILLS_TWO_LINES)]] * 4,
    )
    expected = read(path).text
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: read(path).text, range(8))) == [expected] * 8


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_glyphs_without_characters_are_refused_not_indexed(tmp_path):
    # Chromium embeds subsets of the page's fonts whose glyph numbers mean
    # nothing without the /ToUnicode map; a PDF that lost it is such a file.
    html = tmp_path / "notice.html"
    html.write_text(
        '<html lang="zh-CN"><meta charset="utf-8"><body>'
        f"<h1>{TITLE}</h1><p>{FILLS_TWO_LINES}</p><p>{ARTICLE_TWO}</p></body></html>",
        encoding="utf-8",
    )
    printed = tmp_path / "notice.pdf"
    print_to_pdf(html, printed, tmp_path / "profile", header_footer=False)
    data = printed.read_bytes()
    assert b"/ToUnicode" in data
    assert FILLS_TWO_LINES in read(printed).text.replace(" ", "")
    unmapped = tmp_path / "unmapped.pdf"
    # Same length, so the cross-reference offsets stay right.
    unmapped.write_bytes(data.replace(b"/ToUnicode", b"/NoUnicode"))
    with pytest.raises(UnreadableSource) as error:
        read(unmapped)
    assert str(error.value) == UNMAPPED
