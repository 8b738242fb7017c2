"""One HTTP GET for a web source, within limits; nothing about policies.

httpx rather than urllib or requests: its timeouts are on by default and set
per phase, it follows redirects only when asked, at most ``max_redirects``
times and only to http(s) (urllib would follow one to ftp:), and it streams
the body, so the size cap stops a download early instead of after the whole
file sat in memory.
"""

from dataclasses import dataclass
from email.message import Message

import httpx

USER_AGENT = "PolicyBase/1.0 (policy knowledge base; follows links to policy files)"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_REDIRECTS = 5

# What a list page, a feed and a policy file may be served as. Servers send
# feeds as text/xml or even text/plain as often as application/rss+xml.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/atom+xml",
        "application/rss+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/plain",
    }
)
# Download links of government sites (download.jsp?id=…) often answer with a
# generic binary type; the file name or the first bytes tell what it is.
BINARY_TYPES = frozenset(
    {"application/octet-stream", "application/x-download", "application/force-download"}
)
FILE_SUFFIXES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
}
FILE_TYPES = frozenset(FILE_SUFFIXES) | BINARY_TYPES

# Server errors and "slow down" pass; a missing page does not.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """A URL that gave nothing usable; ``transient`` when trying later may help."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional request that found nothing new
    content_type: str  # the media type alone, lower case; "" for a 304
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    filename: str = ""  # from Content-Disposition, when the server named the file

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def new_client() -> httpx.Client:
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )


def fetch(
    client: httpx.Client,
    url: str,
    accept: frozenset[str],
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
) -> Response:
    """GET ``url``; raises FetchError unless it answers 200 with a type in
    ``accept`` and at most ``max_bytes``, or 304 to the validators given."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with client.stream("GET", url, headers=headers) as response:
            return _read(response, accept, max_bytes)
    except httpx.UnsupportedProtocol as error:
        raise FetchError(f"不支持的网址或重定向：{error}") from error
    except httpx.TimeoutException as error:
        raise FetchError("连接超时", transient=True) from error
    except httpx.TransportError as error:
        raise FetchError(f"网络错误：{error or type(error).__name__}", transient=True) from error
    except httpx.TooManyRedirects as error:
        raise FetchError(f"重定向超过 {MAX_REDIRECTS} 次") from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchError(f"{type(error).__name__}: {error}") from error


def _read(response: httpx.Response, accept: frozenset[str], max_bytes: int) -> Response:
    final_url = str(response.url)
    if response.status_code == 304:
        return Response(final_url, 304, "")
    if response.status_code != 200:
        raise FetchError(
            f"HTTP {response.status_code}",
            transient=response.status_code in TRANSIENT_STATUSES,
        )
    header = Message()
    # A response without a type is, by RFC 9110, arbitrary bytes.
    header["Content-Type"] = response.headers.get("Content-Type", "application/octet-stream")
    content_type = header.get_content_type()
    if content_type not in accept:
        raise FetchError(f"内容类型 {content_type} 不是所需的类型")
    limit = f"超过 {max_bytes // (1 << 20)} MB 的上限"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"文件{limit}")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"文件{limit}")
    return Response(
        final_url,
        200,
        content_type,
        bytes(body),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
        filename=_disposition_filename(response.headers.get("Content-Disposition", "")),
    )


def _disposition_filename(value: str) -> str:
    # attachment; filename*=UTF-8''%E5%8A%9E%E6%B3%95.pdf — the email parser
    # decodes the RFC 2231 form as well as the plain one.
    if not value:
        return ""
    header = Message()
    header["Content-Disposition"] = value
    return header.get_filename() or ""
