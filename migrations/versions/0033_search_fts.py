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
it (a writer rewriting the same text costs nothing). A migration that recreates one of these tables
(batch_alter_table on SQLite) drops its triggers with it and must create them again:
tests/test_search_fts.py checks they exist at head.

Revision ID: 0033_search_fts
Revises: 0032_status_versions
"""
from alembic import op

revision = '0033_search_fts'
down_revision = '0032_status_versions'
branch_labels = None
depends_on = None

TABLES = ('plans', 'tasks', 'member_requests')


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    for table in TABLES:
        fts = f'{table}_fts'
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
                   f"tokenize='unicode61 remove_diacritics 0', detail=none, columnsize=0, prefix='2 3 4 5 6')")
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {table} "
                   f"WHEN old.search_text IS NOT new.search_text BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
                   f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    for table in TABLES:
        fts = f'{table}_fts'
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS {fts}_{trigger}')
        op.execute(f'DROP TABLE IF EXISTS {fts}')
