"""Official documents: signing and numbering, the stored signed file, PDF (made by the worker,
pdf_jobs.py), verification, Word import, the union's own template, signature and seal images.

Services flush and never commit; the view (or the command) commits once. They refuse, with a
Vietnamese message and nothing changed: signing a plan that is not approved, by someone who is not
the chair or the delegated vice chair, or without a signature image; a template that lacks a
required placeholder or is not a usable .docx; an image that is not a PNG/JPEG by content or too
large; a Word upload that cannot be read as a plan.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ..audit.service import record
from ..dates import local_today, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..finder.keys import plan_key
from ..notifications.service import notify
from ..organisation.models import NUMBER_MAX, SYMBOL_MAX, Organisation, plan_symbol
from ..people.audiences import holders
from ..people.models import User
from ..people.roles import Role
from ..plans.document import content_hash, document_of, to_document
from ..plans import kinds
from ..plans.kinds import PLAN, DocumentKind
from ..plans.models import Plan, PlanStatus
from ..plans.news import announce_issued
from ..plans.workflow import can as plan_can
from ..plans.workflow import apply as plan_apply
from ..text import file_name, fold
from . import pdf as pdf_tools
from .cache import DocxCache
from .ceilings import MAX_TEMPLATE_UPLOAD
from .images import MAX_UPLOAD_BYTES as MAX_IMAGE_BYTES
from .images import CheckedImage, ImageRefused, check_image
from .models import DocumentCounter, PlanTemplate, SignedDocument, UserSignature
from .pdf_jobs import pdf_state, queue_pdf
from .render import (DEFAULT_TEMPLATE, TemplateError, check_template, render_plan, renderer_fingerprint,
                     template_digest)

KIND_PLAN = PLAN.abbreviation        # the register's kind of a plan ("KH"); every kind: kinds.py

# Verification codes: no 0/O, 1/I/L, so a code read aloud or typed from paper cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

MAX_TEMPLATE_BYTES = MAX_TEMPLATE_UPLOAD
MAX_VERIFY_BYTES = 15 * 1024 * 1024
MAX_IMPORT_BYTES = 20 * 1024 * 1024     # the importer's own limit (importer.MAX_BYTES)

# What each required placeholder prints, for the message that refuses a template without it.
PLACEHOLDER_LABELS = {
    "draft": "dấu “DỰ THẢO” của bản chưa ban hành",
    "upper_union": "tên công đoàn cấp trên",
    "union_name": "tên công đoàn cơ sở",
    "number": "số văn bản",
    "motto_line1": "quốc hiệu",
    "motto_line2": "tiêu ngữ",
    "date_line": "địa danh và ngày tháng",
    "type_name": "tên loại văn bản (KẾ HOẠCH)",
    "subject": "trích yếu",
    "bases": "các căn cứ",
    "opening": "đoạn mở đầu",
    "sections": "các mục nội dung",
    "schedule_title": "tiêu đề lịch công tác",
    "schedule": "bảng lịch công tác",
    "recipients": "nơi nhận",
    "signature": "khối chữ ký",
    "signature_image": "ảnh chữ ký và con dấu",
    "verify": "mã xác thực và mã QR",
}


# --------------------------------------------------------------------------------- helpers

def _path(endpoint: str, **values) -> str:
    """A URL path built from the URL map: works in a request, a command or a worker thread."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def verify_url(code: str) -> str:
    return current_app.config.get("BASE_URL", "").rstrip("/") + _path("documents.verify", code=code)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def number_symbol(org: Organisation, kind: DocumentKind = PLAN) -> str:
    """The symbol after a document's number, per kind (docs/document-kinds.md).

    A plan: exactly the settings' symbol ("KH-CĐ"). Another kind: the plan's symbol with its leading
    plan abbreviation replaced by the kind's ("KH" -> "BC-CĐ", the demo's "KHCĐ" -> "BCCĐ-THTT"), so
    that a union that writes its plans "KHCĐ" writes its reports the same way. When the union's plan
    abbreviation does not start with "KH" there is nothing to replace: the kind's abbreviation and the
    issuing body's ("BC-CĐ", or "BC" without one).
    """
    return kinds.number_symbol(org.plan_abbrev, org.body_abbrev, kind)


def render_org(org: Organisation, kind: DocumentKind = PLAN) -> dict:
    """The settings the Word renderer reads (the number's symbol is the kind's)."""
    return {"number_symbol": number_symbol(org, kind), f"number_symbol_{kind.key}": number_symbol(org, kind),
            "motto_line1": org.motto_line1,
            "motto_line2": org.motto_line2, "name": org.name}


def kind_template(kind: DocumentKind, org: Organisation | None = None) -> bytes | Path | None:
    """The Word template a document of this kind is rendered with: for a plan, the union's own
    template when one is active (None: the built-in one); for another kind its built-in file under
    templates/docx/ (a union's uploaded template is a plan's and lacks the kind's parts)."""
    if kind.key == PLAN.key:
        return active_template_bytes(org)
    path = DEFAULT_TEMPLATE.parent / kind.template
    return path if path.exists() else None


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].rstrip("-") or "van-ban"


def signed_for(plan_id: int) -> SignedDocument | None:
    return db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan_id)).scalar()


# ------------------------------------------------------------------------------- templates

def active_template(org: Organisation | None = None) -> PlanTemplate | None:
    org = org or Organisation.get()
    return db.session.get(PlanTemplate, org.plan_template_id) if org.plan_template_id else None


def active_template_bytes(org: Organisation | None = None) -> bytes | None:
    """The union's own template, or None for the built-in file."""
    template = active_template(org)
    return template.data if template is not None else None


def list_templates() -> list[PlanTemplate]:
    return db.session.execute(sa.select(PlanTemplate).order_by(PlanTemplate.uploaded_at.desc(),
                                                               PlanTemplate.id.desc())).scalars().all()


def template_name(template_id: int | None) -> str:
    """The file name an uploaded template is known by ("" for the built-in one or none)."""
    template = db.session.get(PlanTemplate, template_id) if template_id else None
    return template.filename if template is not None else ""


def describe_missing(missing: list[str]) -> str:
    names = ", ".join(f"{{{{ {name} }}}} ({PLACEHOLDER_LABELS.get(name, name)})" for name in missing)
    return f"Mẫu Word thiếu chỗ đặt bắt buộc: {names}. Hãy thêm vào mẫu rồi tải lên lại."


def upload_template(filename: str, data: bytes, *, actor: User) -> PlanTemplate:
    """Store a replacement Word template and make it the active one.

    Refused: an empty or over-large file, a file that is not a usable .docx template (bad tags,
    unknown names), a template lacking a required placeholder (the message names each one).
    """
    if not data:
        raise ValidationFailed({"template": "Chưa chọn tệp mẫu Word (.docx)."})
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed({"template": f"Tệp mẫu quá lớn ({len(data) / 1024 / 1024:.1f} MB); tối đa 5 MB."})
    try:
        missing = check_template(data)
    except TemplateError as exc:
        raise ValidationFailed({"template": str(exc)}) from None
    if missing:
        raise ValidationFailed({"template": describe_missing(missing)})
    name = file_name(filename, 200, default="mau-ke-hoach.docx")   # the column holds 200
    template = PlanTemplate(filename=name, data=data, sha256=sha256_hex(data), size=len(data),
                            uploaded_by_id=actor.id)
    db.session.add(template)
    db.session.flush()
    org = Organisation.get_for_update()
    org.plan_template_id = template.id
    record("template_uploaded", template, actor=actor, summary=f"Tải lên và dùng mẫu Word “{name}”",
           data={"sha256": template.sha256, "size": template.size})
    return template


def use_template(template_id: int | None, *, actor: User) -> None:
    """Make an uploaded template the active one, or go back to the built-in one (None)."""
    org = Organisation.get_for_update()
    if template_id is None:
        if org.plan_template_id is not None:
            org.plan_template_id = None
            record("template_activated", org, actor=actor, summary="Dùng lại mẫu Word mặc định")
        db.session.flush()
        return
    template = db.session.get(PlanTemplate, template_id)
    if template is None:
        raise DomainError("Không có mẫu Word này.")
    if org.plan_template_id != template.id:
        org.plan_template_id = template.id
        record("template_activated", template, actor=actor, summary=f"Dùng mẫu Word “{template.filename}”")
    db.session.flush()


def delete_template(template_id: int, *, actor: User) -> None:
    """Delete an uploaded template that is not in use (signed files keep their own bytes)."""
    template = db.session.get(PlanTemplate, template_id)
    if template is None:
        raise DomainError("Không có mẫu Word này.")
    if Organisation.get().plan_template_id == template.id:
        raise DomainError("Mẫu này đang được dùng. Hãy chọn mẫu khác (hoặc mẫu mặc định) trước khi xóa.")
    record("template_deleted", template, actor=actor, summary=f"Xóa mẫu Word “{template.filename}”")
    db.session.delete(template)
    db.session.flush()


# ------------------------------------------------------------------------ signature and seal

def signature_of(user: User) -> UserSignature | None:
    return db.session.get(UserSignature, user.id)


def save_signature(user: User, data: bytes) -> UserSignature:
    """Store (or replace) this person's own signature image. Refused: not a PNG/JPEG, too large."""
    checked = _checked(data, "chữ ký", "signature")
    signature = db.session.get(UserSignature, user.id)
    if signature is None:
        signature = UserSignature(user_id=user.id)
        db.session.add(signature)
    signature.image, signature.sha256 = checked.png, checked.sha256
    signature.width, signature.height = checked.width, checked.height
    signature.uploaded_at = utcnow()
    db.session.flush()
    record("signature_uploaded", user, actor=user, summary="Cập nhật ảnh chữ ký",
           data={"sha256": checked.sha256})
    return signature


def delete_signature(user: User) -> None:
    signature = db.session.get(UserSignature, user.id)
    if signature is not None:
        db.session.delete(signature)
        record("signature_deleted", user, actor=user, summary="Xóa ảnh chữ ký")
        db.session.flush()


def _checked(data: bytes, what: str, field: str) -> CheckedImage:
    try:
        return check_image(data, what)
    except ImageRefused as exc:
        raise ValidationFailed({field: str(exc)}) from None


def _require_chair(actor: User, what: str) -> None:
    if not actor.has_role(Role.CHAIR):
        raise PermissionDenied(f"Chỉ Chủ tịch mới được {what}.")


def save_seal(data: bytes, *, actor: User) -> None:
    """Store the union's seal image (the chair only)."""
    _require_chair(actor, "thay ảnh con dấu")
    checked = _checked(data, "con dấu", "seal")
    org = Organisation.get_for_update()
    org.seal_image, org.seal_sha256 = checked.png, checked.sha256
    db.session.flush()
    record("seal_uploaded", org, actor=actor, summary="Cập nhật ảnh con dấu", data={"sha256": checked.sha256})


def remove_seal(*, actor: User) -> None:
    _require_chair(actor, "gỡ ảnh con dấu")
    org = Organisation.get_for_update()
    if org.seal_sha256 is not None:
        org.seal_image, org.seal_sha256 = None, None
        db.session.flush()
        record("seal_removed", org, actor=actor, summary="Gỡ ảnh con dấu")


def vice_chairs() -> list[User]:
    return holders({Role.VICE_CHAIR})


def set_sign_delegate(user_id: int | None, *, actor: User) -> bool:
    """The chair delegates signing to one vice chair, or takes it back (None). True if it changed."""
    _require_chair(actor, "ủy quyền ký ban hành")
    org = Organisation.get_for_update()
    if user_id is not None:
        delegate = db.session.get(User, user_id)
        if delegate is None or not delegate.active or Role.VICE_CHAIR not in delegate.stored_roles:
            raise ValidationFailed({"sign_delegate_id": "Chỉ ủy quyền ký được cho một Phó Chủ tịch đang hoạt động."})
    if org.sign_delegate_id == user_id:
        return False
    org.sign_delegate_id = user_id
    db.session.flush()
    if user_id is None:
        record("sign_delegate_changed", org, actor=actor, summary="Thôi ủy quyền ký: chỉ Chủ tịch ký ban hành",
               data={"delegate": None})
    else:
        record("sign_delegate_changed", org, actor=actor,
               summary=f"Ủy quyền ký ban hành văn bản cho Phó Chủ tịch {delegate.full_name}",
               data={"delegate": user_id})
        notify([delegate], "sign_delegated",
               "Chủ tịch đã ủy quyền cho bạn ký ban hành các văn bản (kế hoạch, báo cáo) đã được Ban Chấp "
               "hành duyệt.",
               _path("plans.index"))
    return True


# ----------------------------------------------------------------------------------- signing

def next_seq(year: int, kind: str) -> int:
    """The next register number of the year for `kind`, taken under a lock held until commit.

    Meant as the FIRST write of the signing transaction: the insert-if-missing and the increment
    take SQLite's single write lock (any earlier reads ran outside a transaction there) or the
    counter row's lock on PostgreSQL (READ COMMITTED: a waiting signer re-reads the row after the
    first one commits and gets the next number). A rollback returns the number.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(DocumentCounter).values(year=year, kind=kind, seq=0, updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["year", "kind"]))
    return db.session.execute(
        sa.update(DocumentCounter).where(DocumentCounter.year == year, DocumentCounter.kind == kind)
        .values(seq=DocumentCounter.seq + 1, updated_at=utcnow()).returning(DocumentCounter.seq)
        .execution_options(synchronize_session=False)).scalar_one()


def peek_next_number(org: Organisation | None = None, kind: DocumentKind = PLAN) -> str:
    """The number the next signature of this kind would get now (shown before signing; not reserved)."""
    org = org or Organisation.get()
    seq = db.session.execute(sa.select(DocumentCounter.seq).where(
        DocumentCounter.year == local_today().year, DocumentCounter.kind == kind.abbreviation)).scalar() or 0
    return f"{seq + 1:02d}/{number_symbol(org, kind)}"


def new_verify_code() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.execute(sa.select(SignedDocument.id).where(SignedDocument.verify_code == code)).first():
            return code
    raise DomainError("Không tạo được mã xác thực, vui lòng thử lại.")  # 31^10 codes: never in practice


def signature_block(plan: Plan, signer: User, org: Organisation) -> dict:
    """What the signature block prints for this signer.

    The chair signs with the plan's approved authority line ("TM. BAN CHẤP HÀNH") and the chair's
    title; a delegated vice chair signs for the committee too ("TM. BAN CHẤP HÀNH / PHÓ CHỦ TỊCH",
    docs/domain.md), so the authority line is never left empty for them.
    """
    if signer.has_role(Role.CHAIR):
        return {"on_behalf": plan.sign_on_behalf, "title": org.chair_title, "name": signer.full_name}
    return {"on_behalf": plan.sign_on_behalf or org.sign_on_behalf, "title": org.vice_chair_title,
            "name": signer.full_name}


def check_can_sign(plan: Plan, actor: User) -> None:
    label = plan.document_kind.label
    if plan.state != PlanStatus.APPROVED:
        if plan.state == PlanStatus.ISSUED:
            raise DomainError(f"{label} này đã được ký ban hành.")
        raise DomainError(f"Chỉ ký ban hành được {label.lower()} đã được Ban Chấp hành duyệt "
                          f"(hiện: “{plan.state.label}”).")
    if not plan_can(plan, "sign", actor):
        raise PermissionDenied("Chỉ Chủ tịch, hoặc Phó Chủ tịch được Chủ tịch ủy quyền, "
                               f"mới được ký ban hành {label.lower()}.")


def sign_plan(plan: Plan, *, actor: User, expected: int | None = None) -> SignedDocument:
    """Sign and issue an approved document of any kind (a plan, a report): the next register number
    of the year for its kind ("05/KH-CĐ", "01/BC-CĐ": each kind counts from 01 every calendar year),
    today's date (Asia/Ho_Chi_Minh), the signer's signature image and the seal, a verification code
    and QR; the file is rendered once with the kind's template and its bytes and SHA-256 stored; the
    document moves to "Đã ban hành".

    Refused: a plan that is not approved (or already issued), a signer who is neither the chair nor
    the delegated vice chair, a signer without a signature image, a template that fails to render.
    Two signatures at the same moment get consecutive numbers; two signatures of one plan give
    one issued plan and a clear refusal, and the refused one uses up no number. `expected`: the
    plan's status version the signer's page showed (None: the one read in this request).
    """
    check_can_sign(plan, actor)
    signature = signature_of(actor)
    if signature is None:
        raise DomainError("Bạn chưa có ảnh chữ ký. Hãy tải ảnh chữ ký lên ở trang “Chữ ký của tôi” "
                          "trước khi ký ban hành.")
    org = Organisation.get()
    kind = plan.document_kind
    template = kind_template(kind, org)
    seal = org.seal_image if org.seal_sha256 else None
    image = signature.image
    today = local_today()

    symbol = number_symbol(org, kind)
    if len(symbol) > SYMBOL_MAX:
        # Saved before the settings page checked it: refuse before a number is taken.
        raise DomainError(f"Ký hiệu văn bản “{symbol}” trong Cài đặt dài quá {SYMBOL_MAX} ký tự nên "
                          "số văn bản không ghi được. Hãy rút gọn chữ viết tắt ở trang Cài đặt rồi ký lại.")
    seq = next_seq(today.year, kind.abbreviation)    # first write: from here on, signers of this kind queue
    number = f"{seq:02d}/{symbol}"
    if len(number) > NUMBER_MAX:
        raise DomainError(f"Số văn bản “{number}” dài quá {NUMBER_MAX} ký tự. Hãy rút gọn ký hiệu văn bản "
                          "ở trang Cài đặt rồi ký lại.")
    code = new_verify_code()
    block = signature_block(plan, actor, org)
    doc = to_document(plan)
    doc.update(number=number, date=today.isoformat(), signature=block)
    try:
        data = render_plan(doc, org=render_org(org, kind), draft=False, template=template, signature_image=image,
                           seal_image=seal, verify_code=code, verify_url=verify_url(code))
    except TemplateError as exc:
        raise DomainError(f"Không tạo được văn bản để ký: {exc}") from None
    digest = sha256_hex(data)

    search_key = fold(" ".join([plan.type_name, plan.subject, plan.period, number]))[:700]
    plan_apply(plan, "sign", actor, expected=plan.version if expected is None else expected,
               summary=f"Ký ban hành, số {number}",
               data={"number": number, "date": today.isoformat(), "sha256": digest, "verify_code": code},
               extra_values={"number": number, "doc_date": today, "sign_on_behalf": block["on_behalf"],
                             "signer_title": block["title"], "signer_name": block["name"],
                             "search_key": search_key, "search_text": plan_key(doc)})
    signed = SignedDocument(plan_id=plan.id, year=today.year, kind=kind.abbreviation, seq=seq, number=number,
                            issued_on=today, issued_at=utcnow(), signer_id=actor.id, signer_name=block["name"],
                            signer_title=block["title"], sign_on_behalf=block["on_behalf"],
                            subject=plan.subject, union_name=plan.union_name, verify_code=code,
                            sha256=digest, size=len(data), docx=data)
    db.session.add(signed)
    db.session.flush()
    queue_pdf(signed)                            # made by the worker, committed with the signature
    announce_issued(plan, number, actor)         # the committee, the authors, every member (plans/news.py)
    return signed


# --------------------------------------------------------------------------------- the files

@dataclass(frozen=True)
class FileOut:
    data: bytes
    filename: str
    mimetype: str


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filename(plan: Plan, number: str | None, ext: str, draft: bool) -> str:
    parts = (["du-thao"] if draft else []) + ([_slug(number, 20)] if number else []) + \
        [_slug(plan.document_kind.label), _slug(plan.subject)]
    return "-".join(parts) + "." + ext


def docx_cache() -> DocxCache:
    """Where rendered drafts are kept: instance/cache/docx unless DOCX_CACHE_DIR says otherwise;
    DOCX_CACHE_MAX_FILES (256) and DOCX_CACHE_MAX_BYTES (64 MB) bound it, 0 turns it off."""
    config = current_app.config
    directory = config.get("DOCX_CACHE_DIR") or os.path.join(current_app.instance_path, "cache", "docx")
    return DocxCache(directory, max_files=int(config.get("DOCX_CACHE_MAX_FILES", 256)),
                     max_bytes=int(config.get("DOCX_CACHE_MAX_BYTES", 64 * 1024 * 1024)))


def _template_for_key(org: Organisation, kind: DocumentKind = PLAN) -> str:
    """What identifies the template a render would use, without loading its bytes: the stored
    SHA-256 of the union's own template (its bytes never change: a new upload is a new row), or
    the digest of the built-in file (of the kind's own file for a kind other than the plan)."""
    if kind.key != PLAN.key:
        return "built-in:" + template_digest(kind_template(kind, org))
    if org.plan_template_id is not None:
        digest = db.session.execute(sa.select(PlanTemplate.sha256)
                                    .where(PlanTemplate.id == org.plan_template_id)).scalar()
        if digest is not None:
            return "union:" + digest
    return "built-in:" + template_digest(None)


def draft_key(doc: dict, org: dict, template: str, draft: bool) -> str:
    """The cache key of a rendered draft: everything the file's content depends on."""
    return content_hash({"doc": doc, "org": org, "template": template, "draft": draft,
                         "renderer": renderer_fingerprint()})


def plan_docx(plan: Plan) -> FileOut:
    """The plan as a Word file: the stored signed bytes for an issued plan, else a render marked
    "DỰ THẢO" (every plan that is not issued is a draft as a document).

    A draft is rendered once per content: the bytes are kept (docx_cache) under a key of the
    document, the settings the renderer reads, the template and the renderer itself, and served
    again until one of them changes. Computing the key reads the plan's parts as plain rows
    (~1 ms); rendering costs ~25 ms for a large plan."""
    signed = signed_for(plan.id)
    if signed is not None:
        return FileOut(signed.docx, _filename(plan, signed.number, "docx", False), DOCX_MIME)
    draft = plan.state not in (PlanStatus.ISSUED, PlanStatus.ARCHIVED)   # an archived plan prints its own number
    org, kind = Organisation.get(), plan.document_kind
    doc, settings = document_of(plan), render_org(org, kind)
    name = _filename(plan, None if draft else plan.number, "docx", draft)
    cache = docx_cache()
    key = draft_key(doc, settings, _template_for_key(org, kind), draft)
    data = cache.get(key)
    if data is None:
        try:
            data = render_plan(doc, org=settings, draft=draft, template=kind_template(kind, org))
        except TemplateError as exc:
            raise DomainError(f"Không tạo được tệp Word: {exc}") from None
        cache.put(key, data)
    return FileOut(data, name, DOCX_MIME)


def pdf_status() -> tuple[bool, str]:
    """(True, "") when PDFs can be made here, else (False, why) in Vietnamese."""
    return pdf_tools.pdf_available()


def signed_pdf(signed: SignedDocument) -> FileOut:
    """The stored PDF of a signed plan. It is made by the worker after signing (pdf_jobs.py), never
    here: until then this refuses (409) with what the plan page says (being made, failed, or why
    PDFs cannot be made on this server)."""
    plan = signed.plan
    name = _filename(plan, signed.number, "pdf", False)
    if signed.pdf_sha256 is not None:
        return FileOut(signed.pdf, name, "application/pdf")
    raise DomainError(pdf_state(signed).message)


# ----------------------------------------------------------------------------- verification

def normalise_code(raw: str | None) -> str:
    return re.sub(r"[^A-Z0-9]", "", (raw or "").upper())[:32]


def find_by_code(raw: str | None) -> SignedDocument | None:
    code = normalise_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.execute(sa.select(SignedDocument).where(SignedDocument.verify_code == code)).scalar()


def compare_file(signed: SignedDocument, data: bytes) -> str | None:
    """"docx" or "pdf" when the bytes are exactly the signed file (or its stored PDF), else None."""
    digest = sha256_hex(data)
    if digest == signed.sha256:
        return "docx"
    if signed.pdf_sha256 and digest == signed.pdf_sha256:
        return "pdf"
    return None


# Word import lives in plan_import.py; these names stay importable from here.
from .plan_import import import_plan, import_report  # noqa: E402,F401
