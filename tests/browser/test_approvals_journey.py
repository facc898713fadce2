"""In a real browser: the author submits, four of a seven-member committee vote for, the plan is
approved with its timeline and notifications; a returned-and-resubmitted round works end to end."""
import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD, make_user
from ..plan_factories import make_plan
from .conftest import sign_in

pytestmark = pytest.mark.browser


def _committee():
    people = [make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"]),
              make_user("Trần Văn Minh", email="pct@thanhto.demo", roles=["vice_chair", "committee"]),
              make_user("Phạm Thị Lan", email="ketoan@thanhto.demo", roles=["accountant", "committee"]),
              make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])]
    people += [make_user(f"Ủy Viên {i}", email=f"uv{i}@thanhto.demo", roles=["committee"]) for i in (1, 2, 3)]
    return people


def _vote(page, email, choice="for", reason=""):
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)
    expect(page.locator("#waiting-votes")).to_be_visible()
    page.locator("#waiting-votes a").first.click()
    page.locator(f"input[name=choice][value={choice}]").check()
    if reason:
        page.fill("#vote-reason", reason)
    page.get_by_role("button", name="Gửi biểu quyết").click()
    expect(page.locator("#vote-panel")).to_contain_text("Đã ghi nhận biểu quyết của bạn về kế hoạch")


def test_submit_vote_approve(page):
    people = _committee()
    plan = make_plan(people[3], "Tổ chức Tết Trung thu năm 2024")
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator("h1")).to_have_text("Ban Chấp hành biểu quyết")
    expect(page.locator("#vote-panel")).to_contain_text("Cần 4/7")
    for email in ("chutich@thanhto.demo", "pct@thanhto.demo", "ketoan@thanhto.demo"):
        _vote(page, email)
    expect(page.locator("#vote-panel")).to_contain_text("Đồng ý: 3")
    _vote(page, "uv1@thanhto.demo")
    expect(page.locator("#vote-panel")).to_contain_text("Đã duyệt")
    expect(page.locator("#vote-panel")).to_contain_text("4/7 Ủy viên BCH đồng ý")
    # The author sees the approval in the bell and on the timeline.
    page.context.clear_cookies()
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    expect(page.locator(".bell-count")).to_have_text("1")
    page.click("#bell")
    expect(page.locator(".notifications")).to_contain_text("đã được Ban Chấp hành duyệt")
    page.locator(".notifications button").first.click()
    expect(page.locator(".status-bar")).to_contain_text("Đã duyệt")
    timeline = page.locator("#timeline")
    for text in ("Trình Ban Chấp hành duyệt (lần 1", "Biểu quyết lần 1: Đồng ý", "Được duyệt: 4/7"):
        expect(timeline).to_contain_text(text)


def test_returned_then_resubmitted(page):
    people = _committee()
    plan = make_plan(people[3], "Hội nghị viên chức năm 2024")
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator("h1")).to_have_text("Ban Chấp hành biểu quyết")      # submitted before the next sign-in
    page.context.clear_cookies()
    sign_in(page, "chutich@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}/duyet")
    page.fill("#comment-text", "Thiếu dự toán kinh phí.")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.locator("#comments")).to_contain_text("Thiếu dự toán kinh phí.")
    page.fill("#return-reason", "Bổ sung dự toán rồi trình lại.")
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator(".status-bar")).to_contain_text("Trả lại để sửa")
    # The author sees every reason and comment, revises, resubmits.
    page.context.clear_cookies()
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    box = page.locator(".returned-box")
    expect(box).to_contain_text("Bổ sung dự toán rồi trình lại.")
    expect(box).to_contain_text("Thiếu dự toán kinh phí.")
    page.fill("#new-basis", "Căn cứ dự toán kinh phí công đoàn năm 2024;")
    page.click("button:has-text('+ Thêm căn cứ')")
    expect(page.locator("#plan-bases")).to_contain_text("dự toán kinh phí công đoàn năm 2024")
    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator(".muted").first).to_contain_text("Lần trình 2")
    expect(page.locator("main")).to_contain_text("Thay đổi so với lần trình 1")
    expect(page.locator("main")).to_contain_text("dự toán kinh phí công đoàn năm 2024")
    expect(page.locator("#rounds")).to_contain_text("Lần 1")
    expect(page.locator("#rounds")).to_contain_text("Chủ tịch trả lại")


def test_a_member_changes_her_vote_and_the_whole_page_agrees(phone):
    people = _committee()
    plan = make_plan(people[3], "Tổ chức Hội diễn văn nghệ chào mừng 20/11")
    from congdoan.approvals import services
    from congdoan.extensions import db
    services.submit(plan, actor=people[3])
    db.session.commit()
    reason = "Chưa có dự toán kinh phí cho hội diễn"
    _vote(phone, "pct@thanhto.demo", "against", reason)
    rounds = phone.locator("#rounds")
    expect(rounds).to_contain_text(f"Trần Văn Minh: Không đồng ý — “{reason}”")
    # She changes her mind; the reason box still holds her reason against.
    expect(phone.locator("#vote-reason")).to_have_value(reason)
    phone.locator("input[name=choice][value=for]").check()
    phone.get_by_role("button", name="Đổi biểu quyết").click()
    expect(phone.locator("#vote-panel")).to_contain_text("Đồng ý: 1")
    expect(phone.locator("#vote-panel")).to_contain_text("Không đồng ý: 0")
    expect(phone.locator("#vote-panel")).to_contain_text("Bạn đã chọn Đồng ý. Bạn có thể đổi ý")
    expect(rounds).to_contain_text("Trần Văn Minh: Đồng ý")
    expect(rounds).not_to_contain_text(reason)
    expect(phone.locator("#vote-panel")).not_to_contain_text(reason)
