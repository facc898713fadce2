"""What counts as a write in a session's transaction, and how a request's transaction ends.

A write is an ORM flush with something to write, or an INSERT, UPDATE or DELETE (or a text()
statement other than a SELECT) executed through the session. The first one in a transaction calls
what `on_first_write` registered (the SQLite writer lock, congdoan/writelock.py) before any of it
reaches the database.

A request that wrote nothing ends its transaction with COMMIT. psycopg prepares a statement on a
connection once it has run five times there, and PostgreSQL then skips planning it: for the
statement that loads the signed-in user, planning takes 1.2 ms and running it 0.3 ms. But psycopg
forgets every prepared statement at ROLLBACK, and a request that only read ended with one (the
session's close), so nothing stayed prepared and every statement of every page was planned afresh.
Committing a transaction that wrote nothing has exactly the effect of rolling it back; a request
that wrote anything it did not commit itself, or that failed, is rolled back as before.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from .extensions import db

_WROTE = "wrote"
_first_write: list[Callable[[Session], None]] = []


def on_first_write(fn: Callable[[Session], None]) -> Callable[[Session], None]:
    """Call fn(session) before the first write of each of a session's transactions."""
    _first_write.append(fn)
    return fn


def _wrote(session: Session) -> None:
    if not session.info.get(_WROTE):
        session.info[_WROTE] = True
        for fn in _first_write:
            fn(session)


def _is_write(state) -> bool:
    if state.is_insert or state.is_update or state.is_delete:
        return True
    statement = state.statement
    return isinstance(statement, TextClause) and not statement.text.lstrip()[:6].upper() == "SELECT"


@event.listens_for(Session, "before_flush", insert=True)
def _before_flush(session: Session, flush_context, instances) -> None:
    if session.new or session.dirty or session.deleted:
        _wrote(session)


@event.listens_for(Session, "do_orm_execute", insert=True)
def _on_execute(state) -> None:
    if _is_write(state):
        _wrote(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def end_request(exc: BaseException | None) -> None:
    """Teardown, before Flask-SQLAlchemy's (which closes the session, rolling back what is left)."""
    session = db.session()
    if (exc is None and session.in_transaction() and not session.info.get(_WROTE)
            and not (session.new or session.dirty or session.deleted)):
        try:
            session.commit()
        except Exception:                    # nothing was written: the rollback that follows is the same
            session.rollback()
