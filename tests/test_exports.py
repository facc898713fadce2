"""The shared Excel helper: headers, typed cells, totals, and text that stays text."""
import datetime as dt
import io

from openpyxl import load_workbook

from congdoan.exports import Column, safe_filename, xlsx_bytes, xlsx_response


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
