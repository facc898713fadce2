"""copy_review_items: the lines a copy to another year could not settle, until the author has gone through them

Revision ID: 0023_copy_review_items
Revises: 0022_line_labels
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_copy_review_items'
down_revision = '0022_line_labels'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'copy_review_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('part_kind', sa.String(length=20), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('findings', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolution', sa.String(length=10), nullable=True),
        sa.CheckConstraint("part_kind IN ('header', 'opening', 'basis', 'section', 'line', 'row', 'activity')",
                           name=op.f('ck_copy_review_items_known_part_kind')),
        sa.CheckConstraint("resolution IS NULL OR resolution IN ('edited', 'kept', 'deleted')",
                           name=op.f('ck_copy_review_items_known_resolution')),
        sa.CheckConstraint('(resolved_at IS NULL) = (resolution IS NULL)',
                           name=op.f('ck_copy_review_items_resolved_with_how')),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_copy_review_items_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                                name=op.f('fk_copy_review_items_resolved_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_copy_review_items')),
    )
    op.create_index('ix_copy_review_items_plan_open', 'copy_review_items', ['plan_id', 'resolved_at'], unique=False)


def downgrade():
    op.drop_index('ix_copy_review_items_plan_open', table_name='copy_review_items')
    op.drop_table('copy_review_items')
