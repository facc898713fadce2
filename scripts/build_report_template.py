"""Build templates/docx/bao-cao.docx, the Word template of a report (Báo cáo), e.g. the year-end report.

Run:  .venv/bin/python scripts/build_report_template.py

The same layout as the plan's (scripts/build_plan_template.py, whose parts this script puts together):
Nghị định 30/2020/NĐ-CP, A4, the two-column header with "Số: 01/BC-CĐ" and the place and date,
"BÁO CÁO" and the subject, the opening, the sections I, II, ... whose lines may be tables of figures
(finished Word tables from congdoan.documents.word_table.WordTable: header row repeated on every page),
then "Nơi nhận" and the signature block. A report has no legal bases ("Căn cứ ...") and no schedule.
Its styles are the plan's, named "BC - ..." so that a person editing this file in Word sees whose
they are (docs/document-kinds.md).
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_plan_template as parts  # noqa: E402  (the plan template's parts)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "docx" / "bao-cao.docx"


def _rename_styles(doc, old: str, new: str) -> None:
    """Style names (not ids: the paragraphs and the renderer refer to ids) with the kind's prefix."""
    for style in doc.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None and name.get(qn("w:val"), "").startswith(old):
            name.set(qn("w:val"), new + name.get(qn("w:val"))[len(old):])


def build():
    doc = parts.new_template()
    parts.add_draft_mark(doc)
    parts.add_header(doc)
    parts.add_title(doc)
    parts.add_opening(doc)
    parts.add_sections(doc)
    parts.add_closing(doc)
    _rename_styles(doc, "KH - ", "BC - ")
    return parts.finish(doc, title="Báo cáo", comments="Mẫu Báo cáo (NĐ 30/2020/NĐ-CP) dùng với docxtpl")


def main(argv: list[str]) -> int:
    return parts.save(build(), OUT, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
