"""A version comparison as the Word table officials write by hand, the 新旧对照表:
the old text beside the new, what was dropped struck through on the left,
what was added underlined on the right."""

from docx.shared import Pt, RGBColor

from .versions import LABELS, Row
from .word import as_bytes, landscape

REMOVED = RGBColor(0xB3, 0x26, 0x1E)
ADDED = RGBColor(0x1D, 0x5C, 0x2A)


def comparison_docx(old, new, items: list[Row | int]) -> bytes:
    """``items`` as the page shows them: rows, and the number of unchanged
    clauses left out between them."""
    word = landscape()
    word.add_heading(f"{new.title} 新旧对照表", level=1)
    for label, document in (("旧版", old), ("新版", new)):
        date = document.publish_date.isoformat() if document.publish_date else "日期不详"
        word.add_paragraph(f"{label}：{document.title}（{date}，{document.source_name}）")
    table = word.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("旧版条文", "新版条文", "变化"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for item in items:
        left, right, change = table.add_row().cells
        if isinstance(item, int):
            change.text = f"未变 {item} 条（略）"
            continue
        change.text = LABELS[item.kind]
        for piece in item.pieces:
            if piece.kind != "added":
                _run(left, piece.text, struck=piece.kind == "removed")
            if piece.kind != "removed":
                _run(right, piece.text, underlined=piece.kind == "added")
    return as_bytes(word)


def _run(cell, text: str, struck: bool = False, underlined: bool = False) -> None:
    run = cell.paragraphs[0].add_run(text)
    run.font.size = Pt(10.5)
    if struck:
        run.font.strike = True
        run.font.color.rgb = REMOVED
    if underlined:
        run.font.underline = True
        run.font.color.rgb = ADDED
