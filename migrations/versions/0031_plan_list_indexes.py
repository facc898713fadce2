"""plan list indexes: the plan list's page, its filter menus and the search box's task hits read from indexes

The list (newest change first, 30 a page) read every plan row of its kind (wide: a plan's whole text)
and sorted them; its search read them all for their short folded key; its year and author menus read
them all for two small columns. (kind, updated_at, id, status, author_id, search_key) gives the page in
order, stopping after it, with the visibility rule and the search words tested in the index (the count
reads only the index); (kind, year, author_id) answers both menus from the index alone. The search box
reads its task hits newest due date first until its capped count: ix_tasks_due_date becomes (due_date,
id, status), that order exactly (ties on a due date are many: an activity's tasks share it), with no
index more for a task write to keep (docs/speed.md, "Bounds at scale 10").

Revision ID: 0031_plan_list_indexes
Revises: 0030_task_counts
"""
from alembic import op

revision = '0031_plan_list_indexes'
down_revision = '0030_task_counts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_plans_kind_updated_at', 'plans', ['kind', 'updated_at', 'id', 'status', 'author_id',
                                                         'search_key'])
    op.create_index('ix_plans_kind_year_author', 'plans', ['kind', 'year', 'author_id'])
    op.drop_index('ix_tasks_due_date', table_name='tasks')
    op.create_index('ix_tasks_due_date', 'tasks', ['due_date', 'id', 'status'])


def downgrade():
    op.drop_index('ix_tasks_due_date', table_name='tasks')
    op.create_index('ix_tasks_due_date', 'tasks', ['due_date', 'status'])
    op.drop_index('ix_plans_kind_year_author', table_name='plans')
    op.drop_index('ix_plans_kind_updated_at', table_name='plans')
