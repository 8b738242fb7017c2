"""Tidy URLs and plain answers, on seeds 002 and 004: the form's URL without
its empty fields, group=documents, a page past the end, the feed's self
link, the favicon."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from .conftest import api

ATOM = "{http://www.w3.org/2005/Atom}"
# What a browser without JavaScript sends for the search box: every field.
FORM_AS_SUBMITTED = {
    "q": "数据安全",
    "scope": "text",
    "sort": "relevance",
    "standing": "",
    "group": "",
    "date_from": "",
    "date_to": "",
    "effective_from": "",
    "effective_to": "",
}


def test_group_documents_is_a_synonym_of_document(corpus, client):
    spelled = client.get("/", {"q": "数据安全", "group": "documents"})
    assert spelled.status_code == 200
    page = spelled.content.decode()
    canonical = client.get("/", {"q": "数据安全", "group": "document"}).content.decode()
    summary = re.compile(r"共 <strong>\d+</strong> 份文件、\d+ 条匹配条款")
    assert summary.search(page).group() == summary.search(canonical).group()
    # The select shows the choice, so submitting the form again keeps it.
    assert '<option value="document" selected>按文件</option>' in page
    assert client.get("/api/search", {"q": "数据安全", "group": "documents"}).status_code == 200
    assert client.get("/", {"q": "数据安全", "group": "piles"}).status_code == 400


def test_an_api_page_past_the_end_is_a_404_that_names_the_last_page(corpus, client):
    first = api(client, q="数据安全")
    last = first["num_pages"]
    assert last > 1
    assert api(client, q="数据安全", page=last)["results"]
    response = client.get("/api/search", {"q": "数据安全", "page": last + 1})
    assert response.status_code == 404
    assert response.json() == {
        "error": f"没有第 {last + 1} 页：共 {last} 页",
        "count": first["count"],
        "num_pages": last,
    }
    # No hits: page 1 is the empty answer, page 2 is past it.
    assert api(client, q="没有这个词语组合")["count"] == 0
    assert client.get("/api/search", {"q": "没有这个词语组合", "page": 2}).status_code == 404


def test_a_page_past_the_end_says_so_and_links_the_last_page(corpus, client):
    last = api(client, q="数据安全")["num_pages"]
    response = client.get("/", {"q": "数据安全", "page": 999})
    assert response.status_code == 404
    page = response.content.decode()
    link = re.search(r'没有第 999 页：这次检索共 (\d+) 页。<a href="\?([^"]+)">', page)
    assert int(link.group(1)) == last
    target = client.get(f"/?{link.group(2).replace('&amp;', '&')}")
    assert target.status_code == 200
    assert f'aria-current="page">{last}<' in target.content.decode()
    # Grouped by document, the pages are pages of documents.
    grouped = client.get("/", {"q": "数据安全", "group": "document", "page": last})
    assert grouped.status_code == 404
    empty = client.get("/", {"q": "没有这个词语组合", "page": 2})
    assert empty.status_code == 404 and "这次检索没有结果" in empty.content.decode()


def test_the_form_without_javascript_still_works_and_its_links_drop_the_empty_fields(
    corpus, client
):
    response = client.get("/", FORM_AS_SUBMITTED)
    assert response.status_code == 200
    page = response.content.decode()
    tidy = client.get("/", {"q": "数据安全"}).content.decode()
    count = re.compile(r"共 <strong>(\d+)</strong> 条条款")
    assert count.search(page).group(1) == count.search(tidy).group(1)
    facet_links = re.findall(r'<a href="\?([^"]*)">[^<]+</a> <span class="count">', page)
    assert facet_links
    for link in facet_links:
        params = parse_qs(link.replace("&amp;", "&"), keep_blank_values=True)
        assert all(value != [""] for value in params.values()), link


def test_the_search_form_s_defaults_are_marked_for_its_script(corpus, client):
    page = client.get("/").content.decode()
    assert '<select name="scope" aria-label="检索范围" data-default="text">' in page
    assert '<select name="sort" data-default="relevance">' in page
    assert 'src="/static/js/search-form.js"' in page
    assert client.get("/static/js/search-form.js").status_code == 200


def test_the_feed_s_self_link_carries_the_query(corpus, client):
    response = client.get("/feed/", {"q": "数据安全", "province": "北京市", "page": "2"})
    root = ET.fromstring(response.content)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    own = urlsplit(links["self"])
    assert own.path == "/feed/"
    assert parse_qs(own.query) == {"q": ["数据安全"], "province": ["北京市"]}
    # Read back, the self link is the same feed.
    again = ET.fromstring(client.get(f"/feed/?{own.query}").content)
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == [
        e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")
    ]


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(corpus, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = b"".join(response.streaming_content)
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    svg = re.search(r'<link rel="icon" href="([^"]+\.svg)"', page).group(1)
    assert client.get(svg).status_code == 200
