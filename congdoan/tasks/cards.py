"""A task card as it is printed: `Card` holds every value the card template shows, and nothing else.

The board renders 20 cards a page. Rendering one costs ~0.2 ms of Jinja; a board card is therefore
kept per process, its HTML keyed by the `Card` itself. The key is exact by construction: the
template receives only the `Card` (and the view and return link, also in the key), so a card whose
status, title, due date, plan subject, group name or last changer's name changed is a different key
and is rendered afresh; nothing needs invalidating. The CSRF token is the one per-request value in a
card: the kept HTML holds a marker that is replaced by this request's token.
"""
from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import aliased

from .. import caching
from ..people.models import Group, User
from ..plans.models import Plan
from . import workflow
from .models import COMMITTEE_LABEL, STATUS_LABELS, Task, TaskStatus, update_rule
from .workflow import Transition

_CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
_kept = caching.lru("board_cards", 4096)


@dataclass(frozen=True)
class Card:
    id: int
    status: str
    version: int                  # what a status move posts (congdoan/workflow.py)
    status_label: str
    overdue: bool
    title: str
    due_date: dt.date
    assignee_label: str
    plan_id: int
    plan_subject: str
    activity_id: int
    period: str
    note: str
    result_note: str              # only when done
    changed_by: str               # who set the status, "" when nobody yet
    changed_at: dt.datetime | None
    handed_out: bool              # the status is still the one set when the task was handed out
    moves: tuple[Transition, ...]
    may_update: bool

    @classmethod
    def of(cls, task: Task, user, today: dt.date) -> "Card":
        """The card of a loaded task (the task page, the card a status change sends back)."""
        return cls.build(task, group_name=task.group.name if task.group_id is not None else None,
                         plan_subject=task.plan.subject,
                         changed_by=task.status_changed_by.full_name if task.status_changed_by else "",
                         may=update_rule(user), today=today)

    @classmethod
    def build(cls, t, *, group_name: str | None, plan_subject: str, changed_by: str,
              may: Callable[[int | None], bool], today: dt.date) -> "Card":
        """From anything with a task's columns as attributes: a Task, or a row of `columns()`; `may` is
        the viewer's `update_rule`."""
        done = t.status == TaskStatus.DONE.value
        return cls(
            id=t.id, status=t.status, version=t.version, status_label=STATUS_LABELS[t.status],
            overdue=not done and t.due_date < today,
            title=t.title, due_date=t.due_date,
            assignee_label=COMMITTEE_LABEL if t.group_id is None else group_name or "",
            plan_id=t.plan_id, plan_subject=plan_subject, activity_id=t.activity_id, period=t.period or "",
            note=t.note or "", result_note=(t.result_note or "") if done else "", changed_by=changed_by or "",
            changed_at=t.status_changed_at,
            handed_out=t.status == TaskStatus.NOT_STARTED.value and t.status_changed_at == t.created_at,
            moves=workflow.moves_from(t.status), may_update=may(t.group_id))


@functools.cache
def _changer():
    return aliased(User, name="changer")


def columns() -> tuple:
    """What a list of cards selects: the task's columns, its group's name, its plan's subject and
    the name of who last changed its status (join with `joined()`)."""
    return (Task.id, Task.status, Task.version, Task.title, Task.due_date, Task.group_id, Task.plan_id, Task.activity_id,
            Task.period, Task.note, Task.result_note, Task.status_changed_at, Task.created_at,
            Group.name.label("group_name"), Plan.subject.label("plan_subject"),
            _changer().full_name.label("changed_by"))


def joined(query: sa.Select) -> sa.Select:
    return (query.join(Plan, Plan.id == Task.plan_id).outerjoin(Group, Group.id == Task.group_id)
            .outerjoin(_changer(), _changer().id == Task.status_changed_by_id))


def from_rows(rows, user, today: dt.date) -> list[Card]:
    may = update_rule(user)                  # the viewer's rights worked out once for the page's cards
    return [Card.build(r, group_name=r.group_name, plan_subject=r.plan_subject, changed_by=r.changed_by,
                       may=may, today=today) for r in rows]


def board_card(card: Card, back: str) -> Markup:
    """A board's card (no form open, no message): kept HTML when this exact card was shown before."""
    html = _kept.get_or_compute((card, back), lambda: render_template(
        "tasks/_task.html", card=card, view="board", next_url=back, csrf_token=lambda: _CSRF_MARK))
    return Markup(html.replace(_CSRF_MARK, generate_csrf()))
