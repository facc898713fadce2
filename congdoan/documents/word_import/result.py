"""What a Word import gives back: the plan document with its report (ImportResult), or a refusal
whose message is shown to the person who uploaded the file (ImportFailed)."""
from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """The upload cannot be read as a Word plan; the message is shown to the user as is."""


@dataclass
class ImportResult:
    document: dict
    report: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    # for each report line, the part of the document it concerns (or None): ("header",),
    # ("closing",), ("schedule",), ("section", i), ("line", i, j), ("row", i), ("activity", i, j) —
    # indexes into the document's sections, their lines, the schedule rows and their activities
    # (report.py)
    where: list[tuple | None] = field(default_factory=list)
