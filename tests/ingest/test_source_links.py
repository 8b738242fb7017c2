"""Policy links found in list pages and feeds: pure functions, no server."""

import pytest

from ingest.sources.links import feed_links, page_links, select_links

SITE = "https://www.example.gov.cn/zhengce/index.html"


def test_page_links_are_absolute_unique_and_in_page_order():
    html = """<html><body>
      <a href="/zhengce/content/2024-01/22/content_1.shtml#top">通知一</a>
      <a href="content_2.htm">通知二</a>
      <a href="/zhengce/content/2024-01/22/content_1.shtml">通知一（重复）</a>
      <a href="javascript:void(0)">打印</a>
      <a href="mailto:office@example.gov.cn">来信</a>
      <a href="http://[::1">坏链接</a>
      <a>没有地址</a>
      <a href=" /files/附件.pdf ">附件</a>
    </body></html>""".encode()
    assert page_links(html, SITE) == [
        "https://www.example.gov.cn/zhengce/content/2024-01/22/content_1.shtml",
        "https://www.example.gov.cn/zhengce/content_2.htm",
        "https://www.example.gov.cn/files/附件.pdf",
    ]


def test_page_links_honour_the_base_element():
    html = b'<html><head><base href="/wjk/"></head><body><a href="a.pdf">a</a></body></html>'
    assert page_links(html, SITE) == ["https://www.example.gov.cn/wjk/a.pdf"]


def test_page_links_of_something_that_is_no_page_are_none():
    assert page_links(b"\x00\xff\xfe not html at all", SITE) == []


RSS = """<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>政策文件</title><link>https://www.example.gov.cn/</link>
  <item><title>关于推进数据要素发展的意见</title>
    <link>https://www.example.gov.cn/zhengce/content_3.html</link>
    <enclosure url="https://www.example.gov.cn/files/意见.pdf" type="application/pdf" length="1"/>
  </item>
  <item><title>没有链接的条目</title></item>
</channel></rss>""".encode("gb2312")

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>政策</title><id>x</id><updated>2024-01-01T00:00:00Z</updated>
  <entry><title>办法</title><id>1</id><updated>2024-01-01T00:00:00Z</updated>
    <link rel="alternate" href="../zhengce/content_4.html"/>
    <link rel="related" href="/about.html"/>
    <link rel="enclosure" href="/files/办法.docx"/>
  </entry>
</feed>""".encode()


@pytest.mark.parametrize(
    "feed, expected",
    [
        (
            RSS,
            [
                "https://www.example.gov.cn/zhengce/content_3.html",
                "https://www.example.gov.cn/files/意见.pdf",
            ],
        ),
        (
            ATOM,
            [
                "https://www.example.gov.cn/zhengce/content_4.html",
                "https://www.example.gov.cn/files/办法.docx",
            ],
        ),
    ],
    ids=["rss-gb2312", "atom-relative"],
)
def test_feed_links_are_entry_pages_and_enclosures(feed, expected):
    assert feed_links(feed, "https://www.example.gov.cn/feeds/policies.xml") == expected


def test_a_feed_that_is_broken_gives_what_it_can_and_a_path_is_never_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)
    # feedparser opens bytes that name a file: the feed's body must not be taken for one.
    assert feed_links(str(secret).encode(), SITE) == []
    assert feed_links(b"<rss><channel><item><link>/a.pdf</link>", SITE) == [
        "https://www.example.gov.cn/a.pdf"
    ]


LINKS = [
    "https://www.example.gov.cn/zhengce/content_1.shtml",
    "http://example.gov.cn/files/通知.PDF",
    "https://www.example.gov.cn/files/附件1.doc",
    "https://www.example.gov.cn/zhengce/",
    "https://www.example.gov.cn/zhengce/index.html",
    "https://other.gov.cn/files/外站.pdf",
    "https://www.example.gov.cn/download.jsp?id=7",
]


def test_without_a_pattern_a_page_follows_policy_files_of_its_own_site():
    assert select_links(LINKS, SITE, "", files_only=True) == [
        "https://www.example.gov.cn/zhengce/content_1.shtml",
        "http://example.gov.cn/files/通知.PDF",
        "https://www.example.gov.cn/files/附件1.doc",
    ]


def test_without_a_pattern_a_feed_follows_every_entry_of_its_own_site():
    assert select_links(LINKS, SITE, "", files_only=False) == [
        "https://www.example.gov.cn/zhengce/content_1.shtml",
        "http://example.gov.cn/files/通知.PDF",
        "https://www.example.gov.cn/files/附件1.doc",
        "https://www.example.gov.cn/zhengce/",
        "https://www.example.gov.cn/download.jsp?id=7",
    ]


def test_a_pattern_decides_but_never_lets_another_site_in():
    assert select_links(LINKS, SITE, r"download\.jsp|外站", files_only=True) == [
        "https://www.example.gov.cn/download.jsp?id=7",
    ]
