"""`flask requests ...`: the requests area's commands (registered on its blueprint)."""
from __future__ import annotations

import click

from ..cli import recount as run_recount
from . import totals
from .routes import bp


@bp.cli.command("recount")
@click.option("--check", "only_check", is_flag=True,
              help="Chỉ so số đếm đang lưu với số đếm lại, không sửa gì (mã thoát 1 khi lệch).")
def recount(only_check: bool):
    """Đếm lại số đề xuất và tổng tiền đã duyệt theo từng trạng thái (số hộp thư chờ chi dùng)."""
    run_recount(totals, only_check, what="đề xuất", unit="trạng thái", source="danh sách đề xuất")
