"""PDF files through pdfplumber.

Character positions let us tell running headers, footers and page numbers
from text, and rebuild paragraphs that the page layout broke into lines.
"""

import re
from collections import Counter
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ..clean import BLOCK_START
from ..drafts import RawText, UnreadableSource

# Share of the page height at the top and bottom where headers and footers live.
MARGIN_ZONE = 0.08
# "12", "- 12 -", "—12—", "第 12 页", "12/30"
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[-—–\s]*$")
SENTENCE_END = "。！？；：」”’）)…"
ENCRYPTED = "PDF 已加密，需要密码才能读取。请提供未加密的文件。"
# "(cid:2838)": a glyph pdfminer could not map to a character (a font without
# a usable ToUnicode map). Text made of them is not text.
UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
MAX_UNMAPPED_SHARE = 0.1


def _is_encryption_error(error: BaseException) -> bool:
    # pdfplumber wraps pdfminer's errors; the cause says whether a password is missing.
    while error is not None:
        if isinstance(error, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _signature(text: str) -> str:
    # A running header differs between pages only in its numbers.
    return re.sub(r"\d+", "#", text.replace(" ", ""))


def _margin_lines(pages_lines, heights) -> set[str]:
    """Signatures of lines that recur in the header/footer zone of several pages."""
    counts = Counter()
    for lines, height in zip(pages_lines, heights, strict=True):
        seen = set()
        for line in lines:
            if line["top"] < height * MARGIN_ZONE or line["bottom"] > height * (1 - MARGIN_ZONE):
                seen.add(_signature(line["text"]))
        counts.update(seen)
    threshold = max(2, len(pages_lines) // 2)
    return {sig for sig, n in counts.items() if n >= threshold}


def _paragraphs(lines, left: float, right: float) -> list[str]:
    """Re-join the lines of one page into paragraphs.

    A line that stops well before the right margin ends its paragraph (the
    last line of a paragraph, a heading, a signature); an indented line starts
    one. Everything else is a layout break inside a sentence.
    """
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        text = line["text"].strip()
        char_width = max((line["x1"] - line["x0"]) / max(len(text), 1), 1.0)
        if current and line["x0"] - left > 1.5 * char_width:
            paragraphs.append(current)
            current = ""
        current += text
        if right - line["x1"] > 2 * char_width:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def read_pdf(path: Path) -> RawText:
    try:
        pdf = pdfplumber.open(path)
    except Exception as error:
        if _is_encryption_error(error):
            raise UnreadableSource(ENCRYPTED) from error
        raise UnreadableSource(f"无法打开 PDF（文件可能已损坏）：{type(error).__name__}") from error
    with pdf:
        try:
            pages_lines = [page.extract_text_lines(keep_blank_chars=False) for page in pdf.pages]
        except Exception as error:
            if _is_encryption_error(error):
                raise UnreadableSource(ENCRYPTED) from error
            raise UnreadableSource(
                f"PDF 内容无法解析（文件可能已损坏）：{type(error).__name__}"
            ) from error
        heights = [page.height for page in pdf.pages]
    if not any(line["text"].strip() for lines in pages_lines for line in lines):
        raise UnreadableSource("PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）再入库。")
    text = "".join(line["text"] for lines in pages_lines for line in lines)
    if len(UNMAPPED_GLYPH.findall(text)) > MAX_UNMAPPED_SHARE * len(text) / len("(cid:1234)"):
        raise UnreadableSource(
            "PDF 的字体没有字符映射，只能取出字形编号；"
            "请用原始文件另存为带文字的 PDF，或先做文字识别（OCR）。"
        )

    repeated = _margin_lines(pages_lines, heights)
    paragraphs: list[str] = []
    dropped = 0
    for lines, height in zip(pages_lines, heights, strict=True):
        body = []
        for line in lines:
            in_margin = line["top"] < height * MARGIN_ZONE or line["bottom"] > height * (
                1 - MARGIN_ZONE
            )
            if in_margin and (
                PAGE_NUMBER.match(line["text"]) or _signature(line["text"]) in repeated
            ):
                dropped += 1
                continue
            body.append(line)
        if not body:
            continue
        left = min(line["x0"] for line in body)
        right = max(line["x1"] for line in body)
        page_paragraphs = _paragraphs(body, left, right)
        # A sentence running over the page break continues the last paragraph.
        if (
            paragraphs
            and page_paragraphs
            and paragraphs[-1][-1] not in SENTENCE_END
            and not BLOCK_START.match(page_paragraphs[0])
        ):
            paragraphs[-1] += page_paragraphs.pop(0)
        paragraphs.extend(page_paragraphs)
    warnings = [f"去掉了 {dropped} 行页眉、页脚或页码"] if dropped else []
    return RawText(path.name, "\n\n".join(paragraphs), "pdf", warnings)
