"""The request pages make the same number of database queries whatever the number of requests: each
page is counted with a union ten times larger and any difference fails (test_query_counts.py does
the same for the other areas)."""
from __future__ import annotations

import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.people.models import User

from .conftest import _empty_database, login, make_group, make_user
from .reqkit import ACTOR_OF, PATHS, act, make_campaign, png_bytes, submit, upload
from .test_query_counts import measure_pages

OTHER_KINDS = ("sick_visit", "suggestion", "hardship", "emulation")
STATES = ("submitted", "confirmed", "queried", "approved", "done", "refused", "returned")


def _build(scale: int):
    """Requests in every state from two groups (one led by the chair), requests of a group that
    lost its leader, a campaign with entries and the chair's own requests, growing with `scale`."""
    groups = [make_group(f"Tổ {i}") for i in range(3)]
    chair = make_user("Chủ Tịch", email="chair@thanhto.demo", roles=["chair", "committee", "accountant"],
                      group=groups[0])
    leader = make_user("Tổ Trưởng", leads=groups[0])
    groups[1].leader_id = chair.id            # the chair confirms for this group: an inbox of their own
    former = make_user("Tổ Trưởng Cũ", leads=groups[2])
    db.session.commit()
    campaign = make_campaign(chair)
    for i in range(len(STATES) * scale):       # every state at every scale: no list is ever empty
        member = make_user(group=groups[0])
        req = submit(member, "wedding_funeral")
        for action in PATHS[STATES[i % len(STATES)]]:
            act(req, action, {"leader": leader, "member": member}.get(ACTOR_OF[action], chair))
        submit(member, OTHER_KINDS[i % len(OTHER_KINDS)])
        submit(member, "child_award", campaign=campaign, files=[upload(png_bytes(), "giay-khen.png")])
    for i in range(2 * scale):
        submit(make_user(group=groups[1 + i % 2]), "wedding_funeral")
    for _ in range(scale):
        submit(chair, "wedding_funeral")
    groups[2].leader_id = None                # its waiting requests now go to the committee
    db.session.commit()
    assert former.group_id == groups[2].id
    return chair, campaign


PAGES = {
    "home": lambda c: "/",
    "my_requests": lambda c: "/de-xuat/",
    "all_requests": lambda c: "/de-xuat/tat-ca",
    "all_requests_filtered": lambda c: "/de-xuat/tat-ca?trang_thai=approved&loai=wedding_funeral",
    "all_requests_search": lambda c: "/de-xuat/tat-ca?q=nguoi+thu",
    "leader_inbox": lambda c: "/de-xuat/cho-xac-nhan",
    "committee_inbox": lambda c: "/de-xuat/cho-duyet",
    "payment_inbox": lambda c: "/de-xuat/cho-chi",
    "campaign": lambda c: f"/dot-tiep-nhan/{c.id}",
}


def _measure(app, scale: int) -> dict[str, int]:
    chair, campaign = _build(scale)
    return measure_pages(app, chair, PAGES, campaign)


def test_request_pages_make_as_many_queries_for_a_larger_union(app):
    small = _measure(app, 1)
    _empty_database()
    large = _measure(app, 8)
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar() > 30
    grown = {name: (small[name], large[name]) for name in PAGES if small[name] != large[name]}
    assert not grown, f"queries per page grew with the data (small, large): {grown}"
