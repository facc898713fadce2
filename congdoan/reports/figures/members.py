"""Section I (ĐẶC ĐIỂM TÌNH HÌNH): the members, their groups and the committee, from the records.

Who counts as a member on a day D:
- joined_on is NULL (a member since before the records began) or joined_on <= D, and
- left_on is NULL or left_on > D (on the day they leave they are no longer counted), and
- the account is active, or it has a left_on date. An account deactivated without a leaving date is
  not a membership record (a technical account, one opened by mistake): it is counted on no day.
  A member who leaves is recorded with left_on (which deactivates the account), so they are still
  counted on every day before it.

"At the start" of a period is the end of the day before its first day; "at the end" is the end of
its last day. So members at the end = at the start + joined in the period - left in the period.

A member's group is their current group: the records keep no history of moves between groups, so a
past period is counted by today's groups. The committee is the committee in office now (the chair and vice chairs are on it), for the same
reason.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ...dates import fmt_date
from ...extensions import db
from ...people.models import Gender, Group, User, UserRole
from ...people.audiences import holding
from ...people.roles import COMMITTEE_ROLES, Role
from ..blocks import Block, Cell, SectionDraft, Table
from .common import ONE_DAY, fit, iso, members_link, n, two

FEMALE = Gender.FEMALE.value
NO_GROUP = "Chưa xếp tổ"
NO_REASON = "không ghi lý do"


def counted():
    """Accounts that are membership records (see the module's docstring)."""
    return sa.or_(User.active.is_(True), User.left_on.isnot(None))


def member_on(day: dt.date):
    """The WHERE clause of "a member on `day`" (the module's docstring)."""
    return sa.and_(counted(), sa.or_(User.joined_on.is_(None), User.joined_on <= day),
                   sa.or_(User.left_on.is_(None), User.left_on > day))


def joined_between(start: dt.date, end: dt.date):
    return sa.and_(counted(), User.joined_on.between(start, end))


def left_between(start: dt.date, end: dt.date):
    return User.left_on.between(start, end)


def committee_clause():
    return holding(COMMITTEE_ROLES)


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def section(start: dt.date, end: dt.date) -> SectionDraft:
    before = start - ONE_DAY
    female = User.gender == FEMALE
    # One pass over the accounts for the totals (a handful of sums).
    totals = db.session.execute(sa.select(
        _count_if(member_on(before)), _count_if(sa.and_(member_on(before), female)),
        _count_if(member_on(end)), _count_if(sa.and_(member_on(end), female)),
        _count_if(joined_between(start, end)), _count_if(sa.and_(joined_between(start, end), female)),
        _count_if(left_between(start, end)),
    ).select_from(User)).one()
    at_start, start_women, at_end, end_women, joined, joined_women, left = (int(v or 0) for v in totals)
    reasons = db.session.execute(
        sa.select(User.left_reason, sa.func.count()).where(left_between(start, end))
        .group_by(User.left_reason).order_by(sa.func.count().desc(), User.left_reason)).all()
    by_group = {gid: (int(c or 0), int(w or 0)) for gid, c, w in db.session.execute(
        sa.select(User.group_id, sa.func.count(), _count_if(female)).where(member_on(end))
        .group_by(User.group_id))}
    leader = sa.orm.aliased(User)
    groups = db.session.execute(
        sa.select(Group.id, Group.name, Group.active, leader.full_name)
        .outerjoin(leader, leader.id == Group.leader_id).order_by(Group.name_key)).all()
    committee = db.session.execute(
        sa.select(User.id, User.full_name, UserRole.role).join(UserRole, UserRole.user_id == User.id)
        .where(committee_clause(), UserRole.role.in_((Role.CHAIR.value, Role.VICE_CHAIR.value,
                                                       Role.COMMITTEE.value)))
        .order_by(User.sort_key)).all()

    blocks: list[Block] = [
        Block("subsection", "Tình hình đoàn viên"),
        Block("bullet", f"Tổng số đoàn viên đầu kỳ (tính đến hết ngày {fmt_date(before)}): "
                        f"{n(at_start)}, Nữ: {n(start_women)}.",
              link=members_link(ngay=iso(before))),
        Block("bullet", f"Kết nạp, tiếp nhận trong kỳ (từ {fmt_date(start)} đến {fmt_date(end)}): "
                        f"{n(joined)} đoàn viên, Nữ: {n(joined_women)}.",
              link=members_link(vao_tu=iso(start), vao_den=iso(end))),
        Block("bullet", f"Giảm trong kỳ: {n(left)} đoàn viên"
                        + (" (" + "; ".join(f"{reason or NO_REASON}: {n(c)}" for reason, c in reasons) + ")."
                           if reasons else "."),
              link=members_link(roi_tu=iso(start), roi_den=iso(end))),
    ]
    for reason, c in reasons:
        blocks.append(Block("bullet", f"{(reason or NO_REASON)[:1].upper()}{(reason or NO_REASON)[1:]}: "
                                      f"{n(c)} đoàn viên.", level=1,
                            link=fit(members_link(roi_tu=iso(start), roi_den=iso(end), ly_do=reason or ""),
                                     members_link(roi_tu=iso(start), roi_den=iso(end)))))
    blocks.append(Block("bullet", f"Tổng số đoàn viên cuối kỳ (tính đến hết ngày {fmt_date(end)}): "
                                  f"{n(at_end)}, Nữ: {n(end_women)}.",
                        link=members_link(ngay=iso(end))))

    # The groups: today's groups (the records keep no group history), members at the end of the period.
    rows = []
    active_groups = 0
    for gid, name, active, leader_name in groups:
        count, women = by_group.get(gid, (0, 0))
        if not active and not count:
            continue
        active_groups += 1 if active else 0
        rows.append((Cell(name), Cell(n(count), members_link(ngay=iso(end), to=gid)),
                     Cell(n(women), members_link(ngay=iso(end), to=gid, gioi_tinh=FEMALE)),
                     Cell(leader_name or "")))
    if None in by_group:
        count, women = by_group[None]
        rows.append((Cell(NO_GROUP), Cell(n(count), members_link(ngay=iso(end), to=0)),
                     Cell(n(women), members_link(ngay=iso(end), to=0, gioi_tinh=FEMALE)), Cell("")))
    blocks.append(Block("subsection", "Tổ chức công đoàn"))
    blocks.append(Block("bullet", f"Công đoàn cơ sở chia làm {two(active_groups)} tổ công đoàn; "
                                  f"số đoàn viên của từng tổ (cuối kỳ):",
                        link=members_link(ngay=iso(end))))
    blocks.append(Block("table", table=Table(
        columns=("Tổ công đoàn", "Số đoàn viên", "Nữ", "Tổ trưởng"), rows=tuple(rows),
        total=(Cell("Tổng cộng"), Cell(n(at_end), members_link(ngay=iso(end))),
               Cell(n(end_women), members_link(ngay=iso(end), gioi_tinh=FEMALE)), Cell("")))))
    people = {uid for uid, _, _ in committee}
    chair = next((name for _, name, role in committee if role == Role.CHAIR.value), "")
    vice = [name for _, name, role in committee if role == Role.VICE_CHAIR.value]
    text = f"Ban Chấp hành công đoàn cơ sở gồm {two(len(people))} đồng chí"
    if chair:
        text += f"; Chủ tịch: đồng chí {chair}"
    if vice:
        text += "; Phó Chủ tịch: đồng chí " + ", ".join(vice)
    blocks.append(Block("bullet", text + ".", link=members_link(bch=1)))
    return SectionDraft(title="", blocks=tuple(blocks))
