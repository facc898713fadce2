"""SQLite only: an FTS5 index beside each searched table, which narrows a search to the rows that may match
(migration 0033_search_fts builds it; PostgreSQL has its trigram index instead, congdoan/finder/schema.py).

Each of plans, tasks and member_requests has `<table>_fts`, an external-content FTS5 table over its
search_text (tokenizer unicode61 without diacritic folding, detail=none, prefix indexes of 2 to 6
letters), kept by three triggers on the table. A typed word becomes the prefix query `"word"*` (cut to
its first 6 letters): the rows that have a token starting with it. That set holds every row
`queries.matches` accepts, so the LIKE stays the final check on these candidates only:

- a search text is folded words (letters and digits in Python's sense) separated by single spaces; a word
  that starts a word of it begins right after a space, where an FTS5 token begins too;
- only words of ASCII letters and digits are sent (Vietnamese words folded are), and only from two
  letters on: their characters are token characters in any tokenizer, stored as they are (lower case
  already, no folding on ASCII), so the token that starts there begins with the word. A word of one
  letter (a prefix query would read nearly every row) or with other letters is left to the LIKE alone;
- a character FTS5 counts as a separator where Python sees a letter (Unicode 6.1 against Python's
  version) can only cut a word in two, which adds candidates and loses none;
- a word is cut to its first PREFIX_MAX letters, which adds candidates ("truong" for "truongg") and
  loses none. Every query is then one list of a prefix index per word, read as far as needed: without
  a prefix index FTS5 merges the lists of every word that starts so before giving a row ("vien"* over
  200,000 requests: 19 ms for the first thousand, 0.2 ms with one).

When no word can be sent the search reads the rows as before.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

# The searched tables and their FTS5 tables; their names are the key of everything below.
TABLES = ("plans", "tasks", "member_requests")
SHADOWS = ("data", "idx", "config", "docsize", "content")      # what FTS5 creates beside a table
MIN_LETTERS = 2                                                  # the shortest word sent (prefix index 2)
PREFIX_MAX = 6                                                   # the longest prefix index (prefix='2 3 4 5 6')
_FTS_NAME = re.compile(rf"^({'|'.join(TABLES)})_fts(_({'|'.join(SHADOWS)}))?$")
_SENDABLE = re.compile(r"^[a-z0-9]+$")


def fts_table(table: str) -> str:
    return f"{table}_fts"


def is_fts_table(name: str) -> bool:
    """An FTS5 table or one of its shadow tables: derived from the rows, kept out of the comparison of
    models and migrations (migrations/env.py)."""
    return bool(_FTS_NAME.match(name))


def trigger_names(table: str) -> tuple[str, str, str]:
    return f"{table}_fts_insert", f"{table}_fts_delete", f"{table}_fts_update"


def _ddl(table: str) -> list[str]:
    """The FTS5 table of a searched table and the triggers that keep it (why these options: migration
    0033's docstring). Plain SQL on table names, so that the migration keeps working whatever the
    models become."""
    fts = fts_table(table)
    insert, delete, update = trigger_names(table)
    remove = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    add = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
        f"tokenize='unicode61 remove_diacritics 0', detail=none, columnsize=0, prefix='2 3 4 5 6')",
        f"CREATE TRIGGER {insert} AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF search_text ON {table} "
        f"WHEN old.search_text IS NOT new.search_text BEGIN {remove} {add} END",
    ]


def create(connection) -> None:
    """Create the FTS5 tables and their triggers (SQLite only), filled from the rows already there."""
    if not enabled(connection):
        return
    for table in TABLES:
        for statement in _ddl(table):
            connection.exec_driver_sql(statement)
    rebuild(connection)


def drop(connection) -> None:
    """Drop the FTS5 tables and their triggers: a bulk load without them, then `create`, indexes every
    row once instead of row by row through the triggers (bench/data.py)."""
    if not enabled(connection):
        return
    for table in TABLES:
        for trigger in trigger_names(table):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts_table(table)}")


def match_query(words: list[str]) -> str | None:
    """The FTS5 query of the words that can be sent (`"tet"* "trung"*`: all of them, each starting a
    token), or None when none can and the rows must be read."""
    sent = dict.fromkeys(w[:PREFIX_MAX] for w in words if len(w) >= MIN_LETTERS and _SENDABLE.match(w))
    return " ".join(f'"{w}"*' for w in sent) or None


def enabled(bind) -> bool:
    return bind.dialect.name == "sqlite"


def candidates(table: str, query: str) -> sa.Select:
    """SELECT rowid FROM <table>_fts WHERE <table>_fts MATCH :query (rowid is the row's id)."""
    fts = sa.table(fts_table(table), sa.column("rowid", sa.Integer))
    return sa.select(fts.c.rowid).where(sa.literal_column(fts_table(table)).op("MATCH")(query))


def existing(connection) -> list[str]:
    """The FTS5 tables this database has (none on PostgreSQL, nor on SQLite before migration 0033)."""
    if not enabled(connection):
        return []
    names = [fts_table(t) for t in TABLES]
    found = {r[0] for r in connection.execute(
        sa.text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN :names")
        .bindparams(sa.bindparam("names", expanding=True)), {"names": names})}
    return [n for n in names if n in found]


def rebuild(connection) -> None:
    """Read every FTS5 index again from its table's rows: `flask search reindex` ends with it, so that
    the command repairs an index whatever happened to it (the triggers keep it otherwise)."""
    for name in existing(connection):
        connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def check(connection) -> None:
    """FTS5's own integrity check, against the table's rows too (rank 1): raises ("database disk image is
    malformed") when an index and its rows disagree."""
    for name in existing(connection):
        connection.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
