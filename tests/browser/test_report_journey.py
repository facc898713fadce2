"""In a real browser (issue 19): the chair drafts the year-end report from "Lập báo cáo tổng kết",
writes section III, refreshes the figures (her words stay, the figures are the new ones), submits
it; four of the seven approve; she signs it as "01/BC-CĐ". The records' counting
(congdoan/reports/figures.py) is replaced by hand-made sections through `sections_for`."""
import pytest
from playwright.sync_api import expect

from congdoan.reports import service

from ..conftest import PASSWORD
from ..doc_factories import make_committee
from ..test_report_flow import sections
from .conftest import seed_demo, settled, sign_in

pytestmark = pytest.mark.browser


def _vote(page, email):
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)
    page.locator("#waiting-votes a").first.click()
    page.locator("input[name=choice][value=for]").check()
    page.get_by_role("button", name="Gửi biểu quyết").click()
    expect(page.locator("#vote-panel")).to_contain_text("Đã ghi nhận biểu quyết của bạn về báo cáo")


def test_draft_write_refresh_submit_approve_sign(page, monkeypatch):
    given = {"sections": sections()}
    monkeypatch.setattr(service, "sections_for", lambda start, end: given["sections"])
    monkeypatch.setattr(service, "prompts_for", lambda start, end: [])
    committee = make_committee()
    page.on("dialog", lambda dialog: dialog.accept())          # "Cập nhật số liệu" asks first
    sign_in(page, committee.chair.email, PASSWORD)

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="+ Lập báo cáo tổng kết").click()
    page.get_by_label("Năm học", exact=True).select_option("2024")
    page.get_by_role("button", name="Lập dự thảo báo cáo").click()
    expect(page.locator("h1")).to_have_text("Tổng kết hoạt động công đoàn năm học 2024 - 2025")
    expect(page.locator(".doc-table").first).to_contain_text("Tổng cộng")
    expect(page.locator("#plan-schedule")).to_have_count(0)

    assessment = page.locator(".doc-section").nth(2)
    assessment.locator(".line").first.get_by_role("button", name="Sửa").click()
    editor = assessment.locator(".line form")
    expect(editor).to_be_visible()
    settled(page)                  # the inline editor is bound by htmx once settled
    editor.locator("textarea[name=text]").fill("Ưu điểm: Ban Chấp hành đoàn kết, chủ động")
    editor.get_by_role("button", name="Lưu").click()
    expect(assessment).to_contain_text("Ưu điểm: Ban Chấp hành đoàn kết, chủ động")

    given["sections"] = sections(members=44, visits=15)
    page.get_by_role("button", name="Cập nhật số liệu").click()
    expect(page.locator("#messages")).to_contain_text("Đã cập nhật số liệu")
    expect(page.locator(".doc-section").nth(0)).to_contain_text("Đầu năm học công đoàn có 44 đoàn viên.")
    expect(page.locator(".doc-section").nth(2)).to_contain_text("Ưu điểm: Ban Chấp hành đoàn kết, chủ động")

    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator("h1")).to_have_text("Ban Chấp hành biểu quyết")
    for person in (committee.chair, committee.vice, *committee.members[:2]):
        _vote(page, person.email)
    expect(page.locator("#vote-panel")).to_contain_text("Đã duyệt")

    page.context.clear_cookies()
    sign_in(page, committee.chair.email, PASSWORD)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Báo cáo Tổng kết hoạt động công đoàn năm học 2024 - 2025").click()
    page.get_by_role("link", name="Ký ban hành").click()
    expect(page.locator("h1")).to_have_text("Ký ban hành báo cáo")
    page.locator(".sign-form").get_by_role("button", name="Ký ban hành").click()
    expect(page.locator("#messages")).to_contain_text("Đã ký ban hành báo cáo số 01/BC-CĐ")
    expect(page.locator("#issued")).to_contain_text("01/BC-CĐ")


def test_the_demo_chair_closes_the_past_year(app, page, tmp_path):
    """Issue 19's journey on the demo and its real records: the chair drafts the report of the past
    school year (2025 - 2026), writes section III, a member's leaving is recorded meanwhile and
    "Cập nhật số liệu" counts it while her words stay; four of the seven approve; she signs it as
    01/BCCĐ-THTT beside the plans' register and downloads the Word file and its PDF."""
    import datetime as dt
    import os

    import sqlalchemy as sa

    from ..crawl import docx_text
    from congdoan.demo.union import DEMO_PASSWORD
    from congdoan.documents.models import SignedDocument
    from congdoan.documents.pdf import pdf_available
    from congdoan.extensions import db
    from congdoan.people import services as people_services
    from congdoan.people.models import User

    seed_demo(app)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="+ Lập báo cáo tổng kết").click()
    page.get_by_label("Năm học", exact=True).select_option("2025")
    page.get_by_role("button", name="Lập dự thảo báo cáo").click()
    expect(page.locator("h1")).to_have_text("Tổng kết hoạt động công đoàn năm học 2025 - 2026")
    situation = page.locator(".doc-section").nth(0)
    expect(situation).to_contain_text("Giảm trong kỳ: 2 đoàn viên")
    expect(situation).to_contain_text("cuối kỳ (tính đến hết ngày 31/07/2026): 30, Nữ: 22.")
    expect(page.locator(".doc-section").nth(1)).to_contain_text("Trợ cấp khó khăn đột xuất")

    assessment = page.locator(".doc-section").nth(2)
    assessment.locator(".line").nth(1).get_by_role("button", name="Sửa").click()
    editor = assessment.locator(".line form")
    expect(editor).to_be_visible()
    settled(page)
    editor.locator("textarea[name=text]").fill("Ban Chấp hành đoàn kết, chăm lo đời sống đoàn viên kịp thời.")
    editor.get_by_role("button", name="Lưu").click()
    expect(assessment).to_contain_text("Ban Chấp hành đoàn kết, chăm lo đời sống đoàn viên kịp thời.")

    # Meanwhile the administrator records that a member left in March (a record the draft predates).
    admin = db.session.execute(sa.select(User).where(User.email == "quantri@thanhto.demo")).scalar_one()
    leaver = db.session.execute(sa.select(User).where(User.email == "thanh.nguyen@thanhto.demo")).scalar_one()
    people_services.record_leaving(leaver, dt.date(2026, 3, 15), "Chuyển công tác", actor=admin)
    db.session.commit()

    page.get_by_role("button", name="Cập nhật số liệu").click()
    expect(page.locator("#messages")).to_contain_text("Đã cập nhật số liệu")
    expect(page.locator(".doc-section").nth(0)).to_contain_text("Giảm trong kỳ: 3 đoàn viên")
    expect(page.locator(".doc-section").nth(2)).to_contain_text(
        "Ban Chấp hành đoàn kết, chăm lo đời sống đoàn viên kịp thời.")

    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator("h1")).to_have_text("Ban Chấp hành biểu quyết")
    for email in ("chutich", "phochutich", "ketoan", "ha.le"):
        page.context.clear_cookies()
        sign_in(page, f"{email}@thanhto.demo", DEMO_PASSWORD)
        page.locator("#waiting-votes a", has_text="Tổng kết").first.click()
        page.locator("input[name=choice][value=for]").check()
        page.get_by_role("button", name="Gửi biểu quyết").click()
        expect(page.locator("#vote-panel")).to_contain_text("Đã ghi nhận biểu quyết của bạn về báo cáo")
    expect(page.locator("#vote-panel")).to_contain_text("Đã duyệt")

    page.context.clear_cookies()
    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator(".plan-list a, table a", has_text="năm học 2025 - 2026").filter(
        has_text="Tổng kết").first.click()
    page.get_by_role("link", name="Ký ban hành").click()
    page.locator(".sign-form").get_by_role("button", name="Ký ban hành").click()
    expect(page.locator("#messages")).to_contain_text("Đã ký ban hành báo cáo số 01/BCCĐ-THTT")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bản đã ký (.docx)").click()
    data = (tmp_path / "bao-cao.docx")
    info.value.save_as(data)
    signed = db.session.execute(sa.select(SignedDocument).where(SignedDocument.kind == "BC")).scalar_one()
    assert data.read_bytes() == signed.docx and signed.number == "01/BCCĐ-THTT"
    text = docx_text(signed.docx)
    assert "BÁO CÁO" in text and "Số: 01/BCCĐ-THTT" in text
    assert "Ban Chấp hành đoàn kết, chăm lo đời sống đoàn viên kịp thời." in text
    assert "Giảm trong kỳ: 3 đoàn viên" in text

    ok, reason = pdf_available()
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(f"LibreOffice is required under CI: {reason}")
        pytest.skip(reason)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    expect(page.get_by_role("link", name="Tải PDF")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf = tmp_path / "bao-cao.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
