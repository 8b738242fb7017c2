"""Word 97–2003 documents (.doc), which government sites still attach to
many notices.

The text is read from the document's piece table ([MS-DOC] 2.4.1): the
WordDocument stream's FIB points to the Clx in the table stream, whose
pieces say where each run of characters lies and whether it is stored as
8-bit (cp1252) or UTF-16 text. olefile reads the OLE2 container. Reading
the pieces ourselves keeps what converters lose: catdoc printed runs of
WPS-saved files as mojibake and mail-merge field codes (MERGEFIELD title)
into the text; here a field gives its result only.
"""

import struct
from pathlib import Path

import olefile

from ..clean import table_line
from ..drafts import RawText, UnreadableSource

# Every OLE2 compound file (.doc, .xls, .wps) starts with these bytes.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_DOCX = "也可在 Word 或 WPS 中另存为 .docx 后入库。"
WORD_IDENT = 0xA5EC
# FIB fields ([MS-DOC] 2.5.1): flags (fWhichTblStm, fEncrypted), ccpText, fcClx/lcbClx.
FIB_FLAGS, FIB_CCP_TEXT, FIB_CLX = 0x0A, 0x4C, 0x1A2
TABLE_STREAM_1, ENCRYPTED = 0x0200, 0x0100
COMPRESSED = 0x40000000
# Characters with a meaning in Word's text stream.
PARAGRAPH, CELL, LINE_BREAK, PAGE_BREAK = "\r", "\x07", "\x0b", "\x0c"
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"
# Anchors of pictures, drawings, footnote and comment marks: no text.
ANCHORS = str.maketrans("", "", "\x01\x02\x05\x08\x1f")
SPECIALS = str.maketrans({"\x1e": "-", "\xa0": " "})


def read_doc(path: Path) -> RawText:
    with path.open("rb") as handle:
        if handle.read(len(OLE_MAGIC)) != OLE_MAGIC:
            raise UnreadableSource(f"不是有效的 Word 97–2003（.doc）文件。{SAVE_AS_DOCX}")
    try:
        text = _piece_text(path)
    except (OSError, ValueError, KeyError, IndexError, struct.error) as error:
        raise UnreadableSource(
            f"无法读取这个 .doc 文件（文件已损坏或不是 Word 文档：{error}）。{SAVE_AS_DOCX}"
        ) from error
    text = _lines(_field_results(text))
    if not text.strip():
        raise UnreadableSource(f"这个 .doc 文件中没有文字。{SAVE_AS_DOCX}")
    return RawText(path.name, tables_as_lines(text), "doc")


def _piece_text(path: Path) -> str:
    """The main document's characters, as the piece table lays them out."""
    with olefile.OleFileIO(str(path)) as ole:
        if not ole.exists("WordDocument"):
            raise ValueError("没有 WordDocument 流")
        word = ole.openstream("WordDocument").read()
        ident, flags = (
            struct.unpack_from("<H", word, 0)[0],
            struct.unpack_from("<H", word, FIB_FLAGS)[0],
        )
        if ident != WORD_IDENT:
            raise ValueError("文件头不是 Word 97–2003 格式")
        if flags & ENCRYPTED:
            raise UnreadableSource(f"这个 .doc 文件已加密，请先取消密码。{SAVE_AS_DOCX}")
        table = ole.openstream("1Table" if flags & TABLE_STREAM_1 else "0Table").read()
    characters = struct.unpack_from("<i", word, FIB_CCP_TEXT)[0]
    fc_clx, lcb_clx = struct.unpack_from("<II", word, FIB_CLX)
    pieces = []
    for start, end, fc in _pieces(table[fc_clx : fc_clx + lcb_clx]):
        end = min(end, characters)
        if end <= start:
            continue
        count = end - start
        if fc & COMPRESSED:
            offset = (fc & ~COMPRESSED) // 2
            pieces.append(word[offset : offset + count].decode("cp1252", errors="replace"))
        else:
            pieces.append(word[fc : fc + 2 * count].decode("utf-16-le", errors="replace"))
    return "".join(pieces)


def _pieces(clx: bytes):
    """(first character, end character, fc) of each piece of the Clx: its
    property runs (Prc, 0x01) come first, then the piece table (Pcdt, 0x02)."""
    position = 0
    while clx[position] == 0x01:
        position += 3 + struct.unpack_from("<h", clx, position + 1)[0]
    if clx[position] != 0x02:
        raise ValueError("找不到文字片段表")
    size = struct.unpack_from("<I", clx, position + 1)[0]
    table = clx[position + 5 : position + 5 + size]
    count = (size - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", table, 0)
    for index in range(count):
        fc = struct.unpack_from("<I", table, 4 * (count + 1) + 8 * index + 2)[0]
        yield cps[index], cps[index + 1], fc


def _field_results(text: str) -> str:
    """Each field as its result: {MERGEFIELD title|标题} → 标题, nested too."""
    out, stack = [], []  # stack: whether each open field is past its separator
    for char in text:
        if char == FIELD_BEGIN:
            stack.append(False)
        elif char == FIELD_SEPARATOR and stack:
            stack[-1] = True
        elif char == FIELD_END and stack:
            stack.pop()
        elif all(stack):
            out.append(char)
    return "".join(out)


def _lines(text: str) -> str:
    """Paragraphs one per line; a table row's cells parted by tabs (a cell
    ends in 0x07, a row with one more)."""
    text = text.translate(ANCHORS).translate(SPECIALS)
    text = text.replace(CELL + PARAGRAPH, CELL).replace(CELL + CELL, "\n").replace(CELL, "\t")
    for mark in (PARAGRAPH, LINE_BREAK, PAGE_BREAK):
        text = text.replace(mark, "\n")
    return text


def tables_as_lines(text: str) -> str:
    """The text with each run of tab-separated rows written as one table
    line, as the other readers write a table (clean.table_line). A lone line
    with tabs is a paragraph aligned by them (第一条→tab→text, a signature
    and its date), not a table: its tabs become spaces."""
    lines: list[str] = []
    run: list[str] = []

    def end_run():
        if len(run) > 1:
            lines.append(table_line(row.rstrip("\t").split("\t") for row in run))
        else:
            lines.extend(row.replace("\t", " ") for row in run)
        run.clear()

    for line in text.split("\n"):
        if "\t" in line.strip("\t ") or line.endswith("\t"):
            run.append(line)
            continue
        end_run()
        lines.append(line)
    end_run()
    return "\n".join(lines)
