"""A task is one schedule activity of an approved plan handed to one assignee: a union group, or
the executive committee itself. An activity handed to two groups gives two tasks, so each group's
leader owns the status of their own part and one group finishing does not mark the other done.

`assignee` is the group id, or 0 for the committee: the unique (activity_id, assignee) pair is what
makes handing out the same activity twice impossible, on every database (a NULL group would not be
caught by a unique constraint). A check ties it to group_id.

The status column is written only by tasks.workflow.apply(). "Quá hạn" is never stored: it
is derived from the due date and today's date wherever it is shown or counted.
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..changes import watch
from ..dates import local_today, utcnow
from ..extensions import db
from ..finder.schema import search_index
from ..people.models import Group
from ..permissions import Perm, has_permission
from ..plans.models import Plan


class TaskStatus(str, enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


STATUS_LABELS = {
    "not_started": "Chưa bắt đầu",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "blocked": "Tạm dừng / Vướng mắc",
}
OVERDUE_LABEL = "Quá hạn"
COMMITTEE_LABEL = "Ban Chấp hành"
COMMITTEE = 0                      # the `assignee` value of a task for the committee itself
OPEN_STATUSES = ("not_started", "in_progress", "blocked")


class Task(db.Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="RESTRICT"))
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("schedule_activities.id", ondelete="RESTRICT"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="RESTRICT"))
    assignee: Mapped[int] = mapped_column(sa.Integer)            # group_id, or 0 for the committee
    # Copies of the approved activity's text and period: an approved plan never changes (an
    # amendment is a new plan), and lists need them without joining three tables.
    title: Mapped[str] = mapped_column(sa.Text)
    period: Mapped[str] = mapped_column(sa.String(100), default="")
    due_date: Mapped[dt.date]
    note: Mapped[str] = mapped_column(sa.Text, default="")        # the assigner's instructions
    status: Mapped[str] = mapped_column(sa.String(20), default=TaskStatus.NOT_STARTED.value)
    # Raised by every status change (congdoan/workflow.py): the page's concurrency token.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    result_note: Mapped[str] = mapped_column(sa.Text, default="")  # required to be done
    # Title, instructions and result folded (congdoan/finder/keys.py): written with them.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    done_at: Mapped[dt.datetime | None]
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan = relationship("Plan")
    activity = relationship("ScheduleActivity")
    group = relationship("Group")
    status_changed_by = relationship("User", foreign_keys=[status_changed_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    events: Mapped[list["TaskEvent"]] = relationship(back_populates="task", order_by="TaskEvent.id",
                                                     cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'done', 'blocked')", name="known_status"),
        # Done means a result was written down, and when.
        sa.CheckConstraint("status != 'done' OR (length(result_note) > 0 AND done_at IS NOT NULL)",
                           name="done_has_result"),
        sa.CheckConstraint("assignee = COALESCE(group_id, 0)", name="assignee_matches_group"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.UniqueConstraint("activity_id", "assignee", name="uq_tasks_activity_assignee"),
        # A group's board and the leaders' home panel: by group, then status, then due date.
        sa.Index("ix_tasks_group_status", "group_id", "status", "due_date"),
        # A plan's progress and its review screen.
        sa.Index("ix_tasks_plan", "plan_id", "due_date"),
        # The overdue list, the calendar, the reminders: by due date; and the search box's task hits in
        # their order (latest due date, then newest), stopping after its capped count (finder/queries.py):
        # the id makes that order exact (migration 0031 put it before the status).
        sa.Index("ix_tasks_due_date", "due_date", "id", "status"),
        # What one keeper holds (a group, or 0 for the committee): the home panel and the overview.
        sa.Index("ix_tasks_assignee_status", "assignee", "status", "due_date"),
        # A board's page: one keeper's tasks in due-date order, the status and group beside them so
        # "not done" and who may see it are checked in the index; the scan stops after a page.
        sa.Index("ix_tasks_assignee_due", "assignee", "due_date", "id", "status", "group_id"),
        search_index("ix_tasks_search_text"),
    )

    # --- state -----------------------------------------------------------------------------------
    @property
    def state(self) -> TaskStatus:
        return TaskStatus(self.status)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE.value

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Past its due date and not done (derived, never stored)."""
        return not self.is_done and self.due_date < (today or local_today())

    @property
    def assignee_label(self) -> str:
        return self.group.name if self.group_id is not None else COMMITTEE_LABEL

    # --- permissions (views answer 403 with them; templates hide buttons with them) -------------
    def can_view(self, user) -> bool:
        """The committee (chair and vice chairs included) sees every task; a group's members and
        its leader see the group's tasks."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.active:
            return False
        if user.is_committee_member:
            return True
        if self.group_id is None:
            return False
        return self.group_id == user.group_id or self.group_id in led_group_ids(user)

    def can_update(self, user) -> bool:
        return may_update(self.group_id, user)

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.status} activity={self.activity_id} assignee={self.assignee}>"


def may_update(group_id: int | None, user) -> bool:
    """Whether `user` changes the status of a task of this group (None: the committee's own). The
    chair and vice chairs change every task; a group leader their own group's tasks; any committee
    member the tasks assigned to the committee itself."""
    return update_rule(user)(group_id)


def update_rule(user) -> Callable[[int | None], bool]:
    """`may_update` for one person and any group: their rights worked out once (a board asks it of
    every card it shows)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return lambda group_id: False
    if has_permission(user, Perm.TASKS_ASSIGN):       # the chair and vice chairs: every task
        return lambda group_id: True
    committee, led = user.is_committee_member, led_group_ids(user)
    return lambda group_id: committee if group_id is None else group_id in led


def led_group_ids(user) -> set[int]:
    """The active groups this person leads."""
    return {g.id for g in getattr(user, "led_groups", []) if g.active}


def visible_groups(user) -> frozenset[int] | None:
    """The groups whose tasks this person sees (Task.can_view): None for every task (the committee)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return frozenset()
    if user.is_committee_member:
        return None
    return frozenset(led_group_ids(user) | ({user.group_id} if user.group_id else set()))


def visible_to(user):
    """The SQL twin of Task.can_view: a WHERE clause for every list, count, calendar and export."""
    groups = visible_groups(user)
    if groups is None:
        return sa.true()
    return Task.group_id.in_(sorted(groups)) if groups else sa.false()


class EventKind(str, enum.Enum):
    CREATED = "created"
    STATUS = "status"
    NOTE = "note"
    EDITED = "edited"          # a new due date or new instructions (tasks/corrections.py)


class TaskEvent(db.Model):
    """One line of a task's history: its creation, a status change (from -> to, with a note), or a
    progress note; each may carry one evidence file."""
    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="RESTRICT"))

    task: Mapped[Task] = relationship(back_populates="events")
    actor = relationship("User")
    file = relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('created', 'status', 'note', 'edited')", name="known_kind"),
        sa.CheckConstraint("kind != 'status' OR (from_status IS NOT NULL AND to_status IS NOT NULL)",
                           name="status_has_states"),
        sa.Index("ix_task_events_task", "task_id", "id"),
        sa.Index("ix_task_events_file", "file_id"),
    )

    @property
    def from_label(self) -> str:
        return STATUS_LABELS.get(self.from_status or "", "")

    @property
    def to_label(self) -> str:
        return STATUS_LABELS.get(self.to_status or "", "")


class TaskCount(db.Model):
    """The tracking pages' counts, kept up to date at write time: see tasks/counts.py."""
    __tablename__ = "task_counts"

    scope: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    key: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(sa.Integer, default=0)
    done: Mapped[int] = mapped_column(sa.Integer, default=0)
    in_progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    blocked: Mapped[int] = mapped_column(sa.Integer, default=0)
    not_started: Mapped[int] = mapped_column(sa.Integer, default=0)
    overdue: Mapped[int] = mapped_column(sa.Integer, default=0)
    # The union row only: the day `overdue` is counted for, and how many plan and assignee rows there are.
    as_of: Mapped[dt.date | None] = mapped_column(sa.Date)
    plan_rows: Mapped[int | None] = mapped_column(sa.Integer)
    assignee_rows: Mapped[int | None] = mapped_column(sa.Integer)

    __table_args__ = (
        sa.CheckConstraint("scope IN ('p', 'a', 'u')", name="known_scope"),
        # The overview's groups needing attention: the most overdue first, read in order.
        sa.Index("ix_task_counts_attention", "scope", "overdue"),
    )


# The tracking overview reads the plans table in two orders and stops after a screenful: the newest
# plans that have tasks (by year, then id), and the approved or issued plans nobody has handed out
# yet (by status, then the time they last changed). Declared here, beside the overview's counts.
sa.Index("ix_plans_year_id", Plan.year, Plan.id)
sa.Index("ix_plans_status_updated_at", Plan.status, Plan.updated_at)


# The overview's and a plan's progress page's content, a board's counts and plan filter and the home
# panel's counts are kept per process until a task, a plan or a group changes (congdoan/changes.py,
# docs/caching.md). One counter for the three tables: writers of several of them never wait on two
# counters in opposite orders.
# (The tracking counts are kept at write time in task_counts: tasks/counts.py.)
watch("tracking", Task, Plan, Group)
