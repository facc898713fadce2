"""The figures of a document (a report's): how a table line is laid out, for the paper preview and
the Word file alike (every row as wide as the header, which columns hold numbers, printed
right-aligned as accounts are, how much of the line's width each column needs), and which links
to the lists the figures were counted from may be shown.

A table line of the document dict is {"kind": "table", "table": {"columns": [...], "rows": [[{"text":
..., "link": ...}, ...]], "total": [...]}} (docs/plan-document.md); `layout` reads it, whoever wrote
it, and never fails on a short row, a long row or a missing part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import fold

# "12", "6.000.000", "6.000.000 đ", "33,3%", "-5", "1.234,5 đồng": a figure. Not "9/2024", "Tổ 1".
_NUMBER = re.compile(r"[-+−]?(?:\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,\d+)?\s?(?:%|đ|đồng|VNĐ|VND)?", re.IGNORECASE)
_EMPTY_FIGURE = {"", "-", "–", "—", "0"}

# The line a table fills in Word (A4 less the margins of NĐ 30, 30 + 15 mm: 165 mm) in twips, the
# size of its font (13 pt) and a cell's margins, also used to share the preview's width the same way.
LINE_TWIPS = 9355
EM_TWIPS = 260
CELL_PADDING_TWIPS = 2 * 57 + 60
_ORDINAL_HEADERS = {"stt", "tt", "so tt", "so thu tu"}


# A figure's link is a path inside the app ("/de-xuat?..."): never a scheme ("javascript:"), never
# another host ("//host", "/\\host"). Anything else is dropped on the way in and when shown.
_LINK = re.compile(r"/(?![/\\])[^\s\\<>\"'\x00-\x1f\x7f]*")
LINK_MAX = 500      # plan_lines.link


def safe_link(value) -> str:
    """`value` when it is a path inside the app (at most LINK_MAX characters), else ""."""
    text = value.strip() if isinstance(value, str) else ""
    return text if len(text) <= LINK_MAX and _LINK.fullmatch(text) else ""


@dataclass(frozen=True)
class LaidCell:
    text: str
    link: str = ""


@dataclass(frozen=True)
class TableLayout:
    columns: tuple[str, ...]
    rows: tuple[tuple[LaidCell, ...], ...]
    total: tuple[LaidCell, ...] | None
    align: tuple[str, ...]          # per column: "left", "right" (figures) or "center" (STT)

    @property
    def width(self) -> int:
        return len(self.columns)


def is_figure(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def _cell(value) -> LaidCell:
    if isinstance(value, dict):
        text, link = value.get("text"), value.get("link")
        return LaidCell(text if isinstance(text, str) else "" if text is None else str(text),
                        link if isinstance(link, str) else "")
    return LaidCell("" if value is None else str(value))


def layout(table: dict | None) -> TableLayout:
    """The table with every row (and the total) padded to the same number of columns, and the
    alignment of each column: a column whose cells are all figures (or empty, "-") is right-aligned,
    a numbering column ("STT") centred, any other left-aligned."""
    table = table if isinstance(table, dict) else {}
    raw_rows = [row for row in table.get("rows") or [] if isinstance(row, (list, tuple))]
    raw_total = table.get("total")
    columns = [c if isinstance(c, str) else "" if c is None else str(c) for c in table.get("columns") or []]
    width = max([len(columns), *(len(r) for r in raw_rows),
                 len(raw_total) if isinstance(raw_total, (list, tuple)) else 0])
    columns += [""] * (width - len(columns))

    def pad(cells) -> tuple[LaidCell, ...]:
        laid = [_cell(c) for c in cells]
        return tuple(laid + [LaidCell("")] * (width - len(laid)))
    rows = tuple(pad(r) for r in raw_rows)
    total = pad(raw_total) if isinstance(raw_total, (list, tuple)) else None

    align = []
    for i, title in enumerate(columns):
        cells = [row[i].text.strip() for row in rows] + ([total[i].text.strip()] if total else [])
        figures = [t for t in cells if t not in _EMPTY_FIGURE]
        if fold(title).strip(" .") in _ORDINAL_HEADERS:
            align.append("center")
        elif any(t not in _EMPTY_FIGURE for t in cells) and all(is_figure(t) for t in figures):
            align.append("right")
        else:
            align.append("left")
    return TableLayout(tuple(columns), rows, total, tuple(align))


def text_width(text: str, *, bold: bool = False) -> float:
    """The width of a text in ems of Times New Roman, near enough to size a column: capitals are
    wider than small letters, spaces and punctuation narrower (a letter with Vietnamese marks is as
    wide as the letter)."""
    width = 0.0
    for char in text:
        if char.isspace():
            width += 0.25
        elif char.isdigit():
            width += 0.5
        elif char.isupper():
            width += 0.68
        elif char.isalpha():
            width += 0.47
        else:
            width += 0.33
    return width * (1.08 if bold else 1.0)


def column_widths(laid: TableLayout, total_width: int, *, em: int, padding: int) -> list[int]:
    """Column widths (in the unit of `total_width`) that fill the line.

    Every column is at least as wide as its longest word (a figure never breaks), the header's
    words in bold included. Then the columns whose longest line fits in an equal share of the room
    left take exactly that (a month, a figure, a short name never wraps), again and again; the
    columns of long text share what remains in proportion to how much more they would need. When
    even the longest words do not fit, the widths are shared in their proportion.
    `em` is the size of the font in that unit, `padding` a cell's margins."""
    if not laid.width:
        return []
    least, natural = [], []
    for i, title in enumerate(laid.columns):
        texts = [row[i].text for row in laid.rows]
        bold = [laid.total[i].text] if laid.total else []
        word = max([text_width(w) for t in texts for w in t.split()]
                   + [text_width(w, bold=True) for t in bold + [title] for w in t.split()] + [0.5])
        line = max([text_width(x) for t in texts for x in t.split("\n")]
                   + [text_width(x, bold=True) for t in bold for x in t.split("\n")]
                   + [text_width(title, bold=True) / 2, word])
        least.append(round(word * em) + padding)
        natural.append(min(round(line * em) + padding, total_width))
    if sum(least) >= total_width:
        widths = [total_width * m // sum(least) for m in least]
    else:
        widths = [0] * len(least)
        open_columns = set(range(len(least)))
        room = total_width
        while open_columns:
            share = room / len(open_columns)
            fitting = {i for i in open_columns if natural[i] <= share}
            if not fitting:
                break
            for i in fitting:
                widths[i] = natural[i]
                room -= natural[i]
            open_columns -= fitting
        if open_columns:
            # the long columns: each its longest word, the rest by how much more each would need
            room -= sum(least[i] for i in open_columns)
            need = sum(natural[i] - least[i] for i in open_columns) or 1
            for i in open_columns:
                widths[i] = least[i] + room * (natural[i] - least[i]) // need
        else:
            # everything fits on one line: the spare width goes to the columns by their size
            spare, size = total_width - sum(widths), sum(widths)
            widths = [w + spare * w // size for w in widths]
    widths[-1] += total_width - sum(widths)
    return widths


def percent_widths(laid: TableLayout) -> list[str]:
    """The share of the line each column takes in Word, as "12.5%" (the preview's <col width>)."""
    widths = column_widths(laid, LINE_TWIPS, em=EM_TWIPS, padding=CELL_PADDING_TWIPS)
    return [f"{100 * w / LINE_TWIPS:.1f}%" for w in widths]
