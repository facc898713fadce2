"""Putting jobs in the queue, claiming them, and recording how they ended.

Claiming is safe with several workers on both databases. On PostgreSQL the candidate row is read with
SELECT … FOR UPDATE SKIP LOCKED: two workers never wait on or take the same row. On SQLite (one writer
at a time) and as a second guard everywhere, the claim is an UPDATE that repeats the "is it still due"
condition: of two workers that read the same candidate, only one UPDATE changes a row. Finishing is
guarded by the lease as well: a worker whose lease ran out and whose job was taken by another records
nothing, and the writes its handler made are rolled back with it.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ..dates import utcnow
from ..extensions import db
from .models import DONE, FAILED, QUEUED, RUNNING, Job

log = logging.getLogger(__name__)

BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
MAX_ERROR_CHARS = 4000


class Permanent(Exception):
    """A failure that retrying cannot mend (the thing to work on is gone, the address is refused):
    the job is marked failed at once."""


@dataclass(frozen=True)
class Handler:
    kind: str
    run: Callable[[dict], None]
    max_attempts: int
    lease: dt.timedelta
    title: str                        # what the job does, in Vietnamese, for the administrator's page


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, *, title: str, max_attempts: int = 5, lease_seconds: int = 300):
    """Register fn(payload) as the handler of `kind`. It runs in its own app context and session; its
    writes commit together with the job's "done". It must tolerate running twice (a worker killed
    after the work but before the commit), as every at-least-once queue requires."""
    def register(fn: Callable[[dict], None]):
        HANDLERS[kind] = Handler(kind, fn, max_attempts, dt.timedelta(seconds=lease_seconds), title)
        return fn
    return register


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after `attempts` failed ones: 30 s, 1 min, 2 min … at most 1 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def enqueue(kind: str, payload: dict | None = None, *, key: str | None = None,
            run_after: dt.datetime | None = None) -> Job | None:
    """Add a job to the current transaction: it exists if and only if that transaction commits.
    With `key`, nothing is added when a job with that key already exists (None is returned)."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    if key is not None and db.session.execute(sa.select(Job.id).where(Job.key == key)).first():
        return None
    job = Job(kind=kind, key=key, payload=payload or {}, status=QUEUED, attempts=0,
              max_attempts=HANDLERS[kind].max_attempts, run_after=run_after or utcnow(), last_error="",
              created_at=utcnow())
    db.session.add(job)
    return job


def _due(now: dt.datetime):
    return sa.and_(
        Job.attempts < Job.max_attempts,
        sa.or_(sa.and_(Job.status == QUEUED, Job.run_after <= now),
               sa.and_(Job.status == RUNNING, Job.locked_until < now)))


def claim(worker_id: str, now: dt.datetime | None = None, kinds: tuple[str, ...] | None = None) -> Job | None:
    """Take the next due job (oldest run_after first) for this worker and commit the claim: it is
    running, its attempts counted, leased to this worker for its kind's lease. None when none is due."""
    now = now or utcnow()
    kinds = tuple(kinds or HANDLERS)
    due = sa.and_(_due(now), Job.kind.in_(kinds))
    query = sa.select(Job.id, Job.kind).where(due).order_by(Job.run_after, Job.id).limit(1)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        query = query.with_for_update(skip_locked=True)
    for _ in range(20):
        row = db.session.execute(query).first()
        if row is None:
            db.session.rollback()
            return None
        taken = db.session.execute(
            sa.update(Job).where(Job.id == row.id, due)
            .values(status=RUNNING, attempts=Job.attempts + 1, locked_by=worker_id,
                    locked_until=now + HANDLERS[row.kind].lease)
            .execution_options(synchronize_session=False)).rowcount
        if taken == 1:
            db.session.commit()
            return db.session.get(Job, row.id, populate_existing=True)
        db.session.rollback()            # another worker took it between our read and our update
    return None


def reap(now: dt.datetime | None = None) -> list[Job]:
    """Jobs whose worker died on their last allowed attempt: marked failed (in the current
    transaction; the caller commits). Returns them."""
    now = now or utcnow()
    jobs = db.session.execute(
        sa.select(Job).where(Job.status == RUNNING, Job.locked_until < now,
                             Job.attempts >= Job.max_attempts)).scalars().all()
    for job in jobs:
        job.status, job.done_at, job.locked_until, job.locked_by = FAILED, now, None, None
        job.last_error = (job.last_error + "\n" if job.last_error else "") + \
            "Tiến trình xử lý đã dừng giữa chừng ở lần thử cuối (bị tắt hoặc quá thời hạn)."
    return jobs


def _mine(job: Job, worker_id: str):
    return sa.and_(Job.id == job.id, Job.status == RUNNING, Job.locked_by == worker_id)


def complete(job: Job, worker_id: str, now: dt.datetime | None = None) -> bool:
    """Mark the job done in the current transaction, if this worker still holds it."""
    return db.session.execute(
        sa.update(Job).where(_mine(job, worker_id))
        .values(status=DONE, done_at=now or utcnow(), locked_until=None, last_error="")
        .execution_options(synchronize_session=False)).rowcount == 1


def record_failure(job: Job, worker_id: str, error: str, *, permanent: bool = False,
                   now: dt.datetime | None = None) -> str | None:
    """A try failed: queue it again after its backoff, or mark it failed when retrying cannot help or
    the attempts are used up. Returns the new status (None when the job was no longer this worker's)."""
    now = now or utcnow()
    final = permanent or job.attempts >= job.max_attempts
    values = dict(locked_until=None, last_error=error[-MAX_ERROR_CHARS:])
    if final:
        values.update(status=FAILED, done_at=now)
    else:
        values.update(status=QUEUED, run_after=now + backoff(job.attempts), locked_by=None)
    changed = db.session.execute(sa.update(Job).where(_mine(job, worker_id)).values(**values)
                                 .execution_options(synchronize_session=False)).rowcount
    return values["status"] if changed == 1 else None


def retry(job_ids: list[int] | None = None, *, all_failed: bool = False, actor=None) -> int:
    """Queue failed jobs again, with fresh attempts, each written to the audit trail (current
    transaction; the caller commits). Jobs that are not failed are left alone. Returns how many."""
    from ..audit.service import record
    query = sa.select(Job).where(Job.status == FAILED).order_by(Job.id)
    if not all_failed:
        query = query.where(Job.id.in_(job_ids or []))
    jobs = db.session.execute(query.with_for_update()).scalars().all()
    for job in jobs:
        record("job_retried", job, actor=actor,
               summary=f"Chạy lại công việc nền số {job.id} ({job.kind}) sau {job.attempts} lần thử thất bại",
               data={"kind": job.kind, "attempts": job.attempts, "last_error": job.last_error[-500:]})
        job.status, job.attempts, job.run_after = QUEUED, 0, utcnow()
        job.done_at = job.locked_by = job.locked_until = None
    db.session.flush()
    return len(jobs)


def purge(older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete jobs done before now - older_than (a mail job holds its message). Failed jobs stay until
    someone has looked at them. Returns how many were deleted (current transaction)."""
    return db.session.execute(
        sa.delete(Job).where(Job.status == DONE, Job.done_at < (now or utcnow()) - older_than)
        .execution_options(synchronize_session=False)).rowcount
