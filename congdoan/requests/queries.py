"""Lists of requests: what each person may see (visible_to, the SQL twin of MemberRequest.can_view),
the inboxes, filtered lists, counts for the home page."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..people.models import Group, User
from ..text import fold
from .kinds import KINDS, PUBLIC_KINDS
from .models import LEADER_ACTIONS, Campaign, MemberRequest, RequestEvent, is_reviewer
from .states import Status

PAGE_SIZE = 20
R = MemberRequest


def visible_to(user):
    """A WHERE clause selecting exactly the requests `user` can view (see MemberRequest.can_view)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return sa.false()
    if is_reviewer(user):
        return sa.true()
    led = [g.id for g in user.led_groups if g.active]
    handled = sa.exists().where(RequestEvent.request_id == R.id, RequestEvent.actor_id == user.id,
                                RequestEvent.action.in_(LEADER_ACTIONS))
    leader_rule = sa.and_(R.status == Status.SUBMITTED.value, R.group_id.in_(led)) if led else sa.false()
    return sa.or_(R.requester_id == user.id, sa.and_(R.kind.in_(PUBLIC_KINDS), sa.or_(leader_rule, handled)))


def _with_people(query):
    return query.options(selectinload(R.group), selectinload(R.campaign))


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int


def paginate(query, page: int, size: int = PAGE_SIZE) -> Page:
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar() or 0
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 1), pages)
    items = db.session.execute(query.limit(size).offset((page - 1) * size)).scalars().all()
    return Page(items, total, page, pages)


def mine(user):
    return _with_people(sa.select(R).where(R.requester_id == user.id).order_by(R.id.desc()))


def leader_waiting(user):
    """Requests of the groups `user` leads that wait for their confirmation."""
    led = [g.id for g in user.led_groups if g.active]
    if not led:
        return sa.select(R).where(sa.false())
    return _with_people(sa.select(R).where(R.group_id.in_(led), R.status == Status.SUBMITTED.value,
                                           R.kind.in_(PUBLIC_KINDS), R.requester_id != user.id)
                        .order_by(R.id))


def leader_handled(user):
    """Requests `user` confirmed or asked about, newest first."""
    handled = sa.exists().where(RequestEvent.request_id == R.id, RequestEvent.actor_id == user.id,
                                RequestEvent.action.in_(LEADER_ACTIONS))
    return _with_people(sa.select(R).where(handled, R.kind.in_(PUBLIC_KINDS)).order_by(R.updated_at.desc(), R.id.desc()))


def with_status(*states: Status):
    return _with_people(sa.select(R).where(R.status.in_([s.value for s in states])).order_by(R.id))


def without_leader():
    """Requests waiting for a group leader whose group has nobody who can confirm them (no group,
    group stopped, no leader, leader inactive or the requester): the committee confirms these."""
    leader = aliased(User)
    return _with_people(
        sa.select(R).outerjoin(Group, Group.id == R.group_id).outerjoin(leader, leader.id == Group.leader_id)
        .where(R.status == Status.SUBMITTED.value,
               sa.or_(R.group_id.is_(None), Group.active.is_(False), Group.leader_id.is_(None),
                      leader.active.is_(False), Group.leader_id == R.requester_id))
        .order_by(R.id))


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    status: str = ""
    campaign_id: int | None = None
    group_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        kind = args.get("loai", "")
        status = args.get("trang_thai", "")
        return cls(q=(args.get("q") or "").strip()[:100],
                   kind=kind if kind in KINDS else "",
                   status=status if status in {s.value for s in Status} or status == "open" else "",
                   campaign_id=args.get("dot", type=int), group_id=args.get("to", type=int))

    def args(self) -> dict:
        """The query-string arguments that reproduce these filters (for links and the export)."""
        out = {"q": self.q, "loai": self.kind, "trang_thai": self.status, "dot": self.campaign_id,
               "to": self.group_id}
        return {k: v for k, v in out.items() if v not in (None, "")}


def filtered(f: Filters, *, newest_first: bool = True):
    query = sa.select(R).join(User, User.id == R.requester_id)
    if f.q:
        key = f"%{fold(f.q)}%"
        query = query.where(sa.or_(User.name_key.like(key), R.summary_key.like(key)))
    if f.kind:
        query = query.where(R.kind == f.kind)
    if f.status == "open":
        query = query.where(R.status.in_([s.value for s in (Status.SUBMITTED, Status.RETURNED,
                                                                   Status.CONFIRMED, Status.QUERIED)]))
    elif f.status:
        query = query.where(R.status == f.status)
    if f.campaign_id:
        query = query.where(R.campaign_id == f.campaign_id)
    if f.group_id:
        query = query.where(R.group_id == f.group_id)
    return _with_people(query.order_by(R.id.desc() if newest_first else R.id))


def count(query) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar() or 0


def approved_total(query) -> int:
    """The sum of approved amounts (approved or paid) over a query of requests."""
    sub = query.order_by(None).subquery()
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(sub.c.amount_approved), 0))
        .where(sub.c.status.in_([Status.APPROVED.value, Status.DONE.value]))).scalar() or 0


def open_campaigns(today) -> list[Campaign]:
    return db.session.execute(
        sa.select(Campaign).where(Campaign.closed_at.is_(None), Campaign.deadline >= today)
        .order_by(Campaign.deadline, Campaign.id)).scalars().all()


def campaign_requests(campaign: Campaign):
    """The list of a campaign: every request in it except withdrawn ones, oldest first."""
    return _with_people(sa.select(R).join(User, User.id == R.requester_id)
                        .where(R.campaign_id == campaign.id, R.status != Status.WITHDRAWN.value)
                        .order_by(R.id))


def group_choices() -> list[tuple[int, str]]:
    return [(g.id, g.name) for g in db.session.execute(sa.select(Group).order_by(Group.name_key)).scalars()]


def campaign_choices() -> list[tuple[int, str]]:
    return [(c.id, c.title) for c in db.session.execute(sa.select(Campaign).order_by(Campaign.id.desc())).scalars()]
