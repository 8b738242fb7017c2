"""Pages per second of PDF ingestion, and what a pypdfium2 reader would gain.

.venv/bin/python bench/pdf_rate.py [--pages 300]

Generates a policy PDF (reportlab, CID font STSong-Light, A4) in a temp dir:
a compilation of 条例, each of 章/条 whose articles are sentences of
data/labeled_clauses.tsv, each from a new page,
a running header and a "— n —" page number on every page, paragraphs that
wrap and run over page breaks. Then times, over all pages:

  pdfplumber raw       page.extract_text()
  pypdfium2 raw        page.get_textpage().get_text_range()
  parse_path           ingest.parse.parse_path: read, clean, split, clauses, metadata

and, because parse_path is bound by pdfplumber's layout analysis, two
prototypes of a pypdfium2 reader that keep the geometry readers/pdf.py needs
(line boxes for headers, footers and paragraph breaks):

  pdfium char boxes    one get_charbox() per character, grouped into lines
  pdfium text rects    count_rects()/get_rect()/get_text_bounded(): pdfium's own
                       text runs, grouped into lines
  pdfium end to end    char boxes → the paragraph logic of readers/pdf.py →
                       the rest of parse_path (parse_raw); text rects are faster
                       on some PDFs but get_text_bounded() repeats or drops
                       characters where glyph boxes overlap (Chromium output)

The prototypes live here only; ingest/readers/pdf.py is unchanged.
"""

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pdfplumber  # noqa: E402 (after sys.path)
import pypdfium2 as pdfium  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from ingest.drafts import RawText  # noqa: E402
from ingest.parse import parse_path, parse_raw  # noqa: E402
from ingest.readers import pdf as pdf_reader  # noqa: E402
from tests.chromium import print_to_pdf  # noqa: E402

CLAUSES_TSV = REPO / "data" / "labeled_clauses.tsv"
FONT = "STSong-Light"
FONT_SIZE = 12
LEADING = 22
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72, 80, 80
HEADER = "浙江省数据要素市场化配置改革政策汇编（2024年版）"
TITLE = "浙江省公共数据开发利用条例"
CN_DIGITS = "零一二三四五六七八九"


def cn_number(number: int) -> str:
    """1 → 一, 12 → 十二, 135 → 一百三十五."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = f"{CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (CN_DIGITS[ones] if ones else "")


def sentences() -> list[str]:
    """Policy sentences of the labelled corpus, each ending in a full stop."""
    lines = CLAUSES_TSV.read_text(encoding="utf-8").splitlines()
    texts = {line.split("\t", 1)[0].strip() for line in lines if "\t" in line}
    texts = sorted(t.rstrip("；;，,") for t in texts if 12 <= len(t) <= 120)
    return [t if t.endswith(("。", "！", "？")) else t + "。" for t in texts]


def wrap(text: str, width: float, indent: float) -> list[tuple[float, str]]:
    """(x offset, text) of each line: a paragraph set as a word processor would."""
    lines, current, x = [], "", indent
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, FONT, FONT_SIZE) > width - x:
            lines.append((x, current))
            current, x = "", 0.0
        current += char
    lines.append((x, current))
    return lines


# The compilation's documents: one 条例 after another, each from a new page.
TITLES = [
    "浙江省公共数据开发利用条例",
    "杭州市数据流通交易促进条例",
    "宁波市公共数据安全管理办法",
    "温州市数据资产登记管理办法（试行）",
    "嘉兴市公共数据授权运营管理办法",
]
ARTICLES_PER_DOCUMENT = (60, 120)


def compilation(seed: int = 7):
    """Blocks of an endless compilation: ("title" | "note" | "chapter" | "article", text)."""
    rng = random.Random(seed)
    pool = sentences()
    for number in range(1_000_000):
        yield "title", TITLES[number % len(TITLES)]
        yield "note", "（2024年1月10日通过）"
        total, written, chapter = rng.randint(*ARTICLES_PER_DOCUMENT), 0, 0
        while written < total:
            chapter += 1
            yield "chapter", f"第{cn_number(chapter)}章　数据开发利用（{chapter}）"
            for _ in range(min(rng.randint(6, 12), total - written)):
                written += 1
                body = "".join(rng.sample(pool, rng.randint(2, 5)))
                yield "article", f"第{cn_number(written)}条　{body}"


def generate_reportlab(path: Path, pages: int) -> int:
    """``pages`` pages drawn line by line; returns the number of articles begun."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = A4
    text_width = width - 2 * MARGIN_X
    canvas = Canvas(str(path), pagesize=A4)
    page, y = 1, height - MARGIN_TOP

    def furniture():
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(width / 2, height - 40, HEADER)
        canvas.drawCentredString(width / 2, 36, f"— {page} —")
        canvas.setFont(FONT, FONT_SIZE)

    def new_page() -> bool:
        nonlocal page, y
        if page == pages:
            return False
        canvas.showPage()
        page += 1
        y = height - MARGIN_TOP
        furniture()
        return True

    def line(x: float, text: str, centred: bool = False) -> bool:
        """Draw one line; False when the last page is full."""
        nonlocal y
        if y < MARGIN_BOTTOM and not new_page():
            return False
        if centred:
            canvas.drawCentredString(width / 2, y, text)
        else:
            canvas.drawString(MARGIN_X + x, y, text)
        y -= LEADING
        return True

    def draw(kind: str, text: str) -> bool:
        if kind == "title" and y < height - MARGIN_TOP and not new_page():
            return False
        if kind != "article":
            return line(0, text, centred=True)
        return all(line(x, piece) for x, piece in wrap(text, text_width, 2 * FONT_SIZE))

    furniture()
    articles = 0
    for kind, text in compilation():
        articles += kind == "article"
        if not draw(kind, text):
            break
    canvas.save()
    return articles


# Chromium: 12 pt on A4 with 25 mm margins holds about 9 articles a page.
ARTICLES_PER_PAGE = 9


def generate_chromium(path: Path, pages: int) -> int:
    """The compilation as a web page printed by headless Chromium with its own
    header and footer (date, title, file URL, "n/N"), cut to ``pages`` pages."""
    blocks, articles = [], 0
    for kind, text in compilation():
        if articles > pages * ARTICLES_PER_PAGE * 1.3:
            break
        articles += kind == "article"
        tag = {"title": "h2", "note": "p class=c", "chapter": "h3", "article": "p"}[kind]
        blocks.append(f"<{tag}>{escape(text)}</{tag.split()[0]}>")
    html = path.with_suffix(".html")
    html.write_text(
        f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{HEADER}</title><style>
@page {{ size: A4; margin: 25mm 22mm; }}
body {{ font-family: "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.75;
        text-align: justify; }}
h2 {{ break-before: page; text-align: center; font-size: 18pt; font-weight: normal; }}
h3, .c {{ text-align: center; font-size: 12pt; font-weight: normal; text-indent: 0; }}
p {{ text-indent: 2em; margin: 0; }}
</style></head><body>{"".join(blocks)}</body></html>""",
        encoding="utf-8",
    )
    print_to_pdf(html, path, path.parent / "chromium-profile", timeout=300)
    pdf = pdfium.PdfDocument(path)
    if len(pdf) < pages:
        raise SystemExit(f"Chromium printed {len(pdf)} pages, fewer than {pages}")
    for index in reversed(range(pages, len(pdf))):
        pdf.del_page(index)
    trimmed = path.with_name("trimmed.pdf")
    pdf.save(trimmed)
    pdf.close()
    trimmed.replace(path)
    return articles


def timed(label: str, pages: int, run, results: list, repeat: int = 1, warm_up=None):
    if warm_up:  # lazy imports, CMaps and fonts load on first use: not per page
        warm_up()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        seconds.append(time.perf_counter() - start)
    best = min(seconds)
    results.append((label, best, pages / best))
    print(f"  {label:<22} {best:7.2f} s  {pages / best:8.1f} pages/s", flush=True)
    return value


def pdfplumber_raw(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def pdfium_raw(path: Path) -> int:
    pdf = pdfium.PdfDocument(path)
    try:
        return sum(len(page.get_textpage().get_text_range()) for page in pdf)
    finally:
        pdf.close()


# --- Prototype: pypdfium2 lines with the geometry readers/pdf.py uses ----------


def _group_lines(boxes: list[tuple[float, float, float, float, str]], height: float):
    """Boxes (left, bottom, right, top, text) in PDF coordinates → pdfplumber-style
    lines (``top`` measured from the top of the page), top to bottom.

    A box joins the line above when either's vertical middle falls inside the
    other's band: glyph boxes differ in height (一 is flat, 第 tall) but share
    a middle, and lines set with any leading do not overlap.
    """
    boxes.sort(key=lambda box: -(box[1] + box[3]) / 2)
    groups: list[list] = []  # [bottom, top, boxes]
    for box in boxes:
        middle = (box[1] + box[3]) / 2
        if groups and (
            groups[-1][0] <= middle <= groups[-1][1]
            or box[1] <= (groups[-1][0] + groups[-1][1]) / 2 <= box[3]
        ):
            group = groups[-1]
            group[0], group[1] = min(group[0], box[1]), max(group[1], box[3])
            group[2].append(box)
        else:
            groups.append([box[1], box[3], [box]])
    lines = []
    for bottom, top, members in groups:
        members.sort(key=lambda box: box[0])
        lines.append(
            {
                "text": "".join(box[4] for box in members),
                "x0": members[0][0],
                "x1": max(box[2] for box in members),
                "top": height - top,
                "bottom": height - bottom,
            }
        )
    return lines


def pdfium_lines_from_rects(page) -> list[dict]:
    """Lines from pdfium's text runs: a handful of rectangles per line."""
    textpage = page.get_textpage()
    boxes = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        boxes.append((left, bottom, right, top, text.replace("\r", "").replace("\n", "")))
    return _group_lines(boxes, page.get_height())


def pdfium_lines_from_chars(page) -> list[dict]:
    """Lines from one box per character: what a port of pdfplumber's chars would do."""
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    boxes = []
    count = textpage.count_chars()
    for index in range(min(count, len(text))):
        char = text[index]
        if char in "\r\n":
            continue
        # Loose boxes span the font's ascent and descent: one height per line.
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        boxes.append((left, bottom, right, top, char))
    return _group_lines(boxes, page.get_height())


def pdfium_all_lines(path: Path, lines_of) -> tuple[list[list[dict]], list[float]]:
    pdf = pdfium.PdfDocument(path)
    try:
        pages = [pdf[index] for index in range(len(pdf))]
        return [lines_of(page) for page in pages], [page.get_height() for page in pages]
    finally:
        pdf.close()


def pdfium_read(path: Path) -> RawText:
    """readers/pdf.read_pdf with pdfium's character boxes instead of pdfplumber's
    lines (error handling left out)."""
    pages_lines, heights = pdfium_all_lines(path, pdfium_lines_from_chars)
    repeated = pdf_reader._margin_lines(pages_lines, heights)
    paragraphs: list[str] = []
    for lines, height in zip(pages_lines, heights, strict=True):
        body = [
            line
            for line in lines
            if not (
                (
                    line["top"] < height * pdf_reader.MARGIN_ZONE
                    or line["bottom"] > height * (1 - pdf_reader.MARGIN_ZONE)
                )
                and (
                    pdf_reader.PAGE_NUMBER.match(line["text"])
                    or pdf_reader._signature(line["text"]) in repeated
                )
            )
        ]
        if not body:
            continue
        left = min(line["x0"] for line in body)
        right = max(line["x1"] for line in body)
        page_paragraphs = pdf_reader._paragraphs(body, left, right)
        if (
            paragraphs
            and page_paragraphs
            and paragraphs[-1][-1] not in pdf_reader.SENTENCE_END
            and not pdf_reader.BLOCK_START.match(page_paragraphs[0])
        ):
            paragraphs[-1] += page_paragraphs.pop(0)
        paragraphs.extend(page_paragraphs)
    return RawText(path.name, "\n\n".join(paragraphs), "pdf")


# (label, function of the PDF path, runs of which the fastest counts): pdfium is
# fast enough to repeat, pdfplumber is not.
METHODS = [
    ("pdfplumber raw", pdfplumber_raw, 1),
    ("pypdfium2 raw", pdfium_raw, 3),
    ("parse_path", parse_path, 1),
    ("pdfium char boxes", lambda path: pdfium_all_lines(path, pdfium_lines_from_chars), 3),
    ("pdfium text rects", lambda path: pdfium_all_lines(path, pdfium_lines_from_rects), 3),
    ("pdfium end to end", lambda path: parse_raw(pdfium_read(path)), 1),
]


def first_pages(path: Path, count: int) -> Path:
    """A copy of the first pages, to warm each method up on."""
    source = pdfium.PdfDocument(path)
    copy = pdfium.PdfDocument.new()
    copy.import_pages(source, list(range(min(count, len(source)))))
    warm = path.with_name("warm.pdf")
    copy.save(warm)
    copy.close()
    source.close()
    return warm


def articles_of(drafts) -> list[tuple[str, str]]:
    return [
        (clause.number, clause.text)
        for draft in drafts
        for clause in draft.clauses
        if clause.number and clause.number.endswith("条")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument(
        "--maker",
        choices=["reportlab", "chromium"],
        default="reportlab",
        help="reportlab: STSong-Light, not embedded; chromium: embedded Noto CJK subsets",
    )
    args = parser.parse_args()
    # pdfminer warns about every Chromium font subset without a FontBBox; printing
    # thousands of warnings would be timed too.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    generate = generate_reportlab if args.maker == "reportlab" else generate_chromium

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "policy.pdf"
        start = time.perf_counter()
        written = generate(path, args.pages)
        pages = len(pdfium.PdfDocument(path))
        print(
            f"{args.maker}: {pages} pages, {written} articles begun, "
            f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s"
        )
        warm = first_pages(path, 3)
        results: list[tuple[str, float, float]] = []
        outputs = {}
        for label, run, repeat in METHODS:
            outputs[label] = timed(
                label,
                pages,
                lambda run=run: run(path),
                results,
                repeat=repeat,
                warm_up=lambda run=run: run(warm),
            )
        drafts, prototype = outputs["parse_path"], outputs["pdfium end to end"]

    rate = {label: per_second for label, _, per_second in results}
    print()
    print(f"| step | pages/s | s for {pages} pages |")
    print("|---|---:|---:|")
    for label, seconds, per_second in results:
        print(f"| {label} | {per_second:.1f} | {seconds:.2f} |")
    print()
    print(f"parse_path / pypdfium2 raw: {rate['parse_path'] / rate['pypdfium2 raw']:.3f}")
    print(f"pdfium end to end / parse_path: {rate['pdfium end to end'] / rate['parse_path']:.1f}×")
    # Same policy out of both readers? Articles are the unit analysts see.
    expected, found = articles_of(drafts), articles_of(prototype)
    same = sum(a == b for a, b in zip(expected, found, strict=False))
    print(
        f"articles: parse_path {len(expected)}, pdfium prototype {len(found)}, "
        f"identical number and text {same} ({same / max(len(expected), 1):.1%})"
    )
    lengths = [len(text) for _, text in expected] or [0]
    print(f"median article length {statistics.median(lengths):.0f} characters")


if __name__ == "__main__":
    main()
