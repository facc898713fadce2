"""plan_lines.label and three levels: each numbering level of a plan keeps its own labels

A plan imported from Word numbers its items "1.", "a)", "1.1" or marks them "-", "+", "•"; the
label column keeps that style for the line ("" = the default: "1." for items, "-"/"+" for bullets),
and items may nest two levels deep (level 0, 1, 2). See congdoan/plans/numbering.py.

Revision ID: 0022_line_labels
Revises: 0021_archived_plans
"""
import sqlalchemy as sa
from alembic import op

revision = '0022_line_labels'
down_revision = '0021_archived_plans'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=8), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('ck_plan_lines_known_level'), type_='check')
        batch_op.create_check_constraint(op.f('ck_plan_lines_known_level'), 'level IN (0, 1, 2)')


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE plan_lines SET level = 1 WHERE level > 1"))
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_plan_lines_known_level'), type_='check')
        batch_op.create_check_constraint(op.f('ck_plan_lines_known_level'), 'level IN (0, 1)')
        batch_op.drop_column('label')
