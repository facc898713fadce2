"""Issue 17 point 7: old plans keep what they were.

(a) "Lưu trữ kế hoạch đã ban hành": its own number, date, signer and recipients as written, read-only,
listed under "Lưu trữ", a source of new drafts and of tasks, never in this year's register.
(b) "Dự thảo mới để chỉnh sửa": every field filled with this union's defaults is listed.
"""
from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from congdoan.audit.models import AuditEntry
from congdoan.documents import signing, stored_files
from congdoan.documents import word_import as S
from congdoan.errors import DomainError, PermissionDenied, ValidationFailed
from congdoan.extensions import db
from congdoan.plans import creating as plan_creating
from congdoan.plans import editing as plan_editing
from congdoan.plans import queries as plan_queries
from congdoan.plans.models import Plan, PlanStatus
from congdoan.tasks import operations as task_services

from .conftest import make_user, text_of
from .doc_factories import approved_plan, example_docx, make_committee

EXAMPLE = example_docx().read_bytes()


def edited(source: bytes, change) -> bytes:
    """The example with its document.xml changed by `change(xml) -> xml`."""
    original = zipfile.ZipFile(io.BytesIO(source))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in original.namelist():
            data = original.read(name)
            if name == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(name, data)
    return out.getvalue()


def numbered_12(xml: str) -> str:
    assert "01/KHCĐ-THTT" in xml
    return xml.replace("01/KHCĐ-THTT", "12/KH-CĐ")


def without_footer(xml: str) -> str:
    """The example without its last table (Nơi nhận and the signature block)."""
    start = xml.rindex("<w:tbl>")
    end = xml.index("</w:tbl>", start) + len("</w:tbl>")
    return xml[:start] + xml[end:]


def upload(client, data: bytes, mode: str, name: str = "ke-hoach.docx"):
    file = FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(), "mode": mode, "file": file})
    return client.post("/ke-hoach/nhap-word", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def only_plan() -> Plan:
    return db.session.execute(sa.select(Plan)).scalar_one()


def test_an_issued_plan_is_archived_as_it_was(client, signed_in):
    committee = make_committee()
    signed_in(committee.members[0])
    response = upload(client, edited(EXAMPLE, numbered_12), "archive", "ke-hoach-12.docx")
    assert response.status_code == 303, text_of(response)
    plan = only_plan()
    assert plan.state == PlanStatus.ARCHIVED
    assert plan.number == "12/KH-CĐ" and plan.doc_date.isoformat() == "2023-09-05" and plan.year == 2023
    assert (plan.sign_on_behalf, plan.signer_title, plan.signer_name) == ("TM. BCH CÔNG ĐOÀN", "CHỦ TỊCH", "")
    assert plan.recipient_lines == ["Như trên;", "Lưu: VT."]
    report = text_of(client.get(response.headers["Location"]))
    assert "Giữ nguyên như trong tệp" in report and "giữ nguyên “12/KH-CĐ”" in report
    assert "giữ nguyên “TM. BCH CÔNG ĐOÀN / CHỦ TỊCH”" in report and "lưu trữ thành kế hoạch đã ban hành" in report
    page = text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert "Lưu trữ" in page and "số 12/KH-CĐ" in page and "chỉ xem, không sửa" in page
    assert "Trình Ban Chấp hành duyệt" not in page and "Ký ban hành" not in page and "Sửa đổi kế hoạch" not in page
    # the printed page and the Word file carry its own number, no draft mark
    preview = text_of(client.get(f"/ke-hoach/{plan.id}/xem-truoc"))
    assert "12/KH-CĐ" in preview and "DỰ THẢO" not in preview
    word = stored_files.plan_docx(plan)
    assert "12" in word.filename and "du-thao" not in word.filename


def test_an_archived_plan_without_a_signature_block_stays_without_one():
    actor = make_user(roles=["committee"])
    make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    plan, _ = S.import_plan(edited(EXAMPLE, without_footer), "cu.docx", actor=actor, mode="archive")
    assert (plan.sign_on_behalf, plan.signer_title, plan.signer_name) == ("", "", "")
    assert plan.recipient_lines == []
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "plan_imported")).scalar_one()
    assert "tệp không có khối chữ ký; bản lưu trữ để trống người ký" in entry.data


def test_an_archived_plan_is_read_only(client, signed_in):
    committee = make_committee()
    plan, _ = S.import_plan(EXAMPLE, "cu.docx", actor=committee.chair, mode="archive")
    db.session.commit()
    assert not plan.can_edit(committee.chair) and not plan.can_delete(committee.chair)
    with pytest.raises(DomainError, match="Lưu trữ"):
        plan_editing.ensure_editable(plan, committee.chair)
    signed_in(committee.chair)
    response = client.post_form(f"/ke-hoach/{plan.id}/header", {"subject": "Khác", "rev": plan.rev})
    assert response.status_code == 409
    assert client.post_form(f"/ke-hoach/{plan.id}/trinh-duyet").status_code == 409
    assert client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 409
    assert client.post_form(f"/ke-hoach/{plan.id}/sua-doi").status_code in (403, 409)
    assert client.post_form(f"/ke-hoach/{plan.id}/xoa").status_code in (403, 409)
    plan = db.session.get(Plan, plan.id)
    assert plan.state == PlanStatus.ARCHIVED and plan.subject != "Khác" and plan.number == "01/KHCĐ-THTT"


def test_archiving_number_12_never_touches_this_years_register():
    committee = make_committee()
    archived, _ = S.import_plan(edited(EXAMPLE, numbered_12), "cu.docx", actor=committee.chair, mode="archive")
    db.session.commit()
    assert archived.number == "12/KH-CĐ"
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    assert signed.seq == 1 and signed.number.startswith("01/")
    assert db.session.get(Plan, archived.id).number == "12/KH-CĐ"


def test_members_find_archived_plans_under_the_archive_filter(client, signed_in):
    committee = make_committee()
    archived, _ = S.import_plan(EXAMPLE, "cu.docx", actor=committee.chair, mode="archive")
    draft, _ = S.import_plan(EXAMPLE, "moi.docx", actor=committee.chair)
    db.session.commit()
    member = make_user(roles=[])
    signed_in(member)
    listed = text_of(client.get("/ke-hoach/?trang_thai=archived"))
    assert "Lưu trữ" in listed and f"/ke-hoach/{archived.id}" in client.get("/ke-hoach/?trang_thai=archived").text
    assert f"/ke-hoach/{draft.id}\"" not in client.get("/ke-hoach/?trang_thai=archived").text
    plans, total = plan_queries.list_plans(member, q="01/KHCĐ")
    assert [p.id for p in plans] == [archived.id]
    assert client.get(f"/ke-hoach/{archived.id}").status_code == 200


def test_a_new_draft_and_tasks_come_from_an_archived_plan():
    committee = make_committee()
    archived, _ = S.import_plan(EXAMPLE, "cu.docx", actor=committee.chair, mode="archive")
    db.session.commit()
    copy = plan_creating.copy_plan(archived, actor=committee.vice, shift=3)
    db.session.commit()
    assert copy.state == PlanStatus.DRAFT and copy.number is None and copy.source_plan_id == archived.id
    assert copy.subject == "Hoạt động Công đoàn năm học 2026 - 2027"
    task_services.check_can_assign(archived, committee.chair)      # no refusal: tasks may come from it
    assert task_services.review_lines(archived)


def test_an_unknown_way_in_is_refused():
    with pytest.raises(ValidationFailed):
        S.import_plan(EXAMPLE, "x.docx", actor=make_user(roles=["committee"]), mode="issued")
    assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar() == 0


def test_a_draft_import_lists_every_field_filled_from_the_settings(client, signed_in):
    make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    author = make_user(roles=["committee"])
    signed_in(author)
    response = upload(client, edited(EXAMPLE, without_footer), "draft")
    assert response.status_code == 303
    plan = only_plan()
    assert plan.state == PlanStatus.DRAFT and plan.number is None
    assert plan.signer_name == "Nguyễn Thị Hoa" and plan.recipient_lines    # filled, but now said
    report = text_of(client.get(response.headers["Location"]))
    assert "Điền theo mặc định của công đoàn" in report
    assert "tệp không có khối chữ ký" in report and "Nguyễn Thị Hoa" in report
    assert "tệp không có phần “Nơi nhận:”; đã điền" in report
    assert "số “01/KHCĐ-THTT” trong tệp không giữ lại" in report
    assert "khi ký ban hành, ngày văn bản là ngày ký" in report
    assert f"/ke-hoach/{plan.id}#plan-closing" in client.get(response.headers["Location"]).text


def test_a_draft_from_a_complete_file_lists_only_number_and_date():
    make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    plan, _ = S.import_plan(EXAMPLE, "x.docx", actor=make_user(roles=["committee"]))
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "plan_imported")).scalar_one()
    import json
    fields = [f["field"] for f in json.loads(entry.data)["fields"]]
    # the example has its header and signature block; its signer's name is missing and so filled
    assert fields == ["Số văn bản", "Ngày văn bản", "Người ký"]
    assert plan.sign_on_behalf == "TM. BCH CÔNG ĐOÀN" and plan.signer_name == "Nguyễn Thị Hoa"


def test_the_command_line_archives_with_a_flag(runner, tmp_path):
    committee = make_committee()
    old = tmp_path / "ke-hoach-12.docx"
    old.write_bytes(edited(EXAMPLE, numbered_12))
    result = runner.invoke(args=["plans", "import", str(old), "--archive"])
    assert result.exit_code == 0, result.output
    plan = db.session.get(Plan, int(result.stdout.strip().splitlines()[-1]))
    assert plan.state == PlanStatus.ARCHIVED and plan.number == "12/KH-CĐ" and plan.author_id == committee.chair.id


def test_a_refused_file_keeps_the_chosen_way_in_on_the_form(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    response = upload(client, b"%PDF-1.7 not word", "archive", "cu.pdf")
    assert response.status_code == 422 and "Đây là tệp PDF" in text_of(response)
    html = response.get_data(as_text=True)
    assert 'value="archive" aria-describedby="mode-hint-archive" checked' in html
    assert 'value="draft" aria-describedby="mode-hint-draft" checked' not in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar() == 0
