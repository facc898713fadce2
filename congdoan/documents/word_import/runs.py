"""Formatted runs as the builder handles them: cleaned (NFC, invisible characters dropped, spaces
folded), split at manual breaks, stripped of a typed number or of a format; and quoting a line in the
report."""
from __future__ import annotations

import re
import unicodedata

from congdoan.text import INVISIBLE, Run, plain

_CONTROL = INVISIBLE          # the same invisible characters every input loses (congdoan/text.py)
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _clean_runs(runs: list[Run]) -> list[Run]:
    """NFC, no control characters, tabs and odd spaces as one space, trimmed; formatting kept."""
    out: list[Run] = []
    for run in runs:
        text = unicodedata.normalize("NFC", run.text.replace("\n", " "))
        text = _HSPACE.sub(" ", _CONTROL.sub("", text))
        if out and out[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not out:
            text = text.lstrip()
        if not text:
            continue
        if out and out[-1].look() == run.look():
            out[-1] = Run(out[-1].text + text, *run.look())
        else:
            out.append(Run(text, *run.look()))
    while out and not out[-1].text.rstrip():
        out.pop()
    if out:
        out[-1] = Run(out[-1].text.rstrip(), *out[-1].look())
    return out


def _text(runs: list[Run]) -> str:
    return "".join(run.text for run in runs)


def _drop_prefix(runs: list[Run], count: int) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        if count >= len(run.text):
            count -= len(run.text)
            continue
        text = run.text[count:]
        count = 0
        if not out:
            text = text.lstrip()
        if text:
            out.append(Run(text, *run.look()))
    return out


def _strip_format(runs: list[Run], *, bold: bool = False, italic: bool = False) -> list[Run]:
    return [Run(r.text, r.bold and not bold, r.italic and not italic, r.underline) for r in runs]


def _whole(runs: list[Run], attr: str) -> bool:
    visible = [r for r in runs if r.text.strip()]
    return bool(visible) and all(getattr(r, attr) for r in visible)


def _lines(runs: list[Run]) -> list[list[Run]]:
    """Split runs at manual line breaks."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        pieces = run.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(Run(piece, *run.look()))
    return lines


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _quote(text: str, limit: int = 60) -> str:
    text = plain(text) if "*" in text or "<" in text else text
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return f"“{text}”"
