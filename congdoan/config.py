"""Configuration classes. Values come from the environment so one build serves every union."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    """DATABASE_URL when set (PostgreSQL for a large union), else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        # Accept the common spellings and always use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return "sqlite:///" + str(Path(instance_path) / "congdoan.sqlite")


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, or one generated once and kept in the instance folder.

    Keeping it on disk means sessions survive restarts and every worker process agrees on it.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def ratelimit_storage_uri(environ=os.environ) -> str:
    """Where throttling counts: RATELIMIT_STORAGE_URI, else Redis at REDIS_URL, else this process's
    memory (enough for one process; with several workers each counts on its own)."""
    uri = environ.get("RATELIMIT_STORAGE_URI", "").strip()
    if uri:
        return uri
    redis = environ.get("REDIS_URL", "").strip()
    return redis or "memory://"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


class Config:
    # The most recently used connection is taken again (LIFO): it holds the prepared statements
    # (congdoan/transactions.py); one opened for a moment of need is not taken in turn.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_use_lifo": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # PostgreSQL: seconds to wait for a connection before the page (and /healthz) says it failed.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5") or 5)

    # Sessions: HttpOnly, SameSite, short-lived; Secure when served over HTTPS (set COOKIE_SECURE=1).
    SESSION_COOKIE_NAME = "congdoan_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("COOKIE_SECURE")
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    HSTS = _bool("COOKIE_SECURE")

    WTF_CSRF_TIME_LIMIT = 12 * 3600
    WTF_CSRF_SSL_STRICT = _bool("COOKIE_SECURE")

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024   # the largest upload; pages refuse smaller limits themselves
    PASSWORD_HASH_METHOD = "scrypt"
    # Sign-in lock (congdoan/auth/throttle.py): after LOGIN_MAX_FAILURES wrong passwords for one
    # e-mail from one client, that client is refused for that e-mail for LOGIN_LOCK_MINUTES. After
    # LOGIN_ACCOUNT_ALERT failures for one e-mail from any clients within the same time, only a client
    # that has not failed on it may still sign in to it (with the right password).
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_ACCOUNT_ALERT = 10

    # Throttling (congdoan/ratelimit.py). RATELIMIT_ENABLED=0 turns it off (the benchmark drives
    # thousands of requests a second from one address).
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = ratelimit_storage_uri()
    RATELIMIT_STRATEGY = "sliding-window-counter"
    RATELIMIT_KEY_PREFIX = "congdoan"
    # When Redis stops answering, count in memory instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Behind N reverse proxies: take the client address from X-Forwarded-For (werkzeug ProxyFix).
    PROXY_FIX = _int("PROXY_FIX", 0)

    # Outgoing e-mail: off unless SMTP_HOST is set.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25") or 25)
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS")
    MAIL_FROM = os.environ.get("MAIL_FROM", "congdoan@localhost")

    # Where uploaded files (evidence, signatures, signed documents) live: outside static/.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")


class TestConfig(Config):
    TESTING = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"   # fast hashing keeps the suite quick
    SECRET_KEY = "test-secret-key"
    SERVER_NAME = None
    # Throttling stays on in tests (its own tests exercise the real limits); the counts are emptied
    # before every test (tests/conftest.py) and kept in this process's memory.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
