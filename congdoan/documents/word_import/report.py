"""Step 5 of a Word import: the report shown to the user, as a checklist where each line links to the
part of the new draft it concerns.

The builder writes each report line with the part of the document it was reading (a header field,
a section, a line, a schedule row, the closing block: _Report.where, then ImportResult.where, as
indexes into the document). Once the draft is written, those indexes name rows with ids, and the plan
page has an anchor for each (`line-12`, `section-3`, `row-5`, `activity-9`, `plan-header`, …).
"""
from __future__ import annotations


class _Report(list):
    """The report lines, each remembered with the part being read when it was written."""

    def __init__(self) -> None:
        super().__init__()
        self.place: tuple | None = None
        self.where: list[tuple | None] = []

    def append(self, text: str, where: tuple | None = ...) -> None:  # type: ignore[override]
        super().append(text)
        self.where.append(self.place if where is ... else where)


_FIXED = {"header": "plan-header", "closing": "plan-closing", "schedule": "plan-schedule",
          "bases": "plan-bases"}


def anchor_for(plan, where: tuple | None) -> str | None:
    """The id of the element of the plan page showing that part (None if it has none)."""
    if not where:
        return None
    kind = where[0]
    if kind in _FIXED:
        return _FIXED[kind]
    try:
        if kind == "section":
            return f"section-{plan.sections[where[1]].id}"
        if kind == "line":
            return f"line-{plan.sections[where[1]].lines[where[2]].id}"
        if kind == "row":
            return f"row-{plan.rows[where[1]].id}"
        if kind == "activity":
            return f"activity-{plan.rows[where[1]].activities[where[2]].id}"
    except (IndexError, TypeError):
        return None
    return None


def anchors(plan, result) -> list[str | None]:
    """One anchor (or None) per line of result.report, in order."""
    where = list(getattr(result, "where", []) or [])
    where += [None] * (len(result.report) - len(where))
    return [anchor_for(plan, w) for w in where[:len(result.report)]]
