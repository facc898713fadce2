"""Fidelity of the Word output through the whole app: the real 2023-2024 plan signed and exported,
imported and exported again, the date line, and hostile text signed, reopened and turned into PDF.

LibreOffice runs once in this module (the hostile signed plan, by the worker, then the PDF download).
It is skipped only when soffice is missing and CI is not "true"; under CI=true a missing soffice fails.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re

import pytest
import sqlalchemy as sa
from docx import Document

from congdoan.documents import pdf as pdf_tools
from congdoan.documents import signing, stored_files
from congdoan.documents import word_import as S
from congdoan.documents.render import docx_text
from congdoan.extensions import db
from congdoan.people.models import User
from congdoan.plans.models import Plan
from congdoan.plans import editing as plan_editing
from congdoan.plans.creating import create_from_document, new_document

from .doc_factories import approve, example_docx, make_committee
from .test_docx_import import assert_in_order, key, source_paragraphs

SAMPLE = example_docx()
SOURCE_DATE_LINE = "Thành Tô, ngày 05 tháng 9 năm 2023"


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def nonempty(data: bytes) -> list[str]:
    return [t for t in docx_text(data) if t.strip()]


def schedule_rows(data: bytes) -> list[list[str]]:
    """The rows of the schedule table (the one headed "Tháng"), each cell's text normalised."""
    document = Document(io.BytesIO(data))
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text.strip() == "Tháng":
            return [[" ".join(key(line) for line in cell.text.split("\n") if line.strip())
                     for cell in row.cells] for row in table.rows]
    raise AssertionError("no schedule table")


def test_signed_example_keeps_every_paragraph_and_schedule_row(runner, sample_bytes):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    chair = db.session.execute(sa.select(User).where(User.email == "chutich@thanhto.demo")).scalar_one()
    plan = db.session.execute(sa.select(Plan).where(Plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024")
                              ).scalar_one()
    signed = signing.sign_plan(plan, actor=chair)
    db.session.commit()

    exported = nonempty(signed.docx)
    today_line = next(t for t in exported if t.startswith("Thành Tô, ngày"))
    # the demo union's symbol gives the real plan's own number back; only the date is today's
    sources = [today_line if t == SOURCE_DATE_LINE else t for t in source_paragraphs(sample_bytes)]
    assert "Số: 01/KHCĐ-THTT" in sources
    assert_in_order(sources, exported, exact=True)

    source_rows = schedule_rows(sample_bytes)
    assert len(source_rows) == 12                                  # the header and 11 periods
    assert schedule_rows(signed.docx) == source_rows


def test_import_then_export_keeps_all_the_text(sample_bytes):
    committee = make_committee()
    plan, result = S.import_plan(sample_bytes, SAMPLE.name, actor=committee.chair)
    db.session.commit()
    assert result.stats["schedule_rows"] == 12
    draft = stored_files.plan_docx(plan).data
    exported = nonempty(draft)
    assert exported[0] == "DỰ THẢO" and "Số: .../KH-CĐ" in exported   # a draft never shows a number
    sources = [t for t in source_paragraphs(sample_bytes) if not t.startswith("Số:")]
    assert SOURCE_DATE_LINE in sources
    assert_in_order(sources, exported, exact=True)
    assert schedule_rows(draft) == schedule_rows(sample_bytes)

    # and once approved and signed, nothing of the imported text is lost either
    approve(plan, committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    signed_text = nonempty(signed.docx)
    today_line = next(t for t in signed_text if t.startswith("Thành Tô, ngày"))
    assert_in_order([today_line if t == SOURCE_DATE_LINE else t for t in sources], signed_text, exact=True)


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2026"),
    (dt.date(2026, 1, 31), "Hà Nội, ngày 31 tháng 01 năm 2026"),
    (dt.date(2026, 3, 1), "Hà Nội, ngày 01 tháng 3 năm 2026"),
    (dt.date(2026, 11, 9), "Hà Nội, ngày 09 tháng 11 năm 2026"),
    (dt.date(2026, 12, 24), "Hà Nội, ngày 24 tháng 12 năm 2026"),
])
def test_signed_date_line_follows_the_leading_zero_rule(monkeypatch, day, expected):
    monkeypatch.setattr(signing, "local_today", lambda: day)
    committee = make_committee()
    doc = new_document("Kế hoạch ngày tháng", "")
    doc.update(place="Hà Nội", bases=["Căn cứ Điều lệ Công đoàn Việt Nam;"])
    plan = create_from_document(doc, actor=committee.chair, summary="Tạo (thử)")
    db.session.commit()
    approve(plan, committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    assert expected in nonempty(signed.docx)
    assert signed.issued_on == day


CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
HOSTILE = "A < B > C & D \"dq\" 'sq' “smart” ‘quotes’ {{ subject }} {% if x %} </w:t> 😀🎉 đĐ"
LONG = ("Đoàn viên công đoàn tham gia đầy đủ các hoạt động. " * 300)[:10_000].strip()


def require_soffice() -> None:
    ok, reason = pdf_tools.pdf_available()
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"LibreOffice is required under CI: {reason}")
    pytest.skip(reason)


def test_hostile_plan_signs_reopens_and_converts_to_pdf(client, signed_in, runner, monkeypatch):
    committee = make_committee()
    doc = new_document("Kế hoạch thử", "")
    doc.update(
        bases=["*Căn cứ* " + HOSTILE],
        sections=[
            {"title": "MỤC TRỐNG", "lines": []},
            {"title": "NỘI DUNG " + HOSTILE, "lines": [
                {"kind": "paragraph", "level": 0, "text": LONG},
                {"kind": "bullet", "level": 0, "text": "**" + HOSTILE + "**"},
                {"kind": "bullet", "level": 1, "text": "Dòng con 🎉 & <b>"},
                {"kind": "subsection", "level": 0, "text": "Tab\tgiữa và\r\nxuống dòng"},
            ]},
        ],
        schedule_title="LỊCH " + HOSTILE, schedule=[],
        recipients=["Như trên & <các tổ>;", "Lưu: VT."],
    )
    plan = create_from_document(doc, actor=committee.chair, summary="Tạo (thử)")
    # control characters come in as a person would type or paste them: through the editing services
    header = {name: getattr(plan, name) for name in ("type_name", "period", "place", "upper_union",
                                                      "union_name", "schedule_title")}
    plan_editing.update_header(plan, plan.rev, {**header, "subject": "Kế hoạch " + HOSTILE + CONTROL + " kết thúc"},
                               actor=committee.chair)
    plan_editing.update_opening(plan, plan.rev, {"opening": "Mở đầu\x00\x07 có ký tự điều khiển\x1f"},
                                actor=committee.chair)
    db.session.commit()
    approve(plan, committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()

    document = Document(io.BytesIO(signed.docx))                  # python-docx reopens it
    assert document.paragraphs
    text = nonempty(signed.docx)
    assert "Kế hoạch " + HOSTILE + " kết thúc" in text           # control characters gone, the rest intact
    assert "Căn cứ " + HOSTILE in text
    assert "Mở đầu có ký tự điều khiển" in text
    assert "I. MỤC TRỐNG" in text and "II. NỘI DUNG " + HOSTILE in text
    assert LONG in text and len(LONG) > 9_900
    assert "- " + HOSTILE in text and "+ Dòng con 🎉 & <b>" in text
    assert "- Như trên & <các tổ>;" in text
    assert not any(t.startswith("LỊCH ") for t in text)         # an empty schedule prints no table
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "".join(text))

    require_soffice()
    signed_in(committee.members[0])
    conversions = []
    real = pdf_tools.convert_to_pdf
    monkeypatch.setattr(pdf_tools, "convert_to_pdf", lambda data, **kw: conversions.append(1) or real(data, **kw))
    assert client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf").status_code == 409   # not yet: the worker makes it
    assert conversions == []
    result = runner.invoke(args=["worker", "--once"])             # the worker, with the real LibreOffice
    assert result.exit_code == 0, result.output
    first = client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf")
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    assert first.mimetype == "application/pdf" and first.data.startswith(b"%PDF")
    runner.invoke(args=["worker", "--once"])
    second = client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf")
    assert second.data == first.data and conversions == [1]        # converted once, then stored
    db.session.expire_all()
    stored = db.session.get(type(signed), signed.id)
    assert stored.pdf_sha256 == hashlib.sha256(first.data).hexdigest()
    # the stored PDF is recognised on the public page too
    page = client.get(f"/xac-thuc/{signed.verify_code}")
    assert stored.pdf_sha256 in page.get_data(as_text=True)
