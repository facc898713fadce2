"""A large member list is imported by the background worker: the form answers at once with a page that
shows how far it has gone, the worker saves all or nothing, and the temporary passwords are shown once."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from congdoan.audit.models import AuditEntry
from congdoan.extensions import db
from congdoan.jobs import worker
from congdoan.people import import_jobs, member_import
from congdoan.people.import_jobs import MemberImport
from congdoan.people.models import Group, User

from .conftest import make_group, make_user, text_of


@pytest.fixture
def admin(client, signed_in):
    user = make_user("Quản Trị", roles=["admin"], email="admin@nhamay.vn")
    signed_in(user)
    return user


@pytest.fixture
def small_threshold(monkeypatch):
    """Files over 2 KB go to the worker here, so that a few hundred rows stand for fifty thousand."""
    monkeypatch.setattr(import_jobs, "SYNC_MAX_BYTES", 2048)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Họ và tên", "Email", "Điện thoại", "Tổ", "Vai trò"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _members(n: int, group: str = "Tổ May 1") -> list[list[str]]:
    return [[f"Công Nhân Số {i}", f"cn{i}@nhamay.vn", f"09{i:08d}", group, ""] for i in range(n)]


def _upload(client, content: bytes, filename="ds.xlsx", create_groups=False):
    data = {"file": (io.BytesIO(content), filename)}
    if create_groups:
        data["create_groups"] = "y"
    return client.post_form("/quan-tri/nguoi-dung/nhap", data, content_type="multipart/form-data")


def _import() -> MemberImport:
    db.session.expire_all()
    return db.session.execute(sa.select(MemberImport)).scalar_one()


def _users() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one()


def test_a_large_file_is_queued_and_its_page_shows_the_progress_then_the_report(app, client, admin,
                                                                               small_threshold):
    make_group("Tổ May 1")
    r = _upload(client, _xlsx(_members(300) + [["", "thieu-ten@nhamay.vn", "", "", ""]]))
    assert r.status_code == 303
    page_url = r.headers["Location"]
    item = _import()
    assert page_url.endswith(f"/quan-tri/nguoi-dung/nhap/{item.id}") and item.stage == import_jobs.QUEUED
    assert _users() == 1                                     # nothing created before the worker runs

    waiting = client.get(page_url)
    assert waiting.status_code == 200 and "Đang chờ xử lý" in text_of(waiting)
    assert 'hx-trigger="every 2s"' in waiting.get_data(as_text=True)

    worker.run(app, once=True)
    item = _import()
    assert item.stage == import_jobs.DONE and item.content is None and item.rows_total == 301
    assert _users() == 301

    done = client.get(page_url, headers={"HX-Request": "true"})
    body = done.get_data(as_text=True)
    assert "hx-trigger" not in body                          # the polling stops
    assert "300 người đã được tạo" in text_of(done) and "1 dòng bị từ chối" in text_of(done)
    assert "Vui lòng nhập họ và tên." in body
    passwords = set(__import__("re").findall(r'<code class="secret">([a-z0-9-]+)</code>', body))
    assert len(passwords) == 300
    someone = db.session.execute(sa.select(User).where(User.email == "cn7@nhamay.vn")).scalar_one()
    assert someone.must_change_password and someone.group.name == "Tổ May 1"
    assert any(someone.check_password(p) for p in passwords)

    # Shown once: the row keeps no password, and the page says so.
    assert all(row[4] is None for row in _import().report["created"])
    again = client.get(page_url)
    assert "secret" not in again.get_data(as_text=True) and "đã được hiện một lần" in text_of(again)
    assert "cn7@nhamay.vn" in text_of(again)


def test_every_account_has_its_audit_entry_and_the_chain_still_verifies(app, client, admin, small_threshold):
    _upload(client, _xlsx(_members(120)), create_groups=True)
    worker.run(app, once=True)
    entries = db.session.execute(sa.select(AuditEntry.action)).scalars().all()
    assert entries.count("person_created") == 120 and "members_imported" in entries
    assert "group_created" in entries or db.session.execute(sa.select(Group)).scalar_one().name == "Tổ May 1"
    from congdoan.audit.service import verify_chain
    assert verify_chain().ok


def test_the_progress_is_visible_while_the_rows_are_checked(app, client, admin, small_threshold, monkeypatch):
    make_group("Tổ May 1")
    monkeypatch.setattr(member_import, "PROGRESS_EVERY", 50)
    seen = []
    real = member_import._check

    def watching(rows, **kwargs):
        progress = kwargs["progress"]

        def spy(step, done):
            progress(step, done)
            with db.engine.connect() as other:                # what the page's request would read
                seen.append(other.execute(sa.select(MemberImport.stage, MemberImport.rows_done)).one())
        return real(rows, **{**kwargs, "progress": spy})

    monkeypatch.setattr(member_import, "_check", watching)
    _upload(client, _xlsx(_members(200)))
    worker.run(app, once=True)
    assert [tuple(s) for s in seen] == [("checking", 50), ("checking", 100), ("checking", 150), ("checking", 200)]
    assert _import().percent == 100


def test_a_failure_while_saving_saves_nothing_and_says_so(app, client, admin, small_threshold, monkeypatch):
    make_group("Tổ May 1")
    monkeypatch.setattr(member_import, "record_many", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    _upload(client, _xlsx(_members(150)))
    worker.run(app, once=True)
    item = _import()
    assert item.stage == import_jobs.FAILED and "không tài khoản nào được tạo" in item.error
    assert _users() == 1 and item.content is None
    page = client.get(f"/quan-tri/nguoi-dung/nhap/{item.id}")
    assert "không tài khoản nào được tạo" in text_of(page) and "every 2s" not in page.get_data(as_text=True)


def test_a_large_file_without_the_needed_columns_fails_on_its_page(app, client, admin, small_threshold):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["STT", "Tên đơn vị"])
    for i in range(400):
        sheet.append([i, f"Đơn vị {i}"])
    out = io.BytesIO()
    book.save(out)
    _upload(client, out.getvalue())
    worker.run(app, once=True)
    item = _import()
    assert item.stage == import_jobs.FAILED and item.error.startswith("Tệp thiếu cột: Họ và tên, Email")
    assert "Tệp thiếu cột" in text_of(client.get(f"/quan-tri/nguoi-dung/nhap/{item.id}"))


def test_a_large_file_that_is_no_spreadsheet_is_refused_at_the_form(client, admin, small_threshold):
    r = _upload(client, b"PK\x03\x04" + b"\x00" * 5000)
    assert r.status_code == 422 and db.session.execute(sa.select(MemberImport)).first() is None
    assert "Excel" in text_of(r)


def test_only_the_admin_who_uploaded_opens_the_import(app, client, admin, small_threshold):
    make_group("Tổ May 1")
    _upload(client, _xlsx(_members(100)))
    item = _import()
    assert client.get(f"/quan-tri/nguoi-dung/nhap/{item.id}").status_code == 200
    item.created_by_id = make_user("Quản Trị Hai", roles=["admin"], email="admin2@nhamay.vn").id
    db.session.commit()
    assert client.get(f"/quan-tri/nguoi-dung/nhap/{item.id}").status_code == 404


def test_a_small_file_is_still_imported_at_once(client, admin):
    make_group("Tổ May 1")
    r = _upload(client, _xlsx(_members(20)))
    assert r.status_code == 200 and "20 người đã được tạo" in text_of(r)
    assert db.session.execute(sa.select(MemberImport)).first() is None
