"""plan_editors: the co-editors (người cùng soạn) the author names on a draft

A co-editor edits the draft's content like its author; submitting, deleting and naming co-editors
stay with the author, the chair and the vice chairs (docs/coeditors.md). plan_versions.part_key
names the part each save changed, so that a save refused as stale names who changed that part.

Revision ID: 0020_plan_editors
Revises: 0019_member_imports
"""
import sqlalchemy as sa
from alembic import op


revision = '0020_plan_editors'
down_revision = '0019_member_imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_editors',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_editors_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plan_editors_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_plan_editors_added_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('plan_id', 'user_id', name=op.f('pk_plan_editors')),
    )
    with op.batch_alter_table('plan_editors', schema=None) as batch_op:
        batch_op.create_index('ix_plan_editors_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part_key', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.drop_column('part_key')
    with op.batch_alter_table('plan_editors', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_editors_user_id')
    op.drop_table('plan_editors')
