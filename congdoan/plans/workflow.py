"""The life of a plan: its table of transitions and apply(), the one way to move `plans.status`.

Every kind of document (a plan, a report: plans/kinds.py) lives by this one table; the messages name
the kind ("kế hoạch", "báo cáo") through `noun`.

    action    from                 to         who
    submit    draft, returned      submitted  those who manage the draft (Plan.can_manage: its author,
                                              the chair, a vice chair), never a co-editor
    approve   submitted            approved   the decision rule (approvals.services), never a person
    return    submitted            returned   the decision rule, or the chair with a reason
    sign      approved             issued     the chair, or the vice chair the chair has delegated

A plan issued before the intranet is imported born "archived" (plans.creating.create_from_document,
documents/word_import/modes.py): no transition leads to or from that status, so it stays read-only.

An action not in the table for the plan's current state, or by someone the table does not name,
raises DomainError (HTTP 409) / PermissionDenied (403) and changes nothing. The write is guarded
by the plan's version the page showed (congdoan/workflow.py), so two people acting at once cannot
both move the same plan; the loser gets a clear 409. Every transition writes an audit entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import workflow
from ..dates import utcnow
from ..errors import DomainError, PermissionDenied
from ..permissions import is_chair, may_sign
from .models import Plan, PlanStatus

S = PlanStatus


def noun(plan: Plan) -> str:
    """The kind of the document as a sentence names it: "kế hoạch", "báo cáo"."""
    return plan.document_kind.label.lower()


def Noun(plan: Plan) -> str:  # noqa: N802  (the same word at the start of a sentence)
    """"Kế hoạch", "Báo cáo"."""
    return plan.document_kind.label


def _manager(plan: Plan, user) -> bool:
    return user is not None and plan.can_manage(user)


def _system(plan: Plan, user) -> bool:
    return user is None                      # only the decision rule moves a plan to approved


def _rule_or_chair(plan: Plan, user) -> bool:
    return user is None or is_chair(user)


def _signer(plan: Plan, user) -> bool:
    return may_sign(user)                    # who signs: congdoan/permissions.py


@dataclass(frozen=True)
class Transition(workflow.Transition):
    allowed: Callable[[Plan, object], bool] = _system


TRANSITIONS = workflow.Table((
    Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "trình Ban Chấp hành duyệt", "plan_submitted",
               _manager),
    Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, "duyệt", "plan_approved", _system),
    Transition("return", frozenset({S.SUBMITTED}), S.RETURNED, "trả lại để sửa", "plan_returned", _rule_or_chair),
    Transition("sign", frozenset({S.APPROVED}), S.ISSUED, "ký ban hành", "plan_signed", _signer),
), allowed=lambda t, plan, user: t.allowed(plan, user))


def can(plan: Plan, action: str, user) -> bool:
    """Whether the action is possible now and by this person (for showing buttons)."""
    t = TRANSITIONS.find(action, plan.status)
    return t is not None and t.allowed(plan, user)


def apply(plan: Plan, action: str, actor, *, expected: int, summary: str = "", data: dict | None = None,
          extra_values: dict | None = None) -> PlanStatus:
    """Move the plan by `action` (through congdoan/workflow.write_status). Flushes, does not commit.

    `expected` is the plan's version the actor's page showed (or the service read): a plan moved
    since is refused with a 409 and nothing is written.
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise DomainError("Thao tác không hợp lệ.")
    if plan.state not in t.sources:
        raise DomainError(f"Không thể {t.label}: {noun(plan)} đang ở trạng thái “{plan.state.label}”.")
    if not t.allowed(plan, actor):
        raise PermissionDenied(f"Bạn không có quyền {t.label} {noun(plan)} này.")
    old = plan.status
    workflow.write_status(
        plan, t, actor, expected=expected,
        stale=lambda p: f"{Noun(p)} vừa được người khác thay đổi trạng thái. Vui lòng tải lại trang.",
        values={"updated_at": utcnow(), **(extra_values or {})},
        audit=lambda: (summary or f"{t.label[0].upper() + t.label[1:]}",
                       {"from": old, "to": t.target.value, **(data or {})}))
    return t.target
