"""What came of a task, as a year-end report counts it, and the SQL that selects each outcome.

A task's outcome is read from its status and dates as they stand now (the report is drafted after
the period, so a task due in June and finished in July was "done late"):

- "dung_han" (done on time): done, on or before its due date, the day of `done_at` taken in
  Asia/Ho_Chi_Minh (done_at is stored as naive UTC);
- "tre_han" (done late): done after its due date;
- "chua_lam" (not done): not started or in progress;
- "tam_dung" (stopped): blocked ("Tạm dừng / Vướng mắc");
- "khong_dung_han" (not done on time): any of the last three, what a group "most often late" is
  counted from.

The same clauses filter the task lists (?ket_qua=) and count the report's figures, so a figure's
link shows exactly the tasks it counted.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Task, TaskStatus

ON_TIME, LATE, OPEN, STOPPED, NOT_ON_TIME = "dung_han", "tre_han", "chua_lam", "tam_dung", "khong_dung_han"

OUTCOME_LABELS = {
    ON_TIME: "Hoàn thành đúng hạn",
    LATE: "Hoàn thành trễ hạn",
    OPEN: "Chưa hoàn thành",
    STOPPED: "Tạm dừng",
    NOT_ON_TIME: "Không hoàn thành đúng hạn",
}
# Vietnam keeps UTC+7 all year (no daylight saving).
_OFFSET_HOURS = 7


def done_day():
    """The local (Vietnam) day of Task.done_at, comparable with Task.due_date on either database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(Task.done_at + sa.literal_column(f"interval '{_OFFSET_HOURS} hours'", sa.Interval),
                       sa.Date)
    # SQLite keeps dates as 'YYYY-MM-DD' text: date() gives the same form.
    return sa.func.date(Task.done_at, f"+{_OFFSET_HOURS} hours")


def done_late():
    return sa.and_(Task.status == TaskStatus.DONE.value, done_day() > Task.due_date)


def outcome_clause(outcome: str):
    """The WHERE clause of one outcome (a key of OUTCOME_LABELS)."""
    done = TaskStatus.DONE.value
    if outcome == ON_TIME:
        return sa.and_(Task.status == done, done_day() <= Task.due_date)
    if outcome == LATE:
        return done_late()
    if outcome == OPEN:
        return Task.status.in_((TaskStatus.NOT_STARTED.value, TaskStatus.IN_PROGRESS.value))
    if outcome == STOPPED:
        return Task.status == TaskStatus.BLOCKED.value
    if outcome == NOT_ON_TIME:
        return sa.or_(Task.status != done, done_day() > Task.due_date)
    raise ValueError(outcome)


def outcome_column():
    """A CASE giving each task's outcome key (one of the first four), for GROUP BY."""
    done = TaskStatus.DONE.value
    return sa.case(
        (sa.and_(Task.status == done, done_day() <= Task.due_date), ON_TIME),
        (Task.status == done, LATE),
        (Task.status == TaskStatus.BLOCKED.value, STOPPED),
        else_=OPEN)
