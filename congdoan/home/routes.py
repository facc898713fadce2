from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, current_app, send_from_directory
from flask_login import current_user
from sqlalchemy.orm import aliased

from .. import health
from ..extensions import db
from ..people.models import Group, User
from ..permissions import Perm, public, requires
from ..web import render
from .panels import panels_for

bp = Blueprint("home", __name__)


@bp.route("/favicon.ico")
@public
def favicon():
    """Pages name static/favicon.svg; a browser still asks here for what is not a page (a PDF in a tab)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=7 * 86400)


@dataclass(frozen=True)
class GroupCard:
    """The person's union group as the home page shows it: names only."""
    name: str
    leader_id: int | None
    leader_name: str | None
    members: tuple[tuple[int, str], ...]     # active members (id, name), by name


@functools.cache
def _group_card_query() -> sa.Select:
    """Built once (aliasing User costs a millisecond a time): only the group id changes."""
    leader, member = aliased(User), aliased(User)
    return (sa.select(Group.name, Group.leader_id, leader.full_name, member.id, member.full_name)
            .outerjoin(leader, leader.id == Group.leader_id)
            .outerjoin(member, sa.and_(member.group_id == Group.id, member.active.is_(True)))
            .where(Group.id == sa.bindparam("group_id")).order_by(member.sort_key, member.id))


def group_card(user: User) -> GroupCard | None:
    """One statement: the group, its leader's name and its active members' names (no ORM objects:
    a group of 100 would otherwise load 100 accounts with their roles)."""
    if user.group_id is None:
        return None
    rows = db.session.execute(_group_card_query(), {"group_id": user.group_id}).all()
    if not rows:
        return None
    name, leader_id, leader_name = rows[0][:3]
    return GroupCard(name, leader_id, leader_name, tuple((r[3], r[4]) for r in rows if r[3] is not None))


@bp.route("/")
@requires(Perm.SIGNED_IN)
def index():
    return render("home/index.html", user=current_user, panels=panels_for(current_user),
                  group=group_card(current_user))


@bp.route("/healthz")
@public
def healthz():
    """For monitoring, a proxy's health check and the benchmark's ceiling: SELECT 1, no template."""
    report, healthy = health.check()
    return report, 200 if healthy else 503
