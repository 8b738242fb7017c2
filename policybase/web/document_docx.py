"""One policy as a Word file: its metadata, headings and clauses as the
document page shows them. A policy taken from a compilation has the whole
compilation as its original file; an analyst who wants to annotate this one
policy gets it alone, with where it came from."""

from docx import Document as WordDocument
from docx.shared import Pt

from .outline import ARTICLE_HEADING, Row
from .records import iso_date
from .word import finish


def document_docx(document, rows: list[Row], url: str, exported_on) -> bytes:
    word = WordDocument()
    word.add_heading(document.title, level=1)
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in metadata(document):
        name, text = table.add_row().cells
        name.text, text.text = label, value
    for row in rows:
        for heading in row.headings:
            word.add_heading(heading.label, level=heading.level)  # the page's h2–h4
        paragraph = word.add_paragraph()
        if row.nested:
            paragraph.paragraph_format.left_indent = Pt(21)  # two characters
        number, text = _number_and_text(row.clause)
        if number:
            paragraph.add_run(number).bold = True
        paragraph.add_run(text)
    return finish(word, url, exported_on)


def _number_and_text(clause) -> tuple[str, str]:
    """第三条 in bold and a full-width space before the text, as printed
    regulations set an article; an item's number (（一）) runs into its text."""
    number = clause.number
    if number and ARTICLE_HEADING.match(number):
        number += "\u3000"
    return number, clause.body


def metadata(document) -> list[tuple[str, str]]:
    """The document's fields as (label, value), "—" where unknown; 有效期至
    only when the text gives one."""
    region = document.region
    fields = [
        ("发文机关", "、".join(document.issuer_names)),
        ("文号", document.doc_number),
        ("地区", " › ".join(node.name for node in region.lineage()) if region else ""),
        ("发布日期", iso_date(document.publish_date)),
        ("施行日期", iso_date(document.effective_date)),
        ("有效期至", iso_date(document.expiry_date)),
        ("效力", document.standing_label),
        ("文种", document.doc_type),
        ("状态", "、".join(document.status) or "正式"),
        ("原始文件", document.source_name),
    ]
    return [(label, value or "—") for label, value in fields if value or label != "有效期至"]
