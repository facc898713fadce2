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

On PostgreSQL, reads outside a transaction run on their own (`read_outside_transactions`). psycopg
opens a transaction with a BEGIN of its own, a round trip before the first statement, and a
request that only reads then ends with a COMMIT, another: the tracking dashboard, served from what
the process kept, made three round trips for its one statement. Under READ COMMITTED, PostgreSQL's
default, each statement of a transaction reads its own snapshot anyway, so a SELECT sees the same
outside one. Any other statement (a write, SAVEPOINT, a SELECT that locks rows or takes an
advisory lock, a server-side cursor) first opens a transaction, which lasts until COMMIT or
ROLLBACK as before: what a transaction reads after its first write, or after a lock, is read in it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine
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


def wrote(session: Session) -> bool:
    """Whether the session's current transaction has written (flushed or executed a write)."""
    return bool(session.info.get(_WROTE))


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


# --- PostgreSQL: a plain read outside a transaction runs on its own --------------------------------

_LOCKS_OR_CHANGES = re.compile(
    r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\bpg_advisory_xact_lock|\bnextval\s*\(|\bINTO\b",
    re.IGNORECASE)


@lru_cache(maxsize=2048)
def needs_transaction(statement: str) -> bool:
    """Everything but a plain SELECT: one that locks, takes a transaction's advisory lock, draws a
    sequence value or creates a table (SELECT … INTO) opens a transaction too. (WITH is counted as
    a write: its parts may write.)"""
    return statement.lstrip()[:6].upper() != "SELECT" or _LOCKS_OR_CHANGES.search(statement) is not None


def _asked_autocommit(conn) -> bool:
    """A connection given isolation_level="AUTOCOMMIT" (VACUUM, CREATE DATABASE) keeps it."""
    return conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def read_outside_transactions(engine: Engine) -> None:
    """Between transactions, a psycopg connection is in autocommit for a plain SELECT and leaves it
    before any other statement (see the module's docstring). Nothing changes inside a transaction."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    from psycopg import ServerCursor
    from psycopg.pq import TransactionStatus
    idle = TransactionStatus.IDLE

    @event.listens_for(engine, "before_cursor_execute")
    def _autocommit_when_reading(conn, cursor, statement, parameters, context, executemany):
        raw = cursor.connection
        if raw.info.transaction_status == idle and not _asked_autocommit(conn):
            # A server-side cursor (yield_per) lives in a transaction.
            alone = not needs_transaction(statement) and not isinstance(cursor, ServerCursor)
            if raw.autocommit != alone:
                raw.autocommit = alone
