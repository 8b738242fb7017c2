"""摘编: the clauses an analyst gathers from many policies for one report.

The gathering lives in the browser (static/js/excerpts.js keeps the clause ids
in localStorage); the page is a plain URL, ``/excerpts/?ids=12,40,7``, so the
same selection can be sent to a colleague, and exported as Word, CSV or Excel.
"""

from dataclasses import dataclass, field

from docx import Document as WordDocument

from .document_docx import metadata
from .word import finish, quote

# Ids ride in the URL: 300 six-digit ids are ~2,100 characters, well inside
# the 4,094-byte request line gunicorn accepts by default.
MAX_EXCERPTS = 300

# The document's metadata a report needs beside a quoted clause.
DOCUMENT_FIELDS = ("发文机关", "文号", "发布日期", "效力")


def parse_ids(value: str) -> list[int]:
    """``"12,40,7"`` → ``[12, 40, 7]`` (clause or document ids): the order
    the analyst took them in, repeats dropped. Raises ValueError with a
    message for the page when a piece is no id."""
    ids: dict[int, None] = {}
    for piece in value.split(","):
        piece = piece.strip()
        if not piece:
            continue
        if not (piece.isascii() and piece.isdigit()):
            raise ValueError(f"“{piece[:20]}”不是编号：链接应为 ?ids=12,40,7 的形式。")
        ids.setdefault(int(piece))
    return list(ids)


def ids_param(ids) -> str:
    return ",".join(map(str, ids))


@dataclass
class Item:
    clause: object
    # The page's query without this clause: its 移出 link.
    remove_query: str


@dataclass
class Excerpt:
    """One document's clauses among those taken."""

    document: object
    items: list[Item] = field(default_factory=list)

    @property
    def clauses(self) -> list:
        return [item.clause for item in self.items]


def by_document(clauses, ids: list[int]) -> list[Excerpt]:
    """Documents in the order the analyst first took a clause of each, and
    within a document its clauses in the order of the text: a report quotes a
    policy's articles in their order, whatever order they were found in."""
    rank = {pk: i for i, pk in enumerate(ids)}
    excerpts: dict[int, Excerpt] = {}
    for clause in sorted(clauses, key=lambda clause: rank[clause.pk]):
        excerpt = excerpts.setdefault(clause.document_id, Excerpt(clause.document))
        remove = ids_param(pk for pk in ids if pk != clause.pk)
        excerpt.items.append(Item(clause, f"ids={remove}" if remove else ""))
    for excerpt in excerpts.values():
        excerpt.items.sort(key=lambda item: item.clause.order)
    return list(excerpts.values())


def excerpts_docx(excerpts: list[Excerpt], url: str, exported_on) -> bytes:
    """The clauses as a report's appendix: each policy a heading with its
    issuer, 文号 and dates, each clause its place in bold and its text."""
    word = WordDocument()
    word.add_heading("政策条文摘编", level=1)
    count = sum(len(excerpt.items) for excerpt in excerpts)
    word.add_paragraph(f"共 {count} 条条款，出自 {len(excerpts)} 份文件。")
    for excerpt in excerpts:
        document = excerpt.document
        word.add_heading(document.title, level=2)
        fields = dict(metadata(document))
        known = [label for label in DOCUMENT_FIELDS if fields[label] != "—"]
        word.add_paragraph("；".join(f"{label}：{fields[label]}" for label in known))
        for clause in excerpt.clauses:
            quote(word.add_paragraph(), clause)
    return finish(word, url, exported_on)
