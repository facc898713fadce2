"""Moving a plan's text to the next year (congdoan/plans/year_shift.py), on real phrasings of union
plans: what moves, what stays as history or a citation's own date, and what is left for a person
with a suggestion."""
import pytest

from congdoan.plans.year_shift import Finding, calendar_of, lunar_name, shift_document, shift_text

# The calendar of a 2023 - 2024 plan: its own years and one either side.
CAL = range(2022, 2026)

MOVED = [
    # school years, any dash, any spacing, any prefix
    ("Năm học 2023 – 2024 là năm các cấp công đoàn triển khai", "Năm học 2024 – 2025 là năm các cấp công đoàn triển khai"),
    ("nhiệm vụ năm học 2023 - 2024", "nhiệm vụ năm học 2024 - 2025"),
    ("năm học 2023—2024", "năm học 2024—2025"),
    ("hồ sơ thi đua 2023-2024", "hồ sơ thi đua 2024-2025"),
    ("Kế hoạch NH 2023-2024", "Kế hoạch NH 2024-2025"),
    ("năm học 2023 -2024", "năm học 2024 -2025"),
    ("NĂM HỌC 2023 – 2024", "NĂM HỌC 2024 – 2025"),
    ("kết quả đạt được của Công đoàn năm học 2022 - 2023", "kết quả đạt được của Công đoàn năm học 2023 - 2024"),
    ("triển khai XD kế hoạch năm học 2024 - 2025", "triển khai XD kế hoạch năm học 2025 - 2026"),
    # years, months, dates
    ("trợ cấp Tết Nguyên đán năm 2024", "trợ cấp Tết Nguyên đán năm 2025"),
    ("Tổ chức Tết sum vầy 2024.", "Tổ chức Tết sum vầy 2025."),
    ("Quyết toán kinh phí Công đoàn 6 tháng cuối năm 2023", "Quyết toán kinh phí Công đoàn 6 tháng cuối năm 2024"),
    ("báo cáo trước ngày 16/9/2023", "báo cáo trước ngày 16/9/2024"),
    ("họp BCH tháng 9/2023", "họp BCH tháng 9/2024"),
    ("6, 7/ 2024", "6, 7/ 2025"),
    ("01/2024", "01/2025"),
    # an anniversary whose dates agree with its count is recounted
    ("kỷ niệm 93 năm ngày thành lập Hội LHPN VN (20/10/1930 - 20/10/2023).",
     "kỷ niệm 94 năm ngày thành lập Hội LHPN VN (20/10/1930 - 20/10/2024)."),
    ("Kỷ niệm 95 năm ngày thành lập Công đoàn Việt Nam (28/7/1929-28/7/2024)",
     "Kỷ niệm 96 năm ngày thành lập Công đoàn Việt Nam (28/7/1929-28/7/2025)"),
    ("1984 năm khởi nghĩa Hai Bà Trưng (40-2024)", "1985 năm khởi nghĩa Hai Bà Trưng (40-2025)"),
    ("Kỷ niệm 30 năm (1993 - 2023) thành lập trường", "Kỷ niệm 31 năm (1993 - 2024) thành lập trường"),
]

KEPT = [
    # citations keep their own date; history and other numbers are not years of the plan
    "Nghị quyết số 12/NQ-TW ngày 01/01/2023 của Bộ Chính trị",
    "thực hiện nghị quyết số 02 – NQ/TW ngày 12/6/2021 của Bộ chính trị",
    "Kế hoạch số 150/KH-LĐLĐ ngày 12/11/2022 của Liên đoàn Lao động thành phố",
    "Căn cứ Luật Công đoàn 2012",
    "Căn cứ Điều lệ Công đoàn Việt Nam khóa XIII",
    "Quyết định số 5/QĐ-CĐ ngày 05/9/2023 của Ban Chấp hành",
    "chương trình GDPT 2018",
    "ngày giải phóng miền Nam 30/4/1975",
    "hỗ trợ 1.500.000 đồng, mã 12345",
    "Quốc khánh 2/9 và ngày 20/11",
    "Đại hội Công đoàn Việt Nam lần thứ XIII",
    "Số: 01/KH-CĐ",
    "Căn cứ Nghị quyết Đại hội Công đoàn trường nhiệm kỳ 2023 - 2028;",     # a term still running
    "giai đoạn 2021 - 2025",
]

FLAGGED = [
    # (text, reason, fragment as it reads after the copy, suggestion)
    ("chào mừng kỷ niệm 94 năm ngày thành lập Công đoàn Việt Nam.", "anniversary", "94 năm", "95 năm"),
    ("gắn với kỷ niệm 79 năm ngày thành lập QĐNDVN", "anniversary", "79 năm", "80 năm"),
    ("Quốc khánh 2/9; 93 năm ngày thành lập Hội LH PN Việt Nam", "anniversary", "93 năm", "94 năm"),
    ("gắn với kỷ niệm 78 năm Cách mạng tháng Tám", "anniversary", "78 năm", "79 năm"),
    ("tổ chức kỷ niệm 114 ngày QTPN 8/3", "anniversary", "114 ngày", "115 năm ngày"),
    ("kỷ niệm 48 năm ngày giải phóng MN (30/4/1975 - 30/4/2024)", "anniversary_dates", "48 năm", "50 năm"),
    ("Hội khỏe Phù Đổng lần thứ 40", "edition", "lần thứ 40", "lần thứ 41"),
    ("Chúc mừng năm mới, Tết Giáp Thìn", "lunar_year", "Giáp Thìn", "Ất Tỵ"),
    ("Vui Xuân Quý Mão", "lunar_year", "Quý Mão", "Giáp Thìn"),
    ("Căn cứ Nghị quyết Đại hội Công đoàn trường nhiệm kỳ 2019 -2024;", "year_span", "2019 -2024", ""),
    ("phối hợp công tác giai đoạn 2019 – 2024", "year_span", "2019 – 2024", ""),
    ("Nghị quyết số 03-NQ/TU ngày 26/10/2021 về Chuyển đổi số đến năm 2025, định hướng đến năm 2030",
     "cited_year", "2025", "2026"),
    ("Khai giảng vào Thứ Hai, ngày 05/9/2023", "weekday", "Thứ Hai, ngày 05/9/2024", "Thứ Năm, 05/9/2024"),
    ("Hội thao vào chủ nhật 26/11/2023", "weekday", "chủ nhật 26/11/2024", "Thứ Ba, 26/11/2024"),
]


@pytest.mark.parametrize("text, expected", MOVED)
def test_the_plans_own_years_move(text, expected):
    assert shift_text(text, 1, CAL) == (expected, [])


@pytest.mark.parametrize("text", KEPT)
def test_history_citations_and_other_numbers_stay_unreported(text):
    assert shift_text(text, 1, CAL) == (text, [])


@pytest.mark.parametrize("text, reason, fragment, suggestion", FLAGGED)
def test_what_cannot_move_safely_is_reported_with_a_suggestion(text, reason, fragment, suggestion):
    new, findings = shift_text(text, 1, CAL)
    assert Finding(reason, fragment, suggestion) in findings, findings
    assert fragment in new


def test_a_line_mixing_moves_keeps_and_reports():
    text = ("Năm học 2023 – 2024 là năm các cấp công đoàn triển khai thực hiện nghị quyết số 02 – NQ/TW ngày "
            "12/6/2021 của Bộ chính trị; chào mừng kỷ niệm 94 năm ngày thành lập Công đoàn Việt Nam.")
    new, findings = shift_text(text, 1, CAL)
    assert new == text.replace("2023 – 2024", "2024 – 2025")
    assert findings == [Finding("anniversary", "94 năm", "95 năm")]


def test_a_shift_of_several_years_moves_counts_and_names_as_far():
    new, findings = shift_text("kỷ niệm 93 năm (20/10/1930 - 20/10/2023), Tết Giáp Thìn, lần thứ 40", 3, CAL)
    assert new.startswith("kỷ niệm 96 năm (20/10/1930 - 20/10/2026)")
    assert Finding("lunar_year", "Giáp Thìn", "Đinh Mùi") in findings
    assert Finding("edition", "lần thứ 40", "lần thứ 43") in findings


def test_lunar_names():
    assert [lunar_name(y) for y in (2023, 2024, 2025, 2026)] == ["Quý Mão", "Giáp Thìn", "Ất Tỵ", "Bính Ngọ"]


def test_the_calendar_is_the_plans_own_years_and_one_either_side():
    doc = {"subject": "Hoạt động Công đoàn năm học 2023 - 2024", "period": "", "schedule_title": "",
           "schedule": [{"period": "6, 7/2024", "activities": []}]}
    assert calendar_of(doc) == range(2022, 2026)
    assert calendar_of({"subject": "Quy chế chi tiêu nội bộ", "schedule": []}) == range(0)


def test_a_document_is_moved_in_every_part_and_findings_name_the_part():
    doc = {"subject": "Hoạt động Công đoàn năm học 2023 - 2024", "period": "Năm học 2023 - 2024",
           "schedule_title": "NỘI DUNG CÔNG TÁC NĂM HỌC 2023 – 2024",
           "bases": ["Căn cứ Luật Công đoàn 2012;", "Căn cứ vào nhiệm vụ năm học 2023 – 2024;"],
           "opening": "Công đoàn xây dựng kế hoạch năm học 2023 – 2024 như sau:",
           "sections": [{"title": "NHIỆM VỤ", "lines": [
               {"kind": "paragraph", "level": 0, "text": "Chào mừng kỷ niệm 94 năm ngày thành lập Công đoàn Việt Nam."}]}],
           "schedule": [{"period": "11/2023", "activities": [
               {"text": "Thi đua gắn với kỷ niệm 79 năm ngày thành lập QĐNDVN", "groups": [], "due": "2023-11-30"}]}]}
    out, found = shift_document(doc, 1)
    assert out["bases"] == ["Căn cứ Luật Công đoàn 2012;", "Căn cứ vào nhiệm vụ năm học 2024 – 2025;"]
    assert out["opening"] == "Công đoàn xây dựng kế hoạch năm học 2024 – 2025 như sau:"
    assert out["schedule"][0]["period"] == "11/2024" and out["schedule"][0]["activities"][0]["due"] == "2024-11-30"
    assert [where for where, _ in found] == [("line", 0, 0), ("activity", 0, 0)]
    assert doc["opening"].endswith("2023 – 2024 như sau:")           # the source is not touched
    assert shift_document(doc, 0) == (doc, [])
