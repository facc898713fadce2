"""The search box in a real browser (issue 16, point 12): on a 1366 px screen the chair types in the
top bar, gets every area's results, narrows them by typing on the results page (htmx, debounced) and
opens a plan; on a 390 px phone a member searches from the menu, sees only what is theirs to see and
opens their group's task."""
import re

import pytest
from playwright.sync_api import expect

from congdoan.extensions import db
from congdoan.tasks import corrections
from congdoan.tasks.corrections import Correction

from ..conftest import PASSWORD, make_user
from ..plan_factories import make_plan
from ..task_factories import approved_plan, hand_out, make_union
from .conftest import settled, sign_in, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def union():
    u = make_union()
    u.chair.set_roles(["chair", "committee", "admin"])
    plan = approved_plan(u, "Hoạt động Công đoàn năm học 2024 - 2025")
    tasks = hand_out(plan, u.chair, {"Tổ chức": [u.groups[0].id, u.groups[1].id]})
    corrections.correct(tasks[1], Correction(tasks[1].due_date.strftime("%d/%m/%Y"), "Mua quà Trung thu ở chợ Sắt", ""),
                        actor=u.chair, version=corrections.version_of(tasks[1]))
    make_plan(u.chair, "Dự thảo Trung thu bí mật")               # the committee's draft
    make_user("Trần Văn Hưng", email="tvhung@thanhto.demo", group=u.groups[2])
    make_user("Phan Thị Nhung", email="ptnhung@thanhto.demo", group=u.groups[2])
    db.session.commit()
    return u


def _signed_in(page, email):
    sign_in(page, email, PASSWORD)


def test_the_chair_searches_from_the_top_bar_and_narrows_by_typing(browser, live_server, union):
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _signed_in(page, "chutich@thanhto.demo")
        # The top bar is full at 1366 px: its magnifier opens the box, ready to type; the bar stays one line.
        tops = page.eval_on_selector_all("#main-nav > a, .nav-group-button",
                                         "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        assert max(tops) - min(tops) <= 4, f"the top bar wraps: {tops}"
        box = page.get_by_role("searchbox", name="Tìm kiếm", exact=True)
        expect(box).to_be_hidden()
        page.get_by_role("button", name="Tìm kiếm").click()
        expect(box).to_be_focused()
        page.keyboard.type("trung thú")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/tim-kiem\?q=trung\+th"))
        plans = page.locator("#search-area-ke-hoach")
        expect(plans).to_contain_text("Kế hoạch 2")              # the approved plan and the chair's draft
        marked = page.locator("section[aria-labelledby=search-area-ke-hoach] mark").first
        expect(marked).to_have_text(re.compile("Trung|thu"))
        expect(page.locator("section[aria-labelledby=search-area-cong-viec]")).to_contain_text("Tổ Khối 1")
        # Typing on the results page narrows them without a new page.
        field = page.locator("#search-page-box")
        field.fill("Hưng")
        expect(page.locator("#search-area-doan-vien")).to_be_attached()
        settled(page)
        people = page.locator("section[aria-labelledby=search-area-doan-vien]")
        expect(people).to_contain_text("Trần Văn Hưng")
        expect(people).not_to_contain_text("Phan Thị Nhung")
        expect(page).to_have_url(re.compile(r"q=H%C6%B0ng|q=Hưng"))
        # Back to the plans, and open one.
        field.fill("trung thu 2024")
        wait_until(page, "() => !document.querySelector('#search-area-doan-vien .tag') || "
                         "document.querySelector('#search-area-doan-vien .tag').textContent === '0'")
        settled(page)
        page.locator("section[aria-labelledby=search-area-ke-hoach]").get_by_role(
            "link", name="Hoạt động Công đoàn năm học 2024 - 2025").click()
        expect(page.locator("h1")).to_contain_text("Hoạt động Công đoàn năm học 2024 - 2025")
    finally:
        context.close()


def test_a_member_searches_from_the_phone_menu_and_opens_their_task(phone, union):
    _signed_in(phone, "thanh@thanhto.demo")                      # a member of Tổ Khối 1
    phone.get_by_role("button", name="Danh mục").click()
    box = phone.get_by_role("searchbox", name="Tìm kiếm", exact=True)
    expect(box).to_be_visible()
    box.fill("trung thu")
    box.press("Enter")
    expect(phone).to_have_url(re.compile(r"/tim-kiem\?q=trung\+thu"))
    expect(phone.locator("#search-area-ke-hoach")).to_contain_text("Kế hoạch 1")   # not the committee's draft
    expect(phone.locator("main")).not_to_contain_text("bí mật")
    tasks = phone.locator("section[aria-labelledby=search-area-cong-viec]")
    expect(tasks).to_contain_text("Công việc 1")                # their group's task, not group 2's
    expect(tasks).not_to_contain_text("chợ Sắt")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the results scroll sideways on a phone ({width}px)"
    tasks.locator("a.plan-link").click()
    expect(phone.locator("h1")).to_contain_text("Tổ chức")
    expect(phone.locator("main")).to_contain_text("Tổ Khối 1")
