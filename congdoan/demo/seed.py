"""seed-demo: create the demo union. Idempotent: what exists is left as it is."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa

from ..auth.services import set_password
from ..dates import local_today
from ..extensions import db
from ..organisation.models import Organisation
from ..people import offices
from ..people.models import Group, User
from ..people.roles import OFFICES, Role
from ..text import fold
from . import union
from .member_requests import seed_requests


def seed_union(password_method: str) -> dict[str, int]:
    """Create the organisation settings, groups and people that are missing. Returns counts of
    what was created (all zero on a second run)."""
    created = {"organisation": 0, "groups": 0, "people": 0}
    if db.session.get(Organisation, 1) is None:
        db.session.add(Organisation(id=1, **union.ORGANISATION))
        created["organisation"] = 1
    groups = []
    for name in union.GROUPS:
        group = db.session.execute(sa.select(Group).where(Group.name_key == fold(name))).scalar()
        if group is None:
            group = Group()
            group.set_name(name)
            db.session.add(group)
            created["groups"] += 1
        groups.append(group)
    db.session.flush()
    appointed: list[tuple[User, set[Role]]] = []
    for name, local, phone, group_index, roles, leads in union.PEOPLE:
        address = union.email(local)
        user = db.session.execute(sa.select(User).where(User.email == address)).scalar()
        if user is None:
            gender, birth, joined = union.RECORDS.get(local, (None, None, None))
            user = User(email=address, phone=phone, group_id=groups[group_index].id, must_change_password=False,
                        gender=gender, birth_date=dt.date.fromisoformat(birth) if birth else None,
                        joined_on=dt.date.fromisoformat(joined) if joined else None)
            # The same demo password, but a salt (and so a hash) of its own for every account: one
            # shared hash would tell whoever reads the table that all these accounts share a password.
            # 30 scrypt hashes take ~0.25 s each here (the seed pays them once).
            set_password(user, union.DEMO_PASSWORD, password_method)
            user.set_name(name)
            held = {Role(r) for r in roles} & set(OFFICES)
            user.set_roles({Role(r) for r in roles} - held)
            db.session.add(user)
            db.session.flush()
            appointed.append((user, held))
            created["people"] += 1
            if leads and groups[group_index].leader_id is None:
                groups[group_index].leader_id = user.id
    db.session.flush()
    _appoint(appointed)
    db.session.expire_all()            # leaders were just set: let roles and groups be re-read
    created.update(seed_requests())
    return created


def _appoint(appointed: list[tuple[User, set[Role]]]) -> None:
    """Offices through the one service that gives them, as a real union would: the demo's chair is
    the install's first chair (what `create-admin --chair` does), who then gives the others theirs,
    each in the audit trail."""
    for user, held in appointed:
        if Role.CHAIR in held and offices.current_chair() is None:
            offices.set_first_chair(user)
    chair = offices.current_chair()
    if chair is None:
        return
    for user, held in appointed:
        rest = held - {Role.CHAIR}
        if rest - user.stored_roles:
            offices.set_offices(user, rest | (user.stored_roles & set(OFFICES)), actor=chair)


EXAMPLE_PLAN = Path(__file__).with_name("ke_hoach_2023_2024.json")

TRUNG_THU_SUBJECT = "Tổ chức Tết Trung thu cho con đoàn viên năm {year}"


def trung_thu(today: dt.date) -> dict:
    """The draft of the next Tết Trung thu (mid-September), for a visitor to try drafting and approval."""
    year = today.year if today < dt.date(today.year, 9, 10) else today.year + 1
    return {
        "format": 1, "type_name": "KẾ HOẠCH",
        "subject": TRUNG_THU_SUBJECT.format(year=year), "period": f"Tháng 9/{year}",
        "bases": [f"Căn cứ Kế hoạch hoạt động Công đoàn năm học {year} - {year + 1};"],
        "opening": "Ban Chấp hành Công đoàn trường xây dựng kế hoạch tổ chức Tết Trung thu cho các cháu là con "
                   "đoàn viên công đoàn như sau:",
        "sections": [
            {"title": "MỤC ĐÍCH, YÊU CẦU", "lines": [
                {"kind": "bullet", "level": 0, "text": "Tạo niềm vui cho các cháu nhân dịp Tết Trung thu."},
                {"kind": "bullet", "level": 0, "text": "Động viên các cháu có thành tích tốt trong học tập."}]},
            {"title": "NỘI DUNG", "lines": [
                {"kind": "subsection", "level": 0, "text": "Thời gian, địa điểm"},
                {"kind": "paragraph", "level": 0, "text": f"Từ 16 giờ 00 ngày 14/9/{year} tại sân trường."},
                {"kind": "subsection", "level": 0, "text": "Khen thưởng thành tích học tập"},
                {"kind": "paragraph", "level": 0,
                 "text": f"Đoàn viên gửi thành tích của con về kế toán công đoàn **trước ngày 10/9/{year}**."}]},
        ],
        "schedule_title": "", "schedule": [], "recipients": ["Như trên;", "Lưu: VT."],
    }


def seed_plans() -> int:
    """The example 2023-2024 annual plan (structured, from the real Word file) and a small Trung
    thu event plan, both drafted by the chair. Returns how many plans were created."""
    from ..plans.models import Plan
    from ..plans.creating import create_from_document, new_document

    chair = db.session.execute(sa.select(User).where(User.email == union.email("chutich"))).scalar()
    if chair is None:
        return 0
    created = 0
    example = json.loads(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    for doc, summary, alike in ((example, "Nhập kế hoạch năm học 2023 - 2024 (dữ liệu mẫu)", example["subject"]),
                                (trung_thu(local_today()), "Soạn kế hoạch Tết Trung thu (dữ liệu mẫu)",
                                 TRUNG_THU_SUBJECT.format(year="%"))):
        # Seeded again in a later year, the demo keeps the Trung thu draft it has.
        exists = db.session.execute(sa.select(Plan.id).where(Plan.subject.like(alike))).first()
        if exists:
            continue
        full = new_document(doc["subject"], doc.get("period", ""))
        full.update({k: v for k, v in doc.items() if v not in (None, "") or k in ("opening",)})
        full["signature"] = {**full["signature"], "name": full["signature"].get("name") or chair.full_name}
        create_from_document(full, actor=chair, summary=summary)
        created += 1
    db.session.flush()
    return created


# The example plan is approved through the real services (submitted by the chair, four of the seven
# committee members in favour: more than half), and left unsigned so a visitor can try signing.
APPROVERS = ("chutich", "phochutich", "ketoan", "ha.le")


def seed_approval() -> int:
    """Approve the example 2023-2024 plan if it is still a draft. Returns 1 if it did, else 0.
    Needs a request context (the approval services build links for their notifications)."""
    from ..plans.models import Plan, PlanStatus

    plan = db.session.execute(sa.select(Plan).where(Plan.subject == EXAMPLE_SUBJECT)
                              .order_by(Plan.id).limit(1)).scalar()
    if plan is None or plan.state != PlanStatus.DRAFT:
        return 0
    people = {u.email: u for u in db.session.execute(sa.select(User)).scalars()}
    if any(union.email(local) not in people for local in APPROVERS):
        return 0
    _approve(plan, people)
    db.session.flush()
    return 1


def seed_signature() -> int:
    """Give the demo chair a drawn signature image so signing works out of the box."""
    from ..documents.models import UserSignature
    from ..documents.signatures import save_signature

    chair = db.session.execute(sa.select(User).where(User.email == union.email("chutich"))).scalar()
    if chair is None or db.session.get(UserSignature, chair.id) is not None:
        return 0
    save_signature(chair, demo_signature_png())
    return 1


def demo_signature_png(seed: int = 7) -> bytes:
    """A handwriting-like signature drawn with pillow: a looping cursive stroke whose pressure
    varies, and a flourish under it, in blue-black ink on a transparent background."""
    import io
    import math
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    scale = 4                                      # drawn large, then reduced: smooth edges
    width, height = 640, 240
    image = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ink = (22, 38, 120, 255)

    def stroke(points, base_width):
        for i in range(1, len(points)):
            (x0, y0), (x1, y1) = points[i - 1], points[i]
            pressure = 0.55 + 0.45 * math.sin(math.pi * i / len(points))   # thin at both ends
            w = max(1, int(base_width * pressure * scale))
            draw.line([(x0 * scale, y0 * scale), (x1 * scale, y1 * scale)], fill=ink, width=w)
            r = w / 2
            draw.ellipse([x1 * scale - r, y1 * scale - r, x1 * scale + r, y1 * scale + r], fill=ink)

    # The name: a prolate cycloid gives the loops of joined cursive letters, leaning right.
    points = []
    loops = 7
    for i in range(900):
        t = i / 899 * loops * 2 * math.pi
        amplitude = 38 + 14 * math.sin(t / loops * 1.7) + rng.uniform(-0.6, 0.6)
        x = 60 + t * 11.5 - 16 * math.sin(t)
        y = 118 - amplitude * (0.35 + 0.65 * abs(math.cos(t / 2))) * math.cos(t) * 0.9
        x += (118 - y) * 0.35                      # slant
        points.append((x, y))
    stroke(points, 5.5)
    # A tall first letter and the flourish under the name.
    stroke([(70 + 30 * math.sin(a / 40 * math.pi) * (1 - a / 80), 160 - a * 1.6) for a in range(80)], 5)
    flourish = [(40 + s * 5.6, 190 - 26 * math.sin(s / 100 * math.pi * 1.1) + 0.004 * (s - 50) ** 2)
                for s in range(101)]
    stroke(flourish, 4)
    image = image.resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
EXAMPLE_SUBJECT = "Hoạt động Công đoàn năm học 2023 - 2024"
EXAMPLE_FIRST_YEAR = 2023
K1, K23, K45, NK, VP = union.GROUPS
BCH = None                                  # the committee itself
ALL_GROUPS = [K1, K23, K45, NK, VP]
# Which parts of the example schedule the demo hands out, and to whom (folded words of the activity).
DEMO_ASSIGNMENTS = [
    ("tet trung thu cho hs", [K1, K23, K45]),
    ("cam ket va dang ki thi dua", ALL_GROUPS),
    ("thong ke danh sach doan vien", ALL_GROUPS),
    ("so ket thi dua dot 1", [BCH]),
    ("ngay nha giao viet nam", [NK, BCH]),
    ("clb the thao", [NK]),
    ("quyet toan kinh phi cong doan 6 thang cuoi", [VP]),
    ("ra soat, lap danh sach doan vien", ALL_GROUPS),
    ("so ket thi dua dot 2", [BCH]),
    ("tet sum vay", [K1, K23]),
    ("lua chon sgk", [K1, K23, K45]),
    ("qtpn 8/3", [VP, BCH]),
    ("trai nghiem cho dvcd", [BCH]),
    ("quy mai am", ALL_GROUPS),
    ("so ket thi dua dot 3", [BCH]),
    ("thang cong nhan", [K45, NK]),
    ("hoan thien ho so thi dua 2023", [VP]),
    ("quyet toan kinh phi cd 6 thang dau", [VP]),
    ("thanh lap cong doan viet nam", [BCH]),
]
DEMO_RESULTS = [
    "Đã thực hiện xong, báo cáo kết quả với BCH trong cuộc họp tháng.",
    "Hoàn thành đúng hạn; danh sách đã gửi kế toán công đoàn.",
    "Đã tổ chức, 100% đoàn viên của tổ tham gia.",
    "Xong; biên bản lưu tại tổ.",
]


def demo_school_year(today: dt.date) -> int:
    """The first year of the school year the demo shows: the one that was under way three months
    ago, so that the demo always stands some months into its plan, with work done and work ahead
    (on 23/11/2026: 2026 - 2027, begun in August; on 15/09/2027 still 2026 - 2027, near its end)."""
    anchor = today - dt.timedelta(days=90)
    return anchor.year if anchor.month >= 8 else anchor.year - 1


def _current_plan(example, chair: User, today: dt.date):
    """This school year's plan: a copy of the example, its years moved to the current school year,
    made as a committee member makes one (Tạo bản sao, dời năm). The real 2023 - 2024 plan stays as
    it is: the archive the copy comes from. (plans.creating.copy_plan without its form's limit of
    five years, which a demo seeded in 2029 would pass.)"""
    from ..plans.document import shift_years, to_document
    from ..plans.models import Plan
    from ..plans.creating import create_from_document

    shift = demo_school_year(today) - EXAMPLE_FIRST_YEAR
    if shift <= 0:
        return example
    doc = shift_years(to_document(example), shift)
    existing = db.session.execute(sa.select(Plan).where(Plan.subject == doc["subject"])
                                  .order_by(Plan.id).limit(1)).scalar()
    if existing is not None:
        return existing
    doc["date"] = None
    return create_from_document(doc, actor=chair, source=example,
                                summary=f"Tạo từ kế hoạch “{example.subject}”, dời {shift:+d} năm (dữ liệu mẫu)")


def _approve(plan, people: dict[str, User]) -> None:
    """Submit by the chair, four of the seven committee members vote for: more than half."""
    from ..approvals import services as approvals
    from ..plans.models import PlanStatus
    chair = people.get(union.email("chutich"))
    if plan.state != PlanStatus.DRAFT or chair is None:
        return                         # another branch's seed may have approved it already
    approvals.submit(plan, actor=chair)
    for local in APPROVERS:
        if plan.state == PlanStatus.SUBMITTED and union.email(local) in people:
            approvals.vote(plan, voter=people[union.email(local)], choice="for")


def _demo_progress(task, i: int, keeper: User, today: dt.date) -> None:
    """Move a handed-out task as its group would have by `today`: work well past its date mostly
    done, with some still under way, one stuck and a few not begun (overdue, as in life); work due
    soon partly begun; later work not begun."""
    from ..tasks.workflow import action_to, apply

    def move(*steps, note: str = "") -> None:
        for j, status in enumerate(steps):
            apply(task, action_to(task.status, status), keeper, expected=task.version,
                  note=note if j == len(steps) - 1 else "")

    result = DEMO_RESULTS[i % len(DEMO_RESULTS)]
    days_left = (task.due_date - today).days
    if days_left < -21:
        if i % 9 == 4:
            move("blocked", note="Còn thiếu thông tin của 2 đoàn viên nghỉ ốm, tổ đang liên hệ bổ sung.")
        elif i % 7 == 6:
            pass                                                    # not begun: overdue
        elif i % 5 == 2:
            move("in_progress", note="Tổ đã phân công người phụ trách, đang triển khai.")
        else:
            move("in_progress", "done", note=result)
    elif days_left < 0:
        if i % 3 == 0:
            move("in_progress", "done", note=result)
        elif i % 3 == 1:
            move("in_progress", note="Tổ đã phân công người phụ trách, đang triển khai.")
    elif days_left < 45 and i % 2 == 0:
        move("in_progress")


def demo_review_lines(tree) -> list:
    """The review lines of a plan's schedule (tasks.review_lines of its loaded tree) as the demo's chair
    ticks them: the activities DEMO_ASSIGNMENTS names, handed to its groups by their suggested date,
    except those dated before the plan itself."""
    from ..tasks import operations as tasks

    groups = {g.name: g for g in db.session.execute(sa.select(Group)).scalars()}
    lines = tasks.review_lines(tree)
    for line in lines:
        text = fold(line.activity.text)
        names = next((names for words, names in DEMO_ASSIGNMENTS if words in text), None)
        line.include = names is not None and line.default is not None and not (
            tree.doc_date and line.default < tree.doc_date)
        if line.include:
            line.assignees = [0 if n is BCH else groups[n].id for n in names if n is BCH or n in groups]
            line.due_text = line.default.isoformat()
    return lines


def seed_tasks(today: dt.date | None = None) -> int:
    """This school year's plan, copied from the example and approved through the real approval
    services, its schedule handed to the five groups and the committee, and the tasks moved along as
    the leaders would have by today. Does nothing when that plan has tasks already, so running it
    again changes nothing. Returns tasks created."""
    from ..plans.document import load_plan_tree
    from ..plans.models import Plan, PlanStatus
    from ..tasks import operations as tasks
    from ..tasks.models import Task

    today = today or local_today()
    example = db.session.execute(sa.select(Plan).where(Plan.subject == EXAMPLE_SUBJECT)
                                 .order_by(Plan.id).limit(1)).scalar()
    people = {u.email: u for u in db.session.execute(sa.select(User)).scalars()}
    chair = people.get(union.email("chutich"))
    if example is None or chair is None:
        return 0
    plan = _current_plan(example, chair, today)
    _approve(plan, people)
    if plan.state not in (PlanStatus.APPROVED, PlanStatus.ISSUED):
        return 0
    if db.session.execute(sa.select(Task.id).where(Task.plan_id == plan.id).limit(1)).first():
        return 0
    plan = load_plan_tree(plan.id)
    result = tasks.assign(plan, demo_review_lines(plan), actor=chair)
    created = db.session.execute(sa.select(Task).where(Task.plan_id == plan.id)
                                 .order_by(Task.due_date, Task.assignee)).scalars().all()
    for i, task in enumerate(created):
        keeper = task.group.leader if task.group is not None and task.group.leader else chair
        _demo_progress(task, i, keeper, today)
    db.session.flush()
    return result.created
