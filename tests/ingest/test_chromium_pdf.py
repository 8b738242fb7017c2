"""PDFs as most real ones are made: a web page printed by headless Chromium.

A policy page (notice, 文号, addressees, signature, then the 办法 in chapters
and articles, with a table) is printed twice: once with Chromium's own
header and footer (print date and page title at the top, file URL and
"n/N" at the bottom of every page) and once without. ``parse_path`` must give
the same document from both: the title, 文号 and date of the notice, every
article once with its number and its full text, nothing of the page
furniture inside a clause, and the article that runs over a page break as
one clause.
"""

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.clean import map_radicals
from ingest.parse import parse_path
from ingest.readers import read

from ..chromium import CHROMIUM, print_to_pdf

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)

NOTICE_TITLE = "嘉兴市人民政府关于印发《嘉兴市公共数据安全管理办法》的通知"
TITLE = "嘉兴市公共数据安全管理办法"
DOC_NUMBER = "嘉政发〔2024〕3号"
ISSUER = "嘉兴市人民政府"
SIGNED = "二〇二四年三月一日"
# The article that runs over a page break: it starts four lines above the foot of a
# page (see .foot-of-page) and is ten lines long.
SPANNING_ARTICLE = "第十一条"

CHAPTERS = [
    (
        "第一章　总则",
        [
            "为了加强公共数据安全管理，保障公共数据依法有序流动，维护国家安全、公共利益和个人、"
            "组织的合法权益，根据《中华人民共和国数据安全法》《中华人民共和国个人信息保护法》"
            "《浙江省公共数据条例》等法律、法规，结合本市实际，制定本办法。",
            "本市行政区域内公共管理和服务机构收集、存储、使用、加工、传输、提供、公开公共数据，"
            "以及对公共数据安全实施监督管理，适用本办法。涉及国家秘密的公共数据，按照保密法律、"
            "法规的规定执行。",
            "公共数据安全管理坚持统筹协调、分类分级、权责统一、技术防护与制度约束并重的原则，"
            "按照谁主管谁负责、谁持有谁负责、谁使用谁负责的要求，落实公共数据安全责任。",
            "市公共数据主管部门负责统筹协调全市公共数据安全管理工作，组织制定公共数据安全管理制度"
            "和技术规范，建设公共数据安全监测预警和应急处置体系，指导、监督各区公共数据安全工作。",
        ],
    ),
    (
        "第二章　数据分类分级",
        [
            "公共管理和服务机构应当按照国家和省有关标准，结合数据的重要程度以及遭到篡改、破坏、"
            "泄露或者非法获取、非法利用时对国家安全、公共利益和个人、组织合法权益造成的危害程度，"
            "对本单位公共数据实施分类分级管理，编制重要数据目录并动态更新。",
            "公共数据按照敏感程度从低到高分为一级、二级、三级和四级，各级数据的安全要求见下表。"
            "公共管理和服务机构不得降低数据级别，确需调整的，应当报市公共数据主管部门备案。",
            "重要数据的处理者应当明确数据安全负责人和管理机构，每年至少开展一次风险评估，"
            "并向市公共数据主管部门报送风险评估报告。风险评估报告应当包括处理的重要数据的种类、"
            "数量，开展数据处理活动的情况，面临的数据安全风险及其应对措施等内容。",
        ],
    ),
    (
        "第三章　安全保障",
        [
            "公共管理和服务机构应当建立健全公共数据安全管理制度，落实数据安全等级保护和"
            "关键信息基础设施安全保护要求，采取加密、脱敏、访问控制、日志审计等技术措施，"
            "保障公共数据在收集、存储、传输、使用、提供和销毁等各环节的安全。",
            "公共管理和服务机构委托第三方建设、运维公共数据平台或者处理公共数据的，应当通过合同"
            "等方式明确委托范围、数据安全要求和保密义务，并对受托方履行数据安全义务的情况进行监督。"
            "受托方不得擅自留存、使用、泄露或者向他人提供公共数据。",
            "市公共数据主管部门应当会同网信、公安等部门建立公共数据安全监测预警机制，"
            "汇集、分析、研判公共数据安全风险信息，及时发布预警，并督促有关单位采取防范措施。",
            "发生或者可能发生公共数据泄露、篡改、丢失等安全事件的，公共管理和服务机构应当立即启动"
            "应急预案，采取补救措施，防止危害扩大，并按照规定向市公共数据主管部门和有关部门报告；"
            "涉及个人信息的，还应当按照规定告知相关个人。公共数据主管部门应当会同有关部门对安全"
            "事件进行调查，查明原因，明确责任，提出整改意见，并督促责任单位在规定期限内完成整改。"
            "对因管理不善、措施不力导致重大安全事件的单位，由市公共数据主管部门予以通报，"
            "并依法追究有关责任人员的责任。各区公共数据主管部门应当每年组织开展公共数据安全"
            "应急演练，检验应急预案的可行性和有效性，提升应急处置能力。",
            "公共管理和服务机构及其工作人员违反本办法规定，未履行公共数据安全保护义务的，"
            "由有权机关责令改正；情节严重的，对直接负责的主管人员和其他直接责任人员依法给予处分。",
        ],
    ),
    (
        "第四章　附则",
        ["本办法自2024年4月1日起施行。"],
    ),
]
# Data classes and what each level requires; the table sits inside the second chapter.
TABLE = [
    ("级别", "数据示例", "安全要求"),
    ("一级", "已公开的政策文件", "完整性保护"),
    ("二级", "内部办公数据", "访问控制"),
    ("三级", "个人身份信息、用户账户", "加密存储、脱敏使用"),
    ("四级", "重要数据", "加密传输、专区处理"),
]
CN_DIGITS = "零一二三四五六七八九"


def cn_number(number: int) -> str:
    """1 → 一, 12 → 十二: article numbers as the text prints them."""
    tens, ones = divmod(number, 10)
    return (
        (CN_DIGITS[tens] if tens > 1 else "")
        + ("十" if tens else "")
        + (CN_DIGITS[ones] if ones else "")
    )


def articles() -> list[tuple[str, str]]:
    """(number, text) of every article, numbered through the chapters."""
    texts = [text for _, chapter in CHAPTERS for text in chapter]
    return [(f"第{cn_number(n)}条", text) for n, text in enumerate(texts, start=1)]


ARTICLES = dict(articles())


def policy_page() -> str:
    numbered = iter(articles())
    body = []
    for heading, chapter in CHAPTERS:
        body.append(f'<h3 class="chapter">{heading}</h3>')
        for _ in chapter:
            number, text = next(numbered)
            if number == SPANNING_ARTICLE:
                body.append('<div class="foot-of-page"></div>')
            body.append(f"<p><b>{number}</b>　{escape(text)}</p>")
            if number == "第六条":
                rows = "".join(
                    "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                    for row in TABLE
                )
                body.append(f"<table>{rows}</table>")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{NOTICE_TITLE}</title>
<style>
  @page {{ size: A4; margin: 22mm 20mm; }}
  body {{ font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 15pt;
          line-height: 1.75; text-align: justify; }}
  h1, h2 {{ text-align: center; font-size: 20pt; font-weight: normal; }}
  h3.chapter {{ text-align: center; font-size: 15pt; font-weight: normal; margin: 0.6em 0; }}
  p {{ text-indent: 2em; margin: 0; }}
  p.plain {{ text-indent: 0; }}
  p.right {{ text-align: right; }}
  p.center {{ text-align: center; text-indent: 0; }}
  table {{ border-collapse: collapse; margin: 0.5em auto; font-size: 12pt; }}
  td {{ border: 1px solid #000; padding: 2px 8px; }}
  /* A new page whose blank top leaves room for four lines of the next article
     above the bottom margin, whatever the fonts: the page area is
     297 - 2 × 22 mm = 717 pt, a line is 15 pt × 1.75 = 26.25 pt, so
     4 lines fit under 600 pt and 5 do not. */
  .foot-of-page {{ break-before: page; height: 600pt; }}
</style></head>
<body>
<h1>{NOTICE_TITLE}</h1>
<p class="center">{DOC_NUMBER}</p>
<p class="plain">各区人民政府，市政府各部门、各直属单位：</p>
<p>现将《{TITLE}》印发给你们，请认真贯彻执行。</p>
<p class="right">{ISSUER}</p>
<p class="right">{SIGNED}</p>
<p class="center">（此件公开发布）</p>
<h2>{TITLE}</h2>
{"".join(body)}
</body></html>
"""

    assert pdf.exists() and pdf.stat().st_size > 0, f"Chromium printed no {pdf.name}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """Both PDFs, printed in parallel (each Chromium takes a second or two)."""
    folder = tmp_path_factory.mktemp("chromium")
    html = folder / "policy.html"
    html.write_text(policy_page(), encoding="utf-8")
    pdfs = {"with_header_footer": folder / "with.pdf", "plain": folder / "plain.pdf"}
    with ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(print_to_pdf, html, pdf, folder / f"profile-{name}", name != "plain")
            for name, pdf in pdfs.items()
        ]
        for job in jobs:
            job.result()
    yield pdfs
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=["with_header_footer", "plain"])
def pdf(request, printed) -> Path:
    return printed[request.param]


@pytest.fixture(scope="module")
def document(pdf):
    drafts = parse_path(pdf)
    assert len(drafts) == 1, [d.title for d in drafts]
    return drafts[0]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_fixture_really_has_page_furniture_and_a_page_break_inside_an_article(pdf):
    """Preconditions: without them the other tests would prove nothing."""
    # pdfium's plain text of each page, none of the reader's layout work.
    document = pdfium.PdfDocument(pdf)
    try:
        # Chromium's CJK fonts map some characters to Kangxi radicals (⼈ for 人).
        pages = [squeeze(map_radicals(page.get_textpage().get_text_range())) for page in document]
    finally:
        document.close()
    assert len(pages) >= 3
    spanning = squeeze(ARTICLES[SPANNING_ARTICLE])
    on_page = [n for n, text in enumerate(pages) if spanning[:12] in text]
    assert on_page, f"{SPANNING_ARTICLE} not found in the PDF"
    first = on_page[0]
    assert spanning[-12:] not in pages[first] and spanning[-12:] in pages[first + 1], (
        f"{SPANNING_ARTICLE} must start on one page and end on the next"
    )
    header_footer = "with" in pdf.name
    assert any("file://" in text for text in pages) == header_footer
    assert any(re.search(rf"{first + 1}/{len(pages)}", text) for text in pages) == header_footer


def test_title_number_date_and_issuer_come_from_the_notice(document):
    assert document.title == TITLE
    assert document.doc_number == DOC_NUMBER
    assert document.publish_date.isoformat() == "2024-03-01"
    assert document.effective_date.isoformat() == "2024-04-01"
    assert document.issuers == [ISSUER]
    assert document.region.city == "嘉兴市"
    assert document.doc_type == "办法"


def test_every_article_once_with_its_number_and_full_text(document):
    by_number: dict[str, list[str]] = {}
    for clause in document.clauses:
        if clause.number and re.fullmatch(r"第[一二三四五六七八九十]+条", clause.number):
            by_number.setdefault(clause.number, []).append(clause.text)
    assert list(by_number) == list(ARTICLES), "articles missing, extra or out of order"
    for number, text in ARTICLES.items():
        (found,) = by_number[number]
        assert squeeze(found) == squeeze(number + text), number


def test_article_broken_across_pages_is_one_clause(document):
    numbered = [c for c in document.clauses if c.number and c.number.startswith(SPANNING_ARTICLE)]
    assert [c.number for c in numbered] == [SPANNING_ARTICLE], "the page break made a new 款"
    assert squeeze(numbered[0].text).endswith("提升应急处置能力。")


def test_no_page_furniture_inside_clauses(document):
    furniture = re.compile(
        r"file:|/tmp|\.html|\d+\s*/\s*\d+|\d{1,2}:\d{2}|[AP]M|\d{1,2}/\d{1,2}/\d{2,4}"
    )
    for clause in document.clauses:
        assert not furniture.search(clause.text), clause.text
        # The page title Chromium prints at the top of every page.
        assert NOTICE_TITLE not in clause.text
    chapters = {heading.replace("　", "") for heading, _ in CHAPTERS}
    # Besides the chapters, the notice that publishes the measures heads its own sentences.
    assert {c.path[0] for c in document.clauses if c.path} - {document.notice_title} <= chapters


def test_characters_keep_their_code_point(pdf):
    # pdfminer read the Noto CJK SC glyph of 户 in Chromium's font subsets as 戶 (U+6236).
    text = read(pdf).text
    assert "用户账户" in map_radicals(text)


def test_the_table_in_an_article_is_one_clause_under_it_with_cells_and_rows_apart(document):
    """第六条 refers to 下表: the table belongs to 第六条 but is no 款 of it."""
    (table,) = [clause for clause in document.clauses if " | " in clause.text]
    assert table.text == "；".join(" | ".join(row) for row in TABLE)
    assert table.number is None
    assert table.path[-1] == "第六条"
    assert not [c.number for c in document.clauses if c.number and c.number.startswith("第六条第")]
