import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from congdoan.extensions import db
from congdoan.people.models import User

from ..conftest import PASSWORD, make_group, make_user
from .conftest import settled, sign_in

pytestmark = pytest.mark.browser


def test_chair_signs_in_and_sees_the_home_page(page):
    group = make_group("Tổ Khối 1")
    make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"], group=group)
    sign_in(page, "chutich@thanhto.demo", PASSWORD)
    expect(page.locator("h1")).to_have_text("Xin chào, Nguyễn Thị Hoa")
    expect(page.locator("main")).to_contain_text("Tổ Khối 1")
    expect(page.locator("main")).to_contain_text("Chủ tịch")
    expect(page.locator("main")).to_contain_text("Ủy viên Ban Chấp hành")


def test_member_cannot_reach_admin_pages(page):
    make_user("Đoàn Viên", email="dv@thanhto.demo")
    sign_in(page, "dv@thanhto.demo", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Xin chào")
    expect(page.locator("nav")).not_to_contain_text("Người dùng")
    response = page.goto("/quan-tri/nguoi-dung")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Không có quyền truy cập")


def test_wrong_password_gives_a_clear_message(page):
    make_user(email="a@thanhto.demo")
    sign_in(page, "a@thanhto.demo", "nham-mat-khau", admitted=False)
    expect(page.locator("#login-error")).to_contain_text("Email hoặc mật khẩu không đúng.")
    expect(page.locator("input[name=email]")).to_have_value("a@thanhto.demo")


def test_admin_imports_a_member_file_with_one_bad_row(page, tmp_path):
    make_group("Tổ Khối 1")
    make_user("Quản Trị", email="admin@thanhto.demo", roles=["admin"])
    csv = tmp_path / "danh-sach.csv"
    csv.write_text("Họ và tên,Email,Điện thoại,Tổ,Vai trò\n"
                   "Nguyễn Văn An,an@thanhto.demo,0912345678,Tổ Khối 1,\n"
                   "Trần Thị Bình,khong-hop-le,0987654321,Tổ Khối 1,\n"
                   "Lê Văn Cường,cuong@thanhto.demo,,Tổ Khối 1,\n", encoding="utf-8")   # offices: the chair's
    sign_in(page, "admin@thanhto.demo", PASSWORD)
    page.goto("/quan-tri/nguoi-dung/nhap")
    page.set_input_files("input[type=file]", str(csv))
    page.click("text=Tải lên và nhập")
    report = page.locator("#import-report")
    expect(report).to_contain_text("2 người đã được tạo")
    expect(report).to_contain_text("1 dòng bị từ chối")
    expect(report.locator("table.rejected")).to_contain_text("Email không hợp lệ.")
    expect(report.locator("table.rejected td").first).to_have_text("3")
    emails = set(db.session.execute(sa.select(User.email)).scalars())
    assert {"an@thanhto.demo", "cuong@thanhto.demo"} <= emails and len(emails) == 3


def test_admin_edits_a_person_inline_without_reloading(page):
    make_user("Quản Trị", email="admin@thanhto.demo", roles=["admin"])
    make_user("Vũ Thị Mai", email="mai@thanhto.demo")
    sign_in(page, "admin@thanhto.demo", PASSWORD)
    page.goto("/quan-tri/nguoi-dung")
    page.evaluate("window.__marker = 'still-here'")
    row = page.locator("tr", has_text="Vũ Thị Mai")
    row.get_by_role("link", name="Sửa").click()
    form = page.locator("tr.editing form")
    expect(form).to_be_visible()
    settled(page)                  # the row's form is bound by htmx once settled
    form.locator("input[name=full_name]").fill("")
    form.get_by_role("button", name="Lưu").click()
    expect(page.locator("tr.editing")).to_contain_text("Vui lòng nhập họ và tên.")
    settled(page)
    page.locator("tr.editing input[name=full_name]").fill("Vũ Thị Mai Anh")
    page.locator("tr.editing").get_by_role("button", name="Lưu").click()
    expect(page.locator("tr", has_text="Vũ Thị Mai Anh")).to_be_visible()
    assert page.evaluate("window.__marker") == "still-here"      # no full page reload


def test_phone_layout_has_a_menu(phone):
    make_user("Quản Trị", email="admin@thanhto.demo", roles=["admin"])
    sign_in(phone, "admin@thanhto.demo", PASSWORD)
    expect(phone.locator("h1")).to_contain_text("Xin chào")
    nav_link = phone.locator("nav >> text=Người dùng")
    expect(nav_link).to_be_hidden()
    menu = phone.get_by_role("button", name="Danh mục")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav_link).to_be_visible()
    expect(phone.locator("#main-nav")).to_contain_text("Đăng xuất")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    # Escape closes it and gives the focus back to the button; a tap elsewhere closes it too.
    phone.keyboard.press("Escape")
    expect(nav_link).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    menu.click()
    expect(nav_link).to_be_visible()
    phone.mouse.click(20, 700)
    expect(nav_link).to_be_hidden()


def test_the_top_bar_fits_one_line_at_1366_px_with_the_whole_union_name(browser, live_server):
    from congdoan.extensions import db
    from congdoan.organisation.models import DEFAULTS, Organisation
    db.session.add(Organisation(id=1, **dict(DEFAULTS, name="CĐCS TRƯỜNG TRUNG HỌC CƠ SỞ NGUYỄN BỈNH KHIÊM")))
    db.session.commit()
    make_group("Tổ Văn phòng")
    make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee", "admin"],
              leads=make_group("Tổ Khối 1"))
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN", base_url=live_server)
    page = context.new_page()
    try:
        sign_in(page, "chutich@thanhto.demo", PASSWORD)
        expect(page.locator("h1")).to_contain_text("Xin chào")
        page.wait_for_load_state("load")         # the stylesheet applied: under load the nav was measured unstyled
        tops = page.eval_on_selector_all("#main-nav > a, .nav-group-button", "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        assert len(tops) >= 8 and max(tops) - min(tops) <= 4, f"the navigation wraps: {tops}"
        assert page.eval_on_selector(".topbar", "e => e.getBoundingClientRect().height") < 80
        name = page.locator(".brand-name")
        assert name.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1")
        expect(name).to_have_text("CĐCS TRƯỜNG TRUNG HỌC CƠ SỞ NGUYỄN BỈNH KHIÊM")
        # What the administrator manages sits under one button.
        admin = page.get_by_role("button", name="Quản trị")
        admin.click()
        page.get_by_role("link", name="Tổ công đoàn").click()
        expect(page.locator("h1")).to_contain_text("Tổ công đoàn")
        # The personal links sit under the person's name.
        account = page.get_by_role("button", name="Nguyễn Thị Hoa")
        logout = page.get_by_role("button", name="Đăng xuất")
        expect(logout).to_be_hidden()
        account.click()
        expect(account).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
        page.keyboard.press("Escape")
        expect(logout).to_be_hidden()
        expect(account).to_be_focused()
        account.click()
        logout.click()
        expect(page).to_have_url(re.compile(r"/dang-nhap"))
    finally:
        context.close()


def test_a_skip_link_is_the_first_stop_of_the_keyboard(page):
    make_user("Quản Trị", email="admin@thanhto.demo", roles=["admin"])
    sign_in(page, "admin@thanhto.demo", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Xin chào")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()       # focus moves after the jump: wait for it, not once


def test_the_temporary_passwords_of_an_import_print_alone_and_download_once(browser, live_server, tmp_path):
    make_group("Tổ Khối 1")
    make_user("Quản Trị", email="admin@thanhto.demo", roles=["admin"])
    csv = tmp_path / "danh-sach.csv"
    csv.write_text("Họ và tên,Email,Tổ\nNguyễn Văn An,an@thanhto.demo,Tổ Khối 1\n"
                   "Trần Thị Bình,binh@thanhto.demo,Tổ Khối 1\n", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", base_url=live_server,
                                  accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, "admin@thanhto.demo", PASSWORD)
        page.goto("/quan-tri/nguoi-dung/nhap")
        page.set_input_files("input[type=file]", str(csv))
        page.click("text=Tải lên và nhập")
        table = page.locator("#created-accounts")
        expect(table).to_contain_text("Trần Thị Bình")
        shown = table.locator("code.secret").first.inner_text()
        # Saved from the page itself: nothing on the server keeps the passwords.
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải danh sách (.csv)").click()
        saved = download.value.path().read_bytes().decode("utf-8")
        assert download.value.suggested_filename == "mat-khau-tam.csv"
        assert saved.startswith("\ufeff") and "Nguyễn Văn An" in saved and shown in saved
        # Printed, the table stands alone.
        page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
        page.get_by_role("button", name="In danh sách").click()
        assert page.evaluate("window.__printed") == 1
        page.emulate_media(media="print")
        expect(table).to_be_visible()
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator("input[type=file]")).to_be_hidden()
        expect(page.get_by_role("button", name="In danh sách")).to_be_hidden()
    finally:
        context.close()
