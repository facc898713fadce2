"""Text helpers shared by every area: cleaning user input, accent-free search keys, inline markup.

Plan text keeps inline emphasis with a small markup that survives every hop (form, database, JSON
snapshot, HTML preview, Word file): ``**bold**``, ``*italic*``, ``***bold italic***`` and
``<u>underline</u>`` (which may hold bold and italic, or sit inside them: ``<u>**Luật**</u>``). An
asterisk or a ``<u>`` that does not close a pair stays literal. Underline is written as a tag because
every lighter marker occurs in real plans: ``__`` in fill-in blanks ("Họ tên: ______"), ``++`` in
"C++", ``~`` in "~ 5 triệu".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

# Characters nobody types on purpose and that can disguise a name or break a document:
# - every C0/C1 control except tab and newline (they make Word XML invalid);
# - the line/paragraph separators U+2028/U+2029 (they break lines in surprising places);
# - bidi controls: embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069, the marks
#   U+200E/U+200F and U+061C ("hoa-don\u202efdp.exe" shows as "hoa-donexe.pdf");
# - zero-width characters U+200B-U+200D, the word joiner and invisible operators U+2060-U+2064,
#   and the BOM / zero-width no-break space U+FEFF (two names that look the same but differ).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                      "\u2060-\u2064\u2066-\u2069\ufeff]")
INVISIBLE = _CONTROL
_SPACES = re.compile(r"[ \t\u00a0]+")


def strip_invisible(value: str | None, *, multiline: bool = False) -> str:
    """NFC, Unix newlines, and none of the invisible characters above; nothing else changes.

    Multi-line text keeps its tabs and newlines; single-line text has them turned into spaces.
    The base form (congdoan/forms.py) applies this to every string field; clean_text builds on it.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Normalise user text: NFC, Unix newlines, no invisible or control characters, trimmed.

    Single-line values also lose their newlines (turned into spaces) and runs of spaces.
    """
    if value is None:
        return ""
    text = strip_invisible(value, multiline=True)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ").replace("\t", " "))
    return text.strip()


def fit(value: str | None, limit: int, *, ellipsis: str = "…") -> str:
    """`value` cut to at most `limit` characters, at a word boundary when one is near, marked with
    an ellipsis when cut (for places with a hard bound: Word properties, file names, headers)."""
    text = value or ""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(ellipsis), 0)]
    space = cut.rfind(" ")
    if space >= len(cut) * 3 // 4:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + ellipsis


FILE_NAME_MAX = 100
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|;]+')


def file_name(value: str | None, limit: int = FILE_NAME_MAX, *, default: str = "tep") -> str:
    """A download name: Vietnamese kept (sent as RFC 5987 filename*), no invisible characters, no
    characters that Windows or a Content-Disposition header would choke on, at most `limit`
    characters with the extension kept."""
    name = _NOT_IN_FILE_NAMES.sub("-", clean_text(value)).strip(" .-")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and 0 < len(ext) <= 10):
        stem, dot, ext = name, "", ""
    room = max(limit - len(dot) - len(ext), 1)
    return stem[:room].rstrip(" .-") + dot + ext


def fold(value: str | None) -> str:
    """A search key: lower case, Vietnamese diacritics removed (đ -> d), spaces collapsed.

    "Tết Trung thu" and "tet trung thu" fold to the same key, on every database.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    return " ".join(text.split())


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False

    def look(self) -> tuple[bool, bool, bool]:
        return (self.bold, self.italic, self.underline)


_MARK = re.compile(r"(\*\*\*|\*\*|\*)(?=\S)(.+?)(?<=\S)\1(?!\*)", re.S)
_UNDERLINE = re.compile(r"<u>(?=\S)(.+?)(?<=\S)</u>", re.S | re.I)
# A matched <u>…</u> pair becomes these two private-use characters while the asterisks are read, so
# that emphasis may sit inside or around an underline; nobody types them (they are dropped first).
_U_OPEN, _U_CLOSE = "\ue000", "\ue001"
_U_SPLIT = re.compile(f"([{_U_OPEN}{_U_CLOSE}])")


def parse_inline(value: str | None) -> list[Run]:
    """Split marked-up text into runs of plain, bold, italic and underlined text."""
    text = (value or "").replace(_U_OPEN, "").replace(_U_CLOSE, "")
    if "<" in text:
        text = _UNDERLINE.sub(lambda m: f"{_U_OPEN}{m.group(1)}{_U_CLOSE}", text)
    runs: list[Run] = []
    pos = 0
    for match in _MARK.finditer(text):
        if match.start() > pos:
            runs.append(Run(text[pos:match.start()]))
        marker, inner = match.group(1), match.group(2)
        runs.append(Run(inner, bold=len(marker) >= 2, italic=len(marker) in (1, 3)))
        pos = match.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    if _U_OPEN in text:
        runs = _underlines(runs)
    return _merge(runs)


def _underlines(runs: list[Run]) -> list[Run]:
    """Turn the underline sentinels inside runs into underlined runs."""
    out: list[Run] = []
    on = False
    for run in runs:
        for piece in _U_SPLIT.split(run.text):
            if piece in (_U_OPEN, _U_CLOSE):
                on = piece == _U_OPEN
            elif piece:
                out.append(Run(piece, run.bold, run.italic, on))
    return out


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].look() == run.look():
            merged[-1] = Run(merged[-1].text + run.text, *run.look())
        else:
            merged.append(run)
    return merged


def _split_space(text: str) -> tuple[str, str, str]:
    core = text.strip()
    if not core:
        return text, "", ""
    lead = text[: len(text) - len(text.lstrip())]
    return lead, core, text[len(lead) + len(core):]


def _emphasis(run: Run) -> str:
    lead, core, trail = _split_space(run.text)
    if not (run.bold or run.italic) or not core:
        return run.text
    # Markers must hug non-space characters, so leading/trailing spaces stay outside.
    marker = "***" if run.bold and run.italic else "**" if run.bold else "*"
    return f"{lead}{marker}{core}{marker}{trail}"


def runs_to_markup(runs: list[Run]) -> str:
    """The inverse of parse_inline: runs back to marked-up text (used by the Word importer).

    Consecutive underlined runs share one <u>…</u> around their own emphasis markers; spaces at the
    edges of an underline stay outside it (as they do for the asterisks)."""
    out = []
    merged = _merge(runs)
    index = 0
    while index < len(merged):
        run = merged[index]
        if not run.underline:
            out.append(_emphasis(run))
            index += 1
            continue
        group = []
        while index < len(merged) and merged[index].underline:
            group.append(merged[index])
            index += 1
        inner = "".join(_emphasis(r) for r in group)
        lead, core, trail = _split_space(inner)
        out.append(f"{lead}<u>{core}</u>{trail}" if core else inner)
    return "".join(out)


def plain(value: str | None) -> str:
    """Marked-up text without its markers."""
    return "".join(run.text for run in parse_inline(value))


def inline_html(value: str | None) -> Markup:
    """Marked-up text as safe HTML with <strong>, <em> and <u>; everything else escaped."""
    parts = []
    for run in parse_inline(value):
        html = str(escape(run.text)).replace("\n", "<br>")
        if run.italic:
            html = f"<em>{html}</em>"
        if run.bold:
            html = f"<strong>{html}</strong>"
        if run.underline:
            html = f"<u>{html}</u>"
        parts.append(html)
    return Markup("".join(parts))


ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)
