"""SQLite: the writers of every worker process take turns on a file lock the kernel hands over at once.

SQLite lets one connection write at a time. The others wait in its busy handler, which sleeps 1, 2,
5 ... up to 100 ms between tries, so under 20 simultaneous status changes a waiter often sleeps
through several writers' turns: a 7 ms request had a p99 of 537 ms. Here a session's transaction
takes an exclusive lock on a file beside the database before its first write and keeps it until the
transaction ends. Waiters block in flock() and the kernel wakes the next one as soon as the lock is
free; SQLite's own write lock is then free whenever a writer asks for it, and readers never wait. A
long write (an import of the whole membership) makes the others wait for it rather than fail after
SQLite's 5 s busy timeout.

Why not SQLAlchemy's documented pysqlite recipe (the driver's isolation_level=None and a "begin"
event emitting BEGIN, or BEGIN IMMEDIATE for a transaction that will write; issue 18): it was measured
against this lock on the same machine, back to back, BEGIN IMMEDIATE for every transaction outside a
GET request. BEGIN IMMEDIATE still waits in SQLite's busy handler, so the 20 concurrent status changes
(bench.run, 2 runs each) had a p99 of 4,876 / 4,927 ms against 2,616 / 2,417 ms here and a p95 of
2,672 / 2,705 against 2,312 / 2,028 ms, for the same throughput (the machine was heavily shared, so
every figure is slow; docs/speed.md, "Transactions: the documented mechanisms"). And a transaction
outside a request that only reads (a test, a CLI command) held SQLite's write lock for as long as it
lasted, which made concurrent requests fail with "database is locked".

Only writes through a Session take it (every write of the app does; what counts as one is decided
in congdoan/transactions.py). Migrations and bulk loads meet SQLite's busy handler as before.
PostgreSQL needs none of this: its writers queue on row locks. Where fcntl is missing (not a Unix),
the lock orders the threads of one process only and other processes meet SQLite's busy handler.
"""
from __future__ import annotations

import os
import threading

try:
    import fcntl
except ImportError:                      # not a Unix: the lock orders the threads of one process only
    fcntl = None

from sqlalchemy import event
from sqlalchemy.orm import Session

from .transactions import on_first_write

_KEY = "sqlite_writer_lock"


class WriterLock:
    """An exclusive lock across processes (flock) and across threads of one process (RLock): the
    same thread may take it again (two sessions of one request) without waiting on itself."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid: int | None = None
        self._thread_lock = threading.RLock()
        self._depth = 0

    def acquire(self) -> None:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                # Blocks without using the CPU: the kernel wakes a waiter when the lock is given back.
                # Polling instead (as SQLite's busy handler does) took CPU from the writer holding
                # it on a machine with fewer cores than workers. A writer stuck for longer than
                # gunicorn's worker timeout is restarted, which gives the lock back.
                if fcntl is not None:
                    fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and fcntl is not None:
                fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def _descriptor(self) -> int:
        # A forked worker opens its own descriptor: flock on one inherited from the parent would be
        # shared by every worker, and exclude none of them.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


_locks: dict[str, WriterLock] = {}
_guard = threading.Lock()


def _reset_after_fork() -> None:
    global _guard
    _guard = threading.Lock()
    for lock in _locks.values():
        # The child's copy of the parent's descriptor would keep the parent's lock alive after the
        # parent gave it back or ended: close it; the child opens its own when it writes.
        if lock._fd is not None:
            os.close(lock._fd)
            lock._fd = None
        lock._thread_lock = threading.RLock()
        lock._depth = 0


if hasattr(os, "register_at_fork"):     # Unix only, as fork is
    os.register_at_fork(after_in_child=_reset_after_fork)


def lock_for(database: str) -> WriterLock:
    with _guard:
        lock = _locks.get(database)
        if lock is None:
            lock = _locks[database] = WriterLock(database + ".writer-lock")
        return lock


@on_first_write
def take(session: Session) -> None:
    """Take the writer lock for this session's transaction now (SQLite file databases; else nothing).
    Called before each transaction's first write (congdoan/transactions.py)."""
    if _KEY in session.info:
        return
    bind = session.get_bind()
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    lock = lock_for(os.path.abspath(database))
    # In a transaction first: its end (commit, rollback, close) is what gives the lock back.
    session.connection()
    lock.acquire()
    session.info[_KEY] = lock


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        lock = session.info.pop(_KEY, None)
        if lock is not None:
            lock.release()
