"""The search box (issue 16, point 12): accent-free words that start words, across the whole text of
plans, tasks, requests and (for those who manage accounts) people; hits marked and escaped; odd input
answered in Vietnamese; search texts kept up to date by every writer and rebuilt the same way."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from congdoan.extensions import db
from congdoan.finder.highlight import hits, mark, snippet
from congdoan.finder.keys import key_of, query_words
from congdoan.finder.reindex import reindex
from congdoan.plans import editing as plan_editing
from congdoan.plans.models import Plan, PlanLine, PlanStatus
from congdoan.member_requests.models import MemberRequest
from congdoan.tasks import corrections, workflow
from congdoan.tasks.corrections import Correction
from congdoan.tasks.models import Task

from .conftest import make_group, make_user, text_of
from .plan_factories import make_plan
from .reqkit import cast, submit
from .task_factories import approved_plan, hand_out, make_union, quick_task


def page_of(client, q: str, **args) -> str:
    response = client.get("/tim-kiem", query_string={"q": q, **args})
    assert response.status_code == 200, response.status_code
    return html.unescape(text_of(response))


def area_count(page: str, label: str) -> int:
    import re
    match = re.search(rf"{label} (\d+)", page)
    assert match, f"no area {label} on the page"
    return int(match.group(1))


# --- folding and marking ---------------------------------------------------------------------------

def test_search_text_is_folded_words_separated_by_single_spaces():
    assert key_of("Tết Trung thu (2023-2024)") == " tet trung thu 2023 2024"
    assert key_of("Đặng  Thị\nPhương", "**Hội** thao") == " dang thi phuong hoi thao"
    assert key_of("", None) == ""


def test_query_words_drop_what_is_no_word_and_keep_at_most_eight():
    assert query_words("Hưng") == ["hung"]
    assert query_words("%_'\"\\") == []
    assert query_words("100%") == ["100"]
    assert query_words(" ".join(f"tu{i}" for i in range(20))) == [f"tu{i}" for i in range(8)]


def test_a_word_is_marked_where_it_starts_a_word_only():
    assert str(mark("Trần Văn Hưng, Phan Thị Nhung", ["hung"])) == "Trần Văn <mark>Hưng</mark>, Phan Thị Nhung"
    assert str(mark("Tết Trung thu 2023-2024", ["2024", "tet"])) == "<mark>Tết</mark> Trung thu 2023-<mark>2024</mark>"
    # Text typed without composed characters (NFD) is marked on the same letters.
    assert hits("Hu\u031bng", ["hung"]) == [(0, 5)]


def test_marking_escapes_everything_else():
    out = mark('<script>alert("Hưng")</script>', ["hung"])
    assert isinstance(out, Markup)
    assert str(out) == '&lt;script&gt;alert(&#34;<mark>Hưng</mark>&#34;)&lt;/script&gt;'


def test_a_snippet_is_cut_around_the_words_as_typed():
    long = ("Duy trì phong trào thi đua " * 12) + "tổ chức Tết Trung thu cho các cháu" + (" và các việc khác" * 12)
    out = str(snippet(["Không liên quan", long], ["trung", "thu"]))
    assert out.startswith("…") and out.endswith("…")
    assert "Tết <mark>Trung</mark> <mark>thu</mark> cho các cháu" in out
    assert snippet(["Không liên quan"], ["trung"]) is None


# --- plans: their whole text -------------------------------------------------------------------------

SCHEDULE = [{"period": "9/2024", "activities": [
    {"text": "Tổ chức hội thao chào mừng ngày Nhà giáo Việt Nam", "groups": [], "due": None}]}]
SECTIONS = [{"title": "NỘI DUNG", "lines": [
    {"kind": "paragraph", "level": 0, "text": "Vận động đoàn viên tham gia **hiến máu** nhân đạo."}]}]


def test_plans_are_found_by_any_block_of_their_text_with_the_hit_marked(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Hoạt động Công đoàn năm học 2024 - 2025", schedule=SCHEDULE, sections=SECTIONS)
    make_plan(chair, "Tổ chức Tết Trung thu")
    signed_in(chair)
    response = client.get("/tim-kiem?q=hoi+thao")
    body = response.get_data(as_text=True)
    assert "Tổ chức <mark>hội</mark> <mark>thao</mark> chào mừng" in body        # the schedule table
    page = page_of(client, "hien mau")                                           # a section's line
    assert area_count(page, "Kế hoạch") == 1 and "năm học 2024 - 2025" in page and "Trung thu" not in page
    assert "**" not in page                                                      # no markup shown
    # Several words: all of them, wherever they are in the plan.
    assert area_count(page_of(client, "2025 nhan dao"), "Kế hoạch") == 1
    assert area_count(page_of(client, "trung nhan dao"), "Kế hoạch") == 0


def test_a_plan_edited_is_found_by_its_new_text_and_not_its_old(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    plan = make_plan(chair, "Kế hoạch thử", sections=SECTIONS)
    line = db.session.execute(sa.select(PlanLine).where(PlanLine.plan_id == plan.id)).scalar_one()
    plan_editing.update_part(plan, "line", line.id, line.rev, {"kind": "paragraph", "text": "Tổ chức văn nghệ"},
                             actor=chair)
    db.session.commit()
    signed_in(chair)
    assert area_count(page_of(client, "van nghe"), "Kế hoạch") == 1
    assert area_count(page_of(client, "hien mau"), "Kế hoạch") == 0


def test_hung_does_not_find_nhung_in_a_plan(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Thăm gia đình chị Phan Thị Nhung")
    signed_in(chair)
    assert area_count(page_of(client, "Hưng"), "Kế hoạch") == 0
    assert area_count(page_of(client, "nhung"), "Kế hoạch") == 1


# --- tasks: title, instructions, result ----------------------------------------------------------------

def test_tasks_are_found_by_title_instructions_and_result(client, signed_in):
    u = make_union()
    task = quick_task(u, group=u.groups[0])
    signed_in(u.chair)
    assert area_count(page_of(client, "viec thu nghiem"), "Công việc") == 1
    corrections.correct(task, Correction("15/10/2024", "Mang theo danh sách khen thưởng", "Lùi theo lịch"),
                        actor=u.chair, version=corrections.version_of(task))
    db.session.commit()
    assert area_count(page_of(client, "danh sach khen"), "Công việc") == 1
    workflow.apply(task, "finish", u.leaders[0], expected=task.version, note="Đã trao quà cho 25 cháu")
    db.session.commit()
    page = page_of(client, "trao qua")
    assert area_count(page, "Công việc") == 1 and "Đã trao quà cho 25 cháu" in page
    # Reopened: the result is gone from the task and from its search.
    workflow.apply(task, "reopen", u.chair, expected=task.version)
    db.session.commit()
    assert area_count(page_of(client, "trao qua"), "Công việc") == 0


# --- requests: kind, summary, every answer -----------------------------------------------------------

def test_requests_are_found_by_their_answers(client, signed_in):
    c = cast()
    submit(c.member, "hardship", data={"reason": "Nhà bị tốc mái sau bão số 3"})
    submit(c.member, "wedding_funeral", data={"person_name": "Nguyễn Văn Bình"})
    signed_in(c.chair)
    page = page_of(client, "toc mai")
    assert area_count(page, "Đề xuất") == 1 and "Hỗ trợ khó khăn đột xuất" in page or "tốc mái" in page
    assert area_count(page_of(client, "van binh"), "Đề xuất") == 1
    assert area_count(page_of(client, "hieu hy"), "Đề xuất") == 1          # the kind's name


# --- people: for those who manage accounts ----------------------------------------------------------

def test_people_are_found_by_name_email_and_group_by_the_administrator_only(client, as_):
    group = make_group("Tổ Văn phòng")
    make_user("Trần Văn Hưng", email="tvhung@thanhto.demo", group=group)
    make_user("Phan Thị Nhung", email="ptnhung@thanhto.demo")
    admin = make_user("Ngô Văn Tuấn", roles=["admin"])
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    as_(admin)
    page = page_of(client, "Hưng")
    assert area_count(page, "Đoàn viên") == 1 and "Trần Văn Hưng" in page and "Phan Thị Nhung" not in page
    assert area_count(page_of(client, "tvhung"), "Đoàn viên") == 1
    assert area_count(page_of(client, "van phong"), "Đoàn viên") == 1
    as_(chair)
    page = page_of(client, "Hưng")
    assert "Đoàn viên" not in page and "Trần Văn Hưng" not in page


# --- the page: odd input, the overview and the full list of one area --------------------------------

@pytest.mark.parametrize("q, message", [
    ("", "Nhập tên kế hoạch, việc, đề xuất"),
    ("a", "Nhập ít nhất 2 chữ cái hoặc chữ số"),
    ("%", "phải có chữ hoặc số"),
    ("_", "phải có chữ hoặc số"),
    ("'", "phải có chữ hoặc số"),
    ("\u0301\u0300", "phải có chữ hoặc số"),            # accents alone
])
def test_what_cannot_be_searched_is_said_plainly(client, signed_in, q, message):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Tổ chức Tết Trung thu 100% đoàn viên")
    signed_in(chair)
    page = page_of(client, q)
    assert message in page and "Trung thu" not in page


def test_like_wildcards_and_quotes_are_plain_characters(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Tổ chức Tết Trung thu cho 100% con đoàn viên")
    make_plan(chair, "Hội thao")
    signed_in(chair)
    assert area_count(page_of(client, "100%"), "Kế hoạch") == 1
    assert area_count(page_of(client, "%thao"), "Kế hoạch") == 1
    # "_" is no wildcard: "h_i" is the words "h" and "i", and no word of "Hội thao" starts with "i".
    assert area_count(page_of(client, "h_i"), "Kế hoạch") == 0
    page = page_of(client, "'; DROP TABLE plans; --")
    assert area_count(page, "Kế hoạch") == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar() == 2


def test_the_query_is_echoed_escaped(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Hội thao <b>mùa xuân</b>")
    signed_in(chair)
    body = client.get("/tim-kiem", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    body = client.get("/tim-kiem", query_string={"q": "thao"}).get_data(as_text=True)
    assert "<b>mùa" not in body and "&lt;b&gt;mùa xuân&lt;/b&gt;" in body


def test_a_very_long_query_is_cut_and_says_so(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Tổ chức Tết Trung thu")
    signed_in(chair)
    page = page_of(client, "trung thu " * 20)
    assert "Chỉ tìm theo 8 từ đầu" in page and area_count(page, "Kế hoạch") == 1


def test_the_overview_shows_ten_per_area_and_links_to_all_of_them_page_by_page(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    for i in range(23):
        make_plan(chair, f"Hội thao lần {i + 1}", sections=[], schedule=[], bases=[])
    signed_in(chair)
    response = client.get("/tim-kiem?q=hoi+thao")
    body = response.get_data(as_text=True)
    assert body.count('class="plan-item"') == 10 and "Xem tất cả 23 kế hoạch" in html.unescape(body)
    assert "/tim-kiem?q=hoi+thao&amp;nhom=ke-hoach" in body
    first = client.get("/tim-kiem?q=hoi+thao&nhom=ke-hoach").get_data(as_text=True)
    assert first.count('class="plan-item"') == 20 and "Trang 1 / 2" in first
    assert 'id="search-area-cong-viec"' not in first
    last = client.get("/tim-kiem?q=hoi+thao&nhom=ke-hoach&trang=9").get_data(as_text=True)
    assert last.count('class="plan-item"') == 3 and "Trang 2 / 2" in last
    # An area one may not search falls back to the overview.
    fallback = client.get("/tim-kiem?q=hoi+thao&nhom=doan-vien").get_data(as_text=True)
    assert 'id="search-area-doan-vien"' not in fallback and 'id="search-area-cong-viec"' in fallback


def test_htmx_typing_gets_the_results_alone(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Tổ chức Tết Trung thu")
    signed_in(chair)
    response = client.get("/tim-kiem?q=trung", headers={"HX-Request": "true", "HX-Trigger": "search-page-box"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<mark>Trung</mark>" in body
    assert "HX-Request" in response.headers.get("Vary", "")


def test_the_search_needs_a_sign_in(client):
    response = client.get("/tim-kiem?q=trung")
    assert response.status_code in (302, 303) and "dang-nhap" in response.headers["Location"]


def test_every_page_has_the_search_box_once_signed_in(client, signed_in):
    signed_in(make_user("Nguyễn Thị Thanh"))
    body = client.get("/").get_data(as_text=True)
    assert 'action="/tim-kiem"' in body and 'id="nav-search-box"' in body


# --- the stored texts: written by the writers, rebuilt identically ---------------------------------

def _texts() -> dict:
    db.session.expire_all()
    return {table.__tablename__: dict(db.session.execute(sa.select(table.id, table.search_text)).all())
            for table in (Plan, Task, MemberRequest)}


def test_rebuilding_the_search_texts_gives_what_the_writers_wrote(runner):
    u = make_union()
    plan = approved_plan(u)
    tasks = hand_out(plan, u.chair, {"Tổ chức": [u.groups[0].id, u.groups[1].id]})
    workflow.apply(tasks[0], "finish", u.leaders[0], expected=tasks[0].version, note="Xong, có ảnh")
    make_plan(u.chair, "Dự thảo **Hội thao**", status=None)
    make_campaign_and_requests(u)
    db.session.commit()
    written = _texts()
    assert all(text for texts in written.values() for text in texts.values())
    db.session.execute(sa.update(Plan).values(search_text=""))
    db.session.execute(sa.update(Task).values(search_text=""))
    db.session.execute(sa.update(MemberRequest).values(search_text=""))
    db.session.commit()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Đã dựng lại dữ liệu tìm kiếm: 2 kế hoạch, 2 việc, 2 đề xuất" in result.output
    assert _texts() == written


def make_campaign_and_requests(u):
    from congdoan.member_requests import services
    from congdoan.member_requests.kinds import KINDS
    services.submit(u.members[0], KINDS["hardship"], {"reason": "Nhà bị tốc mái", "amount": "3.000.000"}, [])
    services.submit(u.members[1], KINDS["suggestion"], {"subject": "Giờ sinh hoạt", "content": "Dời sang thứ Năm"}, [])


def test_reindex_reads_the_plan_number_from_the_plan(app):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    plan = make_plan(chair, "Tổ chức Tết Trung thu", status=PlanStatus.ISSUED)     # number set on the row
    reindex(db.session.connection())
    db.session.commit()
    db.session.expire_all()
    assert " 01 kh cd " in db.session.get(Plan, plan.id).search_text + " "


def test_a_signed_plan_is_found_by_its_number_and_signer(client, signed_in):
    from .doc_factories import approved_plan as approved, make_committee
    committee = make_committee()
    plan = approved(committee, "Tổ chức hội thao")
    signed_in(committee.chair)
    assert area_count(page_of(client, "01 kh"), "Kế hoạch") == 0
    assert client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 303
    page = page_of(client, "01/KH-CĐ")
    assert area_count(page, "Kế hoạch") == 1 and "Số 01/KH-CĐ" in page
    assert area_count(page_of(client, "hoi thao chu tich"), "Kế hoạch") == 1


def test_an_area_counts_its_hits_up_to_a_cap_and_says_more_than(client, signed_in, monkeypatch):
    """Past finder.queries.CAP hits an area says "hơn N" (its hits are read in order only up to there);
    its own pages go on one at a time, and the count is exact again once a page reaches the end."""
    from congdoan.finder import queries
    monkeypatch.setattr(queries, "CAP", 15)
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    for i in range(23):
        make_plan(chair, f"Hội thao lần {i + 1}", sections=[], schedule=[], bases=[])
    signed_in(chair)
    overview = page_of(client, "hoi thao")
    assert "Kế hoạch hơn 15" in overview and "Xem tất cả hơn 15 kế hoạch" in overview
    first = client.get("/tim-kiem?q=hoi+thao&nhom=ke-hoach").get_data(as_text=True)
    assert first.count('class="plan-item"') == 20 and "Trang 1</span>" in first and "Trang 1 /" not in first
    assert "trang=2" in first and "Sau ›" in first
    second = client.get("/tim-kiem?q=hoi+thao&nhom=ke-hoach&trang=2").get_data(as_text=True)
    assert second.count('class="plan-item"') == 3 and "Trang 2 / 2" in second and "Kế hoạch <span class=\"tag\">23" in second
    stale = client.get("/tim-kiem?q=hoi+thao&nhom=ke-hoach&trang=9").get_data(as_text=True)
    assert stale.count('class="plan-item"') == 3 and "Trang 2 / 2" in stale
