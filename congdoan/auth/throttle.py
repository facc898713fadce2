"""The sign-in lock, counted in the throttling storage (memory, or Redis: congdoan/ratelimit.py).

Failures are counted by the e-mail typed, whether or not an account has it, so the lock itself tells
nothing about which e-mails exist, and nothing is written to the database for a failure:

- per (e-mail, client): after LOGIN_MAX_FAILURES failures within LOGIN_LOCK_MINUTES, that client is
  refused for that e-mail (429, "try again in N minutes") until the window lets it go. Another
  client (the owner's phone) is not concerned: an attacker cannot lock the owner out.
- per e-mail, any client: after LOGIN_ACCOUNT_ALERT failures within the same time, the account is
  under attack from many addresses; then the right password is accepted only from a client with no
  failure on it in that time. Each attacking address gets one useful guess instead of
  LOGIN_MAX_FAILURES, and the owner, on a device that has not been failing, still gets in.

Besides, every client is throttled on all its sign-in failures, whatever the e-mails (LIMITS in
congdoan/ratelimit.py).
"""
from __future__ import annotations

import hashlib
import time

from flask import current_app
from limits import RateLimitItemPerMinute

from ..extensions import limiter
from ..ratelimit import TooManyAttempts, client_key


def _email_key(email: str) -> str:
    # E-mails are not kept in the storage as they are typed (it may be a shared Redis).
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def _items():
    config = current_app.config
    minutes = int(config["LOGIN_LOCK_MINUTES"])
    pair = RateLimitItemPerMinute(int(config["LOGIN_MAX_FAILURES"]), minutes)
    account = RateLimitItemPerMinute(int(config["LOGIN_ACCOUNT_ALERT"]), minutes)
    return pair, account


def _keys(email: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    key = _email_key(email)
    return (prefix, "sign-in-pair", key, client_key()), (prefix, "sign-in-account", key)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def refuse_locked_client(email: str) -> None:
    """Raise TooManyAttempts when this client has used up its failures on this e-mail."""
    if not _enabled():
        return
    pair, _ = _items()
    pair_key, _ = _keys(email)
    if not limiter.limiter.test(pair, *pair_key):
        reset_at, _ = limiter.limiter.get_window_stats(pair, *pair_key)
        raise TooManyAttempts(reset_at - time.time())


def client_may_enter(email: str) -> bool:
    """False while the account is under attack and this client has failed on it lately."""
    if not _enabled():
        return True
    pair, account = _items()
    pair_key, account_key = _keys(email)
    if limiter.limiter.test(account, *account_key):
        return True
    _, remaining = limiter.limiter.get_window_stats(pair, *pair_key)
    return remaining >= pair.amount


def count_failure(email: str) -> None:
    if not _enabled():
        return
    pair, account = _items()
    pair_key, account_key = _keys(email)
    limiter.limiter.hit(pair, *pair_key)
    limiter.limiter.hit(account, *account_key)
