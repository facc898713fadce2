"""Factories for task tests: a committee of seven, groups with leaders, a plan approved through the
real approval services (the author submits, four of seven vote for), tasks handed out through the
real assignment service."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from congdoan.approvals import services as approvals
from congdoan.extensions import db
from congdoan.plans.document import load_plan_tree
from congdoan.plans.models import Plan, PlanStatus
from congdoan.tasks import operations as tasks
from congdoan.tasks.models import Task

from .conftest import make_group, make_user
from .plan_factories import make_plan

EXAMPLE_SCHEDULE = [
    {"period": "8/2024", "activities": [{"text": "Chuẩn bị cơ sở vật chất cho năm học mới", "groups": [], "due": None}]},
    {"period": "9/2024", "activities": [
        {"text": "Tổ chức **Tết Trung thu** cho con đoàn viên", "groups": ["Tổ Khối 1", "Tổ Khối 2 - 3"], "due": None},
        {"text": "Lập danh sách đoàn viên có hoàn cảnh khó khăn", "groups": [], "due": None}]},
    {"period": "Tháng 10/2024", "activities": [{"text": "Kỷ niệm ngày Phụ nữ Việt Nam 20/10", "groups": [], "due": None}]},
    {"period": "6, 7/2025", "activities": [
        {"text": "Quyết toán kinh phí 6 tháng đầu năm", "groups": [], "due": None},
        {"text": "Tổng kết năm học", "groups": [], "due": "2025-07-15"}]},
    {"period": "Thường xuyên", "activities": [{"text": "Thăm hỏi đoàn viên ốm đau", "groups": [], "due": None}]},
]


@dataclass
class Union:
    chair: object
    vice: object
    accountant: object
    committee: list
    groups: list
    leaders: list
    members: list          # one plain member in each group
    outsider: object       # a member of no group


def make_union() -> Union:
    """A committee of seven (two of them group leaders), three groups with a leader and a member."""
    g1, g2, g3 = make_group("Tổ Khối 1"), make_group("Tổ Khối 2 - 3"), make_group("Tổ Văn phòng")
    chair = make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"], group=g1)
    vice = make_user("Trần Văn Minh", email="pct@thanhto.demo", roles=["vice_chair", "committee"], group=g2)
    accountant = make_user("Phạm Thị Lan", email="ketoan@thanhto.demo", roles=["accountant", "committee"], group=g3)
    lead1 = make_user("Vũ Thị Mai", email="mai@thanhto.demo", roles=["committee"], leads=g1)
    lead2 = make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"], leads=g2)
    lead3 = make_user("Bùi Thị Hương", email="huong@thanhto.demo", leads=g3)          # a leader, not on the committee
    others = [make_user(f"Ủy Viên {i}", email=f"uv{i}@thanhto.demo", roles=["committee"]) for i in (1, 2)]
    members = [make_user("Nguyễn Thị Thanh", email="thanh@thanhto.demo", group=g1),
               make_user("Đặng Thị Phương", email="phuong@thanhto.demo", group=g2),
               make_user("Kiều Thị Trang", email="trang@thanhto.demo", group=g3)]
    outsider = make_user("Người Ngoài Tổ", email="ngoai@thanhto.demo")
    committee = [chair, vice, accountant, lead1, lead2] + others
    return Union(chair, vice, accountant, committee, [g1, g2, g3], [lead1, lead2, lead3], members, outsider)


def approved_plan(u: Union, subject: str = "Hoạt động Công đoàn năm học 2024 - 2025", *, schedule=None,
                  date: str | None = "2024-09-05") -> Plan:
    """A plan approved the way the app approves one: submitted by its author, four votes for."""
    plan = make_plan(u.chair, subject, schedule=schedule if schedule is not None else EXAMPLE_SCHEDULE, date=date)
    approvals.submit(plan, actor=u.chair)
    for voter in (u.chair, u.vice, u.accountant, u.committee[3]):
        approvals.vote(plan, voter=voter, choice="for")
    db.session.commit()
    assert plan.state == PlanStatus.APPROVED
    return plan


def hand_out(plan: Plan, actor, assignments: dict[str, list[int]], *, due: dict[str, str] | None = None) -> list[Task]:
    """Hand out activities (matched by the start of their text) to assignees (group ids, 0 = the
    committee) through the review-screen service; returns the plan's tasks."""
    tree = load_plan_tree(plan.id)
    lines = tasks.review_lines(tree)
    for line in lines:
        chosen = next((a for start, a in assignments.items() if line.activity.text.startswith(start)), None)
        line.include = chosen is not None
        if chosen is not None:
            line.assignees = [a for a in chosen if a not in line.taken]
            line.due_text = (due or {}).get(line.activity.text[:20]) or (line.default.isoformat() if line.default else "")
    tasks.assign(tree, lines, actor=actor)
    db.session.commit()
    return db.session.query(Task).filter_by(plan_id=plan.id).order_by(Task.id).all()


def quick_task(u: Union, *, group=None, due: dt.date | None = None, plan: Plan | None = None) -> Task:
    """One task for a group (or the committee when group is None), on a fresh approved plan."""
    plan = plan or approved_plan(u, schedule=[{"period": "9/2024", "activities": [
        {"text": "Việc thử nghiệm", "groups": [], "due": (due or dt.date(2024, 9, 30)).isoformat()}]}])
    made = hand_out(plan, u.chair, {"Việc thử nghiệm": [group.id if group is not None else 0]})
    return made[-1]
