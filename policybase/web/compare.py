"""The comparison page (对比): how regions differ on the clauses a query finds.

Each region is one search filter. Its numbers come from one faceted query
(clauses, documents, clauses per category); its examples are the best hits
of that same ranking, so the top example of a category is the first hit the
search page shows for that region and category.
"""

import difflib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from policybase.catalog.models import STRUCTURAL, Category, Region
from policybase.search.highlight import highlight
from policybase.search.query import Filters, Hit, build_queryset, load_clauses, read_query

# The name that stands for documents of national level (their Region row is 全国).
NATIONAL = "国家"
NATIONAL_ALIASES = {NATIONAL, "全国"}
MIN_REGIONS, MAX_REGIONS = 2, 6
BEST_HITS = 3
# Hits read from the top of each region's ranking to find every category's best
# example; a category first seen further down costs one more query.
EXAMPLE_WINDOW = 200


@dataclass(frozen=True)
class RegionChoice:
    """A region as the analyst named it, and the search filter it stands for."""

    name: str
    label: str  # the name with the regions above it, e.g. 朝阳区（北京市）
    param: str  # the search page's parameter: province, city, district or level
    value: str

    @property
    def filters(self) -> Filters:
        return Filters(**{self.param: self.value})

    def search_url(self, query: str, category: int | None = None) -> str:
        params = {"q": query} if query else {}
        params[self.param] = self.value
        if category is not None:
            params["category"] = category
        return reverse("search") + "?" + urlencode(params)


@dataclass
class Cell:
    count: int
    share: float  # percent of the region's matching clauses
    bar: float = 0.0  # bar width in percent, the table's largest category share being 100
    url: str = ""  # the search page for this region and category


@dataclass
class CategoryRow:
    category: Category
    cells: list[Cell]


@dataclass
class GroupRows:
    label: str  # 供给型, 环境型, 需求型
    totals: list[Cell]
    rows: list[CategoryRow]


@dataclass
class Example:
    category: Category
    hit: Hit


@dataclass
class RegionColumn:
    region: RegionChoice
    clause_count: int
    document_count: int
    url: str
    category_counts: dict[int, int]  # instrument id → matching clauses
    structural_count: int = 0  # matching 非政策工具 clauses, left out of the shares
    structural_url: str = ""

    @property
    def instrument_count(self) -> int:
        """The clauses the shares are of: those using an instrument."""
        return self.clause_count - self.structural_count

    best: list[Hit] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)  # one per category with hits


@dataclass
class Comparison:
    query: str
    columns: list[RegionColumn]
    groups: list[GroupRows]
    notes: list[str]


def find_region(name: str) -> RegionChoice | None:
    """The region called ``name``, or None. Names are matched exactly; where two
    regions share a name (朝阳区 of 北京市 and of 长春市) the filter finds both, as
    the search page's does, and the label names the one with most documents."""
    if name in NATIONAL_ALIASES:
        return RegionChoice(NATIONAL, NATIONAL, "level", Region.Level.NATIONAL.value)
    region = (
        Region.objects.filter(name=name)
        .exclude(level=Region.Level.NATIONAL)
        .select_related("parent__parent")
        .annotate(documents=Count("document"))
        .order_by("-documents", "pk")
        .first()
    )
    if region is None:
        return None
    above = [r.name for r in region.lineage()[:-1] if r.level != Region.Level.NATIONAL]
    label = f"{name}（{'·'.join(above)}）" if above else name
    # Every name on a document's region path is indexed in ``regions``, which the
    # province, city and district filters all match: the parameter only tells the
    # search page which level the name is.
    return RegionChoice(name, label, region.level, name)


def region_names() -> list[str]:
    """Names of the regions that have documents, on their own or below them:
    the choices offered, national first."""
    names = set()
    regions = Region.objects.filter(document__isnull=False).distinct()
    for region in regions.select_related("parent__parent"):
        names.update(r.name for r in region.lineage())
    national = [NATIONAL] if names & NATIONAL_ALIASES else []
    return national + sorted(names - NATIONAL_ALIASES)


def top_provinces(limit: int = 8) -> list[str]:
    """The provinces with most documents, counting their cities' and districts'."""
    counts: dict[str, int] = {}
    regions = Region.objects.annotate(documents=Count("document")).filter(documents__gt=0)
    for region in regions.select_related("parent__parent"):
        for node in region.lineage():
            if node.level == Region.Level.PROVINCE:
                counts[node.name] = counts.get(node.name, 0) + region.documents
    return sorted(counts, key=lambda name: (-counts[name], name))[:limit]


def close_names(name: str, limit: int = 5) -> list[str]:
    """Known region names like ``name``: those containing it or contained in it
    (浙江 → 浙江省), then those spelled alike."""
    known = region_names()
    overlapping = [n for n in known if name and (name in n or n in name)]
    alike = difflib.get_close_matches(name, known, n=limit, cutoff=0.5)
    return list(dict.fromkeys(overlapping + alike))[:limit]


def compare(query: str, names: list[str]) -> Comparison:
    """Compare the regions called ``names`` (each known to ``find_region``) on
    the clauses ``query`` finds; an empty query compares all their clauses."""
    parsed = read_query(query)
    needles = [word for term in parsed.positive_terms for word in term.text.split()]
    # 非政策工具 is no instrument: its clauses are counted apart, not compared.
    categories = list(Category.objects.instruments())
    columns = []
    for name in names:
        region = find_region(name)
        if region is None:
            raise ValueError(f"unknown region {name!r}")
        columns.append(_column(parsed, needles, region, query, categories))
    return Comparison(
        query=query,
        columns=columns,
        groups=_groups(query, categories, columns),
        notes=parsed.notes,
    )


def _column(parsed, needles, region: RegionChoice, query: str, categories) -> RegionColumn:
    """One region's numbers and examples, from one faceted query (plus one per
    category whose first hit lies beyond the window)."""
    sqs = build_queryset(parsed, region.filters).facet("category").facet("document")
    window = list(sqs[:EXAMPLE_WINDOW])
    facets = sqs.facet_counts().get("fields", {})
    # A hit without a category is no row.
    by_category = {int(v): n for v, n in facets.get("category", []) if v not in (None, "")}
    structural = by_category.pop(STRUCTURAL, 0)
    documents = [v for v, n in facets.get("document", []) if v not in (None, "")]
    # The best examples are instruments; a purpose or entry-into-force article
    # says nothing of how a region acts.
    best = [int(hit.pk) for hit in window if not _structural(hit)][:BEST_HITS]
    # A category filter only adds the same score to every hit (or keeps the date
    # order), so a category's first hit in the region's ranking is the first
    # hit of the region and category searched together.
    first_of = {}
    for hit in window:
        for value in hit.category or []:
            if int(value) != STRUCTURAL:
                first_of.setdefault(int(value), int(hit.pk))
    for pk in by_category:
        if pk not in first_of:
            filters = Filters(**{region.param: region.value}, category=pk)
            first_of[pk] = int(build_queryset(parsed, filters)[0].pk)
    clauses = {c.pk: c for c in load_clauses([*best, *first_of.values()])}

    def hit(pk):
        return Hit(clauses[pk], highlight(clauses[pk].text, needles))

    return RegionColumn(
        region=region,
        clause_count=sqs.count(),
        structural_count=structural,
        structural_url=region.search_url(query, STRUCTURAL),
        document_count=len(documents),
        url=region.search_url(query),
        category_counts=by_category,
        best=[hit(pk) for pk in best if pk in clauses],
        examples=[
            Example(category, hit(first_of[category.pk]))
            for category in categories
            if first_of.get(category.pk) in clauses
        ],
    )


def _structural(hit) -> bool:
    return any(int(value) == STRUCTURAL for value in hit.category or [])


def _groups(query: str, categories, columns: list[RegionColumn]) -> list[GroupRows]:
    """The category table: a row per category under its group, a cell per region."""

    def share(n, column):
        return 100 * n / column.instrument_count if column.instrument_count else 0.0

    # Bars are scaled so the largest share fills its cell: shares of 14 categories
    # are small, and what the eye compares is their pattern across regions.
    widest = max(
        (share(n, column) for column in columns for n in column.category_counts.values()),
        default=0,
    )

    def cell(column, category):
        n = column.category_counts.get(category.pk, 0)
        bar = 100 * share(n, column) / widest if widest else 0.0
        return Cell(n, share(n, column), bar, column.region.search_url(query, category.pk))

    groups = []
    for group, label in Category.Group.choices:
        members = [category for category in categories if category.group == group]
        rows = [CategoryRow(cat, [cell(column, cat) for column in columns]) for cat in members]
        # The search has no group filter: a group's total is a number, not a link.
        totals = []
        for column in columns:
            n = sum(column.category_counts.get(category.pk, 0) for category in members)
            totals.append(Cell(n, share(n, column)))
        groups.append(GroupRows(label, totals, rows))
    return groups
