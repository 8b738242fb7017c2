"""One file → its policy documents.

Three shapes of input are told apart by what they contain:

- a **compilation** (汇编) has a table of contents whose entries end in a
  date, ``1.关于加强数据资产管理的指导意见(2023-12-31)2``; every entry becomes a
  document, with the body text the compilation holds for it, or none
  (``has_full_text=False``);
- a **newsletter** carries several items, each closed by a source line
  ``（来源：杭州市人民政府办公厅）``; an item is a policy document when it has a
  policy title (editor's notes, mastheads and articles that are not policies
  are left out);
- anything else is **one document**: the first policy title and what follows.

A notice that publishes a policy (关于印发《X》的通知) and X are one document
titled X: analysts look for X, and the notice's 文号, date and signatories
(kept in ``preamble``) are X's metadata.
"""

import re
from dataclasses import dataclass

from policybase.text.doc_numbers import is_doc_number_line
from policybase.text.fold import fold

from .clean import BLOCK_START, NUMBERED, is_title_like
from .drafts import DocumentDraft
from .metadata import ORGANISATION
from .metadata.dates import DATE_LINE, make_date
from .metadata.legislation import ORDER_HEADER, note_lines, parse_events

# （来源：“网信中国”微信公众号）, (来源:杭州市人民政府办公厅)
SOURCE_LINE = re.compile(r"^[（(]\s*(?:来源|來源|稿源)\s*[:：](?P<source>.*?)[)）]\s*$")
# A table-of-contents entry's date: (2023-12-31)
TOC_DATE = re.compile(r"[(（](\d{4})-(\d{2})-(\d{2})[)）]")
# The item number that starts an entry; page numbers run into it: "22." = page 2, item 2.
TOC_ITEM = re.compile(r"\d+\.")
# Section labels inside the contents: "A.核心篇", "一、国家篇", "（一）北京市"
TOC_SECTION = re.compile(
    r"(?:[A-Z]\.|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\s*([^\d\s]{2,15})"
)
# Entries of a contents page follow each other closely; a longer gap is body text.
MAX_TOC_GAP = 120
MIN_TOC_ENTRIES = 5
# A newsletter's contents line: "06 杭州市人民政府办公厅关于…" (page number, space, title).
CONTENTS_LINE = re.compile(r"^\d{1,3}\s+\S")
MIN_NEWSLETTER_ITEMS = 2
# A first line longer than this is text, not a title.
MAX_UNTITLED_TITLE = 60
UNTITLED = "没有找到带文种的政策标题（办法、意见、通知……），标题取自首行或文件名，请核对。"
# How far into a file its title is looked for by the hint or a header note.
TITLE_REACH = 40
MAX_TITLE = 90
# A title broken over lines: at most this many pieces above its last line, each short.
MAX_TITLE_FRAGMENTS = 2
MAX_TITLE_FRAGMENT = 40
# What a title's first piece starts or ends with: 关于, a place or an organ, a year range.
TITLE_START = re.compile(
    r"关于|^(?:\d{4}\s*[—\-–－~至]\s*\d{4}\s*年|中华人民共和国)"
    r"|(?:省|市|区|县|自治区|自治州|部|局|委|厅|办公室|政府|委员会|中心)$"
)
# What a line above a title never is part of it: sentences, fields, brackets alone.
TITLE_BREAKERS = re.compile(r"[。；：:，,！？]|^[（(].*[）)]$|^附件")
# （征求意见稿）, (试行) on a line of its own under the title.
STATUS_LINE = re.compile(r"^[（(]\s*(征求意见稿|试行|暂行|草案|送审稿)\s*[）)]$")
# What a page prints around a title on the lines below it: its breadcrumbs, the site's name.
MAX_TITLE_DRESSING = 40
# A law's contents: 目录 and chapter headings, each short.
MAX_CONTENTS_LINES = 120
MAX_CONTENTS_LINE = 40
# Spaces, quotes, brackets and dashes, which print differently in copies of one title.
TITLE_NOISE = re.compile(r"[\s“”\"'‘’《》〈〉「」『』()（）\[\]【】\-—–－×·・]")
# The policy a notice publishes: 关于印发《X》的通知
# The X a notice publishes: 关于印发《X》的通知, or 关于印发X的通知 as official
# titles print it (GB/T 9704 keeps 《》 in a title for laws and rules only).
PUBLISHED = re.compile(r"《(.+)》|关于(?:印发|发布|转发)([^《》]+)的(?:通知|公告|决定)")


@dataclass
class TocEntry:
    title: str
    date: str  # YYYY-MM-DD as printed
    section: str
    start: int  # offsets of the entry in the text
    end: int


def split_documents(text: str, source: str, title_hint: str = "") -> list[DocumentDraft]:
    entries = table_of_contents(text)
    if len(entries) >= MIN_TOC_ENTRIES:
        return split_compilation(text, source, entries)
    lines = text.split("\n")
    sources = [i for i, line in enumerate(lines) if SOURCE_LINE.match(line)]
    if len(sources) >= MIN_NEWSLETTER_ITEMS:
        return split_newsletter(lines, source, sources)
    draft = document_from_lines(lines, source, title_hint=title_hint) or untitled_document(
        lines, source
    )
    return [draft] if draft else []


def untitled_document(lines: list[str], source: str) -> DocumentDraft | None:
    """A file of one numbered document whose title names no type
    (兰州市加快数字经济高质量发展): its first line is the title, and the operator
    is told, rather than the file silently giving nothing."""
    lines = [line for line in lines if line.strip()]
    # Without numbered articles or items it is not a policy (a statistics report).
    if not any(BLOCK_START.match(line) for line in lines):
        return None
    first = lines[0].strip()
    titled = len(first) <= MAX_UNTITLED_TITLE and not first.endswith(tuple("。；！？"))
    return DocumentDraft(
        source=source,
        title=first if titled else source.rsplit(".", 1)[0],
        body="\n".join(lines[1:] if titled else lines),
        warnings=[UNTITLED],
    )


def is_policy_title(line: str) -> bool:
    return is_title_like(line) and not CONTENTS_LINE.match(line) and not NUMBERED.match(line)


def document_from_lines(
    lines: list[str], source: str, filed_under: str = "", title_hint: str = ""
) -> DocumentDraft | None:
    """The document starting at its title in ``lines``: the line the file's
    format names as its title (``title_hint``: a Markdown heading, a page's
    ArticleTitle), else a title above a law's header note or contents, else
    the policy title nearest above the first numbered block."""
    title_index = title_line(lines, title_hint)
    if title_index is None:
        return None
    title_start = title_fragments_above(lines, title_index)
    title = "".join(line.strip() for line in lines[title_start : title_index + 1])
    preamble, notice_title, first = _publisher(lines, title_start, title)
    # The 文号 a page prints above the notice's title belongs to it.
    numbers = [lines[i] for i in range(max(0, first - 2), first) if is_doc_number_line(lines[i])]
    preamble = numbers + preamble
    body_start, status = _skip_title_echoes(lines, title_index + 1, title)
    note = note_lines(lines[body_start:])
    header_note = "\n".join(lines[body_start : body_start + note])
    body_start = _skip_contents(lines, body_start + note)
    return DocumentDraft(
        source=source,
        title=title,
        body="\n".join(lines[body_start:]),
        preamble="\n".join(preamble),
        notice_title=notice_title,
        header_note=header_note,
        status=status,
        filed_under=filed_under,
    )


def _publisher(lines: list[str], title_start: int, title: str) -> tuple[list[str], str, int]:
    """What above the title published it: a notice (关于印发《X》的通知 … then
    X's own title), or the State Council's order (中华人民共和国国务院令 第535号
    《X》已经…通过，现予公布 …). Returns its lines below its title (X's preamble),
    its title, and where it starts; nothing and the title's start otherwise."""
    for notice_index in (i for i in range(title_start) if is_policy_title(lines[i])):
        notice_start = title_fragments_above(lines, notice_index)
        notice = "".join(line.strip() for line in lines[notice_start : notice_index + 1])
        published = PUBLISHED.search(notice)
        if published and _same_title((published[1] or published[2]), title):
            return lines[notice_index + 1 : title_start], notice, notice_start
    order = next((i for i in range(title_start) if ORDER_HEADER.match(lines[i].strip())), None)
    if order is not None and any(f"《{title}》" in line for line in lines[order:title_start]):
        return lines[order:title_start], lines[order].strip(), order
    return [], "", title_start


def title_line(lines: list[str], hint: str = "") -> int | None:
    """The index of the document's title line (see ``document_from_lines``)."""
    if hint:
        key = _title_key(hint)
        for index, line in enumerate(lines[:TITLE_REACH]):
            if _title_key(line) == key:
                return _published_below(lines, index)
    for index in range(min(len(lines), TITLE_REACH)):
        if _heads_legislation(lines, index):
            return index
    starts = [i for i, line in enumerate(lines) if is_policy_title(line)]
    if not starts:
        return None
    first_block = next((i for i, line in enumerate(lines) if BLOCK_START.match(line)), len(lines))
    # The title nearest above the first numbered block; editor's notes come before it.
    before_block = [i for i in starts if i < first_block]
    title_index = before_block[-1] if before_block else starts[0]
    # A notice whose policy follows as an attachment (附件 … X): X is the title,
    # and document_from_lines makes the notice its preamble.
    return _published_below(lines, title_index)


def _published_below(lines: list[str], index: int) -> int:
    """The title line of the policy the notice at ``index`` publishes, when
    the file holds it too (关于印发X的通知 … X); else ``index``."""
    published = PUBLISHED.search(lines[index])
    if not published:
        return index
    key = _title_key(published[1] or published[2])
    for below in range(index + 1, len(lines)):
        start = title_fragments_above(lines, below)
        if _title_key("".join(lines[max(start, index + 1) : below + 1])) == key:
            return below
    return index


def _heads_legislation(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` is a title over a header note (题注) with an
    event in it, or over a table of contents (目录)."""
    line = lines[index].strip()
    if not (4 <= len(line) <= MAX_TITLE) or NUMBERED.match(line) or "。" in line:
        return False
    if DATE_LINE.match(line) or ORGANISATION.match(fold(line)):
        return False
    after, _ = _skip_title_echoes(lines, index + 1, line)
    if after < len(lines) and _is_contents_heading(lines[after]):
        return True
    note = note_lines(lines[after:])
    return note > 0 and any(
        event.action for event in parse_events("\n".join(lines[after : after + note]))
    )


def title_fragments_above(lines: list[str], index: int) -> int:
    """Where a title broken over lines starts: ``2024—2026年海南省`` above
    ``农机购置与应用补贴实施方案``, ``广州市`` and ``住房和城乡建设局`` above
    ``关于…的通知``. A line above joins only when it reads as a title's start."""
    start = index
    while start > 0 and index - start < MAX_TITLE_FRAGMENTS:
        above = lines[start - 1].strip()
        if not (2 <= len(above) <= MAX_TITLE_FRAGMENT) or not TITLE_START.search(above):
            break
        if TITLE_BREAKERS.search(above) or NUMBERED.match(above) or BLOCK_START.match(above):
            break
        if DATE_LINE.match(above) or is_policy_title(above):
            break
        start -= 1
    return start


def _skip_title_echoes(lines: list[str], start: int, title: str) -> tuple[int, list[str]]:
    """Skip the lines under a title that repeat it (a page's heading above the
    same title broken over lines) or only give its status, ``（征求意见稿）``;
    returns where the rest starts and the statuses read."""
    key, statuses = _title_key(title), []
    while start < len(lines):
        line = lines[start].strip()
        part = _title_key(line)
        if STATUS_LINE.match(line):
            statuses.append(STATUS_LINE.match(line).group(1))
        # A piece of the title, or the title with a site's name or breadcrumbs
        # around it (首页 > 专题 > …通告, …通告-某某局网站).
        elif not part or not (
            part in key or (key in part and len(part) <= len(key) + MAX_TITLE_DRESSING)
        ):
            break
        start += 1
    return start, statuses


def _skip_contents(lines: list[str], start: int) -> int:
    """Past a table of contents (目录 and its chapter headings) at ``start``:
    to where its first heading is printed again, starting the body."""
    if start >= len(lines) or not _is_contents_heading(lines[start]):
        return start
    entries = []
    for index in range(start + 1, min(len(lines), start + MAX_CONTENTS_LINES)):
        line = lines[index].strip()
        if entries and _title_key(line) == _title_key(entries[0]):
            return index
        if not line or len(line) > MAX_CONTENTS_LINE or "。" in line:
            return index
        entries.append(line)
    return start + 1


def _is_contents_heading(line: str) -> bool:
    return "".join(line.split()) in ("目录", "目錄")


def _title_key(text: str) -> str:
    """A title as compared: folded, without spaces, quotes, brackets or dashes."""
    return TITLE_NOISE.sub("", fold(text))


def _same_title(a: str, b: str) -> bool:
    return _title_key(a) == _title_key(b)


def split_newsletter(lines: list[str], source: str, source_lines: list[int]) -> list[DocumentDraft]:
    drafts, start = [], 0
    for end in source_lines:
        filed_under = SOURCE_LINE.match(lines[end]).group("source")
        draft = document_from_lines(lines[start:end], source, filed_under)
        if draft:
            drafts.append(draft)
        start = end + 1
    return drafts


def table_of_contents(text: str) -> list[TocEntry]:
    """Entries of the contents that follows "目录", in order."""
    anchor = text.find("目录")
    if anchor == -1:
        return []
    entries: list[TocEntry] = []
    position, section = anchor + 2, ""
    for match in TOC_DATE.finditer(text, anchor):
        gap = text[position : match.start()]
        if entries and len(gap) > MAX_TOC_GAP:
            break
        item = TOC_ITEM.search(gap)
        if not item:
            break
        title = gap[item.end() :].strip()
        sections = TOC_SECTION.findall(gap[: item.start()])
        if sections:
            section = sections[-1]
        entries.append(
            TocEntry(
                title=title,
                date=match.group()[1:-1],
                section=section,
                start=position + item.start(),
                end=match.end(),
            )
        )
        position = match.end()
    # The body's first heading repeats the first entry right after the contents.
    if (
        len(entries) > 1
        and entries[-1].date == entries[0].date
        and entries[0].title in entries[-1].title
    ):
        entries.pop()
    return entries


def split_compilation(text: str, source: str, entries: list[TocEntry]) -> list[DocumentDraft]:
    # The body starts after the last entry: its page number stays in front of
    # the first heading, where it does no harm.
    body_text = text[entries[-1].end :]
    bodies = locate_bodies(body_text, entries)
    drafts = []
    for entry, body in zip(entries, bodies, strict=True):
        drafts.append(
            DocumentDraft(
                source=source,
                title=entry.title,
                body=body or "",
                publish_date=make_date(*entry.date.split("-")),
                has_full_text=bool(body),
                filed_under=entry.section,
            )
        )
    return drafts


def _shingles(title: str, size: int = 4) -> set[str]:
    core = re.sub(r"[\W\d_]+", "", title)
    return {core[i : i + size] for i in range(max(len(core) - size + 1, 1))}


HEADING_LABEL_REACH = 60


def locate_bodies(body_text: str, entries: list[TocEntry]) -> list[str | None]:
    """The body of each entry: found where the entry's heading (its date, with
    words of its title just before it) appears again, in contents order.

    A heading holds no sentence, so it starts after the last sentence end before
    the date; page numbers, item numbers and section labels printed in front of
    it ("…提升影响力。163.“数据…", "…文化。31B.法律法规篇一、国家篇331.工业…") are part
    of it, and words the title shares with the end of the previous body are not.
    """
    starts: list[tuple[int, int, int]] = []  # (entry index, heading start, body start)
    cursor = 0
    for index, entry in enumerate(entries):
        marker = f"({entry.date})"
        # Headings may print the title twice, interleaved ("“数据要素“数据要素”三年…").
        reach = 2 * len(entry.title) + 20
        found = body_text.find(marker, cursor)
        while found != -1:
            window_start = max(cursor, found - reach)
            # Labels in front of the title ("31B.法律法规篇一、国家篇331.") may reach further back.
            label_start = max(cursor, window_start - HEADING_LABEL_REACH)
            sentence_end = max(body_text.rfind(char, label_start, found) for char in "。；！？")
            heading = sentence_end + 1 if sentence_end != -1 else window_start
            window = body_text[heading:found]
            if any(s in window for s in _shingles(entry.title) if s):
                starts.append((index, heading, found + len(marker)))
                cursor = found + len(marker)
                break
            found = body_text.find(marker, found + 1)
    bodies: list[str | None] = [None] * len(entries)
    for n, (index, _, body_start) in enumerate(starts):
        body_end = starts[n + 1][1] if n + 1 < len(starts) else len(body_text)
        body = body_text[body_start:body_end].strip()
        bodies[index] = body or None
    return bodies
