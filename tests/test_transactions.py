"""How a request's transaction ends (congdoan/transactions.py): with COMMIT when it wrote nothing, so
psycopg keeps its prepared statements; rolled back when it wrote anything it did not commit."""
from __future__ import annotations

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
