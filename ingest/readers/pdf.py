"""PDF files through pdfium's text layer (pypdfium2).

Character positions let us tell running headers, footers and page numbers
from text, and rebuild paragraphs that the page layout broke into lines.
Pages are opened one at a time and closed before the next, so a book of a
thousand pages holds only its lines in memory.
"""

import ctypes
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..clean import BLOCK_START, CELL_SEPARATOR, ROW_SEPARATOR
from ..drafts import RawText, UnreadableSource

# Share of the page height at the top and bottom where headers and footers live.
MARGIN_ZONE = 0.08
# "12", "- 12 -", "—12—", "第 12 页", "12/30"
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[-—–\s]*$")
SENTENCE_END = "。！？；：」”’）)…"
ENCRYPTED = "PDF 已加密，需要密码才能读取。请提供未加密的文件。"
CORRUPT = "无法打开 PDF（文件可能已损坏）"
NO_PAGES = "PDF 没有可读的页面（文件可能已损坏）。"
NO_TEXT_LAYER = "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）再入库。"
UNMAPPED = (
    "PDF 的字体没有字符映射，只能取出字形编号；"
    "请用原始文件另存为带文字的 PDF，或先做文字识别（OCR）。"
)
# pdfium's reasons for refusing a file (FPDF_ERR_*): a password it was not
# given or a security handler it does not know, else damage of some kind.
LOCKED = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}
DAMAGE = {
    pdfium_c.FPDF_ERR_FILE: "文件无法读取",
    pdfium_c.FPDF_ERR_FORMAT: "不是有效的 PDF 格式",
    pdfium_c.FPDF_ERR_PAGE: "页面无法加载",
}
# A font without a usable ToUnicode map gives glyph numbers, not characters.
# A few are dropped with a warning; more than this share and the text is not text.
MAX_UNMAPPED_SHARE = 0.1
# Pieces of one line further apart than this (points) are words or table
# cells, and get a space between them: pdfplumber's x_tolerance.
WORD_GAP = 3
# A gap of at least this many character heights before a word may part two
# table cells (cell padding is about one character; a word space a quarter).
CELL_GAP = 0.75
# Cell starts of two table rows line up within this many points.
COLUMN_SLACK = 3
# A table row has at least this many cells: with two, 第四条　本办法… over
# 第五条　… (one-line articles, same indent) would line up like a table.
MIN_CELLS = 3
# pdfium ends each run of text it sees as a line with "\r\n".
LINE_BREAKS = "\r\n"
# pdfium is not thread-safe, not even across documents, and a threaded server
# or worker may read two uploads at once.
PDFIUM = threading.Lock()


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float  # top and bottom are measured down from the top of the page
    bottom: float
    # (left, text) of the parts of the line that a wide gap sets apart; a
    # line of MIN_CELLS or more parts may be a table row (see _mark_rows).
    cells: list[tuple[float, str]] = field(default_factory=list)
    row: bool = False


@dataclass
class Page:
    lines: list[Line]
    height: float
    glyphs: int  # characters drawn, spaces not counted
    unmapped: int  # glyphs that map to no character (left out of lines)


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if error.err_code in LOCKED:
            raise UnreadableSource(ENCRYPTED) from error
        reason = DAMAGE.get(error.err_code, "未知错误")
        raise UnreadableSource(f"{CORRUPT}：{reason}") from error


def _pieces(textpage) -> tuple[list[list], int, int]:
    """Runs of characters between pdfium's line breaks, as
    [left, bottom, right, top, characters, gaps] in PDF coordinates (y
    upwards), with the page's glyph and unmapped-glyph counts. ``gaps`` lists
    (index in characters, left of the next character) for each space wider
    than CELL_GAP: Chromium prints a table row as one run, its cells parted
    by spaces.

    Loose boxes span the font's ascent and descent, so the characters of one
    line share one height whatever their shape (一 is flat, 第 tall). One box
    per character costs little beside pdfium's own text extraction; pdfium's
    text rectangles would be fewer calls, but get_text_bounded() repeats or
    drops characters where glyph boxes overlap, as in Chromium's output.
    """
    count = pdfium_c.FPDFText_CountChars(textpage)
    text = textpage.get_text_range()
    if len(text) != count:
        # get_text_range() may leave out or add a character, and its UTF-16
        # splits characters beyond the BMP: then one call per character.
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    pieces: list[list] = []
    piece: list | None = None
    glyphs = unmapped = 0
    spaced = False
    for index, char in enumerate(text):
        if char in LINE_BREAKS:
            piece = None
            continue
        if char.isspace():
            if piece:
                piece[4].append(" ")
                spaced = True
            continue
        glyphs += 1
        if pdfium_c.FPDFText_HasUnicodeMapError(textpage, index):
            unmapped += 1
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
        if piece is None:
            piece = [rect.left, rect.bottom, rect.right, rect.top, [char], []]
            pieces.append(piece)
            spaced = False
            continue
        if spaced:
            spaced = False
            # piece[2], the run's right edge so far, is the last character's.
            if rect.left - piece[2] > CELL_GAP * (rect.top - rect.bottom):
                piece[5].append((len(piece[4]), rect.left))
        # Comparisons, not min()/max(): this loop runs once per character.
        if rect.left < piece[0]:
            piece[0] = rect.left
        if rect.bottom < piece[1]:
            piece[1] = rect.bottom
        if rect.right > piece[2]:
            piece[2] = rect.right
        if rect.top > piece[3]:
            piece[3] = rect.top
        piece[4].append(char)
    return pieces, glyphs, unmapped


def _lines(pieces: list[list], page_top: float) -> list[Line]:
    """Pieces grouped into lines, top to bottom, each read left to right.

    A piece joins the line above when either's vertical middle falls inside
    the other's band: lines set with any leading do not overlap, and a table
    row or a header with text at both ends comes out of pdfium as several pieces.
    """
    pieces.sort(key=lambda piece: -(piece[1] + piece[3]))
    groups: list[list] = []  # [bottom, top, pieces]
    for piece in pieces:
        _, bottom, _, top, *_ = piece
        if groups:
            band = groups[-1]
            if band[0] <= (bottom + top) / 2 <= band[1] or bottom <= (band[0] + band[1]) / 2 <= top:
                band[0], band[1] = min(band[0], bottom), max(band[1], top)
                band[2].append(piece)
                continue
        groups.append([bottom, top, [piece]])
    lines = []
    for bottom, top, members in groups:
        members.sort(key=lambda piece: piece[0])
        cell_gap = max(WORD_GAP, CELL_GAP * (top - bottom))
        cells: list[list] = []  # [left, text] of the parts a wide gap sets apart
        end = members[0][0]
        for left, _, right, _, chars, gaps in members:
            starts = [(0, left), *gaps, (len(chars), None)]
            for (start, x), (stop, _) in pairwise(starts):
                part = "".join(chars[start:stop])
                if start == 0 and cells and left - end <= cell_gap:
                    cells[-1][1] += (" " if left - end > WORD_GAP else "") + part
                else:
                    cells.append([x, part])
            end = max(end, right)
        cells = [(x, " ".join(part.split())) for x, part in cells]
        lines.append(
            Line(
                " ".join(part for _, part in cells),
                members[0][0],
                end,
                page_top - top,
                page_top - bottom,
                cells if len(cells) >= MIN_CELLS else [],
            )
        )
    return lines


def _mark_rows(lines: list[Line]) -> None:
    """Lines whose cells start where the next line's do, column by column,
    are the rows of a table: each becomes its cells with CELL_SEPARATOR
    between them, where prose would have run them together (and
    _paragraphs puts a table's rows in one paragraph). A cell that
    wraps onto a second line breaks the alignment, and so the table."""
    for above, below in pairwise(lines):
        if (
            above.cells
            and len(above.cells) == len(below.cells)
            and all(
                abs(x - y) <= COLUMN_SLACK
                for (x, _), (y, _) in zip(above.cells, below.cells, strict=True)
            )
        ):
            above.row = below.row = True
    for line in lines:
        if line.row:
            line.text = CELL_SEPARATOR.join(part for _, part in line.cells)


def _read_page(pdf: pdfium.PdfDocument, index: int) -> Page:
    page = pdf[index]
    try:
        _, bottom, _, top = page.get_bbox()
        textpage = page.get_textpage()
        try:
            pieces, glyphs, unmapped = _pieces(textpage)
        finally:
            textpage.close()
    finally:
        page.close()
    return Page(_lines(pieces, top), top - bottom, glyphs, unmapped)


def _read_pages(path: Path) -> tuple[list[Page], list[str]]:
    """Every page that pdfium can read, and a warning for each it cannot."""
    pages, warnings = [], []
    with PDFIUM:
        pdf = _open(path)
        try:
            if len(pdf) == 0:
                raise UnreadableSource(NO_PAGES)
            for index in range(len(pdf)):
                try:
                    pages.append(_read_page(pdf, index))
                except pdfium.PdfiumError:
                    warnings.append(f"第 {index + 1} 页无法解析，已跳过")
        finally:
            pdf.close()
    return pages, warnings


def _signature(text: str) -> str:
    # A running header differs between pages only in its numbers.
    return re.sub(r"\d+", "#", text.replace(" ", ""))


def _in_margin(line: Line, height: float) -> bool:
    return line.top < height * MARGIN_ZONE or line.bottom > height * (1 - MARGIN_ZONE)


def _margin_lines(pages: list[Page]) -> set[str]:
    """Signatures of lines that recur in the header/footer zone of several pages."""
    counts = Counter()
    for page in pages:
        counts.update(
            {_signature(line.text) for line in page.lines if _in_margin(line, page.height)}
        )
    threshold = max(2, len(pages) // 2)
    return {sig for sig, n in counts.items() if n >= threshold}


def _paragraphs(bodies: list[list[Line]]) -> list[str]:
    """Re-join the body lines of the pages into paragraphs.

    A line that stops well before the right margin ends its paragraph (the
    last line of a paragraph, a heading, a signature); an indented line starts
    one. Everything else is a layout break inside a sentence. The first line
    of a page continues the paragraph before the page break when it is not
    indented, does not open a block (第二条, （三）), and the paragraph ran to
    the right margin or stopped short of a sentence's end: a page may end on
    "。" in mid-paragraph, and a converted text may break lines anywhere.
    """
    paragraphs: list[str] = []
    current = ""
    after_row = False  # a table's rows make one paragraph of their own
    for body in bodies:
        left = min(line.x0 for line in body)
        right = max(line.x1 for line in body)
        for number, line in enumerate(body):
            if line.row:
                if after_row:
                    paragraphs[-1] += ROW_SEPARATOR + line.text
                else:
                    if current:
                        paragraphs.append(current)
                        current = ""
                    paragraphs.append(line.text)
                after_row = True
                continue
            char_width = max((line.x1 - line.x0) / max(len(line.text), 1), 1.0)
            indented = line.x0 - left > 1.5 * char_width
            if number == 0 and not current and paragraphs:
                if not (indented or after_row or BLOCK_START.match(line.text)) and (
                    paragraphs[-1][-1] not in SENTENCE_END
                ):
                    current = paragraphs.pop()
            elif current and (indented or (number == 0 and BLOCK_START.match(line.text))):
                paragraphs.append(current)
                current = ""
            after_row = False
            current += line.text
            if right - line.x1 > 2 * char_width:
                paragraphs.append(current)
                current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def read_pdf(path: Path) -> RawText:
    pages, warnings = _read_pages(path)
    glyphs = sum(page.glyphs for page in pages)
    unmapped = sum(page.unmapped for page in pages)
    if unmapped > MAX_UNMAPPED_SHARE * glyphs:
        raise UnreadableSource(UNMAPPED)
    if not glyphs:
        raise UnreadableSource(NO_TEXT_LAYER)
    if unmapped:
        warnings.append(f"略去了 {unmapped} 个没有字符映射的字形")

    repeated = _margin_lines(pages)
    bodies = []
    dropped = 0
    for page in pages:
        body = [
            line
            for line in page.lines
            if not (
                _in_margin(line, page.height)
                and (PAGE_NUMBER.match(line.text) or _signature(line.text) in repeated)
            )
        ]
        dropped += len(page.lines) - len(body)
        if body:
            _mark_rows(body)
            bodies.append(body)
    if dropped:
        warnings.append(f"去掉了 {dropped} 行页眉、页脚或页码")
    return RawText(path.name, "\n\n".join(_paragraphs(bodies)), "pdf", warnings)
