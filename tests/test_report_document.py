"""The report as a document (issue 19, the document side): the dict with its kind, tables, origins and
links (docs/plan-document.md), its rows and back, its versions and diff, its Word file
(templates/docx/bao-cao.docx) and its paper preview — and every existing plan's document unchanged.
"""
from __future__ import annotations

import copy
import io
import json
import re
import zipfile

import pytest
import sqlalchemy as sa
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from congdoan.documents import context, render, word_table
from congdoan.documents.render import docx_text, render_plan
from congdoan.extensions import db
from congdoan.plans import creating as plan_creating
from congdoan.plans.diff import diff_documents
from congdoan.plans.document import canonical, content_hash, document_of, load_plan_tree, to_document
from congdoan.plans.kinds import PLAN, REPORT, number_symbol
from congdoan.plans.models import PlanLine, PlanVersion
from congdoan.plans.tables import column_widths, layout, safe_link, text_width
from congdoan.reports.blocks import Table

from .conftest import make_group, make_user, text_of
from .plan_factories import make_plan
from .report_samples import ACTIVITIES, sample_report

ORG = {"motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto_line2": "Độc lập - Tự do - Hạnh phúc",
       "number_symbol": "KH-CĐ"}
HOSTILE = "A < B > C & D \"dq\" 'sq' “smart” {{ subject }} {% if %} {%p endif %} ]]> &amp; 😀 đĐ"


@pytest.fixture
def chair():
    return make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])


def _report(author, doc: dict | None = None):
    plan = plan_creating.create_from_document(doc or sample_report(), actor=author, summary="Lập báo cáo (thử)")
    db.session.commit()
    return load_plan_tree(plan.id)


def _xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


# --- every plan stays as it was --------------------------------------------------------------------

# The canonical JSON and hash of this plan, taken from the code before kinds, tables, origins and
# links existed (commit 104df3f). A plan's approval round, versions and signed register entry hold
# such hashes: a change of the document's shape for plans would make every stored one disagree.
PINNED_CANONICAL = (
    '{"bases":["*Căn cứ* Điều lệ Công đoàn Việt Nam;","Căn cứ <u>Luật Công đoàn</u> 2024;"],"date":null,'
    '"format":1,"number":null,"opening":"Công đoàn trường xây dựng kế hoạch & triển khai <như sau>:\\nĐoạn hai.",'
    '"period":"Năm học 2024 - 2025","place":"","recipients":["Như trên;","Lưu: VT."],"schedule":[{"activities":'
    '[{"due":"2024-09-30","groups":["Tổ Khối 1"],"text":"Họp BCH"}],"period":"9/2024"},{"activities":[],'
    '"period":"6, 7/2025"}],"schedule_title":"","sections":[{"lines":[{"kind":"subsection","level":0,'
    '"text":"**Mục đích**"},{"kind":"subsection","label":"a)","level":1,"text":"Chăm lo"},{"kind":"bullet",'
    '"level":0,"text":"Dòng một."},{"kind":"bullet","label":"•","level":1,"text":"Dòng “hai”."},'
    '{"kind":"paragraph","level":0,"text":"Đoạn văn."}],"title":"MỤC ĐÍCH, YÊU CẦU"},{"lines":[],'
    '"title":"TỔ CHỨC THỰC HIỆN"}],"signature":{"name":"","on_behalf":"TM. BAN CHẤP HÀNH","title":"CHỦ TỊCH"},'
    '"subject":"Hoạt động Công đoàn năm học 2024 - 2025","type_name":"KẾ HOẠCH","union_name":"CÔNG ĐOÀN CƠ SỞ",'
    '"upper_union":""}')
PINNED_HASH = "b8481b33a21abf90d1e2b3344a97eb3c37f9fa4f85822249b7e136ca333e6eb1"


def test_an_existing_plan_keeps_its_document_and_hash_byte_for_byte():
    make_group("Tổ Khối 1")
    author = make_user("Lê Thị Thu Hà", roles=["committee"])
    plan = make_plan(author, "Hoạt động Công đoàn năm học 2024 - 2025", period="Năm học 2024 - 2025",
                     bases=["*Căn cứ* Điều lệ Công đoàn Việt Nam;", "Căn cứ <u>Luật Công đoàn</u> 2024;"],
                     opening="Công đoàn trường xây dựng kế hoạch & triển khai <như sau>:\nĐoạn hai.",
                     sections=[
                         {"title": "MỤC ĐÍCH, YÊU CẦU", "lines": [
                             {"kind": "subsection", "level": 0, "text": "**Mục đích**"},
                             {"kind": "subsection", "level": 1, "label": "a)", "text": "Chăm lo"},
                             {"kind": "bullet", "level": 0, "text": "Dòng một."},
                             {"kind": "bullet", "level": 1, "label": "•", "text": "Dòng “hai”."},
                             {"kind": "paragraph", "level": 0, "text": "Đoạn văn."}]},
                         {"title": "TỔ CHỨC THỰC HIỆN", "lines": []}],
                     schedule=[{"period": "9/2024", "activities": [
                         {"text": "Họp BCH", "groups": ["Tổ Khối 1"], "due": "2024-09-30"}]},
                               {"period": "6, 7/2025", "activities": []}],
                     recipients=["Như trên;", "Lưu: VT."])
    tree = load_plan_tree(plan.id)
    for doc in (to_document(tree), document_of(tree)):
        assert canonical(doc) == PINNED_CANONICAL
        assert content_hash(doc) == PINNED_HASH
    version = db.session.execute(sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id)).scalar_one()
    assert version.content_hash == PINNED_HASH
    rows = db.session.execute(sa.select(PlanLine.origin, PlanLine.link, PlanLine.data)
                              .where(PlanLine.plan_id == plan.id)).all()
    assert set(rows) == {("", "", None)} and tree.kind == "plan" and tree.period_start is None


# --- the report's document: dict -> rows -> dict ----------------------------------------------------

def test_a_report_round_trips_dict_rows_dict_with_tables_origins_and_links(chair):
    sample = sample_report()
    report = _report(chair, sample)
    assert (report.kind, report.period_start.isoformat(), report.period_end.isoformat()) == \
        ("report", "2024-08-01", "2025-07-31")
    assert report.type_name == "BÁO CÁO" and report.document_kind is REPORT
    doc = to_document(report)
    assert doc == sample
    assert document_of(report) == doc
    # a table line is stored as the Table JSON of congdoan/reports/blocks.py, with no text
    table_rows = [line for s in report.sections for line in s.lines if line.kind == "table"]
    assert len(table_rows) == 3
    members = table_rows[0]
    assert (members.text, members.label, members.origin, members.link) == ("", "", "records", "/doan-vien")
    parsed = Table.from_json(members.data)
    assert parsed.columns[0] == "Tổ công đoàn" and parsed.total[1].text == "44" and parsed.total[1].link == "/doan-vien"
    assert members.data == parsed.to_json()
    written = [line for line in report.sections[2].lines]
    assert {(line.origin, line.link) for line in written} == {("", "")}


def test_versions_keep_tables_and_a_version_restored_as_a_document_is_the_same(chair):
    report = _report(chair)
    version = db.session.execute(sa.select(PlanVersion).where(PlanVersion.plan_id == report.id)).scalar_one()
    stored = json.loads(version.content)
    assert stored == to_document(report) and version.content_hash == content_hash(stored)
    tables = [line for s in stored["sections"] for line in s["lines"] if line["kind"] == "table"]
    assert [len(t["table"]["rows"]) for t in tables] == [6, len(ACTIVITIES), 5]
    # written back (a copy, an import, a restore all go through fill_plan) nothing is lost
    again = _report(chair, copy.deepcopy(stored))
    assert to_document(again) == stored and document_of(again) == stored


def test_document_of_equals_to_document_for_reports_after_edits(chair):
    report = _report(chair)
    other = make_plan(chair, "Kế hoạch khác 2025")
    line = report.sections[0].lines[3]
    line.data = Table(("Tổ", "Số"), ()).to_json()          # a table with no rows
    line.link = ""
    report.sections[1].lines[1].origin = ""                  # a person took the line over
    db.session.commit()
    db.session.expire_all()
    tree = load_plan_tree(report.id)
    assert document_of(tree) == to_document(tree)
    assert to_document(tree)["sections"][0]["lines"][3] == {
        "kind": "table", "level": 0, "origin": "records", "table": {"columns": ["Tổ", "Số"], "rows": []}}
    assert "origin" not in to_document(tree)["sections"][1]["lines"][1]
    assert document_of(load_plan_tree(other.id)) == to_document(load_plan_tree(other.id))
    assert "kind" not in to_document(load_plan_tree(other.id))


def test_writing_back_cleans_every_cell_and_drops_unsafe_links(chair):
    doc = sample_report()
    doc["sections"] = [{"title": "MỤC", "lines": [
        {"kind": "paragraph", "level": 0, "text": "Số liệu", "link": "javascript:alert(1)", "origin": "máy"},
        {"kind": "table", "level": 5, "origin": "records", "link": "//evil.example/x",
         "table": {"columns": ["Tổ\x00", None, "  Số  "],
                   "rows": [["Tổ A\x07", {"text": 7, "link": "/doan-vien?to=1"}],
                            [{"text": "Tổ B", "link": "javascript:x"}, {"text": None}, "3"]],
                   "total": ["Tổng cộng", "7", {"text": "3", "link": "/\\\\evil"}]}},
        {"kind": "table", "level": 0},
    ]}]
    report = _report(chair, doc)
    lines = to_document(report)["sections"][0]["lines"]
    assert lines[0] == {"kind": "paragraph", "level": 0, "text": "Số liệu"}
    assert lines[1] == {"kind": "table", "level": 2, "origin": "records", "table": {
        "columns": ["Tổ", "", "Số"],
        "rows": [[{"text": "Tổ A"}, {"text": "7", "link": "/doan-vien?to=1"}],
                 [{"text": "Tổ B"}, {"text": ""}, {"text": "3"}]],
        "total": [{"text": "Tổng cộng"}, {"text": "7"}, {"text": "3"}]}}
    assert lines[2] == {"kind": "table", "level": 0, "table": {"columns": [], "rows": []}}


def test_only_a_kind_other_than_the_plan_writes_kind_and_period(chair):
    plan_doc = to_document(load_plan_tree(make_plan(chair).id))
    assert not {"kind", "period_start", "period_end"} & set(plan_doc)
    doc = sample_report()
    doc.pop("type_name")
    doc["period_end"] = "không phải ngày"
    report = _report(chair, doc)
    assert report.type_name == "BÁO CÁO"        # the kind's own type name when the document gives none
    assert to_document(report)["period_end"] is None and to_document(report)["kind"] == "report"
    unknown = _report(chair, {**sample_report(), "kind": "biên bản"})
    assert unknown.kind == "plan" and "kind" not in to_document(unknown)


def test_the_diff_tells_a_changed_table_row_by_row():
    old = sample_report()
    new = copy.deepcopy(old)
    members = new["sections"][0]["lines"][3]["table"]
    members["rows"][1][1] = {"text": "9", "link": "/doan-vien?to=2"}
    members["rows"].append([{"text": "Tổ Mới"}, {"text": "1"}, {"text": "0"}, {"text": "1"}, {"text": "0"}])
    new["sections"][1]["lines"][5]["table"]["columns"][2] = "Số tiền (nghìn đồng)"
    new["period_end"] = "2025-08-15"
    parts = {part.title: part for part in diff_documents(old, new)}
    first = parts["Mục I. ĐẶC ĐIỂM TÌNH HÌNH"].items
    assert [(i.op, i.label) for i in first] == [("changed", "Dòng 4 (bảng), hàng 2"),
                                                ("added", "Dòng 4 (bảng), hàng 7")]
    assert str(first[0].html) == "Tổ Khối 2 | <del>8</del><ins>9</ins> | 7 | 0 | 1"
    assert "Tổ Mới" in str(first[1].html)
    second = parts["Mục II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"].items
    assert [i.label for i in second] == ["Dòng 6 (bảng), tiêu đề cột"]
    assert "<ins>nghìn" in str(second[0].html)
    header = parts["Thông tin chung"].items
    assert [(i.label, str(i.html)) for i in header] == [("Báo cáo đến ngày", "<del>31</del><ins>15</ins>/<del>07</del><ins>08</ins>/2025")]
    # a table that became a paragraph, a link alone changed: told as lines, links are not content
    other = copy.deepcopy(old)
    other["sections"][0]["lines"][3] = {"kind": "paragraph", "level": 0, "text": "Không còn bảng."}
    other["sections"][0]["lines"][1]["link"] = "/doan-vien?khac=1"
    items = {p.title: p for p in diff_documents(old, other)}["Mục I. ĐẶC ĐIỂM TÌNH HÌNH"].items
    assert [(i.op, i.label) for i in items] == [("changed", "Dòng 4")]
    assert str(items[0].html).startswith("<del>Bảng")


# --- Word -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_docx() -> bytes:
    return render_plan(sample_report(), org=ORG, draft=True)


def _figure_tables(document):
    return [t for t in document.tables if t.rows[0].cells[0].text in ("Tổ công đoàn", "STT", "Nội dung hỗ trợ")]


def test_the_report_template_has_the_national_layout_and_no_bases_or_schedule():
    path = render.builtin_template(REPORT)
    assert path.name == "bao-cao.docx" and path.exists()
    template = Document(str(path))
    section = template.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer
    assert template.styles["BC - Nội dung"].font.size is None and template.styles["Normal"].font.size.pt == 14
    xml = _xml(path.read_bytes())
    assert "bases" not in xml and "schedule" not in xml and "Tháng" not in xml
    from docxtpl import DocxTemplate
    used = DocxTemplate(str(path)).get_undeclared_template_variables(render.jinja_env())
    assert set(context.required_placeholders(REPORT)) <= used <= set(context.CONTEXT_NAMES)
    for para in template.paragraphs:
        if "{%p" in para.text or "{{p" in para.text:
            assert re.fullmatch(r"\{(%p [^%]*%|\{p [^}]*\})\}", para.text), para.text


def test_the_report_prints_as_a_report_with_its_tables_in_their_sections(report_docx):
    lines = [t for t in docx_text(report_docx) if t.strip()]
    assert lines[:10] == ["DỰ THẢO", "CÔNG ĐOÀN GIÁO DỤC QUẬN HẢI AN", "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ",
                          "Số: .../BC-CĐ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                          "Thành Tô, ngày 25 tháng 7 năm 2025", "BÁO CÁO",
                          "Tổng kết hoạt động Công đoàn năm học 2024 - 2025", sample_report()["opening"]]
    assert lines[-7:] == ["Nơi nhận:", "- Công đoàn Giáo dục quận (để b/c);", "- Chi bộ, BGH nhà trường;",
                          "- Lưu: VT.", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nguyễn Thị Hoa"]
    for heading in ("I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "III. ĐÁNH GIÁ CHUNG",
                    "IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM HỌC TỚI"):
        assert heading in lines
    # each table sits in its section, in order with the text lines around it
    at = lines.index
    assert at("Công đoàn trường chia làm 06 tổ công đoàn:") < at("Tổ công đoàn") < at("Tổ Khối 1") < at("2. Thuận lợi")
    assert at("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ") < at("STT") < at("2. Chăm lo đời sống, bảo vệ quyền lợi đoàn viên") \
        < at("Nội dung hỗ trợ") < at("20.600.000") < at("3. Văn bản đã ban hành")
    assert not any(t.startswith("Căn cứ") for t in lines) and "Nội dung công việc" not in lines
    # figure links are for the page, not the paper
    xml = _xml(report_docx)
    assert "/doan-vien" not in xml and "/de-xuat" not in xml and "w:hyperlink" not in xml


def test_report_tables_are_real_word_tables(report_docx):
    document = Document(io.BytesIO(report_docx))
    members, activities, support = _figure_tables(document)
    assert len(members.rows) == 1 + 6 + 1 and len(activities.rows) == 1 + len(ACTIVITIES)
    assert len(support.rows) == 1 + 5 + 1
    for table in (members, activities, support):
        head = table.rows[0]
        assert head._tr.trPr.find(qn("w:tblHeader")) is not None       # repeated on every page
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
        for cell in head.cells:
            assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
            assert all(run.bold for run in cell.paragraphs[0].runs)
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"single"} and len(borders) == 6
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) == word_table.TEXT_WIDTH_TWIPS
        for tc in table._tbl.iter(qn("w:tc")):
            assert tc.findall(qn("w:p"))
    total = support.rows[-1]
    assert [c.text for c in total.cells] == ["Tổng cộng", "50", "20.600.000"]
    assert all(run.bold for c in total.cells for run in c.paragraphs[0].runs)
    assert not any(run.bold for c in support.rows[1].cells for run in c.paragraphs[0].runs)
    # figures right-aligned, names left, the numbering column centred
    assert [c.paragraphs[0].alignment for c in support.rows[1].cells] == \
        [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.RIGHT]
    assert [c.paragraphs[0].alignment for c in activities.rows[1].cells] == \
        [WD_ALIGN_PARAGRAPH.CENTER] + [WD_ALIGN_PARAGRAPH.LEFT] * 4
    # the paragraph that introduces a table keeps with it
    intro = [p for p in document.paragraphs if p.text == "Công đoàn trường chia làm 06 tổ công đoàn:"][0]
    assert intro.paragraph_format.keep_with_next and intro.style.name == "BC - Nội dung"
    heading = [p for p in document.paragraphs if p.text == "1. Thực hiện kế hoạch hoạt động năm học"][0]
    assert heading.paragraph_format.keep_with_next and heading.style.name == "BC - Tiểu mục (1, 2, ...)"
    plain = [p for p in document.paragraphs if p.text.startswith("Ban Chấp hành đã triển khai")][0]
    assert not plain.paragraph_format.keep_with_next
    # two tables never touch (Word would draw them as one): a paragraph follows each
    for table in (members, activities, support):
        assert table._tbl.getnext().tag == qn("w:p")


def test_table_text_is_escaped_and_cannot_reach_the_template(chair):
    doc = sample_report()
    doc["sections"][0]["lines"][3]["table"] = {
        "columns": [HOSTILE, "Số & tiền <đ>"],
        "rows": [[{"text": HOSTILE + "\x00\x1f", "link": "/x?a=1&b=<2>"}, {"text": "1.000 <đ> & \"x\""}],
                 [{"text": "Dòng một\nDòng hai"}, {"text": ""}]],
        "total": [{"text": "Tổng <cộng>"}, {"text": "1.000"}]}
    data = render_plan(doc, org=ORG, draft=False)
    lines = docx_text(data)
    assert HOSTILE in lines and "Số & tiền <đ>" in lines and "1.000 <đ> & \"x\"" in lines
    assert lines.count(HOSTILE) == 2 and "Dòng một" in lines and "Dòng hai" in lines and "Tổng <cộng>" in lines
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", _xml(data))
    document = Document(io.BytesIO(data))
    table = [t for t in document.tables if len(t.columns) == 2 and t.rows[0].cells[1].text == "Số & tiền <đ>"][0]
    assert [c.text for c in table.rows[2].cells] == ["Dòng một\nDòng hai", ""]
    assert [c.text for c in table.rows[3].cells] == ["Tổng <cộng>", "1.000"]


def test_a_report_always_uses_its_own_template_and_symbol():
    union_template = Document(str(render.DEFAULT_TEMPLATE))
    anchor = [p for p in union_template.paragraphs if "{{ type_name }}" in p.text][0]
    anchor.insert_paragraph_before("Mẫu riêng của công đoàn")
    out = io.BytesIO()
    union_template.save(out)
    report = docx_text(render_plan(sample_report(), org=ORG, draft=True, template=out.getvalue()))
    assert "Mẫu riêng của công đoàn" not in report and "BÁO CÁO" in report
    plan = docx_text(render_plan({**sample_report(), "kind": "plan", "type_name": "KẾ HOẠCH"}, org=ORG,
                                 draft=True, template=out.getvalue()))
    assert "Mẫu riêng của công đoàn" in plan and "Số: .../KH-CĐ" in plan
    assert "Số: .../BCCĐ-THTT" in docx_text(render_plan(sample_report(), org={**ORG, "number_symbol": "KHCĐ-THTT"},
                                                        draft=True))
    assert "Số: .../BC-CĐCS" in docx_text(render_plan(sample_report(), org={**ORG, "number_symbol_report": "BC-CĐCS"},
                                                      draft=True))
    assert render.template_for(sample_report(), b"union") == render.builtin_template(REPORT)
    assert render.template_for({"kind": "plan"}, b"union") == b"union" and render.template_for({}) == render.DEFAULT_TEMPLATE


def test_a_report_has_no_place_for_bases_or_a_schedule_even_when_its_document_holds_them():
    doc = sample_report()
    doc["bases"] = ["Căn cứ Điều lệ Công đoàn Việt Nam;"]
    doc["schedule_title"] = "LỊCH CÔNG TÁC"
    doc["schedule"] = [{"period": "9/2024", "activities": [{"text": "Họp", "groups": [], "due": None}]}]
    lines = docx_text(render_plan(doc, org=ORG, draft=True))
    assert not any(t.startswith("Căn cứ") for t in lines)
    assert "LỊCH CÔNG TÁC" not in lines and "Nội dung công việc" not in lines and "- Họp" not in lines


def test_the_report_converts_to_pdf(report_docx):
    from congdoan.documents.pdf import convert_to_pdf
    from .test_docx_render import require_soffice
    require_soffice()
    pdf = convert_to_pdf(report_docx, timeout=120)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 3


def test_a_report_signed_prints_its_number_and_no_draft_mark():
    doc = sample_report()
    doc["number"] = "01/BC-CĐ"
    lines = docx_text(render_plan(doc, org=ORG, draft=False))
    assert "Số: 01/BC-CĐ" in lines and "DỰ THẢO" not in lines


@pytest.mark.parametrize("plan_abbrev, body_abbrev, expected", [
    ("KH", "CĐ", "BC-CĐ"), ("KHCĐ", "THTT", "BCCĐ-THTT"), ("VB", "CĐCS", "BC-CĐCS"), ("KH", "", "BC"), ("", "", "BC")])
def test_the_number_symbol_of_a_kind(plan_abbrev, body_abbrev, expected):
    assert number_symbol(plan_abbrev, body_abbrev, REPORT) == expected
    plan = f"{plan_abbrev}-{body_abbrev}" if plan_abbrev and body_abbrev else plan_abbrev or body_abbrev
    assert number_symbol(plan_abbrev, body_abbrev, PLAN) == plan


def test_columns_fill_the_line_and_a_figure_or_short_column_never_wraps():
    laid = layout(sample_report()["sections"][1]["lines"][2]["table"])
    widths = column_widths(laid, word_table.TEXT_WIDTH_TWIPS, em=260, padding=174)
    assert sum(widths) == word_table.TEXT_WIDTH_TWIPS
    stt, month, activity, result, group = widths
    def need(text, bold=False):
        return round(text_width(text, bold=bold) * 260) + 174
    assert stt >= need("STT", bold=True) and month >= need("10/2024")
    assert result >= need("Hoàn thành đúng hạn") and group >= need("Tổ Năng khiếu") and activity == max(widths)
    # words longer than the line: shared by their size, still filling it exactly
    wide = layout({"columns": ["x" * 80, "y" * 40], "rows": []})
    assert sum(column_widths(wide, 9355, em=260, padding=174)) == 9355
    assert column_widths(layout({"columns": []}), 9355, em=260, padding=174) == []


def test_layout_pads_rows_and_finds_the_figure_columns():
    laid = layout({"columns": ["Tên", "Số"], "rows": [["a", "1.000"], ["b"], ["c", "-", "x"]], "total": ["T", "5"]})
    assert laid.columns == ("Tên", "Số", "") and [len(r) for r in laid.rows] == [3, 3, 3]
    assert laid.align == ("left", "right", "left")
    assert layout(None).width == 0 and layout({"rows": "not a list"}).width == 0


@pytest.mark.parametrize("link, shown", [("/doan-vien?to=1&gioi=nu", "/doan-vien?to=1&gioi=nu"),
                                         ("javascript:alert(1)", ""), ("//evil.example", ""),
                                         ("/\\evil", ""), ("https://x.example/", ""), ("/a b", ""),
                                         ("/" + "a" * 600, ""), (None, "")])
def test_only_links_inside_the_app_are_kept(link, shown):
    assert safe_link(link) == shown


# --- the paper preview ------------------------------------------------------------------------------

def test_the_preview_shows_tables_and_figures_as_links(client, signed_in, chair):
    from congdoan import caching
    caching.clear()
    report = _report(chair)
    signed_in(chair)
    body = client.get(f"/ke-hoach/{report.id}/xem-truoc").get_data(as_text=True)
    assert "Số: .../BC-CĐ" in body and ">BÁO CÁO<" in body
    assert '<thead><tr><th scope="col">Tổ công đoàn</th><th scope="col">Số đoàn viên</th>' in body
    assert '<td class="right"><a class="figure" href="/doan-vien?to=1">7</a></td>' in body
    assert 'href="/doan-vien?to=1&amp;gioi=nu"' in body
    assert '<tr class="total"><td class="left">Tổng cộng</td><td class="right"><a class="figure" ' \
           'href="/doan-vien">44</a></td>' in body
    assert '<td class="center">1</td>' in body                      # the STT column
    assert '<a class="figure" href="/de-xuat?da-chi=1">Trong năm học' in body    # a line with a link
    assert body.count("<table class=\"figures\">") == 3
    # the columns share the line as in Word (a <col width>, since the page's CSP refuses style="")
    assert re.search(r'<colgroup>(<col width="\d+\.\d%">){5}</colgroup>', body)
    assert "Căn cứ" not in text_of(client.get(f"/ke-hoach/{report.id}/xem-truoc"))
    # the link and the table are content: a change is a new rendering, never the remembered one
    line = db.session.get(PlanLine, report.sections[0].lines[3].id)
    line.data = Table(("Tổ công đoàn", "Số đoàn viên"), ()).to_json()
    db.session.get(PlanLine, report.sections[0].lines[1].id).link = "/doan-vien?trang=2"
    db.session.commit()
    again = client.get(f"/ke-hoach/{report.id}/xem-truoc").get_data(as_text=True)
    assert again.count("<table class=\"figures\">") == 3 and 'href="/doan-vien?to=1"' not in again
    assert 'href="/doan-vien?trang=2"' in again
