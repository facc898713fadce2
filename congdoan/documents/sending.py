"""Sending a signed plan to its recipients ("Gửi văn bản").

Whoever may sign (the chair, or the vice chair the chair has delegated) chooses recipients — every
member, some union groups, the committee and the office holders, and/or e-mail addresses typed one
per line — and each address gets one "document_mail" job carrying the signed .docx (and the PDF
when the worker has made it). The jobs hold only the document's id: the bytes are read when the
mail is sent, so 5,000 messages do not copy the file 5,000 times into the queue. Members chosen also
get an in-app notification with the download link. Everything is written in the action's
transaction (one INSERT … SELECT for the notifications, one multi-row INSERT for the jobs) and the
sending is one audit entry ("document_sent": who, when, to how many), which the plan page lists.

Refused (a Vietnamese message per field, nothing written): no recipient chosen; an address that is
not one; more than MAX_ADDRESSES addresses; typed addresses while no mail server is configured; a
group that is not active; a choice that gives nobody; a plan not signed, or a sender who may not sign.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from ..audit.models import AuditEntry
from ..audit.service import record
from ..dates import fmt_date, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..jobs.models import QUEUED, Job
from ..jobs.queue import HANDLERS, Permanent, handler
from ..links import link
from ..notifications.mail import MAX_ATTEMPTS, send_one
from ..notifications.models import Notification
from ..people.audiences import DECIDERS, holders_query
from ..people.models import Group, User
from ..plans.models import Plan
from ..permissions import may_sign
from .models import SignedDocument

KIND = "document_mail"
ACTION = "document_sent"
MAX_ADDRESSES = 200
ADDRESS_MAX = 254


@dataclass(frozen=True)
class Choice:
    """What the sender ticked and typed."""
    all_members: bool = False
    committee: bool = False
    group_ids: tuple[int, ...] = ()
    addresses: str = ""                # as typed: one per line


@dataclass(frozen=True)
class Sent:
    members: int                       # members told in the app (and mailed where mail is configured)
    addresses: int                     # typed addresses mailed
    mails: int                         # mail jobs queued

    @property
    def total(self) -> int:
        return self.members + self.addresses


def mail_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def parse_addresses(raw: str) -> list[str]:
    """The typed addresses, one per line, normalised (lower case) and each once. Raises
    ValidationFailed naming every line that is not an address."""
    found, errors = [], []
    for number, line in enumerate((raw or "").splitlines(), start=1):
        value = line.strip().strip(",;")
        if not value:
            continue
        try:
            if len(value) > ADDRESS_MAX:
                raise EmailNotValidError("too long")
            address = validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            shown = value if len(value) <= 60 else value[:59] + "…"
            errors.append(f"Dòng {number}: “{shown}” không phải địa chỉ e-mail hợp lệ.")
            continue
        if address not in found:
            found.append(address)
    if errors:
        more = f" (và {len(errors) - 5} dòng khác)" if len(errors) > 5 else ""
        raise ValidationFailed({"addresses": " ".join(errors[:5]) + more})
    if len(found) > MAX_ADDRESSES:
        raise ValidationFailed({"addresses": f"Tối đa {MAX_ADDRESSES} địa chỉ e-mail mỗi lần gửi "
                                              f"(đang có {len(found)})."})
    return found


def _members_query(choice: Choice, groups: list[Group]) -> sa.Select | None:
    """SELECT (id, email) of the active members chosen, or None when no member is chosen."""
    if choice.all_members:
        return sa.select(User.id, User.email).where(User.active.is_(True))
    parts = []
    if groups:
        parts.append(User.group_id.in_([g.id for g in groups]))
    if choice.committee:
        parts.append(User.id.in_(holders_query(DECIDERS).with_only_columns(User.id).order_by(None)))
    if not parts:
        return None
    return sa.select(User.id, User.email).where(User.active.is_(True), sa.or_(*parts))


def _check(plan: Plan, actor: User) -> SignedDocument:
    if not may_sign(actor):
        raise PermissionDenied("Chỉ Chủ tịch (hoặc Phó Chủ tịch được ủy quyền ký) mới được gửi văn bản.")
    signed = db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan.id)).scalar()
    if signed is None:
        raise DomainError(f"{plan.document_kind.label} chưa được ký ban hành: chưa có văn bản để gửi.")
    return signed


def send_document(plan: Plan, choice: Choice, *, actor: User, note: str = "") -> Sent:
    """Queue the signed file to everyone chosen and tell the members chosen in the app. Flushes."""
    signed = _check(plan, actor)
    addresses = parse_addresses(choice.addresses)
    if addresses and not mail_configured():
        raise ValidationFailed({"addresses": "Máy chủ chưa cấu hình gửi thư điện tử nên chưa gửi được tới địa chỉ "
                                             "nhập tay. Hãy bỏ các địa chỉ này hoặc nhờ Quản trị cấu hình máy chủ thư."})
    groups = []
    if choice.group_ids and not choice.all_members:
        groups = db.session.execute(sa.select(Group).where(Group.id.in_(choice.group_ids), Group.active.is_(True))
                                    .order_by(Group.name_key)).scalars().all()
        if len(groups) != len(set(choice.group_ids)):
            raise ValidationFailed({"groups": "Có tổ công đoàn được chọn không còn hoạt động. Vui lòng chọn lại."})
    query = _members_query(choice, groups)
    if query is None and not addresses:
        raise ValidationFailed({"recipients": "Vui lòng chọn người nhận: tất cả đoàn viên, một số tổ công đoàn, "
                                              "Ban Chấp hành, hoặc nhập địa chỉ e-mail."})
    members = [] if query is None else [
        (uid, email) for uid, email in db.session.execute(query.where(User.id != actor.id).order_by(User.id)).all()]
    member_emails = {(email or "").lower() for _, email in members}
    addresses = [a for a in addresses if a not in member_emails and a != (actor.email or "").lower()]
    if not members and not addresses:
        raise ValidationFailed({"recipients": "Lựa chọn này không có người nhận nào (các tổ được chọn chưa có đoàn "
                                              "viên). Vui lòng chọn thêm người nhận."})

    title = f"{plan.document_kind.label} số {signed.number} “{plan.subject}”"
    if members:
        _tell_members([uid for uid, _ in members], plan, signed, actor)
    mails = [email for _, email in members if email] + addresses if mail_configured() else []
    with_pdf = signed.pdf_sha256 is not None
    _queue_mails(mails, signed, title, note, with_pdf)
    record(ACTION, plan, actor=actor,
           summary=f"Gửi văn bản số {signed.number} tới {len(members) + len(addresses)} người nhận",
           data={"number": signed.number, "recipients": len(members) + len(addresses), "members": len(members),
                 "addresses": addresses, "all_members": choice.all_members, "committee": choice.committee,
                 "groups": [g.name for g in groups], "mails": len(mails), "pdf": with_pdf})
    return Sent(members=len(members), addresses=len(addresses), mails=len(mails))


def _tell_members(user_ids: list[int], plan: Plan, signed: SignedDocument, actor: User) -> None:
    """One notification each, with the download link: one INSERT … SELECT (no mail: the mail with the
    file is queued apart)."""
    message = (f"{actor.full_name} gửi bạn văn bản số {signed.number}: {plan.document_kind.label} “{plan.subject}”. "
               "Bấm để tải bản đã ký.")
    rows = sa.select(User.id, sa.literal("document_sent"), sa.literal(message),
                     sa.literal(link("documents.download_docx", plan_id=plan.id)), sa.literal(utcnow(), sa.DateTime)
                     ).where(User.id.in_(user_ids))
    db.session.execute(sa.insert(Notification).from_select(["user_id", "kind", "message", "link", "created_at"], rows))


def _queue_mails(addresses: list[str], signed: SignedDocument, title: str, note: str, with_pdf: bool) -> None:
    if not addresses:
        return
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    files = "tệp đã ký (.docx) và bản PDF" if with_pdf else "tệp đã ký (.docx)"
    body = (f"{signed.union_name or 'Công đoàn'} gửi văn bản {title}, ban hành ngày {fmt_date(signed.issued_on)}, "
            f"kèm theo {files}.\n" + (f"\n{note}\n" if note else "")
            + f"\nKiểm tra văn bản là bản gốc: {base}{link('documents.verify', code=signed.verify_code)}"
            "\n\n— Mạng nội bộ công đoàn (thư tự động, vui lòng không trả lời).")
    subject = f"[Công đoàn] Văn bản số {signed.number}: {signed.subject}"[:200]
    now = utcnow()
    db.session.execute(sa.insert(Job), [
        {"kind": KIND, "key": None, "status": QUEUED, "attempts": 0, "max_attempts": HANDLERS[KIND].max_attempts,
         "run_after": now, "last_error": "", "created_at": now,
         "payload": {"to": to, "subject": subject, "body": body, "signed_id": signed.id, "pdf": with_pdf}}
        for to in addresses])


def sendings(plan: Plan) -> list[dict]:
    """The past sendings of this plan, newest first, as the plan page lists them."""
    rows = db.session.execute(
        sa.select(AuditEntry.created_at, AuditEntry.data, User.full_name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.object_type == "plans", AuditEntry.object_id == plan.id, AuditEntry.action == ACTION)
        .order_by(AuditEntry.id.desc()).limit(50)).all()
    out = []
    for at, data, who in rows:
        facts = json.loads(data or "{}")
        to = (["tất cả đoàn viên"] if facts.get("all_members") else []) + list(facts.get("groups", [])) + \
            (["Ban Chấp hành và các chức vụ"] if facts.get("committee") else []) + \
            ([f"{len(facts['addresses'])} địa chỉ e-mail"] if facts.get("addresses") else [])
        out.append({"at": at, "by": who or "", "count": facts.get("recipients", 0), "to": ", ".join(to),
                    "mails": facts.get("mails", 0), "pdf": facts.get("pdf", False)})
    return out


@handler(KIND, title="gửi văn bản đã ký qua thư điện tử", max_attempts=MAX_ATTEMPTS, lease_seconds=120)
def _send(payload: dict) -> None:
    from .stored_files import plan_docx, signed_pdf     # the stored bytes, never a new render
    signed = db.session.get(SignedDocument, payload["signed_id"])
    if signed is None:
        raise Permanent("Văn bản đã ký không còn trong cơ sở dữ liệu.")
    docx = plan_docx(signed.plan)
    files = [(docx.filename, docx.mimetype, docx.data)]
    if signed.pdf_sha256 is not None:
        pdf = signed_pdf(signed)
        files.append((pdf.filename, pdf.mimetype, pdf.data))
    send_one(payload["to"], payload["subject"], payload["body"], current_app.config, attachments=files)
