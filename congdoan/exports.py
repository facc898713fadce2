"""Excel (.xlsx) lists for download, shared by every area that exports a list (requests, tasks...).

xlsx_response(filename, title, headers, rows, totals=None) builds one sheet: a title line, an optional
subtitle, a bold header row that stays in view and carries filters, the rows, and a "Tổng cộng" row.
Money is stored as whole numbers with a thousands format (so Excel can add them up), dates as dates.
Text is always text: a cell a member typed as "=HYPERLINK(...)" (or "+", "-", "@") is never turned
into a formula: it is written as a string cell, which Excel shows and never evaluates.

A list that may be long (a factory's campaign: 20,000 rows) is written by write_xlsx instead: the same
sheet, row by row, with openpyxl's write-only mode, so that memory does not grow with the rows, into a
temporary file that is sent only once it is complete (xlsx_file_response): an export that fails halfway
answers with the error page, never with a cut-off file. tests/test_exports.py checks that both writers
give the same sheet.
"""
from __future__ import annotations

import collections
import contextlib
import datetime as dt
import io
import itertools
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import fromstring

from .dates import to_local
from .text import fold

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '#,##0 "đ"'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TOTAL_LABEL = "Tổng cộng"
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
SUBTITLE_FONT = Font(italic=True, color="555555")
_THIN = Side(style="thin", color="999999")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
# The column widths of a long list are measured on its first rows (all of a shorter one).
WIDTH_SAMPLE = 1000


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


# How a cell looks, by what it holds (see _value): the attributes each look sets.
LOOKS = {
    "money": {"number_format": MONEY_FORMAT},
    "int": {"number_format": "0"},
    "datetime": {"number_format": DATETIME_FORMAT},
    "date": {"number_format": DATE_FORMAT},
    "text": {},
    "wrapped": {"alignment": Alignment(wrap_text=True, vertical="top")},
}
TEXT_LOOKS = ("text", "wrapped")


def _value(value, column: Column) -> tuple[object, str | None]:
    """What a cell of `column` holds for `value`, and its look (a key of LOOKS; None: an empty cell)."""
    if value is None or value == "":
        return None, None
    if column.kind in ("money", "int") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value, column.kind
    if isinstance(value, dt.datetime):
        return to_local(value).replace(tzinfo=None), "datetime"   # the database keeps UTC; people read local time
    if isinstance(value, dt.date):
        return value, "date"
    text = _text(value)
    return text, "wrapped" if "\n" in text else "text"


def _put(cell, value, column: Column) -> None:
    value, look = _value(value, column)
    if look is None:
        return
    cell.value = value
    if look in TEXT_LOOKS:
        cell.data_type = "s"          # never a formula, whatever the text starts with
    for name, setting in LOOKS[look].items():
        setattr(cell, name, setting)


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
    sheet.title = _sheet_title(sheet_name)
    n = len(columns)
    bold, box = BOLD, BOX

    sheet.cell(row=1, column=1, value=_text(title)).font = TITLE_FONT
    sheet.cell(row=1, column=1).data_type = "s"
    row_no = 2
    if subtitle:
        cell = sheet.cell(row=2, column=1, value=_text(subtitle))
        cell.font = SUBTITLE_FONT
        cell.data_type = "s"
        row_no = 3
    header_row = row_no + 1
    widths = [len(c.label) for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.label)
        _header_look(cell)
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
    _set_widths(sheet, columns, widths)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if last_data > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(n)}{last_data}"
    _page_setup(sheet, header_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Danh sách"


def _header_look(cell) -> None:
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT
    cell.border = BOX


def _set_widths(sheet, columns: list[Column], widths: list[int]) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or min(max(widths[index - 1] + 2, 6), 60)


def _page_setup(sheet, header_row: int) -> None:
    """Printed: the header row on every page, landscape A4, as wide as the page."""
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"          # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def write_xlsx(out, title: str, headers, rows: Iterable, totals: dict | Callable[[], dict] | None = None, *,
               subtitle: str = "", sheet_name: str = "Danh sách") -> None:
    """The sheet of xlsx_bytes, written row by row into `out` (a binary file) with openpyxl's write-only
    mode: what stays in memory does not grow with the rows. `rows` is read once, as it comes. The
    column widths are measured on its first WIDTH_SAMPLE rows (on all of a shorter list, whose file is
    then the one xlsx_bytes makes); `totals` may be a callable, called once every row has been read
    (for sums the rows add up as they go)."""
    columns = _columns(headers)
    n = len(columns)
    rows = iter(rows)
    sample = collections.deque(itertools.islice(rows, WIDTH_SAMPLE))
    complete = len(sample) < WIDTH_SAMPLE
    widths = [len(c.label) for c in columns]
    for values in sample:
        for index, (column, value) in enumerate(zip(columns, values)):
            widths[index] = max(widths[index], _width(value, column))
    if complete and callable(totals):
        totals = totals()
    if totals and not callable(totals):
        for index, column in enumerate(columns):
            if column.label in totals:
                widths[index] = max(widths[index], _width(totals[column.label], column))

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(sheet_name))
    try:
        _set_widths(sheet, columns, widths)
        header_row = 4 if subtitle else 3
        sheet.freeze_panes = f"A{header_row + 1}"
        _page_setup(sheet, header_row)
        lines = _Lines(sheet)
        lines.cells([_styled(sheet, _text(title), font=TITLE_FONT)])
        if subtitle:
            lines.cells([_styled(sheet, _text(subtitle), font=SUBTITLE_FONT)])
        lines.cells([])
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.label)
            _header_look(cell)
            header.append(cell)
        lines.cells(header)
        while sample:                     # each measured row let go once written
            lines.values(sample.popleft(), columns)
        for values in rows:
            lines.values(values, columns)
        last_data = lines.number
        if callable(totals):
            totals = totals()
        if totals:
            line = []
            for index, column in enumerate(columns, start=1):
                cell = WriteOnlyCell(sheet)
                if index == 1:
                    cell.value = TOTAL_LABEL
                    cell.font = BOLD
                if column.label in totals:
                    _put(cell, totals[column.label], column)
                    cell.font = BOLD
                cell.border = BOX
                line.append(cell)
            lines.cells(line)
        if last_data > header_row:
            sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(n)}{last_data}"
        book.save(out)
    except BaseException:
        _discard(sheet)
        raise


def _styled(sheet, value, *, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    cell.data_type = "s"
    return cell


class _Lines:
    """The lines of a write-only sheet, in the stream openpyxl writes the sheet's XML to (what its
    WriteOnlyWorksheet.append does). A few styled lines (title, header, total) go through openpyxl's
    cells; each line of data is written straight as the XML openpyxl would write for those cells: going
    through a cell object per value cost four fifths of the time of a 20,000-row list. Every cell of a
    data line has one of a few looks (LOOKS, with the box around it), whose style ids are found once.
    It uses what openpyxl 3.1's write-only sheet keeps (_get_writer, _writer, _rows; the version is pinned
    in requirements.in): tests/test_exports.py compares its sheets with xlsx_bytes's, so an upgrade that
    changes them fails there."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.number = 0
        self.epoch = sheet.parent.epoch
        self.letters: list[str] = []
        self.style_ids = {}
        for look, settings in [(None, {}), *LOOKS.items()]:
            template = WriteOnlyCell(sheet)
            for name, setting in settings.items():
                setattr(template, name, setting)
            template.border = BOX
            self.style_ids[look] = str(template.style_id)
        sheet._get_writer()
        sheet._rows = self._stream()        # closed by the sheet when the workbook is saved
        next(sheet._rows)

    def _stream(self):
        writer = self.sheet._writer
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            try:
                while True:
                    number, line = (yield)
                    if isinstance(line, list):
                        writer.write_row(xf, line, number)
                    else:
                        xf.write(line)
            except GeneratorExit:
                pass
        writer.xf.send(None)

    def cells(self, cells: list) -> None:
        self.number += 1
        for index, cell in enumerate(cells, start=1):
            cell.row, cell.column = self.number, index
        self.sheet._rows.send((self.number, cells))

    def values(self, values, columns: list[Column]) -> None:
        """A line of data: for each value the <c> element openpyxl writes for a cell holding it, put
        together as text and parsed by lxml (half the time of building the elements one by one; a
        mistake in it could only fail to parse, never write something else)."""
        self.number += 1
        number = str(self.number)
        if len(self.letters) < len(columns):
            self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        parts = [f'<row r="{number}">']
        for letter, column, value in zip(self.letters, columns, values):
            value, look = _value(value, column)
            head = f'<c r="{letter}{number}" s="{self.style_ids[look]}"'
            if look in TEXT_LOOKS:
                value = value[:32767]                 # Excel's limit, where openpyxl cuts a text too
                if value:
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    parts.append(f'{head} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
                else:
                    parts.append(head + ' t="inlineStr"/>')
            elif look is None:
                parts.append(head + ' t="n"/>')
            else:
                if look in ("date", "datetime"):
                    value = to_excel(value, self.epoch)
                parts.append(f'{head} t="n"><v>{safe_string(value)}</v></c>')
        parts.append("</row>")
        self.sheet._rows.send((self.number, fromstring("".join(parts))))


def _escape(text: str) -> str:
    """Text as XML character data; a carriage return as a reference, which parsing keeps (a bare one
    would be read as a line feed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _discard(sheet) -> None:
    """openpyxl writes a write-only sheet into a temporary file of its own, removed once the workbook is
    saved: a sheet given up halfway would leave it behind in the worker."""
    writer = getattr(sheet, "_writer", None)
    if writer is None:
        return
    for generator in (getattr(sheet, "_rows", None), writer.xf):
        if generator is not None:
            with contextlib.suppress(Exception):
                generator.close()
    with contextlib.suppress(Exception):
        writer.cleanup()


def safe_filename(name: str, default: str = "danh-sach") -> str:
    """An ASCII file name from Vietnamese text: "Đợt Trung thu 2026" -> "dot-trung-thu-2026"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return slug[:80].rstrip("-") or default


def xlsx_response(filename: str, title: str, headers, rows, totals: dict | None = None, *,
                  subtitle: str = "", sheet_name: str = "Danh sách") -> Response:
    """An .xlsx download. `filename` may be Vietnamese; it is sent as ASCII with the .xlsx extension."""
    base = filename[:-5] if filename.lower().endswith(".xlsx") else filename
    data = xlsx_bytes(title, headers, rows, totals, subtitle=subtitle, sheet_name=sheet_name)
    return _download(io.BytesIO(data), base)


def xlsx_file_response(filename: str, title: str, headers, rows: Iterable,
                       totals: dict | Callable[[], dict] | None = None, *, subtitle: str = "",
                       sheet_name: str = "Danh sách") -> Response:
    """An .xlsx download of a list of any length: written by write_xlsx into a temporary file (on disk,
    already unlinked: nothing is left behind whatever happens), then sent from it in chunks, with its
    length. Nothing is sent before the file is complete: if writing fails (the database, a bug), the
    exception reaches the error page and the user never gets a cut-off file that looks whole."""
    base = filename[:-5] if filename.lower().endswith(".xlsx") else filename
    file = tempfile.TemporaryFile(prefix="congdoan-export-")
    try:
        write_xlsx(file, title, headers, rows, totals, subtitle=subtitle, sheet_name=sheet_name)
        size = file.tell()
        file.seek(0)
        response = _download(file, base)
    except BaseException:
        file.close()
        raise
    response.content_length = size
    return response


def _download(file, base: str) -> Response:
    response = send_file(file, mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=safe_filename(base) + ".xlsx", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
