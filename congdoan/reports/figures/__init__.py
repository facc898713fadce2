"""The year-end report's figures: a period's records counted into report blocks (congdoan/reports/blocks.py).

draft_sections(start, end) returns the four sections of plans/kinds.REPORT.sections, prompts(start, end)
the suggestions for section IV. Both dates are inclusive local (Asia/Ho_Chi_Minh) days.

Every figure (a line with counts, a table cell with a count or an amount) carries the link of a list
filtered to exactly the records it counted: the task list (?tu=&den=&ke_hoach=&ket_qua=&ky=...), the
requests list (?loai=&trang_thai=&chi_tu=&chi_den=&dot=...), the members list and the register of
issued documents (congdoan/reports/figures/lists.py). The rules of what is counted are in each
part's docstring: members.py (section I), results.py (section II).

Cost: each part is a handful of aggregate queries (GROUP BY in the database), bounded by the period's
indexes; no query runs per member, per task or per request (tests/test_report_figures.py counts them).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from ...extensions import db
from ...people.models import Group
from ...plans.kinds import REPORT
from ...member_requests.kinds import KINDS
from ...member_requests.models import MemberRequest
from ...member_requests.queries import local_day_start
from ...member_requests.states import Status
from ...tasks.models import Task, TaskStatus
from ...tasks.outcomes import NOT_ON_TIME, outcome_clause
from ..blocks import Block, SectionDraft
from . import members, results
from .common import check_period, iso, n, requests_link, short, tasks_link, urls

PROMPT_LIMIT = 5

ASSESSMENT = (
    ("Ưu điểm", "(Ban Chấp hành ghi những việc đã làm tốt trong kỳ, dựa trên số liệu ở phần II.)"),
    ("Hạn chế, tồn tại", "(Ban Chấp hành ghi những việc chưa làm được hoặc làm chưa đạt yêu cầu.)"),
    ("Nguyên nhân", "(Ban Chấp hành ghi nguyên nhân của những ưu điểm và hạn chế nêu trên.)"),
)
DIRECTIONS = "(Ban Chấp hành ghi phương hướng, nhiệm vụ trọng tâm của năm học tới; xem các gợi ý từ số liệu.)"


def draft_sections(start: dt.date, end: dt.date) -> list[SectionDraft]:
    """The report's four sections drawn from the records of [start, end]."""
    check_period(start, end)
    titles = REPORT.sections
    with urls():
        situation = members.section(start, end)
        outcome = results.section(start, end)
    return [
        dataclasses.replace(situation, title=titles[0]),
        dataclasses.replace(outcome, title=titles[1]),
        SectionDraft(title=titles[2], from_records=False, blocks=tuple(
            block for heading, prompt in ASSESSMENT
            for block in (Block("subsection", heading), Block("paragraph", prompt)))),
        SectionDraft(title=titles[3], from_records=False, blocks=(Block("paragraph", DIRECTIONS),)),
    ]


def prompts(start: dt.date, end: dt.date) -> list[Block]:
    """Suggestions for section IV from the records, each with the list it was drawn from: the
    activities not done, the groups most often not on time, the kinds of request most often filed.
    Judged as the records stand now: drafted after the period, a task still open is one not done."""
    check_period(start, end)
    out: list[Block] = []
    with urls():
        not_done = db.session.execute(
            sa.select(Task.plan_id, Task.activity_id, Task.title, sa.func.count())
            .where(Task.due_date.between(start, end), Task.status != TaskStatus.DONE.value)
            .group_by(Task.plan_id, Task.activity_id, Task.title)
            .order_by(sa.func.count().desc(), Task.activity_id).limit(PROMPT_LIMIT)).all()
        for plan_id, activity_id, title, count in not_done:
            out.append(Block("bullet", f"Hoạt động chưa hoàn thành trong kỳ, cần tiếp tục hoặc rút kinh nghiệm: "
                                       f"“{short(title, 120)}” ({n(count)} việc chưa xong).",
                             link=tasks_link(start, end, ke_hoach=plan_id, hoat_dong=activity_id,
                                             trang_thai="chua_xong")))
        late = db.session.execute(
            sa.select(Task.group_id, Group.name, sa.func.count()).join(Group, Group.id == Task.group_id)
            .where(Task.due_date.between(start, end), outcome_clause(NOT_ON_TIME))
            .group_by(Task.group_id, Group.name).order_by(sa.func.count().desc(), Group.name)
            .limit(3)).all()
        for group_id, name, count in late:
            out.append(Block("bullet", f"{name} có {n(count)} việc không hoàn thành đúng hạn: cần đôn đốc, hỗ trợ.",
                             link=tasks_link(start, end, to=group_id, ket_qua=NOT_ON_TIME)))
        R = MemberRequest
        asked = db.session.execute(
            sa.select(R.kind, sa.func.count())
            .where(R.submitted_at >= local_day_start(start),
                   R.submitted_at < local_day_start(end + dt.timedelta(days=1)))
            .group_by(R.kind).order_by(sa.func.count().desc(), R.kind).limit(3)).all()
        for kind, count in asked:
            if kind not in KINDS:
                continue
            out.append(Block("bullet", f"Trong kỳ có {n(count)} đề xuất “{KINDS[kind].label}”: cần dự trù "
                                       f"kinh phí, thủ tục cho năm học tới.",
                             link=requests_link(loai=kind, gui_tu=iso(start), gui_den=iso(end))))
    return out
