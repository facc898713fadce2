"""A plan as structured data: header facts on the plan row, ordered parts in child tables.

Every editable part carries `rev`, bumped on each change: a save names the revision it was made
from and is refused when the part changed meanwhile (never a silent overwrite). Positions are
integers within the parent; the document dict (docs/plan-document.md) is built from these rows.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from ..finder.schema import search_index
from ..people.roles import Role
from ..permissions import Perm, has_permission


class PlanStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"      # under vote by the executive committee
    RETURNED = "returned"        # sent back for revision
    APPROVED = "approved"
    ISSUED = "issued"            # signed and numbered ("Đã ban hành")
    ARCHIVED = "archived"        # issued before the intranet, imported as it was: read-only, outside the register

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    PlanStatus.DRAFT: "Dự thảo",
    PlanStatus.SUBMITTED: "Chờ BCH duyệt",
    PlanStatus.RETURNED: "Trả lại để sửa",
    PlanStatus.APPROVED: "Đã duyệt",
    PlanStatus.ISSUED: "Đã ban hành",
    PlanStatus.ARCHIVED: "Lưu trữ",
}
EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})
# Read by every member; the source of tasks and of new drafts. An archived plan was issued once.
PUBLIC = frozenset({PlanStatus.APPROVED, PlanStatus.ISSUED, PlanStatus.ARCHIVED})

activity_groups = sa.Table(
    "activity_groups", db.metadata,
    sa.Column("activity_id", sa.ForeignKey("schedule_activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_activity_groups_group_id", "group_id"),
)


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=PlanStatus.DRAFT.value)
    # Raised by every status change (congdoan/workflow.py): the page's concurrency token.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The kind of document (congdoan/plans/kinds.py): "plan" (kế hoạch), "report" (báo cáo), ...
    # Declared in Python, not in a CHECK constraint, so that a new kind needs no migration.
    kind: Mapped[str] = mapped_column(sa.String(20), default="plan", server_default="plan")
    # The period a report covers (inclusive); NULL for a plan.
    period_start: Mapped[dt.date | None]
    period_end: Mapped[dt.date | None]
    figures_at: Mapped[dt.datetime | None]       # when a report's figures were last drawn from the records
    type_name: Mapped[str] = mapped_column(sa.String(100), default="KẾ HOẠCH")
    subject: Mapped[str] = mapped_column(sa.String(500))
    search_key: Mapped[str] = mapped_column(sa.String(700), default="")    # folded subject + period
    # The whole text of the current version, folded (congdoan/finder/keys.py): the search box.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    period: Mapped[str] = mapped_column(sa.String(100), default="")
    year: Mapped[int] = mapped_column(sa.Integer)                          # for the year filter
    upper_union: Mapped[str] = mapped_column(sa.String(200), default="")
    union_name: Mapped[str] = mapped_column(sa.String(200), default="")
    place: Mapped[str] = mapped_column(sa.String(100), default="")
    doc_date: Mapped[dt.date | None]
    number: Mapped[str | None] = mapped_column(sa.String(50))
    opening: Mapped[str] = mapped_column(sa.Text, default="")
    schedule_title: Mapped[str] = mapped_column(sa.String(500), default="")
    recipients: Mapped[str] = mapped_column(sa.Text, default="")            # one per line, no "- "
    sign_on_behalf: Mapped[str] = mapped_column(sa.String(100), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(100), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    source_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id", ondelete="SET NULL"))
    # An amendment of an approved plan: the approved one stays as it was; this draft replaces it
    # once approved in its own round.
    amends_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    rev: Mapped[int] = mapped_column(default=1)             # header, opening and closing parts
    version_count: Mapped[int] = mapped_column(default=0)

    author = relationship("User", foreign_keys=[author_id])
    bases: Mapped[list["PlanBasis"]] = relationship(
        back_populates="plan", order_by="PlanBasis.position", cascade="all, delete-orphan")
    sections: Mapped[list["PlanSection"]] = relationship(
        back_populates="plan", order_by="PlanSection.position", cascade="all, delete-orphan")
    rows: Mapped[list["ScheduleRow"]] = relationship(
        back_populates="plan", order_by="ScheduleRow.position", cascade="all, delete-orphan")
    editor_links: Mapped[list["PlanEditor"]] = relationship(
        back_populates="plan", order_by="PlanEditor.added_at", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved', 'issued', 'archived')",
                           name="known_status"),
        sa.CheckConstraint("status != 'issued' OR number IS NOT NULL", name="issued_has_number"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_plans_status_year", "status", "year"),
        sa.Index("ix_plans_kind_status", "kind", "status"),
        sa.Index("ix_plans_updated_at", "updated_at"),
        # The plan list's page in order, its search and visibility tested in the index, and its year and
        # author menus from the index alone (migration 0031).
        sa.Index("ix_plans_kind_updated_at", "kind", "updated_at", "id", "status", "author_id", "search_key"),
        sa.Index("ix_plans_kind_year_author", "kind", "year", "author_id"),
        search_index("ix_plans_search_text"),
    )

    @property
    def state(self) -> PlanStatus:
        return PlanStatus(self.status)

    @property
    def document_kind(self):
        """The kind's declaration (congdoan/plans/kinds.py): type name, abbreviation, template, parts."""
        from .kinds import kind_of
        return kind_of(self.kind)

    @property
    def recipient_lines(self) -> list[str]:
        return [line for line in (self.recipients or "").split("\n") if line.strip()]

    # --- permissions (used by views for 403 and by templates to show buttons) -------------------
    def can_view(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.state in PUBLIC:
            return True
        return user.id == self.author_id or user.is_committee_member

    # Who may change a draft (docs/coeditors.md). can_edit is the one answer to "may this person edit
    # this draft?": every editing service asks it through editing.ensure_editable, every template
    # through `editable`. can_manage is the smaller circle that decides about the draft as a whole.
    def can_manage(self, user) -> bool:
        """The author, the chair and the vice chairs in office: submit, delete, name co-editors."""
        return (has_permission(user, Perm.PLANS_DRAFT)
                and (user.id == self.author_id or user.has_role(Role.CHAIR, Role.VICE_CHAIR)))

    def is_coeditor(self, user) -> bool:
        user_id = getattr(user, "id", None)
        return user_id is not None and any(link.user_id == user_id for link in self.editor_links)

    def can_edit(self, user) -> bool:
        """Content, header, order of a draft or a returned plan: those who manage it and its co-editors."""
        return (self.state in EDITABLE and has_permission(user, Perm.PLANS_DRAFT)
                and (self.can_manage(user) or self.is_coeditor(user)))

    def can_manage_coeditors(self, user) -> bool:
        return self.state in EDITABLE and self.can_manage(user)

    def can_delete(self, user) -> bool:
        return self.state == PlanStatus.DRAFT and self.can_manage(user)

    def can_amend(self, user) -> bool:
        """Start an amendment (a new draft) of an approved or issued plan; an archived plan stays as it
        was issued (a new plan is made from it with "Tạo bản mới")."""
        return self.state in (PlanStatus.APPROVED, PlanStatus.ISSUED) and self.can_manage(user)

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.status} {self.subject!r}>"


class PlanEditor(db.Model):
    """A co-editor ("người cùng soạn"): a committee member named on a draft, who may edit its content
    but not submit, delete it or change its co-editors."""
    __tablename__ = "plan_editors"

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="editor_links")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (sa.Index("ix_plan_editors_user_id", "user_id"),)


class _Part:
    """Columns every ordered part shares."""
    position: Mapped[int] = mapped_column(sa.Integer)
    rev: Mapped[int] = mapped_column(default=1)


class PlanBasis(_Part, db.Model):
    __tablename__ = "plan_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)

    plan: Mapped[Plan] = relationship(back_populates="bases")


class PlanSection(_Part, db.Model):
    __tablename__ = "plan_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))

    plan: Mapped[Plan] = relationship(back_populates="sections")
    lines: Mapped[list["PlanLine"]] = relationship(
        back_populates="section", order_by="PlanLine.position", cascade="all, delete-orphan")


class LineKind(str, enum.Enum):
    PARAGRAPH = "paragraph"
    SUBSECTION = "subsection"
    BULLET = "bullet"
    TABLE = "table"          # a table of figures: `data` holds its columns and rows (a report)


LINE_KIND_LABELS = {"paragraph": "Đoạn văn", "subsection": "Mục con (1., 2., ...)", "bullet": "Gạch đầu dòng (- )"}


class LineOrigin(str, enum.Enum):
    """Who wrote a line. A line drafted from the records is replaced by "Cập nhật số liệu"; once a
    person edits it, it becomes theirs (PERSON) and a refresh leaves it alone."""
    PERSON = ""
    RECORDS = "records"


class PlanLine(_Part, db.Model):
    __tablename__ = "plan_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_sections.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default=LineKind.PARAGRAPH.value)
    level: Mapped[int] = mapped_column(default=0)                 # 0-2 (congdoan/plans/numbering.py)
    label: Mapped[str] = mapped_column(sa.String(8), default="", server_default="")  # "1.", "a)", "•" ("" = default)
    # "" = the weight of its style; "normal" = upright where the style is bold (a first-level item
    # written upright in the Word file it was imported from; congdoan/plans/numbering.py)
    weight: Mapped[str] = mapped_column(sa.String(10), default="", server_default="")
    text: Mapped[str] = mapped_column(sa.Text)
    origin: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")   # LineOrigin
    # The list the line's figures were counted from (a path inside the app, "" = none).
    link: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    # kind "table": JSON {"columns": [...], "rows": [[{"text": ..., "link": ...}, ...], ...]}.
    data: Mapped[str | None] = mapped_column(sa.Text)

    section: Mapped[PlanSection] = relationship(back_populates="lines")
    plan: Mapped[Plan] = relationship()

    @property
    def shown_label(self) -> str:
        """The label shown before the line ("1.", "a)", "1.1", "-", "+", "•"; "" for a paragraph)."""
        from .numbering import labels
        siblings = self.section.lines
        for line, label in zip(siblings, labels(siblings)):
            if line is self:
                return label
        return ""

    __table_args__ = (
        sa.CheckConstraint("kind IN ('paragraph', 'subsection', 'bullet', 'table')", name="known_kind"),
        sa.CheckConstraint("(kind = 'table') = (data IS NOT NULL)", name="table_has_data"),
        sa.CheckConstraint("level IN (0, 1, 2)", name="known_level"),
    )


class ScheduleRow(_Part, db.Model):
    __tablename__ = "schedule_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(sa.String(100))

    plan: Mapped[Plan] = relationship(back_populates="rows")
    activities: Mapped[list["ScheduleActivity"]] = relationship(
        back_populates="row", order_by="ScheduleActivity.position", cascade="all, delete-orphan")


class ScheduleActivity(_Part, db.Model):
    __tablename__ = "schedule_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(sa.ForeignKey("schedule_rows.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    due_date: Mapped[dt.date | None]

    row: Mapped[ScheduleRow] = relationship(back_populates="activities")
    plan: Mapped[Plan] = relationship()
    groups = relationship("Group", secondary=activity_groups, order_by="Group.name_key", lazy="selectin")


class PlanVersion(db.Model):
    """A full snapshot of the plan document after a saved change: who, when, what."""
    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(sa.String(300))
    # The part the save changed ("plan_lines:12"; "plans:3" for the header, opening and closing), so
    # that a stale save names who changed that part, not whoever saved last (stale.check_rev).
    part_key: Mapped[str | None] = mapped_column(sa.String(40))
    content: Mapped[str] = mapped_column(sa.Text)            # canonical JSON of the document
    content_hash: Mapped[str] = mapped_column(sa.String(64))

    author = relationship("User")

    __table_args__ = (sa.UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),)
