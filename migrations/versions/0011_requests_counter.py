"""the requests change counter: home-page request counts and open campaigns kept per process

Revision ID: 0011_requests_counter
Revises: 0010_change_counters
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_requests_counter'
down_revision = '0010_change_counters'
branch_labels = None
depends_on = None

counters = sa.table('change_counters', sa.column('name', sa.String), sa.column('value', sa.BigInteger))


def upgrade():
    # The row exists before the first write, so two first writers never race to insert it.
    op.bulk_insert(counters, [{'name': 'requests', 'value': 0}])


def downgrade():
    op.execute(counters.delete().where(counters.c.name == 'requests'))
