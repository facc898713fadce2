"""Build templates/docx/danh-sach-ky-nhan.docx, the Word template of a campaign's signing list
(Danh sách ký nhận): the people paid in a campaign, each signing in the "Ký nhận" column.

Run:  .venv/bin/python scripts/build_signing_list_template.py

A4 portrait, margins 20/20/25/15 mm, Times New Roman; the union header of docs/domain.md (upper
union, the union in bold with a short line; the national motto); the title and the campaign; one
table whose header row repeats on every page and whose rows never split across pages, fixed column
widths filling the 17 cm between the margins; a total row, the amount in words, the place and date,
and three signatures (Người lập, Kế toán, Chủ tịch). The shared formatting helpers are those of
build_plan_template.py; the values come from congdoan.member_requests.signing_list.context().
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_plan_template as base  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "docx" / "danh-sach-ky-nhan.docx"

TEXT_WIDTH_CM = 21.0 - 2.5 - 1.5          # 17 cm
# STT, Họ và tên, Tổ, Nội dung, Số tiền, Số phiếu chi, Ký nhận
COLUMNS_CM = [1.1, 3.3, 2.1, 3.5, 2.4, 2.5, 2.1]
assert abs(sum(COLUMNS_CM) - TEXT_WIDTH_CM) < 0.01
HEADER_LEFT_CM = 7.0
CENTER, LEFT, RIGHT = base.CENTER, base.LEFT, base.RIGHT


def _styles(doc) -> None:
    base._defaults(doc)
    s = lambda *a, **k: base._style(doc, *a, **k)  # noqa: E731
    s("DSCapTren", "DS - Cơ quan cấp trên", size=12, align=CENTER, after=0, line=1, first_line=0)
    s("DSCoQuan", "DS - Cơ quan", size=12, bold=True, align=CENTER, after=0, line=1, first_line=0)
    rule = s("DSGach", "DS - Gạch dưới", align=CENTER)
    base._short_rule(rule, 2.5, HEADER_LEFT_CM - 0.2)
    s("DSQuocHieu", "DS - Quốc hiệu", size=12, bold=True, align=CENTER, after=0, line=1, first_line=0)
    s("DSTieuNgu", "DS - Tiêu ngữ", size=13, bold=True, underline=True, align=CENTER, after=0, line=1,
      first_line=0)
    s("DSTieuDe", "DS - Tiêu đề", size=14, bold=True, align=CENTER, before=18, after=0, line=1, first_line=0)
    s("DSDot", "DS - Đợt", size=13, bold=True, align=CENTER, after=12, line=1, first_line=0)
    s("DSBang", "DS - Ô bảng", size=11.5, align=LEFT, after=0, before=0, line=1, first_line=0)
    s("DSBangGiua", "DS - Ô bảng giữa", base="DSBang", align=CENTER)
    s("DSBangSo", "DS - Ô bảng số", base="DSBang", align=RIGHT)
    s("DSBangDau", "DS - Tiêu đề bảng", base="DSBang", bold=True, align=CENTER)
    s("DSBangTong", "DS - Dòng tổng", base="DSBang", bold=True, align=CENTER)
    s("DSBangTongSo", "DS - Dòng tổng số", base="DSBang", bold=True, align=RIGHT)
    s("DSBangChu", "DS - Bằng chữ", size=13, italic=True, align=LEFT, before=6, after=0, line=1, first_line=0)
    s("DSDiaDanh", "DS - Địa danh", size=13, italic=True, align=RIGHT, before=12, after=0, line=1, first_line=0)
    s("DSKyChucVu", "DS - Chức vụ ký", size=13, bold=True, align=CENTER, after=0, line=1, first_line=0)
    s("DSKyGhiChu", "DS - Ghi chú ký", size=11, italic=True, align=CENTER, after=0, line=1, first_line=0)
    s("DSKyTen", "DS - Tên người ký", size=13, bold=True, align=CENTER, before=60, after=0, line=1,
      first_line=0)
    s("DSLenh", "DS - Lệnh mẫu", size=9, color=base.RGBColor(0x80, 0x80, 0x80), after=0, line=1, first_line=0)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    section.header_distance = section.footer_distance = Mm(9)


def build() -> Document:
    base.STYLE_NAMES.clear()
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for para in list(doc.paragraphs):
        body.remove(para._p)
    names = base.STYLE_NAMES

    def p(style: str, text: str = ""):
        para = doc.add_paragraph(style=names[style])
        if text:
            para.add_run(text)
        return para

    header = doc.add_table(rows=1, cols=2)
    base._table_props(header, [HEADER_LEFT_CM, TEXT_WIDTH_CM - HEADER_LEFT_CM], borders=False)
    left, right = header.rows[0].cells
    base._cell_paragraphs(left, [("DSCapTren", "{{ upper_union }}"), ("DSCoQuan", "{{ union_name }}"),
                                 ("DSGach", "")])
    base._cell_paragraphs(right, [("DSQuocHieu", "{{ motto_line1 }}"), ("DSTieuNgu", "{{ motto_line2 }}")])

    p("DSTieuDe", "DANH SÁCH KÝ NHẬN")
    p("DSDot", "{{ subtitle }}")

    heads = ["STT", "Họ và tên", "Tổ", "Nội dung", "Số tiền (đồng)", "Số phiếu chi", "Ký nhận"]
    table = doc.add_table(rows=4, cols=len(heads))
    base._table_props(table, COLUMNS_CM, borders=True)
    head, loop_start, data, loop_end = table.rows
    base._repeat_header(head)
    for cell, text in zip(head.cells, heads):
        base._cell_paragraphs(cell, [("DSBangDau", text)])
        base._valign(cell, "center")
    # docxtpl: a {%tr %} tag alone in its row; the row between them repeats.
    base._cell_paragraphs(loop_start.cells[0], [("DSLenh", "{%tr for row in rows %}")])
    base._cell_paragraphs(loop_end.cells[0], [("DSLenh", "{%tr endfor %}")])
    base._cant_split(data)
    data._tr.get_or_add_trPr().append(base._el("w:trHeight", val=str(round(1.1 * base.TWIPS_PER_CM)),
                                               hRule="atLeast"))
    cells = [("DSBangGiua", "{{ row.n }}"), ("DSBang", "{{ row.name }}"), ("DSBang", "{{ row.group }}"),
             ("DSBang", "{{ row.content }}"), ("DSBangSo", "{{ row.amount }}"),
             ("DSBangGiua", "{{ row.voucher }}"), ("DSBang", "")]
    for cell, item in zip(data.cells, cells):
        base._cell_paragraphs(cell, [item])
        base._valign(cell, "center")

    total = table.add_row()
    base._cant_split(total)
    merged = total.cells[0].merge(total.cells[3])
    for extra in merged.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    base._cell_paragraphs(merged, [("DSBangTong", "Tổng cộng: {{ count }} người")])
    base._cell_paragraphs(total.cells[4], [("DSBangTongSo", "{{ total }}")])
    base._cell_paragraphs(total.cells[5], [("DSBang", "")])
    base._cell_paragraphs(total.cells[6], [("DSBang", "")])

    p("DSBangChu", "Bằng chữ: {{ total_words }}.")
    p("DSDiaDanh", "{{ date_line }}")

    signs = doc.add_table(rows=1, cols=3)
    third = TEXT_WIDTH_CM / 3
    base._table_props(signs, [third, third, third], borders=False)
    base._cant_split(signs.rows[0])
    for cell, key in zip(signs.rows[0].cells, ("maker", "accountant", "chair")):
        base._cell_paragraphs(cell, [
            ("DSKyChucVu", f"{{{{ signatures.{key}.title }}}}"),
            ("DSKyGhiChu", "(Ký, ghi rõ họ tên)"),
            ("DSKyTen", f"{{{{ signatures.{key}.name }}}}"),
        ])
    base._prune(doc)
    for text in doc.element.iter(base.qn("w:t")):
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return doc


def main(argv: list[str]) -> int:
    return base.save(build(), OUT, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
