"""Where a session's transactions begin, what counts as a write in one, and how a request's transaction ends.

A write is an ORM flush with something to write, or an INSERT, UPDATE or DELETE (or a text()
statement other than a SELECT) executed through the session, or what `will_write` announces (the
audit chain's lock). The first one in a transaction calls what `on_first_write` registered (the
SQLite writer lock, congdoan/writelock.py) before any of it reaches the database.

A request that wrote nothing ends its transaction with COMMIT. psycopg prepares a statement on a
connection once it has run five times there, and PostgreSQL then skips planning it: for the
statement that loads the signed-in user, planning takes 1.2 ms and running it 0.3 ms. But psycopg
forgets every prepared statement at ROLLBACK, and a request that only read ended with one (the
session's close), so nothing stayed prepared and every statement of every page was planned afresh.
Committing a transaction that wrote nothing has exactly the effect of rolling it back; a request
that wrote anything it did not commit itself, or that failed, is rolled back as before.

PostgreSQL: a request with a safe method (GET, HEAD, OPTIONS) reads on a connection in AUTOCOMMIT,
SQLAlchemy's isolation level for the driver's own autocommit (`RequestSession`). psycopg
opens a transaction with a BEGIN of its own, a round trip before the first statement, and a
request that only reads then ends with a COMMIT, another: the tracking dashboard, served from what
the process kept, made three round trips for its one statement. Under READ COMMITTED, PostgreSQL's
default, each statement of a transaction reads its own snapshot anyway, so a SELECT sees the same
outside one. Such a request's first write, SAVEPOINT, SELECT … FOR UPDATE or streamed read
(yield_per, a server-side cursor) first leaves autocommit (psycopg's `autocommit` attribute), so it
runs in a transaction that lasts until COMMIT or ROLLBACK: what a transaction reads after its first
write, or after a lock, is read in it. Every other request, CLI command and the worker run in
ordinary transactions from their first statement.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_WROTE = "wrote"
_first_write: list[Callable[[Session], None]] = []


def on_first_write(fn: Callable[[Session], None]) -> Callable[[Session], None]:
    """Call fn(session) before the first write of each of a session's transactions."""
    _first_write.append(fn)
    return fn


def will_write(session: Session) -> None:
    """The session's transaction is about to write: take now what its first write takes (the writer
    lock on SQLite, a transaction on PostgreSQL), e.g. before reading what the write depends on."""
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
        will_write(session)


def _needs_transaction(state) -> bool:
    """A SELECT that locks rows, or one read through a server-side cursor (yield_per)."""
    options = state.execution_options
    return (getattr(state.statement, "_for_update_arg", None) is not None
            or bool(options.get("yield_per") or options.get("stream_results")))


@event.listens_for(Session, "do_orm_execute", insert=True)
def _on_execute(state) -> None:
    if _is_write(state):
        will_write(state.session)
    elif _needs_transaction(state):
        _leave_autocommit(state.session.connection())


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(_READS_ON_AUTOCOMMIT, None)


def end_request(exc: BaseException | None) -> None:
    """Teardown, before Flask-SQLAlchemy's (which closes the session, rolling back what is left)."""
    from .extensions import db
    session = db.session()
    if (exc is None and session.in_transaction() and not session.info.get(_WROTE)
            and not (session.new or session.dirty or session.deleted)):
        try:
            session.commit()
        except Exception:                    # nothing was written: the rollback that follows is the same
            session.rollback()


# --- PostgreSQL: a request with a safe method reads in autocommit -----------------------------------

_autocommit_engines: dict[Engine, Engine] = {}
_READS_ON_AUTOCOMMIT = "reads_on_autocommit"


def _safe_request() -> bool:
    return has_request_context() and request.method in SAFE_METHODS


@event.listens_for(Session, "after_transaction_create")
def _decide_reads(session: Session, transaction) -> None:
    """Whether a transaction reads in autocommit is decided where it begins, once: one that began
    before a safe-method request context was pushed (a test, a CLI command building links) keeps its
    connection, and sees its own writes."""
    if transaction.parent is None:
        session.info[_READS_ON_AUTOCOMMIT] = _safe_request()


class RequestSession(FlaskSession):
    """Flask-SQLAlchemy's session (db.session): a transaction that begins in a safe-method request on
    PostgreSQL runs on the same engine (same pool) with isolation_level="AUTOCOMMIT", and SQLAlchemy
    gives each connection back to the pool as it was (see the module's docstring)."""

    def get_bind(self, *args, **kwargs):
        bind = super().get_bind(*args, **kwargs)
        # Asked before the transaction begins too (the engine it will begin on).
        reads = self.info.get(_READS_ON_AUTOCOMMIT) if self.in_transaction() else _safe_request()
        if not reads or not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
            return bind
        autocommit = _autocommit_engines.get(bind)
        if autocommit is None:
            autocommit = _autocommit_engines[bind] = bind.execution_options(isolation_level="AUTOCOMMIT")
        return autocommit


def _leave_autocommit(connection: Connection) -> None:
    """From the next statement on, the connection runs in a transaction (psycopg sends BEGIN first);
    SQLAlchemy's COMMIT or ROLLBACK ends it, and the pool resets the connection as it was."""
    if connection.dialect.name == "postgresql":
        raw = connection.connection.dbapi_connection
        if raw.autocommit:
            raw.autocommit = False


@on_first_write
def _transaction_for_writes(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        _leave_autocommit(session.connection())


@event.listens_for(Engine, "savepoint")
def _transaction_for_savepoints(conn: Connection, name) -> None:
    """A SAVEPOINT (begin_nested) lives in a transaction."""
    _leave_autocommit(conn)
