from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dates import utcnow
from ..extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    read_at: Mapped[dt.datetime | None]
    # A key that makes a notification idempotent (e.g. one reminder per task per day).
    dedup_key: Mapped[str | None] = mapped_column(sa.String(120))

    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        sa.UniqueConstraint("user_id", "dedup_key", name="uq_notifications_user_dedup"),
    )
