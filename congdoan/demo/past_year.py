"""The demo's past school year (issue 19 point 7): the year before the one the demo shows, lived
through by the real services, each step at the moment it would have happened (dates.clock_at), so
that its year-end report has real records to count.

What it holds, for the school year Y - Y+1 (Y = demo_school_year(today) - 1, 2025 - 2026 on
07/12/2026):
- its plan: a copy of the real 2023 - 2024 example moved to that year, made by the chair in August,
  approved by four of the seven committee members and signed in September of Y. The number is taken
  from the register of the calendar year Y, which is always before the current calendar year (the
  demo's year starts at the latest in the current year, so Y is at most the previous one): the
  current year's register is untouched and the example still signs as 01/KHCĐ-THTT;
- its tasks, handed to the five groups and the committee a few days after signing, and lived through:
  most done on time, some late, a few never done, one stopped (Tạm dừng) and left so; the leaders'
  result notes; photos as evidence on a few;
- its requests, decided and paid across the months: sick visits, a wedding, a funeral, maternity,
  hardship (private kinds among them), one refused, and the Trung thu campaign of children's awards
  with its payout;
- its members: two joined during the year, one left on a transfer and one retired (both accounts
  deactivated by the leaving, their history kept).

Deterministic (no randomness, every date derived from Y) and idempotent: when the year's plan exists,
nothing is created. seed_past_year() returns the period a year-end report covers.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ..dates import LOCAL_TZ, clock_at, local_today
from ..extensions import db
from ..people.models import Group, User
from ..text import fold
from . import union

PAST_CAMPAIGN_TITLE = "Khen thưởng con đoàn viên có thành tích học tập dịp Tết Trung thu năm {year}"


@dataclass
class PastYear:
    """What a year-end report of the demo's past year needs: its period (inclusive local days), its
    label, its plan; and what this run created (all zero when the year existed already)."""
    start: dt.date
    end: dt.date
    label: str
    plan_id: int | None
    created: dict[str, int] = field(default_factory=dict)


def past_school_year(today: dt.date) -> int:
    from .seed import demo_school_year
    return demo_school_year(today) - 1


def _at(day: dt.date, hour: int = 9, minute: int = 0):
    """The clock at `hour`:`minute` local time (Asia/Ho_Chi_Minh) of `day`."""
    return clock_at(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ))


def _photo(name: str, caption: str) -> FileStorage:
    """A small picture standing for a leader's phone photo of the activity."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (480, 320), (236, 242, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 320), fill=(120, 160, 90))
    for i, x in enumerate(range(40, 440, 60)):                    # people standing in a row
        draw.ellipse((x, 120 - (i % 2) * 6, x + 26, 146 - (i % 2) * 6), fill=(90, 60, 40))
        draw.rectangle((x - 4, 148 - (i % 2) * 6, x + 30, 220), fill=((i * 50) % 200 + 40, 80, 140))
    draw.rectangle((60, 20, 420, 80), fill=(179, 38, 30))
    draw.text((80, 40), caption.encode("ascii", "ignore").decode()[:40], fill=(255, 240, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return FileStorage(io.BytesIO(out.getvalue()), filename=name, content_type="image/png")


def seed_past_year(today: dt.date | None = None) -> PastYear | None:
    """Live the demo's past school year through (see the module docstring). Needs the demo union, its
    example plan and the chair's signature (seed_union, seed_plans, seed_signature) and a request
    context (the services build links). Returns the period, or None when the demo is not there (or
    the past year would be the example's own, 2023 - 2024, or earlier)."""
    from ..plans.models import Plan
    from .seed import EXAMPLE_FIRST_YEAR, EXAMPLE_SUBJECT

    today = today or local_today()
    year = past_school_year(today)
    start, end = dt.date(year, 8, 1), dt.date(year + 1, 7, 31)
    label = f"{year} - {year + 1}"
    if year <= EXAMPLE_FIRST_YEAR:
        return None
    people = {u.email.split("@")[0]: u for u in db.session.execute(
        sa.select(User).where(User.email.like(f"%@{union.DOMAIN}"))).scalars()}
    example = db.session.execute(sa.select(Plan).where(Plan.subject == EXAMPLE_SUBJECT)
                                 .order_by(Plan.id).limit(1)).scalar()
    needed = {"chutich", "phochutich", "ketoan", "quantri", "ha.le", "mai.vu", "ngoc.hoang", "hung.do", "huong.bui"}
    if example is None or not needed <= people.keys():
        return None
    subject = f"Hoạt động Công đoàn năm học {label}"
    existing = db.session.execute(sa.select(Plan.id).where(Plan.subject == subject).order_by(Plan.id).limit(1)).scalar()
    if existing is not None:
        return PastYear(start, end, label, existing, {"past_year": 0})
    created = {"past_year": 1}
    former = _members(people, year)
    created["former_members"] = len(former)
    plan = _plan(example, people, year)
    created["past_tasks"] = _tasks(plan, people, year)
    created["past_requests"] = _requests(people | former, year)
    _leavings(former, people["quantri"], year)
    _read_old_notifications(end)
    db.session.flush()
    return PastYear(start, end, label, plan.id, created)


# --- members ---------------------------------------------------------------------------------------

def _members(people: dict[str, User], year: int) -> dict[str, User]:
    """The year's joiners get their joining date; the two who leave during it are created (they were
    members since long before). Returns the leavers by local part."""
    from ..auth.services import TEMP_HASH_METHOD, set_password, temporary_password

    for local, month, day in union.PAST_YEAR_JOINERS:
        user = people.get(local)
        if user is not None and user.joined_on is None:
            user.joined_on = dt.date(year if month >= 8 else year + 1, month, day)
    groups = db.session.execute(sa.select(Group)).scalars().all()
    by_name = {g.name_key: g for g in groups}
    former = {}
    for name, local, phone, group_index, gender, birth, joined, _left, _reason in union.FORMER:
        address = union.email(local)
        user = db.session.execute(sa.select(User).where(User.email == address)).scalar()
        if user is None:
            group = by_name.get(fold(union.GROUPS[group_index]))
            user = User(email=address, phone=phone, group_id=group.id if group else None, must_change_password=True,
                        gender=gender, birth_date=dt.date.fromisoformat(birth), joined_on=dt.date.fromisoformat(joined))
            user.set_name(name)
            # Nobody signs in as a former member: a random password, hashed the fast way.
            set_password(user, temporary_password(), TEMP_HASH_METHOD)
            db.session.add(user)
            db.session.flush()
        former[local] = user
    return former


def _leavings(former: dict[str, User], admin: User, year: int) -> None:
    from ..people import services as people_services

    for _name, local, *_rest, (month, day), reason in union.FORMER:
        user = former[local]
        if user.left_on is not None:
            continue
        left_on = dt.date(year if month >= 8 else year + 1, month, day)
        with _at(left_on, 16, 30):
            people_services.record_leaving(user, left_on, reason, actor=admin)


# --- the plan --------------------------------------------------------------------------------------

def _plan(example, people: dict[str, User], year: int):
    """The example copied to the year (as a committee member copies last year's plan), approved by the
    committee in late August and signed by the chair on 08/09 of the year."""
    from ..approvals import services as approvals
    from ..documents.signing import sign_plan
    from ..plans.document import shift_years, to_document
    from ..plans.creating import create_from_document
    from .seed import APPROVERS, EXAMPLE_FIRST_YEAR

    chair = people["chutich"]
    shift = year - EXAMPLE_FIRST_YEAR
    doc = shift_years(to_document(example), shift)
    doc["date"] = None
    with _at(dt.date(year, 8, 18), 15):
        plan = create_from_document(doc, actor=chair, source=example,
                                    summary=f"Tạo từ kế hoạch “{example.subject}”, dời {shift:+d} năm (dữ liệu mẫu)")
    with _at(dt.date(year, 8, 25), 8, 30):
        approvals.submit(plan, actor=chair)
    for i, local in enumerate(APPROVERS):
        with _at(dt.date(year, 8, 26 + i // 2), 10 + i):
            approvals.vote(plan, voter=people[local], choice="for")
    with _at(dt.date(year, 9, 8), 10):
        sign_plan(plan, actor=chair)
    return plan


# --- the tasks -------------------------------------------------------------------------------------

# The leaders' result notes, quoted by the year-end report.
DONE_NOTES = [
    "Đã tổ chức đúng kế hoạch, 100% đoàn viên của tổ tham gia.",
    "Hoàn thành; danh sách và biên bản đã nộp Ban Chấp hành.",
    "Tổ đã triển khai xong, kết quả báo cáo trong cuộc họp tháng.",
    "Xong; các cháu và gia đình phấn khởi, kinh phí chi đúng dự trù.",
    "Đã thực hiện, hồ sơ lưu tại tổ.",
]
LATE_NOTES = [
    "Hoàn thành muộn do trùng lịch kiểm tra định kỳ của nhà trường.",
    "Xong sau hạn vì thiếu hồ sơ của hai đoàn viên, đã bổ sung đủ.",
]
STOPPED_NOTE = ("Tạm dừng theo chỉ đạo của nhà trường: không tổ chức hoạt động tập trung trong đợt "
                "dịch cúm mùa; chuyển nội dung sang năm học sau.")


def _outcome(i: int) -> str:
    """How task number i (by due date) went: mostly on time, every seventh late, a few never done,
    one stopped (the fourth task: early in the year, while the stop still made sense)."""
    if i == 3:
        return "stopped"
    if i % 11 == 9:
        return "not_started"
    if i % 13 == 6:
        return "in_progress"
    if i % 7 == 5:
        return "late"
    return "on_time"


def _tasks(plan, people: dict[str, User], year: int) -> int:
    from ..plans.document import load_plan_tree
    from ..tasks import operations as tasks
    from ..tasks.models import Task
    from .seed import demo_review_lines

    chair = people["chutich"]
    tree = load_plan_tree(plan.id)
    lines = demo_review_lines(tree)
    assigned_on = dt.date(year, 9, 10)
    with _at(assigned_on, 14):
        result = tasks.assign(tree, lines, actor=chair)
    created = db.session.execute(sa.select(Task).where(Task.plan_id == plan.id)
                                 .order_by(Task.due_date, Task.assignee)).scalars().all()
    photos = 0
    for i, task in enumerate(created):
        keeper = task.group.leader if task.group is not None and task.group.leader else chair
        outcome = _outcome(i)
        begun = max(task.due_date - dt.timedelta(days=12), assigned_on + dt.timedelta(days=1))
        if outcome == "not_started":
            continue
        if outcome != "on_time":               # work done on time is simply reported done
            with _at(begun, 16):
                tasks.update_task(task, actor=keeper, shown=task.status, target="in_progress",
                                  note="Tổ đã phân công người phụ trách, đang triển khai.")
        if outcome == "stopped":
            with _at(begun + dt.timedelta(days=3), 9):
                tasks.update_task(task, actor=keeper, shown=task.status, target="blocked", note=STOPPED_NOTE)
            continue
        if outcome == "in_progress":
            continue
        if outcome == "late":
            done_on, note = task.due_date + dt.timedelta(days=5 + i % 8), LATE_NOTES[i % len(LATE_NOTES)]
        else:
            done_on = max(task.due_date - dt.timedelta(days=i % 4), begun)
            note = DONE_NOTES[i % len(DONE_NOTES)]
        upload = None
        if outcome == "on_time" and i % 6 == 1 and photos < 4:
            photos += 1
            upload = _photo(f"anh-hoat-dong-{i}.png", task.title)
        with _at(done_on, 17):
            tasks.update_task(task, actor=keeper, shown=task.status, target="done", note=note, upload=upload)
    return result.created


# --- the requests ----------------------------------------------------------------------------------

def _requests(people: dict[str, User], year: int) -> int:
    """The year's requests, each filed, confirmed, decided and paid on its own days."""
    from ..member_requests import services, workflow
    from ..member_requests.kinds import KINDS
    from .member_requests import _certificate, _photo as certificate_photo

    chair, vice, accountant = people["chutich"], people["phochutich"], people["ketoan"]
    count = 0

    def day(month: int, dom: int) -> dt.date:
        return dt.date(year if month >= 8 else year + 1, month, dom)

    def file(who: str, kind: str, details: dict, when: dt.date, *, campaign=None, files=()):
        nonlocal count
        with _at(when, 8, 15):
            req = services.submit(people[who], KINDS[kind], details, list(files), campaign=campaign)
        count += 1
        return req

    def step(req, action: str, actor: User, when: dt.date, hour: int = 10, **kw):
        with _at(when, hour):
            workflow.apply(req, action, actor, expected=req.version, **kw)

    # The Trung thu campaign: children's awards for the school year just ended, paid out together.
    values, errors = services.check_campaign(
        "child_award", PAST_CAMPAIGN_TITLE.format(year=year),
        "Ban Chấp hành khen thưởng các cháu là con đoàn viên đạt danh hiệu Hoàn thành xuất sắc nhiệm vụ học tập "
        f"và rèn luyện, hoặc đạt giải cấp quận trở lên, năm học {year - 1} - {year}. Mức khen: 200.000 đ/cháu; "
        "giải cấp thành phố trở lên: 300.000 đ/cháu.", day(9, 12), today=day(8, 20))
    assert not errors, errors
    with _at(day(8, 20), 9):
        campaign = services.create_campaign(values, actor=chair)
    awards = [
        ("yen.tran", "Trần Minh Khôi", "1A3", "Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện", 200_000, 8, 28),
        ("long.pham", "Phạm Gia Hân", "4A2", "Giải Ba Olympic Tiếng Anh cấp thành phố", 300_000, 8, 29),
        ("quang.dao", "Đào Minh Đức", "5A1", "Giải Nhì Hội khỏe Phù Đổng cấp quận", 200_000, 9, 5),
        ("van.doan", "Đoàn Bảo Ngọc", "5A4", "Học sinh Giỏi cấp quận", 200_000, 9, 9),
    ]
    leaders = {g.id: g.leader for g in db.session.execute(sa.select(Group)).scalars()}
    for who, child, class_name, achievement, amount, month, dom in awards:
        details = {"child_name": child, "school": "Trường Tiểu học Thành Tô", "class_name": class_name,
                   "achievement": achievement, "school_year": f"{year - 1} - {year}"}
        photo = certificate_photo(f"giay-khen-{who}.png", _certificate(child, achievement))
        req = file(who, "child_award", details, day(month, dom), campaign=campaign, files=[photo])
        leader = leaders.get(people[who].group_id) or vice
        step(req, "confirm", leader, day(month, dom) + dt.timedelta(days=1), 15)
        step(req, "approve", chair, day(9, 15), 9, amount=amount, note="Theo mức khen của đợt.")
        step(req, "pay", accountant, day(9, 19), 14, note="Chi theo danh sách ký nhận dịp Tết Trung thu.")
    with _at(day(9, 19), 17):
        services.close_campaign(campaign, actor=chair)

    # Visits, weddings and funerals, maternity, hardship: across the months.
    sick = file("tuyet.nguyen", "sick_visit", {"patient": "Bản thân", "from_date": day(10, 14).isoformat(),
                                               "to_date": day(10, 21).isoformat(), "place": "Bệnh viện Việt Tiệp",
                                               "note": "Phẫu thuật khớp gối."}, day(10, 15))
    step(sick, "approve", chair, day(10, 16), amount=500_000, note="Thăm hỏi theo quy chế chi tiêu nội bộ.")
    step(sick, "pay", accountant, day(10, 16), 15, note="Ban Chấp hành đến thăm tại bệnh viện.")

    wedding = file("yen.tran", "wedding_funeral", {"occasion": "Hỷ (cưới hỏi)", "relation": "Bản thân",
                                                   "person_name": "Trần Thị Yến", "event_date": day(11, 22).isoformat(),
                                                   "place": "Nhà văn hóa phường Thành Tô"}, day(11, 10))
    step(wedding, "confirm", people["mai.vu"], day(11, 10), 16)
    step(wedding, "approve", vice, day(11, 12), amount=500_000)
    step(wedding, "pay", accountant, day(11, 20))

    visit = file("quynh.ha", "sick_visit", {"patient": "Con", "patient_name": "Hà Gia Bảo", "from_date": day(12, 2).isoformat(),
                                            "to_date": day(12, 6).isoformat(), "place": "Bệnh viện Trẻ em Hải Phòng"},
                 day(12, 3))
    step(visit, "approve", chair, day(12, 4), amount=300_000)
    step(visit, "pay", accountant, day(12, 5))

    funeral = file("khoa.dinh", "wedding_funeral", {"occasion": "Hiếu (tang lễ)", "relation": "Bố, mẹ (hai bên)",
                                                    "person_name": "Đinh Văn Thịnh", "event_date": day(1, 8).isoformat(),
                                                    "place": "Xã Tân Tiến, huyện An Dương"}, day(1, 8))
    step(funeral, "confirm", people["ngoc.hoang"], day(1, 8), 11)
    step(funeral, "approve", chair, day(1, 8), 14, amount=1_000_000, note="Viếng và phúng theo quy chế.")
    step(funeral, "pay", accountant, day(1, 9))

    hardship = file("thuy.luong", "hardship", {"reason": "Chồng bị tai nạn lao động, phải điều trị dài ngày.",
                                               "amount": 2_000_000}, day(1, 12))
    step(hardship, "approve", chair, day(1, 15), amount=2_000_000, note="Hỗ trợ dịp Tết Nguyên đán.")
    step(hardship, "pay", accountant, day(1, 20))

    refused = file("nam.cao", "wedding_funeral", {"occasion": "Hỷ (cưới hỏi)", "relation": "Người thân khác",
                                                  "person_name": "Cao Thị Huyền", "event_date": day(3, 14).isoformat()},
                   day(3, 2))
    step(refused, "confirm", people["hung.do"], day(3, 3))
    step(refused, "refuse", chair, day(3, 5), note="Quy chế chi tiêu nội bộ chỉ mừng cưới đoàn viên và con của đoàn viên.")

    maternity = file("linh.ta", "maternity", {"birth_date": day(3, 20).isoformat(), "leave_from": day(3, 16).isoformat(),
                                              "leave_to": (day(3, 16) + dt.timedelta(days=182)).isoformat()}, day(3, 25))
    step(maternity, "approve", vice, day(3, 27), amount=500_000, note="Thăm hỏi mẹ và bé.")
    step(maternity, "pay", accountant, day(3, 30))

    home_visit = file("loan.mai", "sick_visit", {"patient": "Bản thân", "from_date": day(4, 6).isoformat(),
                                                    "to_date": day(4, 13).isoformat(), "place": "Điều trị tại nhà"},
                         day(4, 8))
    step(home_visit, "approve", chair, day(4, 9), amount=300_000)
    step(home_visit, "pay", accountant, day(4, 10))

    tip = file("trang.kieu", "suggestion", {"subject": "Tổ chức tham quan hè",
                                            "content": "Đề nghị Ban Chấp hành tổ chức cho đoàn viên tham quan trong "
                                                       "tháng 7, sau khi kết thúc năm học."}, day(5, 6))
    step(tip, "resolve", vice, day(5, 9), note="Ban Chấp hành đã đưa vào kế hoạch hè, thông báo cụ thể trong tháng 6.")
    return count


def _read_old_notifications(end: dt.date) -> None:
    """The year's notifications were read long ago: the bell of a demo account shows this year's news,
    not last year's hundreds."""
    from ..notifications.models import Notification
    cutoff = dt.datetime(end.year, end.month, end.day) + dt.timedelta(days=1)
    db.session.execute(sa.update(Notification).where(Notification.read_at.is_(None), Notification.created_at < cutoff)
                       .values(read_at=Notification.created_at).execution_options(synchronize_session=False))
