"""Issue #5: the official Word plan. Downloads, signing and numbering, the immutable signed file,
verification, PDF, signature/seal images, the union's own template, delegation, Word import (page
and command line)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from docx import Document
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from congdoan.audit.models import AuditEntry
from congdoan.documents import context, render, signatures, signing, stored_files, templates, verification
from congdoan.documents.models import DocumentCounter, PlanTemplate, SignedDocument, UserSignature
from congdoan.dates import fmt_date
from congdoan.documents.images import ImageRefused, check_image
from congdoan.documents.render import docx_text
from congdoan.errors import DomainError, PermissionDenied, ValidationFailed
from congdoan.extensions import db
from congdoan.organisation.models import Organisation
from congdoan.people.models import User
from congdoan.plans.models import Plan, PlanStatus

from .conftest import make_user, text_of
from .doc_factories import approve, approved_plan, example_docx, jpeg, make_committee, png
from .plan_factories import make_plan

SAMPLE = example_docx()


def lines(data: bytes) -> list[str]:
    return [t for t in docx_text(data) if t.strip()]


def media(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [n for n in archive.namelist() if n.startswith("word/media/")]


def sign_via_page(client, plan_id: int):
    return client.post_form(f"/ke-hoach/{plan_id}/ky-ban-hanh")


def stored(plan_id: int) -> SignedDocument:
    db.session.expire_all()
    return db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan_id)).scalar_one()


# ------------------------------------------------------------------------------------- downloads

@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED,
                                    PlanStatus.APPROVED])
def test_every_unissued_plan_downloads_marked_draft(client, signed_in, status):
    chair = make_user(roles=["chair", "committee"])
    plan = make_plan(chair, status=status)
    response = signed_in(chair).get(f"/ke-hoach/{plan.id}/tai-ve.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "du-thao-ke-hoach-ke-hoach-thu" in response.headers["Content-Disposition"]
    text = lines(response.data)
    assert text[0] == "DỰ THẢO" and "Số: .../KH-CĐ" in text


def test_download_follows_can_view(client, signed_in):
    author = make_user(roles=["committee"])
    draft = make_plan(author)
    issued = make_plan(author, "Kế hoạch đã ban hành 2024", status=PlanStatus.ISSUED)
    member = make_user()
    signed_in(member)
    assert client.get(f"/ke-hoach/{draft.id}/tai-ve.docx").status_code == 403
    response = client.get(f"/ke-hoach/{issued.id}/tai-ve.docx")
    assert response.status_code == 200 and "DỰ THẢO" not in lines(response.data)
    assert client.get("/ke-hoach/999999/tai-ve.docx").status_code == 404


def test_plan_page_offers_the_draft_file_and_no_signing_to_members(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee)
    page = text_of(signed_in(committee.members[0]).get(f"/ke-hoach/{plan.id}"))
    assert "Tải bản dự thảo (.docx)" in page and "Ký ban hành" not in page


# --------------------------------------------------------------------------------------- signing

def test_chair_signs_an_approved_plan(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee)
    signed_in(committee.chair)
    assert "Ký ban hành" in text_of(client.get(f"/ke-hoach/{plan.id}"))
    page = text_of(client.get(f"/ke-hoach/{plan.id}/ky-ban-hanh"))
    assert "dự kiến 01/KH-CĐ" in page and "Đã có ảnh chữ ký của bạn" in page

    response = sign_via_page(client, plan.id)
    assert response.status_code == 303
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    today = signing.local_today()
    assert plan.state == PlanStatus.ISSUED and plan.number == "01/KH-CĐ" and plan.doc_date == today
    assert plan.signer_name == "Nguyễn Thị Hoa" and plan.signer_title == "CHỦ TỊCH"
    signed = stored(plan.id)
    assert (signed.number, signed.year, signed.seq, signed.kind) == ("01/KH-CĐ", today.year, 1, "KH")
    assert signed.sha256 == hashlib.sha256(signed.docx).hexdigest() and signed.size == len(signed.docx)
    assert len(signed.verify_code) == 10 and set(signed.verify_code) <= set(verification.CODE_ALPHABET)

    text = lines(signed.docx)
    assert "DỰ THẢO" not in text
    assert "Số: 01/KH-CĐ" in text
    day = f"{today.day:02d}"
    month = f"{today.month:02d}" if today.month <= 2 else str(today.month)
    assert f", ngày {day} tháng {month} năm {today.year}" in " ".join(text)
    url = f"http://127.0.0.1:5000/xac-thuc/{signed.verify_code}"
    assert text[-4:] == [f"Mã xác thực: {signed.verify_code} — kiểm tra tại {url}",
                         "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nguyễn Thị Hoa"]
    assert len(media(signed.docx)) == 2                      # the signature and the QR code

    page = text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert "Đã ban hành" in page and "Số 01/KH-CĐ" in page and signed.verify_code in page
    assert "Ký ban hành, số 01/KH-CĐ" in page                 # on the timeline
    assert "Ký ban hành" not in page.replace("Ký ban hành, số", "")
    audit = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "plan_signed")).scalar_one()
    assert json.loads(audit.data)["sha256"] == signed.sha256


def test_downloads_return_the_stored_bytes_whatever_changes_later(client, signed_in, monkeypatch):
    committee = make_committee()
    plan = approved_plan(committee)
    signed_in(committee.chair)
    sign_via_page(client, plan.id)
    signed = stored(plan.id)

    renders = []
    monkeypatch.setattr(stored_files, "render_plan", lambda *a, **k: renders.append(1) or b"")
    first = client.get(f"/ke-hoach/{plan.id}/tai-ve.docx")
    # settings, the template, the seal and the signer's image all change afterwards
    org = Organisation.get_for_update()
    org.name, org.motto_line2, org.plan_abbrev = "CÔNG ĐOÀN KHÁC", "Tiêu ngữ khác", "KHX"
    db.session.commit()
    signatures.save_seal(png(color=(200, 0, 0)), actor=committee.chair)
    signatures.save_signature(committee.chair, png(color=(0, 120, 0)))
    template = Document(str(render.DEFAULT_TEMPLATE))
    template.paragraphs[0].insert_paragraph_before("Mẫu mới")
    buffer = io.BytesIO()
    template.save(buffer)
    templates.upload_template("moi.docx", buffer.getvalue(), actor=committee.chair)
    db.session.commit()
    second = client.get(f"/ke-hoach/{plan.id}/tai-ve.docx")
    assert renders == []                                     # rendered once, at signing
    assert first.data == second.data == signed.docx
    assert hashlib.sha256(second.data).hexdigest() == signed.sha256
    assert "01-kh-cd-ke-hoach" in second.headers["Content-Disposition"]


def test_numbers_follow_each_other_and_restart_each_year(monkeypatch):
    committee = make_committee()
    plans = [approved_plan(committee, f"Kế hoạch số {i} năm 2025") for i in range(3)]
    numbers = []
    for plan in plans[:2]:
        numbers.append(signing.sign_plan(plan, actor=committee.chair).number)
        db.session.commit()
    next_year = dt.date(signing.local_today().year + 1, 1, 2)
    monkeypatch.setattr(signing, "local_today", lambda: next_year)
    assert signing.peek_next_number() == "01/KH-CĐ"
    numbers.append(signing.sign_plan(plans[2], actor=committee.chair).number)
    db.session.commit()
    assert numbers == ["01/KH-CĐ", "02/KH-CĐ", "01/KH-CĐ"]
    assert db.session.get(Plan, plans[2].id).doc_date == next_year
    assert "ngày 02 tháng 01 năm" in " ".join(lines(stored(plans[2].id).docx))


def test_a_refused_signature_uses_up_no_number(client, signed_in):
    committee = make_committee()
    issued = approved_plan(committee)
    signing.sign_plan(issued, actor=committee.chair)
    db.session.commit()
    signed_in(committee.chair)
    again = sign_via_page(client, issued.id)
    assert again.status_code == 409 and "đã được ký ban hành" in text_of(again)
    draft = make_plan(committee.chair, "Còn là dự thảo")
    refused = sign_via_page(client, draft.id)
    assert refused.status_code == 409 and "đã được Ban Chấp hành duyệt" in text_of(refused)
    assert db.session.execute(sa.select(DocumentCounter.seq)).scalar_one() == 1
    assert signing.peek_next_number() == "02/KH-CĐ"


def test_only_the_chair_or_the_delegated_vice_chair_signs(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee)
    signatures.save_signature(committee.vice, png())
    db.session.commit()
    # a committee member has no signing permission at all
    signed_in(committee.members[0])
    assert client.get(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 403
    assert sign_via_page(client, plan.id).status_code == 403
    client.post_form("/dang-xuat")
    # a vice chair without the delegation is refused by the object rule
    signed_in(committee.vice)
    assert "Ký ban hành" not in text_of(client.get(f"/ke-hoach/{plan.id}"))
    refused = sign_via_page(client, plan.id)
    assert refused.status_code == 403 and "ủy quyền" in text_of(refused)
    assert db.session.get(Plan, plan.id).state == PlanStatus.APPROVED
    # the chair delegates on the settings page
    client.post_form("/dang-xuat")
    signed_in(committee.chair)
    form = client.get("/cai-dat/")
    assert "Ủy quyền ký ban hành kế hoạch" in text_of(form)
    org = Organisation.get()
    data = {name: getattr(org, name) for name in ("name", "upper_union", "place_name", "plan_abbrev",
                                                  "body_abbrev", "sign_on_behalf", "chair_title",
                                                  "vice_chair_title", "motto_line1", "motto_line2")}
    data.update(name="CĐCS THỬ", upper_union="LĐLĐ THỬ", place_name="Hà Nội", default_recipients="Lưu: VT.",
                approval_rule="half_all", vote_deadline_days="7", sign_delegate_id=str(committee.vice.id))
    assert client.post_form("/cai-dat/", data).status_code == 303
    assert Organisation.get().sign_delegate_id == committee.vice.id
    client.post_form("/dang-xuat")
    signed_in(committee.vice)
    assert sign_via_page(client, plan.id).status_code == 303
    signed = stored(plan.id)
    assert (signed.sign_on_behalf, signed.signer_title, signed.signer_name) == \
        ("TM. BAN CHẤP HÀNH", "PHÓ CHỦ TỊCH", "Trần Văn Minh")
    assert lines(signed.docx)[-3:] == ["TM. BAN CHẤP HÀNH", "PHÓ CHỦ TỊCH", "Trần Văn Minh"]


def test_delegation_is_the_chairs_alone(client, signed_in):
    committee = make_committee()
    admin = make_user(roles=["admin"])
    signed_in(admin)
    assert "Ủy quyền ký" not in text_of(client.get("/cai-dat/"))
    with pytest.raises(PermissionDenied):
        signing.set_sign_delegate(committee.vice.id, actor=admin)
    with pytest.raises(ValidationFailed):
        signing.set_sign_delegate(committee.members[0].id, actor=committee.chair)   # not a vice chair


def test_signing_needs_a_signature_image(client, signed_in):
    committee = make_committee(signature=False)
    plan = approved_plan(committee)
    signed_in(committee.chair)
    page = text_of(client.get(f"/ke-hoach/{plan.id}/ky-ban-hanh"))
    assert "Bạn chưa có ảnh chữ ký" in page
    refused = sign_via_page(client, plan.id)
    assert refused.status_code == 409 and "ảnh chữ ký" in text_of(refused)
    assert db.session.get(Plan, plan.id).state == PlanStatus.APPROVED


def test_seal_is_stamped_over_the_signature():
    committee = make_committee()
    signatures.save_seal(jpeg(), actor=committee.chair)
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    assert len(media(signed.docx)) == 2              # one stamp image (signature + seal) and the QR


def test_issuing_notifies_the_committee():
    from congdoan.notifications.models import Notification
    committee = make_committee()
    plan = approved_plan(committee)
    signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    notes = db.session.execute(sa.select(Notification).where(Notification.kind == "plan_issued")).scalars().all()
    assert {n.user_id for n in notes} == {u.id for u in committee.everyone} - {committee.chair.id}


# ---------------------------------------------------------------------------------- verification

def test_public_verification_page_shows_facts_not_content(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    page = client.get(f"/xac-thuc/{signed.verify_code}")             # anonymous visitor
    assert page.status_code == 200
    text = text_of(page)
    for fact in ("01/KH-CĐ", fmt_date(signed.issued_on),
                 "Kế hoạch thử năm học 2024 - 2025", "Nguyễn Thị Hoa", signed.sha256):
        assert fact in text
    for content in ("Dòng một.", "Họp BCH", "MỤC ĐÍCH, YÊU CẦU"):
        assert content not in text
    # codes are read from paper: case, spaces and dashes do not matter
    lookup = client.get("/xac-thuc?ma=" + signed.verify_code[:5].lower() + "-" + signed.verify_code[5:])
    assert lookup.status_code == 303 and lookup.headers["Location"].endswith(signed.verify_code)
    assert client.get("/xac-thuc/KHONGCO2345").status_code == 404


def test_uploading_a_file_tells_whether_it_is_the_signed_one(client):
    committee = make_committee()
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    url = f"/xac-thuc/{signed.verify_code}"

    def check(data: bytes, name="van-ban.docx"):
        return upload(client, url, "file", data, name)

    assert "ĐÚNG bản gốc" in text_of(check(signed.docx))
    changed = bytearray(signed.docx)
    changed[-30] ^= 1
    assert "KHÔNG khớp với bản gốc" in text_of(check(bytes(changed)))
    draft = stored_files.plan_docx(make_plan(committee.chair)).data
    assert "KHÔNG khớp với bản gốc" in text_of(check(draft))
    too_big = check(b"x" * (verification.MAX_VERIFY_BYTES + 1))
    assert too_big.status_code == 422 and "quá lớn" in text_of(too_big)
    assert check(b"", "").status_code == 422


def test_pdf_unavailable_is_explained_instead_of_a_button(client, signed_in, monkeypatch):
    reason = "Máy chủ chưa cài LibreOffice (soffice) nên chưa xuất được PDF; vẫn tải được bản Word (.docx)."
    monkeypatch.setattr(stored_files.pdf_tools, "pdf_available", lambda: (False, reason))
    committee = make_committee()
    plan = approved_plan(committee)
    signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    signed_in(committee.members[0])
    page = client.get(f"/ke-hoach/{plan.id}")
    assert "tai-ve.pdf" not in page.get_data(as_text=True)
    assert "Chưa có bản PDF: " + reason in text_of(page)
    refused = client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf")
    assert refused.status_code == 409 and "LibreOffice" in text_of(refused)
    assert stored(plan.id).pdf_sha256 is None


def test_pdf_of_an_unsigned_plan_does_not_exist(client, signed_in):
    committee = make_committee()
    plan = approved_plan(committee)
    assert signed_in(committee.chair).get(f"/ke-hoach/{plan.id}/tai-ve.pdf").status_code == 404


# -------------------------------------------------------------------------- signature and seal

def upload(client, url, field, data, name="anh.png"):
    """POST one file as a browser would. The body is encoded here, in memory: werkzeug's test client
    would spool a large one to a temporary file that it never closes (a ResourceWarning)."""
    file = FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(), field: file})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_person_uploads_their_own_signature(client, signed_in):
    person = make_user(roles=["chair"])
    signed_in(person)
    assert "Bạn chưa có ảnh chữ ký" in text_of(client.get("/ca-nhan/chu-ky"))
    assert client.get("/ca-nhan/chu-ky/anh.png").status_code == 404
    assert upload(client, "/ca-nhan/chu-ky", "image", png()).status_code == 303
    image = client.get("/ca-nhan/chu-ky/anh.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    # a JPEG with EXIF is kept as a PNG without it
    from PIL import Image
    exif = Image.Exif()
    exif[0x010F] = "Điện thoại của tôi"
    assert upload(client, "/ca-nhan/chu-ky", "image", jpeg(exif=exif.tobytes()), "chu-ky.jpg").status_code == 303
    kept = db.session.get(UserSignature, person.id)
    assert kept.image.startswith(b"\x89PNG") and b"tho\xe1\xba\xa1i" not in kept.image
    assert client.post_form("/ca-nhan/chu-ky/xoa").status_code == 303
    assert db.session.get(UserSignature, person.id) is None


@pytest.mark.parametrize("data, name, message", [
    (b"GIF89a" + b"\x00" * 100, "anh.gif", "không phải ảnh PNG hoặc JPEG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "anh.png", "không phải ảnh PNG hoặc JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "anh.png", "không phải ảnh PNG hoặc JPEG"),
    (png()[:300], "cut.png", "bị hỏng"),
    (png(size=(20, 20)), "nho.png", "quá nhỏ"),
    (b"\x89PNG" + b"0" * (2 * 1024 * 1024), "lon.png", "quá lớn"),
    (b"", "", "Chưa chọn tệp"),
])
def test_signature_images_are_checked_by_content(client, signed_in, data, name, message):
    person = make_user()
    signed_in(person)
    response = upload(client, "/ca-nhan/chu-ky", "image", data, name)
    assert response.status_code == 422 and message in text_of(response)
    assert db.session.get(UserSignature, person.id) is None


def test_gif_is_refused_by_its_content_even_named_png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (100, 100), "white").save(out, "GIF")
    with pytest.raises(ImageRefused, match="PNG hoặc JPEG"):
        check_image(out.getvalue(), "chữ ký")


def test_the_chair_sets_the_seal_and_an_admin_cannot(client, signed_in):
    chair = make_user(roles=["chair", "committee"])
    admin = make_user(roles=["admin"])
    signed_in(admin)
    assert "Con dấu" not in text_of(client.get("/cai-dat/"))
    assert upload(client, "/cai-dat/con-dau", "seal", png()).status_code == 403
    client.post_form("/dang-xuat")
    signed_in(chair)
    refused = upload(client, "/cai-dat/con-dau", "seal", b"not an image")
    assert refused.status_code == 422 and "con dấu" in text_of(refused)
    assert upload(client, "/cai-dat/con-dau", "seal", jpeg()).status_code == 303
    assert Organisation.get().seal_sha256 and client.get("/cai-dat/con-dau.png").status_code == 200
    assert client.post_form("/cai-dat/con-dau/xoa").status_code == 303
    assert Organisation.get().seal_sha256 is None


# ----------------------------------------------------------------------------------- templates

def template_with(text: str, *, drop: str | None = None) -> bytes:
    document = Document(str(render.DEFAULT_TEMPLATE))
    anchor = [p for p in document.paragraphs if "{{ type_name }}" in p.text][0]
    anchor.insert_paragraph_before(text)
    if drop:
        victim = [p for p in document.paragraphs if drop in p.text][0]
        victim._p.getparent().remove(victim._p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_union_replaces_the_template_and_goes_back_to_the_default(client, signed_in):
    chair = make_user(roles=["chair", "committee"])
    plan = make_plan(chair)
    signed_in(chair)
    response = upload(client, "/cai-dat/mau-van-ban", "template", template_with("LOGO CÔNG ĐOÀN"), "mau-rieng.docx")
    assert response.status_code == 303
    active = db.session.execute(sa.select(PlanTemplate)).scalar_one()
    assert Organisation.get().plan_template_id == active.id
    settings = text_of(client.get("/cai-dat/"))
    assert "“mau-rieng.docx” (mẫu riêng của công đoàn)" in settings and "Đang dùng" in settings
    assert "LOGO CÔNG ĐOÀN" in lines(client.get(f"/ke-hoach/{plan.id}/tai-ve.docx").data)
    assert client.get(f"/cai-dat/mau-van-ban/{active.id}/tai-ve").data == active.data
    # back to the built-in template; the uploaded one stays listed and can be deleted
    assert client.post_form("/cai-dat/mau-van-ban/dung", {"template_id": ""}).status_code == 303
    assert Organisation.get().plan_template_id is None
    assert "LOGO CÔNG ĐOÀN" not in lines(client.get(f"/ke-hoach/{plan.id}/tai-ve.docx").data)
    assert client.post_form(f"/cai-dat/mau-van-ban/{active.id}/xoa").status_code == 303
    assert db.session.execute(sa.select(PlanTemplate)).first() is None
    assert client.get("/cai-dat/mau-van-ban/mac-dinh/tai-ve").data == render.DEFAULT_TEMPLATE.read_bytes()


def test_a_template_without_a_required_placeholder_is_refused_by_name(client, signed_in):
    chair = make_user(roles=["chair", "committee"])
    signed_in(chair)
    response = upload(client, "/cai-dat/mau-van-ban", "template", template_with("x", drop="{{ subject }}"),
                      "thieu.docx")
    assert response.status_code == 422
    assert "thiếu chỗ đặt bắt buộc: {{ subject }} (trích yếu)" in text_of(response)
    bad = upload(client, "/cai-dat/mau-van-ban", "template", b"not a docx", "x.docx")
    assert bad.status_code == 422 and "không phải tệp Word .docx hợp lệ" in text_of(bad)
    assert db.session.execute(sa.select(PlanTemplate)).first() is None
    assert Organisation.get().plan_template_id is None


def test_the_active_template_cannot_be_deleted():
    chair = make_user(roles=["chair", "committee"])
    template = templates.upload_template("a.docx", template_with("A"), actor=chair)
    db.session.commit()
    with pytest.raises(DomainError, match="đang được dùng"):
        templates.delete_template(template.id, actor=chair)


# -------------------------------------------------------------------------------------- import

def test_import_page_creates_a_draft_with_a_report(client, signed_in):
    author = make_user(roles=["committee"])
    signed_in(author)
    response = upload(client, "/ke-hoach/nhap-word", "file", SAMPLE.read_bytes(), SAMPLE.name)
    assert response.status_code == 303
    plan = db.session.execute(sa.select(Plan)).scalar_one()
    assert response.headers["Location"].endswith(f"/ke-hoach/{plan.id}/bao-cao-nhap")
    assert plan.state == PlanStatus.DRAFT and plan.author_id == author.id and plan.number is None
    assert (plan.upper_union, plan.union_name, plan.place) == \
        ("LĐLĐ QUẬN HẢI AN", "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ", "Thành Tô")
    assert len(plan.bases) == 6 and len(plan.sections) == 4 and len(plan.rows) == 11
    assert plan.recipient_lines == ["Như trên;", "Lưu: VT."]
    report = text_of(client.get(response.headers["Location"]))
    assert SAMPLE.name in report and "Dòng bảng lịch công tác 12" in report and "Cần xem lại" in report
    assert "Nhập từ tệp Word" in text_of(client.get(f"/ke-hoach/{plan.id}"))


def _encrypted() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le")


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7 not word", "Đây là tệp PDF"),
    (b"just text", "không phải là văn bản Word"),
    (_encrypted(), "đặt mật khẩu"),
    (b"PK" + b"\x00" * (20 * 1024 * 1024), "Tệp quá lớn"),
    (b"", "Vui lòng chọn tệp"),
])
def test_bad_word_uploads_are_refused_and_create_nothing(client, signed_in, data, message):
    signed_in(make_user(roles=["committee"]))
    response = upload(client, "/ke-hoach/nhap-word", "file", data, "ke-hoach.docx" if data else "")
    assert response.status_code == 422 and message in text_of(response)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar() == 0


def test_members_outside_the_committee_cannot_import(client, signed_in):
    signed_in(make_user())
    assert client.get("/ke-hoach/nhap-word").status_code == 403


def test_cli_import_and_export(runner, tmp_path):
    no_chair = runner.invoke(args=["plans", "import", str(SAMPLE)])
    assert no_chair.exit_code != 0 and "--author" in no_chair.output
    committee = make_committee()
    result = runner.invoke(args=["plans", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    plan_id = int(result.stdout.strip().splitlines()[-1])
    plan = db.session.get(Plan, plan_id)
    assert plan.author_id == committee.chair.id and len(plan.rows) == 11
    other = runner.invoke(args=["plans", "import", str(SAMPLE), "--author", committee.members[0].email])
    assert db.session.get(Plan, int(other.stdout.split()[-1])).author_id == committee.members[0].id
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"nope")
    refused = runner.invoke(args=["plans", "import", str(bad)])
    assert refused.exit_code != 0 and "không phải là văn bản Word" in refused.output

    out = tmp_path / "draft.docx"
    assert runner.invoke(args=["plans", "export", str(plan_id), str(out)]).exit_code == 0
    assert lines(out.read_bytes())[0] == "DỰ THẢO"
    approve(plan, committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    exported = tmp_path / "signed.docx"
    assert runner.invoke(args=["plans", "export", str(plan_id), str(exported)]).exit_code == 0
    assert exported.read_bytes() == signed.docx
    assert runner.invoke(args=["plans", "export", "999999", str(exported)]).exit_code != 0


# ---------------------------------------------------------------------------------------- seed

def test_seed_demo_approves_the_example_and_gives_the_chair_a_signature(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    example = db.session.execute(sa.select(Plan).where(Plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024")).scalar_one()
    assert example.state == PlanStatus.APPROVED and example.number is None
    chair = db.session.execute(sa.select(User).where(User.email == "chutich@thanhto.demo")).scalar_one()
    assert db.session.get(UserSignature, chair.id) is not None
    second = runner.invoke(args=["seed-demo"])
    assert "không thay đổi gì" in second.output
    # signing works out of the box, with the demo union's own symbol
    signed = signing.sign_plan(example, actor=chair)
    db.session.commit()
    assert signed.number == "01/KHCĐ-THTT"


def test_every_required_placeholder_has_a_vietnamese_label():
    assert set(templates.PLACEHOLDER_LABELS) == set(context.REQUIRED_PLACEHOLDERS)


def test_delegation_survives_a_settings_form_without_the_field(client, signed_in):
    committee = make_committee()
    signing.set_sign_delegate(committee.vice.id, actor=committee.chair)
    db.session.commit()
    signed_in(committee.chair)
    org = Organisation.get()
    data = {name: getattr(org, name) for name in ("name", "upper_union", "place_name", "plan_abbrev",
                                                  "body_abbrev", "sign_on_behalf", "chair_title",
                                                  "vice_chair_title", "motto_line1", "motto_line2")}
    data.update(name="CĐCS THỬ", upper_union="LĐLĐ THỬ", place_name="Hà Nội", default_recipients="Lưu: VT.",
                approval_rule="half_all", vote_deadline_days="7")
    assert client.post_form("/cai-dat/", data).status_code == 303
    assert Organisation.get().sign_delegate_id == committee.vice.id
    # and taking it back is one choice
    data["sign_delegate_id"] = ""
    assert client.post_form("/cai-dat/", data).status_code == 303
    assert Organisation.get().sign_delegate_id is None
