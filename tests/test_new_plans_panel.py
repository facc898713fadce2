"""The home page's "Kế hoạch mới ban hành" (issue 16, point 9): the plans issued in the last 30 days a
member has not opened, one indexed query; opening the plan takes it off the panel and reads its
notifications."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from congdoan.documents import signing
from congdoan.documents.models import SignedDocument
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.people.models import User
from congdoan.plans import news
from congdoan.plans.news_models import PlanSeen

from .conftest import text_of
from .doc_factories import approved_plan
from .test_plan_notices import union  # noqa: F401  (the committee, an accountant, plain members)
from .test_query_counts import count_queries


def test_home_panel_lists_new_plans_until_the_member_opens_them(union, client, signed_in):  # noqa: F811
    committee, accountant, plain, gone = union
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    member = plain[0]
    signed_in(member)
    home = text_of(client.get("/"))
    assert "Kế hoạch mới ban hành" in home and plan.subject in home and f"Số {signed.number}" in home
    assert "1" in text_of(client.get("/thong-bao/chuong"))
    assert client.get(f"/ke-hoach/{plan.id}").status_code == 200            # opening it
    assert db.session.execute(sa.select(PlanSeen).where(PlanSeen.user_id == member.id)).scalar() is not None
    assert "Kế hoạch mới ban hành" not in text_of(client.get("/"))
    note = db.session.execute(sa.select(Notification).where(Notification.user_id == member.id)).scalar_one()
    assert note.kind == "plan_new" and note.read_at is not None               # the bell's item too
    assert client.get(f"/ke-hoach/{plan.id}").status_code == 200              # a second opening writes nothing
    assert db.session.execute(sa.select(sa.func.count()).select_from(PlanSeen)
                              .where(PlanSeen.user_id == member.id)).scalar() == 1
    # The other member has not opened it: still listed for them; the signer never sees it as new.
    assert [r.plan_id for r in news.new_plans_for(plain[1])] == [plan.id]
    assert news.new_plans_for(committee.chair) == []


def test_home_panel_keeps_only_the_last_30_days(union):  # noqa: F811
    committee, accountant, plain, gone = union
    older = approved_plan(committee, subject="Kế hoạch tháng trước")
    signing.sign_plan(older, actor=committee.chair)
    newer = approved_plan(committee, subject="Kế hoạch tuần này")
    signing.sign_plan(newer, actor=committee.chair)
    db.session.commit()
    db.session.execute(sa.update(SignedDocument).where(SignedDocument.plan_id == older.id)
                       .values(issued_at=SignedDocument.issued_at - dt.timedelta(days=31)))
    db.session.commit()
    assert [r.subject for r in news.new_plans_for(plain[0])] == ["Kế hoạch tuần này"]


def test_home_panel_is_one_query(union):  # noqa: F811
    committee, accountant, plain, gone = union
    for i in range(3):
        signing.sign_plan(approved_plan(committee, subject=f"Kế hoạch {i}"), actor=committee.chair)
    db.session.commit()
    member = db.session.get(User, plain[0].id)             # loaded before counting, as the page has it
    with count_queries() as counter:
        items = news.new_plans_for(member)
    assert len(items) == 3 and counter["n"] == 1


def test_a_draft_opened_is_not_marked_seen(union, client, signed_in):  # noqa: F811
    committee = union[0]
    plan = approved_plan(committee)
    signed_in(committee.vice)
    client.get(f"/ke-hoach/{plan.id}")
    assert db.session.execute(sa.select(sa.func.count()).select_from(PlanSeen)).scalar() == 0
