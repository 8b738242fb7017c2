"""摘编 in a real browser: clauses taken on a document page and from search
hits are kept in the browser, listed by document on their page, removed,
exported, and shared with a colleague through the page's URL."""

import pytest
from playwright.sync_api import expect

from .pages import follow, query
from .test_document_ui import open_x_plan

pytestmark = pytest.mark.browser


def take(clause) -> str:
    """Click the clause's 摘编 button; the clause's id."""
    button = clause.locator("button.excerpt")
    expect(button).to_have_text("摘编")
    button.click()
    expect(button).to_have_text("已摘编")
    expect(button).to_have_attribute("aria-pressed", "true")
    return button.get_attribute("data-clause")


def taken_ids(page) -> list[str]:
    return query(page.url)["ids"][0].split(",")


def test_clauses_taken_anywhere_are_listed_by_document_and_can_be_removed(page):
    open_x_plan(page)
    clauses = page.locator("li.clause")
    later = take(clauses.filter(has_text="創新研發模式").first)
    earlier = take(clauses.first)
    nav = page.locator("a.excerpts-link")
    expect(nav).to_have_text("摘编（2）")

    page.goto("/?q=数据安全")
    hit = page.locator(".hits > .hit").filter(has_not_text="三年行動計劃").first
    other_title = hit.locator("h3").inner_text()
    other = take(hit)
    expect(nav).to_have_text("摘编（3）")

    follow(page, nav)
    assert taken_ids(page) == [later, earlier, other]
    documents = page.locator("section.excerpt-document")
    expect(documents).to_have_count(2)
    expect(documents.nth(0).locator("h2")).to_contain_text("三年行動計劃")
    expect(documents.nth(1).locator("h2")).to_have_text(other_title)
    # The plan's clauses in the order of its text, each with its place in it.
    plan_clauses = documents.nth(0).locator("li.clause")
    expect(plan_clauses).to_have_count(2)
    expect(plan_clauses.nth(0)).to_have_attribute("id", f"c{earlier}")
    expect(plan_clauses.nth(1).locator("a.permalink")).to_have_text("第三部分第（四）项")

    follow(page, plan_clauses.nth(0).locator("a.remove"))
    assert taken_ids(page) == [later, other]
    expect(nav).to_have_text("摘编（2）")
    # The bare address opens what this browser keeps.
    page.goto("/excerpts/")
    page.wait_for_url(lambda url: query(url).get("ids") == [f"{later},{other}"])

    with page.expect_download() as download:
        page.get_by_role("link", name="Word").click()
    assert download.value.suggested_filename.endswith(".docx")


def test_a_shared_excerpt_opens_for_a_colleague_who_can_keep_it(page, browser, live_url):
    open_x_plan(page)
    clause = take(page.locator("li.clause").filter(has_text="創新研發模式").first)
    follow(page, page.locator("a.excerpts-link"))
    expect(page.locator(".notice.shared")).to_be_hidden()  # one's own
    shared = page.url

    colleague = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    try:
        colleague.goto(shared)
        expect(colleague.locator("li.clause")).to_have_count(1)
        notice = colleague.locator(".notice.shared")
        expect(notice).to_be_visible()
        expect(colleague.locator("a.excerpts-link")).to_have_text("摘编")
        notice.get_by_role("button", name="全部加入我的摘编").click()
        expect(colleague.locator("a.excerpts-link")).to_have_text("摘编（1）")
        expect(colleague.locator(".notice.shared")).to_be_hidden()
        assert colleague.evaluate("localStorage.getItem('policybase.excerpts')") == f"[{clause}]"
    finally:
        colleague.context.close()
