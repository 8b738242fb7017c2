"""Links to policies in a list page or a feed: pure functions of the text.

They never raise on content: a broken page or feed yields the links that
could be read, possibly none.
"""

import io
import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup

# What the readers take, and .shtml, the suffix of many government article
# pages (https://www.example.gov.cn/zwgk/2024-01/22/content_123.shtml).
POLICY_SUFFIXES = (".pdf", ".docx", ".doc", ".html", ".htm", ".shtml", ".txt", ".md")
# Entry links worth following: the entry's page and attached files.
FEED_RELS = {"alternate", "enclosure"}


def page_links(html: bytes, base_url: str) -> list[str]:
    """Every http(s) link of an HTML page, absolute, in page order, once."""
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    if base:
        base_url = _join(base_url, base["href"]) or base_url
    return _absolute((anchor["href"] for anchor in soup.find_all("a", href=True)), base_url)


def feed_links(feed: bytes, base_url: str) -> list[str]:
    """The page and enclosure links of every entry of an RSS or Atom feed."""
    # A stream, never bytes or str: feedparser.parse opens a str that looks
    # like a URL, and bytes that name a local file.
    parsed = feedparser.parse(io.BytesIO(feed), response_headers={"content-location": base_url})
    hrefs = (
        link.get("href", "")
        for entry in parsed.entries
        for link in entry.get("links", [])
        if link.get("rel", "alternate") in FEED_RELS
    )
    return _absolute(hrefs, base_url)


def select_links(urls: list[str], site_url: str, pattern: str, files_only: bool) -> list[str]:
    """The ``urls`` of the same site as ``site_url`` (other than itself) that
    match ``pattern``, or, without a pattern and with ``files_only``, whose
    path names a policy file."""
    matches = re.compile(pattern).search if pattern else None
    site = _site(site_url)
    chosen = []
    for url in urls:
        if url == site_url or _site(url) != site:
            continue
        if matches:
            if not matches(url):
                continue
        elif files_only and not urlsplit(url).path.lower().endswith(POLICY_SUFFIXES):
            continue
        chosen.append(url)
    return chosen


def _site(url: str) -> str:
    # http and https, www.example.gov.cn and example.gov.cn are one site.
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _absolute(hrefs: Iterable[str], base_url: str) -> list[str]:
    found = {}
    for href in hrefs:
        url = _join(base_url, href)
        if url and urlsplit(url).scheme in ("http", "https"):
            found.setdefault(url, None)
    return list(found)


def _join(base_url: str, href: str) -> str | None:
    try:
        url, _fragment = urldefrag(urljoin(base_url, href.strip()))
    except ValueError:  # a malformed host such as "http://[::1"
        return None
    return url
