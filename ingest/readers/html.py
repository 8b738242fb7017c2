"""Web pages: keep the article, drop navigation, scripts and boilerplate."""

import re
from pathlib import Path

from bs4 import BeautifulSoup

from ..clean import table_line
from ..drafts import RawText
from ..metadata import PAGE_FIELDS
from .text import decode, decoding_warnings

NOISE_TAGS = [
    "script",
    "style",
    "noscript",
    "iframe",
    "nav",
    "header",
    "footer",
    "form",
    "aside",
    "button",
    "svg",
    # Embedded media and form controls: their text is a fallback or a value,
    # never the article ("您的浏览器不支持视频播放").
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "template",
    "textarea",
    "select",
]
HEADINGS = ["h1", "h2", "h3", "h4"]
# Block elements whose text forms its own line.
SITE_SUFFIX = re.compile(r"\s*[_|｜]\s*|\s+[-–—]\s+")
BLOCKS = [
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
]
# A table is data (序号 | 任务 | 责任单位) rather than the page's layout when it
# holds no table or heading, has two rows of two cells or more, and no cell
# that looks like an article's body: longer than a task in a division-of-work
# table runs, or of more paragraphs than a cell's list of units. A layout
# table taken for data would lose its article's clauses, so the test leans
# to layout: a data table taken for layout reads as lines, as it did before.
MAX_DATA_CELL = 600
MAX_DATA_CELL_LINES = 3
# "发文机关：", "文　　号：" (spaced out to line up in a table), the value after
# the colon or in the next cell.
FIELD = re.compile(
    r"^(?P<label>{})\s*[:：]\s*(?P<value>.*)$".format(
        "|".join(r"\s*".join(label) for label in PAGE_FIELDS)
    )
)


def article_element(soup: BeautifulSoup):
    """The element holding the article: <article>/<main>, else the block with most paragraph text."""
    for name in ("article", "main"):
        element = soup.find(name)
        if element and len(element.get_text(strip=True)) > 200:
            return element
    # The element whose own paragraphs hold the most text, whatever its tag
    # (sites wrap the article in their own: <ucapcontent>, <font>, <td>).
    scores: dict[int, int] = {}
    parents = {}
    for paragraph in soup.find_all("p"):
        parent = paragraph.parent
        if parent is None:
            continue
        scores[id(parent)] = scores.get(id(parent), 0) + len(paragraph.get_text(strip=True))
        parents[id(parent)] = parent
    if not scores:
        return soup.body or soup
    return parents[max(scores, key=scores.get)]


def page_fields(soup: BeautifulSoup) -> dict[str, str]:
    """The labelled metadata fields anywhere on the page, the first of each kind."""
    strings = [" ".join(string.split()) for string in soup.stripped_strings]
    fields: dict[str, str] = {}
    for index, string in enumerate(strings):
        if match := FIELD.match(string):
            label = "".join(match["label"].split())
            value = match["value"] or (strings[index + 1] if index + 1 < len(strings) else "")
            if value and not FIELD.match(value):
                fields.setdefault(PAGE_FIELDS[label], value)
    return fields


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """The article's text, and the page's labelled fields (page_fields) with
    its title and posting date where the page's head names them."""
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(NOISE_TAGS):
        tag.decompose()
    fields = page_fields(soup)  # before _article_text rewrites the tables
    fields.update(head_fields(soup, fields))
    text = _article_text(soup, fields.get("title", ""))
    return text, fields


def head_fields(soup: BeautifulSoup, fields: dict[str, str]) -> dict[str, str]:
    """What the page's head says of the article: Chinese government sites'
    ArticleTitle and PubDate meta tags (the national site standard), else
    its first heading; a title in the page's metadata table comes first."""
    found = {}
    for name, key in (("ArticleTitle", "title"), ("PubDate", "posted")):
        meta = soup.find("meta", attrs={"name": name})
        if meta and meta.get("content", "").strip():
            found[key] = " ".join(meta["content"].split())
    if "title" in fields:
        found["title"] = fields["title"]
    elif "title" not in found:
        element = article_element(soup)
        heading = next((h for h in element.find_all(HEADINGS) if h.get_text(strip=True)), None)
        if heading is not None:
            found["title"] = " ".join(heading.get_text().split())
    return found


def _article_text(soup: BeautifulSoup, title: str = "") -> str:
    element = article_element(soup)
    for block in element.find_all(BLOCKS):
        block.insert_before("\n")
    for table in element.find_all("table"):
        rows = _data_rows(table)
        if sum(bool(FIELD.match(" ".join(cell.split()))) for row in rows for cell in row) >= 2:
            # The page's own 发文机关 / 成文日期 table: read as fields, not text.
            table.decompose()
        elif rows:
            table.replace_with("\n" + table_line(rows) + "\n")
    text = element.get_text()
    # Without a heading in the article, the page title names it; sites append
    # their own name: "…的通知_政策文件_绍兴市人民政府门户网站".
    if not title and soup.title and not element.find(["h1", "h2"]):
        title = SITE_SUFFIX.split(soup.title.get_text(strip=True))[0]
    if title and "".join(title.split()) not in "".join(text[:1000].split()):
        text = title + "\n" + text
    return text


def _data_rows(table) -> list[list[str]]:
    """The texts of a data table's cells, row by row; none for a layout table.
    Cell texts keep the line breaks their blocks were given (<p>, <br>)."""
    if table.find(["table", "h1", "h2", "h3", "h4", "h5", "h6"]):
        return []
    rows = [
        [cell.get_text() for cell in row.find_all(["td", "th"])] for row in table.find_all("tr")
    ]
    if sum(len(row) >= 2 for row in rows) < 2:
        return []
    if any(_body_like(cell) for row in rows for cell in row):
        return []
    return rows


def _body_like(cell: str) -> bool:
    lines = [line for line in cell.split("\n") if line.strip()]
    return len(cell.strip()) > MAX_DATA_CELL or len(lines) > MAX_DATA_CELL_LINES


def read_html(path: Path) -> RawText:
    markup, encoding, broken = decode(path.read_bytes())
    text, fields = html_to_text(markup)
    return RawText(path.name, text, "html", decoding_warnings(encoding, broken), fields)
