"""Where the focus goes after an htmx swap, with the keyboard alone: the element that held the focus is
replaced, and the focus fell back to <body> (the "Hoàn thành…" form's field then took 52 Tabs to reach)."""
import pytest
from playwright.sync_api import expect

from congdoan.approvals import services as approvals
from congdoan.extensions import db
from congdoan.plans.models import PlanStatus

from ..conftest import PASSWORD, make_user
from ..plan_factories import make_plan
from ..task_factories import make_union, quick_task
from .conftest import sign_in

pytestmark = pytest.mark.browser


def _focused(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e === document.body ? 'body' : (e.id || e.name || e.getAttribute('role') || e.tagName); }""")


def _press_on(page, locator) -> None:
    locator.focus()
    page.keyboard.press("Enter")


def test_a_leader_finishes_a_task_from_the_keyboard(page):
    u = make_union()
    task = quick_task(u, group=u.groups[0])
    sign_in(page, "mai@thanhto.demo", PASSWORD)
    page.goto("/viec/")
    card = page.locator(f"#task-{task.id}")
    _press_on(page, card.get_by_role("link", name="Hoàn thành…"))
    result = card.locator("textarea[name=note]")
    expect(result).to_be_focused()
    # Sent without the result it needs: the field is marked and takes the focus.
    _press_on(page, card.get_by_role("button", name="Xác nhận hoàn thành"))
    expect(card.locator("textarea[name=note]")).to_be_focused()
    expect(card.locator("textarea[name=note]")).to_have_attribute("aria-invalid", "true")
    page.keyboard.type("Đã tổ chức cho 45 cháu.")
    page.keyboard.press("Tab")
    for _ in range(6):
        if page.evaluate("document.activeElement.textContent.trim()") == "Xác nhận hoàn thành":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # Done: the focus is on the message that says so, inside the card.
    expect(card.locator("[role=status]")).to_be_focused()
    expect(card.locator("[role=status]")).to_contain_text("Hoàn thành")


def test_a_vote_without_a_reason_puts_the_focus_on_the_reason(page):
    chair = make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"])
    make_user("Trần Văn Minh", email="pct@thanhto.demo", roles=["vice_chair", "committee"])
    for i in (1, 2, 3):
        make_user(f"Ủy Viên {i}", roles=["committee"])
    plan = make_plan(chair, "Tổ chức hội thao chào mừng 8/3")
    approvals.submit(plan, actor=chair)
    db.session.commit()
    sign_in(page, "pct@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}/duyet")
    page.locator("input[name=choice][value=against]").check()
    _press_on(page, page.get_by_role("button", name="Gửi biểu quyết"))
    expect(page.locator("#vote-reason")).to_be_focused()
    page.keyboard.type("Chưa có dự toán.")
    _press_on(page, page.get_by_role("button", name="Gửi biểu quyết"))
    expect(page.locator("#vote-panel")).to_contain_text("Đã ghi nhận biểu quyết của bạn về kế hoạch")
    expect(page.locator("#vote-panel input[name=choice]").first).to_be_focused()


def test_an_empty_line_in_the_editor_marks_and_focuses_its_field(page):
    author = make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    plan = make_plan(author, status=PlanStatus.DRAFT)
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    section = page.locator(".doc-section").first
    _press_on(page, section.get_by_role("button", name="+ Thêm dòng"))
    field = page.locator(".doc-section").first.locator("textarea[name=text]").last
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches (a JS expression over `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({predicate_js}); }})()"):
            return
    raise AssertionError(f"Tab never reached {predicate_js}")


def test_sign_in_and_send_a_request_with_the_keyboard_only(page):
    from ..conftest import make_group
    make_user("Nguyễn Thị Thanh", email="thanh@thanhto.demo", group=make_group("Tổ Khối 1"))
    page.goto("/dang-nhap")
    _tab_to(page, "e.name === 'email'")
    page.keyboard.type("thanh@thanhto.demo")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Xin chào")
    page.goto("/de-xuat/moi/kien-nghi")
    _tab_to(page, "e.name === 'subject'")
    page.keyboard.type("Góp ý giờ sinh hoạt tổ")
    _tab_to(page, "e.name === 'content'")
    page.keyboard.type("Đề nghị dời sinh hoạt tổ sang thứ Năm.")
    _tab_to(page, "e.tagName === 'BUTTON' && e.type === 'submit' && e.closest('main')")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Đã gửi đề xuất")
    expect(page.locator("main")).to_contain_text("Góp ý giờ sinh hoạt tổ")
