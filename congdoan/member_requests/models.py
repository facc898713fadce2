"""Member requests, their timeline, their evidence files, and the campaigns that collect them."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..changes import watch
from ..dates import fmt_date, local_today, utcnow
from ..extensions import db
from ..finder.schema import search_index
from ..money import fmt_vnd
from ..people.models import Group, User
from ..permissions import Perm, has_permission
from .kinds import PUBLIC_KINDS, Kind, kind_of
from .states import OPEN_STATES, STATUS_LABELS, WAITING_FOR_REQUESTER, Status

# The actions of a group leader on a request; having done one lets them keep seeing it.
LEADER_ACTIONS = ("confirm", "ask")


def _known(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Campaign(db.Model):
    """A collection with a deadline (đợt tiếp nhận), e.g. children's achievements for Trung thu.
    `deadline` is the last day submissions are accepted (Vietnam time), inclusive."""
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    deadline: Mapped[dt.date]
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    created_by = relationship("User", foreign_keys=[created_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    __table_args__ = (sa.Index("ix_campaigns_open", "closed_at", "deadline"),)

    @property
    def spec(self) -> Kind:
        return kind_of(self.kind)

    def is_open(self, today: dt.date | None = None) -> bool:
        return self.closed_at is None and (today or local_today()) <= self.deadline

    def state_label(self, today: dt.date | None = None) -> str:
        if self.closed_at is not None:
            return "Đã đóng"
        return "Đang nhận" if self.is_open(today) else "Hết hạn"

    def closed_message(self, today: dt.date | None = None) -> str | None:
        """Why a submission is refused now, or None when it is accepted."""
        if self.closed_at is not None:
            return f"Đợt “{self.title}” đã đóng, không nhận thêm đề xuất."
        if not self.is_open(today):
            return (f"Đợt “{self.title}” đã hết hạn nhận (hạn cuối: hết ngày {fmt_date(self.deadline)}). "
                    f"Vui lòng liên hệ Ban Chấp hành nếu cần gửi bổ sung.")
        return None

    def can_manage(self, user) -> bool:
        return has_permission(user, Perm.CAMPAIGNS_MANAGE)

    def can_submit(self, user) -> bool:
        return self.is_open() and has_permission(user, Perm.SIGNED_IN)


class RequestFile(db.Model):
    """An evidence file attached to a request."""
    __tablename__ = "request_files"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("member_requests.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="RESTRICT"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    file = relationship("StoredFile", lazy="joined")


class RequestEvent(db.Model):
    """One step of a request's life (submitted, confirmed, asked, answered, approved...): who, when,
    from which state to which, and the note or amount that went with it. The timeline is read from
    here; the hash-chained audit trail gets an entry for each event too."""
    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("member_requests.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(sa.String(20))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    amount: Mapped[int | None] = mapped_column(sa.BigInteger)

    actor = relationship("User", lazy="joined")

    __table_args__ = (
        sa.Index("ix_request_events_request", "request_id", "id"),
        sa.Index("ix_request_events_actor", "actor_id", "action"),
    )


class MemberRequest(db.Model):
    __tablename__ = "member_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    # Written only by workflow.py (start() on insert, apply() with a conditional UPDATE).
    status: Mapped[str] = mapped_column(sa.String(20))
    version: Mapped[int] = mapped_column(default=1)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    # The requester's group when they submitted: its leader confirms, even if the requester moves later.
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="RESTRICT"))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    summary_key: Mapped[str] = mapped_column(sa.String(300), default="")   # folded, for search
    # Kind, summary and every answer folded (congdoan/finder/keys.py): details never change.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    amount_approved: Mapped[int | None] = mapped_column(sa.BigInteger)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    paid_at: Mapped[dt.datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    requester = relationship("User", foreign_keys=[requester_id], lazy="joined")
    group = relationship("Group")
    campaign = relationship("Campaign")
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    paid_by = relationship("User", foreign_keys=[paid_by_id])
    events: Mapped[list[RequestEvent]] = relationship(order_by=RequestEvent.id, cascade="all, delete-orphan",
                                                      lazy="selectin")
    files: Mapped[list[RequestFile]] = relationship(order_by=RequestFile.created_at, cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_known(s.value for s in Status)})", name="known_status"),
        sa.CheckConstraint("amount_approved IS NULL OR amount_approved >= 0", name="amount_not_negative"),
        sa.CheckConstraint("status <> 'approved' OR amount_approved IS NOT NULL", name="approved_has_amount"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # Lists count what a filter selects and add up the approved amounts on every page: with the
        # amount in the index both read the index alone. The id second keeps a page of one status in
        # id order; group and requester let the committee find requests without a usable leader
        # (queries.without_leader) from the index too.
        sa.Index("ix_member_requests_status", "status", "id", "amount_approved", "group_id", "requester_id"),
        sa.Index("ix_member_requests_kind", "kind", "status", "amount_approved"),
        sa.Index("ix_member_requests_campaign", "campaign_id", "status", "amount_approved"),
        sa.Index("ix_member_requests_requester", "requester_id", "id"),
        search_index("ix_member_requests_search_text"),
    )

    # --- reading ----------------------------------------------------------------------------------
    @property
    def spec(self) -> Kind:
        return kind_of(self.kind)

    @property
    def state(self) -> Status:
        return Status(self.status)

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.kind)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def title(self) -> str:
        return self.spec.label + (f": {self.summary}" if self.summary else "")

    def display_details(self) -> list[tuple[str, str]]:
        return self.spec.display(self.details or {})

    @property
    def open_question(self) -> RequestEvent | None:
        """The question waiting for the requester's answer, if any."""
        if self.state not in WAITING_FOR_REQUESTER:
            return None
        return next((e for e in reversed(self.events) if e.action in ("ask", "query")), None)

    @property
    def next_step(self) -> str:
        """What happens next, in one sentence for the requester and everyone else."""
        s = self.state
        if s == Status.SUBMITTED:
            from .workflow import has_usable_leader   # workflow imports this module
            if has_usable_leader(self):
                return f"Chờ tổ trưởng {self.group.leader.full_name} xác nhận."
            return "Tổ chưa có tổ trưởng: chờ một Ủy viên Ban Chấp hành xác nhận thay."
        if s == Status.RETURNED:
            return "Tổ trưởng đã hỏi lại: chờ người gửi trả lời."
        if s == Status.CONFIRMED:
            return "Chờ Ban Chấp hành xét duyệt."
        if s == Status.QUERIED:
            return "Ban Chấp hành đã hỏi lại: chờ người gửi trả lời."
        if s == Status.APPROVED:
            return f"Đã duyệt {fmt_vnd(self.amount_approved)}: chờ kế toán chi."
        if s == Status.REFUSED:
            return "Ban Chấp hành không duyệt đề xuất này."
        if s == Status.DONE:
            if self.spec.payable:
                paid = getattr(self, "payment", None)     # requests/payments.py adds the relationship
                if paid is not None:
                    return (f"Đã chi {fmt_vnd(self.amount_approved)} ngày {fmt_date(paid.paid_on)}, "
                            f"phiếu chi {paid.voucher}.")
                return f"Đã chi {fmt_vnd(self.amount_approved)} ngày {fmt_date(self.paid_at)}."
            return "Ban Chấp hành đã trả lời."
        return "Người gửi đã rút đề xuất."

    # --- who may see and do what -------------------------------------------------------------------
    def can_view(self, user) -> bool:
        """The one privacy rule (queries.visible_to mirrors it in SQL; a test checks they agree):
        the requester; the committee and the accountant; the leader of the request's group while it
        waits for their confirmation, and any leader who confirmed it or asked about it, except for
        the private kinds (health, hardship), which no group leader ever sees."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.requester_id == user.id or is_reviewer(user):
            return True
        if self.spec.private:
            return False
        if self.state == Status.SUBMITTED and self.group_id in {g.id for g in user.led_groups if g.active}:
            return True
        return any(e.actor_id == user.id and e.action in LEADER_ACTIONS for e in self.events)

    def can_add_evidence(self, user) -> bool:
        return user is not None and getattr(user, "id", None) == self.requester_id and self.is_open

    def file_of(self, file_id: int):
        return next((link.file for link in self.files if link.file_id == file_id), None)


def status_label(status: str, kind: str) -> str:
    """What a list says of a request in `status` of `kind` (a finished request was paid or answered)."""
    if status == Status.DONE.value:
        return "Đã chi" if kind_of(kind).payable else "Đã trả lời"
    return STATUS_LABELS[Status(status)]


def is_reviewer(user) -> bool:
    """The committee and the accountant see every request."""
    return has_permission(user, Perm.REQUESTS_REVIEW)


def public_kind(column=None):
    return (column if column is not None else MemberRequest.kind).in_(PUBLIC_KINDS)


# The counts every committee member's and the accountant's home page show, and the open campaigns,
# are kept per process until a request, a campaign, a group or a person changes (congdoan/changes.py):
# who can confirm a request depends on its group's leader and on whether that person is active.
watch("requests", MemberRequest, Campaign, Group, User)


class RequestTotal(db.Model):
    """How many requests are in a status and the sum of their approved amounts, kept up to date at
    write time: see member_requests/totals.py. One row per status."""
    __tablename__ = "request_totals"

    status: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    number: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)


from . import totals as _totals  # noqa: E402,F401  (its write-time listeners; it reads the models above)
