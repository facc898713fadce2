"""`flask --app wsgi backup OUT` and `restore IN` (docs/backup.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask


def register_backup_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    def backup(out: Path):
        """Sao lưu cơ sở dữ liệu và mọi tệp đã lưu vào một tệp .tar.gz (ứng dụng vẫn chạy trong lúc sao lưu)."""
        from .archive import ArchiveError
        from .service import create_backup
        try:
            manifest = create_backup(str(out))
        except ArchiveError as exc:
            click.echo(f"LỖI: {exc.message}", err=True)
            raise SystemExit(1) from None
        size = out.stat().st_size
        click.echo(f"Đã sao lưu vào {out} ({size / 1024 / 1024:.1f} MB): cơ sở dữ liệu {manifest['database']} "
                   f"(lược đồ {manifest['revision']}), {len(manifest['counts'])} bảng, "
                   f"{sum(manifest['counts'].values())} bản ghi, {manifest['files']} tệp đính kèm; "
                   f"ảnh chụp lúc {manifest['created_at']} (UTC).".replace(".0 MB", " MB"))

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    def restore(archive: Path):
        """Khôi phục một bản sao lưu vào bản cài mới (cơ sở dữ liệu và thư mục tệp trống), rồi kiểm tra."""
        from .archive import ArchiveError
        from .service import restore_backup
        try:
            manifest, results = restore_backup(str(archive))
        except ArchiveError as exc:
            click.echo(f"LỖI: {exc.message}", err=True)
            raise SystemExit(1) from None
        click.echo(f"Đã khôi phục bản sao lưu lúc {manifest['created_at']} (UTC), cơ sở dữ liệu "
                   f"{manifest['database']}, {manifest['files']} tệp đính kèm.")
        for check in results:
            click.echo(check.line, err=not check.ok)
        failed = [c for c in results if not c.ok]
        if failed:
            click.echo(f"KHÔI PHỤC CÓ LỖI: {len(failed)} kiểm tra không đạt (xem các dòng LỖI ở trên).", err=True)
            raise SystemExit(1)
        click.echo("Khôi phục hoàn tất: mọi kiểm tra đều đạt.")
