"""Home-page panels of the requests area: open campaigns, my requests, and the inboxes of the group
leader, the committee and the accountant, each with its count. Counts only: each panel is one or
two statements that read indexes, never the requests themselves; the whole union's requests waiting
for the committee and for payment (and the sum approved) are read from the totals kept at write time
(totals.py). What every committee member (or the accountant) sees alike is kept per process until a
request changes (congdoan/changes.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import astuple, dataclass

import sqlalchemy as sa

from ..changes import remembered
from ..dates import local_today
from ..home.panels import Panel, provider
from ..extensions import db
from ..permissions import Perm, has_permission
from . import queries, totals
from .queries import R
from .states import Status, WAITING_FOR_REQUESTER

@provider
def leader_inbox(user):
    if not has_permission(user, Perm.REQUESTS_CONFIRM):
        return None
    (waiting,) = queries.counts(queries.leader_waiting_where(user))
    return Panel("member_requests/_home_leader.html", {"waiting": waiting}, order=10)


@provider
def committee_inbox(user):
    if not has_permission(user, Perm.REQUESTS_DECIDE):
        return None
    waiting, orphans = remembered("requests", ("committee_inbox",), lambda: tuple(db.session.execute(
        sa.select(totals.number_in(Status.CONFIRMED), queries.count_of(queries.without_leader_where()))).one()))
    return Panel("member_requests/_home_committee.html", {"waiting": waiting, "orphans": orphans}, order=12)


@provider
def payment_inbox(user):
    if not has_permission(user, Perm.REQUESTS_PAY):
        return None
    waiting, total = remembered("requests", ("payment_inbox",), lambda: astuple(totals.read(Status.APPROVED)))
    return Panel("member_requests/_home_payment.html", {"waiting": waiting, "total": total}, order=14)


@dataclass(frozen=True)
class OpenCampaign:
    id: int
    title: str
    deadline: dt.date
    slug: str


@provider
def open_campaigns(user):
    if not has_permission(user, Perm.SIGNED_IN):
        return None
    today = local_today()
    campaigns = remembered("requests", ("open_campaigns", today), lambda: tuple(
        OpenCampaign(c.id, c.title, c.deadline, c.spec.slug) for c in queries.open_campaigns(today)))
    if not campaigns:
        return None
    mine = dict(db.session.execute(
        sa.select(R.campaign_id, sa.func.count())
        .where(R.requester_id == user.id, R.campaign_id.in_([c.id for c in campaigns]),
               R.status != Status.WITHDRAWN.value)
        .group_by(R.campaign_id)).all())
    return Panel("campaigns/_home_panel.html", {"campaigns": campaigns, "mine": mine}, order=20)


@provider
def my_requests(user):
    if not has_permission(user, Perm.SIGNED_IN):
        return None
    recent = queries.rows(R.requester_id == user.id, page=1, size=5)
    answer = 0
    if recent:
        (answer,) = queries.counts([R.requester_id == user.id,
                                    R.status.in_([s.value for s in WAITING_FOR_REQUESTER])])
    return Panel("member_requests/_home_mine.html", {"recent": recent, "answer": answer}, order=30)
