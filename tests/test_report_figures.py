"""The year-end report's figures (congdoan/reports/figures): each figure checked against the records
it counts, each link followed as the chair to the list that must show exactly those records, the
period's boundaries inclusive (in Vietnam's local days), a private request counted but never named,
and the number of queries one draft costs."""
from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from congdoan.documents.models import SignedDocument
from congdoan.errors import DomainError
from congdoan.extensions import db
from congdoan.people.models import User
from congdoan.plans.kinds import REPORT
from congdoan.reports.blocks import Table
from congdoan.reports.figures import draft_sections, prompts
from congdoan.member_requests import workflow as request_workflow
from congdoan.member_requests.models import MemberRequest
from congdoan.member_requests.payments import PaymentInput
from congdoan.tasks import operations as task_services
from congdoan.tasks.models import Task

from .conftest import make_user
from .reqkit import act, make_campaign, submit
from .samples import png_bytes, upload
from .task_factories import approved_plan, hand_out, make_union
from .test_query_counts import count_queries

START, END = dt.date(2024, 9, 1), dt.date(2025, 5, 31)

SCHEDULE = [
    {"period": "9/2024", "activities": [
        {"text": "Tổ chức Tết Trung thu cho con đoàn viên", "groups": [], "due": "2024-09-15"},
        {"text": "Lập danh sách đoàn viên khó khăn", "groups": [], "due": "2024-09-30"}]},
    {"period": "10/2024", "activities": [
        {"text": "Kỷ niệm ngày Phụ nữ Việt Nam 20/10", "groups": [], "due": "2024-10-20"}]},
    {"period": "5/2025", "activities": [
        {"text": "Tổng kết hoạt động năm học", "groups": [], "due": "2025-05-31"}]},
    {"period": "6/2025", "activities": [
        {"text": "Chuẩn bị năm học mới", "groups": [], "due": "2025-06-01"}]},
]


def _utc(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute)


def _set_done(task: Task, done_at: dt.datetime, note: str) -> None:
    task.status, task.result_note, task.done_at = "done", note, done_at


def _pay(u, user, kind, amount, paid_on, *, campaign=None, leader=None, submitted=None):
    req = submit(user, kind, campaign=campaign)
    if req.status == "submitted":
        act(req, "confirm", leader)
    act(req, "approve", u.chair, amount=amount)
    request_workflow.apply(req, "pay", u.accountant, expected=req.version, note="",
                           payment=PaymentInput(paid_on, None, user.full_name, ""))
    db.session.commit()
    if submitted is not None:
        req.submitted_at = submitted
        db.session.commit()
    return req


@pytest.fixture
def world(app):
    u = make_union()
    g1, g2, g3 = u.groups
    # Members: genders of the union's people, then joiners and leavers in and around the period.
    for person in [u.chair, u.accountant, u.committee[3], u.committee[4], u.leaders[2], *u.members]:
        person.gender = "female"
    for person in (u.vice, *u.committee[5:]):
        person.gender = "male"
    # u.outsider: gender unknown.
    joined_first = make_user("Hoàng Thị Vào Đầu", group=g1)
    joined_first.joined_on, joined_first.gender = START, "female"
    joined_last = make_user("Lý Văn Vào Cuối", group=g2)
    joined_last.joined_on, joined_last.gender = END, "male"
    joined_after = make_user("Mai Văn Vào Sau", group=g2)
    joined_after.joined_on = END + dt.timedelta(days=1)
    moved = make_user("Tạ Thị Chuyển", group=g3, active=False)
    moved.left_on, moved.left_reason, moved.gender = END, "chuyển công tác", "female"
    retired = make_user("Đào Văn Hưu", group=g1, active=False)
    retired.left_on, retired.left_reason, retired.gender = START, "nghỉ hưu", "male"
    gone_before = make_user("Cao Văn Trước", group=g1, active=False)
    gone_before.left_on, gone_before.left_reason = START - dt.timedelta(days=1), "nghỉ hưu"
    switched_off = make_user("Tài Khoản Khóa", group=g1, active=False)     # no left_on: never counted
    db.session.commit()

    # A plan of the period, handed out, its tasks ending every way a task ends.
    plan = approved_plan(u, "Hoạt động Công đoàn năm học 2024 - 2025", schedule=SCHEDULE)
    tasks = hand_out(plan, u.chair, {"Tổ chức Tết": [g1.id, g2.id], "Lập danh sách": [g1.id, g3.id],
                                     "Kỷ niệm": [g2.id], "Tổng kết": [g3.id], "Chuẩn bị": [g1.id]})
    def pick(prefix, group):
        return next(t for t in tasks if t.title.startswith(prefix) and t.group_id == group.id)
    on_time, late = pick("Tổ chức Tết", g1), pick("Tổ chức Tết", g2)
    stopped, open_ = pick("Lập danh sách", g1), pick("Lập danh sách", g3)
    in_progress, last_day, after = pick("Kỷ niệm", g2), pick("Tổng kết", g3), pick("Chuẩn bị", g1)
    assert len(tasks) == 7
    # Evidence through the real service, before the dates are set by hand.
    task_services.update_task(on_time, actor=u.leaders[0], shown="not_started", note="Ảnh buổi vui Trung thu",
                              upload=upload(png_bytes(), "trung-thu.png"))
    db.session.commit()
    # 23:59 on 15/09 in Vietnam (16:59 UTC): on time; 00:00 on 16/09 in Vietnam (17:00 UTC): late.
    _set_done(on_time, _utc(2024, 9, 15, 16, 59), "Đã tổ chức vui Trung thu cho 45 cháu, tặng quà đầy đủ.")
    _set_done(late, _utc(2024, 9, 15, 17, 0), "Tổ chức muộn một ngày vì mưa bão.")
    stopped.status = "blocked"
    in_progress.status = "in_progress"
    _set_done(last_day, _utc(2025, 5, 31, 10), "Đã họp tổng kết.")
    _set_done(after, _utc(2025, 5, 30, 10), "Chuẩn bị xong sớm.")
    plan.status, plan.number = "issued", "01/KH-CĐ"
    db.session.commit()

    # Requests: paid, unpaid, refused, in and out of the period; one private; a campaign.
    lead = {g1.id: u.leaders[0], g2.id: u.leaders[1], g3.id: u.leaders[2]}
    thanh, phuong, trang = u.members
    wedding_first = _pay(u, thanh, "wedding_funeral", "500.000", START, leader=lead[g1.id],
                         submitted=_utc(2024, 8, 31, 17, 0))        # 00:00 on 01/09 in Vietnam: in the period
    wedding_last = _pay(u, phuong, "wedding_funeral", "700.000", END, leader=lead[g2.id],
                        submitted=_utc(2025, 5, 31, 16, 59))
    wedding_after = _pay(u, thanh, "wedding_funeral", "900.000", END + dt.timedelta(days=1), leader=lead[g1.id],
                         submitted=_utc(2025, 5, 31, 17, 0))       # 00:00 on 01/06 in Vietnam: outside
    private = _pay(u, trang, "sick_visit", "1.000.000", dt.date(2024, 12, 10), submitted=_utc(2024, 12, 1, 3))
    unpaid = submit(phuong, "hardship")
    act(unpaid, "approve", u.chair, amount="2.000.000")
    refused = submit(thanh, "wedding_funeral")
    act(refused, "confirm", lead[g1.id])
    act(refused, "refuse", u.chair)
    campaign = make_campaign(u.chair, title="Khen thưởng con đoàn viên năm học 2024 - 2025")
    award = _pay(u, phuong, "child_award", "300.000", dt.date(2024, 9, 20), campaign=campaign, leader=lead[g2.id])
    campaign.deadline = dt.date(2024, 9, 16)
    emulation = make_campaign(u.chair, kind="emulation", title="Đăng ký thi đua năm học 2024 - 2025")
    registered = submit(thanh, "emulation", campaign=emulation)
    act(registered, "confirm", lead[g1.id])
    act(registered, "resolve", u.chair)
    emulation.deadline = dt.date(2024, 10, 5)
    for req in (unpaid, refused, award):
        req.submitted_at = _utc(2024, 9, 10, 3)
    db.session.commit()

    # The register: the plan issued in the period, another document after it.
    other = approved_plan(u, "Kế hoạch tổ chức Tháng Công nhân 2025", schedule=[])
    other.status, other.number = "issued", "02/KH-CĐ"
    for p, seq, day in ((plan, 1, dt.date(2024, 9, 5)), (other, 2, END + dt.timedelta(days=1))):
        db.session.add(SignedDocument(plan_id=p.id, year=day.year, kind="KH", seq=seq, number=p.number, issued_on=day,
                                      signer_id=u.chair.id, signer_name=u.chair.full_name, signer_title="CHỦ TỊCH",
                                      subject=p.subject, verify_code=f"MA{seq:04d}", sha256="0" * 64, size=1,
                                      docx=b"x"))
    db.session.commit()
    return SimpleNamespace(
        u=u, plan=plan, other=other, campaign=campaign, emulation=emulation, registered=registered,
        tasks=SimpleNamespace(on_time=on_time, late=late, stopped=stopped, open=open_, in_progress=in_progress,
                              last_day=last_day, after=after),
        requests=SimpleNamespace(wedding_first=wedding_first, wedding_last=wedding_last, wedding_after=wedding_after,
                                 private=private, unpaid=unpaid, refused=refused, award=award),
        people=SimpleNamespace(joined_first=joined_first, joined_last=joined_last, joined_after=joined_after,
                               moved=moved, retired=retired, gone_before=gone_before, switched_off=switched_off))


# --- helpers --------------------------------------------------------------------------------------

def _sections(start=START, end=END):
    return {s.title: s for s in draft_sections(start, end)}


def _line(section, starts: str):
    found = [b for b in section.blocks if b.text.startswith(starts)]
    assert len(found) == 1, (starts, [b.text for b in section.blocks])
    return found[0]


def _tables(section):
    return [b.table for b in section.blocks if b.kind == "table"]


def _task_ids(client, link) -> set[int]:
    response = client.get(link)
    assert response.status_code == 200, link
    return {int(i) for i in re.findall(r'id="task-(\d+)"', response.get_data(as_text=True))}


def _request_ids(client, link) -> set[int]:
    response = client.get(link)
    assert response.status_code == 200, link
    return {int(i) for i in re.findall(r'href="/de-xuat/(\d+)"', response.get_data(as_text=True))}


def _member_names(client, link) -> tuple[int, set[str]]:
    response = client.get(link)
    assert response.status_code == 200, link
    html = response.get_data(as_text=True)
    total = int(re.search(r'id="members-total">([\d.]+)<', html).group(1).replace(".", ""))
    names = set(re.findall(r'<td data-label="Họ và tên">([^<]+)</td>', html))
    return total, names


def _members_on(day: dt.date) -> set[str]:
    """Independently of the code under test: who is a member on `day` by the documented rule."""
    people = db.session.execute(sa.select(User)).scalars().all()
    return {p.full_name for p in people
            if (p.active or p.left_on is not None)
            and (p.joined_on is None or p.joined_on <= day) and (p.left_on is None or p.left_on > day)}


# --- section I ------------------------------------------------------------------------------------

def test_members_at_start_and_end_joined_and_left(world, signed_in):
    client = signed_in(world.u.chair)
    situation = _sections()[REPORT.sections[0]]
    at_start = _members_on(START - dt.timedelta(days=1))
    at_end = _members_on(END)
    women_start = len([n for n in at_start if db.session.execute(sa.select(User.gender).where(User.full_name == n)).scalar() == "female"])
    assert "Đào Văn Hưu" in at_start and "Cao Văn Trước" not in at_start and "Tài Khoản Khóa" not in at_start
    assert "Lý Văn Vào Cuối" in at_end and "Tạ Thị Chuyển" not in at_end and "Mai Văn Vào Sau" not in at_end

    first = _line(situation, "Tổng số đoàn viên đầu kỳ")
    assert first.text == (f"Tổng số đoàn viên đầu kỳ (tính đến hết ngày 31/08/2024): {len(at_start)}, "
                          f"Nữ: {women_start}.")
    assert _member_names(client, first.link) == (len(at_start), at_start)

    last = _line(situation, "Tổng số đoàn viên cuối kỳ")
    assert last.text.startswith(f"Tổng số đoàn viên cuối kỳ (tính đến hết ngày 31/05/2025): {len(at_end)}, Nữ: ")
    assert _member_names(client, last.link) == (len(at_end), at_end)

    joined = _line(situation, "Kết nạp, tiếp nhận trong kỳ")
    assert "01/09/2024" in joined.text and "31/05/2025" in joined.text
    assert ": 2 đoàn viên, Nữ: 1." in joined.text
    assert _member_names(client, joined.link) == (2, {"Hoàng Thị Vào Đầu", "Lý Văn Vào Cuối"})

    left = _line(situation, "Giảm trong kỳ")
    assert left.text == "Giảm trong kỳ: 2 đoàn viên (chuyển công tác: 1; nghỉ hưu: 1)."
    assert _member_names(client, left.link) == (2, {"Tạ Thị Chuyển", "Đào Văn Hưu"})
    assert _member_names(client, _line(situation, "Nghỉ hưu").link) == (1, {"Đào Văn Hưu"})
    assert _member_names(client, _line(situation, "Chuyển công tác").link) == (1, {"Tạ Thị Chuyển"})
    # The identity the docstring promises.
    assert len(at_end) == len(at_start) + 2 - 2


def test_groups_table_and_committee(world, signed_in):
    client = signed_in(world.u.chair)
    situation = _sections()[REPORT.sections[0]]
    g1, g2, g3 = world.u.groups
    at_end = _members_on(END)
    assert _line(situation, "Công đoàn cơ sở chia làm 03 tổ công đoàn")
    table = _tables(situation)[0]
    assert table.columns == ("Tổ công đoàn", "Số đoàn viên", "Nữ", "Tổ trưởng")
    rows = {row[0].text: row for row in table.rows}
    assert set(rows) == {g1.name, g2.name, g3.name, "Chưa xếp tổ"}
    for group in (g1, g2, g3):
        expected = {u.full_name for u in db.session.execute(sa.select(User).where(User.group_id == group.id))
                    .scalars() if u.full_name in at_end}
        women = {u.full_name for u in db.session.execute(sa.select(User).where(User.group_id == group.id,
                                                                               User.gender == "female"))
                 .scalars() if u.full_name in at_end}
        row = rows[group.name]
        assert row[1].text == str(len(expected)) and row[2].text == str(len(women))
        assert _member_names(client, row[1].link) == (len(expected), expected)
        assert _member_names(client, row[2].link) == (len(women), women)
    assert rows[g3.name][3].text == "Bùi Thị Hương"
    assert rows["Chưa xếp tổ"][1].text == "3"        # the two committee members and the outsider
    assert table.total[1].text == str(len(at_end))
    committee = _line(situation, "Ban Chấp hành công đoàn cơ sở gồm 07 đồng chí")
    assert "Chủ tịch: đồng chí Nguyễn Thị Hoa" in committee.text
    assert "Phó Chủ tịch: đồng chí Trần Văn Minh" in committee.text
    assert _member_names(client, committee.link)[0] == 7


# --- section II: the plans ------------------------------------------------------------------------

def test_plan_results_by_outcome_with_links(world, signed_in):
    client = signed_in(world.u.chair)
    results = _sections()[REPORT.sections[1]]
    t = world.tasks
    head = _line(results, "Kế hoạch số 01/KH-CĐ “Hoạt động Công đoàn năm học 2024 - 2025”")
    counted = {t.on_time.id, t.late.id, t.stopped.id, t.open.id, t.in_progress.id, t.last_day.id}
    assert head.text.endswith(": 6 việc đến hạn trong kỳ.")
    assert _task_ids(client, head.link) == counted            # 01/06/2025 is outside, 31/05/2025 inside
    expected = {"Hoàn thành đúng hạn": ({t.on_time.id, t.last_day.id}, 2),
                "Hoàn thành trễ hạn": ({t.late.id}, 1),
                "Chưa hoàn thành": ({t.open.id, t.in_progress.id}, 2),
                "Tạm dừng": ({t.stopped.id}, 1)}
    for label, (ids, count) in expected.items():
        line = _line(results, label + ":")
        assert line.level == 1 and line.text == f"{label}: {count} việc."
        assert _task_ids(client, line.link) == ids, label
    evidence = _line(results, "Minh chứng:")
    assert evidence.text == "Minh chứng: 1 việc có minh chứng (1 tệp)."
    assert _task_ids(client, evidence.link) == {t.on_time.id}


def test_plan_table_month_by_month_and_leaders_notes(world, signed_in):
    client = signed_in(world.u.chair)
    results = _sections()[REPORT.sections[1]]
    t = world.tasks
    table = next(tb for tb in _tables(results) if tb.columns == ("Tháng", "Hoạt động", "Kết quả"))
    rows = [(r[0].text, r[1].text, r[2].text) for r in table.rows]
    assert [r[0] for r in rows] == ["9/2024", "10/2024", "5/2025"]
    assert rows[0][1] == "Tổ chức Tết Trung thu cho con đoàn viên; Lập danh sách đoàn viên khó khăn"
    assert rows[0][2] == "2/4 việc hoàn thành (1 đúng hạn, 1 trễ hạn); 1 chưa hoàn thành; 1 tạm dừng"
    assert rows[1][2] == "0/1 việc hoàn thành; 1 chưa hoàn thành"
    assert _task_ids(client, table.rows[0][2].link) == {t.on_time.id, t.late.id, t.stopped.id, t.open.id}
    assert _task_ids(client, table.rows[2][2].link) == {t.last_day.id}
    g1, g2, g3 = world.u.groups
    notes = [b.text for b in results.blocks if b.kind == "bullet" and "“" in b.text and b.level == 1]
    assert f"{g1.name}: “Đã tổ chức vui Trung thu cho 45 cháu, tặng quà đầy đủ.”" in notes
    assert f"{g2.name}: “Tổ chức muộn một ngày vì mưa bão.”" in notes
    assert not any("Chuẩn bị xong sớm" in n for n in notes)      # due after the period


# --- section II: support, campaigns, documents ----------------------------------------------------

def test_support_paid_in_the_period_by_kind(world, signed_in):
    client = signed_in(world.u.chair)
    results = _sections()[REPORT.sections[1]]
    r = world.requests
    intro = _line(results, "Trong kỳ, công đoàn đã chi hỗ trợ")
    assert intro.text == "Trong kỳ, công đoàn đã chi hỗ trợ 4 lượt đoàn viên với tổng số tiền 2.500.000 đ, cụ thể:"
    every = {r.wedding_first.id, r.wedding_last.id, r.private.id, r.award.id}
    assert _request_ids(client, intro.link) == every
    table = next(tb for tb in _tables(results) if tb.columns[0] == "Nội dung hỗ trợ")
    rows = {row[0].text: row for row in table.rows}
    assert {k: (v[1].text, v[2].text) for k, v in rows.items()} == {
        "Khen thưởng con đoàn viên": ("1", "300.000 đ"),
        "Thăm hỏi ốm đau": ("1", "1.000.000 đ"),
        "Hiếu, hỷ": ("2", "1.200.000 đ")}
    assert _request_ids(client, rows["Hiếu, hỷ"][1].link) == {r.wedding_first.id, r.wedding_last.id}
    assert _request_ids(client, rows["Thăm hỏi ốm đau"][2].link) == {r.private.id}
    assert [c.text for c in table.total] == ["Tổng cộng", "4", "2.500.000 đ"]
    assert _request_ids(client, table.total[2].link) == every
    # The list's own total agrees with the figure.
    assert "2.500.000 đ" in client.get(table.total[2].link).get_data(as_text=True)


def test_a_private_request_is_counted_but_never_named(world):
    private = world.requests.private
    sections = draft_sections(START, END)
    text = json.dumps([[b.text, b.table.to_json() if b.table else ""] for s in sections for b in s.blocks],
                      ensure_ascii=False) + json.dumps([b.text for b in prompts(START, END)], ensure_ascii=False)
    assert "1.000.000 đ" in text
    assert private.requester.full_name not in text
    for value in private.details.values():
        assert str(value) not in text, value


def test_campaign_and_documents_of_the_period(world, signed_in):
    client = signed_in(world.u.chair)
    results = _sections()[REPORT.sections[1]]
    line = _line(results, "Khen thưởng con đoàn viên năm học 2024 - 2025 (hạn nhận 16/09/2024)")
    assert line.text.endswith(": 1 đề xuất đã chi, tổng 300.000 đ.")
    assert _request_ids(client, line.link) == {world.requests.award.id}
    answered = _line(results, "Đăng ký thi đua năm học 2024 - 2025 (hạn nhận 05/10/2024)")
    assert answered.text.endswith(": 1 đề xuất đã trả lời.")      # no money for a kind that is not paid
    assert _request_ids(client, answered.link) == {world.registered.id}
    docs = _line(results, "Trong kỳ, Ban Chấp hành đã ban hành")
    assert docs.text == "Trong kỳ, Ban Chấp hành đã ban hành 1 văn bản:"
    page = client.get(docs.link).get_data(as_text=True)
    assert "01/KH-CĐ" in page and "02/KH-CĐ" not in page and 'id="register-total">1<' in page
    item = _line(results, "Kế hoạch số 01/KH-CĐ ngày 05/09/2024")
    assert item.link == f"/ke-hoach/{world.plan.id}"


# --- sections III and IV, prompts -----------------------------------------------------------------

def test_assessment_and_directions_are_left_to_the_committee(world):
    sections = draft_sections(START, END)
    assert [s.title for s in sections] == list(REPORT.sections)
    assert [s.from_records for s in sections] == [True, True, False, False]
    assessment = sections[2]
    assert [(b.kind, b.text) for b in assessment.blocks if b.kind == "subsection"] == [
        ("subsection", "Ưu điểm"), ("subsection", "Hạn chế, tồn tại"), ("subsection", "Nguyên nhân")]
    for section in sections:
        for block in section.blocks:
            assert block.text or block.kind == "table"
            if block.kind == "table":
                Table.from_json(block.table.to_json())         # round-trips


def test_prompts_for_next_year(world, signed_in):
    client = signed_in(world.u.chair)
    t = world.tasks
    found = prompts(START, END)
    texts = [b.text for b in found]
    assert all(b.link for b in found)
    not_done = next(b for b in found if "Lập danh sách đoàn viên khó khăn" in b.text)
    assert "(2 việc chưa xong)" in not_done.text
    assert _task_ids(client, not_done.link) == {t.stopped.id, t.open.id}
    assert "hoạt động “Lập danh sách đoàn viên khó khăn”" in client.get(not_done.link).get_data(as_text=True)
    g1, g2, g3 = world.u.groups
    late = next(b for b in found if b.text.startswith(g2.name))
    assert f"{g2.name} có 2 việc không hoàn thành đúng hạn" in late.text
    assert _task_ids(client, late.link) == {t.late.id, t.in_progress.id}
    asked = next(b for b in found if "“Hiếu, hỷ”" in b.text)
    assert asked.text.startswith("Trong kỳ có 3 đề xuất “Hiếu, hỷ”")   # two paid, one refused; not the later one
    r = world.requests
    assert _request_ids(client, asked.link) == {r.wedding_first.id, r.wedding_last.id, r.refused.id}
    assert not any(world.requests.private.requester.full_name in text for text in texts)


# --- periods, lists, cost -------------------------------------------------------------------------

def test_a_period_that_ends_before_it_starts_is_refused(app):
    with pytest.raises(DomainError, match="Ngày bắt đầu"):
        draft_sections(END, START)
    with pytest.raises(DomainError):
        prompts(END, START)


def test_one_day_periods_hold_their_boundaries(world):
    first_day = draft_sections(START, START)
    results = first_day[1]
    assert _line(results, "Trong kỳ, công đoàn đã chi hỗ trợ").text.startswith(
        "Trong kỳ, công đoàn đã chi hỗ trợ 1 lượt đoàn viên với tổng số tiền 500.000 đ")
    situation = first_day[0]
    assert ": 1 đoàn viên, Nữ: 1." in _line(situation, "Kết nạp, tiếp nhận trong kỳ").text
    assert _line(situation, "Giảm trong kỳ").text == "Giảm trong kỳ: 1 đoàn viên (nghỉ hưu: 1)."
    assert _line(results, "Trong kỳ chưa có văn bản nào được ký ban hành")      # the plan was issued on 05/09


@pytest.mark.parametrize("url", [
    "/viec/?tu=abc&den=2025-13-40&ket_qua=khong-co&hoat_dong=x&ky=" + "a" * 300,
    "/de-xuat/tat-ca?chi_tu=31/02/2025&chi_den=zzz&gui_tu=0000-00-00",
    "/so-lieu/doan-vien?ngay=hom-nay&vao_tu=1&to=abc&gioi_tinh=x",
    "/so-lieu/van-ban?tu=x&den=99999-01-01",
])
def test_wrong_filter_values_give_the_list_not_an_error(world, signed_in, url):
    client = signed_in(world.u.chair)
    response = client.get(url)
    assert response.status_code == 200


def test_wrong_member_filters_are_named_in_vietnamese(world, signed_in):
    client = signed_in(world.u.chair)
    html = client.get("/so-lieu/doan-vien?ngay=hom-nay&gioi_tinh=x").get_data(as_text=True)
    assert "không phải là ngày" in html and "Giới tính không hợp lệ" in html


def test_the_members_list_is_the_committees(world, signed_in):
    client = signed_in(world.u.members[0])
    assert client.get("/so-lieu/doan-vien").status_code == 403
    assert client.get("/so-lieu/van-ban").status_code == 200      # issued documents are public


def test_one_draft_costs_a_bounded_number_of_queries(world):
    # Warm the identity map and caches that have nothing to do with the report.
    draft_sections(START, END)
    with count_queries() as counted:
        draft_sections(START, END)
        prompts(START, END)
    assert counted["n"] == 16, counted["n"]      # docs/report-figures.md states it
    # More records of the same shapes do not add queries.
    u = world.u
    for i in range(5):
        person = make_user(f"Thêm Người {i}", group=u.groups[i % 3])
        person.joined_on, person.gender = START + dt.timedelta(days=i), "female"
    _pay(u, u.members[0], "wedding_funeral", "100.000", START + dt.timedelta(days=3), leader=u.leaders[0])
    db.session.commit()
    with count_queries() as again:
        draft_sections(START, END)
        prompts(START, END)
    assert again["n"] == counted["n"]


def test_the_lists_keep_the_report_filters_and_each_persons_view(world, signed_in, as_):
    client = signed_in(world.u.chair)
    results = _sections()[REPORT.sections[1]]
    late = _line(results, "Hoàn thành trễ hạn:")
    html = client.get(late.link).get_data(as_text=True)
    # The filter bar carries them as hidden fields, so changing the group or the plan keeps them.
    for name, value in (("tu", "2024-09-01"), ("den", "2025-05-31"), ("ket_qua", "tre_han")):
        assert f'name="{name}" value="{value}"' in html
    assert "Đang lọc theo số liệu báo cáo: hạn từ 01/09/2024 đến 31/05/2025, hoàn thành trễ hạn" in html
    paid = _line(results, "Trong kỳ, công đoàn đã chi hỗ trợ")
    assert 'name="chi_tu" value="2024-09-01"' in client.get(paid.link).get_data(as_text=True)
    with client.get(paid.link.replace("/de-xuat/tat-ca?", "/de-xuat/tat-ca.xlsx?")) as export:
        assert export.status_code == 200
    # A group's member following the plan's link sees their own group's tasks only.
    head = _line(results, "Kế hoạch số 01/KH-CĐ “Hoạt động Công đoàn năm học 2024 - 2025”")
    member = as_(world.u.members[0])
    assert _task_ids(member, head.link) == {world.tasks.on_time.id, world.tasks.stopped.id}


def test_an_activity_filter_never_names_a_draft_s_activity(world, signed_in):
    from .plan_factories import make_plan
    draft = make_plan(world.u.chair, "Dự thảo kín", schedule=[{"period": "9/2024", "activities": [
        {"text": "Nội dung dự thảo chưa công bố", "groups": [], "due": "2024-09-10"}]}])
    activity_id = db.session.execute(sa.text("SELECT id FROM schedule_activities WHERE plan_id = :p"),
                                     {"p": draft.id}).scalar()
    client = signed_in(world.u.members[0])
    html = client.get(f"/viec/?hoat_dong={activity_id}").get_data(as_text=True)
    assert "Nội dung dự thảo chưa công bố" not in html and "một hoạt động" in html


def test_every_link_fits_a_report_line(world):
    # The longest reason a record holds (200 characters), percent-encoded, is longer than 500.
    world.people.moved.left_reason = ("nghỉ hưu trước tuổi theo nguyện vọng " * 6)[:200]
    db.session.commit()
    sections = draft_sections(START, END)
    links = [b.link for s in sections for b in s.blocks] + [
        c.link for s in sections for b in s.blocks if b.table for row in (*b.table.rows, b.table.total or ())
        for c in row]
    assert links and max(len(link) for link in links) <= 500
    assert _line(sections[0], "Nghỉ hưu trước tuổi").link == "/so-lieu/doan-vien?roi_tu=2024-09-01&roi_den=2025-05-31"
