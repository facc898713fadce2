"""task history: a line for a correction of a handed-out task (a new due date, new instructions)

The chair and vice chairs may now move a task's due date (with a reason) or change its instructions
(congdoan/tasks/corrections.py); each correction is a task_events line of kind 'edited', which the
known_kind check constraint must allow.

Revision ID: 0013_task_event_edited
Revises: 0012_task_board_index
"""
from alembic import op


revision = '0013_task_event_edited'
down_revision = '0012_task_board_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task_events', schema=None) as batch_op:
        batch_op.drop_constraint('known_kind', type_='check')
        batch_op.create_check_constraint('known_kind', "kind IN ('created', 'status', 'note', 'edited')")


def downgrade():
    op.execute("DELETE FROM task_events WHERE kind = 'edited'")
    with op.batch_alter_table('task_events', schema=None) as batch_op:
        batch_op.drop_constraint('known_kind', type_='check')
        batch_op.create_check_constraint('known_kind', "kind IN ('created', 'status', 'note')")
