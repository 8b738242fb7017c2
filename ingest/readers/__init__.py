"""Readers know file formats, not policy: each turns a file into RawText."""

from dataclasses import replace
from pathlib import Path

from ..drafts import RawText, UnreadableSource
from ..paths import readable
from .doc import OLE_MAGIC, read_doc
from .docx import read_docx
from .html import read_html
from .pdf import read_pdf
from .text import read_text

# Text and web pages are read whole, as splitting needs the whole text (a
# contents page points far ahead). 50 MB of policy text, twenty times the
# largest compilation seen, parses in about 600 MB of memory; a bigger text
# file is refused rather than risk the worker.
MAX_TEXT_BYTES = 64 * 2**20
READ_WHOLE = {read_text, read_html}
READERS = {
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".doc": read_doc,
    ".html": read_html,
    ".htm": read_html,
    ".txt": read_text,
    ".md": read_text,
}


def read(path: Path) -> RawText:
    path = Path(path)
    if not path.is_file():
        raise UnreadableSource(f"文件不存在或不是普通文件：{path}")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    # Old sites' "Word" downloads are often a .docx or a web page under a
    # .doc name; the first bytes tell.
    if reader is None or reader is read_doc:
        reader = _by_content(path) or reader
    if reader is None:
        if suffix:
            raise UnreadableSource(
                f"不支持的文件类型 {path.suffix}：请提供 PDF、Word（.docx、.doc）、HTML 或文本文件。"
            )
        reader = read_text
    if reader in READ_WHOLE and (size := path.stat().st_size) > MAX_TEXT_BYTES:
        raise UnreadableSource(
            f"文件过大（{size / 2**20:.0f} MB）：文本和网页文件最大 {MAX_TEXT_BYTES // 2**20} MB。"
            "请按政策文件拆分后再入库。"
        )
    # The name travels into drafts, JSON lines and the terminal: bytes of it
    # that are not UTF-8 would make printing it fail.
    return replace(reader(path), source=readable(path.name))


def _by_content(path: Path):
    """The reader the file's first bytes ask for, or None."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"%PDF"):
        return read_pdf
    if head.startswith(b"PK"):
        return read_docx
    if head.startswith(OLE_MAGIC):
        return read_doc
    if b"<html" in head.lower() or b"<!doctype html" in head.lower():
        return read_html
    return None
