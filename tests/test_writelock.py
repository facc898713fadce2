"""SQLite's writers take turns on a file lock (congdoan/writelock.py): taken before a transaction's
first write, given back when it ends however it ends, one per process, never on PostgreSQL."""
from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa

from congdoan import writelock
from congdoan.extensions import db
from congdoan.people.models import Group

from .conftest import make_group

fcntl = pytest.importorskip("fcntl")


def _lock_path() -> str | None:
    url = db.engine.url
    return os.path.abspath(url.database) + ".writer-lock" if url.get_backend_name() == "sqlite" else None


def _free(path: str) -> bool:
    """Whether another holder (a descriptor of its own, as another process would have) could take it now."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_write_holds_the_lock_until_its_transaction_ends():
    path = _lock_path()
    if path is None:
        # PostgreSQL: writers queue on row locks; no file lock is ever taken.
        db.session.get(Group, make_group("Tổ Mới").id).set_name("Tổ Đổi Tên")
        db.session.flush()
        assert "changed" in db.session.info and "sqlite_writer_lock" not in db.session.info
        return
    db.session.execute(sa.select(Group.id)).all()                   # reading takes nothing
    assert _free(path)
    group = Group()
    group.set_name("Tổ Mới")
    db.session.add(group)
    db.session.flush()                                              # a flush
    assert not _free(path)
    db.session.commit()
    assert _free(path)
    db.session.execute(sa.update(Group).where(Group.id == group.id).values(name="Tổ Đổi Tên"))   # an UPDATE
    assert not _free(path)
    db.session.rollback()
    assert _free(path)
    db.session.get(Group, group.id).name = "Tổ Khác"
    db.session.flush()
    assert not _free(path)
    db.session.close()                                              # the end of a request
    assert _free(path)


def test_each_process_holds_it_apart(tmp_path):
    lock = writelock.lock_for(str(tmp_path / "x.sqlite"))
    lock.acquire()
    lock.acquire()                                                  # the same thread again: no wait
    lock.release()
    # A forked worker (gunicorn) must not share the parent's descriptor (a lock on a shared one
    # would be shared too): its own is refused while the parent holds the lock...
    pid = os.fork()
    if pid == 0:
        try:
            fcntl.flock(lock._descriptor(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            os._exit(0)
        except BlockingIOError:
            os._exit(3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3
    lock.release()
    # ... and taken once the parent gave it back.
    pid = os.fork()
    if pid == 0:
        try:
            lock.acquire()
            lock.release()
            os._exit(0)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_audit_chain_end_is_read_under_the_lock():
    """An entry that is its transaction's first write reads the chain's end holding the lock, so
    two workers cannot both append after the same entry."""
    from congdoan.audit.service import record, verify_chain
    path = _lock_path()
    group = make_group("Tổ Ghi Nhật Ký")
    reads = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "audit_entries" in statement:
            reads.append(path is None or not _free(path))    # held (PostgreSQL: its advisory lock)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        record("test_entry", group, summary="Ghi thử")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    db.session.commit()
    assert reads == [True]
    assert verify_chain().ok


def test_without_fcntl_it_orders_the_threads_of_one_process(tmp_path, monkeypatch):
    """Where fcntl is missing (not a Unix) the lock is still taken and given back, between threads."""
    monkeypatch.setattr(writelock, "fcntl", None)
    lock = writelock.WriterLock(str(tmp_path / "y.sqlite.writer-lock"))
    lock.acquire()
    lock.acquire()                                                  # the same thread again: no wait
    taken = threading.Event()

    def other():
        lock.acquire()
        taken.set()
        lock.release()

    thread = threading.Thread(target=other)
    thread.start()
    lock.release()
    assert not taken.wait(0.2)                                      # still held once
    lock.release()
    assert taken.wait(5)
    thread.join(5)
    assert not (tmp_path / "y.sqlite.writer-lock").exists()         # no file is opened for it
