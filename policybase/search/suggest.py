"""Filters a query's words name. An analyst who types 上海 数据条例 usually
means the policies of 上海市, whose clauses seldom say 上海; one who types
工信部 the ministry's policies; one who types 条例 regulations more often
than clauses that mention one. The words are searched as typed, and the
page offers each such filter beside the results, with how many clauses it
would keep.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from policybase.catalog.models import Category, Issuer, Region
from policybase.text.doc_types import DOC_TYPES
from policybase.text.fold import fold
from policybase.text.issuers import canonical_issuer
from policybase.text.regions import name_index

from .query import QUERY_TOKEN, Filters, ParsedQuery, Term, build_queryset

REGION_LEVELS = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT]
# Each offer costs a count; a query of twenty place names gets the first few.
MAX_SUGGESTIONS = 3
# Each word looked up costs a few small queries; a long query's first words.
MAX_WORDS = 10

Named = tuple[str, str, str]  # (filter, value, label)


@dataclass(frozen=True)
class Suggestion:
    word: str  # as typed
    field: str  # the filter parameter: province, city, district, issuer, doc_type or category
    value: str
    label: str  # 上海市的政策
    query: str = ""  # the query without the word
    count: int = 0  # clauses the query without the word keeps under the filter


def find_filter(word: str) -> Named | None:
    """The filter ``word`` names, looked up by the word rather than by
    folding every name in the base on every search: a region of the base
    by its full or short name (the division names ingestion detects regions
    by; a province before a city of the same short name, 吉林), an issuer
    under any of its names (stored canonical: 工信部 is 工业和信息化部), a
    document type ingestion recognises, an instrument."""
    folded = fold(word)
    divisions = {division.name for division in name_index()[0].get(folded, ())}
    if divisions:
        regions = Region.objects.filter(name__in=divisions, level__in=REGION_LEVELS)
        found = sorted(
            regions.values_list("level", "name"), key=lambda r: REGION_LEVELS.index(r[0])
        )
        if found:
            level, name = found[0]
            return level, name, f"{name}的政策"
    issuer = canonical_issuer(word)
    if Issuer.objects.filter(name=issuer).exists():
        return "issuer", issuer, f"{issuer}发布的政策"
    if folded in DOC_TYPES:
        return "doc_type", folded, f"文种为“{folded}”的政策"
    if category := Category.objects.filter(name=folded).first():
        return "category", str(category.pk), f"政策工具为“{category.name}”的条款"
    return None


def named_filters(
    query: str, parsed: ParsedQuery, find: Callable[[str], Named | None], active: Filters
) -> list[tuple[Suggestion, ParsedQuery]]:
    """Each word of ``query`` (``parsed``) that stands alone (not a phrase,
    not one of an OR) and names a filter (``find``) that is not set yet,
    with the parsed query without it."""
    found = []
    for group in parsed.groups[:MAX_WORDS]:
        typed = [term for term in group if not term.added]
        term = typed[0]
        if len(typed) > 1 or term.phrase or (named := find(term.text)) is None:
            continue
        field, value, label = named
        if getattr(active, field) not in (None, ""):
            continue
        rest = ParsedQuery(
            [other for other in parsed.groups if other is not group], parsed.excluded
        )
        found.append((Suggestion(term.text, field, value, label, _without(query, term)), rest))
        if len(found) == MAX_SUGGESTIONS:
            break
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
    suggestions = []
    for suggestion, rest in named_filters(query, parsed, find_filter, filters):
        value = int(suggestion.value) if suggestion.field == "category" else suggestion.value
        narrowed = dataclasses.replace(filters, **{suggestion.field: value})
        if count := build_queryset(rest, narrowed, scope).count():
            suggestions.append(dataclasses.replace(suggestion, count=count))
    return suggestions
