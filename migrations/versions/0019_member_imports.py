"""member imports: a large member list is imported by the background worker, and its page shows how far
it has gone (issue 20 point 4)

The file's bytes stay in the row until the import ends; the report (rejected rows, created accounts) is
kept for the page, and the temporary passwords only until the page has shown them once.

Revision ID: 0019_member_imports
Revises: 0018_user_sort_key
"""
import sqlalchemy as sa
from alembic import op


revision = '0019_member_imports'
down_revision = '0018_user_sort_key'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'member_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('create_groups', sa.Boolean(), nullable=False),
        sa.Column('stage', sa.String(length=10), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('passwords_shown_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_member_imports_created_by_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_imports')),
    )


def downgrade():
    op.drop_table('member_imports')
