"""In a real browser: the chair hands out the schedule of an approved plan (the real 2023-2024 plan)
through the review screen; a group leader, on a phone-sized screen, marks one task done with a result
and a photo in a few taps; the plan's progress and the home pages follow."""
import io
import json
import re

import pytest
from playwright.sync_api import expect

from congdoan.approvals import services as approvals
from congdoan.demo.seed import EXAMPLE_PLAN
from congdoan.extensions import db
from congdoan.plans import creating as plan_creating
from congdoan.tasks.models import Task

from ..conftest import PASSWORD
from ..task_factories import make_union
from .conftest import settled, sign_in, wait_until

pytestmark = pytest.mark.browser


def _example_plan(u):
    """The real example plan (52 activities in 11 periods, dated 05/09/2023), approved by the committee."""
    doc = json.loads(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    full = plan_creating.new_document(doc["subject"], doc.get("period", ""))
    full.update({k: v for k, v in doc.items() if v not in (None, "")})
    plan = plan_creating.create_from_document(full, actor=u.chair, summary="Nhập kế hoạch mẫu")
    db.session.commit()
    approvals.submit(plan, actor=u.chair)
    for voter in (u.chair, u.vice, u.accountant, u.committee[3]):
        approvals.vote(plan, voter=voter, choice="for")
    db.session.commit()
    assert plan.status == "approved"
    return plan


def _photo() -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (160, 120), (255, 236, 179))
    ImageDraw.Draw(image).ellipse((40, 20, 120, 100), fill=(230, 120, 30))     # a lantern, more or less
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _leader_open_count(page) -> int:
    text = page.locator("#my-tasks .home-task-counts li").first.inner_text()
    return int(re.search(r"(\d+) chưa xong", text).group(1))


def test_hand_out_then_done_on_a_phone(page, phone):
    u = make_union()
    plan = _example_plan(u)
    g1, g2, g3 = u.groups

    # --- the chair hands out the schedule through the review screen -----------------------------
    sign_in(page, "chutich@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    page.get_by_role("link", name="Giao việc cho các tổ").click()
    expect(page.locator("h1")).to_have_text("Giao việc từ lịch công tác")
    august = page.locator(".assign-line").first                      # 8/2023: before the plan's date
    expect(august).to_contain_text("sớm hơn ngày của kế hoạch (05/09/2023)")
    expect(august.locator("input[name$='-include']")).not_to_be_checked()
    # Default assignees for every ticked line, then adjust the Trung thu line.
    defaults = page.locator(".assign-defaults")
    defaults.get_by_label("Tổ Khối 1").check()
    defaults.get_by_label("Tổ Văn phòng").check()
    page.get_by_role("button", name="Áp dụng (chưa lưu)").click()
    expect(page.locator(".alert-info")).to_contain_text("Đã điền tổ mặc định")
    trung_thu = page.locator(".assign-line", has_text="Tết Trung thu cho HS")
    expect(trung_thu.get_by_label("Tổ Khối 1")).to_be_checked()
    trung_thu.get_by_label("Tổ Văn phòng").uncheck()
    trung_thu.get_by_label("Tổ Khối 2 - 3").check()
    trung_thu.get_by_label("Ghi chú").fill("Báo cáo số cháu tham dự và số quà đã trao")
    trung_thu.get_by_label("Hạn hoàn thành").fill("2023-08-25")      # before the plan's own date
    page.get_by_role("button", name="Lưu và giao việc").click()
    expect(page.locator(".alert-error")).to_contain_text("Chưa lưu: 1 việc cần sửa")
    trung_thu = page.locator(".assign-line", has_text="Tết Trung thu cho HS")
    expect(trung_thu).to_contain_text("sớm hơn ngày của kế hoạch (05/09/2023)")
    expect(trung_thu.get_by_label("Ghi chú")).to_have_value("Báo cáo số cháu tham dự và số quà đã trao")
    expect(trung_thu.get_by_label("Tổ Khối 2 - 3")).to_be_checked()
    assert db.session.query(Task).count() == 0
    trung_thu.get_by_label("Hạn hoàn thành").fill("2023-09-28")
    page.get_by_role("button", name="Lưu và giao việc").click()
    expect(page.locator("h1")).to_contain_text("Tiến độ thực hiện")
    total = db.session.query(Task).count()
    lines = sum(len(r["activities"]) for r in json.loads(EXAMPLE_PLAN.read_text(encoding="utf-8"))["schedule"]
                if r["period"] != "8/2023")
    assert total == 2 * lines                                          # two groups on every line after August
    expect(page.locator(".progress-summary")).to_contain_text(f"0/{total} việc hoàn thành")
    lantern = db.session.query(Task).filter(Task.title.contains("Tết Trung thu cho HS"), Task.group_id == g1.id).one()
    assert lantern.note == "Báo cáo số cháu tham dự và số quà đã trao" and str(lantern.due_date) == "2023-09-28"

    # --- the leader of Tổ Khối 1, on a phone ---------------------------------------------------
    sign_in(phone, "mai@thanhto.demo", PASSWORD)
    expect(phone.locator("#my-tasks")).to_contain_text("Tổ Khối 1")
    open_before = _leader_open_count(phone)
    phone.get_by_role("button", name="Danh mục").tap()
    phone.get_by_role("link", name="Công việc").tap()
    expect(phone.locator("h1")).to_have_text("Việc của tổ — Tổ Khối 1")
    card = phone.locator(f"#task-{lantern.id}")
    expect(card).to_contain_text("Chưa bắt đầu")
    start = card.get_by_role("button", name="Bắt đầu thực hiện")
    box = start.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 140               # a big target for a thumb
    start.tap()
    expect(card.locator(".task-status")).to_have_text("Đang thực hiện")
    settled(phone)                 # the card came back: its links work through htmx once settled
    card.get_by_role("link", name="Hoàn thành…").tap()
    expect(card.get_by_label("Kết quả thực hiện (bắt buộc)")).to_be_visible()
    settled(phone)
    card.get_by_label("Kết quả thực hiện (bắt buộc)").fill("Đã tổ chức cho 42 cháu, trao 42 suất quà.")
    card.locator("input[type=file]").set_input_files(
        files=[{"name": "trung-thu.png", "mimeType": "image/png", "buffer": _photo()}])
    card.get_by_role("button", name="Xác nhận hoàn thành").tap()
    expect(card.locator(".task-status")).to_have_text("Hoàn thành")
    expect(card).to_contain_text("Kết quả: Đã tổ chức cho 42 cháu, trao 42 suất quà.")
    expect(card).to_contain_text("Đã chuyển việc “")
    expect(card).to_contain_text("” sang “Hoàn thành”")
    # The task's own page: history with who, from -> to, the result and the photo.
    card.get_by_role("link", name=re.compile("Tết Trung thu")).tap()
    history = phone.locator(".task-history")
    expect(history).to_contain_text("Đang thực hiện → Hoàn thành")
    expect(history).to_contain_text("Vũ Thị Mai")
    thumb = history.locator("img.evidence-thumb")
    expect(thumb).to_be_visible()
    # The photo really loads (lazy loading: wait until the browser has decoded it).
    wait_until(phone, "() => { const i = document.querySelector('.task-history img.evidence-thumb');"
                      " return i && i.complete && i.naturalWidth > 0; }")
    assert thumb.evaluate("img => img.naturalWidth") == 160
    # The leader's home page counts one task fewer.
    phone.goto("/")
    assert _leader_open_count(phone) == open_before - 1

    # --- the chair sees the progress move -----------------------------------------------------
    page.goto(f"/viec/ke-hoach/{plan.id}")
    expect(page.locator(".progress-summary")).to_contain_text(f"1/{total} việc hoàn thành")
    expect(page.locator("svg.chart-months rect.seg-done")).to_have_count(1)
    expect(page.locator(".group-bars li", has_text="Tổ Khối 1")).to_contain_text(f"1/{lines} xong")
    expect(page.locator(".group-bars li", has_text="Tổ Khối 1").locator("svg rect.seg-done")).to_have_count(1)
    page.goto("/")
    expect(page.locator("#my-tasks")).to_contain_text(f"Toàn công đoàn: {total - 1} việc quá hạn")


def test_the_chair_moves_a_due_date_and_takes_a_task_back(page):
    """From the task's page: a new date refused without a reason, then saved with one (the history
    shows both dates and the reason); another task, given to the wrong group, taken back."""
    from ..task_factories import hand_out, quick_task
    u = make_union()
    task = quick_task(u, group=u.groups[0])
    wrong = hand_out(task.plan, u.chair, {"Việc thử nghiệm": [u.groups[1].id]})[-1]
    task_id, wrong_id = task.id, wrong.id
    sign_in(page, "chutich@thanhto.demo", PASSWORD)

    page.goto(f"/viec/{task.id}")
    page.get_by_role("link", name="Sửa hạn, hướng dẫn / thu hồi").click()
    expect(page.locator("h1")).to_have_text("Sửa việc đã giao")
    page.get_by_label("Hạn hoàn thành").fill("2024-10-15")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator(".field-error")).to_contain_text("Ghi lý do đổi hạn")
    settled(page)
    expect(page.get_by_label("Hạn hoàn thành")).to_have_value("2024-10-15")          # kept
    page.get_by_label("Lý do thay đổi").fill("Lùi theo lịch của Công đoàn quận")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("#messages")).to_contain_text("Đã lưu thay đổi")
    expect(page.locator(".task-meta")).to_contain_text("15/10/2024")
    expect(page.locator(".task-history")).to_contain_text("30/09/2024 → 15/10/2024")
    expect(page.locator(".task-history")).to_contain_text("Lùi theo lịch của Công đoàn quận")

    page.goto(f"/viec/{wrong_id}/sua")
    page.get_by_label("Lý do thu hồi").fill("Giao nhầm tổ")
    page.get_by_role("button", name="Thu hồi việc").click()
    expect(page.locator("#messages")).to_contain_text("Đã thu hồi việc")
    db.session.expire_all()
    assert db.session.get(Task, wrong_id) is None and db.session.get(Task, task_id) is not None
