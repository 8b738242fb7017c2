"""What the site's Word files share: the page turned for tables side by
side, a clause set as a report quotes it, and the closing source line."""

import io

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt


def landscape() -> WordDocument:
    """A new document on a landscape page: texts side by side need its width."""
    word = WordDocument()
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    return word


def quote(paragraph, clause, size: float | None = None) -> None:
    """The clause's place in bold and a full-width space (第五条　, 第二部分第（一）项　),
    then its text without the number the place holds."""
    pieces = [(f"{clause.locator}\u3000", True)] if clause.locator else []
    for text, bold in [*pieces, (clause.body, False)]:
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)


def finish(word, url: str, exported_on) -> bytes:
    """The file's bytes, closed by where and when it was exported."""
    word.add_paragraph(f"来源：PolicyBase 数据政策库 {url}（{exported_on:%Y-%m-%d} 导出）")
    return as_bytes(word)


def as_bytes(word) -> bytes:
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()
