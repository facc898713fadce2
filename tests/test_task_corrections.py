"""Correcting a handed-out task (congdoan/tasks/corrections.py): a new due date with its reason, new
instructions, taking it back while nobody has worked on it; only the chair and vice chairs; a stale
page refused; every refusal leaves the task as it was."""
from __future__ import annotations

import datetime as dt
import html

import pytest
import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.audit.service import verify_chain
from congdoan.errors import DomainError, PermissionDenied, StaleError, ValidationFailed
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.tasks import corrections, operations, workflow
from congdoan.tasks.corrections import Correction
from congdoan.tasks.models import Task, TaskEvent

from .conftest import text_of
from .task_factories import hand_out, make_union, quick_task


@pytest.fixture
def u():
    return make_union()


def _page(response) -> str:
    return html.unescape(text_of(response))


def _fresh(task_id: int) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task_id)


def test_a_new_due_date_with_its_reason_is_told_to_the_group_and_kept_in_history(u):
    task = quick_task(u, group=u.groups[0])
    event = corrections.correct(task, Correction("15/10/2024", "Mang theo danh sách", "Lùi theo lịch của quận"),
                                actor=u.vice, version=corrections.version_of(task))
    db.session.commit()
    task = _fresh(task.id)
    assert task.due_date == dt.date(2024, 10, 15) and task.note == "Mang theo danh sách"
    assert task.status == "not_started"
    assert event.kind == "edited" and "30/09/2024 → 15/10/2024" in event.note and "Lùi theo lịch" in event.note
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "task_edited")).scalar_one()
    assert '"reason"' in entry.data and "2024-09-30" in entry.data
    told = db.session.execute(sa.select(Notification).where(Notification.kind == "task_edited")).scalars().all()
    assert [n.user_id for n in told] == [u.leaders[0].id]
    assert verify_chain().ok


@pytest.mark.parametrize("change, field, message", [
    (Correction("", "", ""), "due", "Chọn hạn"),
    (Correction("31/02/2024", "", "x"), "due", "không phải là ngày hợp lệ"),
    (Correction("1/9/2024", "", "x"), "due", "sớm hơn ngày của kế hoạch"),
    (Correction("15/10/2024", "", ""), "reason", "lý do đổi hạn"),
    (Correction("15/10/2024", "x" * 2001, "Lý do"), "note", "quá dài"),
    (Correction("15/10/2024", "", "x" * 501), "reason", "quá dài"),
    (Correction("30/09/2024", "", ""), "_form", "Chưa có gì thay đổi"),
])
def test_a_bad_correction_changes_nothing(u, change, field, message):
    task = quick_task(u, group=u.groups[0])
    with pytest.raises(ValidationFailed) as refused:
        corrections.correct(task, change, actor=u.chair, version=corrections.version_of(task))
    assert message in refused.value.errors[field]
    db.session.rollback()
    task = _fresh(task.id)
    assert task.due_date == dt.date(2024, 9, 30) and task.note == ""
    assert db.session.query(TaskEvent).filter_by(task_id=task.id).count() == 1


def test_only_the_chair_and_vice_chairs_correct(u):
    task = quick_task(u, group=u.groups[0])
    for person in (u.leaders[0], u.accountant, u.members[0]):
        with pytest.raises(PermissionDenied):
            corrections.correct(task, Correction("15/10/2024", "", "Lý do"), actor=person,
                                version=corrections.version_of(task))
        with pytest.raises(PermissionDenied):
            corrections.withdraw(task, actor=person, version=corrections.version_of(task), reason="Nhầm tổ")


def test_a_page_older_than_the_task_is_refused(u):
    task = quick_task(u, group=u.groups[0])
    seen = corrections.version_of(task)
    workflow.apply(task, "start", u.leaders[0], expected=task.version)
    db.session.commit()
    with pytest.raises(StaleError, match="Đang thực hiện"):
        corrections.correct(task, Correction("15/10/2024", "", "Lý do"), actor=u.chair, version=seen)
    assert _fresh(task.id).due_date == dt.date(2024, 9, 30)


def test_a_done_task_is_not_corrected(u):
    task = quick_task(u, group=u.groups[0])
    workflow.apply(task, "finish", u.leaders[0], expected=task.version, note="Xong")
    db.session.commit()
    with pytest.raises(DomainError, match="đã hoàn thành"):
        corrections.correct(task, Correction("15/10/2024", "", "Lý do"), actor=u.chair,
                            version=corrections.version_of(task))


def test_withdrawing_an_untouched_task_frees_its_activity(u):
    task = quick_task(u, group=u.groups[0])
    task_id, plan = task.id, task.plan
    corrections.withdraw(task, actor=u.chair, version=corrections.version_of(task), reason="Giao nhầm tổ")
    db.session.commit()
    assert db.session.get(Task, task_id) is None
    assert db.session.query(TaskEvent).filter_by(task_id=task_id).count() == 0
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "task_withdrawn")).scalar_one()
    assert entry.object_id == task_id and "Giao nhầm tổ" in entry.summary and "Việc thử nghiệm" in entry.data
    assert [n.user_id for n in db.session.query(Notification).filter_by(kind="task_withdrawn")] == [u.leaders[0].id]
    # The activity can be handed out again, to the right group.
    made = hand_out(plan, u.chair, {"Việc thử nghiệm": [u.groups[1].id]})
    assert [t.group_id for t in made] == [u.groups[1].id]
    assert verify_chain().ok


@pytest.mark.parametrize("work", ["started", "note"])
def test_a_task_someone_worked_on_is_not_withdrawn(u, work):
    task = quick_task(u, group=u.groups[0])
    if work == "started":
        workflow.apply(task, "start", u.leaders[0], expected=task.version)
        workflow.apply(task, "reset", u.leaders[0], expected=task.version)
    else:
        operations.update_task(task, actor=u.leaders[0], shown="not_started", note="Đã liên hệ")
    db.session.commit()
    assert not corrections.can_withdraw(task)
    with pytest.raises(DomainError, match="không thu hồi được"):
        corrections.withdraw(task, actor=u.chair, version=corrections.version_of(task), reason="Nhầm")
    db.session.rollback()
    assert _fresh(task.id) is not None


def test_withdrawing_needs_a_reason(u):
    task = quick_task(u, group=u.groups[0])
    with pytest.raises(ValidationFailed) as refused:
        corrections.withdraw(task, actor=u.chair, version=corrections.version_of(task), reason="  ")
    assert "lý do thu hồi" in refused.value.errors["withdraw_reason"]


# --- the pages ----------------------------------------------------------------------------------------

def test_the_chair_corrects_from_the_task_page(client, signed_in, u):
    task = quick_task(u, group=u.groups[0])
    signed_in(u.chair)
    detail = _page(client.get(f"/viec/{task.id}"))
    assert "Sửa hạn, hướng dẫn / thu hồi" in detail
    form = client.get(f"/viec/{task.id}/sua")
    assert form.status_code == 200 and "Thu hồi việc" in _page(form)
    version = corrections.version_of(task)
    refused = client.post_form(f"/viec/{task.id}/sua", {"version": version, "due": "2024-10-15", "note": "", "reason": ""})
    assert refused.status_code == 422 and "Ghi lý do đổi hạn" in _page(refused)
    assert 'value="2024-10-15"' in refused.get_data(as_text=True)            # what was typed stays
    saved = client.post_form(f"/viec/{task.id}/sua", {"version": version, "due": "2024-10-15", "note": "",
                                                       "reason": "Lùi theo lịch của quận"})
    assert saved.status_code == 303
    page = _page(client.get(f"/viec/{task.id}"))
    assert "15/10/2024" in page and "Sửa việc đã giao" in page and "Lùi theo lịch của quận" in page
    stale = client.post_form(f"/viec/{task.id}/sua", {"version": version, "due": "2024-10-20", "note": "",
                                                       "reason": "Lùi nữa"})
    assert stale.status_code == 409 and "vừa được cập nhật" in _page(stale)
    assert _fresh(task.id).due_date == dt.date(2024, 10, 15)


def test_the_chair_withdraws_from_the_page(client, signed_in, u):
    task = quick_task(u, group=u.groups[0])
    task_id = task.id
    signed_in(u.chair)
    version = corrections.version_of(task)
    refused = client.post_form(f"/viec/{task_id}/thu-hoi", {"version": version, "withdraw_reason": ""})
    assert refused.status_code == 422 and "Ghi lý do thu hồi" in _page(refused)
    gone = client.post_form(f"/viec/{task_id}/thu-hoi", {"version": version, "withdraw_reason": "Giao nhầm tổ"})
    assert gone.status_code == 303 and gone.headers["Location"].endswith(f"/viec/to/{u.groups[0].id}")
    assert "Đã thu hồi việc" in _page(client.get(gone.headers["Location"]))
    assert client.get(f"/viec/{task_id}").status_code == 404


def test_a_leader_sees_no_correction_and_is_refused(client, signed_in, u):
    task = quick_task(u, group=u.groups[0])
    signed_in(u.leaders[0])
    assert "Sửa hạn, hướng dẫn / thu hồi" not in _page(client.get(f"/viec/{task.id}"))
    assert client.get(f"/viec/{task.id}/sua").status_code == 403
    version = corrections.version_of(task)
    assert client.post_form(f"/viec/{task.id}/thu-hoi", {"version": version, "withdraw_reason": "x"}).status_code == 403
    assert _fresh(task.id) is not None


def test_the_database_still_refuses_an_unknown_history_line(u):
    from sqlalchemy.exc import IntegrityError
    task = quick_task(u, group=u.groups[0])
    db.session.add(TaskEvent(task_id=task.id, kind="bogus", actor_id=u.chair.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_new_date_moves_what_the_committee_sees_at_once(client, signed_in, u):
    """The overview and a plan's progress are kept per process until a task changes: a correction
    must count as a change."""
    task = quick_task(u, group=u.groups[0])
    signed_in(u.chair)
    before = _page(client.get("/viec/theo-doi"))
    assert "1 quá hạn" in before
    progress_before = _page(client.get(f"/viec/ke-hoach/{task.plan_id}"))
    assert "1 quá hạn" in progress_before
    saved = client.post_form(f"/viec/{task.id}/sua", {"version": corrections.version_of(task), "due": "2099-12-31",
                                                       "note": "", "reason": "Lùi sang năm sau"})
    assert saved.status_code == 303
    assert "1 quá hạn" not in _page(client.get("/viec/theo-doi"))
    assert "1 quá hạn" not in _page(client.get(f"/viec/ke-hoach/{task.plan_id}"))
