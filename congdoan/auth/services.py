"""Authentication rules: checking passwords, counting failures, locking and unlocking."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.service import record
from ..dates import fmt_datetime, utcnow
from ..extensions import db
from ..people.models import User

# Compared against when the e-mail is unknown, so the answer takes as long as for a real account.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


@dataclass
class LoginOutcome:
    user: User | None
    message: str = ""


BAD_CREDENTIALS = "Email hoặc mật khẩu không đúng."


def authenticate(email: str, password: str) -> LoginOutcome:
    """Check a sign-in attempt. Refuses unknown e-mails, wrong passwords, inactive and locked
    accounts, always with a message that does not reveal whether the e-mail exists (except for the
    lock, which the owner needs to know about). Counts failures and locks after too many."""
    email = (email or "").strip().lower()
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return LoginOutcome(None, BAD_CREDENTIALS)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return LoginOutcome(None, _locked_message(user.locked_until))
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        limit = current_app.config["LOGIN_MAX_FAILURES"]
        if user.failed_logins >= limit:
            user.locked_until = now + dt.timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            record("account_locked", user, summary=f"Khóa tạm thời sau {limit} lần nhập sai mật khẩu")
            return LoginOutcome(None, _locked_message(user.locked_until))
        left = limit - user.failed_logins
        return LoginOutcome(None, f"{BAD_CREDENTIALS} Còn {left} lần thử trước khi tài khoản bị khóa tạm thời.")
    if not user.active:
        return LoginOutcome(None, "Tài khoản này đã ngừng hoạt động. Vui lòng liên hệ quản trị viên.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return LoginOutcome(user)


def _locked_message(until: dt.datetime) -> str:
    return (f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau "
            f"{fmt_datetime(until)}.")


def change_password(user: User, current: str, new: str) -> str | None:
    """Set a new password. Returns a Vietnamese error message instead when refused."""
    if not user.check_password(current):
        return "Mật khẩu hiện tại không đúng."
    if current == new:
        return "Mật khẩu mới phải khác mật khẩu hiện tại."
    if new.strip() != new or len(set(new)) < 4:
        return "Mật khẩu mới quá đơn giản hoặc có khoảng trắng ở đầu/cuối."
    set_password(user, new)
    user.must_change_password = False
    record("password_changed", user, actor=user, summary="Đổi mật khẩu")
    return None


def set_password(user: User, password: str, method: str | None = None) -> None:
    """The one writer of a password: sets it (hashed with `method`, by default the configured slow
    hash) and ends every session and remember-me cookie of the person issued before."""
    user.set_password(password, method or current_app.config["PASSWORD_HASH_METHOD"])
    end_sessions(user)


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of this person, on every device, once committed:
    they carry the session version (User.get_id) and the user loader refuses an older one. Whoever
    must stay signed in (the person changing their own password) is signed in again afterwards."""
    user.session_version = (user.session_version or 0) + 1


def temporary_password() -> str:
    """A readable one-time password for a new account (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
