"""Build templates/docx/ke-hoach.docx, the Word template of a plan (Kế hoạch).

Run:  .venv/bin/python scripts/build_plan_template.py

The template follows the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4 portrait, margins
20/20/30/15 mm, Times New Roman, body 14 pt justified with a 1.27 cm first-line indent, page numbers
centred in the top margin except on page 1. Every piece of formatting lives in a named paragraph style
("KH ...") so that a person can open the file in Word or LibreOffice and adjust a style without touching
the docxtpl tags. The tags ({{ }}, {%p %}, {%tr %}) use the context built by
congdoan.documents.context.build_context; gray 9 pt paragraphs are template instructions that disappear
when the plan is rendered.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "docx" / "ke-hoach.docx"

FONT = "Times New Roman"
LANG = "vi-VN"
TWIPS_PER_CM = 567
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5  # A4 minus left and right margins: 16.5 cm

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


# --------------------------------------------------------------------------------------------- XML

def _el(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def _set_fonts(rpr) -> None:
    """All four font slots to Times New Roman, theme fonts removed (they would win over the names)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)


def _set_lang(rpr) -> None:
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(_el("w:lang", val=LANG, eastAsia=LANG, bidi="ar-SA"))


def _cs_size(rpr, half_points: int) -> None:
    """Complex-script size alongside w:sz (python-docx only sets w:sz)."""
    for old in rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    size = rpr.find(qn("w:sz"))
    szcs = _el("w:szCs", val=half_points)
    if size is not None:
        size.addnext(szcs)
    else:
        rpr.append(szcs)


def _border(ppr, sides: dict[str, tuple[str, int, int]]) -> None:
    """Paragraph borders: {"top": (style, size in 1/8 pt, space in pt)}."""
    bdr = _el("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            style, size, space = sides[side]
            bdr.append(_el(f"w:{side}", val=style, sz=size, space=space, color="000000"))
    # pBdr must come before w:spacing/w:ind/w:jc in pPr (schema order)
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(bdr)
    else:
        ppr.append(bdr)


# ------------------------------------------------------------------------------------------ styles

def _defaults(doc) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), "28")
    rpr.find(qn("w:szCs")).set(qn("w:val"), "28")
    _set_lang(rpr)
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")   # 6 pt
    spacing.set(qn("w:line"), "276")    # 1.15
    spacing.set(qn("w:lineRule"), "auto")

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr())
    _set_lang(normal.element.get_or_add_rPr())
    _cs_size(normal.element.get_or_add_rPr(), 28)
    fmt = normal.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    fmt.widow_control = True

    # Word reads the theme language for spelling: Vietnamese, not en-US/ja-JP.
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        for attr in list(theme_lang.attrib):
            del theme_lang.attrib[attr]
        theme_lang.set(qn("w:val"), LANG)


def _style(doc, style_id: str, name: str, *, base: str = "Normal", size: float | None = None,
           bold: bool | None = None, italic: bool | None = None, underline: bool | None = None,
           align=None, first_line: float | None = None, left: float | None = None,
           right: float | None = None, before: float | None = None, after: float | None = None,
           line: float | None = None, keep_next: bool | None = None, color: RGBColor | None = None,
           next_style: str | None = None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    STYLE_NAMES[style_id] = name
    style.base_style = doc.styles[STYLE_NAMES.get(base, base)]
    style.quick_style = True
    font = style.font
    if size is not None:
        font.size = Pt(size)
        _cs_size(style.element.get_or_add_rPr(), int(size * 2))
    if bold is not None:
        font.bold = bold
        font.cs_bold = bold
    if italic is not None:
        font.italic = italic
        font.cs_italic = italic
    if underline is not None:
        font.underline = underline
    if color is not None:
        font.color.rgb = color
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    if first_line is not None:
        fmt.first_line_indent = Cm(first_line)
    if left is not None:
        fmt.left_indent = Cm(left)
    if right is not None:
        fmt.right_indent = Cm(right)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        if line == 1:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing = line
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    if next_style:
        style.next_paragraph_style = doc.styles[next_style]
    return style


def _short_rule(style, width_cm: float, column_cm: float) -> None:
    """A centred short line: an empty 2 pt paragraph whose top border spans width_cm."""
    side = max((column_cm - width_cm) / 2, 0)
    fmt = style.paragraph_format
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(3)  # the gap between the text and its line (space before sits above the border)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    style.font.size = Pt(2)
    _border(style.element.get_or_add_pPr(), {"top": ("single", 6, 0)})


STYLE_NAMES: dict[str, str] = {}  # style id -> style name (python-docx looks styles up by name)

HEADER_LEFT_CM = 7.0
HEADER_RIGHT_CM = TEXT_WIDTH_CM - HEADER_LEFT_CM
CELL_PAD_CM = 0.1


def _styles(doc) -> None:
    _defaults(doc)
    s = lambda *a, **k: _style(doc, *a, **k)  # noqa: E731

    # template instructions: visible when editing the template, removed when rendering
    s("KHLenh", "KH - Lệnh mẫu (tự xoá khi in)", size=9, color=RGBColor(0x80, 0x80, 0x80),
      align=LEFT, after=0, line=1)

    # header block
    s("KHCoQuanCapTren", "KH - Cơ quan cấp trên", size=13, align=CENTER, after=0, line=1)
    s("KHCoQuanBanHanh", "KH - Cơ quan ban hành", base="KHCoQuanCapTren", bold=True)
    rule = s("KHGachCoQuan", "KH - Gạch dưới cơ quan ban hành", align=CENTER)
    _short_rule(rule, 2.6, HEADER_LEFT_CM - 2 * CELL_PAD_CM)
    s("KHSoKyHieu", "KH - Số, ký hiệu", size=13, align=CENTER, before=6, after=0, line=1)
    s("KHQuocHieu", "KH - Quốc hiệu", size=12, bold=True, align=CENTER, after=0, line=1)
    s("KHTieuNgu", "KH - Tiêu ngữ", size=13, bold=True, underline=True, align=CENTER, after=0,
      line=1)
    s("KHDiaDanh", "KH - Địa danh, ngày tháng", size=14, italic=True, align=CENTER, before=10,
      after=0, line=1)
    draft = s("KHDuThao", "KH - Dấu dự thảo", size=14, bold=True, align=CENTER, after=8, line=1,
              left=TEXT_WIDTH_CM - 3.6, right=0)
    _border(draft.element.get_or_add_pPr(), {side: ("single", 12, 2)
                                              for side in ("top", "left", "bottom", "right")})
    draft.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    # type name and subject
    s("KHTenLoai", "KH - Tên loại văn bản", size=14, bold=True, align=CENTER, before=18, after=0,
      line=1, keep_next=True)
    s("KHTrichYeu", "KH - Trích yếu", size=14, bold=True, align=CENTER, after=0, line=1,
      keep_next=True)
    s("KHThoiKy", "KH - Thời kỳ", base="KHTrichYeu")
    rule = s("KHGachTrichYeu", "KH - Gạch dưới trích yếu", align=CENTER)
    _short_rule(rule, 4.5, TEXT_WIDTH_CM)
    rule.paragraph_format.space_after = Pt(12)

    # body
    s("KHVanBan", "KH - Nội dung", first_line=1.27, align=JUSTIFY, after=6, line=1.15,
      next_style=None)
    s("KHCanCu", "KH - Căn cứ", base="KHVanBan", italic=True)
    s("KHMuc", "KH - Mục (I, II, ...)", base="KHVanBan", bold=True, first_line=0, before=6,
      keep_next=True)
    # no keep-with-next here: six subsections in a row would move to the next page as one block
    s("KHTieuMuc", "KH - Tiểu mục (1, 2, ...)", base="KHVanBan", bold=True)
    s("KHGachDauDong", "KH - Gạch đầu dòng", base="KHVanBan")
    s("KHGachDauDong2", "KH - Gạch đầu dòng cấp 2", base="KHVanBan", left=0.75)

    # schedule
    s("KHLichTieuDe", "KH - Tiêu đề lịch công tác", size=14, bold=True, align=CENTER, before=12,
      after=6, line=1, keep_next=True)
    s("KHBangDau", "KH - Bảng: đầu cột", size=13, bold=True, align=CENTER, before=3, after=3,
      line=1, keep_next=True)
    s("KHBangThang", "KH - Bảng: tháng", size=13, align=CENTER, before=3, after=3, line=1)
    s("KHBangNoiDung", "KH - Bảng: nội dung", size=13, align=JUSTIFY, before=2, after=2, line=1)
    s("KHBangThangCuoi", "KH - Bảng: tháng (dòng cuối)", base="KHBangThang", keep_next=True)
    s("KHBangNoiDungCuoi", "KH - Bảng: nội dung (dòng cuối)", base="KHBangNoiDung",
      keep_next=True)

    # recipients and signature
    s("KHNoiNhan", "KH - Nơi nhận", size=12, bold=True, italic=True, align=LEFT, before=0,
      after=0, line=1)
    s("KHNoiNhanDong", "KH - Nơi nhận: dòng", size=11, align=LEFT, after=0, line=1)
    s("KHChucVu", "KH - Chức vụ người ký", size=14, bold=True, align=CENTER, after=0, line=1,
      keep_next=True)
    s("KHChoKy", "KH - Chữ ký, dấu", size=14, align=CENTER, before=4, after=4, line=1,
      keep_next=True)
    s("KHChoKyTrong", "KH - Chỗ để ký", size=14, align=CENTER, before=0, after=72, line=1,
      keep_next=True)
    s("KHNguoiKy", "KH - Tên người ký", size=14, bold=True, align=CENTER, after=0, line=1)

    # verification
    s("KHXacThucQR", "KH - Mã QR xác thực", size=10, align=LEFT, before=10, after=0, line=1)
    s("KHXacThuc", "KH - Xác thực", size=9, align=LEFT, after=0, line=1)
    s("KHCuoi", "KH - Cuối văn bản", size=2, after=0, line=1)

    header = doc.styles["Header"]
    header.font.size = Pt(13)
    _cs_size(header.element.get_or_add_rPr(), 26)
    header.paragraph_format.alignment = CENTER
    header.paragraph_format.first_line_indent = Cm(0)


# ------------------------------------------------------------------------------------------ tables

def _table_props(table, widths_cm: list[float], *, borders: bool, pad_cm: float = CELL_PAD_CM):
    tbl = table._tbl
    tblpr = tbl.tblPr
    for tag in ("w:tblStyle", "w:tblW", "w:tblBorders", "w:tblLayout", "w:tblCellMar",
                "w:tblLook", "w:jc"):
        for old in tblpr.findall(qn(tag)):
            tblpr.remove(old)
    total = sum(widths_cm)
    tblpr.append(_el("w:tblW", w=round(total * TWIPS_PER_CM), type="dxa"))
    tblpr.append(_el("w:jc", val="center"))
    bdr = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if borders:
            bdr.append(_el(f"w:{side}", val="single", sz=4, space=0, color="000000"))
        else:
            bdr.append(_el(f"w:{side}", val="nil"))
    tblpr.append(bdr)
    tblpr.append(_el("w:tblLayout", type="fixed"))
    mar = _el("w:tblCellMar")
    pad = round(pad_cm * TWIPS_PER_CM)
    mar.append(_el("w:left", w=pad, type="dxa"))
    mar.append(_el("w:right", w=pad, type="dxa"))
    tblpr.append(mar)
    tblpr.append(_el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0",
                     lastColumn="0", noHBand="1", noVBand="1"))
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(round(width * TWIPS_PER_CM)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _cell_paragraphs(cell, items: list[tuple[str, str]]) -> None:
    """Fill a cell with (style, text) paragraphs; the cell's first paragraph is reused."""
    first = True
    for style, text in items:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        para.style = STYLE_NAMES[style]
        if text:
            para.add_run(text)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("w:tblHeader"))
    trpr.append(_el("w:cantSplit"))


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(_el("w:cantSplit"))


def _valign(cell, value: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(_el("w:vAlign", val=value))


# -------------------------------------------------------------------------------------- page setup

def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(9)
    section.footer_distance = Mm(9)
    section.gutter = Mm(0)
    # page 1 has its own, empty header: no page number there (titlePg)
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["Header"]

    para = section.header.paragraphs[0]
    para.style = doc.styles["Header"]
    _page_field(para)


def _page_field(paragraph) -> None:
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    run_with(_el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    run_with(_el("w:fldChar", fldCharType="separate"))
    paragraph.add_run("2")
    run_with(_el("w:fldChar", fldCharType="end"))


# ---------------------------------------------------------------------------------------- the body
# Each part of the document is a function of its own, so that the template of another kind
# (scripts/build_report_template.py) is put together from the same parts: same styles, same header,
# same signature block (docs/document-kinds.md).

def new_template() -> Document:
    """An empty template: the styles, A4 with the margins and page numbers of NĐ 30, no paragraph."""
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    # drop the default empty first paragraph; the parts add their own
    for para in list(doc.paragraphs):
        body.remove(para._p)
    return doc


def p(doc, style: str, text: str = ""):
    para = doc.add_paragraph(style=STYLE_NAMES[style])
    if text:
        para.add_run(text)
    return para


def tag(doc, text: str):
    """A template instruction on a paragraph of its own (removed when the document is rendered)."""
    return p(doc, "KHLenh", text)


def add_draft_mark(doc) -> None:
    """"DỰ THẢO", top right of page 1, above the header, on drafts only."""
    tag(doc, "{%p if draft %}")
    p(doc, "KHDuThao", "DỰ THẢO")
    tag(doc, "{%p endif %}")


def add_header(doc) -> None:
    """The two borderless columns: the unions and the number left, the national motto and the
    place and date right."""
    header = doc.add_table(rows=1, cols=2)
    _table_props(header, [HEADER_LEFT_CM, HEADER_RIGHT_CM], borders=False)
    left, right = header.rows[0].cells
    _cell_paragraphs(left, [
        ("KHCoQuanCapTren", "{{ upper_union }}"),
        ("KHCoQuanBanHanh", "{{ union_name }}"),
        ("KHGachCoQuan", ""),
        ("KHSoKyHieu", "Số: {{ number }}"),
    ])
    _cell_paragraphs(right, [
        ("KHQuocHieu", "{{ motto_line1 }}"),
        ("KHTieuNgu", "{{ motto_line2 }}"),
        ("KHDiaDanh", "{{ date_line }}"),
    ])


def add_title(doc) -> None:
    """Type name, subject, the period when the subject does not say it, the short rule."""
    p(doc, "KHTenLoai", "{{ type_name }}")
    p(doc, "KHTrichYeu", "{{ subject }}")
    tag(doc, "{%p if period %}")
    p(doc, "KHThoiKy", "{{ period }}")
    tag(doc, "{%p endif %}")
    p(doc, "KHGachTrichYeu")


def add_bases(doc) -> None:
    tag(doc, "{%p for base in bases %}")
    p(doc, "KHCanCu", "{{r base }}")
    tag(doc, "{%p endfor %}")


def add_opening(doc) -> None:
    tag(doc, "{%p for para in opening %}")
    p(doc, "KHVanBan", "{{r para }}")
    tag(doc, "{%p endfor %}")


def add_sections(doc) -> None:
    """The numbered sections and their lines; a table line is a finished Word table that replaces
    its paragraph ({{p }}: congdoan.documents.word_table.WordTable). A first-level item followed by its
    content, and a paragraph followed by a table, keep with the next line (context.py sets keep_next):
    a heading or "... như sau:" never stands alone at the foot of a page."""
    tag(doc, "{%p for section in sections %}")
    tag(doc, "{%p if section.heading %}")
    p(doc, "KHMuc", "{{ section.heading }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for line in section.lines %}")
    tag(doc, '{%p if line.kind == "table" %}')
    p(doc, "KHVanBan", "{{p line.table }}")
    # an item with its first line of content, a paragraph with the table it introduces: kept with
    # what follows by direct formatting (the same style, so a reader of styles sees one kind of item)
    tag(doc, '{%p elif line.kind == "subsection" and line.keep_next %}')
    p(doc, "KHTieuMuc", "{{r line.text }}").paragraph_format.keep_with_next = True
    tag(doc, '{%p elif line.kind == "subsection" %}')
    p(doc, "KHTieuMuc", "{{r line.text }}")
    tag(doc, '{%p elif line.kind == "bullet" and line.nested %}')
    p(doc, "KHGachDauDong2", "{{r line.text }}")
    tag(doc, '{%p elif line.kind == "bullet" %}')
    p(doc, "KHGachDauDong", "{{r line.text }}")
    tag(doc, '{%p elif line.kind == "paragraph" and line.keep_next %}')
    p(doc, "KHVanBan", "{{r line.text }}").paragraph_format.keep_with_next = True
    tag(doc, "{%p else %}")
    p(doc, "KHVanBan", "{{r line.text }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def add_schedule(doc) -> None:
    """The schedule table "Tháng | Nội dung công việc", only when there is one (no empty table)."""
    tag(doc, "{%p if schedule %}")
    tag(doc, "{%p if schedule_title %}")
    p(doc, "KHLichTieuDe", "{{ schedule_title }}")
    tag(doc, "{%p endif %}")
    widths = [2.6, TEXT_WIDTH_CM - 2.6]
    # The last month gets its own row template: its paragraphs keep with the next one, so the
    # signature block never stands alone on the last page (the last row moves along with it).
    table = doc.add_table(rows=8, cols=2)
    _table_props(table, widths, borders=True, pad_cm=0.15)
    head, loop_open, if_row, body_row, else_row, last_row, endif_row, loop_close = table.rows
    _repeat_header(head)
    _cell_paragraphs(head.cells[0], [("KHBangDau", "Tháng")])
    _cell_paragraphs(head.cells[1], [("KHBangDau", "Nội dung công việc")])
    _valign(head.cells[0], "center")
    _valign(head.cells[1], "center")
    for row, text in ((loop_open, "{%tr for row in schedule %}"),
                      (if_row, "{%tr if not loop.last %}"),
                      (else_row, "{%tr else %}"),
                      (endif_row, "{%tr endif %}"),
                      (loop_close, "{%tr endfor %}")):
        _cell_paragraphs(row.cells[0], [("KHLenh", text)])
        _cell_paragraphs(row.cells[1], [("KHLenh", "")])
    for row, month_style, text_style in ((body_row, "KHBangThang", "KHBangNoiDung"),
                                         (last_row, "KHBangThangCuoi", "KHBangNoiDungCuoi")):
        _cell_paragraphs(row.cells[0], [(month_style, "{{ row.period }}")])
        _cell_paragraphs(row.cells[1], [
            ("KHLenh", "{%p for activity in row.activities %}"),
            (text_style, "{{r activity.text }}"),
            ("KHLenh", "{%p endfor %}"),
        ])
    _cant_split(last_row)
    tag(doc, "{%p endif %}")


def add_closing(doc) -> None:
    """Recipients and signature: two borderless columns, then the paragraph the body ends with."""
    spacer = p(doc, "KHVanBan")
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.keep_with_next = True
    bottom = doc.add_table(rows=1, cols=2)
    _table_props(bottom, [7.0, TEXT_WIDTH_CM - 7.0], borders=False)
    _cant_split(bottom.rows[0])
    left, right = bottom.rows[0].cells
    # The verification QR code and code sit under "Nơi nhận", beside the signature: the left
    # column has room there, so they never push a page of their own after the signature block.
    _cell_paragraphs(left, [
        ("KHNoiNhan", "{% if recipients %}Nơi nhận:{% endif %}"),
        ("KHLenh", "{%p for recipient in recipients %}"),
        ("KHNoiNhanDong", "- {{ recipient }}"),
        ("KHLenh", "{%p endfor %}"),
        ("KHLenh", "{%p if verify %}"),
        ("KHXacThucQR", "{{ verify.qr }}"),
        ("KHXacThuc", "{{ verify.text }}"),
        ("KHLenh", "{%p endif %}"),
    ])
    _cell_paragraphs(right, [
        ("KHLenh", "{%p if signature.on_behalf %}"),
        ("KHChucVu", "{{ signature.on_behalf }}"),
        ("KHLenh", "{%p endif %}"),
        ("KHChucVu", "{{ signature.title }}"),
        ("KHLenh", "{%p if signature_image %}"),
        ("KHChoKy", "{{ signature_image }}"),
        ("KHLenh", "{%p else %}"),
        ("KHChoKyTrong", ""),
        ("KHLenh", "{%p endif %}"),
        ("KHNguoiKy", "{{ signature.name }}"),
    ])

    # The body must end with a paragraph (not a table); keep it tiny so it never adds a page.
    p(doc, "KHCuoi")


def finish(doc, *, title: str, comments: str) -> Document:
    """Spaces kept, unused styles dropped, the file's own properties."""
    _preserve_spaces(doc)
    _prune(doc)
    props = doc.core_properties
    props.title = title
    props.author = "congdoan"
    props.last_modified_by = "congdoan"
    props.comments = comments
    props.language = LANG
    props.keywords = ""
    props.revision = 1
    return doc


def build() -> Document:
    doc = new_template()
    add_draft_mark(doc)
    add_header(doc)
    add_title(doc)
    add_bases(doc)
    add_opening(doc)
    add_sections(doc)
    add_schedule(doc)
    add_closing(doc)
    return finish(doc, title="Kế hoạch", comments="Mẫu Kế hoạch (NĐ 30/2020/NĐ-CP) dùng với docxtpl")


KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header",
               "HeaderChar", "Footer", "FooterChar"}


def _prune(doc) -> None:
    """Drop what python-docx's stock document carries and a plan never uses.

    ~190 unused styles (360 KB of styles.xml, parsed and written on every render), the Word 2010
    stylesWithEffects copy of them, and a stock thumbnail that would show someone else's page.
    Word's built-in styles stay available in Word through its latent style list.
    """
    styles = doc.styles.element
    for style in list(styles.findall(qn("w:style"))):
        style_id = style.get(qn("w:styleId"))
        if style_id not in KEEP_STYLES and style_id not in STYLE_NAMES:
            styles.remove(style)
    kept = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    for style in styles.findall(qn("w:style")):
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = style.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in kept:
                style.remove(ref)
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package.rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rid)


def _preserve_spaces(doc) -> None:
    """xml:space="preserve" on every text node: the blank day/month of a draft date keeps its spaces."""
    parts = [doc.element]
    section = doc.sections[0]
    parts += [section.header._element, section.first_page_header._element]
    for root in parts:
        for text in root.iter(qn("w:t")):
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def save(doc: Document, default: Path, argv: list[str]) -> int:
    """Write a built template to the path the command line names (argv[1]), else to `default`, and say
    where: the `main` of every template script."""
    out = Path(argv[1]) if len(argv) > 1 else default
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    print(out)
    return 0


def main(argv: list[str]) -> int:
    return save(build(), OUT, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
