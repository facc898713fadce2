"""Step 4 of a Word import: the paragraphs and tables read (reader.py) built into the plan document
(docs/plan-document.md, format 1), with a short Vietnamese report (one line per thing that was guessed
or not understood, report.py) and a few counts. How the parts of a plan are recognised:

* header (header.py): everything before the type line ("KẾ HOẠCH ..."), whether a layout table or
  plain paragraphs (tabs or long runs of spaces split the two columns); the national motto is dropped
  (it comes from the settings), "Số:" gives the number, "<place>, ngày .. tháng .. năm ...." the date;
  the remaining lines are the upper union and the union name;
* the subject (header.py): the centred lines after the type line (or the rest of the type line);
* bases (body.py): "Căn cứ ...", "Thực hiện ...", "Theo ..." paragraphs before the first section;
  other paragraphs there are the opening;
* sections (body.py): Roman numerals typed in the text ("I.", "II-", "III /", "IV)") or given by Word
  numbering (numFmt upperRoman) or a Heading 1 style; subsections "1.", "2)", "a)" or Word
  decimal/letter numbering (labels.py); bullets "-", "–", "+", "•", "*" or Word bullet lists;
* the schedule (tables.py, schedule.py): any table whose first column holds periods ("Tháng",
  "8/2023", "Tuần 1"), merged with the tables that continue it;
* the footer (footer.py): "Nơi nhận:" with its lines, and the signature block ("TM. ...", "CHỦ TỊCH",
  name).

The patterns these share are in shapes.py (what a line looks like) and runs.py (formatted text).
"""
from __future__ import annotations

from congdoan.plans.numbering import labels as line_labels
from congdoan.text import Run, clean_text, plain, roman, runs_to_markup

from . import labels
from .body import _Body
from .footer import _Footer
from .header import _Header
from .reader import _Para, _Reader
from .report import _Report
from .result import ImportFailed, ImportResult
from .runs import _quote, _text
from .schedule import _Schedule
from .shapes import _decoration
from .tables import _Tables

FORMAT = 1


class _Builder(_Header, _Tables, _Body, _Schedule, _Footer):
    """One import's reading state. The blocks are put in reading order here (_items), then each part
    is read by the methods of its own file (the classes this one is made of), which share this state:
    the document being built, the report, and where the reading is (preamble, body, footer)."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.report = _Report()
        self.doc: dict = {
            "format": FORMAT,
            "type_name": "",
            "subject": "",
            "period": "",
            "upper_union": "",
            "union_name": "",
            "place": "",
            "date": None,
            "number": None,
            "bases": [],
            "opening": "",
            "sections": [],
            "schedule_title": "",
            "schedule": [],
            "recipients": [],
            "signature": {"on_behalf": "", "title": "", "name": ""},
        }
        self.opening: list[str] = []
        self.state = "preamble"
        self.tail: list[tuple[dict, dict, bool]] = []  # (section, line, title-like) at the end
        self.after_schedule = False
        self.moved_after_schedule = False
        self.schedule_started = False
        self.schedule_rows = 0
        self.tables = 0
        self.recipients_open = False
        self.number_seen = False
        self.decimal_sections = False
        self.has_sections = True
        self.last_bullet_indent: int | None = None
        self.item_levels = labels.LevelStack()
        self.schedule_section: dict | None = None
        self.typed_numbers: list[tuple[int, int, str]] = []  # (section, line, number as typed)

    def build(self, blocks: list) -> ImportResult:
        self.report.place = ("header",)
        items = self._items(blocks)
        if not any(kind == "schedule" or not _decoration(para.text)
                   for kind, para in items):
            raise ImportFailed("Văn bản Word trống, không có nội dung để nhập.")
        start = self._header_and_title(items)
        body = items[start:]
        roman_sections = self._has_roman_sections(body)
        self.decimal_sections = not roman_sections and self._has_decimal_sections(body)
        self.has_sections = roman_sections or self.decimal_sections
        for kind, value in body:
            if kind == "schedule":
                self._schedule(value)
            else:
                self._body_para(value)
        self._finish()
        doc = self.doc
        stats = {
            "paragraphs": self.reader.paragraphs,
            "tables": self.tables,
            "bases": len(doc["bases"]),
            "sections": len(doc["sections"]),
            "lines": sum(len(s["lines"]) for s in doc["sections"]),
            "schedule_rows": self.schedule_rows,
            "periods": len(doc["schedule"]),
            "activities": sum(len(p["activities"]) for p in doc["schedule"]),
            "recipients": len(doc["recipients"]),
            "reported": len(self.report),
        }
        return ImportResult(document=doc, report=list(self.report), stats=stats,
                            where=list(self.report.where))

    def _items(self, blocks: list) -> list[tuple[str, object]]:
        """("para", _Para) and ("schedule", [tables]) in reading order; empty paragraphs dropped.

        Tables that are not schedules are read cell by cell, row by row, as paragraphs.
        """
        items: list[tuple[str, object]] = []

        def add_blocks(seq):
            for block in seq:
                if isinstance(block, _Para):
                    if block.text.strip():
                        items.append(("para", block))
                    continue
                self.tables += 1
                previous = items[-1] if items else None
                if previous and previous[0] == "schedule" and self._continues(previous[1],
                                                                              block):
                    previous[1].append(block)
                elif self._is_schedule(block):
                    items.append(("schedule", [block]))
                else:
                    for row in block.rows:
                        for cell in row.cells:
                            add_blocks(cell.blocks)

        add_blocks(blocks)
        return items

    def _markup(self, runs: list[Run], source: str) -> str:
        markup = clean_text(runs_to_markup(runs))
        if plain(markup) != clean_text(_text(runs)):
            self.report.append(f"Đoạn {_quote(source)} có dấu * dễ bị hiểu nhầm là chữ "
                               f"đậm/nghiêng — hãy kiểm tra lại.")
        return markup

    def _finish(self) -> None:
        doc = self.doc
        doc["opening"] = "\n".join(t for t in self.opening if t)
        self._place_schedule_section()
        self._check_typed_numbers()
        for period in doc["schedule"]:
            for activity in period["activities"]:
                activity.pop("_bullet", None)
        sig = doc["signature"]
        self.report.place = ("closing",)
        if not (sig["on_behalf"] or sig["title"]):
            self.report.append("Không thấy khối chữ ký (TM. …, CHỦ TỊCH) — cần nhập tay.")
        if not doc["recipients"]:
            self.report.append("Không thấy phần “Nơi nhận:”.")
        if self.reader.textboxes:
            self.report.place = None
            self.report.append(f"Văn bản có {self.reader.textboxes} khung chữ (text box) — đã đọc "
                               f"chữ trong đó theo thứ tự xuất hiện.")

    def _check_typed_numbers(self) -> None:
        """Numbers are computed again when the plan is shown: say where the file's own differ
        (an item skipped or repeated in the source), since the reader must decide."""
        # a section whose typed letters include "đ" counts its letters in the Vietnamese alphabet
        for s_index in {s for s, _, typed in self.typed_numbers if typed[:1] == "đ"}:
            for line in self.doc["sections"][s_index]["lines"]:
                if line.get("label") in ("a)", "a."):
                    line["label"] = "đ" + line["label"][1]
        shown: dict[int, list[str]] = {}
        for s_index, l_index, typed in self.typed_numbers:
            if s_index not in shown:
                shown[s_index] = line_labels(self.doc["sections"][s_index]["lines"])
            label = shown[s_index][l_index] if l_index < len(shown[s_index]) else ""
            if label and label.rstrip(".)") != typed.rstrip(".)"):
                self.report.append(f"Mục {roman(s_index + 1)}: mục con đánh số “{typed}” trong tệp "
                                   f"gốc nay là “{label}” (số thứ tự trong tệp không liên tục).",
                                   ("line", s_index, l_index))
