"""users.sort_key: people listed in Vietnamese alphabetical order, by given name then family names

Lists sorted by the accent-free search key put "Ánh" among "Anh" and "Đức" among the D's
(congdoan/collation.py). Existing names get their key here.

Revision ID: 0018_user_sort_key
Revises: 0017_form_submissions
"""
import sqlalchemy as sa
from alembic import op

from congdoan.collation import name_sort_key

revision = '0018_user_sort_key'
down_revision = '0017_form_submissions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', sa.String(length=255), nullable=False, server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('sort_key', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.full_name)).all()
    for user_id, full_name in rows:
        bind.execute(sa.update(users).where(users.c.id == user_id).values(sort_key=name_sort_key(full_name)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_sort_key', ['sort_key'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_sort_key')
        batch_op.drop_column('sort_key')
