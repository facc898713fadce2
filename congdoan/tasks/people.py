"""Who tasks go to and who hears of them: the active groups, the holders of a role (the chair, those
who hand out tasks, the committee), and an assignee's name."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..people.models import Group, User
from ..people.audiences import holders
from ..people.roles import COMMITTEE_ROLES, Role
from .models import COMMITTEE, COMMITTEE_LABEL


def active_groups() -> list[Group]:
    return db.session.execute(
        sa.select(Group).where(Group.active.is_(True)).order_by(Group.name_key)
        .options(joinedload(Group.leader))).scalars().all()


def active_group_names(only=None) -> list[tuple[int, str]]:
    """(id, name) of the active groups by name, or of those among `only`: columns, not objects."""
    query = sa.select(Group.id, Group.name).where(Group.active.is_(True)).order_by(Group.name_key)
    if only is not None:
        query = query.where(Group.id.in_(sorted(only)))
    return [tuple(r) for r in db.session.execute(query)]


def chairs() -> list[User]:
    return holders({Role.CHAIR})


def assigners() -> list[User]:
    """Those who hand out tasks: the chair and the vice chairs."""
    return holders({Role.CHAIR, Role.VICE_CHAIR})


def committee_members() -> list[User]:
    return holders(COMMITTEE_ROLES)


def assignee_name(assignee: int, groups: dict[int, Group]) -> str:
    if assignee == COMMITTEE:
        return COMMITTEE_LABEL
    group = groups.get(assignee)
    return group.name if group else f"Tổ #{assignee}"
