"""The files an analyst takes away (the search page's and 摘编's CSV and
Excel) and the CSV scripts read from the API, on seeds 002 and 004."""

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from ingest.drafts import ClauseDraft, DocumentDraft
from policybase.catalog.models import Clause, Document, Standing
from policybase.web.exports import TABLE_HEADER, export_name
from policybase.web.records import CSV_COLUMNS

from .conftest import api

# The columns issue 27 names, in Chinese, as an analyst filters by them.
NAMED_COLUMNS = [
    "条款编号",
    "文件标题",
    "文号",
    "发文机关",
    "地区",
    "发布日期",
    "施行日期",
    "效力",
    "文种",
    "条款位置",
    "政策工具",
    "置信度",
    "条文",
    "引用",
    "链接",
]
# What scripts read before issue 27, column for column (DESIGN §4.2).
SCRIPT_COLUMNS_BEFORE = CSV_COLUMNS[: CSV_COLUMNS.index("shown_categories") + 1]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def table_rows(response) -> list[dict]:
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=utf-8''")[1])


def workbook(response):
    return load_workbook(io.BytesIO(body(response)))


def test_the_page_s_csv_opens_in_excel_with_its_chinese(corpus, client):
    response = client.get("/", {"q": "数据安全", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    # The byte-order mark tells Excel the file is UTF-8.
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header == TABLE_HEADER
    assert [name for name in header if name in NAMED_COLUMNS] == NAMED_COLUMNS
    assert filename(response) == f"{export_name('政策检索', '数据安全')}.csv"
    assert filename(response).startswith("政策检索-数据安全-20")


def test_the_page_s_csv_says_what_the_page_says(corpus, client):
    rows = table_rows(client.get("/", {"q": "数据", "format": "csv"}))
    assert len(rows) == api(client, q="数据")["count"]
    clauses = Clause.objects.in_bulk([int(row["条款编号"]) for row in rows])
    standings = set()
    for row in rows:
        clause = clauses[int(row["条款编号"])]
        document = clause.document
        assert row["文件标题"] == document.title
        assert row["发文机关"] == "、".join(document.issuer_names)
        assert row["效力"] == document.standing_label
        assert row["政策工具"] == clause.category.name
        assert row["发布日期"] == (
            document.publish_date.isoformat() if document.publish_date else ""
        )
        assert row["链接"] == f"http://testserver/documents/{document.pk}/#c{clause.pk}"
        assert row["引用"] == clause.citation
        standings.add(row["效力"])
    # 效力 in the page's words, never the API's codes.
    assert standings & {Standing.IN_FORCE.label, Standing.NOT_YET.label}
    assert not standings & set(Standing.values)
    # The issuer column holds what analysts filter by first: 002's 北京 policies name theirs.
    assert any(row["发文机关"] for row in rows)


def test_the_api_s_csv_keeps_the_header_scripts_read(corpus, client):
    response = client.get("/api/search", {"q": "数据安全", "standing": "in_force", "format": "csv"})
    raw = body(response)
    assert not raw.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(raw.decode()))
    # Columns are only added, at the end: every old one keeps its place.
    assert header[: len(SCRIPT_COLUMNS_BEFORE)] == SCRIPT_COLUMNS_BEFORE
    assert header[len(SCRIPT_COLUMNS_BEFORE) :] == ["issuer", "url"]
    assert len(rows) == api(client, q="数据安全", standing="in_force")["count"] > 0
    assert {row[header.index("standing")] for row in rows} == {"in_force"}
    documents = Document.objects.in_bulk([int(row[1]) for row in rows])
    for row in rows:
        assert row[header.index("issuer")] == "、".join(documents[int(row[1])].issuer_names)


def test_a_cell_excel_would_run_as_a_formula_starts_with_an_apostrophe(
    corpus, client, store_drafts
):
    store_drafts(
        [
            DocumentDraft(
                source="hostile.txt",
                title="关于公式注入测试的通知",
                clauses=[ClauseDraft('=HYPERLINK("http://example.com","数据安全点此")')],
            )
        ]
    )
    rows = table_rows(client.get("/", {"q": "数据安全点此", "format": "csv"}))
    assert [row["条文"] for row in rows] == ['\'=HYPERLINK("http://example.com","数据安全点此")']
    # Scripts get the text as it is.
    scripts = body(client.get("/api/search", {"q": "数据安全点此", "format": "csv"})).decode()
    assert '"=HYPERLINK(""http://example.com"",""数据安全点此"")"' in scripts


def test_the_excel_file_has_dates_numbers_widths_a_frozen_header_and_a_filter(corpus, client):
    response = client.get("/", {"q": "数据安全", "format": "xlsx"})
    assert response.status_code == 200
    book = workbook(response)
    assert book.sheetnames == ["条款", "检索条件"]
    sheet = book["条款"]
    header = [cell.value for cell in sheet[1]]
    assert header == TABLE_HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    count = api(client, q="数据安全")["count"]
    assert sheet.max_row == count + 1
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{count + 1}"
    column = {name: index for index, name in enumerate(header, 1)}
    dated = 0
    for row in range(2, sheet.max_row + 1):
        published = sheet.cell(row, column["发布日期"])
        if published.value is not None:
            assert published.is_date and isinstance(published.value, dt.datetime)
            dated += 1
        assert isinstance(sheet.cell(row, column["条款编号"]).value, int)
        assert isinstance(sheet.cell(row, column["置信度"]).value, float)
        assert sheet.cell(row, column["链接"]).hyperlink.target.startswith("http://testserver/")
    assert dated
    # Wide enough for its header (a Chinese character is two widths) and for a
    # date; the text and the title wider than the codes.
    widths = {
        name: sheet.column_dimensions[sheet.cell(1, i).column_letter].width
        for name, i in column.items()
    }
    assert all(width >= 2 * len(name) for name, width in widths.items())
    assert widths["发布日期"] >= len("2024-01-01")
    assert widths["条文"] > widths["文件标题"] > widths["文种"]


def test_the_excel_file_names_its_search(corpus, client):
    params = {"q": "数据安全", "province": "北京市", "standing": "in_force", "sort": "newest"}
    before = dt.datetime.now().replace(microsecond=0) - dt.timedelta(seconds=1)
    about = dict(workbook(client.get("/", {**params, "format": "xlsx"}))["检索条件"].values)
    found = api(client, **params)
    assert about["检索词"] == "数据安全"
    assert about["省份"] == "北京市"
    assert about["效力"] == "现行有效"
    assert about["排序"] == "发布日期（新→旧）"
    assert about["条款数"] == found["count"] > 0
    assert about["文件数"] == len({r["document_id"] for r in all_results(client, params)})
    assert about["检索页面"].startswith("http://testserver/?q=")
    assert "format=" not in about["检索页面"] and "province=" in about["检索页面"]
    assert before <= about["导出时间"] <= dt.datetime.now() + dt.timedelta(seconds=1)


def all_results(client, params) -> list[dict]:
    first = api(client, **params)
    results = first["results"]
    for page in range(2, first["num_pages"] + 1):
        results += api(client, **params, page=page)["results"]
    return results


def test_the_api_s_excel_is_the_analyst_s(corpus, client):
    book = workbook(client.get("/api/search", {"q": "数据", "format": "xlsx"}))
    assert [cell.value for cell in book["条款"][1]] == TABLE_HEADER
    assert book["检索条件"]["B1"].value == "数据"


@pytest.fixture
def gathered(corpus):
    """Three clauses of two documents, as 摘编 gathers them."""
    plan = Document.objects.get(doc_number="國數政策〔2023〕11号")
    other = Clause.objects.exclude(document=plan).order_by("pk").first()
    return [*plan.clauses.order_by("order")[:2], other]


def test_excerpts_export_as_the_analyst_s_csv_and_excel(client, gathered):
    ids = ",".join(str(clause.pk) for clause in gathered)
    response = client.get("/excerpts/", {"ids": ids, "format": "csv"})
    assert filename(response) == f"{export_name('政策条文摘编')}.csv"
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # The page's order: the plan's clauses in the order of its text, then the other.
    assert [int(row["条款编号"]) for row in rows] == [clause.pk for clause in gathered]

    book = workbook(client.get("/excerpts/", {"ids": ids, "format": "xlsx"}))
    sheet = book["条款"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.endswith(str(len(gathered) + 1))
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        clause.pk for clause in gathered
    ]
    about = dict(book["检索条件"].values)
    assert about["摘编页面"] == f"http://testserver/excerpts/?ids={ids}"
    assert about["条款数"] == 3 and about["文件数"] == 2
