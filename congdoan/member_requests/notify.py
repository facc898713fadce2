"""Who hears about each step of a request. The requester hears about every step someone else takes;
whoever must act next hears that it is their turn. Messages name the kind and the requester, never
the private details (they may go out by e-mail)."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for

from ..dates import fmt_date
from ..money import fmt_vnd
from ..notifications.service import notify
from ..people.models import User
from ..people.audiences import holders
from ..people.roles import COMMITTEE_ROLES, Role
from .states import Status


def path_for(endpoint: str, **values) -> str:
    """A site-relative link, also outside a request (the demo seed, CLI jobs)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def committee(excluding=None) -> list[User]:
    return holders(COMMITTEE_ROLES, excluding=excluding)


def accountants() -> list[User]:
    return holders({Role.ACCOUNTANT})


def _name(req) -> str:
    return f"“{req.spec.label}” (#{req.id})"


def after_start(req) -> None:
    link = path_for("member_requests.detail", request_id=req.id)
    who = req.requester.full_name
    if req.state == Status.SUBMITTED:
        notify([req.group.leader], "request_to_confirm",
               f"{who} gửi đề xuất {_name(req)}, chờ bạn xác nhận.", link)
    else:
        notify(committee(excluding=req.requester_id), "request_to_decide",
               f"Đề xuất {_name(req)} của {who} chờ Ban Chấp hành xét duyệt.", link)


def _paid_text(req) -> str:
    paid = req.payment
    text = f"Đề xuất {_name(req)} của bạn đã được chi {fmt_vnd(req.amount_approved)}"
    if paid is None:
        return text + f" ngày {fmt_date(req.paid_at)}."
    return text + f" ngày {fmt_date(paid.paid_on)} (phiếu chi {paid.voucher}, người nhận: {paid.receiver})."


def after_transition(req, t, actor, event) -> None:
    link = path_for("member_requests.detail", request_id=req.id)
    action, note = t.action, event.note
    by = actor.full_name
    to_requester = {
        "confirm": f"Tổ trưởng {by} đã xác nhận đề xuất {_name(req)} của bạn; đề xuất chuyển Ban Chấp hành xét duyệt.",
        "ask": f"Tổ trưởng {by} hỏi lại về đề xuất {_name(req)}: “{note}”. Vui lòng trả lời.",
        "query": f"Ban Chấp hành hỏi lại về đề xuất {_name(req)}: “{note}”. Vui lòng trả lời.",
        "approve": f"Đề xuất {_name(req)} của bạn đã được duyệt: {fmt_vnd(event.amount)}.",
        "refuse": f"Đề xuất {_name(req)} của bạn không được duyệt. Lý do: {note}",
        "resolve": f"Ban Chấp hành đã trả lời đề xuất {_name(req)}: {note}",
    }
    if action == "pay":
        to_requester["pay"] = _paid_text(req)      # reads the payment record: only when paying
    if action in to_requester and actor.id != req.requester_id:
        notify([req.requester], f"request_{action}", to_requester[action], link)

    who = req.requester.full_name
    if action == "confirm":
        notify(committee(excluding=req.requester_id), "request_to_decide",
               f"Đề xuất {_name(req)} của {who} đã được tổ trưởng xác nhận, chờ Ban Chấp hành xét duyệt.", link)
    elif action == "answer" and t.target == Status.SUBMITTED and req.group and req.group.leader:
        notify([req.group.leader], "request_answered", f"{who} đã trả lời câu hỏi về đề xuất {_name(req)}.", link)
    elif action == "answer":
        askers = [e.actor for e in req.events if e.action == "query"]
        notify(askers[-1:] or committee(excluding=req.requester_id), "request_answered",
               f"{who} đã trả lời câu hỏi của Ban Chấp hành về đề xuất {_name(req)}.", link)
    elif action == "approve":
        notify(accountants(), "request_to_pay",
               f"Đề xuất {_name(req)} của {who} đã được duyệt {fmt_vnd(event.amount)}, chờ chi.", link)
    elif action == "withdraw" and t.source in (Status.SUBMITTED, Status.RETURNED) and req.group and req.group.leader:
        notify([req.group.leader], "request_withdrawn", f"{who} đã rút đề xuất {_name(req)}.", link)
