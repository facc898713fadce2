"""search_text on plans, tasks and member requests: the folded text the search box looks in

Plans: the whole text of their current version (the last snapshot, which every saved change writes);
tasks: title, instructions and result; requests: kind, summary and every answer. Folded by
congdoan/finder/keys.py, the same function the writers call. People are searched on columns already
kept folded (name, group) and their e-mail: no column for them.

On PostgreSQL each column gets a trigram GIN index (pg_trgm, a trusted extension the database owner may
create): LIKE '% word%' then reads only the rows that hold the word. Where the extension cannot be
created the search works the same, reading every row; SQLite gets an empty stand-in
(congdoan/finder/schema.py).

Revision ID: 0025_search_text
Revises: 0024_plan_seen
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0025_search_text'
down_revision = '0024_plan_seen'
branch_labels = None
depends_on = None

TABLES = ('plans', 'tasks', 'member_requests')


def _trigrams_available(bind) -> bool:
    if bind.dialect.name != 'postgresql':
        return True
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
        return True
    except sa.exc.DBAPIError as exc:
        logging.getLogger('alembic').warning('pg_trgm unavailable, search without an index: %s', exc.orig)
        return False


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    from congdoan.finder.reindex import reindex
    bind = op.get_bind()
    reindex(bind)
    if _trigrams_available(bind):
        for table in TABLES:
            op.create_index(f'ix_{table}_search_text', table, ['search_text'], unique=False,
                            postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'},
                            sqlite_where=sa.text('0'))


def downgrade():
    bind = op.get_bind()
    for table in TABLES:
        if bind.dialect.name != 'postgresql' or sa.inspect(bind).has_index(table, f'ix_{table}_search_text'):
            op.drop_index(f'ix_{table}_search_text', table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
