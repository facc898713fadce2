"""Lists of requests: what each person may see (visible_to, the SQL twin of MemberRequest.can_view),
the inboxes, filtered lists, counts for the home page."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import aliased, joinedload, lazyload, selectinload

from ..changes import remembered
from ..dates import LOCAL_TZ, parse_iso_date
from ..extensions import db
from ..limits import parse_int
from ..pagination import Page, clamp
from ..people.models import Group, User
from ..search import starts_words
from .kinds import KINDS, PUBLIC_KINDS
from .models import LEADER_ACTIONS, Campaign, MemberRequest, RequestEvent, is_reviewer, status_label
from . import totals
from .payments import Payment, voucher_label
from .states import OPEN_STATES, Status

PAGE_SIZE = 20
R = MemberRequest
# The states whose approved amount counts in a total.
COUNTED = (Status.APPROVED.value, Status.DONE.value)


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


def visible_ids(user) -> sa.Select | None:
    """The ids of the requests `user` can view (the rows visible_to selects), or None when that is every
    request (the committee and the accountant): their own, the waiting ones of the groups they lead,
    and those they handled, each read through its own index. A person outside the committee sees a
    few dozen requests; as a filter on every request's row the rule cost the search box a reading of
    all 200,000 at issue 20's scale (122 ms on PostgreSQL for a member's five hits)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return sa.select(R.id).where(sa.false())
    if is_reviewer(user):
        return None
    parts = [sa.select(R.id).where(R.requester_id == user.id),
             sa.select(RequestEvent.request_id).join(R, R.id == RequestEvent.request_id)
             .where(RequestEvent.actor_id == user.id, RequestEvent.action.in_(LEADER_ACTIONS),
                    R.kind.in_(PUBLIC_KINDS))]
    led = [g.id for g in user.led_groups if g.active]
    if led:
        parts.append(sa.select(R.id).where(R.status == Status.SUBMITTED.value, R.group_id.in_(led),
                                           R.kind.in_(PUBLIC_KINDS)))
    return sa.union_all(*parts)


def _with_people(query):
    """Cards show the requester's name, the group and the campaign; not the timeline, nor the
    requester's roles and led groups (which User loads eagerly for the signed-in person)."""
    return query.options(selectinload(R.group), selectinload(R.campaign), lazyload(R.events),
                         joinedload(R.requester).lazyload(User.role_rows),
                         joinedload(R.requester).lazyload(User.led_groups))


def mine(user):
    return _with_people(sa.select(R).where(R.requester_id == user.id).order_by(R.id.desc()))


def leader_waiting_where(user) -> list:
    """Requests of the groups `user` leads that wait for their confirmation."""
    led = [g.id for g in user.led_groups if g.active]
    if not led:
        return [sa.false()]
    return [R.group_id.in_(led), R.status == Status.SUBMITTED.value, R.kind.in_(PUBLIC_KINDS),
            R.requester_id != user.id]


def leader_waiting(user):
    return _with_people(sa.select(R).where(*leader_waiting_where(user)).order_by(R.id))


def leader_handled(user):
    """Requests `user` confirmed or asked about, newest first."""
    # Found from the leader's events (a few), the kind checked there too: a condition on the outer
    # rows would let SQLite walk every public request instead.
    inner = aliased(R, name="handled")
    handled = (sa.select(RequestEvent.request_id).join(inner, inner.id == RequestEvent.request_id)
               .where(RequestEvent.actor_id == user.id, RequestEvent.action.in_(LEADER_ACTIONS),
                      inner.kind.in_(PUBLIC_KINDS)))
    return _with_people(sa.select(R).where(R.id.in_(handled)).order_by(R.updated_at.desc(), R.id.desc()))


def with_status(*states: Status):
    return _with_people(sa.select(R).where(R.status.in_([s.value for s in states])).order_by(R.id))


def without_leader_where() -> list:
    """Requests waiting for a group leader whose group has nobody who can confirm them (no group,
    group stopped, no leader, leader inactive or the requester): the committee confirms these.
    Written on member_requests alone so the status index answers it without reading the rows."""
    inactive = sa.select(User.id).where(User.active.is_(False))
    unled = sa.select(Group.id).where(sa.or_(Group.active.is_(False), Group.leader_id.is_(None),
                                             Group.leader_id.in_(inactive)))
    own_leader = sa.tuple_(R.group_id, R.requester_id).in_(sa.select(Group.id, Group.leader_id))
    return [R.status == Status.SUBMITTED.value, sa.or_(R.group_id.is_(None), R.group_id.in_(unled), own_leader)]


def without_leader(limit: int):
    """The first `limit` of them, their ids picked from the status index before any row is read."""
    ids = sa.select(R.id).where(*without_leader_where()).order_by(R.id).limit(limit)
    return _with_people(sa.select(R).where(R.id.in_(ids)).order_by(R.id))


def count_of(where: list):
    """A scalar subquery: how many requests match these WHERE clauses."""
    return sa.select(sa.func.count()).select_from(R).where(*where).scalar_subquery()


def counts(*wheres: list) -> list[int]:
    """How many requests match each list of WHERE clauses, in one statement."""
    subqueries = [count_of(where) for where in wheres]
    return [n or 0 for n in db.session.execute(sa.select(*subqueries)).one()]


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    status: str = ""
    campaign_id: int | None = None
    group_id: int | None = None
    # The periods a year-end report's figures link with (congdoan/reports/figures): the day paid
    # (the payment record's date) and the local day submitted, both inclusive.
    paid_from: dt.date | None = None
    paid_to: dt.date | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        kind = args.get("loai", "")
        status = args.get("trang_thai", "")
        return cls(q=(args.get("q") or "").strip()[:100],
                   kind=kind if kind in KINDS else "",
                   status=status if status in {s.value for s in Status} or status == "open" else "",
                   campaign_id=parse_int(args.get("dot")), group_id=parse_int(args.get("to")),
                   paid_from=_day(args.get("chi_tu")), paid_to=_day(args.get("chi_den")),
                   submitted_from=_day(args.get("gui_tu")), submitted_to=_day(args.get("gui_den")))

    def args(self) -> dict:
        """The query-string arguments that reproduce these filters (for links and the export)."""
        out = {"q": self.q, "loai": self.kind, "trang_thai": self.status, "dot": self.campaign_id,
               "to": self.group_id, **self.period_args()}
        return {k: v for k, v in out.items() if v not in (None, "")}

    def period_args(self) -> dict:
        out = {"chi_tu": self.paid_from, "chi_den": self.paid_to, "gui_tu": self.submitted_from,
               "gui_den": self.submitted_to}
        return {k: v.isoformat() for k, v in out.items() if v is not None}


def _day(value) -> dt.date | None:
    """A yyyy-mm-dd argument; anything else (or a year outside 1900-2100) leaves the filter off."""
    day = parse_iso_date((value or "").strip()[:10])
    return day if day is not None and 1900 <= day.year <= 2100 else None


def local_day_start(day: dt.date) -> dt.datetime:
    """The naive UTC instant a local (Vietnam) day begins, for columns stored as naive UTC."""
    return dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def conditions(f: Filters) -> list:
    """The WHERE clauses of `f`, on member_requests alone (no join: the counts read only indexes)."""
    where = []
    if f.q:
        where.append(sa.or_(R.requester_id.in_(sa.select(User.id).where(starts_words(User.name_key, f.q))),
                            starts_words(R.summary_key, f.q)))
    if f.kind:
        where.append(R.kind == f.kind)
    if f.status == "open":
        where.append(R.status.in_(sorted(s.value for s in OPEN_STATES)))
    elif f.status:
        where.append(R.status == f.status)
    if f.campaign_id:
        where.append(R.campaign_id == f.campaign_id)
    if f.group_id:
        where.append(R.group_id == f.group_id)
    if f.paid_from or f.paid_to:
        paid = [Payment.paid_on >= f.paid_from] if f.paid_from else []
        if f.paid_to:
            paid.append(Payment.paid_on <= f.paid_to)
        where.append(R.id.in_(sa.select(Payment.request_id).where(*paid)))
    if f.submitted_from:
        where.append(R.submitted_at >= local_day_start(f.submitted_from))
    if f.submitted_to:
        where.append(R.submitted_at < local_day_start(f.submitted_to + dt.timedelta(days=1)))
    return where


def filtered(f: Filters, *, newest_first: bool = True):
    return _with_people(sa.select(R).where(*conditions(f)).order_by(R.id.desc() if newest_first else R.id))


class Row:
    """A request as a table shows it: its own columns and two names, read as plain values (building
    ORM objects with their relationships cost more than the rest of the page)."""
    __slots__ = ("id", "kind", "status", "summary", "submitted_at", "amount_approved", "requester_name", "group_name",
                 "paid_on", "voucher", "receiver")
    COLUMNS = (R.id, R.kind, R.status, R.summary, R.submitted_at, R.amount_approved, User.full_name, Group.name,
               Payment.paid_on, Payment.voucher_year, Payment.voucher_seq, Payment.receiver)

    def __init__(self, values):
        (self.id, self.kind, self.status, self.summary, self.submitted_at, self.amount_approved,
         self.requester_name, self.group_name, self.paid_on, year, seq, self.receiver) = values
        self.voucher = voucher_label(year, seq) if seq else ""

    @property
    def spec(self):
        return KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.kind)


def rows(*where, page: int, size: int = PAGE_SIZE, newest_first: bool = True, peek: bool = False) -> list[Row]:
    """One page of the requests matching `where` as Rows (and the first of the next page when `peek`,
    to tell whether there is one). The page's ids are picked from the indexes first, then only those
    rows are read (a filter on kind or campaign would otherwise sort every matching row in full)."""
    order = R.id.desc() if newest_first else R.id
    ids = sa.select(R.id).where(*where).order_by(order).limit(size + peek).offset((page - 1) * size)
    query = (sa.select(*Row.COLUMNS).join(User, User.id == R.requester_id).outerjoin(Group, Group.id == R.group_id)
             .outerjoin(Payment, Payment.request_id == R.id).where(R.id.in_(ids)).order_by(order))
    return [Row(values) for values in db.session.execute(query)]


# Past this many requests a list that no campaign, group, name or period narrows says "hơn 1.000 đề xuất"
# and leaves its approved total out: such a list (every request, or every one of a kind or a state)
# grows with the union, and its count and sum would read all of it for the header of one page.
CAP = 1000


def narrowed(f: Filters) -> bool:
    """Whether `f` selects a set bounded by something other than the size of the union: a campaign, a
    group, the people a name finds, or a period (the totals an accountant reads)."""
    return bool(f.campaign_id or f.group_id or f.q or f.paid_from or f.paid_to or f.submitted_from
                or f.submitted_to)


def _capped_totals(where: list, cap: int | None) -> tuple[int, int]:
    """totals(), over at most `cap` + 1 of the requests (all of them when `cap` is None): one statement."""
    matching = sa.select(R.status, R.amount_approved).where(*where)
    if cap is not None:
        matching = matching.limit(cap + 1)
    sub = matching.subquery()
    money = sa.func.coalesce(sa.func.sum(sa.case((sub.c.status.in_(COUNTED), sub.c.amount_approved), else_=0)), 0)
    number, money = db.session.execute(sa.select(sa.func.count(), money).select_from(sub)).one()
    return number or 0, money or 0


def _states(f: Filters) -> list[str] | None:
    """The states a list selects when nothing but its state narrows it (every request, the open ones,
    those of one state), else None: such a list's number and sum are the totals kept per state."""
    if narrowed(f) or f.kind:
        return None
    if f.status == "open":
        return sorted(s.value for s in OPEN_STATES)
    return [f.status] if f.status else [s.value for s in Status]


def table_page(f: Filters, page: int, size: int = PAGE_SIZE) -> tuple[Page, int | None]:
    """The page of the full list that `f` selects, and the approved total of all it selects. A list
    selected by its state alone (or by nothing) is counted from the totals kept per state (totals.py).
    Any other list not `narrowed` (a kind) is counted up to CAP only: past it the Page's total is
    CAP + 1 (the page shows "hơn 1.000"), the approved total None, and any page number is served (the
    pager shows the next page while the page is full)."""
    where = conditions(f)
    states = _states(f)
    if states is not None:
        kept = totals.listed(states, COUNTED)
        page, pages = clamp(kept.number, page, size)
        return Page(rows(*where, page=page, size=size) if kept.number else [], kept.number, page, pages), kept.amount
    total, money = _capped_totals(where, None if narrowed(f) else CAP)
    if total <= CAP or narrowed(f):
        page, pages = clamp(total, page, size)
        return Page(rows(*where, page=page, size=size) if total else [], total, page, pages), money
    page = max(page, 1)
    items = rows(*where, page=page, size=size, peek=True)
    if not items and page > 1:     # past the end (a stale link): the last page, counted in full this once
        last = clamp(_capped_totals(where, None)[0], page, size)[0]
        items, page = rows(*where, page=last, size=size, peek=True), last
    pages = page + 1 if len(items) > size else page
    return Page(items[:size], total, page, pages), None


def approved_total(query) -> int:
    """The sum of approved amounts (approved or paid) over a query of requests."""
    sub = query.order_by(None).subquery()
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(sub.c.amount_approved), 0))
        .where(sub.c.status.in_(COUNTED))).scalar() or 0


def open_campaigns(today) -> list[Campaign]:
    return db.session.execute(
        sa.select(Campaign).where(Campaign.closed_at.is_(None), Campaign.deadline >= today)
        .order_by(Campaign.deadline, Campaign.id)).scalars().all()


def campaign_requests(campaign: Campaign):
    """The list of a campaign: every request in it except withdrawn ones, oldest first, with their
    payment records."""
    return _with_people(sa.select(R).join(User, User.id == R.requester_id)
                        .where(R.campaign_id == campaign.id, R.status != Status.WITHDRAWN.value)
                        .order_by(R.id)).options(selectinload(R.payment))


def group_choices() -> list[tuple[int, str]]:
    return [tuple(r) for r in db.session.execute(sa.select(Group.id, Group.name).order_by(Group.name_key))]


def campaign_choices() -> list[tuple[int, str]]:
    return [tuple(r) for r in db.session.execute(sa.select(Campaign.id, Campaign.title).order_by(Campaign.id.desc()))]


# The full list's filter bar offers every group (2,000 in a factory union) and campaign: their <option>s
# are kept per process under the "requests" counter (member_requests/models.py: it moves with every write
# to a request, a campaign, a group or a person, so right after one they are built again).


def filter_options(options: Callable[[list, object], str], group_id: int | None,
                   campaign_id: int | None) -> tuple[Markup, Markup]:
    """The <option>s of the group and the campaign selects, `options(choices, selected)` built once
    with nothing selected, then the chosen one marked."""
    groups, campaigns = remembered("requests", ("filter_options",),
                                   lambda: (str(options(group_choices(), None)), str(options(campaign_choices(), None))))
    return Markup(_select(groups, group_id)), Markup(_select(campaigns, campaign_id))


def _select(html: str, value) -> str:
    return html.replace(f'<option value="{value}" >', f'<option value="{value}" selected>', 1) if value else html
