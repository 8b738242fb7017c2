"""A document's body → its clauses, each with its number and the headings above it.

Two numbering systems occur, often together: legal articles (第一章 › 第一节 ›
第一条, whose later paragraphs are 款) and outline items (一、 › （一） › 1. ›
（1）). A numbered line that is only a heading ("二、主要任务") becomes part of
the path of what follows; a numbered line with sentences is a clause, and its
lead phrase is the path of the items under it.
"""

import re

from policybase.search.analyzer import fold

from .clean import CELL_SEPARATOR
from .drafts import ClauseDraft, DocumentDraft
from .metadata import SIGNED_LINE, signatory_lines
from .metadata.dates import DATE_LINE
from .metadata.doc_numbers import is_doc_number_line

CN_NUMBER = "一二三四五六七八九十百零〇两"
# (level, pattern) in nesting order.
MARKERS = [
    ("chapter", re.compile(rf"^第[{CN_NUMBER}\d]+章")),
    ("section", re.compile(rf"^第[{CN_NUMBER}\d]+节")),
    ("article", re.compile(rf"^第[{CN_NUMBER}\d]+条")),
    ("outline", re.compile(rf"^[{CN_NUMBER}]+[、.．]")),
    ("paren", re.compile(rf"^[（(][{CN_NUMBER}]+[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[）)]")),
]
LEVELS = [level for level, _ in MARKERS]

# Where a flattened text (one line for a whole document) starts a new block:
# after a sentence end, before a marker; a page number glued in between goes.
# "…能力。6(十三)加强…" → "…能力。\n(十三)加强…". (Spaces are matched on one side
# of the page number only: "\s*\d?\s*" is quadratic in a long run of spaces.)
INLINE_BLOCK = re.compile(
    rf"(?<=[。；！？：])\s*(?:\d{{1,4}}\s*)?(?=[（(][{CN_NUMBER}]+[）)]|[{CN_NUMBER}]+、|第[{CN_NUMBER}]+[章节条])"
)
INLINE_ITEM = re.compile(r"(?<=[。；！？])\s*(?=\d{1,2}[.．](?!\d)|[（(]\d{1,2}[）)])")
# "第一章总则第一条为…": the article starts right after a chapter heading.
ARTICLE_AFTER_HEADING = re.compile(
    rf"(第[{CN_NUMBER}]+[章节][^\s。，；第]{{1,20}}?)(?=第[{CN_NUMBER}]+条)"
)
# A sentence keeps every stop that ends it ("……吗？！"); stops with no text
# before them are a sentence of their own rather than lost.
SENTENCE = re.compile(r"[^。！？；]+[。！？；]*|[。！？；]+")
# A heading carries no sentence: short and without a full stop.
MAX_HEADING = 40
# Unnumbered paragraphs longer than this are split at sentence ends.
MAX_CLAUSE = 300
# 各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
ADDRESSEES = re.compile(r"^各.{2,300}[:：]$")
PAREN_TITLE = re.compile(r"^[（(][^（）()]{1,20}[）)]$")
# Page furniture that is no part of the policy: 扫描二维码阅读全文, 文章图片来源：…, 责任编辑：…
BOILERPLATE = re.compile(
    r"^(?:扫描二维码|扫码|文章图片来源|图片来源|责任编辑|编辑[:：]|打印本页|关闭窗口|分享到)"
)


# A heading with no full stop, then the first item under it on the same line:
# "一、总体要求(一)指导思想。以…" → "一、总体要求\n(一)指导思想。以…",
# "(一)总体目标1.到2025年…" → "(一)总体目标\n1.到2025年…".
HEADING_BEFORE_ITEM = re.compile(
    rf"^((?:[{CN_NUMBER}]+、|[（(][{CN_NUMBER}]+[）)])[^。；！？：:\n（()]{{2,25}}?)"
    rf"(?=[（(][{CN_NUMBER}]+[）)]|\d{{1,2}}[.．](?!\d))",
    re.MULTILINE,
)


# A numbered heading that every plan uses, then its text with nothing between:
# "(一)指导思想以习近平…" → "(一)指导思想\n以习近平…", as a flattened text
# prints what the original set on two lines. Only words that are headings
# whatever follows; 组织实施 or 监督管理 may begin a sentence (组织实施方案…).
STOCK_HEADINGS = (
    "指导思想|基本原则|工作原则|总体要求|总体目标|发展目标|主要目标|工作目标|目标任务"
    "|主要任务|重点任务|保障措施|组织保障|资金保障|政策保障|实施保障|加强组织领导"
)
STOCK_HEADING_BEFORE_TEXT = re.compile(
    rf"^((?:[{CN_NUMBER}]+、|[（(][{CN_NUMBER}]+[）)])\s*(?:{STOCK_HEADINGS}))"
    rf"(?=[^\s。；！？：:，,、（()）\n])",
    re.MULTILINE,
)


def restore_breaks(body: str) -> str:
    body = ARTICLE_AFTER_HEADING.sub(r"\1\n", body)
    body = INLINE_BLOCK.sub("\n", body)
    body = INLINE_ITEM.sub("\n", body)
    body = HEADING_BEFORE_ITEM.sub(r"\1\n", body)
    return STOCK_HEADING_BEFORE_TEXT.sub(r"\1\n", body)


def marker_of(line: str) -> tuple[str, str] | None:
    for level, pattern in MARKERS:
        if match := pattern.match(line):
            return level, match.group()
    return None


def is_heading(line: str, marker: str) -> bool:
    rest = line[len(marker) :].strip()
    return len(line) <= MAX_HEADING and "。" not in rest and not rest.endswith(("；", ";"))


def lead_phrase(line: str) -> str:
    return re.split(r"[。；]", line, maxsplit=1)[0][:MAX_HEADING]


def split_sentences(text: str, limit: int = MAX_CLAUSE) -> list[str]:
    """Chunks of whole sentences, each at most ``limit`` characters where possible."""
    chunks, current = [], ""
    for sentence in SENTENCE.findall(text):
        if current and len(current) + len(sentence) > limit:
            chunks.append(current)
            current = ""
        current += sentence
    if current:
        chunks.append(current)
    return chunks


def split_clauses(draft: DocumentDraft) -> list[ClauseDraft]:
    headings: dict[str, str] = {}
    clauses: list[ClauseDraft] = []
    article, paragraph_of_article = None, 0

    def path_above(level: str) -> list[str]:
        depth = LEVELS.index(level)
        return [headings[lvl] for lvl in LEVELS[:depth] if lvl in headings]

    def current_path() -> list[str]:
        return [headings[lvl] for lvl in LEVELS if lvl in headings]

    lines = [line.strip() for line in restore_breaks(draft.body).split("\n")]
    # A signature's organisations, one per line above its date, are no 款 of
    # the last article.
    signatories = {
        i
        for index, line in enumerate(lines)
        if DATE_LINE.match(line)
        for i in signatory_lines(lines, index)
    }
    for index, line in enumerate(lines):
        folded = fold(line)
        # Dates, signatures, 文号, addressees and page furniture carry no clause.
        if (
            not line
            or index in signatories
            or DATE_LINE.match(line)
            or SIGNED_LINE.match(folded)
            or is_doc_number_line(line)
            or ADDRESSEES.match(line)
            or BOILERPLATE.match(folded)
        ):
            continue
        found = marker_of(line)
        if found:
            level, marker = found
            depth = LEVELS.index(level)
            for deeper in LEVELS[depth:]:
                headings.pop(deeper, None)
            if level == "article":
                article, paragraph_of_article = marker, 1
                rest = line[len(marker) :].strip()
                if not rest or PAREN_TITLE.match(rest):  # "第十九条（争议解决机制）": text follows
                    headings[level] = line
                    paragraph_of_article = 0
                    continue
                clauses.append(ClauseDraft(line, marker, path_above(level)))
                headings[level] = marker  # the path of its items: "第十五条"
                continue
            if level in ("chapter", "section"):
                article = None
            if is_heading(line, marker):
                headings[level] = line
                continue
            clauses.append(ClauseDraft(line, marker, path_above(level)))
            headings[level] = lead_phrase(line)
            continue
        if article and CELL_SEPARATOR in line:
            # A table in an article (…见下表) belongs to it but is no 款:
            # counting it would misnumber every 款 after it.
            clauses.append(ClauseDraft(line, None, current_path()))
            continue
        if article:  # a further paragraph (款) of the current article
            paragraph_of_article += 1
            number = (
                article
                if paragraph_of_article == 1
                else f"{article}第{_cn(paragraph_of_article)}款"
            )
            clauses.append(ClauseDraft(line, number, path_above("article")))
            continue
        if len(line) < 6 or PAREN_TITLE.match(line):
            continue  # signatures, stray headers: no sentence to classify
        for chunk in split_sentences(line):
            clauses.append(ClauseDraft(chunk, None, current_path()))
    return clauses


def _cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
