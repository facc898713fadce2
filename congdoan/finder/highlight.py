"""The hits of a search marked in the original text (accents kept), every other character escaped.

A hit is where a typed word starts a word of the text once both are folded (keys.py): "hung" marks
"Hưng" in "Trần Văn Hưng" but nothing in "Nhung".
"""
from __future__ import annotations

from markupsafe import Markup, escape

from .keys import folded as fold_text, key_of

SNIPPET = 160           # characters of text shown around the first hit


def _folded(text: str) -> tuple[str, list[int]]:
    """The text folded character by character (non-letters as spaces), and for each folded character
    the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold_text(ch)                        # "" for a mark of the letter before (text not in NFC)
        for c in f:
            chars.append(c if c.isalnum() else " ")
            origin.append(i)
    return "".join(chars), origin


def hits(text: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) ranges of the original text where a word starts a word, merged and sorted."""
    if not text or not words:
        return []
    folded, origin = _folded(text)
    spans = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            if start == 0 or folded[start - 1] == " ":
                spans.append((origin[start], origin[start + len(word) - 1] + 1))
            start = folded.find(word, start + 1)
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _score(text: str, words: list[str]) -> tuple[bool, int]:
    """(the words stand together as typed, how many of the words start a word of the text)."""
    key = key_of(text)
    return " " + " ".join(words) in key, sum(1 for w in words if " " + w in key)


def _focus(text: str, words: list[str]) -> int | None:
    """Where to cut a snippet around: the words as typed, together; else the longest word's first hit."""
    folded, origin = _folded(text)
    padded = " " + folded
    at = padded.find(" " + " ".join(words))
    if at != -1:
        return origin[at]
    for word in sorted(words, key=len, reverse=True):
        at = padded.find(" " + word)
        if at != -1:
            return origin[at]
    return None


def mark(text: str, words: list[str], *, spans: list[tuple[int, int]] | None = None) -> Markup:
    """The text with each hit in <mark>, everything escaped."""
    spans = hits(text, words) if spans is None else spans
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(Markup("<mark>") + escape(text[a:b]) + Markup("</mark>"))
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def snippet(texts: list[str], words: list[str], *, size: int = SNIPPET) -> Markup | None:
    """A piece of the text block that best holds the words (together as typed, else the most of them),
    cut around them, with the hits marked; None when no block holds any."""
    best, best_score = None, (False, 0)
    for text in texts:
        score = _score(text, words)
        if score > best_score:
            best, best_score = text, score
            if score[0]:
                break
    if best is None:
        return None
    text = " ".join(best.split())
    spans = hits(text, words)
    focus = _focus(text, words)
    if len(text) <= size or focus is None:
        return mark(text, words, spans=spans)
    start = max(focus - size // 3, 0)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(start + size, len(text))
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space - end < 20 else end
    piece = text[start:end]
    shifted = [(max(a - start, 0), min(b - start, len(piece))) for a, b in spans if a < end and b > start]
    return (Markup("…") if start else Markup("")) + mark(piece, words, spans=shifted) \
        + (Markup("…") if end < len(text) else Markup(""))
