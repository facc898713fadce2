"""Part of step 4 of a Word import (builder.py): which tables are the schedule (lịch công tác). A table
whose first column (after a numbering column) holds periods ("Tháng 9", "8/2023", "Tuần 1") or is
headed so, which columns hold the content and the groups, and whether a table carries on the one above
it (a schedule split across pages). Other tables are read cell by cell as paragraphs (builder.py)."""
from __future__ import annotations

import re

from congdoan.text import clean_text, fold

from .reader import _Cell, _Para, _Row, _Table

_PERIOD_RE = re.compile(
    r"^(?:(?:thang|tuan|dot|quy|hoc ky|hk|ky|giai doan|ngay|tu ngay|tu|t)\s*)?"
    r"[0-9ivx]{1,4}(?:\s*(?:[,;/.\-–&+]|va|den)\s*[0-9ivx]{1,4})*"
    r"(?:\s*(?:nam|/)\s*\d{4})?$")
_PERIOD_HEADERS = ("thang", "thoi gian", "tuan", "thoi diem", "ngay", "dot", "giai doan",
                   "hoc ky", "ky", "thoi han")
_CONTENT_HEADERS = ("noi dung", "cong viec", "hoat dong", "nhiem vu", "cong tac")
_GROUP_HEADERS = ("thuc hien", "phu trach", "nguoi", "bo phan", "luc luong", "chu tri",
                  "phoi hop", "don vi", "to ")
_NOTE_HEADERS = ("ghi chu", "ket qua", "kinh phi", "dia diem", "danh gia")
_INDEX_HEADERS = ("tt", "stt", "so tt", "so thu tu")


def _looks_like_period(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 40:
        return False
    return bool(_PERIOD_RE.match(fold(text)))


def _is_period_header(text: str) -> bool:
    folded = fold(text).strip(" :.")
    return any(folded == h or folded.startswith(h + " ") or folded.startswith(h + "/")
               for h in _PERIOD_HEADERS) and not _looks_like_period(text)


def _period_label(text: str) -> str:
    text = clean_text(text)
    return re.sub(r"\s*/\s*", "/", text)


class _Tables:
    """The schedule tables' shape, for _Builder (builder.py)."""

    def _cell_text(self, cell: _Cell | None) -> str:
        if cell is None:
            return ""
        parts = [clean_text(p.text) for p in self._cell_paras(cell)]
        return " ".join(p for p in parts if p)

    def _cell_paras(self, cell: _Cell) -> list[_Para]:
        out: list[_Para] = []

        def walk(blocks):
            for block in blocks:
                if isinstance(block, _Para):
                    out.append(block)
                else:
                    for row in block.rows:
                        for inner in row.cells:
                            walk(inner.blocks)

        walk(cell.blocks)
        return out

    @staticmethod
    def _cell_at(row: _Row, col: int) -> _Cell | None:
        for cell in row.cells:
            if cell.col <= col < cell.col + cell.span:
                return cell
        return None

    def _columns(self, table: _Table) -> dict | None:
        """Which grid column holds the period, the content, the groups; None if not a schedule."""
        if table.ncols < 2 or not table.rows:
            return None
        skip = 0    # title rows: one text across the whole table ("NỘI DUNG CÔNG TÁC … NĂM HỌC …")
        while skip < min(3, len(table.rows) - 1) and self._title_row(table.rows[skip], table.ncols):
            skip += 1
        header = table.rows[skip]
        texts = [self._cell_text(self._cell_at(header, c)) for c in range(table.ncols)]
        folded = [fold(t).strip(" :.") for t in texts]
        cols: dict = {"period": None, "content": None, "groups": None, "index": None,
                      "extra": [], "header": False, "skip": skip,
                      "title_rows": [[self._cell_text(c) for c in row.cells]
                                     for row in table.rows[:skip]]}
        for c, f in enumerate(folded):
            if cols["index"] is None and f in _INDEX_HEADERS:
                cols["index"] = c
            elif cols["period"] is None and _is_period_header(texts[c]):
                cols["period"] = c
        if cols["period"] is not None:
            cols["header"] = True
        else:
            # No header: the first column (after a numbering column) whose cells look like periods.
            for c in range(min(table.ncols - 1, 2)):
                values = [self._cell_text(self._cell_at(row, c)) for row in table.rows[skip:]]
                values = [v for v in values if v]
                hits = sum(1 for v in values if _looks_like_period(v))
                if values and hits >= 2 and hits * 2 >= len(values):
                    cols["period"] = c
                    first = self._cell_text(self._cell_at(header, c))
                    cols["header"] = bool(first) and not _looks_like_period(first) and all(
                        len(t) < 60 for t in texts)
                    break
                if not (values and all(re.fullmatch(r"\d{1,3}\.?", v) for v in values)):
                    break  # only a numbering column may stand before the period column
        if cols["period"] is None:
            return None
        used = {cols["period"], cols["index"]}
        if cols["header"]:
            for c, f in enumerate(folded):
                if c in used:
                    continue
                if cols["content"] is None and any(f.startswith(h) for h in _CONTENT_HEADERS):
                    cols["content"] = c
                elif cols["groups"] is None and any(h.strip() in f for h in _GROUP_HEADERS) \
                        and not any(f.startswith(h) for h in _NOTE_HEADERS):
                    cols["groups"] = c
        if cols["content"] is None:
            for c in range(table.ncols):
                if c not in used and c != cols["groups"]:
                    cols["content"] = c
                    break
        if cols["content"] is None:
            return None
        used.add(cols["content"])
        if cols["groups"] is None:
            for c in range(cols["content"] + 1, table.ncols):
                if c not in used and not (cols["header"] and any(
                        folded[c].startswith(h) for h in _NOTE_HEADERS)):
                    cols["groups"] = c
                    break
        used.add(cols["groups"])
        cols["extra"] = [c for c in range(table.ncols) if c not in used]
        cols["titles"] = texts
        return cols

    def _title_row(self, row: _Row, ncols: int) -> bool:
        """A row whose only text spans the table (a title above the column headers)."""
        filled = [cell for cell in row.cells if self._cell_text(cell)]
        if len(filled) != 1:
            return False
        cell = filled[0]
        text = self._cell_text(cell)
        wide = cell.span >= max(2, ncols - 1) or len(row.cells) == 1
        return wide and not _looks_like_period(text) and not _is_period_header(text) and \
            len(text) <= 300

    def _is_schedule(self, table: _Table) -> bool:
        return self._columns(table) is not None

    def _continues(self, tables: list[_Table], table: _Table) -> bool:
        """Does this table carry on the schedule above it (a table split across pages)?"""
        first = tables[0]
        if table.ncols != first.ncols or not table.rows:
            return False
        cols = self._columns(first)
        if cols is None:
            return False
        period = cols["period"]
        values = [self._cell_text(self._cell_at(row, period)) for row in table.rows]
        texts = " ".join(self._cell_text(c) for row in table.rows for c in row.cells)
        if "noi nhan" in fold(texts):
            return False
        repeated = cols["title_rows"] + [[self._cell_text(c) for c in first.rows[cols["skip"]].cells]]
        for index, value in enumerate(values):
            if not value or _looks_like_period(value):
                continue
            if index <= cols["skip"] and [self._cell_text(c) for c in table.rows[index].cells] \
                    in repeated:
                continue  # the title and header rows repeated on the next page
            return False
        return True
