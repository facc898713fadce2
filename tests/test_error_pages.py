"""Failures speak Vietnamese without the database (issue 15, point 6).

Every error page renders from what the request already holds: the failed transaction is rolled back
first, the union's name is taken only when it is already known, and the layout reads neither the
bell, the navigation's roles nor the signed-in user. A database that cannot be reached gives a 503
with Retry-After; /healthz says which part failed.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from congdoan import create_app
from congdoan.config import TestConfig
from congdoan.extensions import db
from congdoan.home import routes as home_routes
from congdoan.organisation.models import Organisation

from .conftest import login, make_user, text_of

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/congdoan"


@pytest.fixture
def no_propagation(app):
    """As in production: an exception reaches the app's error handlers instead of the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


@pytest.fixture
def dead_app(app, tmp_path):
    """The same app (same secret key, same cookies) with its database out of reach."""
    dead = create_app(TestConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=UNREACHABLE,
                      PROPAGATE_EXCEPTIONS=False)
    yield dead
    with dead.app_context():
        db.engine.dispose()


def _main_text(response) -> str:
    html = response.get_data(as_text=True)
    main = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main.group(1) if main else html).split())


def _assert_vietnamese_page(response, status: int, words: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert "Internal Server Error" not in response.get_data(as_text=True)
    assert words in text_of(response)
    assert response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
    # A sentence first: the code is no headline (an officer does not know what "500" means).
    assert not _main_text(response).startswith(str(status))
    assert 'class="error-code"' not in response.get_data(as_text=True)


def _assert_vietnamese_fragment(response, status: int, words: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:300]
    assert "<html" not in body and words in text_of(response)
    assert response.headers.get("HX-Retarget") == "#messages"


# --- a database error inside a page -------------------------------------------------------------

def _failing_flush(*args, **kwargs):
    """A bad value reaching the database: the settings row must have id 1 (a CHECK constraint)."""
    db.session.add(Organisation(id=2, name="Sai"))
    db.session.flush()


def test_a_database_error_inside_a_page_gives_a_vietnamese_page(client, no_propagation, monkeypatch):
    user = make_user()
    login(client, user)
    monkeypatch.setattr(home_routes, "panels_for", _failing_flush)
    _assert_vietnamese_page(client.get("/"), 500, "Đã có lỗi xảy ra phía máy chủ")


def test_a_database_error_answers_htmx_with_a_fragment(client, no_propagation, monkeypatch):
    user = make_user()
    login(client, user)
    monkeypatch.setattr(home_routes, "panels_for", _failing_flush)
    _assert_vietnamese_fragment(client.get("/", headers={"HX-Request": "true"}), 500,
                                "Đã có lỗi xảy ra phía máy chủ")


def test_the_error_page_keeps_the_union_name_it_already_knew(client, no_propagation, monkeypatch):
    org = Organisation.get_for_update()
    org.name = "Trường Tiểu học Thành Tô"
    db.session.commit()
    user = make_user()
    login(client, user)
    assert "Trường Tiểu học Thành Tô" in text_of(client.get("/"))
    monkeypatch.setattr(home_routes, "panels_for", _failing_flush)
    page = client.get("/")
    assert page.status_code == 500 and "Trường Tiểu học Thành Tô" in text_of(page)


def test_a_value_the_database_refuses_is_a_bad_request_in_vietnamese(client, monkeypatch):
    user = make_user()
    login(client, user)

    def refused(*args, **kwargs):
        raise sa.exc.DataError("SELECT …", {}, ValueError("integer out of range"))
    monkeypatch.setattr(home_routes, "panels_for", refused)
    _assert_vietnamese_page(client.get("/"), 400, "không hợp lệ (quá lớn hoặc sai định dạng)")


def test_a_query_value_beyond_the_database_is_answered_in_vietnamese(client):
    user = make_user()
    login(client, user)
    page = client.get(f"/de-xuat/moi/kien-nghi?dot={2 ** 40}")
    # A number no id can be is read as no campaign at all (congdoan/limits.py): the plain form.
    assert page.status_code == 200 and "Internal Server Error" not in page.get_data(as_text=True)


def test_an_id_too_large_for_the_database_is_not_found(client):
    user = make_user(roles=["committee"])
    login(client, user)
    # PostgreSQL refuses 2**40 for an integer column: that is a page that does not exist, not a failure.
    _assert_vietnamese_page(client.get(f"/ke-hoach/{2 ** 40}"), 404, "không tồn tại")


# --- the database out of reach ------------------------------------------------------------------

def test_an_unreachable_database_gives_a_vietnamese_503(dead_app):
    page = dead_app.test_client().get("/dang-nhap")
    _assert_vietnamese_page(page, 503, "cơ sở dữ liệu")
    assert page.headers.get("Retry-After")


def test_a_signed_in_user_gets_the_503_page_when_the_database_is_unreachable(client, dead_app):
    user = make_user()
    assert login(client, user).status_code == 303
    name = client.application.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name).value
    dead = dead_app.test_client()
    dead.set_cookie(name, cookie)
    page = dead.get("/")
    _assert_vietnamese_page(page, 503, "cơ sở dữ liệu")
    assert page.headers.get("Retry-After")
    fragment = dead.get("/viec/theo-doi", headers={"HX-Request": "true"})
    _assert_vietnamese_fragment(fragment, 503, "cơ sở dữ liệu")


@pytest.mark.parametrize("method, path, status, words", [
    ("get", "/khong-co-trang-nay", 404, "không tồn tại"),
    ("get", "/dang-xuat", 405, "không được hỗ trợ"),
    ("post", "/dang-nhap", 400, "Vui lòng tải lại trang"),      # no CSRF token
])
def test_every_error_page_renders_without_the_database(dead_app, method, path, status, words):
    client = dead_app.test_client()
    _assert_vietnamese_page(getattr(client, method)(path), status, words)
    fragment = getattr(client, method)(path, headers={"HX-Request": "true"})
    _assert_vietnamese_fragment(fragment, status, words)


def test_an_error_page_makes_no_query(client):
    from .test_query_counts import count_queries
    with count_queries() as counted:
        page = client.get("/khong-co-trang-nay")
    assert page.status_code == 404 and counted["n"] == 0


# --- /healthz -----------------------------------------------------------------------------------

def test_healthz_checks_the_database(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_the_database_is_unreachable(dead_app):
    answer = dead_app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "error", "database": "unreachable"}


def test_healthz_names_a_folder_it_cannot_write(client, tmp_path):
    app = client.application
    not_a_folder = tmp_path / "files"
    not_a_folder.write_text("a file where the uploads should go")
    before = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(not_a_folder)
    try:
        answer = client.get("/healthz")
    finally:
        app.config["UPLOAD_FOLDER"] = before
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "error", "database": "ok", "files": "not writable"}


def test_healthz_answers_json_to_a_signed_in_browser_when_the_database_is_unreachable(client, dead_app):
    assert login(client, make_user()).status_code == 303
    name = client.application.config["SESSION_COOKIE_NAME"]
    dead = dead_app.test_client()
    dead.set_cookie(name, client.get_cookie(name).value)
    answer = dead.get("/healthz")
    assert answer.status_code == 503 and answer.get_json()["database"] == "unreachable"
