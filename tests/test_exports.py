"""The shared Excel helper: headers, typed cells, totals, and text that stays text; the row-by-row
writer of long lists makes the same sheet, and one that fails leaves nothing behind."""
import datetime as dt
import io
import os

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet import _writer as openpyxl_writer

from congdoan import exports
from congdoan.exports import Column, safe_filename, write_xlsx, xlsx_bytes, xlsx_file_response, xlsx_response


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_title_headers_rows_and_totals():
    headers = [Column("STT", "int"), "Họ và tên", Column("Ngày gửi", "date"), Column("Số tiền (đồng)", "money")]
    rows = [[1, "Nguyễn Thị Thanh", dt.date(2026, 9, 10), 1_500_000], [2, "Trần Thị Yến", dt.date(2026, 9, 12), None]]
    sheet = _sheet(xlsx_bytes("DANH SÁCH KHEN THƯỞNG", headers, rows, totals={"Số tiền (đồng)": 1_500_000},
                              subtitle="2 đề xuất"))
    assert sheet["A1"].value == "DANH SÁCH KHEN THƯỞNG" and sheet["A1"].font.bold
    assert sheet["A2"].value == "2 đề xuất"
    assert [c.value for c in sheet[4]] == ["STT", "Họ và tên", "Ngày gửi", "Số tiền (đồng)"]
    assert sheet["B5"].value == "Nguyễn Thị Thanh"
    assert sheet["C5"].value.date() == dt.date(2026, 9, 10) and sheet["C5"].number_format == "dd/mm/yyyy"
    assert sheet["D5"].value == 1_500_000 and "#,##0" in sheet["D5"].number_format
    assert sheet["D6"].value is None
    assert sheet["A7"].value == "Tổng cộng" and sheet["D7"].value == 1_500_000 and sheet["D7"].font.bold
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:D6"


def test_text_that_looks_like_a_formula_stays_text():
    rows = [["=HYPERLINK(\"http://evil\",\"bấm\")", "+1+1", "@SUM(A1)", "ok\x07\x00"]]
    sheet = _sheet(xlsx_bytes("T", ["a", "b", "c", "d"], rows))
    assert sheet["A4"].value == '=HYPERLINK("http://evil","bấm")' and sheet["A4"].data_type == "s"
    assert sheet["B4"].data_type == "s" and sheet["C4"].data_type == "s"
    assert sheet["D4"].value == "ok"


def test_response_is_a_download_with_an_ascii_name(app):
    with app.test_request_context():
        response = xlsx_response("Đợt Trung thu 2026", "T", ["a"], [["x"]])
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert 'filename=dot-trung-thu-2026.xlsx' in response.headers["Content-Disposition"]
        response.direct_passthrough = False
        assert _sheet(response.get_data())["A4"].value == "x"
        response.close()
    assert safe_filename("!!!") == "danh-sach"


def test_times_are_written_in_vietnam_time_not_utc():
    """The database keeps UTC; a list exported at 08:30 in Hải Phòng said 01:30, seven hours early."""
    stored = dt.datetime(2026, 11, 20, 1, 30)                    # naive UTC, as the columns hold it
    sheet = _sheet(xlsx_bytes("LỊCH SỬ", ["Việc", Column("Lúc", "datetime")], [["Họp BCH", stored]]))
    assert sheet["B4"].value == dt.datetime(2026, 11, 20, 8, 30)
    late = dt.datetime(2026, 11, 20, 20, 15)                      # 03:15 the next day in Vietnam
    sheet = _sheet(xlsx_bytes("LỊCH SỬ", ["Việc", Column("Lúc", "datetime")], [["Họp BCH", late]]))
    assert sheet["B4"].value == dt.datetime(2026, 11, 21, 3, 15)


def sheet_facts(data: bytes) -> dict:
    """Everything a reader of the file sees: every cell's value, type and look, the widths, the frozen
    rows, the filter, the printing."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    cells = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            cells[cell.coordinate] = (cell.value, cell.data_type, cell.number_format, cell.font.b, cell.font.i,
                                      cell.font.sz, cell.font.color.rgb if cell.font.color else None,
                                      cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                                      cell.alignment.wrap_text, cell.alignment.vertical, cell.alignment.horizontal,
                                      cell.border.left.style, cell.border.bottom.color.rgb if cell.border.bottom.color else None)
    return {"title": sheet.title, "cells": cells,
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref, "print_rows": sheet.print_title_rows,
            "page": (sheet.page_setup.orientation, sheet.page_setup.paperSize, sheet.page_setup.fitToWidth,
                     sheet.page_setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage)}


HEADERS = [Column("STT", "int"), "Họ và tên", Column("Ngày gửi", "date"), Column("Lúc", "datetime"),
           Column("Số tiền (đồng)", "money"), "Ghi chú", Column("Rộng", "text", width=30)]
ROWS = [
    [1, "Nguyễn Thị Thanh", dt.date(2026, 9, 10), dt.datetime(2026, 11, 20, 20, 15), 1_500_000, "", "x"],
    [2, "=HYPERLINK(\"http://evil\",\"bấm\")", None, None, None, "dòng một\ndòng hai", None],
    [3, "+1+1", dt.date(2026, 1, 2), None, 2_500.5, "@SUM(A1)", "-3"],
    [4, 17, None, None, True, "ok\x07\x00", ""],
    [5, "  lề hai bên  ", None, None, -7, "#N/A", 0],
    [6, "Tom & Jerry <b>đậm</b> \"trích\" 'đơn'", None, None, 0, "dòng\r\nWindows\rcũ\ttab", "]]> &amp;"],
]


def _written(*args, **kwargs) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, *args, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("totals,subtitle,rows", [
    ({"Số tiền (đồng)": 1_502_500}, "4 dòng · xuất lúc 20/11/2026 08:30", ROWS),
    (None, "", ROWS),
    ({"Số tiền (đồng)": 0}, "0 dòng", []),
])
def test_the_row_by_row_writer_makes_the_same_sheet(totals, subtitle, rows):
    before = xlsx_bytes("DANH SÁCH =THỬ", HEADERS, rows, totals, subtitle=subtitle, sheet_name="Khen thưởng: con/cháu")
    after = _written("DANH SÁCH =THỬ", HEADERS, iter(rows), totals, subtitle=subtitle,
                     sheet_name="Khen thưởng: con/cháu")
    assert sheet_facts(after) == sheet_facts(before)


def test_a_long_list_is_measured_on_its_first_rows_and_totalled_once_read(monkeypatch):
    monkeypatch.setattr(exports, "WIDTH_SAMPLE", 3)
    read = []

    def rows():
        for n in range(1, 11):
            read.append(n)
            yield [n, "Tên" if n != 8 else "Một cái tên dài hơn hẳn những cái trước", n * 1000]

    headers = [Column("STT", "int"), "Họ và tên", Column("Tiền", "money")]
    sheet = load_workbook(io.BytesIO(_written("T", headers, rows(), lambda: {"Tiền": sum(read) * 1000}))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [r[0] for r in values[3:-1]] == list(range(1, 11))
    assert values[-1] == ["Tổng cộng", None, 55_000]
    assert sheet.auto_filter.ref == "A3:C13" and sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["B"].width == len("Họ và tên") + 2      # measured on rows 1-3


def _failing_rows(after: int):
    for n in range(1, 100):
        if n > after:
            raise RuntimeError("the database went away")
        yield [n, "Nguyễn Thị Thanh"]


@pytest.mark.parametrize("after", [0, 2, 7])
def test_a_writer_that_fails_leaves_no_temporary_file(monkeypatch, after):
    """Before the first row, within the measured rows or after them: openpyxl's own file of the sheet
    is removed too (it would stay in the worker until it exits)."""
    monkeypatch.setattr(exports, "WIDTH_SAMPLE", 5)
    before = list(openpyxl_writer.ALL_TEMP_FILES)
    with pytest.raises(RuntimeError):
        _written("T", ["STT", "Tên"], _failing_rows(after))
    assert openpyxl_writer.ALL_TEMP_FILES == before
    assert not [p for p in openpyxl_writer.ALL_TEMP_FILES if os.path.exists(p)]


def test_the_file_response_sends_the_whole_file_with_its_length(app, monkeypatch):
    monkeypatch.setattr(exports, "WIDTH_SAMPLE", 2)
    with app.test_request_context():
        response = xlsx_file_response("Đợt Trung thu 2026", "T", ["a"], iter([["x"], ["y"], ["z"]]))
        assert 'filename=dot-trung-thu-2026.xlsx' in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "private, no-store"
        response.direct_passthrough = False
        data = response.get_data()
        response.close()
    assert int(response.headers["Content-Length"]) == len(data)
    assert [c.value for c in _sheet(data)["A"]][3:] == ["x", "y", "z"]
    with app.test_request_context(), pytest.raises(RuntimeError):
        xlsx_file_response("T", "T", ["STT", "Tên"], _failing_rows(3))
