"""Rules for drafting plans. Every change goes through here: checked, applied, versioned, audited.

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

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.service import record
from ..dates import local_today, parse_vn_date, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..limits import parse_int
from ..organisation.models import Organisation
from ..people.models import Group, User, UserRole
from ..people.roles import Role
from ..search import starts_words
from ..text import clean_text, fold, plain
from ..finder.keys import plan_key
from . import copy_review
from .document import canonical, content_hash, fill_plan, guess_year, to_document
from .numbering import clamp_level, typed_label, valid_label
from .kinds import PLAN
from .models import (EDITABLE, PUBLIC, LineKind, LineOrigin, Plan, PlanBasis, PlanLine, PlanSection, PlanStatus,
                     PlanVersion, ScheduleActivity, ScheduleRow)
from .workflow import Noun, noun
from .stale import StaleEdit, check_rev as _check_rev, part_key as _part_key  # noqa: F401 (StaleEdit: for routes)
from .year_shift import shift_document

TYPED_LINE_KINDS = frozenset(k.value for k in LineKind if k != LineKind.TABLE)
TEXT_MAX = 20_000          # one paragraph; a 10,000-character paragraph must fit
SUBJECT_MAX = 500
LABEL_MAX = 100


# --- field checks --------------------------------------------------------------------------------

def _text(data: dict, key: str, label: str, errors: dict, *, required=True, max_len=TEXT_MAX,
          multiline=True) -> str:
    value = clean_text(data.get(key), multiline=multiline)
    if required and not value:
        errors[key] = f"Vui lòng nhập {label}."
    elif len(value) > max_len:
        errors[key] = (f"{label[0].upper() + label[1:]} quá dài: {len(value):,} ký tự "
                       f"(tối đa {max_len:,}).").replace(",", ".")
    return value


def _date(data: dict, key: str, label: str, errors: dict) -> dt.date | None:
    raw = (data.get(key) or "").strip()
    if not raw:
        return None
    value = parse_vn_date(raw)
    if value is None or not 1990 <= value.year <= 2100:
        errors[key] = f"{label} không hợp lệ (dạng ngày/tháng/năm, ví dụ 05/09/2023)."
    return value


def check_header(data: dict) -> dict:
    errors: dict[str, str] = {}
    clean = {
        "type_name": _text(data, "type_name", "loại văn bản", errors, max_len=LABEL_MAX, multiline=False),
        "subject": _text(data, "subject", "trích yếu (tên kế hoạch)", errors, max_len=SUBJECT_MAX, multiline=False),
        "period": _text(data, "period", "thời gian", errors, required=False, max_len=LABEL_MAX, multiline=False),
        "place": _text(data, "place", "địa danh", errors, required=False, max_len=LABEL_MAX, multiline=False),
        "upper_union": _text(data, "upper_union", "công đoàn cấp trên", errors, required=False, max_len=200,
                             multiline=False),
        "union_name": _text(data, "union_name", "tên công đoàn", errors, max_len=200, multiline=False),
        "doc_date": _date(data, "doc_date", "Ngày văn bản", errors),
        "schedule_title": _text(data, "schedule_title", "tiêu đề lịch công tác", errors, required=False,
                                max_len=SUBJECT_MAX, multiline=False),
    }
    if errors:
        raise ValidationFailed(errors)
    return clean


def check_closing(data: dict) -> dict:
    errors: dict[str, str] = {}
    clean = {
        "recipients": _text(data, "recipients", "nơi nhận", errors, required=False, max_len=3000),
        "sign_on_behalf": _text(data, "sign_on_behalf", "thẩm quyền ký", errors, required=False,
                                max_len=LABEL_MAX, multiline=False),
        "signer_title": _text(data, "signer_title", "chức danh người ký", errors, max_len=LABEL_MAX,
                              multiline=False),
        "signer_name": _text(data, "signer_name", "tên người ký", errors, required=False, max_len=120,
                             multiline=False),
    }
    clean["recipients"] = "\n".join(line.strip().lstrip("-–•").strip()
                                    for line in clean["recipients"].split("\n") if line.strip())
    if errors:
        raise ValidationFailed(errors)
    return clean


# Numbering the editor adds by itself, typed anyway out of habit from Word: "II. ", "1. ", "2) ",
# "1.2. ", "a) " before a title or sub-item, "- ", "• ", "+ " before a bullet. A marker counts only
# when a space follows it, so "20/11 …", "-5% …" and "1.500.000 đồng" stay as they are.
_TYPED_ROMAN = re.compile(r"^[IVXLC]{1,7}\s*[.)\-–—:]\s+(?=\S)")
_TYPED_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\s*[.)])\s+(?=\S)")
_TYPED_BULLET = re.compile(r"^([-–—+•●○◦▪■►➢❖*·])\s+(?=\S)")


def strip_typed_marker(kind: str, text: str) -> tuple[str, str | None]:
    """The text without a numbering marker the editor prints itself, and the marker taken off."""
    pattern = {"section": _TYPED_ROMAN, LineKind.SUBSECTION.value: _TYPED_NUMBER,
               LineKind.BULLET.value: _TYPED_BULLET}.get(kind)
    found = pattern.match(text) if pattern else None
    if found is None:
        return text, None
    return text[found.end():], found.group(0).strip()


def check_part(kind: str, data: dict) -> dict:
    errors: dict[str, str] = {}
    if kind == "basis":
        clean = {"text": _text(data, "text", "nội dung căn cứ", errors)}
    elif kind == "section":
        title = _text(data, "title", "tên mục", errors, max_len=SUBJECT_MAX, multiline=False)
        clean = {"title": strip_typed_marker("section", title)[0]}
    elif kind == "line":
        line_kind = data.get("kind") or LineKind.PARAGRAPH.value
        if line_kind not in TYPED_LINE_KINDS:      # a table comes from the records, never typed in
            errors["kind"] = "Kiểu dòng không hợp lệ."
        level = clamp_level(data.get("level"))
        text, marker = strip_typed_marker(line_kind, _text(data, "text", "nội dung", errors))
        label = valid_label(line_kind, data.get("label"))
        if marker == "+" and level == 0:
            level = 1    # "+" is how the plans write a bullet of the second level
        if marker and not label:
            label = valid_label(line_kind, typed_label(marker))
        clean = {"kind": line_kind, "level": level, "label": label, "text": text}
    elif kind == "row":
        clean = {"period": _text(data, "period", "tháng hoặc thời gian (ví dụ 9/2023)", errors,
                                 max_len=LABEL_MAX, multiline=False)}
    elif kind == "activity":
        clean = {"text": _text(data, "text", "nội dung công việc", errors),
                 "due_date": _date(data, "due_date", "Hạn hoàn thành", errors)}
        ids = []
        for raw in data.get("group_ids") or []:
            group_id = parse_int(raw)
            if group_id is None:
                errors["group_ids"] = "Tổ được chọn không hợp lệ."
            else:
                ids.append(group_id)
        groups = db.session.execute(sa.select(Group).where(Group.id.in_(ids))).scalars().all() if ids else []
        if len(groups) != len(set(ids)):
            errors["group_ids"] = "Tổ được chọn không tồn tại."
        clean["groups"] = groups
    else:
        raise DomainError("Loại nội dung không hợp lệ.")
    if errors:
        raise ValidationFailed(errors)
    return clean


# --- the parts of a plan -------------------------------------------------------------------------

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
    opening = _text(data, "opening", "đoạn mở đầu", errors, required=False)
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
        _refresh_keys(plan)
        touch(plan, actor, summary, part=plan)


def _refresh_keys(plan: Plan) -> None:
    plan.search_key = fold(" ".join([plan.type_name, plan.subject, plan.period, plan.number or ""]))[:700]
    plan.year = guess_year(plan.period, plan.subject,
                           default=plan.doc_date.year if plan.doc_date else local_today().year)


# --- versions ------------------------------------------------------------------------------------

def touch(plan: Plan, actor: User | None, summary: str, *, part=None) -> PlanVersion:
    """Record a saved change: a full snapshot version, the audit entry, the modification time."""
    plan.updated_at = utcnow()
    db.session.flush()
    doc = to_document(plan)
    plan.version_count = (plan.version_count or 0) + 1
    plan.search_text = plan_key(doc)
    version = PlanVersion(plan_id=plan.id, number=plan.version_count, author_id=getattr(actor, "id", None),
                          summary=summary[:300], part_key=_part_key(part) if part is not None else None,
                          content=canonical(doc), content_hash=content_hash(doc))
    db.session.add(version)
    record("plan_created" if version.number == 1 else "plan_edited", plan, actor=actor, summary=summary,
           data={"version": version.number, "hash": version.content_hash})
    db.session.flush()
    return version


def last_version(plan_id: int) -> PlanVersion | None:
    return db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan_id)
        .order_by(PlanVersion.number.desc()).limit(1)).scalar()


def versions(plan: Plan) -> list[PlanVersion]:
    return db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number.desc())
        .options(sa.orm.joinedload(PlanVersion.author), sa.orm.defer(PlanVersion.content))).scalars().all()


def get_version(plan: Plan, number: int) -> PlanVersion:
    version = db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == number)).scalar()
    if version is None:
        raise DomainError(f"Không có phiên bản số {number} của {noun(plan)} này.")
    return version


# --- creating, copying, deleting -----------------------------------------------------------------

def chair_name() -> str:
    name = db.session.execute(
        sa.select(User.full_name).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.CHAIR.value, User.active.is_(True)).order_by(User.id).limit(1)).scalar()
    return name or ""


def new_document(subject: str, period: str = "") -> dict:
    """An empty plan document carrying the organisation's defaults."""
    org = Organisation.get()
    return {
        "format": 1, "type_name": "KẾ HOẠCH", "subject": subject, "period": period,
        "upper_union": org.upper_union, "union_name": org.name, "place": org.place_name, "date": None,
        "number": None, "bases": [], "opening": "", "sections": [], "schedule_title": "", "schedule": [],
        "recipients": org.recipient_lines,
        "signature": {"on_behalf": org.sign_on_behalf, "title": org.chair_title, "name": chair_name()},
    }


def create_plan(data: dict, *, actor: User) -> Plan:
    """A new draft with the subject and period given and everything else from the settings."""
    errors: dict[str, str] = {}
    subject = _text(data, "subject", "trích yếu (tên kế hoạch)", errors, max_len=SUBJECT_MAX, multiline=False)
    period = _text(data, "period", "thời gian", errors, required=False, max_len=LABEL_MAX, multiline=False)
    if errors:
        raise ValidationFailed(errors)
    return create_from_document(new_document(subject, period), actor=actor, summary="Tạo dự thảo kế hoạch")


def create_from_document(doc: dict, *, actor: User, summary: str, source: Plan | None = None,
                         archived: bool = False) -> Plan:
    """A new draft holding the given document (demo seed, Word import, copy of another plan).
    archived=True: a plan issued before the intranet, born archived with the number it was issued
    under (documents/import_modes.py); it never moves to another status and is never in the register."""
    if not clean_text(doc.get("subject")):
        raise ValidationFailed({"subject": "Vui lòng nhập trích yếu (tên kế hoạch)."})
    status = PlanStatus.ARCHIVED if archived else PlanStatus.DRAFT
    plan = Plan(author_id=actor.id, status=status.value, subject="", year=local_today().year,
                source_plan_id=source.id if source else None)
    db.session.add(plan)
    fill_plan(plan, doc)
    # a draft's number is given only when it is signed; an archived plan keeps its own
    plan.number = (clean_text(doc.get("number"))[:50] or None) if archived else None
    _refresh_keys(plan)
    db.session.flush()
    touch(plan, actor, summary)
    return plan


def copy_plan(source: Plan, *, actor: User, shift: int = 0) -> Plan:
    """A new draft with everything of `source`; the plan's own years moved by `shift` years when
    asked (year_shift.py), and what the move could not settle stored as the draft's review list
    (copy_review.py). The copy has no number and no date: those belong to its own issuing."""
    if not source.can_view(actor):
        raise PermissionDenied(f"Bạn không có quyền xem {noun(source)} này.")
    ensure_copyable(source)
    if not actor.is_committee_member:
        raise PermissionDenied("Chỉ Ủy viên Ban Chấp hành mới được soạn kế hoạch.")
    if not -5 <= shift <= 5:
        raise ValidationFailed({"shift": "Chỉ dời được từ -5 đến 5 năm."})
    doc, found = shift_document(to_document(source), shift)
    doc["date"] = None
    doc["signature"]["name"] = doc["signature"].get("name") or chair_name()
    plan = create_from_document(doc, actor=actor, source=source,
                                summary=f"Tạo từ kế hoạch “{source.subject}”"
                                        + (f", dời {shift:+d} năm" if shift else ""))
    copy_review.record_findings(plan, found)
    return plan


def ensure_copyable(source: Plan) -> None:
    """"Tạo bản mới" (a copy moved to the next year) is for a kind with a schedule (a plan); a report
    is drafted from the records of its own period instead."""
    if not source.document_kind.has_schedule or source.document_kind.from_records:
        raise DomainError(f"{Noun(source)} được lập từ số liệu của từng kỳ, không tạo bản mới từ bản cũ: "
                          f"hãy lập {noun(source)} mới cho kỳ cần báo cáo.")


def delete_plan(plan: Plan, *, actor: User) -> None:
    if not plan.can_delete(actor):
        if plan.state != PlanStatus.DRAFT:
            raise DomainError(f"Chỉ xóa được {noun(plan)} đang là dự thảo.")
        raise PermissionDenied("Chỉ người soạn, Chủ tịch hoặc Phó Chủ tịch mới được xóa dự thảo này.")
    record("plan_deleted", plan, actor=actor, summary=f"Xóa dự thảo “{plan.subject}”")
    db.session.delete(plan)
    db.session.flush()


# --- lists ---------------------------------------------------------------------------------------

PAGE_SIZE = 30


def _visible(user: User):
    """The condition on plans for what this person may see (None: everything)."""
    if user.is_committee_member:
        return None
    return sa.or_(Plan.status.in_([s.value for s in PUBLIC]), Plan.author_id == user.id)


def visible_plans(user: User):
    """A select of the plans this person may see: all for the committee, approved, issued and
    archived ones (and their own drafts) for everyone else."""
    condition = _visible(user)
    query = sa.select(Plan)
    return query if condition is None else query.where(condition)


@dataclass(frozen=True)
class PlanSummary:
    """One line of the plan list: the few columns it shows, not the plan with its text and author."""
    id: int
    status: str
    type_name: str
    subject: str
    number: str | None
    updated_at: dt.datetime
    author_name: str

    @property
    def state(self) -> PlanStatus:
        return PlanStatus(self.status)


def list_plans(user: User, *, q: str = "", status: str = "", year: int | None = None,
               author_id: int | None = None, page: int = 1, kind: str = PLAN.key) -> tuple[list[PlanSummary], int]:
    """One page of the documents of `kind` (plans by default, reports for /bao-cao) this person may
    see, newest first, filtered and searched without accents or case ("tet trung thu" finds "Tết
    Trung thu"). Returns (plans, total)."""
    conditions = [c for c in [_visible(user)] if c is not None] + [Plan.kind == kind]
    words = starts_words(Plan.search_key, q)
    if words is not None:
        conditions.append(words)
    if status in {s.value for s in PlanStatus}:
        conditions.append(Plan.status == status)
    if year:
        conditions.append(Plan.year == year)
    if author_id:
        conditions.append(Plan.author_id == author_id)
    total = db.session.execute(sa.select(sa.func.count(Plan.id)).where(*conditions)).scalar()
    rows = db.session.execute(
        sa.select(Plan.id, Plan.status, Plan.type_name, Plan.subject, Plan.number, Plan.updated_at, User.full_name)
        .join(User, User.id == Plan.author_id).where(*conditions)
        .order_by(Plan.updated_at.desc(), Plan.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [PlanSummary(*row) for row in rows], total


def filter_choices(user: User, kind: str = PLAN.key) -> tuple[list[int], list[tuple[int, str]]]:
    """The years and authors that occur among the visible documents of `kind` (for the filter menus)."""
    condition = _visible(user)
    conditions = ([condition] if condition is not None else []) + [Plan.kind == kind]
    years = db.session.execute(sa.select(Plan.year).where(*conditions).distinct()
                               .order_by(Plan.year.desc())).scalars().all()
    authors = db.session.execute(
        sa.select(User.id, User.full_name).where(User.id.in_(sa.select(Plan.author_id).where(*conditions)))
        .order_by(User.sort_key)).all()
    return years, [(a.id, a.full_name) for a in authors]


# --- timeline ------------------------------------------------------------------------------------

@dataclass
class TimelineEvent:
    action: str
    actor: str
    at: dt.datetime
    summary: str
    count: int = 1
    first_at: dt.datetime | None = None


def timeline(plan: Plan, limit: int = 400) -> list[TimelineEvent]:
    """The plan's events from the audit trail, newest first; consecutive edits by one person are
    folded into one line ("Sửa 12 lần") so the decisions stay visible."""
    from ..audit.service import entries_for
    events: list[TimelineEvent] = []
    for entry in entries_for("plans", plan.id, limit):
        name = entry.actor.full_name if entry.actor else "Hệ thống"
        last = events[-1] if events else None
        if (last and entry.action == "plan_edited" and last.action == "plan_edited" and last.actor == name):
            last.count += 1
            last.first_at = entry.created_at
            continue
        events.append(TimelineEvent(entry.action, name, entry.created_at, entry.summary))
    return events
