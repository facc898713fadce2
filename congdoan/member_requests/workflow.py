"""The request workflow: its table of transitions and apply(), the one way to move a request.

    submitted --confirm (group leader)--> confirmed --approve (committee, with amount)--> approved --pay (accountant)--> done
        |  ^                                 |  ^  \\--resolve (committee, with answer; kinds without money)--> done
       ask answer (requester)             query answer                  \\--refuse (committee, with reason)--> refused
        v  |                                 v  |
      returned                             queried           withdraw (requester): any state before the decision

A request starts in `submitted` when its kind goes through the group leader and the requester's group
has a leader who is not the requester; otherwise it starts in `confirmed` (straight to the committee),
and the first timeline entry says why. Private kinds never go through a group leader.

start() sets the first status on insert; apply() is the only code that changes it afterwards, through
congdoan/workflow.write_status, guarded by the version the caller's page showed (optimistic locking): a
request changed in between is refused with StaleError (409), an action not allowed from the current state with
IllegalTransition (409), a person who may not take it with PermissionDenied (403), a missing question,
reason or amount with InvalidInput (422). Every move writes a timeline event and an audit entry.
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from .. import workflow
from ..audit.service import record
from ..dates import utcnow
from ..errors import DomainError, PermissionDenied, StaleError
from ..extensions import db
from ..money import AmountError, fmt_vnd, parse_vnd
from ..people.roles import Role
from ..text import clean_text
from .kinds import Kind
from .models import MemberRequest, RequestEvent
from .notify import after_start, after_transition
from . import payments, totals
from .states import Status

NOTE_MAX = 2000


class IllegalTransition(DomainError):
    """The action does not exist from the request's current state."""


class InvalidInput(DomainError):
    """Field errors (field name -> Vietnamese message) in what was sent with an action or a form."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class Who(enum.Enum):
    REQUESTER = "requester"
    LEADER = "leader"           # the leader of the request's group (the committee when it has none)
    COMMITTEE = "committee"     # a committee member other than the requester
    ACCOUNTANT = "accountant"


NOTE, AMOUNT = "note", "amount"
PAYABLE, UNPAID = "payable", "unpaid"


@dataclass(frozen=True)
class Transition(workflow.Transition):
    """One row per (action, source state); `label` is the button."""
    who: Who = Who.COMMITTEE
    needs: str = ""         # NOTE: a question, answer or reason; AMOUNT: an amount (and an optional note)
    only: str = ""          # PAYABLE / UNPAID: only for kinds that end (or do not end) in a payment
    note_label: str = ""    # the label of the text box

    @property
    def source(self) -> Status:
        (state,) = self.sources
        return state

    def fits(self, kind: Kind) -> bool:
        return not self.only or (self.only == PAYABLE) == kind.payable


def T(action: str, source: Status, target: Status, who: Who, needs: str = "", only: str = "", *,  # noqa: N802
      label: str, note_label: str) -> Transition:
    return Transition(action, frozenset({source}), target, label, f"request_{action}", who, needs, only, note_label)


S, W = Status, Who
ROWS: tuple[Transition, ...] = (
    T("confirm", S.SUBMITTED, S.CONFIRMED, W.LEADER, label="Xác nhận", note_label="Ghi chú (không bắt buộc)"),
    T("ask", S.SUBMITTED, S.RETURNED, W.LEADER, NOTE, label="Hỏi lại người gửi", note_label="Câu hỏi cho người gửi"),
    T("answer", S.RETURNED, S.SUBMITTED, W.REQUESTER, NOTE, label="Gửi trả lời", note_label="Câu trả lời của bạn"),
    T("query", S.CONFIRMED, S.QUERIED, W.COMMITTEE, NOTE, label="Hỏi lại người gửi", note_label="Câu hỏi cho người gửi"),
    T("answer", S.QUERIED, S.CONFIRMED, W.REQUESTER, NOTE, label="Gửi trả lời", note_label="Câu trả lời của bạn"),
    T("approve", S.CONFIRMED, S.APPROVED, W.COMMITTEE, AMOUNT, PAYABLE, label="Duyệt",
      note_label="Ghi chú (không bắt buộc)"),
    T("resolve", S.CONFIRMED, S.DONE, W.COMMITTEE, NOTE, UNPAID, label="Trả lời và hoàn tất",
      note_label="Câu trả lời của Ban Chấp hành"),
    T("refuse", S.CONFIRMED, S.REFUSED, W.COMMITTEE, NOTE, label="Không duyệt", note_label="Lý do không duyệt"),
    T("pay", S.APPROVED, S.DONE, W.ACCOUNTANT, label="Ghi nhận đã chi", note_label="Ghi chú (không bắt buộc)"),
    *(T("withdraw", s, S.WITHDRAWN, W.REQUESTER, label="Rút đề xuất", note_label="Lý do (không bắt buộc)")
      for s in (S.SUBMITTED, S.RETURNED, S.CONFIRMED, S.QUERIED)),
)

# What the timeline says for each event.
EVENT_LABELS = {
    "submit": "Gửi đề xuất", "confirm": "Tổ trưởng xác nhận", "ask": "Tổ trưởng hỏi lại",
    "answer": "Người gửi trả lời", "query": "BCH hỏi lại", "approve": "BCH duyệt", "resolve": "BCH trả lời",
    "refuse": "BCH không duyệt", "pay": "Kế toán đã chi", "withdraw": "Người gửi rút đề xuất",
    "evidence": "Bổ sung minh chứng", "pay_fix": "Kế toán sửa thông tin chi",
}
ACTION_NAMES = {"confirm": "xác nhận", "ask": "hỏi lại", "answer": "trả lời", "query": "hỏi lại",
                "approve": "duyệt", "resolve": "trả lời", "refuse": "từ chối", "pay": "ghi nhận đã chi",
                "withdraw": "rút"}
STALE = ("Đề xuất này vừa được người khác cập nhật (hiện ở trạng thái “{state}”). "
         "Vui lòng tải lại trang để xem thay đổi rồi thử lại.")


# --- who --------------------------------------------------------------------------------------------

def has_usable_leader(req: MemberRequest) -> bool:
    """The request's group has an active leader who is not the requester."""
    group = req.group
    return bool(group and group.active and group.leader is not None and group.leader.active
                and group.leader_id != req.requester_id)


def first_stop(kind: Kind, requester) -> tuple[Status, str]:
    """Where a new request starts, and why when it skips the group leader."""
    if kind.private:
        return Status.CONFIRMED, ("Đề xuất riêng tư (sức khỏe, hoàn cảnh): gửi thẳng Ban Chấp hành; "
                                  "tổ trưởng không xem được.")
    if not kind.leader_confirms:
        return Status.CONFIRMED, "Loại đề xuất này gửi thẳng Ban Chấp hành."
    group = requester.group
    if group is None or not group.active:
        return Status.CONFIRMED, "Người gửi chưa thuộc tổ công đoàn nào: gửi thẳng Ban Chấp hành."
    if group.leader is None or not group.leader.active:
        return Status.CONFIRMED, f"{group.name} chưa có tổ trưởng: gửi thẳng Ban Chấp hành."
    if group.leader_id == requester.id:
        return Status.CONFIRMED, "Người gửi là tổ trưởng: gửi thẳng Ban Chấp hành."
    return Status.SUBMITTED, ""


def _is_committee(user) -> bool:
    return bool(user.is_committee_member)


def may(t: Transition, req: MemberRequest, user) -> bool:
    return _refusal(t, req, user) is None


def _refusal(t: Transition, req: MemberRequest, user) -> str | None:
    """Why `user` may not take transition `t` on `req` (None when they may)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return "Vui lòng đăng nhập."
    name = ACTION_NAMES[t.action]
    if t.who == Who.REQUESTER:
        return None if user.id == req.requester_id else f"Chỉ người gửi đề xuất mới được {name} đề xuất này."
    if t.who == Who.LEADER:
        if has_usable_leader(req):
            return None if user.id == req.group.leader_id else \
                f"Chỉ tổ trưởng {req.group.name} mới được {name} đề xuất này."
        # No leader who can confirm: a committee member confirms on the group's behalf.
        if _is_committee(user) and user.id != req.requester_id:
            return None
        return f"Tổ chưa có tổ trưởng: chỉ Ủy viên Ban Chấp hành mới được {name} đề xuất này."
    if t.who == Who.COMMITTEE:
        if not _is_committee(user):
            return f"Chỉ Ủy viên Ban Chấp hành mới được {name} đề xuất."
        if user.id == req.requester_id:
            return "Bạn không thể tự xét duyệt đề xuất của chính mình; một ủy viên khác sẽ xét."
        return None
    if t.who == Who.ACCOUNTANT:
        return None if Role.ACCOUNTANT in user.roles else f"Chỉ Kế toán / Thủ quỹ mới được {name}."
    return "Không có quyền."


TRANSITIONS = workflow.Table(ROWS, allowed=lambda t, req, user: t.fits(req.spec) and may(t, req, user))
ACTIONS: tuple[str, ...] = TRANSITIONS.actions


def transition_for(req: MemberRequest, action: str) -> Transition | None:
    t = TRANSITIONS.find(action, req.status)
    return t if t is not None and t.fits(req.spec) else None


def available(req: MemberRequest, user) -> list[Transition]:
    """The transitions `user` may take on `req` now: the buttons to show."""
    return TRANSITIONS.available(req, user)


# --- moves ------------------------------------------------------------------------------------------

def start(req: MemberRequest, requester) -> RequestEvent:
    """Give a new request its first status and timeline entry (called once, by services.submit)."""
    with db.session.no_autoflush:
        status, reason = first_stop(req.spec, requester)
    req.status = status.value
    req.version = 1
    req.submitted_at = req.updated_at = utcnow()
    db.session.add(req)
    db.session.flush()
    event = RequestEvent(request_id=req.id, actor_id=requester.id, action="submit", from_status=None,
                         to_status=status.value, note=reason, created_at=req.submitted_at)
    req.events.append(event)
    db.session.flush()
    record("request_submitted", req, actor=requester,
           summary=f"Gửi đề xuất #{req.id} {req.spec.label}",
           data={"kind": req.kind, "status": status.value, "campaign_id": req.campaign_id,
                 "group_id": req.group_id, "route": reason})
    after_start(req)
    return event


def apply(req: MemberRequest, action: str, actor, *, expected: int, note: str | None = "", amount=None,
          payment: payments.PaymentInput | None = None) -> RequestEvent:
    """Take `action` on `req` as `actor` (through congdoan/workflow.write_status): the only way
    member_requests.status changes after insert. Flushes, does not commit.

    "pay" also writes the payment record (payments.insert): `payment` as the accountant's form gave
    it (checked by payments.check), or paid today to the requester with the next voucher number.

    `expected` is the version the actor's page showed; when the request has changed since, the
    action is refused (StaleError) rather than applied to something they have not seen.
    """
    current = req.state
    if expected != req.version:
        raise StaleError(STALE.format(state=req.status_label))
    t = transition_for(req, action)
    if t is None:
        verb = ACTION_NAMES.get(action)
        if verb is None:
            raise IllegalTransition("Thao tác không hợp lệ.")
        raise IllegalTransition(f"Không thể {verb} đề xuất đang ở trạng thái “{req.status_label}”.")
    refusal = _refusal(t, req, actor)
    if refusal:
        raise PermissionDenied(refusal)
    note = clean_text(note, multiline=True)
    if t.who == Who.LEADER and not has_usable_leader(req) and not note:
        note = "Ủy viên Ban Chấp hành xác nhận thay (tổ không có tổ trưởng)."
    errors = {}
    if t.needs == NOTE and not note:
        errors["note"] = f"Vui lòng nhập {t.note_label[0].lower() + t.note_label[1:]}."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"Nội dung quá dài (tối đa {NOTE_MAX} ký tự)."
    value = None
    if t.needs == AMOUNT:
        try:
            value = parse_vnd(amount)
        except AmountError as exc:
            errors["amount"] = str(exc)
    if errors:
        raise InvalidInput(errors)

    now = utcnow()
    values = {"updated_at": now}
    if action == "confirm":
        values.update(confirmed_at=now, confirmed_by_id=actor.id)
    elif action in ("approve", "refuse", "resolve"):
        values.update(decided_at=now, decided_by_id=actor.id, decision_note=note)
        if action == "approve":
            values["amount_approved"] = value
    elif action == "pay":
        values.update(paid_at=now, paid_by_id=actor.id)
    written: list[RequestEvent] = []

    def record_event() -> tuple[str, dict]:
        nonlocal note
        paid = None
        if action == "pay":
            data = payment or payments.default_input(req)
            if payment is not None:
                note = data.note
            paid = payments.insert(req, actor, data)
            # The timeline keeps what was recorded at the time (a correction adds its own line).
            recorded = (f"Phiếu chi {paid.voucher}, ngày chi {paid.paid_on.strftime('%d/%m/%Y')}, "
                        f"người nhận {paid.receiver}.")
            note = f"{recorded}\n{note}" if note else recorded
        event = RequestEvent(request_id=req.id, actor_id=actor.id, action=action, from_status=current.value,
                             to_status=t.target.value, note=note, amount=value, created_at=now)
        req.events.append(event)
        db.session.flush()
        written.append(event)
        summary = f"{EVENT_LABELS[action]} đề xuất #{req.id} ({req.spec.label})"
        if value is not None:
            summary += f": {fmt_vnd(value)}"
        data = {"from": current.value, "to": t.target.value, "amount": value, "version": req.version}
        if paid is not None:
            summary += f": phiếu chi {paid.voucher}"
            data.update(paid_on=paid.paid_on.isoformat(), voucher=paid.voucher, receiver=paid.receiver)
        if req.spec.private:
            # The audit trail is readable by the admin: keep private words out, keep them provable.
            data["note_sha256"] = hashlib.sha256(note.encode("utf-8")).hexdigest() if note else ""
        else:
            data["note"] = note
        return summary, data

    amount_before = req.amount_approved
    workflow.write_status(req, t, actor, expected=expected, stale=lambda req: STALE.format(state=req.status_label),
                          values=values, options={totals.OPTION: True}, audit=record_event)
    # The UPDATE matched (write_status raises otherwise): the status's totals move at commit.
    totals.moved(db.session, current.value, amount_before, req.status, req.amount_approved)
    event = written[0]
    after_transition(req, t, actor, event)
    return event
