"""Every matching clause as a file an analyst opens in a spreadsheet."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .records import CSV_COLUMNS, clause_csv_row

FILENAME = "policybase-clauses"


class _Echo:
    def write(self, value):
        return value


def csv_response(clauses) -> StreamingHttpResponse:
    """Streams rows as the clauses load, so a large export starts at once."""
    writer = csv.writer(_Echo())
    rows = (clause_csv_row(clause) for clause in clauses)
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.csv"'
    return response


def xlsx_response(clauses) -> FileResponse:
    # A write-only workbook keeps one row in memory at a time; the file goes to a
    # temporary file (an .xlsx is a zip, written whole before it can be sent).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("条款")
    for row in _with_header(clause_csv_row(clause) for clause in clauses):
        sheet.append([_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"{FILENAME}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _cell(sheet, value):
    # openpyxl writes a string that starts with "=" as a formula; clause text is text.
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _with_header(rows):
    yield CSV_COLUMNS
    yield from rows


EXPORTS = {"csv": csv_response, "xlsx": xlsx_response}
