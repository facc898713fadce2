"""Dates and times as Vietnamese readers expect them.

The database stores naive UTC datetimes; people see Asia/Ho_Chi_Minh. Official documents follow
Nghị định 30/2020: days below 10 and months 1 and 2 carry a leading zero ("ngày 05 tháng 02").
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> dt.datetime:
    """The current time as a naive UTC datetime (what the database columns hold)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


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
