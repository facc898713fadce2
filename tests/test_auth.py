from congdoan.extensions import db
from congdoan.people.models import User

from .conftest import PASSWORD, login, make_group, make_user, text_of


def test_sign_in_and_home_page(client):
    user = make_user("Nguyễn Thị Hoa", roles=["chair"])
    response = login(client, user)
    assert response.status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert "Xin chào, Nguyễn Thị Hoa" in text_of(page)
    assert "Chủ tịch" in text_of(page)


def test_home_page_shows_the_persons_group(client):
    group = make_group("Tổ Khối 4")
    leader = make_user("Trần Văn Bình", group=group)
    group.leader_id = leader.id
    member = make_user("Lê Thị An", group=group)
    make_user("Phạm Văn Nghỉ", group=group).active = False
    make_user("Ngô Thị Khác", group=make_group("Tổ Văn phòng"))
    db.session.commit()
    login(client, member)
    page = text_of(client.get("/"))
    assert "Tổ Khối 4 · tổ trưởng: Trần Văn Bình" in page
    assert "2 đoàn viên" in page
    assert "Lê Thị An Trần Văn Bình Tổ trưởng" in " ".join(page.split())     # by name, the leader marked
    assert "Phạm Văn Nghỉ" not in page and "Ngô Thị Khác" not in page
    client.post_form("/dang-xuat")
    login(client, leader)
    page = text_of(client.get("/"))
    assert "tổ trưởng:" not in page                                          # not "your leader is you"
    client.post_form("/dang-xuat")
    login(client, make_user("Vũ Văn Mới"))
    assert "Chưa thuộc tổ nào" in text_of(client.get("/"))


def test_email_is_case_insensitive(client):
    user = make_user(email="hoa@thanhto.demo")
    assert login(client, "  HOA@ThanhTo.demo ").status_code == 303
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_gives_a_clear_message(client):
    make_user(email="a@thanhto.demo")
    response = login(client, "a@thanhto.demo", "sai-mat-khau")
    assert response.status_code == 422
    assert "Email hoặc mật khẩu không đúng" in text_of(response)


def test_unknown_email_gives_the_same_message(client):
    response = login(client, "khongco@thanhto.demo", "bat-ky")
    assert "Email hoặc mật khẩu không đúng." in text_of(response)
    assert "Còn" not in text_of(response)


def test_lock_out_after_five_failures_lasts_fifteen_minutes_for_that_client(client, limiter_clock):
    user = make_user()
    for _ in range(5):
        response = login(client, user, "sai")
        assert response.status_code == 422 and "Còn" not in text_of(response)
    # Even the right password is refused from this client while locked, with when to try again.
    response = login(client, user, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Vui lòng thử lại sau khoảng" in text_of(response)
    # Nothing is written to the account for a failure (an unknown e-mail writes nothing either).
    assert db.session.get(User, user.id).locked_until is None
    # Sixteen minutes later the right password works again.
    limiter_clock.advance(16 * 60)
    assert login(client, user, PASSWORD).status_code == 303


def test_inactive_account_cannot_sign_in(client):
    user = make_user(active=False)
    response = login(client, user)
    assert response.status_code == 422
    assert "ngừng hoạt động" in text_of(response)


def test_forced_password_change_at_first_sign_in(client):
    user = make_user(must_change=True)
    login(client, user)
    response = client.get("/")
    assert response.status_code == 302 and "/doi-mat-khau" in response.headers["Location"]
    response = client.post_form("/doi-mat-khau", {"current": PASSWORD, "new": "mat khau moi cua toi",
                                                  "confirm": "mat khau moi cua toi"})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert not db.session.get(User, user.id).must_change_password
    client.post_form("/dang-xuat")
    assert login(client, user, "mat khau moi cua toi").status_code == 303


def test_change_password_errors(client, signed_in):
    user = make_user()
    signed_in(user)
    r = client.post_form("/doi-mat-khau", {"current": "sai", "new": "abcdefghij", "confirm": "abcdefghij"})
    assert "Mật khẩu hiện tại không đúng" in text_of(r)
    r = client.post_form("/doi-mat-khau", {"current": PASSWORD, "new": "ngan", "confirm": "ngan"})
    assert "từ 8 đến 200 ký tự" in text_of(r)
    r = client.post_form("/doi-mat-khau", {"current": PASSWORD, "new": "abcdefghij", "confirm": "abcdefghik"})
    assert "không khớp" in text_of(r)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_sign_out_needs_post_with_csrf(client, signed_in):
    signed_in(make_user())
    assert client.get("/dang-xuat").status_code == 405
    forged = client.post("/dang-xuat", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert "CSRF" in text_of(forged)
    assert client.get("/").status_code == 200          # still signed in
    assert client.post_form("/dang-xuat").status_code == 303
    assert client.get("/").status_code == 302


def test_login_form_without_csrf_is_refused(client):
    user = make_user()
    response = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Vui lòng tải lại trang" in text_of(response)


def test_htmx_post_with_header_token_passes_csrf(client, signed_in):
    admin = make_user(roles=["admin"])
    signed_in(admin)
    token = client.csrf_token()
    group_page = client.post("/quan-tri/to-cong-doan", data={"name": "Tổ Văn phòng"},
                             headers={"HX-Request": "true", "X-CSRFToken": token})
    assert group_page.status_code == 204 and group_page.headers["HX-Redirect"]
    missing = client.post("/quan-tri/to-cong-doan", data={"name": "Tổ Khác"}, headers={"HX-Request": "true"})
    assert missing.status_code == 400


def test_open_redirect_is_refused(client):
    user = make_user()
    response = client.post_form("/dang-nhap?next=https://evil.example/", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post_form("/dang-xuat")
    response = client.post_form("/dang-nhap?next=/quan-tri/nguoi-dung", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/quan-tri/nguoi-dung"


def test_security_headers_and_cookie_flags(client):
    user = make_user()
    response = login(client, user)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("congdoan_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"


def test_error_pages_are_vietnamese(client, signed_in):
    signed_in(make_user())
    r = client.get("/khong-co-trang-nay")
    assert r.status_code == 404 and "Không tìm thấy" in text_of(r)
