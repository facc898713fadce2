"""The checker of the words crawl (tests/crawl.py) catches what the issue names and leaves the
officers' Vietnamese alone, including syllables written without marks ("ban", "con", "tin")."""
import pytest

from . import crawl

CAUGHT = ["Save", "Cancel", "Submit", "☰ Menu", "Loading...", "Error", "None", "True", "false", "null",
          "undefined", "NaN", "Traceback (most recent call last)", "Thiếu BASE_URL", "chạy flask --app wsgi worker",
          "soffice: command not found", "LibreOffice lỗi", "mã nội dung 46ee3672a2bbddd4",
          "Mã lỗi 404", "409", "HTTP 500", "Not Found", "Forbidden", "lúc 2026-11-20T01:30:00Z",
          "08:30 UTC", "2026-11-20 01:30:00+00:00", "Đã lưu (saved)", "Bấm Download", "Xem Dashboard",
          "Người dùng (user)", "Chọn file rồi Upload"]

LEFT_ALONE = ["Ban Chấp hành", "con đoàn viên", "tin nhắn", "hay", "to", "me", "long", "can", "the", "hoa",
              "an toàn", "do", "Tải về bản Word", "Xuất Excel", "Gửi qua Zalo", "Quét mã QR", "500.000 đ",
              "Tổ Khối 2 - 3", "01/KH-CĐ", "BCH", "Tải PDF", "Tổ Năng khiếu - Tiếng Anh", "Chương II",
              "chutich@thanhto.demo", "ke-hoach-2024.docx", "Giải Nhì Olympic", "Số 500 người", "Phòng 404 tầng 4",
              "08:30 07/12/2026", "Logo của công đoàn", "Tệp .doc (Word 97-2003)", "hai", "ngoan", "huynh",
              "khoa", "quyen", "thanh", "trang", "nghi", "nguyen", "Tuan", "Hoang", "Tran", "Pham"]


@pytest.mark.parametrize("text", CAUGHT)
def test_the_checker_catches(text):
    assert crawl.findings(text), text


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_the_checker_leaves_alone(text):
    assert not crawl.findings(text), crawl.findings(text)


def test_a_code_marked_not_to_translate_is_shown_on_purpose():
    html = '<dl><dt>Dấu vân tay</dt><dd><code translate="no">46ee3672a2bbddd42b749f69e5f60de5</code></dd></dl>'
    assert crawl.page_findings(html) == ([], [])
    assert crawl.page_findings('<p title="Loading">Đang tải</p>')[0]
    assert crawl.page_findings('<input type="submit" value="Submit">')[0]
