"""Issue 17: a corpus of plans built the ways unions build them (tests/plan_corpus.py) comes back whole
through import → the app's Word export, line by line WITH labels.

For each plan the builder states what it is: its header facts, every line as a reader sees it
("a) Tổ chức …", whether "a)" was typed or given by Word numbering), its schedule rows, recipients and
signature. The import must give those facts, and the exported Word file must show every line, in
order, with the same label: a line whose label changed counts as lost. A few files are also checked
as saved again by LibreOffice (tests/fixtures/plans/*.lo.docx).
"""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_UNDERLINE

from congdoan.documents import stored_files
from congdoan.documents import word_import as S
from congdoan.documents.word_import import import_plan_docx
from congdoan.documents.render import docx_text
from congdoan.extensions import db
from congdoan.plans.numbering import labels
from congdoan.text import plain, roman

from .doc_factories import make_committee
from .plan_corpus import FIXTURES, LIBREOFFICE, PLANS, Built

FACTS = ("upper_union", "union_name", "number", "place", "date", "type_name", "subject")


def norm(text: str) -> str:
    """One line as compared: spaces collapsed, an en dash bullet shown as the hyphen it is."""
    text = " ".join(text.split())
    return re.sub(r"^[–—] ", "- ", text)


def lost_lines(expected: list[str], exported: list[str]) -> list[str]:
    """The expected lines not found in the export in order (exact, label included)."""
    wanted = [norm(t) for t in expected]
    have = [norm(t) for t in exported]
    lost, position = [], 0
    for line in wanted:
        try:
            position = have.index(line, position) + 1
        except ValueError:
            lost.append(line)
    return lost


def schedule_of(document: dict) -> list[tuple[str, list[str]]]:
    return [(row["period"], [plain(a["text"]) for a in row["activities"]]) for row in document["schedule"]]


def exported_schedule(data: bytes) -> list[tuple[str, list[str]]]:
    """(period, activities) of the schedule table of an exported plan (the one headed "Tháng")."""
    document = Document(io.BytesIO(data))
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text.strip() == "Tháng":
            rows = []
            for row in table.rows[1:]:
                cells = row.cells
                activities = [norm(p.text)[2:] for p in cells[1].paragraphs if p.text.strip()]
                rows.append((cells[0].text.strip(), activities))
            return rows
    return []


def check_import(built: Built, document: dict) -> None:
    assert {k: document[k] for k in FACTS} == built.facts
    assert document["schedule_title"] == built.schedule_title
    assert schedule_of(document) == built.schedule
    assert document["recipients"] == built.recipients
    signature = document["signature"]
    assert (signature["on_behalf"], signature["title"], signature["name"]) == built.signature


def round_trip(built: Built, name: str) -> tuple[object, bytes]:
    committee = make_committee()
    plan, result = S.import_plan(built.data, f"{name}.docx", actor=committee.chair)
    db.session.commit()
    return result, stored_files.plan_docx(plan).data


def check_export(built: Built, exported: bytes) -> None:
    lines = [t for t in docx_text(exported) if t.strip()]
    expected = [built.facts["type_name"], built.facts["subject"], *built.lines]
    assert lost_lines(expected, lines) == []
    if built.recipients:
        assert lost_lines(["Nơi nhận:", *[f"- {r}" for r in built.recipients]], lines) == []
    assert lost_lines([s for s in built.signature if s], lines) == []
    assert exported_schedule(exported) == [(p, [norm(a) for a in acts]) for p, acts in built.schedule]


def effective(run, paragraph, attr: str) -> bool:
    """Bold or italic as Word shows it: the run's own setting, else its paragraph style's."""
    value = getattr(run.font, attr)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, attr)
        style = style.base_style
    return bool(value)


def underline(run, paragraph) -> bool:
    """Underlined as Word shows it (any kind but none): the run's setting, else its styles'."""
    value = run.font.underline
    style = paragraph.style
    while value is None and style is not None:
        value = style.font.underline
        style = style.base_style
    return value not in (None, False, WD_UNDERLINE.NONE)


def check_formats(built: Built, exported: bytes) -> None:
    document = Document(io.BytesIO(exported))
    for line_start, words, bold, italic in built.formats:
        paragraph = next(p for p in document.paragraphs if p.text.startswith(line_start))
        runs = [r for r in paragraph.runs if words in r.text]
        assert runs, (line_start, words, [r.text for r in paragraph.runs])
        assert (effective(runs[0], paragraph, "bold"), effective(runs[0], paragraph, "italic")) == \
            (bold, italic), (line_start, words)
    for line_start, words, underlined in built.underlines:
        paragraph = next(p for p in document.paragraphs if p.text.startswith(line_start))
        runs = [r for r in paragraph.runs if words in r.text]
        assert runs, (line_start, words, [r.text for r in paragraph.runs])
        assert all(underline(r, paragraph) == underlined for r in runs), (line_start, words)


@pytest.mark.parametrize("name", PLANS)
def test_corpus_plan_imports_as_stated(name):
    built = PLANS[name]()
    result = import_plan_docx(built.data)
    check_import(built, result.document)


@pytest.mark.parametrize("name", PLANS)
def test_corpus_plan_round_trips_whole_with_labels(app, name):
    built = PLANS[name]()
    _result, exported = round_trip(built, name)
    check_export(built, exported)
    check_formats(built, exported)


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_corpus_plan_saved_by_libreoffice_round_trips(app, name):
    built = PLANS[name]()
    saved = Built(**{**built.__dict__, "data": (FIXTURES / f"{name}.lo.docx").read_bytes()})
    check_import(saved, import_plan_docx(saved.data).document)
    _result, exported = round_trip(saved, name)
    check_export(saved, exported)


def test_the_whole_corpus_keeps_every_line():
    """The measure of issue 17 over the corpus: plans whole, and lines kept with their labels."""
    whole, kept, total = 0, 0, 0
    for name, build in PLANS.items():
        built = build()
        document = import_plan_docx(built.data).document
        total += len(built.lines)
        lost = len(lost_lines(built.lines, _shown_lines(document)))
        kept += len(built.lines) - lost
        whole += lost == 0
    assert (whole, kept) == (len(PLANS), total)


def _shown_lines(document: dict) -> list[str]:
    """The lines of a plan document as the Word file shows them (bases, opening, sections)."""
    out = [plain(b) for b in document["bases"]]
    out += [plain(t) for t in document["opening"].split("\n") if t]
    for number, section in enumerate(document["sections"], 1):
        out.append(f"{roman(number)}. {section['title']}")
        for line, label in zip(section["lines"], labels(section["lines"])):
            out.append(f"{label} {plain(line['text'])}".strip())
    return out


def test_clean_plan_gives_an_empty_report():
    built = PLANS["tham-hoi-sach"]()
    assert import_plan_docx(built.data).report == []


@pytest.mark.parametrize("name", ["thang-6-bang-dau-khong-vien", "thi-dua-bang-bo-cuc", "nam-hoc-chu-cai-go-tay"])
def test_merged_months_and_repeated_headers_give_no_noise(name):
    report = import_plan_docx(PLANS[name]().data).report
    assert not [line for line in report if "lịch công tác" in line], report


def test_report_lines_link_to_the_part_they_concern(client, signed_in):
    """Point 5: each report line opens the part of the new draft it is about."""
    from .plan_corpus import plan_with_gaps

    built = plan_with_gaps()
    committee = make_committee()
    plan, result = S.import_plan(built.data, "tham-hoi.docx", actor=committee.chair)
    db.session.commit()
    line = plan.sections[1].lines[1]
    assert line.text == "Hoàn cảnh khó khăn" and line.shown_label == "2."
    pairs = dict(zip(result.report, S.import_report(plan)["anchors"]))
    skipped = next(text for text in result.report if "“3.”" in text)
    assert pairs[skipped] == f"line-{line.id}"
    no_month = next(text for text in result.report if "không ghi thời gian" in text)
    assert pairs[no_month] == f"row-{plan.rows[0].id}"

    signed_in(committee.chair)
    page = client.get(f"/ke-hoach/{plan.id}/bao-cao-nhap").get_data(as_text=True)
    assert f'href="/ke-hoach/{plan.id}#line-{line.id}"' in page
    detail = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert f'id="line-{line.id}"' in detail and f'id="row-{plan.rows[0].id}"' in detail


def test_typed_letters_in_the_vietnamese_alphabet_keep_their_labels(app):
    """Official documents letter their items a, b, c, d, đ, e, g (no f): a file typed so shows so."""
    from .plan_corpus import MOTTO1, MOTTO2, SIGN, Writer

    w = Writer()
    w.header_table(["LĐLĐ QUẬN HẢI AN", "**CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ**", "Số: 15/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Thành Tô, ngày 10 tháng 3 năm 2024*"])
    w.title("KẾ HOẠCH", ["Tổ chức Ngày hội văn hóa đọc năm 2024"])
    w.section("I.", "NỘI DUNG")
    w.line("1.", "Các hoạt động", bold=True)
    for letter, text in zip("abcdđeg", ["Trưng bày sách.", "Thi kể chuyện.", "Thi vẽ tranh.",
                                        "Giới thiệu sách hay.", "Đổi sách cũ lấy sách mới.",
                                        "Tặng sách cho thư viện.", "Tổng kết, trao giải."]):
        w.line(f"{letter})", text)
    w.footer(["Lưu: VT."], (*SIGN, "Nguyễn Thị Hoa"))
    built = w.built(upper_union="LĐLĐ QUẬN HẢI AN", union_name="CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ",
                    number="15/KH-CĐ", place="Thành Tô", date="2024-03-10", type_name="KẾ HOẠCH",
                    subject="Tổ chức Ngày hội văn hóa đọc năm 2024")
    result = import_plan_docx(built.data)
    check_import(built, result.document)
    assert result.report == []
    _result, exported = round_trip(built, "van-hoa-doc")
    check_export(built, exported)


def test_responsible_groups_not_in_this_union_are_listed_for_a_person(client, signed_in):
    """The schedule's "Người thực hiện" names groups; those that are no group of this union cannot be
    assigned. They were dropped without a word: each such activity is now a checklist line of the
    report, linking to the activity, with the names it had."""
    from .conftest import make_group

    committee = make_committee()
    women = make_group("Ban Nữ công")           # the file writes "Ban nữ công": the same group
    plan, result = S.import_plan(PLANS["nam-hoc-chu-cai-go-tay"]().data, "nam-hoc.docx", actor=committee.chair)
    db.session.commit()
    march = plan.rows[-1].activities[0]
    assert (march.text, march.groups) == ("Kỷ niệm ngày Quốc tế Phụ nữ 8/3.", [women])
    first = plan.rows[0].activities[0]
    assert (first.text, first.groups) == ("Xây dựng kế hoạch hoạt động năm học.", [])
    listed = [line for line in result.report if line.startswith("Tổ phụ trách")]
    assert len(listed) == 7      # every activity but the one of 3/2025
    assert listed[0] == ("Tổ phụ trách “BCH” không có trong danh sách tổ: chưa gán cho việc “Xây dựng "
                         "kế hoạch hoạt động năm học.” — hãy chọn tổ phụ trách.")
    december = plan.rows[3].activities[0]
    assert any(line.startswith("Tổ phụ trách “Tổ công đoàn”") for line in listed)
    pairs = dict(zip(result.report, S.import_report(plan)["anchors"]))
    assert pairs[listed[0]] == f"activity-{first.id}"
    assert pairs[next(line for line in listed if "Tổ công đoàn" in line)] == f"activity-{december.id}"

    signed_in(committee.chair)
    page = client.get(f"/ke-hoach/{plan.id}/bao-cao-nhap").get_data(as_text=True)
    assert f'href="/ke-hoach/{plan.id}#activity-{first.id}"' in page
    detail = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert f'id="activity-{first.id}"' in detail
