"""Authentication rules: checking passwords (the same work and answer for unknown e-mails), setting
them, ending a person's sessions. Counting failures and the sign-in lock: throttle.py."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.service import record
from ..dates import utcnow
from ..extensions import db
from ..people.models import User
from . import throttle


@dataclass
class LoginOutcome:
    user: User | None
    message: str = ""


BAD_CREDENTIALS = "Email hoặc mật khẩu không đúng."

_dummy_hashes: dict[str, str] = {}


def _dummy_hash(method: str) -> str:
    """A hash of a random password made with the configured method, once per process: checked when
    the e-mail is unknown, so the answer costs what it costs for a real account."""
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummy_hashes[method]


def _method_of(pwhash: str) -> str:
    return pwhash.split("$", 1)[0]


def authenticate(email: str, password: str) -> LoginOutcome:
    """Check a sign-in attempt. An unknown e-mail, a wrong password and a client refused while the
    account is under attack get the same message after the same work: one check against a hash of
    the configured method. A client that has failed too often on this e-mail gets TooManyAttempts
    (429), the same for e-mails with and without an account (congdoan/auth/throttle.py). An
    inactive account is named as such only to whoever typed its right password."""
    email = (email or "").strip().lower()
    throttle.refuse_locked_client(email)
    method = current_app.config["PASSWORD_HASH_METHOD"]
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(method), password)
        right = False
    else:
        right = check_password_hash(user.password_hash, password)
        if _method_of(user.password_hash) != _method_of(_dummy_hash(method)):
            # A one-time password's fast hash: do the slow work anyway, so that the answer's time
            # does not tell who has not signed in yet.
            check_password_hash(_dummy_hash(method), password)
    if not right or not throttle.client_may_enter(email):
        throttle.count_failure(email)
        return LoginOutcome(None, BAD_CREDENTIALS)
    if not user.active:
        return LoginOutcome(None, "Tài khoản này đã ngừng hoạt động. Vui lòng liên hệ quản trị viên.")
    if _method_of(user.password_hash) != _method_of(_dummy_hash(method)) and not user.must_change_password:
        # A hash from before a change of method: rehashed now that the password is known.
        # (A one-time password is replaced at once by the person's own.) The same password: the
        # sessions go on.
        user.set_password(password, method)
    user.last_login_at = utcnow()
    return LoginOutcome(user)


WRONG_CURRENT_PASSWORD = "Mật khẩu hiện tại không đúng."


def change_password(user: User, current: str, new: str) -> str | None:
    """Set a new password. Returns a Vietnamese error message instead when refused."""
    if not user.check_password(current):
        return WRONG_CURRENT_PASSWORD
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


# Random one-time passwords (temporary_password) carry ~59 bits of entropy, and the person must change
# theirs at first sign-in; a fast hash is safe for them, where a password a person chose needs the slow
# configured one. 1,000 rounds: one guess costs a GPU about 2,000 SHA-256 blocks, so ~2^58 guesses on
# average stay out of reach; and an import of 50,000 members hashes in seconds, not minutes.
TEMP_HASH_METHOD = "pbkdf2:sha256:1000"


def new_account_hashes(passwords: list[str]) -> list[str]:
    """The hashes of the one-time passwords of accounts being created in bulk (a member import): the
    rows are inserted with them, so there is no session to end and set_password is not needed."""
    return [generate_password_hash(password, TEMP_HASH_METHOD) for password in passwords]


def temporary_password() -> str:
    """A readable one-time password for a new account (no look-alike characters): three groups of four
    of 31 letters and digits, ~59 bits. Drawn from one call to the system's random source, not one per
    character (an import of 50,000 members asked secrets.choice 600,000 times)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    limit = 256 - 256 % len(alphabet)          # bytes at or above it would favour the first letters
    chars: list[str] = []
    while len(chars) < 12:
        chars += [alphabet[b % len(alphabet)] for b in secrets.token_bytes(16) if b < limit]
    return "-".join("".join(chars[i:i + 4]) for i in (0, 4, 8))
