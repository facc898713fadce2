"""status versions: plans and tasks carry the integer `version` member_requests already has, raised by
every status change (congdoan/workflow.py), so the three workflows share one concurrency token

Revision ID: 0032_status_versions
Revises: 0031_plan_list_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = '0032_status_versions'
down_revision = '0031_plan_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('plans', 'tasks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
            batch_op.create_check_constraint('version_positive', 'version >= 1')


def downgrade():
    for table in ('tasks', 'plans'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint('version_positive', type_='check')
            batch_op.drop_column('version')
