"""Tasks: due dates read from schedule periods, the transition table, handing out a plan's schedule
through the review screen, statuses with notes and evidence, stale pages, permissions by role,
tracking pages and their query counts, the Excel export."""
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from congdoan import caching
from congdoan.audit.models import AuditEntry
from congdoan.audit.service import verify_chain
from congdoan.dates import local_today
from congdoan.errors import DomainError, PermissionDenied, StaleError, ValidationFailed
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.plans.document import load_plan_tree
from congdoan.plans.models import PlanStatus
from congdoan.tasks import operations, queries, workflow
from congdoan.tasks.models import Task, TaskEvent
from congdoan.tasks.rules import period_end
from congdoan.uploads.models import StoredFile

from .conftest import text_of
from .plan_factories import make_plan
from .samples import HTML, PDF, png_bytes
from .task_factories import approved_plan, hand_out, make_union, quick_task


@pytest.fixture
def u():
    return make_union()


def _upload(client, url, fields: dict, *, htmx: bool = False):
    """A multipart POST encoded in memory (the test client spools bodies over 500 KB to a temporary
    file it never closes, which the warnings-as-errors run reports)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    values = {"csrf_token": client.csrf_token()}
    for key, value in fields.items():
        values[key] = FileStorage(io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers={"HX-Request": "true"} if htmx else {})


def _page(response) -> str:
    import html
    return html.unescape(text_of(response))


# --- due dates from schedule periods --------------------------------------------------------------

@pytest.mark.parametrize("period,expected", [
    ("6, 7/2024", dt.date(2024, 7, 31)),
    ("9/2023", dt.date(2023, 9, 30)),
    ("01/2024", dt.date(2024, 1, 31)),
    ("Tháng 9/2024", dt.date(2024, 9, 30)),
    ("tháng 9 năm 2024", dt.date(2024, 9, 30)),
    ("02/2024", dt.date(2024, 2, 29)),             # leap year
    ("2/2025", dt.date(2025, 2, 28)),
    ("12/2023 - 01/2024", dt.date(2024, 1, 31)),   # a period across the new year ends in January
    ("6-7/2024", dt.date(2024, 7, 31)),            # a range of months, not the 6th of July
    ("T9/2023", dt.date(2023, 9, 30)),
    ("Quý I/2024", dt.date(2024, 3, 31)),
    ("15/9/2023", dt.date(2023, 9, 15)),           # a whole date is its own end
    ("Cả năm", None), ("Thường xuyên", None), ("năm học 2023 - 2024", None), ("13/2024", None), ("", None),
    (None, None),
])
def test_period_end(period, expected):
    assert period_end(period) == expected


# --- the transition table -------------------------------------------------------------------------

STATUSES = ["not_started", "in_progress", "blocked", "done"]
ALLOWED = {("not_started", "in_progress"), ("not_started", "blocked"), ("not_started", "done"),
           ("in_progress", "blocked"), ("in_progress", "done"), ("in_progress", "not_started"),
           ("blocked", "in_progress"), ("blocked", "done"), ("blocked", "not_started"),
           ("done", "in_progress")}


def _move_to(task, status, actor):
    """Bring a task to a status through the table (test set-up)."""
    path = {"not_started": [], "in_progress": ["in_progress"], "blocked": ["blocked"],
            "done": ["in_progress", "done"]}[status]
    for step in path:
        workflow.apply(task, workflow.action_to(task.status, step), actor, expected=task.version,
                       note="Kết quả thử" if step == "done" else "")
    db.session.commit()


@pytest.mark.parametrize("source", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_status_pair(u, source, target):
    task = quick_task(u, group=u.groups[0])
    leader = u.leaders[0]
    _move_to(task, source, leader)
    if (source, target) in ALLOWED:
        event = workflow.apply(task, workflow.action_to(source, target), leader, expected=task.version,
                               note="Đã xong việc." if target == "done" else "")
        db.session.commit()
        assert task.status == target and event.from_status == source and event.to_status == target
        assert (task.done_at is not None) == (target == "done")
        assert bool(task.result_note) == (target == "done")
    else:
        with pytest.raises(DomainError):
            workflow.apply(task, workflow.action_to(source, target), leader, expected=task.version, note="x")
        db.session.rollback()
        assert db.session.get(Task, task.id).status == source


def test_done_needs_a_result_note(u):
    task = quick_task(u, group=u.groups[0])
    with pytest.raises(ValidationFailed, match="kết quả"):
        workflow.apply(task, "finish", u.leaders[0], expected=task.version, note="")
    db.session.rollback()
    assert db.session.get(Task, task.id).status == "not_started"
    # And the database itself refuses a done task without a result.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(status="done", done_at=sa.func.now()))
    db.session.rollback()


def test_overdue_is_derived_never_stored(u):
    today = local_today()
    task = quick_task(u, group=u.groups[0])
    task.due_date = today - dt.timedelta(days=1)
    db.session.commit()
    assert task.is_overdue(today) and not task.is_overdue(today - dt.timedelta(days=2))
    assert task.status == "not_started"
    _move_to(task, "done", u.leaders[0])
    assert not task.is_overdue(today)
    assert {c.name for c in Task.__table__.columns}.isdisjoint({"overdue", "is_overdue"})


def test_a_change_writes_history_and_the_audit_chain(u):
    task = quick_task(u, group=u.groups[0])
    workflow.apply(task, "start", u.leaders[0], expected=task.version, note="Bắt đầu")
    workflow.apply(task, "finish", u.leaders[0], expected=task.version, note="Xong rồi")
    db.session.commit()
    events = queries.history(task)
    assert [(e.kind, e.from_status, e.to_status, e.note) for e in events] == [
        ("status", "in_progress", "done", "Xong rồi"), ("status", "not_started", "in_progress", "Bắt đầu"),
        ("created", None, "not_started", "")]
    assert all(e.actor_id for e in events)
    audit = db.session.query(AuditEntry).filter_by(object_type="tasks", object_id=task.id).order_by(AuditEntry.id).all()
    assert [a.action for a in audit] == ["task_created", "task_status_changed", "task_status_changed"]
    assert "Đang thực hiện → Hoàn thành" in audit[-1].summary and '"note":"Xong rồi"' in audit[-1].data
    assert verify_chain().ok


def test_the_write_is_guarded_by_the_version_the_page_showed(u):
    task = quick_task(u, group=u.groups[0])
    shown = task.version
    workflow.apply(task, "start", u.chair, expected=shown)
    db.session.commit()
    with pytest.raises(StaleError) as info:
        workflow.apply(task, "block", u.leaders[0], expected=shown, shown="not_started")
    assert "Nguyễn Thị Hoa" in info.value.message and "Đang thực hiện" in info.value.message
    assert "trang của bạn vẫn hiển thị “Chưa bắt đầu”" in info.value.message
    assert info.value.status == 409


# --- handing out a plan's schedule ----------------------------------------------------------------

def test_the_proposal_prefills_groups_and_due_dates(u):
    plan = approved_plan(u)
    lines = {l.activity.text[:12]: l for l in operations.review_lines(load_plan_tree(plan.id))}
    august = lines["Chuẩn bị cơ "]
    assert august.default == dt.date(2024, 8, 31) and not august.include      # before the plan's date (05/09/2024)
    trung_thu = lines["Tổ chức **Tế"]
    assert trung_thu.include and trung_thu.due_text == "2024-09-30"
    assert trung_thu.assignees == [u.groups[0].id, u.groups[1].id]               # the groups the plan names
    assert lines["Kỷ niệm ngày"].due_text == "2024-10-31"
    assert lines["Quyết toán k"].due_text == "2025-07-31"
    assert lines["Tổng kết năm"].due_text == "2025-07-15"                         # the date written on the activity
    assert lines["Thăm hỏi đoà"].due_text == "" and lines["Thăm hỏi đoà"].include  # unreadable period: must choose


def test_one_task_per_activity_and_assignee_and_never_twice(u):
    plan = approved_plan(u)
    g1, g2, g3 = u.groups
    made = hand_out(plan, u.chair, {"Tổ chức": [g1.id, g2.id], "Lập danh sách": [g1.id, g2.id, g3.id], "Kỷ niệm": [0]})
    assert len(made) == 6
    assert {(t.title[:9], t.assignee) for t in made} >= {("Tổ chức *", g1.id), ("Tổ chức *", g2.id), ("Kỷ niệm n", 0)}
    committee_task = next(t for t in made if t.assignee == 0)
    assert committee_task.group_id is None and committee_task.due_date == dt.date(2024, 10, 31)
    assert all(t.period for t in made) and all(t.status == "not_started" for t in made)
    # Handing out again: what exists is shown as such and never duplicated; only new pairs are added.
    lines = {l.activity.text[:7]: l for l in operations.review_lines(load_plan_tree(plan.id))}
    assert lines["Tổ chức"].taken == {g1.id, g2.id} and not lines["Tổ chức"].include
    again = hand_out(plan, u.chair, {"Tổ chức": [g1.id, g2.id, g3.id]})
    assert len(again) == 7
    assert db.session.query(Task).filter_by(assignee=g3.id).count() == 2
    # Leaders were told, once per group and hand-out.
    told = db.session.query(Notification).filter_by(kind="tasks_assigned").all()
    assert {n.user_id for n in told} >= {u.leaders[0].id, u.leaders[1].id, u.leaders[2].id}


def test_the_database_refuses_a_duplicate_assignment(u):
    task = quick_task(u, group=u.groups[0])
    db.session.add(Task(plan_id=task.plan_id, activity_id=task.activity_id, group_id=task.group_id,
                        assignee=task.assignee, title="x", due_date=task.due_date, created_by_id=u.chair.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("case,message", [
    ("before_plan", "sớm hơn ngày của kế hoạch (05/09/2024)"),
    ("no_group", "Chọn ít nhất một tổ"),
    ("no_date", "Chọn hạn hoàn thành (không đọc được tháng từ “Thường xuyên”)"),
    ("bad_date", "không phải là ngày hợp lệ"),
    ("nothing", "Chưa chọn việc nào"),
])
def test_bad_review_changes_nothing(u, case, message):
    plan = approved_plan(u)
    lines = operations.review_lines(load_plan_tree(plan.id))
    for line in lines:
        line.include = False
    by = {l.activity.text[:7]: l for l in lines}
    if case == "before_plan":
        by["Tổ chức"].include, by["Tổ chức"].due_text = True, "2024-09-01"
    elif case == "no_group":
        by["Lập dan"].include = True
    elif case == "no_date":
        by["Thăm hỏ"].include, by["Thăm hỏ"].assignees = True, [0]
    elif case == "bad_date":
        by["Tổ chức"].include, by["Tổ chức"].due_text = True, "31/02/2024"
    with pytest.raises(ValidationFailed) as info:
        operations.assign(load_plan_tree(plan.id), lines, actor=u.chair)
    assert message in " ".join(info.value.errors.values())
    db.session.rollback()
    assert db.session.query(Task).count() == 0


def test_only_approved_plans_and_only_the_chair_or_a_vice_chair(u):
    draft = make_plan(u.chair, schedule=[{"period": "9/2024", "activities": [{"text": "A", "groups": [], "due": None}]}])
    lines = operations.review_lines(load_plan_tree(draft.id))
    lines[0].assignees = [0]
    with pytest.raises(DomainError, match="đã duyệt"):
        operations.assign(load_plan_tree(draft.id), lines, actor=u.chair)
    plan = approved_plan(u)
    with pytest.raises(PermissionDenied):
        operations.assign(load_plan_tree(plan.id), operations.review_lines(load_plan_tree(plan.id)), actor=u.leaders[0])
    db.session.rollback()
    issued = approved_plan(u, "Kế hoạch đã ban hành")
    issued.status, issued.number = PlanStatus.ISSUED.value, "01/KH-CĐ"     # set-up only
    db.session.commit()
    assert hand_out(issued, u.vice, {"Kỷ niệm": [0]})


# --- the review screen through the browser's client -----------------------------------------------

def test_review_screen_apply_then_save(client, signed_in, u):
    plan = approved_plan(u)
    signed_in(u.chair)
    page = _page(client.get(f"/viec/ke-hoach/{plan.id}/giao-viec"))
    assert "Giao việc từ lịch công tác" in page and "hạn mặc định 30/09/2024" in page
    assert "sớm hơn ngày của kế hoạch (05/09/2024)" in page
    tree = load_plan_tree(plan.id)
    ids = {a.text[:7]: a.id for r in tree.rows for a in r.activities}
    g1, g2, g3 = u.groups
    form = {"default_to": [str(g3.id)], "action": "apply",
            f"a{ids['Tổ chức']}-include": "1", f"a{ids['Tổ chức']}-to": [str(g1.id), str(g2.id)],
            f"a{ids['Tổ chức']}-due": "2024-09-30", f"a{ids['Tổ chức']}-note": "Báo cáo số cháu tham dự",
            f"a{ids['Lập dan']}-include": "1", f"a{ids['Lập dan']}-due": "2024-09-30"}
    applied = client.post_form(f"/viec/ke-hoach/{plan.id}/giao-viec", form)
    assert applied.status_code == 200 and db.session.query(Task).count() == 0
    html = applied.get_data(as_text=True)
    assert re.search(rf'name="a{ids["Lập dan"]}-to" value="{g3.id}" checked', html)          # default filled in
    assert 'value="Báo cáo số cháu tham dự"' in html
    form["action"] = "save"
    saved = client.post_form(f"/viec/ke-hoach/{plan.id}/giao-viec", form)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/viec/ke-hoach/{plan.id}")
    made = db.session.query(Task).order_by(Task.id).all()
    assert [(t.assignee, t.note) for t in made] == [(g1.id, "Báo cáo số cháu tham dự"), (g2.id, "Báo cáo số cháu tham dự"),
                                                    (g3.id, "")]
    # The same form posted again (a double click, the back button) creates nothing more, and says so.
    again = client.post_form(f"/viec/ke-hoach/{plan.id}/giao-viec", form)
    assert again.status_code == 303 and db.session.query(Task).count() == 3
    assert "Không có việc mới nào" in _page(client.get(again.headers["Location"]))
    # Adding a group to one line keeps the others as they are.
    form[f"a{ids['Tổ chức']}-to"] = [str(g1.id), str(g2.id), str(g3.id)]
    more = client.post_form(f"/viec/ke-hoach/{plan.id}/giao-viec", form)
    assert more.status_code == 303 and db.session.query(Task).count() == 4
    assert "Đã giao 1 việc cho 1 tổ / bộ phận" in _page(client.get(more.headers["Location"]))
    assert "Đã giao:" in _page(client.get(f"/viec/ke-hoach/{plan.id}/giao-viec"))


def test_review_screen_keeps_everything_on_a_bad_date(client, signed_in, u):
    plan = approved_plan(u)
    signed_in(u.vice)
    tree = load_plan_tree(plan.id)
    ids = {a.text[:7]: a.id for r in tree.rows for a in r.activities}
    form = {"action": "save", f"a{ids['Tổ chức']}-include": "1", f"a{ids['Tổ chức']}-to": [str(u.groups[0].id)],
            f"a{ids['Tổ chức']}-due": "2024-08-20", f"a{ids['Tổ chức']}-note": "Ghi chú của tôi",
            f"a{ids['Kỷ niệm']}-include": "1", f"a{ids['Kỷ niệm']}-to": ["0"], f"a{ids['Kỷ niệm']}-due": "2024-10-20"}
    response = client.post_form(f"/viec/ke-hoach/{plan.id}/giao-viec", form)
    assert response.status_code == 422
    page = _page(response)
    assert "Hạn hoàn thành 20/08/2024 sớm hơn ngày của kế hoạch (05/09/2024)" in page
    assert "Chưa lưu: 1 việc cần sửa" in page
    html = response.get_data(as_text=True)
    assert 'value="Ghi chú của tôi"' in html and 'value="2024-08-20"' in html and 'value="2024-10-20"' in html
    assert db.session.query(Task).count() == 0


def test_review_screen_refuses_drafts_and_members(client, signed_in, u):
    draft = make_plan(u.chair)
    signed_in(u.chair)
    response = client.get(f"/viec/ke-hoach/{draft.id}/giao-viec")
    assert response.status_code == 409 and "đã duyệt" in _page(response)
    plan = approved_plan(u)
    client.post_form("/dang-xuat")
    signed_in(u.leaders[0])
    assert client.get(f"/viec/ke-hoach/{plan.id}/giao-viec").status_code == 403


# --- updating from a board: one tap, a result with a photo, refusals ------------------------------

def test_leader_marks_done_with_a_note_and_a_photo(client, signed_in, u, app):
    task = quick_task(u, group=u.groups[0])
    signed_in(u.leaders[0])
    board = client.get(f"/viec/to/{u.groups[0].id}")
    assert board.status_code == 200 and "Việc thử nghiệm" in _page(board)
    started = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "not_started", "to_status": "in_progress",
                                                             "view": "board"}, htmx=True)
    assert started.status_code == 200 and "” sang “Đang thực hiện”." in _page(started)
    card = _page(started)     # the card as now stored: its status, who set it, the moves from there
    assert "task-status status-in_progress" in started.get_data(as_text=True)
    assert f"Cập nhật trạng thái: {u.leaders[0].full_name}" in card and "Hoàn thành…" in card
    assert 'name="from_status" value="in_progress"' in started.get_data(as_text=True)
    assert 'id="task-' in started.get_data(as_text=True) and "<html" not in started.get_data(as_text=True)
    form = client.get(f"/viec/{task.id}/cap-nhat?trang_thai=done&view=board", headers={"HX-Request": "true"})
    assert "Kết quả thực hiện (bắt buộc)" in _page(form)
    empty = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "in_progress", "to_status": "done",
                                                           "note": "  ", "view": "board"}, htmx=True)
    assert empty.status_code == 422 and "kết quả" in _page(empty)
    assert empty.headers["HX-Retarget"] == f"#task-{task.id}"
    done = client.post_form(f"/viec/{task.id}/cap-nhat",
                            {"from_status": "in_progress", "to_status": "done", "note": "Đã tổ chức cho 25 cháu.",
                             "view": "board", "evidence": (io.BytesIO(png_bytes()), "anh-trung-thu.png")},
                            htmx=True, content_type="multipart/form-data")
    assert done.status_code == 200, _page(done)
    task = db.session.get(Task, task.id)
    assert task.status == "done" and task.result_note == "Đã tổ chức cho 25 cháu." and task.done_at
    event = db.session.query(TaskEvent).filter_by(task_id=task.id, to_status="done").one()
    assert event.file.content_type == "image/png" and event.file.original_name == "anh-trung-thu.png"
    detail = client.get(f"/viec/{task.id}")
    page = _page(detail)
    assert "Đang thực hiện → Hoàn thành" in page and "Đã tổ chức cho 25 cháu." in page and "Vũ Thị Mai" in page
    assert f'/viec/{task.id}/minh-chung/{event.id}' in detail.get_data(as_text=True)
    image = client.get(f"/viec/{task.id}/minh-chung/{event.id}")
    assert image.status_code == 200 and image.mimetype == "image/png" and "sandbox" in image.headers["Content-Security-Policy"]
    image.close()


def test_progress_note_with_a_pdf_without_changing_the_status(client, signed_in, u):
    task = quick_task(u, group=u.groups[2])
    signed_in(u.leaders[2])                                            # a leader who is not on the committee
    response = client.post_form(f"/viec/{task.id}/cap-nhat",
                                {"from_status": "not_started", "to_status": "", "note": "Đã thu 12/15 phiếu",
                                 "evidence": (io.BytesIO(PDF), "bien-ban.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303
    task = db.session.get(Task, task.id)
    assert task.status == "not_started"
    event = db.session.query(TaskEvent).filter_by(task_id=task.id, kind="note").one()
    assert event.note == "Đã thu 12/15 phiếu" and event.file.content_type == "application/pdf"
    nothing = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "not_started", "note": ""})
    assert nothing.status_code == 422 and "Nhập ghi chú tiến độ hoặc chọn tệp" in _page(nothing)


def test_stale_page_is_refused_naming_the_current_status_and_who(client, signed_in, u):
    task = quick_task(u, group=u.groups[0])
    shown = task.version
    workflow.apply(task, "block", u.chair, expected=shown, note="Chờ kinh phí")
    db.session.commit()
    signed_in(u.leaders[0])
    response = client.post_form(f"/viec/{task.id}/cap-nhat",
                                {"from_status": "not_started", "version": shown, "to_status": "done",
                                 "note": "Kết quả tôi đã gõ", "view": "board"}, htmx=True)
    assert response.status_code == 409
    page = _page(response)
    assert "Nguyễn Thị Hoa" in page and "“Tạm dừng / Vướng mắc”" in page and "“Chưa bắt đầu”" in page
    assert "Kết quả tôi đã gõ" in page                                  # nothing lost
    assert response.headers["HX-Retarget"] == f"#task-{task.id}"
    assert db.session.get(Task, task.id).status == "blocked"
    # Without htmx: the task page with the same message and text.
    plain = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "in_progress", "version": shown,
                                                           "to_status": "done", "note": "Lần hai"})
    assert plain.status_code == 409 and "Lần hai" in _page(plain) and "<html" in plain.get_data(as_text=True)


def test_a_page_from_before_versions_is_still_refused_when_its_status_is_stale(client, signed_in, u):
    """A phone's tab opened before the version token was posted carries only the status it showed:
    a move from there must not land on a task someone has moved since."""
    task = quick_task(u, group=u.groups[0])
    workflow.apply(task, "start", u.chair, expected=task.version)
    workflow.apply(task, "block", u.chair, expected=task.version, note="Chờ kinh phí")
    db.session.commit()
    signed_in(u.leaders[0])
    response = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "in_progress", "to_status": "done",
                                                               "note": "Đã xong", "view": "board"}, htmx=True)
    assert response.status_code == 409 and "“Tạm dừng / Vướng mắc”" in _page(response)
    assert db.session.get(Task, task.id).status == "blocked"


@pytest.mark.parametrize("data,name,status,message", [
    (HTML, "anh.jpg", 422, "không phải là JPG, PNG, WebP hoặc PDF thật"),
    (png_bytes() + b"\0" * (10 * 1024 * 1024), "anh-to.png", 413, "lớn hơn 10 MB"),
], ids=["disguised", "over-the-store-limit"])
def test_bad_evidence_is_refused_and_nothing_is_kept(client, signed_in, u, app, data, name, status, message):
    task = quick_task(u, group=u.groups[0])
    signed_in(u.leaders[0])
    response = _upload(client, f"/viec/{task.id}/cap-nhat", {"from_status": "not_started", "to_status": "done",
                                                             "note": "Xong", "view": "board", "evidence": (data, name)},
                       htmx=True)
    assert response.status_code == status
    page = _page(response)
    assert message in page and "Xong" in page and "vui lòng chọn lại" in page
    assert db.session.get(Task, task.id).status == "not_started"
    assert db.session.query(StoredFile).count() == 0


def test_a_50_mb_upload_gets_the_vietnamese_413_page(client, signed_in, u):
    task = quick_task(u, group=u.groups[0])
    signed_in(u.leaders[0])
    response = _upload(client, f"/viec/{task.id}/cap-nhat", {
        "from_status": "not_started", "to_status": "done", "note": "Xong",
        "evidence": (b"\0" * (50 * 1024 * 1024), "video.png")})
    assert response.status_code == 413 and "Tệp quá lớn" in _page(response)
    assert db.session.get(Task, task.id).status == "not_started"


# --- who may see and change what ------------------------------------------------------------------

ROLES = ["chair", "vice", "committee_leader_own", "committee_leader_other", "leader_not_committee_other",
         "committee_member", "member_own", "member_other", "outsider"]


def _person(u, role):
    return {"chair": u.chair, "vice": u.vice, "committee_leader_own": u.leaders[0],
            "committee_leader_other": u.leaders[1], "leader_not_committee_other": u.leaders[2],
            "committee_member": u.committee[5], "member_own": u.members[0], "member_other": u.members[1],
            "outsider": u.outsider}[role]


# (can view, can update) a task of group 1 / a task of the committee itself
RULES = {
    "chair": ((True, True), (True, True)),
    "vice": ((True, True), (True, True)),
    "committee_leader_own": ((True, True), (True, True)),
    "committee_leader_other": ((True, False), (True, True)),
    "leader_not_committee_other": ((False, False), (False, False)),
    "committee_member": ((True, False), (True, True)),
    "member_own": ((True, False), (False, False)),
    "member_other": ((False, False), (False, False)),
    "outsider": ((False, False), (False, False)),
}


@pytest.mark.parametrize("role", ROLES)
def test_can_view_and_update_by_role(u, role):
    plan = approved_plan(u)
    made = hand_out(plan, u.chair, {"Tổ chức": [u.groups[0].id], "Kỷ niệm": [0]})
    group_task, committee_task = made
    person = _person(u, role)
    assert (group_task.can_view(person), group_task.can_update(person)) == RULES[role][0]
    assert (committee_task.can_view(person), committee_task.can_update(person)) == RULES[role][1]
    # Lists agree with the rule (the SQL twin of can_view).
    visible = {t.id for t in queries.task_cards(person, queries.TaskFilter())[0]}
    assert (group_task.id in visible, committee_task.id in visible) == (RULES[role][0][0], RULES[role][1][0])


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_by_role(client, signed_in, u, role):
    task = quick_task(u, group=u.groups[0])
    signed_in(_person(u, role))
    can_view, can_update = RULES[role][0]
    assert client.get(f"/viec/{task.id}").status_code == (200 if can_view else 403)
    board = client.get(f"/viec/to/{u.groups[0].id}")
    assert board.status_code == (200 if can_view else 403)
    if can_view:
        assert ("Bắt đầu thực hiện" in _page(board)) == can_update          # buttons only for who may press them
    response = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "not_started", "to_status": "in_progress"})
    assert response.status_code == (303 if can_update else 403)
    assert db.session.get(Task, task.id).status == ("in_progress" if can_update else "not_started")


def test_another_groups_task_is_403_even_over_htmx(client, signed_in, u):
    task = quick_task(u, group=u.groups[1])
    signed_in(u.leaders[0])
    response = client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "not_started", "to_status": "done",
                                                              "note": "x"}, htmx=True)
    assert response.status_code == 403 and response.headers["HX-Retarget"] == "#messages"
    assert db.session.get(Task, task.id).status == "not_started"


def test_evidence_is_served_only_to_those_who_see_the_task(client, signed_in, u):
    task = quick_task(u, group=u.groups[0])
    signed_in(u.leaders[0])
    client.post_form(f"/viec/{task.id}/cap-nhat", {"from_status": "not_started", "note": "Ảnh",
                                                   "evidence": (io.BytesIO(png_bytes()), "a.png")},
                     content_type="multipart/form-data")
    event = db.session.query(TaskEvent).filter_by(kind="note").one()
    url = f"/viec/{task.id}/minh-chung/{event.id}"
    client.post_form("/dang-xuat")
    signed_in(u.members[0])
    ok = client.get(url)
    assert ok.status_code == 200
    ok.close()
    client.post_form("/dang-xuat")
    signed_in(u.members[1])
    assert client.get(url).status_code == 403
    other = quick_task(u, group=u.groups[1])
    client.post_form("/dang-xuat")
    signed_in(u.chair)
    assert client.get(f"/viec/{other.id}/minh-chung/{event.id}").status_code == 404   # not this task's file


# --- lists, tracking, export -----------------------------------------------------------------------

def _spread(u, n_per_group: int):
    """A plan whose schedule has n activities, each handed to every group and the committee,
    half of them overdue, some done."""
    today = local_today()
    rows = []
    for i in range(n_per_group):
        due = today + dt.timedelta(days=(i % 6) * 9 - 24)
        rows.append({"period": f"{due.month}/{due.year}", "activities": [
            {"text": f"Việc số {i + 1}", "groups": [], "due": due.isoformat()}]})
    plan = approved_plan(u, f"Kế hoạch {n_per_group} việc", schedule=rows, date=None)
    everyone = [g.id for g in u.groups] + [0]
    made = hand_out(plan, u.chair, {"Việc số": everyone})
    for i, task in enumerate(made):
        if i % 4 == 0:
            _move_to(task, "done", u.chair)
        elif i % 4 == 1:
            _move_to(task, "blocked", u.chair)
    return plan, made


def test_progress_counts_and_charts(client, signed_in, u):
    plan, made = _spread(u, 6)
    today = local_today()
    progress = queries.plan_progress(plan)
    assert progress.totals.total == len(made) == 24
    assert progress.totals.done == sum(t.status == "done" for t in made)
    assert progress.totals.overdue == sum(t.is_overdue(today) for t in made)
    assert sum(m.counts.total for m in progress.by_month) == 24
    assert [a.name for a in progress.by_assignee] == ["Tổ Khối 1", "Tổ Khối 2 - 3", "Tổ Văn phòng", "Ban Chấp hành"]
    signed_in(u.committee[5])
    response = client.get(f"/viec/ke-hoach/{plan.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="chart chart-status"' in html and 'class="chart chart-months"' in html
    assert html.count('class="chart chart-group"') == 4                   # the three groups and the committee
    assert 'class="seg-done"' in html and 'class="seg-overdue"' in html
    assert " style=" not in html                                         # the CSP forbids inline styles
    page = _page(response)
    assert f"{progress.totals.done}/24 việc hoàn thành" in page and "Việc quá hạn" in page


def test_overdue_list_calendar_and_export(client, signed_in, u):
    plan, made = _spread(u, 6)
    today = local_today()
    signed_in(u.chair)
    overdue = _page(client.get("/viec/?trang_thai=qua_han"))
    n_overdue = sum(t.is_overdue(today) for t in made)
    assert f"{n_overdue} việc" in overdue
    first = min(t.due_date for t in made)
    cal = client.get(f"/viec/lich?thang={first:%Y-%m}")
    assert cal.status_code == 200 and "Việc số 1" in _page(cal)
    export = client.get(f"/viec/xuat-excel?trang_thai=qua_han&ke_hoach={plan.id}")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.get_data())).active
    headers = [c.value for c in sheet[4]]
    assert headers[:7] == ["STT", "Nội dung công việc", "Kế hoạch", "Thời gian (theo kế hoạch)", "Tổ thực hiện",
                           "Hạn hoàn thành", "Trạng thái"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(rows) == n_overdue and all("(quá hạn)" in r[6] for r in rows)
    # A member's export holds only their group's tasks.
    client.post_form("/dang-xuat")
    signed_in(u.members[1])
    mine = load_workbook(io.BytesIO(client.get("/viec/xuat-excel").get_data())).active
    assert {r[4] for r in mine.iter_rows(min_row=5, values_only=True)} == {"Tổ Khối 2 - 3"}


def test_a_task_list_not_given_its_total_counts_only_when_its_page_cannot_tell_it(u):
    """The progress page's overdue cards: a page that is not full tells the total, no COUNT sent."""
    from .test_query_counts import count_queries
    plan, made = _spread(u, 6)
    overdue = sum(t.is_overdue(local_today()) for t in made)
    assert 2 < overdue < queries.PAGE_SIZE
    f = queries.TaskFilter(plan_id=plan.id, status="qua_han")
    queries.task_cards(u.chair, f)                  # the person's roles and groups loaded, as a request has them
    # (page, page size) -> (cards shown, statements sent)
    last = (overdue + 1) // 2
    for (page, size), (shown, statements) in {
            (1, queries.PAGE_SIZE): (overdue, 1), (1, 2): (2, 2), (last, 2): (2 - overdue % 2, 2 - overdue % 2),
            (last + 1, 2): (0, 2), (1, overdue): (overdue, 2)}.items():
        with count_queries() as sent:
            cards, total = queries.task_cards(u.chair, f, page=page, page_size=size)
        assert (len(cards), total, sent["n"]) == (shown, overdue, statements), (page, size)
    # A caller that knows the total (the list's tab count) is not counted for, nor read past the end.
    with count_queries() as sent:
        assert queries.task_cards(u.chair, f, page=last + 1, page_size=2, total=overdue) == ([], overdue)
    assert sent["n"] == 0


def test_board_tabs_and_pages(client, signed_in, u):
    plan, made = _spread(u, 6)
    signed_in(u.leaders[0])
    board = _page(client.get(f"/viec/to/{u.groups[0].id}"))
    mine = [t for t in made if t.assignee == u.groups[0].id]
    assert f"Chưa xong {sum(not t.is_done for t in mine)}" in board and f"Tất cả {len(mine)}" in board
    everything = client.get(f"/viec/to/{u.groups[0].id}?trang_thai=")
    assert _page(everything).count("Việc số") == len(mine)
    filtered = client.get(f"/viec/to/{u.groups[0].id}?trang_thai=done", headers={"HX-Request": "true",
                                                                               "HX-Trigger": "task-filter"})
    assert "<html" not in filtered.get_data(as_text=True) and "Việc số 1" in _page(filtered)


def _count_queries(app, fn) -> int:
    statements = []

    def listener(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA")):
            statements.append(statement)
    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_queries_per_page_do_not_grow_with_the_data(client, signed_in, u, app):
    small_plan, _ = _spread(u, 2)
    pages = lambda plan: [f"/viec/ke-hoach/{plan.id}", f"/viec/to/{u.groups[0].id}?trang_thai=", "/viec/?trang_thai=",
                          f"/viec/lich?ke_hoach={plan.id}", "/viec/theo-doi", "/", f"/viec/ke-hoach/{plan.id}/giao-viec"]
    signed_in(u.chair)

    def counts(plan):
        out = []
        for url in pages(plan):
            holder = {}
            caching.clear()             # every page counted as computed afresh, at both sizes
            out.append(_count_queries(app, lambda: holder.setdefault("r", client.get(url))))
            assert holder["r"].status_code == 200, url
        return out
    few = counts(small_plan)
    big_plan, _ = _spread(u, 12)
    many = counts(big_plan)
    assert few == many, list(zip(pages(big_plan), few, many))


def test_home_panel_for_a_leader_and_the_chair(client, signed_in, u):
    _spread(u, 4)
    signed_in(u.leaders[2])
    page = _page(client.get("/"))
    assert "Việc của tổ" in page and re.search(r"Tổ Văn phòng : \d+ chưa xong, \d+ quá hạn", page) and "Cần làm trước" in page
    client.post_form("/dang-xuat")
    signed_in(u.chair)
    chair_page = _page(client.get("/"))
    assert "Toàn công đoàn:" in chair_page and "việc quá hạn" in chair_page
    client.post_form("/dang-xuat")
    signed_in(u.members[0])
    assert "Cần làm trước" not in _page(client.get("/"))


def test_plan_page_links_to_progress_when_approved(client, signed_in, u):
    plan = approved_plan(u)
    signed_in(u.chair)
    page = _page(client.get(f"/ke-hoach/{plan.id}"))
    assert "Tiến độ thực hiện" in page and "Giao việc cho các tổ" in page
    task = hand_out(plan, u.chair, {"Tổ chức": [u.groups[0].id]})[0]
    detail = client.get(f"/viec/{task.id}").get_data(as_text=True)
    assert f'/ke-hoach/{plan.id}#activity-{task.activity_id}' in detail
    client.post_form("/dang-xuat")
    signed_in(u.members[0])
    member_view = client.get(f"/ke-hoach/{plan.id}")
    assert "Tiến độ thực hiện" not in _page(member_view) and "Việc của tổ theo kế hoạch này" in _page(member_view)
    assert f"/viec/to/{u.groups[0].id}?ke_hoach={plan.id}" in member_view.get_data(as_text=True)


# --- the demo -------------------------------------------------------------------------------------

def _demo_statuses(tasks) -> set[str]:
    return {t.status for t in tasks}


def test_demo_seed_hands_out_this_school_years_copy_of_the_example_plan(runner):
    from congdoan.dates import local_today
    from congdoan.demo.seed import demo_school_year
    from congdoan.plans.models import Plan
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    example = db.session.execute(sa.select(Plan).where(Plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024")).scalar_one()
    assert example.status == "approved"                               # the archive, left to be signed
    year = demo_school_year(local_today())
    plan = db.session.execute(sa.select(Plan).where(Plan.subject == f"Hoạt động Công đoàn năm học {year} - {year + 1}")).scalar_one()
    assert plan.status == "approved" and plan.source_plan_id == example.id
    for approved in (example, plan):
        rounds = db.session.execute(sa.text("SELECT status FROM approval_rounds WHERE plan_id = :p"), {"p": approved.id}).all()
        assert [r[0] for r in rounds] == ["approved"]
    tasks = db.session.query(Task).filter_by(plan_id=plan.id).all()
    assert len(tasks) > 20 and _demo_statuses(tasks) == {"not_started", "in_progress", "blocked", "done"}
    assert len({t.assignee for t in tasks}) == 6                      # the five groups and the committee
    assert {t.due_date.year for t in tasks} == {year, year + 1}
    # The only other tasks are those of the past school year's issued plan (congdoan/demo/past_year.py).
    others = {t.plan_id for t in db.session.query(Task).filter(Task.plan_id != plan.id)}
    assert [p.subject for p in db.session.query(Plan).filter(Plan.id.in_(others))] == [
        f"Hoạt động Công đoàn năm học {year - 1} - {year}"]
    assert verify_chain().ok
    total = db.session.query(Task).count()
    again = runner.invoke(args=["seed-demo"])
    assert "không thay đổi gì" in again.output
    assert db.session.query(Task).count() == total


def test_demo_school_year_stands_months_into_its_plan():
    from congdoan.demo.seed import demo_school_year
    assert demo_school_year(dt.date(2026, 11, 23)) == 2026
    assert demo_school_year(dt.date(2026, 10, 29)) == 2025          # the new year barely begun: last year's
    assert demo_school_year(dt.date(2026, 10, 30)) == 2026
    assert demo_school_year(dt.date(2027, 3, 1)) == 2026
    assert demo_school_year(dt.date(2027, 9, 15)) == 2026


def test_the_demo_trung_thu_draft_is_for_the_next_trung_thu():
    from congdoan.demo.seed import trung_thu
    assert trung_thu(dt.date(2026, 11, 23))["subject"].endswith("năm 2027")
    assert trung_thu(dt.date(2027, 3, 1))["subject"].endswith("năm 2027")
    doc = trung_thu(dt.date(2027, 9, 20))
    assert doc["subject"].endswith("năm 2028") and "14/9/2028" in doc["sections"][1]["lines"][1]["text"]


@pytest.mark.parametrize("today", [dt.date(2026, 11, 23), dt.date(2027, 10, 29)])
def test_demo_tasks_move_as_groups_would_have_by_today(app, today):
    """Early in the plan (late November) and at its very end: work long past its date is mostly done,
    with one stuck and some not begun (overdue); work far ahead is not begun."""
    from congdoan.demo.seed import seed_plans, seed_tasks, seed_union
    seed_union(app.config["PASSWORD_HASH_METHOD"])
    seed_plans()
    with app.test_request_context("/"):
        assert seed_tasks(today=today) > 20
        db.session.commit()
    tasks = db.session.query(Task).all()
    assert _demo_statuses(tasks) == {"not_started", "in_progress", "blocked", "done"}
    long_past = [t for t in tasks if (t.due_date - today).days < -21]
    assert sum(t.status == "done" for t in long_past) > len(long_past) / 2
    assert all(t.status == "not_started" for t in tasks if (t.due_date - today).days >= 45)
    assert all(t.status in ("not_started", "in_progress") for t in tasks if t.due_date >= today)


def test_demo_seed_leaves_an_already_approved_plan_to_its_approval(runner, app):
    from congdoan.approvals import services as approvals
    from congdoan.demo.seed import seed_plans, seed_tasks, seed_union
    from congdoan.people.models import User
    from congdoan.plans.models import Plan
    seed_union(app.config["PASSWORD_HASH_METHOD"])
    seed_plans()
    db.session.commit()
    plan = db.session.execute(sa.select(Plan).where(Plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024")).scalar_one()
    people = {p.email.split("@")[0]: p for p in db.session.query(User)}
    approvals.submit(plan, actor=people["chutich"])                  # as another branch's seed might
    for who in ("phochutich", "ketoan", "mai.vu", "hung.do"):
        approvals.vote(plan, voter=people[who], choice="for")
    db.session.commit()
    assert seed_tasks() > 0
    db.session.commit()
    rounds = db.session.execute(sa.text("SELECT count(*) FROM approval_rounds WHERE plan_id = :p"), {"p": plan.id}).scalar()
    assert rounds == 1


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------

@pytest.mark.postgres
def test_two_taps_at_once_change_the_status_once(app, u):
    import threading

    from .conftest import login
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (make test-pg; CI runs it)")
    task = quick_task(u, group=u.groups[0])
    url = f"/viec/{task.id}/cap-nhat"                  # read here: ORM objects stay in this thread
    pairs = []
    for person in (u.leaders[0], u.chair):
        c = app.test_client()
        login(c, person)
        pairs += [(c, c.csrf_token())] * 2            # each taps twice
    barrier = threading.Barrier(len(pairs))
    results = []

    def fire(c, token):
        with app.app_context():
            barrier.wait()
            r = c.post(url, data={"from_status": "not_started", "version": 1, "to_status": "in_progress",
                                  "csrf_token": token})
            results.append(r.status_code)

    threads = [threading.Thread(target=fire, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    db.session.expire_all()
    assert sorted(results) == [303, 409, 409, 409], results
    assert db.session.query(TaskEvent).filter_by(task_id=task.id, kind="status").count() == 1
    assert db.session.query(AuditEntry).filter_by(action="task_status_changed").count() == 1
    assert verify_chain().ok
