"""Searching text the way people type it: without accents or case, each word the start of a word.

"Hưng" finds "Trần Văn Hưng" (and "Hùng": accents are not told apart) but not "Phan Thị Nhung", whose
folded "nhung" merely contains "hung". Columns searched hold fold()ed text (congdoan/text.py)."""
from __future__ import annotations

import sqlalchemy as sa

from .text import fold

MAX_WORDS = 8
# Where a word may start inside a folded key besides its beginning: "2023-2024", "1/6", "(CĐ)", "“Tết”".
_BEFORE_WORD = (" ", "-", "/", "(", "\"", "“", "'")


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def words_of(query: str | None) -> list[str]:
    """The folded words of a query, at most MAX_WORDS."""
    return fold(query).split()[:MAX_WORDS]


def starts_words(column, query: str | None):
    """A condition: every word of `query` starts a word of `column` (a folded key); None without words.

    Each word is first looked for anywhere (one LIKE '%word%', which each of its eight starts implies),
    all words before any start: a key that lacks a word, most keys in a search, fails after one LIKE a
    word instead of eight. SQLite tests AND's terms in the order written; PostgreSQL orders a scan's
    filters by cost, and one LIKE costs less than eight, so both keep this order."""
    words = list(map(_escaped, words_of(query)))
    contains = [column.like(f"%{word}%", escape="\\") for word in words]
    starts = [sa.or_(column.like(f"{word}%", escape="\\"),
                     *(column.like(f"%{sep}{word}%", escape="\\") for sep in _BEFORE_WORD)) for word in words]
    return sa.and_(*contains, *starts) if words else None
