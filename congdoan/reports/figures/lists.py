"""The lists a report's figures link to that had no page the committee could open: the members on a
day, joined or left in a period (the people admin's list is the admin's alone), and the register of
documents issued in a period. Read-only; every filter is a query argument parsed safely (a wrong
value leaves that filter off and says so, never a 500)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, request

from ...dates import fmt_date, parse_iso_date
from ...extensions import db
from ...limits import page_arg, parse_int
from ...pagination import paginate
from ...people.models import GENDER_LABELS, Gender, Group, User
from ...permissions import Perm, requires
from ...web import render
from .members import committee_clause, joined_between, left_between, member_on

bp = Blueprint("figures", __name__, url_prefix="/so-lieu")
PAGE_SIZE = 50


def _day(name: str, wrong: list[str]) -> dt.date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    day = parse_iso_date(raw[:10])
    if day is None or not 1900 <= day.year <= 2100:
        wrong.append(f"“{raw[:20]}” không phải là ngày (năm-tháng-ngày), bỏ qua điều kiện này.")
        return None
    return day


def _range_text(what: str, start, end) -> str:
    if start and end:
        return f"{what} từ {fmt_date(start)} đến {fmt_date(end)}"
    return f"{what} từ {fmt_date(start)}" if start else f"{what} đến {fmt_date(end)}"


def member_filters() -> tuple[list, list[str], list[str]]:
    """The WHERE clauses of the members list's arguments, their description and any warnings."""
    where, said, wrong = [], [], []
    day = _day("ngay", wrong)
    if day:
        where.append(member_on(day))
        said.append(f"đoàn viên tính đến hết ngày {fmt_date(day)}")
    joined_from, joined_to = _day("vao_tu", wrong), _day("vao_den", wrong)
    if joined_from or joined_to:
        where.append(joined_between(joined_from or dt.date(1900, 1, 1), joined_to or dt.date(2100, 12, 31)))
        said.append(_range_text("kết nạp, tiếp nhận", joined_from, joined_to))
    left_from, left_to = _day("roi_tu", wrong), _day("roi_den", wrong)
    if left_from or left_to:
        where.append(left_between(left_from or dt.date(1900, 1, 1), left_to or dt.date(2100, 12, 31)))
        said.append(_range_text("thôi sinh hoạt", left_from, left_to))
    if "ly_do" in request.args:
        reason = (request.args.get("ly_do") or "").strip()[:200]
        where.append(User.left_reason == reason)
        said.append(f"lý do “{reason}”" if reason else "không ghi lý do")
    if "to" in request.args:
        group_id = parse_int(request.args.get("to"), minimum=0)
        if group_id is None:
            wrong.append("Tổ không hợp lệ, bỏ qua điều kiện này.")
        elif group_id == 0:
            where.append(User.group_id.is_(None))
            said.append("chưa xếp tổ")
        else:
            where.append(User.group_id == group_id)
            group = db.session.get(Group, group_id)
            said.append(group.name if group else "tổ không tồn tại")
    gender = request.args.get("gioi_tinh", "")
    if gender:
        if gender in {g.value for g in Gender}:
            where.append(User.gender == gender)
            said.append(GENDER_LABELS[Gender(gender)].lower())
        else:
            wrong.append("Giới tính không hợp lệ, bỏ qua điều kiện này.")
    if request.args.get("bch") == "1":
        where.append(committee_clause())
        said.append("Ban Chấp hành hiện nay")
    return where, said, wrong


@bp.route("/doan-vien")
@requires(Perm.OFFICES_VIEW)
def members():
    """Members counted by a report's figure: on a day, joined or left in a period, by group, gender."""
    where, said, wrong = member_filters()
    total = db.session.execute(sa.select(sa.func.count()).select_from(User).where(*where)).scalar() or 0
    found = paginate(sa.select(User.id, User.full_name, User.gender, User.joined_on, User.left_on,
                               User.left_reason, Group.name.label("group_name"))
                     .outerjoin(Group, Group.id == User.group_id).where(*where)
                     .order_by(User.sort_key, User.id), page_arg(), PAGE_SIZE, total=total, scalars=False)
    return render("figures/members.html", rows=found.items, total=total, page=found.page, pages=found.pages,
                  said=", ".join(said), wrong=wrong, genders=GENDER_LABELS, Gender=Gender)


def register_query(start: dt.date | None, end: dt.date | None):
    from ...documents.models import SignedDocument as D
    where = []
    if start:
        where.append(D.issued_on >= start)
    if end:
        where.append(D.issued_on <= end)
    return sa.select(D.id, D.plan_id, D.number, D.issued_on, D.subject, D.kind, D.signer_name).where(*where)


@bp.route("/van-ban")
@requires(Perm.PLANS_VIEW)
def register():
    """The register of issued documents (every issued document is public), in a period."""
    from ...documents.models import SignedDocument as D
    wrong: list[str] = []
    start, end = _day("tu", wrong), _day("den", wrong)
    found = paginate(register_query(start, end).order_by(D.issued_on, D.kind, D.seq, D.id), page_arg(), PAGE_SIZE,
                     scalars=False)
    said = _range_text("ban hành", start, end) if (start or end) else ""
    return render("figures/register.html", rows=found.items, total=found.total, page=found.page, pages=found.pages,
                  said=said, wrong=wrong)
