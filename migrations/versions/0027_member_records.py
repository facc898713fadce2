"""member records: gender, date of birth, the dates a member joined and left the union, why they left

What the year-end report counts (members at the start and the end of a period, joined and left,
women). Existing accounts get NULLs: not given, and a member since before the records began. An
inactive account keeps left_on NULL: it was switched off, not recorded as leaving.

Revision ID: 0027_member_records
Revises: 0026_request_payments
"""
import sqlalchemy as sa
from alembic import op

revision = '0027_member_records'
down_revision = '0026_request_payments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('joined_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_reason', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index('ix_users_left_on', ['left_on'], unique=False)
        batch_op.create_check_constraint('known_gender', "gender IS NULL OR gender IN ('male', 'female')")
        batch_op.create_check_constraint('left_after_joined',
                                         'left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('left_after_joined', type_='check')
        batch_op.drop_constraint('known_gender', type_='check')
        batch_op.drop_index('ix_users_left_on')
        for column in ('left_reason', 'left_on', 'joined_on', 'birth_date', 'gender'):
            batch_op.drop_column(column)
