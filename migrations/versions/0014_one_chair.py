"""offices: at most one chair, enforced by the database

The chair is passed on only by a handover (congdoan/people/offices.py), which moves the one
user_roles row of role 'chair' from the old chair to the new one. A partial unique index on that row
makes a second chair impossible even for two requests at once (PostgreSQL and SQLite both support
partial indexes).

A database that already has several chair rows cannot take the index. Rows of deactivated accounts
are not in office (the committee counts only active accounts) and are dropped first; if two active
accounts still hold the chair the upgrade stops and names them: take the chair from all but one
(e.g. in `flask shell`) and upgrade again.

Revision ID: 0014_one_chair
Revises: 0013_task_event_edited
"""
import sqlalchemy as sa
from alembic import op


revision = '0014_one_chair'
down_revision = '0013_task_event_edited'
branch_labels = None
depends_on = None

CHAIR = sa.text("role = 'chair'")


def upgrade():
    conn = op.get_bind()
    chairs = conn.execute(sa.text(
        "SELECT r.user_id, u.email, u.active FROM user_roles r JOIN users u ON u.id = r.user_id "
        "WHERE r.role = 'chair' ORDER BY r.user_id")).all()
    if len(chairs) > 1:
        conn.execute(sa.text(
            "DELETE FROM user_roles WHERE role = 'chair' AND user_id IN "
            "(SELECT id FROM users WHERE active = :no)"), {"no": False})
        active = [email for _, email, is_active in chairs if is_active]
        if len(active) > 1:
            raise RuntimeError("Có nhiều hơn một Chủ tịch đang hoạt động (" + ", ".join(active) + "): "
                               "hãy chỉ giữ một người giữ chức Chủ tịch rồi chạy lại db upgrade.")
    op.create_index('uq_user_roles_one_chair', 'user_roles', ['role'], unique=True,
                    sqlite_where=CHAIR, postgresql_where=CHAIR)


def downgrade():
    op.drop_index('uq_user_roles_one_chair', table_name='user_roles')
