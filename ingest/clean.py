"""Cleaning: undo what converters, scrapers and layouts did to policy text.

Each function is pure, removes only the artifact it names and keeps every
other character; ``clean`` applies them in order.
"""

import re
import unicodedata

from policybase.text.fold import fold

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# A scraper numbered the chunks it cut the text into, "1、" … "333、", wherever
# the cut fell: "信2、息化", "(2023、4-05-14)". They count up one by one, which
# is how they differ from real list numbers.
CHUNK_MARKER = re.compile(r"(\d{1,6})、")
MIN_CHUNK_MARKERS = 5
# A real list ("1、加强…。2、推进…") numbers its items where a clause starts;
# the scraper's markers fall mid-sentence. Above this share of markers at a
# clause start, the run is a list and stays.
MAX_CLAUSE_START_SHARE = 0.5
CLAUSE_START = tuple("。！？；：\n")

# A PDF page number glued into the running text: "收益分配3机制", "应9用场景",
# "价值评估、4管理". Page numbers count up through a book, so a run of them,
# each 1–3 above the last, is what tells them from quantities, which also
# usually carry a unit ("超过10个", "第32期", "南路160号").
GLUED_NUMBER = re.compile(rf"(?<=[{CJK}，、。；：“”])(?<!第)(\d{{1,4}})(?=[{CJK}（(“])")
QUANTITY_UNIT = re.compile(
    r"个|項|项|万|萬|亿|億|元|年|月|日|号|號|家|条|條|位|倍|种|種|类|類|次|批|所|座|人|名|件|期|"
    r"周|天|小时|方面|千|百|余|餘|多|届|台|套|款|章|节|部|篇|级|級|型|户|戶|张|張|份|场|場|轮|"
    r"只|辆|米|公里|吨|平方|大|强|成|分|秒|岁|歲|层|層|片|朵|颗|路|线|線|点|點|横|纵|縱|化"
)
MAX_PAGE_STEP = 3
MIN_PAGE_RUN = 5

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
# En, em, thin, hair spaces and their kind (not the line or paragraph separators).
TYPOGRAPHIC_SPACE = re.compile("[\u2000-\u200a\u202f\u205f]")
# Full-width Latin letters, digits and the ideographic space.
FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")
# "12", "- 12 -", "第 3 页": a line that is only a page number ("第1" alone is
# not one: 第 without 页 starts an ordinal whose rest is on the next line).
# Matched against the stripped line: "\s*[-—–]*\s*" on a line of a million
# spaces tries every way to share them out, for ever.
PAGE_NUMBER_LINE = re.compile(r"^[-—–]*\s*(?:第\s*\d{1,4}\s*页|\d{1,4})\s*[-—–]*$")
# A space inside a run of CJK characters: "应 急 管 理 部", "关于 加快推进".
CJK_SPACE = re.compile(
    rf"(?<=[{CJK}，。、；：“”《》（）()])[ \t\u00a0]+(?=[{CJK}，。、；：“”《》（）()])"
)
# A space a PDF converter put between a number and a character: "2024 年",
# "到 2025 年", "(2024-2026 年)". Chinese never spaces them; Latin words keep theirs.
DIGIT_CJK_SPACE = re.compile(rf"(?<=[{CJK}])[ \t\u00a0]+(?=\d)|(?<=\d)[ \t\u00a0]+(?=[{CJK}])")
# Glyphs a PDF's text layer drops where the font draws them specially: the
# dash of a year range, "(20242026 年)" for (2024—2026年), and the brackets
# of a 文号, "财资2023141 号" for 财资〔2023〕141号. Both leave digits no
# reading of Chinese has: two years run together before 年 or a bracket, a
# year and a serial number run together after an issuer's abbreviation.
GLUED_YEAR_RANGE = re.compile(r"(?<![\d.\-—–])((?:19|20)\d{2})((?:19|20)\d{2})(?=年|[)）])")
MAX_RANGE_YEARS = 10
GLUED_DOC_NUMBER = re.compile(rf"(?<=[{CJK}]{{2}})(?<!第)((?:19|20)\d{{2}})(\d{{1,4}})(?=[号號])")
# A table, as the readers that see one write it (PDF, .docx, HTML): one line,
# cells parted by CELL_SEPARATOR, rows by ROW_SEPARATOR. The line is never
# joined to a neighbour, and inside an article it is no 款 (clauses.py).
CELL_SEPARATOR = " | "
ROW_SEPARATOR = "；"
# A cell's line ending in these needs no 、 before the next (table_line).
CELL_LIST_PUNCTUATION = tuple("。；，、：！？")
SENTENCE_END = tuple("。！？；：…」”’）)】》")
# A Latin acronym in brackets glosses the term before it (伙伴关系协定（RCEP）,
# 贯标（DCMM）): its closing bracket is inside a sentence, not at an end.
ACRONYM_GLOSS = re.compile(r"[（(][A-Za-z][A-Za-z0-9&.\-]*[)）]$")
# A numbered heading or item: 第三章, 第五条, 一、, （二）, 1. — never a title.
NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.．、](?!\d)|"
    r"第[一二三四五六七八九十百零〇\d]+[章节条部分编])"
)
# Lines that open a block and so never continue the previous line.
BLOCK_START = re.compile(rf"{NUMBERED.pattern}|^(?:附件|[（(]来源)")
# A policy title ends with its document type, then maybe status in brackets.
DOC_TYPE_WORDS = (
    "条例|办法|规定|意见|方案|计划|通知|细则|指引|措施|规划|决定|纲要|要点|清单|指南|规则|"
    "标准|规范|公告|通告|批复|宣言|通则|守则|制度|若干规定|行动|工作方案"
)
TITLE_LIKE = re.compile(
    rf"^.{{4,90}}(?:{DOC_TYPE_WORDS})(?:\s*[（(][^（）()]{{1,12}}[）)])*\s*$"
    # A law, and an amendment to one: 中华人民共和国数据安全法, 中华人民共和国刑法修正案（十）
    r"|^中华人民共和国[^，。；：]{1,40}(?:法|修正案)(?:[（(][^（）()]{1,12}[）)])?$"
    # A judicial interpretation or a decision: 最高人民法院关于审理…问题的解释
    r"|^[^，。；：]{2,40}关于[^。；：]{2,90}的(?:解释|决定|批复)(?:[（(][^（）()]{1,12}[）)])?$"
)
# Breaks shorter than this are headings, signatures or dates, not broken sentences.
MIN_BROKEN_LINE = 15
# A numbered line longer than this, or ending in a comma, is a paragraph, not a heading.
MAX_HEADING_LINE = 40
MID_SENTENCE = tuple("，、,“（(")
# Punctuation inside a numbered line makes it text: "3.严格维护公平竞争审查制度。强化竞"
INNER_PUNCTUATION = re.compile(r"[。，；,;]")
# "发布时间：2024年3月15日", "索引号：…": a labelled field, never half a sentence.
LABEL_LINE = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:：]")
# A line of a law's header note ends with what happened on its date: 2021年6月10日
# …会议通过, 2019年5月1日 施行; the next line is the next event or the text.
HEADER_EVENT = re.compile(
    r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.*"
    r"(?:通过|批准|公布|发布|修正|修订|修改|施行|实施)[）)]?$"
)
# A line ending in a date or a 文号 is a field or a signature, not a broken sentence.
ENDS_WITH_FIELD = re.compile(r"(?:\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|[号號])\s*$")
# Line breaks other than "\n": a lone "\r", the form feed that separates pages in
# pdftotext output, Unicode's line and paragraph separators.
LINE_BREAK = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# The other control characters carry no text; NUL cannot even be stored in
# PostgreSQL text ("A string literal cannot contain NUL characters").
CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")
# What a converter put before a line's real text: Markdown ("# 标题", "## 一、…",
# "> 引文") and list bullets before the real numbering ("- （一）…", "* 1. …"),
# in any combination ("> - 一、…"), all at once so that cleaning twice finds none.
# Any space but a line break may precede them ("\xa0- （一）" from a web page).
LINE_MARKERS = re.compile(r"^[^\S\n]*(?:(?:#{1,6}|[-*•·▪●])[ \t]+|>[ \t]?)+", re.MULTILINE)


def remove_chunk_markers(text: str) -> str:
    """Remove scraper chunk markers "1、", "2、"… that count up through the text.

    A marker may follow digits of the text itself: in "(2023、4-05-14)" the
    marker is "3、" inside "2024", so only the expected number's digits go.
    """
    kept, position, expected, at_clause_start = [], 0, 1, 0
    for match in CHUNK_MARKER.finditer(text):
        number = str(expected)
        if not match.group(1).endswith(number):
            continue
        start = match.end(1) - len(number)
        at_clause_start += start == 0 or text[start - 1] in CLAUSE_START
        kept.append(text[position : match.end(1) - len(number)])
        position = match.end()
        expected += 1
    markers = expected - 1
    if markers < MIN_CHUNK_MARKERS or at_clause_start > MAX_CLAUSE_START_SHARE * markers:
        return text
    kept.append(text[position:])
    return "".join(kept)


def remove_glued_page_numbers(text: str) -> str:
    """Remove the longest run of page numbers glued between characters.

    The run is found in one pass: for each candidate, the longest run ending
    on it extends the best run ending on a number 1–3 below it.
    """
    candidates = [m for m in GLUED_NUMBER.finditer(text) if not QUANTITY_UNIT.match(text, m.end())]
    best_by_value: dict[int, tuple[int, int]] = {}  # page → (run length, candidate index)
    previous: list[int | None] = []
    best_end, best_length = None, 0
    for index, match in enumerate(candidates):
        value = int(match.group(1))
        length, link = 1, None
        for step in range(1, MAX_PAGE_STEP + 1):
            if (found := best_by_value.get(value - step)) and found[0] + 1 > length:
                length, link = found[0] + 1, found[1]
        previous.append(link)
        if length >= best_by_value.get(value, (0, 0))[0]:
            best_by_value[value] = (length, index)
        if length > best_length:
            best_end, best_length = index, length
    if best_length < MIN_PAGE_RUN:
        return text
    run = []
    while best_end is not None:
        run.append(candidates[best_end])
        best_end = previous[best_end]
    run.reverse()
    kept, position = [], 0
    for match in _fill_page_gaps(text, run):
        kept.append(text[position : match.start()])
        position = match.end()
    kept.append(text[position:])
    return "".join(kept)


def _fill_page_gaps(text: str, run: list[re.Match]) -> list[re.Match]:
    """The run plus the page numbers it skipped because a unit followed them:
    "建设27项目" between pages 26 and 28 is page 27, not 27 projects."""
    pages = []
    for before, after in zip(run, run[1:], strict=False):
        pages.append(before)
        low, high = int(before.group(1)), int(after.group(1))
        if high - low > 1:
            pages.extend(
                m
                for m in GLUED_NUMBER.finditer(text, before.end(), after.start())
                if low < int(m.group(1)) < high
            )
    pages.append(run[-1])
    return pages


def remove_pinyin(text: str) -> str:
    return PINYIN.sub("", text)


def map_radicals(text: str) -> str:
    text = KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(RADICAL_SUPPLEMENT)


def normalize_width(text: str) -> str:
    """Full-width Latin letters and digits to ASCII, and the typographic
    spaces (en, em, thin: Word's alignment of signatures) to a plain one;
    Chinese punctuation stays."""
    text = FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return TYPOGRAPHIC_SPACE.sub(" ", text)


def remove_page_number_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not PAGE_NUMBER_LINE.match(line.strip()))


def remove_line_markers(text: str) -> str:
    return LINE_MARKERS.sub("", text)


def remove_cjk_spaces(text: str) -> str:
    return DIGIT_CJK_SPACE.sub("", CJK_SPACE.sub("", text))


def restore_dropped_glyphs(text: str) -> str:
    """Put back the year range's dash and the 文号's brackets (GLUED_YEAR_RANGE).

    Runs after the spaces between digits and characters are gone, so that
    "20242026 年" and "2023141 号" reach it glued."""
    text = GLUED_YEAR_RANGE.sub(_year_range, text)
    return GLUED_DOC_NUMBER.sub(lambda m: f"〔{m.group(1)}〕{m.group(2)}", text)


def _year_range(match: re.Match) -> str:
    first, last = match.groups()
    if 0 < int(last) - int(first) <= MAX_RANGE_YEARS:
        return f"{first}-{last}"
    return match.group()


def table_line(rows) -> str:
    """A table as the readers write it (see CELL_SEPARATOR), from its rows of
    cell texts. A line break inside a cell parts items of a list (国家发展改革委 /
    市场监管总局 under 责任单位): it becomes 、, or nothing where punctuation
    already parts them; it must not become a line of the text."""
    lines = []
    for row in rows:
        cells = [_cell_line(cell) for cell in row]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return ROW_SEPARATOR.join(lines)


def _cell_line(text: str) -> str:
    joined = ""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            joined += ("" if not joined or joined.endswith(CELL_LIST_PUNCTUATION) else "、") + line
    return joined


def is_title_like(line: str) -> bool:
    # Folded, so traditional titles (管理辦法) end in the same words.
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
        and CELL_SEPARATOR not in previous
        and CELL_SEPARATOR not in line
        and (not previous.endswith(SENTENCE_END) or bool(ACRONYM_GLOSS.search(previous)))
        and not BLOCK_START.match(line)
        and (not BLOCK_START.match(previous) or _numbered_paragraph(previous))
        and not LABEL_LINE.match(previous)
        and not ENDS_WITH_FIELD.search(previous)
        and not HEADER_EVENT.match(previous)
        and not is_title_like(previous)
    )


def _numbered_paragraph(line: str) -> bool:
    """A numbered line that is text, not a heading, so a layout break inside it
    is joined: "15.进一步规范…强制入会、" + "违规收费等行为。"."""
    return (
        len(line) > MAX_HEADING_LINE
        or line.endswith(MID_SENTENCE)
        or bool(INNER_PUNCTUATION.search(line))
    )


def normalize_controls(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\ufeff", "")
    return CONTROL.sub("", LINE_BREAK.sub("\n", text))


# The cleaning steps, in the order ``clean`` applies them.
STEPS = (
    normalize_controls,
    remove_chunk_markers,
    remove_glued_page_numbers,
    map_radicals,
    remove_pinyin,
    normalize_width,
    remove_line_markers,
    remove_page_number_lines,
    remove_cjk_spaces,
    restore_dropped_glyphs,
    join_broken_lines,
)


def clean(text: str, paragraphs: bool = False) -> str:
    """``text`` without the artifacts of the STEPS. ``paragraphs``: its line
    breaks are the source's own paragraphs (a Word file), so no line is
    joined to the next as a layout's broken sentence."""
    for step in STEPS:
        if not (paragraphs and step is join_broken_lines):
            text = step(text)
    if paragraphs:
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
    return text
