"""users: a session version, so that sessions and remember-me cookies can be ended server-side

Every session and remember-me cookie carries "<id>:<session_version>" (User.get_id); the user loader
refuses one whose version is not the account's. A password change, a sign-out, an admin's password
reset and a deactivation raise the version (congdoan/auth/services.py), which ends every session and
remember-me cookie issued before at once. Existing rows start at 0.

Revision ID: 0016_session_version
Revises: 0015_background_jobs
"""
import sqlalchemy as sa
from alembic import op


revision = '0016_session_version'
down_revision = '0015_background_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
