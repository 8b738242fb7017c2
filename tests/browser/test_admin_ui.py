"""The curators' admin in a real browser: the review queue, fixing a clause's
category one by one and in bulk, publishing and withdrawing documents,
reverting a change from its history, and who may do what. Every edit reaches
the public search as soon as it is saved."""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from policybase.catalog.models import Clause, Document

from .pages import follow, query, shown_count

pytestmark = pytest.mark.browser

PASSWORD = "审核-pw-2024"
CLAUSE_QUEUE = "待复核的条款"
DOCUMENT_QUEUE = "待审核的文件"
# Only the 人脸识别 draft (seed 002) speaks of face recognition.
FACE_RECOGNITION = "人脸识别"


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username: str) -> None:
    """Through the admin's login form, landing on the admin index."""
    page.goto("/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/")


@pytest.fixture
def curator_page(page, index_restored):
    """A browser logged in as a curator, on the admin index."""
    staff("curator", "curator")
    log_in(page, "curator")
    return page


def queue_row(page, label: str):
    return page.locator("#review-queue tr").filter(has=page.get_by_role("link", name=label))


def queue_count(page, label: str) -> int:
    """The count the admin index gives a queue whose label starts with ``label``."""
    return int(queue_row(page, label).locator(".count").inner_text())


def open_queue(page, label: str) -> None:
    follow(page, queue_row(page, label).get_by_role("link"))


def listed(page) -> int:
    """How many objects an admin list holds, on all its pages."""
    return int(re.search(r"(\d+) [^\d\s]", page.locator("p.paginator").inner_text()).group(1))


def run_action(page, action: str, rows: int, message: str) -> list[int]:
    """Tick the first ``rows`` rows of an admin list, run ``action`` on them
    and wait for its report; the ids of the rows."""
    boxes = page.locator("#changelist-form input.action-select")
    ids = [int(boxes.nth(i).get_attribute("value")) for i in range(rows)]
    for i in range(rows):
        boxes.nth(i).check()
    page.get_by_label("动作").select_option(label=action)
    page.get_by_role("button", name="执行").click()
    expect(page.locator("ul.messagelist .success")).to_have_text(message)
    return ids


def category_counts(page) -> dict[str, int]:
    """The public search page's 政策工具 facet: clauses per category."""
    page.goto("/")
    options = page.locator(".facet-category li .option")
    names = options.get_by_role("link").all_inner_texts()
    counts = options.locator(".count").all_inner_texts()
    return dict(zip(names, map(int, counts), strict=True))


def found(page, text: str, **params) -> int:
    """The count a public search for ``text`` announces (clauses, or documents
    for a title search)."""
    page.goto("/?" + urlencode({"q": text, **params}))
    return shown_count(page)


def test_review_queue_on_the_admin_index_opens_the_flagged_clauses(curator_page):
    page = curator_page
    flagged = queue_count(page, CLAUSE_QUEUE)
    assert flagged == Clause.objects.filter(needs_review=True).count() > 0
    assert queue_count(page, DOCUMENT_QUEUE) == Document.objects.count()
    open_queue(page, CLAUSE_QUEUE)
    assert listed(page) == flagged
    review = page.locator("#result_list tbody td.field-needs_review img")
    expect(review).to_have_count(min(flagged, 100))
    assert set(review.evaluate_all("icons => icons.map(icon => icon.alt)")) == {"True"}


def test_a_category_fixed_on_the_clause_page_reaches_the_search_facets(curator_page):
    page = curator_page
    before = category_counts(page)
    page.go_back()
    open_queue(page, CLAUSE_QUEUE)
    follow(page, page.locator("#result_list tbody th a").first)
    category = page.get_by_label("政策工具")
    old = category.locator("option:checked").inner_text()
    new = "宣传推广与需求引导" if old != "宣传推广与需求引导" else "示范应用"
    category.select_option(label=new)
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist .success")).to_contain_text("成功修改")
    expect(page.locator(".field-category_source .readonly")).to_have_text("审核员")
    expect(page.get_by_label("待复核", exact=True)).not_to_be_checked()
    after = category_counts(page)
    assert after[new] == before[new] + 1
    assert after[old] == before[old] - 1
    follow(page, page.locator(".facet-category").get_by_role("link", name=new))
    assert query(page.url)["category"]
    assert shown_count(page) == after[new]


def test_confirming_categories_in_bulk_empties_the_queue_by_as_many(curator_page):
    page = curator_page
    flagged = queue_count(page, CLAUSE_QUEUE)
    open_queue(page, CLAUSE_QUEUE)
    ids = run_action(page, "确认类别（标记为已复核）", 3, "3 条条款已确认。")
    assert listed(page) == flagged - 3
    page.goto("/admin/")
    assert queue_count(page, CLAUSE_QUEUE) == flagged - 3
    confirmed = Clause.objects.filter(pk__in=ids, needs_review=False, category_source="curator")
    assert confirmed.count() == 3


def test_setting_a_category_in_bulk_moves_the_clauses_between_facets(curator_page):
    page = curator_page
    flagged = queue_count(page, CLAUSE_QUEUE)
    before = category_counts(page)
    page.go_back()
    open_queue(page, CLAUSE_QUEUE)
    target = "公私合作"
    old = page.locator("#result_list tbody td.field-category").all_inner_texts()[:4]
    page.locator(".actions select[name=category]").select_option(label=target)
    run_action(page, "设置类别（在上方选择政策工具）", 4, "4 条条款已设为新类别。")
    page.goto("/admin/")
    assert queue_count(page, CLAUSE_QUEUE) == flagged - 4
    after = category_counts(page)
    moved = sum(name != target for name in old)
    assert moved, old
    assert after[target] == before[target] + moved
    for name in set(old) - {target}:
        assert after[name] == before[name] - old.count(name)


def test_publishing_and_withdrawing_documents_from_the_review_queue(
    curator_page, browser, live_url
):
    page = curator_page
    # The draft to be withdrawn has a clause waiting for review (the model's
    # doubt on the sample varies with its training; the queue is what counts).
    draft = Clause.objects.filter(document__title__contains=FACE_RECOGNITION)
    first = draft.exclude(category=14).order_by("pk").first()
    Clause.objects.filter(pk=first.pk).update(needs_review=True)
    page.goto("/admin/")
    waiting = queue_count(page, DOCUMENT_QUEUE)
    flagged = queue_count(page, CLAUSE_QUEUE)
    open_queue(page, DOCUMENT_QUEUE)
    run_action(page, "发布", 3, "3 份文件已发布。")
    assert listed(page) == waiting - 3

    analyst = browser.new_context(base_url=live_url)
    public = analyst.new_page()
    assert found(public, FACE_RECOGNITION) > 0
    link = public.locator(".hits h3 a").first.get_attribute("href")
    document = int(re.search(r"/documents/(\d+)/", link).group(1))

    page.locator("#searchbar").fill(FACE_RECOGNITION)
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#changelist-form input.action-select")).to_have_count(1)
    [withdrawn] = run_action(page, "撤回（分析人员将看不到）", 1, "1 份文件已撤回。")
    assert withdrawn == document

    assert found(public, FACE_RECOGNITION) == 0
    assert public.goto(f"/documents/{document}/").status == 404
    analyst.close()

    page.goto("/admin/")
    assert queue_count(page, DOCUMENT_QUEUE) == waiting - 4
    # The withdrawn draft's flagged clauses leave the clause queue, and its list.
    gone = Clause.objects.filter(document=document, needs_review=True).count()
    assert gone
    assert queue_count(page, CLAUSE_QUEUE) == flagged - gone
    open_queue(page, CLAUSE_QUEUE)
    assert listed(page) == flagged - gone


def test_a_title_change_is_reverted_from_the_history(curator_page):
    page = curator_page
    document = Document.objects.get(title__startswith="广州市新型智慧城市建设规划")
    new_title = "鹦鹉螺养护办法"
    page.goto(f"/admin/catalog/document/{document.pk}/change/")
    page.locator("#id_title").fill(new_title)
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist .success")).to_contain_text(new_title)
    change_form = page.url
    # A title search lists documents.
    assert found(page, new_title, scope="title") == 1
    assert found(page, document.title, scope="title") == 0

    page.goto(change_form)
    follow(page, page.locator("a.historylink"))
    versions = page.locator("#change-history tbody tr")
    expect(versions.first).to_contain_text(new_title)
    expect(versions.first).to_contain_text("curator")
    follow(page, versions.nth(1).get_by_role("link").first)
    expect(page.locator("#id_title")).to_have_value(document.title)
    page.get_by_role("button", name="还原").click()
    expect(page.locator("ul.messagelist .success")).to_contain_text(document.title)
    assert found(page, document.title, scope="title") == 1
    assert found(page, new_title, scope="title") == 0


def test_the_admin_asks_for_a_login_and_operators_only_view_documents(page, live_url):
    page.goto("/admin/")
    assert urlsplit(page.url).path == "/admin/login/"
    expect(page.get_by_label("用户名")).to_be_visible()

    staff("operator", "operator")
    log_in(page, "operator")
    expect(page.locator("#review-queue")).to_have_count(0)
    follow(page, page.get_by_role("link", name="入库任务", exact=True))
    expect(page.locator("#content h1")).to_contain_text("入库任务")

    page.goto("/admin/catalog/document/")
    assert listed(page) == Document.objects.count()
    expect(page.locator("select[name=action]")).to_have_count(0)
    follow(page, page.locator("#result_list tbody th a").first)
    expect(page.locator("#content h1")).to_have_text("查看 政策文件")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("#id_title")).to_have_count(0)
