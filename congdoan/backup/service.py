"""Backing up a running instance and restoring into an empty one (the commands in congdoan/cli.py).

Consistency between the database and the upload folder: a stored file is written (and renamed into
place) before the transaction that adds its `stored_files` row commits, and is never changed or
deleted afterwards (congdoan/uploads/service.py). So the files are read after the database snapshot:
every file the snapshot names is already complete on disk. Files stored after the snapshot are left
out, as their rows are; a file the snapshot names but the disk lacks (or whose bytes no longer match
its stored SHA-256) makes the backup fail loudly rather than silently carry the loss.
"""
from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import tempfile

import sqlalchemy as sa
from flask import current_app

from .. import caching
from ..dates import utcnow
from ..extensions import db
from . import checks, database
from .archive import FORMAT, FORMAT_VERSION, ArchiveError, DATABASE_MEMBERS, Writer, file_member, file_sha256, unpack

# Rows the migrations themselves insert: an instance holding only these is empty.
SEEDED_BY_MIGRATIONS = frozenset({"change_counters", "request_totals"})


def _files_under(folder: str) -> list[str]:
    return [os.path.join(d, f) for d, _, names in os.walk(folder) for f in names]


def _driver_errors() -> tuple:
    try:
        import psycopg
    except ImportError:   # a SQLite-only installation
        return ()
    return (psycopg.Error,)


def _plain(exc: BaseException) -> ArchiveError | None:
    """A failure of the disk, of SQLite or of the database server as an ArchiveError the command
    prints (a traceback tells an operator nothing); None for anything else."""
    if isinstance(exc, ArchiveError):
        return exc
    if isinstance(exc, (OSError, sqlite3.Error, sa.exc.DBAPIError, *_driver_errors())):
        detail = getattr(exc, "orig", None) or exc
        return ArchiveError(f"dừng lại vì lỗi của đĩa hoặc cơ sở dữ liệu — {type(detail).__name__}: {detail}".strip())
    return None


def _plainly(action):
    @functools.wraps(action)
    def run(*args, **kwargs):
        try:
            return action(*args, **kwargs)
        except Exception as exc:
            plain = _plain(exc)
            if plain is None or plain is exc:
                raise
            raise plain from exc
    return run


@_plainly
def create_backup(out: str) -> dict:
    """Write the archive `out` (a new file) and return its manifest; ArchiveError when it cannot."""
    out = os.path.abspath(out)
    directory = os.path.dirname(out)
    if os.path.exists(out):
        raise ArchiveError(f"Tệp {out} đã có: hãy chọn tên khác (bản sao lưu cũ không bị ghi đè).")
    if not os.path.isdir(directory):
        raise ArchiveError(f"Không có thư mục {directory}.")
    folder = current_app.config["UPLOAD_FOLDER"]
    # The snapshot is written beside the archive: the disk meant for backups, not /tmp.
    workdir = tempfile.mkdtemp(prefix=".sao-luu-", dir=directory)
    try:
        snap = database.snapshot(db.engine, workdir)
        files = [(key, sha256, size, os.path.join(folder, key[:2], key)) for key, sha256, size in snap.files]
        missing = [key for key, _, _, path in files if not os.path.isfile(path)]
        if missing:
            raise ArchiveError(f"Thiếu {len(missing)} tệp mà cơ sở dữ liệu ghi nhận trong {folder}: "
                               f"{', '.join(missing[:20])}{' …' if len(missing) > 20 else ''}. "
                               f"Không tạo bản sao lưu: hãy chép lại các tệp này từ một bản sao lưu cũ.")
        members = {snap.member: {"sha256": file_sha256(snap.path), "size": os.path.getsize(snap.path)}}
        for key, sha256, size, _ in files:
            members[file_member(key)] = {"sha256": sha256, "size": size}
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": utcnow().isoformat(timespec="seconds") + "Z",
            "database": snap.kind, "revision": snap.revision,
            "counts": snap.counts, "files": len(files), "members": members,
        }
        writer = Writer(out, manifest)
        try:
            writer.add_file(snap.member, snap.path, **members[snap.member])
            for key, sha256, size, path in files:
                writer.add_file(file_member(key), path, sha256, size)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return manifest


def _refuse_unless_empty(folder: str) -> None:
    found = database.table_counts(db.engine)
    rows = {t: n for t, n in found.items() if n and t not in SEEDED_BY_MIGRATIONS}
    files = _files_under(folder)
    reasons = []
    if rows:
        people = f"{rows['users']} người dùng, " if rows.get("users") else ""
        reasons.append(f"cơ sở dữ liệu đã có dữ liệu ({people}{sum(rows.values())} bản ghi ở {len(rows)} bảng)")
    if files:
        reasons.append(f"thư mục tệp {folder} đã có {len(files)} tệp")
    if reasons:
        raise ArchiveError("Nơi khôi phục không trống: " + "; ".join(reasons) + ". Chỉ khôi phục vào một bản "
                           "cài mới (cơ sở dữ liệu trống, thư mục tệp trống); không có gì bị thay đổi.")


def _migrations():
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def _check_compatible(manifest: dict, kind: str) -> bool:
    """True when the restored schema must then be upgraded to this code's head."""
    if manifest.get("database") != kind:
        raise ArchiveError(f"Bản sao lưu là của cơ sở dữ liệu {manifest.get('database')}, nơi khôi phục dùng "
                           f"{kind}: chưa hỗ trợ khôi phục sang loại cơ sở dữ liệu khác.")
    script, revision = _migrations(), manifest.get("revision")
    try:
        known = revision is not None and script.get_revision(revision) is not None
    except Exception:   # alembic raises several kinds for an unknown revision
        known = False
    if not known:
        raise ArchiveError(f"Bản sao lưu có lược đồ phiên bản {revision}, phiên bản ứng dụng này không biết "
                           f"(bản sao lưu từ một phiên bản mới hơn?): hãy cập nhật ứng dụng rồi khôi phục lại.")
    return revision not in script.get_heads()


def _move_files(staged: str, folder: str) -> None:
    for path in _files_under(staged):
        target = os.path.join(folder, os.path.relpath(path, staged))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.move(path, target)


@_plainly
def restore_backup(archive: str) -> tuple[dict, list[checks.Check]]:
    """Restore `archive` into this (empty) instance; returns the manifest and the checks made after.

    Refused (ArchiveError, nothing written) when the instance is not empty, the archive is damaged
    or altered, of another database kind, or from a newer schema.
    """
    engine = db.engine
    kind = database.kind_of(engine)
    folder = os.path.abspath(current_app.config["UPLOAD_FOLDER"])
    _refuse_unless_empty(folder)
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    # Unpacked beside the upload folder: the same disk, so the files are moved, not copied again.
    staging = tempfile.mkdtemp(prefix=".khoi-phuc-", dir=parent)
    try:
        manifest = unpack(archive, staging)
        upgrade_after = _check_compatible(manifest, kind)
        db.session.remove()
        try:
            database.load(engine, kind, os.path.join(staging, DATABASE_MEMBERS[kind]))
            results = [checks.counts(database.table_counts(engine), manifest["counts"])]
            _move_files(os.path.join(staging, "files"), folder)
        except Exception as exc:
            plain = _plain(exc)
            if plain is None:
                raise
            raise ArchiveError(f"{plain.message} Nơi khôi phục có thể đã bị ghi dở: hãy làm trống cơ sở dữ liệu "
                               f"và thư mục {folder} rồi khôi phục lại.") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    caching.clear()   # whatever this process kept described another database
    if upgrade_after:
        from flask_migrate import upgrade
        upgrade()
        results.append(checks.Check(True, f"Đã nâng lược đồ từ {manifest['revision']} lên phiên bản hiện tại."))
    results += checks.restored_instance()
    db.session.remove()
    return manifest, results
