"""Sessions end when they should (issue 15, point 1): a password change, a sign-out, an admin's
password reset and a deactivation end every other session and every remember-me token of that person
at once, server-side (a cookie copied before is refused afterwards)."""
from __future__ import annotations

import pytest

from congdoan.extensions import db
from congdoan.people.models import User

from .conftest import PASSWORD, login, make_user

NEW_PASSWORD = "mat khau moi that dai"
SESSION = "congdoan_session"
REMEMBER = "remember_token"


def _cookie(client, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _device(app, user: User, *, remember: bool = False):
    """A second browser signed in as `user`."""
    other = app.test_client()
    response = other.post_form("/dang-nhap", {"email": user.email, "password": PASSWORD,
                                              **({"remember": "y"} if remember else {})})
    assert response.status_code == 303
    return other


def _signed_in(client) -> bool:
    # The password page is open to any signed-in account, even one that must change its password.
    return client.get("/doi-mat-khau").status_code == 200


def _only_cookie(app, name: str, value: str):
    """A fresh browser holding just this cookie (as an attacker who copied it would)."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client):
    user = make_user()
    login(client, user)
    other = _device(app, user)
    assert _signed_in(other)
    response = client.post_form("/doi-mat-khau", {"current": PASSWORD, "new": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert _signed_in(client)                      # the person who changed it stays signed in
    assert not _signed_in(other)                   # the other browser is signed out


def test_remember_me_token_from_before_a_password_change_is_refused(app, client):
    user = make_user()
    laptop = _device(app, user, remember=True)
    token = _cookie(laptop, REMEMBER)
    assert token
    assert _signed_in(_only_cookie(app, REMEMBER, token))      # the token works on its own today
    login(client, user)
    client.post_form("/doi-mat-khau", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not _signed_in(_only_cookie(app, REMEMBER, token))


def test_a_session_cookie_copied_before_sign_out_is_dead_afterwards(app, client):
    user = make_user()
    login(client, user)
    copied = _cookie(client, SESSION)
    assert _signed_in(_only_cookie(app, SESSION, copied))
    client.post_form("/dang-xuat")
    assert not _signed_in(client)
    assert not _signed_in(_only_cookie(app, SESSION, copied))


def test_sign_out_kills_the_remember_me_token_too(app, client):
    user = make_user()
    response = client.post_form("/dang-nhap", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    token = _cookie(client, REMEMBER)
    client.post_form("/dang-xuat")
    assert not _signed_in(_only_cookie(app, REMEMBER, token))


@pytest.mark.parametrize("action", ["reset", "deactivate"])
def test_an_admins_reset_or_deactivation_ends_every_session(app, client, action):
    admin = make_user(roles=["admin"])
    user = make_user()
    phone = _device(app, user)
    laptop = _device(app, user, remember=True)
    token = _cookie(laptop, REMEMBER)
    login(client, admin)
    url = f"/quan-tri/nguoi-dung/{user.id}/" + ("mat-khau" if action == "reset" else "trang-thai")
    assert client.post_form(url).status_code in (200, 303)
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    assert not _signed_in(_only_cookie(app, REMEMBER, token))
    assert _signed_in(client)                      # the admin's own session is untouched
    if action == "deactivate":                     # reactivated, the old sessions stay ended
        assert client.post_form(url).status_code in (200, 303)
        assert db.session.get(User, user.id).active
        assert not _signed_in(phone)
        assert not _signed_in(_only_cookie(app, REMEMBER, token))


def test_the_remember_me_token_still_works_while_nothing_changed(app):
    user = make_user()
    laptop = _device(app, user, remember=True)
    assert _signed_in(_only_cookie(app, REMEMBER, _cookie(laptop, REMEMBER)))


def test_a_session_of_the_old_kind_is_not_accepted(app, client):
    # Before this change the session held the bare id; such a session is asked to sign in again.
    from flask_login.utils import _create_identifier
    user = make_user()
    with app.test_request_context("/", environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["_id"] = identifier
    assert not _signed_in(client)


def test_every_password_writer_ends_sessions():
    """One function sets a password and ends the sessions: the model's own setter is used only there."""
    import pathlib
    writers = [str(p) for p in pathlib.Path("congdoan").rglob("*.py")
               if ".set_password(" in p.read_text() and p.as_posix() != "congdoan/auth/services.py"]
    assert writers == [], writers
    user = make_user()
    before = db.session.get(User, user.id).session_version
    from congdoan.auth.services import set_password
    set_password(user, NEW_PASSWORD)
    assert user.session_version == before + 1 and user.check_password(NEW_PASSWORD)
