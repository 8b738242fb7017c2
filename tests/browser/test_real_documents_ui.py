"""Real policy files as published, uploaded through the admin as an operator
does (issue 22): a State Council regulation printed as a PDF with its order
above it, and a Guangzhou notice saved from the city's site. Each document
page shows the title, 文号, issuer, dates, region and 效力 the file gives."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from policybase.catalog.models import Document

from .test_admin_ui import PASSWORD, log_in

pytestmark = pytest.mark.browser

GOV = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "gov" / "files"
ORDER = GOV / "g03_sc_labor_contract_law_regulation_order535.pdf"
NOTICE = GOV / "g13_gz_destitute_support_notice.html"


def meta(page) -> dict[str, str]:
    """The document page's metadata table, label → text."""
    rows = page.locator("table.meta tr")
    return {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text()
        for i in range(rows.count())
    }


@pytest.mark.skipif(not GOV.exists(), reason="needs ../shared/corpus/gov")
def test_uploaded_government_files_read_right_on_their_pages(page, index_restored):
    operator = User.objects.create_user("operator", password=PASSWORD, is_staff=True)
    operator.groups.add(Group.objects.get(name="operator"))
    log_in(page, "operator")
    page.goto("/admin/ingest/ingestjob/upload/")
    page.locator("input[type=file]").set_input_files([str(ORDER), str(NOTICE)])
    page.get_by_role("button", name="上传并入库").click()
    expect(page.locator("ul.messagelist")).to_contain_text("2")

    regulation = Document.objects.get(title="中华人民共和国劳动合同法实施条例")
    page.goto(regulation.get_absolute_url())
    expect(page.locator("h1")).to_have_text("中华人民共和国劳动合同法实施条例")
    shown = meta(page)
    assert shown["发文机关"] == "国务院"
    assert shown["文号"] == "国务院令第535号"
    assert shown["地区"].startswith("全国")
    assert (shown["发布日期"], shown["施行日期"]) == ("2008-09-18", "2008-09-18")
    assert shown["效力"] == "现行有效"
    # The order's own sentence is there to quote; its signature is no clause.
    expect(page.locator("ol.clauses")).to_contain_text("现予公布，自公布之日起施行")
    expect(page.locator("ol.clauses")).not_to_contain_text("总理温家宝")

    notice = Document.objects.get(
        title="广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知"
    )
    page.goto(notice.get_absolute_url())
    shown = meta(page)
    assert shown["发文机关"] == "广州市人民政府办公厅"
    assert shown["文号"] == "穗府办规〔2021〕7号"
    assert shown["地区"].startswith("广东省 › 广州市")
    assert (shown["发布日期"], shown["施行日期"]) == ("2021-04-13", "2021-04-16")
    # 自印发之日起施行，有效期5年: lapsed five years after the colophon's 印发 date.
    assert shown["有效期至"] == "2026-04-15"
    assert shown["效力"] == ("已失效" if dt.date.today() > dt.date(2026, 4, 15) else "现行有效")
    clauses = page.locator("ol.clauses")
    expect(clauses).to_contain_text("特困人员基本生活标准按本市最低生活保障标准的1.6倍")
    for colophon in ("公开方式", "2021年4月16日印发", "各区人民政府，市政府各部门"):
        expect(clauses).not_to_contain_text(colophon)
