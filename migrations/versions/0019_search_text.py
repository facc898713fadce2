"""search_text on plans, tasks and member requests: the folded text the search box looks in

Plans: the whole text of their current version (the last snapshot, which every saved change writes);
tasks: title, instructions and result; requests: kind, summary and every answer. Folded by
congdoan/finder/keys.py, the same function the writers call. People are searched on columns already
kept folded (name, group) and their e-mail: no column for them.

Revision ID: 0019_search_text
Revises: 0018_user_sort_key
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_search_text'
down_revision = '0018_user_sort_key'
branch_labels = None
depends_on = None

TABLES = ('plans', 'tasks', 'member_requests')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    from congdoan.finder.reindex import reindex
    reindex(op.get_bind())


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
