"""The index the search texts have: on PostgreSQL a trigram GIN index (pg_trgm), which a LIKE '% word%'
uses instead of reading every row (a word in a few of 20,000 requests: 0.3 ms instead of 40 ms). SQLite
has no index for such a LIKE: an empty partial index (WHERE 0) stands in, so that models and migrations
describe one schema on both databases, and an FTS5 index beside each table narrows the rows instead
(fts.py, migration 0033; no model's, left out of the comparison)."""
from __future__ import annotations

import sqlalchemy as sa


def search_index(name: str) -> sa.Index:
    return sa.Index(name, "search_text", postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
                    sqlite_where=sa.text("0"))


def derived(name: str, type_: str) -> bool:
    """A search object no model declares, made by its migration alone and derived from the rows: SQLite's
    FTS5 tables and their shadow tables (0033), PostgreSQL's index of plan words (0035). Left out of the
    comparison of models and migrations (migrations/env.py, tests/test_schema_and_cli.py)."""
    from .fts import is_fts_table
    from .words import is_words_index
    return (type_ == "table" and is_fts_table(name)) or (type_ == "index" and is_words_index(name))
