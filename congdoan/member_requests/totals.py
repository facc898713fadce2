"""The number of requests in each status and the sum of their approved amounts, kept up to date at
write time in `request_totals` (one row per status).

The payment inbox and the accountant's home panel show how many requests wait for payment and the
sum approved for them: every approved request of the union. They read one row here instead of
counting and adding up the approved requests, so what they cost does not grow with the union.

Writing. Every write that creates or deletes a request, or changes its status or approved amount,
notes in the session what moved (a status left with its amount, a status entered with its amount):
- an ORM flush that adds, deletes or changes a request (seen here, before the flush, from the
  objects' histories: the status and amount they had and have; when the old values were never
  loaded, from the row itself, read by its primary key before the flush writes it);
- workflow.apply, the one status writer after insert: its guarded UPDATE (congdoan/workflow.py
  write_status) carries the execution option `request_totals`, and apply notes the move once the
  UPDATE has matched its row;
- any other INSERT, UPDATE or DELETE of member_requests through the session (a script, a bulk write)
  notes "everything": the rows are counted again at commit (correct, only slower). An UPDATE whose
  values leave status and amount alone (the search texts) moves nothing.
A note belongs to the transaction or savepoint it was made in: a savepoint rolled back takes its
notes with it (a savepoint released keeps them for the commit). At the commit, in the same transaction, the notes are added up per status and written,
in status order (writers lock the rows in one order: no deadlock), as `UPDATE request_totals SET
number = number + :d, amount = amount + :d`: the database adds, so concurrent writers never lose an
increment (on PostgreSQL the second waits for the first's row lock, then adds to what it committed;
SQLite has one writer at a time).

Writes that bypass the session (the bench's bulk load, a restore by hand) are repaired by `flask
requests recount` (`rebuild()`); `check()` compares the rows with a fresh COUNT(*) GROUP BY status.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from ..extensions import db
from ..money import fmt_vnd
from .models import MemberRequest, RequestTotal
from .states import Status

T = RequestTotal.__table__
R = MemberRequest
OPTION = "request_totals"          # the execution option of an UPDATE whose caller notes the move
_NOTES = "request_totals"          # session.info key: [(transaction, status or None, d_number, d_amount)]
_COUNTED = frozenset({"status", "amount_approved"})
_UNKNOWN = object()


@dataclass(frozen=True)
class Totals:
    number: int = 0
    amount: int = 0


# --- reading ------------------------------------------------------------------------------------------

@functools.cache
def _sums() -> sa.Select:
    states = sa.bindparam("states", expanding=True)
    return sa.select(sa.func.coalesce(sa.func.sum(T.c.number), 0),
                     sa.func.coalesce(sa.func.sum(T.c.amount), 0)).where(T.c.status.in_(states))


def read(*states: Status | str) -> Totals:
    """How many requests are in these states and the sum of their approved amounts: one primary-key
    read per state, in one statement."""
    number, amount = db.session.execute(_sums(), {"states": [getattr(s, "value", s) for s in states]}).one()
    return Totals(int(number or 0), int(amount or 0))


def listed(states, counted) -> Totals:
    """How many requests are in `states` and the sum approved among those also in `counted` (a list's
    header: approved or paid): one statement."""
    states, counted = [getattr(s, "value", s) for s in states], [getattr(s, "value", s) for s in counted]
    amount = sa.case((T.c.status.in_(counted), T.c.amount), else_=0)
    number, amount = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(T.c.number), 0),
                                                  sa.func.coalesce(sa.func.sum(amount), 0))
                                        .where(T.c.status.in_(states))).one()
    return Totals(int(number or 0), int(amount or 0))


def number_in(*states: Status | str):
    """A scalar subquery: how many requests are in these states (to read with other counts at once)."""
    return (sa.select(sa.func.coalesce(sa.func.sum(T.c.number), 0))
            .where(T.c.status.in_([getattr(s, "value", s) for s in states])).scalar_subquery())


# --- writing ------------------------------------------------------------------------------------------

def _note(session: Session, status: str | None, number: int, amount: int) -> None:
    if isinstance(session, scoped_session):
        session = session()                    # db.session: this thread's Session
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_NOTES, []).append((transaction, status, number, amount))


def moved(session: Session, old_status: str | None, old_amount: int | None,
          new_status: str | None, new_amount: int | None) -> None:
    """Note that a request left `old_status` (None: it is new) with `old_amount` and is now in
    `new_status` (None: it is deleted) with `new_amount`; written when the transaction commits."""
    if old_status == new_status and (old_amount or 0) == (new_amount or 0):
        return
    if old_status is not None:
        _note(session, old_status, -1, -(old_amount or 0))
    if new_status is not None:
        _note(session, new_status, 1, new_amount or 0)


def everything(session: Session) -> None:
    """Note a write whose moves are not known: every row is counted again at commit."""
    _note(session, None, 0, 0)


def _old(state, key: str):
    """The value the row has in the database before this flush, as the session knows it, or _UNKNOWN
    (expired, or set without the old value ever loaded)."""
    history = state.attrs[key].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return _UNKNOWN                        # expired, or set without the old value loaded


def _stored(session: Session, state) -> tuple[str, int | None]:
    """The status and amount the request's row has now, before this flush writes it (one primary-key
    read, past the session: no autoflush)."""
    row = session.connection().execute(sa.select(R.status, R.amount_approved)
                                       .where(R.id == state.identity[0])).one()
    return row[0], row[1]


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    for req in session.new:
        if isinstance(req, MemberRequest):
            moved(session, None, None, req.status, req.amount_approved)
    for req in session.deleted:
        if isinstance(req, MemberRequest):
            state = sa.inspect(req)
            status, amount = _old(state, "status"), _old(state, "amount_approved")
            if _UNKNOWN in (status, amount):
                status, amount = _stored(session, state)
            moved(session, status, amount, None, None)
    for req in session.dirty:
        if isinstance(req, MemberRequest):
            state = sa.inspect(req)
            if not any(state.attrs[key].history.has_changes() for key in _COUNTED):
                continue                           # a summary, a note: nothing counted moves
            status, amount = _old(state, "status"), _old(state, "amount_approved")
            if _UNKNOWN in (status, amount):
                status, amount = _stored(session, state)   # set without the old value loaded
            moved(session, status, amount, req.status, req.amount_approved)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != "member_requests" or state.execution_options.get(OPTION):
        return                                     # another table, or a caller that notes the move
    if state.is_update:
        values = getattr(state.statement, "_values", None)   # what .values() set (SQLAlchemy 2)
        if values and _COUNTED.isdisjoint(getattr(c, "key", c) for c in values):
            return                                 # e.g. the search texts rebuilt: nothing counted moves
    everything(state.session)


def _within(transaction, ended) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    """A savepoint (or the transaction) rolled back: the notes made inside it go with it."""
    notes = session.info.get(_NOTES)
    if notes:
        session.info[_NOTES] = [n for n in notes if not _within(n[0], previous_transaction)]


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return                                 # a savepoint released: its notes wait for the commit
    if session.new or session.dirty or session.deleted:
        session.flush()                        # the commit's own flush would come after this hook
    notes = session.info.pop(_NOTES, None)
    if notes:
        apply(session.connection(), [n[1:] for n in notes])


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_NOTES, None)


@functools.cache
def _add() -> sa.Update:
    """The one write of the path: a status's row moved by the database itself (built once)."""
    return (T.update().where(T.c.status == sa.bindparam("b_status"))
            .values(number=T.c.number + sa.bindparam("d_number", type_=sa.BigInteger),
                    amount=T.c.amount + sa.bindparam("d_amount", type_=sa.BigInteger)))


def _insert_ignore(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(T).on_conflict_do_nothing()


def apply(conn, notes) -> None:
    """Write these (status, d_number, d_amount) notes in the caller's transaction: each status's sum
    added by the database, in status order; a status of None (a write whose moves are not known)
    counts every row again instead."""
    if any(status is None for status, _, _ in notes):
        rebuild(conn)
        return
    sums: dict[str, list[int]] = {}
    for status, number, amount in notes:
        total = sums.setdefault(status, [0, 0])
        total[0] += number
        total[1] += amount
    for status in sorted(sums):
        number, amount = sums[status]
        if number == 0 and amount == 0:
            continue
        values = {"b_status": status, "d_number": number, "d_amount": amount}
        if conn.execute(_add(), values).rowcount == 0:
            # A status with no row yet (rows are made for every status by the migration and by a
            # recount; a new status would have none): made at 0, then added to as any writer does.
            conn.execute(_insert_ignore(conn).values(status=status, number=0, amount=0))
            conn.execute(_add(), values)


def _fresh(conn) -> dict[str, Totals]:
    """Every status's row as a COUNT(*) GROUP BY status over the requests would make it now."""
    rows = conn.execute(sa.select(R.status, sa.func.count(), sa.func.coalesce(sa.func.sum(R.amount_approved), 0))
                        .group_by(R.status))
    return {status: Totals(int(number), int(amount or 0)) for status, number, amount in rows}


def rebuild(conn) -> int:
    """Every row counted afresh from the requests, in the caller's transaction; returns the rows kept
    (one per status). On PostgreSQL the table is locked first against the writers' additions (theirs
    wait, then add to the fresh rows; those already made wait to be committed and are counted)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("LOCK TABLE request_totals IN SHARE ROW EXCLUSIVE MODE"))
    fresh = _fresh(conn)
    conn.execute(T.delete())
    statuses = sorted({s.value for s in Status} | set(fresh))
    conn.execute(T.insert(), [{"status": s, "number": fresh.get(s, Totals()).number,
                               "amount": fresh.get(s, Totals()).amount} for s in statuses])
    return len(statuses)


def check(conn) -> list[str]:
    """The statuses whose row differs from a fresh count (as Vietnamese lines), none when they agree."""
    fresh = _fresh(conn)
    stored = {status: Totals(int(number), int(amount)) for status, number, amount
              in conn.execute(sa.select(T.c.status, T.c.number, T.c.amount))}
    problems = []
    for status in sorted(set(fresh) | set(stored)):
        want, have = fresh.get(status, Totals()), stored.get(status, Totals())
        if want != have:
            problems.append(f"{_label(status)}: đang lưu {_said(have)}; đếm lại được {_said(want)}.")
    return problems


def _label(status: str) -> str:
    try:
        return f"Trạng thái “{Status(status).label}”"
    except ValueError:
        return f"Trạng thái “{status}”"


def _said(totals: Totals) -> str:
    return f"{totals.number} đề xuất, {fmt_vnd(totals.amount)} đã duyệt"
