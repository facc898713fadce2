"""Part of step 4 of a Word import (builder.py): the schedule's rows read into periods and their
activities (a period cell merged down, rows without a period, activities continued on the next line or
page), the responsible groups, the extra columns; and where the schedule's own section goes."""
from __future__ import annotations

import re

from congdoan.text import clean_text, fold, plain

from .reader import _Row, _Table
from .runs import _drop_prefix, _quote
from .shapes import _DECIMAL_RE, _LETTER_RE, _bullet
from .tables import _period_label


class _Schedule:
    """The schedule (lịch công tác), for _Builder (builder.py)."""

    def _schedule(self, tables: list[_Table]) -> None:
        first_schedule = not self.schedule_started
        self.schedule_started = True
        self.report.place = ("schedule",)
        cols = self._columns(tables[0])
        if first_schedule and not cols["title_rows"]:
            self._take_schedule_title()
        elif first_schedule:
            self.schedule_section = self._schedule_only_section()
        else:
            self.report.append("Văn bản có thêm một bảng lịch công tác — đã gộp vào bảng trước.")
        header_texts = None
        if cols["header"]:
            header_texts = [self._cell_text(c) for c in tables[0].rows[cols["skip"]].cells]
        repeated = list(cols["title_rows"]) + ([header_texts] if header_texts else [])
        if cols["title_rows"]:
            title = clean_text(" ".join(t for t in cols["title_rows"][0] if t))
            if not self.doc["schedule_title"]:
                self.doc["schedule_title"] = title
            elif fold(title) != fold(self.doc["schedule_title"]):
                self.report.append(f"Bảng lịch công tác có tiêu đề {_quote(title)} khác dòng tiêu "
                                   f"đề phía trên bảng — đã giữ dòng phía trên.")
        if cols["extra"]:
            names = ", ".join(_quote(cols["titles"][c] or f"cột {c + 1}") for c in cols["extra"])
            self.report.append(f"Cột {names} của bảng lịch công tác không có chỗ riêng — đã ghép "
                               f"vào cuối nội dung hoạt động, trong ngoặc.")
        current: dict | None = self.doc["schedule"][-1] if self.doc["schedule"] else None
        for t_index, table in enumerate(tables):
            for r_index, row in enumerate(table.rows):
                self.schedule_rows += 1
                texts = [self._cell_text(c) for c in row.cells]
                if t_index == 0 and r_index < cols["skip"] + (1 if cols["header"] else 0):
                    continue
                if texts in repeated:
                    continue    # title or header rows repeated (on each page, or typed again)
                if row.repeat_header and header_texts is not None and r_index == 0:
                    continue
                if not any(texts):
                    continue
                period_cell = self._cell_at(row, cols["period"])
                label = _period_label(self._cell_text(period_cell))
                if not label and period_cell is not None and period_cell.merged_up and \
                        current is not None:
                    # the month cell merged down over several activity rows: same period
                    self._row_activities(row, cols, current, False)   # each row its own activity
                    continue
                if label:
                    if current is not None and current["period"] == label:
                        pass
                    else:
                        current = {"period": label, "activities": []}
                        self.doc["schedule"].append(current)
                        self.report.place = ("row", len(self.doc["schedule"]) - 1)
                    continued = False
                else:
                    if current is None:
                        current = {"period": "", "activities": []}
                        self.doc["schedule"].append(current)
                        self.report.place = ("row", len(self.doc["schedule"]) - 1)
                        self.report.append("Hàng đầu bảng lịch công tác không ghi thời gian — đã "
                                           "để trống cột thời gian.")
                    else:
                        self.report.append(f"Một hàng của bảng lịch công tác không ghi thời gian — "
                                           f"đã nối vào {_quote(current['period'])}.")
                    continued = True
                self._row_activities(row, cols, current, continued)
        self.after_schedule = True

    def _take_schedule_title(self) -> None:
        titles: list[str] = []
        while self.tail and self.tail[-1][2] and len(titles) < 3:
            section, line, _ = self.tail.pop()
            if section is None:
                self.opening.remove(line["text"])
            else:
                section["lines"].remove(line)
            titles.insert(0, plain(line["text"]))
        if titles:
            self.doc["schedule_title"] = clean_text(" ".join(titles))
            return
        self.schedule_section = self._schedule_only_section()

    def _schedule_only_section(self) -> dict | None:
        sections = self.doc["sections"]
        if sections and not sections[-1]["lines"] and self.state == "body":
            return sections[-1]
        return None

    def _place_schedule_section(self) -> None:
        """A section that holds only the schedule ("III. LỊCH CÔNG TÁC") stays a section when it is
        the last one (the schedule is printed right after it, as in the file); followed by other
        sections, its name becomes the schedule's title, since the schedule is printed last."""
        section = self.schedule_section
        sections = self.doc["sections"]
        if section is None or section["lines"] or section is sections[-1]:
            return
        removed = sections.index(section)
        sections.remove(section)
        # report lines written after it point one section further up
        for i, where in enumerate(self.report.where):
            if where and where[0] in ("section", "line") and where[1] >= removed:
                self.report.where[i] = ("schedule",) if where[1] == removed else \
                    (where[0], where[1] - 1, *where[2:])
        self.typed_numbers = [(i - 1 if i > removed else i, j, typed)
                              for i, j, typed in self.typed_numbers if i != removed]
        if not self.doc["schedule_title"]:
            self.doc["schedule_title"] = section["title"]
        self.report.append(f"Mục {_quote(section['title'])} chỉ có bảng lịch công tác và có mục "
                           f"khác đứng sau — bảng được in sau cùng, tên mục thành tiêu đề bảng.",
                           ("schedule",))

    def _row_activities(self, row: _Row, cols: dict, period: dict, continued: bool) -> None:
        activities = period["activities"]
        added: list[dict] = []
        content = self._cell_at(row, cols["content"])
        for para in self._cell_paras(content) if content else []:
            for seg in self._segments(para):
                text = seg.text
                runs = seg.runs
                match = None
                if para.level is None:
                    match = _bullet(text) or _DECIMAL_RE.match(text) or _LETTER_RE.match(text)
                starts = para.level is not None or match is not None
                if match:
                    runs = _drop_prefix(runs, match.start("rest"))
                markup = self._markup(runs, text)
                if not markup:
                    continue
                previous = activities[-1] if activities else None
                join = False
                if not starts and previous is not None and (added or continued):
                    join = previous.get("_bullet", False) or plain(markup)[:1].islower()
                if join:
                    # A paragraph in lower case goes on with the sentence above (a line wrapped, or a
                    # table split over a page): joined without a word. One that starts a sentence
                    # after a finished one may be an activity whose dash was forgotten: a person looks.
                    doubtful = not plain(markup)[:1].islower() and \
                        plain(previous["text"]).rstrip().endswith(tuple(".!?…"))
                    previous["text"] = clean_text(previous["text"] + " " + markup)
                    if doubtful:
                        self.report.append(f"Đoạn {_quote(markup, 40)} trong bảng lịch công tác không "
                                           f"bắt đầu bằng gạch đầu dòng — đã nối vào hoạt động trước; "
                                           f"nếu đó là một việc riêng, hãy tách thành việc mới.",
                                           ("activity", len(self.doc["schedule"]) - 1, len(activities) - 1))
                    continue
                activity = {"text": markup, "groups": [], "due": None, "_bullet": starts}
                activities.append(activity)
                added.append(activity)
        if cols["groups"] is not None:
            cell = self._cell_at(row, cols["groups"])
            paras = [clean_text(p.text.replace("\n", " ")) for p in self._cell_paras(cell)] \
                if cell else []
            paras = [p for p in paras if p]
            targets = added or activities[-1:]
            if paras and targets:
                if len(paras) == len(targets) > 1:
                    for activity, text in zip(targets, paras):
                        activity["groups"] = _groups([text])
                else:
                    names = _groups(paras)
                    for activity in targets:
                        activity["groups"] = list(dict.fromkeys(activity["groups"] + names))
        extras = []
        for c in cols["extra"]:
            value = self._cell_text(self._cell_at(row, c))
            if value and (c != cols["index"]):
                extras.append(value)
        if extras:
            target = (added or activities[-1:])
            if target:
                target[-1]["text"] = clean_text(target[-1]["text"] + " (" + "; ".join(extras) + ")")
            else:
                activity = {"text": clean_text("; ".join(extras)), "groups": [], "due": None}
                activities.append(activity)


def _groups(texts: list[str]) -> list[str]:
    names: list[str] = []
    for text in texts:
        for piece in re.split(r"[,;\n]", text):
            piece = piece.strip()
            match = _bullet(piece)
            if match:
                piece = match.group("rest")
            piece = clean_text(piece).rstrip(".")
            if piece and piece not in names:
                names.append(piece)
    return names
