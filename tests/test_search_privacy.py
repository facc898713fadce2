"""The search box shows each person only what the area's own lists show them: for every role, a word
present only in what they may not see finds nothing, and leaves no trace on the page (issue 16, 12).
And the page costs the same number of statements whatever the number of hits."""
from __future__ import annotations

import html
import re

import pytest

from congdoan.extensions import db
from congdoan.member_requests import services as request_services
from congdoan.member_requests.kinds import KINDS
from congdoan.tasks import corrections
from congdoan.tasks.corrections import Correction

from .conftest import _empty_database, make_group, make_user, text_of
from .plan_factories import make_plan
from .task_factories import approved_plan, hand_out, make_union
from .test_query_counts import measure_pages

# One word in each hidden thing: a draft plan, a private request, a task of one group.
DRAFT, PRIVATE, TASK_OF_GROUP_1, TASK_OF_GROUP_3 = "quynh luu", "ruot thua", "phu dong", "van mieu"


@pytest.fixture
def world():
    u = make_union()
    # The chair's draft: only the committee and its author see it.
    make_plan(u.chair, "Dự thảo hội nghị tại Quỳnh Lưu")
    # A private request (sick visit) of the member of group 3, led by a leader outside the committee.
    request_services.submit(u.members[2], KINDS["sick_visit"],
                            {"patient": "Bản thân", "from_date": "2026-11-02", "place": "Bệnh viện Việt Tiệp",
                             "note": "Mổ ruột thừa"}, [])
    # Two tasks of an approved plan (which everyone reads): the words are in their instructions only.
    plan = approved_plan(u, schedule=[{"period": "9/2024", "activities": [
        {"text": "Dọn kho", "groups": [], "due": None}, {"text": "Tham quan", "groups": [], "due": None}]}])
    tasks = hand_out(plan, u.chair, {"Dọn kho": [u.groups[0].id], "Tham quan": [u.groups[2].id]})
    for task, note in zip(tasks, ("Mượn chìa khóa kho Phù Đổng", "Đi xe tới Văn Miếu")):
        corrections.correct(task, Correction(task.due_date.strftime("%d/%m/%Y"), note, ""), actor=u.chair,
                            version=corrections.version_of(task))
    u.admin = make_user("Ngô Văn Tuấn", email="quantri@thanhto.demo", roles=["admin"])
    u.cashier = make_user("Thủ Quỹ Riêng", email="thuquy@thanhto.demo", roles=["accountant"], group=u.groups[1])
    db.session.commit()
    return u


def _count(client, q: str, label: str) -> tuple[int, str]:
    response = client.get("/tim-kiem", query_string={"q": q})
    assert response.status_code == 200
    page = html.unescape(text_of(response))
    match = re.search(rf"{label} (\d+)", page)
    return (int(match.group(1)) if match else 0), page


ROLES = {
    # role: (who, the words that must find nothing)
    "plain member": (lambda u: u.members[0], [DRAFT, PRIVATE, TASK_OF_GROUP_3]),
    "member of no group": (lambda u: u.outsider, [DRAFT, PRIVATE, TASK_OF_GROUP_1, TASK_OF_GROUP_3]),
    "group leader outside the committee": (lambda u: u.leaders[2], [DRAFT, PRIVATE, TASK_OF_GROUP_1]),
    "administrator": (lambda u: u.admin, [DRAFT, PRIVATE, TASK_OF_GROUP_1, TASK_OF_GROUP_3]),
    "accountant outside the committee": (lambda u: u.cashier, [DRAFT, TASK_OF_GROUP_1, TASK_OF_GROUP_3]),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_a_word_only_in_what_one_may_not_see_finds_nothing(world, as_, client, role):
    who, hidden = ROLES[role]
    as_(who(world))
    for word in hidden:
        response = client.get("/tim-kiem", query_string={"q": word})
        assert response.status_code == 200
        page = html.unescape(text_of(response))
        areas = ("Kế hoạch", "Công việc", "Đề xuất") + (("Đoàn viên",) if role == "administrator" else ())
        for label in areas:
            assert re.search(rf"{label} 0\b", page), (role, word, label, page)
        assert not re.search(r"Đoàn viên \d", page) or role == "administrator"
        for shown in ("Quỳnh Lưu", "ruột thừa", "Việt Tiệp", "Phù Đổng", "Văn Miếu"):
            assert shown not in page, (role, word, shown)

def test_those_who_may_see_them_find_them(world, as_, client):
    as_(world.chair)                                   # the committee: everything but the people
    assert _count(client, DRAFT, "Kế hoạch")[0] == 1
    assert _count(client, PRIVATE, "Đề xuất")[0] == 1
    assert _count(client, TASK_OF_GROUP_1, "Công việc")[0] == 1
    assert _count(client, TASK_OF_GROUP_3, "Công việc")[0] == 1
    as_(world.members[2])                              # the requester, and their group's task
    assert _count(client, PRIVATE, "Đề xuất")[0] == 1
    assert _count(client, TASK_OF_GROUP_3, "Công việc")[0] == 1
    as_(world.members[0])                              # group 1's member: group 1's task
    assert _count(client, TASK_OF_GROUP_1, "Công việc")[0] == 1
    as_(world.cashier)                                 # the accountant sees every request
    assert _count(client, PRIVATE, "Đề xuất")[0] == 1


def test_a_group_leader_finds_a_public_request_of_their_group_waiting_for_them(as_, client):
    group = make_group("Tổ Khối 1")
    leader = make_user("Vũ Thị Mai", leads=group)
    member = make_user("Nguyễn Thị Thanh", group=group)
    other = make_user("Đặng Thị Phương", group=make_group("Tổ Khối 2"))
    for who, name in ((member, "Nguyễn Văn Bình"), (other, "Nguyễn Văn Cường")):
        request_services.submit(who, KINDS["wedding_funeral"], {
            "occasion": "Hỷ (cưới hỏi)", "relation": "Con", "person_name": name, "event_date": "2026-12-20",
            "place": "Hải An"}, [])
    db.session.commit()
    as_(leader)
    assert _count(client, "van binh", "Đề xuất")[0] == 1
    assert _count(client, "van cuong", "Đề xuất")[0] == 0


def _build(scale: int):
    """Plans, tasks, requests and people that all hold the word "hội thao", growing with `scale`."""
    u = make_union()
    u.chair.set_roles(["chair", "committee", "admin"])
    for i in range(3 * scale):
        make_plan(u.chair, f"Hội thao lần {i}", sections=[], bases=[], schedule=[
            {"period": "9/2024", "activities": [{"text": f"Hội thao vòng {i}", "groups": [], "due": None}]}])
    plan = approved_plan(u, schedule=[{"period": "9/2024", "activities": [
        {"text": f"Hội thao khối {i}", "groups": [], "due": None} for i in range(scale)]}])
    hand_out(plan, u.chair, {"Hội thao": [g.id for g in u.groups]})
    for i in range(3 * scale):
        request_services.submit(u.members[i % 3], KINDS["suggestion"],
                                {"subject": "Hội thao", "content": f"Góp ý số {i}"}, [])
        make_user(f"Hội Thao {i}")
    db.session.commit()
    return u.chair


PAGES = {"overview": lambda _: "/tim-kiem?q=hoi+thao",
         "plans": lambda _: "/tim-kiem?q=hoi+thao&nhom=ke-hoach",
         "tasks": lambda _: "/tim-kiem?q=hoi+thao&nhom=cong-viec",
         "requests": lambda _: "/tim-kiem?q=hoi+thao&nhom=de-xuat",
         "people": lambda _: "/tim-kiem?q=hoi+thao&nhom=doan-vien"}


def test_the_search_costs_the_same_statements_whatever_the_hits(app):
    chair = _build(1)
    small = measure_pages(app, chair, PAGES, None)
    _empty_database()
    chair = _build(4)
    large = measure_pages(app, chair, PAGES, None)
    assert small == large, (small, large)
    assert large["overview"] <= 12, large
