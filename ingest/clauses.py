"""A document's body → its clauses, each with its number and the headings above it.

Two numbering systems occur, often together: legal articles (第一章 › 第一节 ›
第一条, whose later paragraphs are 款) and outline items (一、 › （一） › 1. ›
（1）). A numbered line that is only a heading ("二、主要任务") becomes part of
the path of what follows; a numbered line with sentences is a clause, and its
lead phrase is the path of the items under it.
"""

import re

from policybase.text.doc_numbers import is_doc_number_line
from policybase.text.fold import fold
from policybase.text.numbering import CN_NUMBER, LEVELS, marker_of

from .classify.structure import BY_NAME
from .clean import CELL_SEPARATOR
from .drafts import ClauseDraft, DocumentDraft
from .metadata import SIGNED_LINE, signatory_lines
from .metadata.dates import DATE_LINE

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
MAX_CLAUSE = 150
# The last sentence of a text's statement of purpose: 特制定本方案, 制定本办法,
# 现提出如下意见 (ingest.classify.structure names it "purpose").
PURPOSE = re.compile(rf"(?:{BY_NAME['purpose'].regex.pattern})[^。；]{{0,6}}$")
# 各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
ADDRESSEES = re.compile(r"^各.{2,300}[:：]$")
# The same run into the first sentence, as converted pages print it:
# "各省、自治区…，中国科学院院属各单位:为深入贯彻…"
ADDRESSEES_BEFORE_TEXT = re.compile(r"^各[^。；！？]{2,300}?[:：](?=\S)")
PAREN_TITLE = re.compile(r"^[（(][^（）()]{1,20}[）)]$")
# Page furniture that is no part of the policy: 扫描二维码阅读全文, 文章图片来源：…, 责任编辑：…
BOILERPLATE = re.compile(
    r"^(?:扫描二维码|扫码|文章图片来源|图片来源|责任编辑|编辑[:：]|打印本页|关闭窗口|分享到)"
)
# A notice's colophon and closing lines: 公开方式：主动公开, 抄送：…, 附件：1.…
# (the list of attachments), 政策解读：https://…, （此件主动公开）, 特此通知。,
# 广州市人民政府办公厅秘书处2022年9月13日印发.
COLOPHON = re.compile(
    r"^(?:公开方式|抄送|主送|发送|印发|政策解读|文字解读|图片解读|一图读懂|图解|附件\s*\d*"
    # A page's own fields: 发布时间：2024-03-18 10:32来源：市政府办公室浏览次数：1024
    r"|发布时间|发表时间|发布日期|成文日期|来源|信息来源|浏览次数|索引号)\s*[:：]"
    r"|^[（(]此件[^（）()]{0,12}[）)]$|^特此(?:通知|公告|通告|批复|函告)[。.]?$"
    r"|\d{1,2}\s*日\s*印发\s*$"
)
# The order above a regulation: 中华人民共和国国务院令, 第535号, 总理　温家宝.
ORDER_LINE = re.compile(r"^(?:.{2,30}令|第\s*\d+\s*号|总\s*理.{2,6}|部\s*长.{2,6})$")
# An attachment after the text: 附件, 附件2, 附表1 on a line of their own.
ATTACHMENT = re.compile(r"^附(?:件|表)\s*[\d一二三四五六七八九十]*\s*$")


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


def is_heading(line: str, marker: str) -> bool:
    rest = line[len(marker) :].strip()
    return len(line) <= MAX_HEADING and "。" not in rest and not rest.endswith(("；", ";"))


def lead_phrase(line: str) -> str:
    return re.split(r"[。；]", line, maxsplit=1)[0][:MAX_HEADING]


def split_sentences(text: str, limit: int = MAX_CLAUSE) -> list[str]:
    """Chunks of whole sentences, each at most ``limit`` characters where
    possible. A paragraph that ends by saying why the text was made (…，是…
    的必然要求。为…，特制定本方案。) stays whole: its background and its purpose
    are one statement, of no instrument (category 14)."""
    if PURPOSE.search(text.rstrip("。；：: ")):
        return [text]
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
    article, paragraph_of_article = None, 0

    def path_above(level: str) -> list[str]:
        depth = LEVELS.index(level)
        return [headings[lvl] for lvl in LEVELS[:depth] if lvl in headings]

    def current_path() -> list[str]:
        return [headings[lvl] for lvl in LEVELS if lvl in headings]

    clauses = preamble_clauses(draft)
    lines = [_without_addressees(line) for line in restore_breaks(draft.body).split("\n")]
    no_clause = lines_without_clause(lines)
    for index, line in enumerate(lines):
        if index in no_clause:
            continue
        if ATTACHMENT.match(line):
            # What follows is an attachment (a form, a list): none of it is a
            # 款 of the last article.
            headings.clear()
            headings["chapter"] = line
            article = None
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


def lines_without_clause(lines: list[str]) -> set[int]:
    """The indexes of lines that carry no clause: dates, signatures (the
    organisations above a date too), 文号, addressees, colophons and page
    furniture."""
    signatories = {
        i
        for index, line in enumerate(lines)
        if DATE_LINE.match(line)
        for i in signatory_lines(lines, index)
    }
    return signatories | {
        index
        for index, line in enumerate(lines)
        if not line
        or DATE_LINE.match(line)
        or SIGNED_LINE.match(fold(line))
        or is_doc_number_line(line)
        or ADDRESSEES.match(line)
        or BOILERPLATE.match(fold(line))
        or COLOPHON.search(line)
    }


def _without_addressees(line: str) -> str:
    line = line.strip()
    return ADDRESSEES_BEFORE_TEXT.sub("", line) if not ADDRESSEES.match(line) else line


def preamble_clauses(draft: DocumentDraft) -> list[ClauseDraft]:
    """The sentences of the notice that publishes the document (为…，现印发
    给你们，请认真贯彻执行。), under the notice's title: searchable and quotable
    like the rest, while its addressees, 文号 and signature stay metadata."""
    if not draft.notice_title or not draft.preamble:
        return []
    lines = [_without_addressees(line) for line in draft.preamble.split("\n")]
    no_clause = lines_without_clause(lines)
    return [
        ClauseDraft(chunk, None, [draft.notice_title])
        for index, line in enumerate(lines)
        if index not in no_clause and len(line) >= 6 and not ORDER_LINE.match(line)
        for chunk in split_sentences(line)
    ]


def _cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
