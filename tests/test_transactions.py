"""How a request's transaction ends (congdoan/transactions.py): with COMMIT when it wrote nothing, so
psycopg keeps its prepared statements; rolled back when it wrote anything it did not commit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.people.models import Group
from congdoan.transactions import end_request

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
    # A failed request that only read is rolled back too.
    assert _ends(app, lambda: db.session.get(Group, group.id), exc=RuntimeError("lỗi")) == ["rollback"]


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


# --- PostgreSQL: a plain read outside a transaction runs on its own ----------------------------------

def test_which_statements_open_a_transaction():
    from congdoan.transactions import needs_transaction
    assert not needs_transaction("SELECT users.id FROM users WHERE users.id = %(pk)s")
    assert not needs_transaction("  select count(*) from tasks")
    assert not needs_transaction("SELECT name FROM groups WHERE note = 'formation'")
    for statement in ("INSERT INTO tasks (title) VALUES (%(t)s)", "UPDATE tasks SET status = 'done'",
                      "DELETE FROM tasks", "SAVEPOINT sa_savepoint_1", "WITH x AS (DELETE FROM t) SELECT 1",
                      "SELECT id FROM tasks WHERE id = 1 FOR UPDATE", "SELECT id FROM tasks FOR NO KEY UPDATE",
                      "SELECT id FROM tasks FOR SHARE", "SELECT pg_advisory_xact_lock(7391001)",
                      "SELECT nextval('tasks_id_seq')", "SELECT * INTO copy FROM tasks"):
        assert needs_transaction(statement), statement


def _statuses(app, work) -> list[tuple[str, str]]:
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


def _postgresql_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("autocommit reads are PostgreSQL's (make test-pg; CI runs it)")


def test_a_page_that_only_reads_opens_no_transaction(client, signed_in, app):
    _postgresql_only(app)
    signed_in(make_user(roles=["chair"]))
    seen = _statuses(app, lambda: [client.get(url) for url in ("/", "/viec/theo-doi", "/ke-hoach/")])
    assert seen and {word for word, _ in seen} == {"SELECT"}
    assert {status for _, status in seen} == {"IDLE"}       # no BEGIN before, no COMMIT needed after


def test_a_write_opens_a_transaction_that_holds_until_commit(app):
    _postgresql_only(app)
    gid = make_group("Tổ Giao Dịch").id

    def work():
        with app.test_request_context("/"):
            db.session.get(Group, gid)                                  # read on its own
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(7391001)"))
            db.session.execute(sa.text("SELECT name FROM groups WHERE id = :id"), {"id": gid})
            db.session.rollback()
            db.session.execute(sa.text("SELECT name FROM groups WHERE id = :id"), {"id": gid})
            db.session.execute(sa.update(Group).where(Group.id == gid).values(name="Tổ Mới"))
            db.session.execute(sa.text("SELECT name FROM groups WHERE id = :id"), {"id": gid})
            db.session.rollback()
            db.session.remove()
    seen = _statuses(app, work)
    # After the lock the transaction holds it (and reads in it); a rollback ends it, and the next
    # read is on its own again; the UPDATE opens one and the read after it sees its write.
    assert [s for _, s in seen[:4]] == ["IDLE", "INTRANS", "INTRANS", "IDLE"]
    assert seen[-2:] == [("UPDATE", "INTRANS"), ("SELECT", "INTRANS")]
    assert set(seen[3:-2]) == {("SELECT", "IDLE")}          # what the ORM reads before its UPDATE
    db.session.expire_all()
    assert db.session.get(Group, gid).name == "Tổ Giao Dịch"             # rolled back, as a transaction


def test_a_streamed_export_reads_in_a_transaction(client, signed_in, app):
    """yield_per uses a server-side cursor, which PostgreSQL only allows in a transaction."""
    _postgresql_only(app)
    signed_in(make_user(roles=["chair"]))
    responses = []
    seen = _statuses(app, lambda: responses.append(client.get("/viec/xuat-excel")))
    assert responses[0].status_code == 200         # outside a transaction: "DECLARE CURSOR can only be used…"
    assert ("SELECT", "INTRANS") in seen


def test_a_connection_asked_for_autocommit_keeps_it(app):
    """VACUUM runs only outside a transaction: a connection set to AUTOCOMMIT is left alone."""
    _postgresql_only(app)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE groups")
        conn.execute(sa.text("SELECT count(*) FROM groups")).scalar()
        conn.exec_driver_sql("VACUUM groups")
