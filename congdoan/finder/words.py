"""PostgreSQL only: the plans a search may hit, from an index of their words (migration 0035_plan_words;
SQLite has its FTS5 index instead, fts.py).

Why plans need more than the trigram index (finder/schema.py) that serves tasks and requests: a plan's
search text is its whole text (4 kB on average, kept compressed), too wide for PostgreSQL's statistics,
so the planner guesses that a LIKE keeps almost no plan and always reads the trigram candidates, each
rechecked by decompressing and scanning its text. At issue 20's scale (3,000 plans) "tet trung thu" is
in 2,983 plans (24.7 ms of rechecks to sort them all for the first 101), and "hoan thanh" in none while
its trigrams are in all 3,000 (Rows Removed by Index Recheck: 3000, 97 ms).

A GIN index over `plan_search_words(search_text)`, the text's words as a tsvector ('simple': no stems,
no stop words), gives the plans that hold a word starting with each typed word, without reading any
text. Only the LIKE of queries.matches decides a hit, on these candidates alone:

- a search text is folded words (letters and digits in Python's sense) separated by single spaces; only
  words of ASCII letters and digits are sent (typed Vietnamese words folded are), and PostgreSQL's
  parser keeps a run of them in one token ("2023", "abc123", "123abc", "a2b3c4"): a word that starts a
  word of the text starts a token. A character the parser does not count as a letter can only cut a
  word in two, which adds candidates and loses none;
- the parser drops a word of more than 2,047 characters, and only the first 100,000 characters are
  indexed (a tsvector holds at most 1 MB): a text with such a word or longer than that is a candidate
  for every search (a partial index lists them, `LONG`), so that nothing is lost.

Two guards keep the planner from reading every plan's text: computing the tsvector costs about 1 ms a
plan, and with accurate statistics on the index's expression the planner prefers, for common words, a
sequential scan that computes it for every plan (3 s for 3,000 plans, measured). The candidates come
from the function `plan_search_candidates`, whose own setting `enable_seqscan = off` leaves it the
index; and queries._ids sorts them behind an OFFSET 0 fence before the LIKE, which the planner can then
neither answer from the trigram index nor test on every plan: the texts are read for the candidates
only, newest first, until the page is full.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

INDEXED_CHARS = 100_000                  # characters of a text in its tsvector (a tsvector holds 1 MB)
LONGEST_WORD = 2047                      # PostgreSQL's parser drops longer words
# A text the tsvector holds only in part: longer than INDEXED_CHARS, or with a word longer than LONGEST_WORD
# (2,048 = 16 x 128: a regular expression repeats a group at most 255 times). One expression (IS TRUE),
# not an OR that the planner would merge into the candidates' OR and then test on every row it reads.
LONG = f"(length(search_text) > {INDEXED_CHARS} OR search_text ~ '(?:[^ ]{{128}}){{16}}') IS TRUE"
MIN_LETTERS = 2                          # the shortest word sent (one letter starts nearly every plan)
_SENDABLE = re.compile(r"^[a-z0-9]+$")

DDL = [
    # IMMUTABLE: the same text always gives the same words ('simple' has no dictionary file to change).
    f"""CREATE OR REPLACE FUNCTION plan_search_words(text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog
        AS $$ SELECT to_tsvector('simple'::regconfig, left($1, {INDEXED_CHARS})) $$""",
    "CREATE INDEX IF NOT EXISTS ix_plans_search_words ON plans USING gin (plan_search_words(search_text))",
    f"CREATE INDEX IF NOT EXISTS ix_plans_search_long ON plans (id) WHERE {LONG}",
    # At most `most` of them (NULL: all), in no order: counting them up to a bound visits that many rows.
    f"""CREATE OR REPLACE FUNCTION plan_search_candidates(query tsquery, most integer) RETURNS SETOF integer
        LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET enable_seqscan = off
        AS $$ SELECT id FROM plans WHERE plan_search_words(search_text) @@ query OR {LONG}
              LIMIT most $$""",
]
DROP = [
    "DROP FUNCTION IF EXISTS plan_search_candidates(tsquery, integer)",
    "DROP INDEX IF EXISTS ix_plans_search_long",
    "DROP INDEX IF EXISTS ix_plans_search_words",
    "DROP FUNCTION IF EXISTS plan_search_words(text)",
]
INDEXES = ("ix_plans_search_words", "ix_plans_search_long")


def enabled(bind) -> bool:
    return bind.dialect.name == "postgresql"


def is_words_index(name: str) -> bool:
    """An index of this module's, created by migration 0035 alone on an expression no model declares:
    left out of the comparison of models and migrations (migrations/env.py)."""
    return name in INDEXES


def create(connection) -> None:
    if enabled(connection):
        for statement in DDL:
            connection.exec_driver_sql(statement)


def drop(connection) -> None:
    if enabled(connection):
        for statement in DROP:
            connection.exec_driver_sql(statement)


def tsquery(words: list[str]) -> str | None:
    """The query of the words that can be sent ("tet:* & trung:*": a token starting with each), or None
    when none can and the plans must be read."""
    sent = dict.fromkeys(w for w in words if len(w) >= MIN_LETTERS and _SENDABLE.match(w))
    return " & ".join(f"{w}:*" for w in sent) or None


def candidates(query: str, most: int | None = None) -> sa.Select:
    """SELECT id FROM plan_search_candidates(to_tsquery('simple', :query), :most): a superset of the
    hits, at most `most` of them (all with None)."""
    found = sa.func.plan_search_candidates(
        sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), query),
        sa.literal(most, sa.Integer)).table_valued("id").render_derived()
    return sa.select(found.c.id)
