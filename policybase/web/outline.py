"""The reading aids of a document page: its outline and its category mix.

Pure functions over clause-like objects (``pk``, ``number``, ``path``, ``text``,
``category``), so tests need no database. A clause's ``path`` lists the
headings above it, outermost first; some of those headings are real headings
(第一章总则, 二、主要任务, （一）指导思想) and some are a clause of the text that
has items below it (第十条 with its 项 (一)(二)…, or （一）建设…。 with its 1. 2. …).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from policybase.catalog.models import STRUCTURAL
from policybase.text.fold import fold

NUMERAL = r"[一二三四五六七八九十百零〇两\d]+"
# 第十条, 第二十三条 — an article; 第十条第二款 is a paragraph of one, not an outline entry.
ARTICLE_NUMBER = re.compile(rf"^第{NUMERAL}条$")
# A path heading that is an article: 第十条, 第五条（数据产权人）.
ARTICLE_HEADING = re.compile(rf"^第{NUMERAL}条")
# 一、 （一） (一): the enumerated headings of 意见/方案-style documents.
ENUMERATED_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])$")
# 第一章总则 → 第一章 总则: the ingest keeps the chapter number glued to its name.
GLUED_HEADING_NUMBER = re.compile(rf"^(第{NUMERAL}[编章节])(?=[^\s（(])")
# Where the lead phrase of a clause ends: （一）强化普惠算力供给。鼓励…
LEAD_END = re.compile(r"[。；;：:！!？?]")
NOT_WORD = re.compile(r"\W+")
# Outline labels longer than this are cut, so the side column stays narrow.
LABEL_LENGTH = 28
ARTICLE_LEAD_LENGTH = 14


@dataclass
class Entry:
    """One line of the outline: a link to a heading or to a clause permalink."""

    label: str
    anchor: str
    depth: int
    detail: str = ""  # the opening words of an article, shown muted beside 第N条


@dataclass
class Heading:
    """A heading shown in the body, above the first clause under it."""

    label: str
    anchor: str
    depth: int

    @property
    def level(self) -> int:
        """The HTML heading level: the document title is the one h1."""
        return min(self.depth + 2, 4)


@dataclass
class Row:
    clause: object
    headings: list[Heading] = field(default_factory=list)
    # The clause is an item of the clause above it (a 项 of an article).
    nested: bool = False


@dataclass
class Outline:
    entries: list[Entry]
    rows: list[Row]


def _key(text: str) -> str:
    """Text compared without script, width, spaces or punctuation: （一）建设 ~ (一)建设."""
    return NOT_WORD.sub("", fold(text))


def heading_label(heading: str) -> str:
    return GLUED_HEADING_NUMBER.sub(r"\1 ", heading.strip())


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def lead_phrase(text: str) -> str:
    """The opening phrase of a clause, which 意见-style documents write as its heading."""
    return _shorten(LEAD_END.split(text.strip(), maxsplit=1)[0], LABEL_LENGTH)


def _owner(heading: str, before: list, prefix: list) -> object | None:
    """The clause that a path heading stands for, if the text has one.

    It is an earlier clause directly under ``prefix`` whose number starts the
    heading, and which either is an article (第五条 for 第五条（数据产权人）) or
    begins with the heading's words (（一）建设多元融合算力支撑体系。加快…).
    """
    wanted = _key(heading)
    for clause in reversed(before):
        if list(clause.path) != prefix:
            if list(clause.path[: len(prefix)]) != prefix:
                return None  # walked out of the section the heading belongs to
            continue
        number = _key(clause.number or "")
        if not number or not wanted.startswith(number):
            continue
        if ARTICLE_NUMBER.match(clause.number) or _key(clause.text).startswith(wanted):
            return clause
    return None


def _is_entry(clause) -> bool:
    """Articles, and 一、/（一） headings outside articles, make the outline."""
    number = (clause.number or "").strip()
    if ARTICLE_NUMBER.match(number):
        return True
    inside_article = any(ARTICLE_HEADING.match(heading) for heading in clause.path)
    return bool(ENUMERATED_NUMBER.match(number)) and not inside_article


def _clause_entry(clause) -> Entry:
    number = clause.number.strip()
    anchor, depth = f"c{clause.pk}", len(clause.path)
    if ARTICLE_NUMBER.match(number):
        body = clause.text.strip()
        if body.startswith(number):
            body = body[len(number) :].strip()
        return Entry(number, anchor, depth, _shorten(body, ARTICLE_LEAD_LENGTH))
    return Entry(lead_phrase(clause.text), anchor, depth)


def outline(clauses) -> Outline:
    """The outline of a document and, for its body, the headings to show above
    each clause. Anchors are the clause permalinks ``c<pk>`` where a clause
    stands for the heading, else ``s<pk>-<depth>`` from the first clause under it."""
    entries: list[Entry] = []
    rows: list[Row] = []
    entry_of: dict[int, Entry] = {}  # clause pk → its outline entry
    owned: set[tuple[str, ...]] = set()  # paths whose last heading is a clause
    seen: list = []
    open_path: list[str] = []
    for clause in clauses:
        path = list(clause.path or [])
        common = 0
        while common < min(len(path), len(open_path)) and path[common] == open_path[common]:
            common += 1
        row = Row(clause)
        for depth in range(common, len(path)):
            prefix, heading = path[:depth], path[depth]
            owner = _owner(heading, seen, prefix)
            if owner is not None:
                owned.add(tuple(path[: depth + 1]))
                entry = entry_of.get(owner.pk)
                if entry and _key(heading) != _key(owner.number):  # 第五条（数据产权人）
                    entry.label, entry.detail = heading_label(heading), ""
                continue
            label = heading_label(heading)
            anchor = f"s{clause.pk}-{depth}"
            row.headings.append(Heading(label, anchor, depth))
            entries.append(Entry(label, anchor, depth))
        row.nested = any(tuple(path[: i + 1]) in owned for i in range(len(path)))
        if _is_entry(clause):
            entry_of[clause.pk] = _clause_entry(clause)
            entries.append(entry_of[clause.pk])
        rows.append(row)
        seen.append(clause)
        open_path = path
    return Outline(entries, rows)


@dataclass
class Share:
    """How many clauses of a document fall in one category (or group)."""

    label: str
    count: int
    percent: int
    css: str = ""


GROUP_ORDER = ("supply", "environment", "demand")


def category_mix(clauses) -> tuple[list[Share], list[Share]]:
    """Clause counts per instrument, most frequent first, and per instrument
    group (供给型/环境型/需求型, in that order). Clauses without a category
    and 非政策工具 ones (``structural_count``) are left out."""
    categories = [
        clause.category
        for clause in clauses
        if clause.category is not None and clause.category.pk != STRUCTURAL
    ]
    total = len(categories)
    if not total:
        return [], []
    counts = Counter(categories)

    def share(label, count, css=""):
        return Share(label, count, round(100 * count / total), css)

    by_category = [
        share(category.name, count, category.group)
        for category, count in sorted(counts.items(), key=lambda item: (-item[1], item[0].pk))
    ]
    groups = Counter(category.group for category in categories)
    labels = {category.group: category.get_group_display() for category in categories}
    by_group = [share(labels[g], groups[g], g) for g in GROUP_ORDER if groups[g]]
    return by_category, by_group


def structural_count(clauses) -> int:
    """How many clauses are 非政策工具: the mix leaves them out and says so."""
    return sum(1 for clause in clauses if clause.category_id == STRUCTURAL)
