"""One page of a list read before it is counted (congdoan/pagination.py::page_then_count): the same page as
counting first, with the COUNT sent only when the page itself cannot tell the total."""
from __future__ import annotations

import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.pagination import page_then_count, paginate
from congdoan.people.models import Group

from .conftest import make_group
from .test_query_counts import count_queries


def _shown(page):
    """A Page with its rows as ids, to compare two Pages read in different ways."""
    return ([row.id for row in page.items], page.total, page.page, page.pages)


def test_reading_the_page_first_gives_the_page_counting_first_gives():
    ids = [make_group(f"Tổ {i:02d}").id for i in range(11)]
    db.session.commit()
    checked = 0
    for rows in range(len(ids) + 1):                 # the empty table up to 11 rows
        for size in (1, 2, 3, 4, 5, 11, 12):         # 11 rows in pages of 1 and of 11: an exactly full last page
            last = max((rows + size - 1) // size, 1)
            for number in (-3, 0, 1, 2, last - 1, last, last + 1, last + 5):
                for scalars, counted in ((True, False), (False, False), (False, True)):
                    query = (sa.select(Group if scalars else Group.id).where(Group.id.in_(ids[:rows]))
                             .order_by(Group.id))
                    counting = sa.select(sa.func.count(Group.id)).where(Group.id.in_(ids[:rows])) if counted else None
                    before = paginate(query, number, size, scalars=scalars, clamp_page=False)
                    with count_queries() as sent:
                        after = page_then_count(query, number, size, scalars=scalars, counting=counting)
                    where = (rows, size, number, scalars, counted)
                    assert _shown(after) == _shown(before), where
                    page = max(number, 1)
                    on_page = len(ids[:rows][(page - 1) * size:page * size])
                    told = 0 < on_page < size or (page == 1 and on_page == 0)
                    assert sent["n"] == (1 if told else 2), where
                    checked += 1
    assert checked > 1000
