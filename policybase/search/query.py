"""Search has one home: query parsing, filters, facets and paging for the
HTML pages and the JSON API alike.

Query syntax (DESIGN §4.2): words separated by spaces must all match, ``OR``
between words offers alternatives, ``-word`` excludes, ``"…"`` is an exact
phrase, and a document number (文号) finds its document.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from haystack.inputs import Raw
from haystack.query import SearchQuerySet

from policybase.catalog.models import Clause

from .analyzer import fold
from .highlight import highlight

PAGE_SIZE = 20
FACETS = ("level", "province", "category", "doc_type", "year", "status")

# A quoted phrase (closing quote optional), or a run of non-space characters.
QUERY_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
# 国数政策〔2023〕11号, 京政办发[2024]3号, 沪府规(2023)5号: a year in brackets, then a number and 号.
DOC_NUMBER_LIKE = re.compile(r"[〔\[（(［【]\s*\d{4}\s*[〕\]）)］】]\s*\d+\s*号")
SEARCHABLE = re.compile(r"\w")
# Characters that would end or escape a quoted Whoosh phrase.
WHOOSH_QUOTE_BREAKERS = re.compile(r'["\\]')


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False

    @property
    def is_doc_number(self) -> bool:
        return bool(DOC_NUMBER_LIKE.search(fold(self.text)))


@dataclass
class ParsedQuery:
    # All groups must match; within a group any term may.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def parse_query(query: str) -> ParsedQuery:
    parsed = ParsedQuery()
    join_next = False
    for token in QUERY_TOKEN.findall(query or ""):
        if token == "OR":
            join_next = bool(parsed.groups)
            continue
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        phrase = body.startswith('"')
        text = body.strip('"').strip() if phrase else body
        if not SEARCHABLE.search(text):  # "-", "〔〕": nothing the index could match
            continue
        term = Term(text, phrase)
        if negative:
            parsed.excluded.append(term)
        elif join_next:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        join_next = False
    return parsed


def to_whoosh(parsed: ParsedQuery, scope: str = "text") -> str:
    """The Whoosh query string for ``parsed``, searching ``scope`` ("text" or "title")."""

    def clause_of(term: Term) -> str:
        quoted = '"' + WHOOSH_QUOTE_BREAKERS.sub(" ", term.text) + '"'
        if term.is_doc_number:
            return f"doc_number:{quoted}"
        return f"{scope}:{quoted}"

    parts = ["(" + " OR ".join(map(clause_of, group)) + ")" for group in parsed.groups]
    parts += [f"NOT {clause_of(term)}" for term in parsed.excluded]
    return " AND ".join(parts)


@dataclass
class Filters:
    province: str = ""
    city: str = ""
    level: str = ""
    category: int | None = None
    doc_type: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Hit:
    clause: Clause
    highlight: str  # escaped HTML with <mark>


@dataclass
class SearchPage:
    count: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    page: int
    num_pages: int


def _keyword(value: str) -> str:
    # Single quotes make Whoosh read the value as one term, spaces and all.
    return "'" + value.replace("'", "") + "'"


def build_queryset(parsed: ParsedQuery, filters: Filters, scope: str = "text") -> SearchQuerySet:
    sqs = SearchQuerySet().models(Clause)
    if not parsed.is_empty:
        sqs = sqs.filter(content=Raw(to_whoosh(parsed, scope)))
    for name in ("city", "level", "doc_type", "status"):
        value = getattr(filters, name)
        if value:
            sqs = sqs.narrow(f"{name}:{_keyword(value)}")
    if filters.province:
        sqs = sqs.narrow(f"regions:{_keyword(filters.province)}")
    if filters.category is not None:
        sqs = sqs.narrow(f"category:{_keyword(str(filters.category))}")
    if filters.date_from:
        sqs = sqs.filter(publish_date__gte=filters.date_from)
    if filters.date_to:
        sqs = sqs.filter(publish_date__lte=filters.date_to)
    if parsed.is_empty:
        sqs = sqs.order_by("-publish_date")
    return sqs


def search(query: str, filters: Filters, page: int = 1, scope: str = "text") -> SearchPage:
    parsed = parse_query(query)
    sqs = build_queryset(parsed, filters, scope)
    for name in FACETS:
        sqs = sqs.facet(name)
    start = (page - 1) * PAGE_SIZE
    hits = list(sqs[start : start + PAGE_SIZE])
    count = sqs.count()
    clauses = load_clauses([int(hit.pk) for hit in hits])
    # A phrase matches across the spaces and punctuation inside it, so mark its words.
    needles = [word for term in parsed.positive_terms for word in term.text.split()]
    return SearchPage(
        count=count,
        hits=[Hit(c, highlight(c.text, needles)) for c in clauses],
        facets={
            # Whoosh also counts the hits without a value; that is no option to filter by.
            name: {value: n for value, n in counts if value not in (None, "")}
            for name, counts in sqs.facet_counts().get("fields", {}).items()
        },
        page=page,
        num_pages=max(1, -(-count // PAGE_SIZE)),
    )


def all_matching_clauses(query: str, filters: Filters, scope: str = "text", batch: int = 500):
    """Every matching clause, in result order, loaded in batches (for export)."""
    sqs = build_queryset(parse_query(query), filters, scope)
    total = sqs.count()
    for start in range(0, total, batch):
        yield from load_clauses([int(hit.pk) for hit in sqs[start : start + batch]])


def load_clauses(ids: list[int]) -> list[Clause]:
    """Clauses with their documents, in the order of ``ids``."""
    by_id = Clause.objects.select_related("document__region__parent__parent", "category").in_bulk(
        ids
    )
    return [by_id[pk] for pk in ids if pk in by_id]
