"""`flask --app wsgi search reindex`: rebuild every search text (after a bulk load or a restore)."""
from __future__ import annotations

import click
from flask import Flask

from ..extensions import db
from .reindex import reindex


def register_search_cli(app: Flask) -> None:
    @app.cli.group("search")
    def search_group():
        """Tìm kiếm: dựng lại dữ liệu tìm kiếm."""

    @search_group.command("reindex")
    def reindex_command():
        """Dựng lại chữ tìm kiếm của mọi kế hoạch, việc và đề xuất."""
        counts = reindex(db.session.connection())
        db.session.commit()
        click.echo(f"Đã dựng lại dữ liệu tìm kiếm: {counts['plans']} kế hoạch, {counts['tasks']} việc, "
                   f"{counts['requests']} đề xuất.")
