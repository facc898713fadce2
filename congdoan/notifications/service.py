"""Telling people that something concerns them.

notify() writes in-app notifications in the current transaction and queues e-mails that are sent only
after that transaction commits, so a rolled-back action never mails anyone. E-mail is off unless
SMTP_HOST is configured; a failing mail server never breaks the action that caused the mail.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import facts
from ..dates import utcnow
from ..extensions import db
from ..facts import fact
from .models import Notification

log = logging.getLogger(__name__)


@dataclass
class Mail:
    to: str
    subject: str
    body: str


def notify(users, kind: str, message: str, link: str = "", *, subject: str | None = None,
           dedup_key: str | None = None) -> list[Notification]:
    """Notify each active user once (duplicates in `users` collapse). With `dedup_key`, a user who
    already has a notification with that key is skipped: running a reminder twice sends nothing twice.
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
        if current_app.config.get("SMTP_HOST") and user.email:
            base = current_app.config.get("BASE_URL", "").rstrip("/")
            body = message + (f"\n\nXem chi tiết: {base}{link}" if link else "") + \
                "\n\n— Mạng nội bộ công đoàn (thư tự động, vui lòng không trả lời)."
            db.session.info.setdefault("outbox", []).append(
                Mail(user.email, subject or message[:120], body))
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


def send_mail(mails: list[Mail], config) -> int:
    """Send queued mails over SMTP; returns how many were accepted. Failures are logged, not raised."""
    if not mails or not config.get("SMTP_HOST"):
        return 0
    sent = 0
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 25), timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
            for mail in mails:
                msg = EmailMessage()
                msg["From"] = config.get("MAIL_FROM", "congdoan@localhost")
                msg["To"] = mail.to
                msg["Subject"] = mail.subject
                msg.set_content(mail.body)
                smtp.send_message(msg)
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("sending %d mail(s) failed after %d: %s", len(mails), sent, exc)
    return sent


def _after_commit(session) -> None:
    mails = session.info.pop("outbox", None)
    if mails:
        send_mail(mails, current_app.config)


def _after_rollback(session) -> None:
    session.info.pop("outbox", None)


event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_soft_rollback", lambda session, previous: _after_rollback(session))
event.listen(Session, "after_rollback", _after_rollback)
