import datetime as dt

from congdoan.dates import date_line, fmt_date, fmt_datetime, parse_vn_date
from congdoan.text import Run, clean_text, fold, inline_html, parse_inline, plain, roman, runs_to_markup


def test_fold_ignores_accents_and_case():
    assert fold("Tết Trung thu") == fold("tet trung thu") == "tet trung thu"
    assert fold("ĐOÀN VIÊN") == "doan vien"
    assert fold("  Nguyễn   Thị\tHoa ") == "nguyen thi hoa"


def test_clean_text_removes_control_characters():
    assert clean_text("a\x00b\x07c\x1f") == "abc"
    assert clean_text("dòng 1\r\ndòng 2", multiline=True) == "dòng 1\ndòng 2"
    assert clean_text("dòng 1\r\ndòng 2") == "dòng 1 dòng 2"
    assert clean_text(None) == ""
    # NFD input (as some Mac keyboards send it) is stored composed, so search and sort agree.
    assert clean_text("Tê\u0301t") == "Tết"


def test_inline_markup():
    text = "Gửi trước **ngày 16/9/2021** cho *kế toán* và ***gấp***; giá 5 * 3"
    assert parse_inline(text) == [Run("Gửi trước "), Run("ngày 16/9/2021", bold=True), Run(" cho "),
                                  Run("kế toán", italic=True), Run(" và "), Run("gấp", bold=True, italic=True),
                                  Run("; giá 5 * 3")]
    assert plain(text) == "Gửi trước ngày 16/9/2021 cho kế toán và gấp; giá 5 * 3"
    assert runs_to_markup(parse_inline(text)) == text
    assert str(inline_html("<b>**x**</b> & ")) == "&lt;b&gt;<strong>x</strong>&lt;/b&gt; &amp; "


def test_dates_follow_the_official_rule():
    assert date_line("Thành Tô", dt.date(2023, 9, 5)) == "Thành Tô, ngày 05 tháng 9 năm 2023"
    assert date_line("Thành Tô", dt.date(2024, 2, 15)) == "Thành Tô, ngày 15 tháng 02 năm 2024"
    assert date_line("Thành Tô", dt.date(2024, 1, 1)) == "Thành Tô, ngày 01 tháng 01 năm 2024"
    assert date_line("Thành Tô", dt.date(2024, 12, 20)) == "Thành Tô, ngày 20 tháng 12 năm 2024"
    assert fmt_date(dt.date(2024, 3, 8)) == "08/03/2024"
    # 17:30 UTC is 00:30 the next day in Hà Nội.
    assert fmt_datetime(dt.datetime(2024, 3, 7, 17, 30)) == "00:30 08/03/2024"
    assert parse_vn_date("08/03/2024") == dt.date(2024, 3, 8)
    assert parse_vn_date("2024-03-08") == dt.date(2024, 3, 8)
    assert parse_vn_date("31/02/2024") is None


def test_roman():
    assert [roman(i) for i in (1, 4, 9, 14, 40)] == ["I", "IV", "IX", "XIV", "XL"]
