"""Telling people that something concerns them.

notify() writes in-app notifications in the current transaction and, when SMTP_HOST is configured,
queues one "mail" job per e-mail in that same transaction (congdoan/notifications/mail.py): a
rolled-back action mails nobody, a committed one is mailed by the worker, retried while the mail
server fails, and never lost. No mail is sent inside a web request.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from .. import facts
from ..dates import utcnow
from ..extensions import db
from ..facts import fact
from .mail import queue_mail
from .models import Notification


def notify(users, kind: str, message: str, link: str = "", *, subject: str | None = None,
           dedup_key: str | None = None, email: bool = True) -> list[Notification]:
    """Notify each active user once (duplicates in `users` collapse). With `dedup_key`, a user who
    already has a notification with that key is skipped: running a reminder twice sends nothing twice.
    With SMTP configured (and `email`), each also gets an e-mail, queued in this transaction.
    Returns the notifications created."""
    created = []
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        if dedup_key and db.session.execute(
                sa.select(Notification.id).where(Notification.user_id == user.id,
                                                 Notification.dedup_key == dedup_key)).first():
            continue
        item = Notification(user_id=user.id, kind=kind, message=message, link=link, dedup_key=dedup_key)
        db.session.add(item)
        created.append(item)
        if email and current_app.config.get("SMTP_HOST") and user.email:
            base = current_app.config.get("BASE_URL", "").rstrip("/")
            body = message + (f"\n\nXem chi tiết: {base}{link}" if link else "") + \
                "\n\n— Mạng nội bộ công đoàn (thư tự động, vui lòng không trả lời)."
            queue_mail(user.email, subject or message[:120], body)
    db.session.flush()
    return created


def _unread(user_id) -> sa.ScalarSelect:
    table = Notification.__table__
    return (sa.select(sa.func.count()).select_from(table)
            .where(table.c.user_id == user_id, table.c.read_at.is_(None)).scalar_subquery())


@fact("bell")
def _bell_fact(users_id) -> sa.ScalarSelect:
    return _unread(users_id)


def unread_count(user) -> int:
    """The bell's number, on every page and every 30 s: read with the user (congdoan/facts.py), or
    as a plain count without the ORM's layer."""
    return facts.get("bell", lambda: db.session.connection().execute(sa.select(_unread(user.id))).scalar(),
                     user_id=user.id) or 0


def recent(user, limit: int = 50) -> list[Notification]:
    return db.session.execute(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).limit(limit)).scalars().all()


def mark_read(user, notification_id: int | None = None) -> None:
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=utcnow()))
