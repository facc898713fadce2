"""A corpus of union plans built the ways unions build them in Word (issue 17), for the importer.

Each plan is built here with python-docx from real plan text (the 2023-2024 example's and the school
union plans for 8/3, 20/10, 20/11, Tết, Trung thu and the monthly plans unions publish), in one of the
constructions the issue lists. The builder states the plan as it writes it: every call that writes a
line also records the line a reader sees, label included ("a) Tổ chức …" whether "a)" is typed or
comes from Word numbering). `PLANS` maps a name to a function returning a `Built`: the .docx bytes and
what the plan is (header facts, lines with labels, schedule rows).

`python -m tests.plan_corpus DIR` writes every plan as DIR/<name>.docx (to look at them, or to save
them again with LibreOffice: tests/fixtures/plans/ holds those saved by LibreOffice).
"""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_UNDERLINE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from congdoan.text import parse_inline, plain

MOTTO1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO2 = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Built:
    data: bytes
    facts: dict                       # upper_union, union_name, number, place, date, type_name, subject
    lines: list[str]                  # bases, opening, sections and their lines, as shown (with labels)
    schedule_title: str = ""
    schedule: list[tuple[str, list[str]]] = field(default_factory=list)   # (period, activities)
    recipients: list[str] = field(default_factory=list)
    signature: tuple[str, str, str] = ("", "", "")
    formats: list[tuple[str, str, bool, bool]] = field(default_factory=list)  # (line, words, bold, italic)
    underlines: list[tuple[str, str, bool]] = field(default_factory=list)     # (line, words, underlined)


class Writer:
    """Writes a plan into a python-docx Document and records what a reader sees."""

    def __init__(self) -> None:
        self.document = docx.Document()
        style = self.document.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(13)
        self.lines: list[str] = []
        self.schedule: list[tuple[str, list[str]]] = []
        self.schedule_title = ""
        self.formats: list[tuple[str, str, bool, bool]] = []
        self.underlines: list[tuple[str, str, bool]] = []

    # -- runs --------------------------------------------------------------------------------

    @staticmethod
    def runs(paragraph, markup: str, *, bold: bool | None = None, italic: bool | None = None):
        """Add marked-up text (**bold**, *italic*, <u>underline</u>) as runs; a "\n" is a soft line
        break (Shift+Enter)."""
        for run in parse_inline(markup):
            pieces = run.text.split("\n")
            for index, piece in enumerate(pieces):
                if index:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                if piece:
                    r = paragraph.add_run(piece)
                    r.bold = True if run.bold else bold
                    r.italic = True if run.italic else italic
                    if run.underline:
                        r.underline = True
        return paragraph

    def para(self, markup: str = "", *, align=None, bold=None, italic=None, style=None, indent=None,
             record: str | None = None):
        paragraph = self.document.add_paragraph(style=style)
        if align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent is not None:
            paragraph.paragraph_format.left_indent = Cm(indent)
        self.runs(paragraph, markup, bold=bold, italic=italic)
        if record is not None:
            self.lines.append(record)
        return paragraph

    # -- the body: every line records itself as shown ----------------------------------------------

    def line(self, label: str, markup: str, *, typed_as: str | None = None, num: tuple[int, int] | None = None,
             style: str | None = None, bold=None, italic=None, indent=None):
        """A labelled line: label typed before the text (typed_as: typed otherwise than shown, "I -"),
        or given by Word numbering (num=(numId, ilvl)) or by a numbered style (style="Heading 2").
        Recorded as "label text"."""
        shown = f"{label} {plain(markup)}".strip() if label else plain(markup)
        typed = typed_as or label
        text = f"{typed} {markup}" if typed and num is None and style is None else markup
        paragraph = self.para(text, bold=bold, italic=italic, style=style, indent=indent, record=shown)
        if num is not None:
            numbered(paragraph, *num)
        return paragraph

    def section(self, label: str, title: str, **kw):
        return self.line(label, title, bold=kw.pop("bold", True), **kw)

    def text(self, markup: str, **kw):
        return self.line("", markup, **kw)

    # -- header and footer -----------------------------------------------------------------------

    def table(self, rows: int, cols: int, *, grid: bool = False):
        table = self.document.add_table(rows=rows, cols=cols)
        if grid:
            table.style = "Table Grid"
        return table

    @staticmethod
    def cell_lines(cell, lines: list[tuple[str, dict]]):
        first = True
        for markup, fmt in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            Writer.runs(paragraph, markup, bold=fmt.get("bold"), italic=fmt.get("italic"))

    def header_table(self, left: list[str], right: list[str]):
        """The usual two-column header: one cell each side, one paragraph a line (bold marked **)."""
        table = self.table(1, 2)
        self.cell_lines(table.rows[0].cells[0], [(t, {}) for t in left])
        self.cell_lines(table.rows[0].cells[1], [(t, {}) for t in right])
        return table

    def title(self, type_name: str, subject_lines: list[str], *, italic_subject=False, bold=True):
        self.para(type_name, align="center", bold=True)
        for text in subject_lines:
            self.para(text, align="center", bold=bold, italic=italic_subject or None)

    def footer(self, recipients: list[str], signature: tuple[str, str, str]):
        table = self.table(1, 2)
        left = [("**Nơi nhận:**", {})] + [(f"- {r}", {}) for r in recipients]
        on_behalf, title, name = signature
        right = [(f"**{on_behalf}**", {}), (f"**{title}**", {}), ("", {}), ("", {}), (f"**{name}**", {})]
        self.cell_lines(table.rows[0].cells[0], left)
        self.cell_lines(table.rows[0].cells[1], right)
        for paragraph in table.rows[0].cells[0].paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self.recipients, self.signature = recipients, signature

    # -- schedule --------------------------------------------------------------------------------

    def schedule_table(self, columns: list[str], rows: list[tuple[str, list[str]] | tuple[str, list[str], str]],
                       *, title: str = "", merge_months: bool = False, repeat: int = 0, grid=True):
        """A schedule: optional title row across all columns, the header row, then rows of
        (period, activities[, responsible]). merge_months: one row per activity, the month cell
        merged down over them. repeat: copy the title and header rows again every `repeat` rows
        (as people do when a table runs over a page)."""
        table = self.table(0, len(columns), grid=grid)

        def add_head():
            if title:
                row = table.add_row()
                merged = row.cells[0].merge(row.cells[-1])
                merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                merged.paragraphs[0].add_run(title).bold = True
            row = table.add_row()
            for cell, text in zip(row.cells, columns):
                cell.paragraphs[0].add_run(text).bold = True

        add_head()
        if title:
            self.schedule_title = title
        written = 0
        for entry in rows:
            period, activities = entry[0], entry[1]
            who = entry[2] if len(entry) > 2 else ""
            if repeat and written and written % repeat == 0:
                add_head()
            self.schedule.append((period, [plain(a) for a in activities]))
            if merge_months and len(activities) > 1:
                cells = [table.add_row().cells for _ in activities]
                top = cells[0][0]
                top.merge(cells[-1][0])
                top.paragraphs[0].add_run(period)
                for row_cells, activity in zip(cells, activities):
                    self.runs(row_cells[1].paragraphs[0], f"- {activity}")
                    if len(columns) > 2:
                        row_cells[2].paragraphs[0].add_run(who)
            else:
                cells = table.add_row().cells
                cells[0].paragraphs[0].add_run(period)
                for index, activity in enumerate(activities):
                    paragraph = cells[1].paragraphs[0] if index == 0 else cells[1].add_paragraph()
                    self.runs(paragraph, f"- {activity}")
                if len(columns) > 2:
                    cells[2].paragraphs[0].add_run(who)
            written += 1
        return table

    def built(self, **facts) -> Built:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return Built(buffer.getvalue(), facts, self.lines, self.schedule_title, self.schedule,
                     getattr(self, "recipients", []), getattr(self, "signature", ("", "", "")),
                     self.formats, self.underlines)


# --------------------------------------------------------------------------------------------------
# Word numbering


def add_numbering(document, levels: list[tuple[str, str]], *, styles: list[str | None] | None = None) -> int:
    """A list definition (one (numFmt, lvlText) per level) in numbering.xml; returns its numId.
    styles: the paragraph style linked to each level (a multilevel list linked to Heading styles)."""
    numbering = document.part.numbering_part.element
    abstract_id = max([int(e.get(qn("w:abstractNumId"))) for e in numbering.findall(qn("w:abstractNum"))],
                      default=0) + 1
    num_id = max([int(e.get(qn("w:numId"))) for e in numbering.findall(qn("w:num"))], default=0) + 1
    lvls = []
    for i, (fmt, text) in enumerate(levels):
        pstyle = f'<w:pStyle w:val="{styles[i]}"/>' if styles and styles[i] else ""
        font = ('<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr>'
                if text == "\uf0b7" else "")
        lvls.append(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
                    f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr>{font}</w:lvl>')
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{"".join(lvls)}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                               f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    if styles:
        for i, name in enumerate(styles):
            if name:
                style = document.styles[name]
                ppr = style.element.get_or_add_pPr()
                ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{i}"/>'
                                     f'<w:numId w:val="{num_id}"/></w:numPr>'))
    return num_id


def numbered(paragraph, num_id: int, ilvl: int = 0):
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def no_borders(table):
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))


def line_shape(paragraph):
    """A drawn line (VML, as Word 2003-2010 draws it) anchored in the paragraph."""
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
        '<v:line from="40pt,2pt" to="130pt,2pt" strokeweight="1pt"/></w:pict></w:r>'))


def right_tab(paragraph, position_cm: float = 16.0):
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(position_cm))


# --------------------------------------------------------------------------------------------------
# The plans

SIGN = ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH")


def school_year_typed_letters() -> Built:
    """THCS school-year plan: bases, typed "1." with typed "a)"/"b)" under them, "-" and "+" bullets;
    the schedule has a title row across the table, its title and header rows repeated every four
    months, and the responsible group in a third column."""
    w = Writer()
    w.header_table(["CÔNG ĐOÀN GIÁO DỤC HUYỆN THANH OAI", "**CÔNG ĐOÀN TRƯỜNG THCS BÍCH HÒA**", "Số: 05/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Bích Hòa, ngày 15 tháng 9 năm 2024*"])
    w.title("KẾ HOẠCH", ["Hoạt động công đoàn năm học 2024 - 2025"])
    w.line("", "Căn cứ Hướng dẫn số 12/HD-CĐN ngày 05/9/2024 của Công đoàn ngành Giáo dục về nhiệm vụ "
           "năm học 2024 - 2025;", italic=True)
    w.line("", "Căn cứ Kế hoạch số 120/KH-THCS ngày 10/9/2024 của Trường THCS Bích Hòa;", italic=True)
    w.text("Ban Chấp hành Công đoàn trường xây dựng kế hoạch hoạt động năm học 2024 - 2025 như sau:")
    w.section("I.", "ĐẶC ĐIỂM TÌNH HÌNH")
    w.line("1.", "Thuận lợi", bold=True)
    w.text("Công đoàn trường có 46 đoàn viên, 100% cán bộ, giáo viên, nhân viên là đoàn viên công đoàn.")
    w.line("2.", "Khó khăn", bold=True)
    w.text("Một số đoàn viên ở xa trường, điều kiện đi lại còn khó khăn.")
    w.section("II.", "NHIỆM VỤ TRỌNG TÂM")
    w.line("1.", "Chăm lo, bảo vệ quyền lợi hợp pháp, chính đáng của đoàn viên", bold=True)
    w.line("a)", "Phối hợp với chuyên môn tổ chức Hội nghị viên chức, người lao động năm học 2024 - 2025.",
           italic=True)
    w.line("b)", "Giám sát việc thực hiện chế độ, chính sách đối với người lao động.", italic=True)
    w.line("-", "Thăm hỏi đoàn viên ốm đau, gia đình có việc hiếu, hỷ.")
    w.line("+", "Mức thăm hỏi theo Quy chế chi tiêu nội bộ.", indent=1.0)
    w.line("2.", "Tổ chức các hoạt động truyền thông, giáo dục chính trị, tư tưởng", bold=True)
    w.line("a)", "Tuyên truyền Nghị quyết Đại hội Công đoàn các cấp.", italic=True)
    w.line("b)", "Tổ chức kỷ niệm các ngày lễ lớn 20/10, 20/11, 8/3.", italic=True)
    w.line("c)", "Phát động phong trào thi đua “Dạy tốt - Học tốt”.", italic=True)
    w.line("3.", "Xây dựng tổ chức công đoàn vững mạnh", bold=True)
    w.line("-", "Kiện toàn các tổ công đoàn; sinh hoạt định kỳ mỗi tháng một lần.")
    w.section("III.", "LỊCH CÔNG TÁC")
    w.schedule_table(["Thời gian", "Nội dung công việc", "Người thực hiện"], [
        ("9/2024", ["Xây dựng kế hoạch hoạt động năm học.", "Tổ chức Tết Trung thu cho con đoàn viên."],
         "BCH"),
        ("10/2024", ["Kỷ niệm ngày Phụ nữ Việt Nam 20/10.", "Hội nghị viên chức, người lao động."], "BCH"),
        ("11/2024", ["Kỷ niệm ngày Nhà giáo Việt Nam 20/11."], "BCH"),
        ("12/2024", ["Thăm hỏi đoàn viên có hoàn cảnh khó khăn."], "Tổ công đoàn"),
        ("1/2025", ["Tổ chức Tết sum vầy cho đoàn viên."], "BCH"),
        ("3/2025", ["Kỷ niệm ngày Quốc tế Phụ nữ 8/3."], "Ban nữ công"),
    ], title="NỘI DUNG CÔNG TÁC CÔNG ĐOÀN NĂM HỌC 2024 - 2025", repeat=4)
    w.footer(["BCH Công đoàn Giáo dục huyện;", "Lưu: VT."], (*SIGN, "Nguyễn Văn An"))
    return w.built(upper_union="CÔNG ĐOÀN GIÁO DỤC HUYỆN THANH OAI", union_name="CÔNG ĐOÀN TRƯỜNG THCS BÍCH HÒA",
                   number="05/KH-CĐ", place="Bích Hòa", date="2024-09-15", type_name="KẾ HOẠCH",
                   subject="Hoạt động công đoàn năm học 2024 - 2025")


def women_day_word_numbering() -> Built:
    """8/3 plan: sections typed, items and their letters given by one Word multilevel list
    ("%1." then "%2)"), bullets by a Word bullet list ("-" then "+")."""
    w = Writer()
    w.header_table(["LĐLĐ QUẬN HẢI AN", "**CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ**", "Số: 07/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Thành Tô, ngày 20 tháng 02 năm 2024*"])
    w.title("KẾ HOẠCH", ["Tổ chức các hoạt động kỷ niệm 114 năm ngày Quốc tế Phụ nữ 8/3"])
    w.line("", "Căn cứ Chương trình công tác nữ công năm 2024 của LĐLĐ quận Hải An;", italic=True)
    w.text("Ban Chấp hành Công đoàn trường xây dựng kế hoạch tổ chức các hoạt động như sau:")
    items = add_numbering(w.document, [("decimal", "%1."), ("lowerLetter", "%2)")])
    bullets = add_numbering(w.document, [("bullet", "-"), ("bullet", "+")])
    w.section("I.", "MỤC ĐÍCH, YÊU CẦU")
    w.line("1.", "Mục đích", num=(items, 0), bold=True)
    w.line("a)", "Tuyên truyền truyền thống của Hội Liên hiệp Phụ nữ Việt Nam.", num=(items, 1))
    w.line("b)", "Động viên nữ đoàn viên phấn đấu hoàn thành tốt nhiệm vụ.", num=(items, 1))
    w.line("2.", "Yêu cầu", num=(items, 0), bold=True)
    w.line("-", "Tổ chức thiết thực, tiết kiệm, tạo không khí vui tươi.", num=(bullets, 0))
    w.line("+", "Mỗi tổ công đoàn có ít nhất một tiết mục văn nghệ.", num=(bullets, 1))
    w.section("II.", "NỘI DUNG HOẠT ĐỘNG")
    items2 = add_numbering(w.document, [("decimal", "%1."), ("lowerLetter", "%2)")])
    w.line("1.", "Hoạt động tuyên truyền", num=(items2, 0), bold=True)
    w.line("a)", "Treo băng rôn, khẩu hiệu chào mừng ngày 8/3.", num=(items2, 1))
    w.line("b)", "Giới thiệu gương phụ nữ tiêu biểu trên bản tin nhà trường.", num=(items2, 1))
    w.line("2.", "Hoạt động văn nghệ, thể thao", num=(items2, 0), bold=True)
    w.line("a)", "Hội thi cắm hoa nghệ thuật giữa các tổ công đoàn.", num=(items2, 1))
    w.line("b)", "Giao lưu bóng chuyền hơi nữ.", num=(items2, 1))
    w.line("c)", "Gặp mặt, tặng hoa nữ đoàn viên.", num=(items2, 1))
    w.section("III.", "TỔ CHỨC THỰC HIỆN")
    w.text("Ban nữ công chủ trì, phối hợp với các tổ công đoàn triển khai kế hoạch.")
    w.footer(["Các tổ công đoàn;", "Lưu: VT."], (*SIGN, "Nguyễn Thị Hoa"))
    return w.built(upper_union="LĐLĐ QUẬN HẢI AN", union_name="CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ",
                   number="07/KH-CĐ", place="Thành Tô", date="2024-02-20", type_name="KẾ HOẠCH",
                   subject="Tổ chức các hoạt động kỷ niệm 114 năm ngày Quốc tế Phụ nữ 8/3")


def teachers_day_heading_numbering() -> Built:
    """20/11 plan: a Word multilevel list linked to Heading 1/2/3 ("I." / "1." / "a)") numbers the
    sections and items; no number typed anywhere; "•" bullets from a Symbol-font Word list."""
    w = Writer()
    w.header_table(["CÔNG ĐOÀN GIÁO DỤC QUẬN HẢI AN", "**CÔNG ĐOÀN TRƯỜNG THCS CÁT BI**", "Số: 11/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Cát Bi, ngày 25 tháng 10 năm 2024*"])
    w.title("KẾ HOẠCH", ["Tổ chức kỷ niệm 42 năm ngày Nhà giáo Việt Nam 20/11/2024"])
    w.line("", "Căn cứ Kế hoạch số 45/KH-CĐGD ngày 15/10/2024 của Công đoàn Giáo dục quận;", italic=True)
    w.text("Công đoàn trường xây dựng kế hoạch như sau:")
    add_numbering(w.document, [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)")],
                  styles=["Heading 1", "Heading 2", "Heading 3"])
    dots = add_numbering(w.document, [("bullet", "\uf0b7")])
    w.line("I.", "MỤC ĐÍCH, YÊU CẦU", style="Heading 1")
    w.line("1.", "Mục đích", style="Heading 2")
    w.text("Tôn vinh nghề dạy học, tri ân các thế hệ nhà giáo.")
    w.line("2.", "Yêu cầu", style="Heading 2")
    w.line("•", "Các hoạt động được tổ chức trang trọng, an toàn.", num=(dots, 0))
    w.line("•", "Thu hút đông đảo đoàn viên tham gia.", num=(dots, 0))
    w.line("II.", "NỘI DUNG", style="Heading 1")
    w.line("1.", "Hoạt động chuyên môn", style="Heading 2")
    w.line("a)", "Hội giảng chào mừng ngày 20/11", style="Heading 3")
    w.text("Mỗi tổ chuyên môn đăng ký ít nhất hai tiết dạy tốt.")
    w.line("b)", "Chuyên đề đổi mới phương pháp dạy học", style="Heading 3")
    w.line("2.", "Hoạt động văn hóa, văn nghệ", style="Heading 2")
    w.line("a)", "Hội diễn văn nghệ chủ đề “Tri ân thầy cô”", style="Heading 3")
    w.line("b)", "Thăm hỏi các nhà giáo đã nghỉ hưu", style="Heading 3")
    w.line("III.", "TỔ CHỨC THỰC HIỆN", style="Heading 1")
    w.text("Ban Chấp hành công đoàn phân công nhiệm vụ cho từng ủy viên.")
    w.footer(["Công đoàn Giáo dục quận;", "Lưu: VT."], (*SIGN, "Trần Thị Bình"))
    return w.built(upper_union="CÔNG ĐOÀN GIÁO DỤC QUẬN HẢI AN", union_name="CÔNG ĐOÀN TRƯỜNG THCS CÁT BI",
                   number="11/KH-CĐ", place="Cát Bi", date="2024-10-25", type_name="KẾ HOẠCH",
                   subject="Tổ chức kỷ niệm 42 năm ngày Nhà giáo Việt Nam 20/11/2024")


def mid_autumn_time_lines() -> Built:
    """Trung thu plan: bases and opening typed as one paragraph with Shift+Enter; no schedule table,
    a "Thời gian:" line under each activity instead; soft line breaks in the header cells."""
    w = Writer()
    table = w.table(1, 2)
    w.cell_lines(table.rows[0].cells[0], [("LĐLĐ HUYỆN AN DƯƠNG\n**CÔNG ĐOÀN TRƯỜNG MẦM NON HOA SEN**", {}),
                                           ("Số: 09/KH-CĐ", {})])
    w.cell_lines(table.rows[0].cells[1], [(f"**{MOTTO1}\n{MOTTO2}**", {}),
                                           ("*An Dương, ngày 01 tháng 9 năm 2024*", {})])
    w.title("KẾ HOẠCH", ["Tổ chức “Tết Trung thu” cho con đoàn viên năm 2024"])
    w.para("*Căn cứ Kế hoạch năm học 2024 - 2025 của Công đoàn trường;*\n"
           "*Căn cứ Quy chế chi tiêu nội bộ năm 2024;*\n"
           "Ban Chấp hành Công đoàn trường xây dựng kế hoạch tổ chức Tết Trung thu như sau:")
    w.lines += ["Căn cứ Kế hoạch năm học 2024 - 2025 của Công đoàn trường;",
                "Căn cứ Quy chế chi tiêu nội bộ năm 2024;",
                "Ban Chấp hành Công đoàn trường xây dựng kế hoạch tổ chức Tết Trung thu như sau:"]
    w.section("I.", "MỤC ĐÍCH")
    w.line("-", "Tạo niềm vui cho các cháu nhân dịp Tết Trung thu.")
    w.line("-", "Động viên các cháu có thành tích tốt trong học tập.")
    w.section("II.", "NỘI DUNG")
    w.line("1.", "Rước đèn, phá cỗ Trung thu", bold=True)
    w.text("Thời gian: 17 giờ 00 ngày 14/9/2024.")
    w.text("Địa điểm: Sân trường.")
    w.line("2.", "Tặng quà cho các cháu", bold=True)
    w.text("Thời gian: ngay sau phần văn nghệ.")
    w.text("Mức quà: 100.000 đồng/cháu.")
    w.section("III.", "KINH PHÍ")
    w.text("Trích từ quỹ công đoàn cơ sở theo quy chế chi tiêu nội bộ.")
    w.footer(["Các tổ công đoàn;", "Lưu: VT."], (*SIGN, "Phạm Thị Lan"))
    return w.built(upper_union="LĐLĐ HUYỆN AN DƯƠNG", union_name="CÔNG ĐOÀN TRƯỜNG MẦM NON HOA SEN",
                   number="09/KH-CĐ", place="An Dương", date="2024-09-01", type_name="KẾ HOẠCH",
                   subject="Tổ chức “Tết Trung thu” cho con đoàn viên năm 2024")


def monthly_borderless_rows() -> Built:
    """Monthly plan: the header is a borderless table with one line per row and "-----" decoration
    rows between; the type line holds the start of the subject ("KẾ HOẠCH HOẠT ĐỘNG CÔNG ĐOÀN") and the
    month follows on the next line; the schedule's month cells are merged down over its activities."""
    w = Writer()
    rows = [("LIÊN ĐOÀN LAO ĐỘNG QUẬN LÊ CHÂN", MOTTO1),
            ("**CĐCS CÔNG TY CỔ PHẦN NAM CƯỜNG**", f"**{MOTTO2}**"),
            ("-----", "---------------"),
            ("Số: 03/KH-CĐ", "*Lê Chân, ngày 30 tháng 5 năm 2022*")]
    table = w.table(len(rows), 2)
    no_borders(table)
    for row, (left, right) in zip(table.rows, rows):
        w.cell_lines(row.cells[0], [(left, {})])
        w.cell_lines(row.cells[1], [(right, {})])
    w.para("KẾ HOẠCH HOẠT ĐỘNG CÔNG ĐOÀN", align="center", bold=True)
    w.para("Tháng 6/ 2022", align="center", bold=True)
    w.section("I.", "ĐÁNH GIÁ HOẠT ĐỘNG THÁNG 5/2022")
    w.line("-", "Tổ chức thành công Tháng Công nhân năm 2022.")
    w.line("-", "Thăm hỏi 12 đoàn viên ốm đau, tai nạn lao động.")
    w.section("II.", "NHIỆM VỤ THÁNG 6/2022")
    w.text("Tập trung thực hiện các nội dung sau:")
    w.schedule_table(["Thời gian", "Nội dung công việc"], [
        ("Tuần 1", ["Tổ chức ngày Quốc tế Thiếu nhi 1/6 cho con công nhân.", "Tặng quà các cháu học giỏi."]),
        ("Tuần 2", ["Hưởng ứng Tháng hành động về an toàn, vệ sinh lao động.",
                    "Kiểm tra an toàn lao động tại các phân xưởng.", "Tập huấn sơ cấp cứu."]),
        ("Tuần 3-4", ["Tổ chức Ngày Gia đình Việt Nam 28/6."]),
    ], merge_months=True)
    w.footer(["LĐLĐ quận Lê Chân;", "Lưu: VT."], (*SIGN, "Vũ Văn Hải"))
    return w.built(upper_union="LIÊN ĐOÀN LAO ĐỘNG QUẬN LÊ CHÂN", union_name="CĐCS CÔNG TY CỔ PHẦN NAM CƯỜNG",
                   number="03/KH-CĐ", place="Lê Chân", date="2022-05-30", type_name="KẾ HOẠCH",
                   subject="HOẠT ĐỘNG CÔNG ĐOÀN Tháng 6/ 2022")


def lunar_new_year_tabs() -> Built:
    """Tết plan: a header laid out with tab stops (no table), "Số 01/KH-NC" without a colon, the date
    right-aligned on its own line; items numbered "1.1", "1.2" under "1."."""
    w = Writer()
    for left, right in [("CÔNG ĐOÀN NGÀNH Y TẾ", MOTTO1),
                        ("**CĐCS BỆNH VIỆN ĐA KHOA NGÔ QUYỀN**", f"**{MOTTO2}**")]:
        paragraph = w.para(f"{left}\t{right}", align="left")
        right_tab(paragraph)
    w.para("Số 01/KH-NC", align="left")
    w.para("*Ngô Quyền, ngày 02 tháng 01 năm 2025*", align="right")
    w.title("KẾ HOẠCH", ["Tổ chức Tết Nguyên đán Ất Tỵ năm 2025 cho đoàn viên"])
    w.line("", "Căn cứ Hướng dẫn số 02/HD-CĐYT của Công đoàn ngành Y tế về chăm lo Tết cho đoàn viên;",
           italic=True)
    w.section("I.", "MỤC ĐÍCH, YÊU CẦU")
    w.text("Chăm lo đời sống vật chất, tinh thần cho đoàn viên, người lao động dịp Tết.")
    w.section("II.", "NỘI DUNG")
    w.line("1.", "Tết sum vầy", bold=True)
    w.line("1.1", "Tổ chức gói bánh chưng tặng đoàn viên trực Tết.")
    w.line("1.2", "Chương trình văn nghệ chào Xuân tại hội trường.")
    w.line("2.", "Thăm hỏi, tặng quà", bold=True)
    w.line("2.1", "Tặng quà 300 đoàn viên có hoàn cảnh khó khăn.")
    w.line("2.2", "Thăm hỏi đoàn viên trực Tết tại các khoa.")
    w.section("III.", "KINH PHÍ")
    w.text("Từ nguồn tài chính công đoàn cơ sở và vận động tài trợ.")
    w.footer(["Công đoàn ngành Y tế;", "Lưu: VT, NC."], (*SIGN, "Đỗ Minh Tuấn"))
    return w.built(upper_union="CÔNG ĐOÀN NGÀNH Y TẾ", union_name="CĐCS BỆNH VIỆN ĐA KHOA NGÔ QUYỀN",
                   number="01/KH-NC", place="Ngô Quyền", date="2025-01-02", type_name="KẾ HOẠCH",
                   subject="Tổ chức Tết Nguyên đán Ất Tỵ năm 2025 cho đoàn viên")


def sports_about_bold_italic() -> Built:
    """Sports-day plan: the subject as "Về việc …" in bold italic; a drawn line shape under the union
    name instead of a typed rule; sections "I -" with a dash; "a." letters; "•" bullets typed."""
    w = Writer()
    table = w.table(1, 2)
    w.cell_lines(table.rows[0].cells[0], [("CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ", {}),
                                           ("**CĐCS SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG**", {}), ("", {}),
                                           ("Số: 14/KH-CĐ", {})])
    line_shape(table.rows[0].cells[0].paragraphs[2])
    w.cell_lines(table.rows[0].cells[1], [(f"**{MOTTO1}**", {}), (f"**{MOTTO2}**", {}),
                                           ("*Hải Phòng, ngày 08 tháng 8 năm 2024*", {})])
    w.para("KẾ HOẠCH", align="center", bold=True)
    w.para("***Về việc tổ chức Hội thao chào mừng 79 năm Cách mạng tháng Tám***", align="center")
    w.line("", "Thực hiện Kế hoạch số 30/KH-CĐVC của Công đoàn Viên chức thành phố;", italic=True)
    w.line("I.", "MỤC ĐÍCH", bold=True, typed_as="I -")
    w.line("•", "Rèn luyện sức khỏe, tăng cường giao lưu giữa các phòng, đơn vị.")
    w.line("•", "Chọn vận động viên tham gia Hội thao Công đoàn Viên chức thành phố.")
    w.line("II.", "NỘI DUNG", bold=True, typed_as="II -")
    w.line("a.", "Môn bóng bàn: đơn nam, đơn nữ, đôi nam nữ.")
    w.line("b.", "Môn cầu lông: đơn nam, đơn nữ.")
    w.line("c.", "Môn kéo co: mỗi đơn vị một đội 10 người.")
    w.line("III.", "TỔ CHỨC THỰC HIỆN", bold=True, typed_as="III -")
    w.text("Thời gian: ngày 24 và 25/8/2024 tại Nhà thi đấu thành phố.")
    w.footer(["Công đoàn Viên chức thành phố;", "Lưu: VT."], (*SIGN, "Lê Quang Huy"))
    return w.built(upper_union="CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ", union_name="CĐCS SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
                   number="14/KH-CĐ", place="Hải Phòng", date="2024-08-08", type_name="KẾ HOẠCH",
                   subject="Tổ chức Hội thao chào mừng 79 năm Cách mạng tháng Tám")


def italic_style_upright_words() -> Built:
    """Women's Day 20/10 plan: the bases in an italic paragraph style with words set upright inside
    (w:i w:val="0"), one base only partly italic; bold and italic words inside body lines."""
    w = Writer()
    w.header_table(["LĐLĐ THÀNH PHỐ HẢI PHÒNG", "**CĐCS TRƯỜNG THPT NGÔ QUYỀN**", "Số: 16/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Hải Phòng, ngày 05 tháng 10 năm 2024*"])
    w.title("KẾ HOẠCH", ["Tổ chức kỷ niệm ngày Phụ nữ Việt Nam 20/10/2024"])
    styles = w.document.styles
    base_style = styles.add_style("CanCu", 1)
    base_style.base_style = styles["Normal"]
    base_style.font.italic = True
    p = w.document.add_paragraph(style="CanCu")
    p.add_run("Căn cứ ")
    upright = p.add_run("Luật Bình đẳng giới")
    upright.italic = False
    p.add_run(" và Chương trình công tác nữ công năm 2024;")
    w.lines.append("Căn cứ Luật Bình đẳng giới và Chương trình công tác nữ công năm 2024;")
    w.formats.append(("Căn cứ Luật Bình đẳng giới", "Luật Bình đẳng giới", False, False))
    w.formats.append(("Căn cứ Luật Bình đẳng giới", "Căn cứ", False, True))
    p = w.document.add_paragraph(style="CanCu")
    p.add_run("Căn cứ Kế hoạch năm học 2024 - 2025 của Công đoàn trường;")
    w.lines.append("Căn cứ Kế hoạch năm học 2024 - 2025 của Công đoàn trường;")
    w.formats.append(("Căn cứ Kế hoạch năm học", "Kế hoạch năm học", False, True))
    w.section("I.", "MỤC ĐÍCH")
    w.text("Tôn vinh **phụ nữ Việt Nam**, tuyên truyền *truyền thống* của Hội.")
    w.formats.append(("Tôn vinh phụ nữ", "phụ nữ Việt Nam", True, False))
    w.formats.append(("Tôn vinh phụ nữ", "truyền thống", False, True))
    w.formats.append(("Tôn vinh phụ nữ", "Tôn vinh", False, False))
    w.section("II.", "NỘI DUNG")
    w.line("1.", "Gặp mặt nữ đoàn viên", bold=True)
    w.line("2.", "Thi “Duyên dáng áo dài”", bold=True)
    w.line("-", "Mỗi tổ công đoàn cử **02** đoàn viên tham gia.")
    w.formats.append(("- Mỗi tổ công đoàn cử", "02", True, False))
    w.footer(["Ban nữ công;", "Lưu: VT."], (*SIGN, "Hoàng Thị Ngọc"))
    return w.built(upper_union="LĐLĐ THÀNH PHỐ HẢI PHÒNG", union_name="CĐCS TRƯỜNG THPT NGÔ QUYỀN",
                   number="16/KH-CĐ", place="Hải Phòng", date="2024-10-05", type_name="KẾ HOẠCH",
                   subject="Tổ chức kỷ niệm ngày Phụ nữ Việt Nam 20/10/2024")


def underline_as_the_source_shows() -> Built:
    """Labour safety month plan: underline given every way Word gives it: a law name underlined in a
    base (w:u single), a double underline, words underlined by a character style, a whole paragraph
    style underlined with one run set back (w:u none), an underlined bold item, and an item with
    only its first words bold (the rest stays at normal weight although the item style is bold)."""
    w = Writer()
    w.header_table(["CÔNG ĐOÀN NGÀNH GIÁO DỤC HẢI PHÒNG", "**CĐCS TRƯỜNG THCS LÊ LỢI**", "Số: 07/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Hải Phòng, ngày 02 tháng 5 năm 2024*"])
    w.title("KẾ HOẠCH", ["Hưởng ứng Tháng Công nhân và Tháng hành động về an toàn, vệ sinh lao động"])
    w.line("", "Căn cứ <u>Luật An toàn, vệ sinh lao động</u> năm 2015;", italic=True)
    w.underlines += [("Căn cứ Luật An toàn", "Luật An toàn, vệ sinh lao động", True),
                     ("Căn cứ Luật An toàn", "Căn cứ", False)]
    p = w.line("", "Căn cứ Hướng dẫn số 12/HD-CĐN của Công đoàn ngành;", italic=True)
    p.runs[0].font.underline = WD_UNDERLINE.DOUBLE
    w.underlines.append(("Căn cứ Hướng dẫn số 12", "Căn cứ Hướng dẫn số 12/HD-CĐN", True))
    styles = w.document.styles
    marked = styles.add_style("NhanManh", 2)          # a character style that underlines
    marked.font.underline = True
    w.section("I.", "MỤC ĐÍCH")
    p = w.document.add_paragraph()
    p.add_run("Nâng cao nhận thức về ")
    p.add_run("an toàn lao động", style="NhanManh")
    p.add_run(" cho toàn thể đoàn viên.")
    w.lines.append("Nâng cao nhận thức về an toàn lao động cho toàn thể đoàn viên.")
    w.underlines += [("Nâng cao nhận thức", "an toàn lao động", True),
                     ("Nâng cao nhận thức", "Nâng cao nhận thức về", False)]
    lined = styles.add_style("GachChan", 1)          # a paragraph style that underlines everything
    lined.base_style = styles["Normal"]
    lined.font.underline = True
    p = w.document.add_paragraph(style="GachChan")
    p.add_run("Mọi đoàn viên ")
    p.add_run("đều").font.underline = WD_UNDERLINE.NONE
    p.add_run(" được tập huấn.")
    w.lines.append("Mọi đoàn viên đều được tập huấn.")
    w.underlines += [("Mọi đoàn viên", "Mọi đoàn viên", True), ("Mọi đoàn viên", "đều", False),
                     ("Mọi đoàn viên", "được tập huấn", True)]
    w.section("II.", "NỘI DUNG")
    w.line("1.", "<u>**Tuyên truyền**</u> **về an toàn lao động**", bold=True)
    w.underlines += [("1. Tuyên truyền", "Tuyên truyền", True), ("1. Tuyên truyền", "về an toàn", False)]
    w.line("-", "Treo băng rôn, khẩu hiệu tại cổng trường.")
    w.line("2.", "**Tập huấn** cho an toàn, vệ sinh viên")      # an item only partly bold
    w.formats += [("2. Tập huấn", "2. ", True, False), ("2. Tập huấn", "Tập huấn", True, False),
                  ("2. Tập huấn", "cho an toàn", False, False)]
    w.footer(["Công đoàn ngành;", "Lưu: VT."], (*SIGN, "Phạm Văn Khánh"))
    return w.built(upper_union="CÔNG ĐOÀN NGÀNH GIÁO DỤC HẢI PHÒNG", union_name="CĐCS TRƯỜNG THCS LÊ LỢI",
                   number="07/KH-CĐ", place="Hải Phòng", date="2024-05-02", type_name="KẾ HOẠCH",
                   subject="Hưởng ứng Tháng Công nhân và Tháng hành động về an toàn, vệ sinh lao động")


def soft_breaks_everywhere() -> Built:
    """Children's Day plan: Shift+Enter inside body paragraphs (one sentence over two lines, and
    several bullets typed in one paragraph), and in the header cells and the type line."""
    w = Writer()
    table = w.table(1, 2)
    w.cell_lines(table.rows[0].cells[0], [("CÔNG ĐOÀN GIÁO DỤC HUYỆN KIẾN THỤY\n**CÔNG ĐOÀN TRƯỜNG TIỂU HỌC "
                                            "NGŨ ĐOAN**\nSố: 04/KH-CĐ", {})])
    w.cell_lines(table.rows[0].cells[1], [(f"**{MOTTO1}**\n**{MOTTO2}**\n*Ngũ Đoan, ngày 15 tháng 5 năm "
                                            "2024*", {})])
    w.para("KẾ HOẠCH\nTổ chức ngày Quốc tế Thiếu nhi 1/6 cho con đoàn viên", align="center", bold=True)
    w.line("", "Căn cứ Kế hoạch hoạt động công đoàn năm học 2023 - 2024;", italic=True)
    w.section("I.", "MỤC ĐÍCH")
    w.para("Tạo sân chơi bổ ích cho các cháu là con đoàn viên,\nđộng viên các cháu chăm ngoan, học giỏi.")
    w.lines.append("Tạo sân chơi bổ ích cho các cháu là con đoàn viên, động viên các cháu chăm ngoan, học giỏi.")
    w.section("II.", "NỘI DUNG")
    w.para("- Tặng quà cho 85 cháu từ 1 đến 15 tuổi;\n- Tổ chức trò chơi dân gian;\n- Khen thưởng các cháu "
           "học sinh giỏi.")
    w.lines += ["- Tặng quà cho 85 cháu từ 1 đến 15 tuổi;", "- Tổ chức trò chơi dân gian;",
                "- Khen thưởng các cháu học sinh giỏi."]
    w.section("III.", "KINH PHÍ")
    w.text("Mức chi 150.000 đồng/cháu, từ quỹ công đoàn.")
    w.footer(["Các tổ công đoàn;", "Lưu: VT."], (*SIGN, "Ngô Thị Mai"))
    return w.built(upper_union="CÔNG ĐOÀN GIÁO DỤC HUYỆN KIẾN THỤY",
                   union_name="CÔNG ĐOÀN TRƯỜNG TIỂU HỌC NGŨ ĐOAN", number="04/KH-CĐ", place="Ngũ Đoan",
                   date="2024-05-15", type_name="KẾ HOẠCH",
                   subject="Tổ chức ngày Quốc tế Thiếu nhi 1/6 cho con đoàn viên")


def year_plan_index_column() -> Built:
    """Company union year plan: a four-column schedule (TT, Thời gian, Nội dung, Phụ trách) with
    a title row, quarter periods, numbered items "1)" and "2)", a third level "-" under "a)"."""
    w = Writer()
    w.header_table(["CÔNG ĐOÀN KHU KINH TẾ HẢI PHÒNG", "**CĐCS CÔNG TY TNHH ĐIỆN TỬ MINH PHÁT**",
                    "Số: 02/KH-CĐCS"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Hải Phòng, ngày 10 tháng 01 năm 2025*"])
    w.title("KẾ HOẠCH", ["Hoạt động Công đoàn năm 2025"])
    w.line("", "Căn cứ Nghị quyết Đại hội Công đoàn cơ sở nhiệm kỳ 2023 - 2028;", italic=True)
    w.section("I.", "CHỈ TIÊU")
    w.line("1)", "Phát triển thêm 150 đoàn viên.")
    w.line("2)", "100% người lao động được ký hợp đồng lao động.")
    w.formats += [("1) Phát triển", "1) ", False, False), ("1) Phát triển", "Phát triển", False, False)]
    w.section("II.", "NHIỆM VỤ VÀ GIẢI PHÁP")
    w.line("1)", "Đại diện, bảo vệ quyền, lợi ích của người lao động", bold=True)
    w.line("a)", "Tham gia xây dựng thỏa ước lao động tập thể.")
    w.line("-", "Lấy ý kiến người lao động về dự thảo thỏa ước.")
    w.line("-", "Tổ chức thương lượng với người sử dụng lao động.")
    w.line("b)", "Tổ chức đối thoại định kỳ tại nơi làm việc.")
    w.line("2)", "Chăm lo đời sống người lao động", bold=True)
    w.line("a)", "Tổ chức bữa cơm ca đảm bảo chất lượng.")
    w.line("b)", "Hỗ trợ người lao động thuê nhà trọ.")
    table = w.document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[3])
    merged.paragraphs[0].add_run("LỊCH HOẠT ĐỘNG NĂM 2025").bold = True
    row = table.add_row()
    for cell, text in zip(row.cells, ["TT", "Thời gian", "Nội dung", "Phụ trách"]):
        cell.paragraphs[0].add_run(text).bold = True
    w.schedule_title = "LỊCH HOẠT ĐỘNG NĂM 2025"
    for index, (period, activities, who) in enumerate([
            ("Quý I", ["Tổ chức Tết sum vầy; Hội nghị người lao động."], "BCH"),
            ("Quý II", ["Tháng Công nhân; Tháng hành động an toàn vệ sinh lao động."], "BCH, ATVSV"),
            ("Quý III", ["Tổ chức nghỉ mát cho người lao động."], "Ban Nữ công"),
            ("Quý IV", ["Tổng kết hoạt động công đoàn năm 2025."], "BCH")], 1):
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(str(index))
        cells[1].paragraphs[0].add_run(period)
        cells[2].paragraphs[0].add_run(activities[0])
        cells[3].paragraphs[0].add_run(who)
        w.schedule.append((period, activities))
    w.footer(["Công đoàn Khu kinh tế;", "Lưu: VT."], (*SIGN, "Bùi Văn Long"))
    return w.built(upper_union="CÔNG ĐOÀN KHU KINH TẾ HẢI PHÒNG", union_name="CĐCS CÔNG TY TNHH ĐIỆN TỬ MINH PHÁT",
                   number="02/KH-CĐCS", place="Hải Phòng", date="2025-01-10", type_name="KẾ HOẠCH",
                   subject="Hoạt động Công đoàn năm 2025")


def layout_table_body() -> Built:
    """Emulation plan whose whole header and footer sit in layout tables with empty spacer columns,
    typed "1." items with "a)" given by Word numbering under them, and a schedule with months merged
    down and the header row marked to repeat on each page."""
    w = Writer()
    table = w.table(1, 3)
    w.cell_lines(table.rows[0].cells[0], [("LĐLĐ HUYỆN THỦY NGUYÊN", {}), ("**CĐCS TRƯỜNG THCS LẬP LỄ**", {}),
                                           ("Số: 08/KH-CĐ", {})])
    w.cell_lines(table.rows[0].cells[2], [(f"**{MOTTO1}**", {}), (f"**{MOTTO2}**", {}),
                                           ("*Lập Lễ, ngày 12 tháng 9 năm 2023*", {})])
    w.title("KẾ HOẠCH", ["Tổ chức phong trào thi đua “Giỏi việc trường, đảm việc nhà”",
                         "năm học 2023 - 2024"])
    w.line("", "Căn cứ Hướng dẫn thi đua, khen thưởng năm học 2023 - 2024 của LĐLĐ huyện;", italic=True)
    letters = add_numbering(w.document, [("lowerLetter", "%1)")])
    w.section("I.", "NỘI DUNG THI ĐUA")
    w.line("1.", "Giỏi việc trường", bold=True)
    w.line("a)", "Hoàn thành xuất sắc nhiệm vụ chuyên môn được giao.", num=(letters, 0))
    w.line("b)", "Có sáng kiến kinh nghiệm được công nhận cấp huyện.", num=(letters, 0))
    w.line("2.", "Đảm việc nhà", bold=True)
    letters2 = add_numbering(w.document, [("lowerLetter", "%1)")])
    w.line("a)", "Gia đình hạnh phúc, con ngoan, học giỏi.", num=(letters2, 0))
    w.line("b)", "Thực hiện tốt chính sách dân số.", num=(letters2, 0))
    w.section("II.", "LỊCH TRIỂN KHAI")
    schedule = w.schedule_table(["Tháng", "Nội dung"], [
        ("9/2023", ["Phát động phong trào thi đua.", "Đoàn viên đăng ký danh hiệu thi đua."]),
        ("12/2023", ["Sơ kết học kỳ I."]),
        ("5/2024", ["Tổng kết, khen thưởng.", "Đề nghị cấp trên khen thưởng."]),
    ], merge_months=True)
    first = schedule.rows[0]._tr
    first.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    w.footer(["LĐLĐ huyện;", "Lưu: VT."], (*SIGN, "Phạm Văn Đức"))
    return w.built(upper_union="LĐLĐ HUYỆN THỦY NGUYÊN", union_name="CĐCS TRƯỜNG THCS LẬP LỄ",
                   number="08/KH-CĐ", place="Lập Lễ", date="2023-09-12", type_name="KẾ HOẠCH",
                   subject="Tổ chức phong trào thi đua “Giỏi việc trường, đảm việc nhà” năm học 2023 - 2024")


def clean_small_plan() -> Built:
    """A short, clean plan (visits to members in hardship): nothing in it needs a second look."""
    w = Writer()
    w.header_table(["LĐLĐ QUẬN HẢI AN", "**CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ**", "Số: 12/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*Thành Tô, ngày 02 tháng 12 năm 2023*"])
    w.title("KẾ HOẠCH", ["Thăm hỏi đoàn viên có hoàn cảnh khó khăn dịp cuối năm 2023"])
    w.line("", "Căn cứ Quy chế chi tiêu nội bộ năm 2023 của Công đoàn trường;", italic=True)
    w.text("Ban Chấp hành Công đoàn trường xây dựng kế hoạch như sau:")
    w.section("I.", "ĐỐI TƯỢNG")
    w.line("-", "Đoàn viên ốm đau dài ngày.")
    w.line("-", "Đoàn viên có hoàn cảnh đặc biệt khó khăn.")
    w.section("II.", "THỜI GIAN VÀ MỨC THĂM HỎI")
    w.line("1.", "Thời gian", bold=True)
    w.text("Từ ngày 15/12 đến ngày 25/12/2023.")
    w.line("2.", "Mức thăm hỏi", bold=True)
    w.text("500.000 đồng/người.")
    w.footer(["Các tổ công đoàn;", "Lưu: VT."], (*SIGN, "Nguyễn Thị Hoa"))
    return w.built(upper_union="LĐLĐ QUẬN HẢI AN", union_name="CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ",
                   number="12/KH-CĐ", place="Thành Tô", date="2023-12-02", type_name="KẾ HOẠCH",
                   subject="Thăm hỏi đoàn viên có hoàn cảnh khó khăn dịp cuối năm 2023")


def upright_items() -> Built:
    """Health-station summer-trip plan from a union that writes its numbered items "1.", "2." upright
    (no bold in them, label included), with a letter item wholly bold under one of them: each keeps
    its own weight in the preview and the Word file, although the item style is bold."""
    w = Writer()
    w.header_table(["CÔNG ĐOÀN VIÊN CHỨC HUYỆN AN LÃO", "**CĐCS TRẠM Y TẾ XÃ AN THẮNG**", "Số: 09/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*An Thắng, ngày 20 tháng 7 năm 2024*"])
    w.title("KẾ HOẠCH", ["Tổ chức tham quan, nghỉ mát hè năm 2024"])
    w.line("", "Căn cứ Nghị quyết Hội nghị Ban Chấp hành Công đoàn cơ sở tháng 6/2024;", italic=True)
    w.section("I.", "MỤC ĐÍCH, YÊU CẦU")
    w.line("1.", "Tạo điều kiện để đoàn viên nghỉ ngơi, phục hồi sức khỏe sau một năm công tác.")
    w.line("2.", "Tăng cường đoàn kết, gắn bó giữa các đoàn viên trong đơn vị.")
    w.section("II.", "NỘI DUNG")
    w.line("1.", "Đi trong hai ngày 10 và 11/8/2024.")
    w.line("2.", "Điểm đến: khu du lịch Đồ Sơn, Hải Phòng.")
    w.line("3.", "Kinh phí")
    w.line("a)", "**Công đoàn hỗ trợ 1.000.000 đồng mỗi đoàn viên.**")
    w.line("b)", "Đoàn viên tự đóng góp phần còn lại.")
    w.line("-", "Nộp về thủ quỹ trước ngày 05/8/2024.")
    w.section("III.", "TỔ CHỨC THỰC HIỆN")
    w.text("Ban Chấp hành phân công đồng chí Phó Chủ tịch phụ trách chung.")
    w.formats += [("1. Tạo điều kiện", "1. ", False, False), ("1. Tạo điều kiện", "Tạo điều kiện", False, False),
                  ("3. Kinh phí", "3. ", False, False), ("3. Kinh phí", "Kinh phí", False, False),
                  ("a) Công đoàn", "a) ", True, False), ("a) Công đoàn", "Công đoàn hỗ trợ", True, False),
                  ("b) Đoàn viên", "Đoàn viên tự", False, False)]
    w.footer(["Công đoàn Viên chức huyện;", "Lưu: VT."], (*SIGN, "Đỗ Thị Lan"))
    return w.built(upper_union="CÔNG ĐOÀN VIÊN CHỨC HUYỆN AN LÃO", union_name="CĐCS TRẠM Y TẾ XÃ AN THẮNG",
                   number="09/KH-CĐ", place="An Thắng", date="2024-07-20", type_name="KẾ HOẠCH",
                   subject="Tổ chức tham quan, nghỉ mát hè năm 2024")


def plan_with_gaps() -> Built:
    """Not in the corpus: a plan with what a person must look at (the file skips item "2." and a
    schedule row has no month), and letter items under an item, for the report and editor journeys."""
    w = Writer()
    w.header_table(["LĐLĐ QUẬN HẢI AN", "**CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ**", "Số: 12/KH-CĐ"],
                   [f"**{MOTTO1}**", "*Thành Tô, ngày 02 tháng 12 năm 2023*"])
    w.title("KẾ HOẠCH", ["Thăm hỏi đoàn viên dịp cuối năm 2023"])
    w.section("I.", "ĐỐI TƯỢNG")
    w.line("-", "Đoàn viên ốm đau dài ngày.")
    w.line("a)", "Ốm đau phải nằm viện từ 7 ngày trở lên.")
    w.line("b)", "Mắc bệnh hiểm nghèo.")
    w.section("II.", "MỨC THĂM HỎI")
    w.line("1.", "Ốm đau", bold=True)
    w.line("3.", "Hoàn cảnh khó khăn", bold=True)          # the file skips "2."
    w.schedule_table(["Thời gian", "Nội dung"], [("12/2023", ["Thăm hỏi đoàn viên."])])
    table = w.document.tables[-1]
    table.add_row().cells[1].paragraphs[0].add_run("- Tặng quà các cháu.")   # a row without its month
    w.footer(["Lưu: VT."], (*SIGN, "Nguyễn Thị Hoa"))
    return w.built()


PLANS = {
    "nam-hoc-chu-cai-go-tay": school_year_typed_letters,
    "8-3-danh-so-word": women_day_word_numbering,
    "20-11-heading-danh-so": teachers_day_heading_numbering,
    "trung-thu-dong-thoi-gian": mid_autumn_time_lines,
    "thang-6-bang-dau-khong-vien": monthly_borderless_rows,
    "tet-dau-bang-tab": lunar_new_year_tabs,
    "hoi-thao-ve-viec": sports_about_bold_italic,
    "20-10-can-cu-nghieng-mot-phan": italic_style_upright_words,
    "1-6-ngat-dong-mem": soft_breaks_everywhere,
    "an-toan-gach-chan": underline_as_the_source_shows,
    "nam-2025-bang-bon-cot": year_plan_index_column,
    "thi-dua-bang-bo-cuc": layout_table_body,
    "tham-hoi-sach": clean_small_plan,
    "nghi-mat-muc-chu-thuong": upright_items,
}

# Saved again by LibreOffice (soffice --convert-to docx) into tests/fixtures/plans/<name>.lo.docx.
LIBREOFFICE = ("8-3-danh-so-word", "20-11-heading-danh-so", "thang-6-bang-dau-khong-vien", "tet-dau-bang-tab")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "plans"


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "/tmp/plan-corpus")
    out.mkdir(parents=True, exist_ok=True)
    for name, build in PLANS.items():
        (out / f"{name}.docx").write_bytes(build().data)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
