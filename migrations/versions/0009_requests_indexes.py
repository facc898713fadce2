"""index member requests for the lists, counts and totals

The full list and the inboxes count the requests a filter selects and add up their approved amounts
on every page: with the status (or kind, or campaign) first and the amount in the index, both are
read from the index alone instead of from 20,000 rows. The status index keeps the id second so a
page of one status is still read in id order, and carries the group and the requester so the
committee's "no usable leader" count reads it alone too; it and the campaign index replace narrower
ones.

Revision ID: 0009_requests_indexes
Revises: 0008_task_assignee_index
Create Date: 2026-11-23 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_requests_indexes'
down_revision = '0008_task_assignee_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_member_requests_status')
        batch_op.drop_index('ix_member_requests_campaign_id')
        batch_op.create_index('ix_member_requests_status',
                              ['status', 'id', 'amount_approved', 'group_id', 'requester_id'], unique=False)
        batch_op.create_index('ix_member_requests_kind', ['kind', 'status', 'amount_approved'], unique=False)
        batch_op.create_index('ix_member_requests_campaign', ['campaign_id', 'status', 'amount_approved'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('member_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_member_requests_campaign')
        batch_op.drop_index('ix_member_requests_kind')
        batch_op.drop_index('ix_member_requests_status')
        batch_op.create_index('ix_member_requests_campaign_id', ['campaign_id'], unique=False)
        batch_op.create_index('ix_member_requests_status', ['status', 'id'], unique=False)
