"""Home-page panel: a group leader's open and overdue tasks ("Việc của tổ tôi"); the committee's own
tasks for committee members; the union's overdue total for the chair and vice chairs."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa

from ..changes import remembered
from ..dates import local_today
from ..extensions import db
from ..home.panels import Panel, provider
from ..people.models import Group
from ..permissions import Perm, has_permission
from . import counts
from .models import COMMITTEE, COMMITTEE_LABEL, OPEN_STATUSES, STATUS_LABELS, Task
from .people import assignee_name
from .queries import AssigneeCount

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
    is_assigner = has_permission(user, Perm.TASKS_ASSIGN)
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


@provider
def my_tasks(user):
    summary = home_summary(user)
    if summary is None:
        return None
    return Panel("tasks/_home_panel.html", summary, order=20)
