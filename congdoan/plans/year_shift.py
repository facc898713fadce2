"""Moving a plan's text to another year, and saying what could not be moved safely.

Pure functions, no database: `shift_text` moves the years of one text and returns what it left for a
person to check; `shift_document` does it for every part of a plan document (docs/plan-document.md).

What moves (when the year belongs to the plan's own calendar: the years of its subject, period,
schedule title and schedule months, and one year either side):
- school years with any dash and spacing: "năm học 2023 – 2024", "2023-2024", "NH 2023 - 2024";
- dates and months: "05/9/2023", "tháng 9/2023", "6, 7/ 2024";
- years alone: "năm 2024", "Tết sum vầy 2024";
- an anniversary's count when its dates are given and agree with it ("93 năm … (20/10/1930 -
  20/10/2023)" -> "94 năm … (20/10/1930 - 20/10/2024)").

What stays, silently: a year outside that calendar (history: "30/4/1975", "Luật Công đoàn 2012"),
and the first date or year after a cited document ("Nghị quyết số 12/NQ-TW ngày 01/01/2023"): that
is the document's own date, not the plan's period (unless it is a span of years, reported below).

What stays and is reported (Finding): a later year of the plan's calendar inside a citation ("…
đến năm 2025"), a span of years that is not one school year and ends within the old plan's years
("nhiệm kỳ 2019 - 2024" in a 2023 - 2024 plan), an
anniversary count without dates or whose dates disagree ("79 năm ngày thành lập QĐNDVN"),
"lần thứ 40", a lunar year's name ("Tết Giáp Thìn"), and a weekday written beside a date that moved.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass

YEAR_MIN, YEAR_MAX = 1990, 2100


@dataclass(frozen=True)
class Finding:
    reason: str          # a key of REASONS
    fragment: str        # the words of the text it is about, as they stand after the copy
    suggestion: str = ""  # what they probably should say ("" when only a person can tell)

    def to_dict(self) -> dict:
        return asdict(self)


# What a person reads on the review list, by reason.
REASONS = {
    "cited_year": "Năm thuộc kế hoạch cũ nằm trong phần trích dẫn văn bản nên được giữ nguyên.",
    "year_span": "Khoảng năm không phải một năm học (nhiệm kỳ, giai đoạn) nên không được dời.",
    "anniversary": "Số năm kỷ niệm không kèm mốc ngày nên không được tính lại.",
    "anniversary_dates": "Số năm kỷ niệm không khớp với mốc ngày đi kèm.",
    "edition": "Số lần tổ chức có thể cần tăng theo năm.",
    "lunar_year": "Tên năm âm lịch không được tự đổi.",
    "weekday": "Ngày đã được dời nên thứ trong tuần có thể không còn đúng.",
}

_DASH = r"\s*[-–—]\s*"
_SPAN = re.compile(r"(?<![\d/.,])(\d{4})(" + _DASH + r")(\d{4})(?![\d/]|[.,]\d)")
_DATE = re.compile(r"(?<![\d/.])(\d{1,2})(\s*/\s*)(\d{1,2})(\s*/\s*)(\d{4})(?![\d/]|[.,]\d)")
_MONTH = re.compile(r"(?<![\d/.])(\d{1,2})(\s*/\s*)(\d{4})(?![\d/]|[.,]\d)")
_YEAR = re.compile(r"(?<![\d/.,])(\d{4})(?![\d/]|[.,]\d)")

# An anniversary whose dates are given: "93 năm ngày thành lập … (20/10/1930 - 20/10/2023)",
# "1984 năm khởi nghĩa Hai Bà Trưng (40-2024)".
_DATED_COUNT = re.compile(r"(?<![\d.,/])(\d{1,4})\s+năm\b[^()\d;]{0,150}\(\s*(?:\d{1,2}/\d{1,2}/)?(\d{1,4})"
                          + _DASH + r"(?:\d{1,2}/\d{1,2}/)?(\d{4})\s*\)")
# An anniversary's count without dates: "kỷ niệm 94 năm", "79 năm ngày thành lập QĐNDVN",
# "78 năm Cách mạng tháng Tám", "kỷ niệm 114 ngày QTPN" (the "năm" forgotten).
_COUNT_AFTER = re.compile(r"(?i:\b(?:kỷ niệm|chào mừng|mừng)\s+)(\d{1,4})(\s+(?:năm|ngày)\b)")
_COUNT_BEFORE = re.compile(r"(?<![\d.,/])(\d{1,4})(\s+năm\s+)(?=(?:[Nn]gày|thành lập|[Cc]ách mạng|khởi nghĩa|giải phóng|"
                           r"[Cc]hiến thắng|thống nhất|[Qq]uốc khánh|sinh nhật|truyền thống|QĐND|[Đđ]ảng)\b)")
_EDITION = re.compile(r"(?i:\blần\s+thứ\s+)(\d{1,3})\b")

STEMS = ["Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"]
BRANCHES = ["Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"]
_BRANCH_SPELLINGS = {"Tị": "Tỵ", "Mẹo": "Mão"}
_LUNAR = re.compile(r"\b(" + "|".join(STEMS) + r")\s+(" + "|".join(BRANCHES + list(_BRANCH_SPELLINGS)) + r")\b")

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
_WEEKDAY = re.compile(r"(?i:\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|CN))\b[\s,(]*(?:ngày\s*)?$")

# A cited document: its name or its number. The first date or year after it is its own date.
_CITATION = re.compile(r"(?i:\b(?:nghị quyết|nghị định|quyết định|chỉ thị|thông tư|công văn|thông báo số|"
                       r"hướng dẫn số|kế hoạch số|chương trình(?: hành động| phối hợp)? số|kết luận số|"
                       r"quy định số|văn bản số|số\s*\d+\s*[-–/]))|\b(?:Luật|Bộ luật|Hiến pháp|Điều lệ)\b")
_CLAUSE_END = re.compile(r";|\.(?:\s|$)|\n")


def lunar_name(year: int) -> str:
    return f"{STEMS[(year - 4) % 10]} {BRANCHES[(year - 4) % 12]}"


def _lunar_shift(stem: str, branch: str, delta: int) -> str:
    branch = _BRANCH_SPELLINGS.get(branch, branch)
    s, b = STEMS.index(stem), BRANCHES.index(branch)
    year = next(y for y in range(1984, 2044) if (y - 4) % 10 == s and (y - 4) % 12 == b)
    return lunar_name(year + delta)


def own_years(doc: dict) -> list[int]:
    """The plan's own years: those of its subject, period, schedule title and schedule months."""
    texts = [doc.get(k) or "" for k in ("subject", "period", "schedule_title")]
    texts += [row.get("period") or "" for row in doc.get("schedule") or []]
    return [int(m.group(1)) for text in texts for m in _YEAR.finditer(text) if YEAR_MIN <= int(m.group(1)) <= YEAR_MAX]


def calendar_of(doc: dict) -> range:
    """The years a copy moves: the plan's own, and one either side (last year's results, next
    year's plan). Empty when the plan names no year of its own."""
    years = own_years(doc)
    return range(min(years) - 1, max(years) + 2) if years else range(0)


class _Text:
    """One text being shifted: the edits to make and the findings, from a left-to-right reading."""

    def __init__(self, text: str, delta: int, calendar: range):
        self.text, self.delta, self.calendar = text, delta, calendar
        self.edits: list[tuple[int, int, str]] = []
        self.taken: list[tuple[int, int]] = []
        self.findings: list[tuple[int, int, str, str]] = []     # start, end, reason, suggestion
        self.citations = self._citations()

    def _citations(self) -> list[tuple[int, int]]:
        """(start, clause end) of each cited document."""
        spans = []
        for m in _CITATION.finditer(self.text):
            end = _CLAUSE_END.search(self.text, m.end())
            spans.append((m.start(), end.start() if end else len(self.text)))
        return spans

    def citation_of(self, pos: int) -> tuple[int, int] | None:
        found = None
        for span in self.citations:
            if span[0] <= pos < span[1]:
                found = span if found is None or span[0] > found[0] else found
        return found

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))

    def ours(self, year: int) -> bool:
        return year in self.calendar

    def cited_own_date(self, pos: int) -> bool | None:
        """None outside a citation; True for the first date or year after the cited document's name
        (its own date: kept silently); False for a later one (kept, and reported when ours)."""
        span = self.citation_of(pos)
        if span is None:
            return None
        between = self.text[span[0]:pos]
        # the document's name may carry a number ("số 02-NQ/TW"), never a year or a date
        return not (_YEAR.search(between) or _DATE.search(between) or _MONTH.search(between))

    def moved(self, year: int) -> int:
        return year + self.delta if self.ours(year) else year

    def edit(self, start: int, end: int, new: str) -> None:
        if self.text[start:end] != new:
            self.edits.append((start, end, new))

    def find(self, start: int, end: int, reason: str, suggestion: str = "") -> None:
        self.findings.append((start, end, reason, suggestion))

    def result(self) -> tuple[str, list[Finding]]:
        out, last = [], 0
        offsets: list[tuple[int, int]] = []          # (old position, shift) for mapping findings
        for start, end, new in sorted(self.edits):
            out.append(self.text[last:start])
            out.append(new)
            offsets.append((end, len(new) - (end - start)))
            last = end
        out.append(self.text[last:])
        new_text = "".join(out)

        def at(pos: int) -> int:
            return pos + sum(d for end, d in offsets if end <= pos)

        findings = []
        for start, end, reason, suggestion in sorted(self.findings):
            # the words as they read now
            findings.append(Finding(reason, new_text[at(start):at(end)].strip(), suggestion))
        return new_text, findings


def shift_text(text: str, delta: int, calendar: range) -> tuple[str, list[Finding]]:
    """`text` with the years of `calendar` moved by `delta`, and what a person should check."""
    if not text or not delta:
        return text or "", []
    t = _Text(text, delta, calendar)

    # Anniversary counts whose dates are given: recounted when they agreed with their dates.
    for m in _DATED_COUNT.finditer(text):
        n, first, last = int(m.group(1)), int(m.group(2)), int(m.group(3))
        t.take(*m.span(1))
        if not t.ours(last):
            continue
        t.take(m.start(2), m.end(3))            # the dates: the first is history, the last moves
        t.edit(*m.span(3), str(t.moved(last)))
        if last - first == n:
            t.edit(*m.span(1), str(t.moved(last) - first))
        else:
            t.find(m.start(1), text.index("năm", m.end(1)) + 3, "anniversary_dates", f"{t.moved(last) - first} năm")
    # Anniversary counts without dates, editions: reported with the count moved.
    for pattern in (_COUNT_AFTER, _COUNT_BEFORE):
        for m in pattern.finditer(text):
            if t.free(*m.span(1)) and not t.ours(int(m.group(1))):
                t.take(*m.span(1))
                t.find(m.start(1), m.end(2), "anniversary", f"{int(m.group(1)) + delta} năm"
                       + (" ngày" if m.group(2).strip() == "ngày" else ""))
    for m in _EDITION.finditer(text):
        t.take(*m.span(1))
        t.find(m.start(), m.end(), "edition", text[m.start():m.start(1)] + str(int(m.group(1)) + delta))
    for m in _LUNAR.finditer(text):
        t.find(m.start(), m.end(), "lunar_year", _lunar_shift(m.group(1), m.group(2), delta))

    def keep_or_move(start: int, end: int, years: list[int], moved: str):
        """Move a mention of the plan's calendar unless it sits in a citation."""
        if not any(t.ours(y) for y in years):
            return
        own = t.cited_own_date(start)
        if own is True:
            return
        if own is False:
            t.find(start, end, "cited_year", moved)
            return
        t.edit(start, end, moved)

    for m in _SPAN.finditer(text):
        a, b = int(m.group(1)), int(m.group(3))
        if not t.free(*m.span()):
            continue
        t.take(*m.span())
        if b != a + 1:
            # a term or a period ("nhiệm kỳ 2019 - 2024") stays; it is reported when it ends within
            # the old plan's own years, so it may be over by the new one
            if b in t.calendar and b <= t.calendar.stop - 2:
                t.find(m.start(), m.end(), "year_span")
            continue
        keep_or_move(m.start(), m.end(), [a, b], f"{t.moved(a)}{m.group(2)}{t.moved(b)}")
    for m in _DATE.finditer(text):
        if not t.free(*m.span()):
            continue
        t.take(*m.span())
        year = int(m.group(5))
        moved = m.group(0)[:m.start(5) - m.start()] + str(t.moved(year))
        before = len(t.edits)
        keep_or_move(m.start(), m.end(), [year], moved)
        weekday = _WEEKDAY.search(text[max(0, m.start() - 25):m.start()])
        if weekday and len(t.edits) > before:
            try:
                day = dt.date(t.moved(year), int(m.group(3)), int(m.group(1)))
            except ValueError:
                continue
            t.find(m.start() - len(weekday.group(0)), m.end(), "weekday", f"{WEEKDAYS[day.weekday()]}, {moved}")
    for m in _MONTH.finditer(text):
        if not t.free(*m.span()):
            continue
        t.take(*m.span())
        year = int(m.group(3))
        keep_or_move(m.start(), m.end(), [year], m.group(1) + m.group(2) + str(t.moved(year)))
    for m in _YEAR.finditer(text):
        if not t.free(*m.span()):
            continue
        year = int(m.group(1))
        keep_or_move(m.start(), m.end(), [year], str(t.moved(year)))
    return t.result()


def _shift_date(value: str | None, delta: int) -> str | None:
    if not value:
        return None
    d = dt.date.fromisoformat(value)
    try:
        return d.replace(year=d.year + delta).isoformat()
    except ValueError:              # 29 February into a common year
        return d.replace(year=d.year + delta, day=28).isoformat()


def shift_document(doc: dict, delta: int) -> tuple[dict, list[tuple[tuple, list[Finding]]]]:
    """A copy of the document moved by `delta` years, and the findings of each part that has some,
    as (where, findings). `where` names the part: ("header",), ("basis", i), ("opening",),
    ("section", i), ("line", section i, line j), ("row", i), ("activity", row i, activity j)."""
    out = json.loads(json.dumps(doc))
    if not delta:
        return out, []
    calendar = calendar_of(doc)
    found: list[tuple[tuple, list[Finding]]] = []

    def shift(where: tuple, text: str) -> str:
        new, findings = shift_text(text or "", delta, calendar)
        if findings:
            if found and found[-1][0] == where:
                found[-1][1].extend(findings)
            else:
                found.append((where, findings))
        return new

    for key in ("subject", "period", "schedule_title"):
        out[key] = shift(("header",), out.get(key) or "")
    out["bases"] = [shift(("basis", i), text) for i, text in enumerate(out.get("bases") or [])]
    out["opening"] = shift(("opening",), out.get("opening") or "")
    for i, section in enumerate(out.get("sections") or []):
        section["title"] = shift(("section", i), section.get("title") or "")
        for j, line in enumerate(section.get("lines") or []):
            line["text"] = shift(("line", i, j), line.get("text") or "")
    for i, row in enumerate(out.get("schedule") or []):
        row["period"] = shift(("row", i), row.get("period") or "")
        for j, activity in enumerate(row.get("activities") or []):
            activity["due"] = _shift_date(activity.get("due"), delta)
            activity["text"] = shift(("activity", i, j), activity.get("text") or "")
    return out, found
