"""The numbering of a Word plan's lines, read as label styles (congdoan/plans/numbering.py).

A plan numbers its items at several levels ("1.", then "a)", or "1.1"), typed in the text or given
by Word numbering, and marks bullets with "-", "+", "•". The importer keeps, for each line, the style
of its label and its level; the numbers themselves are computed again when the plan is shown. The
level of a numbered item follows the order in which its style first appears within a section, the
way a reader sees it: the first style is level 1, a new style under it level 2, going back to a
style seen above returns to its level.
"""
from __future__ import annotations

import re

from congdoan.plans.numbering import BULLET_MARKS, MAX_LEVEL

# Word's bullet characters, drawn in Symbol or Wingdings, as the mark a reader sees.
# Symbol and Wingdings characters are written in the private use area (U+F020-U+F0FF, the font's
# own code plus F000: "\uf0b7" is Symbol's bullet, "\uf02b" a "+" as LibreOffice saves it).
_WORD_BULLETS = {"\xb7": "•", "v": "❖", "o": "○", "§": "▪", "Ø": "➢", "ü": "✓", "¨": "•", "●": "•",
                 "–": "-", "—": "-", "■": "▪", "◦": "○", "►": "➢", "□": "▪", "Ÿ": "•"}


def bullet_label(mark: str) -> str:
    """The stored label of a bullet mark ("" when it shows as the default of its level)."""
    mark = (mark or "").strip()
    if len(mark) == 1 and 0xF020 <= ord(mark) <= 0xF0FF:
        mark = chr(ord(mark) - 0xF000)
    mark = _WORD_BULLETS.get(mark, mark)
    return mark if mark in BULLET_MARKS else "•" if mark else "-"


def typed_label(number: str, separator: str) -> str:
    """The style of a typed number: ("2", ".") -> "1.", ("b", ")") -> "a)", ("1.2", ".") -> "1.1."."""
    sep = ")" if ")" in separator else "." if "." in separator else ""
    if "." in number:
        return "1.1." if sep == "." else "1.1"
    if number.isdigit():
        return "1" + (sep or ".")
    return "a" + (sep or ")")


def word_label(fmt: str, text: str) -> str:
    """The style of a Word numbering level (numFmt, lvlText such as "%2)" or "%1.%2.")."""
    if text.count("%") >= 2:
        return "1.1." if text.rstrip().endswith(".") else "1.1"
    sep = ")" if ")" in text else "."
    if fmt in ("lowerLetter", "upperLetter"):
        return "a" + sep
    return "1" + sep


class LevelStack:
    """Levels of the numbered item styles met so far in one section."""

    def __init__(self) -> None:
        self.styles: list[str] = []

    def reset(self) -> None:
        self.styles = []

    def level(self, style: str) -> int:
        if style in self.styles:
            index = self.styles.index(style)
            del self.styles[index + 1:]
            return min(index, MAX_LEVEL)
        self.styles.append(style)
        return min(len(self.styles) - 1, MAX_LEVEL)


def marker_parts(match: re.Match) -> tuple[str, str]:
    """(number, separator) of a typed number matched by the importer's patterns."""
    number = match.group("num")
    separator = match.string[match.end("num"):match.start("rest")]
    return number, separator.strip()
