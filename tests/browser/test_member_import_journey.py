"""A large member list in a real browser, on a phone: the upload answers at once with a progress page,
which follows the worker by itself until the report and the temporary passwords appear."""
from __future__ import annotations


import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from congdoan.jobs import worker
from congdoan.people import import_jobs

from ..conftest import PASSWORD, make_group, make_user
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_admin_follows_a_large_import_on_a_phone(app, phone, tmp_path, monkeypatch):
    monkeypatch.setattr(import_jobs, "SYNC_MAX_BYTES", 2048)     # 400 rows stand for tens of thousands
    make_group("Tổ May 1")
    make_user("Quản Trị", email="admin@nhamay.vn", roles=["admin"])
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Họ và tên", "Email", "Điện thoại", "Tổ", "Vai trò"])
    for i in range(400):
        sheet.append([f"Công Nhân Số {i}", f"cn{i}@nhamay.vn", f"09{i:08d}", "Tổ May 1", ""])
    sheet.append(["Thiếu Email", "", "", "Tổ May 1", ""])
    path = tmp_path / "danh-sach-nha-may.xlsx"
    book.save(path)

    sign_in(phone, "admin@nhamay.vn", PASSWORD)
    phone.goto("/quan-tri/nguoi-dung/nhap")
    phone.set_input_files("input[type=file]", str(path))
    phone.click("text=Tải lên và nhập")
    expect(phone.locator("#import-progress")).to_contain_text("Đang chờ xử lý")
    assert "/quan-tri/nguoi-dung/nhap/" in phone.url

    worker.run(app, once=True)                    # the worker `make run` starts beside the server
    progress = phone.locator("#import-progress")
    expect(progress).to_contain_text("400 người đã được tạo", timeout=15_000)
    expect(progress).to_contain_text("1 dòng bị từ chối")
    expect(progress.locator("table.rejected")).to_contain_text("Vui lòng nhập email.")
    expect(progress.locator("code.secret")).to_have_count(400)

    phone.reload(timeout=30_000)
    expect(phone.locator("#import-progress")).to_contain_text("đã được hiện một lần")
    expect(phone.locator("code.secret")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
