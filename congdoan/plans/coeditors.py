"""Co-editors of a draft ("người cùng soạn", docs/coeditors.md).

Those who manage a draft (Plan.can_manage: its author, the chair, the vice chairs) name co-editors
among the executive committee in office and remove them. A co-editor edits the draft's content like
its author (Plan.can_edit) but does not submit it, delete it or change its co-editors. Each change is
an audit entry on the plan (so it shows in the plan's "Diễn biến"); the person named is notified.

Services flush and never commit. They refuse, with a Vietnamese message: a plan no longer being
drafted, someone who may not manage the draft (PermissionDenied), a person who is not an active
committee member, or its author (ValidationFailed, on the field "user_id").
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.service import record
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..limits import parse_int
from ..links import link
from ..notifications.service import notify
from ..people.models import User
from ..people.audiences import holders_query
from ..people.roles import COMMITTEE_ROLES
from .models import EDITABLE, Plan, PlanEditor

MANAGE_REFUSED = "Chỉ người soạn, Chủ tịch hoặc Phó Chủ tịch mới được thêm hoặc bớt người cùng soạn."


@dataclass(frozen=True)
class Outcome:
    """What a change did, for the confirmation shown where it was made."""
    message: str
    changed: bool


def _committee() -> sa.Select:
    """Active accounts holding a committee office (Ủy viên BCH, Phó Chủ tịch, Chủ tịch), by name."""
    return holders_query(COMMITTEE_ROLES)


def coeditors(plan: Plan) -> list[User]:
    return [link_.user for link_ in plan.editor_links]


def authors_of(plan: Plan) -> list[User]:
    """The people who write this plan: its author, then its co-editors (for notifications that
    concern whoever wrote it)."""
    return [plan.author, *coeditors(plan)]


def candidates(plan: Plan) -> list[User]:
    """Who may still be named: committee members in office, not the author, not already named."""
    taken = {plan.author_id, *(link_.user_id for link_ in plan.editor_links)}
    return [u for u in db.session.execute(_committee()).scalars() if u.id not in taken]


def _ensure_manager(plan: Plan, actor: User) -> None:
    if plan.state not in EDITABLE:
        raise DomainError(f"{plan.document_kind.label} đang ở trạng thái “{plan.state.label}”: không thể thay đổi "
                          f"người cùng soạn. Chỉ dự thảo hoặc {plan.document_kind.label.lower()} bị trả lại mới thay "
                          "đổi được.")
    if not plan.can_manage_coeditors(actor):
        raise PermissionDenied(MANAGE_REFUSED)


def add_coeditor(plan: Plan, user_id, *, actor: User) -> Outcome:
    """Name a committee member in office as co-editor of the draft, and tell them."""
    _ensure_manager(plan, actor)
    person_id = parse_int(user_id)
    person = db.session.execute(_committee().where(User.id == person_id)).scalar() if person_id else None
    if person is None:
        raise ValidationFailed({"user_id": "Hãy chọn một Ủy viên Ban Chấp hành đang giữ chức vụ."})
    if person.id == plan.author_id:
        raise ValidationFailed({"user_id": f"{person.full_name} là người soạn dự thảo này, "
                                           f"đã được sửa dự thảo."})
    subject = plan.subject
    already = Outcome(f"{person.full_name} đã là người cùng soạn dự thảo “{subject}”.", False)
    if plan.is_coeditor(person):
        return already
    try:
        with db.session.begin_nested():          # two managers naming the same person at once
            db.session.add(PlanEditor(plan_id=plan.id, user_id=person.id, added_by_id=actor.id))
    except IntegrityError:
        db.session.expire(plan, ["editor_links"])
        return already
    db.session.expire(plan, ["editor_links"])
    record("plan_coeditor_added", plan, actor=actor, summary=f"Thêm người cùng soạn: {person.full_name}",
           data={"user_id": person.id})
    notify([person], "plan_coeditor_added",
           f"{actor.full_name} mời bạn cùng soạn dự thảo “{subject}”.", link("plans.detail", plan_id=plan.id),
           subject=f"[Công đoàn] Cùng soạn: {subject}")
    return Outcome(f"Đã thêm {person.full_name} làm người cùng soạn dự thảo “{subject}”.", True)


def remove_coeditor(plan: Plan, user_id, *, actor: User) -> Outcome:
    """Take a co-editor off the draft. Their saved changes stay in the draft and its history."""
    _ensure_manager(plan, actor)
    person_id = parse_int(user_id)
    entry = next((e for e in plan.editor_links if e.user_id == person_id), None)
    person = entry.user if entry else (db.session.get(User, person_id) if person_id else None)
    if entry is None:
        name = person.full_name if person else "Người này"
        return Outcome(f"{name} không còn là người cùng soạn dự thảo “{plan.subject}”.", False)
    db.session.execute(sa.delete(PlanEditor).where(PlanEditor.plan_id == plan.id,
                                                   PlanEditor.user_id == person.id))
    db.session.expire(plan, ["editor_links"])
    record("plan_coeditor_removed", plan, actor=actor, summary=f"Bớt người cùng soạn: {person.full_name}",
           data={"user_id": person.id})
    return Outcome(f"Đã bớt {person.full_name} khỏi người cùng soạn dự thảo “{plan.subject}”.", True)


def drafts_coedited_by(user: User, limit: int = 20) -> list[Plan]:
    """The drafts (and plans returned for revision) this person is a co-editor of, latest change first."""
    return db.session.execute(_coedited_statement(), {"user_id": user.id, "limit": limit}).scalars().all()


@functools.cache
def _coedited_statement() -> sa.Select:
    """Built once (building this select and its joined load cost 0.3 ms, more than running it: the home
    page asks it of every committee member, who mostly coedits nothing); only its values change."""
    return (sa.select(Plan).join(PlanEditor, PlanEditor.plan_id == Plan.id)
            .where(PlanEditor.user_id == sa.bindparam("user_id"), Plan.status.in_([s.value for s in EDITABLE]))
            .order_by(Plan.updated_at.desc(), Plan.id.desc()).limit(sa.bindparam("limit"))
            .options(sa.orm.joinedload(Plan.author)))
