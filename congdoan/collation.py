"""Vietnamese alphabetical order for people's names: by given name (tên, the last word), then the family
and middle names; each letter by letter in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ
p q r s t u ư v x y), and where the letters are the same, by tone (none, huyền, hỏi, ngã, sắc, nặng).

Sorting by the accent-free search key put "Ánh" with "Anh" and "Đức" among the D's; sorting by code point
put every "Đ" after "Z". The key is made of digits and lower-case ASCII letters only, so any database
collation (SQLite's binary one, PostgreSQL's en_US or C) orders it the same way."""
from __future__ import annotations

import unicodedata

# The letters in order: the Vietnamese alphabet, with f, j, w and z of foreign names where Latin has them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": "3", "\u0309": "4", "\u0303": "5", "\u0301": "6", "\u0323": "7"}   # huyền hỏi ngã sắc nặng
_NO_TONE = "2"
# A letter keeps its own marks (ă â ê ô ơ ư đ); only the tone is taken apart.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}      # breve, circumflex, horn
MAX_LENGTH = 250


def _code(index: int) -> str:
    """Two letters per letter of the alphabet: 'ba', 'bb', … so that every code sorts after the digits."""
    return chr(ord("b") + index // 26) + chr(ord("a") + index % 26)


_CODES = {letter: _code(i) for i, letter in enumerate(ALPHABET)}


def _letters(word: str) -> tuple[str, str]:
    """The primary key (letters) and the secondary key (tones) of one word."""
    primary, tones = [], []
    for ch in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", ch)
        tone = next((_TONES[m] for m in parts[1:] if m in _TONES), _NO_TONE)
        letter = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m in _LETTER_MARKS))
        if letter in _CODES:
            primary.append(_CODES[letter])
            tones.append(tone)
        elif letter.isdigit() and letter.isascii():
            primary.append("a" + letter)
            tones.append(_NO_TONE)
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str | None) -> str:
    """The key that orders people the Vietnamese way: given name first, letters before tones."""
    words = (full_name or "").split()
    if not words:
        return ""
    given, rest = _letters(words[-1]), [_letters(w) for w in words[:-1]]
    # The given name is compared whole (letters, then tones) before the family and middle names, as a
    # list sorted by its "Tên" column then its "Họ và tên đệm" column. "1" ends a run of letters and "0"
    # a word: both sort before any letter, so "An" comes before "Anh".
    key = (given[0] + "1" + given[1] + "0" + "0".join(p for p, _ in rest) + "1" + "".join(t for _, t in rest))
    return key[:MAX_LENGTH]
