"""tasks: tasks handed out from approved plans and their history (evidence in stored_files, 0005)

Revision ID: 0007_tasks
Revises: 0006_documents
Create Date: 2026-11-23 04:31:23.776670

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_tasks'
down_revision = '0006_documents'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('assignee', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('period', sa.String(length=100), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('result_note', sa.Text(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(), nullable=False),
    sa.Column('status_changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status != 'done' OR (length(result_note) > 0 AND done_at IS NOT NULL)", name=op.f('ck_tasks_done_has_result')),
    sa.CheckConstraint("status IN ('not_started', 'in_progress', 'done', 'blocked')", name=op.f('ck_tasks_known_status')),
    sa.CheckConstraint('assignee = COALESCE(group_id, 0)', name=op.f('ck_tasks_assignee_matches_group')),
    sa.ForeignKeyConstraint(['activity_id'], ['schedule_activities.id'], name=op.f('fk_tasks_activity_id_schedule_activities'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tasks_created_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_tasks_group_id_groups'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_tasks_plan_id_plans'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['status_changed_by_id'], ['users.id'], name=op.f('fk_tasks_status_changed_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('activity_id', 'assignee', name='uq_tasks_activity_assignee')
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_due_date', ['due_date', 'status'], unique=False)
        batch_op.create_index('ix_tasks_group_status', ['group_id', 'status', 'due_date'], unique=False)
        batch_op.create_index('ix_tasks_plan', ['plan_id', 'due_date'], unique=False)

    op.create_table('task_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind != 'status' OR (from_status IS NOT NULL AND to_status IS NOT NULL)", name=op.f('ck_task_events_status_has_states')),
    sa.CheckConstraint("kind IN ('created', 'status', 'note')", name=op.f('ck_task_events_known_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_task_events_actor_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_task_events_file_id_stored_files'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_events_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_events'))
    )
    with op.batch_alter_table('task_events', schema=None) as batch_op:
        batch_op.create_index('ix_task_events_file', ['file_id'], unique=False)
        batch_op.create_index('ix_task_events_task', ['task_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('task_events', schema=None) as batch_op:
        batch_op.drop_index('ix_task_events_task')
        batch_op.drop_index('ix_task_events_file')

    op.drop_table('task_events')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_plan')
        batch_op.drop_index('ix_tasks_group_status')
        batch_op.drop_index('ix_tasks_due_date')

    op.drop_table('tasks')
