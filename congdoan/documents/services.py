"""Word import's upload limit and entry points (plan_import.py), importable from here.

Everything else of official documents has a module of its own: templates.py (the union's template and
the built-in one), signatures.py (a person's signature image and the seal), signing.py (signing and
numbering), stored_files.py (issued files and drafts), verification.py, render.py (the Word file).
"""
from __future__ import annotations

MAX_IMPORT_BYTES = 20 * 1024 * 1024     # the importer's own limit (importer.MAX_BYTES)

# Word import lives in plan_import.py; these names stay importable from here.
from .plan_import import import_plan, import_report  # noqa: E402,F401
