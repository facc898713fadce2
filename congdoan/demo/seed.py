"""seed-demo: create the demo union. Idempotent: what exists is left as it is."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..organisation.models import Organisation
from ..people.models import Group, User
from ..text import fold
from . import union
from .requests import seed_requests


def seed_union(password_method: str) -> dict[str, int]:
    """Create the organisation settings, groups and people that are missing. Returns counts of
    what was created (all zero on a second run)."""
    created = {"organisation": 0, "groups": 0, "people": 0}
    if db.session.get(Organisation, 1) is None:
        db.session.add(Organisation(id=1, **union.ORGANISATION))
        created["organisation"] = 1
    groups = []
    for name in union.GROUPS:
        group = db.session.execute(sa.select(Group).where(Group.name_key == fold(name))).scalar()
        if group is None:
            group = Group()
            group.set_name(name)
            db.session.add(group)
            created["groups"] += 1
        groups.append(group)
    db.session.flush()
    # One hash for the shared demo password: hashing 30 times with scrypt would only slow seeding.
    probe = User()
    probe.set_password(union.DEMO_PASSWORD, password_method)
    for name, local, phone, group_index, roles, leads in union.PEOPLE:
        address = union.email(local)
        user = db.session.execute(sa.select(User).where(User.email == address)).scalar()
        if user is None:
            user = User(email=address, phone=phone, group_id=groups[group_index].id,
                        password_hash=probe.password_hash, must_change_password=False)
            user.set_name(name)
            user.set_roles(roles)
            db.session.add(user)
            db.session.flush()
            created["people"] += 1
            if leads and groups[group_index].leader_id is None:
                groups[group_index].leader_id = user.id
    db.session.flush()
    db.session.expire_all()            # leaders were just set: let roles and groups be re-read
    created.update(seed_requests())
    return created
