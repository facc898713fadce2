"""Signing and numbering: who may sign (the chair, or the vice chair the chair delegates), the register
number of each kind and year, the signature block, and sign_plan, which issues a document with its
Word file rendered once and stored.

Services flush and never commit; the view (or the command) commits once. They refuse, with a
Vietnamese message and nothing changed: signing a plan that is not approved, by someone who is not
the chair or the delegated vice chair, or without a signature image.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..audit.service import record
from ..dates import local_today, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..finder.keys import plan_key
from ..notifications.service import notify
from ..organisation.models import NUMBER_MAX, SYMBOL_MAX, Organisation
from ..people.audiences import holders
from ..people.models import User
from ..people.roles import Role
from ..permissions import require_chair
from ..plans.document import to_document
from ..plans.kinds import PLAN, DocumentKind
from ..plans.models import Plan, PlanStatus
from ..plans.news import announce_issued
from ..plans.workflow import can as plan_can
from ..plans.workflow import apply as plan_apply
from ..text import fold
from .context import number_symbol, render_org
from .models import DocumentCounter, SignedDocument
from .pdf_jobs import queue_pdf
from .render import TemplateError, render_plan
from .signatures import signature_of
from .templates import kind_template
from .verification import new_verify_code, sha256_hex, url_path, verify_url


def vice_chairs() -> list[User]:
    return holders({Role.VICE_CHAIR})


def set_sign_delegate(user_id: int | None, *, actor: User) -> bool:
    """The chair delegates signing to one vice chair, or takes it back (None). True if it changed."""
    require_chair(actor, "ủy quyền ký ban hành")
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
               url_path("plans.index"))
    return True


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
