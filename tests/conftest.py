"""Fixtures: one migrated database per session (SQLite, or PostgreSQL via TEST_DATABASE_URL), emptied
after every test; a client that runs each request in its own app context like a real server; small
factories; sign-in helpers."""
from __future__ import annotations

import os
import re
import secrets
import time

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from congdoan import create_app
from congdoan import caching
from congdoan.config import TestConfig
from congdoan.extensions import db
from congdoan.people.models import Group, User

PASSWORD = "mat-khau-thu-1"


def _test_db_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


class Client(FlaskClient):
    """Each request gets a fresh app context (its own session and `g`), as in a real server; the
    test's own session commits its set-up before and forgets cached rows after."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
        """POST a form with a valid CSRF token, as the browser would send it."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        headers = dict(kwargs.pop("headers", {}) or {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.post(url, data=data, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _test_db_url(tmp_path_factory)
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(TestConfig, instance_path=str(instance), SQLALCHEMY_DATABASE_URI=url)
    app.test_client_class = Client
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()   # close pooled connections before the interpreter does it untidily


def _empty_database() -> None:
    db.session.remove()
    tables = [t for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
    caching.clear()   # the counters start again from nothing: what this process kept is void


class LimiterClock:
    """The throttling storage's clock, stopped for the test: a limit of 60 a minute means 60 however
    slowly the test runs (a sliding window otherwise lets a few more through across a minute's end).
    `advance(seconds)` moves it on."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def limiter_clock(monkeypatch) -> LimiterClock:
    import limits.storage.memory
    import limits.strategies
    from congdoan.extensions import limiter
    limiter.reset()            # every test starts with no request counted against any limit
    clock = LimiterClock()
    for module in (limits.storage.memory, limits.strategies):
        monkeypatch.setattr(module, "time", clock)
    return clock


@pytest.fixture(autouse=True)
def _context(app, limiter_clock):
    """Every test runs in an app context on an empty database."""
    with app.app_context():
        yield
        _empty_database()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------------

_counter = {"n": 0}


def make_group(name: str | None = None, leader: User | None = None) -> Group:
    _counter["n"] += 1
    group = Group()
    group.set_name(name or f"Tổ thử {_counter['n']}")
    db.session.add(group)
    db.session.flush()
    if leader is not None:
        group.leader_id = leader.id
        leader.group_id = group.id
    db.session.commit()
    return group


def make_user(name: str | None = None, *, email: str | None = None, roles=(), group: Group | None = None,
              password: str = PASSWORD, must_change: bool = False, active: bool = True,
              leads: Group | None = None) -> User:
    _counter["n"] += 1
    n = _counter["n"]
    user = User(email=email or f"nguoi{n}@thanhto.demo", phone="", group_id=group.id if group else None,
                must_change_password=must_change, active=active)
    user.set_name(name or f"Người Thử {n}")
    user.set_password(password, "pbkdf2:sha256:1000")
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    if leads is not None:
        leads.leader_id = user.id
        user.group_id = leads.id
    db.session.commit()
    return user


@pytest.fixture
def factory():
    class F:
        group = staticmethod(make_group)
        user = staticmethod(make_user)
    return F


def login(client: Client, user: User | str, password: str = PASSWORD):
    email = user if isinstance(user, str) else user.email
    return client.post_form("/dang-nhap", {"email": email, "password": password})


@pytest.fixture
def signed_in(client):
    """signed_in(user) signs the client in and returns it."""
    def _sign_in(user: User, password: str = PASSWORD) -> Client:
        response = login(client, user, password)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client
    return _sign_in


@pytest.fixture
def as_(client, signed_in):
    """as_(user): sign the client in as someone else (signing out whoever was signed in)."""
    def switch(user: User) -> Client:
        client.post_form("/dang-xuat")
        return signed_in(user)
    return switch


def text_of(response) -> str:
    """The visible text of an HTML response, tags stripped and spaces collapsed (for assertions)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
