"""plans.status 'archived': an issued plan brought in from Word, kept as it was (issue 17 point 7)

A plan issued before the union used the intranet is imported as it was: its own number, date,
signer and recipients, in the columns every plan has (number, doc_date, sign_on_behalf,
signer_title, signer_name, recipients); only the known_status check constraint must allow the new
status. Such a plan is never in the register (document_counters / signed_documents).

Revision ID: 0021_archived_plans
Revises: 0020_plan_editors
"""
from alembic import op


revision = '0021_archived_plans'
down_revision = '0020_plan_editors'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('known_status', type_='check')
        batch_op.create_check_constraint(
            'known_status', "status IN ('draft', 'submitted', 'returned', 'approved', 'issued', 'archived')")


def downgrade():
    # an archived plan has no place in the older schema: it goes, with its parts (ON DELETE CASCADE)
    op.execute("DELETE FROM plans WHERE status = 'archived'")
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('known_status', type_='check')
        batch_op.create_check_constraint(
            'known_status', "status IN ('draft', 'submitted', 'returned', 'approved', 'issued')")
