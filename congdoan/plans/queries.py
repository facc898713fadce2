"""Reading the lists of plans: what a person may see, one page of the plan (or report) list
filtered and searched, and the years and authors its filter menus offer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..changes import remembered
from ..extensions import db
from ..pagination import page_then_count
from ..people.models import User
from ..search import starts_words
from .kinds import PLAN
from .models import PUBLIC, Plan, PlanStatus

PAGE_SIZE = 30


def _visible(user: User):
    """The condition on plans for what this person may see (None: everything)."""
    if user.is_committee_member:
        return None
    return sa.or_(Plan.status.in_([s.value for s in PUBLIC]), Plan.author_id == user.id)


def visible_plans(user: User):
    """A select of the plans this person may see: all for the committee, approved, issued and
    archived ones (and their own drafts) for everyone else."""
    condition = _visible(user)
    query = sa.select(Plan)
    return query if condition is None else query.where(condition)


@dataclass(frozen=True)
class PlanSummary:
    """One line of the plan list: the few columns it shows, not the plan with its text and author."""
    id: int
    status: str
    type_name: str
    subject: str
    number: str | None
    updated_at: dt.datetime
    author_name: str

    @property
    def state(self) -> PlanStatus:
        return PlanStatus(self.status)


def list_plans(user: User, *, q: str = "", status: str = "", year: int | None = None,
               author_id: int | None = None, page: int = 1, kind: str = PLAN.key) -> tuple[list[PlanSummary], int]:
    """One page of the documents of `kind` (plans by default, reports for /bao-cao) this person may
    see, newest first, filtered and searched without accents or case ("tet trung thu" finds "Tết
    Trung thu"). Returns (plans, total)."""
    conditions = [c for c in [_visible(user)] if c is not None] + [Plan.kind == kind]
    words = starts_words(Plan.search_key, q)
    if words is not None:
        conditions.append(words)
    if status in {s.value for s in PlanStatus}:
        conditions.append(Plan.status == status)
    if year:
        conditions.append(Plan.year == year)
    if author_id:
        conditions.append(Plan.author_id == author_id)
    order = (Plan.updated_at.desc(), Plan.id.desc())
    shown = (sa.select(Plan.id, Plan.status, Plan.type_name, Plan.subject, Plan.number, Plan.updated_at,
                       User.full_name).join(User, User.id == Plan.author_id).order_by(*order))
    query = shown.where(*conditions)
    ids = sa.select(Plan.id).where(*conditions).order_by(*order)

    def window(limit: int, offset: int) -> sa.Select:
        # The page's ids from ix_plans_kind_updated_at alone (the rule and the words are tested in the
        # index), then their rows: asked for the shown columns at once, PostgreSQL read every plan's row
        # (713 pages at issue 20's scale) to find that no key held the words; the index is 83.
        return shown.where(Plan.id.in_(ids.limit(limit).offset(offset).scalar_subquery()))

    # The page first: a search that finds less than a page (or nothing) is then counted by its page,
    # without a second pass over every plan's key. The COUNT, when needed, reads the plans alone (every
    # plan has its author: the join drops none), from the index.
    found = page_then_count(query, page, PAGE_SIZE, scalars=False, window=window,
                            counting=sa.select(sa.func.count(Plan.id)).where(*conditions))
    return [PlanSummary(*row) for row in found.items], found.total


def filter_choices(user: User, kind: str = PLAN.key) -> tuple[list[int], list[tuple[int, str]]]:
    """The years and authors that occur among the visible documents of `kind` (for the filter menus).
    The committee's, the same for every member of it, are kept until a plan changes (`tracking`) or a
    person does (`requests`: an author renamed): they read every plan's year and author,
    0.4 → 0.7 and 0.5 → 1.3 ms of SQL from 300 to 3,000 plans on PostgreSQL (docs/caching.md)."""
    condition = _visible(user)
    if condition is None:
        return remembered("tracking", ("plan_filter_choices", kind), lambda: _filter_choices(None, kind),
                          also=("requests",))
    return _filter_choices(condition, kind)


def _filter_choices(condition, kind: str) -> tuple[list[int], list[tuple[int, str]]]:
    conditions = ([condition] if condition is not None else []) + [Plan.kind == kind]
    years = db.session.execute(sa.select(Plan.year).where(*conditions).distinct()
                               .order_by(Plan.year.desc())).scalars().all()
    authors = db.session.execute(
        sa.select(User.id, User.full_name).where(User.id.in_(sa.select(Plan.author_id).where(*conditions)))
        .order_by(User.sort_key)).all()
    return years, [(a.id, a.full_name) for a in authors]
