"""Section II (KẾT QUẢ THỰC HIỆN NHIỆM VỤ): the plans carried out, the support paid, the campaigns and
the documents issued in the period.

Plans of the period: the plans (kind "plan") that were approved, issued or archived (PUBLIC) and
have a task, or a schedule activity, due in the period (inclusive). Their activities are the tasks
due in the period, grouped by the schedule period they were handed out from ("Tháng"), each task's
outcome read from its status and dates now (congdoan/tasks/outcomes.py: done on time, done late,
not done, stopped). An activity due in the period that was never handed out says so, without a
figure. The leaders' result notes are quoted from done tasks of groups (the latest few per plan),
evidence is the files attached to the tasks' history.

Support: requests paid in the period, by the day on their payment record (phiếu chi), with the
amount approved; by kind, private kinds included in the counts and totals but with no name and no
reason anywhere (only kinds and numbers are written). Campaigns of the period: those whose
deadline falls in it, with the requests paid in each. Documents: the register's documents issued
in the period, by the date they were issued.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from flask import url_for

from ...dates import fmt_date
from ...documents.models import SignedDocument
from ...extensions import db
from ...people.models import Group
from ...plans.kinds import PLAN, kind_of as document_kind
from ...plans.models import PUBLIC, Plan, ScheduleActivity, ScheduleRow
from ...member_requests.kinds import KINDS
from ...member_requests.models import Campaign, MemberRequest
from ...member_requests.payments import Payment
from ...member_requests.states import Status
from ...text import plain
from ...tasks.models import Task, TaskEvent
from ...tasks.outcomes import LATE, ON_TIME, OPEN, OUTCOME_LABELS, STOPPED, outcome_column
from ..blocks import Block, Cell, SectionDraft, Table
from .common import fit, iso, money, n, register_link, requests_link, short, tasks_link

NOTES_PER_PLAN = 3
NOTES_READ = 60          # the latest notes read for all plans together (a bound, not a loop)
PUBLIC_VALUES = sorted(s.value for s in PUBLIC)


def _due_in(start: dt.date, end: dt.date):
    return Task.due_date.between(start, end)


def _period_plans():
    return sa.and_(Plan.kind == PLAN.key, Plan.status.in_(PUBLIC_VALUES))


def plans_part(start: dt.date, end: dt.date) -> list[Block]:
    # 1. What came of each activity: one GROUP BY over the period's tasks.
    outcome = outcome_column().label("outcome")
    counted = db.session.execute(
        sa.select(Task.plan_id, Task.period, Task.activity_id, Task.title, outcome, sa.func.count(),
                  sa.func.min(Task.due_date))
        .join(Plan, Plan.id == Task.plan_id)
        .where(_due_in(start, end), _period_plans())
        .group_by(Task.plan_id, Task.period, Task.activity_id, Task.title, outcome)).all()
    # 2. Activities due in the period that were never handed out (archived plans, or not yet).
    idle = db.session.execute(
        sa.select(ScheduleActivity.plan_id, ScheduleRow.period, ScheduleActivity.id, ScheduleActivity.text,
                  ScheduleActivity.due_date)
        .join(ScheduleRow, ScheduleRow.id == ScheduleActivity.row_id)
        .join(Plan, Plan.id == ScheduleActivity.plan_id)
        .where(ScheduleActivity.due_date.between(start, end), _period_plans(),
               ~sa.exists().where(Task.activity_id == ScheduleActivity.id))).all()
    plan_ids = sorted({r[0] for r in counted} | {r[0] for r in idle})
    if not plan_ids:
        return [Block("paragraph", f"Trong kỳ không có kế hoạch nào có hoạt động đến hạn "
                                   f"(từ {fmt_date(start)} đến {fmt_date(end)}).")]
    plans = {p.id: p for p in db.session.execute(
        sa.select(Plan.id, Plan.subject, Plan.number, Plan.doc_date).where(Plan.id.in_(plan_ids))).all()}
    # 3. The leaders' latest notes, 4. evidence: one query each for every plan together.
    notes = db.session.execute(
        sa.select(Task.id, Task.plan_id, Group.name, Task.result_note)
        .join(Group, Group.id == Task.group_id).join(Plan, Plan.id == Task.plan_id)
        .where(_due_in(start, end), _period_plans(), Task.status == "done", Task.result_note != "")
        .order_by(Task.done_at.desc(), Task.id.desc()).limit(NOTES_READ)).all()
    evidence = {pid: (tasks, files) for pid, tasks, files in db.session.execute(
        sa.select(Task.plan_id, sa.func.count(sa.distinct(Task.id)), sa.func.count(TaskEvent.id))
        .join(TaskEvent, TaskEvent.task_id == Task.id).join(Plan, Plan.id == Task.plan_id)
        .where(_due_in(start, end), _period_plans(), TaskEvent.file_id.isnot(None))
        .group_by(Task.plan_id))}

    by_plan: dict[int, dict] = defaultdict(lambda: {"outcomes": defaultdict(int), "periods": {}})
    for plan_id, period, activity_id, title, result, count, first_due in counted:
        entry = by_plan[plan_id]
        entry["outcomes"][result] += count
        slot = entry["periods"].setdefault(period, {"first": first_due, "titles": [], "outcomes": defaultdict(int),
                                                     "idle": []})
        slot["first"] = min(slot["first"], first_due)
        if title not in slot["titles"]:
            slot["titles"].append(title)
        slot["outcomes"][result] += count
    for plan_id, period, activity_id, text, due in idle:
        slot = by_plan[plan_id]["periods"].setdefault(period, {"first": due, "titles": [], "outcomes": defaultdict(int),
                                                                "idle": []})
        slot["first"] = min(slot["first"], due)
        slot["idle"].append(text)
    quoted: dict[int, list] = defaultdict(list)
    for task_id, plan_id, group_name, note in notes:
        if len(quoted[plan_id]) < NOTES_PER_PLAN:
            quoted[plan_id].append((task_id, group_name, note))

    blocks: list[Block] = []
    order = sorted(plan_ids, key=lambda pid: (min(s["first"] for s in by_plan[pid]["periods"].values()), pid))
    for plan_id in order:
        plan, entry = plans[plan_id], by_plan[plan_id]
        outcomes = entry["outcomes"]
        total = sum(outcomes.values())
        name = (f"Kế hoạch số {plan.number} “{plan.subject}”" if plan.number else f"Kế hoạch “{plan.subject}”")
        if total:
            blocks.append(Block("bullet", f"{name}: {n(total)} việc đến hạn trong kỳ.",
                                link=tasks_link(start, end, ke_hoach=plan_id)))
            for key in (ON_TIME, LATE, OPEN, STOPPED):
                if outcomes.get(key):
                    blocks.append(Block("bullet", f"{OUTCOME_LABELS[key]}: {n(outcomes[key])} việc.", level=1,
                                        link=tasks_link(start, end, ke_hoach=plan_id, ket_qua=key)))
            tasks_with, files = evidence.get(plan_id, (0, 0))
            if tasks_with:
                blocks.append(Block("bullet", f"Minh chứng: {n(tasks_with)} việc có minh chứng ({n(files)} tệp).",
                                    level=1, link=tasks_link(start, end, ke_hoach=plan_id, minh_chung=1)))
        else:
            blocks.append(Block("bullet", f"{name}: các hoạt động đến hạn trong kỳ chưa được giao việc trên hệ thống."))
        rows = []
        for period, slot in sorted(entry["periods"].items(), key=lambda item: (item[1]["first"], item[0])):
            titles = "; ".join(plain(t).strip().rstrip(".;").strip() for t in slot["titles"] + slot["idle"])
            if slot["outcomes"]:
                rows.append((Cell(period or "—"), Cell(titles),
                             Cell(_result_text(slot["outcomes"], len(slot["idle"])),
                                  fit(tasks_link(start, end, ke_hoach=plan_id, ky=period),
                                      tasks_link(start, end, ke_hoach=plan_id)))))
            else:
                rows.append((Cell(period or "—"), Cell(titles), Cell("Chưa giao việc trên hệ thống")))
        blocks.append(Block("table", table=Table(columns=("Tháng", "Hoạt động", "Kết quả"), rows=tuple(rows))))
        for task_id, group_name, note in quoted.get(plan_id, []):
            blocks.append(Block("bullet", f"{group_name}: “{short(note)}”", level=1,
                                link=url_for("tasks.detail", task_id=task_id)))
    return blocks


def _result_text(outcomes: dict, idle: int) -> str:
    total = sum(outcomes.values())
    done = outcomes.get(ON_TIME, 0) + outcomes.get(LATE, 0)
    parts = [f"{n(done)}/{n(total)} việc hoàn thành"]
    details = []
    if outcomes.get(ON_TIME):
        details.append(f"{n(outcomes[ON_TIME])} đúng hạn")
    if outcomes.get(LATE):
        details.append(f"{n(outcomes[LATE])} trễ hạn")
    if details:
        parts[0] += " (" + ", ".join(details) + ")"
    if outcomes.get(OPEN):
        parts.append(f"{n(outcomes[OPEN])} chưa hoàn thành")
    if outcomes.get(STOPPED):
        parts.append(f"{n(outcomes[STOPPED])} tạm dừng")
    if idle:
        parts.append(f"{n(idle)} hoạt động chưa giao việc")
    return "; ".join(parts)


def support_part(start: dt.date, end: dt.date) -> list[Block]:
    """The support paid in the period, by kind (counts and sums only: no name, no reason)."""
    R = MemberRequest
    paid = dict(start=iso(start), end=iso(end))
    rows_by_kind = {kind: (int(c or 0), int(s or 0)) for kind, c, s in db.session.execute(
        sa.select(R.kind, sa.func.count(), sa.func.coalesce(sa.func.sum(R.amount_approved), 0))
        .join(Payment, Payment.request_id == R.id)
        .where(R.status == Status.DONE.value, Payment.paid_on.between(start, end))
        .group_by(R.kind))}
    count = sum(c for c, _ in rows_by_kind.values())
    amount = sum(s for _, s in rows_by_kind.values())
    every = requests_link(trang_thai=Status.DONE.value, chi_tu=paid["start"], chi_den=paid["end"])
    if not count:
        return [Block("paragraph", f"Trong kỳ chưa chi hỗ trợ đoàn viên nào (từ {fmt_date(start)} đến "
                                   f"{fmt_date(end)}).", link=every)]
    rows = []
    for code, spec in KINDS.items():
        if code not in rows_by_kind:
            continue
        c, s = rows_by_kind[code]
        link = requests_link(loai=code, trang_thai=Status.DONE.value, chi_tu=paid["start"], chi_den=paid["end"])
        rows.append((Cell(spec.label), Cell(n(c), link), Cell(money(s), link)))
    return [
        Block("paragraph", f"Trong kỳ, công đoàn đã chi hỗ trợ {n(count)} lượt đoàn viên với tổng số tiền "
                           f"{money(amount)}, cụ thể:", link=every),
        Block("table", table=Table(columns=("Nội dung hỗ trợ", "Số người (lượt)", "Số tiền"), rows=tuple(rows),
                                   total=(Cell("Tổng cộng"), Cell(n(count), every), Cell(money(amount), every)))),
    ]


def campaigns_part(start: dt.date, end: dt.date) -> list[Block]:
    R = MemberRequest
    found = db.session.execute(
        sa.select(Campaign.id, Campaign.kind, Campaign.title, Campaign.deadline, sa.func.count(R.id),
                  sa.func.coalesce(sa.func.sum(R.amount_approved), 0))
        .outerjoin(R, sa.and_(R.campaign_id == Campaign.id, R.status == Status.DONE.value))
        .where(Campaign.deadline.between(start, end))
        .group_by(Campaign.id, Campaign.kind, Campaign.title, Campaign.deadline)
        .order_by(Campaign.deadline, Campaign.id)).all()
    blocks = []
    for cid, kind, title, deadline, c, s in found:
        spec = KINDS.get(kind)
        if spec is not None and not spec.payable:       # emulation, suggestions: answered, no money
            text = f"{title} (hạn nhận {fmt_date(deadline)}): {n(c)} đề xuất đã trả lời."
        else:
            text = f"{title} (hạn nhận {fmt_date(deadline)}): {n(c)} đề xuất đã chi, tổng {money(s)}."
        blocks.append(Block("bullet", text, link=requests_link(dot=cid, trang_thai=Status.DONE.value)))
    return blocks


def documents_part(start: dt.date, end: dt.date) -> list[Block]:
    D = SignedDocument
    docs = db.session.execute(
        sa.select(D.plan_id, D.number, D.issued_on, D.subject, D.kind)
        .where(D.issued_on.between(start, end)).order_by(D.issued_on, D.kind, D.seq, D.id)).all()
    if not docs:
        return [Block("paragraph", "Trong kỳ chưa có văn bản nào được ký ban hành trên hệ thống.",
                      link=register_link(start, end))]
    blocks = [Block("paragraph", f"Trong kỳ, Ban Chấp hành đã ban hành {n(len(docs))} văn bản:",
                    link=register_link(start, end))]
    for plan_id, number, issued_on, subject, kind in docs:
        label = document_kind(_kind_key(kind)).label
        blocks.append(Block("bullet", f"{label} số {number} ngày {fmt_date(issued_on)}: {subject}.", level=1,
                            link=url_for("plans.detail", plan_id=plan_id)))
    return blocks


def _kind_key(abbreviation: str) -> str:
    from ...plans.kinds import by_abbreviation
    kind = by_abbreviation(abbreviation)
    return kind.key if kind else PLAN.key


def section(start: dt.date, end: dt.date) -> SectionDraft:
    blocks = [Block("subsection", "Thực hiện các kế hoạch trong kỳ")]
    blocks += plans_part(start, end)
    blocks.append(Block("subsection", "Công tác chăm lo, hỗ trợ đoàn viên"))
    blocks += support_part(start, end)
    campaigns = campaigns_part(start, end)
    if campaigns:
        blocks.append(Block("paragraph", "Các đợt tiếp nhận trong kỳ:"))
        blocks += campaigns
    blocks.append(Block("subsection", "Văn bản đã ban hành"))
    blocks += documents_part(start, end)
    return SectionDraft(title="", blocks=tuple(blocks))
