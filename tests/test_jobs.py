"""Issue 15 point 9: the outbox (congdoan/jobs). A job exists exactly when the transaction that queued
it commits; a failed try is retried with backoff and kept when it fails for good; a job whose worker
died is run again once its lease has passed; two workers never run the same job."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from congdoan.dates import utcnow
from congdoan.extensions import db
from congdoan.jobs import queue, worker
from congdoan.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from congdoan.notifications.models import Notification

from .conftest import make_user, text_of

RUNS: list[tuple[int, str]] = []          # (n, worker) for each run of a probe job
FAILURES: dict[int, int] = {}             # n -> how many more runs of it should fail
_runs_lock = threading.Lock()


@queue.handler("test_probe", title="việc thử", max_attempts=3, lease_seconds=60)
def _probe(payload: dict) -> None:
    n = payload["n"]
    with _runs_lock:
        RUNS.append((n, threading.current_thread().name))
        failing = FAILURES.get(n, 0)
        if failing:
            FAILURES[n] = failing - 1
    if payload.get("permanent"):
        raise queue.Permanent("Không còn việc để làm.")
    if failing:
        raise RuntimeError(f"lỗi tạm thời của việc {n}")
    if payload.get("write"):
        make_user(email=f"viec{n}@thanhto.demo")     # a write that commits with the job's "done"


@pytest.fixture(autouse=True)
def _fresh_runs():
    RUNS.clear()
    FAILURES.clear()
    yield


def add(n: int, **payload) -> Job:
    job = queue.enqueue("test_probe", {"n": n, **payload})
    db.session.commit()
    return job


def job_of(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_job_queued_in_a_rolled_back_transaction_does_not_exist(app):
    queue.enqueue("test_probe", {"n": 1})
    db.session.rollback()
    kept = add(2)
    assert db.session.execute(sa.select(Job.payload)).scalars().all() == [{"n": 2}]
    worker.run(app, once=True)
    assert RUNS and [n for n, _ in RUNS] == [2] and job_of(kept.id).status == DONE


def test_a_failed_try_is_retried_after_a_growing_wait_then_kept_as_failed(app):
    admin = make_user(roles=["admin"])
    job = add(1)
    FAILURES[1] = 10
    start = utcnow()
    worker.run(app, once=True, now=start)
    first = job_of(job.id)
    assert (first.status, first.attempts, first.run_after) == (QUEUED, 1, start + dt.timedelta(seconds=30))
    assert "lỗi tạm thời của việc 1" in first.last_error
    worker.run(app, once=True, now=start + dt.timedelta(seconds=29))      # not due yet
    assert job_of(job.id).attempts == 1
    worker.run(app, once=True, now=start + dt.timedelta(seconds=30))
    second = job_of(job.id)
    assert (second.status, second.attempts) == (QUEUED, 2)
    assert second.run_after == start + dt.timedelta(seconds=30 + 60)      # the wait doubles
    worker.run(app, once=True, now=start + dt.timedelta(hours=1))
    last = job_of(job.id)
    assert (last.status, last.attempts) == (FAILED, 3) and last.done_at is not None   # kept, not lost
    worker.run(app, once=True, now=start + dt.timedelta(days=1))
    assert len(RUNS) == 3
    told = db.session.execute(sa.select(Notification).where(Notification.user_id == admin.id)).scalars().all()
    assert len(told) == 1 and "việc thử" in told[0].message and told[0].link == "/quan-tri/cong-viec-nen/"


def test_a_permanent_failure_is_not_retried(app):
    job = add(1, permanent=True)
    worker.run(app, once=True)
    failed = job_of(job.id)
    assert (failed.status, failed.attempts, failed.last_error) == (FAILED, 1, "Không còn việc để làm.")


def test_failed_jobs_are_queued_again_by_the_command(app, runner):
    job = add(1, permanent=True)
    other = add(2, permanent=True)
    worker.run(app, once=True)
    listed = runner.invoke(args=["jobs", "list", "--status", "failed"])
    assert f"#{job.id} test_probe failed 1/3" in listed.output and "Không còn việc để làm." in listed.output
    assert runner.invoke(args=["jobs", "retry"]).exit_code != 0          # which ones must be said
    result = runner.invoke(args=["jobs", "retry", str(job.id)])
    assert "Đã đưa 1 công việc trở lại hàng đợi." in result.output
    again = job_of(job.id)
    assert (again.status, again.attempts, job_of(other.id).status) == (QUEUED, 0, FAILED)
    assert "Đã đưa 1 công việc" in runner.invoke(args=["jobs", "retry", "--all-failed"]).output


def test_a_job_whose_worker_died_is_run_again_when_its_lease_has_passed(app):
    job = add(1, write=True)
    start = utcnow()
    claimed = queue.claim("may-da-chet:1", now=start)            # a worker took it, then was killed -9
    db.session.commit()
    assert claimed.id == job.id and claimed.status == RUNNING
    assert claimed.locked_until == start + dt.timedelta(seconds=60)
    worker.run(app, once=True, now=start + dt.timedelta(seconds=59))   # its lease still holds
    assert RUNS == [] and job_of(job.id).status == RUNNING
    worker.run(app, once=True, now=start + dt.timedelta(seconds=61))
    done = job_of(job.id)
    assert [n for n, _ in RUNS] == [1] and (done.status, done.attempts) == (DONE, 2)
    # the dead worker cannot record anything any more
    assert queue.complete(claimed, "may-da-chet:1") is False
    db.session.rollback()


def test_a_worker_that_lost_its_lease_drops_its_result(app):
    job = add(1, write=True)
    start = utcnow()
    slow = queue.claim("cham:1", now=start)
    db.session.commit()
    worker.run(app, once=True, now=start + dt.timedelta(minutes=5))    # another worker re-ran it
    assert job_of(job.id).status == DONE and job_of(job.id).locked_by != "cham:1"
    assert queue.complete(slow, "cham:1") is False                     # the slow one records nothing
    assert queue.record_failure(slow, "cham:1", "quá muộn") is None
    db.session.rollback()
    assert job_of(job.id).status == DONE


def test_a_job_killed_on_its_last_attempt_is_marked_failed(app):
    admin = make_user(roles=["admin"])
    job = add(1)
    start = utcnow()
    for i in range(3):                                                   # three workers died on it
        assert queue.claim(f"chet:{i}", now=start + dt.timedelta(minutes=2 * i)).id == job.id
        db.session.commit()
    worker.run(app, once=True, now=start + dt.timedelta(minutes=10))
    failed = job_of(job.id)
    assert (failed.status, failed.attempts) == (FAILED, 3) and RUNS == []
    assert "dừng giữa chừng" in failed.last_error
    assert db.session.execute(sa.select(sa.func.count()).select_from(Notification)
                              .where(Notification.user_id == admin.id)).scalar() == 1


def test_two_workers_never_run_the_same_job(app):
    """Four workers (threads, each with its own connection) drain 40 jobs: each job runs exactly once.
    On PostgreSQL the claim reads with FOR UPDATE SKIP LOCKED; on SQLite the guarded UPDATE decides."""
    jobs = [queue.enqueue("test_probe", {"n": n}) for n in range(40)]
    db.session.commit()
    ids = sorted(job.id for job in jobs)
    start = threading.Barrier(4)
    errors = []

    def work(name):
        try:
            start.wait()
            worker.run(app, once=True, worker_id=name, kinds=("test_probe",))
        except Exception as exc:           # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",), name=f"w{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(n for n, _ in RUNS) == list(range(40))                 # each exactly once
    db.session.expire_all()
    rows = db.session.execute(sa.select(Job.id, Job.status, Job.attempts).order_by(Job.id)).all()
    assert [r.id for r in rows] == ids and {(r.status, r.attempts) for r in rows} == {(DONE, 1)}


def test_the_administrator_sees_failed_jobs_and_runs_one_again(client, signed_in, as_, app):
    admin = make_user(roles=["admin"])
    member = make_user(roles=["member"])
    job = add(1, permanent=True)
    worker.run(app, once=True)
    signed_in(member)
    assert client.get("/quan-tri/cong-viec-nen/").status_code == 403
    as_(admin)
    page = client.get("/quan-tri/cong-viec-nen/")
    assert page.status_code == 200
    assert "việc thử" in text_of(page) and "Không còn việc để làm." in text_of(page)
    done = client.post_form(f"/quan-tri/cong-viec-nen/{job.id}/chay-lai")
    assert done.status_code == 303
    assert job_of(job.id).status == QUEUED
    assert "Đã đưa công việc số" in text_of(client.get("/quan-tri/cong-viec-nen/"))
    from congdoan.audit.models import AuditEntry
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "job_retried")).scalar_one()
    assert (entry.actor_id, entry.object_id) == (admin.id, job.id)
    again = client.post_form(f"/quan-tri/cong-viec-nen/{job.id}/chay-lai")     # no longer failed
    assert "không ở trạng thái thất bại" in text_of(client.get(again.headers["Location"]))


def test_old_done_jobs_are_purged_and_failed_ones_kept(app, runner):
    done, failed = add(1).id, add(2, permanent=True).id
    worker.run(app, once=True)
    db.session.execute(sa.update(Job).values(done_at=utcnow() - dt.timedelta(days=31)))
    fresh = add(3).id
    worker.run(app, once=True)
    result = runner.invoke(args=["jobs", "purge", "--days", "30"])
    assert "Đã xóa 1 công việc nền" in result.output
    db.session.expire_all()
    left = db.session.execute(sa.select(Job.id).order_by(Job.id)).scalars().all()
    assert left == [failed, fresh] and done not in left
