"""Payment records (ghi nhận đã chi): the date paid, the payment voucher (phiếu chi) and who received it.

Marking an approved request paid records one Payment beside the status change (workflow.apply, action
"pay"). Vouchers are numbered in one sequence per calendar year of the payment date and written
"PC-015/2026" (voucher_label). The number proposed on the form is the next of the year; when the
accountant leaves it as proposed, the next free number of the payment date's year is taken at the moment
of writing, so two payments recorded at the same instant never share one: the pair (year, number) is
unique in the database, and an automatic number that lost the race is taken again in a savepoint
(PostgreSQL makes the second insert wait for the first transaction, then refuses it; SQLite's single
writer never gets that far). A number the accountant typed that is already used is refused by name.

A payment record is corrected only by the accountant, with a reason: the change is written to the
request's timeline and to the audit trail with the values before and after.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.service import record
from ..dates import fmt_date, local_today, parse_vn_date, to_local, utcnow
from ..errors import PermissionDenied, StaleError
from ..extensions import db
from ..people.roles import Role
from ..text import clean_text
from .models import MemberRequest, RequestEvent

RECEIVER_MAX = 200
NOTE_MAX = 2000
SEQ_MAX = 99_999
AUTO_RETRIES = 20
VOUCHER_PREFIX = "PC"
_VOUCHER = re.compile(r"^(?:PC)?\s*[-.]?\s*0*(\d{1,6})\s*(?:/\s*(\d{4}))?$", re.IGNORECASE)


class Payment(db.Model):
    """The record of one request's payment. `voucher_year` is the calendar year of `paid_on`."""
    __tablename__ = "request_payments"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("member_requests.id", ondelete="CASCADE"),
                                            primary_key=True, autoincrement=False)
    paid_on: Mapped[dt.date]
    voucher_year: Mapped[int]
    voucher_seq: Mapped[int]
    receiver: Mapped[str] = mapped_column(sa.String(RECEIVER_MAX))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    corrected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    corrected_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    corrected_by = relationship("User", foreign_keys=[corrected_by_id])

    __table_args__ = (
        sa.UniqueConstraint("voucher_year", "voucher_seq", name="uq_request_payments_voucher"),
        sa.CheckConstraint("voucher_seq >= 1", name="voucher_seq_positive"),
        sa.Index("ix_request_payments_paid_on", "paid_on"),
    )

    @property
    def voucher(self) -> str:
        return voucher_label(self.voucher_year, self.voucher_seq)


# A request's payment record (None until it is paid); loaded when asked for, or with selectinload.
MemberRequest.payment = relationship(Payment, uselist=False, viewonly=True, lazy="select")


def voucher_label(year: int, seq: int) -> str:
    """(2026, 15) -> "PC-015/2026"."""
    return f"{VOUCHER_PREFIX}-{seq:03d}/{year}"


class PaymentInput:
    """What the accountant sent: checked values, or errors by field name (Vietnamese)."""

    def __init__(self, paid_on: dt.date, seq: int | None, receiver: str, note: str):
        self.paid_on, self.seq, self.receiver, self.note = paid_on, seq, receiver, note

    @property
    def year(self) -> int:
        return self.paid_on.year


@dataclass
class Proposal:
    """What the payment form shows before anything is typed."""
    paid_on: str
    voucher: str
    receiver: str
    note: str = ""


# --- numbers ----------------------------------------------------------------------------------------

def next_seq(year: int) -> int:
    last = db.session.execute(sa.select(sa.func.max(Payment.voucher_seq))
                              .where(Payment.voucher_year == year)).scalar()
    return (last or 0) + 1


def holder_of(year: int, seq: int, *, besides: int | None = None) -> Payment | None:
    query = sa.select(Payment).where(Payment.voucher_year == year, Payment.voucher_seq == seq)
    if besides is not None:
        query = query.where(Payment.request_id != besides)
    return db.session.execute(query).scalars().first()


def propose(req: MemberRequest) -> Proposal:
    today = local_today()
    return Proposal(paid_on=fmt_date(today), voucher=voucher_label(today.year, next_seq(today.year)),
                    receiver=req.requester.full_name)


def proposal_of(payment: Payment) -> Proposal:
    return Proposal(paid_on=fmt_date(payment.paid_on), voucher=payment.voucher, receiver=payment.receiver,
                    note=payment.note)


def _decided_on(req: MemberRequest) -> dt.date | None:
    return to_local(req.decided_at).date() if req.decided_at else None


def check(req: MemberRequest, values: dict, *, proposed: str = "", current: Payment | None = None
          ) -> tuple[PaymentInput | None, dict[str, str]]:
    """Read the payment form: ngày chi (dd/mm/yyyy; not after today, not before the committee's
    decision), số phiếu chi (a number, "015" or "PC-015/2026"; left as `proposed` = take the next free
    one), người nhận (required), ghi chú. Returns the input, or the errors by field."""
    errors: dict[str, str] = {}
    raw_date = clean_text(values.get("paid_on"))
    paid_on = parse_vn_date(raw_date)
    if not raw_date:
        errors["paid_on"] = "Vui lòng nhập ngày chi."
    elif paid_on is None:
        errors["paid_on"] = (f"Ngày chi “{raw_date[:20]}” không hợp lệ: nhập theo dạng ngày/tháng/năm, "
                             f"ví dụ {fmt_date(local_today())}.")
    elif paid_on > local_today():
        errors["paid_on"] = f"Ngày chi không được sau hôm nay ({fmt_date(local_today())})."
    elif _decided_on(req) and paid_on < _decided_on(req):
        errors["paid_on"] = (f"Ngày chi không được trước ngày Ban Chấp hành duyệt đề xuất "
                             f"({fmt_date(_decided_on(req))}).")

    raw_voucher = clean_text(values.get("voucher"))
    seq = None
    if not raw_voucher:
        errors["voucher"] = "Vui lòng nhập số phiếu chi."
    elif (current is not None and raw_voucher == current.voucher
          and (paid_on is None or paid_on.year == current.voucher_year)):
        seq = current.voucher_seq           # a correction that keeps its number
    elif raw_voucher != proposed or current is not None:
        match = _VOUCHER.match(raw_voucher.replace(" ", ""))
        if not match or not 1 <= int(match.group(1)) <= SEQ_MAX:
            errors["voucher"] = (f"Số phiếu chi “{raw_voucher[:30]}” không hợp lệ: nhập số thứ tự trong năm, "
                                 f"ví dụ 15 hoặc {voucher_label(local_today().year, 15)}.")
        else:
            seq = int(match.group(1))
            year = int(match.group(2)) if match.group(2) else None
            if paid_on is not None and year is not None and year != paid_on.year:
                errors["voucher"] = (f"Số phiếu chi {voucher_label(year, seq)} thuộc năm {year}, nhưng ngày chi "
                                     f"là {fmt_date(paid_on)}: phiếu chi đánh số theo năm của ngày chi.")
            elif paid_on is not None:
                taken = holder_of(paid_on.year, seq, besides=current.request_id if current else None)
                if taken is not None:
                    errors["voucher"] = _taken_message(paid_on.year, seq, taken)

    receiver = clean_text(values.get("receiver"))
    if not receiver:
        errors["receiver"] = "Vui lòng nhập người nhận tiền (họ tên người ký nhận)."
    elif len(receiver) > RECEIVER_MAX:
        errors["receiver"] = f"Người nhận quá dài (tối đa {RECEIVER_MAX} ký tự)."
    note = clean_text(values.get("note"), multiline=True)
    if len(note) > NOTE_MAX:
        errors["note"] = f"Ghi chú quá dài (tối đa {NOTE_MAX} ký tự)."
    if errors:
        return None, errors
    return PaymentInput(paid_on, seq, receiver, note), {}


def _taken_message(year: int, seq: int, taken: Payment) -> str:
    return (f"Số phiếu chi {voucher_label(year, seq)} đã dùng cho đề xuất #{taken.request_id}. "
            f"Số tiếp theo còn trống: {voucher_label(year, next_seq(year))}.")


def default_input(req: MemberRequest) -> PaymentInput:
    """Paid today, the next number, to the requester: what a payment recorded without a form gets."""
    return PaymentInput(local_today(), None, req.requester.full_name, "")


# --- writing ----------------------------------------------------------------------------------------

def insert(req: MemberRequest, actor, data: PaymentInput) -> Payment:
    """Write the payment record of `req` (called by workflow.apply after the status change, in the
    same transaction). An automatic number (data.seq None) is the next free one of the year, taken
    again if another payment got it first; a typed number already used is refused (InvalidInput)."""
    from .workflow import InvalidInput   # workflow imports this module

    year = data.year
    for _ in range(AUTO_RETRIES):
        seq = data.seq if data.seq is not None else next_seq(year)
        payment = Payment(request_id=req.id, paid_on=data.paid_on, voucher_year=year, voucher_seq=seq,
                          receiver=data.receiver, note=data.note, recorded_by_id=actor.id, recorded_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(payment)
                db.session.flush()
        except IntegrityError:
            if data.seq is not None:
                taken = holder_of(year, seq)
                raise InvalidInput({"voucher": _taken_message(year, seq, taken) if taken else
                                    f"Số phiếu chi {voucher_label(year, seq)} vừa được dùng."}) from None
            continue
        set_committed_value(req, "payment", payment)
        return payment
    raise StaleError("Nhiều phiếu chi đang được ghi cùng lúc; vui lòng thử lại.")


def may_correct(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and Role.ACCOUNTANT in user.roles)


def correct(req: MemberRequest, actor, values: dict, *, expected: int) -> RequestEvent:
    """Change the payment record of a paid request (the accountant only), with a reason. Refuses a
    record changed since the form was shown (`expected`: the record's version it showed; StaleError),
    bad values and a missing reason (InvalidInput). Writes a timeline event and an audit entry with the
    values before and after."""
    from .workflow import InvalidInput

    if not may_correct(actor):
        raise PermissionDenied("Chỉ Kế toán / Thủ quỹ mới được sửa thông tin chi.")
    payment = req.payment
    if payment is None:
        raise StaleError("Đề xuất này chưa được ghi nhận đã chi.")
    if expected != payment.version:
        raise StaleError("Thông tin chi vừa được người khác sửa. Vui lòng tải lại trang rồi thử lại.")
    data, errors = check(req, values, current=payment)
    reason = clean_text(values.get("reason"), multiline=True)
    if not reason:
        errors["reason"] = "Vui lòng nhập lý do sửa."
    elif len(reason) > NOTE_MAX:
        errors["reason"] = f"Lý do quá dài (tối đa {NOTE_MAX} ký tự)."
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(payment)
    after = {"paid_on": fmt_date(data.paid_on), "voucher": voucher_label(data.year, data.seq),
             "receiver": data.receiver, "note": data.note}
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        raise InvalidInput({"reason": "Thông tin chi không có gì thay đổi."})
    now = utcnow()
    try:
        with db.session.begin_nested():
            result = db.session.execute(
                sa.update(Payment).where(Payment.request_id == req.id, Payment.version == payment.version)
                .values(paid_on=data.paid_on, voucher_year=data.year, voucher_seq=data.seq, receiver=data.receiver,
                        note=data.note, corrected_at=now, corrected_by_id=actor.id, version=payment.version + 1)
                .execution_options(synchronize_session=False))
    except IntegrityError:
        raise InvalidInput({"voucher": f"Số phiếu chi {after['voucher']} vừa được dùng cho đề xuất khác."}) from None
    if result.rowcount != 1:
        raise StaleError("Thông tin chi vừa được người khác sửa. Vui lòng tải lại trang rồi thử lại.")
    db.session.refresh(payment)
    labels = {"paid_on": "ngày chi", "voucher": "số phiếu chi", "receiver": "người nhận", "note": "ghi chú"}
    what = "; ".join(f"{labels[k]}: {before[k] or '(trống)'} → {after[k] or '(trống)'}" for k in changed
                     if k != "note") or "ghi chú"
    event = RequestEvent(request_id=req.id, actor_id=actor.id, action="pay_fix", from_status=req.status,
                         to_status=req.status, note=f"{what}. Lý do: {reason}", created_at=now)
    req.events.append(event)
    db.session.flush()
    data_out = {"before": before, "after": after, "changed": changed}
    if req.spec.private:
        for side in ("before", "after"):
            note = data_out[side].pop("note")
            data_out[side]["note_sha256"] = hashlib.sha256(note.encode()).hexdigest() if note else ""
        data_out["reason_sha256"] = hashlib.sha256(reason.encode()).hexdigest()
    else:
        data_out["reason"] = reason
    record("request_payment_corrected", req, actor=actor,
           summary=f"Sửa thông tin chi đề xuất #{req.id} ({req.spec.label}): {', '.join(labels[k] for k in changed)}",
           data=data_out)
    return event


def _snapshot(payment: Payment) -> dict:
    return {"paid_on": fmt_date(payment.paid_on), "voucher": payment.voucher, "receiver": payment.receiver,
            "note": payment.note}


def recent(limit: int = 20) -> list[tuple[Payment, MemberRequest]]:
    """The latest payment records, newest voucher first (the accountant's list)."""
    from sqlalchemy.orm import joinedload
    rows = db.session.execute(
        sa.select(Payment, MemberRequest).join(MemberRequest, MemberRequest.id == Payment.request_id)
        .options(joinedload(MemberRequest.requester))
        .order_by(Payment.voucher_year.desc(), Payment.voucher_seq.desc()).limit(limit)).all()
    return [(p, r) for p, r in rows]
