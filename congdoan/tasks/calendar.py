"""The task calendar: a month's weeks with each day's first few tasks, and the months a plan's tasks
span."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..dates import local_today
from ..extensions import db
from .models import Task, TaskStatus
from .queries import TaskFilter, filter_clauses
from .rules import add_months, month_end

S = TaskStatus


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
    where = filter_clauses(user, TaskFilter(f.assignee, f.status, f.plan_id), today) + [Task.due_date.between(first, last)]
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


def months_around(year: int, month: int) -> dict:
    return {"prev": add_months(year, month, -1), "next": add_months(year, month, 1)}
