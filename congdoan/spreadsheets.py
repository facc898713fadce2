"""Reading one table from an uploaded .xlsx or .csv, within ceilings checked before anything expands.

Every import of a list (today the member list) reads its file here. read_table(filename, data)
returns the rows of the first sheet (or of the CSV) as lists of strings, blank rows kept so row
numbers match what the spreadsheet shows. It refuses with TableRefused (a Vietnamese message naming
the limit, see docs/input-ceilings.md):

* a file over MAX_BYTES; for .xlsx, a zip member over its uncompressed limit, over MAX_XLSX_TOTAL
  in all, or packed like a bomb (congdoan.archives) — all read from the zip directory alone;
* then, streaming the shared strings and the sheets through expat before openpyxl sees them: a cell
  longer than MAX_CELL_CHARS, more than MAX_TEXT_CHARS of text in all, a row numbered past
  MAX_SHEET_ROWS or a cell past column MAX_COLUMNS (openpyxl would pad every empty row and column
  up to it);
* a CSV with a cell, a row count or a column count past the same limits.

openpyxl then reads the checked file in read-only (streaming) mode.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from xml.etree import ElementTree

from .archives import ArchiveRefused, mb, open_checked_zip, stream_xml

MAX_BYTES = 5 * 1024 * 1024          # the upload itself
MAX_ROWS = 50_000                    # data rows (factory scale)
MAX_SHEET_ROWS = MAX_ROWS + 1_000    # row numbers, counting the header and a few blank rows
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1_000
MAX_TEXT_CHARS = 10_000_000          # all the text of the file
MAX_XLSX_MEMBERS = 500
MAX_SHEET_XML = 64 * 1024 * 1024     # one worksheet part, uncompressed
MAX_STRINGS_XML = 32 * 1024 * 1024   # the shared strings part, uncompressed
MAX_OTHER_XML = 8 * 1024 * 1024      # styles, workbook, theme... (parsed whole by openpyxl)
MAX_XLSX_TOTAL = 128 * 1024 * 1024


class TableRefused(ValueError):
    """The file cannot be read as a table within the ceilings; the message is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def read_table(filename: str, data: bytes) -> list[list[str]]:
    if precheck(filename, data) == "xlsx":
        return _xlsx_table(data)
    return _csv_table(data)


def precheck(filename: str, data: bytes) -> str:
    """What can be refused without reading the rows (empty, too large, not a real .xlsx, an .xlsx past
    the zip ceilings): a large file is checked so before it is queued for the worker. Returns the
    kind, "xlsx" or "csv"."""
    if not data:
        raise TableRefused("Tệp trống.")
    if len(data) > MAX_BYTES:
        raise TableRefused(f"Tệp quá lớn (tối đa {mb(MAX_BYTES)}).")
    if data[:4] == b"PK\x03\x04":
        check_xlsx(data)
        return "xlsx"
    if filename.lower().endswith((".xlsx", ".xls")):
        raise TableRefused("Tệp không phải là tệp Excel .xlsx hợp lệ. Hãy lưu lại bằng Excel "
                           "dưới dạng .xlsx hoặc CSV UTF-8.")
    return "csv"


# ------------------------------------------------------------------------------------------ limits

def _cell_too_long(where: str = "") -> TableRefused:
    place = f"Ô {where}" if where else "Tệp có một ô"
    return TableRefused(f"{place} dài hơn {_n(MAX_CELL_CHARS)} ký tự (tối đa {_n(MAX_CELL_CHARS)} ký tự "
                        "mỗi ô). Hãy rút gọn nội dung ô đó rồi tải lên lại.")


def _too_much_text() -> TableRefused:
    return TableRefused(f"Tệp có quá nhiều chữ (tối đa {_n(MAX_TEXT_CHARS)} ký tự cho cả tệp).")


def _too_many_rows() -> TableRefused:
    return TableRefused(f"Tệp có quá nhiều dòng (tối đa {_n(MAX_ROWS)} người mỗi lần).")


def _too_many_columns(where: str = "") -> TableRefused:
    place = f" (ô {where})" if where else ""
    return TableRefused(f"Tệp có dữ liệu ở quá nhiều cột{place}: tối đa {MAX_COLUMNS} cột. Hãy xóa các "
                        "cột thừa rồi tải lên lại.")


# --------------------------------------------------------------------------------------------- CSV

# Bytes that are letters of Windows-1258 (Vietnamese) and not of Windows-1252: the combining tones
# (huyền, hỏi, ngã, sắc, nặng) and Ă ă Đ đ Ơ ơ Ư ư. A CSV that Excel saved as "CSV (Comma delimited)" on a
# Vietnamese Windows is in 1258; on a Western Windows in 1252.
_VIETNAMESE_ANSI = frozenset(b"\xcc\xd2\xde\xec\xf2\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd")


def _decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-16 or UTF-8 (with or without BOM), else the ANSI code page Excel uses
    on a Vietnamese (1258) or a Western (1252) Windows, composed to NFC."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in (("cp1258", "cp1252") if _VIETNAMESE_ANSI.intersection(data) else ("cp1252", "cp1258")):
        try:
            return unicodedata.normalize("NFC", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise TableRefused(
        "Không đọc được chữ trong tệp CSV (không phải UTF-8 hay mã ANSI của Excel). Trong Excel, chọn "
        "Lưu dưới dạng → 'CSV UTF-8 (Comma delimited)' hoặc 'Sổ làm việc Excel (.xlsx)' rồi tải lên lại.")


def _csv_table(data: bytes) -> list[list[str]]:
    text = _decode_csv(data)
    if "\x00" in text:
        raise TableRefused("Tệp không phải là tệp CSV văn bản.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            if len(table) >= MAX_SHEET_ROWS:
                raise _too_many_rows()
            if len(row) > MAX_COLUMNS and any(cell.strip() for cell in row[MAX_COLUMNS:]):
                raise _too_many_columns()
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise _cell_too_long(f"ở dòng {reader.line_num}")
            table.append(row[:MAX_COLUMNS])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(f"ở dòng {reader.line_num}") from None
        raise TableRefused(f"Không đọc được tệp CSV ở dòng {reader.line_num}: dấu ngoặc kép hoặc "
                           "dấu phân cách không đúng.") from None
    return table


# -------------------------------------------------------------------------------------------- XLSX

_CELL_REF = re.compile(r"([A-Z]+)(\d+)$")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _limit_for(kinds: dict[str, str]):
    def limit(name: str) -> int:
        kind = kinds.get(name, "")
        if "worksheet" in kind:
            return MAX_SHEET_XML
        if "sharedStrings" in kind:
            return MAX_STRINGS_XML
        if name.startswith("xl/media/"):
            return MAX_BYTES   # pictures are not read, and cannot be larger than the upload
        return MAX_OTHER_XML
    return limit


def _content_types(data: bytes) -> dict[str, str]:
    """Part name -> content type, from [Content_Types].xml (read within the "other" limit)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_OTHER_XML:
                raise TableRefused(f"Tệp Excel có phần [Content_Types].xml quá lớn (tối đa {mb(MAX_OTHER_XML)}).")
            root = ElementTree.fromstring(archive.read(info))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, OSError, EOFError):
        raise TableRefused("Không mở được tệp Excel. Hãy kiểm tra lại tệp (.xlsx).") from None
    return {el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
            for el in root if el.tag.endswith("Override")}


class _Counter:
    """The text seen so far in the whole file."""

    def __init__(self) -> None:
        self.text = 0

    def add(self, length: int) -> None:
        self.text += length
        if self.text > MAX_TEXT_CHARS:
            raise _too_much_text()


def _scan_strings(archive: zipfile.ZipFile, name: str, counter: _Counter) -> None:
    item = [0]

    def start(tag: str, _attrs) -> None:
        if tag == "si":
            item[0] = 0

    def text(chars: str) -> None:
        item[0] += len(chars)
        counter.add(len(chars))
        if item[0] > MAX_CELL_CHARS:
            raise _cell_too_long()

    stream_xml(archive, name, start=start, text=text)


def _scan_sheet(archive: zipfile.ZipFile, name: str, counter: _Counter) -> None:
    state = {"row": 0, "col": 0, "cell": 0, "ref": "", "in_value": False}

    def start(tag: str, attrs) -> None:
        if tag == "row":
            given = attrs.get("r", "")
            state["row"] = int(given) if given.isdigit() else state["row"] + 1
            state["col"] = 0
            if state["row"] > MAX_SHEET_ROWS:
                raise _too_many_rows()
        elif tag == "c":
            match = _CELL_REF.match(attrs.get("r", ""))
            state["col"] = _column_number(match.group(1)) if match else state["col"] + 1
            state["ref"] = match.group(0) if match else f"ở dòng {state['row']}"
            state["cell"] = 0
            if state["col"] > MAX_COLUMNS:
                raise _too_many_columns(state["ref"])
            if match and int(match.group(2)) > MAX_SHEET_ROWS:
                raise _too_many_rows()
        elif tag in ("v", "t", "f"):
            state["in_value"] = True

    def end(tag: str) -> None:
        if tag in ("v", "t", "f"):
            state["in_value"] = False

    def text(chars: str) -> None:
        if state["in_value"]:
            state["cell"] += len(chars)
            counter.add(len(chars))
            if state["cell"] > MAX_CELL_CHARS:
                raise _cell_too_long(state["ref"])

    stream_xml(archive, name, start=start, end=end, text=text)


def check_xlsx(data: bytes) -> None:
    """Every ceiling of the module docstring, without openpyxl and without expanding anything."""
    kinds = _content_types(data)
    try:
        archive = open_checked_zip(data, what="Tệp Excel", max_members=MAX_XLSX_MEMBERS,
                                   max_total=MAX_XLSX_TOTAL, limit_for=_limit_for(kinds))
    except ArchiveRefused as exc:
        raise TableRefused(str(exc)) from None
    counter = _Counter()
    with archive:
        names = archive.namelist()
        try:
            for name in names:
                kind = kinds.get(name, "")
                if "sharedStrings" in kind or name.lower().endswith("sharedstrings.xml"):
                    _scan_strings(archive, name, counter)
            for name in names:
                kind = kinds.get(name, "")
                if "worksheet" in kind or (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    _scan_sheet(archive, name, counter)
        except ArchiveRefused as exc:
            raise TableRefused(f"Không mở được tệp Excel: {exc}") from None


def _xlsx_table(data: bytes) -> list[list[str]]:
    """The rows of an .xlsx that precheck() let through (its zip ceilings are checked there)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise TableRefused("Không mở được tệp Excel. Hãy kiểm tra lại tệp (.xlsx).") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()   # a forged <dimension> must not pad the rows: the scan bounded them
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append(["" if v is None else _cell(v) for v in row[:MAX_COLUMNS]])
        return table
    finally:
        workbook.close()


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
