"""Pure rules about tasks, kept free of the database so their edges are easy to test."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from ..text import fold

# "15/9/2023": a whole date written in the period cell.
# The same separator twice: "6-7/2024" is a range of months, not the 6th of July.
_FULL_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)")
# "9/2023", "01/2024", "6, 7/2024" (the last month before the year), "T9/2023", "9-2023".
_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
# "tháng 9 năm 2024" (folded: "thang 9 nam 2024").
_MONTH_WORDS = re.compile(r"thang\s+(\d{1,2})\s*(?:,|nam)\s*(\d{4})")
# "quý I/2024", "quý 3 năm 2024".
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\s*(?:[/.-]|nam)\s*(\d{4})")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _plausible(year: int) -> bool:
    return 1990 <= year <= 2100


def period_end(period: str | None) -> dt.date | None:
    """The last day of a schedule period, the default due date of its activities.

    "6, 7/2024" -> 31/07/2024, "9/2023" -> 30/09/2023, "01/2024" -> 31/01/2024, "Tháng 9/2024" ->
    30/09/2024, "12/2023 - 01/2024" -> 31/01/2024, "Quý I/2024" -> 31/03/2024, "15/9/2023" ->
    15/09/2023. None when no month and year can be read ("Cả năm", "Thường xuyên", "Học kỳ I"): the
    person assigning must then choose the date.
    """
    text = fold(period)
    if not text:
        return None
    found: list[dt.date] = []
    for d, _, m, y in _FULL_DATE.findall(text):
        day, month, year = int(d), int(m), int(y)
        if 1 <= month <= 12 and _plausible(year) and 1 <= day <= calendar.monthrange(year, month)[1]:
            found.append(dt.date(year, month, day))
    rest = _FULL_DATE.sub(" ", text)
    for m, y in _MONTH_YEAR.findall(rest) + _MONTH_WORDS.findall(rest):
        month, year = int(m), int(y)
        if 1 <= month <= 12 and _plausible(year):
            found.append(month_end(year, month))
    for q, y in _QUARTER.findall(rest):
        quarter = _ROMAN.get(q) or int(q)
        if _plausible(int(y)):
            found.append(month_end(int(y), quarter * 3))
    return max(found) if found else None


def default_due(activity_due: dt.date | None, period: str | None) -> dt.date | None:
    """The due date an activity's task gets unless changed: the date written on the activity in the
    plan, else the end of its schedule period."""
    return activity_due or period_end(period)


def is_overdue(status: str, due: dt.date, today: dt.date) -> bool:
    return status != "done" and due < today


def month_key(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def month_label(year: int, month: int) -> str:
    return f"Tháng {month}/{year}"


def parse_month(value: str | None) -> tuple[int, int] | None:
    """"2024-05" -> (2024, 5); None when it is not a month."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and _plausible(year)):
        return None
    return year, month


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
