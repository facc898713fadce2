"""`flask requests ...`: the requests area's commands (registered on its blueprint)."""
from __future__ import annotations

import click

from ..extensions import db
from . import totals
from .routes import bp


@bp.cli.command("recount")
@click.option("--check", "only_check", is_flag=True,
              help="Chỉ so số đếm đang lưu với số đếm lại, không sửa gì (mã thoát 1 khi lệch).")
def recount(only_check: bool):
    """Đếm lại số đề xuất và tổng tiền đã duyệt theo từng trạng thái (số hộp thư chờ chi dùng)."""
    connection = db.session.connection()
    problems = totals.check(connection)
    if only_check:
        db.session.rollback()
        if problems:
            for line in problems:
                click.echo(line)
            raise click.ClickException(
                f"Số đếm đề xuất lệch ở {len(problems)} trạng thái: chạy lại lệnh này, không chỉ so sánh, để đếm lại.")
        click.echo("Số đếm đề xuất khớp với danh sách đề xuất.")
        return
    rows = totals.rebuild(connection)
    db.session.commit()
    click.echo(f"Đã đếm lại số đề xuất ({rows} trạng thái); {len(problems)} trạng thái đã lệch trước đó." if problems
               else f"Đã đếm lại số đề xuất ({rows} trạng thái); không có trạng thái nào lệch.")
