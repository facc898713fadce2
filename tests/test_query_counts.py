"""The number of database queries a page makes must not grow with the data: each main page is
counted at two data sizes ten times apart, and any difference fails. (Speed itself is measured by
`make bench`, never by timed assertions.)"""
from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from congdoan.approvals import services as approvals
from congdoan.extensions import db

from .conftest import login, make_group, make_user
from .plan_factories import make_plan


@contextlib.contextmanager
def count_queries():
    counter = {"n": 0}

    def before(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


def _build(scale: int):
    """A union whose size grows with `scale`: groups, members, plans with schedules, a vote."""
    groups = [make_group(f"Tổ {i:03d}") for i in range(2 * scale)]
    chair = make_user("Chủ Tịch", email="chair@thanhto.demo", roles=["chair", "committee"], group=groups[0])
    committee = [chair] + [make_user(roles=["committee"], group=groups[i % len(groups)]) for i in range(4)]
    for i in range(10 * scale):
        make_user(group=groups[i % len(groups)])
    for g in groups:
        g.leader_id = committee[1].id if g is groups[0] else None
    db.session.commit()
    schedule = [{"period": f"{m}/2024", "activities": [{"text": f"Việc {m}.{k}", "groups": [groups[k % len(groups)].name],
                                                       "due": None} for k in range(3 * scale)]}
                for m in range(1, 13)]
    sections = [{"title": f"MỤC {s}", "lines": [{"kind": "bullet", "level": 0, "text": f"Dòng {s}.{k}"}
                                                 for k in range(5 * scale)]} for s in range(4)]
    # Distinct authors, so a page that loads each plan's author lazily shows up as more queries.
    authors = [make_user(f"Người Soạn {i}", roles=["committee"]) for i in range(3 * scale)]
    plans = [make_plan(authors[i], f"Kế hoạch số {i} năm 2024 tết trung thu", sections=sections, schedule=schedule)
             for i in range(3 * scale)]
    target = plans[0]
    approvals.submit(target, actor=chair)
    for voter in committee[1:3] + authors[1:1 + scale]:
        approvals.vote(target, voter=voter, choice="for")
        approvals.comment(target, author=voter, text="Góp ý", section="MỤC 1")
    db.session.commit()
    return chair, target


PAGES = {
    "home": lambda plan: "/",
    "plan_list": lambda plan: "/ke-hoach/",
    "plan_search": lambda plan: "/ke-hoach/?q=tet+trung+thu&nam=2024",
    "plan_detail": lambda plan: f"/ke-hoach/{plan.id}",
    "plan_preview": lambda plan: f"/ke-hoach/{plan.id}/xem-truoc",
    "plan_review": lambda plan: f"/ke-hoach/{plan.id}/duyet",
    "plan_history": lambda plan: f"/ke-hoach/{plan.id}/lich-su",
    "people_admin": lambda plan: "/quan-tri/nguoi-dung",
    "groups_admin": lambda plan: "/quan-tri/to-cong-doan",
    "notifications": lambda plan: "/thong-bao/",
}


def _measure(app, scale: int) -> dict[str, int]:
    chair, plan = _build(scale)
    chair.set_roles(["chair", "committee", "admin"])
    db.session.commit()
    return measure_pages(app, chair, PAGES, plan)


def measure_pages(app, user, pages: dict, subject) -> dict[str, int]:
    """Queries of each page (name -> url(subject)) for this person, after one warm-up request."""
    client = app.test_client()
    login(client, user)
    counts = {}
    for name, url in pages.items():
        path = url(subject)
        client.get(path)                         # warm caches (settings row, templates)
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = counter["n"]
    return counts


@pytest.fixture
def fresh_db():
    from .conftest import _empty_database
    yield _empty_database


# Lists that read their page first and count only when the page is full (pagination.page_then_count):
# the small union's 3 plans leave the page short, so its total needs no COUNT; the large one's 30 fill it.
# One statement more, never more than one: a page that read each plan's author would still show.
COUNTED_WHEN_FULL = {"plan_list", "plan_search"}


def test_queries_per_page_do_not_grow_with_the_data(app, fresh_db):
    small = _measure(app, 1)
    fresh_db()
    large = _measure(app, 10)
    grown = {name: (small[name], large[name]) for name in PAGES
             if large[name] - small[name] not in ((0, 1) if name in COUNTED_WHEN_FULL else (0,))}
    assert not grown, f"queries per page grew with the data (small, large): {grown}"
