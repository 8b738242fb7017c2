"""Every matching clause as a file: a table an analyst opens in Excel, and the
plain CSV scripts read from ``/api/search?format=csv`` (DESIGN §4.2).

The analyst's table speaks the page's language: Chinese column names, 效力
as the page says it, dates as dates and numbers as numbers in Excel; its CSV
starts with a byte-order mark, without which Excel on a Chinese Windows reads
UTF-8 as the local code page and garbles every character. The scripts' CSV
keeps its English header and codes, without a mark, as scripts rely on it.

Both stream: clauses arrive in batches (``all_matching_clauses``) and leave
row by row, so a large export never sits in memory.
"""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from policybase.catalog.models import Clause, category_names

from .records import CSV_COLUMNS, clause_csv_row

SCRIPT_FILENAME = "policybase-clauses.csv"
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell Excel would read as a formula: =, +, - or @ first (OWASP's CSV
# injection). Clause text is ingested from anywhere; in the analyst's files
# such a value starts with an apostrophe instead.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


@dataclass(frozen=True)
class Column:
    header: str
    # Excel's width in characters of its default font; a Chinese character
    # takes two. Chosen for typical content: rows stream, so the widest cell
    # is not known when the widths must be written.
    width: int
    value: Callable[[Clause, str], object]  # (clause, the site's address) -> cell value
    number_format: str | None = None


def _region(clause, level: str) -> str:
    return clause.document.region_ref()[level] or ""


def _second_category(clause) -> str:
    second = clause.second_category_id
    return "" if second is None else category_names().get(second, "")


# The analyst's table: every column the scripts' CSV has, in the page's words.
TABLE = [
    Column("条款编号", 10, lambda c, site: c.pk, "0"),
    Column("文件编号", 10, lambda c, site: c.document_id, "0"),
    Column("文件标题", 44, lambda c, site: c.document.title),
    Column("文号", 24, lambda c, site: c.document.doc_number),
    Column("发文机关", 28, lambda c, site: "、".join(c.document.issuer_names)),
    Column("地区", 20, lambda c, site: str(c.document.region or "")),
    Column("省份", 12, lambda c, site: _region(c, "province")),
    Column("城市", 12, lambda c, site: _region(c, "city")),
    Column("区县", 12, lambda c, site: _region(c, "district")),
    Column(
        "层级",
        8,
        lambda c, site: c.document.region.get_level_display() if c.document.region else "",
    ),
    Column("发布日期", 12, lambda c, site: c.document.publish_date, "yyyy-mm-dd"),
    Column("施行日期", 12, lambda c, site: c.document.effective_date, "yyyy-mm-dd"),
    Column("效力", 10, lambda c, site: c.document.standing_label),
    Column("文种", 8, lambda c, site: c.document.doc_type),
    Column("状态", 14, lambda c, site: "、".join(c.document.status)),
    Column("条款位置", 22, lambda c, site: c.locator),
    Column("所在章节", 30, lambda c, site: " › ".join(c.path)),
    Column("政策工具", 20, lambda c, site: c.category.name if c.category else ""),
    Column("工具类型", 10, lambda c, site: c.category.get_group_display() if c.category else ""),
    Column("置信度", 8, lambda c, site: c.confidence, "0.00"),
    Column("第二候选", 20, lambda c, site: _second_category(c)),
    Column("存疑", 6, lambda c, site: "是" if c.second_category_id is not None else ""),
    Column("条文", 80, lambda c, site: c.text),
    Column("引用", 60, lambda c, site: c.citation),
    Column("链接", 40, lambda c, site: site + c.get_absolute_url()),
]
TABLE_HEADER = [column.header for column in TABLE]


def _attachment(response, filename: str):
    # filename* carries a Chinese name; an ASCII one stays filename="…".
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class _Echo:
    def write(self, value):
        return value


def csv_response(clauses: Iterable[Clause], site: str) -> StreamingHttpResponse:
    """The scripts' CSV: English header, codes as values, no byte-order mark.
    Columns are only ever added at the end (records.CSV_COLUMNS)."""
    writer = csv.writer(_Echo())
    rows = (clause_csv_row(clause, site) for clause in with_issuers(clauses))
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(CSV_COLUMNS, rows)),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, SCRIPT_FILENAME)


def table_csv_response(clauses: Iterable[Clause], site: str, name: str) -> StreamingHttpResponse:
    """The analyst's CSV, which Excel opens with its Chinese intact."""
    writer = csv.writer(_Echo())
    rows = ([_csv_text(column.value(c, site)) for column in TABLE] for c in with_issuers(clauses))
    lines = (writer.writerow(row) for row in _with_header(TABLE_HEADER, rows))
    response = StreamingHttpResponse(_first_marked(lines), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{name}.csv")


def with_issuers(clauses: Iterable[Clause], batch: int = 500):
    """The clauses, their documents' issuers read a batch at a time (one
    query per batch rather than one per row)."""
    chunk = []
    for clause in clauses:
        chunk.append(clause)
        if len(chunk) == batch:
            prefetch_related_objects(chunk, "document__issuers")
            yield from chunk
            chunk = []
    prefetch_related_objects(chunk, "document__issuers")
    yield from chunk


def _first_marked(lines):
    yield BOM
    yield from lines


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if FORMULA_START.match(text) else text


def xlsx_response(
    clauses: Iterable[Clause], site: str, name: str, about: list[tuple[str, object]]
) -> FileResponse:
    """The analyst's workbook: the clauses on a sheet with a frozen header row,
    a filter on every column and widths that fit; a second sheet says where
    they came from (``about``: what was searched or gathered, by the caller;
    the counts and the time of export, here)."""
    # A write-only workbook keeps one row in memory at a time; the file goes to a
    # temporary file (an .xlsx is a zip, written whole before it can be sent).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("条款")
    # Widths and the frozen pane precede the rows in the file: set them first.
    for index, column in enumerate(TABLE, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, header) for header in TABLE_HEADER])
    rows, documents = 0, set()
    for clause in with_issuers(clauses):
        sheet.append([_cell(sheet, column, column.value(clause, site)) for column in TABLE])
        rows += 1
        documents.add(clause.document_id)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(TABLE))}{rows + 1}"

    info = workbook.create_sheet("检索条件")
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 80
    exported = timezone.localtime().replace(tzinfo=None, microsecond=0)
    for label, value in [
        *about,
        ("条款数", rows),
        ("文件数", len(documents)),
        ("导出时间", exported),
        ("来源", "PolicyBase 数据政策库"),
    ]:
        cell = _cell(info, None, value)
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        info.append([_bold(info, label), cell])

    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE)


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, column: Column | None, value):
    if value is None or value == "":
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl writes a string that starts with "=" as a formula; text is text.
        cell.data_type = "s"
        if value.startswith(("http://", "https://")):
            cell.hyperlink = value
            cell.style = "Hyperlink"
    elif column is not None and column.number_format:
        cell.number_format = column.number_format
    return cell


def _with_header(header, rows):
    yield header
    yield from rows


FILENAME_UNSAFE = re.compile(r"[^\w\u3400-\u9fff]+")


def export_name(prefix: str, words: str = "") -> str:
    """政策检索-数据安全-20261208: what the file is, the words searched (those a
    file name can hold), the day."""
    words = FILENAME_UNSAFE.sub("_", words).strip("_")[:30]
    day = f"{timezone.localdate():%Y%m%d}"
    return "-".join(part for part in (prefix, words, day) if part)


# The formats of the analyst's files: the search page's, /api/search?format=xlsx and 摘编's.
TABLE_FORMATS = ("csv", "xlsx")


def table_response(kind: str, clauses, site: str, name: str, about: list[tuple[str, object]]):
    """The analyst's file of ``kind`` (TABLE_FORMATS); ``about`` names the
    search on the workbook's second sheet."""
    if kind == "csv":
        return table_csv_response(clauses, site, name)
    return xlsx_response(clauses, site, name, about)
