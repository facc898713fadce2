"""line weight: a plan line keeps its own weight where it differs from its style's

A first-level numbered item ("1.", "2.") is printed bold by the item style of the template; a plan
imported from a union that writes those items upright keeps them upright ('normal'). '' is the
style's default, so every existing line keeps the look it had.

Revision ID: 0029_line_weight
Revises: 0028_document_kinds
"""
import sqlalchemy as sa
from alembic import op

revision = '0029_line_weight'
down_revision = '0028_document_kinds'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight', sa.String(length=10), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.drop_column('weight')
