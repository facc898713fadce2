"""The life of a task: one table of transitions and the one function that writes `tasks.status`.

    action   from                                   to            note
    start    not_started                            in_progress
    resume   blocked                                in_progress
    block    not_started, in_progress               blocked
    finish   not_started, in_progress, blocked      done          a short result is required
    reopen   done                                   in_progress
    reset    in_progress, blocked                   not_started

Who: whoever Task.can_update names (the group's leader; the chair and vice chairs; any committee
member for the committee's own tasks). "Quá hạn" is not a state: it is derived from the due date.

A change names the status the person's page showed. The write is guarded by it
(UPDATE ... WHERE status = shown), so when someone else changed the task meanwhile the change is
refused with a message naming the current status and who set it (StaleError, 409) and nothing is
written. Every change writes a task_events row and an audit entry.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.service import record
from ..dates import fmt_datetime, utcnow
from ..errors import DomainError, PermissionDenied, StaleError, ValidationFailed
from ..extensions import db
from ..finder.keys import task_key
from ..people.models import User
from .models import STATUS_LABELS, EventKind, Task, TaskEvent, TaskStatus

S = TaskStatus
NOTE_MAX = 2000


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[TaskStatus]
    target: TaskStatus
    button: str              # the button that makes this move (Vietnamese)
    needs_note: bool = False


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("start", frozenset({S.NOT_STARTED}), S.IN_PROGRESS, "Bắt đầu thực hiện"),
    Transition("resume", frozenset({S.BLOCKED}), S.IN_PROGRESS, "Tiếp tục thực hiện"),
    Transition("block", frozenset({S.NOT_STARTED, S.IN_PROGRESS}), S.BLOCKED, "Tạm dừng / Vướng mắc"),
    Transition("finish", frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.BLOCKED}), S.DONE, "Hoàn thành",
               needs_note=True),
    Transition("reopen", frozenset({S.DONE}), S.IN_PROGRESS, "Mở lại (chưa xong)"),
    Transition("reset", frozenset({S.IN_PROGRESS, S.BLOCKED}), S.NOT_STARTED, "Đưa về chưa bắt đầu"),
)}


def find(source: str, target: str) -> Transition | None:
    """The transition from one status to another, or None when the table has none."""
    for t in TRANSITIONS.values():
        if t.target.value == target and TaskStatus(source) in t.sources:
            return t
    return None


def moves(task: Task) -> list[Transition]:
    """The moves possible from the task's status, in the order the buttons are shown."""
    return list(moves_from(task.status))


@functools.cache
def moves_from(status: str) -> tuple[Transition, ...]:
    order = ("start", "resume", "finish", "block", "reopen", "reset")
    return tuple(TRANSITIONS[a] for a in order if TaskStatus(status) in TRANSITIONS[a].sources)


def stale_message(task: Task, shown: str) -> str:
    who = task.status_changed_by.full_name if task.status_changed_by else "người khác"
    return (f"Việc này vừa được {who} chuyển sang “{task.status_label}” lúc {fmt_datetime(task.status_changed_at)} "
            f"(trang của bạn vẫn hiển thị “{STATUS_LABELS.get(shown, shown)}”). Thay đổi của bạn chưa được lưu: "
            f"hãy xem trạng thái mới rồi cập nhật lại nếu vẫn cần.")


# The Task attribute that holds each column of the tasks table.
_ATTRIBUTE_OF = {c.key: sa.inspect(Task).get_property_by_column(c).key for c in Task.__table__.columns}


def check(task: Task, target: str, actor, *, shown: str, note: str) -> Transition:
    """Everything change_status() refuses, without writing: who, a stale page, an illegal move, a
    missing result. Raised in that order, so another group's task is a 403 whatever its state."""
    if not task.can_update(actor):
        raise PermissionDenied("Bạn chỉ được cập nhật việc của tổ mình phụ trách.")
    if target not in STATUS_LABELS or shown not in STATUS_LABELS:
        raise DomainError("Trạng thái không hợp lệ.")
    if task.status != shown:
        raise StaleError(stale_message(task, shown))
    t = find(task.status, target)
    if t is None:
        raise DomainError(f"Không thể chuyển việc từ “{task.status_label}” sang “{STATUS_LABELS[target]}”.")
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": f"Ghi chú quá dài (tối đa {NOTE_MAX} ký tự)."})
    if t.needs_note and not note:
        raise ValidationFailed({"note": "Vui lòng ghi ngắn gọn kết quả thực hiện trước khi báo hoàn thành."})
    return t


def change_status(task: Task, target: str, actor: User, *, shown: str, note: str = "",
                  evidence=None) -> TaskEvent:
    """Move the task to `target`. The only writer of tasks.status. Flushes, does not commit.

    `note` must already be clean text; `evidence` is a StoredFile (already saved) or None.
    """
    t = check(task, target, actor, shown=shown, note=note)
    now = utcnow()
    values = {"status": t.target.value, "status_changed_at": now, "status_changed_by_id": actor.id,
              "updated_at": now}
    if t.target == S.DONE:
        values.update(result_note=note, done_at=now, search_text=task_key(task.title, task.note, note))
    elif task.status == S.DONE.value:
        values.update(result_note="", done_at=None, search_text=task_key(task.title, task.note, ""))
    row = db.session.execute(
        sa.update(Task).where(Task.id == task.id, Task.status == shown).values(**values)
        .returning(*Task.__table__.columns)
        # Where the task is counted (tasks/counts.py recounts them at commit).
        .execution_options(synchronize_session=False, task_counts=[(task.plan_id, task.assignee)])).one_or_none()
    if row is None:
        # Someone else's change committed between our read and our write.
        db.session.refresh(task)
        raise StaleError(stale_message(task, shown))
    # The task as the UPDATE left it, from its RETURNING row: no second read.
    for column, value in zip(Task.__table__.columns, row):
        set_committed_value(task, _ATTRIBUTE_OF[column.key], value)
    set_committed_value(task, "status_changed_by", actor)
    event = TaskEvent(task_id=task.id, kind=EventKind.STATUS.value, actor_id=actor.id, created_at=now,
                      from_status=shown, to_status=t.target.value, note=note,
                      file_id=evidence.id if evidence is not None else None)
    db.session.add(event)
    db.session.flush()
    record("task_status_changed", task, actor=actor,
           summary=f"{task.assignee_label}: {STATUS_LABELS[shown]} → {t.target.label}",
           data={"from": shown, "to": t.target.value, "note": note, "event": event.id,
                 "file": evidence.id if evidence is not None else None,
                 "file_sha256": evidence.sha256 if evidence is not None else None})
    return event
