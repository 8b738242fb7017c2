"""Search has one home: query parsing, filters, facets and paging for the
HTML pages and the JSON API alike.

Query syntax (DESIGN §4.2): words separated by spaces must all match, ``OR``
between words offers alternatives, ``-word`` excludes, ``"…"`` is an exact
phrase, and a document number (文号) finds its document.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from haystack.query import SQ, SearchQuerySet

from policybase.catalog.models import (
    DRAFT_STATUSES,
    LAPSED_VALIDITY,
    Clause,
    Document,
    PolicyAlias,
    Standing,
)
from policybase.text.fold import fold
from policybase.text.issuers import FULL_NAMES

from .analyzer import units
from .highlight import highlight

PAGE_SIZE = 20
FACETS = (
    "level",
    "province",
    "city",
    "district",
    "category",
    "doc_type",
    "year",
    "status",
    "issuer",
)

# A quoted phrase (closing quote optional), or a run of non-space characters.
QUERY_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
# 国数政策〔2023〕11号, 京政办发[2024]3号, 沪府规(2023)5号: a year in brackets, then a number and 号.
DOC_NUMBER_LIKE = re.compile(r"[〔\[（(［【]\s*\d{4}\s*[〕\]）)］】]\s*\d+\s*号")


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    # A policy's title a short name stands for: found in titles as well as text.
    in_titles: bool = False
    # Added by the parser beside a word the analyst typed (a title, another
    # name of the same body), not typed.
    added: bool = False

    @property
    def is_doc_number(self) -> bool:
        return bool(DOC_NUMBER_LIKE.search(fold(self.text)))


@dataclass
class ParsedQuery:
    # All groups must match; within a group any term may.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # What the parser set aside, told to the analyst (a query never fails).
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def parse_query(
    query: str,
    aliases: Mapping[str, str] | None = None,
    synonyms: Mapping[str, tuple[str, ...]] | None = None,
) -> ParsedQuery:
    """``aliases`` maps the names analysts use for policies (数据二十条) to
    their titles; a word that is such a name also searches the title.
    ``synonyms`` maps a folded word to the other names of the same thing
    (工信部 → 工业和信息化部); a word with synonyms also searches them."""
    parsed = ParsedQuery()
    titles = {fold(name): title for name, title in (aliases or {}).items()}
    synonyms = synonyms or {}
    join_next = exclude_next = False
    for token in QUERY_TOKEN.findall(query or ""):
        if token == "OR":
            if not parsed.groups:
                parsed.notes.append("“OR”前面没有检索词，已忽略。")
            join_next = bool(parsed.groups)
            continue
        if token == "AND":  # the default between words
            continue
        if token == "NOT":
            exclude_next = True
            continue
        negative = exclude_next or (token.startswith("-") and len(token) > 1)
        body = token[1:] if token.startswith("-") and len(token) > 1 else token
        phrase = body.startswith('"')
        text = body.strip('"').strip() if phrase else body
        if not units(text):
            # "-", "〔〕", "“”", "α": nothing the index could match
            parsed.notes.append(f"“{token}”中没有可检索的文字，已忽略。")
            join_next = exclude_next = False
            continue
        if phrase and not body.endswith('"'):
            parsed.notes.append(f"引号未闭合，已按短语“{text}”检索。")
        terms = [Term(text, phrase)]
        done = "排除" if negative else "检索"
        if title := titles.get(fold(text)):
            terms.append(Term(title, phrase=True, in_titles=True, added=True))
            parsed.notes.append(f"“{text}”即《{title}》：已一并{done}提到它的条款和这份文件。")
        if others := synonyms.get(fold(text)):
            terms += [Term(other, phrase=True, added=True) for other in others]
            named = "”“".join(others)
            parsed.notes.append(f"“{text}”也写作“{named}”：已一并{done}。")
        if negative:
            parsed.excluded.extend(terms)
        elif join_next:
            parsed.groups[-1].extend(terms)
        else:
            parsed.groups.append(terms)
        join_next = exclude_next = False
    if join_next:
        parsed.notes.append("“OR”后面没有检索词，已忽略。")
    if parsed.excluded and not parsed.groups:
        parsed.notes.append("只有排除词：显示不含这些词的全部条款。")
    return parsed


def name_synonyms(full_names: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Every name of a body → its other names, from short name → full name
    pairs: 工信部 → (工业和信息化部,), 工业和信息化部 → (工信部,)."""
    names: dict[str, list[str]] = {}
    for short, full in full_names.items():
        names.setdefault(full, [full]).append(short)
    return {
        fold(name): tuple(other for other in group if other != name)
        for group in names.values()
        for name in group
    }


# National bodies by their short and full names, as ingestion folds issuers.
BODY_NAMES = name_synonyms(FULL_NAMES)


def read_query(query: str) -> ParsedQuery:
    """``parse_query`` with the policy short names curators keep in the admin
    and the names of national bodies."""
    aliases = dict(PolicyAlias.objects.values_list("name", "title"))
    return parse_query(query, aliases, BODY_NAMES)


def term_filter(term: Term, scope: str = "text") -> SQ:
    """The clauses ``term`` finds, searching ``scope`` ("text" or "title"): an
    ``exact`` lookup on a field the index analyses as Chinese is the phrase
    of the term's characters, i.e. an exact substring (backend.py)."""
    if term.is_doc_number:
        return SQ(doc_number__exact=term.text)
    found = SQ(**{f"{scope}__exact": term.text})
    if term.in_titles and scope != "title":
        found |= SQ(title__exact=term.text)
    return found


def text_filter(parsed: ParsedQuery, scope: str = "text") -> SQ:
    """Every group of ``parsed`` (any of its terms) and none of its exclusions."""
    found = SQ()
    for group in parsed.groups:
        alternatives = SQ()
        for term in group:
            alternatives |= term_filter(term, scope)
        found &= alternatives
    for term in parsed.excluded:
        found &= ~term_filter(term, scope)
    return found


@dataclass
class Filters:
    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""
    category: int | None = None
    doc_type: str = ""
    status: str = ""
    issuer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    standing: str = ""  # a Standing: in force, not yet or lapsed today


# Filter → the keyword field it matches. The ``regions`` field holds every name on
# a document's region path, so a province also finds its cities and districts.
KEYWORD_FILTERS = {
    "province": "regions",
    "city": "regions",
    "district": "regions",
    "level": "level",
    "category": "category",
    "doc_type": "doc_type",
    "status": "status",
    "issuer": "issuer",
}
DATE_FILTERS = {
    "date_from": "publish_date__gte",
    "date_to": "publish_date__lte",
    "effective_from": "effective_date__gte",
    "effective_to": "effective_date__lte",
}
# Sort choice → index sort key (search_indexes.py); relevance is the engine's
# BM25 over the words of the query.
SORTS = {
    "relevance": None,
    "newest": ("-publish_sort",),
    "effective": ("-effective_sort",),
    # Clause ids grow as documents are ingested: latest ingested first.
    "ingested": ("-django_id",),
}


@dataclass
class Hit:
    clause: Clause
    highlight: str  # escaped HTML with <mark>
    title_highlight: str = ""


@dataclass
class DocumentHit:
    """A document in results grouped by document: its best matching clauses."""

    document: Document
    match_count: int
    hits: list[Hit]


@dataclass
class SearchPage:
    query: ParsedQuery  # as parsed, short names expanded
    count: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    page: int
    num_pages: int
    # Set when grouped by document: the matching documents on this page, and how many match.
    documents: list[DocumentHit] | None = None
    document_count: int | None = None

    @property
    def notes(self) -> list[str]:
        """What the parser set aside or expanded, told to the analyst."""
        return self.query.notes


def standing_filter(standing: str, day: dt.date) -> SQ:
    """The clauses of documents with that standing on ``day``: the index's
    side of ``Document.standing_on``, asked at search time because a policy
    comes into force and lapses with no one writing to it."""
    lapsed_by_curator = SQ(validity__in=LAPSED_VALIDITY)
    draft = SQ(status__in=sorted(DRAFT_STATUSES))
    # The index holds 尚未生效 only for a document without a 施行日期.
    next_day, previous_day = day + dt.timedelta(days=1), day - dt.timedelta(days=1)
    not_yet = SQ(effective_date__gte=next_day) | SQ(validity=Document.Validity.NOT_YET)
    expired = SQ(expiry_date__lte=previous_day)
    if standing == Standing.LAPSED:
        return lapsed_by_curator | (~draft & ~not_yet & expired)
    if standing == Standing.NOT_YET:
        return ~lapsed_by_curator & ~draft & not_yet
    return ~lapsed_by_curator & ~draft & ~not_yet & ~expired


def build_queryset(
    parsed: ParsedQuery, filters: Filters, scope: str = "text", sort: str = "relevance"
) -> SearchQuerySet:
    sqs = SearchQuerySet().models(Clause)
    if not parsed.is_empty:
        sqs = sqs.filter(text_filter(parsed, scope))
    # Filters are part of the one query the engine runs (a haystack ``narrow``
    # would run a whole extra search per filter).
    for name, index_field in KEYWORD_FILTERS.items():
        value = getattr(filters, name)
        if value not in (None, ""):
            sqs = sqs.filter(**{f"{index_field}__exact": str(value)})
    for name, lookup in DATE_FILTERS.items():
        if value := getattr(filters, name):
            sqs = sqs.filter(**{lookup: value})
    if filters.standing:
        sqs = sqs.filter(standing_filter(filters.standing, timezone.localdate()))
    # Without words to rank by, newest first is the useful order.
    order = SORTS["newest"] if parsed.is_empty and sort == "relevance" else SORTS[sort]
    if order:
        sqs = sqs.order_by(*order)
    return sqs


def search(
    query: str,
    filters: Filters,
    page: int = 1,
    scope: str = "text",
    sort: str = "relevance",
    by_document: bool = False,
) -> SearchPage:
    parsed = read_query(query)
    sqs = build_queryset(parsed, filters, scope, sort)
    facet_names = (*FACETS, "document") if by_document else FACETS
    for name in facet_names:
        sqs = sqs.facet(name)
    start = (page - 1) * PAGE_SIZE
    needles = _needles(parsed)
    # Grouped by document, the clauses come later; counting runs the search (with
    # its facets) for one hit only.
    hits = [] if by_document else list(sqs[start : start + PAGE_SIZE])
    count = sqs.count()
    facets = {
        # A hit without a value is no option to filter by.
        name: {value: n for value, n in counts if value not in (None, "")}
        for name, counts in sqs.facet_counts().get("fields", {}).items()
    }
    result = SearchPage(
        query=parsed,
        count=count,
        hits=[_hit(c, needles, scope) for c in load_clauses([int(hit.pk) for hit in hits])],
        facets={name: facets.get(name, {}) for name in FACETS},
        page=page,
        num_pages=max(1, -(-count // PAGE_SIZE)),
    )
    if by_document:
        _group_by_document(result, facets.get("document", {}), parsed, filters, scope, sort)
    return result


# The date each sort orders documents by, when results are grouped by document.
DOCUMENT_DATES = {"newest": "publish_date", "effective": "effective_date"}
# Best clauses shown per document when results are grouped by document.
CLAUSES_PER_DOCUMENT = 3


def _group_by_document(result, counts, parsed, filters, scope, sort):
    """Rank the matching documents, page them, and fetch each one's best clauses.

    Relevance ranks documents by how many of their clauses match; the date sorts
    use the documents' dates. The clauses come from one more search, limited to
    this page's documents.
    """
    ids = [int(pk) for pk in counts]
    column = DOCUMENT_DATES.get(sort) or (DOCUMENT_DATES["newest"] if parsed.is_empty else None)
    if column:
        ids = list(
            Document.objects.filter(pk__in=ids)
            .order_by(F(column).desc(nulls_last=True), "pk")
            .values_list("pk", flat=True)
        )
    else:
        ids.sort(key=lambda pk: (-counts[str(pk)], pk))
    start = (result.page - 1) * PAGE_SIZE
    page_ids = ids[start : start + PAGE_SIZE]
    result.document_count = len(ids)
    result.num_pages = max(1, -(-len(ids) // PAGE_SIZE))
    documents = Document.objects.select_related("region__parent__parent").in_bulk(page_ids)
    best: dict[int, list[int]] = {pk: [] for pk in page_ids}
    if page_ids:
        sqs = build_queryset(parsed, filters, scope, sort).filter(
            document__in=[str(pk) for pk in page_ids]
        )
        wanted = min(sum(counts[str(pk)] for pk in page_ids), MAX_GROUPED_HITS)
        for hit in sqs[:wanted]:
            chosen = best[int(hit.document_id)]
            if len(chosen) < CLAUSES_PER_DOCUMENT:
                chosen.append(int(hit.pk))
    clauses = {c.pk: c for c in load_clauses([pk for ids_ in best.values() for pk in ids_])}
    needles = _needles(parsed)
    result.documents = [
        DocumentHit(
            document=documents[pk],
            match_count=counts[str(pk)],
            hits=[_hit(clauses[c], needles, scope) for c in best[pk] if c in clauses],
        )
        for pk in page_ids
        if pk in documents
    ]


# A grouped page reads at most this many clause hits to find each document's best ones.
MAX_GROUPED_HITS = 2000


def _needles(parsed: ParsedQuery) -> list[str]:
    # A phrase matches across the spaces and punctuation inside it, so mark its words.
    return [word for term in parsed.positive_terms for word in term.text.split()]


def _hit(clause: Clause, needles: list[str], scope: str) -> Hit:
    return Hit(
        clause,
        highlight(clause.text, needles if scope == "text" else []),
        highlight(clause.document.title, needles if scope == "title" else []),
    )


def all_matching_clauses(
    query: str, filters: Filters, scope: str = "text", sort: str = "relevance", batch: int = 500
):
    """Every matching clause, in result order, loaded in batches (for export)."""
    sqs = build_queryset(read_query(query), filters, scope, sort)
    total = sqs.count()
    for start in range(0, total, batch):
        yield from load_clauses([int(hit.pk) for hit in sqs[start : start + batch]])


# More-like-this candidates read for one clause; most come from its own
# document and from the documents most like it, which give one clause each.
SIMILAR_CANDIDATES = 80


@dataclass
class SimilarClauses:
    clauses: list[Clause]
    # The clause's key terms the others were found by, most distinctive first.
    terms: list[str]


def similar_clauses(clause: Clause, limit: int = 15) -> SimilarClauses:
    """The clause of each other document most like ``clause`` in its words,
    best first, at most ``limit``: how other policies say the same thing.

    The backend picks the clause's most distinctive words (by the index's
    own statistics, so 数据 weighs little in a base of data policies) and
    ranks the clauses that hold them."""
    backend = SearchQuerySet().query.backend
    ids, terms = backend.more_like_text(clause.text, SIMILAR_CANDIDATES)
    best, seen = [], {clause.document_id}
    for candidate in load_clauses(ids):
        if candidate.document_id not in seen:
            seen.add(candidate.document_id)
            best.append(candidate)
    return SimilarClauses(best[:limit], terms)


def load_clauses(ids: list[int]) -> list[Clause]:
    """Clauses with their documents, in the order of ``ids``."""
    by_id = Clause.objects.select_related("document__region__parent__parent", "category").in_bulk(
        ids
    )
    return [by_id[pk] for pk in ids if pk in by_id]
