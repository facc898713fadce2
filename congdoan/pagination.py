"""One page of a list: the one pagination every list page uses (requests, plans, tasks, search, figures).

A page number out of range is clamped to the nearest page, so a stale link (the list shrank) still shows
something; `total` may be passed when the caller has already counted the rows (a count kept at write time,
or one COUNT shared with a summary). Lists that keep a page past the last (`clamp_page=False`) and have no
total read the page first and count only when the page cannot tell (`page_then_count`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from .extensions import db


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int


def count(query: sa.Select) -> int:
    """How many rows `query` gives, counted without its ORDER BY."""
    return db.session.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one()


def clamp(total: int, page: int, size: int) -> tuple[int, int]:
    """(the page to show, the number of pages) for `total` rows, `size` a page."""
    pages = max((total + size - 1) // size, 1)
    return min(max(page, 1), pages), pages


def paginate(query: sa.Select, page: int, size: int, *, total: int | None = None, scalars: bool = True,
             clamp_page: bool = True) -> Page:
    """One page of `query`'s rows (its ORM objects when `scalars`); `total` when the caller already counted them.
    Without `clamp_page`, a page past the last keeps its number and shows no rows (the plan and task lists)."""
    if total is None:
        total = count(query)
    shown, pages = clamp(total, page, size)
    page = shown if clamp_page else max(page, 1)
    items: list = []
    if total and page <= pages:
        result = db.session.execute(query.limit(size).offset((page - 1) * size))
        items = list(result.scalars().all() if scalars else result.all())
    return Page(items, total, page, pages)


def page_then_count(query: sa.Select, page: int, size: int, *, scalars: bool = True,
                    counting: sa.Select | None = None,
                    window: Callable[[int, int], sa.Select] | None = None) -> Page:
    """`paginate(query, page, size, clamp_page=False)` (the same Page), with the page read first and the rows
    counted only when the page cannot tell how many there are: a page that is not full ends the list, so
    the total is the rows before it and on it; a full page, or an empty page after the first, needs the
    COUNT. A search that finds less than a page (or nothing) is then one statement, not two.
    `counting`: a select of that number cheaper than counting `query` (without its joins, say);
    `window(limit, offset)`: the select of one page, when it is cheaper than `query` cut (its ids read
    from an index first, say)."""
    page = max(page, 1)
    offset = (page - 1) * size
    result = db.session.execute(query.limit(size).offset(offset) if window is None else window(size, offset))
    items = list(result.scalars().all() if scalars else result.all())
    if 0 < len(items) < size or (page == 1 and not items):
        total = offset + len(items)
    else:
        total = count(query) if counting is None else db.session.execute(counting).scalar_one()
    return Page(items, total, page, clamp(total, page, size)[1])
