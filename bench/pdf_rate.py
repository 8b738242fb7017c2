"""Pages per second of PDF ingestion, from raw text extraction to end to end.

.venv/bin/python bench/pdf_rate.py [--pages 300] [--maker reportlab|chromium] [--memory-only]

Generates a policy PDF in a temp dir: a compilation of 条例, each of 章/条
whose articles are sentences of data/labeled_clauses.tsv, each 条例 from a new
page, a running header and a page number on every page, paragraphs that wrap
and run over page breaks (reportlab: STSong-Light, not embedded; chromium: a
web page printed by headless Chromium with embedded Noto CJK subsets). Then
times, over all pages:

  pdfplumber raw     page.extract_text()
  pypdfium2 raw      page.get_textpage().get_text_range(), page by page
  reader             ingest.readers.pdf.read_pdf: lines with positions, page
                     furniture removed, paragraphs re-joined
  parse              ingest.parse.parse_path: the reader, then clean, split,
                     clauses, metadata
  parse + classify   ingest.pipeline.parse_file: parse, then the classifier
  end to end         ``manage.py ingest`` in a child process on a fresh data dir
                     (migrated and given the trained classifier beforehand):
                     read, clean, split, classify, store, index, process start
                     included; then the same on the first 3 pages alone, the
                     fixed cost of any file

with the machine's 1-minute load average after each (other people's work
slows wall-clock figures; CPU seconds are less affected), the ratio of end to
end to pypdfium2 raw, the peak memory of the reader in a child process (all
that --memory-only measures), and how many articles come out exactly as the
generator wrote them.
"""

import argparse
import logging
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
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


def pdfplumber_raw(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def pdfium_raw(path: Path) -> int:
    pdf = pdfium.PdfDocument(path)
    try:
        characters = 0
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            characters += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return characters
    finally:
        pdf.close()


def read(path: Path):
    from ingest.readers.pdf import read_pdf

    return read_pdf(path)


def parse(path: Path):
    from ingest.parse import parse_path

    return parse_path(path)


def parse_and_classify(path: Path):
    from ingest.pipeline import parse_file

    return parse_file(path).documents


# (label, function of the PDF path, runs of which the fastest counts): the
# fast ones are worth repeating, pdfplumber is not.
METHODS = [
    ("pdfplumber raw", pdfplumber_raw, 1),
    ("pypdfium2 raw", pdfium_raw, 3),
    ("reader", read, 3),
    ("parse", parse, 1),
    ("parse + classify", parse_and_classify, 1),
]


def timed(label: str, pages: int, run, repeat: int = 1) -> tuple[dict, object]:
    """The fastest of ``repeat`` runs, in wall-clock and CPU seconds."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        value = run()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(runs)
    return report(label, pages, wall, cpu), value


def report(label: str, pages: int, wall: float, cpu: float) -> dict:
    load = os.getloadavg()[0]
    print(
        f"  {label:<18} {wall:7.2f} s {pages / wall:7.1f} pages/s   "
        f"CPU {cpu:6.2f} s {pages / cpu:7.1f} pages/s   load {load:.1f}",
        flush=True,
    )
    return {"label": label, "wall": wall, "cpu": cpu, "load": load}


def first_pages(path: Path, count: int) -> Path:
    """A copy of the first pages, to warm each method up on (lazy imports,
    CMaps, fonts and the classifier load on first use, not per page)."""
    source = pdfium.PdfDocument(path)
    copy = pdfium.PdfDocument.new()
    copy.import_pages(source, list(range(min(count, len(source)))))
    warm = path.with_name("warm.pdf")
    copy.save(warm)
    copy.close()
    source.close()
    return warm


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manage(*args: str, data_dir: Path) -> None:
    env = {**os.environ, "POLICYBASE_DATA_DIR": str(data_dir)}
    command = [sys.executable, str(REPO / "manage.py"), *args]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def fresh_data_dir(path: Path) -> Path:
    """A migrated data dir holding the checkout's trained classifier (training
    on first use takes a minute and is measured by classify_rate.py)."""
    path.mkdir()
    trained = REPO / "var" / "classifier.joblib"
    if trained.exists():
        shutil.copy(trained, path / "classifier.joblib")
    manage("migrate", "--noinput", data_dir=path)
    return path


def end_to_end(label: str, path: Path, pages: int, data_dir: Path) -> tuple[dict, int]:
    """``manage.py ingest`` on the PDF, the command an operator runs; returns
    the timing and the number of clauses stored."""
    wall, cpu = time.perf_counter(), children_cpu()
    manage("ingest", str(path), data_dir=data_dir)
    timing = report(label, pages, time.perf_counter() - wall, children_cpu() - cpu)
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        clauses = db.execute("SELECT count(*) FROM catalog_clause").fetchone()[0]
    return timing, clauses


# Peak RSS (VmHWM, in kB) of a child that imports the reader, then (given a
# path) reads the PDF. Not ru_maxrss: Linux carries that over from the parent
# through fork and exec, and this parent has held pdfplumber's hundreds of MB.
READER_PEAK = """
import re, sys
from pathlib import Path
from ingest.readers.pdf import read_pdf
if len(sys.argv) > 1:
    read_pdf(Path(sys.argv[1]))
print(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1])
"""


def reader_memory_mb(path: Path) -> tuple[float, float]:
    """The reader's peak RSS in MB, after its imports and after reading ``path``."""

    def peak(*args: str) -> float:
        command = [sys.executable, "-c", READER_PEAK, *args]
        out = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
        return int(out.stdout) / 1024

    return peak(), peak(str(path))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def faithful_articles(drafts) -> tuple[int, int]:
    """Articles read, and how many of them are exactly (spaces aside) the text
    the generator wrote; the last one is cut off with the last page."""
    written = (squeeze(text) for kind, text in compilation() if kind == "article")
    read = [
        squeeze(clause.text)
        for draft in drafts
        for clause in draft.clauses
        if clause.number and clause.number.endswith("条")
    ]
    return len(read), sum(found == next(written) for found in read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--maker", choices=["reportlab", "chromium"], default="reportlab")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="only the reader's peak memory (e.g. 1,000 pages)",
    )
    args = parser.parse_args()
    # pdfminer warns about every Chromium font subset without a FontBBox; printing
    # thousands of warnings would be timed too.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    generate = generate_reportlab if args.maker == "reportlab" else generate_chromium

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / "policy.pdf"
        start = time.perf_counter()
        written = generate(path, args.pages)
        pages = len(pdfium.PdfDocument(path))
        print(
            f"{args.maker}: {pages} pages, {written} articles begun, "
            f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s"
        )
        warm = first_pages(path, 3)
        before, after = reader_memory_mb(path)
        print(f"reader peak RSS: {before:.0f} MB after imports, {after:.0f} MB after {pages} pages")
        if args.memory_only:
            return
        data_dir = fresh_data_dir(folder / "data")
        os.environ["POLICYBASE_DATA_DIR"] = str(data_dir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
        import django

        django.setup()

        results, outputs = [], {}
        for label, run, repeat in METHODS:
            run(warm)
            timing, outputs[label] = timed(label, pages, lambda run=run: run(path), repeat)
            results.append(timing)
        timing, clauses = end_to_end("end to end", path, pages, data_dir)
        results.append(timing)
        # What any file costs: starting Django, loading the classifier and
        # jieba's dictionary, opening the index.
        fixed, _ = end_to_end("end to end, 3 pages", warm, 3, fresh_data_dir(folder / "data3"))

    print()
    print(f"| step | pages/s | s for {pages} pages | CPU pages/s | load (1 min) |")
    print("|---|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['label']} | {pages / row['wall']:.1f} | {row['wall']:.2f} | "
            f"{pages / row['cpu']:.1f} | {row['load']:.1f} |"
        )
    print(f"| end to end, 3 pages | | {fixed['wall']:.2f} (for 3) | | {fixed['load']:.1f} |")
    print()
    rate = {row["label"]: row for row in results}
    raw, e2e = rate["pypdfium2 raw"], rate["end to end"]
    print(
        f"end to end / pypdfium2 raw: {raw['wall'] / e2e['wall']:.2f} "
        f"(CPU time: {raw['cpu'] / e2e['cpu']:.2f}); {clauses} clauses stored"
    )
    marginal = (e2e["cpu"] - fixed["cpu"]) / (pages - 3)
    print(
        f"without the 3-page run's fixed cost (CPU): {1 / marginal:.1f} pages/s, "
        f"{raw['cpu'] / pages / marginal:.2f} of pypdfium2 raw"
    )
    found, exact = faithful_articles(outputs["parse"])
    print(f"articles: {found} read, {exact} exactly as written ({exact / max(found, 1):.1%})")


if __name__ == "__main__":
    main()
