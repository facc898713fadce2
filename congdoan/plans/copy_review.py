"""The lines a copy to another year could not settle, kept until the author has gone through them.

copy_plan moves the years it safely can (year_shift.py) and stores here one row per part that still
needs a person: an old year kept in a citation, a span of years, an anniversary count, a lunar
year's name, a weekday beside a moved date. Each row is resolved by editing that part ("edited"),
by "Giữ nguyên" ("kept"), or by deleting the part ("deleted"). A draft with rows left is not
submitted to the committee (approvals.services.submit asks `pending_count`), so old years never
reach the groups as tasks, which are handed out from approved plans only.

Services flush and never commit; they refuse a person who may not edit the draft.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.service import record
from ..dates import utcnow
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from .models import EDITABLE, Plan
from .year_shift import REASONS, Finding

RESOLUTIONS = ("edited", "kept", "deleted")
PART_KINDS = ("header", "opening", "basis", "section", "line", "row", "activity")


class CopyReviewItem(db.Model):
    """One part of a copied draft that still cites an old year or a count that should move."""
    __tablename__ = "copy_review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    part_kind: Mapped[str] = mapped_column(sa.String(20))
    part_id: Mapped[int | None]                           # None for the header and the opening
    position: Mapped[int]                                 # reading order in the document
    findings: Mapped[list] = mapped_column(sa.JSON)       # [{reason, fragment, suggestion}]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(sa.String(10))

    resolved_by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("part_kind IN ('header', 'opening', 'basis', 'section', 'line', 'row', 'activity')",
                           name="known_part_kind"),
        sa.CheckConstraint("resolution IS NULL OR resolution IN ('edited', 'kept', 'deleted')",
                           name="known_resolution"),
        sa.CheckConstraint("(resolved_at IS NULL) = (resolution IS NULL)", name="resolved_with_how"),
        sa.Index("ix_copy_review_items_plan_open", "plan_id", "resolved_at"),
    )

    @property
    def open(self) -> bool:
        return self.resolved_at is None


# --- at copy time --------------------------------------------------------------------------------

def _part_at(plan: Plan, where: tuple):
    kind = where[0]
    if kind in ("header", "opening"):
        return kind, None
    if kind == "basis":
        return kind, plan.bases[where[1]].id
    if kind == "section":
        return kind, plan.sections[where[1]].id
    if kind == "line":
        return kind, plan.sections[where[1]].lines[where[2]].id
    if kind == "row":
        return kind, plan.rows[where[1]].id
    return kind, plan.rows[where[1]].activities[where[2]].id


def record_findings(plan: Plan, found: list[tuple[tuple, list[Finding]]]) -> int:
    """Store the findings of a copy (year_shift.shift_document) against the new draft's parts.
    Returns how many parts need a look."""
    db.session.flush()                   # the parts have their ids
    for position, (where, findings) in enumerate(found):
        kind, part_id = _part_at(plan, where)
        db.session.add(CopyReviewItem(plan_id=plan.id, part_kind=kind, part_id=part_id, position=position,
                                      findings=[f.to_dict() for f in findings]))
    db.session.flush()
    return len(found)


# --- reading -------------------------------------------------------------------------------------

def pending_count(plan_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count(CopyReviewItem.id))
        .where(CopyReviewItem.plan_id == plan_id, CopyReviewItem.resolved_at.is_(None))).scalar() or 0


def counts(plan_id: int) -> tuple[int, int]:
    """(rows in all, rows still open) of a plan's review list, in one query."""
    total, pending = db.session.execute(
        sa.select(sa.func.count(CopyReviewItem.id),
                  sa.func.count(sa.case((CopyReviewItem.resolved_at.is_(None), CopyReviewItem.id))))
        .where(CopyReviewItem.plan_id == plan_id)).one()
    return total or 0, pending or 0


@dataclass
class ReviewLine:
    """A row of the review page: where the part is, what it says now, what to check."""
    item: CopyReviewItem
    where: str                 # "Căn cứ 3", "Mục II, dòng 4", "Lịch công tác 11/2024, việc 1"
    text: str                  # the part's text as it stands now
    anchor: str                # the element id of the part on the plan page
    edit_kind: str             # the kind for plans.edit_part, or header / opening
    notes: list[dict]          # findings with the reason in words


def review_lines(plan: Plan) -> list[ReviewLine]:
    """Every row of the plan's review list, open ones first, each in reading order."""
    from ..text import roman
    items = db.session.execute(
        sa.select(CopyReviewItem).where(CopyReviewItem.plan_id == plan.id)
        .order_by(CopyReviewItem.resolved_at.is_not(None), CopyReviewItem.position)
        .options(sa.orm.joinedload(CopyReviewItem.resolved_by))).scalars().all()
    places: dict[tuple[str, int], tuple[str, str]] = {}
    for i, basis in enumerate(plan.bases, 1):
        places[("basis", basis.id)] = (f"Căn cứ {i}", basis.text)
    for i, section in enumerate(plan.sections, 1):
        places[("section", section.id)] = (f"Tên mục {roman(i)}", section.title)
        for j, line in enumerate(section.lines, 1):
            places[("line", line.id)] = (f"Mục {roman(i)}, dòng {j}", line.text)
    for row in plan.rows:
        places[("row", row.id)] = (f"Lịch công tác, tháng {row.period}", row.period)
        for j, activity in enumerate(row.activities, 1):
            places[("activity", activity.id)] = (f"Lịch công tác tháng {row.period}, việc {j}", activity.text)
    header = "\n".join(t for t in (plan.subject, plan.period, plan.schedule_title) if t)
    lines = []
    for item in items:
        if item.part_kind == "header":
            where, text, anchor = "Thông tin chung (trích yếu, thời gian, tiêu đề lịch)", header, "plan-header"
        elif item.part_kind == "opening":
            where, text, anchor = "Đoạn mở đầu", plan.opening, "plan-opening"
        else:
            where, text = places.get((item.part_kind, item.part_id), ("Phần đã bị xóa", ""))
            anchor = f"{item.part_kind}-{item.part_id}"
        notes = [dict(f, reason_text=REASONS.get(f.get("reason"), "Cần xem lại.")) for f in item.findings]
        lines.append(ReviewLine(item, where, text, anchor, item.part_kind, notes))
    return lines


# --- resolving -----------------------------------------------------------------------------------

def _ensure_may_review(plan: Plan, actor) -> None:
    if not plan.can_edit(actor):
        if plan.state not in EDITABLE:
            raise DomainError(f"Kế hoạch đang ở trạng thái “{plan.state.label}”: không còn soát lại được.")
        raise PermissionDenied("Chỉ người soạn kế hoạch hoặc Chủ tịch mới được soát lại dự thảo này.")


def get_item(plan: Plan, item_id: int) -> CopyReviewItem:
    item = db.session.get(CopyReviewItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise DomainError("Không tìm thấy dòng cần soát lại này trong kế hoạch. Hãy tải lại trang.")
    return item


def keep(plan: Plan, item_id: int, *, actor) -> CopyReviewItem:
    """'Giữ nguyên': the author has read the line and it stays as it is."""
    _ensure_may_review(plan, actor)
    item = get_item(plan, item_id)
    if item.open:
        _resolve([item], "kept", actor)
        record("plan_review_kept", plan, actor=actor,
               summary=f"Soát lại sau khi tạo bản mới: giữ nguyên “{_fragments(item)}”",
               data={"item": item.id, "part": item.part_kind, "part_id": item.part_id})
    return item


def part_saved(plan: Plan, kind: str, part_id: int | None, *, actor) -> None:
    """A part of the plan was saved in its editor: its review row, if any, is done."""
    _resolve(_open_rows(plan, {kind: [part_id]}), "edited", actor)


def part_deleted(plan: Plan, kind: str, part, *, actor) -> None:
    """A part is about to be deleted: its rows are done, and those of the lines of a deleted
    section or the activities of a deleted schedule row."""
    parts = {kind: [part.id]}
    if kind == "section":
        parts["line"] = [line.id for line in part.lines]
    elif kind == "row":
        parts["activity"] = [activity.id for activity in part.activities]
    _resolve(_open_rows(plan, parts), "deleted", actor)


def _open_rows(plan: Plan, parts: dict[str, list[int | None]]) -> list[CopyReviewItem]:
    """The open rows of the given parts ({kind: [part ids]}; [None] for the header or the opening)."""
    conditions = [sa.and_(CopyReviewItem.part_kind == kind,
                          CopyReviewItem.part_id.is_(None) if ids == [None] else CopyReviewItem.part_id.in_(ids))
                  for kind, ids in parts.items() if ids]
    return db.session.execute(
        sa.select(CopyReviewItem).where(CopyReviewItem.plan_id == plan.id, CopyReviewItem.resolved_at.is_(None),
                                        sa.or_(*conditions))).scalars().all()


def _resolve(items: list[CopyReviewItem], how: str, actor) -> None:
    now = utcnow()
    for item in items:
        item.resolved_at, item.resolution, item.resolved_by_id = now, how, getattr(actor, "id", None)
    db.session.flush()


def _fragments(item: CopyReviewItem) -> str:
    return ", ".join(f.get("fragment", "") for f in item.findings)[:200]


def pending_message(count: int) -> str:
    return (f"Chưa thể trình Ban Chấp hành duyệt: còn {count} dòng cần soát lại sau khi tạo bản mới "
            f"(năm cũ, số năm kỷ niệm chưa được dời). Hãy sửa từng dòng hoặc bấm “Giữ nguyên” nếu dòng đó đã đúng.")


class ReviewPending(DomainError):
    """Submitting a copied draft whose review list is not gone through yet."""

    def __init__(self, plan_id: int, count: int):
        super().__init__(pending_message(count))
        self.plan_id, self.count = plan_id, count
