import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from congdoan.approvals import services
from congdoan.approvals.models import ApprovalRound, RoundComment, Vote
from congdoan.approvals.rules import decide, votes_needed
from congdoan.audit.models import AuditEntry
from congdoan.audit.service import verify_chain
from congdoan.errors import DomainError, PermissionDenied
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.plans.models import Plan, PlanStatus
from congdoan.plans.workflow import TRANSITIONS, apply

from .conftest import PASSWORD, login, make_user, text_of
from .plan_factories import make_plan
from .test_notifications import smtp  # noqa: F401  (the local SMTP server fixture)


@pytest.fixture
def committee():
    """A committee of 7 in office: chair, vice chair, accountant and 4 members."""
    people = [make_user("Nguyễn Thị Hoa", roles=["chair", "committee"]),
              make_user("Trần Văn Minh", roles=["vice_chair", "committee"]),
              make_user("Phạm Thị Lan", roles=["accountant", "committee"])]
    people += [make_user(f"Ủy Viên {i}", roles=["committee"]) for i in range(1, 5)]
    return people


@pytest.fixture
def author(committee):
    return committee[3]


def _submitted(author):
    plan = make_plan(author)
    services.submit(plan, actor=author)
    db.session.commit()
    return plan


# --- the decision rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("members,for_,against,expected", [
    (7, 3, 0, None),          # 3 of 7: not yet
    (7, 4, 0, "approve"),     # 4 of 7: more than half of ALL members
    (7, 3, 3, None),          # 3-3 with one left: still possible
    (7, 3, 4, "return"),      # can no longer reach 4
    (6, 3, 3, "return"),      # a tie that can no longer pass (needs 4 of 6)
    (6, 3, 0, None),
    (6, 4, 2, "approve"),
    (3, 2, 0, "approve"),
    (3, 1, 2, "return"),
    (15, 7, 0, None),
    (15, 8, 0, "approve"),
])
def test_majority_of_all_members(members, for_, against, expected):
    assert decide("half_all", members, for_, against).decision == expected


def test_two_thirds_rule():
    assert votes_needed("two_thirds_all", 7) == 5
    assert decide("two_thirds_all", 7, 4, 0).decision is None
    assert decide("two_thirds_all", 7, 5, 0).decision == "approve"
    assert decide("two_thirds_all", 7, 2, 3).decision == "return"
    assert votes_needed("two_thirds_all", 9) == 6


# --- every (state, action) pair ------------------------------------------------------------------

ACTIONS = ["submit", "approve", "return", "sign"]


@pytest.mark.parametrize("state", list(PlanStatus))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_pair(committee, state, action):
    chair = committee[0]
    plan = make_plan(chair, status=state)
    actor = None if action == "approve" else chair
    allowed = state in TRANSITIONS.get(action).sources
    extra = {"number": "01/KH-CĐ"} if action == "sign" else None
    if allowed:
        assert apply(plan, action, actor, expected=plan.version, extra_values=extra) == TRANSITIONS.get(action).target
        db.session.commit()
        assert db.session.get(Plan, plan.id).status == TRANSITIONS.get(action).target.value
        assert db.session.query(AuditEntry).filter_by(action=TRANSITIONS.get(action).audit_action).count() == 1
    else:
        with pytest.raises(DomainError):
            apply(plan, action, actor, expected=plan.version, extra_values=extra)
        db.session.rollback()
        assert db.session.get(Plan, plan.id).status == state.value


def test_sign_needs_a_number(committee):
    plan = make_plan(committee[0], status=PlanStatus.APPROVED)
    with pytest.raises(sa.exc.IntegrityError):
        apply(plan, "sign", committee[0], expected=plan.version)
    db.session.rollback()


def test_who_may_do_what(committee):
    chair, vice, _, author, other = committee[:5]
    plan = make_plan(author)
    with pytest.raises(PermissionDenied):
        apply(plan, "submit", other, expected=plan.version)               # someone else's draft
    with pytest.raises(PermissionDenied):
        apply(plan, "submit", make_user(), expected=plan.version)
    plan = make_plan(author, status=PlanStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        apply(plan, "approve", chair, expected=plan.version)              # only the rule approves
    with pytest.raises(PermissionDenied):
        apply(plan, "return", vice, expected=plan.version)
    plan = make_plan(author, status=PlanStatus.APPROVED)
    with pytest.raises(PermissionDenied):
        apply(plan, "sign", vice, expected=plan.version)                  # not delegated


def test_the_write_is_guarded_by_the_version_it_read(committee):
    author = committee[3]
    plan = make_plan(author)
    db.session.execute(sa.update(Plan).where(Plan.id == plan.id).values(status="submitted", version=Plan.version + 1)
                       .execution_options(synchronize_session=False))
    # `plan` in memory still says draft, version 1: the guarded UPDATE finds nothing to change.
    with pytest.raises(DomainError, match="vừa được người khác"):
        apply(plan, "submit", author, expected=plan.version)


# --- the whole round -----------------------------------------------------------------------------

def test_four_of_seven_approve_and_everyone_is_told(committee, author, smtp):  # noqa: F811
    chair = committee[0]
    plan = make_plan(author)
    round_ = services.submit(plan, actor=author)
    db.session.commit()
    assert plan.status == "submitted" and round_.version_number == plan.version_count
    assert len(round_.content_hash) == 64
    submitted_mail = {m[0][0] for m in smtp.messages}
    assert submitted_mail == {u.email for u in committee if u.id != author.id}
    for voter in committee[:3]:
        services.vote(plan, voter=voter, choice="for")
        db.session.commit()
    assert plan.status == "submitted"                    # 3 of 7
    services.vote(plan, voter=committee[4], choice="for")
    db.session.commit()
    assert db.session.get(Plan, plan.id).status == "approved"
    round_ = db.session.get(ApprovalRound, round_.id)
    assert round_.status == "approved" and "4/7" in round_.decision_note and "cần 4" in round_.decision_note
    approved = db.session.query(Notification).filter_by(kind="plan_approved").all()
    # The whole committee (the accountant included), each once; the member whose vote decided it is not told.
    assert sorted(n.user_id for n in approved) == sorted(u.id for u in committee if u.id != committee[4].id)
    assert chair.id in {n.user_id for n in approved}
    assert any("Đã duyệt" in m[1] or "=?utf-8?" in m[1] for m in smtp.messages)
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(object_type="plans").order_by(AuditEntry.id)]
    assert actions == ["plan_created", "plan_submitted", "vote_cast", "vote_cast", "vote_cast", "vote_cast",
                       "plan_approved"]
    assert verify_chain().ok


def test_returned_by_votes_then_resubmitted_in_a_new_round(committee, author):
    plan = _submitted(author)
    for voter in committee[:4]:
        services.vote(plan, voter=voter, choice="against", reason=f"Thiếu kinh phí ({voter.full_name})")
        db.session.commit()
    assert db.session.get(Plan, plan.id).status == "returned"
    first = db.session.execute(sa.select(ApprovalRound)).scalar_one()
    assert first.status == "returned" and "không đủ" in first.decision_note
    # The author revises: editable again, then a second round with the votes of the first kept.
    from congdoan.plans import editing as plan_editing
    plan_editing.add_part(plan, "basis", {"text": "Căn cứ dự toán kinh phí năm 2025;"}, actor=author)
    services.submit(plan, actor=author)
    db.session.commit()
    rounds = services.rounds(plan)
    assert [r.number for r in rounds] == [2, 1]
    assert len(rounds[1].votes) == 4 and rounds[0].votes == []
    assert rounds[0].version_number > rounds[1].version_number


def test_vote_can_change_until_the_decision(committee, author):
    plan = _submitted(author)
    voter = committee[1]
    services.vote(plan, voter=voter, choice="against", reason="Chưa rõ")
    services.vote(plan, voter=voter, choice="for")
    db.session.commit()
    vote = db.session.execute(sa.select(Vote)).scalar_one()
    assert vote.choice == "for" and vote.changes == 1
    assert db.session.query(AuditEntry).filter_by(action="vote_changed").count() == 1
    for other in committee[2:5]:
        services.vote(plan, voter=other, choice="for")
    db.session.commit()
    with pytest.raises(DomainError, match="không ở trạng thái chờ biểu quyết"):
        services.vote(plan, voter=voter, choice="against", reason="Đổi ý muộn")


def test_chair_returns_with_a_reason(committee, author):
    plan = _submitted(author)
    with pytest.raises(DomainError, match="lý do"):
        services.chair_return(plan, actor=committee[0], reason="  ")
    with pytest.raises(PermissionDenied):
        services.chair_return(plan, actor=committee[1], reason="Không phải chủ tịch")
    services.chair_return(plan, actor=committee[0], reason="Cần bổ sung lịch tháng 12")
    db.session.commit()
    assert db.session.get(Plan, plan.id).status == "returned"
    r = db.session.execute(sa.select(ApprovalRound)).scalar_one()
    assert r.decided_by_id == committee[0].id and "Cần bổ sung" in r.decision_note


@pytest.mark.parametrize("case", ["not_under_vote", "not_committee", "against_without_reason", "bad_choice"])
def test_bad_votes_change_nothing(committee, author, case):
    plan = make_plan(author) if case == "not_under_vote" else _submitted(author)
    voter = make_user() if case == "not_committee" else committee[1]
    kwargs = {"choice": "for"}
    if case == "against_without_reason":
        kwargs = {"choice": "against", "reason": " \x00 "}
    if case == "bad_choice":
        kwargs = {"choice": "maybe"}
    with pytest.raises(DomainError):
        services.vote(plan, voter=voter, **kwargs)
    db.session.rollback()
    assert db.session.query(Vote).count() == 0


def test_amend_keeps_the_approved_plan(committee, author):
    plan = _submitted(author)
    for voter in committee[:4]:
        services.vote(plan, voter=voter, choice="for")
    db.session.commit()
    amendment = services.amend(plan, actor=author)
    db.session.commit()
    assert db.session.get(Plan, plan.id).status == "approved"
    assert amendment.status == "draft" and amendment.amends_plan_id == plan.id
    assert amendment.subject == plan.subject
    with pytest.raises(DomainError, match="đang soạn"):
        services.amend(plan, actor=author)


def test_comments_pinned_to_a_section(committee, author):
    plan = _submitted(author)
    services.comment(plan, author=committee[1], text="Nên thêm chỉ tiêu", section=plan.sections[0].title)
    with pytest.raises(DomainError):
        services.comment(plan, author=committee[1], text="x", section="Mục không có")
    with pytest.raises(DomainError):
        services.comment(plan, author=make_user(), text="x")
    db.session.commit()
    assert db.session.execute(sa.select(RoundComment.section)).scalar_one() == plan.sections[0].title


def test_overdue_votes_remind_the_chair_once_a_day(committee, author, runner):
    plan = _submitted(author)
    db.session.execute(sa.update(ApprovalRound).values(deadline_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    first = runner.invoke(args=["approvals", "remind"])
    assert "Đã gửi 1 lời nhắc" in first.output
    second = runner.invoke(args=["approvals", "remind"])
    assert "Không có kế hoạch nào" in second.output
    note = db.session.query(Notification).filter_by(kind="vote_overdue").one()
    assert note.user_id == committee[0].id and plan.subject in note.message


# --- through the pages ---------------------------------------------------------------------------

def test_pages_submit_review_vote(client, signed_in, app, committee, author):
    plan = make_plan(author)
    signed_in(author)
    r = client.post_form(f"/ke-hoach/{plan.id}/trinh-duyet")
    assert r.status_code == 303
    again = client.post_form(f"/ke-hoach/{plan.id}/trinh-duyet")
    assert again.status_code == 409 and "Chờ BCH duyệt" in text_of(again)
    edit = client.post_form(f"/ke-hoach/{plan.id}/basis/them", {"text": "x"}, htmx=True)
    assert edit.status_code == 409                                 # frozen while under vote
    voter_client = app.test_client()
    login(voter_client, committee[1])
    home = text_of(voter_client.get("/"))
    assert "Chờ bạn biểu quyết" in home and plan.subject in home
    page = voter_client.get(f"/ke-hoach/{plan.id}/duyet")
    assert page.status_code == 200 and "Cần 4/7" in text_of(page)
    bad = voter_client.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "against"}, htmx=True)
    assert bad.status_code == 200 and "Vui lòng ghi lý do khi không đồng ý." in text_of(bad)
    ok = voter_client.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "for"}, htmx=True)
    assert ok.status_code == 200 and "Đồng ý: 1" in text_of(ok)
    assert plan.subject not in text_of(voter_client.get("/"))
    member = app.test_client()
    login(member, make_user())
    assert member.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "for"}).status_code == 403
    forged = voter_client.post(f"/ke-hoach/{plan.id}/bieu-quyet", data={"choice": "for", "csrf_token": "x"})
    assert forged.status_code == 400
    assert db.session.query(Vote).count() == 1


def test_a_vote_answers_with_its_panel_without_building_the_document(app, committee, author, monkeypatch):
    from congdoan.approvals import routes
    plan = _submitted(author)
    voter = app.test_client()
    login(voter, committee[1])
    page = voter.get(f"/ke-hoach/{plan.id}/duyet")
    assert page.status_code == 200 and plan.subject in text_of(page)

    def no_document(plan):
        raise AssertionError("the document is built for a panel that does not print it")
    monkeypatch.setattr(routes, "to_document", no_document)
    bad = voter.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "against"}, htmx=True)
    assert bad.status_code == 200 and "Vui lòng ghi lý do khi không đồng ý." in text_of(bad)
    body = bad.get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="vote-reason-error"' in body and 'id="vote-reason-error"' in body
    ok = voter.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "for"}, htmx=True)
    assert ok.status_code == 200 and "Đồng ý: 1" in text_of(ok)
    said = voter.post_form(f"/ke-hoach/{plan.id}/gop-y", {"comment": "Thêm mục khen thưởng", "section": ""}, htmx=True)
    assert said.status_code == 200 and "Thêm mục khen thưởng" in text_of(said)


def test_timeline_on_the_plan_page(client, signed_in, committee, author):
    plan = _submitted(author)
    services.vote(plan, voter=committee[1], choice="for")
    db.session.commit()
    signed_in(author)
    page = text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert "Diễn biến" in page and "Trình Ban Chấp hành duyệt (lần 1" in page and "Biểu quyết lần 1: Đồng ý" in page


# --- concurrency (PostgreSQL) --------------------------------------------------------------------

@pytest.mark.postgres
def test_concurrent_votes_and_double_clicks_count_once(app, committee, author):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (make test-pg; CI runs it)")
    plan = _submitted(author)
    clients = []
    for voter in committee[:3]:
        c = app.test_client()
        login(c, voter)
        clients.append((c, c.csrf_token()))
    double = app.test_client()
    login(double, committee[4])
    clients += [(double, double.csrf_token())] * 3                 # one member, three clicks
    barrier = threading.Barrier(len(clients))
    results = []
    url = f"/ke-hoach/{plan.id}/bieu-quyet"          # read here: ORM objects stay in this thread

    def fire(c, token):
        with app.app_context():
            barrier.wait()
            r = c.post(url, data={"choice": "for", "csrf_token": token})
            results.append(r.status_code)

    threads = [threading.Thread(target=fire, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    db.session.expire_all()
    votes = db.session.execute(sa.select(Vote.voter_id)).scalars().all()
    assert sorted(votes) == sorted({v.id for v in committee[:3]} | {committee[4].id})
    assert db.session.get(Plan, plan.id).status == "approved"
    assert db.session.query(AuditEntry).filter_by(action="plan_approved").count() == 1
    assert all(code in (303, 409) for code in results), results
    assert verify_chain().ok


def test_a_changed_vote_drops_the_old_reason_and_its_panel_shows_the_new_vote(app, committee, author):
    """The reason box still holds the reason against when the member changes to "Đồng ý" (the page
    pre-fills it); the vote was recorded as "Đồng ý: <the reason against>" and the list of who voted
    below the counters kept showing the old vote until a reload."""
    plan = _submitted(author)
    voter = app.test_client()
    login(voter, committee[1])
    reason = "Chưa có dự toán kinh phí cho hội diễn"
    first = voter.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "against", "reason": reason}, htmx=True)
    assert first.status_code == 200 and "Không đồng ý: 1" in text_of(first)
    changed = voter.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "for", "reason": reason}, htmx=True)
    shown = text_of(changed)
    assert "Đồng ý: 1" in shown and "Không đồng ý: 0" in shown
    assert f"{committee[1].full_name}: Đồng ý" in shown
    assert reason not in shown
    vote = db.session.scalars(sa.select(Vote)).one()
    assert (vote.choice, vote.reason) == ("for", "")
    # The rounds list below the document is replaced out of band with the new vote in it.
    rounds = changed.get_data(as_text=True).split('id="rounds"', 1)
    assert len(rounds) == 2 and 'hx-swap-oob="true"' in rounds[1][:40]
    assert f"{committee[1].full_name}: <strong>Đồng ý</strong>" in rounds[1]
    # A reason typed anew for a vote in favour is kept (a member agrees with a remark).
    again = voter.post_form(f"/ke-hoach/{plan.id}/bieu-quyet", {"choice": "for", "reason": "Đồng ý, nên thêm mục khen thưởng"}, htmx=True)
    assert "Đồng ý, nên thêm mục khen thưởng" in text_of(again)
