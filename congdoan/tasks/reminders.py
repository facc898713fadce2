"""`flask --app wsgi tasks remind [--days N] [--overdue-days M]`, run daily by cron.

Each group leader is told their group's tasks due within N days and those overdue; the chair and
vice chairs the same for the committee's own tasks; the chair the tasks (of every group) overdue
by more than M days. One message per person and group per day, in the app and by e-mail when SMTP
is configured (notify() sends after the commit). The dedup key carries the date, so running the
command twice on the same day sends nothing twice.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from ..dates import fmt_date, local_today
from ..extensions import db
from ..links import link
from ..notifications.service import notify
from ..people.models import Group
from .models import COMMITTEE, COMMITTEE_LABEL, Task, TaskStatus
from .people import assigners, chairs

LIST_MAX = 10          # tasks named in one message; the rest are counted


@dataclass
class Due:
    id: int
    title: str
    due_date: dt.date
    assignee: int


def _short(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _lines(items: list[Due], today: dt.date, names: dict[int, str] | None = None) -> str:
    out = []
    for item in items[:LIST_MAX]:
        late = (today - item.due_date).days
        when = f"quá hạn {late} ngày" if late > 0 else ("hạn hôm nay" if late == 0 else f"hạn {fmt_date(item.due_date)}")
        who = f"{names[item.assignee]}: " if names else ""
        out.append(f"- {who}{_short(item.title)} ({when}, hạn {fmt_date(item.due_date)})" if late > 0
                   else f"- {who}{_short(item.title)} ({when})")
    if len(items) > LIST_MAX:
        out.append(f"- … và {len(items) - LIST_MAX} việc khác")
    return "\n".join(out)


def remind(*, days: int = 3, overdue_days: int = 7, today: dt.date | None = None) -> int:
    """Send today's reminders; returns how many notifications were created (0 on a second run)."""
    today = today or local_today()
    horizon = today + dt.timedelta(days=days)
    rows = [Due(*r) for r in db.session.execute(
        sa.select(Task.id, Task.title, Task.due_date, Task.assignee)
        .where(Task.status != TaskStatus.DONE.value, Task.due_date <= horizon)
        .order_by(Task.due_date, Task.id)).all()]
    by_assignee: dict[int, list[Due]] = defaultdict(list)
    for row in rows:
        by_assignee[row.assignee].append(row)
    groups = {g.id: g for g in db.session.execute(
        sa.select(Group).where(Group.id.in_([a for a in by_assignee if a != COMMITTEE]))
        .options(sa.orm.joinedload(Group.leader))).scalars()} if by_assignee else {}
    names = {gid: g.name for gid, g in groups.items()} | {COMMITTEE: COMMITTEE_LABEL}
    sent = 0
    for assignee, items in sorted(by_assignee.items()):
        if assignee == COMMITTEE:
            people = assigners()
        else:
            group = groups.get(assignee)
            if group is None or not group.active or group.leader is None:
                continue
            people = [group.leader]
        overdue = [i for i in items if i.due_date < today]
        soon = [i for i in items if i.due_date >= today]
        parts = []
        if soon:
            parts.append(f"{len(soon)} việc đến hạn trong {days} ngày tới")
        if overdue:
            parts.append(f"{len(overdue)} việc đã quá hạn")
        message = (f"Nhắc việc {names[assignee]} ngày {fmt_date(today)}: {', '.join(parts)}.\n"
                   + _lines(overdue + soon, today))
        sent += len(notify(people, "task_reminder", message, link("tasks.board", group_id=assignee),
                           subject=f"[Công đoàn] Nhắc việc {names[assignee]}: {', '.join(parts)}",
                           dedup_key=f"task-remind-{assignee}-{today.isoformat()}"))
    late_limit = today - dt.timedelta(days=overdue_days)
    late = [r for r in rows if r.due_date < late_limit]
    if late:
        message = (f"{len(late)} việc quá hạn hơn {overdue_days} ngày (tính đến {fmt_date(today)}):\n"
                   + _lines(late, today, names))
        sent += len(notify(chairs(), "task_overdue", message, link("tasks.index", trang_thai="qua_han"),
                           subject=f"[Công đoàn] {len(late)} việc quá hạn hơn {overdue_days} ngày",
                           dedup_key=f"task-overdue-{today.isoformat()}"))
    return sent
