"""Command-line tools: `flask --app wsgi seed-demo`, `create-admin`, `set-first-chair`, `audit verify`,
`approvals remind`, `tasks remind`, `plans import FILE.docx`, `plans export ID OUT.docx`, `submissions prune`;
`worker` and `jobs list|retry` (congdoan/jobs/cli.py); `backup OUT` and `restore IN` (congdoan/backup/cli.py)."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app

from .extensions import db


def _request_context():
    """A request context on BASE_URL, for services that build links with url_for."""
    return current_app.test_request_context("/", base_url=current_app.config.get("BASE_URL") or None)


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Chỉ tạo dữ liệu mẫu khi cơ sở dữ liệu chưa có ai.")
    def seed_demo(if_empty: bool):
        """Tạo dữ liệu mẫu: công đoàn Trường Tiểu học Thành Tô."""
        from .demo.past_report import seed_past_report
        from .demo.past_year import seed_past_year
        from .demo.seed import seed_approval, seed_plans, seed_signature, seed_tasks, seed_union
        from .people.models import User
        if if_empty and db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar():
            click.echo("Cơ sở dữ liệu đã có người dùng: không tạo dữ liệu mẫu.")
            return
        with _request_context():
            created = seed_union(current_app.config["PASSWORD_HASH_METHOD"])
            created["plans"] = seed_plans()
            created["approvals"] = seed_approval()
            created["signatures"] = seed_signature()
            created["tasks"] = seed_tasks()
            past = seed_past_year()
            created.update(past.created if past is not None else {})
            created["past_report"] = seed_past_report(past)
            db.session.commit()
        if not any(created.values()):
            click.echo("Dữ liệu mẫu đã có sẵn: không thay đổi gì.")
        else:
            click.echo("Đã tạo dữ liệu mẫu: " + ", ".join(f"{k}={v}" for k, v in created.items()))

    @app.cli.command("create-admin")
    @click.option("--email", prompt="Email")
    @click.option("--name", prompt="Họ và tên")
    @click.password_option("--password", prompt="Mật khẩu")
    @click.option("--chair", is_flag=True,
                  help="Người này cũng là Chủ tịch đầu tiên (chỉ khi công đoàn chưa có Chủ tịch).")
    def create_admin(email: str, name: str, password: str, chair: bool):
        """Tạo tài khoản quản trị cho một công đoàn thật (--chair: kiêm Chủ tịch đầu tiên)."""
        from .auth.services import set_password
        from .errors import DomainError
        from .people.models import User
        from .people.offices import current_chair, set_first_chair
        from .people.roles import Role
        from .people.services import PersonData, check_person
        data = PersonData(full_name=name, email=email, roles={Role.ADMIN})
        errors = check_person(data)
        if len(password) < 8:
            errors["password"] = "Mật khẩu cần ít nhất 8 ký tự."
        if errors:
            raise click.ClickException(" ".join(errors.values()))
        user = User(email=data.email, phone="")
        user.set_name(data.full_name)
        set_password(user, password)
        user.set_roles({Role.ADMIN})
        db.session.add(user)
        db.session.flush()
        if chair:
            try:
                set_first_chair(user)
            except DomainError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Đã tạo quản trị viên {user.email}" + (", kiêm Chủ tịch." if chair else "."))
        if not chair and current_chair() is None:
            click.echo("Chưa có Chủ tịch: chỉ Chủ tịch giao được các chức vụ. Khi tài khoản của Chủ tịch đã có, "
                       "chạy `flask --app wsgi set-first-chair EMAIL`.")

    @app.cli.command("set-first-chair")
    @click.argument("email")
    def set_first_chair_command(email: str):
        """Giao chức Chủ tịch đầu tiên cho một tài khoản (chỉ khi công đoàn chưa có Chủ tịch)."""
        from .errors import DomainError
        from .people.models import User
        from .people.offices import set_first_chair
        user = db.session.execute(sa.select(User).where(User.email == email.strip().lower())).scalar()
        if user is None:
            raise click.ClickException(f"Không có tài khoản với email {email}.")
        try:
            change = set_first_chair(user)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"{user.full_name} là Chủ tịch. {change.after.sentence('nay')}")

    audit = click.Group("audit", help="Nhật ký kiểm toán.")

    @audit.command("verify")
    def audit_verify():
        """Kiểm tra chuỗi băm của nhật ký; báo bản ghi đầu tiên không khớp."""
        from .audit.service import verify_chain
        result = verify_chain()
        if result.ok:
            click.echo(f"Nhật ký nguyên vẹn: {result.checked} bản ghi, chuỗi băm khớp.")
            return
        click.echo(f"LỖI: bản ghi #{result.bad_id} không khớp — {result.reason}. "
                   f"({result.checked} bản ghi trước đó khớp.)", err=True)
        raise SystemExit(1)

    app.cli.add_command(audit)

    approvals = click.Group("approvals", help="Biểu quyết kế hoạch.")

    @approvals.command("remind")
    def approvals_remind():
        """Nhắc Chủ tịch các kế hoạch quá hạn biểu quyết (chạy bằng cron; chạy lại trong ngày không gửi trùng)."""
        from .approvals.services import remind_overdue
        sent = remind_overdue()
        db.session.commit()
        click.echo(f"Đã gửi {sent} lời nhắc." if sent else "Không có kế hoạch nào quá hạn cần nhắc.")

    app.cli.add_command(approvals)

    plans = click.Group("plans", help="Kế hoạch: nhập từ Word, xuất ra Word.")

    @plans.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--author", "author_email", default=None,
                  help="Email người soạn (mặc định: Chủ tịch đang hoạt động đầu tiên).")
    @click.option("--archive", is_flag=True,
                  help="Lưu trữ kế hoạch đã ban hành: giữ số, ngày, người ký và nơi nhận như trong tệp.")
    def plans_import(file: Path, author_email: str | None, archive: bool):
        """Nhập một kế hoạch Word (.docx, .doc) thành dự thảo mới (hoặc lưu trữ, --archive); in ra số
        hiệu (id) của kế hoạch."""
        from .documents.word_import import import_plan
        from .errors import DomainError
        from .people.models import User
        if author_email:
            author = db.session.execute(
                sa.select(User).where(User.email == author_email.strip().lower())).scalar()
            if author is None or not author.active:
                raise click.ClickException(f"Không có tài khoản đang hoạt động với email {author_email}.")
        else:
            from .people.offices import current_chair
            author = current_chair()
            if author is None:
                raise click.ClickException("Chưa có Chủ tịch đang hoạt động: hãy chỉ rõ người soạn bằng --author EMAIL.")
        with _request_context():
            try:
                plan, result = import_plan(file.read_bytes(), file.name, actor=author,
                                           mode="archive" if archive else "draft")
            except DomainError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from None
            db.session.commit()
        for line in result.report:
            click.echo(f"- {line}", err=True)
        click.echo(plan.id)

    @plans.command("export")
    @click.argument("plan_id", type=int)
    @click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
    def plans_export(plan_id: int, out: Path):
        """Xuất kế hoạch ra Word: bản đã ký nếu đã ban hành, nếu không là bản dự thảo."""
        from .documents.stored_files import plan_docx
        from .errors import DomainError
        from .plans.document import load_plan_tree
        plan = load_plan_tree(plan_id)
        if plan is None:
            raise click.ClickException(f"Không có kế hoạch số {plan_id}.")
        try:
            file = plan_docx(plan)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        out.write_bytes(file.data)
        click.echo(f"Đã ghi {out} ({len(file.data):,} byte).".replace(",", "."))

    app.cli.add_command(plans)

    tasks = click.Group("tasks", help="Công việc giao cho các tổ.")

    @tasks.command("remind")
    @click.option("--days", default=3, show_default=True, type=click.IntRange(0, 60),
                  help="Nhắc tổ trưởng các việc đến hạn trong số ngày này.")
    @click.option("--overdue-days", default=7, show_default=True, type=click.IntRange(0, 365),
                  help="Báo Chủ tịch các việc quá hạn hơn số ngày này.")
    def tasks_remind(days: int, overdue_days: int):
        """Nhắc việc sắp đến hạn và quá hạn (chạy bằng cron mỗi ngày; chạy lại trong ngày không gửi trùng)."""
        from .tasks.reminders import remind
        sent = remind(days=days, overdue_days=overdue_days)
        db.session.commit()
        click.echo(f"Đã gửi {sent} lời nhắc việc." if sent else "Không có lời nhắc việc mới nào cần gửi hôm nay.")

    @tasks.command("recount")
    @click.option("--check", "only_check", is_flag=True,
                  help="Chỉ so số đếm đang lưu với số đếm lại, không sửa gì (mã thoát 1 khi lệch).")
    def tasks_recount(only_check: bool):
        """Đếm lại số việc theo kế hoạch, theo tổ và toàn công đoàn (số đếm các trang theo dõi dùng)."""
        from .tasks import counts
        recount(counts, only_check, what="việc", unit="dòng", source="danh sách việc")

    app.cli.add_command(tasks)

    submissions = click.Group("submissions", help="Mã gửi biểu mẫu một lần (chống tạo trùng khi gửi lại).")

    @submissions.command("prune")
    @click.option("--days", default=7, show_default=True, type=click.IntRange(1, 3650),
                  help="Xóa các mã cũ hơn số ngày này.")
    def submissions_prune(days: int):
        """Xóa mã gửi biểu mẫu đã cũ (chạy bằng cron mỗi ngày)."""
        from .submissions.service import prune
        click.echo(f"Đã xóa {prune(days)} mã gửi biểu mẫu cũ hơn {days} ngày.")

    app.cli.add_command(submissions)

    from .jobs.cli import register_jobs_cli
    register_jobs_cli(app)

    from .backup.cli import register_backup_cli
    register_backup_cli(app)

    from .finder.cli import register_search_cli
    register_search_cli(app)


def recount(kept, only_check: bool, *, what: str, unit: str, source: str) -> None:
    """The body of a `recount [--check]` command of numbers kept at write time: `kept` is the module
    with `check(connection)` (the lines that differ from a fresh count) and `rebuild(connection)` (the
    number of rows written). --check changes nothing and exits 1 when any line differs."""
    connection = db.session.connection()
    problems = kept.check(connection)
    if only_check:
        db.session.rollback()
        if problems:
            for line in problems[:50]:
                click.echo(line)
            raise click.ClickException(
                f"Số đếm {what} lệch ở {len(problems)} {unit}: chạy lại lệnh này, không chỉ so sánh, để đếm lại.")
        click.echo(f"Số đếm {what} khớp với {source}.")
        return
    rows = kept.rebuild(connection)
    db.session.commit()
    click.echo(f"Đã đếm lại số {what} ({rows} {unit}); {len(problems)} {unit} đã lệch trước đó." if problems
               else f"Đã đếm lại số {what} ({rows} {unit}); không có {unit} nào lệch.")
