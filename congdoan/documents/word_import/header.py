"""Part of step 4 of a Word import (builder.py): the header, the type line and the subject. Everything
before "KẾ HOẠCH …" (a layout table or paragraphs split by tabs or runs of spaces): the motto is
dropped, "Số:" gives the number, "<place>, ngày … tháng … năm …" the date, the other lines the upper
union and the union; then the subject (trích yếu) and the period it names."""
from __future__ import annotations

import re
import unicodedata

from congdoan.text import clean_text, fold, runs_to_markup

from .reader import _Para
from .runs import _clean_runs, _is_upper, _lines, _quote, _text, _whole
from .shapes import (_NUMBER_RE, _bullet, _date_match, _decoration, _is_base, _is_motto, _normalise_number,
                     _parse_date, _period_from, _roman_heading, _type_split)


class _Header:
    """The header, type line and subject, for _Builder (builder.py)."""

    def _header_and_title(self, items: list) -> int:
        type_at = None
        for index, (kind, value) in enumerate(items[:60]):
            if kind != "para":
                continue
            lines = [clean_text(_text(line)) for line in _lines(value.runs)]
            first_line = next((line for line in lines if line), "")
            if _type_split(first_line) and (value.centred or _is_upper(first_line)) and \
                    not _is_motto(first_line):
                type_at = index
                break
        if type_at is None:
            end = 0
            while end < len(items) and items[end][0] == "para" and self._header_like(
                    items[end][1]):
                end += 1
            self._header(items[:end])
            self.doc["type_name"] = "KẾ HOẠCH"
            self.report.append("Không thấy tên loại văn bản (“KẾ HOẠCH”) — đã dùng “KẾ HOẠCH”.")
            subject_at = end
            rest_parts: list[str] = []
        else:
            self._header(items[:type_at])
            type_para = items[type_at][1]
            lines = [clean_text(_text(line)) for line in _lines(type_para.runs)]
            lines = [line for line in lines if line]
            type_name, rest = _type_split(lines[0])
            self.doc["type_name"] = type_name
            rest_parts = [rest] if rest else []
            rest_parts.extend(lines[1:])
            subject_at = type_at + 1
        index = subject_at
        parts = list(rest_parts)
        while index < len(items) and len(parts) < 4:
            kind, para = items[index]
            if kind != "para" or not self._subject_like(para, parts):
                break
            text = clean_text(para.text.replace("\n", " "))
            if _is_motto(text) or _decoration(text):
                index += 1
                continue
            parts.append(text)
            index += 1
        if not parts and index < len(items) and items[index][0] == "para":
            candidate = clean_text(items[index][1].text.replace("\n", " "))
            if len(candidate) <= 200 and not self._structural(candidate, items[index][1]):
                parts.append(candidate)
                index += 1
                self.report.append(f"Đoán trích yếu là {_quote(candidate)} (dòng ngay sau tên "
                                   f"loại văn bản).")
        subject = clean_text(" ".join(parts))
        if subject.lower().startswith("v/v"):
            subject = clean_text(subject[3:].lstrip(" :.")) or subject
        elif fold(subject).startswith("ve viec "):
            # "Về việc tổ chức …" (often bold italic): the subject is what follows
            rest = clean_text(subject[len("Về việc"):].lstrip(" :."))
            subject = (rest[:1].upper() + rest[1:]) if rest else subject
        self.doc["subject"] = subject
        if not subject:
            self.report.append("Không thấy trích yếu (tên kế hoạch) — cần nhập tay.")
        self.doc["period"] = _period_from(subject)
        return index

    def _structural(self, text: str, para: _Para) -> bool:
        return bool(_is_base(text) or _roman_heading(text) or _bullet(text) or para.level
                    or para.heading == 1 or self._footer_start(para))

    def _subject_like(self, para: _Para, parts: list[str]) -> bool:
        text = clean_text(para.text.replace("\n", " "))
        if not text or len(text) > 300 or self._structural(text, para):
            return False
        if text.startswith("(") and text.endswith(")"):
            return False  # "(Dự thảo)" and such are not part of the subject
        return para.centred or (not parts and _whole(para.runs, "bold") and len(text) <= 200)

    def _header_like(self, para: _Para) -> bool:
        for part in self._parts(para):
            if _is_motto(part) or _NUMBER_RE.match(part) or _date_match(part) or \
                    _decoration(part):
                continue
            if para.where == "table" or (_is_upper(part) and len(part) <= 100):
                continue
            return False
        return True

    @staticmethod
    def _parts(para: _Para) -> list[str]:
        """Pieces of a header/footer line: layout made with tabs or long runs of spaces."""
        raw = unicodedata.normalize("NFC", para.text)
        # Blank day and month ("ngày      tháng      năm 2024") are not column gaps.
        raw = re.sub(r"(?i)\b(ngày|tháng)[ \t\u00a0]{2,}", r"\1 ", raw)
        raw = re.sub(r"(?i)[ \t\u00a0]{2,}(tháng|năm)\b", r" \1", raw)
        raw = re.sub(r"(?i)^(\s*Số\s*:?)[ \t\u00a0]+(?=\S*/)", r"\1 ", raw)
        pieces = re.split(r"\t+|\n| {3,}|\u00a0{3,}", raw)
        return [clean_text(p) for p in pieces if clean_text(p)]

    def _header(self, items: list) -> None:
        candidates: list[tuple[str, bool]] = []
        for kind, para in items:
            if kind == "schedule":
                self._schedule(para)
                continue
            bold = _whole(para.runs, "bold")
            queue = self._parts(para)
            while queue:
                part = queue.pop(0)
                if _is_motto(part) or _decoration(part):
                    continue
                number = _NUMBER_RE.match(part)
                if number and not self.number_seen:
                    self.number_seen = True
                    rest = number.group("rest")
                    date_at = re.search(r"\S+\s*,?\s*ngày\b", rest)
                    if date_at and date_at.start() > 0:
                        queue.insert(0, rest[date_at.start():])
                        rest = rest[:date_at.start()]
                    self._number(rest)
                    continue
                date = _date_match(part)
                if date and not self.doc["place"] and self.doc["date"] is None:
                    self._date(date, part)
                    continue
                if len(part) > 120 or (not _is_upper(part) and len(part) > 80):
                    self.opening.append(runs_to_markup(_clean_runs(para.runs)))
                    self.report.append(f"Không nhận ra dòng {_quote(part)} ở phần đầu văn bản — "
                                       f"đã đưa vào phần mở đầu.")
                    break
                candidates.append((part, bold))
        if not self.number_seen:
            self.report.append("Không thấy dòng “Số:” — để trống số văn bản (dự thảo).")
        self._unions(candidates)

    def _number(self, rest: str) -> None:
        number = _normalise_number(rest)
        if " " in number:
            number = number.split(" ")[0]
        head = number.split("/")[0]
        if not re.search(r"\d", head):
            if number:
                self.report.append(f"Số văn bản chưa điền ({_quote('Số: ' + number)}) — để trống, "
                                   f"coi là dự thảo.")
            self.doc["number"] = None
        else:
            self.doc["number"] = number

    def _date(self, match: re.Match, text: str) -> None:
        place = match.group("place") if match.group("place") is not None else match.group("place2")
        self.doc["place"] = clean_text(place).rstrip(",")
        value = _parse_date(match)
        if value == "invalid":
            self.report.append(f"Ngày ban hành không hợp lệ ({_quote(text)}) — để trống ngày.")
            value = None
        self.doc["date"] = value.isoformat() if value else None

    def _unions(self, candidates: list[tuple[str, bool]]) -> None:
        texts = [t for t, _ in candidates]
        if not texts:
            self.report.append("Không thấy tên công đoàn ở phần đầu văn bản — cần nhập tay.")
            return
        if len(texts) == 1:
            self.doc["union_name"] = texts[0]
            self.report.append(f"Phần đầu chỉ có một dòng tên đơn vị ({_quote(texts[0])}) — coi là "
                               f"tên công đoàn cơ sở; công đoàn cấp trên để trống.")
            return
        if len(texts) == 2:
            self.doc["upper_union"], self.doc["union_name"] = texts
            return
        bolds = [i for i, (_, b) in enumerate(candidates) if b]
        if bolds and len(bolds) < len(texts) and bolds[0] > 0:
            first = bolds[0]
            last = first
            while last + 1 < len(candidates) and candidates[last + 1][1]:
                last += 1
            upper = " ".join(texts[:first])
            union = " ".join(texts[first:last + 1])
            leftover = texts[last + 1:]
        else:
            upper, union, leftover = texts[0], " ".join(texts[1:]), []
        self.doc["upper_union"], self.doc["union_name"] = upper, union
        self.report.append(f"Phần đầu có {len(texts)} dòng tên đơn vị — đã ghép: cấp trên "
                           f"{_quote(upper)}, công đoàn {_quote(union)}.")
        for text in leftover:
            self.report.append(f"Không nhận ra dòng {_quote(text)} ở phần đầu văn bản — đã bỏ qua.")
