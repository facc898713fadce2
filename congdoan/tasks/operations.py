"""Writing tasks: handing out a plan's schedule (the review screen and its proposal), and a task's
status changes, progress notes and evidence. Services flush; the view commits once. (Correcting or
withdrawing a task already handed out: corrections.py; the status table: workflow.py.)
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit.service import record
from ..dates import fmt_date, parse_vn_date, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..finder.keys import task_key
from ..limits import parse_int
from ..links import link
from ..notifications.service import notify
from ..people.models import Group, User
from ..permissions import Perm, has_permission
from ..plans.models import PUBLIC, Plan, ScheduleActivity, ScheduleRow
from ..text import clean_text
from ..uploads.service import IMAGES_AND_PDF, MB, save_upload
from . import workflow
from .models import COMMITTEE, EventKind, Task, TaskEvent, TaskStatus
from .people import active_groups, assignee_name, assigners, committee_members
from .rules import default_due

NOTE_MAX = 1000
EVIDENCE_MAX_BYTES = 10 * MB
EVIDENCE_TYPES = IMAGES_AND_PDF
S = TaskStatus


# --- handing out a plan's schedule (the review screen) ----------------------------------------------

@dataclass
class ReviewLine:
    """One activity on the review screen: what exists already, and what the form says now."""
    activity: ScheduleActivity
    row: ScheduleRow
    existing: list[Task]
    default: dt.date | None
    include: bool = False
    assignees: list[int] = field(default_factory=list)   # new ones only (group ids; 0 = committee)
    due_text: str = ""
    note: str = ""
    error: str = ""
    due: dt.date | None = None
    already: bool = False

    @property
    def key(self) -> str:
        return f"a{self.activity.id}"

    @property
    def taken(self) -> set[int]:
        return {t.assignee for t in self.existing}


def check_can_assign(plan: Plan, actor: User) -> None:
    """Refuses anyone but the chair and vice chairs, and a plan not approved, issued or archived."""
    if not plan.document_kind.has_schedule:        # a report: no schedule, nothing to hand out
        raise DomainError(f"{plan.document_kind.label} không có lịch công tác nên không giao việc từ đây được.")
    if not has_permission(actor, Perm.TASKS_ASSIGN):
        raise PermissionDenied("Chỉ Chủ tịch hoặc Phó Chủ tịch mới giao việc từ kế hoạch.")
    if plan.state not in PUBLIC:
        raise DomainError(f"Chỉ giao việc từ kế hoạch đã duyệt, đã ban hành hoặc lưu trữ (kế hoạch này đang ở "
                          f"trạng thái “{plan.state.label}”).")


def review_lines(plan: Plan, form=None, *, apply_defaults: bool = False) -> list[ReviewLine]:
    """The review screen's lines for a plan loaded with its tree (load_plan_tree).

    Without `form`: the proposal. An activity not yet handed to anyone is ticked, with the groups
    the plan names for it and the due date written on it or, failing that, the end of its period;
    one whose default date falls before the plan's own date (work already past when the plan was
    signed) is left unticked. With `form` (a submitted review): exactly what the person chose, so
    nothing they typed is lost when the form comes back with a message. `apply_defaults` fills the
    ticked lines that have no assignee with the form's default assignees.
    """
    existing: dict[int, list[Task]] = defaultdict(list)
    for task in db.session.execute(
            sa.select(Task).where(Task.plan_id == plan.id).order_by(Task.assignee)
            .options(joinedload(Task.group))).scalars():
        existing[task.activity_id].append(task)
    defaults = _assignee_values(form.getlist("default_to")) if form is not None else []
    lines = []
    for row in plan.rows:
        for activity in row.activities:
            line = ReviewLine(activity=activity, row=row, existing=existing.get(activity.id, []),
                              default=default_due(activity.due_date, row.period))
            if form is None:
                line.assignees = [g.id for g in activity.groups if g.active and g.id not in line.taken]
                line.include = not line.existing and not (
                    line.default and plan.doc_date and line.default < plan.doc_date)
                line.due_text = line.default.isoformat() if line.default else ""
            else:
                line.include = form.get(f"{line.key}-include") == "1"
                requested = _assignee_values(form.getlist(f"{line.key}-to"))
                if apply_defaults and line.include and not requested:
                    requested = defaults
                line.assignees = [a for a in requested if a not in line.taken]
                # Everything asked for exists already: the same form posted twice (double click, back
                # button). Skipped, never duplicated, and not an error.
                line.already = bool(requested) and not line.assignees
                line.due_text = (form.get(f"{line.key}-due") or "").strip()[:20]
                line.note = clean_text(form.get(f"{line.key}-note"))[:NOTE_MAX + 1]
            lines.append(line)
    return lines


def _assignee_values(values) -> list[int]:
    out = []
    for value in values:
        number = parse_int(value, minimum=0)
        if number is not None and number not in out:
            out.append(number)
    return out


@dataclass
class AssignResult:
    created: int = 0
    skipped: int = 0                      # ticked activities already handed to everyone asked for
    by_assignee: dict[int, int] = field(default_factory=dict)


def assign(plan: Plan, lines: list[ReviewLine], *, actor: User) -> AssignResult:
    """Create the tasks the review screen asks for: one per (ticked activity, new assignee).

    Refuses, with a message on each line concerned and nothing saved: a ticked activity with no
    assignee, no due date or one that is not a date, a due date before the plan's own date, a note
    too long, an unknown or inactive group; and a review where nothing is ticked. An assignee who
    already has the activity is skipped (handing out twice never duplicates). Refuses a plan that
    is not approved or issued, and anyone but the chair or a vice chair.
    """
    check_can_assign(plan, actor)
    groups = {g.id: g for g in active_groups()}
    errors: dict[str, str] = {}
    chosen = [line for line in lines if line.include and not line.already]
    if not chosen and any(line.include for line in lines):
        return AssignResult(skipped=sum(1 for line in lines if line.include))
    if not chosen:
        raise ValidationFailed({"_form": "Chưa chọn việc nào để giao: đánh dấu “Giao việc này” ở các việc cần giao."})
    for line in chosen:
        due = parse_vn_date(line.due_text)
        if not line.assignees:
            line.error = "Chọn ít nhất một tổ (hoặc Ban Chấp hành) thực hiện việc này."
        elif any(a != COMMITTEE and a not in groups for a in line.assignees):
            line.error = "Tổ được chọn không còn hoạt động. Vui lòng chọn lại."
        elif not line.due_text:
            line.error = "Chọn hạn hoàn thành (không đọc được tháng từ “" + line.row.period + "”)." \
                if line.default is None else "Chọn hạn hoàn thành."
        elif due is None or not (2000 <= due.year <= 2100):
            line.error = f"Hạn hoàn thành “{line.due_text}” không phải là ngày hợp lệ (dd/mm/yyyy)."
        elif plan.doc_date and due < plan.doc_date:
            line.error = (f"Hạn hoàn thành {fmt_date(due)} sớm hơn ngày của kế hoạch ({fmt_date(plan.doc_date)}). "
                          f"Chọn hạn từ {fmt_date(plan.doc_date)} trở đi, hoặc bỏ chọn việc này.")
        elif len(line.note) > NOTE_MAX:
            line.error = f"Ghi chú quá dài (tối đa {NOTE_MAX} ký tự)."
        if line.error:
            errors[line.key] = line.error
        line.due = due
    if errors:
        raise ValidationFailed(errors)
    result = AssignResult(skipped=sum(1 for line in lines if line.include and line.already))
    now = utcnow()
    new_tasks = []
    for line in chosen:
        for assignee in line.assignees:
            task = Task(plan_id=plan.id, activity_id=line.activity.id, group_id=assignee or None,
                        assignee=assignee, title=line.activity.text, period=line.row.period, due_date=line.due,
                        note=line.note, search_text=task_key(line.activity.text, line.note, ""),
                        status=S.NOT_STARTED.value, status_changed_at=now,
                        status_changed_by_id=actor.id, created_by_id=actor.id, created_at=now, updated_at=now)
            db.session.add(task)
            new_tasks.append(task)
            result.by_assignee[assignee] = result.by_assignee.get(assignee, 0) + 1
    try:
        db.session.flush()
    except IntegrityError:
        # Another assigner saved the same activity for the same group a moment ago; the error
        # handler rolls the whole request back.
        raise DomainError("Một số việc vừa được người khác giao cùng lúc. Vui lòng mở lại màn hình giao việc "
                          "để xem những việc đã giao.") from None
    for task in new_tasks:
        db.session.add(TaskEvent(task_id=task.id, kind=EventKind.CREATED.value, actor_id=actor.id, created_at=now,
                                 to_status=task.status, note=task.note))
        record("task_created", task, actor=actor,
               summary=f"Giao việc cho {assignee_name(task.assignee, groups)}, hạn {fmt_date(task.due_date)}",
               data={"plan": plan.id, "activity": task.activity_id, "assignee": task.assignee,
                     "due": task.due_date.isoformat(), "note": task.note})
    result.created = len(new_tasks)
    record("tasks_assigned", plan, actor=actor, summary=f"Giao {result.created} việc từ kế hoạch",
           data={"count": result.created, "by_assignee": {str(k): v for k, v in result.by_assignee.items()}})
    _tell_assignees(plan, result, groups, actor)
    db.session.flush()
    return result


def _tell_assignees(plan: Plan, result: AssignResult, groups: dict[int, Group], actor: User) -> None:
    for assignee, count in sorted(result.by_assignee.items()):
        if assignee == COMMITTEE:
            people = [m for m in committee_members() if m.id != actor.id]
            target = link("tasks.board", group_id=COMMITTEE)
        else:
            group = groups[assignee]
            people = [group.leader] if group.leader and group.leader.id != actor.id else []
            target = link("tasks.board", group_id=assignee)
        notify(people, "tasks_assigned",
               f"{assignee_name(assignee, groups)} được giao {count} việc từ kế hoạch “{plan.subject}”.", target,
               subject=f"[Công đoàn] Việc mới: {plan.subject}")


# --- updating a task: status, notes, evidence --------------------------------------------------------

def update_task(task: Task, *, actor: User, shown: str, expected: int | None = None, target: str = "",
                note: str = "", upload=None) -> TaskEvent:
    """A status change (when `target` differs from the status the page showed) or a progress note,
    each with an optional evidence file (a photo or a PDF, checked by content, at most 10 MB).
    `expected`: the task's version the page showed (congdoan/workflow.py); None: the one read now.

    Refuses: someone who may not update this task (403); a stale page (409, naming the current
    status and who set it); a move the table does not allow; "Hoàn thành" without a result; a note
    with neither text nor file; a file that is not what its name says, or too large. Nothing is
    written when refused (the file store removes the file again on rollback).
    """
    note = clean_text(note, multiline=True)
    has_file = upload is not None and getattr(upload, "filename", "")
    if target and target != shown:
        action = workflow.action_to(shown, target)
        expected = task.version if expected is None else expected
        workflow.check(task, action, actor, expected=expected, shown=shown, note=note)
        evidence = _save_evidence(upload, actor) if has_file else None
        event = workflow.apply(task, action, actor, expected=expected, shown=shown, note=note, evidence=evidence)
        if target == S.BLOCKED.value:
            _tell_blocked(task, actor, note)
        return event
    if not task.can_update(actor):
        raise PermissionDenied("Bạn chỉ được cập nhật việc của tổ mình phụ trách.")
    if len(note) > workflow.NOTE_MAX:
        raise ValidationFailed({"note": f"Ghi chú quá dài (tối đa {workflow.NOTE_MAX} ký tự)."})
    if not note and not has_file:
        raise ValidationFailed({"note": "Nhập ghi chú tiến độ hoặc chọn tệp minh chứng."})
    evidence = _save_evidence(upload, actor) if has_file else None
    now = utcnow()
    event = TaskEvent(task_id=task.id, kind=EventKind.NOTE.value, actor_id=actor.id, created_at=now, note=note,
                      file_id=evidence.id if evidence else None)
    db.session.add(event)
    task.updated_at = now
    db.session.flush()
    record("task_note_added", task, actor=actor,
           summary=f"{task.assignee_label}: ghi chú tiến độ" + (" kèm minh chứng" if evidence else ""),
           data={"note": note, "event": event.id, "file": evidence.id if evidence else None,
                 "file_sha256": evidence.sha256 if evidence else None})
    return event


def _save_evidence(upload, actor: User):
    return save_upload(upload, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, uploaded_by=actor)


def _tell_blocked(task: Task, actor: User, note: str) -> None:
    people = [u for u in assigners() if u.id != actor.id]
    notify(people, "task_blocked",
           f"{task.assignee_label} báo tạm dừng / vướng mắc: “{task.title[:150]}”." + (f" Lý do: {note[:300]}" if note else ""),
           link("tasks.detail", task_id=task.id), subject="[Công đoàn] Việc gặp vướng mắc")
