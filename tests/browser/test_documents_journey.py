"""In a real browser the chair signs the approved example plan (seed-demo), downloads the signed Word
file and its PDF, and a stranger checks the downloaded file on the public verification page."""
from __future__ import annotations

import hashlib
import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from congdoan.demo.union import DEMO_PASSWORD
from congdoan.documents.models import SignedDocument
from congdoan.documents.pdf import pdf_available
from congdoan.extensions import db
from congdoan.plans.models import Plan

from .conftest import seed_demo, sign_in

pytestmark = pytest.mark.browser

SUBJECT = "Hoạt động Công đoàn năm học 2023 - 2024"


def test_chair_signs_the_example_plan_and_downloads_docx_and_pdf(app, page, browser, live_server, tmp_path):
    seed_demo(app)

    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)
    page.click("nav >> text=Kế hoạch")
    page.click(f"text={SUBJECT}")
    status_bar = page.locator(".status-bar")
    expect(status_bar).to_contain_text("Đã duyệt")
    expect(status_bar.get_by_role("link", name="Tải bản dự thảo (.docx)")).to_be_visible()
    status_bar.get_by_role("link", name="Ký ban hành").click()

    expect(page.locator("h1")).to_have_text("Ký ban hành kế hoạch")
    expect(page.locator(".sign-card")).to_contain_text("dự kiến 01/KHCĐ-THTT")
    expect(page.locator(".signature-block")).to_contain_text("TM. BCH CÔNG ĐOÀN")
    expect(page.locator(".signature-block img.signature-img")).to_be_visible()
    page.locator(".sign-form").get_by_role("button", name="Ký ban hành").click()

    expect(page.locator("#messages")).to_contain_text("Đã ký ban hành kế hoạch số 01/KHCĐ-THTT")
    expect(page.locator(".status-bar")).to_contain_text("Đã ban hành")
    issued = page.locator("#issued")
    expect(issued).to_contain_text("01/KHCĐ-THTT")
    expect(issued).to_contain_text("Nguyễn Thị Hoa")
    expect(page.locator("#timeline")).to_contain_text("Ký ban hành, số 01/KHCĐ-THTT")
    expect(page.locator(".status-bar").get_by_role("link", name="Ký ban hành")).to_have_count(0)

    plan = db.session.execute(sa.select(Plan).where(Plan.subject == SUBJECT)).scalar_one()
    signed = db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan.id)).scalar_one()

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bản đã ký (.docx)").click()
    docx_path = tmp_path / "signed.docx"
    info.value.save_as(docx_path)
    assert info.value.suggested_filename.endswith(".docx")
    data = docx_path.read_bytes()
    assert data == signed.docx and hashlib.sha256(data).hexdigest() == signed.sha256

    ok, reason = pdf_available()
    if not ok:
        expect(page.locator(".pdf-missing")).to_contain_text(reason)
        if os.environ.get("CI") == "true":
            pytest.fail(f"LibreOffice is required under CI: {reason}")
        pytest.skip(reason)
    # The PDF is made by the worker, not by the request: the page says so and asks again every few
    # seconds; once the worker has run, the link appears without reloading the page.
    expect(page.locator("#pdf-status")).to_have_text("Đang tạo bản PDF…")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    expect(page.get_by_role("link", name="Tải PDF")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf_path = tmp_path / "signed.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    # Someone who received the file checks it on the public page, without an account.
    stranger = browser.new_context(base_url=live_server, locale="vi-VN")
    try:
        visitor = stranger.new_page()
        visitor.goto("/xac-thuc")
        visitor.fill("input[name=ma]", signed.verify_code.lower())
        visitor.click("button:has-text('Kiểm tra')")
        facts = visitor.locator(".facts")
        expect(facts).to_contain_text("01/KHCĐ-THTT")
        expect(facts).to_contain_text(SUBJECT)
        expect(facts).to_contain_text(signed.sha256)
        visitor.set_input_files("input[name=file]", str(docx_path))
        visitor.click("button:has-text('Kiểm tra tệp')")
        expect(visitor.locator(".verify-result")).to_contain_text("ĐÚNG bản gốc")
        visitor.set_input_files("input[name=file]", str(pdf_path))
        visitor.click("button:has-text('Kiểm tra tệp')")
        expect(visitor.locator(".verify-result")).to_contain_text("ĐÚNG bản PDF gốc")
    finally:
        stranger.close()
