"""The compare page (对比) on the whole sample corpus: its numbers against the
search API with the same filters, its links against the search they lead to,
its examples against the API's first hits, and its answers to bad input."""

import csv
import io
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from policybase.catalog.models import Category
from policybase.search.indexing import clear_index
from policybase.web import compare

from ..conftest import SAMPLE
from .conftest import api


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    """The three sample files, ingested once for the module and committed for
    real so that the search index is written (the page counts from the index);
    taken away afterwards as Django's serialized rollback does it: flush, then
    the rows the migrations made (the 14 categories) back."""
    files = tmp_path_factory.mktemp("compare")
    shutil.copytree(SAMPLE, files / "sample")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=files / "media"):
        migrated = connection.creation.serialize_db_to_string()
        clear_index()
        try:
            call_command("ingest", files / "sample", stdout=io.StringIO())
            yield
        finally:
            clear_index()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(migrated)


@pytest.fixture
def client(corpus, db, client):
    """The test client, on the corpus; each test runs in a transaction rolled back after it."""
    return client


def page(client, q="", regions=(), status=200) -> BeautifulSoup:
    response = client.get("/compare/", {"q": q, "region": list(regions)})
    assert response.status_code == status, response.content.decode()[:800]
    return BeautifulSoup(response.content, "html.parser")


def params_of(href: str) -> dict[str, str]:
    parts = urlsplit(href)
    assert parts.path == "/"
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def table(soup) -> dict:
    """The category table as {region label: {"total": (count, href), category id: (count, href or None)}}."""
    labels = [th.get_text(strip=True) for th in soup.select("table.compare-table thead th.region")]
    cells = {label: {} for label in labels}
    total_row = soup.select("table.compare-table tbody.totals tr")[0]
    for label, td in zip(labels, total_row.find_all("td"), strict=True):
        cells[label]["total"] = (int(td.a.get_text()), td.a["href"])
    for row in soup.select("table.compare-table tr[data-category]"):
        for label, td in zip(labels, row.find_all("td"), strict=True):
            link = td.find("a")
            count = int(link.get_text() if link else td.get_text(strip=True))
            cells[label][int(row["data-category"])] = (count, link["href"] if link else None)
    return cells


def clause_ids(links) -> list[int]:
    return [int(re.search(r"#c(\d+)$", a["href"]).group(1)) for a in links]


def document_count(client, **params) -> int:
    response = client.get("/api/search", {**params, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return len({row["document_id"] for row in rows})


@pytest.mark.parametrize("q", ["数据交易", ""])
def test_counts_and_links_agree_with_the_search_api(client, q):
    soup = page(client, q, ["北京市", "上海市", "浙江省", "国家"])
    cells = table(soup)
    assert list(cells) == ["北京市", "上海市", "浙江省", "国家"]
    region_params = {
        "北京市": {"province": "北京市"},
        "上海市": {"province": "上海市"},
        "浙江省": {"province": "浙江省"},
        "国家": {"level": "national"},
    }
    query = {"q": q} if q else {}
    for label, wanted in region_params.items():
        count, href = cells[label]["total"]
        assert params_of(href) == {**query, **wanted}
        assert count == api(client, **query, **wanted)["count"]
        by_category = api(client, **query, **wanted)["facets"]["category"]
        assert count > 0
        for category in Category.objects.instruments():
            count, href = cells[label][category.pk]
            assert count == by_category.get(str(category.pk), 0), (label, category.name)
            if count:
                # The link is the search of this region and category, and finds as many.
                assert params_of(href) == {**query, **wanted, "category": str(category.pk)}
                assert api(client, **params_of(href))["count"] == count
            else:
                assert href is None
    # The regions differ: the comparison is not one number four times.
    assert len({cells[label]["total"][0] for label in cells}) > 1


def test_document_counts_and_group_totals(client):
    soup = page(client, "数据", ["北京市", "浙江省"])
    summaries = [p.get_text() for p in soup.select(".compare-region .summary")]
    for name, summary in zip(["北京市", "浙江省"], summaries, strict=True):
        documents = document_count(client, q="数据", province=name)
        assert f"{documents} 份文件" in summary
    cells = table(soup)
    groups = soup.select("table.compare-table tr.group")
    assert [g.th.get_text(strip=True) for g in groups] == ["供给型", "环境型", "需求型"]
    for index, label in enumerate(["北京市", "浙江省"]):
        for group, name in zip(groups, ["supply", "environment", "demand"], strict=True):
            members = Category.objects.filter(group=name)
            total = sum(cells[label][category.pk][0] for category in members)
            assert group.find_all("td")[index].get_text().split()[0] == str(total)


@pytest.mark.parametrize("q", ["数据交易", ""])
def test_examples_are_the_searchs_first_hits(client, q):
    soup = page(client, q, ["北京市", "国家"])
    columns = soup.select(".compare-region")
    assert len(columns) == 2
    names = {category.name: category.pk for category in Category.objects.all()}
    for column, (label, region) in zip(
        columns, [("北京市", {"province": "北京市"}), ("国家", {"level": "national"})], strict=True
    ):
        # The best examples are the first hits that use an instrument: a purpose
        # or entry-into-force article (非政策工具) says nothing of how a region acts.
        results = [r for r in api(client, q=q, **region)["results"] if r["category"] != 14]
        best = column.select("ol.best > li")
        assert clause_ids(li.find("a", href=True) for li in best) == [
            r["clause_id"] for r in results[:3]
        ]
        # Each can be quoted from here, its source as the API names it.
        quotes = [li.select_one("button.cite")["data-quote"] for li in best]
        assert all(
            quote.startswith(r["citation"] + "：")
            for quote, r in zip(quotes, results[:3], strict=True)
        )
        # Marked in either script: the national plan is in traditional characters.
        assert ("<mark>" in str(best[0])) == bool(q)
        examples = column.select("details.examples li")
        for li in examples:
            category = names[li.select_one(".chip.category").get_text()]
            first = api(client, q=q, **region, category=category)["results"][0]
            assert clause_ids([li.find("a", href=True)]) == [first["clause_id"]]
        # One example per category with hits, the categories the table counts.
        counted = [pk for pk, (n, _) in table(soup)[label].items() if pk != "total" and n]
        assert len(examples) == len(counted) > 0


def test_city_and_district_regions(client):
    soup = page(client, "数据", ["杭州市", "朝阳区", "北京市"])
    cells = table(soup)
    assert list(cells) == ["杭州市（浙江省）", "朝阳区（北京市）", "北京市"]
    hangzhou, href = cells["杭州市（浙江省）"]["total"]
    assert params_of(href) == {"q": "数据", "city": "杭州市"}
    assert hangzhou == api(client, q="数据", city="杭州市")["count"] > 0
    chaoyang, href = cells["朝阳区（北京市）"]["total"]
    assert params_of(href) == {"q": "数据", "district": "朝阳区"}
    assert chaoyang == api(client, q="数据", district="朝阳区")["count"] > 0
    # A district is part of its province.
    assert chaoyang < cells["北京市"]["total"][0]
    for pk, (count, href) in cells["朝阳区（北京市）"].items():
        if pk != "total" and count:
            assert params_of(href)["district"] == "朝阳区"
            assert api(client, **params_of(href))["count"] == count


def test_empty_page_offers_regions_with_documents(client):
    soup = page(client)
    assert not soup.select("table.compare-table")
    options = [o["value"] for o in soup.select("datalist#region-names option")]
    assert options[0] == "国家"
    assert {"北京市", "浙江省", "杭州市", "朝阳区", "浦东新区"} <= set(options)
    picks = [i["value"] for i in soup.select(".quick-picks input[type=checkbox]")]
    # National first, then the provinces with most documents (浙江省 has most in the sample).
    assert picks[:2] == ["国家", "浙江省"]
    assert set(picks[1:]) <= set(options)
    # Every choice is the repeated ``region`` parameter of one plain GET form.
    form = soup.select_one("form.compare-form")
    assert form["method"] == "get"
    assert {i["name"] for i in form.select("input:not([type=search])")} == {"region"}


def test_chosen_regions_come_back_ticked_or_typed(client):
    soup = page(client, "数据", ["浙江省", "杭州市", "朝阳区"])
    ticked = [i["value"] for i in soup.select(".quick-picks input[checked]")]
    typed = [i["value"] for i in soup.select(".region-boxes input") if i.get("value")]
    assert ticked == ["浙江省"]
    assert typed == ["杭州市", "朝阳区"]
    assert soup.select_one("input[name=q]")["value"] == "数据"


@pytest.mark.parametrize(
    "regions, message",
    [
        (["北京市"], "请选择至少 2 个地区"),
        (["北京市", "北京市", " "], "请选择至少 2 个地区"),
        (["国家", "北京市", "上海市", "浙江省", "杭州市", "朝阳区", "贵州省"], "最多对比 6 个地区"),
        (["北京", "浙江省"], "没有名为“北京”的地区。您是不是要找：北京市？"),
        (["浙江省", "火星市"], "没有名为“火星市”的地区，请从列表中选择"),
    ],
)
def test_invalid_regions_answer_400_with_a_message(client, regions, message):
    soup = page(client, "数据", regions, status=400)
    assert message in soup.select_one(".errors").get_text()
    assert not soup.select("table.compare-table")


def test_an_empty_choice_is_400_and_a_long_query_too(client):
    assert client.get("/compare/", {"region": ["", ""]}).status_code == 400
    assert (
        client.get("/compare/", {"q": "数" * 501, "region": ["北京市", "国家"]}).status_code == 400
    )


def test_html_in_queries_and_names_is_escaped(client):
    attack = '<script>alert("x")</script>'
    soup_html = client.get("/compare/", {"q": f"数据 {attack}", "region": ["北京市", "国家"]})
    assert soup_html.status_code == 200
    html = soup_html.content.decode()
    assert attack not in html
    assert "&lt;script&gt;" in html
    bad = client.get("/compare/", {"region": ["北京市", f"<b>{attack}</b>"]})
    assert bad.status_code == 400
    assert "<b><script>" not in bad.content.decode()
    assert "&lt;b&gt;&lt;script&gt;" in bad.content.decode()


def test_national_aliases_and_close_names(corpus, db):
    assert compare.find_region("全国") == compare.find_region("国家")
    assert compare.find_region("国家").filters.level == "national"
    assert compare.find_region("杭州市").filters.city == "杭州市"
    assert compare.find_region("浦东新区").label == "浦东新区（上海市）"
    assert compare.close_names("浙江") == ["浙江省"]
    assert "朝阳区" in compare.close_names("朝阳")


def test_navigation_links_the_page(client):
    html = client.get("/").content.decode()
    assert '<a href="/compare/">对比</a>' in html
