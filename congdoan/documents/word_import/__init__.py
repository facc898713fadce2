"""Import of a plan written in Word (.docx; .doc and RTF converted first) into the plan document
(docs/plan-document.md, format 1) and from there into a new plan. What happens on an import, in order:

1. package.py — the upload as a .docx container: its size and kind, the zip directory and each XML
   part against the ceilings (congdoan/documents/ceilings.py); a .doc or RTF upload is converted to
   .docx by LibreOffice before (legacy.py);
2. styles.py — styles (basedOn chains) and Word numbering resolved for each paragraph;
3. reader.py — the body walked into paragraphs (formatted runs, numbering level, indent, heading) and
   tables (grid, spans, merged cells), text boxes and content controls included;
4. builder.py — those blocks built into the plan document: the header, type line and subject
   (header.py), bases, opening, sections and their lines (body.py, with labels.py for the item
   numbering), the schedule (tables.py finds it, schedule.py reads its rows), and the footer
   (footer.py); runs.py and shapes.py are the text helpers and line patterns they share;
5. report.py — the report shown to the user: one line per thing guessed or not understood, each
   linked to the part of the new draft it concerns.

pipeline.py runs steps 1-4 (``import_plan_docx``: bytes in, ``ImportResult`` out, or ``ImportFailed``
with a message for the person who uploaded the file; result.py). store.py is the import as the site
runs it (``import_plan``): conversion, steps 1-4, the chosen way in (modes.py: a new draft or an
issued plan archived), the new plan and the report kept in its audit trail (``import_report``).

The reader works on the WordprocessingML itself (zipfile + lxml) rather than through python-docx: it
needs what python-docx hides (numbering definitions, style inheritance, manual breaks, content
controls, merged cells) and it must refuse hostile archives before parsing them.
"""
from __future__ import annotations

from .package import MAX_BYTES, MAX_PARAGRAPHS
from .pipeline import import_plan_docx
from .result import ImportFailed, ImportResult
from .store import import_plan, import_report, unknown_groups

__all__ = ["MAX_BYTES", "MAX_PARAGRAPHS", "ImportFailed", "ImportResult", "import_plan", "import_plan_docx",
           "import_report", "unknown_groups"]
