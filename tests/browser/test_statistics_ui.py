"""The statistics page in a real browser: Chart.js draws every chart, with the
numbers of the table under it, and a table's numbers lead to the same count on
the search page."""

import pytest
from playwright.sync_api import expect

from .pages import follow, params, shown_count

pytestmark = pytest.mark.browser

# True once Chart.js has drawn on every chart canvas: each has a chart and some
# pixel that is not transparent.
ALL_CHARTS_DRAWN = """() => {
  const canvases = [...document.querySelectorAll('.chart canvas')];
  return canvases.length > 0 && canvases.every(canvas => {
    if (!window.Chart.getChart(canvas)) return false;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]) return true;
    return false;
  });
}"""

# Each bar of a chart as [label, value of each dataset].
CHART_BARS = """id => {
  const chart = window.Chart.getChart(id);
  return chart.data.labels.map(
    (label, i) => [String(label), ...chart.data.datasets.map(set => String(set.data[i]))]);
}"""


def table_rows(page, table_id: str, columns: int) -> list[list[str]]:
    rows = page.locator(f"#{table_id} tbody tr")
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()[:columns]]
        for row in rows.all()
    ]


def test_charts_are_drawn_with_the_numbers_of_their_tables(page):
    page.goto("/")
    follow(page, page.get_by_role("banner").get_by_role("link", name="统计"))
    charts = page.locator(".chart canvas")
    expect(charts).to_have_count(4)
    page.wait_for_function(ALL_CHARTS_DRAWN)
    for chart in charts.all():
        expect(chart).to_be_visible()

    # Documents by year: year, with full text, known only from a table of contents.
    bars = page.evaluate(CHART_BARS, "chart-documents")
    assert bars and bars == table_rows(page, "table-documents", 3)
    # Issuers: the table lists rank, name and count.
    issuers = page.evaluate(CHART_BARS, "chart-issuers")
    assert [row[1:] for row in table_rows(page, "table-issuers", 3)] == issuers


def test_a_region_total_leads_to_as_many_clauses_on_the_search_page(page):
    page.goto("/stats/")
    beijing = page.locator(
        "#table-by-region tbody tr", has=page.get_by_role("rowheader", name="北京市")
    )
    total = beijing.locator("td.total a")
    count = int(total.inner_text())
    follow(page, total)
    assert params(page)["province"] == ["北京市"]
    # The statistics count instrument clauses; the search also finds the
    # 非政策工具 ones, in a facet section of their own.
    structural = page.locator("section.facet-category h3", has_text="非政策工具")
    left_out = int(structural.locator(".count").inner_text()) if structural.count() else 0
    assert shown_count(page) - left_out == count > 0


def test_province_filter_redraws_the_region_chart_for_its_cities_and_districts(page):
    page.goto("/stats/")
    page.get_by_label("省份").select_option("北京市")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(lambda url: "province=" in url)
    page.wait_for_function(ALL_CHARTS_DRAWN)
    labels = [bar[0] for bar in page.evaluate(CHART_BARS, "chart-by-region")]
    rows = [row[0] for row in table_rows(page, "table-by-region", 1)]
    assert labels == rows
    assert "朝阳区" in rows
    assert all(row.startswith("北京市") or row.endswith("区") for row in rows), rows
