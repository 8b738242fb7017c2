"""The search page offers the filter a query word names, on seeds 002 and 004."""

import re
from html import unescape
from urllib.parse import parse_qs

from .conftest import api

SUGGESTION = re.compile(
    r'<p class="suggestions">“(.+?)”也可作筛选条件：<a href="\?([^"]+)">只看(.+?)</a>（(\d+) 条）'
)


def suggestions(client, **params) -> list[tuple[str, str, str, int]]:
    html = client.get("/", params).content.decode()
    return [
        (word, unescape(query), label, int(count))
        for word, query, label, count in SUGGESTION.findall(html)
    ]


def test_a_region_word_is_offered_as_the_region_with_what_it_would_keep(client, corpus):
    [(word, query, label, count)] = suggestions(client, q="北京 数据")
    assert (word, label) == ("北京", "北京市的政策")
    # The link drops the word and sets the filter; the count is the search's.
    assert parse_qs(query) == {"q": ["数据"], "province": ["北京市"]}
    assert count == api(client, q="数据", province="北京市")["count"] > 0
    # The word's own hits are fewer: 北京市's clauses seldom say 北京.
    assert api(client, q="北京 数据")["count"] < count


def test_nothing_is_offered_for_plain_words_or_a_filter_already_set(client, corpus):
    assert suggestions(client, q="数据安全") == []
    assert suggestions(client, q="北京 数据", province="北京市") == []
    assert suggestions(client, q="-北京 数据") == []
