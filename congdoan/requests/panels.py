"""Home-page panels of the requests area: open campaigns, my requests, and the inboxes of the group
leader, the committee and the accountant, each with its count."""
from __future__ import annotations

from ..dates import local_today
from ..home.panels import Panel, provider
from ..extensions import db
from ..permissions import Perm, has_permission
from . import queries
from .states import Status, WAITING_FOR_REQUESTER


@provider
def leader_inbox(user):
    if not has_permission(user, Perm.REQUESTS_CONFIRM):
        return None
    waiting = queries.count(queries.leader_waiting(user))
    return Panel("requests/_home_leader.html", {"waiting": waiting}, order=10)


@provider
def committee_inbox(user):
    if not has_permission(user, Perm.REQUESTS_DECIDE):
        return None
    waiting = queries.count(queries.with_status(Status.CONFIRMED))
    orphans = queries.count(queries.without_leader())
    return Panel("requests/_home_committee.html", {"waiting": waiting, "orphans": orphans}, order=12)


@provider
def payment_inbox(user):
    if not has_permission(user, Perm.REQUESTS_PAY):
        return None
    query = queries.with_status(Status.APPROVED)
    return Panel("requests/_home_payment.html",
                 {"waiting": queries.count(query), "total": queries.approved_total(query)}, order=14)


@provider
def open_campaigns(user):
    if not has_permission(user, Perm.SIGNED_IN):
        return None
    campaigns = queries.open_campaigns(local_today())
    if not campaigns:
        return None
    mine = {}
    for req in db.session.execute(queries.mine(user)).scalars():
        if req.campaign_id and req.state != Status.WITHDRAWN:
            mine[req.campaign_id] = mine.get(req.campaign_id, 0) + 1
    return Panel("campaigns/_home_panel.html", {"campaigns": campaigns, "mine": mine}, order=20)


@provider
def my_requests(user):
    if not has_permission(user, Perm.SIGNED_IN):
        return None
    recent = db.session.execute(queries.mine(user).limit(5)).scalars().all()
    if not recent:
        return Panel("requests/_home_mine.html", {"recent": [], "answer": 0, "open": 0}, order=30)
    answer = queries.count(queries.mine(user).where(queries.R.status.in_([s.value for s in WAITING_FOR_REQUESTER])))
    open_ = queries.count(queries.mine(user).where(queries.R.status.in_(
        [s.value for s in (Status.SUBMITTED, Status.CONFIRMED, Status.APPROVED)])))
    return Panel("requests/_home_mine.html", {"recent": recent, "answer": answer, "open": open_}, order=30)
