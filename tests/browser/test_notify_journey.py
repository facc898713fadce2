"""Everyone concerned hears of it (issue 16, point 9), in a real browser on the demo union: the chair
signs and issues the example plan, sends the signed file to a union group, and a plain member of
that group finds the plan on her home page ("Kế hoạch mới ban hành") and in the bell, opens it, and
it leaves her home page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from congdoan.demo.union import DEMO_PASSWORD
from congdoan.extensions import db

from .conftest import sign_in

pytestmark = pytest.mark.browser

SUBJECT = "Hoạt động Công đoàn năm học 2023 - 2024"
SETTLED = ".htmx-request, .htmx-swapping, .htmx-settling"


def test_issue_reaches_the_members_and_the_chair_sends_the_file_to_a_group(app, page, browser, live_server):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "dang-nhap" not in url)
    page.click("nav >> text=Kế hoạch")
    page.click(f"text={SUBJECT}")
    page.locator(".status-bar").get_by_role("link", name="Ký ban hành").click()
    page.locator(".sign-form").get_by_role("button", name="Ký ban hành").click()
    expect(page.locator("#messages")).to_contain_text("Đã ký ban hành kế hoạch số 01/KHCĐ-THTT")

    # Gửi văn bản: a typed address with no mail server is refused in Vietnamese, the form kept.
    page.locator(".status-bar").get_by_role("link", name="Gửi văn bản").click()
    expect(page.locator("h1")).to_have_text("Gửi văn bản số 01/KHCĐ-THTT")
    expect(page.get_by_role("note")).to_contain_text("Máy chủ chưa cấu hình gửi thư điện tử")
    page.get_by_label("Tổ Khối 1", exact=False).check()
    page.get_by_label("Địa chỉ e-mail khác (mỗi dòng một địa chỉ)").fill("ldld.haian@example.vn")
    page.get_by_label("Lời nhắn kèm thư (không bắt buộc)").fill("Kính gửi các tổ để triển khai.")
    page.get_by_role("button", name="Gửi văn bản").click()
    expect(page.locator("#addresses-error")).to_contain_text("chưa gửi được tới địa chỉ nhập tay")
    expect(page.get_by_label("Tổ Khối 1", exact=False)).to_be_checked()
    expect(page.get_by_label("Lời nhắn kèm thư (không bắt buộc)")).to_have_value("Kính gửi các tổ để triển khai.")
    page.get_by_label("Địa chỉ e-mail khác (mỗi dòng một địa chỉ)").fill("")
    page.get_by_role("button", name="Gửi văn bản").click()
    expect(page.locator("#messages")).to_contain_text("Đã gửi văn bản số 01/KHCĐ-THTT")
    expect(page.locator("#messages")).to_contain_text("đoàn viên (thông báo trong ứng dụng)")
    sent = page.locator("#da-gui")
    expect(sent).to_contain_text("Nguyễn Thị Hoa")
    expect(sent).to_contain_text("(Tổ Khối 1)")

    # A plain member of Tổ Khối 1: the new plan on her home page and in her bell.
    member = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 390, "height": 844})
    try:
        phone = member.new_page()
        phone.set_default_timeout(10_000)
        sign_in(phone, "thanh.nguyen@thanhto.demo", DEMO_PASSWORD)
        phone.wait_for_url(lambda url: "dang-nhap" not in url)
        panel = phone.locator("#new-plans")
        expect(panel).to_contain_text("Kế hoạch mới ban hành")
        expect(panel).to_contain_text(SUBJECT)
        expect(panel).to_contain_text("Số 01/KHCĐ-THTT")
        unread = int(phone.locator("#bell .bell-count").inner_text())
        assert unread >= 2                       # the new plan and the file sent (besides her requests)
        phone.locator("#bell").click()
        items = phone.locator(".notifications")
        expect(items).to_contain_text(f"Kế hoạch mới: {SUBJECT} (Số 01/KHCĐ-THTT)")
        expect(items).to_contain_text("Nguyễn Thị Hoa gửi bạn văn bản số 01/KHCĐ-THTT")
        phone.goto("/")
        phone.locator("#new-plans").get_by_role("link", name=SUBJECT).click()
        expect(phone.locator("h1")).to_have_text(SUBJECT)
        expect(phone.locator("#issued")).to_contain_text("01/KHCĐ-THTT")
        expect(phone.get_by_role("link", name="Gửi văn bản")).to_have_count(0)
        phone.goto("/")
        expect(phone.locator("h1")).to_contain_text("Xin chào")
        expect(phone.locator("#new-plans")).to_have_count(0)
        # Opening the plan read its "Kế hoạch mới"; the file sent is still to download.
        expect(phone.locator("#bell .bell-count")).to_have_text(str(unread - 1))
    finally:
        member.close()
