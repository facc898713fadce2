"""The schema exists only through migrations, and they agree with the models; the demo seed is
idempotent; the audit chain detects tampering."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from congdoan.audit.models import AuditEntry
from congdoan.audit.service import record, verify_chain
from congdoan.extensions import db
from congdoan.finder.schema import derived
from congdoan.organisation.models import Organisation
from congdoan.people.models import Group, User

from .conftest import make_user


def test_models_and_migrations_agree(app):
    # The search objects no model declares are the migrations' alone, left out as migrations/env.py does.
    def include_name(name, type_, parent_names):
        return not derived(name, type_)

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], diff


def test_app_never_creates_tables_itself():
    import pathlib
    source = "\n".join(p.read_text() for p in pathlib.Path("congdoan").rglob("*.py"))
    assert "create_all(" not in source


def test_seed_demo_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "people=30" in first.output
    counts = (db.session.query(User).count(), db.session.query(Group).count())
    # 30 members, and the two who left during the past school year (congdoan/demo/past_year.py)
    assert counts == (32, 5) and db.session.query(User).filter(User.active.is_(True)).count() == 30
    second = runner.invoke(args=["seed-demo"])
    assert "không thay đổi gì" in second.output
    assert (db.session.query(User).count(), db.session.query(Group).count()) == counts
    committee = [u for u in db.session.query(User) if u.is_committee_member]
    assert len(committee) == 7
    roles = {r.value for u in committee for r in u.stored_roles}
    assert {"chair", "vice_chair", "accountant"} <= roles
    org = db.session.get(Organisation, 1)
    assert org.upper_union == "LĐLĐ QUẬN HẢI AN" and org.place_name == "Thành Tô"
    assert all(g.leader_id for g in db.session.query(Group))


def test_seed_if_empty_leaves_a_real_union_alone(runner):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "không tạo dữ liệu mẫu" in result.output
    assert db.session.query(User).count() == 1


def test_audit_chain_detects_tampering(runner):
    user = make_user()
    for i in range(5):
        record("test_event", user, actor=user, summary=f"Sự kiện {i}", data={"i": i})
    db.session.commit()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "5 bản ghi" in ok.output
    assert verify_chain().ok
    third = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.id).offset(2).limit(1)).scalar_one()
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == third.id).values(summary="Đã bị sửa"))
    db.session.commit()
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert f"#{third.id}" in bad.output and "bị sửa" in bad.output


def test_audit_chain_detects_a_deleted_entry():
    user = make_user()
    for i in range(4):
        record("test_event", user, actor=user, summary=str(i))
    db.session.commit()
    ids = [e.id for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == ids[1]))
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.bad_id == ids[2]


def test_create_admin_command(runner):
    result = runner.invoke(args=["create-admin", "--email", "Admin@ThanhTo.demo", "--name", "Quản Trị",
                                 "--password", "mot-mat-khau-dai"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(sa.select(User)).scalar_one()
    assert user.email == "admin@thanhto.demo" and user.check_password("mot-mat-khau-dai")
    bad = runner.invoke(args=["create-admin", "--email", "x", "--name", "", "--password", "ngan"])
    assert bad.exit_code != 0 and "Email không hợp lệ" in bad.output


def test_running_the_migrations_leaves_foreign_keys_on_for_the_app(app):
    """migrations/env.py turns SQLite's foreign keys off while batch migrations recreate tables; the
    connection then goes back to the app's pool. Left off, the app would serve requests on it with no
    foreign key checked (a plan with tasks deleted, orphans written): the next tests that borrowed it
    saw deletes that should have been refused."""
    from flask_migrate import upgrade
    if db.engine.dialect.name != "sqlite":
        return                      # PostgreSQL always checks its foreign keys
    db.session.remove()
    upgrade()                       # at head: nothing to run, but env.py connects all the same
    connections = [db.engine.connect() for _ in range(db.engine.pool.size())]
    try:
        assert [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in connections] == [1] * len(connections)
    finally:
        for c in connections:
            c.close()
