"""search FTS: on SQLite an FTS5 index over the search text of plans, tasks and member requests, which
narrows the search box to the rows that may match (congdoan/finder/fts.py); nothing on PostgreSQL,
whose trigram index (0025) does this already

External content (content='<table>', content_rowid='id'): the index points at the table's own rows and
stores no second copy of the texts (a plan's is 4 kB; 300,000 tasks at issue 20's scale). Unlike a
contentless table it can be rebuilt from the rows ('rebuild', after a bulk load or to repair) and checked
against them ('integrity-check'), and its rows can be removed with the 'delete' command the triggers
give the old text to (a contentless table on this SQLite, 3.40, could not be rebuilt either).

- tokenize='unicode61 remove_diacritics 0': the texts are folded already (congdoan/finder/keys.py); not
  folding again keeps a word like "bjørn" from being a candidate for "bjo";
- detail=none: a search asks only which rows hold a token starting with each word, never positions, so
  the index keeps only row ids (about a third of the size, faster to build);
- columnsize=0: no ranking, no per-row sizes;
- prefix='2 3 4 5 6': a prefix query of 2 to 6 letters (a longer word is cut to 6) reads one list of
  the index, as far as needed, instead of merging first the lists of every word that starts so (25 %
  more index; at issue 20's scale the first thousand requests for "vien"* in 0.2 ms instead of 19).

Three triggers per table keep it: after an insert, a delete, and an update of search_text that changes
it (a writer rewriting the same text costs nothing). The statements are congdoan/finder/fts.py's
(`create`, `drop`; bench/data.py drops and creates them around its bulk load). A migration that
recreates one of these tables (batch_alter_table on SQLite) drops its triggers with it and must create
them again: tests/test_search_fts.py checks they exist at head.

Revision ID: 0033_search_fts
Revises: 0032_status_versions
"""
from alembic import op

revision = '0033_search_fts'
down_revision = '0032_status_versions'
branch_labels = None
depends_on = None


def upgrade():
    from congdoan.finder import fts      # plain SQL on table names, as 0025 uses finder.reindex
    fts.create(op.get_bind())


def downgrade():
    from congdoan.finder import fts
    fts.drop(op.get_bind())
