"""The document page in a real browser: its outline jumps to the text, beside
the text on a wide screen and folded above it on a narrow one."""

from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from .pages import follow

pytestmark = pytest.mark.browser

# Seed 004, the 「數據要素×」 plan, printed there as 國數政策〔2023〕11号.
X_PLAN = "国数政策〔2023〕11号"


def open_x_plan(page) -> None:
    page.goto("/?" + urlencode({"q": X_PLAN}))
    follow(page, page.locator(".hits > .hit h3 a").first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("三年行動計劃")


def outline_entry(page, label: str):
    outline = page.get_by_role("navigation", name="文件目录")
    return outline.get_by_role("link", name=label, exact=True)


def jump(page, link):
    """Follow an in-page link; the element it points to, now scrolled into view."""
    anchor = urlsplit(link.get_attribute("href")).fragment
    follow(page, link)
    target = page.locator(":target")
    expect(target).to_have_attribute("id", anchor)
    expect(target).to_be_in_viewport()
    return target


def test_outline_beside_the_text_jumps_to_headings_and_sections(page):
    open_x_plan(page)
    outline = page.get_by_role("navigation", name="文件目录")
    text = page.locator("article.document")
    assert outline.bounding_box()["x"] + outline.bounding_box()["width"] <= text.bounding_box()["x"]

    heading = jump(page, outline_entry(page, "(十八)加強數據安全保障"))
    expect(heading).to_have_text("(十八)加強數據安全保障")
    assert page.evaluate("window.scrollY") > 0
    # The outline stays in view beside the text it jumped to.
    expect(outline).to_be_in_viewport()

    related = jump(page, outline.get_by_role("link", name="相关文件"))
    expect(related.get_by_role("heading")).to_have_text("相关文件")


def test_outline_is_folded_above_the_text_on_a_narrow_screen(page):
    page.set_viewport_size({"width": 420, "height": 800})
    open_x_plan(page)
    entry = outline_entry(page, "(十八)加強數據安全保障")
    expect(entry).to_be_hidden()

    page.get_by_text("目录", exact=True).click()
    expect(entry).to_be_visible()
    heading = jump(page, entry)
    expect(heading).to_have_text("(十八)加強數據安全保障")


def test_the_same_plan_from_the_compilation_is_compared_with_the_web_page(page):
    # Seed 003 prints the plan as 数据要素 in simplified characters, seed 004 as
    # 數據要素 in traditional ones: one policy from two sources.
    open_x_plan(page)
    other = page.locator(".notice", has_text="同一政策的另一来源")
    expect(other).to_contain_text("003_compilation_data_asset_policies_2024.txt")
    follow(page, other.get_by_role("link", name="对比两个文本"))
    expect(page.get_by_role("heading", level=1)).to_have_text("版本对比")
    changed = page.locator(".diff-changed").first
    expect(changed.locator(".diff-kind")).to_have_text("修改")
    # What the web page adds to a clause of the compilation's text is marked, in its colour.
    added = changed.locator("ins").first
    expect(added).to_be_visible()
    assert added.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"

    with page.expect_download() as download:
        page.get_by_role("link", name="下载对照表（Word）").click()
    assert download.value.suggested_filename.endswith(".docx")


def test_cite_copies_the_citation_the_text_and_the_permalink(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_x_plan(page)
    clause = page.locator("li.clause").filter(has_text="創新研發模式").first
    button = clause.locator("button.cite")
    expect(button).to_have_text("引用")
    button.click()
    expect(button).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    citation, text_and_link = copied.split("：", 1)
    assert (
        citation
        == "《“數據要素×”三年行動計劃(2024—2026年)》（國數政策〔2023〕11号）第三部分第（四）项"
    )
    text, link = text_and_link.rsplit("\n", 1)
    assert text == clause.locator(".text").inner_text()
    anchor = clause.get_attribute("id")
    assert urlsplit(link).fragment == anchor
    page.goto(link)
    expect(page.locator(":target")).to_have_attribute("id", anchor)
