"""Dates and times as Vietnamese readers expect them.

The database stores naive UTC datetimes; people see Asia/Ho_Chi_Minh. Official documents follow
Nghị định 30/2020: days below 10 and months 1 and 2 carry a leading zero ("ngày 05 tháng 02").
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Set only by clock_at(): the demo's past school year is lived through by the real services, each
# step at the moment it would have happened (congdoan/demo/past_year.py). A context variable, so a
# web request served meanwhile by another thread still reads the real clock.
_clock: ContextVar[dt.datetime | None] = ContextVar("congdoan_clock", default=None)


def utcnow() -> dt.datetime:
    """The current time as a naive UTC datetime (what the database columns hold)."""
    fixed = _clock.get()
    if fixed is not None:
        return fixed
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@contextmanager
def clock_at(moment: dt.datetime):
    """Within the block, utcnow() and local_today() answer `moment` (a naive UTC datetime, or an
    aware one). For seeding a history through the services that stamp it; never used by a request."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    token = _clock.set(moment)
    try:
        yield moment
    finally:
        _clock.reset(token)


def to_local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(LOCAL_TZ)


def local_today() -> dt.date:
    return to_local(utcnow()).date()


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def official_day(day: int) -> str:
    return f"{day:02d}"


def official_month(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


def date_line(place: str, value: dt.date | None) -> str:
    """The place-and-date line of an official document.

    Without a date (a draft not yet issued) the day and month are left blank for the signer,
    as unions do on paper: "Thành Tô, ngày      tháng      năm 2026".
    """
    if value is None:
        year = local_today().year
        return f"{place}, ngày      tháng      năm {year}"
    return (f"{place}, ngày {official_day(value.day)} tháng {official_month(value.month)} "
            f"năm {value.year}")


def parse_iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_vn_date(value: str | None) -> dt.date | None:
    """Read dd/mm/yyyy (or yyyy-mm-dd, what <input type=date> sends). None when not a date."""
    if not value:
        return None
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None
