"""The search page's facets as links: every option sets or clears one filter and
keeps the others, so the page works without JavaScript and every view has a URL.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.http import QueryDict

from policybase.catalog.models import Category, Document, Region, Standing
from policybase.search.query import Filters, ParsedQuery, build_queryset

# Issuers are many; the page lists the most frequent.
TOP_ISSUERS = 15

# Setting or clearing a region also clears the regions below it.
REGION_BELOW = {"province": ("city", "district"), "city": ("district",), "district": ()}


@dataclass
class Option:
    label: str
    count: int
    active: bool
    query: str  # the URL query string that toggles this option
    children: list["Option"] = field(default_factory=list)


@dataclass
class FacetGroup:
    name: str
    title: str
    options: list[Option] = field(default_factory=list)
    # Category options come in the three instrument groups: (group label, total, options).
    sections: list[tuple[str, int, list[Option]]] = field(default_factory=list)


def _option(params: QueryDict, label, count, wanted: dict, clears=()) -> Option:
    params = params.copy()
    params.pop("page", None)
    # A form submitted without JavaScript sends its empty fields: links leave them out.
    for key in [key for key, values in params.lists() if not any(values)]:
        del params[key]
    active = all(params.get(key) == value for key, value in wanted.items())
    for key in (*wanted, *clears):
        params.pop(key, None)
    if not active:
        params.update(wanted)
    return Option(label=str(label), count=count, active=active, query=params.urlencode())


def _sorted(counts: dict) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def region_tree(params: QueryDict, facets: dict) -> FacetGroup:
    """Provinces; under the chosen one its cities (or, in a municipality, its
    districts); under a chosen city its districts."""
    group = FacetGroup("region", "地区")

    def level_options(level: str, counts: dict) -> list[Option]:
        return [
            _option(params, value, n, {level: value}, REGION_BELOW[level])
            for value, n in _sorted(counts)
        ]

    for province in level_options("province", facets.get("province", {})):
        if province.active:
            cities = level_options("city", facets.get("city", {}))
            for city in cities:
                if city.active:
                    city.children = level_options("district", facets.get("district", {}))
            province.children = cities or level_options("district", facets.get("district", {}))
        group.options.append(province)
    return group


def category_groups(
    params: QueryDict, counts: dict, group_totals: dict | None = None
) -> FacetGroup:
    group = FacetGroup("category", "政策工具")
    by_group: dict[str, list[Option]] = {}
    totals: dict[str, int] = {}
    for category in Category.objects.all():
        count = counts.get(str(category.pk))
        if count:
            option = _option(params, category.name, count, {"category": str(category.pk)})
            by_group.setdefault(category.group, []).append(option)
            totals[category.group] = totals.get(category.group, 0) + count
    # Counted in documents, a group's total is no sum: a document holds many instruments.
    totals.update(group_totals or {})
    # 非政策工具 has no group: its own section after the three.
    for value, label in [*Category.Group.choices, ("", "非政策工具")]:
        if value in by_group:
            group.sections.append((label, totals[value], by_group[value]))
    return group


def simple(params: QueryDict, name: str, title: str, counts: dict, limit=None) -> FacetGroup:
    options = [_option(params, value, n, {name: value}) for value, n in _sorted(counts)]
    return FacetGroup(name, title, options[:limit])


def facet_groups(params: QueryDict, facets: dict) -> list[FacetGroup]:
    levels = FacetGroup(
        "level",
        "层级",
        [
            _option(params, Region.Level(value).label, n, {"level": value})
            for value, n in _sorted(facets.get("level", {}))
        ],
    )
    # A year is a publish-date range.
    years = FacetGroup(
        "year",
        "发布年份",
        [
            _option(params, year, n, {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"})
            for year, n in sorted(facets.get("year", {}).items(), reverse=True)
        ],
    )
    return [
        levels,
        region_tree(params, facets),
        category_groups(params, facets.get("category", {}), facets.get(GROUP_TOTALS)),
        simple(params, "doc_type", "文种", facets.get("doc_type", {})),
        years,
        simple(params, "status", "状态", facets.get("status", {})),
        simple(params, "issuer", "发文机关", facets.get("issuer", {}), limit=TOP_ISSUERS),
    ]


# ---------------------------------------------------------------- 按文件

# The facets' key for the instrument groups' totals, when they are no sums.
GROUP_TOTALS = "category_group"
# Read from the database per batch of documents.
DOCUMENT_BATCH = 500


def document_facets(
    parsed: ParsedQuery, filters: Filters, scope: str, clause_facets: dict
) -> dict[str, dict[str, int]]:
    """The facets of a search listed by document, counted in documents: how
    many of the listed documents hold each value, i.e. how many a click on
    it lists. A document's metadata is the same on all its clauses, so those
    counts come from the database for the matching documents; an instrument
    counts the documents with a matching clause of it, one search each (at
    most the 15 categories and their 3 groups, counted by the index)."""
    found = build_queryset(parsed, filters, scope)
    counts = document_values(_documents_of(found))
    categories = clause_facets.get("category", {})
    counts["category"] = {
        value: len(_documents_of(found.filter(category__exact=value))) for value in categories
    }
    present = {int(value) for value in categories}
    members: dict[str, list[str]] = {}
    for category in Category.objects.filter(pk__in=present):
        members.setdefault(category.group, []).append(str(category.pk))
    counts[GROUP_TOTALS] = {
        group: len(_documents_of(found.filter(category__in=pks))) for group, pks in members.items()
    }
    return counts


def _documents_of(found) -> list[int]:
    """The documents of the clauses a search finds (its ``document`` facet)."""
    found = found.facet("document")
    found.count()  # runs the search for one hit: facet_counts alone would read every hit
    buckets = found.facet_counts().get("fields", {}).get("document", [])
    return [int(value) for value, _ in buckets]


def document_values(ids: list[int]) -> dict[str, dict[str, int]]:
    """For each facet of a document's metadata, how many of ``ids`` hold each
    value, as the index gives them to every clause of a document
    (policybase.search.search_indexes.ClauseIndex). Plain rows, no model
    instances: a broad search matches thousands of documents."""
    counts = {name: Counter() for name in DOCUMENT_FACETS}
    places: dict[int, dict[str, list]] = {}  # region id -> its level and names
    issuers = Document.issuers.through.objects
    for start in range(0, len(ids), DOCUMENT_BATCH):
        batch = ids[start : start + DOCUMENT_BATCH]
        rows = list(
            Document.objects.filter(pk__in=batch).values_list(
                "region", "doc_type", "publish_date", "status"
            )
        )
        missing = {row[0] for row in rows if row[0] is not None} - places.keys()
        for pk, region in Region.objects.select_related("parent__parent").in_bulk(missing).items():
            ref = region.as_ref()
            places[pk] = {
                "level": [region.level],
                **{k: [ref[k]] for k in ("province", "city", "district")},
            }
        for region, doc_type, date, status in rows:
            values = {"doc_type": [doc_type], "year": [date and date.year], "status": status}
            values.update(places.get(region, {}))
            for name, held in values.items():
                counts[name].update({str(value) for value in held if value not in (None, "")})
        named = issuers.filter(document__in=batch).values_list("document", "issuer__name")
        by_document: dict[int, set] = {}
        for document, name in named:
            by_document.setdefault(document, set()).add(name)
        for names in by_document.values():
            counts["issuer"].update(names)
    return {name: dict(counter) for name, counter in counts.items()}


DOCUMENT_FACETS = ("level", "province", "city", "district", "doc_type", "year", "status", "issuer")


# Filters shown as removable chips above the results, with the words the page uses.
FILTER_LABELS = {
    "province": "省份",
    "city": "城市",
    "district": "区县",
    "level": "层级",
    "category": "政策工具",
    "doc_type": "文种",
    "status": "状态",
    "issuer": "发文机关",
    "date_from": "发布日期起",
    "date_to": "发布日期止",
    "effective_from": "施行日期起",
    "effective_to": "施行日期止",
    "standing": "效力",
}


def filters_in_force(params: QueryDict) -> list[tuple[str, str, str]]:
    """(parameter, its name, its value as the page shows it) of every filter set."""
    names = dict(Category.objects.values_list("id", "name"))
    found = []
    for key, label in FILTER_LABELS.items():
        value = params.get(key)
        if not value:
            continue
        shown = value
        if key == "category" and value.isdigit():
            shown = names.get(int(value), value)
        elif key == "level" and value in Region.Level.values:
            shown = Region.Level(value).label
        elif key == "standing" and value in Standing.values:
            shown = Standing(value).label
        found.append((key, label, shown))
    return found


def active_filters(params: QueryDict) -> list[Option]:
    """The filters in force, each with the link that removes it."""
    return [
        _option(params, f"{label}：{shown}", 0, {key: params[key]}, REGION_BELOW.get(key, ()))
        for key, label, shown in filters_in_force(params)
    ]


def suggestion_links(params: QueryDict, suggestions) -> list[tuple[object, str]]:
    """Each suggested filter with the query string that sets it (clearing
    the regions below, as a facet does) and takes its word out of the query."""
    return [
        (
            suggestion,
            _option(
                params,
                suggestion.label,
                suggestion.count,
                {suggestion.field: suggestion.value, "q": suggestion.query},
                REGION_BELOW.get(suggestion.field, ()),
            ).query,
        )
        for suggestion in suggestions
    ]
