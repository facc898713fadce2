"""plan words: on PostgreSQL a GIN index of each plan's words (a tsvector of its search text) and the
function that reads candidates from it, for the search box's plans area (congdoan/finder/words.py says
why the trigram index is not enough for plans, and what keeps the planner on this index); nothing on
SQLite, whose FTS5 index (0033) does this already

Plain SQL from congdoan/finder/words.py (`create`, `drop`), as 0033 uses finder/fts.py. The two indexes
are no model's (an expression no model declares and a partial index of the texts it cannot fully
answer): migrations/env.py leaves them out of the comparison.

Revision ID: 0035_plan_words
Revises: 0034_request_totals
"""
from alembic import op

revision = '0035_plan_words'
down_revision = '0034_request_totals'
branch_labels = None
depends_on = None


def upgrade():
    from congdoan.finder import words
    words.create(op.get_bind())


def downgrade():
    from congdoan.finder import words
    words.drop(op.get_bind())
