"""Differences between two versions of a plan (or a report), part by part, for people who are not
programmers: each part that changed is named ("Căn cứ", "Mục II. CHỈ TIÊU", "Lịch công tác — tháng
9/2023") and each changed paragraph shows its removed words struck through and its added words
highlighted. A changed table of figures is shown row by row ("Dòng 4 (bảng), hàng 2")."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..dates import fmt_date, parse_iso_date
from ..text import plain, roman
from .numbering import clamp_level, labels, valid_weight
from .tables import layout

HEADER_FIELDS = [("type_name", "Loại văn bản"), ("subject", "Trích yếu"), ("period", "Thời gian"),
                 ("upper_union", "Công đoàn cấp trên"), ("union_name", "Tên công đoàn"),
                 ("place", "Địa danh"), ("date", "Ngày văn bản"), ("number", "Số văn bản"),
                 ("schedule_title", "Tiêu đề lịch công tác"),
                 ("period_start", "Báo cáo từ ngày"), ("period_end", "Báo cáo đến ngày")]
DATE_FIELDS = frozenset({"period_start", "period_end"})
LINE_LABELS = {"paragraph": "Đoạn", "subsection": "Mục con", "bullet": "Gạch đầu dòng"}


@dataclass
class Item:
    op: str                 # "added" | "removed" | "changed"
    label: str
    html: Markup


@dataclass
class PartDiff:
    title: str
    items: list[Item] = field(default_factory=list)


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def words_html(before: str, after: str) -> Markup:
    """Word-level difference: <del> for removed words, <ins> for added ones."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


def _text_items(label: str, before: list[str], after: list[str], describe=None) -> list[Item]:
    """Align two lists of paragraphs and describe what was added, removed or reworded.
    describe(i, j): the items of a changed pair told another way (a table row by row), or None."""
    items = []
    a, b = [plain(x).replace(_UPRIGHT, "") for x in before], [plain(x).replace(_UPRIGHT, "") for x in after]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if before[i] != after[j]:
                    items.append(Item("changed", f"{label} {j + 1} (đổi định dạng đậm/nghiêng)", escape(b[j])))
            continue
        if op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                told = describe(i1 + k, j1 + k) if describe else None
                if told is not None:
                    items.extend(told)
                    continue
                items.append(Item("changed", f"{label} {j1 + k + 1}", words_html(a[i1 + k], b[j1 + k])))
            for i in range(i1 + pairs, i2):
                items.append(Item("removed", f"{label} {i + 1}", escape(a[i])))
            for j in range(j1 + pairs, j2):
                items.append(Item("added", f"{label} {j + 1}", escape(b[j])))
        elif op == "delete":
            items.extend(Item("removed", f"{label} {i + 1}", escape(a[i])) for i in range(i1, i2))
        elif op == "insert":
            items.extend(Item("added", f"{label} {j + 1}", escape(b[j])) for j in range(j1, j2))
    return items


# Appended to a line written upright where its style is bold ("weight": "normal"): the same words with
# another look, reported as a change of bold/italic.
_UPRIGHT = "\x00"


def _line_texts(section: dict, looks: bool = False) -> list[str]:
    lines = section.get("lines", [])
    return [_table_text(line.get("table")) if line.get("kind") == "table" else
            ("    " * clamp_level(line.get("level"))) + (f"{label} " if label else "") + line.get("text", "")
            + (_UPRIGHT if looks and valid_weight(line.get("weight")) else "")
            for line, label in zip(lines, labels(lines))]


def _row_texts(table: dict | None) -> tuple[str, list[str]]:
    """A table as its header and its rows (the total last), each a line of cells "a | b | c"."""
    laid = layout(table)
    rows = [" | ".join(cell.text for cell in row) for row in laid.rows]
    if laid.total is not None:
        rows.append(" | ".join(cell.text for cell in laid.total))
    return " | ".join(laid.columns), rows


def _table_text(table: dict | None) -> str:
    """The whole table as one line (any change of a cell changes it): "Bảng: header; row; row"."""
    header, rows = _row_texts(table)
    return "Bảng: " + "; ".join([header, *rows])


def _table_items(before: dict, after: dict, number: int) -> list[Item] | None:
    """A table changed into a table: its header and the rows that changed, added or removed."""
    if before.get("kind") != "table" or after.get("kind") != "table":
        return None
    (head_a, rows_a), (head_b, rows_b) = _row_texts(before.get("table")), _row_texts(after.get("table"))
    label = f"Dòng {number} (bảng)"
    items = [Item("changed", f"{label}, tiêu đề cột", words_html(head_a, head_b))] if head_a != head_b else []
    items += _text_items(f"{label}, hàng", rows_a, rows_b)
    return items or [Item("changed", label, escape("Bảng đã đổi."))]


def _activity_texts(row: dict) -> list[str]:
    out = []
    for a in row.get("activities", []):
        extra = []
        if a.get("groups"):
            extra.append("giao: " + ", ".join(a["groups"]))
        if a.get("due"):
            y, m, d = a["due"].split("-")
            extra.append(f"hạn {d}/{m}/{y}")
        out.append("- " + a.get("text", "") + (f" ({'; '.join(extra)})" if extra else ""))
    return out


def _aligned(old: list[dict], new: list[dict], key) -> list[tuple[dict | None, dict | None, int | None]]:
    """Pairs of (old part, new part, new index) matched by key, in the new document's order."""
    a, b = [key(x) for x in old], [key(x) for x in new]
    pairs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "replace") and (i2 - i1) == (j2 - j1):
            pairs.extend((old[i], new[j], j) for i, j in zip(range(i1, i2), range(j1, j2)))
        else:
            pairs.extend((old[i], None, None) for i in range(i1, i2))
            pairs.extend((None, new[j], j) for j in range(j1, j2))
    return pairs


def diff_documents(old: dict, new: dict) -> list[PartDiff]:
    parts: list[PartDiff] = []

    header = PartDiff("Thông tin chung")
    for key, label in HEADER_FIELDS:
        before, after = old.get(key) or "", new.get(key) or ""
        if key in DATE_FIELDS:
            before, after = fmt_date(parse_iso_date(before)), fmt_date(parse_iso_date(after))
        if before != after:
            header.items.append(Item("changed", label, words_html(before, after)))
    parts.append(header)

    parts.append(PartDiff("Căn cứ", _text_items("Căn cứ", old.get("bases", []), new.get("bases", []))))
    parts.append(PartDiff("Đoạn mở đầu", _text_items(
        "Đoạn", [p for p in (old.get("opening") or "").split("\n") if p],
        [p for p in (new.get("opening") or "").split("\n") if p])))

    for before, after, index in _aligned(old.get("sections", []), new.get("sections", []),
                                         key=lambda s: plain(s.get("title", ""))):
        if after is None:
            parts.append(PartDiff(f"Mục “{before['title']}” (đã xóa)",
                                  [Item("removed", "Dòng", escape(t)) for t in _line_texts(before)]
                                  or [Item("removed", "Tên mục", escape(before["title"]))]))
            continue
        title = f"Mục {roman(index + 1)}. {after['title']}"
        if before is None:
            parts.append(PartDiff(title + " (mục mới)", [Item("added", "Dòng", escape(t)) for t in _line_texts(after)]
                                  or [Item("added", "Tên mục", escape(after["title"]))]))
            continue
        part = PartDiff(title)
        if before["title"] != after["title"]:
            part.items.append(Item("changed", "Tên mục", words_html(before["title"], after["title"])))
        lines_a, lines_b = before.get("lines", []), after.get("lines", [])
        part.items.extend(_text_items("Dòng", _line_texts(before, True), _line_texts(after, True),
                                      describe=lambda i, j: _table_items(lines_a[i], lines_b[j], j + 1)))
        parts.append(part)

    for before, after, _ in _aligned(old.get("schedule", []), new.get("schedule", []),
                                     key=lambda r: r.get("period", "")):
        if after is None:
            parts.append(PartDiff(f"Lịch công tác — {before['period']} (đã xóa)",
                                  [Item("removed", "Việc", escape(t)) for t in _activity_texts(before)]
                                  or [Item("removed", "Tháng", escape(before["period"]))]))
        elif before is None:
            parts.append(PartDiff(f"Lịch công tác — {after['period']} (mới)",
                                  [Item("added", "Việc", escape(t)) for t in _activity_texts(after)]
                                  or [Item("added", "Tháng", escape(after["period"]))]))
        else:
            parts.append(PartDiff(f"Lịch công tác — {after['period']}",
                                  _text_items("Việc", _activity_texts(before), _activity_texts(after))))

    parts.append(PartDiff("Nơi nhận", _text_items("Nơi nhận", old.get("recipients", []), new.get("recipients", []))))
    sig_old, sig_new = old.get("signature") or {}, new.get("signature") or {}
    signature = PartDiff("Khối chữ ký")
    for key, label in (("on_behalf", "Thẩm quyền ký"), ("title", "Chức danh"), ("name", "Người ký")):
        if (sig_old.get(key) or "") != (sig_new.get(key) or ""):
            signature.items.append(Item("changed", label, words_html(sig_old.get(key) or "", sig_new.get(key) or "")))
    parts.append(signature)
    return [p for p in parts if p.items]
