import html
import json
import re

import pytest
import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.extensions import db
from congdoan.organisation.models import Organisation
from congdoan.plans import creating as plan_creating
from congdoan.plans import editing as plan_editing
from congdoan.plans import queries as plan_queries
from congdoan.plans.document import load_plan_tree, shift_years, to_document
from congdoan.plans.models import Plan, PlanBasis, PlanLine, PlanStatus, PlanVersion, ScheduleRow

from .conftest import make_group, make_user, text_of
from .plan_factories import make_plan


@pytest.fixture
def chair():
    return make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])


@pytest.fixture
def committee():
    return make_user("Lê Thị Thu Hà", roles=["committee"])


def _page(response) -> str:
    return html.unescape(text_of(response))


# --- creating ------------------------------------------------------------------------------------

def test_new_plan_takes_the_organisation_defaults(client, signed_in, chair, committee):
    db.session.add(Organisation(id=1, name="CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ", upper_union="LĐLĐ QUẬN HẢI AN",
                                place_name="Thành Tô", plan_abbrev="KH", body_abbrev="CĐ",
                                sign_on_behalf="TM. BAN CHẤP HÀNH", chair_title="CHỦ TỊCH",
                                vice_chair_title="PHÓ CHỦ TỊCH", motto_line1="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                motto_line2="Độc lập - Tự do - Hạnh phúc", default_recipients="CB, GV, NV;\nLưu: VT."))
    db.session.commit()
    signed_in(committee)
    r = client.post_form("/ke-hoach/moi", {"subject": "Tổ chức Tết Trung thu năm 2024", "period": "Tháng 9/2024"})
    assert r.status_code == 303
    plan = db.session.execute(sa.select(Plan)).scalar_one()
    assert (plan.status, plan.author_id, plan.year) == ("draft", committee.id, 2024)
    assert plan.union_name == "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ" and plan.place == "Thành Tô"
    assert plan.recipient_lines == ["CB, GV, NV;", "Lưu: VT."]
    assert (plan.sign_on_behalf, plan.signer_title, plan.signer_name) == ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nguyễn Thị Hoa")
    page = _page(client.get(f"/ke-hoach/{plan.id}"))
    assert "Số: .../KH-CĐ" in page and "Thành Tô, ngày tháng năm" in page


@pytest.mark.parametrize("subject,message", [
    ("", "Vui lòng nhập trích yếu"),
    ("x" * 501, "quá dài"),
    ("   \x00\x01 ", "Vui lòng nhập trích yếu"),
])
def test_bad_subjects_are_refused(client, signed_in, committee, subject, message):
    signed_in(committee)
    r = client.post_form("/ke-hoach/moi", {"subject": subject})
    assert r.status_code == 422 and message in _page(r)
    assert db.session.query(Plan).count() == 0


def test_members_cannot_draft(client, signed_in):
    signed_in(make_user())
    assert client.get("/ke-hoach/moi").status_code == 403
    assert client.post_form("/ke-hoach/moi", {"subject": "X"}).status_code == 403


# --- inline editing ------------------------------------------------------------------------------

def test_add_edit_move_delete_parts_inline(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    section = plan.sections[0]
    r = client.post_form(f"/ke-hoach/{plan.id}/line/them", {"parent_id": section.id, "kind": "bullet",
                                                          "text": "Gửi **trước ngày 16/9/2024**"}, htmx=True)
    assert r.status_code == 200 and f'id="section-{section.id}"' in r.get_data(as_text=True)
    assert "<strong>trước ngày 16/9/2024</strong>" in r.get_data(as_text=True)
    line = db.session.execute(sa.select(PlanLine).where(PlanLine.text.like("%16/9%"))).scalar_one()
    assert line.position == 2 and line.plan_id == plan.id
    # Edit in place.
    form = client.get(f"/ke-hoach/{plan.id}/line/{line.id}/sua", headers={"HX-Request": "true"})
    assert 'name="rev" value="1"' in form.get_data(as_text=True)
    r = client.post_form(f"/ke-hoach/{plan.id}/line/{line.id}", {"rev": "1", "kind": "bullet", "level": "1",
                                                                "text": "Nộp *sớm*"}, htmx=True)
    assert r.status_code == 200 and "<em>sớm</em>" in r.get_data(as_text=True)
    line = db.session.get(PlanLine, line.id)
    assert (line.text, line.level, line.rev) == ("Nộp *sớm*", 1, 2)
    # Move it to the top of its section.
    for _ in range(3):
        client.post_form(f"/ke-hoach/{plan.id}/line/{line.id}/di-chuyen", {"direction": "up"}, htmx=True)
    texts = [l.text for l in db.session.get(Plan, plan.id).sections[0].lines]
    assert texts == ["Nộp *sớm*", "Dòng một.", "Dòng hai."]
    # Delete it; positions close up.
    r = client.post_form(f"/ke-hoach/{plan.id}/line/{line.id}/xoa", {"rev": "2"}, htmx=True)
    assert r.status_code == 200
    lines = db.session.get(Plan, plan.id).sections[0].lines
    assert [(l.text, l.position) for l in lines] == [("Dòng một.", 0), ("Dòng hai.", 1)]
    # Every saved change is a version with who and what.
    versions = db.session.execute(sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id)
                                  .order_by(PlanVersion.number)).scalars().all()
    assert [v.number for v in versions] == [1, 2, 3, 4, 5, 6]   # the third move was a no-op at the top
    assert versions[1].summary.startswith("Thêm dòng") and versions[1].author_id == committee.id
    assert versions[-1].summary.startswith("Xóa dòng")


def test_every_part_kind_can_be_added(client, signed_in, committee):
    plan = make_plan(committee, sections=[], schedule=[], bases=[])
    signed_in(committee)
    group = make_group("Tổ Khối 1")
    assert client.post_form(f"/ke-hoach/{plan.id}/basis/them", {"text": "Căn cứ Điều lệ;"}, htmx=True).status_code == 200
    assert client.post_form(f"/ke-hoach/{plan.id}/section/them", {"title": "MỤC ĐÍCH"}, htmx=True).status_code == 200
    assert client.post_form(f"/ke-hoach/{plan.id}/row/them", {"period": "9/2024"}, htmx=True).status_code == 200
    row = db.session.execute(sa.select(ScheduleRow)).scalar_one()
    r = client.post_form(f"/ke-hoach/{plan.id}/activity/them", {"parent_id": row.id, "text": "Họp"}, htmx=True)
    assert r.status_code == 200
    activity = db.session.get(Plan, plan.id).rows[0].activities[0]
    r = client.post(f"/ke-hoach/{plan.id}/activity/{activity.id}", headers={"HX-Request": "true"}, data={
        "csrf_token": client.csrf_token(), "rev": "1", "text": "Họp BCH", "due_date": "2024-09-30",
        "group_ids": [str(group.id)]})
    assert r.status_code == 200 and "Tổ Khối 1" in _page(r) and "30/09/2024" in _page(r)
    doc = to_document(load_plan_tree(plan.id))
    assert doc["schedule"] == [{"period": "9/2024", "activities": [
        {"text": "Họp BCH", "groups": ["Tổ Khối 1"], "due": "2024-09-30"}]}]
    assert doc["bases"] == ["Căn cứ Điều lệ;"] and doc["sections"][0]["title"] == "MỤC ĐÍCH"


@pytest.mark.parametrize("kind,data,stored,shown", [
    ("line", {"kind": "subsection", "text": "1. Mục đích"}, "Mục đích", "2. Mục đích"),
    ("line", {"kind": "subsection", "text": "2) Yêu cầu"}, "Yêu cầu", "2) Yêu cầu"),   # the typed style is kept
    ("line", {"kind": "subsection", "text": "1.2. Tổ chức"}, "Tổ chức", "2. Tổ chức"),
    ("line", {"kind": "bullet", "text": "- Thăm hỏi đoàn viên ốm đau"}, "Thăm hỏi đoàn viên ốm đau", "- Thăm hỏi"),
    ("line", {"kind": "bullet", "text": "–  Tặng quà 1/6"}, "Tặng quà 1/6", "- Tặng quà 1/6"),
    ("line", {"kind": "bullet", "text": "• Tham gia hội thao"}, "Tham gia hội thao", "• Tham gia hội thao"),
    ("line", {"kind": "bullet", "text": "+ Khối 1: 5 người"}, "Khối 1: 5 người", "+ Khối 1: 5 người"),
    ("section", {"title": "III. TỔ CHỨC THỰC HIỆN"}, "TỔ CHỨC THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"),
    ("section", {"title": "IV - KINH PHÍ"}, "KINH PHÍ", "III. KINH PHÍ"),
])
def test_typed_numbering_is_not_doubled(client, signed_in, committee, kind, data, stored, shown):
    """People type "1." or "- " out of habit from Word; the editor numbers by itself, so a typed marker
    came out twice ("1. 1. Mục đích", "- - Thăm hỏi")."""
    plan = make_plan(committee)
    signed_in(committee)
    if kind == "line":
        data = dict(data, parent_id=plan.sections[1].id)
    r = client.post_form(f"/ke-hoach/{plan.id}/{kind}/them", data, htmx=True)
    assert r.status_code == 200
    page = _page(r)
    assert shown in page
    if kind == "line":
        texts = [l.text for l in db.session.get(Plan, plan.id).sections[1].lines]
        assert texts[-1] == stored
    else:
        assert db.session.get(Plan, plan.id).sections[-1].title == stored


def test_text_that_only_looks_like_a_marker_is_kept(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    for text in ("20/11 kỷ niệm ngày Nhà giáo Việt Nam", "-5% so với năm trước", "1.500.000 đồng mỗi suất"):
        client.post_form(f"/ke-hoach/{plan.id}/line/them", {"parent_id": plan.sections[0].id,
                                                           "kind": "bullet", "text": text}, htmx=True)
    assert [l.text for l in db.session.get(Plan, plan.id).sections[0].lines][-3:] == [
        "20/11 kỷ niệm ngày Nhà giáo Việt Nam", "-5% so với năm trước", "1.500.000 đồng mỗi suất"]


def test_the_editor_says_numbering_is_automatic(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    assert "được đánh tự động" in _page(client.get(f"/ke-hoach/{plan.id}"))


@pytest.mark.parametrize("kind,data,message", [
    ("basis", {"text": ""}, "Vui lòng nhập nội dung căn cứ."),
    ("basis", {"text": "x" * 100_000}, "quá dài: 100.000 ký tự (tối đa 20.000)"),
    ("section", {"title": "  "}, "Vui lòng nhập tên mục."),
    ("row", {"period": ""}, "Vui lòng nhập tháng"),
])
def test_bad_part_input_is_refused_beside_the_field(client, signed_in, committee, kind, data, message):
    plan = make_plan(committee)
    before = json.dumps(to_document(load_plan_tree(plan.id)))
    signed_in(committee)
    r = client.post_form(f"/ke-hoach/{plan.id}/{kind}/them", data, htmx=True)
    assert r.status_code == 200
    assert message in _page(r)
    assert 'class="field-error"' in r.get_data(as_text=True)
    db.session.expire_all()
    assert json.dumps(to_document(load_plan_tree(plan.id))) == before


def test_hostile_text_is_kept_and_escaped(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    text = 'Chi <script>alert("x")</script> & "quà" 🎁 \x00\x1b cho cháu'
    client.post_form(f"/ke-hoach/{plan.id}/basis/them", {"text": text}, htmx=True)
    stored = db.session.execute(sa.select(PlanBasis).order_by(PlanBasis.id.desc())).scalars().first()
    assert stored.text == 'Chi <script>alert("x")</script> & "quà" 🎁  cho cháu'.replace("  ", " ")
    page = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "🎁" in page


def test_a_10000_character_paragraph_fits(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    r = client.post_form(f"/ke-hoach/{plan.id}/basis/them", {"text": "a" * 10_000}, htmx=True)
    assert r.status_code == 200 and "quá dài" not in _page(r)


def test_a_stale_copy_is_refused_and_the_edit_is_not_lost(client, signed_in, app, committee, chair):
    plan = make_plan(committee)
    basis = plan.bases[0]
    # The chair saves first, from revision 1.
    other = app.test_client()
    from .conftest import login
    login(other, chair)
    assert other.post_form(f"/ke-hoach/{plan.id}/basis/{basis.id}", {"rev": "1", "text": "Căn cứ của Chủ tịch"},
                           htmx=True).status_code == 200
    # The author saves a change made from the old revision 1.
    signed_in(committee)
    r = client.post_form(f"/ke-hoach/{plan.id}/basis/{basis.id}", {"rev": "1", "text": "Căn cứ của tác giả"},
                         htmx=True)
    page = _page(r)
    assert r.status_code == 200
    assert "vừa được Nguyễn Thị Hoa sửa" in page and "Căn cứ của Chủ tịch" in page
    assert "Căn cứ của tác giả" in page                     # their text is still in the box
    assert 'name="rev" value="2"' in r.get_data(as_text=True)  # saving again is a conscious overwrite
    assert db.session.get(PlanBasis, basis.id).text == "Căn cứ của Chủ tịch"
    r = client.post_form(f"/ke-hoach/{plan.id}/basis/{basis.id}", {"rev": "2", "text": "Căn cứ của tác giả"}, htmx=True)
    assert db.session.get(PlanBasis, basis.id).text == "Căn cứ của tác giả"


def test_stale_header_and_delete(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    assert client.post_form(f"/ke-hoach/{plan.id}/header", {"rev": "1", "subject": "Tên mới 2024", "type_name": "KẾ HOẠCH",
                                                            "union_name": "CĐCS"}, htmx=True).status_code == 200
    r = client.post_form(f"/ke-hoach/{plan.id}/header", {"rev": "1", "subject": "Tên khác", "type_name": "KẾ HOẠCH",
                                                         "union_name": "CĐCS"}, htmx=True)
    assert "vừa được" in _page(r) and db.session.get(Plan, plan.id).subject == "Tên mới 2024"
    basis = plan.bases[0]
    client.post_form(f"/ke-hoach/{plan.id}/basis/{basis.id}", {"rev": "1", "text": "Đổi"}, htmx=True)
    r = client.post_form(f"/ke-hoach/{plan.id}/basis/{basis.id}/xoa", {"rev": "1"}, htmx=True)
    assert r.status_code == 409 and "vừa được" in _page(r)
    assert db.session.get(PlanBasis, basis.id) is not None


def test_a_part_of_another_plan_is_refused(client, signed_in, committee):
    mine = make_plan(committee, "Kế hoạch A 2024")
    other = make_plan(committee, "Kế hoạch B 2024")
    foreign = other.sections[0].lines[0]
    signed_in(committee)
    before = [(l.id, l.position) for l in other.sections[0].lines]
    for url, data in [(f"/ke-hoach/{mine.id}/line/{foreign.id}/di-chuyen", {"direction": "down"}),
                      (f"/ke-hoach/{mine.id}/line/{foreign.id}", {"rev": "1", "text": "x"}),
                      (f"/ke-hoach/{mine.id}/line/{foreign.id}/xoa", {"rev": "1"}),
                      (f"/ke-hoach/{mine.id}/line/them", {"parent_id": other.sections[0].id, "text": "x"})]:
        r = client.post_form(url, data, htmx=True)
        assert r.status_code == 409, url
        assert "Không tìm thấy" in _page(r)
    db.session.expire_all()
    assert [(l.id, l.position) for l in db.session.get(Plan, other.id).sections[0].lines] == before
    assert db.session.get(PlanLine, foreign.id).text == "Dòng một."


# --- who may see and edit ------------------------------------------------------------------------

def test_visibility_and_edit_rights(client, signed_in, app, committee, chair):
    member = make_user()
    other_committee = make_user(roles=["committee"])
    draft = make_plan(committee, "Dự thảo 2024")
    approved = make_plan(committee, "Đã duyệt 2024", status=PlanStatus.APPROVED)
    from .conftest import login
    as_member = app.test_client()
    login(as_member, member)
    assert as_member.get(f"/ke-hoach/{draft.id}").status_code == 403
    assert as_member.get(f"/ke-hoach/{approved.id}").status_code == 200
    assert "Dự thảo 2024" not in _page(as_member.get("/ke-hoach/"))
    assert "Đã duyệt 2024" in _page(as_member.get("/ke-hoach/"))
    as_other = app.test_client()
    login(as_other, other_committee)
    page = as_other.get(f"/ke-hoach/{draft.id}")
    assert page.status_code == 200 and "Chỉ người soạn" in _page(page)
    r = as_other.post_form(f"/ke-hoach/{draft.id}/basis/them", {"text": "x"}, htmx=True)
    assert r.status_code == 403
    as_chair = app.test_client()
    login(as_chair, chair)
    assert as_chair.post_form(f"/ke-hoach/{draft.id}/basis/them", {"text": "Chủ tịch thêm"}, htmx=True).status_code == 200
    # Approved plans are locked, for everyone.
    r = as_chair.post_form(f"/ke-hoach/{approved.id}/basis/them", {"text": "x"}, htmx=True)
    assert r.status_code == 409 and "Đã duyệt" in _page(r)
    # Deleting: only a draft, by its author or the chair.
    assert as_other.post_form(f"/ke-hoach/{draft.id}/xoa").status_code == 403
    assert as_chair.post_form(f"/ke-hoach/{approved.id}/xoa").status_code == 409
    signed_in(committee)
    draft_id = draft.id
    assert client.post_form(f"/ke-hoach/{draft_id}/xoa").status_code == 303
    assert db.session.get(Plan, draft_id) is None
    assert db.session.query(AuditEntry).filter_by(action="plan_deleted").count() == 1


# --- list and search -----------------------------------------------------------------------------

def test_search_ignores_accents_and_case(client, signed_in, committee):
    make_plan(committee, "Tổ chức Tết Trung thu cho con đoàn viên năm 2024")
    make_plan(committee, "Hoạt động Công đoàn năm học 2023 - 2024")
    signed_in(committee)
    for query in ("tet trung thu", "TẾT TRUNG THU", "Tet  Trung", "trung thu tet"):
        page = _page(client.get(f"/ke-hoach/?q={query}"))
        assert "Tết Trung thu" in page and "Hoạt động Công đoàn" not in page, query
    assert "Không có kế hoạch nào" in _page(client.get("/ke-hoach/?q=khong co dau"))


def test_filters_status_year_author(client, signed_in, committee, chair):
    make_plan(committee, "Kế hoạch năm học 2023 - 2024", status=PlanStatus.APPROVED)
    make_plan(chair, "Kế hoạch năm 2025")
    signed_in(committee)
    page = _page(client.get("/ke-hoach/?nam=2023"))
    assert "năm học 2023 - 2024" in page and "năm 2025" not in page
    page = _page(client.get("/ke-hoach/?trang_thai=draft"))
    assert "năm 2025" in page and "2023 - 2024" not in page
    page = _page(client.get(f"/ke-hoach/?nguoi_soan={chair.id}", headers={"HX-Request": "true",
                                                                          "HX-Trigger": "plan-filter"}))
    assert "năm 2025" in page and "2023 - 2024" not in page


# --- copy to next year ---------------------------------------------------------------------------

def test_copy_to_next_year_shifts_years(client, signed_in, committee):
    source = make_plan(committee, "Hoạt động Công đoàn năm học 2023 - 2024", period="Năm học 2023 - 2024",
                       status=PlanStatus.ISSUED, doc_date="2023-09-05",
                       schedule_title="NỘI DUNG CÔNG TÁC NĂM HỌC 2023 – 2024",
                       sections=[{"title": "NHIỆM VỤ", "lines": [
                           {"kind": "paragraph", "level": 0, "text": "Nghị quyết số 02 ngày 12/6/2021"}]}],
                       schedule=[{"period": "9/2023", "activities": [{"text": "Khai giảng 2023", "groups": [],
                                                                       "due": "2023-09-05"},
                                                                      {"text": "Kỷ niệm (20/10/1930 - 20/10/2023), "
                                                                               "Nghị quyết 2021", "groups": []}]},
                                 {"period": "6, 7/2024", "activities": [{"text": "Tổng kết", "groups": [],
                                                                          "due": "2024-02-29"},
                                                                         {"text": "Kế hoạch năm học 2024 - 2025",
                                                                          "groups": []}]}])
    signed_in(committee)
    r = client.post_form(f"/ke-hoach/{source.id}/sao-chep", {"shift_years": "y", "years": "1"})
    assert r.status_code == 303
    copy = db.session.execute(sa.select(Plan).where(Plan.id != source.id)).scalar_one()
    doc = to_document(load_plan_tree(copy.id))
    assert doc["subject"] == "Hoạt động Công đoàn năm học 2024 - 2025"
    assert doc["period"] == "Năm học 2024 - 2025"
    assert doc["schedule_title"] == "NỘI DUNG CÔNG TÁC NĂM HỌC 2024 – 2025"
    assert [r["period"] for r in doc["schedule"]] == ["9/2024", "6, 7/2025"]
    assert doc["schedule"][1]["activities"][0]["due"] == "2025-02-28"
    # In an activity the plan's own calendar moves (a year either side too); history stays.
    assert doc["schedule"][0]["activities"][0]["text"] == "Khai giảng 2024"
    assert doc["schedule"][0]["activities"][1]["text"] == "Kỷ niệm (20/10/1930 - 20/10/2024), Nghị quyết 2021"
    assert doc["schedule"][1]["activities"][1]["text"] == "Kế hoạch năm học 2025 - 2026"
    assert doc["sections"][0]["lines"][0]["text"] == "Nghị quyết số 02 ngày 12/6/2021"
    assert (copy.status, copy.number, copy.doc_date, copy.source_plan_id) == ("draft", None, None, source.id)
    assert copy.year == 2024


def test_copy_without_shift_keeps_everything(committee):
    source = make_plan(committee, "Kế hoạch 2024")
    copy = plan_creating.copy_plan(source, actor=committee, shift=0)
    a, b = to_document(source), to_document(copy)
    a.pop("date"), b.pop("date")
    assert a == b


def test_shift_years_recounts_an_anniversary_from_its_dates():
    doc = {"subject": "Năm học 2023 - 2024", "period": "", "schedule_title": "", "schedule": [
        {"period": "10/2023", "activities": [
            {"text": "Kỷ niệm 93 năm ngày thành lập Hội LHPN VN (20/10/1930 - 20/10/2023).", "due": None},
            {"text": "Kỷ niệm 48 năm ngày giải phóng MN (30/4/1975 - 30/4/2024)", "due": None},
            {"text": "Kỷ niệm 114 năm ngày Quốc tế Phụ nữ 8/3", "due": None}]}]}
    texts = [a["text"] for a in shift_years(doc, 3)["schedule"][0]["activities"]]
    assert texts == ["Kỷ niệm 96 năm ngày thành lập Hội LHPN VN (20/10/1930 - 20/10/2026).",
                     "Kỷ niệm 48 năm ngày giải phóng MN (30/4/1975 - 30/4/2027)",   # did not match its dates
                     "Kỷ niệm 114 năm ngày Quốc tế Phụ nữ 8/3"]                      # no dates: by hand


def test_shift_years_leaves_non_years_alone():
    doc = {"subject": "Kỷ niệm 94 năm, năm học 2023 - 2024, mã 12345", "period": "", "schedule_title": "",
           "schedule": [{"period": "01/2024", "activities": []}]}
    out = shift_years(doc, 1)
    assert out["subject"] == "Kỷ niệm 94 năm, năm học 2024 - 2025, mã 12345"
    assert out["schedule"][0]["period"] == "01/2025"


# --- history and compare -------------------------------------------------------------------------

def test_compare_two_versions_part_by_part(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    basis = plan.bases[0]
    client.post_form(f"/ke-hoach/{plan.id}/basis/{basis.id}", {"rev": "1", "text": "Căn cứ Điều lệ Công đoàn Việt Nam năm 2020;"}, htmx=True)
    client.post_form(f"/ke-hoach/{plan.id}/row/them", {"period": "12/2024"}, htmx=True)
    client.post_form(f"/ke-hoach/{plan.id}/section/{plan.sections[1].id}/xoa", {"rev": "1"}, htmx=True)
    history = _page(client.get(f"/ke-hoach/{plan.id}/lich-su"))
    assert "Sửa căn cứ" in history and "Lê Thị Thu Hà" in history
    r = client.get(f"/ke-hoach/{plan.id}/so-sanh?tu=1&den=4")
    body = r.get_data(as_text=True)
    page = _page(r)
    assert "Căn cứ" in page and re.search(r"Nam<ins>[^<]*năm 2020</ins>;", body)
    assert "Lịch công tác — 12/2024 (mới)" in page
    assert "Mục “NỘI DUNG” (đã xóa)" in page
    same = _page(client.get(f"/ke-hoach/{plan.id}/so-sanh?tu=2&den=2"))
    assert "giống hệt nhau" in same
    assert client.get(f"/ke-hoach/{plan.id}/so-sanh?tu=1&den=99").status_code == 409


# --- the demo plan -------------------------------------------------------------------------------

def test_demo_plan_is_structured_and_its_preview_shows_every_source_paragraph(runner, client, signed_in):
    from docx import Document
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    plan = db.session.execute(sa.select(Plan).where(Plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024")).scalar_one()
    doc = to_document(load_plan_tree(plan.id))
    assert len(doc["sections"]) == 4 and len(doc["bases"]) == 6
    assert len(doc["schedule"]) == 11
    assert [len(r["activities"]) for r in doc["schedule"]] == [4, 9, 5, 4, 3, 4, 4, 5, 5, 4, 5]
    chair = db.session.execute(sa.select(sa.text("1"))).scalar()
    assert chair
    from congdoan.people.models import User
    signed_in(db.session.execute(sa.select(User).where(User.email == "chutich@thanhto.demo")).scalar_one(),
              "congdoan2026")
    preview = " ".join(_page(client.get(f"/ke-hoach/{plan.id}/xem-truoc")).split())
    from congdoan.demo import EXAMPLE_DOCX
    source = Document(str(EXAMPLE_DOCX))
    paragraphs = []
    for block in source.element.body.iter():
        if block.tag.endswith("}p"):
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
            text = " ".join(text.split())
            if text:
                paragraphs.append(text)
    skip = {"Tháng", "Nội dung công việc", "Số: 01/KHCĐ-THTT"}
    position = 0
    for paragraph in paragraphs:
        if paragraph in skip:
            continue
        found = preview.find(paragraph.replace("6, 7/ 2024", "6, 7/2024"), position)
        assert found >= 0, f"missing or out of order: {paragraph[:80]}"
        position = found + 1
    assert "Số: .../KHCĐ-THTT" in preview        # a draft has no number until it is signed


def test_documents_from_any_source_are_cleaned(committee):
    """Seed, import and copy all go through fill_plan: control characters never reach the database
    (PostgreSQL refuses NUL outright)."""
    plan = make_plan(committee, "Kế hoạch\x00 có ký tự lạ 2024", bases=["Căn cứ\x00\x07 Điều lệ"],
                     sections=[{"title": "MỤC\x1b I", "lines": [{"kind": "bullet", "level": 0, "text": "Dòng\x00 một"}]}])
    doc = to_document(load_plan_tree(plan.id))
    assert doc["subject"] == "Kế hoạch có ký tự lạ 2024"
    assert doc["bases"] == ["Căn cứ Điều lệ"] and doc["sections"][0]["title"] == "MỤC I"
    assert doc["sections"][0]["lines"][0]["text"] == "Dòng một"


# --- the document read for showing (preview, Word download) --------------------------------------

def test_document_of_equals_to_document_whatever_the_plan_holds(committee):
    """document_of reads the parts as plain rows (the fast path of the preview and the download); it
    must give exactly the dict to_document builds from the ORM tree, edits, moves and empty parts
    included."""
    from congdoan.plans.document import document_of
    b, a = make_group("Tổ Bê"), make_group("Tổ A")
    plan = make_plan(committee, sections=[
        {"title": "MỤC RỖNG", "lines": []},
        {"title": "MỤC", "lines": [{"kind": "subsection", "level": 0, "text": "Một\nhai dòng"},
                                   {"kind": "bullet", "level": 1, "text": "**đậm** <b>&"}]}],
        schedule=[{"period": "8/2024", "activities": []},
                  {"period": "9/2024", "activities": [
                      {"text": "Việc có hai tổ", "groups": ["Tổ Bê", "Tổ A"], "due": "2024-09-30"},
                      {"text": "Việc không tổ", "groups": [], "due": None}]}],
        bases=[], opening="Mở đầu\n\nđoạn hai", recipients=["Như trên;", "Lưu: VT."])
    other = make_plan(committee, "Kế hoạch khác 2024")          # its parts must not leak in
    tree = load_plan_tree(plan.id)
    assert document_of(tree) == to_document(tree)
    assert document_of(tree)["schedule"][1]["activities"][0]["groups"] == ["Tổ A", "Tổ Bê"]
    plan_editing.move_part(tree, "section", tree.sections[1].id, "up", actor=committee)
    plan_editing.add_part(tree, "activity", {"text": "Thêm", "group_ids": [str(b.id)]}, actor=committee,
                          parent_id=tree.rows[0].id)
    db.session.commit()
    db.session.expire_all()
    tree = load_plan_tree(plan.id)
    assert document_of(tree) == to_document(tree)
    assert document_of(tree)["sections"][0]["title"] == "MỤC"
    assert document_of(load_plan_tree(other.id)) == to_document(load_plan_tree(other.id))
    # a report: its kind and period, table lines (no text, their Table JSON), origins and links
    from congdoan.reports.blocks import Cell, Table
    from .report_samples import sample_report
    report = plan_creating.create_from_document(sample_report(), actor=committee, summary="Báo cáo")
    db.session.commit()
    tree = load_plan_tree(report.id)
    assert document_of(tree) == to_document(tree) == sample_report()
    line = tree.sections[0].lines[0]
    line.kind, line.text, line.data = "table", "", Table(("A",), ((Cell("1", "/x"),),), (Cell("1"),)).to_json()
    tree.sections[2].lines[0].link = "/de-xuat"
    db.session.commit()
    db.session.expire_all()
    tree = load_plan_tree(report.id)
    assert document_of(tree) == to_document(tree)
    assert document_of(tree)["sections"][0]["lines"][0]["table"]["rows"] == [[{"text": "1", "link": "/x"}]]


def test_preview_html_is_remembered_by_content_and_follows_every_change(client, signed_in, chair):
    from congdoan import caching
    caching.clear()
    plan = make_plan(chair)
    signed_in(chair)
    first = _page(client.get(f"/ke-hoach/{plan.id}/xem-truoc"))
    assert "DỰ THẢO" in first and "Dòng một." in first and "Số: .../KH-CĐ" in first
    assert _page(client.get(f"/ke-hoach/{plan.id}/xem-truoc")) == first
    # the content, the settings printed in the head and the status each give a new rendering
    line = db.session.execute(sa.select(PlanLine).where(PlanLine.plan_id == plan.id)).scalars().first()
    client.post_form(f"/ke-hoach/{plan.id}/line/{line.id}", {"rev": line.rev, "kind": "bullet", "text": "Dòng sửa."})
    assert "Dòng sửa." in _page(client.get(f"/ke-hoach/{plan.id}/xem-truoc"))
    org = Organisation.get_for_update()
    org.plan_abbrev, org.motto_line2 = "KHX", "Tiêu ngữ khác"
    db.session.commit()
    page = _page(client.get(f"/ke-hoach/{plan.id}/xem-truoc"))
    assert "Số: .../KHX-CĐ" in page and "Tiêu ngữ khác" in page
    db.session.get(Plan, plan.id).status = PlanStatus.APPROVED.value
    db.session.commit()
    assert "DỰ THẢO" not in _page(client.get(f"/ke-hoach/{plan.id}/xem-truoc"))


def test_the_preview_key_covers_everything_the_document_template_reads():
    """congdoan/plans/preview.py keys the remembered HTML on the document, the draft mark and three
    settings. A template that starts reading anything else must extend that key."""
    from pathlib import Path
    import jinja2.meta
    from flask import current_app
    source = (Path(current_app.root_path).parent / "templates" / "plans" / "_document.html").read_text()
    names = jinja2.meta.find_undeclared_variables(current_app.jinja_env.parse(source))
    assert names <= {"plan", "doc", "org", "date_line"}
    assert set(re.findall(r"\bplan\.(\w+)", source)) == {"state", "doc_date"}
    assert set(re.findall(r"\borg\.(\w+)", source)) == {"plan_abbrev", "body_abbrev", "motto_line1", "motto_line2"}


def test_plan_list_links_and_the_table_alone_for_the_filter_bar(client, signed_in, committee, chair):
    from flask import url_for
    plans = [make_plan(chair, f"Kế hoạch số {i} năm 2025") for i in range(3)]
    signed_in(committee)
    body = client.get("/ke-hoach/").get_data(as_text=True)
    with client.application.test_request_context():
        links = [url_for("plans.detail", plan_id=p.id) for p in plans]
    assert all(f'href="{link}" class="plan-link"' in body for link in links)
    assert f'<option value="{chair.id}"' in body and '<option value="2025"' in body
    table = client.get("/ke-hoach/?q=so+1", headers={"HX-Request": "true", "HX-Trigger": "plan-filter"})
    html_ = table.get_data(as_text=True)
    assert "<select" not in html_ and "<html" not in html_ and "Kế hoạch số 1 năm 2025" in html_
    assert f'href="{links[1]}"' in html_
    # a history restore asks for the whole page again, filter menus included
    whole = client.get("/ke-hoach/?q=so+1", headers={"HX-Request": "true", "HX-Trigger": "plan-filter",
                                                      "HX-History-Restore-Request": "true"})
    assert f'<option value="{chair.id}"' in whole.get_data(as_text=True)


def test_plan_list_total_on_every_page(committee, monkeypatch):
    monkeypatch.setattr(plan_queries, "PAGE_SIZE", 2)
    for i in range(5):
        make_plan(committee, f"Kế hoạch số {i} năm 2025")
    seen = []
    for page in (1, 2, 3, 4, 9):
        plans, total = plan_queries.list_plans(committee, page=page)
        assert total == 5, page
        seen += [p.subject for p in plans]
    assert seen == [f"Kế hoạch số {i} năm 2025" for i in reversed(range(5))]
    assert plan_queries.list_plans(committee, q="so 3")[1] == 1
    assert plan_queries.list_plans(committee, q="khong co")[1] == 0
    assert plan_queries.list_plans(committee, q="khong co", page=2)[1] == 0
    monkeypatch.setattr(plan_queries, "PAGE_SIZE", 5)
    assert plan_queries.list_plans(committee)[1] == 5 and plan_queries.list_plans(committee, page=2)[1] == 5


def test_the_plan_list_counts_only_when_its_page_cannot_tell_the_total(committee, monkeypatch):
    from .test_query_counts import count_queries
    monkeypatch.setattr(plan_queries, "PAGE_SIZE", 2)
    for i in range(5):
        make_plan(committee, f"Kế hoạch số {i} năm 2025")
    plan_queries.list_plans(committee)              # the person's roles loaded, as a request has them
    # (search, page) -> (plans shown, total, statements sent): one for a page that is not full, two
    # (the page, then the COUNT) for a full page or an empty page after the first.
    for (q, page), expected in {("so 3", 1): (1, 1, 1), ("khong co", 1): (0, 0, 1), ("khong co", 2): (0, 0, 2),
                                ("", 1): (2, 5, 2), ("", 2): (2, 5, 2), ("", 3): (1, 5, 1), ("", 4): (0, 5, 2),
                                ("nam 2025", 0): (2, 5, 2)}.items():
        with count_queries() as sent:
            plans, total = plan_queries.list_plans(committee, q=q, page=page)
        assert (len(plans), total, sent["n"]) == expected, (q, page)


def test_version_history_shows_text_not_markup(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    client.post_form(f"/ke-hoach/{plan.id}/line/them", {"parent_id": plan.sections[0].id, "kind": "bullet",
                                                       "text": "Gửi danh sách **trước ngày 16/9/2024**"}, htmx=True)
    history = _page(client.get(f"/ke-hoach/{plan.id}/lich-su"))
    assert "Gửi danh sách trước ngày 16/9/2024" in history and "**" not in history
    assert "**" not in _page(client.get(f"/ke-hoach/{plan.id}"))


def test_the_version_under_the_title_moves_with_each_inline_save(client, signed_in, committee):
    plan = make_plan(committee)
    signed_in(committee)
    assert "phiên bản 1" in _page(client.get(f"/ke-hoach/{plan.id}"))
    r = client.post_form(f"/ke-hoach/{plan.id}/line/them", {"parent_id": plan.sections[0].id, "kind": "bullet",
                                                           "text": "Dòng ba."}, htmx=True)
    body = r.get_data(as_text=True)
    assert 'id="plan-meta" class="muted small" hx-swap-oob="true"' in body
    assert "phiên bản 2" in _page(r)
    refused = client.post_form(f"/ke-hoach/{plan.id}/line/them", {"parent_id": plan.sections[0].id,
                                                                 "kind": "bullet", "text": ""}, htmx=True)
    assert "plan-meta" not in refused.get_data(as_text=True) or "phiên bản 2" in _page(refused)
