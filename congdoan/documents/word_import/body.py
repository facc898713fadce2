"""Part of step 4 of a Word import (builder.py): the body. Bases ("Căn cứ …") and the opening, then
sections (Roman numerals typed or from Word numbering, Heading 1, or decimal capitals), their numbered
items and bullets at the level a reader sees (labels.py), and paragraphs; a paragraph is cut at manual
breaks that start an item."""
from __future__ import annotations

from dataclasses import dataclass

from congdoan.plans.numbering import default_label
from congdoan.text import Run, clean_text, plain

from . import labels
from .reader import _Para
from .runs import _clean_runs, _drop_prefix, _is_upper, _lines, _quote, _strip_format, _text, _whole
from .shapes import (_DECIMAL_RE, _LETTER_RE, _MULTI_RE, _NESTED_MARKS, _PART_RE, _ROMAN_SUB_RE, _bullet,
                     _decoration, _is_base, _is_motto, _item_marker, _roman_heading)


@dataclass
class _Seg:
    """One logical line: a paragraph or a piece of one split at a manual break."""
    runs: list[Run]
    para: _Para

    @property
    def text(self) -> str:
        return _text(self.runs)


class _Body:
    """Sections, their lines and the opening, for _Builder (builder.py)."""

    def _has_roman_sections(self, items) -> bool:
        for kind, para in items:
            if kind != "para":
                continue
            if para.heading == 1 or (para.level and para.level.fmt == "upperRoman"):
                return True
            for line in _lines(para.runs):
                text = clean_text(_text(line))
                if _roman_heading(text) or _PART_RE.match(text):
                    return True
        return False

    def _has_decimal_sections(self, items) -> bool:
        count = 0
        for kind, para in items:
            if kind != "para" or para.where != "body":
                continue
            text = clean_text(para.text.replace("\n", " "))
            match = _DECIMAL_RE.match(text)
            if match and _is_upper(match.group("rest")) and len(text) <= 150:
                count += 1
        return count >= 2

    def _segments(self, para: _Para) -> list[_Seg]:
        """Split a paragraph at manual breaks that start a new item; other breaks become spaces."""
        lines = _lines(para.runs)
        merged: list[list[Run]] = []
        for line in lines:
            text = clean_text(_text(line))
            # a break starts a new line before an item, and before or after a base ("Căn cứ …;"
            # then the opening, typed as one paragraph with Shift+Enter)
            after_base = bool(merged) and _is_base(clean_text(_text(merged[-1]))) and \
                clean_text(_text(merged[-1])).endswith((".", ";", ":"))
            if not merged or (text and (_item_marker(text) or _is_base(text) or after_base)):
                merged.append(list(line))
            elif text:
                merged[-1].extend([Run(" ")] + line)
        segs = []
        for line in merged:
            runs = _clean_runs(line)
            if runs and not _decoration(_text(runs)):
                segs.append(_Seg(runs, para))
        return segs

    def _body_para(self, para: _Para) -> None:
        if self.state != "footer" and (self.doc["sections"] or self.schedule_started or
                                       self.doc["bases"] or self.opening) \
                and self._footer_start(para):
            self.state = "footer"
        if self.state == "footer":
            self.report.place = ("closing",)
            self._footer(para)
            return
        for seg in self._segments(para):
            self._body_line(seg)

    def _classify(self, seg: _Seg) -> tuple[str, int, list[Run], str, str | None]:
        """(kind, level, runs without their numbering, label style, typed number or None).

        kind: section/subsection/bullet/paragraph; the label style is that of
        congdoan/plans/numbering.py ("1.", "a)", "1.1", "-", "+", "•")."""
        text = seg.text
        para = seg.para
        level = para.level
        runs = seg.runs
        if para.heading == 1 or (level and level.fmt == "upperRoman"):
            match = _roman_heading(text)
            return "section", 0, _drop_prefix(runs, match.start("rest")) if match else runs, "", None
        if level and level.fmt == "bullet":
            label = labels.bullet_label(level.text)
            nested = level.bullet_depth >= 1 or label in _NESTED_MARKS
            match = _bullet(text)
            return ("bullet", max(1, min(level.bullet_depth, 2)) if nested else 0,
                    _drop_prefix(runs, match.start("rest")) if match else runs, label, None)
        if level or para.heading == 2:
            match = _DECIMAL_RE.match(text) or _LETTER_RE.match(text) or _MULTI_RE.match(text)
            if match:   # a number typed after Word's own (or instead of it): the typed one shows
                style = labels.typed_label(*labels.marker_parts(match))
                runs = _drop_prefix(runs, match.start("rest"))
            elif level:
                style = labels.word_label(level.fmt, level.text)
            else:
                style = "1."
            return "subsection", self.item_levels.level(style), runs, style, None
        match = _roman_heading(text) or _PART_RE.match(text)
        if match:
            return "section", 0, _drop_prefix(runs, match.start("rest")), "", None
        match = _ROMAN_SUB_RE.match(text)
        if match:
            return "subsection", self.item_levels.level("1."), \
                _drop_prefix(runs, match.start("rest")), "1.", None
        match = _DECIMAL_RE.match(text)
        if match and self.decimal_sections and _is_upper(match.group("rest")) and len(text) <= 150:
            return "section", 0, _drop_prefix(runs, match.start("rest")), "", None
        match = match or _LETTER_RE.match(text) or _MULTI_RE.match(text)
        if match:
            number, separator = labels.marker_parts(match)
            style = labels.typed_label(number, separator)
            typed = number + (")" if ")" in separator else "." if "." in separator else "")
            return ("subsection", self.item_levels.level(style),
                    _drop_prefix(runs, match.start("rest")), style, typed)
        match = _bullet(text)
        if match:
            nested = match.group("mark") in _NESTED_MARKS
            return ("bullet", 1 if nested else 0, _drop_prefix(runs, match.start("rest")),
                    labels.bullet_label(match.group("mark")), None)
        return "paragraph", 0, runs, "", None

    def _body_line(self, seg: _Seg) -> None:
        text = seg.text
        if _is_motto(text):
            return
        kind, level, runs, label, typed = self._classify(seg)
        if kind == "section":
            self._new_section(clean_text(_text(runs)) or clean_text(text))
            return
        if self.state == "preamble":
            core = runs if kind in ("bullet", "subsection") else seg.runs
            if not self.opening and _is_base(_text(core)):
                base_runs = core
                if _whole(base_runs, "italic"):
                    base_runs = _strip_format(base_runs, italic=True)
                self.doc["bases"].append(self._markup(base_runs, text))
                return
            if not self.has_sections and (self.opening or kind != "paragraph"):
                # No numbered sections anywhere: the first paragraph opens, the rest is the body.
                self._new_section("NỘI DUNG")
                self.report.append("Không thấy mục đánh số La Mã (I., II., …) — phần nội dung đã "
                                   "đưa vào một mục “NỘI DUNG”.")
                self._body_line(seg)
                return
            self.opening.append(self._markup(seg.runs, text))
            self.tail = [(None, {"text": self.opening[-1]}, self._title_like(seg))]
            return
        upright = False
        if kind == "subsection" and level == 0 and _whole(runs, "bold"):
            runs = _strip_format(runs, bold=True)    # the item style of the Word template is bold
        elif kind == "subsection" and level == 0:
            upright = not any(run.bold for run in runs if run.text.strip())   # written upright
        if kind == "bullet" and level == 0 and seg.para.level is None:
            mark = _bullet(text).group("mark")
            if mark not in _NESTED_MARKS and self.last_bullet_indent is not None and \
                    seg.para.indent >= self.last_bullet_indent + 340:
                level = 1
            elif mark not in _NESTED_MARKS:
                self.last_bullet_indent = seg.para.indent
        elif kind != "bullet":
            self.last_bullet_indent = None
        line = {"kind": kind, "text": self._markup(runs, text), "level": level}
        if label and label != default_label(kind, level):
            line["label"] = label    # only a style that differs from the default is written
        if upright:
            line["weight"] = "normal"    # not the bold of the item style (congdoan/plans/numbering.py)
        if not line["text"]:
            return
        if typed:
            self.typed_numbers.append((len(self.doc["sections"]) - 1,
                                       len(self.doc["sections"][-1]["lines"]), typed))
        section = self.doc["sections"][-1]
        if kind == "paragraph" and section["lines"]:
            previous = section["lines"][-1]
            first = plain(line["text"])[:1]
            if first.islower() and previous["kind"] == "paragraph" and \
                    not plain(previous["text"]).rstrip().endswith(tuple(".:;!?…)\"”")):
                self.report.append(f"Đoạn {_quote(line['text'], 40)} bắt đầu bằng chữ thường — "
                                   f"có thể là phần tiếp của đoạn trước bị ngắt giữa câu; đã giữ "
                                   f"thành hai đoạn.",
                                   ("line", len(self.doc["sections"]) - 1, len(section["lines"])))
        section["lines"].append(line)
        self.report.place = ("line", len(self.doc["sections"]) - 1, len(section["lines"]) - 1)
        self._note_after_schedule()
        title_like = kind == "paragraph" and self._title_like(seg)
        if title_like:
            self.tail.append((section, line, True))
        else:
            self.tail = []

    def _title_like(self, seg: _Seg) -> bool:
        text = seg.text
        return len(text) <= 200 and (seg.para.centred or (_whole(seg.runs, "bold") and
                                                          _is_upper(text)))

    def _new_section(self, title: str) -> None:
        self.state = "body"
        self.tail = []
        self.last_bullet_indent = None
        self.item_levels.reset()
        self.doc["sections"].append({"title": clean_text(title), "lines": []})
        self.report.place = ("section", len(self.doc["sections"]) - 1)
        self._note_after_schedule()

    def _note_after_schedule(self) -> None:
        if self.after_schedule and not self.moved_after_schedule:
            self.moved_after_schedule = True
            self.report.append("Có nội dung nằm sau bảng lịch công tác — khi xem và in, phần này "
                               "đứng trước bảng (cuối các mục).")

    def _current_section(self) -> dict:
        if not self.doc["sections"]:
            self._new_section("NỘI DUNG")
        return self.doc["sections"][-1]
