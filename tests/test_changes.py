"""Change counters (congdoan/changes.py): what the tracking pages keep per process is dropped by
every write to tasks, plans and groups, what the home page's request panels keep by every write to
requests, campaigns, groups and people; nothing is kept from a transaction that may roll back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from congdoan import caching, changes
from congdoan.extensions import db
from congdoan.people.models import Group
from congdoan.plans.models import Plan, PlanStatus
from congdoan.tasks import queries, workflow
from congdoan.tasks.models import Task

from congdoan.member_requests import services as request_services

from .conftest import text_of
from .reqkit import act, cast, make_campaign, submit
from .task_factories import approved_plan, hand_out, make_union


@pytest.fixture
def u():
    return make_union()


def _handed(u):
    plan = approved_plan(u, "Kế hoạch theo dõi", schedule=[
        {"period": "12/2099", "activities": [{"text": "Việc A", "groups": [], "due": "2099-12-20"},
                                              {"text": "Việc B", "groups": [], "due": "2099-12-21"}]}], date=None)
    tasks = hand_out(plan, u.chair, {"Việc": [u.groups[0].id]})
    db.session.commit()
    return plan, tasks


def test_every_kind_of_write_raises_the_counter(u):
    plan, tasks = _handed(u)
    before = changes.current("tracking")
    workflow.apply(tasks[0], "start", u.chair, expected=tasks[0].version)      # guarded Core UPDATE
    db.session.commit()
    after_status = changes.current("tracking")
    assert after_status > before
    db.session.get(Plan, plan.id).subject = "Kế hoạch đổi tên"                          # ORM flush
    db.session.commit()
    after_plan = changes.current("tracking")
    assert after_plan > after_status
    db.session.execute(sa.update(Group).where(Group.id == u.groups[1].id).values(name="Tổ đổi tên"))
    db.session.commit()
    assert changes.current("tracking") > after_plan


def test_a_kept_result_is_used_until_the_counter_moves(u):
    _handed(u)
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert changes.remembered("tracking", ("t",), compute) == 1
    assert changes.remembered("tracking", ("t",), compute) == 1          # kept
    assert changes.remembered("tracking", ("other",), compute) == 2      # another key
    changes.bump(db.session, "tracking")
    # Raised in this transaction, not yet committed: computed afresh, never kept.
    assert changes.remembered("tracking", ("t",), compute) == 3
    assert changes.remembered("tracking", ("t",), compute) == 4
    db.session.rollback()
    # Rolled back: the counter did not move, the earlier result stands.
    assert changes.remembered("tracking", ("t",), compute) == 1
    changes.bump(db.session, "tracking")
    db.session.commit()
    assert changes.remembered("tracking", ("t",), compute) == 5
    caching.clear()                   # what the tests and a restored backup do: nothing kept stands
    assert changes.remembered("tracking", ("t",), compute) == 6


def test_the_overview_and_progress_pages_follow_each_change(client, as_, u):
    plan, tasks = _handed(u)
    as_(u.chair)
    assert "0/2 hoàn thành" in text_of(client.get("/viec/theo-doi"))
    assert "0/2 việc hoàn thành" in text_of(client.get(f"/viec/ke-hoach/{plan.id}"))
    # A leader finishes a task through the page: the next views count it.
    as_(u.leaders[0])
    response = client.post_form(f"/viec/{tasks[0].id}/cap-nhat",
                                {"from_status": "not_started", "to_status": "done", "note": "Đã xong"}, htmx=True)
    assert response.status_code == 200
    as_(u.chair)
    assert "1/2 hoàn thành" in text_of(client.get("/viec/theo-doi"))
    assert "1/2 việc hoàn thành" in text_of(client.get(f"/viec/ke-hoach/{plan.id}"))
    # A plan renamed and a group renamed show at once too.
    db.session.get(Plan, plan.id).subject = "Kế hoạch mới tên"
    db.session.get(Group, u.groups[0].id).set_name("Tổ Mới Đặt Tên")
    db.session.commit()
    overview = text_of(client.get("/viec/theo-doi"))
    assert "Kế hoạch mới tên" in overview and "Tổ Mới Đặt Tên" in overview
    assert "Tổ Mới Đặt Tên" in text_of(client.get(f"/viec/ke-hoach/{plan.id}"))


def test_a_refused_change_leaves_the_counts_alone(client, as_, u):
    plan, tasks = _handed(u)
    as_(u.chair)
    client.get("/viec/theo-doi")
    as_(u.leaders[0])
    # "Hoàn thành" without a result is refused and rolled back: nothing changes, nothing is counted.
    response = client.post_form(f"/viec/{tasks[0].id}/cap-nhat",
                                {"from_status": "not_started", "to_status": "done", "note": ""}, htmx=True)
    assert response.status_code == 422
    assert db.session.get(Task, tasks[0].id).status == "not_started"
    as_(u.chair)
    assert "0/2 hoàn thành" in text_of(client.get("/viec/theo-doi"))


def test_progress_shows_the_groups_needing_attention_then_all_on_request(client, signed_in, u):
    groups = [Group(name=f"Tổ {i:02d}", name_key=f"to {i:02d}") for i in range(queries.OVERVIEW_GROUPS + 5)]
    db.session.add_all(groups)
    db.session.flush()
    plan = approved_plan(u, "Kế hoạch nhiều tổ", schedule=[
        {"period": "12/2099", "activities": [{"text": "Việc chung", "groups": [], "due": "2099-12-20"}]}], date=None)
    hand_out(plan, u.chair, {"Việc chung": [g.id for g in groups]})
    db.session.commit()
    signed_in(u.chair)
    html = client.get(f"/viec/ke-hoach/{plan.id}").get_data(as_text=True)
    assert html.count('class="chart chart-group"') == queries.OVERVIEW_GROUPS
    assert f"Xem tất cả {len(groups)} tổ" in html
    html = client.get(f"/viec/ke-hoach/{plan.id}?cac_to=tat_ca").get_data(as_text=True)
    assert html.count('class="chart chart-group"') == len(groups)


def test_counters_are_raised_at_commit_in_name_order_once_each(u):
    raised = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE change_counters"):
            raised.append(next(v for v in (parameters.values() if isinstance(parameters, dict) else parameters)
                               if isinstance(v, str)))

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        changes.bump(db.session, "tracking")
        db.session.get(Group, u.groups[0].id).set_name("Tổ Đổi Tên")          # watched by both
        changes.bump(db.session, "tracking")
        db.session.flush()
        assert raised == []               # nothing locked before the commit
        db.session.commit()
        # All at once, in name order: two writers never wait on each other's in opposite orders.
        assert raised == ["requests", "tracking"]
        raised.clear()
        changes.bump(db.session, "requests")
        db.session.rollback()
        db.session.commit()
        assert raised == []               # rolled back: nothing to count
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)


def test_the_committee_home_panels_follow_each_change(client, as_):
    c = cast()
    campaign = make_campaign(c.chair)
    req = submit(c.member)
    submit(c.neighbour)
    as_(c.chair)
    home = text_of(client.get("/"))
    assert "Chờ BCH xét duyệt 0 đề xuất" in home and campaign.title in home
    assert "chưa có tổ trưởng" not in home
    act(req, "confirm", c.leader)                                   # a request moves
    assert "Chờ BCH xét duyệt 1 đề xuất" in text_of(client.get("/"))
    db.session.get(type(c.leader), c.leader.id).active = False      # a person: the group has no leader now
    db.session.commit()
    assert "1 đề xuất của tổ chưa có tổ trưởng" in text_of(client.get("/"))
    request_services.close_campaign(db.session.get(type(campaign), campaign.id), actor=c.chair)
    db.session.commit()                                             # a campaign
    assert campaign.title not in text_of(client.get("/"))


def test_a_boards_plan_filter_follows_hand_outs_and_who_is_looking(client, as_, u):
    first = approved_plan(u, "Kế hoạch tổ một", schedule=[
        {"period": "12/2099", "activities": [{"text": "Việc tổ một", "groups": [], "due": "2099-12-20"}]}], date=None)
    hand_out(first, u.chair, {"Việc tổ một": [u.groups[0].id]})
    db.session.commit()
    as_(u.members[2])                                   # group 3: sees none of its tasks yet
    assert "Kế hoạch tổ một" not in client.get(f"/viec/to/{u.groups[2].id}").get_data(as_text=True)
    as_(u.members[0])                                   # group 1
    assert '>Kế hoạch tổ một</option>' in client.get(f"/viec/to/{u.groups[0].id}").get_data(as_text=True)
    second = approved_plan(u, "Kế hoạch tổ ba", schedule=[
        {"period": "12/2099", "activities": [{"text": "Việc tổ ba", "groups": [], "due": "2099-12-21"}]}], date=None)
    hand_out(second, u.chair, {"Việc tổ ba": [u.groups[2].id]})
    db.session.commit()
    board = client.get(f"/viec/to/{u.groups[0].id}").get_data(as_text=True)
    assert "Kế hoạch tổ ba" not in board                # group 1 does not see group 3's plan
    as_(u.members[2])
    board = client.get(f"/viec/to/{u.groups[2].id}").get_data(as_text=True)
    assert '>Kế hoạch tổ ba</option>' in board and "Kế hoạch tổ một" not in board


def test_a_result_kept_under_two_counters_follows_either(u):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    def kept():
        return changes.remembered("tracking", ("two",), compute, also=("requests",))

    assert kept() == 1
    assert kept() == 1
    changes.bump(db.session, "requests")
    db.session.commit()
    assert kept() == 2                              # the other counter moved
    changes.bump(db.session, "requests")
    assert kept() == 3 and kept() == 4              # raised, not committed: never kept
    db.session.rollback()
    assert kept() == 2
    changes.bump(db.session, "tracking")
    db.session.commit()
    assert kept() == 5


def test_the_plan_list_menus_follow_a_new_plan_and_a_renamed_author(u):
    from congdoan.plans.queries import filter_choices

    from .plan_factories import make_plan

    make_plan(u.chair, "Kế hoạch thử năm học 2024 - 2025", status=PlanStatus.APPROVED)
    plans_read = []

    def listener(conn, cursor, statement, *rest):
        if "FROM plans" in statement:
            plans_read.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        first = filter_choices(u.chair)
        reads = len(plans_read)
        assert reads > 0
        # The committee's menus, kept: the same for every member of it, not read again.
        assert filter_choices(u.vice) == first and filter_choices(u.accountant) == first
        assert len(plans_read) == reads
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    later = make_plan(u.vice, "Kế hoạch thử năm học 2031 - 2032", status=PlanStatus.APPROVED)
    years, authors = filter_choices(u.chair)
    assert later.year in years and later.year not in first[0]
    assert (u.vice.id, "Trần Văn Minh") in authors
    u.vice.set_name("Trần Văn Minh Tuấn")
    db.session.commit()
    assert (u.vice.id, "Trần Văn Minh Tuấn") in filter_choices(u.chair)[1]
    # Outside the committee the menus are the person's own (their drafts' years), never the kept ones.
    draft = make_plan(u.members[0], "Kế hoạch nháp năm học 2040 - 2041")
    assert draft.year in filter_choices(u.members[0])[0]
    assert draft.year not in filter_choices(u.members[1])[0]
    assert draft.year in filter_choices(u.chair)[0]
