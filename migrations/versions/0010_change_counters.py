"""change counters: one number per kind of data, raised by every write to it (congdoan/changes.py)

Revision ID: 0010_change_counters
Revises: 0009_requests_indexes
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_change_counters'
down_revision = '0009_requests_indexes'
branch_labels = None
depends_on = None


def upgrade():
    counters = op.create_table(
        'change_counters',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counters')),
    )
    # The row exists before the first write, so two first writers never race to insert it.
    op.bulk_insert(counters, [{'name': 'tracking', 'value': 0}])


def downgrade():
    op.drop_table('change_counters')
