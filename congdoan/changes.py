"""Change counters: one number per kind of data, raised in the same transaction as every write to it.

A worker process may keep what it computed from that data (the tracking overview's and a plan's
progress page's HTML, a board's counts and plan filter, the home panels' counts: docs/caching.md lists
them) for as long as the number has not moved; `remembered()` keeps them in a cache of
congdoan/caching.py, each under its key and the counter's value it was computed at. What this keeps is lost at every write of its kind anywhere, so it only spares the
pages people reread between writes: the tracking counts themselves are kept at write time instead
(congdoan/tasks/counts.py), so that a page's cost right after a write does not grow with the union.

Raising is automatic for the tables registered with `watch()`: an ORM flush that adds, changes or
deletes one of their objects, and an ORM-enabled INSERT/UPDATE/DELETE executed through the session (the task
workflow's guarded UPDATE), each mark the counter; the marked counters are raised when the
transaction commits, in the same transaction, so a reader that sees number N sees at least every
write that raised it to N. What a transaction computes after marking a counter is never kept (it
could still roll back, or not yet be counted).

Raising at commit rather than at the write keeps the counter rows' locks (PostgreSQL) as short as
the commit itself, and a transaction takes all its counters at once in name order: two writers never
wait on each other's counters in opposite orders.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import caching, facts
from .extensions import db
from .facts import fact

T = TypeVar("T")


class ChangeCounter(db.Model):
    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


_watched_classes: dict[type, set[str]] = {}
_watched_tables: dict[str, set[str]] = {}
_kept = caching.lru("changes", 1024)        # (name, *key) -> (the counter's value, the result)


def watch(name: str, *models: type) -> None:
    """Raise counter `name` on every write to these models' tables (and read it with the user).
    A model may be watched by several counters: a write to it raises each of them."""
    for model in models:
        _watched_classes.setdefault(model, set()).add(name)
        _watched_tables.setdefault(model.__table__.name, set()).add(name)
    fact(f"counter_{name}")(lambda users_id: _value(name).scalar_subquery())


def _value(name: str) -> sa.Select:
    table = ChangeCounter.__table__
    return sa.select(table.c.value).where(table.c.name == name)


def bump(session: Session, name: str) -> None:
    """Raise counter `name` when the session's transaction commits; from now on this transaction's
    results are not kept (they may include its own writes, not yet counted)."""
    session.connection()                     # in a transaction, so its end forgets the mark
    session.info.setdefault("changed", set()).add(name)
    facts.drop()


def _raise(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()                      # the commit's own flush would come after this hook
    names = session.info.get("changed")
    if not names:
        return
    table = ChangeCounter.__table__
    connection = session.connection()
    for name in sorted(names):
        done = connection.execute(sa.update(table).where(table.c.name == name).values(value=table.c.value + 1))
        if done.rowcount == 0:
            connection.execute(sa.insert(table).values(name=name, value=1))


def current(name: str) -> int:
    return facts.get(f"counter_{name}", lambda: db.session.connection().execute(_value(name)).scalar()) or 0


def remembered(name: str, key: tuple, compute: Callable[[], T], *, also: tuple[str, ...] = ()) -> T:
    """compute(), or what it returned earlier in this process while counter `name` (and each counter
    named in `also`) has not moved. `key` names everything else the result depends on (the day, a plan
    id...). Results must be plain values (numbers, tuples, dataclasses of them), never ORM objects bound
    to a session."""
    changed = db.session.info.get("changed", ())
    if name in changed or any(other in changed for other in also):
        return compute()
    version = tuple(current(counter) for counter in (name, *also))
    hit = _kept.get((name, *key))
    if hit is not None and hit[0] == version:
        return hit[1]  # type: ignore[return-value]
    value = compute()
    _kept.put((name, *key), (version, value))
    return value


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    names = set().union(*(_watched_classes.get(type(obj), ()) for obj in
                          (*session.new, *session.dirty, *session.deleted)))
    for name in sorted(names):
        bump(session, name)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        for name in sorted(_watched_tables.get(getattr(table, "name", None), ())):
            bump(state.session, name)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint released (SQLAlchemy calls this hook then too): raising here would lock the
        # counter rows mid-transaction, before the audit chain's lock (a payment's voucher savepoint
        # comes before its audit entry) while an approval takes them in the other order: a deadlock.
        return
    _raise(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("changed", None)
