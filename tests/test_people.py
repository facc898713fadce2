import re

import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.extensions import db
from congdoan.people.models import Group, User

from .conftest import make_group, make_user, text_of


def _admin(client, signed_in):
    admin = make_user("Quản Trị Viên", roles=["admin"])
    signed_in(admin)
    return admin


def test_add_person_gives_one_time_password_and_forces_change(client, signed_in):
    _admin(client, signed_in)
    group = make_group("Tổ Khối 1")
    r = client.post_form("/quan-tri/nguoi-dung/them", {
        "full_name": "  Trần   Thị Bình ", "email": "Binh.Tran@ThanhTo.demo", "phone": "0912 345 678",
        "group_id": str(group.id), "roles": ["admin"]})   # offices are the chair's (test_offices.py)
    assert r.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', r.get_data(as_text=True)).group(1)
    user = db.session.execute(sa.select(User).where(User.email == "binh.tran@thanhto.demo")).scalar_one()
    assert user.full_name == "Trần Thị Bình" and user.phone == "0912345678"
    assert user.must_change_password and user.group_id == group.id
    assert {r.value for r in user.stored_roles} == {"admin"}
    assert user.check_password(password)
    assert db.session.query(AuditEntry).filter_by(action="person_created", object_id=user.id).count() == 1


def test_add_person_validation(client, signed_in):
    admin = _admin(client, signed_in)
    cases = [
        ({"full_name": "", "email": "x@thanhto.demo"}, "Vui lòng nhập họ và tên."),
        ({"full_name": "A" * 121, "email": "x@thanhto.demo"}, "Họ và tên quá dài"),
        ({"full_name": "Ai Đó", "email": "khong-phai-email"}, "Email không hợp lệ."),
        ({"full_name": "Ai Đó", "email": admin.email.upper()}, "Email này đã được dùng"),
        ({"full_name": "Ai Đó", "email": "y@thanhto.demo", "phone": "abc"}, "Số điện thoại chỉ gồm chữ số"),
        ({"full_name": "Ai Đó", "email": "y@thanhto.demo", "group_id": "9999"}, "Tổ công đoàn không tồn tại."),
        ({"full_name": "Ai Đó", "email": "y@thanhto.demo", "roles": ["superuser"]}, "Vai trò không hợp lệ."),
    ]
    for data, message in cases:
        r = client.post_form("/quan-tri/nguoi-dung/them", data)
        assert r.status_code == 422, data
        assert message in text_of(r), (data, text_of(r)[:400])
    assert db.session.query(User).count() == 1


def test_unicode_names_round_trip(client, signed_in):
    _admin(client, signed_in)
    name = "Nguyễn Thị Ánh Tuyết 🌸 <b>&\"'"
    r = client.post_form("/quan-tri/nguoi-dung/them", {"full_name": name + "\x00\x07", "email": "t@thanhto.demo"})
    assert r.status_code == 200
    user = db.session.execute(sa.select(User).where(User.email == "t@thanhto.demo")).scalar_one()
    assert user.full_name == name
    page = client.get("/quan-tri/nguoi-dung?q=anh tuyet")
    html = page.get_data(as_text=True)
    assert "&lt;b&gt;&amp;" in html and "<b>&" not in html
    assert "Nguyễn Thị Ánh Tuyết" in html


def test_search_ignores_accents_and_case(client, signed_in):
    _admin(client, signed_in)
    make_user("Lê Thị Thu Hà")
    make_user("Phạm Văn Long")
    r = client.get("/quan-tri/nguoi-dung?q=LE THI THU HA", headers={"HX-Request": "true", "HX-Trigger": "people-filter"})
    body = text_of(r)
    assert "Lê Thị Thu Hà" in body and "Phạm Văn Long" not in body
    assert "<html" not in r.get_data(as_text=True)      # only the table fragment
    assert "HX-Request" in r.headers["Vary"]


def test_inline_edit_returns_the_row(client, signed_in):
    _admin(client, signed_in)
    user = make_user("Vũ Thị Mai")
    form = client.get(f"/quan-tri/nguoi-dung/{user.id}/sua", headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<form" in form.get_data(as_text=True)
    assert "<html" not in form.get_data(as_text=True)
    r = client.post_form(f"/quan-tri/nguoi-dung/{user.id}", {"full_name": "Vũ Thị Mai Anh", "email": user.email,
                                                             "phone": "", "roles": ["admin"]}, htmx=True)
    assert r.status_code == 200
    assert f'id="person-{user.id}"' in r.get_data(as_text=True) and "Vũ Thị Mai Anh" in text_of(r)
    assert db.session.get(User, user.id).full_name == "Vũ Thị Mai Anh"
    bad = client.post_form(f"/quan-tri/nguoi-dung/{user.id}", {"full_name": "", "email": user.email}, htmx=True)
    assert bad.status_code == 200 and "Vui lòng nhập họ và tên." in text_of(bad)
    assert db.session.get(User, user.id).full_name == "Vũ Thị Mai Anh"


def test_deactivate_and_protect_the_last_admin(client, signed_in):
    admin = _admin(client, signed_in)
    member = make_user()
    r = client.post_form(f"/quan-tri/nguoi-dung/{member.id}/trang-thai", htmx=True)
    assert r.status_code == 200 and "Đã ngừng" in text_of(r)
    assert not db.session.get(User, member.id).active
    own = client.post_form(f"/quan-tri/nguoi-dung/{admin.id}/trang-thai", htmx=True)
    assert own.status_code == 409 and "chính mình" in text_of(own)
    demote = client.post_form(f"/quan-tri/nguoi-dung/{admin.id}", {"full_name": admin.full_name, "email": admin.email,
                                                                   "roles": []}, htmx=True)
    assert demote.status_code == 409 and "quản trị viên cuối cùng" in text_of(demote)
    assert "admin" in {r.value for r in db.session.get(User, admin.id).stored_roles}


def test_reset_password(client, signed_in):
    _admin(client, signed_in)
    member = make_user()
    r = client.post_form(f"/quan-tri/nguoi-dung/{member.id}/mat-khau")
    password = re.search(r'<code class="secret">([^<]+)</code>', r.get_data(as_text=True)).group(1)
    refreshed = db.session.get(User, member.id)
    assert refreshed.check_password(password) and refreshed.must_change_password


def test_groups_create_rename_leader(client, signed_in):
    _admin(client, signed_in)
    r = client.post_form("/quan-tri/to-cong-doan", {"name": "Tổ Khối 1"})
    assert r.status_code == 303
    dup = client.post_form("/quan-tri/to-cong-doan", {"name": "to khoi 1"})
    assert dup.status_code == 422 and "Đã có một tổ với tên này." in text_of(dup)
    empty = client.post_form("/quan-tri/to-cong-doan", {"name": "   "})
    assert "Vui lòng nhập tên tổ." in text_of(empty)
    group = db.session.execute(sa.select(Group)).scalar_one()
    other = make_group("Tổ Văn phòng")
    leader = make_user("Bùi Thị Hương", group=other)
    r = client.post_form(f"/quan-tri/to-cong-doan/{group.id}", {"name": "Tổ Khối Một", "leader_id": str(leader.id)},
                         htmx=True)
    assert r.status_code == 200 and "Bùi Thị Hương" in text_of(r)
    group = db.session.get(Group, group.id)
    assert group.name == "Tổ Khối Một" and group.leader_id == leader.id
    assert db.session.get(User, leader.id).group_id == group.id      # the leader joins the group
    assert "Tổ trưởng công đoàn" in db.session.get(User, leader.id).role_labels()


def test_people_list_is_paginated(client, signed_in):
    _admin(client, signed_in)
    for i in range(55):
        make_user(f"Đoàn Viên {i:02d}")
    first = client.get("/quan-tri/nguoi-dung")
    assert "Trang 1 / 2" in text_of(first)
    second = client.get("/quan-tri/nguoi-dung?trang=2")
    assert text_of(second).count("Đoàn Viên") >= 5


def test_settings_edit_and_validation(client, signed_in):
    from congdoan.organisation.models import Organisation
    chair = make_user("Chủ Tịch", roles=["chair", "committee"])
    signed_in(chair)
    data = {"name": "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ", "upper_union": "LĐLĐ QUẬN HẢI AN", "place_name": "Thành Tô",
            "plan_abbrev": "KH", "body_abbrev": "CĐ", "sign_on_behalf": "TM. BAN CHẤP HÀNH", "chair_title": "CHỦ TỊCH",
            "vice_chair_title": "PHÓ CHỦ TỊCH", "motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "motto_line2": "Độc lập - Tự do - Hạnh phúc", "default_recipients": "CB, GV, NV;\r\nLưu: VT.",
            "approval_rule": "two_thirds_all", "vote_deadline_days": "5"}
    assert client.post_form("/cai-dat/", data).status_code == 303
    org = db.session.get(Organisation, 1)
    assert (org.approval_rule, org.vote_deadline_days, org.plan_symbol) == ("two_thirds_all", 5, "KH-CĐ")
    assert org.recipient_lines == ["CB, GV, NV;", "Lưu: VT."]
    bad = client.post_form("/cai-dat/", {**data, "vote_deadline_days": "0", "approval_rule": "dictator",
                                         "place_name": ""})
    assert bad.status_code == 422
    page = text_of(bad)
    assert "từ 1 đến 90 ngày" in page and "Vui lòng nhập địa danh ghi trên văn bản" in page
    assert "Not a valid choice" not in page
    assert db.session.get(Organisation, 1).vote_deadline_days == 5
    member = make_user()
    client.post_form("/dang-xuat")
    signed_in(member)
    assert client.get("/cai-dat/").status_code == 403


def test_settings_page_speaks_as_an_officer(client, signed_in):
    """The settings page is read by the chair, not by whoever runs the server."""
    signed_in(make_user("Chủ Tịch", roles=["chair", "committee"]))
    page = text_of(client.get("/cai-dat/"))
    for word in ("flask", "lệnh", "cron", "remind", "SMTP", "LibreOffice", "BASE_URL"):
        assert word.lower() not in page.lower(), word
    assert "nhắc Chủ tịch" in page
