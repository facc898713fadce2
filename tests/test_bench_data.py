"""The bench's data set is built with its ids given; what the app inserts afterwards (a request filed,
an audit line written during the mixed run) must get fresh ids on every database."""
from __future__ import annotations

import sqlalchemy as sa

from bench import data
from congdoan.extensions import db
from congdoan.people.models import Group, User


def test_rows_added_after_the_build_get_new_ids():
    data.build({"people": 40, "groups": 4, "plans": 2, "tasks": 20, "requests": 10}, password_hash="x")
    db.session.commit()
    group = Group(name="Tổ mới sau khi dựng", name_key="to moi sau khi dung")
    db.session.add(group)
    db.session.flush()
    person = User(full_name="Người mới", name_key="nguoi moi", email="moi@bench.demo", password_hash="x",
                  group_id=group.id)
    db.session.add(person)
    db.session.commit()
    assert group.id == db.session.execute(sa.select(sa.func.max(Group.id))).scalar()
    assert person.id == db.session.execute(sa.select(sa.func.max(User.id))).scalar()
