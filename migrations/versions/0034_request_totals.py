"""request totals: how many requests are in each status and the sum of their approved amounts, kept
up to date at write time (congdoan/member_requests/totals.py) for the payment inbox and the
accountant's home panel, counted here once from the existing requests

Revision ID: 0034_request_totals
Revises: 0033_search_fts
"""
import sqlalchemy as sa
from alembic import op

revision = '0034_request_totals'
down_revision = '0033_search_fts'
branch_labels = None
depends_on = None

# Every status a request can have (congdoan/member_requests/states.py): each gets its row, at 0 when
# no request is in it, so that writers only ever add to a row.
STATUSES = ('submitted', 'returned', 'confirmed', 'queried', 'approved', 'refused', 'done', 'withdrawn')


def upgrade():
    totals = op.create_table(
        'request_totals',
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('number', sa.BigInteger(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('status', name=op.f('pk_request_totals')),
    )
    requests = sa.table('member_requests', sa.column('status'), sa.column('amount_approved', sa.BigInteger))
    fresh = {status: (number, amount or 0) for status, number, amount in op.get_bind().execute(
        sa.select(requests.c.status, sa.func.count(), sa.func.coalesce(sa.func.sum(requests.c.amount_approved), 0))
        .group_by(requests.c.status))}
    op.bulk_insert(totals, [{'status': s, 'number': fresh.get(s, (0, 0))[0], 'amount': fresh.get(s, (0, 0))[1]}
                            for s in sorted(set(STATUSES) | set(fresh))])


def downgrade():
    op.drop_table('request_totals')
