"""The accountant records a payment from a 390 px phone: the "Ghi nhận đã chi" form opens in the inbox
card, a mistyped date is refused with the typed values kept, the payment is recorded with its voucher
number and receiver, corrected with a reason, and the campaign's signing list downloads in Word and
Excel with the voucher on it."""
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from congdoan.dates import fmt_date, local_today

from ..conftest import PASSWORD
from ..reqkit import act, cast, make_campaign, submit
from .conftest import settled, sign_in

pytestmark = pytest.mark.browser


def test_the_accountant_records_a_payment_on_a_phone(phone):
    c = cast()
    campaign = make_campaign(c.chair, title="Khen thưởng con đoàn viên dịp Trung thu")
    req = submit(c.member, "child_award", campaign=campaign)
    act(req, "confirm", c.leader)
    act(req, "approve", c.chair, amount="300.000")
    year, today = local_today().year, fmt_date(local_today())

    page = phone
    sign_in(page, c.accountant.email, PASSWORD)
    page.goto("/de-xuat/cho-chi")
    card = page.locator(f"#req-card-{req.id}")
    card.get_by_role("link", name="Ghi nhận đã chi").click()
    form = card.locator("form.payment-form")
    expect(form).to_be_visible()
    settled(page)
    expect(form.locator("input[name=paid_on]")).to_have_value(today)
    expect(form.locator("input[name=voucher]")).to_have_value(f"PC-001/{year}")
    expect(form.locator("input[name=receiver]")).to_have_value("Nguyễn Thị Thanh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A date that does not exist: refused in place, what was typed kept.
    form.locator("input[name=paid_on]").fill("15/13/2026")
    form.locator("input[name=receiver]").fill("Nguyễn Văn Bình (chồng)")
    form.get_by_role("button", name="Xác nhận đã chi").click()
    settled(page)
    form = card.locator("form.payment-form")
    expect(form.locator(f"#paid_on-{req.id}-card-error")).to_contain_text("Ngày chi “15/13/2026” không hợp lệ")
    expect(form.locator("input[name=receiver]")).to_have_value("Nguyễn Văn Bình (chồng)")
    expect(card.locator(".status")).to_have_text("Đã duyệt, chờ chi")

    form.locator("input[name=paid_on]").fill(today)
    form.get_by_role("button", name="Xác nhận đã chi").click()
    expect(card).to_contain_text(f"Đã ghi nhận đã chi cho đề xuất “{req.title}”: phiếu chi PC-001/{year}")
    expect(card.locator(".status")).to_have_text("Đã chi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The record on the request's page, corrected with a reason.
    page.goto(f"/de-xuat/{req.id}")
    record = page.locator("#phieu-chi")
    for text in (today, f"PC-001/{year}", "Nguyễn Văn Bình (chồng)", "Phạm Thị Lan"):
        expect(record).to_contain_text(text)
    record.locator("summary", has_text="Sửa thông tin chi").click()
    record.locator("input[name=voucher]").fill("12")
    record.get_by_role("button", name="Lưu thông tin chi đã sửa").click()
    settled(page)
    expect(page.locator("#phieu-chi .field-error")).to_contain_text("Vui lòng nhập lý do sửa.")
    page.locator("#phieu-chi textarea[name=reason]").fill("Ghi nhầm số phiếu chi")
    page.locator("#phieu-chi").get_by_role("button", name="Lưu thông tin chi đã sửa").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Đã sửa thông tin chi của đề xuất “{req.title}”: "
                                                           f"phiếu chi PC-012/{year}")
    expect(page.locator(".timeline")).to_contain_text("Kế toán sửa thông tin chi")
    expect(page.locator(".timeline")).to_contain_text(f"PC-001/{year} → PC-012/{year}")

    # The campaign's signing list, in Word and in Excel.
    page.goto(f"/dot-tiep-nhan/{campaign.id}")
    expect(page.locator("table.requests")).to_contain_text(f"PC-012/{year}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Danh sách ký nhận (Word)").click()
    with open(info.value.path(), "rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    row = [cell.text for cell in doc.tables[1].rows[1].cells]
    assert row[1] == "Nguyễn Thị Thanh" and row[4:6] == ["300.000", f"PC-012/{year}"]
    with page.expect_download() as info:
        page.get_by_role("link", name="Danh sách ký nhận (Excel)").click()
    with open(info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[7][1] == "Nguyễn Thị Thanh" and rows[7][5] == f"PC-012/{year}"
