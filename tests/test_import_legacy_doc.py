"""Issue 17 point 3: Word 97-2003 (.doc) plans are converted by LibreOffice and imported as usual.

The fixtures in tests/fixtures/legacy/ were made by LibreOffice from the example plan
(congdoan/demo/ke-hoach-cong-doan-nam-hoc-2023-2024.docx, with an empty paragraph between its two
adjacent tables and after the last one, as Word always writes them):
`soffice --headless --convert-to doc` and `--convert-to rtf`. They need LibreOffice, which CI
installs (.ci/run) as it does for the PDF tests.
"""
from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from congdoan.documents import legacy_doc, pdf
from congdoan.documents import services as S
from congdoan.errors import ValidationFailed
from congdoan.extensions import db
from congdoan.plans.models import Plan, PlanStatus

from .conftest import make_user, text_of
from .doc_factories import example_docx

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
DOC = FIXTURES / "ke-hoach-2023-2024.doc"
RTF = FIXTURES / "ke-hoach-2023-2024.rtf"


def upload(client, data: bytes, name: str, mode: str = "draft"):
    file = FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(), "mode": mode, "file": file})
    return client.post("/ke-hoach/nhap-word", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def plan_count() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar()


def test_the_fixtures_are_what_they_claim_by_their_bytes():
    assert DOC.read_bytes().startswith(legacy_doc.OLE_MAGIC)
    assert legacy_doc.kind_of(DOC.read_bytes()) == "doc"
    assert legacy_doc.kind_of(RTF.read_bytes()) == "rtf"
    assert legacy_doc.kind_of(example_docx().read_bytes()) is None


def test_a_doc_plan_is_converted_and_imported_whole(client, signed_in):
    assert pdf.soffice_path(), "LibreOffice is needed for this test (apt-get install libreoffice-writer-nogui)"
    signed_in(make_user(roles=["committee"]))
    started = time.monotonic()
    response = upload(client, DOC.read_bytes(), "ke-hoach-cu.doc")
    elapsed = time.monotonic() - started
    assert response.status_code == 303, text_of(response)
    plan = db.session.execute(sa.select(Plan)).scalar_one()
    # the same plan as the .docx it was saved from
    assert plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024"
    assert (plan.upper_union, plan.union_name, plan.place) == \
        ("LĐLĐ QUẬN HẢI AN", "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ", "Thành Tô")
    assert len(plan.bases) == 6 and len(plan.sections) == 4 and len(plan.rows) == 11
    assert plan.rows[0].period == "8/2023" and plan.recipient_lines == ["Như trên;", "Lưu: VT."]
    assert plan.state == PlanStatus.DRAFT and plan.number is None
    report = text_of(client.get(response.headers["Location"]))
    assert "ke-hoach-cu.doc" in report and "đã được chuyển sang .docx" in report
    assert elapsed < 30


def test_an_rtf_plan_goes_the_same_way():
    actor = make_user(roles=["committee"])
    plan, _ = S.import_plan(RTF.read_bytes(), "ke-hoach.doc", actor=actor)
    assert plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024" and len(plan.rows) == 11


def test_a_docx_renamed_doc_is_read_directly_without_libreoffice(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("LibreOffice must not run for a .docx")
    monkeypatch.setattr(pdf, "convert", never)
    plan, _ = S.import_plan(example_docx().read_bytes(), "ke-hoach.doc", actor=make_user(roles=["committee"]))
    assert len(plan.rows) == 11


def test_without_libreoffice_the_form_says_so_and_nothing_is_written(client, signed_in, monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    signed_in(make_user(roles=["committee"]))
    page = text_of(client.get("/ke-hoach/nhap-word"))
    assert "chưa cài LibreOffice nên chưa đọc được tệp .doc" in page
    response = upload(client, DOC.read_bytes(), "ke-hoach.doc")
    assert response.status_code == 422
    assert ("Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc; hãy lưu tệp thành .docx trong Word "
            "rồi tải lên lại") in text_of(response)
    assert plan_count() == 0


def test_a_corrupt_doc_is_refused_in_vietnamese_and_nothing_is_written(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    whole = DOC.read_bytes()
    # cut short: the OLE2 directory (at the end) is gone
    response = upload(client, whole[:20_000], "hong.doc")
    assert response.status_code == 422 and "tệp bị hỏng hoặc không phải văn bản Word" in text_of(response)
    # the directory names a Word stream but the sectors hold noise: LibreOffice reads nothing of a plan
    noisy = whole[:512] + bytes((i * 7919) % 251 for i in range(len(whole) - 4096)) + whole[-3584:]
    response = upload(client, noisy, "hong.doc")
    assert response.status_code == 422
    assert "Tệp .doc" in text_of(response) and "hỏng" in text_of(response)
    assert plan_count() == 0


def test_other_old_office_files_are_named(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    xls = legacy_doc.OLE_MAGIC + b"\x00" * 600 + "Workbook".encode("utf-16-le") + b"\x00" * 600
    response = upload(client, xls, "ke-hoach.doc")
    assert response.status_code == 422 and "Đây là tệp Excel 97-2003" in text_of(response)
    assert plan_count() == 0


@pytest.fixture
def slow_soffice(tmp_path, monkeypatch):
    """A stand-in soffice that never finishes: it records its pid and sleeps."""
    pid_file = tmp_path / "pid"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CONGDOAN_SOFFICE", str(script))
    return pid_file


def test_a_conversion_that_takes_too_long_is_stopped(slow_soffice, monkeypatch):
    monkeypatch.setattr(legacy_doc, "CONVERT_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        S.import_plan(DOC.read_bytes(), "cham.doc", actor=make_user(roles=["committee"]))
    assert time.monotonic() - started < 10
    assert "mất quá 1 giây nên đã dừng" in refused.value.message
    pid = int(slow_soffice.read_text())
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):    # the whole process group was ended
        os.kill(pid, 0)
    assert plan_count() == 0


def test_the_import_profile_runs_no_macro_and_fetches_no_linked_content(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_doc.tempfile, "gettempdir", lambda: str(tmp_path))
    settings = legacy_doc.profile_dir() / "user" / "registrymodifications.xcu"
    text = settings.read_text(encoding="utf-8")
    for setting in ('"MacroSecurityLevel" oor:op="fuse"><value>3<',
                    '"DisableMacrosExecution" oor:op="fuse"><value>true<',
                    '"BlockUntrustedRefererLinks" oor:op="fuse"><value>true<'):
        assert setting in text
    settings.write_text("<oor:items/>", encoding="utf-8")     # LibreOffice lost them: written again
    assert "BlockUntrustedRefererLinks" in (legacy_doc.profile_dir() / "user" / "registrymodifications.xcu").read_text()
