"""Members' records (issue 19 point 5): gender, birth date and the day of joining on the admin's person
form and in the member import; leaving the union (Ra khỏi công đoàn) and undoing it."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from congdoan.audit.models import AuditEntry
from congdoan.dates import fmt_date, local_today
from congdoan.extensions import db
from congdoan.jobs import worker
from congdoan.people import import_jobs
from congdoan.people.models import Group, User

from .conftest import make_group, make_user, text_of
from .samples import excel_csv_vietnamese


@pytest.fixture
def admin(client, signed_in):
    user = make_user("Quản Trị", roles=["admin"], email="admin@thanhto.demo")
    signed_in(user)
    return user


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one()


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = local_today()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


# --- the person form ------------------------------------------------------------------------------

@pytest.mark.parametrize("birth, joined, expected_birth, expected_joined", [
    ("05/09/1985", "1/9/2010", dt.date(1985, 9, 5), dt.date(2010, 9, 1)),      # dd/mm/yyyy, d/m/yyyy
    ("1985-09-05", "01-09-2010", dt.date(1985, 9, 5), dt.date(2010, 9, 1)),    # what <input type=date> sends
    ("", "", None, None),                                                       # not given
])
def test_the_person_form_records_gender_birth_date_and_joining(client, admin, birth, joined, expected_birth,
                                                              expected_joined):
    r = client.post_form("/quan-tri/nguoi-dung/them", {"full_name": "Trần Thị Bình", "email": "binh@thanhto.demo",
                                                       "gender": "female", "birth_date": birth, "joined_on": joined})
    assert r.status_code == 200, text_of(r)[:400]
    user = _user("binh@thanhto.demo")
    assert (user.gender, user.birth_date, user.joined_on) == ("female", expected_birth, expected_joined)
    page = text_of(client.get(f"/quan-tri/nguoi-dung/{user.id}/ho-so"))
    assert "Giới tính Nữ" in page
    assert (f"Ngày sinh {fmt_date(expected_birth)}" if birth else "Ngày sinh Không ghi") in page
    if joined:
        assert f"Ngày vào công đoàn {fmt_date(expected_joined)}" in page
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "person_created")).scalar_one()
    assert json.loads(entry.data)["gender"] == "female"


def test_editing_shows_the_dates_as_typed_and_audits_the_change(client, admin):
    user = make_user("Lê Văn Cường", email="cuong@thanhto.demo")
    form = client.get(f"/quan-tri/nguoi-dung/{user.id}/sua").get_data(as_text=True)
    assert 'name="birth_date"' in form and "Giới tính" in form and "Không ghi" in form
    r = client.post_form(f"/quan-tri/nguoi-dung/{user.id}", {"full_name": "Lê Văn Cường", "email": "cuong@thanhto.demo",
                                                            "gender": "male", "birth_date": "12/3/1990",
                                                            "joined_on": "2015-09-01"})
    assert r.status_code == 303
    user = _user("cuong@thanhto.demo")
    assert user.gender == "male" and user.birth_date == dt.date(1990, 3, 12) and user.joined_on == dt.date(2015, 9, 1)
    form = client.get(f"/quan-tri/nguoi-dung/{user.id}/sua").get_data(as_text=True)
    assert 'value="12/03/1990"' in form and 'value="01/09/2015"' in form
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "person_updated")).scalar_one()
    data = json.loads(entry.data)
    assert data["birth_date"] == [None, "1990-03-12"] and data["gender"] == [None, "male"]
    # Cleared again: not given.
    client.post_form(f"/quan-tri/nguoi-dung/{user.id}", {"full_name": "Lê Văn Cường", "email": "cuong@thanhto.demo",
                                                        "gender": "", "birth_date": "", "joined_on": ""})
    user = _user("cuong@thanhto.demo")
    assert (user.gender, user.birth_date, user.joined_on) == (None, None, None)


def test_bad_record_values_get_a_vietnamese_message_each(client, admin):
    tomorrow = fmt_date(local_today() + dt.timedelta(days=1))
    fourteen = fmt_date(_years_ago(14))
    cases = [
        ({"birth_date": tomorrow}, "Ngày sinh không được sau hôm nay."),
        ({"birth_date": fourteen}, "chưa đủ 15 tuổi"),
        ({"birth_date": "01/01/1890"}, "Ngày sinh không được trước 01/01/1900."),
        ({"birth_date": "31/02/1990"}, "Ngày sinh không hợp lệ: “31/02/1990” không phải là ngày"),
        ({"birth_date": "1985"}, "chỉ có năm"),
        ({"birth_date": "5/9/85"}, "Ngày sinh không hợp lệ"),
        ({"joined_on": tomorrow}, "Ngày vào công đoàn không được sau hôm nay."),
        ({"joined_on": "01/01/1920"}, "trước ngày thành lập Công đoàn Việt Nam (28/07/1929)"),
        ({"birth_date": "05/09/1985", "joined_on": "01/01/1980"}, "Ngày vào công đoàn không được trước ngày sinh."),
        ({"birth_date": "05/09/1985", "joined_on": "01/01/1995"}, "phải từ khi đủ 15 tuổi"),
        ({"gender": "other"}, "Giới tính “other” không nhận ra"),
    ]
    for values, message in cases:
        r = client.post_form("/quan-tri/nguoi-dung/them", {"full_name": "Ai Đó", "email": "ai@thanhto.demo", **values})
        assert r.status_code == 422, values
        assert message in text_of(r), (values, text_of(r)[:600])
    assert db.session.query(User).count() == 1


# --- leaving the union ------------------------------------------------------------------------------

def _leave(client, user: User, **values):
    data = {"left_on": fmt_date(local_today()), "left_reason": "Chuyển công tác", "left_other": ""}
    data.update(values)
    return client.post_form(f"/quan-tri/nguoi-dung/{user.id}/ra-khoi-cong-doan", data)


def test_leaving_records_the_day_and_reason_deactivates_and_ends_sessions(app, client, admin):
    from congdoan.member_requests import services as requests
    from congdoan.member_requests.kinds import KINDS
    group = make_group("Tổ Khối 1")
    user = make_user("Phạm Văn Long", email="long@thanhto.demo", group=group, leads=group)
    user.joined_on = dt.date(2010, 9, 1)
    with app.test_request_context():
        request = requests.submit(user, KINDS["suggestion"], {"subject": "Lịch họp", "content": "Chuyển sang thứ Năm."})
    db.session.commit()
    version = user.session_version
    page = text_of(client.get(f"/quan-tri/nguoi-dung/{user.id}/ho-so"))
    assert "Ra khỏi công đoàn" in page and "Chuyển công tác" in page and "Nghỉ hưu" in page
    r = _leave(client, user, left_on="15/01/2026" if local_today() >= dt.date(2026, 1, 15) else fmt_date(local_today()),
               left_reason="Nghỉ hưu")
    assert r.status_code == 303
    user = _user("long@thanhto.demo")
    assert user.left_on is not None and user.left_reason == "Nghỉ hưu"
    assert not user.active and user.session_version == version + 1
    assert db.session.get(Group, group.id).leader_id is None          # the group waits for a new leader
    assert user.group_id == group.id                                   # the records count them in their group
    from congdoan.member_requests.models import MemberRequest
    assert db.session.get(MemberRequest, request.id).requester_id == user.id      # history kept
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "person_left")).scalar_one()
    assert entry.object_id == user.id and json.loads(entry.data)["left_reason"] == "Nghỉ hưu"
    flashed = text_of(client.get(f"/quan-tri/nguoi-dung/{user.id}/ho-so"))
    assert f"Ra khỏi công đoàn {fmt_date(user.left_on)} — Nghỉ hưu" in flashed
    assert "Hủy ghi nhận ra khỏi công đoàn" in flashed


def test_leaving_defaults_to_today_and_takes_another_reason_as_text(client, admin):
    user = make_user("Đỗ Thị Vân", email="van@thanhto.demo")
    assert _leave(client, user, left_on="", left_reason="Khác", left_other="Đi học dài hạn").status_code == 303
    user = _user("van@thanhto.demo")
    assert user.left_on == local_today() and user.left_reason == "Đi học dài hạn"


def test_bad_leaving_values_are_refused_with_a_message(client, admin):
    user = make_user("Ngô Thị Hạnh", email="hanh@thanhto.demo")
    user.joined_on = dt.date(2015, 9, 1)
    db.session.commit()
    cases = [
        ({"left_on": fmt_date(local_today() + dt.timedelta(days=1))}, "Ngày ra khỏi công đoàn không được sau hôm nay."),
        ({"left_on": "31/08/2015"}, "không được trước ngày vào công đoàn (01/09/2015)"),
        ({"left_on": "hôm qua"}, "Ngày ra khỏi công đoàn không hợp lệ"),
        ({"left_reason": ""}, "Vui lòng chọn lý do ra khỏi công đoàn."),
        ({"left_reason": "Khác", "left_other": ""}, "Vui lòng ghi lý do ra khỏi công đoàn."),
    ]
    for values, message in cases:
        r = _leave(client, user, **values)
        assert r.status_code == 422, values
        assert message in text_of(r), (values, text_of(r)[:600])
    assert _user("hanh@thanhto.demo").left_on is None and _user("hanh@thanhto.demo").active


def test_the_chair_cannot_leave_without_a_handover_nor_an_office_holder_before_being_relieved(client, admin):
    chair = make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"])
    member = make_user("Vũ Thị Mai", email="mai@thanhto.demo", roles=["committee"])
    r = _leave(client, chair)
    assert r.status_code == 409
    assert "đang là Chủ tịch: hãy bàn giao chức Chủ tịch (trang Chức vụ) trước khi ghi nhận ra khỏi công đoàn" in text_of(r)
    r = _leave(client, member)
    assert r.status_code == 409 and "Chủ tịch cần miễn nhiệm" in text_of(r)
    assert _user("chutich@thanhto.demo").left_on is None and _user("chutich@thanhto.demo").active
    assert _user("mai@thanhto.demo").active


def test_nobody_records_their_own_leaving(client, admin):
    r = _leave(client, admin)
    assert r.status_code == 409 and "Bạn không thể tự ghi nhận mình ra khỏi công đoàn." in text_of(r)


def test_undo_clears_the_leaving_and_may_reactivate(client, admin):
    user = make_user("Trịnh Thị Oanh", email="oanh@thanhto.demo")
    _leave(client, user)
    # While the leaving stands, the list's reactivate button is refused with the way out.
    r = client.post_form(f"/quan-tri/nguoi-dung/{user.id}/trang-thai")
    assert r.status_code == 409 and "hãy hủy ghi nhận ra khỏi công đoàn" in text_of(r)
    r = client.post_form(f"/quan-tri/nguoi-dung/{user.id}/huy-ra-khoi-cong-doan", {"reactivate": "y"})
    assert r.status_code == 303
    user = _user("oanh@thanhto.demo")
    assert user.left_on is None and user.left_reason == "" and user.active
    assert db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "person_leave_undone")).scalar_one()
    _leave(client, user)
    client.post_form(f"/quan-tri/nguoi-dung/{user.id}/huy-ra-khoi-cong-doan", {})      # not reactivated
    user = _user("oanh@thanhto.demo")
    assert user.left_on is None and not user.active


def test_the_list_filters_members_and_those_who_left_and_shows_the_day(client, admin):
    stay = make_user("Lê Thị Hồng", email="hong@thanhto.demo")
    gone = make_user("Trần Văn Sơn", email="son@thanhto.demo")
    paused = make_user("Kiều Thị Trang", email="trang@thanhto.demo", active=False)
    _leave(client, gone, left_reason="Chuyển công tác")
    left = text_of(client.get("/quan-tri/nguoi-dung?trang_thai=left"))
    assert "Trần Văn Sơn" in left and "Lê Thị Hồng" not in left and "Kiều Thị Trang" not in left
    assert f"Ra khỏi công đoàn {fmt_date(local_today())}" in left
    members = text_of(client.get("/quan-tri/nguoi-dung?trang_thai=member"))
    assert "Lê Thị Hồng" in members and "Kiều Thị Trang" in members and "Trần Văn Sơn" not in members
    assert "Đang sinh hoạt công đoàn" in members and "Đã ra khỏi công đoàn" in members
    assert stay.id and paused.id


# --- the member import ------------------------------------------------------------------------------

def _upload(client, content: bytes, filename: str):
    return client.post_form("/quan-tri/nguoi-dung/nhap", {"file": (io.BytesIO(content), filename)},
                            content_type="multipart/form-data")


def _xlsx(header: list, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_reads_gender_and_dates_from_date_cells_text_and_serial_numbers(client, admin):
    content = _xlsx(["Họ và tên", "Email", "GIỚI TÍNH", "Ngày sinh", "Ngày vào CĐ"], [
        ["Nguyễn Thị Hoa", "hoa@thanhto.demo", "Nữ", dt.datetime(1980, 3, 8), dt.date(2005, 9, 1)],   # date cells
        ["Trần Văn Minh", "minh@thanhto.demo", "NAM", "12/11/1978", "1/9/2003"],                     # typed text
        ["Phạm Thị Lan", "lan@thanhto.demo", "f", 31234, 38596],                                     # serial numbers
        ["Lê Văn An", "an@thanhto.demo", "M", "", ""],                                               # not given
    ])
    r = _upload(client, content, "ds.xlsx")
    assert "4 người đã được tạo" in text_of(r), text_of(r)[:600]
    hoa, minh, lan, an = (_user(f"{x}@thanhto.demo") for x in ("hoa", "minh", "lan", "an"))
    assert (hoa.gender, hoa.birth_date, hoa.joined_on) == ("female", dt.date(1980, 3, 8), dt.date(2005, 9, 1))
    assert (minh.gender, minh.birth_date, minh.joined_on) == ("male", dt.date(1978, 11, 12), dt.date(2003, 9, 1))
    assert (lan.gender, lan.birth_date, lan.joined_on) == ("female", dt.date(1985, 7, 6), dt.date(2005, 9, 1))
    assert (an.gender, an.birth_date, an.joined_on) == ("male", None, None)


def test_bad_record_values_are_row_errors_with_their_row_number(client, admin):
    content = _xlsx(["Họ và tên", "Email", "Giới", "Năm sinh", "Ngày vào Công đoàn"], [
        ["Người Tốt", "tot@thanhto.demo", "nữ", "05/09/1985", "01/09/2010"],
        ["Người Hai", "hai@thanhto.demo", "khác", "", ""],                            # row 3
        ["Người Ba", "ba@thanhto.demo", "", 1985, ""],                                # row 4: a year alone
        ["Người Bốn", "bon@thanhto.demo", "", "05/09/1985", "01/09/1980"],            # row 5
        ["Người Năm", "nam@thanhto.demo", "", fmt_date(local_today() + dt.timedelta(days=3)), ""],   # row 6
    ])
    r = _upload(client, content, "ds.xlsx")
    page = text_of(r)
    assert "1 người đã được tạo" in page and "4 dòng bị từ chối" in page
    for number, message in ((3, "Giới tính “khác” không nhận ra"), (4, "“1985” chỉ có năm"),
                            (5, "Ngày vào công đoàn không được trước ngày sinh."),
                            (6, "Ngày sinh không được sau hôm nay.")):
        assert f"{number} Người" in page and message in page, (number, message)
    assert {u.email for u in db.session.query(User)} == {"admin@thanhto.demo", "tot@thanhto.demo"}


def test_windows_1258_csv_with_record_columns(client, admin):
    text = ("Họ và tên,Email,Giới tính,Ngày sinh,Ngày vào công đoàn\n"
            "Đặng Thị Phương,phuong@thanhto.demo,Nữ,20/10/1990,05/09/2014\n"
            "Đinh Văn Khoa,khoa@thanhto.demo,nam,1988-02-29,\n")
    r = _upload(client, excel_csv_vietnamese(text), "ds.csv")
    assert "2 người đã được tạo" in text_of(r), text_of(r)[:600]
    phuong, khoa = _user("phuong@thanhto.demo"), _user("khoa@thanhto.demo")
    assert phuong.full_name == "Đặng Thị Phương"
    assert (phuong.gender, phuong.birth_date, phuong.joined_on) == ("female", dt.date(1990, 10, 20), dt.date(2014, 9, 5))
    assert (khoa.gender, khoa.birth_date, khoa.joined_on) == ("male", dt.date(1988, 2, 29), None)


def test_a_large_import_keeps_the_record_columns(app, client, admin, monkeypatch):
    monkeypatch.setattr(import_jobs, "SYNC_MAX_BYTES", 2048)
    rows = [[f"Công Nhân Số {i}", f"cn{i}@nhamay.vn", "Nữ" if i % 3 else "Nam", dt.date(1980 + i % 20, 1 + i % 12, 1),
             f"{1 + i % 28}/9/2015"] for i in range(200)]
    rows.append(["Công Nhân Lỗi", "loi@nhamay.vn", "", "32/13/1990", ""])
    r = _upload(client, _xlsx(["Họ và tên", "Email", "Giới tính", "Ngày sinh", "Ngày vào công đoàn"], rows), "ds.xlsx")
    assert r.status_code == 303
    worker.run(app, once=True)
    db.session.expire_all()
    item = db.session.execute(sa.select(import_jobs.MemberImport)).scalar_one()
    assert item.stage == import_jobs.DONE and len(item.report["created"]) == 200
    assert item.report["rejected"][0][0] == 202 and "Ngày sinh không hợp lệ" in item.report["rejected"][0][3][0]
    someone = _user("cn13@nhamay.vn")
    assert (someone.gender, someone.birth_date, someone.joined_on) == ("female", dt.date(1993, 2, 1), dt.date(2015, 9, 14))
    women = db.session.execute(sa.select(sa.func.count()).select_from(User).where(User.gender == "female")).scalar()
    assert women == sum(1 for i in range(200) if i % 3)
