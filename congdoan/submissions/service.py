"""The mechanism behind `@once_per_submission`.

1. A POST carrying a token already on record creates nothing: it is sent (a 303, or HX-Redirect for
   htmx) to where the first sending's answer went, with "Đã nhận lần gửi trước; không tạo thêm.".
2. Otherwise the view runs. When its transaction commits having written something, the token row
   is added to that very commit (a `before_commit` listener): the record and its token are saved
   together or not at all. A form that comes back with errors writes nothing, so its token stays
   free and the corrected form, sent with it, is taken.
3. Two sendings at once both find no token and both create; at commit the second one's token
   collides with the first's on the unique index (on PostgreSQL it waits for the first to commit),
   its whole transaction is rolled back, and it is answered like (1).
4. Once the view has answered, the token row gets the answer's address: its redirect (Location,
   HX-Redirect), else the view's `result` endpoint, else the page the form was on (htmx's
   HX-Current-URL, or the Referer), else the home page. A second sending that arrives in between waits for it briefly.

A POST without a token (an old page, a script) is served as before; a token that is not one of
ours (wrong length or characters) is ignored the same way.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, flash, g, has_request_context, make_response, redirect, request, url_for
from flask_login import current_user
from jinja2 import Undefined
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..dates import utcnow
from ..extensions import db
from ..transactions import wrote
from .models import FormSubmission

FIELD = "submission_token"
ALREADY = "Đã nhận lần gửi trước; không tạo thêm."
KEEP_DAYS = 7
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_WAIT_STEPS, _WAIT_SECONDS = 50, 0.1     # how long a resend waits for the first answer's address


def new_token() -> str:
    return secrets.token_hex(16)


def valid(token: str | None) -> bool:
    return bool(token) and _TOKEN.fullmatch(token) is not None


def token_for(source=None) -> str:
    """The token a form is rendered with: the one it was sent with when it comes back with errors
    (`source`: the form, or the mapping of the values sent), else a fresh one. A token this very
    request has just used (an htmx answer showing the form again, empty) is never handed out again."""
    token = None
    if source is not None and not isinstance(source, Undefined):
        field = getattr(source, FIELD, None)
        token = field.data if field is not None else (source.get(FIELD) if hasattr(source, "get") else None)
    if not valid(token) or (has_request_context() and token in g.get("used_submission_tokens", ())):
        return new_token()
    return token


@dataclass
class _Pending:
    token: str
    user_id: int | None
    endpoint: str
    recorded: bool = False


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _find(token: str) -> FormSubmission | None:
    return db.session.execute(sa.select(FormSubmission).where(FormSubmission.token == token)).scalar_one_or_none()


def _same_site(url: str | None) -> str | None:
    """The path, query and anchor of an address on this site; None for anything else."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _result_url(response: Response, result: str | None) -> str:
    if 300 <= response.status_code < 400 and _same_site(response.headers.get("Location")):
        return _same_site(response.headers["Location"])
    if _same_site(response.headers.get("HX-Redirect")):
        return _same_site(response.headers["HX-Redirect"])
    if result:
        return url_for(result)
    return (_same_site(request.headers.get("HX-Current-URL")) or _same_site(request.referrer)
            or url_for("home.index"))


def _show_earlier(token: str, fallback: str | None) -> Response:
    """Send the person to the first sending's answer."""
    url = None
    for _ in range(_WAIT_STEPS):
        earlier = _find(token)
        db.session.commit()             # end the read: the next look sees what the first one commits
        url = earlier.result_url if earlier is not None else None
        if url:
            break
        time.sleep(_WAIT_SECONDS)
    url = url or (url_for(fallback) if fallback else url_for("home.index"))
    flash(ALREADY, "info")
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def once_per_submission(view: Callable | None = None, *, result: str | None = None):
    """Decorate a view that creates: a token sent twice creates once (see the module's docstring).
    `result`: the endpoint to send a second sending to when the first answered with a page (not a
    redirect) that cannot be shown again, e.g. the new accounts' one-time passwords."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = request.form.get(FIELD) if request.method == "POST" else None
            if not valid(token):
                return view(*args, **kwargs)
            earlier = _find(token)
            if earlier is not None:
                return _show_earlier(token, result)
            g.submission = pending = _Pending(token, _user_id(), request.endpoint or "")
            try:
                response = make_response(view(*args, **kwargs))
            except sa.exc.IntegrityError:
                db.session.rollback()
                if _find(token) is None:
                    raise                               # another constraint: not a second sending
                return _show_earlier(token, result)
            finally:
                g.pop("submission", None)
            if pending.recorded:
                g.setdefault("used_submission_tokens", set()).add(token)
                db.session.execute(sa.update(FormSubmission).where(FormSubmission.token == token)
                                   .values(result_url=_result_url(response, result)[:500]))
                db.session.commit()
            return response
        return wrapped
    return decorator(view) if view is not None else decorator


@event.listens_for(Session, "before_commit")
def _record_with_the_commit(session: Session) -> None:
    """The token joins the commit of the first transaction in which its view wrote something."""
    if not has_request_context():
        return
    pending: _Pending | None = g.get("submission")
    if pending is None or pending.recorded or session is not db.session():
        return
    if not (wrote(session) or session.new or session.dirty or session.deleted):
        return
    pending.recorded = True
    session.add(FormSubmission(token=pending.token, user_id=pending.user_id, endpoint=pending.endpoint[:100],
                               created_at=utcnow()))


def prune(days: int = KEEP_DAYS) -> int:
    """Forget tokens older than `days` days (a resend after a week is a new submission). Returns the count."""
    cutoff = utcnow() - dt.timedelta(days=days)
    deleted = db.session.execute(sa.delete(FormSubmission).where(FormSubmission.created_at < cutoff)).rowcount
    db.session.commit()
    return deleted
