"""The Excel lists of requests: a campaign's list (its kind's own columns) and any filtered list.

A campaign's list may be a factory's 20,000 requests (issue 20 point 3): it is read with one statement
of plain columns, streamed in batches (a server-side cursor on PostgreSQL), and written row by row
(exports.write_xlsx) into a temporary file sent once complete, so that neither the rows nor the
workbook are ever all in memory. `python -m bench.campaign_export` measures it (docs/speed.md).
"""
from __future__ import annotations

import sqlalchemy as sa

from ..dates import fmt_datetime, local_today, to_local, utcnow
from ..exports import Column, xlsx_file_response
from ..extensions import db
from ..people.models import Group, User
from .kinds import DATE, KINDS, MONEY, Kind, date_value
from .models import Campaign, MemberRequest, status_label
from .payments import Payment, voucher_label
from .queries import COUNTED, visible_to
from .states import Status

# Rows fetched from the database at a time.
BATCH = 1000

AMOUNT = "Số tiền duyệt (đồng)"


def _local_date(value):
    return to_local(value).date() if value else None


PAID_COLUMNS = [Column("Ngày chi", "date"), "Số phiếu chi", "Người nhận"]


def campaign_headers(kind: Kind) -> list:
    headers = [Column("STT", "int"), "Họ và tên đoàn viên", "Tổ"]
    headers += [Column(f.label, "money" if f.type == MONEY else "date" if f.type == DATE else "text") for f in kind.fields]
    return headers + ["Trạng thái", Column("Ngày gửi", "date"), Column(AMOUNT, "money"), *PAID_COLUMNS, "Ghi chú"]


def campaign_query(campaign: Campaign, user):
    """The campaign's list as `user` may see it (every request to the committee and the accountant, who
    alone may export it), in the order of the campaign's page (queries.campaign_requests): every request
    but the withdrawn ones, oldest first, as plain columns with the requester's and the group's names and
    the payment record. Each row also carries how many rows there are, from a subquery of the same
    statement, so the count printed above the list is that of the rows under it even while members file."""
    R = MemberRequest
    where = [R.campaign_id == campaign.id, R.status != Status.WITHDRAWN.value, visible_to(user)]
    # Its own member_requests, never the row's: computed once (uncorrelated) in the statement's snapshot.
    listed = (sa.select(sa.func.count()).select_from(R).where(*where).correlate(None)
              .scalar_subquery().label("listed"))
    return (sa.select(R.id, R.kind, R.status, R.details, R.submitted_at, R.amount_approved, R.paid_at,
                      R.decision_note, User.full_name, Group.name, Payment.request_id, Payment.paid_on,
                      Payment.voucher_year, Payment.voucher_seq, Payment.receiver, listed)
            .join(User, User.id == R.requester_id).outerjoin(Group, Group.id == R.group_id)
            .outerjoin(Payment, Payment.request_id == R.id).where(*where).order_by(R.id))


def campaign_response(campaign: Campaign, user):
    """The campaign's list as an .xlsx download (see the module's docstring)."""
    kind = campaign.spec
    fields = [(f.name, f.type == DATE) for f in kind.fields]
    result, first = _streamed(campaign_query(campaign, user))
    listed = first[0].listed if first else 0
    total = [0]

    def rows():
        for n, (_, kind_code, status, details, submitted_at, amount, paid_at, note, requester, group, payment,
                paid_on, voucher_year, voucher_seq, receiver, _) in enumerate(_batches(result, first), start=1):
            approved = amount if status in COUNTED else None
            total[0] += approved or 0
            details = details or {}
            if payment is not None:
                paid = [paid_on, voucher_label(voucher_year, voucher_seq), receiver]
            else:
                paid = [_local_date(paid_at), "", ""]
            yield ([n, requester, group or ""]
                   + [date_value(details.get(name)) if is_date else details.get(name) for name, is_date in fields]
                   + [status_label(status, kind_code), _local_date(submitted_at), approved, *paid, note])

    try:
        return xlsx_file_response(f"{campaign.title} {local_today().isoformat()}", campaign.title.upper(),
                                  campaign_headers(kind), rows(), totals=lambda: {AMOUNT: total[0]},
                                  subtitle=_subtitle(listed), sheet_name=kind.label)
    finally:
        result.close()


LIST_HEADERS = [Column("STT", "int"), Column("Mã", "int"), "Loại đề xuất", "Họ và tên đoàn viên", "Tổ", "Đợt",
                "Nội dung", "Trạng thái", Column("Ngày gửi", "date"), Column(AMOUNT, "money"),
                Column("Ngày duyệt", "date"), *PAID_COLUMNS, "Ghi chú của BCH"]


def list_query(where: list):
    """Any filtered list (queries.conditions), oldest first, as plain columns with the names, the
    campaign and the payment record, and the number of rows from a subquery of the same statement:
    the filtered list of a factory union may hold 200,000 requests, read like a campaign's."""
    R = MemberRequest
    listed = (sa.select(sa.func.count()).select_from(R).where(*where).correlate(None)
              .scalar_subquery().label("listed"))
    return (sa.select(R.id, R.kind, R.status, R.summary, R.submitted_at, R.amount_approved, R.decided_at,
                      R.paid_at, R.decision_note, User.full_name, Group.name, Campaign.title, Payment.request_id,
                      Payment.paid_on, Payment.voucher_year, Payment.voucher_seq, Payment.receiver, listed)
            .join(User, User.id == R.requester_id).outerjoin(Group, Group.id == R.group_id)
            .outerjoin(Campaign, Campaign.id == R.campaign_id)
            .outerjoin(Payment, Payment.request_id == R.id).where(*where).order_by(R.id))


def _streamed(statement):
    """The statement's result, read BATCH rows at a time (a server-side cursor on PostgreSQL), and the
    first batch already fetched (its rows carry the count the subtitle prints)."""
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    return result, result.fetchmany(BATCH)


def _batches(result, first):
    batch = first
    while batch:
        yield from batch
        batch = None                      # let go before the next is read: one batch in memory at a time
        batch = result.fetchmany(BATCH)


def list_response(title: str, where: list, filters_text: str = ""):
    """A filtered list as an .xlsx download, streamed like a campaign's (the module's docstring)."""
    result, first = _streamed(list_query(where))
    listed = first[0].listed if first else 0
    total = [0]

    def rows():
        for n, (request_id, kind, status, summary, submitted_at, amount, decided_at, paid_at, note, requester,
                group, campaign, payment, paid_on, voucher_year, voucher_seq, receiver, _) in enumerate(
                    _batches(result, first), start=1):
            approved = amount if status in COUNTED else None
            total[0] += approved or 0
            paid = ([paid_on, voucher_label(voucher_year, voucher_seq), receiver] if payment is not None
                    else [_local_date(paid_at), "", ""])
            yield [n, request_id, KINDS[kind].label, requester, group or "", campaign or "", summary,
                   status_label(status, kind), _local_date(submitted_at), approved, _local_date(decided_at),
                   *paid, note]

    subtitle = _subtitle(listed) + (f" · Lọc: {filters_text}" if filters_text else "")
    try:
        return xlsx_file_response(f"danh sach de xuat {local_today().isoformat()}", title, LIST_HEADERS, rows(),
                                  totals=lambda: {AMOUNT: total[0]}, subtitle=subtitle)
    finally:
        result.close()


def _subtitle(n: int) -> str:
    return f"{n} đề xuất · xuất lúc {fmt_datetime(utcnow())}"


