"""Sign-in resists abuse and reveals nothing (issue 15, points 2 and 3): guesses are throttled per
client, an attacker cannot lock the owner out, and an unknown e-mail is answered exactly like a wrong
password, after the same work."""
from __future__ import annotations

import re

import pytest
from werkzeug.security import check_password_hash

from congdoan.auth import services
from congdoan.config import ratelimit_storage_uri

from .conftest import PASSWORD, make_user, text_of

ATTACKER = {"REMOTE_ADDR": "10.0.0.66"}
OWNER = {"REMOTE_ADDR": "10.0.0.2"}


def _client(app, environ):
    client = app.test_client()
    client.environ_base.update(environ)
    return client


def _try(client, email: str, password: str):
    return client.post_form("/dang-nhap", {"email": email, "password": password})


def _login_error(response) -> str:
    match = re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def _assert_429_page(response) -> None:
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert seconds > 0
    assert re.search(r"Vui lòng thử lại sau khoảng \d+ (giây|phút|giờ)", text_of(response))


def test_forty_wrong_passwords_across_eight_accounts_meet_the_throttle(app):
    users = [make_user() for _ in range(8)]
    client = _client(app, ATTACKER)
    statuses = [_try(client, users[i % 8].email, f"doan-{i}").status_code for i in range(40)]
    assert statuses[:10] == [422] * 10           # ten guesses a minute from one client, no more
    assert set(statuses[10:]) == {429}
    _assert_429_page(_try(client, users[0].email, "doan-nua"))
    # Another client is not affected.
    assert _try(_client(app, OWNER), users[0].email, PASSWORD).status_code == 303


def test_an_attacker_cannot_lock_the_owner_out(app):
    chair = make_user(email="chutich@thanhto.demo", roles=["chair"])
    attacker = _client(app, ATTACKER)
    statuses = [_try(attacker, chair.email, f"doan-{i}").status_code for i in range(8)]
    assert statuses[:5] == [422] * 5 and set(statuses[5:]) == {429}
    # The attacker's client is refused for this account even with the right password...
    _assert_429_page(_try(attacker, chair.email, PASSWORD))
    # ...while the chair, on their own device, signs in at the first try.
    owner = _client(app, OWNER)
    assert _try(owner, chair.email, PASSWORD).status_code == 303
    assert owner.get("/").status_code == 200


def test_the_lock_is_the_same_for_an_unknown_email(app):
    make_user(email="co@thanhto.demo")
    real, ghost = _client(app, ATTACKER), _client(app, {"REMOTE_ADDR": "10.0.0.67"})
    for i in range(5):
        assert _try(real, "co@thanhto.demo", f"sai-{i}").status_code == 422
        assert _try(ghost, "khongco@thanhto.demo", f"sai-{i}").status_code == 422
    a, b = _try(real, "co@thanhto.demo", "sai"), _try(ghost, "khongco@thanhto.demo", "sai")
    assert a.status_code == b.status_code == 429
    assert text_of(a) == text_of(b)


def test_an_account_under_attack_from_many_clients_still_lets_a_clean_client_in(app):
    user = make_user()
    # Ten clients guess twice each: the account is under attack (LOGIN_ACCOUNT_ALERT = 10).
    for n in range(10):
        bot = _client(app, {"REMOTE_ADDR": f"10.9.0.{n}"})
        assert _try(bot, user.email, "sai-1").status_code == 422
        assert _try(bot, user.email, "sai-2").status_code == 422
    # A client that has been failing on it gets nothing from the right password now...
    bot = _client(app, {"REMOTE_ADDR": "10.9.0.3"})
    refused = _try(bot, user.email, PASSWORD)
    assert refused.status_code == 422
    assert _login_error(refused) == "Email hoặc mật khẩu không đúng."
    # ...the owner, from a client that has not failed, signs in.
    assert _try(_client(app, OWNER), user.email, PASSWORD).status_code == 303


def test_a_right_password_after_a_typo_still_signs_in(app):
    user = make_user()
    client = _client(app, OWNER)
    assert _try(client, user.email, "go-nham").status_code == 422
    assert _try(client, user.email, PASSWORD).status_code == 303


def test_successful_sign_ins_from_one_address_are_not_counted_as_guesses(app):
    # A school's staff behind one router: thirty people sign in one after the other.
    client = _client(app, OWNER)
    for _ in range(30):
        user = make_user()
        assert _try(client, user.email, PASSWORD).status_code == 303
        client.post_form("/dang-xuat")


def test_unknown_email_and_wrong_password_get_the_same_answer(app):
    make_user(email="that@thanhto.demo")
    client = _client(app, OWNER)
    wrong = _try(client, "that@thanhto.demo", "sai-mat-khau")
    unknown = _try(client, "khong@thanhto.demo", "sai-mat-khau")
    assert wrong.status_code == unknown.status_code == 422
    assert _login_error(wrong) == _login_error(unknown) == "Email hoặc mật khẩu không đúng."
    same = lambda r: text_of(r).replace("that@", "X@").replace("khong@", "X@")   # noqa: E731
    assert same(wrong) == same(unknown)
    for _ in range(3):                                    # no count-down for real accounts either
        assert "Còn" not in text_of(_try(client, "that@thanhto.demo", "sai"))


@pytest.fixture
def checked(app, monkeypatch) -> list[str]:
    """The method of every hash a sign-in checked (scrypt configured as in production)."""
    methods: list[str] = []

    def spy(pwhash: str, password: str) -> bool:
        methods.append(pwhash.split("$", 1)[0])
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    return methods


def test_an_unknown_email_costs_the_same_hash_as_a_real_account(app, checked):
    user = make_user()
    services.set_password(user, "mat khau that dai", "scrypt")
    client = _client(app, OWNER)
    _try(client, user.email, "sai-mat-khau")
    _try(client, "khongco@thanhto.demo", "sai-mat-khau")
    assert len(checked) == 2 and checked[0] == checked[1]
    assert checked[0].startswith("scrypt:")


def test_an_account_with_a_fast_one_time_hash_does_the_slow_work_too(app, checked):
    # New accounts carry a fast hash of their one-time password until first sign-in: answering
    # faster for them would tell who has not signed in yet.
    user = make_user()          # pbkdf2:sha256:1000, like a one-time password
    _try(_client(app, OWNER), user.email, "sai-mat-khau")
    assert any(m.startswith("scrypt:") for m in checked)


def test_a_hash_of_another_method_is_upgraded_at_sign_in(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    user = make_user()
    assert _try(_client(app, OWNER), user.email, PASSWORD).status_code == 303
    from congdoan.extensions import db
    from congdoan.people.models import User
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:")


def test_the_429_answer_for_htmx_is_a_message(app):
    client = _client(app, ATTACKER)
    for i in range(10):
        _try(client, f"x{i}@thanhto.demo", "sai")
    response = client.post_form("/dang-nhap", {"email": "y@thanhto.demo", "password": "sai"}, htmx=True)
    assert response.status_code == 429 and response.headers["HX-Retarget"] == "#messages"
    assert "Vui lòng thử lại sau khoảng" in text_of(response) and "<html" not in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_wrong_current_password_is_throttled(app, signed_in, client):
    user = make_user()
    signed_in(user)
    for _ in range(5):
        r = client.post_form("/doi-mat-khau", {"current": "sai", "new": "abcdefghij", "confirm": "abcdefghij"})
        assert r.status_code == 422
    r = client.post_form("/doi-mat-khau", {"current": PASSWORD, "new": "abcdefghij", "confirm": "abcdefghij"})
    _assert_429_page(r)


@pytest.mark.parametrize("environ, expected", [
    ({}, "memory://"),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "redis://127.0.0.1:6379/0"),
    ({"REDIS_URL": "redis://r:6379/0", "RATELIMIT_STORAGE_URI": "memcached://m:11211"}, "memcached://m:11211"),
])
def test_storage_follows_the_environment(environ, expected):
    assert ratelimit_storage_uri(environ) == expected
