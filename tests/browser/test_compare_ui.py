"""The compare page in a real browser: two regions ticked, one query, their
clauses side by side, and each region's count the search page's count."""

import pytest
from playwright.sync_api import expect

from .pages import follow, params, query, shown_count

pytestmark = pytest.mark.browser


def test_two_regions_side_by_side_with_the_search_pages_counts(page):
    page.goto("/")
    follow(page, page.get_by_role("banner").get_by_role("link", name="对比"))
    page.get_by_role("searchbox", name="检索词").fill("数据安全")
    page.get_by_role("checkbox", name="北京市").check()
    page.get_by_role("checkbox", name="浙江省").check()
    page.get_by_role("button", name="对比").click()
    page.wait_for_url(lambda url: "region" in query(url))
    assert sorted(params(page)["region"]) == ["北京市", "浙江省"]

    columns = page.locator(".compare-region")
    expect(columns).to_have_count(2)
    beijing, zhejiang = (page.get_by_role("region", name=name) for name in ("北京市", "浙江省"))
    left, right = sorted((beijing.bounding_box(), zhejiang.bounding_box()), key=lambda b: b["x"])
    assert left["y"] == right["y"] and left["x"] + left["width"] <= right["x"]
    headers = page.locator(".compare-table thead th.region").all_inner_texts()
    assert sorted(headers) == ["北京市", "浙江省"]
    expect(beijing.locator(".best mark").first).to_be_visible()

    heading = beijing.get_by_role("heading", name="北京市").get_by_role("link")
    count = int(beijing.locator(".summary").inner_text().split()[0])
    follow(page, heading)
    assert params(page)["province"] == ["北京市"]
    assert shown_count(page) == count > 0
