"""A round is one submission of one exact version of a plan; votes are for that round only."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db


class RoundStatus(str, enum.Enum):
    OPEN = "open"
    APPROVED = "approved"
    RETURNED = "returned"


ROUND_LABELS = {"open": "Đang biểu quyết", "approved": "Đã duyệt", "returned": "Đã trả lại"}


class Choice(str, enum.Enum):
    FOR = "for"
    AGAINST = "against"


CHOICE_LABELS = {"for": "Đồng ý", "against": "Không đồng ý"}


class ApprovalRound(db.Model):
    __tablename__ = "approval_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default=RoundStatus.OPEN.value)
    version_number: Mapped[int]                       # the plan version frozen for this round
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[dt.datetime]
    rule: Mapped[str] = mapped_column(sa.String(30))   # the decision rule in force at submission
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")   # which rule decided, or the chair's reason
    lock_counter: Mapped[int] = mapped_column(default=0)  # bumped first by every vote: serialises voters
    reminded_at: Mapped[dt.datetime | None]

    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    votes: Mapped[list["Vote"]] = relationship(back_populates="round", order_by="Vote.created_at",
                                               cascade="all, delete-orphan")
    comments: Mapped[list["RoundComment"]] = relationship(back_populates="round", order_by="RoundComment.id",
                                                          cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("plan_id", "number", name="uq_approval_rounds_plan_number"),
        sa.CheckConstraint("status IN ('open', 'approved', 'returned')", name="known_status"),
        # A decided round says when; an open one has no decision yet.
        sa.CheckConstraint("(status = 'open') = (decided_at IS NULL)", name="decided_when"),
        sa.Index("ix_approval_rounds_status", "status", "plan_id"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN.value

    @property
    def label(self) -> str:
        return ROUND_LABELS[self.status]


class Vote(db.Model):
    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("approval_rounds.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    choice: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changes: Mapped[int] = mapped_column(default=0)

    round: Mapped[ApprovalRound] = relationship(back_populates="votes")
    voter = relationship("User")

    __table_args__ = (
        # One vote per member per round, whatever the timing of their clicks.
        sa.UniqueConstraint("round_id", "voter_id", name="uq_votes_round_voter"),
        sa.CheckConstraint("choice IN ('for', 'against')", name="known_choice"),
        sa.CheckConstraint("choice = 'for' OR length(reason) > 0", name="against_has_reason"),
    )

    @property
    def label(self) -> str:
        return CHOICE_LABELS[self.choice]


class RoundComment(db.Model):
    __tablename__ = "round_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("approval_rounds.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    section: Mapped[str] = mapped_column(sa.String(520), default="")   # "" = the whole plan
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    round: Mapped[ApprovalRound] = relationship(back_populates="comments")
    author = relationship("User")
