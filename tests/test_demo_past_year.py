"""The demo's past school year (issue 19 point 7): a year lived through by the real services, whose
plan is issued in its own calendar year's register, so the example still signs as 01/KHCĐ-THTT."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from congdoan.audit.service import verify_chain
from congdoan.dates import LOCAL_TZ, clock_at, local_today, to_local
from congdoan.documents import signing
from congdoan.documents.models import SignedDocument
from congdoan.extensions import db
from congdoan.people.models import User
from congdoan.plans.models import Plan, PlanStatus
from congdoan.member_requests.models import Campaign, MemberRequest
from congdoan.tasks.models import Task, TaskEvent


def _seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def _past(today: dt.date):
    from congdoan.demo.past_year import past_school_year
    year = past_school_year(today)
    plan = db.session.execute(sa.select(Plan).where(
        Plan.subject == f"Hoạt động Công đoàn năm học {year} - {year + 1}")).scalar_one()
    return year, plan


def _sign_example(app):
    from congdoan.demo.seed import EXAMPLE_SUBJECT
    chair = db.session.execute(sa.select(User).where(User.email == "chutich@thanhto.demo")).scalar_one()
    example = db.session.execute(sa.select(Plan).where(Plan.subject == EXAMPLE_SUBJECT)).scalar_one()
    with app.test_request_context():
        signed = signing.sign_plan(example, actor=chair)
    db.session.commit()
    return signed


def test_the_past_year_is_lived_through_and_the_example_still_signs_as_01(app, runner):
    first = _seed(runner)
    assert "past_year=1" in first.output and "former_members=2" in first.output
    year, plan = _past(local_today())
    start, end = dt.date(year, 8, 1), dt.date(year + 1, 7, 31)

    # The plan: approved by the committee in August, issued with the year's first number in September.
    assert plan.state == PlanStatus.ISSUED and plan.number == "01/KHCĐ-THTT"
    assert plan.doc_date == dt.date(year, 9, 8)
    signed = db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan.id)).scalar_one()
    assert signed.year == year and signed.issued_on == dt.date(year, 9, 8)
    rounds = db.session.execute(sa.text("SELECT status FROM approval_rounds WHERE plan_id = :p"), {"p": plan.id}).all()
    assert [r[0] for r in rounds] == ["approved"]

    # Its tasks: most done on time, some late, a few not done, one stopped; notes and evidence.
    tasks = db.session.query(Task).filter_by(plan_id=plan.id).all()
    assert len(tasks) > 20 and len({t.assignee for t in tasks}) == 6
    assert all(start <= t.due_date <= end for t in tasks)
    done = [t for t in tasks if t.status == "done"]
    late = [t for t in done if to_local(t.done_at).date() > t.due_date]
    on_time = [t for t in done if to_local(t.done_at).date() <= t.due_date]
    not_done = [t for t in tasks if t.status in ("not_started", "in_progress")]
    stopped = [t for t in tasks if t.status == "blocked"]
    assert len(on_time) > len(tasks) / 2 and 2 <= len(late) <= len(tasks) / 4
    assert 2 <= len(not_done) <= 6 and len(stopped) == 1 and "Tạm dừng" in stopped[0].events[-1].note
    assert all(t.result_note for t in done)
    assert {t.status for t in not_done} == {"not_started", "in_progress"}
    evidence = db.session.query(TaskEvent).filter(TaskEvent.file_id.is_not(None),
                                                  TaskEvent.task_id.in_([t.id for t in tasks])).count()
    assert evidence >= 2

    # Its requests: decided and paid across the months, a campaign paid out, one refused.
    period = [r for r in db.session.query(MemberRequest)
              if start <= to_local(r.submitted_at).date() <= end]
    kinds = {r.kind for r in period}
    assert {"child_award", "sick_visit", "wedding_funeral", "maternity", "hardship", "suggestion"} <= kinds
    assert {r.status for r in period} == {"done", "refused"}
    paid = [r for r in period if r.paid_at is not None]
    assert len({to_local(r.paid_at).month for r in paid}) >= 6
    campaign = db.session.execute(sa.select(Campaign).where(Campaign.title.like("%năm " + str(year)))).scalar_one()
    awards = [r for r in period if r.campaign_id == campaign.id]
    assert len(awards) == 4 and all(r.status == "done" for r in awards) and campaign.closed_at is not None
    assert sum(r.amount_approved for r in awards) == 900_000

    # Its members: two joined, two left (a transfer, a retirement), their history kept.
    people = db.session.query(User).all()
    assert all(u.gender and u.birth_date for u in people)
    women = sum(u.gender == "female" for u in people)
    assert women > 2 * (len(people) - women)
    joined = [u for u in people if u.joined_on and start <= u.joined_on <= end]
    assert len(joined) == 2
    left = sorted((u for u in people if u.left_on), key=lambda u: u.left_on)
    assert [(u.left_reason, u.active) for u in left] == [("Chuyển công tác", False), ("Nghỉ hưu", False)]
    assert all(start <= u.left_on <= end for u in left)
    assert db.session.query(MemberRequest).filter(MemberRequest.requester_id.in_([u.id for u in left])).count() == 2
    assert len([u for u in people if u.active]) == 30

    assert verify_chain().ok
    # The current year's register is untouched: a newcomer signs the example as 01/KHCĐ-THTT.
    assert _sign_example(app).number == "01/KHCĐ-THTT"

    again = runner.invoke(args=["seed-demo"])
    assert "không thay đổi gì" in again.output


@pytest.mark.parametrize("today", [dt.datetime(2027, 3, 2, 9), dt.datetime(2026, 11, 16, 9),
                                   dt.datetime(2027, 7, 20, 9)])
def test_seeded_any_time_of_year_the_example_signs_as_01(app, runner, today):
    """Seeded in January - July (the past year's plan signed two calendar years back) or in the autumn
    (signed the previous calendar year): the current calendar year's register stays empty."""
    with clock_at(today.replace(tzinfo=LOCAL_TZ)):
        _seed(runner)
        year, plan = _past(today.date())
        assert plan.number == "01/KHCĐ-THTT" and plan.doc_date.year == year < today.year
        signed = _sign_example(app)
    assert signed.number == "01/KHCĐ-THTT" and signed.year == today.year


def test_seed_past_year_returns_the_period_and_is_idempotent(app, runner):
    from congdoan.demo.past_year import seed_past_year
    _seed(runner)
    with app.test_request_context():
        past = seed_past_year()
    year = past.start.year
    assert (past.start, past.end, past.label) == (dt.date(year, 8, 1), dt.date(year + 1, 7, 31), f"{year} - {year + 1}")
    assert past.plan_id == _past(local_today())[1].id and not any(past.created.values())

