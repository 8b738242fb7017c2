"""Cleaning: undo what converters, scrapers and layouts did to policy text.

Each function is pure, removes only the artifact it names and keeps every
other character; ``clean`` applies them in order.
"""

import re
import unicodedata

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# A scraper numbered the chunks it cut the text into, "1、" … "333、", wherever
# the cut fell: "信2、息化", "(2023、4-05-14)". They count up one by one, which
# is how they differ from real list numbers.
CHUNK_MARKER = re.compile(r"(\d{1,6})、")
MIN_CHUNK_MARKERS = 5

# 中(zhōng), 大(dà): pinyin after a character, recognisable by its tone mark.
PINYIN = re.compile(rf"(?<=[{CJK}])(?:[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）])+")
# Radicals some PDF producers emit instead of the characters: ⺠ → 民, ⻓ → 长.
# (Kangxi radicals U+2F00–U+2FD5 are handled by NFKC.)
RADICAL_SUPPLEMENT = str.maketrans(
    {
        "⺠": "民",
        "⺟": "母",
        "⺁": "厂",
        "⺇": "几",
        "⺌": "小",
        "⺓": "幺",
        "⺢": "水",
        "⺫": "目",
        "⺮": "竹",
        "⺶": "羊",
        "⻄": "西",
        "⻅": "见",
        "⻆": "角",
        "⻉": "贝",
        "⻋": "车",
        "⻓": "长",
        "⻔": "门",
        "⻘": "青",
        "⻙": "韦",
        "⻚": "页",
        "⻛": "风",
        "⻜": "飞",
        "⻝": "食",
        "⻢": "马",
        "⻣": "骨",
        "⻤": "鬼",
        "⻥": "鱼",
        "⻦": "鸟",
        "⻨": "麦",
        "⻩": "黄",
        "⻬": "齐",
        "⻮": "齿",
        "⻰": "龙",
        "⻳": "龟",
    }
)
KANGXI = re.compile("[\u2f00-\u2fdf]")
# Full-width Latin letters, digits and the ideographic space.
FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")
# "12", "- 12 -", "第 3 页": a line that is only a page number.
PAGE_NUMBER_LINE = re.compile(r"^\s*[-—–]*\s*(?:第\s*)?\d{1,4}\s*(?:页)?\s*[-—–]*\s*$")
# "- （一）…", "* 1. …": list bullets a converter put before the real numbering.
LIST_BULLET = re.compile(r"^[ \t]*[-*•·▪●][ \t]+", re.MULTILINE)
# A space inside a run of CJK characters: "应 急 管 理 部", "关于 加快推进".
CJK_SPACE = re.compile(
    rf"(?<=[{CJK}，。、；：“”《》（）()])[ \t\u00a0]+(?=[{CJK}，。、；：“”《》（）()])"
)
SENTENCE_END = tuple("。！？；：…」”’）)】》")
# Lines that open a block and so never continue the previous line.
BLOCK_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.．、](?!\d)|"
    r"第[一二三四五六七八九十百零〇\d]+[章节条部分]|附件|[（(]来源)"
)
# A policy title ends with its document type, then maybe status in brackets.
DOC_TYPE_WORDS = (
    "条例|办法|规定|意见|方案|计划|通知|细则|指引|措施|规划|决定|纲要|要点|清单|指南|规则|"
    "标准|规范|公告|通告|批复|宣言|通则|守则|制度|若干规定|行动|工作方案"
)
TITLE_LIKE = re.compile(rf"^.{{4,90}}(?:{DOC_TYPE_WORDS})(?:\s*[（(][^（）()]{{1,12}}[）)])*\s*$")
# Breaks shorter than this are headings, signatures or dates, not broken sentences.
MIN_BROKEN_LINE = 15


def remove_chunk_markers(text: str) -> str:
    """Remove scraper chunk markers "1、", "2、"… that count up through the text.

    A marker may follow digits of the text itself: in "(2023、4-05-14)" the
    marker is "3、" inside "2024", so only the expected number's digits go.
    """
    kept, position, expected = [], 0, 1
    for match in CHUNK_MARKER.finditer(text):
        number = str(expected)
        if not match.group(1).endswith(number):
            continue
        kept.append(text[position : match.end(1) - len(number)])
        position = match.end()
        expected += 1
    if expected - 1 < MIN_CHUNK_MARKERS:
        return text
    kept.append(text[position:])
    return "".join(kept)


def remove_pinyin(text: str) -> str:
    return PINYIN.sub("", text)


def map_radicals(text: str) -> str:
    text = KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(RADICAL_SUPPLEMENT)


def normalize_width(text: str) -> str:
    """Full-width Latin letters and digits to ASCII; Chinese punctuation stays."""
    return FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def remove_page_number_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not PAGE_NUMBER_LINE.match(line))


def remove_list_bullets(text: str) -> str:
    return LIST_BULLET.sub("", text)


def remove_cjk_spaces(text: str) -> str:
    return CJK_SPACE.sub("", text)


def is_title_like(line: str) -> bool:
    from policybase.search.analyzer import fold  # traditional titles use the same words

    return bool(TITLE_LIKE.match(fold(line.strip())))


def join_broken_lines(text: str) -> str:
    """One paragraph per line: join lines that a layout broke inside a sentence."""
    paragraphs: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if paragraphs and _continues(paragraphs[-1], line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return "\n".join(paragraphs)


def _continues(previous: str, line: str) -> bool:
    return (
        len(previous) >= MIN_BROKEN_LINE
        and not previous.endswith(SENTENCE_END)
        and not BLOCK_START.match(line)
        and not BLOCK_START.match(previous)
        and not is_title_like(previous)
    )


def clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    for step in (
        remove_chunk_markers,
        map_radicals,
        remove_pinyin,
        normalize_width,
        remove_list_bullets,
        remove_page_number_lines,
        remove_cjk_spaces,
        join_broken_lines,
    ):
        text = step(text)
    return text
