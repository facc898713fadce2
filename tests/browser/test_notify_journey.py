"""Everyone concerned hears of it (issue 16, point 9), in a real browser on the demo union: the chair
signs and issues the example plan; a plain member finds it on her home page ("Kế hoạch mới ban hành")
and in the bell, opens it, and it leaves her home page; the chair sends the signed file to her union
group and she is told with the download link."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from congdoan.demo.union import DEMO_PASSWORD

from .conftest import seed_demo, settled, sign_in

pytestmark = pytest.mark.browser

SUBJECT = "Hoạt động Công đoàn năm học 2023 - 2024"
NUMBER = "01/KHCĐ-THTT"
MEMBER = "thanh.nguyen@thanhto.demo"          # Nguyễn Thị Thanh, a plain member of Tổ Khối 1


def issue_the_example(app, page):
    seed_demo(app)
    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)
    page.click("nav >> text=Kế hoạch")
    page.click(f"text={SUBJECT}")
    page.locator(".status-bar").get_by_role("link", name="Ký ban hành").click()
    page.locator(".sign-form").get_by_role("button", name="Ký ban hành").click()
    expect(page.locator("#messages")).to_contain_text(f"Đã ký ban hành kế hoạch số {NUMBER}")


def member_page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    sign_in(phone, MEMBER, DEMO_PASSWORD)
    return context, phone


def test_an_issued_plan_waits_on_every_members_home_page_until_opened(app, page, browser, live_server):
    issue_the_example(app, page)
    context, phone = member_page(browser, live_server)
    try:
        panel = phone.locator("#new-plans")
        expect(panel).to_contain_text("Kế hoạch mới ban hành")
        expect(panel).to_contain_text(SUBJECT)
        expect(panel).to_contain_text(f"Số {NUMBER}")
        unread = int(phone.locator("#bell .bell-count").inner_text())
        phone.locator("#bell").click()
        expect(phone.locator(".notifications li.unread").first).to_contain_text(
            f"Kế hoạch mới: {SUBJECT} (Số {NUMBER})")
        phone.goto("/")
        phone.locator("#new-plans").get_by_role("link", name=SUBJECT).click()
        expect(phone.locator("h1")).to_have_text(SUBJECT)
        expect(phone.locator("#issued")).to_contain_text(NUMBER)
        expect(phone.get_by_role("link", name="Gửi văn bản")).to_have_count(0)      # only who may sign sends
        phone.goto("/")
        expect(phone.locator("h1")).to_contain_text("Xin chào")
        expect(phone.locator("#new-plans")).to_have_count(0)
        bell = phone.locator("#bell .bell-count")                                    # its notice read as well
        expect(bell).to_have_count(0) if unread == 1 else expect(bell).to_have_text(str(unread - 1))
    finally:
        context.close()


def test_the_chair_sends_the_signed_file_to_a_group(app, page, browser, live_server):
    issue_the_example(app, page)
    page.locator(".status-bar").get_by_role("link", name="Gửi văn bản").click()
    expect(page.locator("h1")).to_have_text(f"Gửi văn bản số {NUMBER}")
    expect(page.get_by_role("note")).to_contain_text("Máy chủ chưa cấu hình gửi thư điện tử")
    # A typed address with no mail server is refused in Vietnamese, the form kept.
    page.get_by_label("Tổ Khối 1", exact=False).check()
    addresses = page.get_by_label("Địa chỉ e-mail khác (mỗi dòng một địa chỉ)")
    addresses.fill("ldld.haian@example.vn")
    page.get_by_label("Lời nhắn kèm thư (không bắt buộc)").fill("Kính gửi các tổ để triển khai.")
    page.get_by_role("button", name="Gửi văn bản").click()
    expect(page.locator("#addresses-error")).to_contain_text("chưa gửi được tới địa chỉ nhập tay")
    settled(page)
    expect(page.get_by_label("Tổ Khối 1", exact=False)).to_be_checked()
    expect(page.get_by_label("Lời nhắn kèm thư (không bắt buộc)")).to_have_value("Kính gửi các tổ để triển khai.")
    addresses.fill("")
    page.get_by_role("button", name="Gửi văn bản").click()
    expect(page.locator("#messages")).to_contain_text(f"Đã gửi văn bản số {NUMBER}")
    expect(page.locator("#messages")).to_contain_text("đoàn viên (thông báo trong ứng dụng)")
    sent = page.locator("#da-gui")
    expect(sent).to_contain_text("Nguyễn Thị Hoa")
    expect(sent).to_contain_text("(Tổ Khối 1)")

    context, phone = member_page(browser, live_server)
    try:
        phone.locator("#bell").click()
        expect(phone.locator(".notifications")).to_contain_text(f"Nguyễn Thị Hoa gửi bạn văn bản số {NUMBER}")
    finally:
        context.close()
