"""The worker: claims due jobs and runs them, outside any web request.

`run(app)` needs only the app object: every job runs in an app context of its own (its own database
session), never in a request context. `once=True` runs what is due now and returns (cron, tests);
otherwise it polls every `poll` seconds until `stop` is set (SIGTERM/SIGINT in the command). Between
jobs it also runs the sweepers (work that should be queued but is not: the PDF of a plan signed
before the worker existed) and marks failed the jobs whose worker died on their last attempt.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable

from flask import Flask, current_app

from ..extensions import db
from . import queue
from .models import FAILED, Job

log = logging.getLogger(__name__)

SWEEP_EVERY = 60.0                     # seconds between two sweeps of a polling worker

SWEEPERS: list[Callable[[], int]] = []


def sweeper(fn: Callable[[], int]) -> Callable[[], int]:
    """Register fn() -> number of jobs it queued; it runs in its own app context and may commit."""
    SWEEPERS.append(fn)
    return fn


def load_handlers() -> None:
    """Import the modules that register handlers and sweepers (the web app imports them anyway)."""
    from ..documents import pdf_jobs  # noqa: F401
    from ..documents import sending  # noqa: F401
    from ..notifications import mail  # noqa: F401
    from ..people import import_jobs  # noqa: F401


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


def sweep(app: Flask) -> int:
    queued = 0
    for fn in SWEEPERS:
        with app.app_context():
            try:
                queued += fn() or 0
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("sweeper %s failed", fn.__name__)
    return queued


def _reap(app: Flask, now: dt.datetime | None) -> None:
    with app.app_context():
        for job in queue.reap(now):
            _tell_admins(job)
        db.session.commit()


def _tell_admins(job: Job) -> None:
    """In the app (and by mail, unless the mail itself is what failed): a job failed for good."""
    from ..notifications.service import notify
    from ..people.audiences import holders
    from ..people.roles import Role
    admins = holders({Role.ADMIN})
    title = queue.HANDLERS[job.kind].title if job.kind in queue.HANDLERS else job.kind
    link = current_app.url_map.bind("localhost").build("jobs.index")     # no request here
    notify(admins, "job_failed", f"Công việc nền thất bại sau {job.attempts} lần thử: {title} (số {job.id}). "
           "Xem lý do và cho chạy lại ở trang Công việc nền.", link,
           subject=f"[Công đoàn] Công việc nền thất bại: {title}", email=job.kind != "mail")


def run_one(app: Flask, worker_id: str, now: dt.datetime | None = None,
            kinds: tuple[str, ...] | None = None) -> bool:
    """Claim and run one due job. False when none was due."""
    with app.app_context():
        job = queue.claim(worker_id, now, kinds)
        if job is None:
            return False
        handler = queue.HANDLERS[job.kind]
        payload = dict(job.payload or {})
        try:
            handler.run(payload)
            if queue.complete(job, worker_id, now):
                db.session.commit()
                log.info("job %s (%s) done", job.id, job.kind)
            else:
                db.session.rollback()
                log.warning("job %s (%s): lease lost to another worker; its result is dropped", job.id, job.kind)
            return True
        except Exception as exc:
            db.session.rollback()
            permanent = isinstance(exc, queue.Permanent)
            error = str(exc) if permanent else "".join(traceback.format_exception_only(exc)).strip()
            status = queue.record_failure(job, worker_id, error or type(exc).__name__, permanent=permanent,
                                          now=now)
            if status == FAILED:
                db.session.refresh(job)
                _tell_admins(job)
            db.session.commit()
            log.warning("job %s (%s) failed (attempt %s): %s -> %s", job.id, job.kind, job.attempts,
                        error.splitlines()[0] if error else type(exc).__name__, status)
            return True


def run(app: Flask, *, once: bool = False, poll: float = 2.0, worker_id: str | None = None,
        now: dt.datetime | None = None, stop: threading.Event | None = None,
        kinds: tuple[str, ...] | None = None, limit: int | None = None) -> int:
    """Run due jobs; returns how many were run. `now` pins the queue's clock (tests)."""
    load_handlers()
    worker_id = worker_id or new_worker_id()
    stop = stop or threading.Event()
    done = 0
    sweep(app)
    last_sweep = time.monotonic()
    while not stop.is_set() and (limit is None or done < limit):
        if run_one(app, worker_id, now, kinds):
            done += 1
            continue
        _reap(app, now)
        if once:
            break
        if time.monotonic() - last_sweep >= SWEEP_EVERY:
            sweep(app)
            last_sweep = time.monotonic()
        stop.wait(poll)
    return done
