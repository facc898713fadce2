"""request_payments: a paid request records its payment date, voucher number (phiếu chi) and receiver

One row per paid request; (voucher_year, voucher_seq) is unique: one voucher sequence per calendar
year of the payment date. Requests paid before this migration get a record: the date they were marked
paid (Vietnam time), numbers given in the order they were paid within each year, the requester as the
receiver, recorded by whoever marked them paid.

Revision ID: 0026_request_payments
Revises: 0025_search_text
"""
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0026_request_payments'
down_revision = '0025_search_text'
branch_labels = None
depends_on = None

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def upgrade():
    op.create_table(
        'request_payments',
        sa.Column('request_id', sa.Integer(), nullable=False, autoincrement=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('voucher_year', sa.Integer(), nullable=False),
        sa.Column('voucher_seq', sa.Integer(), nullable=False),
        sa.Column('receiver', sa.String(length=200), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('corrected_by_id', sa.Integer(), nullable=True),
        sa.Column('corrected_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('voucher_seq >= 1', name=op.f('ck_request_payments_voucher_seq_positive')),
        sa.ForeignKeyConstraint(['request_id'], ['member_requests.id'], name=op.f('fk_request_payments_request_id_member_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_request_payments_recorded_by_id_users'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'], name=op.f('fk_request_payments_corrected_by_id_users'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('request_id', name=op.f('pk_request_payments')),
        sa.UniqueConstraint('voucher_year', 'voucher_seq', name='uq_request_payments_voucher'),
    )
    with op.batch_alter_table('request_payments', schema=None) as batch_op:
        batch_op.create_index('ix_request_payments_paid_on', ['paid_on'], unique=False)

    requests = sa.table('member_requests', sa.column('id', sa.Integer), sa.column('requester_id', sa.Integer),
                        sa.column('paid_at', sa.DateTime), sa.column('paid_by_id', sa.Integer))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String))
    payments = sa.table('request_payments', *(sa.column(c) for c in (
        'request_id', 'paid_on', 'voucher_year', 'voucher_seq', 'receiver', 'note', 'recorded_by_id',
        'recorded_at', 'version')))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(requests.c.id, requests.c.paid_at, requests.c.paid_by_id, users.c.full_name)
        .join(users, users.c.id == requests.c.requester_id)
        .where(requests.c.paid_at.is_not(None)).order_by(requests.c.paid_at, requests.c.id)).all()
    seqs: dict[int, int] = {}
    values = []
    for request_id, paid_at, paid_by_id, full_name in rows:
        paid_on = paid_at.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TZ).date()
        seqs[paid_on.year] = seqs.get(paid_on.year, 0) + 1
        values.append({'request_id': request_id, 'paid_on': paid_on, 'voucher_year': paid_on.year,
                       'voucher_seq': seqs[paid_on.year], 'receiver': full_name[:200], 'note': '',
                       'recorded_by_id': paid_by_id, 'recorded_at': paid_at, 'version': 1})
    if values:
        bind.execute(payments.insert(), values)


def downgrade():
    with op.batch_alter_table('request_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_request_payments_paid_on')
    op.drop_table('request_payments')
