"""Plain text and Markdown in whatever encoding the publisher used."""

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from ..drafts import RawText, UnreadableSource

BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
ASCII = bytes(range(128))
# UTF-8 with a few broken bytes (a download cut off inside a character, a
# stray byte pasted in) is still UTF-8; text in GBK or Big5 breaks at almost
# every non-ASCII byte when read as UTF-8.
MAX_BROKEN_UTF8_SHARE = 0.01
CHINESE_ENCODINGS = {"gbk", "gb2312", "gb18030", "big5", "big5hkscs", "cp950"}
# Ideographs, CJK punctuation and full-width forms: the non-ASCII of a Chinese text.
CHINESE_CHAR = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
MIN_CHINESE_SHARE = 0.9
# Markdown: <!-- INFO END --> and other comments are no text; "# 标题" is the title.
MARKDOWN_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
MARKDOWN_TITLE = re.compile(r"^#[ \t]+(\S.*)$", re.MULTILINE)


def decode(data: bytes) -> tuple[str, str, int]:
    """The text, the encoding it was read with, and how many bytes or
    sequences were not valid in it (each replaced by U+FFFD)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding, 0
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = _replaced(text, data, "utf-8")
    if broken <= MAX_BROKEN_UTF8_SHARE * len(data.translate(None, ASCII)):
        return text, "utf-8", broken
    # GB18030 is a superset of GBK and GB2312: decode with it when any of them is detected.
    best = from_bytes(data).best()
    # Mostly ASCII with a few Chinese characters passes for a European code
    # page ("Data policy 2024 … 温州市数据条例" as mac_latin2): in a Chinese
    # knowledge base, bytes that read cleanly as Chinese GB18030 are that.
    if (best is None or best.encoding not in CHINESE_ENCODINGS) and (
        text := _chinese_gb18030(data)
    ) is not None:
        return text, "gb18030", 0
    if best is None:
        raise UnreadableSource(
            "无法识别文件编码：它可能不是文本文件。请确认格式，或另存为 UTF-8 文本。"
        )
    encoding = "gb18030" if best.encoding in {"gbk", "gb2312", "gb18030"} else best.encoding
    text = data.decode(encoding, errors="replace")
    return text, encoding, _replaced(text, data, encoding)


def _replaced(text: str, data: bytes, encoding: str) -> int:
    """How many U+FFFD decoding put in: one the file itself holds (pasted from
    another broken page, say) is text, not a broken byte."""
    try:
        held = data.count("\ufffd".encode(encoding))
    except UnicodeEncodeError:  # Big5 has no U+FFFD: the file cannot hold one
        held = 0
    return text.count("\ufffd") - held


def _chinese_gb18030(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    chinese = len(text) - len(CHINESE_CHAR.sub("", text))
    return text if non_ascii and chinese >= MIN_CHINESE_SHARE * non_ascii else None


def read_text(path: Path) -> RawText:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableSource("文件是空的。")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = _utf16_without_bom(data)
    text, encoding, broken = decode(data)
    fields = {}
    if path.suffix.lower() == ".md":
        text = MARKDOWN_COMMENT.sub("", text)
        # The level-one heading is the document's title (a level-two one is a chapter's).
        if heading := MARKDOWN_TITLE.search(text):
            fields["title"] = heading.group(1).strip()
    return RawText(path.name, text, "text", decoding_warnings(encoding, broken), fields)


def decoding_warnings(encoding: str, broken: int) -> list[str]:
    """What a curator should know about how a file was decoded."""
    warnings = [] if encoding.startswith("utf") else [f"按 {encoding} 编码读取"]
    if broken:
        warnings.append(f"有 {broken} 处字节不是有效的 {encoding} 编码，已替换为 \ufffd")
    return warnings


def _utf16_without_bom(data: bytes) -> bytes:
    """UTF-16 saved without a byte order mark, given one; otherwise binary content.

    In UTF-16 the ASCII of a Chinese text (digits, newlines) puts its NUL
    bytes at odd offsets (little-endian) or even ones (big-endian); only a
    few CJK characters (一 is U+4E00) put one on the other side.
    """
    head = data[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    for bom, nuls, others in ((codecs.BOM_UTF16_LE, odd, even), (codecs.BOM_UTF16_BE, even, odd)):
        if nuls > 2 * others and len(data) % 2 == 0:
            try:
                (bom + data).decode("utf-16")
            except UnicodeDecodeError:
                continue
            return bom + data
    raise UnreadableSource("文件含二进制内容，不是文本文件。")
