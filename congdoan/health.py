"""/healthz: is this worker able to serve? For a proxy or a monitor to take a broken worker out.

Checks only what is cheap: the database answers `SELECT 1` (through the pool every page uses, so a
worker whose pool is broken says so), and the upload folder can be written (a stat and an access()
call). The database's reason is short and safe to show: "unreachable" when it cannot be reached,
else the class of the error. On PostgreSQL connecting gives up after DATABASE_CONNECT_TIMEOUT
seconds (congdoan/__init__.py), so a host that does not answer does not hang the check.
"""
from __future__ import annotations

import logging
import os

import sqlalchemy as sa
from flask import current_app

from .error_pages import database_unreachable
from .extensions import db

log = logging.getLogger(__name__)

def database() -> str:
    """SELECT 1 on a connection from the pool every page uses, at the DBAPI level: neither the ORM
    session nor SQLAlchemy's Connection (each made the check several times dearer). Where the pool
    pre-pings its connections (PostgreSQL), taking one has already run the SELECT 1."""
    try:
        conn = db.engine.raw_connection()
    except Exception as exc:
        return _reason(exc)
    if getattr(db.engine.pool, "_pre_ping", False):
        conn.close()                    # the pool has just run SELECT 1 on it (pre-ping): no need twice
        return "ok"
    try:
        cursor = conn.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        finally:
            cursor.close()
        return "ok"
    except Exception as exc:
        conn.invalidate()               # a connection that failed its check is not handed out again
        return _reason(exc)
    finally:
        conn.close()


def _reason(exc: Exception) -> str:
    log.warning("health check: database failed", exc_info=exc)
    if isinstance(exc, sa.exc.SQLAlchemyError):
        if database_unreachable(exc):
            return "unreachable"
        exc = getattr(exc, "orig", None) or exc
    name = type(exc).__name__
    return "unreachable" if name in {"OperationalError", "InterfaceError"} else name


def folder_writable(path: str) -> bool:
    """The folder can be written, or (not made yet) the nearest folder above it can."""
    while path and not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)


def check() -> tuple[dict[str, str], bool]:
    """({"status", "database", and "files" when it fails}, healthy)."""
    report = {"status": "ok", "database": database()}
    if not folder_writable(current_app.config["UPLOAD_FOLDER"]):
        report["files"] = "not writable"
    healthy = report["database"] == "ok" and "files" not in report
    if not healthy:
        report["status"] = "error"
    return report, healthy
