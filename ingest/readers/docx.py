"""Word documents (.docx), as many policies are published."""

import zipfile
from pathlib import Path

import docx

from ..drafts import RawText, UnreadableSource


def read_docx(path: Path) -> RawText:
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableSource(f"不是有效的 Word（.docx）文件：{error}") from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return RawText(path.name, "\n".join(lines), "docx")
