"""E-mail, sent by the worker: one job per message, retried until the server takes it.

notify() queues a "mail" job in the transaction of the action that caused it, so a rolled-back action
mails nobody and a committed one is never forgotten. The worker sends it; a temporary failure (the
server unreachable, a 4xx answer) is tried again with backoff up to MAX_ATTEMPTS times, a refusal
for good (a 5xx answer: unknown address) fails at once. Either way the failed job stays, visible to
the administrators, and can be queued again.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from ..jobs.queue import Permanent, enqueue, handler

MAX_ATTEMPTS = 8          # 30 s, 1, 2, 4, 8, 16, 32 min apart: a mail server down for an hour is waited out


def queue_mail(to: str, subject: str, body: str) -> None:
    enqueue("mail", {"to": to, "subject": subject, "body": body})


def send_one(to: str, subject: str, body: str, config, attachments=()) -> None:
    """Hand one message to the SMTP server; raises on any failure (Permanent when refused for good).
    `attachments`: (filename, MIME type, bytes) each."""
    if not config.get("SMTP_HOST"):
        raise RuntimeError("Chưa cấu hình máy chủ thư (SMTP_HOST trống): thư chờ đến khi có cấu hình.")
    msg = EmailMessage()
    msg["From"] = config.get("MAIL_FROM", "congdoan@localhost")
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    for filename, mimetype, data in attachments:
        maintype, subtype = mimetype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 25), timeout=20) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise Permanent(f"Máy chủ thư từ chối địa chỉ {to}: {exc.recipients}") from None
        raise
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
            raise Permanent(f"Máy chủ thư từ chối thư gửi {to}: {exc.smtp_code} "
                            f"{exc.smtp_error.decode('utf-8', 'replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}") from None
        raise


@handler("mail", title="gửi thư điện tử", max_attempts=MAX_ATTEMPTS, lease_seconds=120)
def _send(payload: dict) -> None:
    send_one(payload["to"], payload["subject"], payload["body"], current_app.config)
