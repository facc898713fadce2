"""Editing a draft: adding, changing, deleting and moving its parts, and its header, opening and
closing. Every change goes through here: checked (plans/checks.py), applied, versioned
(plans/versions.py), audited.

Services flush and never commit; the view commits once. They refuse, with a Vietnamese message:
changes to a plan that is not a draft (or returned for revision), changes by someone Plan.can_edit
does not name (its author, its co-editors, the chair, the vice chairs), empty or over-long text, a
part that belongs to another plan, and a save made from a copy that someone else has changed
meanwhile (StaleEdit, carrying what changed; plans/stale.py).

The same services edit every kind of document (plans/kinds.py). What a kind lacks is refused here,
not only hidden in the page: a schedule (rows, activities) in a kind without one, bases in a kind
without them; a table of figures (a report's line of kind "table") is never typed in or edited
inline, only moved or deleted; and a line drafted from the records becomes the person's own
(origin "") the moment they change it, so that "Cập nhật số liệu" leaves it alone
(congdoan/reports/service.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..dates import local_today
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..people.models import User
from ..text import fold, plain
from . import copy_review
from .checks import check_closing, check_header, check_part, checked_text
from .document import guess_year
from .models import (EDITABLE, LineKind, LineOrigin, Plan, PlanBasis, PlanLine, PlanSection, ScheduleActivity,
                     ScheduleRow)
from .stale import check_rev as _check_rev
from .versions import touch
from .workflow import Noun, noun


@dataclass(frozen=True)
class PartSpec:
    model: type
    label: str                  # Vietnamese noun for messages
    parent_kind: str | None     # "section" for lines, "row" for activities


PARTS = {
    "basis": PartSpec(PlanBasis, "căn cứ", None),
    "section": PartSpec(PlanSection, "mục", None),
    "line": PartSpec(PlanLine, "dòng", "section"),
    "row": PartSpec(ScheduleRow, "dòng lịch công tác", None),
    "activity": PartSpec(ScheduleActivity, "việc", "row"),
}


def part_spec(kind: str) -> PartSpec:
    spec = PARTS.get(kind)
    if spec is None:
        raise DomainError("Loại nội dung không hợp lệ.")
    return spec


def get_part(plan: Plan, kind: str, part_id: int):
    """A part of this plan; refuses (without revealing anything) a part of another plan."""
    part = db.session.get(part_spec(kind).model, part_id)
    if part is None or part.plan_id != plan.id:
        raise DomainError(f"Không tìm thấy {part_spec(kind).label} này trong {noun(plan)} "
                          f"(có thể vừa bị người khác xóa). Hãy tải lại trang.")
    return part


def _siblings(plan: Plan, kind: str, parent) -> list:
    if kind == "basis":
        return plan.bases
    if kind == "section":
        return plan.sections
    if kind == "row":
        return plan.rows
    return parent.lines if kind == "line" else parent.activities


def _parent(plan: Plan, kind: str, parent_id: int | None):
    parent_kind = part_spec(kind).parent_kind
    if parent_kind is None:
        return None
    if parent_id is None:
        raise DomainError("Thiếu mục chứa nội dung này.")
    return get_part(plan, parent_kind, parent_id)


def _parent_of(kind: str, part):
    return part.section if kind == "line" else part.row if kind == "activity" else None


def _renumber(items: list) -> None:
    for i, item in enumerate(items):
        if item.position != i:
            item.position = i


EDIT_REFUSED = "Chỉ người soạn, người cùng soạn, Chủ tịch hoặc Phó Chủ tịch mới được sửa dự thảo này."


def ensure_editable(plan: Plan, actor: User) -> None:
    """The one gate of every change to a plan's content: its state, then Plan.can_edit."""
    if plan.state not in EDITABLE:
        raise DomainError(f"{Noun(plan)} đang ở trạng thái “{plan.state.label}”: không thể sửa. "
                          f"Chỉ dự thảo hoặc {noun(plan)} bị trả lại mới sửa được.")
    if not plan.can_edit(actor):
        raise PermissionDenied(EDIT_REFUSED)


def _describe(kind: str, part) -> str:
    text = {"section": getattr(part, "title", ""), "row": getattr(part, "period", "")}.get(kind)
    text = text if text is not None else plain(getattr(part, "text", ""))
    return text if len(text) <= 300 else text[:300] + "…"


def ensure_kind_has(plan: Plan, kind: str) -> None:
    """Refuses a part the document's kind does not have: a schedule (rows, activities) in a report,
    "Căn cứ" in a kind without bases."""
    document_kind = plan.document_kind
    if kind in ("row", "activity") and not document_kind.has_schedule:
        raise DomainError(f"{document_kind.label} không có lịch công tác.")
    if kind == "basis" and not document_kind.has_bases:
        raise DomainError(f"{document_kind.label} không có phần căn cứ.")


TABLE_NOT_EDITABLE = ("Bảng số liệu được lập từ dữ liệu của phần mềm nên không sửa trực tiếp được. Bấm "
                      "“Cập nhật số liệu” để lấy lại số mới, hoặc xóa bảng và viết thành dòng riêng.")


def ensure_typed_line(kind: str, part) -> None:
    """Refuses editing a table line inline (it is moved or deleted, never typed)."""
    if kind == "line" and part.kind == LineKind.TABLE.value:
        raise DomainError(TABLE_NOT_EDITABLE)


def add_part(plan: Plan, kind: str, data: dict, *, actor: User, parent_id: int | None = None):
    ensure_editable(plan, actor)
    ensure_kind_has(plan, kind)
    spec = part_spec(kind)
    parent = _parent(plan, kind, parent_id)
    clean = check_part(kind, data)
    siblings = _siblings(plan, kind, parent)
    part = spec.model(position=len(siblings), **clean)
    if kind in ("line", "activity"):
        part.plan_id = plan.id
    siblings.append(part)
    db.session.flush()
    touch(plan, actor, f"Thêm {spec.label}: {_describe(kind, part)[:80]}")
    return part


def update_part(plan: Plan, kind: str, part_id: int, rev, data: dict, *, actor: User):
    ensure_editable(plan, actor)
    spec = part_spec(kind)
    part = get_part(plan, kind, part_id)
    ensure_typed_line(kind, part)
    _check_rev(part, rev, spec.label, lambda p: _describe(kind, p))
    clean = check_part(kind, data)
    changed = False
    for key, value in clean.items():
        if getattr(part, key) != value:
            setattr(part, key, value)
            changed = True
    if changed:
        if kind == "line" and part.origin == LineOrigin.RECORDS.value:
            part.origin = LineOrigin.PERSON.value      # the person's words now: a refresh keeps them
        part.rev += 1
        db.session.flush()
        touch(plan, actor, f"Sửa {spec.label}: {_describe(kind, part)[:80]}", part=part)
    copy_review.part_saved(plan, kind, part.id, actor=actor)
    return part


def delete_part(plan: Plan, kind: str, part_id: int, rev, *, actor: User) -> None:
    ensure_editable(plan, actor)
    spec = part_spec(kind)
    part = get_part(plan, kind, part_id)
    _check_rev(part, rev, spec.label, lambda p: _describe(kind, p))
    siblings = _siblings(plan, kind, _parent_of(kind, part))
    description = _describe(kind, part)
    copy_review.part_deleted(plan, kind, part, actor=actor)
    siblings.remove(part)
    db.session.delete(part)
    _renumber(siblings)
    db.session.flush()
    touch(plan, actor, f"Xóa {spec.label}: {description[:80]}")


def move_part(plan: Plan, kind: str, part_id: int, direction: str, *, actor: User) -> None:
    """Swap a part with its neighbour above ("up") or below ("down")."""
    ensure_editable(plan, actor)
    part = get_part(plan, kind, part_id)
    siblings = list(_siblings(plan, kind, _parent_of(kind, part)))
    i = siblings.index(part)
    j = i - 1 if direction == "up" else i + 1 if direction == "down" else None
    if j is None:
        raise DomainError("Hướng di chuyển không hợp lệ.")
    if not 0 <= j < len(siblings):
        return
    siblings[i], siblings[j] = siblings[j], siblings[i]
    _reposition(siblings)
    touch(plan, actor, f"Đổi thứ tự {part_spec(kind).label}")


def _reposition(ordered: list) -> None:
    # Two passes keep (parent, position) collisions out of the way of any future unique index.
    for i, item in enumerate(ordered):
        item.position = i
    db.session.flush()
    if ordered:
        parent_list = _siblings_of(ordered[0])
        if parent_list is not None:
            parent_list.sort(key=lambda p: p.position)


def _siblings_of(part):
    if isinstance(part, PlanBasis):
        return part.plan.bases
    if isinstance(part, PlanSection):
        return part.plan.sections
    if isinstance(part, ScheduleRow):
        return part.plan.rows
    if isinstance(part, PlanLine):
        return part.section.lines
    return part.row.activities


def update_header(plan: Plan, rev, data: dict, *, actor: User) -> None:
    ensure_editable(plan, actor)
    _check_rev(plan, rev, "phần thông tin chung", lambda p: p.subject)
    clean = check_header(data)
    _apply_plan_fields(plan, clean, actor, "Sửa thông tin chung")
    copy_review.part_saved(plan, "header", None, actor=actor)


def update_opening(plan: Plan, rev, data: dict, *, actor: User) -> None:
    ensure_editable(plan, actor)
    _check_rev(plan, rev, "đoạn mở đầu", lambda p: p.opening[:300])
    errors: dict[str, str] = {}
    opening = checked_text(data, "opening", "đoạn mở đầu", errors, required=False)
    if errors:
        raise ValidationFailed(errors)
    _apply_plan_fields(plan, {"opening": opening}, actor, "Sửa đoạn mở đầu")
    copy_review.part_saved(plan, "opening", None, actor=actor)


def update_closing(plan: Plan, rev, data: dict, *, actor: User) -> None:
    ensure_editable(plan, actor)
    _check_rev(plan, rev, "phần cuối văn bản", lambda p: p.signer_title)
    _apply_plan_fields(plan, check_closing(data), actor, "Sửa nơi nhận, chữ ký")


def _apply_plan_fields(plan: Plan, clean: dict, actor: User, summary: str) -> None:
    changed = False
    for key, value in clean.items():
        if getattr(plan, key) != value:
            setattr(plan, key, value)
            changed = True
    if changed:
        plan.rev += 1
        refresh_keys(plan)
        touch(plan, actor, summary, part=plan)


def refresh_keys(plan: Plan) -> None:
    """The plan's search key and year, derived from its header (after any change to it)."""
    plan.search_key = fold(" ".join([plan.type_name, plan.subject, plan.period, plan.number or ""]))[:700]
    plan.year = guess_year(plan.period, plan.subject,
                           default=plan.doc_date.year if plan.doc_date else local_today().year)
