"""The Word importer: the real sample plan, and synthetic documents built here with python-docx.

The synthetic documents vary what real unions vary (Word numbering instead of typed numerals, other
spacing, headers without tables, schedules split over pages, manual line breaks) so the importer is
not tuned to the one sample file.
"""
from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from congdoan.dates import date_line, parse_iso_date
from congdoan.documents.word_import import ImportFailed, ImportResult, import_plan_docx
from congdoan.demo import EXAMPLE_DOCX
from congdoan.text import plain, roman

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = EXAMPLE_DOCX
DEMO_JSON = ROOT / "congdoan" / "demo" / "ke_hoach_2023_2024.json"
MOTTOS = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}


# --------------------------------------------------------------------------------------------------
# Helpers


def flatten(document: dict) -> list[str]:
    """Every piece of text of a plan document, in reading order, as plain text (numbers restored)."""
    out: list[str] = [document["upper_union"], document["union_name"]]
    if document["number"]:
        out.append(f"Số: {document['number']}")
    if document["date"]:
        out.append(date_line(document["place"], parse_iso_date(document["date"])))
    elif document["place"]:
        out.append(document["place"])
    out += [document["type_name"], document["subject"]]
    out += [plain(base) for base in document["bases"]]
    out += [plain(text) for text in document["opening"].split("\n")]
    for number, section in enumerate(document["sections"], 1):
        out.append(f"{roman(number)}. {section['title']}")
        sub = 0
        for line in section["lines"]:
            text = plain(line["text"])
            if line["kind"] == "subsection":
                sub += 1
                out.append(f"{sub}. {text}")
            elif line["kind"] == "bullet":
                out.append(("+ " if line["level"] else "- ") + text)
            else:
                out.append(text)
    out.append(document["schedule_title"])
    for period in document["schedule"]:
        out.append(period["period"])
        for activity in period["activities"]:
            out.append("- " + plain(activity["text"]))
            out += activity["groups"]
    if document["recipients"]:
        out.append("Nơi nhận:")
        out += ["- " + r for r in document["recipients"]]
    signature = document["signature"]
    out += [signature["on_behalf"], signature["title"], signature["name"]]
    return [text for text in out if text]


_MARKER = re.compile(r"^\s*(?:[IVX]{1,6}\s*[.)\-–/:]+|\d{1,2}\s*[.)]|[a-zđ]\s*[.)]|[-–—+•*])\s*")


def key(text: str) -> str:
    """Compare text without list markers, spacing differences or spaces around '/'."""
    text = " ".join(text.split())
    text = _MARKER.sub("", text)
    return re.sub(r"\s*/\s*", "/", text).strip()


def source_paragraphs(data: bytes) -> list[str]:
    """Non-empty paragraph texts of a .docx in body order, table cells included (python-docx)."""
    document = docx.Document(io.BytesIO(data))
    texts: list[str] = []

    def walk(container):
        for block in container.iter_inner_content():
            if isinstance(block, docx.text.paragraph.Paragraph):
                if block.text.strip():
                    texts.append(block.text)
            else:
                seen: dict[int, object] = {}  # holding the elements keeps their ids unique
                for row in block.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue  # a merged cell is listed once per grid column it spans
                        seen[id(cell._tc)] = cell._tc
                        walk(cell)

    walk(document)
    return texts


def assert_in_order(sources: list[str], flat: list[str], *, exact: bool) -> None:
    """Each source text is found in the flattened document, in order (equal, or contained)."""
    keys = [key(text) for text in flat]
    position = 0
    for text in sources:
        wanted = key(text)
        for index in range(position, len(keys)):
            if (keys[index] == wanted) if exact else (wanted in keys[index]):
                position = index if not exact else index + 1
                break
        else:
            context = keys[max(0, position - 2):position + 3]
            raise AssertionError(f"not found in order: {text!r}\nnear: {context!r}")


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_numbering(document, levels: list[tuple[str, str]]) -> int:
    """Add a list definition (one (numFmt, lvlText) per level) to numbering.xml; returns numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [int(el.get(qn("w:abstractNumId")))
                    for el in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(el.get(qn("w:numId"))) for el in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=0) + 1
    num_id = max(num_ids, default=0) + 1
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                               f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def numbered(paragraph, num_id: int, ilvl: int = 0):
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def centred(document, text: str, bold: bool = True):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = bold
    return paragraph


def layout_table(document, left: list[tuple[str, bool]], right: list[tuple[str, bool]]):
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right)):
        cell.paragraphs[0].text = ""
        for index, (text, bold) in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.add_run(text).bold = bold
    return table


def standard_header(document, number: str = "Số: 03/KH-CĐ"):
    layout_table(document,
                 [("CÔNG ĐOÀN GIÁO DỤC HUYỆN THANH OAI", False),
                  ("CÔNG ĐOÀN TRƯỜNG THCS BÍCH HÒA", True), (number, False)],
                 [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), ("Độc lập – Tự do – Hạnh phúc", True),
                  ("Bích Hòa, ngày 12 tháng 9 năm 2024", False)])
    centred(document, "KẾ HOẠCH")
    centred(document, "Hoạt động công đoàn năm học 2024 - 2025")


def standard_footer(document):
    layout_table(document, [("Nơi nhận:", True), ("- CB, GV, NV;", False), ("- Lưu: VT.", False)],
                 [("TM. BAN CHẤP HÀNH", True), ("CHỦ TỊCH", True), ("", False),
                  ("Nguyễn Văn An", True)])


def schedule_table(document, header: list[str] | None, rows: list[list[list[str]]]):
    columns = len(header) if header else len(rows[0])
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header):
            cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, paragraphs in zip(cells, row):
            for index, text in enumerate(paragraphs):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                paragraph.add_run(text)
    return table


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="module")
def sample(sample_bytes) -> ImportResult:
    return import_plan_docx(sample_bytes)


# --------------------------------------------------------------------------------------------------
# The sample plan


def test_sample_keeps_every_paragraph_in_order(sample_bytes, sample):
    # The motto comes from the settings and the schedule's column headings from the template;
    # every other non-empty paragraph must be somewhere in the document, in the same order.
    dropped = MOTTOS | {"Tháng", "Nội dung công việc"}
    sources = [t for t in source_paragraphs(sample_bytes) if t.strip() not in dropped]
    assert len(sources) == 129
    assert_in_order(sources, flatten(sample.document), exact=True)


def test_sample_header_facts(sample):
    doc = sample.document
    assert doc["format"] == 1
    assert doc["upper_union"] == "LĐLĐ QUẬN HẢI AN"
    assert doc["union_name"] == "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ"
    assert doc["number"] == "01/KHCĐ-THTT"
    assert doc["place"] == "Thành Tô"
    assert doc["date"] == "2023-09-05"
    assert doc["type_name"] == "KẾ HOẠCH"
    assert doc["subject"] == "Hoạt động Công đoàn năm học 2023 - 2024"
    assert doc["period"] == "Năm học 2023 - 2024"
    assert len(doc["bases"]) == 6
    # Whole-italic bases are the house style: stored without markers.
    assert doc["bases"][0] == "Căn cứ Điều lệ Công đoàn Việt Nam."
    assert all("*" not in base for base in doc["bases"])


def test_sample_body(sample):
    sections = sample.document["sections"]
    assert [s["title"] for s in sections] == [
        "NHIỆM VỤ CHUNG:", "CHỈ TIÊU", "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "TRIỂN KHAI THỰC HIỆN:"]
    kinds = [line["kind"] for line in sections[0]["lines"]]
    assert kinds == ["paragraph"] * 3 + ["subsection"] * 6
    first_sub = sections[0]["lines"][3]["text"]
    assert first_sub.startswith("Phối hợp với nhà trường") and "*" not in first_sub
    assert sum(1 for line in sections[1]["lines"] if line["kind"] == "bullet") == 12
    assert sections[1]["lines"][1]["text"].startswith("Phần đầu đảm bảo 100%")
    # An italic paragraph inside a section is not house style: its emphasis is kept.
    assert sections[2]["lines"][0]["text"].startswith("*Căn cứ mục tiêu")


def test_sample_schedule(sample):
    doc = sample.document
    assert doc["schedule_title"] == "NỘI DUNG CÔNG TÁC CÔNG ĐOÀN NĂM HỌC 2023 – 2024"
    periods = [p["period"] for p in doc["schedule"]]
    assert periods == ["8/2023", "9/2023", "10/2023", "11/2023", "12/2023", "01/2024",
                       "02/2024", "03/2024", "4/2024", "5/2024", "6, 7/2024"]
    assert [len(p["activities"]) for p in doc["schedule"]] == [4, 9, 5, 4, 3, 4, 4, 5, 5, 4, 5]
    first = doc["schedule"][0]["activities"][0]
    assert first == {"text": "Triển khai nhiệm vụ năm học 2023 – 2024.", "groups": [], "due": None}
    assert sample.stats["schedule_rows"] == 12
    assert sample.stats["activities"] == 52


def test_sample_footer_and_report(sample):
    doc = sample.document
    assert doc["recipients"] == ["Như trên;", "Lưu: VT."]
    assert doc["signature"] == {"on_behalf": "TM. BCH CÔNG ĐOÀN", "title": "CHỦ TỊCH", "name": ""}
    assert len(sample.report) <= 3
    assert any("chữ thường" in line for line in sample.report)  # the sentence split over two paragraphs


def test_demo_json_matches_the_importer(sample):
    stored = json.loads(DEMO_JSON.read_text(encoding="utf-8"))
    assert stored == sample.document
    assert json.loads(json.dumps(sample.document)) == sample.document  # plain JSON types only


# --------------------------------------------------------------------------------------------------
# Synthetic documents


def test_word_numbered_lists_and_plain_paragraph_header():
    document = docx.Document()
    document.add_paragraph("LIÊN ĐOÀN LAO ĐỘNG HUYỆN THANH OAI\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    p = document.add_paragraph()
    p.add_run("CÔNG ĐOÀN TRƯỜNG THCS BÍCH HÒA").bold = True
    p.add_run("\t\tĐộc lập - Tự do - Hạnh phúc").bold = True
    document.add_paragraph("Số: 05 /KH-CĐ\t\t\tBích Hòa, ngày      tháng 9 năm 2024")
    document.add_paragraph("")
    centred(document, "KẾ HOẠCH HOẠT ĐỘNG CÔNG ĐOÀN NĂM 2024")
    document.add_paragraph("")
    document.add_paragraph().add_run("Thực hiện Kế hoạch số 23/KH-LĐLĐ ngày 10/01/2024 của "
                                     "LĐLĐ huyện Thanh Oai;").italic = True
    document.add_paragraph("Ban Chấp hành xây dựng kế hoạch như sau:")
    sections = add_numbering(document, [("upperRoman", "%1."), ("decimal", "%2.")])
    bullets = add_numbering(document, [("bullet", "-"), ("bullet", "+")])
    heading = document.add_paragraph()
    heading.add_run("MỤC ĐÍCH, YÊU CẦU").bold = True
    numbered(heading, sections, 0)
    numbered(document.add_paragraph("Tăng cường đoàn kết"), sections, 1)
    numbered(document.add_paragraph("Chăm lo đời sống đoàn viên"), bullets, 0)
    numbered(document.add_paragraph("Thăm hỏi khi ốm đau"), bullets, 1)
    numbered(document.add_paragraph("NỘI DUNG"), sections, 0)
    numbered(document.add_paragraph("Tổ chức Hội nghị"), bullets, 0)
    document.add_paragraph("Nơi nhận:\t\t\tTM. BAN CHẤP HÀNH")
    document.add_paragraph("- LĐLĐ huyện;\t\t\tCHỦ TỊCH")
    document.add_paragraph("- Lưu: VT.")
    document.add_paragraph("")
    document.add_paragraph("\t\t\t\tNguyễn Thị Hoa")
    data = save(document)

    result = import_plan_docx(data)
    doc = result.document
    assert doc["upper_union"] == "LIÊN ĐOÀN LAO ĐỘNG HUYỆN THANH OAI"
    assert doc["union_name"] == "CÔNG ĐOÀN TRƯỜNG THCS BÍCH HÒA"
    assert doc["number"] == "05/KH-CĐ"
    assert doc["place"] == "Bích Hòa" and doc["date"] is None
    assert doc["type_name"] == "KẾ HOẠCH"
    assert doc["subject"] == "HOẠT ĐỘNG CÔNG ĐOÀN NĂM 2024"
    assert doc["period"] == "Năm 2024"
    assert doc["bases"] == [
        "Thực hiện Kế hoạch số 23/KH-LĐLĐ ngày 10/01/2024 của LĐLĐ huyện Thanh Oai;"]
    assert doc["opening"] == "Ban Chấp hành xây dựng kế hoạch như sau:"
    assert [s["title"] for s in doc["sections"]] == ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG"]
    assert doc["sections"][0]["lines"] == [
        {"kind": "subsection", "text": "Tăng cường đoàn kết", "level": 0, "weight": "normal"},   # upright
        {"kind": "bullet", "text": "Chăm lo đời sống đoàn viên", "level": 0},
        {"kind": "bullet", "text": "Thăm hỏi khi ốm đau", "level": 1},
    ]
    assert doc["sections"][1]["lines"] == [{"kind": "bullet", "text": "Tổ chức Hội nghị", "level": 0}]
    assert doc["recipients"] == ["LĐLĐ huyện;", "Lưu: VT."]
    assert doc["signature"] == {"on_behalf": "TM. BAN CHẤP HÀNH", "title": "CHỦ TỊCH",
                                "name": "Nguyễn Thị Hoa"}
    assert doc["schedule"] == [] and doc["schedule_title"] == ""


def test_typed_numerals_with_varied_spacing_and_empty_paragraphs():
    document = docx.Document()
    standard_header(document, number="Số: 01 /KHCD-THTT")
    for _ in range(3):
        document.add_paragraph("")
    document.add_paragraph("Căn cứ Điều lệ Công đoàn Việt Nam;")
    document.add_paragraph("")
    document.add_paragraph().add_run("I-  MỤC ĐÍCH").bold = True
    document.add_paragraph("1) Đoàn kết")
    document.add_paragraph("a) Trong tổ chuyên môn")
    document.add_paragraph("")
    document.add_paragraph("+ Lồng ghép sinh hoạt")
    document.add_paragraph().add_run("II /NHIỆM VỤ").bold = True
    document.add_paragraph("• Bullet tròn")
    document.add_paragraph("- Gạch thụt sâu hơn").paragraph_format.left_indent = Cm(1.27)
    document.add_paragraph("* Bullet sao")
    document.add_paragraph("–Gạch ngang dài sát chữ")
    document.add_paragraph().add_run("III)  GIẢI PHÁP").bold = True
    document.add_paragraph("2 . Hai")
    document.add_paragraph().add_run("IV . TỔ CHỨC THỰC HIỆN").bold = True
    document.add_paragraph("Giao BCH triển khai.")
    standard_footer(document)
    data = save(document)

    result = import_plan_docx(data)
    doc = result.document
    assert doc["number"] == "01/KHCD-THTT"
    assert doc["date"] == "2024-09-12" and doc["place"] == "Bích Hòa"
    assert doc["upper_union"] == "CÔNG ĐOÀN GIÁO DỤC HUYỆN THANH OAI"
    assert doc["period"] == "Năm học 2024 - 2025"
    assert [s["title"] for s in doc["sections"]] == ["MỤC ĐÍCH", "NHIỆM VỤ", "GIẢI PHÁP",
                                                     "TỔ CHỨC THỰC HIỆN"]
    assert doc["sections"][0]["lines"] == [     # each level keeps its own labels (issue 17)
        {"kind": "subsection", "text": "Đoàn kết", "level": 0, "label": "1)", "weight": "normal"},
        {"kind": "subsection", "text": "Trong tổ chuyên môn", "level": 1, "label": "a)"},
        {"kind": "bullet", "text": "Lồng ghép sinh hoạt", "level": 1},
    ]
    assert [(l["kind"], l["text"], l["level"]) for l in doc["sections"][1]["lines"]] == [
        ("bullet", "Bullet tròn", 0), ("bullet", "Gạch thụt sâu hơn", 1),
        ("bullet", "Bullet sao", 0),
        ("bullet", "Gạch ngang dài sát chữ", 0)]
    assert doc["sections"][2]["lines"] == [{"kind": "subsection", "text": "Hai", "level": 0, "weight": "normal"}]
    assert doc["sections"][3]["lines"][0]["kind"] == "paragraph"
    assert doc["recipients"] == ["CB, GV, NV;", "Lưu: VT."]
    assert doc["signature"]["name"] == "Nguyễn Văn An"
    # the only thing to look at: section III starts at "2." in the file and is numbered again
    assert result.report == ["Mục III: mục con đánh số “2.” trong tệp gốc nay là “1.” (số thứ tự "
                             "trong tệp không liên tục)."]
    sources = [t for t in source_paragraphs(data) if key(t) not in {key(m) for m in MOTTOS}
               and "Tự do" not in t]
    assert_in_order(sources, flatten(doc), exact=False)


def test_schedule_split_over_two_tables_with_continuations():
    document = docx.Document()
    standard_header(document)
    document.add_paragraph().add_run("I. NHIỆM VỤ").bold = True
    document.add_paragraph("- Làm tốt công tác chăm lo.")
    centred(document, "LỊCH CÔNG TÁC NĂM HỌC 2024 - 2025")
    schedule_table(document, ["Thời gian", "Nội dung"], [
        [["Tháng 9"], ["- Khai giảng năm học.", "- Tổ chức Tết Trung thu"]],
        [["Tháng 10"], ["- Kỷ niệm 20/10.", "- Hội nghị viên chức"]],
    ])
    document.add_paragraph("")
    schedule_table(document, None, [
        [[""], ["cho con đoàn viên và học sinh.", "- Đăng ký thi đua."]],
        [["Tháng 11"], ["- Kỷ niệm 20/11;", "tặng quà giáo viên lâu năm."]],
    ])
    standard_footer(document)
    data = save(document)

    result = import_plan_docx(data)
    doc = result.document
    assert doc["schedule_title"] == "LỊCH CÔNG TÁC NĂM HỌC 2024 - 2025"
    assert [(p["period"], [a["text"] for a in p["activities"]]) for p in doc["schedule"]] == [
        ("Tháng 9", ["Khai giảng năm học.", "Tổ chức Tết Trung thu"]),
        ("Tháng 10", ["Kỷ niệm 20/10.", "Hội nghị viên chức cho con đoàn viên và học sinh.",
                      "Đăng ký thi đua."]),
        ("Tháng 11", ["Kỷ niệm 20/11; tặng quà giáo viên lâu năm."]),
    ]
    assert doc["sections"][0]["lines"] == [
        {"kind": "bullet", "text": "Làm tốt công tác chăm lo.", "level": 0}]
    assert doc["recipients"] == ["CB, GV, NV;", "Lưu: VT."]
    # joining the two tables was done right: nothing to look at there (issue 17, point 5)
    assert not any("tách thành" in line for line in result.report)
    assert any("không ghi thời gian" in line for line in result.report)
    # a sentence going on in lower case (a wrapped line, a table split over a page) was joined right:
    # nothing to look at either
    assert not any("nối vào hoạt động trước" in line for line in result.report)


def test_only_a_doubtful_join_in_the_schedule_is_reported():
    """A paragraph without a dash that starts a new sentence after a finished one may be an activity
    whose dash was forgotten: joined, and reported with the activity; a continuation in lower case or
    after an unfinished sentence is joined silently."""
    document = docx.Document()
    standard_header(document)
    document.add_paragraph().add_run("I. NHIỆM VỤ").bold = True
    document.add_paragraph("- Làm tốt công tác chăm lo.")
    schedule_table(document, ["Thời gian", "Nội dung"], [
        [["Tháng 9"], ["- Khai giảng năm học.", "Tổ chức Tết Trung thu cho con đoàn viên."]],
        [["Tháng 10"], ["- Hội nghị viên chức", "Năm học 2024 - 2025", "- Kỷ niệm 20/10;",
                        "tặng hoa nữ đoàn viên."]],
    ])
    standard_footer(document)
    result = import_plan_docx(save(document))
    assert [[a["text"] for a in p["activities"]] for p in result.document["schedule"]] == [
        ["Khai giảng năm học. Tổ chức Tết Trung thu cho con đoàn viên."],
        ["Hội nghị viên chức Năm học 2024 - 2025", "Kỷ niệm 20/10; tặng hoa nữ đoàn viên."]]
    joined = [(line, where) for line, where in zip(result.report, result.where)
              if "nối vào hoạt động trước" in line]
    assert joined == [("Đoạn “Tổ chức Tết Trung thu cho con đoàn viên.” trong bảng lịch công tác không bắt "
                       "đầu bằng gạch đầu dòng — đã nối vào hoạt động trước; nếu đó là một việc riêng, "
                       "hãy tách thành việc mới.", ("activity", 0, 0))]


def test_three_column_schedule_with_responsible_groups():
    document = docx.Document()
    standard_header(document)
    document.add_paragraph().add_run("I. NHIỆM VỤ CHUNG").bold = True
    document.add_paragraph("Thực hiện tốt nhiệm vụ năm học.")
    schedule_table(document, ["Tháng", "Nội dung công việc", "Người thực hiện"], [
        [["9/2024"], ["- Khai giảng.", "- Trung thu."], ["BCH; Tổ Khối 1"]],
        [["10, 11/ 2024"], ["- Kỷ niệm 20/10.", "- Kỷ niệm 20/11."], ["Ban nữ công", "Tổ Văn"]],
        [["12/2024"], ["- Quyết toán kinh phí."], ["- Kế toán", "- Chủ tịch"]],
    ])
    standard_footer(document)
    result = import_plan_docx(save(document))
    schedule = result.document["schedule"]
    assert [p["period"] for p in schedule] == ["9/2024", "10, 11/2024", "12/2024"]
    assert schedule[0]["activities"] == [
        {"text": "Khai giảng.", "groups": ["BCH", "Tổ Khối 1"], "due": None},
        {"text": "Trung thu.", "groups": ["BCH", "Tổ Khối 1"], "due": None}]
    # One group paragraph per activity: matched one to one.
    assert [a["groups"] for a in schedule[1]["activities"]] == [["Ban nữ công"], ["Tổ Văn"]]
    assert schedule[2]["activities"][0]["groups"] == ["Kế toán", "Chủ tịch"]
    assert result.document["schedule_title"] == ""


def test_manual_breaks_bold_deadline_and_hostile_text():
    hostile = 'Thẻ <script>alert("x")</script> & “trích dẫn” 😀 ‘đơn’ \\ {{ jinja }} %s'
    document = docx.Document()
    standard_header(document)
    document.add_paragraph().add_run("I. NHIỆM VỤ").bold = True
    paragraph = document.add_paragraph()
    run = paragraph.add_run("- Mục một")
    run.add_break()
    paragraph.add_run("- Mục hai")
    paragraph.runs[-1].add_break()
    paragraph.add_run("+ Mục con")
    paragraph = document.add_paragraph()
    paragraph.add_run("Đoạn văn bị ngắt")
    paragraph.runs[-1].add_break()
    paragraph.add_run("giữa chừng bằng Shift+Enter.")
    paragraph = document.add_paragraph()
    paragraph.add_run("- Gửi danh sách khen thưởng con đoàn viên về kế toán ")
    paragraph.add_run("trước ngày 16/9/2024").bold = True
    paragraph.add_run(".")
    document.add_paragraph("- " + hostile)
    schedule_table(document, ["Tháng", "Nội dung"], [
        [["9/2024"], ["- Một\n- Hai"]],
    ])
    # A manual break inside a schedule cell, made with a real <w:br/>.
    cell_paragraph = document.tables[-1].rows[1].cells[1].paragraphs[0]
    cell_paragraph.text = ""
    cell_paragraph.add_run("- Một").add_break()
    cell_paragraph.add_run("- Hai " + hostile)
    standard_footer(document)
    data = save(document)

    result = import_plan_docx(data)
    lines = result.document["sections"][0]["lines"]
    assert lines[:3] == [
        {"kind": "bullet", "text": "Mục một", "level": 0},
        {"kind": "bullet", "text": "Mục hai", "level": 0},
        {"kind": "bullet", "text": "Mục con", "level": 1}]
    assert lines[3] == {"kind": "paragraph", "text": "Đoạn văn bị ngắt giữa chừng bằng Shift+Enter.",
                        "level": 0}
    assert lines[4]["text"] == ("Gửi danh sách khen thưởng con đoàn viên về kế toán "
                                "**trước ngày 16/9/2024**.")
    assert lines[5] == {"kind": "bullet", "text": hostile, "level": 0}
    activities = result.document["schedule"][0]["activities"]
    assert [a["text"] for a in activities] == ["Một", "Hai " + hostile]
    json.dumps(result.document, ensure_ascii=False)


def test_earlier_draft_shapes_headings_and_plain_footer():
    """What the earlier text of the sample looked like, plus Heading styles and a text table."""
    document = docx.Document()
    document.add_paragraph("LĐLĐ QUẬN HẢI AN")
    document.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph().add_run("CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ").bold = True
    document.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    document.add_paragraph("---------------")
    document.add_paragraph("Số: 01 /KHCD-THTT")
    document.add_paragraph("Thành Tô, ngày      tháng 9 năm 2023")
    centred(document, "KẾ HOẠCH HOẠT ĐỘNG CÔNG ĐOÀN NĂM HỌC 2023 - 2024")
    document.add_paragraph("Căn cứ Điều lệ Công đoàn Việt Nam.")
    document.add_paragraph("Công đoàn trường xây dựng kế hoạch như sau:")
    document.add_heading("NHIỆM VỤ CHUNG", level=1)
    document.add_heading("Chăm lo đời sống", level=2)
    document.add_paragraph("- Thăm hỏi đoàn viên ốm đau.")
    note = document.add_table(rows=1, cols=1)
    note.rows[0].cells[0].paragraphs[0].add_run("Ghi chú: kinh phí lấy từ quỹ công đoàn.")
    title = centred(document, "NỘI DUNG CÔNG TÁC CÔNG ĐOÀN")
    title.runs[0].add_break()
    title.add_run("NĂM HỌC 2023 – 2024").bold = True
    table = schedule_table(document, ["Tháng", "Nội dung công việc"], [[["9/2023"], ["x", "y"]]])
    bullets = add_numbering(document, [("bullet", "")])
    cell = table.rows[1].cells[1]
    cell.paragraphs[0].text = "Khai giảng năm học"
    cell.paragraphs[1].text = "Tết Trung thu"
    for paragraph in cell.paragraphs:
        numbered(paragraph, bullets)
    document.add_paragraph("Thành Tô, tháng 9 năm 2023")
    signature = document.add_paragraph()
    run = signature.add_run("TM. BCH CÔNG ĐOÀN")
    run.bold = True
    run.add_break()
    signature.add_run("CHỦ TỊCH").bold = True
    signature.runs[-1].add_break()
    signature.runs[-1].add_break()
    signature.add_run("Phạm Văn Bình").bold = True
    data = save(document)

    result = import_plan_docx(data)
    doc = result.document
    assert (doc["upper_union"], doc["union_name"]) == ("LĐLĐ QUẬN HẢI AN",
                                                       "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ")
    assert doc["number"] == "01/KHCD-THTT"
    assert (doc["place"], doc["date"]) == ("Thành Tô", None)
    assert (doc["type_name"], doc["subject"], doc["period"]) == (
        "KẾ HOẠCH", "HOẠT ĐỘNG CÔNG ĐOÀN NĂM HỌC 2023 - 2024", "Năm học 2023 - 2024")
    assert doc["bases"] == ["Căn cứ Điều lệ Công đoàn Việt Nam."]
    assert doc["opening"] == "Công đoàn trường xây dựng kế hoạch như sau:"
    assert doc["sections"] == [{"title": "NHIỆM VỤ CHUNG", "lines": [
        {"kind": "subsection", "text": "Chăm lo đời sống", "level": 0},
        {"kind": "bullet", "text": "Thăm hỏi đoàn viên ốm đau.", "level": 0},
        {"kind": "paragraph", "text": "Ghi chú: kinh phí lấy từ quỹ công đoàn.", "level": 0},
    ]}]
    assert doc["schedule_title"] == "NỘI DUNG CÔNG TÁC CÔNG ĐOÀN NĂM HỌC 2023 – 2024"
    assert [a["text"] for a in doc["schedule"][0]["activities"]] == ["Khai giảng năm học",
                                                                    "Tết Trung thu"]
    assert doc["recipients"] == []
    assert doc["signature"] == {"on_behalf": "TM. BCH CÔNG ĐOÀN", "title": "CHỦ TỊCH",
                                "name": "Phạm Văn Bình"}
    assert any("lặp lại ở cuối" in line for line in result.report)
    assert any("Nơi nhận" in line for line in result.report)


def test_hostile_header_text_and_missing_parts_are_reported():
    document = docx.Document()
    document.add_paragraph("CÔNG ĐOÀN <CẤP TRÊN> & CO")
    document.add_paragraph().add_run("CĐCS “ÁNH DƯƠNG” 😀").bold = True
    centred(document, "KẾ HOẠCH")
    centred(document, "Tổ chức Tết Trung thu <2024>")
    document.add_paragraph().add_run("I. NỘI DUNG").bold = True
    document.add_paragraph("- Mua quà.")
    result = import_plan_docx(save(document))
    doc = result.document
    assert doc["upper_union"] == "CÔNG ĐOÀN <CẤP TRÊN> & CO"
    assert doc["union_name"] == "CĐCS “ÁNH DƯƠNG” 😀"
    assert doc["subject"] == "Tổ chức Tết Trung thu <2024>"
    assert doc["number"] is None and doc["date"] is None
    assert any("Số:" in line for line in result.report)
    assert any("chữ ký" in line for line in result.report)


def test_garbage_and_wrong_files_are_refused():
    with pytest.raises(ImportFailed):
        import_plan_docx(b"")
    with pytest.raises(ImportFailed, match="không phải"):
        import_plan_docx(b"this is not a Word file at all \x00\x01\x02")
    with pytest.raises(ImportFailed, match="hỏng"):
        import_plan_docx(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(ImportFailed, match="mật khẩu"):
        import_plan_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
                         + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(ImportFailed, match=r"\.doc\b"):
        import_plan_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFailed, match="không phải"):
        import_plan_docx(buffer.getvalue())
    with pytest.raises(ImportFailed, match="20 MB"):
        import_plan_docx(b"PK" + b"\x00" * (20 * 1024 * 1024 + 1))


def test_empty_and_oversized_documents_are_refused():
    empty = docx.Document()
    empty.add_paragraph("")
    empty.add_paragraph("   ")
    with pytest.raises(ImportFailed, match="trống"):
        import_plan_docx(save(empty))
    long = docx.Document()
    first = long.add_paragraph("- dòng")._p
    for _ in range(5000):
        first.addnext(copy.deepcopy(first))
    with pytest.raises(ImportFailed, match="quá dài"):
        import_plan_docx(save(long))
