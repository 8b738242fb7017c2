"""Word documents (.docx), as many policies are published."""

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table

from ..clean import table_line
from ..drafts import RawText, UnreadableSource


def read_docx(path: Path) -> RawText:
    # A file that only starts like a zip ("PK…") is no package at all.
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise UnreadableSource(f"不是有效的 Word（.docx）文件：{error}") from error
    # In document order, so that a table stays in the article that shows it.
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.append(table_line(_cell_texts(row) for row in block.rows))
        else:
            lines.append(block.text)
    return RawText(path.name, "\n".join(lines), "docx")


def _cell_texts(row) -> list[str]:
    """The row's cells, a merged one once: python-docx gives a cell spanning
    three columns three times (标题 | 标题 | 标题)."""
    cells, texts, column = row.cells, [], 0
    while column < len(cells):
        texts.append(cells[column].text)
        column += cells[column].grid_span
    return texts
