"""document kinds: a plan row is a document of a kind (plan, report, ...), a report covers a period,
and its lines say who wrote them, which list their figures come from, and may be a table

Every existing row is a plan; every existing line was written by a person. The kinds themselves are
declared in congdoan/plans/kinds.py, not in a CHECK constraint, so that a new kind needs no migration.

Revision ID: 0028_document_kinds
Revises: 0027_member_records
"""
import sqlalchemy as sa
from alembic import op

revision = '0028_document_kinds'
down_revision = '0027_member_records'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='plan', nullable=False))
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('figures_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_plans_kind_status', ['kind', 'status'], unique=False)
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('link', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('data', sa.Text(), nullable=True))
        batch_op.drop_constraint('known_kind', type_='check')
        batch_op.create_check_constraint('known_kind', "kind IN ('paragraph', 'subsection', 'bullet', 'table')")
        batch_op.create_check_constraint('table_has_data', "(kind = 'table') = (data IS NOT NULL)")


def downgrade():
    op.execute("DELETE FROM plan_lines WHERE kind = 'table'")
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.drop_constraint('table_has_data', type_='check')
        batch_op.drop_constraint('known_kind', type_='check')
        batch_op.create_check_constraint('known_kind', "kind IN ('paragraph', 'subsection', 'bullet')")
        for column in ('data', 'link', 'origin'):
            batch_op.drop_column(column)
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_kind_status')
        for column in ('figures_at', 'period_end', 'period_start', 'kind'):
            batch_op.drop_column(column)
