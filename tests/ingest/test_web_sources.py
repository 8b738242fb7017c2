"""Web sources against a real HTTP server on the loopback: a policy list page
and an Atom feed linking to the sample corpus, a generated PDF, a page that
moved and a link that is gone."""

import contextlib
import csv
import hashlib
import io
import os
import shutil
import socket
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from celery.exceptions import Retry
from django.core.management import CommandError, call_command
from django.utils import timezone

from ingest.models import IngestJob, WebSource
from ingest.sources.fetch import FILE_TYPES, FetchError, Response, fetch, new_client
from ingest.sources.run import file_name
from ingest.tasks import fetch_sources
from policybase.catalog.models import Clause, Document

from ..conftest import seed_path
from .test_readers import ARTICLE_ONE, ARTICLE_THREE, ARTICLE_TWO, write_policy_pdf

NEWSLETTER = "002_newsletter_dashuju_dongtai_2023_32.txt"
COMPILATION = "003_compilation_data_asset_policies_2024.txt"
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"
PDF_NAME = "公共数据授权运营管理办法.pdf"
POLICY_PAGE = "数据交易场所管理办法.html"

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".xml": "application/atom+xml",
    ".png": "image/png",
}
# Paths that answer with a status of their own instead of a file.
REDIRECTS = {
    "/download/7": f"/files/{quote(PDF_NAME)}",
    "/loop": "/loop",
}
BUSY = "/files/busy.pdf"

LIST_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政策文件_某市人民政府</title></head><body>
<nav><a href="/">首页</a> <a href="/about.html">关于我们</a></nav>
<ul class="list">
  <li><a href="../files/{NEWSLETTER}">大数据发展动态 2023 第32期</a></li>
  <li><a href="/files/{COMPILATION}">数据资产政策宝典</a></li>
  <li><a href="/files/{WEBPAGE}#top">数据要素×三年行动计划</a></li>
  <li><a href="/download/7">某市公共数据授权运营管理办法（PDF）</a></li>
  <li><a href="/files/已撤回的通知.pdf">已撤回的通知</a></li>
  <li><a href="http://other.invalid/files/外站文件.pdf">外站的文件</a></li>
</ul></body></html>
"""

CLAUSES = [
    "第一条 为了规范数据交易场所运营，培育数据经纪人，促进数据要素流通，根据有关法律法规，制定本办法。",
    "第二条 本办法适用于本市行政区域内数据交易场所的设立、运营及其监督管理。",
    "第三条 数据交易场所应当建立数据经纪人登记制度，对数据经纪人实行分类管理。",
    "第四条 本办法自2024年3月1日起施行。",
]
POLICY_HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>某市数据交易场所管理办法</title>'
    "</head><body><nav>首页 &gt; 政策文件</nav><article><h1>某市数据交易场所管理办法</h1>"
    + "".join(f"<p>{clause}</p>" for clause in CLAUSES)
    + "</article></body></html>"
)


def atom(*entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>某市人民政府 政策文件</title>'
        "<id>tag:example.gov.cn,2024:zhengce</id><updated>2024-03-01T00:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    )


def entry(number: int, title: str, *links: str) -> str:
    return (
        f"<entry><title>{title}</title><id>tag:example.gov.cn,2024:{number}</id>"
        f"<updated>2024-03-01T00:00:00Z</updated>{''.join(links)}</entry>"
    )


FEED = atom(
    entry(
        1, "某市数据交易场所管理办法", f'<link rel="alternate" href="../policies/{POLICY_PAGE}"/>'
    ),
    entry(
        2,
        "某市公共数据授权运营管理办法",
        f'<link rel="enclosure" type="application/pdf" href="/files/{PDF_NAME}"/>',
        # Not a policy: related links are not followed.
        '<link rel="related" href="/about.html"/>',
    ),
)


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the site folder with ETag and Last-Modified (feeds/ without an
    ETag, so that If-Modified-Since is what answers 304 there)."""

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        self.server.requests.append((path, dict(self.headers)))
        if path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[path])
            self.end_headers()
            return
        if path == BUSY:
            self.send_error(503)
            return
        file = self.server.root / path.lstrip("/")
        if not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        etag = "" if path.startswith("/feeds/") else f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        modified = formatdate(file.stat().st_mtime, usegmt=True)
        asked_etag = self.headers.get("If-None-Match")
        if (etag and asked_etag == etag) or (
            not asked_etag and self.headers.get("If-Modified-Since") == modified
        ):
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", TYPES[file.suffix])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", modified)
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Site:
    def __init__(self, root: Path):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
        self.server.root = root
        self.server.requests = []
        self.root = root

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    @property
    def requests(self) -> list[tuple[str, dict]]:
        return self.server.requests

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "files").mkdir(parents=True)
    for name in (NEWSLETTER, COMPILATION, WEBPAGE):
        shutil.copy(seed_path(name), root / "files" / name)
    write_policy_pdf(
        root / "files" / PDF_NAME,
        # Two pages, so that the running header is recognised as one.
        [
            [("某市公共数据授权运营管理办法", False), (ARTICLE_ONE, False)],
            [(ARTICLE_TWO, False), (ARTICLE_THREE, False)],
        ],
    )
    (root / "zhengce").mkdir()
    (root / "zhengce" / "index.html").write_text(LIST_PAGE, encoding="utf-8")
    (root / "policies").mkdir()
    (root / "policies" / POLICY_PAGE).write_text(POLICY_HTML, encoding="utf-8")
    (root / "feeds").mkdir()
    (root / "feeds" / "policies.xml").write_text(FEED, encoding="utf-8")
    (root / "about.html").write_text("<html><body>关于我们</body></html>", encoding="utf-8")

    site = Site(root)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()
    thread.join()


@pytest.fixture
def sources_dir(data_dir):
    """Where sources keep their files: the test data dir's, emptied after each
    test (the next test's sources may get the same ids)."""
    folder = data_dir / "sources"
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def crawl(search_index, media_dir, sources_dir):
    """A database and index whose commits happen, so that queued jobs run."""


def page_source(site, **fields) -> WebSource:
    return WebSource.objects.create(
        name="某市政策文件",
        url=site.url("/zhengce/index.html"),
        link_pattern=r"/(files|download)/",
        **fields,
    )


def found_documents(client, query: str) -> set[int]:
    """The documents of every clause the search API finds (its CSV export, not one page)."""
    response = client.get("/api/search", {"q": query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    clause_ids = [row[0] for row in rows[1:]]
    return set(Clause.objects.filter(pk__in=clause_ids).values_list("document_id", flat=True))


def fetch_command(*args) -> list[str]:
    out = io.StringIO()
    # The command exits with 1 when a source failed; the lines are what matter here.
    with contextlib.suppress(SystemExit):
        call_command("fetch_sources", *args, stdout=out)
    return out.getvalue().splitlines()


def test_a_list_page_brings_in_its_new_files_searchable_and_the_rest_on_record(
    crawl, site, client, sources_dir, sample_copy
):
    call_command("ingest", sample_copy(WEBPAGE), stdout=io.StringIO())
    ingested = set(Document.objects.values_list("pk", flat=True))
    source = page_source(site)

    (line,) = fetch_command()

    source.refresh_from_db()
    assert line.startswith(f"#{source.pk} 某市政策文件：部分链接失败。")
    assert source.last_status == WebSource.Status.PARTIAL
    # The nav links and the other site's file do not match; #top is dropped.
    assert "符合规则的链接 5 个" in source.last_message
    assert "新文件 3 个" in source.last_message
    assert "已入库过 1 个" in source.last_message
    assert f"{site.url('/files/已撤回的通知.pdf')}（HTTP 404）" in source.last_message
    assert source.files_found == 3
    assert source.etag and source.last_modified and source.last_checked

    jobs = IngestJob.objects.filter(source__contains="/sources/")
    assert {job.state for job in jobs} == {IngestJob.State.DONE}
    kept = {Path(job.source) for job in jobs}
    # Under DATA_DIR/sources/<id>/<date>/, named as the site names them; the
    # PDF by the address it was redirected to.
    day = (sources_dir / str(source.pk) / timezone.localdate().isoformat()).resolve()
    assert kept == {day / NEWSLETTER, day / COMPILATION, day / PDF_NAME}
    assert (day / PDF_NAME).read_bytes() == (site.root / "files" / PDF_NAME).read_bytes()
    assert not (day / WEBPAGE).exists()

    names = set(Document.objects.exclude(pk__in=ingested).values_list("source_name", flat=True))
    assert names == {NEWSLETTER, COMPILATION, PDF_NAME}
    pdf_document = Document.objects.get(source_name=PDF_NAME)
    assert pdf_document.title == "某市公共数据授权运营管理办法"
    assert pdf_document.pk in found_documents(client, "授权运营")
    face_recognition = found_documents(client, "人脸识别")
    assert face_recognition and face_recognition.isdisjoint(ingested)

    assert "/about.html" not in site.paths()
    assert all(headers["User-Agent"].startswith("PolicyBase/") for _, headers in site.requests)

    # Nothing changed on the site: the page answers 304 and nothing else is fetched.
    before = len(site.requests)
    (line,) = fetch_command()
    source.refresh_from_db()
    assert site.paths()[before:] == ["/zhengce/index.html"]
    assert site.requests[before][1]["If-None-Match"] == source.etag
    assert source.last_status == WebSource.Status.NOT_MODIFIED
    assert "未更新" in line and "HTTP 304" in source.last_message
    assert source.files_found == 3
    assert IngestJob.objects.count() == 4


def test_a_feed_follows_entries_and_enclosures_and_asks_if_modified_since(crawl, site, client):
    source = WebSource.objects.create(
        name="某市政策订阅", url=site.url("/feeds/policies.xml"), kind=WebSource.Kind.FEED
    )

    fetch_command("--source", str(source.pk))

    source.refresh_from_db()
    assert source.last_status == WebSource.Status.OK, source.last_message
    assert source.files_found == 2
    assert source.etag == "" and source.last_modified
    assert {Path(job.source).name for job in IngestJob.objects.all()} == {POLICY_PAGE, PDF_NAME}
    assert "/about.html" not in site.paths()
    page = Document.objects.get(source_name=POLICY_PAGE)
    assert page.title == "某市数据交易场所管理办法"
    assert page.clauses.count() == len(CLAUSES)
    assert found_documents(client, "数据经纪人") == {page.pk}

    before = len(site.requests)
    fetch_command("--source", str(source.pk))
    source.refresh_from_db()
    assert site.requests[before][1]["If-Modified-Since"] == source.last_modified
    assert source.last_status == WebSource.Status.NOT_MODIFIED
    assert len(site.requests) == before + 1

    # A new entry whose file, under another address, is the PDF taken in already.
    feed = site.root / "feeds" / "policies.xml"
    feed.write_text(
        FEED.replace("</feed>", entry(3, "转载", '<link href="/download/7"/>') + "</feed>"),
        encoding="utf-8",
    )
    later = feed.stat().st_mtime + 60
    os.utime(feed, (later, later))
    fetch_command("--source", str(source.pk))
    source.refresh_from_db()
    assert source.last_status == WebSource.Status.OK
    assert "新文件 0 个，已入库过 3 个" in source.last_message
    assert IngestJob.objects.count() == 2
    assert source.files_found == 2


def test_a_link_that_fails_for_now_is_tried_again_at_the_next_check(crawl, site):
    index = site.root / "zhengce" / "index.html"
    index.write_text(
        f'<a href="/files/{PDF_NAME}">办法</a><a href="{BUSY}">暂时打不开</a>', encoding="utf-8"
    )
    source = page_source(site)

    fetch_command()
    source.refresh_from_db()
    assert source.last_status == WebSource.Status.PARTIAL
    assert "HTTP 503" in source.last_message
    # No validators: a 304 would hide the busy link until the page changes.
    assert source.etag == "" and source.last_modified == ""

    before = len(site.requests)
    fetch_command()
    source.refresh_from_db()
    assert site.paths()[before:] == ["/zhengce/index.html", f"/files/{PDF_NAME}", BUSY]
    assert "If-None-Match" not in site.requests[before][1]
    assert "新文件 0 个，已入库过 1 个" in source.last_message
    assert IngestJob.objects.count() == 1


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_task_records_each_failure_goes_on_and_retries_the_unreachable_alone(crawl, site):
    down = WebSource.objects.create(
        name="打不开的网站", url=f"http://127.0.0.1:{closed_port()}/zhengce/"
    )
    feed = WebSource.objects.create(
        name="某市政策订阅", url=site.url("/feeds/policies.xml"), kind=WebSource.Kind.FEED
    )
    wrong_kind = WebSource.objects.create(name="订阅当作网页", url=site.url("/feeds/policies.xml"))
    WebSource.objects.create(name="停用的", url=site.url("/zhengce/index.html"), enabled=False)

    # Run as a worker runs it, not eagerly: the retry is scheduled with its wait.
    fetch_sources.push_request(id="from-beat", called_directly=False, retries=0)
    try:
        with pytest.raises(Retry) as retry:
            fetch_sources.run()
    finally:
        fetch_sources.pop_request()
    assert retry.value.sig.kwargs == {"source_ids": [down.pk]}
    assert retry.value.when == 300

    for source in (down, feed, wrong_kind):
        source.refresh_from_db()
    assert down.last_status == WebSource.Status.FAILED
    assert down.last_message.startswith("无法获取来源：网络错误")
    assert wrong_kind.last_status == WebSource.Status.FAILED
    assert "内容类型 application/atom+xml 不是所需的类型" in wrong_kind.last_message
    assert feed.last_status == WebSource.Status.OK and feed.files_found == 2
    assert WebSource.objects.get(name="停用的").last_checked is None
    assert "/zhengce/index.html" not in site.paths()

    # Run in-process (no broker), a check is not repeated at once.
    lines = fetch_sources.delay(source_ids=[down.pk]).get()
    assert lines == [
        f"#{down.pk} 打不开的网站：失败。{WebSource.objects.get(pk=down.pk).last_message}"
    ]


def test_the_command_names_sources_that_do_not_exist(db):
    WebSource.objects.create(name="某市", url="https://www.example.gov.cn/zhengce/")
    with pytest.raises(CommandError, match="没有这些编号的网页来源：998 999"):
        call_command("fetch_sources", "--source", "999", "--source", "998")
    assert WebSource.objects.get().last_checked is None


def test_fetch_now_in_the_admin_runs_the_selected_sources(crawl, site, admin_client):
    source = WebSource.objects.create(
        name="某市政策订阅",
        url=site.url("/feeds/policies.xml"),
        kind=WebSource.Kind.FEED,
        enabled=False,
    )
    other = page_source(site)

    response = admin_client.post(
        "/admin/ingest/websource/",
        {"action": "fetch_now", "_selected_action": [source.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "已抓取 1 个来源：正常 1 个。" in page
    source.refresh_from_db()
    other.refresh_from_db()
    assert source.files_found == 2 and other.last_checked is None
    # The list shows how the check went.
    assert "新文件 2 个" in page and "尚未抓取" in page


def test_the_admin_refuses_a_link_pattern_that_is_no_regex(db, admin_client):
    response = admin_client.post(
        "/admin/ingest/websource/add/",
        {
            "name": "某市",
            "url": "https://www.example.gov.cn/zhengce/",
            "kind": "page",
            "link_pattern": "(/content/",
            "max_links": 20,
        },
    )
    assert response.status_code == 200
    assert "不是有效的正则表达式" in response.content.decode()
    assert not WebSource.objects.exists()


def test_fetch_follows_few_redirects_and_refuses_wrong_types_and_large_files(site):
    (site.root / "files" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with new_client() as client:
        moved = fetch(client, site.url("/download/7"), FILE_TYPES, 1 << 20)
        assert moved.url == site.url(f"/files/{quote(PDF_NAME)}")
        assert moved.content_type == "application/pdf"
        assert moved.body.startswith(b"%PDF")
        with pytest.raises(FetchError, match="重定向超过 5 次") as loop:
            fetch(client, site.url("/loop"), FILE_TYPES, 1 << 20)
        assert not loop.value.transient
        with pytest.raises(FetchError, match="image/png") as image:
            fetch(client, site.url("/files/chart.png"), FILE_TYPES, 1 << 20)
        assert not image.value.transient
        with pytest.raises(FetchError, match="超过") as large:
            fetch(client, site.url(f"/files/{COMPILATION}"), FILE_TYPES, 100_000)
        assert not large.value.transient
        with pytest.raises(FetchError, match="HTTP 503") as busy:
            fetch(client, site.url(BUSY), FILE_TYPES, 1 << 20)
        assert busy.value.transient
    # The first request and five redirects, then it stopped.
    assert site.paths().count("/loop") == 6


@pytest.mark.parametrize(
    "url, content_type, filename, body, expected",
    [
        (
            "http://x.gov.cn/files/%E5%8A%9E%E6%B3%95.pdf",
            "application/pdf",
            "",
            b"%PDF",
            "办法.pdf",
        ),
        ("http://x.gov.cn/art/content_1.shtml", "text/html", "", b"<html>", "content_1.shtml.html"),
        ("http://x.gov.cn/art/content_1.htm", "text/html", "", b"<html>", "content_1.htm"),
        ("http://x.gov.cn/zhengce/", "text/html", "", b"<html>", "zhengce.html"),
        ("http://x.gov.cn/", "text/html", "", b"<html>", "index.html"),
        (
            "http://x.gov.cn/down.jsp?id=7",
            "application/octet-stream",
            "通知.docx",
            b"PK",
            "通知.docx",
        ),
        (
            "http://x.gov.cn/down.jsp?id=7",
            "application/octet-stream",
            "",
            b"%PDF-1.7",
            "down.jsp.pdf",
        ),
        ("http://x.gov.cn/a/../../etc/passwd", "text/plain", "", b"x", "passwd.txt"),
    ],
)
def test_file_names_are_safe_and_carry_the_served_type(url, content_type, filename, body, expected):
    response = Response(url, 200, content_type, body, filename=filename)
    assert file_name(response) == expected


def test_a_file_served_as_bytes_of_an_unknown_kind_is_refused():
    response = Response(
        "http://x.gov.cn/down.jsp?id=8", 200, "application/octet-stream", b"\xd0\xcf"
    )
    with pytest.raises(FetchError, match="无法判断文件类型"):
        file_name(response)
