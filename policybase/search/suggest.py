"""Filters a query's words name. An analyst who types 上海 数据条例 usually
means the policies of 上海市, whose clauses seldom say 上海; one who types
工信部 the ministry's policies; one who types 条例 regulations more often
than clauses that mention one. The words are searched as typed, and the
page offers each such filter beside the results, with how many clauses it
would keep.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ingest.metadata import DOC_TYPES
from ingest.metadata.regions import SUFFIXES
from policybase.catalog.models import Category, Issuer, Region

from .analyzer import fold
from .query import BODY_NAMES, QUERY_TOKEN, Filters, ParsedQuery, Term, build_queryset

REGION_LEVELS = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT]
# Each offer costs a count; a query of twenty place names gets the first few.
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    word: str  # as typed
    field: str  # the filter parameter: province, city, district, issuer, doc_type or category
    value: str
    label: str  # 上海市的政策
    query: str = ""  # the query without the word
    count: int = 0  # clauses the query without the word keeps under the filter


def vocabulary(
    regions: Iterable[tuple[str, str]],
    issuers: Iterable[str],
    doc_types: Iterable[str],
    categories: Iterable[tuple[int, str]],
) -> dict[str, tuple[str, str, str]]:
    """Folded word → (filter, value, label). Regions come in order of level,
    so that a short name shared by a province and a city (吉林) is the
    province's; a region answers to its short name (上海, 杭州) too, an
    issuer to its other names (工信部)."""
    words: dict[str, tuple[str, str, str]] = {}
    for level, name in regions:
        for word in (name, SUFFIXES.sub("", name)):
            if len(word) >= 2:
                words.setdefault(fold(word), (level, name, f"{name}的政策"))
    for name in issuers:
        for word in (name, *BODY_NAMES.get(fold(name), ())):
            words.setdefault(fold(word), ("issuer", name, f"{name}发布的政策"))
    for doc_type in doc_types:
        words.setdefault(fold(doc_type), ("doc_type", doc_type, f"文种为“{doc_type}”的政策"))
    for pk, name in categories:
        words.setdefault(fold(name), ("category", str(pk), f"政策工具为“{name}”的条款"))
    return words


def named_filters(
    query: str, parsed: ParsedQuery, words: Mapping[str, tuple[str, str, str]], active: Filters
) -> list[tuple[Suggestion, ParsedQuery]]:
    """Each word of ``query`` (``parsed``) that stands alone (not a phrase,
    not one of an OR) and names a filter that is not set yet, with the
    parsed query without it."""
    found = []
    for group in parsed.groups:
        typed = [term for term in group if not term.added]
        term = typed[0]
        if len(typed) > 1 or term.phrase or (named := words.get(fold(term.text))) is None:
            continue
        field, value, label = named
        if getattr(active, field) not in (None, ""):
            continue
        rest = ParsedQuery(
            [other for other in parsed.groups if other is not group], parsed.excluded
        )
        found.append((Suggestion(term.text, field, value, label, _without(query, term)), rest))
    return found


def _without(query: str, term: Term) -> str:
    tokens = QUERY_TOKEN.findall(query)
    tokens.remove(term.text)
    return " ".join(tokens)


def suggest_filters(
    query: str, parsed: ParsedQuery, filters: Filters, scope: str
) -> list[Suggestion]:
    """The filters ``query`` (as the search parsed it) names, each with the
    number of clauses it keeps; those that keep none are left out."""
    if parsed.is_empty:
        return []
    regions = Region.objects.filter(level__in=REGION_LEVELS).values_list("level", "name")
    words = vocabulary(
        sorted(regions, key=lambda region: (REGION_LEVELS.index(region[0]), region[1])),
        Issuer.objects.values_list("name", flat=True),
        # The types ingestion recognises: a distinct over every document would
        # cost a scan per search; a type no document has keeps no clause and
        # is not offered.
        DOC_TYPES,
        Category.objects.values_list("pk", "name"),
    )
    suggestions = []
    for suggestion, rest in named_filters(query, parsed, words, filters)[:MAX_SUGGESTIONS]:
        value = int(suggestion.value) if suggestion.field == "category" else suggestion.value
        narrowed = dataclasses.replace(filters, **{suggestion.field: value})
        if count := build_queryset(rest, narrowed, scope).count():
            suggestions.append(dataclasses.replace(suggestion, count=count))
    return suggestions
