"""Tasks: handing out a plan's schedule, progress notes and evidence, and the queries behind the
pages. Services flush; the view commits once. Every query here runs a fixed number of statements
whatever the number of tasks (aggregates in SQL, related rows loaded with the list).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit.service import record
from ..changes import remembered
from ..dates import fmt_date, local_today, parse_vn_date, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..finder.keys import task_key
from ..limits import parse_int
from ..links import link
from ..notifications.service import notify
from ..people.models import Group, User, UserRole
from ..people.roles import COMMITTEE_ROLES, Role
from ..plans.models import PUBLIC, Plan, PlanStatus, ScheduleActivity, ScheduleRow
from ..text import clean_text
from ..uploads.service import IMAGES_AND_PDF, MB, save_upload
from . import cards, counts, workflow
from .cards import Card
from .counts import Counts, count_columns, counts_of
from .models import (COMMITTEE, COMMITTEE_LABEL, OPEN_STATUSES, STATUS_LABELS, EventKind, Task, TaskEvent,
                     TaskStatus, led_group_ids, visible_groups, visible_to)
from .outcomes import OUTCOME_LABELS, outcome_clause
from .rules import add_months, default_due, month_end

PAGE_SIZE = 20          # task cards are large, with one-tap buttons: 20 a page reads well on a phone
NOTE_MAX = 1000
EVIDENCE_MAX_BYTES = 10 * MB
EVIDENCE_TYPES = IMAGES_AND_PDF
S = TaskStatus


# --- people -----------------------------------------------------------------------------------------

def active_groups() -> list[Group]:
    return db.session.execute(
        sa.select(Group).where(Group.active.is_(True)).order_by(Group.name_key)
        .options(joinedload(Group.leader))).scalars().all()


def active_group_names(only=None) -> list[tuple[int, str]]:
    """(id, name) of the active groups by name, or of those among `only`: columns, not objects."""
    query = sa.select(Group.id, Group.name).where(Group.active.is_(True)).order_by(Group.name_key)
    if only is not None:
        query = query.where(Group.id.in_(sorted(only)))
    return [tuple(r) for r in db.session.execute(query)]


def _users_with(*roles: Role) -> list[User]:
    return db.session.execute(
        sa.select(User).where(User.active.is_(True), User.id.in_(
            sa.select(UserRole.user_id).where(UserRole.role.in_([r.value for r in roles]))))
        .order_by(User.sort_key)).scalars().all()


def chairs() -> list[User]:
    return _users_with(Role.CHAIR)


def assigners() -> list[User]:
    """Those who hand out tasks: the chair and the vice chairs."""
    return _users_with(Role.CHAIR, Role.VICE_CHAIR)


def committee_members() -> list[User]:
    return _users_with(*COMMITTEE_ROLES)


def assignee_name(assignee: int, groups: dict[int, Group]) -> str:
    if assignee == COMMITTEE:
        return COMMITTEE_LABEL
    group = groups.get(assignee)
    return group.name if group else f"Tổ #{assignee}"


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
    if not actor.has_role(Role.CHAIR, Role.VICE_CHAIR):
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


# --- loading ------------------------------------------------------------------------------------------

def get_task(task_id: int) -> Task | None:
    return db.session.execute(
        sa.select(Task).where(Task.id == task_id)
        .options(joinedload(Task.group), joinedload(Task.plan), *_changed_by_name())
    ).scalar_one_or_none()


def history(task: Task) -> list[TaskEvent]:
    return db.session.execute(
        sa.select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id.desc())
        .options(joinedload(TaskEvent.actor).lazyload(User.role_rows), joinedload(TaskEvent.actor).lazyload(User.led_groups),
                 joinedload(TaskEvent.file))).scalars().all()


def get_event(task: Task, event_id: int) -> TaskEvent | None:
    return db.session.execute(
        sa.select(TaskEvent).where(TaskEvent.id == event_id, TaskEvent.task_id == task.id)
        .options(joinedload(TaskEvent.file))).scalar_one_or_none()


# --- lists -------------------------------------------------------------------------------------------

STATUS_FILTERS = {
    "": "Tất cả",
    "chua_xong": "Chưa xong",
    "qua_han": "Quá hạn",
    "not_started": STATUS_LABELS["not_started"],
    "in_progress": STATUS_LABELS["in_progress"],
    "blocked": STATUS_LABELS["blocked"],
    "done": STATUS_LABELS["done"],
}


@dataclass
class TaskFilter:
    """What a task list shows. `assignee` is a group id, 0 for the committee, None for every one."""
    assignee: int | None = None
    status: str = ""
    plan_id: int | None = None
    month: tuple[int, int] | None = None
    day: dt.date | None = None
    # The filters a year-end report's figures link with (congdoan/reports/figures): due dates in a
    # range, an outcome (tasks/outcomes.py), one schedule period or activity, tasks with evidence.
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    outcome: str = ""
    period: str = ""
    activity_id: int | None = None
    evidence: bool = False

    def without_status(self) -> "TaskFilter":
        return dataclasses.replace(self, status="")

    @property
    def has_report_filters(self) -> bool:
        return bool(self.due_from or self.due_to or self.outcome or self.period or self.activity_id
                    or self.evidence)


def _overdue(today: dt.date):
    return sa.and_(Task.status != S.DONE.value, Task.due_date < today)


def _where(user, f: TaskFilter, today: dt.date) -> list:
    clauses = [visible_to(user)]
    if f.assignee is not None:
        clauses.append(Task.assignee == f.assignee)
    if f.plan_id is not None:
        clauses.append(Task.plan_id == f.plan_id)
    if f.month is not None:
        first = dt.date(f.month[0], f.month[1], 1)
        clauses.append(Task.due_date.between(first, month_end(*f.month)))
    if f.day is not None:
        clauses.append(Task.due_date == f.day)
    if f.due_from is not None:
        clauses.append(Task.due_date >= f.due_from)
    if f.due_to is not None:
        clauses.append(Task.due_date <= f.due_to)
    if f.outcome in OUTCOME_LABELS:
        clauses.append(outcome_clause(f.outcome))
    if f.period:
        clauses.append(Task.period == f.period)
    if f.activity_id is not None:
        clauses.append(Task.activity_id == f.activity_id)
    if f.evidence:
        clauses.append(sa.exists().where(TaskEvent.task_id == Task.id, TaskEvent.file_id.isnot(None)))
    if f.status == "chua_xong":
        clauses.append(Task.status != S.DONE.value)
    elif f.status == "qua_han":
        clauses.append(_overdue(today))
    elif f.status in STATUS_LABELS:
        clauses.append(Task.status == f.status)
    return clauses


def task_cards(user, f: TaskFilter, *, page: int = 1, today: dt.date | None = None,
               page_size: int = PAGE_SIZE, total: int | None = None) -> tuple[list[Card], int]:
    """One page of the tasks this person may see that match the filter, by due date, as the cards
    print them (read as columns: no task, plan or person objects); and the total, counted unless
    the caller knows it."""
    today = today or local_today()
    where = _where(user, f, today)
    if total is None:
        total = db.session.execute(sa.select(sa.func.count()).select_from(Task).where(*where)).scalar() or 0
    rows = db.session.execute(
        cards.joined(sa.select(*cards.columns())).where(*where).order_by(Task.due_date, Task.id)
        .offset((max(page, 1) - 1) * page_size).limit(page_size)) if total else []
    return cards.from_rows(rows, user, today), total


def _changed_by_name() -> tuple:
    """Who last changed a task: the card prints the name only, so not their roles and groups."""
    who = joinedload(Task.status_changed_by)
    return (who.lazyload(User.role_rows), who.lazyload(User.led_groups))


def status_counts(user, f: TaskFilter, *, today: dt.date | None = None) -> Counts:
    """How many tasks match each status tab: one aggregate query, or for a whole board one row of the
    counts kept at write time (tasks/counts.py)."""
    today = today or local_today()
    if (f.assignee is not None and f.plan_id is None and f.month is None and f.day is None
            and not f.has_report_filters and _sees_all_of(user, f.assignee)):
        # One row of the counts kept at write time; kept per process too while no task changes
        # (a page reread between writes then reads nothing: the counter comes with the user).
        return remembered("tracking", ("board_counts", f.assignee, today),
                          lambda: counts.read(counts.ASSIGNEE, [f.assignee], today).get(f.assignee, Counts()))
    row = db.session.execute(sa.select(*count_columns(today)).select_from(Task)
                             .where(*_where(user, f.without_status(), today))).one()
    return counts_of(row)


def sees_everything(user) -> bool:
    """The committee sees every task: the pages they share may be computed once for all of them."""
    return _sees_all_of(user, COMMITTEE)


def _sees_all_of(user, assignee: int) -> bool:
    """Whether this person sees every task of this assignee (so its union-wide counts are theirs)."""
    if not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if user.is_committee_member:
        return True
    return assignee != COMMITTEE and assignee in (led_group_ids(user) | {user.group_id})


def _group_names(ids) -> dict[int, Group]:
    ids = [i for i in ids if i != COMMITTEE]
    return {g.id: g for g in db.session.execute(sa.select(Group).where(Group.id.in_(ids))).scalars()} if ids else {}


def plan_choices(user) -> tuple[tuple[int, str], ...]:
    """Plans that have tasks this person may see (for the filter). The same for everyone who sees
    the same groups' tasks (a group's members, the committee): kept per process by that, until a
    task or a plan changes."""
    def compute():
        ids = sa.select(Task.plan_id).where(visible_to(user)).distinct()
        return tuple(tuple(r) for r in db.session.execute(
            sa.select(Plan.id, Plan.subject).where(Plan.id.in_(ids)).order_by(Plan.year.desc(), Plan.id.desc())))
    return remembered("tracking", ("plan_choices", visible_groups(user)), compute)


def export_rows(user, f: TaskFilter, *, today: dt.date | None = None):
    """Every task matching the filter (no page), as rows for the Excel export, in one query."""
    today = today or local_today()
    who = sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(Task.id, Task.title, Plan.subject, Task.period, Group.name, Task.due_date, Task.status,
                  Task.result_note, Task.note, Task.status_changed_at, who.full_name)
        .join(Plan, Plan.id == Task.plan_id).outerjoin(Group, Group.id == Task.group_id)
        .outerjoin(who, who.id == Task.status_changed_by_id)
        .where(*_where(user, f, today)).order_by(Task.due_date, Task.id)
        .execution_options(yield_per=1000))
    for number, r in enumerate(rows, start=1):
        state = STATUS_LABELS[r.status]
        if r.status != S.DONE.value and r.due_date < today:
            state += " (quá hạn)"
        yield [number, r.title, r.subject, r.period, r.name or COMMITTEE_LABEL, r.due_date, state,
               r.result_note, r.note, r.status_changed_at, r.full_name or ""]


# --- tracking -----------------------------------------------------------------------------------------

@dataclass
class MonthCount:
    year: int
    month: int
    counts: Counts


@dataclass
class AssigneeCount:
    assignee: int
    name: str
    counts: Counts


@dataclass
class Progress:
    totals: Counts
    by_month: list[MonthCount]
    by_assignee: list[AssigneeCount]
    assignees_total: int = 0          # how many assignees the plan has (by_assignee may show fewer)


def plan_progress(plan: Plan, *, today: dt.date | None = None, groups_limit: int | None = None) -> Progress:
    """Done of total, by month of the due date, and by assignee: three aggregate queries, kept in this
    process until a task changes; the assignees' names are read fresh. With `groups_limit`, only the
    assignees needing attention most (as on the overview)."""
    today = today or local_today()

    def compute():
        columns = count_columns(today)
        where = Task.plan_id == plan.id
        totals = counts_of(db.session.execute(sa.select(*columns).select_from(Task).where(where)).one())
        year = sa.extract("year", Task.due_date)
        month = sa.extract("month", Task.due_date)
        by_month = tuple(MonthCount(int(r[0]), int(r[1]), counts_of(r[2:])) for r in db.session.execute(
            sa.select(year, month, *columns).where(where).group_by(year, month).order_by(year, month)))
        by_assignee = tuple((r[0], counts_of(r[1:])) for r in db.session.execute(
            sa.select(Task.assignee, *columns).where(where).group_by(Task.assignee)))
        return totals, by_month, by_assignee

    totals, by_month, counted = remembered("tracking", ("progress", plan.id, today), compute)
    return Progress(totals, list(by_month), _named(needing_attention(counted, groups_limit)), len(counted))


def needing_attention(counted, limit: int | None):
    """(assignee, counts) pairs, the most overdue first, then the least done; the first `limit`."""
    ranked = sorted(counted, key=lambda ac: (-ac[1].overdue, ac[1].done / max(ac[1].total, 1), ac[0]))
    return ranked[:limit] if limit is not None else ranked


def _named(counted) -> list[AssigneeCount]:
    """AssigneeCounts with the groups' current names, in name order, the committee last."""
    groups = _group_names(a for a, _ in counted)
    return sorted((AssigneeCount(a, assignee_name(a, groups), c) for a, c in counted),
                  key=lambda a: (a.assignee == COMMITTEE, groups[a.assignee].name_key if a.assignee in groups else ""))


OVERVIEW_PLANS = 15
OVERVIEW_GROUPS = 25


def overview(user, *, today: dt.date | None = None) -> dict:
    """The tracking overview: the most recent plans with tasks and the groups that need attention
    most (most overdue, then least done), with their counts; the approved plans nobody has handed
    out yet. Both lists are cut to a fixed length, so the page costs the same for 5 groups or 200
    (the totals say how many more there are; each group's board and the task list show the rest)."""
    today = today or local_today()
    all_visible = _sees_all_of(user, COMMITTEE)
    if all_visible:
        # The union's counts kept at write time (tasks/counts.py): the newest plans that have
        # tasks, the assignees needing attention most, each list cut in SQL.
        plans_total, groups_total = counts.scope_totals()
        recent = db.session.execute(
            sa.select(Plan).where(counts.has_tasks(Plan.id))
            .order_by(Plan.year.desc(), Plan.id.desc()).limit(OVERVIEW_PLANS)).scalars().all()
        plan_counts_by_id = counts.read(counts.PLAN, [p.id for p in recent], today)
        attention = counts.needing_attention(OVERVIEW_GROUPS, today)
    else:
        columns = count_columns(today)
        plan_counts_by_id = {r[0]: counts_of(r[1:]) for r in db.session.execute(
            sa.select(Task.plan_id, *columns).where(visible_to(user)).group_by(Task.plan_id))}
        assignee_counts = {r[0]: counts_of(r[1:]) for r in db.session.execute(
            sa.select(Task.assignee, *columns).where(visible_to(user)).group_by(Task.assignee))}
        recent = sa.select(Plan).order_by(Plan.year.desc(), Plan.id.desc()).limit(OVERVIEW_PLANS)
        recent = db.session.execute(recent.where(Plan.id.in_(list(plan_counts_by_id)))).scalars().all() \
            if plan_counts_by_id else []
        plans_total, groups_total = len(plan_counts_by_id), len(assignee_counts)
        attention = needing_attention(assignee_counts.items(), OVERVIEW_GROUPS)
    plan_counts = [(p, plan_counts_by_id[p.id]) for p in recent if p.id in plan_counts_by_id]
    by_assignee = _named(attention)
    waiting = _waiting_plans(20)
    return {"plans": plan_counts, "plans_total": plans_total, "by_assignee": by_assignee,
            "groups_total": groups_total, "waiting": waiting}


def _waiting_plans(limit: int) -> list[Plan]:
    """The approved or issued plans nobody has handed out yet, the most recently changed first: for
    each status, its newest such plans read in order (ix_plans_status_updated_at) and cut at `limit`,
    then the two short lists merged."""
    newest = [sa.select(Plan.id, Plan.updated_at)
              .where(Plan.status == status, ~counts.has_tasks(Plan.id))
              .order_by(Plan.updated_at.desc()).limit(limit).subquery()
              for status in sorted(s.value for s in PUBLIC if s != PlanStatus.ARCHIVED)]
    merged = sa.union_all(*(sa.select(n.c.id, n.c.updated_at) for n in newest)).subquery()
    return db.session.execute(
        sa.select(Plan).join(merged, merged.c.id == Plan.id)
        .order_by(merged.c.updated_at.desc(), Plan.id.desc()).limit(limit)).scalars().all()


CALENDAR_PER_DAY = 4


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    tasks: list[Task] = field(default_factory=list)
    count: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.tasks)


def calendar_month(user, year: int, month: int, f: TaskFilter, *, today: dt.date | None = None) -> list[list[CalendarDay]]:
    """The weeks (Monday first) of a month, each day with its first few tasks and how many it has.
    Two queries whatever the number of tasks: the few per day are picked in SQL (row_number)."""
    today = today or local_today()
    first = dt.date(year, month, 1)
    last = month_end(year, month)
    start = first - dt.timedelta(days=first.weekday())
    end = last + dt.timedelta(days=6 - last.weekday())
    where = _where(user, TaskFilter(f.assignee, f.status, f.plan_id), today) + [Task.due_date.between(first, last)]
    counts = dict(db.session.execute(
        sa.select(Task.due_date, sa.func.count()).where(*where).group_by(Task.due_date)).all())
    rank = sa.func.row_number().over(
        partition_by=Task.due_date,
        order_by=(sa.case((Task.status == S.DONE.value, 1), else_=0), Task.id)).label("rank")
    ranked = sa.select(Task.id, rank).where(*where).subquery()
    tasks = db.session.execute(
        sa.select(Task).join(ranked, ranked.c.id == Task.id).where(ranked.c.rank <= CALENDAR_PER_DAY)
        .order_by(Task.due_date, ranked.c.rank).options(joinedload(Task.group))).scalars().all()
    per_day: dict[dt.date, list[Task]] = defaultdict(list)
    for task in tasks:
        per_day[task.due_date].append(task)
    weeks, week = [], []
    day = start
    while day <= end:
        week.append(CalendarDay(day, day.month == month, per_day.get(day, []), counts.get(day, 0)))
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += dt.timedelta(days=1)
    return weeks


def month_range_of_plan(plan_id: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    first, last = db.session.execute(
        sa.select(sa.func.min(Task.due_date), sa.func.max(Task.due_date)).where(Task.plan_id == plan_id)).one()
    if first is None:
        return None
    return (first.year, first.month), (last.year, last.month)


# --- the home panel -----------------------------------------------------------------------------------

HOME_LIMIT = 6


@dataclass(frozen=True)
class UrgentTask:
    """A line of "Cần làm trước": what the home panel prints of an open task (read as columns)."""
    id: int
    title: str
    assignee_label: str
    due_date: dt.date
    status: str
    status_label: str
    overdue: bool                 # open tasks only: past due is overdue


@functools.cache
def _urgent_query() -> sa.Select:
    """The open tasks of some assignees, most urgent first (built once: only its values change)."""
    return (sa.select(Task.id, Task.title, Group.name, Task.due_date, Task.status)
            .outerjoin(Group, Group.id == Task.group_id)
            .where(Task.assignee.in_(sa.bindparam("mine", expanding=True)), Task.status.in_(OPEN_STATUSES))
            .order_by(Task.due_date, Task.id).limit(sa.bindparam("limit")))


def home_summary(user, *, today: dt.date | None = None) -> dict | None:
    """For a group leader (and the committee for its own tasks): open and overdue counts of the
    tasks they keep, and the most urgent few. For the chair and vice chairs, the union's overdue
    total too. None when there is nothing for this person. A fixed number of queries."""
    today = today or local_today()
    mine: list[int] = sorted(g.id for g in user.led_groups if g.active)
    if user.is_committee_member:
        mine.append(COMMITTEE)
    is_assigner = user.has_role(Role.CHAIR, Role.VICE_CHAIR)
    if not mine and not is_assigner:
        return None
    groups = {g.id: g for g in user.led_groups}
    rows = []
    urgent = []
    # Their assignees' rows and the union's, kept at write time (tasks/counts.py): one statement.
    # (kept per process too while no task changes, as a board's counts)
    counted, union = remembered("tracking", ("home_counts", tuple(mine), is_assigner, today), lambda: (
        counts.read_with_union(mine, today) if is_assigner else (counts.read(counts.ASSIGNEE, mine, today), None)))
    if mine:
        rows = [AssigneeCount(a, assignee_name(a, groups), counted[a]) for a in mine if a in counted]
        rows.sort(key=lambda a: (a.assignee == COMMITTEE, a.name))
        urgent = [UrgentTask(id, title, name or COMMITTEE_LABEL, due, status, STATUS_LABELS[status], due < today)
                  for id, title, name, due, status in db.session.execute(
                      _urgent_query(), {"mine": mine, "limit": HOME_LIMIT})]
    union_overdue = union.overdue if union is not None else None
    if not rows and not is_assigner:
        return None
    return {"rows": rows, "urgent": urgent, "union_overdue": union_overdue, "today": today}


# --- month helpers for pages --------------------------------------------------------------------------

def months_around(year: int, month: int) -> dict:
    return {"prev": add_months(year, month, -1), "next": add_months(year, month, 1)}

