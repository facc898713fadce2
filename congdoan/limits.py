"""Numbers a person can type, held to what the database can store.

Every id column is a 32-bit signed INTEGER (SQLite takes 64 bits, PostgreSQL 32): an id beyond that
range cannot name a row, and handing it to the database raises (PostgreSQL: "integer out of range";
SQLite: OverflowError past 2**63). So:

- the URL map's ``int`` converter is replaced by one bounded to 0 .. 2**31-1, and a path such as
  ``/de-xuat/99999999999`` is a plain 404 before any view runs (negative numbers never matched);
- ``int_arg`` reads an integer query-string argument (``?to=``, ``?nam=``, ``?trang=``) and ignores a
  value that is not a number or lies outside its range, as if it had not been given.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.routing import IntegerConverter

INT32_MAX = 2 ** 31 - 1
INT64_MAX = 2 ** 63 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to 0 .. 2**31-1, the non-negative range of a 32-bit signed id column
    (0 is a real value in one place: ``/viec/to/0`` is the committee's board)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 0, max: int | None = INT32_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app: Flask) -> None:
    """Before any blueprint is registered: every ``<int:...>`` rule gets the bounded converter."""
    app.url_map.converters["int"] = IdConverter


def parse_int(value, default: int | None = None, *, minimum: int = 1, maximum: int = INT32_MAX) -> int | None:
    """`value` as an integer within [minimum, maximum]; `default` for anything else."""
    if value is None:
        return default
    text = str(value).strip()
    digits = text[1:] if text[:1] == "-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        return default
    number = int(text)
    return number if minimum <= number <= maximum else default


def int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = INT32_MAX) -> int | None:
    """The query-string argument `name` as an integer in range, else `default` (the filter is off)."""
    return parse_int(request.args.get(name), default, minimum=minimum, maximum=maximum)


def page_arg(name: str = "trang") -> int:
    """A page number: 1 when missing, wrong or out of range."""
    return parse_int(request.args.get(name), 1, maximum=INT32_MAX) or 1
