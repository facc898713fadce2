"""The year-end report (issue 19) through the shared machinery: drafted from hand-made sections (the
records' counting, congdoan/reports/figures.py, is replaced here by `sections_for`), edited, its
figures refreshed without touching what the committee wrote, submitted (then frozen), approved by
four committee members, signed by the chair into its own register sequence ("01/BC-…" beside the
plans' "KH"), verified and downloaded like a plan. Plus the pages: /bao-cao, /bao-cao/moi and what the
plan page leaves out for a report, the routes that refuse a report, and who may do what."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask import current_app

from congdoan.approvals import services as approvals
from congdoan.documents import context, signing
from congdoan.documents.models import SignedDocument
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.organisation.models import Organisation
from congdoan.plans.kinds import PLAN, REPORT
from congdoan.plans.models import LineOrigin, Plan, PlanLine, PlanStatus, PlanVersion
from congdoan.reports import service
from congdoan.reports.blocks import Block, Cell, SectionDraft, Table
from congdoan.submissions.service import FIELD as TOKEN_FIELD

from .conftest import make_user, text_of
from .doc_factories import approve, approved_plan, make_committee
from .test_pdf_jobs import FAKE_PDF, converter, run_worker  # noqa: F401  (converter: a fixture)

START, END = dt.date(2025, 8, 1), dt.date(2026, 7, 31)


def _table(first: str, second: str) -> Table:
    return Table(("Tổ công đoàn", "Số đoàn viên"),
                 ((Cell("Tổ Khối 1"), Cell(first, "/quan-tri/nguoi-dung?to=1")),
                  (Cell("Tổ Văn phòng"), Cell(second, "/quan-tri/nguoi-dung?to=2"))),
                 total=(Cell("Tổng cộng"), Cell(str(int(first) + int(second)))))


def sections(members: int = 40, visits: int = 12) -> list[SectionDraft]:
    """Sections I–IV as figures.draft_sections gives them, with numbers that a refresh can change."""
    return [
        SectionDraft("I. ĐẶC ĐIỂM TÌNH HÌNH", (
            Block("paragraph", f"Đầu năm học công đoàn có {members} đoàn viên.", link="/quan-tri/nguoi-dung"),
            Block("table", table=_table(str(members - 15), "15"), link="/quan-tri/nguoi-dung"),
        )),
        SectionDraft("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", (
            Block("subsection", "Chăm lo đời sống đoàn viên"),
            Block("paragraph", f"Thăm hỏi {visits} lượt, tổng số tiền {visits * 500}.000 đ.",
                  link="/de-xuat/tat-ca?loai=tham-hoi"),
            Block("paragraph", "Tổ chức 3 đợt vận động.", link="/de-xuat/dot-van-dong"),
        )),
        SectionDraft("III. ĐÁNH GIÁ CHUNG", (Block("subsection", "Ưu điểm"), Block("subsection", "Hạn chế")),
                     from_records=False),
        SectionDraft("IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM HỌC TỚI", (), from_records=False),
    ]


@pytest.fixture
def records(monkeypatch):
    """What the records give, settable by the test: `records.sections` is what sections_for returns."""
    class Records:
        sections = sections()
        prompts = [Block("bullet", "Có 2 việc chưa thực hiện trong năm học.", link="/viec/ke-hoach/1")]
    state = Records()
    monkeypatch.setattr(service, "sections_for", lambda start, end: state.sections)
    monkeypatch.setattr(service, "prompts_for", lambda start, end: state.prompts)
    return state


def _report(plan_id: int) -> Plan:
    db.session.expire_all()
    return db.session.get(Plan, plan_id)


def _lines(report: Plan, index: int) -> list[tuple[str, str, str]]:
    """(kind, text, origin) of the lines of the report's section `index`."""
    return [(line.kind, line.text, line.origin) for line in report.sections[index].lines]


def _draft_through_the_form(client, *, year: int = 2025) -> int:
    page = client.get("/bao-cao/moi")
    token = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post_form("/bao-cao/moi", {"mode": "nam_hoc", "school_year": str(year), TOKEN_FIELD: token})
    assert response.status_code == 303, text_of(response)[:600]
    return int(re.search(r"/ke-hoach/(\d+)$", response.headers["Location"]).group(1))


# --- the whole flow ------------------------------------------------------------------------------

def test_draft_edit_refresh_submit_approve_sign_verify(client, signed_in, records, runner, converter):  # noqa: F811
    committee = make_committee()
    make_user("Đoàn Viên Thường", roles=())                # told "Báo cáo mới: …" at issue
    org = Organisation.get()
    first_plan = approved_plan(committee, "Kế hoạch hoạt động năm học 2026 - 2027")
    signed_in(committee.chair)
    assert client.post_form(f"/ke-hoach/{first_plan.id}/ky-ban-hanh").status_code == 303

    report_id = _draft_through_the_form(client)
    report = _report(report_id)
    assert (report.kind, report.type_name, report.status) == ("report", "BÁO CÁO", "draft")
    assert report.subject == "Tổng kết hoạt động công đoàn năm học 2025 - 2026"
    assert (report.period_start, report.period_end) == (START, END)
    assert report.opening.startswith("Thực hiện ") and report.opening.endswith("đạt được những kết quả sau:")
    assert (report.union_name, report.upper_union, report.place) == (org.name, org.upper_union, org.place_name)
    assert report.recipient_lines == org.recipient_lines and report.figures_at is not None
    assert [s.title for s in report.sections] == ["ĐẶC ĐIỂM TÌNH HÌNH", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
                                                  "ĐÁNH GIÁ CHUNG", "PHƯƠNG HƯỚNG NHIỆM VỤ NĂM HỌC TỚI"]
    assert _lines(report, 0)[0] == ("paragraph", "Đầu năm học công đoàn có 40 đoàn viên.", "records")
    table_line = report.sections[0].lines[1]
    assert (table_line.kind, table_line.origin, table_line.link) == ("table", "records", "/quan-tri/nguoi-dung")
    assert Table.from_json(table_line.data).rows[0][1] == Cell("25", "/quan-tri/nguoi-dung?to=1")
    assert {origin for _, _, origin in _lines(report, 2)} == {""}         # III: the committee's to write
    versions = db.session.execute(sa.select(PlanVersion).where(PlanVersion.plan_id == report_id)).scalars().all()
    assert [v.number for v in versions] == [1] and report.version_count == 1

    page = client.get(f"/ke-hoach/{report_id}")
    html, text = page.get_data(as_text=True), text_of(page)
    assert page.status_code == 200 and "Cập nhật số liệu" in text and "Gợi ý từ số liệu" in text
    assert "Có 2 việc chưa thực hiện trong năm học." in text
    assert 'href="/quan-tri/nguoi-dung?to=1"' in html and "Bảng số liệu" in text
    for absent in ("Lịch công tác", "Tạo bản mới từ kế hoạch này", "Giao việc", "Tiến độ thực hiện"):
        assert absent not in text, absent
    assert 'aria-current="page">Báo cáo' in html

    # The committee writes section III, adds its own line after the figures of section I, and
    # rewrites one figure line of section II (it becomes theirs).
    merit = report.sections[2].lines[0]
    response = client.post_form(f"/ke-hoach/{report_id}/line/{merit.id}",
                                {"rev": merit.rev, "kind": "subsection", "text": "Ưu điểm: đoàn kết, chủ động"},
                                htmx=True)
    assert response.status_code == 200
    response = client.post_form(f"/ke-hoach/{report_id}/line/them",
                                {"parent_id": report.sections[0].id, "kind": "paragraph",
                                 "text": "Ban Chấp hành có 7 đồng chí."}, htmx=True)
    assert response.status_code == 200
    visits = _report(report_id).sections[1].lines[1]
    response = client.post_form(f"/ke-hoach/{report_id}/line/{visits.id}",
                                {"rev": visits.rev, "kind": "paragraph",
                                 "text": "Thăm hỏi 12 lượt đoàn viên ốm đau, hiếu hỉ."}, htmx=True)
    assert response.status_code == 200
    assert db.session.get(PlanLine, visits.id).origin == LineOrigin.PERSON.value

    # A table is not edited inline: the edit form and the save are refused; it can be deleted.
    table_id = table_line.id
    assert client.get(f"/ke-hoach/{report_id}/line/{table_id}/sua", headers={"HX-Request": "true"}).status_code == 409
    refused = client.post_form(f"/ke-hoach/{report_id}/line/{table_id}",
                               {"rev": "1", "kind": "paragraph", "text": "Bảng sửa tay"}, htmx=True)
    assert refused.status_code == 409 and db.session.get(PlanLine, table_id).kind == "table"
    typed_table = client.post_form(f"/ke-hoach/{report_id}/line/them",
                                   {"parent_id": report.sections[0].id, "kind": "table", "text": "x"}, htmx=True)
    assert "Kiểu dòng không hợp lệ." in typed_table.get_data(as_text=True)
    assert len(_report(report_id).sections[0].lines) == 3              # nothing typed in as a table

    # "Cập nhật số liệu": new figures, the committee's words stay where they were.
    records.sections = sections(members=44, visits=15)
    response = client.post_form(f"/bao-cao/{report_id}/cap-nhat-so-lieu")
    assert response.status_code == 303
    report = _report(report_id)
    assert [(kind, text) for kind, text, _ in _lines(report, 0)] == [
        ("paragraph", "Đầu năm học công đoàn có 44 đoàn viên."), ("table", ""),
        ("paragraph", "Ban Chấp hành có 7 đồng chí.")]
    assert Table.from_json(report.sections[0].lines[1].data).total[1].text == "44"
    assert _lines(report, 1) == [
        ("subsection", "Chăm lo đời sống đoàn viên", "records"),
        ("paragraph", "Thăm hỏi 15 lượt, tổng số tiền 7500.000 đ.", "records"),
        ("paragraph", "Tổ chức 3 đợt vận động.", "records"),
        ("paragraph", "Thăm hỏi 12 lượt đoàn viên ốm đau, hiếu hỉ.", ""),
    ]
    assert _lines(report, 2)[0] == ("subsection", "Ưu điểm: đoàn kết, chủ động", "")
    assert [line.position for line in report.sections[1].lines] == [0, 1, 2, 3]
    last = db.session.execute(sa.select(PlanVersion).where(PlanVersion.plan_id == report_id)
                              .order_by(PlanVersion.number.desc()).limit(1)).scalar_one()
    assert last.summary == "Cập nhật số liệu"

    # Submitted: the version voted on is frozen, the refresh is refused and changes nothing.
    assert client.post_form(f"/ke-hoach/{report_id}/trinh-duyet").status_code == 303
    before = _report(report_id).version_count
    refused = client.post_form(f"/bao-cao/{report_id}/cap-nhat-so-lieu")
    assert refused.status_code == 409 and "giữ nguyên như khi biểu quyết" in text_of(refused)
    assert _report(report_id).version_count == before
    assert "/cap-nhat-so-lieu" not in client.get(f"/ke-hoach/{report_id}").get_data(as_text=True)
    notes = db.session.execute(sa.select(Notification.message).where(Notification.kind == "plan_submitted")).scalars()
    assert "Báo cáo “Tổng kết hoạt động công đoàn năm học 2025 - 2026” chờ bạn biểu quyết (lần 1)." in set(notes)

    # Four of the seven approve: approved by the rule, same code as a plan's.
    report = _report(report_id)
    with current_app.test_request_context():
        for voter in [committee.chair, committee.vice, *committee.members[:2]]:
            approvals.vote(report, voter=voter, choice="for")
    db.session.commit()
    assert _report(report_id).state == PlanStatus.APPROVED

    sign_page = client.get(f"/ke-hoach/{report_id}/ky-ban-hanh")
    assert "Ký ban hành báo cáo" in text_of(sign_page) and "01/BC-CĐ" in text_of(sign_page)
    response = client.post_form(f"/ke-hoach/{report_id}/ky-ban-hanh")
    assert response.status_code == 303
    assert "Đã ký ban hành báo cáo số 01/BC-CĐ" in text_of(client.get(response.headers["Location"]))
    signed = db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == report_id)).scalar_one()
    assert (signed.kind, signed.seq, signed.number, signed.year) == ("BC", 1, "01/BC-CĐ", dt.date.today().year)
    assert _report(report_id).number == "01/BC-CĐ"
    second_plan = approved_plan(committee, "Kế hoạch Tết Trung thu năm 2026")
    assert client.post_form(f"/ke-hoach/{second_plan.id}/ky-ban-hanh").status_code == 303
    numbers = dict(db.session.execute(sa.select(SignedDocument.plan_id, SignedDocument.number)).all())
    assert numbers == {first_plan.id: "01/KH-CĐ", report_id: "01/BC-CĐ", second_plan.id: "02/KH-CĐ"}
    messages = db.session.execute(sa.select(Notification.message).where(Notification.kind == "plan_new")).scalars().all()
    assert any(m.startswith("Báo cáo mới: Tổng kết hoạt động") for m in messages)

    # Downloads and verification, unchanged for a report.
    docx = client.get(f"/ke-hoach/{report_id}/tai-ve.docx")
    assert docx.status_code == 200 and docx.data == signed.docx
    assert "bao-cao" in docx.headers["Content-Disposition"]
    client.post_form("/dang-xuat")
    verify = client.get(f"/xac-thuc/{signed.verify_code}")
    assert verify.status_code == 200 and "Báo cáo Tổng kết hoạt động công đoàn năm học 2025 - 2026" in text_of(verify)
    from io import BytesIO
    checked = client.post_form(f"/xac-thuc/{signed.verify_code}", {"file": (BytesIO(signed.docx), "bc.docx")},
                               content_type="multipart/form-data")
    assert checked.status_code == 200 and "ĐÚNG bản gốc" in text_of(checked) and "01/BC-CĐ" in text_of(checked)
    run_worker(runner)
    signed_in(committee.chair)
    pdf = client.get(f"/ke-hoach/{report_id}/tai-ve.pdf")
    assert pdf.status_code == 200 and pdf.data == FAKE_PDF and "bao-cao" in pdf.headers["Content-Disposition"]


# --- drafting, refreshing: the service ----------------------------------------------------------

def test_refresh_keeps_a_persons_lines_before_and_after_the_figures():
    committee = make_committee(signature=False)
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    db.session.commit()
    first = report.sections[1]
    from congdoan.plans import editing as plan_editing
    intro = plan_editing.add_part(report, "line", {"kind": "paragraph", "text": "Lời dẫn của Ban Chấp hành."},
                                  actor=committee.chair, parent_id=first.id)
    plan_editing.move_part(report, "line", intro.id, "up", actor=committee.chair)
    plan_editing.move_part(report, "line", intro.id, "up", actor=committee.chair)
    plan_editing.move_part(report, "line", intro.id, "up", actor=committee.chair)   # first in the section
    between = plan_editing.add_part(report, "line", {"kind": "bullet", "text": "Ghi chú giữa các số liệu."},
                                    actor=committee.chair, parent_id=first.id)
    plan_editing.move_part(report, "line", between.id, "up", actor=committee.chair)  # between two figures
    db.session.commit()
    service.refresh_figures(report, actor=committee.chair, sections=sections(visits=20))
    db.session.commit()
    report = _report(report.id)
    assert [text for _, text, _ in _lines(report, 1)] == [
        "Lời dẫn của Ban Chấp hành.", "Chăm lo đời sống đoàn viên", "Thăm hỏi 20 lượt, tổng số tiền 10000.000 đ.",
        "Tổ chức 3 đợt vận động.", "Ghi chú giữa các số liệu."]


def test_refresh_of_a_section_the_records_no_longer_give_and_of_a_new_one():
    committee = make_committee(signature=False)
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    db.session.commit()
    fewer = [sections()[0], SectionDraft("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", ()),
             SectionDraft("V. KIẾN NGHỊ", (Block("paragraph", "Đề nghị cấp trên hỗ trợ kinh phí."),))]
    count = service.refresh_figures(report, actor=committee.chair, sections=fewer)
    db.session.commit()
    report = _report(report.id)
    assert count == 3
    assert _lines(report, 1) == []
    assert [s.title for s in report.sections][-1] == "KIẾN NGHỊ"
    assert _lines(report, 2) == [("subsection", "Ưu điểm", ""), ("subsection", "Hạn chế", "")]


def test_a_plan_has_no_figures_to_refresh_and_a_person_who_may_not_edit_cannot_refresh():
    committee = make_committee(signature=False)
    plan = approved_plan(committee)
    with pytest.raises(Exception, match="không lập từ số liệu"):
        service.refresh_figures(plan, actor=committee.chair, sections=sections())
    db.session.rollback()
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    db.session.commit()
    from congdoan.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        service.refresh_figures(report, actor=committee.members[0], sections=sections())


@pytest.mark.parametrize("start,end,subject,period", [
    (START, END, "Tổng kết hoạt động công đoàn năm học 2025 - 2026", "Năm học 2025 - 2026"),
    (dt.date(2025, 9, 1), dt.date(2025, 12, 31),
     "Tổng kết hoạt động công đoàn từ ngày 01/09/2025 đến ngày 31/12/2025", "Từ ngày 01/09/2025 đến ngày 31/12/2025"),
])
def test_subject_and_period(start, end, subject, period):
    assert service.describe_period(start, end) == (subject, period)


def test_the_last_finished_school_year():
    assert service.last_finished_school_year(dt.date(2026, 12, 7)) == 2025
    assert service.school_year(2025) == (START, END)
    assert service.last_finished_school_year(dt.date(2026, 7, 31)) == 2024
    assert service.last_finished_school_year(dt.date(2026, 8, 1)) == 2025


# --- the form ------------------------------------------------------------------------------------

def test_the_form_defaults_to_the_last_finished_school_year(client, signed_in, monkeypatch):
    monkeypatch.setattr("congdoan.reports.routes.local_today", lambda: dt.date(2026, 12, 7))
    signed_in(make_committee(signature=False).chair)
    page = client.get("/bao-cao/moi")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lập báo cáo tổng kết" in text_of(page)
    assert re.search(r'<option selected value="2025">Năm học 2025 - 2026</option>', html), html
    assert 'value="01/08/2025"' in html and 'value="31/07/2026"' in html


@pytest.mark.parametrize("data,field,message", [
    ({"mode": "khoang_ngay", "start": "31/12/2025", "end": "01/09/2025"}, "end", "Ngày kết thúc phải sau"),
    ({"mode": "khoang_ngay", "start": "01/09/2025", "end": "01/01/2100"}, "end", "không được sau hôm nay"),
    ({"mode": "khoang_ngay", "start": "01/01/2005", "end": "31/12/2025"}, "end", "tối đa 5 năm"),
    ({"mode": "khoang_ngay", "start": "32/13/2025", "end": "31/12/2025"}, "start", "Ngày bắt đầu không hợp lệ"),
    ({"mode": "khoang_ngay", "start": "", "end": "31/12/2025"}, "start", "Vui lòng nhập ngày bắt đầu"),
    ({"mode": "khoang_ngay", "start": "01/09/1995", "end": "31/12/1995"}, "start", "Ngày bắt đầu phải từ"),
    ({"mode": "nam_hoc", "school_year": "2026"}, "school_year", "chưa kết thúc"),
    ({"mode": "nam_hoc", "school_year": "1990"}, "school_year", "Năm học được chọn không hợp lệ"),
    ({"mode": "khac"}, "mode", "không hợp lệ"),
])
def test_bad_periods_are_refused_in_vietnamese(client, signed_in, records, monkeypatch, data, field, message):
    monkeypatch.setattr("congdoan.reports.routes.local_today", lambda: dt.date(2026, 12, 7))
    monkeypatch.setattr("congdoan.reports.service.local_today", lambda: dt.date(2026, 12, 7))
    signed_in(make_committee(signature=False).chair)
    response = client.post_form("/bao-cao/moi", data)
    assert response.status_code == 422
    assert message in text_of(response), text_of(response)[:800]
    assert db.session.execute(sa.select(sa.func.count(Plan.id))).scalar() == 0


def test_a_date_range_drafts_a_report_of_that_range(client, signed_in, records):
    signed_in(make_committee(signature=False).chair)
    response = client.post_form("/bao-cao/moi", {"mode": "khoang_ngay", "start": "01/09/2025", "end": "31/12/2025"})
    assert response.status_code == 303
    report = db.session.execute(sa.select(Plan)).scalar_one()
    assert (report.period_start, report.period_end) == (dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    assert report.subject == "Tổng kết hoạt động công đoàn từ ngày 01/09/2025 đến ngày 31/12/2025"


def test_the_form_sent_twice_drafts_one_report(client, signed_in, records):
    signed_in(make_committee(signature=False).chair)
    page = client.get("/bao-cao/moi").get_data(as_text=True)
    token = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', page).group(1)
    data = {"mode": "nam_hoc", "school_year": "2024", TOKEN_FIELD: token}
    first = client.post_form("/bao-cao/moi", data)
    second = client.post_form("/bao-cao/moi", data)
    assert first.status_code == 303 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.execute(sa.select(sa.func.count(Plan.id))).scalar() == 1
    form = text_of(client.get("/bao-cao/moi"))          # the form names the report already drafted
    assert "Báo cáo đã lập gần đây" in form and "Tổng kết hoạt động công đoàn năm học 2024 - 2025" in form


def test_the_form_without_csrf_is_refused(client, signed_in, records):
    signed_in(make_committee(signature=False).chair)
    response = client.post("/bao-cao/moi", data={"mode": "nam_hoc", "school_year": "2024"})
    assert response.status_code in (400, 403)
    assert db.session.execute(sa.select(sa.func.count(Plan.id))).scalar() == 0


# --- lists and navigation ------------------------------------------------------------------------

def test_plans_list_shows_plans_and_reports_list_shows_reports(client, signed_in):
    committee = make_committee(signature=False)
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    plan = approved_plan(committee, "Kế hoạch hội diễn văn nghệ 2026")
    db.session.commit()
    signed_in(committee.chair)
    plans_page = text_of(client.get("/ke-hoach/"))
    assert plan.subject in plans_page and report.subject not in plans_page
    reports_page = client.get("/bao-cao/")
    text = text_of(reports_page)
    assert report.subject in text and plan.subject not in text and "Lập báo cáo tổng kết" in text
    assert 'aria-current="page">Báo cáo' in reports_page.get_data(as_text=True)
    found = client.get("/bao-cao/?q=tong+ket+nam+hoc", headers={"HX-Request": "true", "HX-Trigger": "report-filter"})
    assert report.subject in text_of(found) and "<html" not in found.get_data(as_text=True)
    assert report.subject not in text_of(client.get("/bao-cao/?trang_thai=issued"))


# --- permissions ---------------------------------------------------------------------------------

def test_a_member_cannot_draft_refresh_or_see_a_report_draft(client, signed_in, records):
    committee = make_committee(signature=False)
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    db.session.commit()
    member = make_user(roles=())
    signed_in(member)
    assert client.get("/bao-cao/moi").status_code == 403
    assert client.post_form("/bao-cao/moi", {"mode": "nam_hoc", "school_year": "2024"}).status_code == 403
    assert client.post_form(f"/bao-cao/{report.id}/cap-nhat-so-lieu").status_code == 403
    assert client.get(f"/ke-hoach/{report.id}").status_code == 403
    listing = text_of(client.get("/bao-cao/"))
    assert report.subject not in listing and "Lập báo cáo tổng kết" not in listing
    from congdoan.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        service.draft_report(START, END, actor=member, sections=sections())


def test_a_committee_member_who_is_not_an_author_cannot_refresh(client, signed_in, records):
    committee = make_committee(signature=False)
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    db.session.commit()
    signed_in(committee.members[0])
    assert client.get(f"/ke-hoach/{report.id}").status_code == 200
    assert client.post_form(f"/bao-cao/{report.id}/cap-nhat-so-lieu").status_code == 403
    assert "/cap-nhat-so-lieu" not in client.get(f"/ke-hoach/{report.id}").get_data(as_text=True)


# --- what a report does not have ----------------------------------------------------------------

def test_schedule_copy_tasks_and_bases_are_refused_for_a_report(client, signed_in, records):
    committee = make_committee(signature=False)
    report = service.draft_report(START, END, actor=committee.chair, sections=sections())
    db.session.commit()
    signed_in(committee.chair)
    assert client.post_form(f"/ke-hoach/{report.id}/row/them", {"period": "9/2025"}).status_code == 409
    assert client.post_form(f"/ke-hoach/{report.id}/basis/them", {"text": "Căn cứ"}).status_code == 409
    assert client.get(f"/ke-hoach/{report.id}/sao-chep").status_code == 409
    assert client.post_form(f"/ke-hoach/{report.id}/sao-chep", {"years": "1"}).status_code == 409
    approve(report, committee)
    assigned = client.get(f"/viec/ke-hoach/{report.id}/giao-viec")
    assert assigned.status_code == 409 and "không có lịch công tác" in text_of(assigned)
    assert client.post_form(f"/viec/ke-hoach/{report.id}/giao-viec", {}).status_code == 409
    assert db.session.execute(sa.select(sa.func.count(Plan.id))).scalar() == 1


def test_an_approved_report_is_amended_as_a_report_with_its_figures(client, signed_in, records):
    committee = make_committee(signature=False)
    report = approve(service.draft_report(START, END, actor=committee.chair, sections=sections()), committee)
    signed_in(committee.chair)
    response = client.post_form(f"/ke-hoach/{report.id}/sua-doi")
    assert response.status_code == 303
    amendment = db.session.execute(sa.select(Plan).where(Plan.amends_plan_id == report.id)).scalar_one()
    assert (amendment.kind, amendment.period_start, amendment.type_name) == ("report", START, "BÁO CÁO")
    assert _lines(amendment, 0)[0][2] == "records" and amendment.sections[0].lines[1].kind == "table"
    assert "Đã tạo bản sửa đổi của báo cáo" in text_of(client.get(response.headers["Location"]))


# --- numbering per kind ------------------------------------------------------------------------

@pytest.mark.parametrize("plan_abbrev,body_abbrev,plan_symbol,report_symbol", [
    ("KH", "CĐ", "KH-CĐ", "BC-CĐ"),
    ("KHCĐ", "THTT", "KHCĐ-THTT", "BCCĐ-THTT"),
    ("KH", "", "KH", "BC"),
    ("VB", "CĐ", "VB-CĐ", "BC-CĐ"),
])
def test_the_symbol_of_each_kind(plan_abbrev, body_abbrev, plan_symbol, report_symbol):
    org = Organisation.get_for_update()
    org.plan_abbrev, org.body_abbrev = plan_abbrev, body_abbrev
    db.session.commit()
    assert context.number_symbol(org, PLAN) == plan_symbol == org.plan_symbol
    assert context.number_symbol(org, REPORT) == report_symbol
    assert signing.peek_next_number(org, REPORT) == f"01/{report_symbol}"
    assert signing.peek_next_number(org) == f"01/{plan_symbol}"
