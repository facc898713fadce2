"""Correcting a task after it was handed out: a new due date or new instructions ("Sửa việc đã
giao"), or taking it back ("Thu hồi") when it went to the wrong group or the activity is dropped.

Only those who hand out work (the chair and vice chairs) correct it. The activity's text and period
stay those of the approved plan: changing what is to be done is an amendment, a new plan.

Each correction names the version of the task the person's page showed (its updated_at): a status
change, a note or another correction made meanwhile moves it, and the correction is then refused
with the task as it now stands (StaleError), nothing written. A new due date needs a reason, which
the group sees in the task's history. Taking a task back is allowed only while no one has worked on
it (not started, nothing in its history but its handing out); it is deleted, its audit entry keeps
what it was and why, and the activity can be handed out again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.service import record
from ..dates import fmt_date, fmt_datetime, parse_vn_date, utcnow
from ..errors import DomainError, PermissionDenied, StaleError, ValidationFailed
from ..extensions import db
from ..finder.keys import task_key
from ..links import link
from ..notifications.service import notify
from ..people.models import User
from ..permissions import Perm, has_permission
from ..text import clean_text
from .models import COMMITTEE, EventKind, Task, TaskEvent, TaskStatus
from .people import committee_members
from .workflow import NOTE_MAX

REASON_MAX = 500


def may_correct(user) -> bool:
    """Those who hand out work (the permissions table: the chair and vice chairs)."""
    return has_permission(user, Perm.TASKS_ASSIGN)


def version_of(task: Task) -> str:
    """What a correction form carries to show which state of the task it was filled in from."""
    return task.updated_at.isoformat()


def _check(task: Task, actor: User, version: str) -> None:
    if not may_correct(actor):
        raise PermissionDenied("Chỉ Chủ tịch hoặc Phó Chủ tịch mới sửa hoặc thu hồi việc đã giao.")
    if version != version_of(task):
        raise StaleError(_stale_message(task))


def _stale_message(task: Task) -> str:
    return (f"Việc này vừa được cập nhật lúc {fmt_datetime(task.updated_at)} (trạng thái “{task.status_label}”, "
            f"hạn {fmt_date(task.due_date)}). Thay đổi của bạn chưa được lưu: hãy xem lại rồi sửa tiếp nếu vẫn cần.")


def _guarded(statement, task: Task, version: str):
    """The statement limited to the version the page showed: 0 rows when someone came first."""
    return statement.where(Task.id == task.id, Task.updated_at == dt.datetime.fromisoformat(version))


def _tell_keepers(task: Task, actor: User, kind: str, message: str, subject: str, target: str) -> None:
    if task.assignee == COMMITTEE:
        people = [m for m in committee_members() if m.id != actor.id]
    else:
        leader = task.group.leader if task.group is not None else None
        people = [leader] if leader is not None and leader.id != actor.id else []
    notify(people, kind, message, target, subject=subject)


@dataclass
class Correction:
    due_text: str
    note: str
    reason: str


def correct(task: Task, change: Correction, *, actor: User, version: str) -> TaskEvent:
    """A new due date and/or new instructions. Refuses: anyone but the chair and vice chairs (403),
    a stale page (409), a task already done, a date that is not one or is before the plan's own date,
    a new date without a reason, instructions or a reason too long, and a form that changes nothing
    (422, on the fields)."""
    _check(task, actor, version)
    if task.status == TaskStatus.DONE.value:
        raise DomainError("Việc đã hoàn thành nên không đổi hạn hay hướng dẫn được nữa.")
    note = clean_text(change.note, multiline=True)
    reason = clean_text(change.reason, multiline=True)
    due = parse_vn_date(change.due_text)
    errors = {}
    plan_date = task.plan.doc_date
    if not (change.due_text or "").strip():
        errors["due"] = "Chọn hạn hoàn thành."
    elif due is None or not (2000 <= due.year <= 2100):
        errors["due"] = f"Hạn hoàn thành “{change.due_text.strip()[:20]}” không phải là ngày hợp lệ (dd/mm/yyyy)."
    elif plan_date and due < plan_date and due != task.due_date:
        errors["due"] = (f"Hạn hoàn thành {fmt_date(due)} sớm hơn ngày của kế hoạch ({fmt_date(plan_date)}). "
                         f"Chọn hạn từ {fmt_date(plan_date)} trở đi.")
    if len(note) > NOTE_MAX:
        errors["note"] = f"Hướng dẫn quá dài (tối đa {NOTE_MAX} ký tự)."
    if len(reason) > REASON_MAX:
        errors["reason"] = f"Lý do quá dài (tối đa {REASON_MAX} ký tự)."
    elif due is not None and due != task.due_date and not reason:
        errors["reason"] = "Ghi lý do đổi hạn để tổ biết (ví dụ: lùi theo lịch của Công đoàn cấp trên)."
    if not errors and due == task.due_date and note == task.note:
        errors["_form"] = "Chưa có gì thay đổi: hạn và hướng dẫn vẫn như cũ."
    if errors:
        raise ValidationFailed(errors)

    parts = []
    if due != task.due_date:
        parts.append(f"Đổi hạn hoàn thành: {fmt_date(task.due_date)} → {fmt_date(due)}.")
    if note != task.note:
        parts.append(f"Hướng dẫn mới: “{note}”" + ("" if note[-1] in ".!?…" else ".") if note
                     else "Bỏ hướng dẫn giao việc.")
    if reason:
        parts.append(f"Lý do: {reason}")
    summary = " ".join(parts)
    now = utcnow()
    old = {"due": task.due_date.isoformat(), "note": task.note}
    done = db.session.execute(_guarded(sa.update(Task), task, version)
                              .values(due_date=due, note=note, updated_at=now,
                                      search_text=task_key(task.title, note, task.result_note))
                              .execution_options(synchronize_session=False,
                                                 task_counts=[(task.plan_id, task.assignee)]))
    db.session.refresh(task)
    if done.rowcount != 1:                                    # someone came first since the check
        raise StaleError(_stale_message(task))
    event = TaskEvent(task_id=task.id, kind=EventKind.EDITED.value, actor_id=actor.id, created_at=now, note=summary)
    db.session.add(event)
    db.session.flush()
    record("task_edited", task, actor=actor, summary=f"{task.assignee_label}: {summary}"[:500],
           data={"event": event.id, "from": old, "to": {"due": due.isoformat(), "note": note}, "reason": reason})
    _tell_keepers(task, actor, "task_edited",
                  f"Việc “{task.title[:120]}” của {task.assignee_label} được sửa. {summary}"[:600],
                  "[Công đoàn] Việc được sửa hạn / hướng dẫn", link("tasks.detail", task_id=task.id))
    return event


def can_withdraw(task: Task) -> bool:
    """Nobody has worked on it: not started, and its history holds only its handing out."""
    if task.status != TaskStatus.NOT_STARTED.value:
        return False
    return not db.session.execute(sa.select(sa.exists().where(
        TaskEvent.task_id == task.id, TaskEvent.kind != EventKind.CREATED.value))).scalar()


def withdraw(task: Task, *, actor: User, version: str, reason: str) -> None:
    """Take a task back: deleted with its handing-out line, the audit entry keeping what it was."""
    _check(task, actor, version)
    reason = clean_text(reason, multiline=True)
    if not can_withdraw(task):
        raise DomainError("Tổ đã bắt đầu làm hoặc đã ghi nhận diễn biến cho việc này nên không thu hồi được. "
                          "Có thể đổi hạn, sửa hướng dẫn, hoặc trao đổi với tổ trưởng.")
    if not reason:
        raise ValidationFailed({"withdraw_reason": "Ghi lý do thu hồi để tổ biết."})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"withdraw_reason": f"Lý do quá dài (tối đa {REASON_MAX} ký tự)."})
    facts = {"plan": task.plan_id, "activity": task.activity_id, "assignee": task.assignee,
             "title": task.title, "due": task.due_date.isoformat(), "note": task.note, "reason": reason}
    # Only while still untouched: a status change or a note moves updated_at, a note adds a line.
    gone = db.session.execute(
        _guarded(sa.delete(Task), task, version)
        .where(Task.status == TaskStatus.NOT_STARTED.value,
               ~sa.exists().where(TaskEvent.task_id == Task.id, TaskEvent.kind != EventKind.CREATED.value))
        .execution_options(synchronize_session=False, task_counts=[(task.plan_id, task.assignee)]))
    if gone.rowcount != 1:
        raise StaleError("Việc này vừa được cập nhật nên chưa thu hồi. Hãy xem lại trạng thái mới của việc.")
    label = task.assignee_label
    record("task_withdrawn", task, actor=actor, summary=f"Thu hồi việc đã giao cho {label}. Lý do: {reason}"[:500],
           data=facts)
    _tell_keepers(task, actor, "task_withdrawn",
                  f"Việc “{task.title[:120]}” đã giao cho {label} được thu hồi. Lý do: {reason}"[:600],
                  "[Công đoàn] Thu hồi việc đã giao", link("tasks.board", group_id=task.assignee))
    db.session.expunge(task)
