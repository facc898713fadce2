"""plan_seen: which member has opened which issued plan (the home page's "Kế hoạch mới ban hành")

The panel lists the plans issued in the last 30 days a member has not opened: signed_documents by
issued_at (new index) with a NOT EXISTS on plan_seen's primary key (plan_id, user_id).

Revision ID: 0024_plan_seen
Revises: 0023_copy_review_items
"""
import sqlalchemy as sa
from alembic import op

revision = '0024_plan_seen'
down_revision = '0023_copy_review_items'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_seen',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_seen_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plan_seen_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('plan_id', 'user_id', name=op.f('pk_plan_seen')),
    )
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.create_index('ix_signed_documents_issued_at', ['issued_at'], unique=False)


def downgrade():
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_signed_documents_issued_at')
    op.drop_table('plan_seen')
