"""The plan's Word file: template layout, rendering fidelity, hostile text, template checks, PDF.

Pure python-docx/docxtpl tests, no Flask app. The LibreOffice tests skip when soffice is missing on
a laptop, but fail when the CI environment variable is set (CI must be able to make PDFs).
"""
from __future__ import annotations

import copy
import io
import os
import re
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import Image, ImageDraw

from congdoan.documents import context, render, stamps
from congdoan.documents.pdf import PdfError, convert_to_pdf, pdf_available
from congdoan.documents.context import REQUIRED_PLACEHOLDERS
from congdoan.documents.render import (
    TemplateError,
    check_template,
    docx_text,
    render_plan,
)

ORG = {
    "motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto_line2": "Độc lập - Tự do - Hạnh phúc",
    "number_symbol": "KH-CĐ",
}
VERIFY_URL = "https://congdoan.example.vn/xac-thuc/ABCD-1234"
W14 = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sample_plan() -> dict:
    """A plan with every kind of line, inline bold/italic, a schedule (docs/plan-document.md)."""
    return {
        "format": 1,
        "type_name": "Kế hoạch",
        "subject": "Hoạt động Công đoàn năm học 2023 - 2024",
        "period": "Năm học 2023 - 2024",
        "upper_union": "LĐLĐ quận Hải An",
        "union_name": "CĐCS Trường Tiểu học Thành Tô",
        "place": "Thành Tô",
        "date": "2023-09-05",
        "number": "01/KH-CĐ",
        "bases": [
            "*Căn cứ Điều lệ Công đoàn Việt Nam.*",
            "Căn cứ Nghị quyết Đại hội Công đoàn trường nhiệm kỳ 2023 - 2028;",
        ],
        "opening": "Công đoàn trường xây dựng kế hoạch như sau:\r\n"
                   "Đoạn mở đầu thứ hai có ***đậm nghiêng***.",
        "sections": [
            {"title": "MỤC ĐÍCH, YÊU CẦU:", "lines": [
                {"kind": "paragraph", "level": 0,
                 "text": "Thu minh chứng **trước ngày 16/9/2023** và *lưu ý* hồ sơ."},
                {"kind": "subsection", "level": 0, "text": "Chăm lo đời sống"},
                {"kind": "bullet", "level": 0, "text": "Thăm hỏi đoàn viên ốm đau"},
                {"kind": "bullet", "level": 1, "text": "Tặng quà Tết"},
                {"kind": "subsection", "level": 0, "text": "Thi đua"},
            ]},
            {"title": "NHIỆM VỤ CỤ THỂ", "lines": [
                {"kind": "subsection", "level": 0, "text": "Tổ chức **20/11**"},
                {"kind": "paragraph", "level": 0, "text": "Dòng một\nDòng hai"},
            ]},
        ],
        "schedule_title": "NỘI DUNG CÔNG TÁC NĂM HỌC 2023 – 2024",
        "schedule": [
            {"period": "8/2023", "activities": [
                {"text": "Triển khai nhiệm vụ năm học.", "groups": ["Tổ Khối 1"],
                 "due": "2023-08-31"},
                {"text": "Chuẩn bị **khai giảng**.", "groups": [], "due": None},
            ]},
            {"period": "9/2023", "activities": [
                {"text": "Tết Trung thu cho con đoàn viên.", "groups": [], "due": None},
            ]},
            {"period": "6, 7/2024", "activities": []},
        ],
        "recipients": ["Như trên;", "Lưu: VT."],
        "signature": {"on_behalf": "TM. Ban Chấp hành", "title": "Chủ tịch",
                      "name": "Nguyễn Thị Hoa"},
    }


def expected_text(*, draft: bool, number: str = "01/KH-CĐ") -> list[str]:
    return ([
        "DỰ THẢO"] if draft else []) + [
        "LĐLĐ QUẬN HẢI AN",
        "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ",
        f"Số: {number}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thành Tô, ngày 05 tháng 9 năm 2023",
        "KẾ HOẠCH",
        "Hoạt động Công đoàn năm học 2023 - 2024",
        "Căn cứ Điều lệ Công đoàn Việt Nam.",
        "Căn cứ Nghị quyết Đại hội Công đoàn trường nhiệm kỳ 2023 - 2028;",
        "Công đoàn trường xây dựng kế hoạch như sau:",
        "Đoạn mở đầu thứ hai có đậm nghiêng.",
        "I. MỤC ĐÍCH, YÊU CẦU:",
        "Thu minh chứng trước ngày 16/9/2023 và lưu ý hồ sơ.",
        "1. Chăm lo đời sống",
        "- Thăm hỏi đoàn viên ốm đau",
        "+ Tặng quà Tết",
        "2. Thi đua",
        "II. NHIỆM VỤ CỤ THỂ",
        "1. Tổ chức 20/11",
        "Dòng một",
        "Dòng hai",
        "NỘI DUNG CÔNG TÁC NĂM HỌC 2023 – 2024",
        "Tháng", "Nội dung công việc",
        "8/2023", "- Triển khai nhiệm vụ năm học.", "- Chuẩn bị khai giảng.",
        "9/2023", "- Tết Trung thu cho con đoàn viên.",
        "6, 7/2024",
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.",
        "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nguyễn Thị Hoa",
    ]


def nonempty(data: bytes) -> list[str]:
    return [t for t in docx_text(data) if t.strip()]


def png(size=(300, 120), color=(20, 30, 140)) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 100), (80, 20), (150, 100), (290, 30)], fill=color, width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def require_soffice() -> None:
    ok, reason = pdf_available()
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"LibreOffice is required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def final_docx() -> bytes:
    return render_plan(sample_plan(), org=ORG, draft=False)


@pytest.fixture(scope="module")
def draft_docx() -> bytes:
    return render_plan(sample_plan(), org=ORG, draft=True)


# --------------------------------------------------------------------------------- the template

def test_template_layout_follows_nd30():
    doc = Document(str(render.DEFAULT_TEMPLATE))
    section = doc.sections[0]

    def mm(length):  # Word stores twips: compare to a tenth of a millimetre
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert section.different_first_page_header_footer

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(qn(f"w:{slot}")) == "Times New Roman"
    assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a]
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"

    body = doc.styles["KH - Nội dung"]
    fmt = body.paragraph_format
    assert doc.styles["Normal"].font.size == Pt(14)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(fmt.first_line_indent - Cm(1.27)) < Cm(0.01)
    assert fmt.space_after == Pt(6)
    assert fmt.line_spacing == pytest.approx(1.15)
    assert doc.styles["KH - Nơi nhận"].font.size == Pt(12)
    assert doc.styles["KH - Nơi nhận"].font.bold and doc.styles["KH - Nơi nhận"].font.italic
    assert doc.styles["KH - Nơi nhận: dòng"].font.size == Pt(11)
    assert doc.styles["KH - Tiêu ngữ"].font.underline


def test_template_tags_are_plain_and_alone():
    xml = document_xml(render.DEFAULT_TEMPLATE.read_bytes())
    assert not re.search("[“”‘’]", "".join(re.findall(r"\{[{%].*?[%}]\}", xml)))
    doc = Document(str(render.DEFAULT_TEMPLATE))
    for para in doc.paragraphs:
        if "{%p" in para.text or "{%tr" in para.text:
            assert re.fullmatch(r"\{%(p|tr) [^%]*%\}", para.text), para.text


def test_built_template_passes_check():
    assert check_template(render.DEFAULT_TEMPLATE) == []
    assert check_template(render.DEFAULT_TEMPLATE.read_bytes()) == []


# ---------------------------------------------------------------------------------- rendering

def test_final_text_in_order(final_docx):
    assert nonempty(final_docx) == expected_text(draft=False)


def test_draft_text_in_order_with_marker_and_draft_number(draft_docx):
    assert nonempty(draft_docx) == expected_text(draft=True, number=".../KH-CĐ")


def test_draft_marker_only_in_drafts(final_docx, draft_docx):
    assert "DỰ THẢO" in docx_text(draft_docx)
    assert "DỰ THẢO" not in " ".join(docx_text(final_docx))
    assert "Số: 01/KH-CĐ" in docx_text(final_docx)
    assert "Số: .../KH-CĐ" in docx_text(draft_docx)


def test_number_symbol_comes_from_org_and_missing_number_is_blank():
    plan = sample_plan()
    plan["number"] = None
    data = render_plan(plan, org={**ORG, "number_symbol": "KHCĐ-THTT"}, draft=False)
    assert "Số: .../KHCĐ-THTT" in docx_text(data)


@pytest.mark.parametrize("iso, expected", [
    ("2023-09-05", "Thành Tô, ngày 05 tháng 9 năm 2023"),
    ("2024-02-15", "Thành Tô, ngày 15 tháng 02 năm 2024"),
    ("2024-01-01", "Thành Tô, ngày 01 tháng 01 năm 2024"),
    ("2023-11-20", "Thành Tô, ngày 20 tháng 11 năm 2023"),
])
def test_date_line_leading_zero_rule(iso, expected):
    plan = sample_plan()
    plan["date"] = iso
    assert expected in docx_text(render_plan(plan, org=ORG, draft=False))


def test_undated_draft_leaves_day_and_month_blank():
    plan = sample_plan()
    plan["date"] = None
    lines = docx_text(render_plan(plan, org=ORG, draft=True))
    assert any(re.fullmatch(r"Thành Tô, ngày {6}tháng {6}năm \d{4}", t) for t in lines), lines


def test_motto_comes_from_org():
    org = {**ORG, "motto_line1": "Cộng hòa xã hội chủ nghĩa Việt Nam",
           "motto_line2": "Độc lập – Tự do – Hạnh phúc"}
    lines = docx_text(render_plan(sample_plan(), org=org, draft=False))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập – Tự do – Hạnh phúc" in lines


def test_bold_and_italic_runs_are_real(final_docx):
    doc = Document(io.BytesIO(final_docx))
    runs = {}
    for para in doc.paragraphs:
        for run in para.runs:
            runs.setdefault(run.text, run)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        runs.setdefault(run.text, run)
    assert runs["trước ngày 16/9/2023"].bold is True
    assert not runs["trước ngày 16/9/2023"].italic
    assert runs["lưu ý"].italic is True and not runs["lưu ý"].bold
    assert runs["đậm nghiêng"].bold is True and runs["đậm nghiêng"].italic is True
    assert runs["khai giảng"].bold is True
    assert runs["Căn cứ Điều lệ Công đoàn Việt Nam."].italic is True
    # the surrounding text stays plain
    assert not runs["Thu minh chứng "].bold and not runs["Thu minh chứng "].italic
    # no markup characters leak into the document
    assert "**" not in " ".join(docx_text(final_docx))


def test_multiline_text_becomes_paragraphs_not_soft_breaks(final_docx):
    assert "<w:br/>" not in document_xml(final_docx)


def test_schedule_header_repeats_and_cells_keep_a_paragraph(final_docx):
    doc = Document(io.BytesIO(final_docx))
    schedule = [t for t in doc.tables if t.rows[0].cells[0].text == "Tháng"]
    assert len(schedule) == 1
    table = schedule[0]
    header_pr = table.rows[0]._tr.trPr
    assert header_pr is not None and header_pr.find(qn("w:tblHeader")) is not None
    assert [r.cells[0].text for r in table.rows] == ["Tháng", "8/2023", "9/2023", "6, 7/2024"]
    for tc in doc.element.body.iter(qn("w:tc")):
        assert tc.findall(qn("w:p")), "a table cell without a paragraph: Word refuses the file"
    # the period cell is centred
    assert table.rows[1].cells[0].paragraphs[0].style.paragraph_format.alignment == \
        WD_ALIGN_PARAGRAPH.CENTER
    # only the last month keeps with the signature block (it never stands alone on a page)
    keeps = [row.cells[1].paragraphs[0].style.paragraph_format.keep_with_next
             for row in table.rows[1:]]
    assert keeps == [None, None, True]


def test_page_numbers_not_on_first_page(final_docx):
    doc = Document(io.BytesIO(final_docx))
    section = doc.sections[0]
    assert section._sectPr.find(qn("w:titlePg")) is not None
    assert "PAGE" not in section.first_page_header._element.xml
    assert "PAGE" in section.header._element.xml
    assert section.header.paragraphs[0].style.paragraph_format.alignment == \
        WD_ALIGN_PARAGRAPH.CENTER


def test_subsections_restart_and_period_shown_when_not_in_subject():
    plan = sample_plan()
    plan["subject"] = "Tổ chức các hoạt động chào mừng ngày Nhà giáo Việt Nam"
    lines = nonempty(render_plan(plan, org=ORG, draft=False))
    assert lines[lines.index(plan["subject"]) + 1] == "Năm học 2023 - 2024"
    assert lines.count("1. Chăm lo đời sống") == 1 and "1. Tổ chức 20/11" in lines


def test_empty_signature_line_is_dropped():
    plan = sample_plan()
    plan["signature"] = {"on_behalf": "", "title": "CHỦ TỊCH", "name": ""}
    lines = nonempty(render_plan(plan, org=ORG, draft=False))
    assert lines[-1] == "CHỦ TỊCH"


def test_build_context_formats_everything_in_python(final_docx):
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(render.DEFAULT_TEMPLATE))
    ctx = context.build_context(sample_plan(), tpl, org=ORG, draft=False)
    assert set(REQUIRED_PLACEHOLDERS) <= set(ctx)
    assert ctx["date_line"] == "Thành Tô, ngày 05 tháng 9 năm 2023"
    assert [s["heading"] for s in ctx["sections"]] == ["I. MỤC ĐÍCH, YÊU CẦU:",
                                                        "II. NHIỆM VỤ CỤ THỂ"]
    subs = [line["number"] for s in ctx["sections"] for line in s["lines"]
            if line["kind"] == "subsection"]
    assert subs == ["1.", "2.", "1."]
    assert ctx["schedule"][0]["activities"][0]["groups"] == "Tổ Khối 1"
    assert ctx["schedule"][0]["activities"][0]["due"] == "31/08/2023"
    assert ctx["period"] == ""  # already in the subject


# --------------------------------------------------------------------------------- images

def test_signature_seal_and_qr_are_placed():
    data = render_plan(sample_plan(), org=ORG, draft=False, signature_image=png(),
                       seal_image=png((200, 200), (200, 20, 20)), verify_code="ABCD-1234",
                       verify_url=VERIFY_URL)
    doc = Document(io.BytesIO(data))
    images = [p for p in doc.part.package.parts if p.content_type.startswith("image/")]
    assert len(images) == 2  # signature with seal, QR code
    assert document_xml(data).count("<w:drawing>") == 2
    lines = nonempty(data)
    # the code and its QR sit under "Nơi nhận" (left column), so they never add a page of their
    # own; the signer's block (right column) still ends the document, complete and in order
    assert lines[-7:] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT.",
                          f"Mã xác thực: ABCD-1234 — kiểm tra tại {VERIFY_URL}",
                          "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nguyễn Thị Hoa"]


def test_signature_alone_and_no_images_by_default(final_docx):
    data = render_plan(sample_plan(), org=ORG, draft=False, signature_image=png())
    assert document_xml(data).count("<w:drawing>") == 1
    assert "<w:drawing>" not in document_xml(final_docx)


def test_unreadable_image_is_refused_in_vietnamese():
    with pytest.raises(stamps.ImageError, match="chữ ký"):
        render_plan(sample_plan(), org=ORG, draft=False, signature_image=b"not an image")


# ------------------------------------------------------------------------------- hostile text

CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
HOSTILE = "A < B > C & D \"dq\" 'sq' “smart” ‘quotes’ {{ subject }} {% if %} 😀🎉 đĐ"
LONG = ("Đoàn viên công đoàn tham gia đầy đủ các hoạt động. " * 300)[:10_000]


def hostile_plan() -> dict:
    plan = sample_plan()
    plan["subject"] = HOSTILE + CONTROL + " kết thúc"
    plan["union_name"] = "CĐ <script>alert(1)</script> & Co"
    plan["bases"] = ["*Căn cứ* " + HOSTILE]
    plan["opening"] = "Mở đầu\x00\x07 có ký tự điều khiển\x1f"
    plan["sections"] = [
        {"title": "", "lines": []},  # empty section: dropped
        {"title": "MỤC CÓ TIÊU ĐỀ NHƯNG TRỐNG", "lines": []},
        {"title": "NỘI DUNG " + HOSTILE, "lines": [
            {"kind": "paragraph", "level": 0, "text": LONG},
            {"kind": "bullet", "level": 0, "text": "**" + HOSTILE + "**"},
            {"kind": "paragraph", "level": 0, "text": "\x0b\x0c"},  # nothing left: dropped
            {"kind": "subsection", "level": 0, "text": "Tab\tgiữa và\r\nxuống dòng"},
        ]},
    ]
    plan["schedule"] = []
    plan["schedule_title"] = "LỊCH " + HOSTILE
    plan["recipients"] = []
    return plan


@pytest.fixture(scope="module")
def hostile_docx() -> bytes:
    return render_plan(hostile_plan(), org=ORG, draft=True, signature_image=png(),
                       verify_code="ABCD-1234", verify_url=VERIFY_URL + "?a=1&b=<2>")


def test_hostile_text_survives_intact(hostile_docx):
    lines = nonempty(hostile_docx)
    assert HOSTILE + " kết thúc" in lines  # control characters gone, the rest intact
    assert "CĐ <SCRIPT>ALERT(1)</SCRIPT> & CO" in lines
    assert "Căn cứ " + HOSTILE in lines
    assert "Mở đầu có ký tự điều khiển" in lines
    assert "I. MỤC CÓ TIÊU ĐỀ NHƯNG TRỐNG" in lines
    assert "II. NỘI DUNG " + HOSTILE in lines
    assert LONG.strip() in lines and len(LONG) == 10_000
    assert "- " + HOSTILE in lines
    assert "1. Tab giữa và" in lines and "xuống dòng" in lines
    assert f"Mã xác thực: ABCD-1234 — kiểm tra tại {VERIFY_URL}?a=1&b=<2>" in lines
    # empty schedule: no table, no title; empty recipients: no "Nơi nhận:"
    assert not any(line.startswith("LỊCH ") for line in lines)
    assert "Tháng" not in lines and "Nơi nhận:" not in lines
    xml = document_xml(hostile_docx)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
    assert "<script>" not in xml


def test_hostile_document_reopens_and_every_cell_has_a_paragraph(hostile_docx):
    doc = Document(io.BytesIO(hostile_docx))
    for tc in doc.element.body.iter(qn("w:tc")):
        assert tc.findall(qn("w:p"))
    assert doc.element.body[-1].tag == qn("w:sectPr")
    assert doc.element.body[-2].tag == qn("w:p")  # the body ends with a paragraph, not a table


def test_hostile_document_converts_to_pdf(hostile_docx):
    require_soffice()
    pdf = convert_to_pdf(hostile_docx, timeout=120)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_pdf_unavailable_is_explained(monkeypatch):
    monkeypatch.setenv("CONGDOAN_SOFFICE", "/nonexistent/soffice")
    ok, reason = pdf_available()
    assert not ok and "LibreOffice" in reason
    with pytest.raises(PdfError):
        convert_to_pdf(b"PK")


# ------------------------------------------------------------------------------ check_template

def _template_without(tag: str) -> bytes:
    doc = Document(str(render.DEFAULT_TEMPLATE))
    for para in doc.paragraphs:
        if tag in para.text:
            para._p.getparent().remove(para._p)
            break
    else:
        raise AssertionError(f"{tag} not in template")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _template_with(text: str) -> bytes:
    doc = Document(str(render.DEFAULT_TEMPLATE))
    anchor = [p for p in doc.paragraphs if "{{ type_name }}" in p.text][0]
    anchor.insert_paragraph_before(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_check_template_names_a_missing_placeholder():
    assert check_template(_template_without("{{ subject }}")) == ["subject"]


def test_check_template_refuses_non_docx():
    with pytest.raises(TemplateError, match="Word"):
        check_template(b"this is not a docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("hello.txt", "zip, but not Word")
    with pytest.raises(TemplateError, match="docx"):
        check_template(buf.getvalue())


def test_check_template_refuses_broken_jinja():
    with pytest.raises(TemplateError, match="sai"):
        check_template(_template_with("{% if draft %} never closed"))


def test_check_template_refuses_unknown_names_and_python_internals():
    with pytest.raises(TemplateError, match="bogus"):
        check_template(_template_with("{{ bogus }}"))
    with pytest.raises(TemplateError):
        check_template(_template_with("{{ subject.__class__.__mro__ }}"))


def test_render_with_replacement_template_bytes():
    data = render_plan(sample_plan(), org=ORG, draft=False,
                       template=_template_with("Bản sao của công đoàn"))
    lines = nonempty(data)
    assert lines[lines.index("KẾ HOẠCH") - 1] == "Bản sao của công đoàn"


def test_render_does_not_mutate_the_plan():
    plan = sample_plan()
    before = copy.deepcopy(plan)
    render_plan(plan, org=ORG, draft=True)
    assert plan == before


# ------------------------------------------------------------------------------ table lines

PLAN_TABLE = {"kind": "table", "level": 0, "table": {
    "columns": ["Nội dung", "Kinh phí (đồng)"],
    "rows": [[{"text": "Tết Trung thu"}, {"text": "3.000.000", "link": "/de-xuat"}]],
    "total": [{"text": "Tổng cộng"}, {"text": "3.000.000"}]}}


def test_the_plan_template_places_a_table_line_as_a_word_table():
    plan = sample_plan()
    plan["sections"][1]["lines"].insert(1, PLAN_TABLE)
    data = render_plan(plan, org=ORG, draft=False)
    lines = nonempty(data)
    at = lines.index
    assert at("1. Tổ chức 20/11") < at("Nội dung") < at("3.000.000") < at("Dòng một")
    assert nonempty(render_plan(sample_plan(), org=ORG, draft=False)) == expected_text(draft=False)
    table = [t for t in Document(io.BytesIO(data)).tables if t.rows[0].cells[0].text == "Nội dung"][0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[-1].cells] == ["Tổng cộng", "3.000.000"]


def test_a_union_template_without_the_table_branch_prints_the_table_as_lines():
    """A union's own plan template made before tables existed: the table's rows come out as plain
    paragraphs ("a | b") rather than nothing, and the file is still valid."""
    old = Document(str(render.DEFAULT_TEMPLATE))
    paragraphs = old.paragraphs
    start = [i for i, p in enumerate(paragraphs) if p.text == '{%p if line.kind == "table" %}'][0]
    for para in paragraphs[start:start + 2]:
        para._p.getparent().remove(para._p)
    branch = old.paragraphs[start]          # the branch after the table's is now the first
    assert branch.text.startswith("{%p elif line.kind == ")
    branch.runs[0].text = branch.text.replace("{%p elif", "{%p if", 1)
    out = io.BytesIO()
    old.save(out)
    plan = sample_plan()
    plan["sections"][1]["lines"].insert(1, PLAN_TABLE)
    lines = nonempty(render_plan(plan, org=ORG, draft=False, template=out.getvalue()))
    at = lines.index
    assert at("1. Tổ chức 20/11") < at("Nội dung | Kinh phí (đồng)") < at("Tết Trung thu | 3.000.000") \
        < at("Tổng cộng | 3.000.000") < at("Dòng một")
