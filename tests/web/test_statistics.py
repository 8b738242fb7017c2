"""The statistics page (统计) on the real sample corpus: its numbers against
independent counts, its filters, its tables against its chart data, its links
against the search they lead to, and the vendored chart library."""

import io
import json
import shutil
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from policybase.catalog.models import STRUCTURAL, Category, Clause, Document, Issuer, Region
from policybase.web import statistics
from policybase.web.statistics import Scope

from ..conftest import SAMPLE


def _ingest_sample(tmp_dir):
    corpus = tmp_dir / "sample"
    shutil.copytree(SAMPLE, corpus)
    call_command("ingest", corpus, "--json", stdout=io.StringIO())


@pytest.fixture
def corpus(db, media_dir, tmp_path):
    """The whole sample corpus (3 seed files), stored in the database; the
    search index is not written, since nothing here commits."""
    _ingest_sample(tmp_path)
    assert Document.objects.count() > 100


def page(client, **params):
    response = client.get("/stats/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def page_data(response) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    return json.loads(soup.find("script", id="stats-data").string)


def table_rows(response, table_id) -> list[list[str]]:
    """The body rows of a table as cell texts, row header first."""
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("table", id=table_id)
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for body in table.find_all("tbody")
        for row in body.find_all("tr")
    ]


def province_of(document) -> Region | None:
    """The top of a document's region path, walked in Python (not through the query)."""
    return document.region.lineage()[0] if document.region else None


def test_documents_per_year_sum_to_the_dated_documents(corpus):
    counted = statistics.documents_by_year(Scope())
    dated = Document.objects.exclude(publish_date=None)
    assert sum(row["total"] for row in counted["rows"]) == dated.count()
    assert counted["undated"] == Document.objects.filter(publish_date=None).count() > 0
    for row in counted["rows"]:
        year = dated.filter(publish_date__year=row["year"])
        assert row["full_text"] == year.filter(has_full_text=True).count()
        assert row["toc_only"] == year.filter(has_full_text=False).count()
    # The compilation's table of contents lists documents whose full text it lacks.
    assert any(row["full_text"] and row["toc_only"] for row in counted["rows"])
    assert [row["year"] for row in counted["rows"]] == sorted(
        row["year"] for row in counted["rows"]
    )


def test_instruments_per_year_match_clause_counts(corpus):
    counted = statistics.category_by_year(Scope())
    # The 14 instruments; 非政策工具 is counted apart, never in a mix.
    categories = list(Category.objects.instruments().order_by("pk"))
    assert len(categories) == 14
    instruments = Clause.objects.exclude(category=None).exclude(category=STRUCTURAL)
    for row in counted["rows"]:
        clauses = instruments.filter(document__publish_date__year=row["year"])
        assert row["counts"] == [clauses.filter(category=c).count() for c in categories]
        assert row["total"] == clauses.count()
    undated = instruments.filter(document__publish_date=None)
    assert counted["undated"] == undated.count()
    structural = Clause.objects.filter(category=STRUCTURAL).count()
    assert statistics.structural_left_out(Scope()) == structural > 0


def test_region_rows_count_each_provinces_clauses(corpus):
    counted = statistics.category_by_region(Scope())
    rows = counted["rows"]
    categories = list(Category.objects.instruments().order_by("pk"))
    expected: dict[str, list[int]] = {}
    unplaced = 0
    clauses = Clause.objects.select_related("document__region").exclude(category=None)
    for clause in clauses.exclude(category=STRUCTURAL):
        top = province_of(clause.document)
        if top is None:
            unplaced += 1
            continue
        label = "国家" if top.level == Region.Level.NATIONAL else top.name
        expected.setdefault(label, [0] * 14)[categories.index(clause.category)] += 1
    assert rows[0]["label"] == "国家"
    assert rows[0]["search"] == {"level": "national"}
    provinces = rows[1:]
    assert len(provinces) <= statistics.TOP_REGIONS
    assert [r["total"] for r in provinces] == sorted((r["total"] for r in provinces), reverse=True)
    assert {row["label"]: row["counts"] for row in rows} == expected
    assert all(row["total"] == sum(row["counts"]) for row in rows)
    assert counted["unplaced"] == unplaced
    assert "北京市" in expected  # the newsletter and the compilation both have Beijing policies


def test_province_filter_includes_its_cities_and_districts(corpus, client):
    beijing = Region.objects.get(name="北京市", level=Region.Level.PROVINCE)
    in_beijing = [d for d in Document.objects.all() if province_of(d) == beijing]
    assert any(d.region.level == Region.Level.DISTRICT for d in in_beijing)

    data = page_data(page(client, province="北京市"))
    documents = data["documents_by_year"]
    assert sum(r["total"] for r in documents["rows"]) + documents["undated"] == len(in_beijing)
    labels = [row["label"] for row in data["by_region"]["rows"]]
    assert "朝阳区" in labels
    assert "国家" not in labels and "上海市" not in labels
    chaoyang = next(row for row in data["by_region"]["rows"] if row["label"] == "朝阳区")
    assert chaoyang["search"] == {"province": "北京市", "district": "朝阳区"}
    assert chaoyang["total"] == (
        Clause.objects.filter(document__region__name="朝阳区")
        .exclude(category=None)
        .exclude(category=STRUCTURAL)
        .count()
    )
    assert chaoyang["total"] > 0
    issuers = {row["name"] for row in data["issuers"]}
    assert "朝阳区" in issuers
    assert not any(name.startswith("上海") for name in issuers)


def test_date_filter_keeps_documents_published_in_range(corpus, client):
    data = page_data(page(client, date_from="2024-01-01", date_to="2024-12-31"))
    in_2024 = Document.objects.filter(publish_date__year=2024)
    assert [row["year"] for row in data["documents_by_year"]["rows"]] == [2024]
    assert data["documents_by_year"]["rows"][0]["total"] == in_2024.count()
    assert data["documents_by_year"]["undated"] == 0
    assert [row["year"] for row in data["by_year"]["rows"]] == [2024]


def test_top_issuers_by_number_of_documents(corpus):
    counted = statistics.top_issuers(Scope())
    assert len(counted) == statistics.TOP_ISSUERS
    for row in counted:
        assert row["documents"] == Issuer.objects.get(name=row["name"]).document_set.count()
    numbers = [row["documents"] for row in counted]
    assert numbers == sorted(numbers, reverse=True)
    most = max(issuer.document_set.count() for issuer in Issuer.objects.all())
    assert numbers[0] == most


def test_tables_carry_the_numbers_of_the_chart_data(corpus, client):
    response = page(client)
    data = page_data(response)

    region_rows = table_rows(response, "table-by-region")
    assert region_rows == [
        [row["label"], *map(str, row["counts"]), str(row["total"])]
        for row in data["by_region"]["rows"]
    ]

    year_rows = {row[0]: row[1:] for row in table_rows(response, "table-by-year")}
    for i, category in enumerate(data["categories"]):
        per_year = [row["counts"][i] for row in data["by_year"]["rows"]]
        assert year_rows[category["name"]] == [*map(str, per_year), str(sum(per_year))]
    for group in data["groups"]:
        per_year = [
            sum(row["counts"][i] for i in group["members"]) for row in data["by_year"]["rows"]
        ]
        assert year_rows[group["name"]] == [*map(str, per_year), str(sum(per_year))]

    assert table_rows(response, "table-documents") == [
        [str(row["year"]), str(row["full_text"]), str(row["toc_only"]), str(row["total"])]
        for row in data["documents_by_year"]["rows"]
    ]
    assert table_rows(response, "table-issuers") == [
        [str(rank), row["name"], str(row["documents"])]
        for rank, row in enumerate(data["issuers"], start=1)
    ]


def test_invalid_filters_answer_400_in_chinese(corpus, client):
    for params, message in [
        ({"date_from": "2024-13-01"}, "日期格式应为"),
        ({"date_to": "昨天"}, "日期格式应为"),
        ({"date_from": "2024-05-01", "date_to": "2024-01-01"}, "不能晚于"),
        ({"province": "火星"}, "没有名为“火星”的省份"),
    ]:
        response = client.get("/stats/", params)
        assert response.status_code == 400, params
        assert message in response.content.decode()
        assert b"stats-data" not in response.content


def test_range_without_documents_shows_empty_tables(corpus, client):
    response = page(client, date_to="1990-01-01")
    data = page_data(response)
    assert data["by_region"]["rows"] == data["issuers"] == data["by_year"]["rows"] == []
    assert data["documents_by_year"] == {"rows": [], "undated": 0}
    assert len(data["categories"]) == 14
    text = response.content.decode()
    assert "没有符合条件的条款" in text and "没有带发布日期的文件" in text


def static_body(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def test_chart_library_is_vendored_served_and_loaded_by_the_page(db, client):
    soup = BeautifulSoup(page(client).content, "html.parser")
    scripts = [tag["src"] for tag in soup.find_all("script", src=True)]
    assert [urlsplit(src).path for src in scripts] == [
        "/static/js/excerpts.js",  # every page's: the header's 摘编 count
        "/static/vendor/chartjs/chart.umd.min.js",
        "/static/js/statistics.js",
    ]
    library = static_body(client, scripts[1])
    assert library.startswith(b"/*!\n * Chart.js v4.")
    assert b"sourceMappingURL" not in library  # the map is not vendored
    assert b"stats-data" in static_body(client, scripts[2])
    assert static_body(client, "/static/vendor/chartjs/LICENSE.md").startswith(b"The MIT License")
    assert soup.find("nav").find("a", string="统计")["href"] == "/stats/"


@pytest.mark.slow
def test_table_counts_link_to_searches_with_the_same_count(
    search_index, tmp_path, settings, client
):
    """With the search index written (commits happen), a count's link finds as many clauses."""
    settings.MEDIA_ROOT = tmp_path / "files"
    _ingest_sample(tmp_path)
    links = []
    for params in ({}, {"province": "北京市", "date_from": "2023-06-01"}):
        soup = BeautifulSoup(page(client, **params).content, "html.parser")
        links += [
            (int(a.get_text()), a["href"])
            for table in ("table-by-region", "table-by-year")
            for a in soup.find("table", id=table).find_all("a")
        ]
    assert any("level=province" in href for _, href in links)  # 北京市本级
    assert any("level=national" in href for _, href in links)
    # Every third link, so each kind (region, 本级, category, year, total) is checked.
    # A total counts the instrument clauses; its search also finds the
    # 非政策工具 ones, which the page says it left out.
    for count, href in links[::3]:
        response = client.get("/api/search?" + urlsplit(href).query)
        assert response.status_code == 200, href
        found = response.json()
        assert found["count"] - found["facets"]["category"].get("14", 0) == count, href
