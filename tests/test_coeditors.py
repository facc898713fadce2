"""Drafting together (issue 16, point 11): the author names co-editors among the committee; the chair
and the vice chairs edit any draft; one rule (Plan.can_edit) decides, and every editing route asks it."""
import html

import pytest
import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.plans import coeditors
from congdoan.plans.models import Plan, PlanEditor, PlanLine, PlanStatus, PlanVersion

from .conftest import login, make_user, text_of
from .plan_factories import make_plan


def _page(response) -> str:
    return html.unescape(text_of(response))


@pytest.fixture
def people():
    """The cast: the draft's author, a co-editor, the chair, a vice chair, another committee member, a member."""
    class P:
        author = make_user("Lê Thị Thu Hà", roles=["committee"])
        coeditor = make_user("Vũ Thị Mai", roles=["committee"])
        chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
        vice = make_user("Trần Văn Minh", roles=["vice_chair", "committee"])
        other = make_user("Đỗ Văn Hùng", roles=["committee"])
        member = make_user("Nguyễn Thị Thanh")
    return P


def _draft(people, status: PlanStatus | None = None) -> Plan:
    plan = make_plan(people.author, "Hoạt động Công đoàn năm học 2024 - 2025")
    coeditors.add_coeditor(plan, people.coeditor.id, actor=people.author)
    if status is not None:
        plan.status = status.value            # test set-up only
        if status == PlanStatus.ISSUED:
            plan.number = "01/KH-CĐ"
    db.session.commit()
    return plan


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 303
    return client


# --- the permission matrix ------------------------------------------------------------------------

MAY_EDIT = {"author", "coeditor", "chair", "vice"}


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.SUBMITTED,
                                    PlanStatus.APPROVED, PlanStatus.ISSUED])
@pytest.mark.parametrize("who", ["author", "coeditor", "chair", "vice", "other", "member"])
def test_who_may_edit_a_line(app, people, who, status):
    plan = _draft(people, status)
    line = plan.sections[0].lines[0]
    editable = status in (PlanStatus.DRAFT, PlanStatus.RETURNED)
    user = getattr(people, who)
    assert plan.can_edit(user) is (editable and who in MAY_EDIT)
    r = _client(app, user).post_form(f"/ke-hoach/{plan.id}/line/{line.id}",
                                     {"rev": "1", "kind": "bullet", "text": f"Sửa bởi {who}"}, htmx=True)
    if editable and who in MAY_EDIT:
        assert r.status_code == 200
        assert db.session.get(PlanLine, line.id).text == f"Sửa bởi {who}"
        version = db.session.execute(sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id)
                                     .order_by(PlanVersion.number.desc())).scalars().first()
        assert version.author_id == user.id
        return
    if who == "member" or (editable and who == "other"):
        assert r.status_code == 403
        if who == "other":
            assert "Chỉ người soạn, người cùng soạn, Chủ tịch hoặc Phó Chủ tịch" in _page(r)
    else:
        assert r.status_code == 409      # a plan no longer being drafted is locked for everyone
    assert db.session.get(PlanLine, line.id).text == "Dòng một."


@pytest.mark.parametrize("who,may", [("author", True), ("chair", True), ("vice", True), ("coeditor", False),
                                     ("other", False)])
def test_submitting_stays_with_the_author_the_chair_and_the_vice_chairs(app, people, who, may):
    plan = _draft(people)
    r = _client(app, getattr(people, who)).post_form(f"/ke-hoach/{plan.id}/trinh-duyet")
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).status == ("submitted" if may else "draft")
    assert r.status_code == (303 if may else 403)


@pytest.mark.parametrize("who,may", [("author", True), ("chair", True), ("vice", True), ("coeditor", False),
                                     ("other", False)])
def test_deleting_a_draft_is_not_a_coeditors_act(app, people, who, may):
    plan = _draft(people)
    plan_id = plan.id
    r = _client(app, getattr(people, who)).post_form(f"/ke-hoach/{plan_id}/xoa")
    db.session.expire_all()
    assert r.status_code == (303 if may else 403)
    assert (db.session.get(Plan, plan_id) is None) is may


def test_the_page_shows_each_person_what_they_may_do(app, people):
    plan = _draft(people)
    as_coeditor = _page(_client(app, people.coeditor).get(f"/ke-hoach/{plan.id}"))
    assert "Bấm Sửa ở từng phần" in as_coeditor and "Trình Ban Chấp hành duyệt" not in as_coeditor
    assert "Xóa dự thảo" not in as_coeditor and "Thêm Ủy viên Ban Chấp hành cùng soạn" not in as_coeditor
    assert "Người cùng soạn Vũ Thị Mai" in as_coeditor
    as_vice = _page(_client(app, people.vice).get(f"/ke-hoach/{plan.id}"))
    assert "Bấm Sửa ở từng phần" in as_vice and "Trình Ban Chấp hành duyệt" in as_vice
    assert "Thêm Ủy viên Ban Chấp hành cùng soạn" in as_vice
    as_other = _page(_client(app, people.other).get(f"/ke-hoach/{plan.id}"))
    assert "Chỉ người soạn (Lê Thị Thu Hà), người cùng soạn, Chủ tịch hoặc Phó Chủ tịch" in as_other
    assert "Bấm Sửa ở từng phần" not in as_other


def test_a_former_committee_member_no_longer_edits_as_coeditor(app, people):
    plan = _draft(people)
    people.coeditor.set_roles([])
    db.session.commit()
    assert not plan.can_edit(people.coeditor)
    line = plan.sections[0].lines[0]
    r = _client(app, people.coeditor).post_form(f"/ke-hoach/{plan.id}/line/{line.id}",
                                                {"rev": "1", "kind": "bullet", "text": "x"}, htmx=True)
    assert r.status_code == 403


# --- every route that changes a plan asks the one rule -------------------------------------------

# Every route that takes a plan id and can change something, by what it does to the plan. A route added
# without being placed here fails test_every_plan_route_is_classified: decide which rule it follows.
EDITS = {   # the draft's content: Plan.can_edit (the author, co-editors, the chair, vice chairs)
    "plans.edit_fixed_part": ("GET", "/ke-hoach/{plan}/header/sua", {}),
    "plans.update_fixed_part": ("POST", "/ke-hoach/{plan}/header",
                                {"rev": "1", "subject": "Tên mới 2024", "type_name": "KẾ HOẠCH", "union_name": "CĐCS"}),
    "plans.add_part": ("POST", "/ke-hoach/{plan}/basis/them", {"text": "Căn cứ mới"}),
    "plans.edit_part": ("GET", "/ke-hoach/{plan}/line/{line}/sua", {}),
    "plans.update_part": ("POST", "/ke-hoach/{plan}/line/{line}", {"rev": "1", "kind": "bullet", "text": "Sửa"}),
    "plans.move_part": ("POST", "/ke-hoach/{plan}/line/{line}/di-chuyen", {"direction": "down"}),
    "plans.delete_part": ("POST", "/ke-hoach/{plan}/line/{line}/xoa", {"rev": "1"}),
}
MANAGES = {  # the draft as a whole: Plan.can_manage (the author, the chair, vice chairs), never a co-editor
    "plans.delete": ("POST", "/ke-hoach/{plan}/xoa", {}),
    "plans.add_coeditor": ("POST", "/ke-hoach/{plan}/nguoi-cung-soan", {"user_id": "{other}"}),
    "plans.remove_coeditor": ("POST", "/ke-hoach/{plan}/nguoi-cung-soan/{coeditor}/bot", {}),
    "approvals.submit": ("POST", "/ke-hoach/{plan}/trinh-duyet", {}),
}
OTHER_RULES = {  # not a change to this draft: each has its own rule and tests
    "plans.copy",               # a new draft of one's own from any plan one may read
    "approvals.vote", "approvals.comment", "approvals.chair_return",   # the vote on a submitted plan
    "approvals.amend",          # a new draft from an approved plan (Plan.can_amend)
    "documents.sign",           # signing an approved plan (permissions.may_sign)
    "tasks.assign",             # tasks from an approved plan
    "plans.copy_review_keep",   # "Giữ nguyên" on a copy's review list: Plan.can_edit, tested in test_copy_review
    "documents.send",           # Gửi văn bản of a signed plan (permissions.may_sign), tested in test_document_sending
    "reports.refresh",          # "Cập nhật số liệu" of a report draft: Plan.can_edit, tested in test_report_flow
}


def _changing_plan_routes(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        if "plan_id" in rule.arguments and ("POST" in rule.methods or rule.rule.endswith("/sua")):
            found.add(rule.endpoint)
    return found


def test_every_plan_route_is_classified(app):
    assert _changing_plan_routes(app) == set(EDITS) | set(MANAGES) | OTHER_RULES


def _call(client, spec, plan, people):
    method, url, data = spec
    line = plan.sections[0].lines[0]
    values = {"plan": plan.id, "line": line.id, "coeditor": people.coeditor.id, "other": people.other.id}
    url = url.format(**values)
    data = {k: v.format(**values) for k, v in data.items()}
    if method == "GET":
        return client.get(url, headers={"HX-Request": "true"})
    return client.post_form(url, data, htmx=True)


def _state(plan_id: int):
    db.session.expire_all()
    plan = db.session.get(Plan, plan_id)
    return (plan.status, plan.version_count, sorted(e.user_id for e in plan.editor_links)) if plan else None


@pytest.mark.parametrize("endpoint", sorted(EDITS) + sorted(MANAGES))
def test_every_editing_route_refuses_a_committee_member_who_may_not_edit(app, people, endpoint):
    plan = _draft(people)
    before = _state(plan.id)
    r = _call(_client(app, people.other), {**EDITS, **MANAGES}[endpoint], plan, people)
    assert r.status_code == 403, endpoint
    assert _state(plan.id) == before


@pytest.mark.parametrize("endpoint", sorted(EDITS) + sorted(MANAGES))
def test_a_coeditor_edits_but_does_not_manage(app, people, endpoint):
    plan = _draft(people)
    before = _state(plan.id)
    r = _call(_client(app, people.coeditor), {**EDITS, **MANAGES}[endpoint], plan, people)
    if endpoint in EDITS:
        assert r.status_code == 200, endpoint
    else:
        assert r.status_code == 403, endpoint
        assert _state(plan.id) == before


@pytest.mark.parametrize("endpoint", sorted(EDITS))
def test_the_vice_chair_edits_any_draft(app, people, endpoint):
    plan = _draft(people)
    assert _call(_client(app, people.vice), EDITS[endpoint], plan, people).status_code == 200


# --- naming and removing co-editors --------------------------------------------------------------

def test_the_author_names_a_coeditor_who_is_told(app, people):
    plan = make_plan(people.author, "Tổ chức Tết Trung thu 2024")
    client = _client(app, people.author)
    page = _page(client.get(f"/ke-hoach/{plan.id}"))
    assert "Chưa có người cùng soạn" in page
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan", {"user_id": str(people.coeditor.id)}, htmx=True)
    assert r.status_code == 200
    body = _page(r)
    assert "Đã thêm Vũ Thị Mai làm người cùng soạn dự thảo “Tổ chức Tết Trung thu 2024”." in body
    assert r.get_data(as_text=True).lstrip().startswith('<section id="plan-coeditors"')   # the panel alone
    assert db.session.execute(sa.select(PlanEditor.user_id, PlanEditor.added_by_id)).all() == [
        (people.coeditor.id, people.author.id)]
    note = db.session.execute(sa.select(Notification)).scalar_one()
    assert note.user_id == people.coeditor.id and note.link == f"/ke-hoach/{plan.id}"
    assert note.message == "Lê Thị Thu Hà mời bạn cùng soạn dự thảo “Tổ chức Tết Trung thu 2024”."
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "plan_coeditor_added")).scalar_one()
    assert entry.actor_id == people.author.id and entry.object_id == plan.id
    # The plan's timeline says it, and the menu no longer offers her.
    page = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert "Thêm người cùng soạn: Vũ Thị Mai" in html.unescape(page)
    assert f'<option value="{people.coeditor.id}"' not in page and f'<option value="{people.other.id}"' in page
    assert f'<option value="{people.author.id}"' not in page and f'<option value="{people.member.id}"' not in page


def test_removing_a_coeditor_ends_their_editing(app, people):
    plan = _draft(people)
    client = _client(app, people.author)
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan/{people.coeditor.id}/bot", htmx=True)
    assert r.status_code == 200
    assert "Đã bớt Vũ Thị Mai khỏi người cùng soạn dự thảo “Hoạt động Công đoàn năm học 2024 - 2025”." in _page(r)
    assert db.session.execute(sa.select(sa.func.count()).select_from(PlanEditor)).scalar() == 0
    assert db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "plan_coeditor_removed")).scalar_one()
    db.session.expire_all()
    assert not db.session.get(Plan, plan.id).can_edit(people.coeditor)
    # Removing again changes nothing and says so.
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan/{people.coeditor.id}/bot", htmx=True)
    assert r.status_code == 200 and "Vũ Thị Mai không còn là người cùng soạn" in _page(r)
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "plan_coeditor_removed")).scalar() == 1


@pytest.mark.parametrize("pick,message", [
    ("", "Hãy chọn một Ủy viên Ban Chấp hành đang giữ chức vụ."),
    ("abc", "Hãy chọn một Ủy viên Ban Chấp hành đang giữ chức vụ."),
    ("999999", "Hãy chọn một Ủy viên Ban Chấp hành đang giữ chức vụ."),
    ("member", "Hãy chọn một Ủy viên Ban Chấp hành đang giữ chức vụ."),
    ("inactive", "Hãy chọn một Ủy viên Ban Chấp hành đang giữ chức vụ."),
    ("author", "Lê Thị Thu Hà là người soạn dự thảo này, đã được sửa dự thảo."),
])
def test_only_committee_members_in_office_can_be_named(app, people, pick, message):
    plan = make_plan(people.author)
    inactive = make_user("Ngô Văn Tuấn", roles=["committee"], active=False)
    user_id = {"member": people.member.id, "inactive": inactive.id, "author": people.author.id}.get(pick, pick)
    client = _client(app, people.author)
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan", {"user_id": str(user_id)}, htmx=True)
    assert r.status_code == 200 and message in _page(r)
    assert 'aria-invalid="true"' in r.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(PlanEditor)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar() == 0
    # Without JavaScript: back to the plan page with the message.
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan", {"user_id": str(user_id)})
    assert r.status_code == 303
    assert message in _page(client.get(r.headers["Location"]))


def test_naming_twice_names_once(app, people):
    plan = make_plan(people.author)
    client = _client(app, people.author)
    for _ in range(2):
        r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan", {"user_id": str(people.coeditor.id)}, htmx=True)
        assert r.status_code == 200
    assert "Vũ Thị Mai đã là người cùng soạn" in _page(r)
    assert db.session.execute(sa.select(sa.func.count()).select_from(PlanEditor)).scalar() == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar() == 1


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.ISSUED])
def test_coeditors_change_only_while_drafting(app, people, status):
    plan = _draft(people, status)
    client = _client(app, people.author)
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan", {"user_id": str(people.other.id)}, htmx=True)
    assert r.status_code == 409
    r = client.post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan/{people.coeditor.id}/bot", htmx=True)
    assert r.status_code == 409
    assert _state(plan.id)[2] == [people.coeditor.id]
    # Those who wrote it are still named on the page.
    assert "Vũ Thị Mai" in _page(client.get(f"/ke-hoach/{plan.id}"))


def test_the_chair_and_vice_chair_may_name_coeditors_too(app, people):
    plan = make_plan(people.author)
    r = _client(app, people.vice).post_form(f"/ke-hoach/{plan.id}/nguoi-cung-soan",
                                            {"user_id": str(people.other.id)}, htmx=True)
    assert r.status_code == 200 and _state(plan.id)[2] == [people.other.id]


def test_authors_of_lists_the_author_then_the_coeditors(people):
    plan = _draft(people)
    assert [u.id for u in coeditors.authors_of(plan)] == [people.author.id, people.coeditor.id]


# --- where a co-editor finds the draft -----------------------------------------------------------

def test_a_coeditor_finds_the_draft_at_home_and_in_the_plan_list(app, people):
    plan = _draft(people)
    make_plan(people.author, "Dự thảo khác 2024")
    client = _client(app, people.coeditor)
    home = _page(client.get("/"))
    assert "Dự thảo bạn cùng soạn" in home and "Hoạt động Công đoàn năm học 2024 - 2025" in home
    assert "Dự thảo khác 2024" not in home.split("Dự thảo bạn cùng soạn")[1].split("</section>")[0]
    listing = client.get("/ke-hoach/").get_data(as_text=True)
    box = listing.split('id="coedited-drafts"')[1].split("</section>")[0]
    assert f'href="/ke-hoach/{plan.id}"' in box and "Dự thảo khác 2024" not in box
    # Others have no such panel; once submitted, the draft leaves it.
    assert "Dự thảo bạn cùng soạn" not in _page(_client(app, people.other).get("/"))
    plan.status = PlanStatus.SUBMITTED.value
    db.session.commit()
    assert "Dự thảo bạn cùng soạn" not in _page(client.get("/"))


# --- two editors on the same line ----------------------------------------------------------------

def test_the_second_of_two_editors_gets_the_stale_message_and_keeps_their_text(app, people):
    plan = _draft(people)
    line = plan.sections[0].lines[0]
    author, coeditor = _client(app, people.author), _client(app, people.coeditor)
    # Both open the same line for editing (revision 1).
    for client in (author, coeditor):
        assert 'name="rev" value="1"' in client.get(f"/ke-hoach/{plan.id}/line/{line.id}/sua",
                                                    headers={"HX-Request": "true"}).get_data(as_text=True)
    r = coeditor.post_form(f"/ke-hoach/{plan.id}/line/{line.id}",
                           {"rev": "1", "kind": "bullet", "text": "Bản của người cùng soạn"}, htmx=True)
    assert r.status_code == 200
    r = author.post_form(f"/ke-hoach/{plan.id}/line/{line.id}",
                         {"rev": "1", "kind": "bullet", "text": "Bản của người soạn"}, htmx=True)
    page = _page(r)
    assert r.status_code == 200
    assert "Dòng này vừa được Vũ Thị Mai sửa lúc" in page and "Bản của người cùng soạn" in page
    assert 'Bản của người soạn</textarea>' in r.get_data(as_text=True)       # their text, ready to copy
    assert db.session.get(PlanLine, line.id).text == "Bản của người cùng soạn"
    # The history names who saved each version.
    history = _page(author.get(f"/ke-hoach/{plan.id}/lich-su"))
    assert "Vũ Thị Mai Sửa dòng: Bản của người cùng soạn" in history


def test_the_stale_message_names_who_changed_that_part_not_the_last_saver(app, people):
    plan = _draft(people)
    first, second = plan.sections[0].lines
    author, coeditor = _client(app, people.author), _client(app, people.coeditor)
    # Mai changes the first line; then the author saves another line, then the first from her old copy.
    assert coeditor.post_form(f"/ke-hoach/{plan.id}/line/{first.id}",
                              {"rev": "1", "kind": "bullet", "text": "Bản của Mai"}, htmx=True).status_code == 200
    assert author.post_form(f"/ke-hoach/{plan.id}/line/{second.id}",
                            {"rev": "1", "kind": "bullet", "text": "Dòng hai, sửa"}, htmx=True).status_code == 200
    r = author.post_form(f"/ke-hoach/{plan.id}/line/{first.id}",
                         {"rev": "1", "kind": "bullet", "text": "Bản của Hà"}, htmx=True)
    assert "Dòng này vừa được Vũ Thị Mai sửa lúc" in _page(r)
    # The header likewise: the last save of the header, whoever saved a line since.
    header = {"rev": "1", "subject": "Tên mới 2024", "type_name": "KẾ HOẠCH", "union_name": "CĐCS"}
    assert coeditor.post_form(f"/ke-hoach/{plan.id}/header", header, htmx=True).status_code == 200
    author.post_form(f"/ke-hoach/{plan.id}/line/{second.id}", {"rev": "2", "kind": "bullet", "text": "Lần nữa"},
                     htmx=True)
    r = author.post_form(f"/ke-hoach/{plan.id}/header", {**header, "subject": "Tên của Hà"}, htmx=True)
    assert "vừa được Vũ Thị Mai sửa lúc" in _page(r)
