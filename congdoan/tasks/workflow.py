"""The life of a task: its table of transitions and apply(), the one way to move `tasks.status`.

    action   from                                   to            note
    start    not_started                            in_progress
    resume   blocked                                in_progress
    block    not_started, in_progress               blocked
    finish   not_started, in_progress, blocked      done          a short result is required
    reopen   done                                   in_progress
    reset    in_progress, blocked                   not_started

Who: whoever Task.can_update names (the group's leader; the chair and vice chairs; any committee
member for the committee's own tasks). "Quá hạn" is not a state: it is derived from the due date.

A move names the task's version the person's page showed (congdoan/workflow.py), so when someone
else changed the task meanwhile the move is refused with a message naming the current status, who
set it and the status the page showed (StaleError, 409) and nothing is written. Every move writes a
task_events row and an audit entry.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy.orm.attributes import set_committed_value

from .. import workflow
from ..dates import fmt_datetime, utcnow
from ..errors import DomainError, PermissionDenied, StaleError, ValidationFailed
from ..extensions import db
from ..finder.keys import task_key
from ..people.models import User
from .models import STATUS_LABELS, EventKind, Task, TaskEvent, TaskStatus

S = TaskStatus
NOTE_MAX = 2000


@dataclass(frozen=True)
class Transition(workflow.Transition):
    needs_note: bool = False       # the move needs a short result (the button opens the form)


def _move(action: str, sources: set[TaskStatus], target: TaskStatus, button: str, **more) -> Transition:
    return Transition(action, frozenset(sources), target, button, "task_status_changed", **more)


# In the order the buttons are shown.
TRANSITIONS = workflow.Table((
    _move("start", {S.NOT_STARTED}, S.IN_PROGRESS, "Bắt đầu thực hiện"),
    _move("resume", {S.BLOCKED}, S.IN_PROGRESS, "Tiếp tục thực hiện"),
    _move("finish", {S.NOT_STARTED, S.IN_PROGRESS, S.BLOCKED}, S.DONE, "Hoàn thành", needs_note=True),
    _move("block", {S.NOT_STARTED, S.IN_PROGRESS}, S.BLOCKED, "Tạm dừng / Vướng mắc"),
    _move("reopen", {S.DONE}, S.IN_PROGRESS, "Mở lại (chưa xong)"),
    _move("reset", {S.IN_PROGRESS, S.BLOCKED}, S.NOT_STARTED, "Đưa về chưa bắt đầu"),
), allowed=lambda t, task, user: task.can_update(user))


def find(source: str, target: str) -> Transition | None:
    """The transition from one status to another, or None when the table has none."""
    return next((t for t in moves_from(source) if t.target.value == target), None)


def action_to(shown: str, target: str) -> str:
    """The action a form that posts a target status means: the move from the status the page
    showed to `target`, or any move to `target` (refused by apply() as the move it is not), or
    `target` itself when it is no status (refused as invalid)."""
    t = find(shown, target) if shown in STATUS_LABELS else None
    t = t or next((t for t in TRANSITIONS if t.target.value == target), None)
    return t.action if t is not None else target


def moves(task: Task) -> list[Transition]:
    """The moves possible from the task's status, in the order the buttons are shown."""
    return list(moves_from(task.status))


@functools.cache
def moves_from(status: str) -> tuple[Transition, ...]:
    return TRANSITIONS.from_state(status) if status in STATUS_LABELS else ()


def stale_message(task: Task, shown: str | None) -> str:
    who = task.status_changed_by.full_name if task.status_changed_by else "người khác"
    page = f" (trang của bạn vẫn hiển thị “{STATUS_LABELS.get(shown, shown)}”)" if shown else ""
    return (f"Việc này vừa được {who} chuyển sang “{task.status_label}” lúc {fmt_datetime(task.status_changed_at)}"
            f"{page}. Thay đổi của bạn chưa được lưu: hãy xem trạng thái mới rồi cập nhật lại nếu vẫn cần.")


def _check(task: Task, action: str, actor, *, expected: int, shown: str | None, note: str) -> Transition:
    """Everything apply() refuses, without writing: who, an unknown move, a stale page, an illegal
    move, a missing result. Raised in that order, so another group's task is a 403 whatever its state."""
    if not task.can_update(actor):
        raise PermissionDenied("Bạn chỉ được cập nhật việc của tổ mình phụ trách.")
    t = TRANSITIONS.get(action)
    if t is None or (shown is not None and shown not in STATUS_LABELS):
        raise DomainError("Trạng thái không hợp lệ.")
    # The version is the token; a page that showed another status is stale too, whatever it posted
    # (a page loaded before versions were posted carries only the status it showed).
    if task.version != expected or (shown is not None and shown != task.status):
        raise StaleError(stale_message(task, shown))
    if task.state not in t.sources:
        raise DomainError(f"Không thể chuyển việc từ “{task.status_label}” sang “{t.target.label}”.")
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": f"Ghi chú quá dài (tối đa {NOTE_MAX} ký tự)."})
    if t.needs_note and not note:
        raise ValidationFailed({"note": "Vui lòng ghi ngắn gọn kết quả thực hiện trước khi báo hoàn thành."})
    return t


def check(task: Task, action: str, actor, *, expected: int, shown: str | None = None, note: str = "") -> None:
    """Refuse now what apply() would refuse (before an evidence file is stored), writing nothing."""
    _check(task, action, actor, expected=expected, shown=shown, note=note)


def apply(task: Task, action: str, actor: User, *, expected: int, shown: str | None = None, note: str = "",
          evidence=None) -> TaskEvent:
    """Move the task by `action` (through congdoan/workflow.write_status). Flushes, does not commit.

    `expected` is the task's version the person's page showed; `shown` the status it showed (named
    in the message when the page is stale). `note` must already be clean text; `evidence` is a
    StoredFile (already saved) or None.
    """
    t = _check(task, action, actor, expected=expected, shown=shown, note=note)
    old = task.status
    now = utcnow()
    values = {"status_changed_at": now, "status_changed_by_id": actor.id, "updated_at": now}
    if t.target == S.DONE:
        values.update(result_note=note, done_at=now, search_text=task_key(task.title, task.note, note))
    elif old == S.DONE.value:
        values.update(result_note="", done_at=None, search_text=task_key(task.title, task.note, ""))

    def record_event() -> tuple[str, dict]:
        set_committed_value(task, "status_changed_by", actor)
        event = TaskEvent(task_id=task.id, kind=EventKind.STATUS.value, actor_id=actor.id, created_at=now,
                          from_status=old, to_status=t.target.value, note=note,
                          file_id=evidence.id if evidence is not None else None)
        db.session.add(event)
        db.session.flush()
        recorded.append(event)
        return (f"{task.assignee_label}: {STATUS_LABELS[old]} → {t.target.label}",
                {"from": old, "to": t.target.value, "note": note, "event": event.id,
                 "file": evidence.id if evidence is not None else None,
                 "file_sha256": evidence.sha256 if evidence is not None else None})

    recorded: list[TaskEvent] = []
    workflow.write_status(task, t, actor, expected=expected, stale=lambda task: stale_message(task, shown),
                          values=values, returning=True,   # the task as the UPDATE left it: no second read
                          # Where the task is counted (tasks/counts.py recounts them at commit).
                          options={"task_counts": [(task.plan_id, task.assignee)]}, audit=record_event)
    return recorded[0]
