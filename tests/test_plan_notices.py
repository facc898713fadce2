"""Everyone concerned hears of a plan (issue 16, point 9): approval, return and issue reach the whole
committee and the office holders, each once and the one who acted not at all; the authors hear of
every comment and every vote against; an issued plan reaches every member (a notification, bulk, and
the home page's "Kế hoạch mới ban hành" until they open it: test_new_plans_panel.py)."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from congdoan.approvals import services as approvals
from congdoan.documents import signing
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.people.audiences import committee_and_officers
from congdoan.people.models import User
from congdoan.plans.authors import plan_authors

from .conftest import make_user
from .doc_factories import approved_plan, make_committee
from .plan_factories import make_plan


def notes(kind: str) -> list[Notification]:
    return db.session.execute(sa.select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id)).scalars().all()


def told(kind: str) -> list[int]:
    return sorted(n.user_id for n in notes(kind))


@pytest.fixture
def union():
    """A committee of seven, an accountant who is not on it, two plain members and a deactivated one."""
    committee = make_committee()
    accountant = make_user("Phạm Thị Lan", roles=["accountant"])
    plain = [make_user("Nguyễn Thị Thanh"), make_user("Lê Văn Bình")]
    gone = make_user("Đã Nghỉ", active=False)
    return committee, accountant, plain, gone


def test_committee_and_officers_is_the_committee_and_every_office(union):
    committee, accountant, plain, gone = union
    ids = [u.id for u in committee_and_officers()]
    assert sorted(ids) == sorted([u.id for u in committee.everyone] + [accountant.id])
    assert len(ids) == len(set(ids))
    assert committee.chair.id not in [u.id for u in committee_and_officers(excluding=committee.chair)]


def test_plan_authors_is_the_author(union):
    committee = union[0]
    plan = make_plan(committee.members[0])
    assert plan_authors(plan) == [committee.members[0]]


def test_approval_reaches_the_committee_and_the_accountant_not_members_nor_the_deciding_voter(union):
    committee, accountant, plain, gone = union
    author = committee.members[0]
    plan = make_plan(author)
    approvals.submit(plan, actor=author)
    voters = [committee.chair, committee.vice, committee.members[1], committee.members[2]]
    for voter in voters:
        approvals.vote(plan, voter=voter, choice="for")
    db.session.commit()
    assert plan.status == "approved"
    expected = {u.id for u in committee.everyone} | {accountant.id}
    expected.discard(voters[-1].id)               # the vote that decided it: that member saw it happen
    assert told("plan_approved") == sorted(expected)           # each once
    assert not {u.id for u in plain + [gone]} & set(told("plan_approved"))
    assert all("“Kế hoạch thử năm học 2024 - 2025” đã được Ban Chấp hành duyệt" in n.message
               for n in notes("plan_approved"))


def test_chair_return_reaches_everyone_but_the_chair_with_the_reason(union):
    committee, accountant, plain, gone = union
    author = committee.members[0]
    plan = make_plan(author)
    approvals.submit(plan, actor=author)
    approvals.chair_return(plan, actor=committee.chair, reason="Thiếu dự toán kinh phí")
    db.session.commit()
    expected = ({u.id for u in committee.everyone} | {accountant.id}) - {committee.chair.id}
    assert told("plan_returned") == sorted(expected)
    assert all("bị trả lại để sửa" in n.message and "Thiếu dự toán kinh phí" in n.message
               for n in notes("plan_returned"))


def test_return_by_votes_carries_each_reason_against(union):
    committee, accountant, plain, gone = union
    author = committee.chair
    plan = make_plan(author)
    approvals.submit(plan, actor=author)
    against = committee.members[:4]
    for i, voter in enumerate(against):
        approvals.vote(plan, voter=voter, choice="against", reason=f"Lý do số {i + 1}")
    db.session.commit()
    assert plan.status == "returned"
    expected = ({u.id for u in committee.everyone} | {accountant.id}) - {against[-1].id}
    assert told("plan_returned") == sorted(expected)
    message = notes("plan_returned")[0].message
    assert "Lý do không đồng ý" in message
    assert all(f"{v.full_name}: Lý do số {i + 1}" in message for i, v in enumerate(against))


def test_the_author_hears_of_every_comment_and_vote_against_and_nobody_else(union):
    committee, accountant, plain, gone = union
    author = committee.members[0]
    plan = make_plan(author)
    approvals.submit(plan, actor=author)
    db.session.commit()
    approvals.comment(plan, author=committee.vice, text="Nên thêm hoạt động 8/3", section="")
    approvals.comment(plan, author=author, text="Tôi sẽ bổ sung")            # one's own comment: not told
    approvals.vote(plan, voter=committee.members[1], choice="for")            # a vote for: not told
    approvals.vote(plan, voter=committee.members[2], choice="against", reason="Kinh phí quá cao")
    approvals.vote(plan, voter=committee.members[2], choice="against", reason="Kinh phí quá cao")  # unchanged
    approvals.vote(plan, voter=committee.members[3], choice="for")
    approvals.vote(plan, voter=committee.members[3], choice="against", reason="Trùng lịch thi")   # changed
    db.session.commit()
    comments = notes("plan_commented")
    assert [n.user_id for n in comments] == [author.id]
    assert "Trần Văn Minh góp ý kế hoạch “Kế hoạch thử năm học 2024 - 2025”: Nên thêm hoạt động 8/3" \
        == comments[0].message
    against = notes("vote_against")
    assert [n.user_id for n in against] == [author.id, author.id]
    assert "không đồng ý kế hoạch “Kế hoạch thử năm học 2024 - 2025” (lần trình 1). Lý do: Kinh phí quá cao" \
        in against[0].message
    assert "Lý do: Trùng lịch thi" in against[1].message


def test_issue_tells_the_committee_once_and_every_other_member_of_the_new_plan(union):
    committee, accountant, plain, gone = union
    plan = approved_plan(committee)
    before = db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar()
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    deciders = ({u.id for u in committee.everyone} | {accountant.id}) - {committee.chair.id}
    assert told("plan_issued") == sorted(deciders)
    assert told("plan_new") == sorted(u.id for u in plain)
    everyone = db.session.execute(sa.select(Notification.user_id)
                                  .where(Notification.kind.in_(["plan_issued", "plan_new"]))).scalars().all()
    assert len(everyone) == len(set(everyone))                   # nobody twice
    assert committee.chair.id not in everyone and gone.id not in everyone
    assert notes("plan_new")[0].message == f"Kế hoạch mới: {plan.subject} (Số {signed.number})"
    assert notes("plan_new")[0].link == f"/ke-hoach/{plan.id}"
    after = db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar()
    assert after - before == len(deciders) + len(plain)


def test_issue_to_5000_members_is_one_insert_in_the_signing_transaction(union):
    committee = union[0]
    rows = [{"full_name": f"Đoàn Viên {i}", "name_key": f"doan vien {i}", "sort_key": f"vien {i:05d}",
             "email": f"dv{i}@bulk.demo", "phone": "", "active": True, "password_hash": "x",
             "must_change_password": False, "failed_logins": 0, "session_version": 0,
             "created_at": dt.datetime(2026, 1, 1)} for i in range(5000)]
    db.session.execute(sa.insert(User), rows)
    db.session.commit()
    plan = approved_plan(committee)
    statements, took = [], {}

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS"):
            statements.append(statement)
            took[statement] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        if statement in took:
            took[statement] = time.perf_counter() - took[statement]

    sa.event.listen(db.engine, "before_cursor_execute", before)
    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        started = time.perf_counter()
        signing.sign_plan(plan, actor=committee.chair)
        db.session.commit()
        elapsed = time.perf_counter() - started
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
    assert len(told("plan_new")) == 5000 + 2                       # and the two plain members
    bulk = [s for s in statements if "FROM USERS" in s.upper()]
    assert len(bulk) == 1                                          # the members: one INSERT … SELECT
    print(f"\n{db.engine.dialect.name}: signing with 5,000 members told {elapsed * 1000:.0f} ms, "
          f"of which the members' INSERT … SELECT {took[bulk[0]] * 1000:.0f} ms")
