"""Reading and driving the site's pages the way a user does; shared by the
browser tests."""

from urllib.parse import parse_qs, urlsplit


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def params(page) -> dict[str, list[str]]:
    return query(page.url)


def search(page, text: str) -> None:
    """Type ``text`` into the search box and press Enter."""
    box = page.get_by_role("searchbox", name="检索词")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(lambda url: query(url).get("q") == [text])


def shown_count(page) -> int:
    """The number of matching clauses the search page announces."""
    return int(page.locator(".summary strong").inner_text())


def follow(page, link) -> None:
    """Click a link and wait until the page it points to has loaded."""
    target = link.evaluate("link => link.href")  # absolute, encoded as the browser will
    link.click()
    page.wait_for_url(lambda url: url == target)
