"""What the records give a report: its sections as lines, the way a person would have typed them.

congdoan/reports/figures.py counts the records of a period and returns SectionDraft values; the
report service (congdoan/reports/service.py) writes them as plan_lines with origin "records", each
with the link of the list its figures were counted from, and "Cập nhật số liệu" replaces exactly
those lines. A table is one line of kind "table" whose `data` is Table.to_json().
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""          # the list this figure was counted from ("" = not a figure)

    def as_dict(self) -> dict:
        return {"text": self.text, "link": self.link} if self.link else {"text": self.text}


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]                   # the header row, repeated on every page in Word
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None      # a last "Tổng cộng" row, printed bold

    def to_json(self) -> str:
        data = {"columns": list(self.columns), "rows": [[c.as_dict() for c in row] for row in self.rows]}
        if self.total is not None:
            data["total"] = [c.as_dict() for c in self.total]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Table":
        data = json.loads(raw)

        def cells(values):
            return tuple(Cell(v.get("text", ""), v.get("link", "")) for v in values)
        total = data.get("total")
        return cls(tuple(data.get("columns", ())), tuple(cells(r) for r in data.get("rows", ())),
                   cells(total) if total is not None else None)


@dataclass(frozen=True)
class Block:
    """One line of a section: a paragraph, a numbered item ("subsection"), a bullet, or a table."""
    kind: str                      # "paragraph" | "subsection" | "bullet" | "table"
    text: str = ""                 # the line's text (markup as in plan_lines.text); "" for a table
    level: int = 0                 # 0-2, as plan_lines.level
    link: str = ""                 # the list the line's figures were counted from
    table: Table | None = None     # kind "table" only


@dataclass(frozen=True)
class SectionDraft:
    title: str                                  # "I. ĐẶC ĐIỂM TÌNH HÌNH"
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    from_records: bool = True                   # False: the committee writes it (III, IV)
