"""The one shape of the three workflows (plans, tasks, member requests): a table of transitions and the
one function that writes a status, guarded by the row's integer `version`, with its audit entry.

Each area keeps its own table, rules and Vietnamese messages (plans/workflow.py, tasks/workflow.py,
member_requests/workflow.py) and has one verb, `apply(obj, action, actor, *, expected, ...)`, whose
`expected` is the version the person's page showed. The status column of each area is written only
by write_status() below, called by that area's apply().
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Generic, Iterable, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from .audit.service import record
from .errors import StaleError
from .extensions import db


@dataclass(frozen=True)
class Transition:
    """One row of a workflow table: `action` moves an object from any of `sources` to `target`.
    An area subclasses it when its rows need more columns (who may act, what must be given)."""
    action: str
    sources: frozenset[enum.Enum]
    target: enum.Enum
    label: str                  # Vietnamese: the button, or the verb in messages
    audit_action: str           # the action of the audit entry the move writes


T = TypeVar("T", bound=Transition)


class Table(Generic[T]):
    """An area's transitions in the order their buttons are shown, and who may take each
    (`allowed(transition, obj, user)`)."""

    def __init__(self, rows: Iterable[T], allowed: Callable[[T, object, object], bool]):
        self.rows: tuple[T, ...] = tuple(rows)
        self.actions: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in self.rows))
        self._allowed = allowed
        self._index: dict[tuple[str, str], T] = {}
        for t in self.rows:
            for source in t.sources:
                key = (t.action, source.value)
                assert key not in self._index, f"two rows for {key}"
                self._index[key] = t

    def __iter__(self):
        return iter(self.rows)

    def get(self, action: str) -> T | None:
        """The first row of `action` (the row, in a table with one row per action)."""
        return next((t for t in self.rows if t.action == action), None)

    def find(self, action: str, state) -> T | None:
        """The row that takes `action` from `state` (a status value or its enum), or None."""
        return self._index.get((action, getattr(state, "value", state)))

    def from_state(self, state) -> tuple[T, ...]:
        """The rows that leave `state`, in the display order."""
        value = getattr(state, "value", state)
        return tuple(t for t in self.rows if any(s.value == value for s in t.sources))

    def available(self, obj, user) -> list[T]:
        """The moves `user` may make on `obj` now: the buttons to show."""
        return [t for t in self.from_state(obj.status) if self._allowed(t, obj, user)]


def write_status(obj, t: Transition, actor, *, expected: int, stale: Callable[[object], str],
                 values: dict | None = None, returning: bool = False, options: dict | None = None,
                 audit: Callable[[], tuple[str, dict]]) -> None:
    """Move `obj` to `t.target`: the one writer of the status columns. Flushes, does not commit.

    One UPDATE guarded by the version the page showed (`WHERE id = :id AND version = :expected`)
    sets the status, raises the version and writes `values`; when no row matches (someone else moved
    the object since) `obj` is reloaded and StaleError(stale(obj)) raised, nothing written. The object
    is then reloaded: from the UPDATE's RETURNING row when `returning` (no second read), else by a
    refresh. `audit()` is called last: the area writes what goes with the move (its timeline row, a
    payment) and returns the summary and data of the audit entry recorded as `t.audit_action`.
    `options`: execution options of the UPDATE (tasks/counts.py reads its `task_counts`).
    """
    model = type(obj)
    table = model.__table__
    statement = (sa.update(model).where(model.id == obj.id, model.version == expected)
                 .values(status=t.target.value, version=model.version + 1, **(values or {}))
                 .execution_options(synchronize_session=False, **(options or {})))
    if returning:
        row = db.session.execute(statement.returning(*table.columns)).one_or_none()
        written = row is not None
    else:
        written = db.session.execute(statement).rowcount == 1
    if not written:
        db.session.refresh(obj)
        raise StaleError(stale(obj))
    if returning:
        mapper = sa.inspect(model)
        for column, value in zip(table.columns, row):
            set_committed_value(obj, mapper.get_property_by_column(column).key, value)
    else:
        db.session.refresh(obj)
    summary, data = audit()
    record(t.audit_action, obj, actor=actor, summary=summary, data=data)


def posted_version(form, obj) -> int:
    """The version a form posted (its hidden `version` field); a post without one (a script, an old
    page) is taken against the version read now."""
    value = form.get("version", type=int)
    return obj.version if value is None else value
