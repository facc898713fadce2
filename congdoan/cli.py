"""Command-line tools: `flask --app wsgi seed-demo`, `create-admin`, `audit verify`, `approvals remind`,
`tasks remind`."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from .extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Chỉ tạo dữ liệu mẫu khi cơ sở dữ liệu chưa có ai.")
    def seed_demo(if_empty: bool):
        """Tạo dữ liệu mẫu: công đoàn Trường Tiểu học Thành Tô."""
        from .demo.seed import seed_plans, seed_tasks, seed_union
        from .people.models import User
        if if_empty and db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar():
            click.echo("Cơ sở dữ liệu đã có người dùng: không tạo dữ liệu mẫu.")
            return
        created = seed_union(current_app.config["PASSWORD_HASH_METHOD"])
        created["plans"] = seed_plans()
        created["tasks"] = seed_tasks()
        db.session.commit()
        if not any(created.values()):
            click.echo("Dữ liệu mẫu đã có sẵn: không thay đổi gì.")
        else:
            click.echo("Đã tạo dữ liệu mẫu: " + ", ".join(f"{k}={v}" for k, v in created.items()))

    @app.cli.command("create-admin")
    @click.option("--email", prompt="Email")
    @click.option("--name", prompt="Họ và tên")
    @click.password_option("--password", prompt="Mật khẩu")
    def create_admin(email: str, name: str, password: str):
        """Tạo tài khoản quản trị đầu tiên cho một công đoàn thật."""
        from .people.models import User
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
        user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
        user.set_roles({Role.ADMIN})
        db.session.add(user)
        db.session.commit()
        click.echo(f"Đã tạo quản trị viên {user.email}.")

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

    app.cli.add_command(tasks)
