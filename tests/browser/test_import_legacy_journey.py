"""Issue 17 point 7 in a real browser: the example plan imported as an archived issued plan (a
read-only page showing its own number), then as a draft to adapt (the report lists the fields
filled from the settings), and a new draft made from the archived plan; a .doc goes the same way."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD, make_user
from ..doc_factories import example_docx
from .conftest import import_word, sign_in

pytestmark = pytest.mark.browser

SUBJECT = "Hoạt động Công đoàn năm học 2023 - 2024"
DOC = Path(__file__).resolve().parents[1] / "fixtures" / "legacy" / "ke-hoach-2023-2024.doc"


def test_archive_then_draft_then_a_new_plan_from_the_archive(page):
    make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"])
    sign_in(page, "chutich@thanhto.demo", PASSWORD)

    # (a) the issued plan kept as it was
    page.goto("/ke-hoach/nhap-word")
    expect(page.locator("#import-limits")).to_contain_text("500.000 ký tự")
    import_word(page, example_docx(), "Lưu trữ kế hoạch đã ban hành")
    expect(page.locator("#messages")).to_contain_text(f"Đã lưu trữ kế hoạch đã ban hành “{SUBJECT}”, số 01/KHCĐ-THTT")
    fields = page.locator(".import-fields")
    expect(fields).to_contain_text("giữ nguyên “01/KHCĐ-THTT”")
    expect(fields).to_contain_text("giữ nguyên “TM. BCH CÔNG ĐOÀN / CHỦ TỊCH”")
    page.get_by_role("link", name="Mở kế hoạch lưu trữ").click()
    expect(page.locator(".status-bar")).to_contain_text("Lưu trữ")
    expect(page.locator("#archived-note")).to_contain_text("số 01/KHCĐ-THTT ngày 05/09/2023")
    expect(page.get_by_role("button", name="Trình Ban Chấp hành duyệt")).to_have_count(0)
    expect(page.get_by_role("link", name="Ký ban hành")).to_have_count(0)
    expect(page.locator(".doc-editor button:has-text('Sửa')")).to_have_count(0)
    expect(page.get_by_role("link", name="Giao việc cho các tổ")).to_be_visible()
    archived_url = page.url
    page.get_by_role("link", name="Xem bản in").click()
    expect(page.locator("body")).to_contain_text("01/KHCĐ-THTT")
    expect(page.locator(".draft-mark")).to_have_count(0)

    # listed under the "Lưu trữ" filter
    page.goto("/ke-hoach/")
    page.select_option("select[name=trang_thai]", label="Lưu trữ")
    page.wait_for_url("**trang_thai=archived**")
    expect(page.locator("main").get_by_role("link", name=SUBJECT)).to_have_count(1)

    # (b) the same file as a draft to adapt: the filled fields are listed
    import_word(page, example_docx(), "Dự thảo mới để chỉnh sửa")
    fields = page.locator(".import-fields")
    expect(page.locator("h2#import-fields")).to_contain_text("Điền theo mặc định của công đoàn")
    expect(fields).to_contain_text("số “01/KHCĐ-THTT” trong tệp không giữ lại")
    expect(fields).to_contain_text("họ tên “Nguyễn Thị Hoa”")

    # a new draft from the archived plan
    page.goto(archived_url)
    page.get_by_role("link", name="Tạo bản mới từ kế hoạch này").click()
    page.get_by_role("button", name="Tạo dự thảo mới").click()
    expect(page.locator("#messages")).to_contain_text(f"từ “{SUBJECT}”, dời +1 năm")
    # the new draft opens on its review list (what the copy could not move); its page says it is a draft
    expect(page.locator("h1")).to_contain_text("Soát lại sau khi tạo bản mới")
    page.get_by_role("link", name="Mở dự thảo").click()
    expect(page.locator(".status-bar")).to_contain_text("Dự thảo")


def test_a_doc_file_is_imported_in_the_browser(page):
    make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    import_word(page, DOC, "Dự thảo mới để chỉnh sửa")
    expect(page.locator("main")).to_contain_text("đã được chuyển sang .docx")
    expect(page.locator("main")).to_contain_text("ke-hoach-2023-2024.doc")
