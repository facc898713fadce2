"""Who hears of what: the active people holding some office, in one place.

"The committee" of the notifications is everyone who decides or pays: the active members of the
Ban Chấp hành (the chair and vice chairs sit on it by office) and the holders of every other office
(Kế toán / Thủ quỹ). Queries that need "active people holding role X" go through `holders()` rather
than repeating the join.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from ..extensions import db
from .models import User, UserRole
from .roles import COMMITTEE_ROLES, OFFICES, Role

# Everyone who decides or pays: the committee and the office holders.
DECIDERS = frozenset(COMMITTEE_ROLES | set(OFFICES))


def holding(roles: Iterable[Role]) -> sa.ColumnElement[bool]:
    """WHERE clause on User: an active account holding at least one of `roles`."""
    return sa.and_(User.active.is_(True), User.id.in_(
        sa.select(UserRole.user_id).where(UserRole.role.in_(sorted(Role(r).value for r in roles)))))


def holders_query(roles: Iterable[Role]) -> sa.Select:
    """SELECT of the active accounts holding at least one of `roles`, by name (each once)."""
    return sa.select(User).where(holding(roles)).order_by(User.sort_key, User.id)


def count_holders(roles: Iterable[Role], *, excluding=None) -> int:
    """How many active accounts hold at least one of `roles` (without the person `excluding`)."""
    query = sa.select(sa.func.count()).select_from(User).where(holding(roles))
    skip = getattr(excluding, "id", excluding)
    if skip is not None:
        query = query.where(User.id != skip)
    return db.session.execute(query).scalar_one()


def holders(roles: Iterable[Role], *, excluding=None) -> list[User]:
    """The active accounts holding at least one of `roles`, by name; without the person `excluding`
    (a User or an id: the one who acted is not told of their own act)."""
    people = db.session.execute(holders_query(roles)).scalars().all()
    skip = getattr(excluding, "id", excluding)
    return [p for p in people if p.id != skip]


def committee_and_officers(*, excluding=None) -> list[User]:
    """The committee and the office holders (chair, vice chairs, committee members, accountant)."""
    return holders(DECIDERS, excluding=excluding)


def active_member_ids() -> sa.Select:
    """SELECT of the ids of every active account: every one of them is a member (roles.py)."""
    return sa.select(User.id).where(User.active.is_(True))
