"""Build a large union quickly with bulk inserts (SQLAlchemy Core), in the schema the migrations made.

Sizes follow issue 8: 5,000 people in 200 groups, 300 plans with schedules, 30,000 tasks with their
history, 20,000 requests. Everything is deterministic (seeded random) so two runs compare.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random

import sqlalchemy as sa

from congdoan.collation import name_sort_key
from congdoan.extensions import db
from congdoan.finder import fts
from congdoan.text import fold

SIZES = {"people": 5000, "groups": 200, "plans": 300, "tasks": 30000, "requests": 20000}
PASSWORD = "bench-password"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Thị", "Văn", "Thị Thu", "Minh", "Thị Ngọc", "Đức", "Thị Hồng", "Quang", "Thị Mai"]
GIVEN = ["An", "Bình", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hùng", "Hương", "Lan", "Linh", "Long",
         "Mai", "Minh", "Nam", "Ngọc", "Oanh", "Phương", "Quỳnh", "Sơn", "Thảo", "Thủy", "Trang", "Tuấn", "Yến"]
EVENTS = ["Tết Trung thu cho con đoàn viên", "Hội nghị người lao động", "Kỷ niệm ngày Nhà giáo Việt Nam 20/11",
          "Ngày Quốc tế Phụ nữ 8/3", "Tháng Công nhân", "Tết sum vầy", "Khen thưởng con đoàn viên",
          "Hội thao công nhân", "Tham quan học tập", "Thăm hỏi đoàn viên ốm đau"]


def _rows(table: str) -> sa.Table:
    return db.metadata.tables[table]


def _insert(table: str, rows: list[dict], chunk: int = 2000) -> None:
    t = _rows(table)
    for i in range(0, len(rows), chunk):
        db.session.execute(t.insert(), rows[i:i + chunk])


def _activity(rng: random.Random, month: int, k: int) -> str:
    verbs = ["Tổ chức", "Phối hợp với chuyên môn tổ chức", "Triển khai", "Tuyên truyền", "Rà soát, lập danh sách",
             "Sơ kết thi đua và phát động", "Kiểm tra việc thực hiện", "Vận động đoàn viên tham gia"]
    return f"{rng.choice(verbs)} {rng.choice(EVENTS).lower()} (tháng {month}, việc {k + 1})"


def endpoint_ids() -> dict:
    """Who signs in for which page, and the pages only the data set can name."""
    return {
        # dv00016 leads group 1 (the first member after the 15 committee members).
        "logins": {"accountant": "dv00003@bench.demo", "leader": "dv00016@bench.demo"},
        "extra_endpoints": [
            ("home page (group leader)", "/", {}, "leader"),
            ("a group's tasks (leader)", "/viec/to/1", {}, "leader"),
            ("tracking dashboard", "/viec/theo-doi", {}, "chair"),
            ("a plan's progress", "/viec/ke-hoach/1", {}, "chair"),
            ("status change (POST + CSRF)", "/viec/{id}/cap-nhat",
             {"BENCH_METHOD": "POST", "BENCH_IDS": f"1-{CHANGEABLE}", "BENCH_HTMX": "1",
              # What a board's one-tap button sends (its card comes back without the history).
              "BENCH_BODY": "from_status=not_started&to_status=in_progress&view=board&next=%2Fviec%2Fto%2F1"
                            "&note=B%E1%BA%AFt+%C4%91%E1%BA%A7u"},
             "chair"),
            (".docx download (largest plan)", "/ke-hoach/1/tai-ve.docx", {}, "chair"),
            ("requests: all, filtered (accountant)", "/de-xuat/tat-ca?trang_thai=approved", {}, "accountant"),
            ("requests: my requests", "/de-xuat/", {}, "chair"),
            # Every approved request of the union waits here: its header counts and sums them all.
            ("payment inbox (accountant)", "/de-xuat/cho-chi", {}, "accountant"),
            ("home page (accountant)", "/", {}, "accountant"),
        ],
    }


def build(sizes: dict[str, int] | None = None, *, password_hash: str, scale: int = 1) -> dict[str, int]:
    """`scale` multiplies every size: 10 is issue 20's factory union (50,000 people in 2,000 groups, 3,000
    plans, 300,000 tasks, 200,000 requests). The pages the bench measures name the same ids at any scale."""
    sizes = {**{k: v * scale for k, v in SIZES.items()}, **(sizes or {})}
    rng = random.Random(20261123)
    now = dt.datetime(2026, 11, 1, 8, 0)
    counts: dict[str, int] = {}
    # SQLite: the search's FTS5 index would follow every insert and every search text written below
    # through its triggers (25 s more at scale 10); without them until the end, it is built in one pass.
    fts.drop(db.session.connection())

    db.session.execute(_rows("organisation").insert(), [{
        "id": 1, "name": "CĐCS CÔNG TY MAY THÀNH CÔNG", "upper_union": "CÔNG ĐOÀN KHU CÔNG NGHIỆP",
        "place_name": "Hải Phòng", "plan_abbrev": "KH", "body_abbrev": "CĐ", "sign_on_behalf": "TM. BAN CHẤP HÀNH",
        "chair_title": "CHỦ TỊCH", "vice_chair_title": "PHÓ CHỦ TỊCH",
        "motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto_line2": "Độc lập - Tự do - Hạnh phúc",
        "default_recipients": "Như trên;\nLưu: VT.", "updated_at": now, "approval_rule": "half_all",
        "vote_deadline_days": 7}])

    groups = [{"id": i + 1, "name": f"Tổ {i + 1:03d} - Xưởng {i // 20 + 1}",
               "name_key": fold(f"Tổ {i + 1:03d} - Xưởng {i // 20 + 1}"), "active": True, "created_at": now,
               "leader_id": None} for i in range(sizes["groups"])]
    _insert("groups", groups)
    people = []
    for i in range(sizes["people"]):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        people.append({"id": i + 1, "full_name": name, "name_key": fold(name), "sort_key": name_sort_key(name),
                       "email": f"dv{i + 1:05d}@bench.demo",
                       "phone": f"09{i:08d}", "group_id": (i % sizes["groups"]) + 1, "active": True,
                       "password_hash": password_hash, "must_change_password": False, "failed_logins": 0,
                       "created_at": now})
    _insert("users", people)
    # The first 15 people are the executive committee; person 1 chairs, 2 is vice chair, 3 the accountant.
    roles = [{"user_id": 1, "role": "chair"}, {"user_id": 2, "role": "vice_chair"}, {"user_id": 3, "role": "accountant"},
             {"user_id": 4, "role": "admin"}]
    roles += [{"user_id": i, "role": "committee"} for i in range(1, 16)]
    _insert("user_roles", roles)
    # Each group is led by its first member after the committee.
    for g in groups:
        leader = 16 + (g["id"] - 1) % (sizes["people"] - 16)
        db.session.execute(_rows("users").update().where(_rows("users").c.id == leader).values(group_id=g["id"]))
        db.session.execute(_rows("groups").update().where(_rows("groups").c.id == g["id"]).values(leader_id=leader))
    counts.update(groups=len(groups), people=len(people))

    plans, bases, sections, lines, rows, activities, links, versions = [], [], [], [], [], [], [], []
    section_id = line_id = row_id = activity_id = 0
    statuses = ["issued"] * 150 + ["approved"] * 60 + ["draft"] * 50 + ["submitted"] * 20 + ["returned"] * 20
    issued_seq: dict[int, int] = {}
    for p in range(sizes["plans"]):
        year = 2020 + p % 7
        status = statuses[p % len(statuses)]
        subject = (f"Hoạt động Công đoàn năm {year} - {year + 1}" if p % 10 == 0
                   else f"Tổ chức {EVENTS[p % len(EVENTS)]} năm {year} (đợt {p})")
        number = None
        if status == "issued":
            issued_seq[year] = issued_seq.get(year, 0) + 1
            number = f"{issued_seq[year]:02d}/KH-CĐ"
        plan_id = p + 1
        months = 12 if p % 10 == 0 else 3
        per_month = 8 if p == 0 else 5          # plan 1 is the largest: 12 months x 8 activities
        doc_sections, doc_schedule = [], []
        for s in range(4):
            section_id += 1
            title = ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG", "KINH PHÍ", "TỔ CHỨC THỰC HIỆN"][s]
            sections.append({"id": section_id, "plan_id": plan_id, "position": s, "title": title, "rev": 1})
            doc_lines = []
            for k in range(8):
                line_id += 1
                kind = "subsection" if k == 0 else "bullet" if k % 2 else "paragraph"
                text = f"Nội dung {k + 1} của mục {s + 1}: {rng.choice(EVENTS)}, bảo đảm **đúng tiến độ** và an toàn."
                lines.append({"id": line_id, "section_id": section_id, "plan_id": plan_id, "position": k,
                              "kind": kind, "level": 0, "text": text, "rev": 1})
                doc_lines.append({"kind": kind, "text": text, "level": 0})
            doc_sections.append({"title": title, "lines": doc_lines})
        for m in range(months):
            row_id += 1
            month = (8 + m) % 12 + 1
            period = f"{month}/{year if month >= 9 else year + 1}"
            rows.append({"id": row_id, "plan_id": plan_id, "position": m, "period": period, "rev": 1})
            acts = []
            for k in range(per_month):
                activity_id += 1
                text = _activity(rng, month, k)
                activities.append({"id": activity_id, "row_id": row_id, "plan_id": plan_id, "position": k,
                                   "text": text, "due_date": None, "rev": 1})
                group = rng.randint(1, sizes["groups"])
                links.append({"activity_id": activity_id, "group_id": group})
                acts.append({"text": text, "groups": [groups[group - 1]["name"]], "due": None})
            doc_schedule.append({"period": period, "activities": acts})
        bases.append({"id": plan_id, "plan_id": plan_id, "position": 0, "text": "Căn cứ Điều lệ Công đoàn Việt Nam;",
                      "rev": 1})
        author = 1 + p % 15
        plans.append({"id": plan_id, "status": status, "type_name": "KẾ HOẠCH", "subject": subject,
                      "search_key": fold(f"KẾ HOẠCH {subject} {number or ''}"), "period": f"Năm {year}", "year": year,
                      "upper_union": "CÔNG ĐOÀN KHU CÔNG NGHIỆP", "union_name": "CĐCS CÔNG TY MAY THÀNH CÔNG",
                      "place": "Hải Phòng", "doc_date": dt.date(year, 9, 5) if number else None, "number": number,
                      "opening": "", "schedule_title": f"LỊCH CÔNG TÁC NĂM {year}", "recipients": "Như trên;\nLưu: VT.",
                      "sign_on_behalf": "TM. BAN CHẤP HÀNH", "signer_title": "CHỦ TỊCH", "signer_name": people[0]["full_name"],
                      "author_id": author, "created_at": now - dt.timedelta(days=p), "updated_at": now - dt.timedelta(hours=p),
                      "rev": 1, "version_count": 1})
        doc = {"format": 1, "subject": subject, "sections": doc_sections, "schedule": doc_schedule}
        content = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        versions.append({"plan_id": plan_id, "number": 1, "created_at": now, "author_id": author,
                         "summary": "Tạo kế hoạch", "content": content,
                         "content_hash": hashlib.sha256(content.encode()).hexdigest()})
    _insert("plans", plans)
    for table, data in (("plan_bases", bases), ("plan_sections", sections), ("plan_lines", lines),
                        ("schedule_rows", rows), ("schedule_activities", activities), ("activity_groups", links),
                        ("plan_versions", versions)):
        _insert(table, data)
    rounds, votes = [], []
    for plan in plans:
        if plan["status"] == "draft":
            continue
        open_round = plan["status"] == "submitted"
        rounds.append({"plan_id": plan["id"], "number": 1, "status": "open" if open_round else
                       ("returned" if plan["status"] == "returned" else "approved"), "version_number": 1,
                       "content_hash": "0" * 64, "submitted_by_id": plan["author_id"], "submitted_at": now,
                       "deadline_at": now + dt.timedelta(days=7), "rule": "half_all",
                       "decided_at": None if open_round else now, "decision_note": "", "lock_counter": 0})
    _insert("approval_rounds", rounds)
    round_ids = dict(db.session.execute(sa.select(_rows("approval_rounds").c.plan_id, _rows("approval_rounds").c.id)).all())
    for plan in plans:
        if plan["id"] not in round_ids:
            continue
        for voter in range(1, 5 if plan["status"] == "submitted" else 9):
            votes.append({"round_id": round_ids[plan["id"]], "voter_id": voter, "choice": "for", "reason": "",
                          "created_at": now, "updated_at": now, "changes": 0})
    _insert("votes", votes)
    counts.update(plans=len(plans), activities=len(activities), plan_lines=len(lines), votes=len(votes))
    counts.update(_requests(rng, sizes, now))
    counts.update(_tasks(rng, sizes, now, activities, plans))
    # Bulk inserts skip the writers that keep the search texts: rebuild them as the migration does.
    from congdoan.finder.reindex import reindex
    reindex(db.session.connection())
    # And the search texts' FTS5 index (SQLite), dropped above: built once from every row.
    fts.create(db.session.connection())
    # And the tracking pages' counts (congdoan/tasks/counts.py), as `flask tasks recount` does.
    from congdoan.tasks.counts import rebuild
    rebuild(db.session.connection())
    # And the requests' totals per status (congdoan/member_requests/totals.py), as `flask requests recount` does.
    from congdoan.member_requests import totals
    totals.rebuild(db.session.connection())
    _advance_sequences()
    return counts


def _advance_sequences() -> None:
    """The rows above were inserted with their ids given. SQLite's next id is max(id) + 1 anyway;
    PostgreSQL's sequences do not move, so without this every request filed or task made during the run
    collided with row 1 (the mixed run on PostgreSQL once reported 114 errors and 0 requests filed)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].name != "id" or not isinstance(pk[0].type, sa.Integer):
            continue
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


# The first CHANGEABLE tasks are "not started" and assigned to groups: the status-change benchmark
# moves them one by one to "in progress" (a stale-free write, each POST a different task).
CHANGEABLE = 12000


def _tasks(rng: random.Random, sizes: dict, now: dt.datetime, activities: list[dict], plans: list[dict]) -> dict:
    plan_status = {p["id"]: p["status"] for p in plans}
    handed = [a for a in activities if plan_status[a["plan_id"]] in ("approved", "issued")]
    rows_period = {}
    tasks, events = [], []
    task_id = 0
    per_activity = max(1, -(-sizes["tasks"] // len(handed)))
    for a in handed:
        groups = rng.sample(range(1, sizes["groups"] + 1), per_activity)
        for g in groups:
            if task_id >= sizes["tasks"]:
                break
            task_id += 1
            if task_id <= CHANGEABLE:
                status = "not_started"
            else:
                status = rng.choice(["not_started", "in_progress", "done", "done", "blocked"])
            due = dt.date(2026, 1 + (task_id % 12), 28) if task_id % 3 else dt.date(2026, 12, 28)
            leader = 16 + (g - 1) % (sizes["people"] - 16)
            tasks.append({"id": task_id, "plan_id": a["plan_id"], "activity_id": a["id"], "group_id": g,
                          "assignee": g, "title": a["text"], "period": rows_period.get(a["row_id"], ""),
                          "due_date": due, "note": "", "status": status,
                          "result_note": "Đã hoàn thành, báo cáo BCH." if status == "done" else "",
                          "done_at": now if status == "done" else None, "status_changed_at": now,
                          "status_changed_by_id": leader, "created_by_id": 1, "created_at": now, "updated_at": now})
            events.append({"task_id": task_id, "kind": "created", "actor_id": 1, "created_at": now,
                           "from_status": None, "to_status": "not_started", "note": "Giao việc", "file_id": None})
            if status != "not_started":
                events.append({"task_id": task_id, "kind": "status", "actor_id": leader, "created_at": now,
                               "from_status": "not_started", "to_status": status,
                               "note": "Đã xong" if status == "done" else "Đang làm", "file_id": None})
    _insert("tasks", tasks)
    _insert("task_events", events)
    return {"tasks": len(tasks), "task_events": len(events)}


def _requests(rng: random.Random, sizes: dict, now: dt.datetime) -> dict[str, int]:
    """Member requests in every state, with their events, and two campaigns."""
    _insert("campaigns", [
        {"id": 1, "kind": "child_award", "title": "Khen thưởng con đoàn viên năm học 2025 - 2026",
         "description": "Gửi thành tích của con trước ngày 16/9/2026.", "deadline": dt.date(2026, 12, 15),
         "created_by_id": 1, "created_at": now, "updated_at": now},
        {"id": 2, "kind": "child_award", "title": "Khen thưởng con đoàn viên năm học 2024 - 2025",
         "description": "", "deadline": dt.date(2025, 9, 16), "closed_at": now, "closed_by_id": 1,
         "created_by_id": 1, "created_at": now, "updated_at": now}])
    kinds = ["child_award", "sick_visit", "wedding_funeral", "maternity", "hardship", "emulation", "suggestion"]
    flows = {"submitted": [], "confirmed": ["confirm"], "approved": ["confirm", "approve"],
             "done": ["confirm", "approve", "pay"], "refused": ["confirm", "refuse"], "withdrawn": ["withdraw"]}
    states = list(flows)
    requests, events = [], []
    for i in range(sizes["requests"]):
        requester = rng.randint(16, sizes["people"])
        kind = kinds[i % len(kinds)]
        status = states[rng.randrange(len(states))]
        if kind in ("emulation", "suggestion") and status == "approved":
            status = "done"
        group = (requester - 1) % sizes["groups"] + 1
        amount = rng.choice([500_000, 1_000_000, 1_500_000, 2_000_000]) if status in ("approved", "done") else None
        if kind in ("emulation", "suggestion"):
            amount = None if status != "approved" else amount
        child = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        details = ({"child_name": child, "school": "Trường Tiểu học Thành Tô", "class_name": f"{rng.randint(1, 5)}A",
                    "achievement": "Hoàn thành xuất sắc nhiệm vụ học tập", "school_year": "2025 - 2026"}
                   if kind == "child_award" else {"reason": "Nằm viện điều trị", "place": "Bệnh viện Việt Tiệp"})
        submitted = now - dt.timedelta(hours=i)
        requests.append({
            "id": i + 1, "kind": kind, "status": status, "version": 1 + len(flows[status]), "requester_id": requester,
            "group_id": group, "campaign_id": 1 if kind == "child_award" else None, "details": details,
            "summary": f"{child}, lớp {details.get('class_name', '')}" if kind == "child_award" else "Nằm viện điều trị",
            "summary_key": fold(child) if kind == "child_award" else "nam vien dieu tri",
            "amount_approved": amount if status in ("approved", "done") else None,
            "decision_note": "Không đủ điều kiện" if status == "refused" else "",
            "submitted_at": submitted, "updated_at": submitted,
            "confirmed_at": submitted if "confirm" in flows[status] else None,
            "confirmed_by_id": 16 + (group - 1) % (sizes["people"] - 16) if "confirm" in flows[status] else None,
            "decided_at": submitted if status in ("approved", "done", "refused") else None,
            "decided_by_id": 1 if status in ("approved", "done", "refused") else None,
            "paid_at": submitted if status == "done" else None, "paid_by_id": 3 if status == "done" else None})
        previous = None
        for action, to in [("submit", "submitted")] + [(a, {"confirm": "confirmed", "approve": "approved",
                                                           "pay": "done", "refuse": "refused",
                                                           "withdraw": "withdrawn"}[a]) for a in flows[status]]:
            events.append({"request_id": i + 1, "created_at": submitted, "actor_id": requester, "action": action,
                           "from_status": previous, "to_status": to, "note": "", "amount": None})
            previous = to
    _insert("member_requests", requests)
    _insert("request_events", events)
    return {"requests": len(requests), "request_events": len(events)}
