"""A campaign's signing list (Danh sách ký nhận): the people whose requests were approved or paid, each
with the amount, the voucher number and an empty "Ký nhận" column to sign when receiving the money,
the total in numbers and in words, the place and date, and the signatures (Người lập, Kế toán, Chủ
tịch). Printed on A4 from Word (docxtpl, templates/docx/danh-sach-ky-nhan.docx built by
scripts/build_signing_list_template.py) or Excel (openpyxl, laid out here).

The "Nội dung" of a private kind (health, hardship) is the kind's label only: the list is passed
from hand to hand, the reason is not on it.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import send_file
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins
from sqlalchemy.orm import joinedload, selectinload

from ..dates import date_line, local_today
from ..documents.render import jinja_env
from ..exports import XLSX_MIMETYPE, safe_filename
from ..extensions import db
from ..money import fmt_vnd, vnd_in_words
from ..organisation.models import Organisation
from ..people.models import Group, User
from ..people.audiences import holders
from ..people.roles import Role
from ..text import clean_text
from .models import Campaign, MemberRequest
from .states import Status

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "docx" / "danh-sach-ky-nhan.docx"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "DANH SÁCH KÝ NHẬN"
HEADERS = ("STT", "Họ và tên", "Tổ", "Nội dung", "Số tiền (đồng)", "Số phiếu chi", "Ký nhận")
# Excel column widths (characters), about the Word template's centimetres.
# About 89 characters fill the width of A4 portrait between the margins at 100 %.
WIDTHS = (5, 19, 11, 21, 11, 12, 10)
LINE_PT = 15.5            # one line of 12 pt text


@dataclass
class Row:
    n: int
    name: str
    group: str
    content: str
    amount: int
    voucher: str


@dataclass
class SigningList:
    campaign: Campaign
    rows: list[Row]
    org: Organisation
    signatures: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.rows)

    @property
    def subtitle(self) -> str:
        return clean_text(self.campaign.title)

    @property
    def date_line(self) -> str:
        return date_line(clean_text(self.org.place_name) or "………", local_today())

    @property
    def filename(self) -> str:
        return "danh-sach-ky-nhan-" + safe_filename(self.campaign.title)


def _content(req: MemberRequest) -> str:
    if req.spec.private:
        return req.spec.label
    return clean_text(req.summary) or req.spec.label


def _signatures(user, org: Organisation) -> dict:
    accountants = holders({Role.ACCOUNTANT})
    accountant = user if any(a.id == user.id for a in accountants) else (accountants[0] if accountants else None)
    chairs = holders({Role.CHAIR})
    return {
        "maker": {"title": "NGƯỜI LẬP", "name": user.full_name},
        "accountant": {"title": "KẾ TOÁN", "name": accountant.full_name if accountant else ""},
        "chair": {"title": clean_text(org.chair_title).upper() or "CHỦ TỊCH",
                  "name": chairs[0].full_name if chairs else ""},
    }


def build(campaign: Campaign, user) -> SigningList:
    """The list of `campaign` as `user` prints it: approved and paid requests, by group then by name."""
    from .payments import Payment  # noqa: F401  (defines MemberRequest.payment)
    requests = db.session.execute(
        sa.select(MemberRequest)
        .join(User, User.id == MemberRequest.requester_id)
        .outerjoin(Group, Group.id == MemberRequest.group_id)
        .where(MemberRequest.campaign_id == campaign.id,
               MemberRequest.status.in_([Status.APPROVED.value, Status.DONE.value]),
               MemberRequest.amount_approved.is_not(None))
        .options(joinedload(MemberRequest.requester), joinedload(MemberRequest.group),
                 selectinload(MemberRequest.payment))
        .order_by(sa.case((Group.id.is_(None), 1), else_=0), Group.name_key, User.sort_key, MemberRequest.id)
    ).unique().scalars().all()
    rows = [Row(n=n, name=clean_text(r.requester.full_name), group=clean_text(r.group.name) if r.group else "",
                content=_content(r), amount=r.amount_approved, voucher=r.payment.voucher if r.payment else "")
            for n, r in enumerate(requests, start=1)]
    org = Organisation.get()
    return SigningList(campaign, rows, org, _signatures(user, org))


def context(sheet: SigningList) -> dict:
    """What the Word template places; every value formatted here."""
    org = sheet.org
    return {
        "upper_union": clean_text(org.upper_union).upper(),
        "union_name": clean_text(org.name).upper(),
        "motto_line1": clean_text(org.motto_line1),
        "motto_line2": clean_text(org.motto_line2),
        "subtitle": sheet.subtitle,
        "rows": [dict(n=r.n, name=r.name, group=r.group, content=r.content, amount=fmt_vnd(r.amount, unit=False),
                      voucher=r.voucher) for r in sheet.rows],
        "count": len(sheet.rows),
        "total": fmt_vnd(sheet.total, unit=False),
        "total_words": vnd_in_words(sheet.total),
        "date_line": sheet.date_line,
        "signatures": sheet.signatures,
    }


def docx_bytes(sheet: SigningList) -> bytes:
    from docxtpl import DocxTemplate
    tpl = DocxTemplate(TEMPLATE)
    tpl.render(context(sheet), jinja_env(), autoescape=True)
    props = tpl.docx.core_properties
    props.title = f"{TITLE} {sheet.subtitle}"[:255]
    props.author = clean_text(sheet.org.name)[:255]
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def xlsx_bytes(sheet: SigningList) -> bytes:
    """The list as an A4 portrait sheet: fitted to the page width, the header row printed on every
    page, thin borders round every cell of the table, tall rows to sign in."""
    book = Workbook()
    ws = book.active
    ws.title = "Ký nhận"
    n = len(HEADERS)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    font = "Times New Roman"

    def put(row: int, col: int, value, *, bold=False, italic=False, size=12, align=None, span: int = 1):
        cell = ws.cell(row=row, column=col, value=_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            cell.data_type = "s"            # never a formula, whatever the text starts with
        cell.font = Font(name=font, bold=bold, italic=italic, size=size)
        cell.alignment = align or wrap
        if span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        return cell

    ctx = context(sheet)
    put(1, 1, ctx["upper_union"], align=centre, span=3)
    put(1, 4, ctx["motto_line1"], bold=True, align=centre, span=4)
    put(2, 1, ctx["union_name"], bold=True, align=centre, span=3)
    put(2, 4, ctx["motto_line2"], bold=True, size=13, align=centre, span=4)
    ws.row_dimensions[1].height = 18
    ws.row_dimensions[2].height = 34           # a long union name takes two lines
    put(4, 1, TITLE, bold=True, size=14, align=centre, span=n)
    put(5, 1, ctx["subtitle"], bold=True, size=13, align=centre, span=n)
    ws.row_dimensions[5].height = 34
    header_row = 7
    for col, label in enumerate(HEADERS, start=1):
        put(header_row, col, label, bold=True, align=centre).border = box
    ws.row_dimensions[header_row].height = 32
    row_no = header_row
    for r in sheet.rows:
        row_no += 1
        values = (r.n, r.name, r.group, r.content, r.amount, r.voucher, "")
        for col, value in enumerate(values, start=1):
            cell = put(row_no, col, value, align=centre if col in (1, 6) else None)
            cell.border = box
            if col == 5:
                cell.number_format = "#,##0"
                cell.alignment = Alignment(horizontal="right", vertical="center")
        # Excel does not grow a row for wrapped text on its own: as many lines as the longest cell
        # needs (about 1.2 characters of 12 pt Times per unit of column width), and never less than room to sign.
        lines = max(math.ceil(len(str(v)) / (WIDTHS[i] * 1.2)) for i, v in enumerate(values))
        ws.row_dimensions[row_no].height = max(30, LINE_PT * lines + 6)
    row_no += 1
    put(row_no, 1, f"Tổng cộng: {len(sheet.rows)} người", bold=True, align=centre, span=4)
    total = put(row_no, 5, sheet.total, bold=True, align=Alignment(horizontal="right", vertical="center"))
    total.number_format = "#,##0"
    for col in range(1, n + 1):
        ws.cell(row=row_no, column=col).border = box
    ws.row_dimensions[row_no].height = 24
    row_no += 1
    put(row_no, 1, f"Bằng chữ: {ctx['total_words']}.", italic=True, size=12, span=n)
    row_no += 2
    put(row_no, 4, ctx["date_line"], italic=True, align=Alignment(horizontal="right"), span=4)
    row_no += 1
    spans = ((1, 3), (4, 2), (6, 2))
    for (col, span), key in zip(spans, ("maker", "accountant", "chair")):
        put(row_no, col, ctx["signatures"][key]["title"], bold=True, align=centre, span=span)
        put(row_no + 1, col, "(Ký, ghi rõ họ tên)", italic=True, size=11, align=centre, span=span)
        put(row_no + 5, col, ctx["signatures"][key]["name"], bold=True, align=centre, span=span)

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:G{row_no + 5}"
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.98, right=0.59, top=0.79, bottom=0.79, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.sheet_view.showGridLines = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _send(data: bytes, name: str, mimetype: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def docx_response(sheet: SigningList):
    return _send(docx_bytes(sheet), sheet.filename + ".docx", DOCX_MIMETYPE)


def xlsx_response(sheet: SigningList):
    return _send(xlsx_bytes(sheet), sheet.filename + ".xlsx", XLSX_MIMETYPE)
