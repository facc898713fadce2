"""The request workflow: every (state, action) pair through the client, legal moves land in their
target and write an event, an audit entry and notifications; illegal ones answer 409 and change
nothing; the wrong person gets 403; a stale page or a concurrent change is refused."""
import pytest
import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.audit.service import verify_chain
from congdoan.dates import fmt_date, local_today
from congdoan.errors import PermissionDenied, StaleError
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.member_requests import workflow
from congdoan.member_requests.models import MemberRequest, RequestEvent
from congdoan.member_requests.states import Status

from .conftest import text_of
from .reqkit import ACTOR_OF, act, cast, request_in, submit
from .test_notifications import smtp  # noqa: F401  (the local SMTP server fixture)

STATES = [s.value for s in Status]


def _reload(req_id: int) -> MemberRequest:
    db.session.expire_all()
    return db.session.get(MemberRequest, req_id)


def _reachable(kind: str):
    payable = kind == "wedding_funeral"
    return [s for s in STATES if payable or s != "approved"]


CASES = [(kind, state, action) for kind in ("wedding_funeral", "emulation") for state in _reachable(kind)
         for action in workflow.ACTIONS]


@pytest.mark.parametrize("kind,state,action", CASES)
def test_every_state_and_action(client, signed_in, kind, state, action):
    c = cast()
    req = request_in(c, state, kind)
    before = (req.status, req.version, len(req.events))
    audit_before = db.session.query(AuditEntry).count()
    signed_in(getattr(c, ACTOR_OF[action]))
    url, form = f"/de-xuat/{req.id}/thao-tac/{action}", {"version": req.version, "note": "Nội dung kèm theo",
                                                          "amount": "450.000"}
    if action == "pay":     # paying is recorded through its own form: date, voucher number, receiver
        url = f"/de-xuat/{req.id}/ghi-nhan-chi"
        form.update(paid_on=fmt_date(local_today()), voucher="1", receiver="Người nhận")
    response = client.post_form(url, form)
    after = _reload(req.id)
    legal = workflow.TRANSITIONS.find(action, state)
    legal = legal if legal is not None and legal.fits(after.spec) else None
    actor = getattr(c, ACTOR_OF[action])
    if legal is None and not after.can_view(actor):
        # e.g. the group leader and a request withdrawn before they saw it: not theirs to see at all.
        assert response.status_code == 404, (state, action, response.status_code)
        assert (after.status, after.version, len(after.events)) == before
    elif legal is None:
        assert response.status_code == 409, (state, action, response.status_code)
        assert "Không thể" in text_of(response)
        assert (after.status, after.version, len(after.events)) == before
        assert db.session.query(AuditEntry).count() == audit_before
    else:
        assert response.status_code == 303, (state, action, response.status_code, text_of(response)[:300])
        assert after.status == legal.target.value
        assert after.version == before[1] + 1
        event = after.events[-1]
        assert (event.action, event.from_status, event.to_status) == (action, state, legal.target.value)
        assert event.actor_id == getattr(c, ACTOR_OF[action]).id
        assert db.session.query(AuditEntry).filter_by(action=f"request_{action}", object_id=req.id).count() == 1


def test_transition_table_is_complete_and_explicit():
    # Every state but the final ones has a way out; final states have none.
    sources = {t.source for t in workflow.TRANSITIONS}
    assert sources == {Status.SUBMITTED, Status.RETURNED, Status.CONFIRMED, Status.QUERIED, Status.APPROVED}
    assert all(workflow.TRANSITIONS.find(t.action, t.source) is t for t in workflow.TRANSITIONS)


def test_full_happy_path_records_who_and_when(client, signed_in):
    c = cast()
    req = submit(c.member)
    act(req, "ask", c.leader, note="Ngày cưới chính xác là ngày nào?")
    act(req, "answer", c.member, note="Ngày 20/12/2026.")
    act(req, "confirm", c.leader)
    act(req, "approve", c.chair, amount="1.000.000", note="Theo quy chế chi")
    act(req, "pay", c.accountant)
    req = _reload(req.id)
    assert req.status == "done" and req.amount_approved == 1_000_000
    assert req.confirmed_by_id == c.leader.id and req.decided_by_id == c.chair.id and req.paid_by_id == c.accountant.id
    assert [e.action for e in req.events] == ["submit", "ask", "answer", "confirm", "approve", "pay"]
    assert verify_chain().ok
    signed_in(c.member)
    page = text_of(client.get(f"/de-xuat/{req.id}"))
    for words in ("Gửi đề xuất", "Tổ trưởng hỏi lại", "Ngày cưới chính xác là ngày nào?", "Người gửi trả lời",
                  "Tổ trưởng xác nhận", "Ban Chấp hành duyệt: 1.000.000 đ", "Kế toán đã chi", "Vũ Thị Mai",
                  "Nguyễn Thị Hoa", "Phạm Thị Lan", "Đã chi 1.000.000 đ"):
        assert words in page, words


WRONG_PEOPLE = [
    ("submitted", "confirm", "neighbour"), ("submitted", "confirm", "other_leader"), ("submitted", "confirm", "member"),
    ("submitted", "confirm", "chair"),            # the group has a leader: the committee does not confirm for them
    ("submitted", "ask", "other_leader"), ("returned", "answer", "leader"), ("returned", "answer", "neighbour"),
    ("confirmed", "approve", "leader"), ("confirmed", "approve", "member"), ("confirmed", "approve", "cashier"),
    ("confirmed", "refuse", "other_member"), ("confirmed", "query", "leader"), ("approved", "pay", "chair"),
    ("approved", "pay", "member"), ("confirmed", "withdraw", "leader"), ("submitted", "withdraw", "chair"),
]


@pytest.mark.parametrize("state,action,who", WRONG_PEOPLE)
def test_the_wrong_person_gets_403_and_nothing_changes(client, signed_in, state, action, who):
    c = cast()
    req = request_in(c, state)
    signed_in(getattr(c, who))
    response = client.post_form(f"/de-xuat/{req.id}/thao-tac/{action}",
                                {"version": req.version, "note": "x", "amount": "100000"})
    # Someone who cannot even see the request gets 404; someone who sees it but may not act, 403.
    assert response.status_code in (403, 404), response.status_code
    if response.status_code == 403:
        assert "Chỉ" in text_of(response) or "không thể" in text_of(response).lower()
    after = _reload(req.id)
    assert (after.status, after.version) == (state, req.version)


def test_a_committee_member_cannot_decide_their_own_request(client, signed_in):
    c = cast()
    req = submit(c.committee, "suggestion")
    assert req.status == "confirmed"
    with pytest.raises(PermissionDenied, match="chính mình"):
        workflow.apply(req, "resolve", c.committee, expected=req.version, note="Tự trả lời")
    db.session.rollback()
    act(req, "resolve", c.chair, note="Đã tiếp thu")
    assert _reload(req.id).status == "done"


def test_stale_page_is_refused(client, signed_in):
    c = cast()
    req = submit(c.member)
    seen = req.version
    act(req, "ask", c.leader, note="Bổ sung?")
    act(req, "answer", c.member, note="Đã bổ sung")     # back to submitted: same status, new version
    signed_in(c.leader)
    response = client.post_form(f"/de-xuat/{req.id}/thao-tac/confirm", {"version": seen})
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in text_of(response)
    assert _reload(req.id).status == "submitted"


def test_concurrent_change_between_read_and_write_is_refused(app):
    c = cast()
    req = submit(c.member)
    loaded = db.session.get(MemberRequest, req.id)
    # Another worker confirms it after we read it.
    with db.engine.begin() as conn:
        conn.execute(sa.update(MemberRequest).where(MemberRequest.id == req.id)
                     .values(status="confirmed", version=MemberRequest.version + 1))
    with pytest.raises(StaleError):
        workflow.apply(loaded, "ask", c.leader, note="Hỏi", expected=loaded.version)
    db.session.rollback()
    assert _reload(req.id).status == "confirmed"
    assert db.session.query(RequestEvent).filter_by(action="ask").count() == 0


@pytest.mark.parametrize("action,data,message", [
    ("approve", {"amount": ""}, "Vui lòng nhập số tiền."),
    ("approve", {"amount": "năm trăm"}, "Số tiền không hợp lệ"),
    ("approve", {"amount": "-500000"}, "Số tiền không được âm."),
    ("approve", {"amount": "1.5"}, "Số tiền không hợp lệ"),
    ("approve", {"amount": "5000000000"}, "Số tiền quá lớn"),
    ("refuse", {"note": "   "}, "Vui lòng nhập lý do không duyệt."),
    ("query", {"note": ""}, "Vui lòng nhập câu hỏi cho người gửi."),
])
def test_bad_decision_input_is_shown_and_nothing_changes(client, signed_in, action, data, message):
    c = cast()
    req = request_in(c, "confirmed")
    signed_in(c.chair)
    plain = client.post_form(f"/de-xuat/{req.id}/thao-tac/{action}", dict(data, version=req.version))
    assert plain.status_code == 422 and message in text_of(plain)
    inline = client.post_form(f"/de-xuat/{req.id}/thao-tac/{action}", dict(data, version=req.version), htmx=True)
    assert inline.status_code == 200 and message in text_of(inline)
    assert "<html" not in inline.get_data(as_text=True)
    assert f'id="request-{req.id}"' in inline.get_data(as_text=True)
    after = _reload(req.id)
    assert (after.status, after.version, after.amount_approved) == ("confirmed", req.version, None)


def test_amounts_are_read_as_vietnamese_write_them(client, signed_in):
    c = cast()
    for text, value in (("1.500.000", 1_500_000), ("1,500,000", 1_500_000), ("1500000", 1_500_000),
                        ("1 500 000 đ", 1_500_000), ("0", 0)):
        req = request_in(c, "confirmed")
        act(req, "approve", c.chair, amount=text)
        assert _reload(req.id).amount_approved == value
    signed_in(c.member)
    assert "1.500.000 đ" in text_of(client.get(f"/de-xuat/{req.id - 1}"))


def test_who_hears_about_each_step(app):
    c = cast()
    req = submit(c.member)

    def inbox(user):
        return [n.kind for n in db.session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]

    assert inbox(c.leader) == ["request_to_confirm"]
    act(req, "ask", c.leader, note="Ai cưới?")
    assert inbox(c.member)[-1] == "request_ask"
    act(req, "answer", c.member, note="Con gái tôi")
    assert inbox(c.leader)[-1] == "request_answered"
    act(req, "confirm", c.leader)
    assert inbox(c.member)[-1] == "request_confirm"
    assert "request_to_decide" in inbox(c.chair) and "request_to_decide" in inbox(c.committee)
    act(req, "approve", c.chair, amount="500000")
    assert inbox(c.member)[-1] == "request_approve"
    assert inbox(c.accountant)[-1] == "request_to_pay" and inbox(c.cashier)[-1] == "request_to_pay"
    act(req, "pay", c.accountant)
    assert inbox(c.member)[-1] == "request_pay"
    message = db.session.query(Notification).filter_by(user_id=c.member.id, kind="request_pay").one().message
    assert "500.000 đ" in message
    refused = request_in(c, "confirmed")
    act(refused, "refuse", c.chair, note="Không thuộc đối tượng")
    last = db.session.query(Notification).filter_by(user_id=c.member.id).order_by(Notification.id.desc()).first()
    assert last.kind == "request_refuse" and "Không thuộc đối tượng" in last.message


def test_private_notes_stay_out_of_the_audit_trail(app):
    c = cast()
    req = submit(c.member, "sick_visit")
    act(req, "query", c.chair, note="Chẩn đoán cụ thể là gì?")
    entry = db.session.query(AuditEntry).filter_by(action="request_query").one()
    assert "Chẩn đoán" not in entry.data and "note_sha256" in entry.data
    public = submit(c.member, "suggestion")
    act(public, "query", c.chair, note="Thứ Năm tuần nào?")
    assert "Thứ Năm" in db.session.query(AuditEntry).filter_by(action="request_query", object_id=public.id).one().data


def test_workflow_is_the_only_writer_of_the_status_column():
    """No module but workflow.py assigns a request's status (attribute, constructor or UPDATE)."""
    import pathlib
    import re
    offenders = []
    pattern = re.compile(r"(\.status\s*=[^=]|\bstatus\s*=\s*(?:Status\.|[\"'](?:submitted|returned|confirmed|queried|"
                         r"approved|refused|done|withdrawn)[\"']|t\.target))")
    for path in pathlib.Path("congdoan").rglob("*.py"):
        if path.name == "workflow.py" and path.parent.name == "member_requests":
            continue
        source = path.read_text()
        # Other areas have their own state machines (plans, approval rounds) with their own single writer.
        if path.parent.name != "member_requests" and "MemberRequest" not in source:
            continue
        for number, line in enumerate(source.splitlines(), start=1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{path}:{number}: {line.strip()}")
    assert offenders == []


def test_steps_are_mailed_when_smtp_is_configured(smtp):
    c = cast()
    req = request_in(c, "confirmed")
    act(req, "approve", c.chair, amount="750.000")
    import email
    from email import policy
    mails = [email.message_from_string(raw, policy=policy.default) for to, raw in smtp.messages if c.member.email in to]
    assert mails, smtp.messages
    assert "đã được duyệt: 750.000 đ" in str(mails[-1]["Subject"])
    body = mails[-1].get_content()
    assert "750.000 đ" in body and f"/de-xuat/{req.id}" in body
