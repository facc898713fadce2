"""task counts: the tracking pages' counts per plan, per assignee and for the whole union, kept up to
date at write time (congdoan/tasks/counts.py), counted here once from the existing tasks; and two
indexes on plans the tracking overview reads in order (congdoan/tasks/models.py)

Revision ID: 0030_task_counts
Revises: 0029_line_weight
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0030_task_counts'
down_revision = '0029_line_weight'
branch_labels = None
depends_on = None


def upgrade():
    counts = op.create_table(
        'task_counts',
        sa.Column('scope', sa.String(length=1), nullable=False),
        sa.Column('key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('in_progress', sa.Integer(), nullable=False),
        sa.Column('blocked', sa.Integer(), nullable=False),
        sa.Column('not_started', sa.Integer(), nullable=False),
        sa.Column('overdue', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=True),
        sa.Column('plan_rows', sa.Integer(), nullable=True),
        sa.Column('assignee_rows', sa.Integer(), nullable=True),
        sa.CheckConstraint("scope IN ('p', 'a', 'u')", name=op.f('ck_task_counts_known_scope')),
        sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_task_counts')),
    )
    op.create_index('ix_task_counts_attention', 'task_counts', ['scope', 'overdue'], unique=False)
    op.create_index('ix_plans_year_id', 'plans', ['year', 'id'], unique=False)
    op.create_index('ix_plans_status_updated_at', 'plans', ['status', 'updated_at'], unique=False)
    _count(op.get_bind(), counts)


def _count(bind, counts) -> None:
    """Every existing task counted, overdue as of today in the union's time zone (as the app counts)."""
    from congdoan.dates import local_today
    today = local_today()
    tasks = sa.table('tasks', sa.column('plan_id'), sa.column('assignee'), sa.column('status'), sa.column('due_date'))

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
    columns = [sa.func.count(), count_if(tasks.c.status == 'done'), count_if(tasks.c.status == 'in_progress'),
               count_if(tasks.c.status == 'blocked'), count_if(tasks.c.status == 'not_started'),
               count_if(sa.and_(tasks.c.status != 'done', tasks.c.due_date < today))]
    names = ('total', 'done', 'in_progress', 'blocked', 'not_started', 'overdue')
    rows = []
    for scope, column in (('p', tasks.c.plan_id), ('a', tasks.c.assignee)):
        for r in bind.execute(sa.select(column, *columns).group_by(column)):
            rows.append({'scope': scope, 'key': r[0], 'as_of': None, 'plan_rows': None, 'assignee_rows': None,
                         **dict(zip(names, r[1:]))})
    if not rows:
        return                  # no task yet: the first writer makes the union's row (an empty database stays empty)
    total = bind.execute(sa.select(*columns).select_from(tasks)).one()
    rows.append({'scope': 'u', 'key': 0, 'as_of': today, 'plan_rows': sum(r['scope'] == 'p' for r in rows),
                 'assignee_rows': sum(r['scope'] == 'a' for r in rows), **dict(zip(names, total))})
    op.bulk_insert(counts, rows)


def downgrade():
    op.drop_index('ix_plans_status_updated_at', table_name='plans')
    op.drop_index('ix_plans_year_id', table_name='plans')
    op.drop_index('ix_task_counts_attention', table_name='task_counts')
    op.drop_table('task_counts')
