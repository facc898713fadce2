"""The Excel lists of requests: a campaign's list (its kind's own columns) and any filtered list."""
from __future__ import annotations

from ..dates import fmt_datetime, local_today, to_local, utcnow
from ..exports import Column, xlsx_response
from .kinds import DATE, MONEY, Kind, date_value
from .models import Campaign, MemberRequest
from .states import Status

AMOUNT = "Số tiền duyệt (đồng)"


def _local_date(value):
    return to_local(value).date() if value else None


def _approved(req: MemberRequest):
    return req.amount_approved if req.state in (Status.APPROVED, Status.DONE) else None


def _paid(req: MemberRequest) -> list:
    """Ngày chi, Số phiếu chi, Người nhận: from the payment record (the payment date, a local date)."""
    paid = req.payment
    if paid is not None:
        return [paid.paid_on, paid.voucher, paid.receiver]
    return [_local_date(req.paid_at), "", ""]


PAID_COLUMNS = [Column("Ngày chi", "date"), "Số phiếu chi", "Người nhận"]


def _field_value(kind: Kind, name: str, details: dict):
    f = kind.field(name)
    value = details.get(name)
    if f.type == DATE:
        return date_value(value)
    return value


def campaign_response(campaign: Campaign, requests: list[MemberRequest]):
    kind = campaign.spec
    headers = [Column("STT", "int"), "Họ và tên đoàn viên", "Tổ"]
    headers += [Column(f.label, "money" if f.type == MONEY else "date" if f.type == DATE else "text") for f in kind.fields]
    headers += ["Trạng thái", Column("Ngày gửi", "date"), Column(AMOUNT, "money"), *PAID_COLUMNS, "Ghi chú"]
    rows = []
    for n, req in enumerate(requests, start=1):
        rows.append([n, req.requester.full_name, req.group.name if req.group else ""]
                    + [_field_value(kind, f.name, req.details or {}) for f in kind.fields]
                    + [req.status_label, _local_date(req.submitted_at), _approved(req), *_paid(req),
                       req.decision_note])
    total = sum(_approved(r) or 0 for r in requests)
    return xlsx_response(f"{campaign.title} {local_today().isoformat()}", campaign.title.upper(), headers, rows,
                         totals={AMOUNT: total}, subtitle=_subtitle(len(requests)), sheet_name=kind.label)


def list_response(title: str, requests: list[MemberRequest], filters_text: str = ""):
    headers = [Column("STT", "int"), Column("Mã", "int"), "Loại đề xuất", "Họ và tên đoàn viên", "Tổ", "Đợt",
               "Nội dung", "Trạng thái", Column("Ngày gửi", "date"), Column(AMOUNT, "money"),
               Column("Ngày duyệt", "date"), *PAID_COLUMNS, "Ghi chú của BCH"]
    rows = []
    for n, req in enumerate(requests, start=1):
        rows.append([n, req.id, req.spec.label, req.requester.full_name, req.group.name if req.group else "",
                     req.campaign.title if req.campaign else "", req.summary, req.status_label,
                     _local_date(req.submitted_at), _approved(req), _local_date(req.decided_at),
                     *_paid(req), req.decision_note])
    total = sum(_approved(r) or 0 for r in requests)
    subtitle = _subtitle(len(requests)) + (f" · Lọc: {filters_text}" if filters_text else "")
    return xlsx_response(f"danh sach de xuat {local_today().isoformat()}", title, headers, rows,
                         totals={AMOUNT: total}, subtitle=subtitle)


def _subtitle(n: int) -> str:
    return f"{n} đề xuất · xuất lúc {fmt_datetime(utcnow())}"


