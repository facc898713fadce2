"""Excel (.xlsx) lists for download, shared by every area that exports a list (requests, tasks...).

xlsx_response(filename, title, headers, rows, totals=None) builds one sheet: a title line, an optional
subtitle, a bold header row that stays in view and carries filters, the rows, and a "Tổng cộng" row.
Money is stored as whole numbers with a thousands format (so Excel can add them up), dates as dates.
Text is always text: a cell a member typed as "=HYPERLINK(...)" is never turned into a formula.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .dates import to_local
from .text import fold

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '#,##0 "đ"'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TOTAL_LABEL = "Tổng cộng"


@dataclass(frozen=True)
class Column:
    """A column: its Vietnamese header and how its values are written ("text", "money", "int",
    "date"). A plain string header is a text column."""
    label: str
    kind: str = "text"
    width: int | None = None


def _columns(headers) -> list[Column]:
    return [h if isinstance(h, Column) else Column(str(h)) for h in headers]


def _text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _put(cell, value, column: Column) -> None:
    if value is None or value == "":
        return
    if column.kind in ("money", "int") and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = MONEY_FORMAT if column.kind == "money" else "0"
    elif isinstance(value, dt.datetime):
        cell.value = to_local(value).replace(tzinfo=None)     # the database keeps UTC; people read local time
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = _text(value)
        cell.data_type = "s"          # never a formula, whatever the text starts with
        if "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _width(value, column: Column) -> int:
    if value is None:
        return 0
    if column.kind == "money" and isinstance(value, (int, float)):
        return len(f"{value:,.0f}") + 3
    if isinstance(value, (dt.date, dt.datetime)):
        return 16 if isinstance(value, dt.datetime) else 11
    return max((len(line) for line in str(value).split("\n")), default=0)


def xlsx_bytes(title: str, headers, rows, totals: dict | None = None, *, subtitle: str = "",
               sheet_name: str = "Danh sách") -> bytes:
    """The workbook as bytes. `rows` are sequences in header order; `totals` maps header labels to
    the value written under that column in the final "Tổng cộng" row."""
    columns = _columns(headers)
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", sheet_name)[:31] or "Danh sách"
    n = len(columns)
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    sheet.cell(row=1, column=1, value=_text(title)).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).data_type = "s"
    row_no = 2
    if subtitle:
        cell = sheet.cell(row=2, column=1, value=_text(subtitle))
        cell.font = Font(italic=True, color="555555")
        cell.data_type = "s"
        row_no = 3
    header_row = row_no + 1
    widths = [len(c.label) for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.label)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = box
    current = header_row
    for values in rows:
        current += 1
        for index, (column, value) in enumerate(zip(columns, values), start=1):
            cell = sheet.cell(row=current, column=index)
            _put(cell, value, column)
            cell.border = box
            widths[index - 1] = max(widths[index - 1], _width(value, column))
    last_data = current
    if totals:
        current += 1
        label = sheet.cell(row=current, column=1, value=TOTAL_LABEL)
        label.font = bold
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=current, column=index)
            cell.border = box
            if column.label in totals:
                _put(cell, totals[column.label], column)
                cell.font = bold
                widths[index - 1] = max(widths[index - 1], _width(totals[column.label], column))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or min(max(widths[index - 1] + 2, 6), 60)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if last_data > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(n)}{last_data}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def safe_filename(name: str, default: str = "danh-sach") -> str:
    """An ASCII file name from Vietnamese text: "Đợt Trung thu 2026" -> "dot-trung-thu-2026"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return slug[:80].rstrip("-") or default


def xlsx_response(filename: str, title: str, headers, rows, totals: dict | None = None, *,
                  subtitle: str = "", sheet_name: str = "Danh sách") -> Response:
    """An .xlsx download. `filename` may be Vietnamese; it is sent as ASCII with the .xlsx extension."""
    base = filename[:-5] if filename.lower().endswith(".xlsx") else filename
    data = xlsx_bytes(title, headers, rows, totals, subtitle=subtitle, sheet_name=sheet_name)
    response = send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=safe_filename(base) + ".xlsx", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
