"""The administrator's page of background jobs: what is waiting, what failed and why, run again."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash
from flask_login import current_user

from ..extensions import db
from ..permissions import Perm, requires
from ..web import redirect_to, render
from . import queue
from .models import DONE, FAILED, Job

bp = Blueprint("jobs", __name__, url_prefix="/quan-tri/cong-viec-nen")

SHOWN = 200


@bp.route("/")
@requires(Perm.JOBS_MANAGE)
def index():
    failed = db.session.execute(sa.select(Job).where(Job.status == FAILED)
                                .order_by(Job.id.desc()).limit(SHOWN)).scalars().all()
    waiting = db.session.execute(sa.select(Job).where(Job.status.notin_([FAILED, DONE]))
                                 .order_by(Job.run_after, Job.id).limit(SHOWN)).scalars().all()
    done = db.session.execute(sa.select(Job).where(Job.status == DONE)
                              .order_by(Job.id.desc()).limit(20)).scalars().all()
    titles = {kind: h.title for kind, h in queue.HANDLERS.items()}
    return render("jobs/index.html", failed=failed, waiting=waiting, done=done, titles=titles)


@bp.route("/<int:job_id>/chay-lai", methods=["POST"])
@requires(Perm.JOBS_MANAGE)
def retry(job_id: int):
    if queue.retry([job_id], actor=current_user):
        db.session.commit()
        flash(f"Đã đưa công việc số {job_id} trở lại hàng đợi.", "success")
    else:
        flash(f"Công việc số {job_id} không ở trạng thái thất bại nên không cần chạy lại.", "info")
    return redirect_to("jobs.index")
