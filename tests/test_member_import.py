import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from congdoan.extensions import db
from congdoan.people import member_import
from congdoan.people.models import Group, User

from .conftest import make_group, make_user, text_of
from .samples import excel_csv_vietnamese

HEADER = "Họ và tên,Email,Điện thoại,Tổ,Vai trò\n"


def _upload(client, content: bytes, filename="ds.csv", create_groups=False):
    data = {"file": (io.BytesIO(content), filename)}
    if create_groups:
        data["create_groups"] = "y"
    return client.post_form("/quan-tri/nguoi-dung/nhap", data, content_type="multipart/form-data")


@pytest.fixture
def admin(client, signed_in):
    user = make_user("Quản Trị", roles=["admin"], email="admin@thanhto.demo")
    signed_in(user)
    return user


def test_csv_with_bad_rows_saves_the_good_ones_and_reports_the_rest(client, admin):
    make_group("Tổ Khối 1")
    csv = (HEADER +
           "Nguyễn Văn An,an@thanhto.demo,912345678,Tổ Khối 1,\n"          # leading zero restored
           "Trần Thị Bình,binh@thanhto.demo,0987654321,to khoi 1,Tổ trưởng\n"
           ",thieuten@thanhto.demo,,,\n"                                      # row 4: no name
           "Lê Văn Cường,khong-phai-email,,,\n"                               # row 5: bad e-mail
           "Phạm Thị Dung,an@thanhto.demo,,,\n"                               # row 6: e-mail repeats row 2
           "Hoàng Văn Em,admin@thanhto.demo,,,\n"                             # row 7: already used
           "Vũ Thị Phương,phuong@thanhto.demo,,Tổ Không Có,\n"                # row 8: unknown group
           "Đỗ Văn Giang,giang@thanhto.demo,,,Giám đốc\n"                     # row 9: unknown role
           "Ngô Thị Hạnh,hanh@thanhto.demo,,Tổ Khối 1,Tổ trưởng\n"            # row 10: second leader
           "\n"
           "Bùi Văn Ích,ich@thanhto.demo,,,Ủy viên BCH; Kế toán\n").encode("utf-8")   # row 12: offices are the chair's
    r = _upload(client, csv)
    assert r.status_code == 200
    page = text_of(r)
    assert "2 người đã được tạo" in page and "8 dòng bị từ chối" in page
    for message in ("Vui lòng nhập họ và tên.", "Email không hợp lệ.", "Email trùng với dòng 2",
                    "Email này đã được dùng", "“Tổ Không Có” chưa có", "Vai trò không nhận ra: “Giám đốc”",
                    "Dòng 3 đã được ghi là tổ trưởng", "Chỉ Chủ tịch mới được giao chức vụ"):
        assert message in page, message
    emails = set(db.session.execute(sa.select(User.email)).scalars())
    assert emails == {"admin@thanhto.demo", "an@thanhto.demo", "binh@thanhto.demo"}
    an = db.session.execute(sa.select(User).where(User.email == "an@thanhto.demo")).scalar_one()
    assert an.phone == "0912345678" and an.must_change_password
    group = db.session.execute(sa.select(Group)).scalar_one()
    binh = db.session.execute(sa.select(User).where(User.email == "binh@thanhto.demo")).scalar_one()
    assert group.leader_id == binh.id
    # Row numbers are those the spreadsheet shows (header = row 1, the blank line still counts).
    assert ">12<" in r.get_data(as_text=True).replace("<td>12</td>", ">12<")


def test_xlsx_import_and_group_creation(client, admin):
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Email", "SĐT", "Tổ công đoàn", "Chức vụ"])
    ws.append(["Cao Văn Nam", "nam@thanhto.demo", 912000023, "Tổ Năng khiếu", "Tổ trưởng"])
    ws.append(["Tạ Thị Linh", "linh@thanhto.demo", "0912000024", "Tổ Năng khiếu", None])
    buf = io.BytesIO()
    wb.save(buf)
    refused = _upload(client, buf.getvalue(), "ds.xlsx")
    assert "0 người đã được tạo" in text_of(refused) and "Tổ Năng khiếu" in text_of(refused)
    r = _upload(client, buf.getvalue(), "ds.xlsx", create_groups=True)
    assert "2 người đã được tạo" in text_of(r) and "Đã tạo thêm tổ: Tổ Năng khiếu" in text_of(r)
    group = db.session.execute(sa.select(Group)).scalar_one()
    assert group.leader.full_name == "Cao Văn Nam" and len(group.members) == 2


@pytest.mark.parametrize("content,filename,message", [
    (b"H\x81\x8d\x8f\x90,Email\nAn,an@thanhto.demo\n", "ds.csv", "Không đọc được chữ trong tệp CSV"),
    (b"", "ds.csv", "Tệp trống."),
    ("Tên,Điện thoại\nAn,0912\n".encode(), "ds.csv", "Tệp thiếu cột: Email"),
    (b"PK\x03\x04garbage", "ds.xlsx", "Không mở được tệp Excel"),
    (b"\x00\x01binary", "ds.xlsx", "không phải là tệp Excel"),
])
def test_bad_files_are_refused_with_a_message(client, admin, content, filename, message):
    r = _upload(client, content, filename)
    assert r.status_code == 422
    assert message in text_of(r)
    assert db.session.query(User).count() == 1


def test_oversized_file_is_refused():
    # Checked on the reader directly: the test client spools big bodies to a temp file it leaks.
    with pytest.raises(member_import.ImportFileError, match="Tệp quá lớn"):
        member_import.read_rows("ds.csv", b"x" * (member_import.MAX_BYTES + 1))


@pytest.mark.parametrize("encode", [excel_csv_vietnamese, lambda text: text.encode("cp1252", errors="replace")],
                         ids=["windows-1258", "windows-1252"])
def test_ansi_csv_from_excel_is_read(client, admin, encode):
    """A CSV saved by Excel as ANSI ended on a bare "422 Không thể thực hiện" page and the form was lost."""
    names = ("Nguyễn Thị Hoa", "Đỗ Văn Hùng", "Phạm Thị Ngọc Ánh", "Trương Ưng Ơn") if encode is excel_csv_vietnamese \
        else ("Lê Van An", "José Pérez")
    text = "Họ và tên,Email\n" if encode is excel_csv_vietnamese else "Ho va ten,Email\n"
    text += "".join(f"{name},nguoi{i}@thanhto.demo\n" for i, name in enumerate(names))
    r = _upload(client, encode(text))
    assert f"{len(names)} người đã được tạo" in text_of(r), text_of(r)[:400]
    stored = set(db.session.execute(sa.select(User.full_name)).scalars())
    assert set(names) <= stored


def test_utf16_and_semicolon_csv(client, admin):
    csv = "Họ và tên;Email\nNguyễn Văn An;an@thanhto.demo\n".encode("utf-16")
    r = _upload(client, csv)
    assert "1 người đã được tạo" in text_of(r)


def test_missing_file(client, admin):
    r = client.post_form("/quan-tri/nguoi-dung/nhap", {}, content_type="multipart/form-data")
    assert r.status_code == 422 and "Vui lòng chọn tệp" in text_of(r)


def test_nothing_is_half_saved_when_saving_fails(client, admin, monkeypatch):
    # The accounts are inserted, then writing their audit entries fails: none of them may stay.
    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(member_import, "record_many", failing)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        r = _upload(client, (HEADER + "A Một,a1@thanhto.demo,,,\nB Hai,b2@thanhto.demo,,,\n").encode())
    finally:
        client.application.config["PROPAGATE_EXCEPTIONS"] = None
    assert r.status_code == 500 and "Dữ liệu của bạn chưa bị thay đổi" in text_of(r)
    assert db.session.query(User).count() == 1


def test_import_of_hundreds_of_rows(client, admin):
    rows = "".join(f"Đoàn Viên {i},dv{i}@thanhto.demo,,,\n" for i in range(300))
    r = _upload(client, (HEADER + rows).encode())
    assert "300 người đã được tạo" in text_of(r)
