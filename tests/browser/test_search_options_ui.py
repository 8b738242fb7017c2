"""The search page's options in a real browser: sorting, title-only search,
results by document, the region tree, the Excel export and the Atom feed."""

import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from policybase.web.exports import TABLE_HEADER

from .pages import follow, params, query, search, shown_count

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"


def matching_clauses(page) -> int:
    """The clause count of a page that lists documents (共 N 份文件、M 条匹配条款)."""
    return int(re.search(r"(\d+) 条匹配条款", page.locator(".summary").inner_text()).group(1))


def test_sort_by_publish_date_puts_the_newest_first(page):
    page.goto("/?q=数据安全")
    page.get_by_label("排序").select_option(label="发布日期（新→旧）")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(lambda url: query(url).get("sort") == ["newest"])
    dates = page.locator('.hits .chip.date[title="发布日期"]').all_inner_texts()
    assert len(dates) > 1
    assert dates == sorted(dates, reverse=True)


def test_title_scope_lists_documents_whose_title_matches(page):
    page.goto("/")
    page.get_by_label("检索范围").select_option(label="仅标题")
    page.get_by_label("显示").select_option(label="按文件")
    search(page, "数据安全")
    assert params(page)["scope"] == ["title"]
    documents = page.locator(".hits.documents > .document-hit")
    expect(documents).to_have_count(shown_count(page))
    titles = documents.locator("h3").all_inner_texts()
    assert titles and all("数据安全" in title or "數據安全" in title for title in titles), titles
    # A title matches every clause of its document: each document shows how many.
    matches = documents.locator(".chip.matches").all_inner_texts()
    assert sum(int(text.split()[0]) for text in matches) == matching_clauses(page)


def test_results_by_document_show_each_documents_best_clauses(page):
    page.goto("/?q=数据安全")
    clauses = shown_count(page)
    page.get_by_label("显示").select_option(label="按文件")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(lambda url: query(url).get("group") == ["document"])
    assert matching_clauses(page) == clauses
    assert 0 < shown_count(page) < clauses
    for document in page.locator(".document-hit").all():
        expect(document.locator(".best mark").first).to_be_visible()


def test_region_tree_opens_a_province_to_its_districts(page):
    page.goto("/?q=数据安全")
    region = page.locator(".facet-region")
    follow(page, region.get_by_role("link", name="北京市", exact=True))
    district = region.locator("li.active ul.children .option", has_text="朝阳区")
    count = int(district.locator(".count").inner_text())
    follow(page, district.get_by_role("link"))
    assert params(page)["province"] == ["北京市"]
    assert params(page)["district"] == ["朝阳区"]
    assert shown_count(page) == count
    regions = page.locator(".hits .chip.region").all_inner_texts()
    assert regions and set(regions) == {"北京市/朝阳区"}


def test_excel_export_downloads_every_hit(page):
    page.goto("/?q=数据安全&province=北京市")
    count = shown_count(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel", exact=True).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # The download's file has no extension, and openpyxl goes by the name's.
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == TABLE_HEADER
    assert len(rows) == count > 0
    assert {row[TABLE_HEADER.index("省份")] for row in rows} == {"北京市"}


def test_feed_of_a_search_lists_its_clauses_and_links_to_them(page):
    page.goto("/?q=数据安全&province=北京市")
    count = shown_count(page)
    feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    href = feed.evaluate("link => link.href")
    assert query(href)["q"] == ["数据安全"] and query(href)["province"] == ["北京市"]

    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.body()).findall(f"{ATOM}entry")
    assert len(entries) == min(count, 20)
    clause_url = entries[0].find(f"{ATOM}link").get("href")
    page.goto(clause_url)
    expect(page.locator(":target")).to_have_attribute("id", urlsplit(clause_url).fragment)


def test_the_form_asks_only_for_what_was_set(page):
    page.goto("/")
    page.get_by_label("排序").select_option(label="发布日期（新→旧）")
    page.get_by_label("显示").select_option(label="按文件")
    search(page, "数据安全")
    assert params(page) == {"q": ["数据安全"], "sort": ["newest"], "group": ["document"]}
    # Back to the defaults: they leave the URL.
    page.get_by_label("排序").select_option(label="相关度")
    page.get_by_label("显示").select_option(label="按条款")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(lambda url: "sort" not in query(url))
    assert params(page) == {"q": ["数据安全"], "group": ["clause"]}
    # A filter set by a link rides along; empty fields and defaults do not.
    page.goto("/?q=数据安全&province=北京市&date_from=&sort=relevance")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(lambda url: "date_from" not in url)
    assert unquote(urlsplit(page.url).query) == "q=数据安全&province=北京市"


def test_the_form_works_without_javascript(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("排序").select_option(label="发布日期（新→旧）")
        search(page, "数据安全")
        # Every field comes along, the empty ones too, and the page answers as usual.
        sent = urlsplit(page.url).query
        assert "date_from=&" in sent and "sort=newest" in sent
        assert shown_count(page) > 0
    finally:
        context.close()
