"""The Word import in order: the .docx container (package.py), the body read with its styles and
numbering (reader.py, styles.py), and the plan document built from it with its report (builder.py)."""
from __future__ import annotations

from .builder import _Builder
from .package import _Package
from .reader import _Reader
from .result import ImportResult


def import_plan_docx(data: bytes) -> ImportResult:
    """Read a .docx plan into the plan document (format 1). Raises ImportFailed."""
    package = _Package(data)
    reader = _Reader(package)
    blocks = reader.body_blocks()
    builder = _Builder(reader)
    return builder.build(blocks)
