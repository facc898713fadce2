"""Reading tasks: one task and its history, the filtered lists (cards, status tabs, the Excel rows),
and the aggregates of the tracking pages (a plan's progress, the overview). Every query here runs a
fixed number of statements whatever the number of tasks (aggregates in SQL, related rows loaded with
the list).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..changes import remembered
from ..dates import local_today
from ..extensions import db
from ..pagination import page_then_count, paginate
from ..people.models import Group, User
from ..plans.models import PUBLIC, Plan, PlanStatus
from . import cards, counts
from .cards import Card
from .counts import Counts, count_columns, counts_of
from .models import (COMMITTEE, COMMITTEE_LABEL, STATUS_LABELS, Task, TaskEvent, TaskStatus, led_group_ids,
                     visible_groups, visible_to)
from .outcomes import OUTCOME_LABELS, outcome_clause
from .people import assignee_name
from .rules import month_end

PAGE_SIZE = 20          # task cards are large, with one-tap buttons: 20 a page reads well on a phone
S = TaskStatus


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


def filter_clauses(user, f: TaskFilter, today: dt.date) -> list:
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
    the caller knows it or the page tells it (a page that is not full)."""
    today = today or local_today()
    where = filter_clauses(user, f, today)
    query = cards.joined(sa.select(*cards.columns())).where(*where).order_by(Task.due_date, Task.id)
    if total is None:
        # The page first; counted (the tasks alone: every task has its plan) only when it cannot tell the total.
        found = page_then_count(query, page, page_size, scalars=False,
                                counting=sa.select(sa.func.count()).select_from(Task).where(*where))
        rows, total = found.items, found.total
    else:
        rows = paginate(query, page, page_size, total=total, scalars=False, clamp_page=False).items
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
                             .where(*filter_clauses(user, f.without_status(), today))).one()
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
        .where(*filter_clauses(user, f, today)).order_by(Task.due_date, Task.id)
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
    """Done of total, by month of the due date, and by assignee: three aggregate queries, then the
    assignees' names. With `groups_limit`, only the assignees needing attention most (as on the overview).
    Not kept itself: the progress page that shows it is (docs/caching.md)."""
    today = today or local_today()
    columns = count_columns(today)
    where = Task.plan_id == plan.id
    totals = counts_of(db.session.execute(sa.select(*columns).select_from(Task).where(where)).one())
    year = sa.extract("year", Task.due_date)
    month = sa.extract("month", Task.due_date)
    by_month = [MonthCount(int(r[0]), int(r[1]), counts_of(r[2:])) for r in db.session.execute(
        sa.select(year, month, *columns).where(where).group_by(year, month).order_by(year, month))]
    counted = [(r[0], counts_of(r[1:])) for r in db.session.execute(
        sa.select(Task.assignee, *columns).where(where).group_by(Task.assignee))]
    return Progress(totals, by_month, _named(needing_attention(counted, groups_limit)), len(counted))


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
