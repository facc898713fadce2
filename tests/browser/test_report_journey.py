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
from .conftest import sign_in

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
