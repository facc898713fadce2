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
import secrets
from dataclasses import dataclass

from flask import render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from . import workflow
from .models import Task
from .workflow import Transition

KEPT_CARDS = 4096
_CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
_kept: dict[tuple, str] = {}


@dataclass(frozen=True)
class Card:
    id: int
    status: str
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
        return cls(
            id=task.id, status=task.status, status_label=task.status_label, overdue=task.is_overdue(today),
            title=task.title, due_date=task.due_date, assignee_label=task.assignee_label, plan_id=task.plan_id,
            plan_subject=task.plan.subject, activity_id=task.activity_id, period=task.period or "",
            note=task.note or "", result_note=(task.result_note or "") if task.is_done else "",
            changed_by=task.status_changed_by.full_name if task.status_changed_by else "",
            changed_at=task.status_changed_at,
            handed_out=task.status == "not_started" and task.status_changed_at == task.created_at,
            moves=tuple(workflow.moves(task)), may_update=task.can_update(user))


def board_card(card: Card, back: str) -> Markup:
    """A board's card (no form open, no message): kept HTML when this exact card was shown before."""
    key = (card, back)
    html = _kept.get(key)
    if html is None:
        html = render_template("tasks/_task.html", card=card, view="board", next_url=back,
                               csrf_token=lambda: _CSRF_MARK)
        if len(_kept) >= KEPT_CARDS:
            _kept.clear()
        _kept[key] = html
    return Markup(html.replace(_CSRF_MARK, generate_csrf()))


def forget() -> None:
    _kept.clear()
