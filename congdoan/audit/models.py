"""Audit entries. Each carries the hash of the entry before it, so an edited, deleted or inserted
row breaks the chain at that point and `flask audit verify` names it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(sa.String(50))
    object_type: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[str] = mapped_column(sa.Text, default="{}")   # canonical JSON
    # Unique prev_hash: two writers that read the same chain end cannot both append (no forks).
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor = relationship("User", lazy="joined")

    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id", "id"),)
