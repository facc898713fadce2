"""Public and expensive pages are throttled by client or by person (congdoan/ratelimit.py LIMITS),
with the Vietnamese 429 answer; a limit counts each request once."""
from __future__ import annotations

import io

from congdoan.documents import signing
from congdoan.extensions import db
from congdoan.ratelimit import LIMITS, wait_in_words

from .conftest import make_user, text_of
from .doc_factories import approved_plan, make_committee


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _statuses(send, n: int) -> list[int]:
    return [send().status_code for _ in range(n)]


def test_the_public_verification_lookup_is_throttled_per_client(app):
    visitor = _client(app, "10.1.0.1")
    assert set(_statuses(lambda: visitor.get("/xac-thuc"), 60)) == {200}
    blocked = visitor.get("/xac-thuc")
    assert blocked.status_code == 429 and "Vui lòng thử lại sau khoảng" in text_of(blocked)
    assert _client(app, "10.1.0.2").get("/xac-thuc").status_code == 200


def test_guessed_verification_codes_are_throttled_per_client(app):
    """A code that is not found counts as a guess: 10 a minute from one address, then 429 for that
    address; a real code read again and again counts only towards the page's larger limit."""
    committee = make_committee()
    signed = signing.sign_plan(approved_plan(committee), actor=committee.chair)
    db.session.commit()
    guesser = _client(app, "10.1.0.4")
    assert set(_statuses(lambda: guesser.get("/xac-thuc/KHONGCO1234"), 10)) == {404}
    blocked = guesser.get("/xac-thuc/KHONGCO5678")
    assert blocked.status_code == 429 and "Vui lòng thử lại sau khoảng" in text_of(blocked)
    reader = _client(app, "10.1.0.5")
    assert set(_statuses(lambda: reader.get(f"/xac-thuc/{signed.verify_code}"), 30)) == {200}
    assert reader.get("/xac-thuc/KHONGCO1234").status_code == 404


def test_the_verification_upload_is_throttled_per_client(app):
    committee = make_committee()
    signed = signing.sign_plan(approved_plan(committee), actor=committee.chair)
    db.session.commit()
    url = f"/xac-thuc/{signed.verify_code}"
    visitor = _client(app, "10.1.0.3")

    def upload():
        return visitor.post_form(url, {"file": (io.BytesIO(b"not the signed file"), "ban-sao.docx")},
                                 content_type="multipart/form-data")

    assert set(_statuses(upload, 10)) == {200}
    blocked = upload()
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert visitor.get(url).status_code == 200           # reading the page is a separate, larger limit


def test_excel_exports_are_throttled_per_person_not_per_address(app):
    first, second = make_user(), make_user()
    office = [_client(app, "10.1.0.4"), _client(app, "10.1.0.4")]    # two colleagues, one router
    for client, user in zip(office, (first, second)):
        assert client.post_form("/dang-nhap", {"email": user.email, "password": "mat-khau-thu-1"}).status_code == 303
    assert set(_statuses(lambda: office[0].get("/viec/xuat-excel"), 20)) == {200}
    assert office[0].get("/viec/xuat-excel").status_code == 429
    assert office[1].get("/viec/xuat-excel").status_code == 200


def test_every_limit_names_a_real_page(app):
    assert set(LIMITS) <= set(app.view_functions)


def test_waits_are_said_in_words():
    assert wait_in_words(42) == "khoảng 42 giây"
    assert wait_in_words(61) == "khoảng 2 phút"
    assert wait_in_words(15 * 60) == "khoảng 15 phút"
    assert wait_in_words(3 * 3600) == "khoảng 3 giờ"


def test_the_429_answer_reads_nothing_from_the_database(app):
    from .test_query_counts import count_queries
    visitor = _client(app, "10.1.0.9")
    _statuses(lambda: visitor.get("/xac-thuc"), 60)
    with count_queries() as counter:
        blocked = visitor.get("/xac-thuc")
    assert blocked.status_code == 429 and counter["n"] == 0
