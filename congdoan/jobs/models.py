"""The jobs table: one row per piece of work to do outside a web request."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dates import utcnow
from ..extensions import db

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
STATUS_LABELS = {QUEUED: "Đang chờ", RUNNING: "Đang chạy", DONE: "Đã xong", FAILED: "Thất bại"}


class Job(db.Model):
    """A piece of work and where it stands.

    queued -> running (claimed: attempts + 1, a lease until locked_until) -> done, or back to queued
    with a later run_after (a retry), or failed once attempts reach max_attempts. A running job whose
    lease has passed (its worker was killed) is claimable again. `key`, when set, is unique: at most
    one job for one thing (the PDF of one signed document).
    """
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None]
    locked_by: Mapped[str | None] = mapped_column(sa.String(100))
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.Index("ix_jobs_due", "status", "run_after"),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="known_status"),
        sa.CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts_sane"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
