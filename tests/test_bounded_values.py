"""Every value a person may enter fits everything it flows into: the Word document's core properties
(255 characters each), the register number column (50), download file names; and every form's
length limits match the columns their values are saved to."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote

from docx import Document

from congdoan.documents.render import docx_text
from congdoan.documents.models import SignedDocument
from congdoan.extensions import db
from congdoan.organisation.models import Organisation
from congdoan.plans.models import Plan, PlanStatus

from .conftest import text_of
from .doc_factories import approved_plan, make_committee

LONG_SUBJECT = ("Tổ chức các hoạt động chào mừng kỷ niệm ngày Nhà giáo Việt Nam 20 tháng 11, "
                "phong trào thi đua “Dạy tốt, học tốt” và chăm lo đời sống đoàn viên ") * 4
LONG_SUBJECT = LONG_SUBJECT[:500].strip()


def _settings_data(org, **changes) -> dict:
    data = {name: getattr(org, name) or "" for name in (
        "name", "upper_union", "place_name", "plan_abbrev", "body_abbrev", "sign_on_behalf", "chair_title",
        "vice_chair_title", "motto_line1", "motto_line2")}
    data.update(upper_union="LĐLĐ QUẬN HẢI AN", place_name="Hải Phòng", default_recipients="Lưu: VT.",
                approval_rule="half_all", vote_deadline_days="7")
    data.update(changes)
    return data


def test_a_500_character_subject_downloads_and_signs(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee, LONG_SUBJECT)
    assert len(plan.subject) == 500
    signed_in(committee.chair)
    response = client.get(f"/ke-hoach/{plan.id}/tai-ve.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    props = document.core_properties
    assert 0 < len(props.title) <= 255 and 0 < len(props.subject) <= 255
    assert props.subject.endswith("…")
    # the document's own text keeps the whole subject
    assert " ".join(docx_text(response.data)).count(LONG_SUBJECT[:200]) >= 1
    assert LONG_SUBJECT[-40:] in " ".join(" ".join(docx_text(response.data)).split())
    disposition = response.headers["Content-Disposition"]
    assert len(disposition) <= 400
    signed = client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh")
    assert signed.status_code in (200, 303), text_of(signed)[:300]
    assert db.session.get(Plan, plan.id).state == PlanStatus.ISSUED


def test_the_settings_refuse_a_symbol_that_does_not_fit_the_register_number(client, signed_in):
    committee = make_committee()
    signed_in(committee.chair)
    org = Organisation.get()
    response = client.post_form("/cai-dat/", _settings_data(org, plan_abbrev="K" * 20, body_abbrev="C" * 30))
    assert response.status_code == 422
    assert "Ký hiệu" in text_of(response) and "45" in text_of(response)
    assert Organisation.get().body_abbrev != "C" * 30
    # the longest symbol accepted fits the column with a four-digit number
    ok = client.post_form("/cai-dat/", _settings_data(org, plan_abbrev="K" * 20, body_abbrev="C" * 24))
    assert ok.status_code == 303, re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]*)', ok.get_data(as_text=True))


def test_a_stored_symbol_too_long_refuses_signing_in_vietnamese_and_uses_no_number(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee)
    org = Organisation.get_for_update()
    org.plan_abbrev, org.body_abbrev = "K" * 20, "C" * 30     # saved before the settings checked it
    db.session.commit()
    signed_in(committee.chair)
    response = client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh")
    assert response.status_code == 409
    assert "Ký hiệu văn bản" in text_of(response)
    assert db.session.get(Plan, plan.id).state == PlanStatus.APPROVED
    assert db.session.query(SignedDocument).count() == 0


def test_download_names_are_bounded_safe_and_keep_vietnamese(client, signed_in):
    from congdoan.text import file_name
    name = file_name("Giấy ra viện " * 30 + "“bản chính”: con/cháu?.pdf")
    assert len(name) <= 100 and name.endswith(".pdf") and name.startswith("Giấy ra viện")
    assert not set('\\/:*?"<>|;') & set(name)
    assert file_name("..\u202e\x00") == "tep"
    from congdoan.documents.models import PlanTemplate
    from congdoan.documents.templates import upload_template
    from congdoan.documents.render import DEFAULT_TEMPLATE
    committee = make_committee()
    long_name = "Mẫu kế hoạch của công đoàn trường " * 8 + "\u202e.docx"
    upload_template(long_name, DEFAULT_TEMPLATE.read_bytes(), actor=committee.chair)
    db.session.commit()
    template = db.session.query(PlanTemplate).one()
    assert len(template.filename) <= 200 and template.filename.endswith(".docx")
    signed_in(committee.chair)
    response = client.get(f"/cai-dat/mau-van-ban/{template.id}/tai-ve")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "%E2%80%AE" not in disposition
    sent = unquote(disposition.split("filename*=UTF-8''")[1])
    assert sent.startswith("Mẫu kế hoạch") and sent.endswith(".docx") and len(sent) <= 100


def test_a_word_file_with_overlong_lines_imports_cut_to_the_columns_with_a_note(client, signed_in, monkeypatch):
    """Whatever a Word file holds, the plan's columns take it: each line is cut to its column and
    the import report says so (the importer itself is tested on real files in test_docx_import)."""
    from congdoan.documents.word_import import store as doc_services   # where the upload meets the importer
    from congdoan.documents.word_import import ImportResult
    from congdoan.plans.creating import new_document
    committee = make_committee()
    doc = new_document("Hoạt động Công đoàn " + "và phong trào thi đua của đoàn viên " * 20, "")
    doc.update(type_name="KẾ HOẠCH " * 20, place="Thành Tô " * 20, union_name="CĐCS " * 60,
               period="Năm học 2023 - 2024 " * 10, schedule_title="LỊCH " * 120,
               signature={"on_behalf": "TM. " * 40, "title": "CHỦ TỊCH " * 20, "name": "Nguyễn " * 30},
               sections=[{"title": "MỤC " * 150, "lines": []}],
               schedule=[{"period": "Tháng 9 " * 20, "activities": []}])
    monkeypatch.setattr(doc_services, "import_plan_docx", lambda data: ImportResult(doc, [], {}))
    signed_in(committee.chair)
    response = client.post_form("/ke-hoach/nhap-word", {"file": (io.BytesIO(b"PK fake"), "ke-hoach.docx")},
                                content_type="multipart/form-data")
    assert response.status_code == 303
    plan = db.session.query(Plan).one()
    for column in Plan.__table__.columns:
        value = getattr(plan, column.key, None)
        if isinstance(value, str) and getattr(column.type, "length", None):
            assert len(value) <= column.type.length, column.key
    assert plan.subject.startswith("Hoạt động Công đoàn và phong trào") and plan.subject.endswith("…")
    assert len(plan.sections[0].title) <= 500 and len(plan.rows[0].period) <= 100
    report = text_of(client.get(f"/ke-hoach/{plan.id}/bao-cao-nhap"))
    assert "Trích yếu dài quá 500 ký tự" in report and "Địa danh dài quá 100 ký tự" in report
