"""The search page in a real browser: what an analyst types and clicks, on the
sample corpus served by a live server."""

import csv
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from policybase.web.exports import TABLE_HEADER

from .pages import follow, params, query, search, shown_count

pytestmark = pytest.mark.browser

# The user agent's own <mark> background; the site's stylesheet sets another.
DEFAULT_MARK_BACKGROUND = "rgb(255, 255, 0)"
# The notice of seed 004, as printed there or folded to simplified characters.
X_PLAN_NUMBERS = {"國數政策〔2023〕11号", "国数政策〔2023〕11号"}


def facet_option(page, group: str, label: str):
    """One option (link and count) of a facet group in the sidebar."""
    link = page.get_by_role("link", name=label, exact=True)
    return page.locator(f".facet-{group} .option", has=link)


def test_search_shows_count_and_highlighted_hits_in_the_sites_style(page):
    page.goto("/")
    search(page, "数据安全")
    assert params(page)["q"] == ["数据安全"]
    assert shown_count(page) > 0
    marks = page.locator(".hits .text mark")
    expect(marks.first).to_be_visible()
    assert {text.strip() for text in marks.all_inner_texts()} <= {"数据安全", "數據安全"}
    # The stylesheet was served and applied: hits are marked in its colour.
    background = marks.first.evaluate("mark => getComputedStyle(mark).backgroundColor")
    assert background not in (DEFAULT_MARK_BACKGROUND, "rgba(0, 0, 0, 0)")
    assert page.locator("body").evaluate(
        "body => getComputedStyle(body).getPropertyValue('--mark').trim()"
    )


def test_traditional_query_finds_as_many_clauses_as_simplified(page):
    page.goto("/")
    search(page, "数据要素")
    simplified = shown_count(page)
    search(page, "數據要素")
    assert params(page)["q"] == ["數據要素"]
    assert shown_count(page) == simplified > 0


def test_province_facet_filters_and_clicking_it_again_clears(page):
    page.goto("/?q=数据安全")
    total = shown_count(page)
    beijing = facet_option(page, "region", "北京市")
    expected = int(beijing.locator(".count").inner_text())
    assert 0 < expected < total

    follow(page, beijing.get_by_role("link"))
    assert params(page)["province"] == ["北京市"]
    assert params(page)["q"] == ["数据安全"]
    assert shown_count(page) == expected
    hits = page.locator(".hits > .hit")
    regions = page.locator(".hits > .hit .chip.region").all_inner_texts()
    assert len(regions) == hits.count() > 0
    assert all(region.startswith("北京") for region in regions), regions
    expect(page.locator(".active-filters")).to_contain_text("北京市")

    # The chosen option is marked; clicking it takes the filter off.
    chosen = page.locator(".facet-region li.active > .option a")
    expect(chosen).to_have_accessible_name(re.compile(r"^北京市\s*×$"))
    follow(page, chosen)
    assert "province" not in params(page)
    assert shown_count(page) == total


def test_date_range_form_narrows_to_the_publish_dates(page):
    page.goto("/?q=数据安全")
    total = shown_count(page)
    in_2023 = int(facet_option(page, "year", "2023").locator(".count").inner_text())
    assert 0 < in_2023 < total

    page.get_by_text("日期范围").click()
    published = page.get_by_role("group", name="发布日期")
    published.get_by_label("自").fill("2023-01-01")
    published.get_by_label("至").fill("2023-12-31")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(lambda url: "date_from" in query(url))
    assert params(page)["date_from"] == ["2023-01-01"]
    assert params(page)["date_to"] == ["2023-12-31"]
    assert shown_count(page) == in_2023
    dates = page.locator('.hits .chip.date[title="发布日期"]').all_inner_texts()
    assert dates and all(date.startswith("2023-") for date in dates), dates


def test_hit_opens_its_document_at_the_clause(page):
    page.goto("/")
    # 电子病历 is written 電子病曆 in seed 004, deep in the plan.
    search(page, "电子病历")
    hit = page.locator(".hits > .hit").filter(
        has=page.locator(".chip.doc-number", has_text="政策〔2023〕11号")
    )
    link = hit.locator("h3 a")
    anchor = urlsplit(link.get_attribute("href")).fragment
    assert re.fullmatch(r"c\d+", anchor)

    follow(page, link)
    clause = page.locator(":target")
    expect(clause).to_have_attribute("id", anchor)
    expect(clause).to_be_in_viewport()
    expect(clause).to_contain_text("電子病曆")
    number = page.locator("table.meta tr", has=page.locator("th", has_text="文号")).locator("td")
    assert number.inner_text().strip() in X_PLAN_NUMBERS


def test_cite_on_a_hit_copies_its_source_and_links_to_it(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    search(page, "电子病历")
    hit = page.locator(".hits > .hit").filter(
        has=page.locator(".chip.doc-number", has_text="政策〔2023〕11号")
    )
    hit.locator("button.cite").click()
    expect(hit.locator("button.cite")).to_have_text("已复制")
    quoted, link = page.evaluate("navigator.clipboard.readText()").rsplit("\n", 1)
    assert quoted.startswith("《“數據要素×”三年行動計劃")
    assert "（國數政策〔2023〕11号）第三部分第（十一）项：" in quoted
    assert "電子病曆" in quoted
    assert urlsplit(link).path + "#" + urlsplit(link).fragment == hit.locator("h3 a").get_attribute(
        "href"
    )


def test_csv_export_downloads_every_hit(page):
    page.goto("/?q=数据安全")
    count = shown_count(page)
    on_page = {
        urlsplit(href).fragment.removeprefix("c")
        for href in page.locator(".hits > .hit h3 a").evaluate_all(
            "links => links.map(link => link.getAttribute('href'))"
        )
    }

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        header, *rows = csv.reader(file)
    assert header == TABLE_HEADER
    assert len(rows) == count > len(on_page) > 0
    assert on_page <= {row[0] for row in rows}


@pytest.mark.parametrize("text", ['"', "<script>alert(1)</script>"])
def test_odd_query_shows_a_page_and_runs_no_script(page, text):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/")
    with page.expect_response(lambda response: response.request.is_navigation_request()) as answer:
        search(page, text)
    assert answer.value.status < 500
    expect(page.get_by_role("searchbox", name="检索词")).to_have_value(text)
    expect(page.locator(".summary, .errors")).not_to_have_count(0)
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert dialogs == []


def test_facets_are_folded_under_one_toggle_on_a_narrow_screen(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?q=数据安全")
    beijing = facet_option(page, "region", "北京市")
    expect(beijing).to_be_hidden()
    # The hits come first, without scrolling past the facets.
    expect(page.locator(".hits .hit").first).to_be_in_viewport()

    page.get_by_text("筛选", exact=True).click()
    expect(beijing).to_be_visible()
    follow(page, beijing.get_by_role("link"))
    assert params(page)["province"] == ["北京市"]
    # Folded again on the next page, saying how many filters are on.
    expect(beijing).to_be_hidden()
    expect(page.locator(".facet-panel > summary")).to_have_text("筛选（已选 1 项）")
