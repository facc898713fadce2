"""A large member list is imported by the background worker (congdoan/jobs/), not in the web request:
50,000 rows take longer than a request may last, and the admin wants to see how far it has gone.

The upload is kept in a MemberImport row and a job is queued in the same transaction. The worker reads
the file, checks every row (its progress committed every thousand rows on a connection of its own),
then saves all the accounts in one transaction, the import's report with them: all or nothing, as for a
small file. The page polls the row (htmx, every two seconds) and, when it is done, shows the report;
the temporary passwords are shown once and then removed from the row.

Small files (up to SYNC_MAX_BYTES) are still imported in the request, as before: a union of a few
hundred members sees its report at once and needs no worker.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dates import utcnow
from ..extensions import db
from ..jobs.queue import Permanent, enqueue, handler
from .models import User

# A .xlsx of 2,000 members is about 60 KB, a CSV of 2,000 about 100 KB: files up to this size are
# imported in the request (a few seconds at most); larger ones by the worker.
SYNC_MAX_BYTES = 256 * 1024

QUEUED, READING, CHECKING, SAVING, DONE, FAILED = "queued", "reading", "checking", "saving", "done", "failed"
STAGE_LABELS = {
    QUEUED: "Đang chờ xử lý",
    READING: "Đang đọc tệp",
    CHECKING: "Đang kiểm tra các dòng",
    SAVING: "Đang lưu các tài khoản",
    DONE: "Đã nhập xong",
    FAILED: "Không nhập được",
}


class MemberImport(db.Model):
    __tablename__ = "member_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    create_groups: Mapped[bool] = mapped_column(default=False)
    stage: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    # {"created": [[row, name, email, group, password or null], ...], "rejected": [[row, name, email,
    #  [reasons]], ...], "groups_created": [...]}
    report: Mapped[dict | None] = mapped_column(sa.JSON)
    passwords_shown_at: Mapped[dt.datetime | None]
    error: Mapped[str] = mapped_column(sa.Text, default="")
    finished_at: Mapped[dt.datetime | None]

    @property
    def finished(self) -> bool:
        return self.stage in (DONE, FAILED)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def percent(self) -> int:
        if self.stage == DONE:
            return 100
        if self.stage == CHECKING and self.rows_total:
            return min(95, 5 + 85 * self.rows_done // self.rows_total)
        return {QUEUED: 0, READING: 3, SAVING: 95}.get(self.stage, 0)


def start(actor: User, filename: str, content: bytes, *, create_groups: bool) -> MemberImport:
    """Keep the file and queue its import (flush only: the view commits both together)."""
    item = MemberImport(created_by_id=actor.id, filename=filename[:255], content=content,
                        create_groups=create_groups, stage=QUEUED, rows_total=0, rows_done=0, error="")
    db.session.add(item)
    db.session.flush()
    enqueue("people.import", {"import_id": item.id})
    return item


def take_passwords(item: MemberImport) -> bool:
    """The report is being shown with its passwords: remove them from the row (the caller commits).
    False when they were shown before."""
    if item.passwords_shown_at is not None or not any(row[4] for row in (item.report or {}).get("created", [])):
        return False
    item.report = {**item.report, "created": [row[:4] + [None] for row in item.report.get("created", [])]}
    item.passwords_shown_at = utcnow()
    return True


@handler("people.import", title="nhập danh sách đoàn viên", max_attempts=1, lease_seconds=1800)
def run_import(payload: dict) -> None:
    from .member_import import ImportFileError, import_members, read_rows

    item = db.session.get(MemberImport, payload["import_id"])
    if item is None:
        raise Permanent("the import is gone")
    if item.finished:
        return                                  # a second run of a job that committed its result
    actor = db.session.get(User, item.created_by_id)

    def stage(name: str, done: int = 0, total: int | None = None) -> None:
        """Progress, written and committed on a connection of its own: committing the session would
        expire every object it has loaded (the groups, the importer) and reload each on next use."""
        values = {"stage": name, "rows_done": done, **({"rows_total": total} if total is not None else {})}
        with db.engine.begin() as connection:
            connection.execute(sa.update(MemberImport).where(MemberImport.id == item.id).values(**values))

    stage(READING)
    try:
        rows = read_rows(item.filename, item.content or b"")
    except ImportFileError as exc:
        _fail(item, exc.message)
        return
    stage(CHECKING, 0, len(rows))

    def progress(step: str, done: int) -> None:
        if step == "check":
            stage(CHECKING, done)
        elif step == "prepare":                 # the passwords are made before anything is written
            stage(SAVING, len(rows))
    try:
        report = import_members(rows, actor=actor, create_groups=item.create_groups, progress=progress)
        item.stage, item.rows_done, item.finished_at, item.content = DONE, len(rows), utcnow(), None
        item.report = report.as_dict()
        db.session.flush()
    except Exception:
        db.session.rollback()
        _fail(db.session.get(MemberImport, payload["import_id"]),
              "Có lỗi khi lưu nên không tài khoản nào được tạo; dữ liệu chưa bị thay đổi. Hãy thử lại, "
              "hoặc báo quản trị kỹ thuật nếu lỗi lặp lại.")
        raise


def _fail(item: MemberImport, message: str) -> None:
    item.stage, item.error, item.finished_at, item.content = FAILED, message, utcnow(), None
    db.session.commit()
