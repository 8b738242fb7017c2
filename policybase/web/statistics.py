"""The numbers of the statistics page (统计), straight from the database.

Each function takes a ``Scope`` (the page's filters) and returns plain lists
and dicts that go unchanged into the page's JSON for the charts and into its
tables, so a chart and the table under it can never disagree.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from policybase.catalog.models import STRUCTURAL, Category, Clause, Document, Issuer, Region

# Rows of the region chart besides 国家; more bars would not be readable.
TOP_REGIONS = 15
TOP_ISSUERS = 15


@dataclass(frozen=True)
class Scope:
    """Which documents count: those of a province (its cities and districts
    included) published between two dates; every part optional."""

    province: Region | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def documents_q(self, prefix: str = "") -> Q:
        """The scope as a filter on documents, or on what ``prefix`` leads to them."""
        q = Q()
        if self.province is not None:
            # The parent chain below a province is at most city → district.
            q &= (
                Q(**{f"{prefix}region": self.province})
                | Q(**{f"{prefix}region__parent": self.province})
                | Q(**{f"{prefix}region__parent__parent": self.province})
            )
        if self.date_from:
            q &= Q(**{f"{prefix}publish_date__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{prefix}publish_date__lte": self.date_to})
        return q

    def search_params(self) -> dict[str, str]:
        """The scope as parameters of the search page."""
        params = {}
        if self.province is not None:
            params["province"] = self.province.name
        if self.date_from:
            params["date_from"] = self.date_from.isoformat()
        if self.date_to:
            params["date_to"] = self.date_to.isoformat()
        return params

    def year_params(self, first: int, last: int | None = None) -> dict[str, str]:
        """Search parameters for publish years ``first`` to ``last`` (or just
        ``first``), kept inside the scope's dates; undated documents fall outside."""
        start = max(dt.date(first, 1, 1), self.date_from or dt.date.min)
        end = min(dt.date(last or first, 12, 31), self.date_to or dt.date.max)
        return {"date_from": start.isoformat(), "date_to": end.isoformat()}


def categories() -> list[dict]:
    """The 14 policy instruments: 非政策工具 is no instrument and in no mix."""
    return [
        {"id": c.pk, "name": c.name, "group": c.group}
        for c in Category.objects.instruments().order_by("pk")
    ]


def groups(category_list: list[dict]) -> list[dict]:
    """The three instrument groups with the positions of their categories in ``category_list``."""
    return [
        {
            "id": value,
            "name": label,
            "members": [i for i, c in enumerate(category_list) if c["group"] == value],
        }
        for value, label in Category.Group.choices
    ]


def _classified(scope: Scope):
    return Clause.objects.filter(scope.documents_q("document__"), category__isnull=False).exclude(
        document__review_state=Document.ReviewState.WITHDRAWN
    )


def _clauses(scope: Scope):
    """The clauses the instrument statistics count: classified, no 非政策工具."""
    return _classified(scope).exclude(category=STRUCTURAL)


def structural_left_out(scope: Scope) -> int:
    """How many 非政策工具 clauses (purpose, scope, entry into force…) the
    statistics leave out."""
    return _classified(scope).filter(category=STRUCTURAL).count()


def _documents(scope: Scope):
    return Document.objects.visible().filter(scope.documents_q())


def _bucket(region_id: int, regions: dict[int, Region], scope: Scope) -> tuple[str, dict]:
    """The bar a region's clauses go to, as (label, search parameters): its
    province, or 国家; inside a province scope, its city (or, in a
    municipality, its district), or the province's own level."""
    chain, node = [], regions[region_id]
    while node is not None:
        chain.append(node)
        node = regions.get(node.parent_id)
    chain.reverse()
    top = chain[0]
    if scope.province is None:
        if top.level == Region.Level.NATIONAL:
            return Region.Level.NATIONAL.label, {"level": Region.Level.NATIONAL.value}
        return top.name, {"province": top.name}
    if len(chain) == 1:
        return f"{top.name}本级", {"province": top.name, "level": Region.Level.PROVINCE.value}
    below = chain[1]
    return below.name, {"province": top.name, below.level: below.name}


def category_by_region(scope: Scope, limit: int = TOP_REGIONS) -> dict:
    """Clauses per category for each province (and 国家), or for each city of
    the scope's province; the ``limit`` largest, and how many clauses have no region."""
    category_ids = [c["id"] for c in categories()]
    regions = {r.pk: r for r in Region.objects.all()}
    rows: dict[str, dict] = {}
    unplaced = 0
    counts = (
        _clauses(scope)
        .values_list("document__region", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    for region_id, category_id, n in counts:
        if region_id is None:
            unplaced += n
            continue
        label, params = _bucket(region_id, regions, scope)
        row = rows.setdefault(
            label, {"label": label, "search": params, "counts": [0] * len(category_ids)}
        )
        row["counts"][category_ids.index(category_id)] += n
    for row in rows.values():
        row["total"] = sum(row["counts"])
    # 国家 and a province's own level lead; the others by size.
    first = [row for row in rows.values() if "level" in row["search"]]
    others = sorted(
        (row for row in rows.values() if "level" not in row["search"]),
        key=lambda row: (-row["total"], row["label"]),
    )
    return {"rows": first + others[:limit], "unplaced": unplaced, "left_out": len(others[limit:])}


def category_by_year(scope: Scope) -> dict:
    """Clauses per category for each publish year, oldest first; and how many are undated."""
    category_ids = [c["id"] for c in categories()]
    rows: dict[int, list[int]] = {}
    undated = 0
    counts = (
        _clauses(scope)
        .values_list("document__publish_date__year", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    for year, category_id, n in counts:
        if year is None:
            undated += n
            continue
        rows.setdefault(year, [0] * len(category_ids))[category_ids.index(category_id)] += n
    return {
        "rows": [
            {"year": year, "counts": rows[year], "total": sum(rows[year])} for year in sorted(rows)
        ],
        "undated": undated,
    }


def documents_by_year(scope: Scope) -> dict:
    """Documents per publish year, with full text or known only from a table
    of contents; and how many have no publish date."""
    rows: dict[int, dict] = {}
    undated = 0
    counts = (
        _documents(scope)
        .values_list("publish_date__year", "has_full_text")
        .annotate(n=Count("id"))
        .order_by()
    )
    for year, full_text, n in counts:
        if year is None:
            undated += n
            continue
        row = rows.setdefault(year, {"year": year, "full_text": 0, "toc_only": 0})
        row["full_text" if full_text else "toc_only"] += n
    for row in rows.values():
        row["total"] = row["full_text"] + row["toc_only"]
    return {"rows": [rows[year] for year in sorted(rows)], "undated": undated}


def top_issuers(scope: Scope, limit: int = TOP_ISSUERS) -> list[dict]:
    """The issuers of the most documents, most first."""
    issuers = (
        Issuer.objects.annotate(
            n=Count("document", filter=scope.documents_q("document__"), distinct=True)
        )
        .filter(n__gt=0)
        .order_by("-n", "name")[:limit]
    )
    return [{"name": issuer.name, "documents": issuer.n} for issuer in issuers]


def statistics(scope: Scope) -> dict:
    """Everything the page shows, as the JSON its charts read."""
    category_list = categories()
    return {
        "categories": category_list,
        "groups": groups(category_list),
        "by_region": category_by_region(scope),
        "by_year": category_by_year(scope),
        "documents_by_year": documents_by_year(scope),
        "issuers": top_issuers(scope),
        "structural_left_out": structural_left_out(scope),
    }


def search_url(params: dict) -> str:
    return f"{reverse('search')}?{urlencode(params)}"


def _cell(count: int, params: dict) -> dict:
    # A zero leads nowhere worth a click.
    return {"count": count, "url": search_url(params) if count else None}


def tables(data: dict, scope: Scope) -> dict:
    """The numbers of ``data`` as table rows, categories in their groups, whose
    counts link to the search page filtered to the clauses or documents they count."""
    base = scope.search_params()
    category_list = data["categories"]
    order = [i for group in data["groups"] for i in group["members"]]
    by_region = [
        {
            "label": row["label"],
            "cells": [
                _cell(
                    row["counts"][i], {**base, **row["search"], "category": category_list[i]["id"]}
                )
                for i in order
            ],
            "total": _cell(row["total"], {**base, **row["search"]}),
        }
        for row in data["by_region"]["rows"]
    ]
    year_rows = data["by_year"]["rows"]
    # The totals column counts the dated clauses only, so its links span the years shown.
    all_years = (
        {**base, **scope.year_params(year_rows[0]["year"], year_rows[-1]["year"])}
        if year_rows
        else base
    )

    def year_cells(i: int) -> list[dict]:
        category = {"category": category_list[i]["id"]}
        return [
            _cell(row["counts"][i], {**base, **scope.year_params(row["year"]), **category})
            for row in year_rows
        ] + [_cell(sum(row["counts"][i] for row in year_rows), {**all_years, **category})]

    by_year = [
        {
            "name": group["name"],
            "subtotals": [sum(row["counts"][i] for i in group["members"]) for row in year_rows]
            + [sum(row["counts"][i] for row in year_rows for i in group["members"])],
            "members": [
                {"label": category_list[i]["name"], "cells": year_cells(i)}
                for i in group["members"]
            ],
        }
        for group in data["groups"]
    ]
    return {
        "column_groups": [
            {"name": group["name"], "span": len(group["members"])} for group in data["groups"]
        ],
        "columns": [category_list[i]["name"] for i in order],
        "by_region": by_region,
        "years": [row["year"] for row in year_rows],
        "by_year": by_year,
        "year_totals": [
            _cell(row["total"], {**base, **scope.year_params(row["year"])}) for row in year_rows
        ]
        + [_cell(sum(row["total"] for row in year_rows), all_years)],
        "documents_by_year": [
            {
                **row,
                "url": search_url({**base, **scope.year_params(row["year"]), "group": "document"}),
            }
            for row in data["documents_by_year"]["rows"]
        ],
        "issuers": [
            {**row, "url": search_url({**base, "issuer": row["name"], "group": "document"})}
            for row in data["issuers"]
        ],
    }
