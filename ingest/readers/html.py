"""Web pages: keep the article, drop navigation, scripts and boilerplate."""

import re
from pathlib import Path

from bs4 import BeautifulSoup

from ..drafts import RawText
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


def article_element(soup: BeautifulSoup):
    """The element holding the article: <article>/<main>, else the block with most paragraph text."""
    for name in ("article", "main"):
        element = soup.find(name)
        if element and len(element.get_text(strip=True)) > 200:
            return element
    best, best_score = soup.body or soup, 0
    for element in soup.find_all(["div", "section", "td"]):
        score = sum(len(p.get_text(strip=True)) for p in element.find_all("p", recursive=False))
        if score > best_score:
            best, best_score = element, score
    return best


def html_to_text(markup: str) -> str:
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(NOISE_TAGS):
        tag.decompose()
    element = article_element(soup)
    for block in element.find_all(BLOCKS):
        block.insert_before("\n")
    text = element.get_text()
    # Without a heading in the article, the page title names it; sites append
    # their own name: "…的通知_政策文件_绍兴市人民政府门户网站".
    if soup.title and not element.find(["h1", "h2"]):
        title = SITE_SUFFIX.split(soup.title.get_text(strip=True))[0]
        if title and title not in text[:500]:
            text = title + "\n" + text
    return text


def read_html(path: Path) -> RawText:
    markup, encoding, broken = decode(path.read_bytes())
    return RawText(path.name, html_to_text(markup), "html", decoding_warnings(encoding, broken))
