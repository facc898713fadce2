"""`flask --app wsgi worker [--once]`, `flask --app wsgi jobs list|retry|purge`."""
from __future__ import annotations

import logging
import signal
import threading

import click
import sqlalchemy as sa
from flask import Flask, current_app

from ..dates import fmt_datetime
from ..extensions import db
from . import queue, worker
from .models import STATUSES, Job


def register_jobs_cli(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Chạy các việc đã đến hạn rồi thoát (dùng cho cron).")
    @click.option("--poll", default=2.0, show_default=True, type=click.FloatRange(0.1, 60),
                  help="Số giây chờ giữa hai lần xem hàng đợi khi không có việc.")
    def worker_command(once: bool, poll: float):
        """Chạy các công việc nền: tạo bản PDF của văn bản đã ký, gửi thư; thử lại khi lỗi."""
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            def _stop(signum, frame):
                if stop.is_set():                 # a second signal: leave now; the lease returns the job
                    raise SystemExit(1)
                stop.set()
            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
        app = current_app._get_current_object()
        if not once:
            click.echo("Đang chạy công việc nền (Ctrl-C để dừng).", err=True)
        done = worker.run(app, once=once, poll=poll, stop=stop)
        if once:
            click.echo(f"Đã chạy {done} công việc nền.")
        else:
            click.echo(f"Đã dừng công việc nền ({done} việc đã chạy).", err=True)

    jobs = click.Group("jobs", help="Công việc nền (hàng đợi): xem, chạy lại việc thất bại.")

    @jobs.command("list")
    @click.option("--status", type=click.Choice(STATUSES), default=None,
                  help="Chỉ liệt kê công việc ở trạng thái này (mặc định: chưa xong hoặc thất bại).")
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
    def jobs_list(status: str | None, limit: int):
        """Liệt kê công việc nền và lỗi gần nhất của chúng."""
        query = sa.select(Job).order_by(Job.id.desc()).limit(limit)
        query = query.where(Job.status == status) if status else query.where(Job.status != "done")
        rows = db.session.execute(query).scalars().all()
        if not rows:
            click.echo("Không có công việc nền nào" + (f" ở trạng thái {status}." if status else " đang chờ hay thất bại."))
        for job in rows:
            click.echo(f"#{job.id} {job.kind} {job.status} {job.attempts}/{job.max_attempts} lần, "
                       f"tạo {fmt_datetime(job.created_at)}"
                       + (f", lỗi: {job.last_error.splitlines()[-1]}" if job.last_error else ""))

    @jobs.command("retry")
    @click.argument("job_ids", nargs=-1, type=int)
    @click.option("--all-failed", is_flag=True, help="Chạy lại mọi công việc thất bại.")
    def jobs_retry(job_ids: tuple[int, ...], all_failed: bool):
        """Đưa công việc thất bại trở lại hàng đợi (số lần thử tính lại từ đầu)."""
        if not job_ids and not all_failed:
            raise click.UsageError("Hãy ghi số của công việc, hoặc dùng --all-failed.")
        count = queue.retry(list(job_ids), all_failed=all_failed)
        db.session.commit()
        click.echo(f"Đã đưa {count} công việc trở lại hàng đợi." if count
                   else "Không có công việc thất bại nào khớp để chạy lại.")

    @jobs.command("purge")
    @click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650),
                  help="Xóa công việc đã xong từ quá số ngày này (việc thất bại được giữ lại).")
    def jobs_purge(days: int):
        """Xóa công việc nền đã xong từ lâu (thư đã gửi cũng chứa nội dung thư)."""
        import datetime as dt
        count = queue.purge(dt.timedelta(days=days))
        db.session.commit()
        click.echo(f"Đã xóa {count} công việc nền đã xong từ hơn {days} ngày trước.")

    app.cli.add_command(jobs)

