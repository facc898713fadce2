"""How a request's transaction ends (congdoan/transactions.py): with COMMIT when it wrote nothing, so
psycopg keeps its prepared statements; rolled back when it wrote anything it did not commit. Readers
never wait for a writer; a transaction reads its own writes and holds its locks until it ends."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from congdoan.extensions import db
from congdoan.people.models import Group
from congdoan.transactions import end_request, will_write

from .conftest import make_group, make_user


def _ends(app, work, exc=None) -> list[str]:
    """How the transaction of a request doing `work` ended: ["commit"], ["rollback"]..."""
    ended = []
    listeners = [("commit", lambda conn: ended.append("commit")), ("rollback", lambda conn: ended.append("rollback"))]
    for name, fn in listeners:
        sa.event.listen(db.engine, name, fn)
    try:
        with app.test_request_context("/"):
            work()
            end_request(exc)
            db.session.remove()
    finally:
        for name, fn in listeners:
            sa.event.remove(db.engine, name, fn)
    return ended


def test_a_request_that_only_read_commits(app):
    group = make_group("Tổ Đọc")
    assert _ends(app, lambda: db.session.get(Group, group.id).name) == ["commit"]
    assert _ends(app, lambda: db.session.execute(sa.text("SELECT name FROM groups")).all()) == ["commit"]


def test_a_request_that_wrote_without_committing_is_rolled_back(app):
    group = make_group("Tổ Giữ Tên")

    def flushed():
        db.session.get(Group, group.id).name = "Tổ Đổi Tên"
        db.session.flush()

    def pending():
        db.session.get(Group, group.id).name = "Tổ Đổi Tên"

    def executed():
        db.session.execute(sa.update(Group).where(Group.id == group.id).values(name="Tổ Đổi Tên"))

    def text_statement():
        db.session.execute(sa.text("UPDATE groups SET name = 'Tổ Đổi Tên' WHERE id = :id"), {"id": group.id})

    for work in (flushed, pending, executed, text_statement):
        assert "commit" not in _ends(app, work), work.__name__
        db.session.expire_all()
        assert db.session.get(Group, group.id).name == "Tổ Giữ Tên", work.__name__
    # A failed request that only read is rolled back too (on PostgreSQL its connection, in autocommit,
    # is given back with a second rollback, which psycopg skips: nothing is open).
    assert set(_ends(app, lambda: db.session.get(Group, group.id), exc=RuntimeError("lỗi"))) == {"rollback"}


def test_statements_stay_prepared_across_requests(client, signed_in, app):
    signed_in(make_user(roles=["chair"]))
    db.session.remove()
    db.engine.dispose()                          # one connection from here on (earlier tests may have left more)
    for _ in range(7):
        assert client.get("/viec/theo-doi").status_code == 200
    if db.engine.dialect.name != "postgresql":
        return                                   # SQLite prepares nothing across statements anyway
    db.session.remove()
    prepared = db.session.execute(sa.text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared > 0


# --- Readers never wait for a writer; a transaction reads its own writes and holds its locks ----------

def test_readers_never_wait_for_a_writer(client, signed_in, app):
    """While another transaction holds an uncommitted write (and on SQLite the writer lock), a page
    is served and reads what was committed."""
    signed_in(make_user(roles=["chair"]))
    gid = make_group("Tổ Đang Ghi").id
    db.session.commit()
    writer = Session(db.engine)
    writer.execute(sa.update(Group).where(Group.id == gid).values(name="Tổ Chưa Lưu"))
    read: list = []

    def reader():
        read.append(client.get("/").status_code)
        with app.app_context():
            read.append(db.session.get(Group, gid).name)
    try:
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(10)
        assert read == [200, "Tổ Đang Ghi"]
    finally:
        writer.rollback()
        writer.close()


def test_a_transaction_reads_its_own_write_and_a_rollback_undoes_it(app):
    gid = make_group("Tổ Giao Dịch").id
    db.session.commit()
    with app.test_request_context("/"):
        db.session.execute(sa.update(Group).where(Group.id == gid).values(name="Tổ Mới"))
        assert db.session.execute(sa.text("SELECT name FROM groups WHERE id = :id"), {"id": gid}).scalar() == "Tổ Mới"
        db.session.rollback()
        db.session.remove()
    db.session.expire_all()
    assert db.session.get(Group, gid).name == "Tổ Giao Dịch"


def test_a_transaction_begun_before_a_read_request_context_sees_its_own_writes(app):
    """A test or CLI command that pushes a GET request context (to build links) mid-transaction keeps
    the transaction's connection (on PostgreSQL it does not move to an autocommit one)."""
    gid = make_group("Tổ Trước").id
    db.session.commit()
    db.session.execute(sa.update(Group).where(Group.id == gid).values(name="Tổ Chưa Lưu"))
    with app.test_request_context("/"):
        assert db.session.execute(sa.select(Group.name).where(Group.id == gid)).scalar() == "Tổ Chưa Lưu"
    db.session.rollback()
    assert db.session.get(Group, gid).name == "Tổ Trước"


def _postgresql_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's (make test-pg; CI runs it)")


def test_a_transaction_lock_holds_until_the_transaction_ends(app):
    """The audit chain's advisory lock (congdoan/audit/service.py), taken after will_write even in a GET,
    is held until COMMIT or ROLLBACK."""
    _postgresql_only(app)

    def free() -> bool:
        with db.engine.connect() as other:
            taken = other.execute(sa.text("SELECT pg_try_advisory_xact_lock(7391002)")).scalar()
            other.rollback()
        return taken
    with app.test_request_context("/"):
        will_write(db.session)
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(7391002)"))
        db.session.execute(sa.text("SELECT 1"))
        assert not free()
        db.session.rollback()
        assert free()
        db.session.remove()


def _statuses(work) -> list[tuple[str, str]]:
    """(first word of the statement, the connection's transaction status after it) for each
    statement `work` sends."""
    seen = []

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0].upper(), cursor.connection.info.transaction_status.name))
    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        work()
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", after)
    return seen


def test_a_page_that_only_reads_opens_no_transaction(client, signed_in, app):
    """On PostgreSQL a GET reads in autocommit: no BEGIN before, no COMMIT needed after."""
    _postgresql_only(app)
    signed_in(make_user(roles=["chair"]))
    seen = _statuses(lambda: [client.get(url) for url in ("/", "/viec/theo-doi", "/ke-hoach/")])
    assert seen and {word for word, _ in seen} == {"SELECT"}
    assert {status for _, status in seen} == {"IDLE"}


def test_a_read_request_that_writes_does_so_in_one_transaction(app):
    """A GET's first write (or lock, or SAVEPOINT) leaves autocommit: it and what follows run in one
    transaction, which a rollback undoes whole."""
    _postgresql_only(app)
    gid = make_group("Tổ Một Giao Dịch").id
    db.session.commit()

    def work():
        with app.test_request_context("/"):
            db.session.get(Group, gid)
            db.session.execute(sa.update(Group).where(Group.id == gid).values(name="Tổ Mới"))
            with db.session.begin_nested():
                db.session.execute(sa.update(Group).where(Group.id == gid).values(active=False))
            db.session.rollback()
            db.session.execute(sa.select(Group.name).where(Group.id == gid).with_for_update())
            db.session.rollback()
            db.session.remove()
    seen = _statuses(work)
    assert seen[0] == ("SELECT", "IDLE")
    assert [status for _, status in seen[1:]] == ["INTRANS"] * (len(seen) - 1)
    db.session.expire_all()
    assert db.session.get(Group, gid).name == "Tổ Một Giao Dịch"


def test_a_streamed_export_is_served(client, signed_in, app):
    """yield_per uses a server-side cursor, which PostgreSQL only allows in a transaction."""
    signed_in(make_user(roles=["chair"]))
    assert client.get("/viec/xuat-excel").status_code == 200


def test_a_connection_asked_for_autocommit_keeps_it(app):
    """VACUUM runs only outside a transaction: a connection set to AUTOCOMMIT is left alone."""
    _postgresql_only(app)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE groups")
        conn.execute(sa.text("SELECT count(*) FROM groups")).scalar()
        conn.exec_driver_sql("VACUUM groups")
