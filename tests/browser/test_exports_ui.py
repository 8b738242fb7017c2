"""The files an analyst takes away, downloaded in a real browser from the
search page and from 摘编, and read back as Excel would read them: the CSV's
byte-order mark and Chinese header, the workbook's date cells, frozen
header row, filter and the sheet that names the search."""

import csv
import io
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from policybase.catalog.models import Standing
from policybase.web.exports import TABLE_HEADER

from .pages import shown_count

pytestmark = pytest.mark.browser

SEARCH = "/?q=数据安全&province=北京市"


def download(page, name: str):
    """Click the export link ``name`` of the page; the download."""
    with page.expect_download() as started:
        page.get_by_role("link", name=name, exact=True).click()
    return started.value


def test_the_csv_download_carries_its_encoding_and_the_page_s_words(page):
    page.goto(SEARCH)
    count = shown_count(page)
    file = download(page, "CSV")
    assert file.suggested_filename.startswith("政策检索-数据安全-")
    assert file.suggested_filename.endswith(".csv")
    raw = file.path().read_bytes()
    # Without the mark, Excel on a Chinese Windows reads the UTF-8 as GBK.
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    assert header == TABLE_HEADER
    assert len(rows) == count > 0
    column = {name: index for index, name in enumerate(header)}
    assert {row[column["省份"]] for row in rows} == {"北京市"}
    assert {row[column["效力"]] for row in rows} <= {*Standing.labels, "已废止", "已修改", ""}
    assert all(row[column["链接"]].startswith(page.url.split("/?")[0]) for row in rows)


def test_the_excel_download_has_dates_a_frozen_filtered_header_and_names_its_search(page):
    page.goto(SEARCH)
    count = shown_count(page)
    file = download(page, "Excel")
    assert file.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(file.path().read_bytes()))
    sheet = book["条款"]
    assert [cell.value for cell in sheet[1]] == TABLE_HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:") and sheet.max_row == count + 1
    published = TABLE_HEADER.index("发布日期") + 1
    dates = [sheet.cell(row, published) for row in range(2, sheet.max_row + 1)]
    assert any(cell.value is not None for cell in dates)
    assert all(cell.is_date for cell in dates if cell.value is not None)
    about = dict(book["检索条件"].values)
    assert about["检索词"] == "数据安全" and about["省份"] == "北京市"
    assert about["条款数"] == count
    assert urlsplit(about["检索页面"]).query == urlsplit(page.url).query


def test_the_excerpts_excel_download_names_its_selection(page):
    page.goto("/?q=数据安全")
    ids = page.locator(".hits > .hit button.excerpt").evaluate_all(
        "buttons => buttons.slice(0, 3).map(button => button.dataset.clause)"
    )
    assert len(ids) == 3
    page.goto(f"/excerpts/?ids={','.join(ids)}")
    file = download(page, "Excel")
    assert file.suggested_filename.startswith("政策条文摘编-")
    book = load_workbook(io.BytesIO(file.path().read_bytes()))
    sheet = book["条款"]
    assert sheet.freeze_panes == "A2"
    assert sorted(str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        ids
    )
    about = dict(book["检索条件"].values)
    assert about["条款数"] == 3
    assert about["摘编页面"] == page.url
