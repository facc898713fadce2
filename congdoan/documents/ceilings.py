"""Ceilings on the Word files people upload: a plan to import and a replacement template.

Both are zip archives whose XML is expanded in memory (lxml for the import, python-docx and docxtpl
for a template). Before that, the zip directory is checked (congdoan.archives: each part's
uncompressed size, the total, the packing ratio), and the document part of an import is streamed
through expat once to count its text and elements, so a 193 KB file holding 68 MB of text is
refused after reading the directory, and one holding more text than any plan in a normal-looking
archive is refused before a tree is built. Figures: docs/input-ceilings.md, bench/ceilings.py.
"""
from __future__ import annotations

import zipfile

from congdoan.archives import ArchiveRefused, check_directory, mb, stream_xml

# Import of a plan (the upload itself is at most 20 MB: word_import.MAX_BYTES)
MAX_IMPORT_PART = 16 * 1024 * 1024    # one XML part the importer parses (document, styles, numbering)
MAX_IMPORT_TOTAL = 200 * 1024 * 1024  # every part, pictures included (those are never expanded)
MAX_MEMBERS = 2_000
# A long real plan has 50,000-100,000 characters (the example: ~15,000); five times the longest
# leaves room for an annual plan with its annexes, while the largest accepted file still imports
# in about a second and 50 MB (docs/input-ceilings.md, bench/ceilings.py).
MAX_TEXT_CHARS = 500_000
MAX_ELEMENTS = 400_000                # XML elements of the document part (a long plan: ~20,000)

# A replacement template (the upload is at most 5 MB: services.MAX_TEMPLATE_BYTES)
MAX_TEMPLATE_UPLOAD = 5 * 1024 * 1024  # the template upload (services.MAX_TEMPLATE_BYTES)
MAX_TEMPLATE_PART = 4 * 1024 * 1024   # the built-in template's document part is 14 KB
MAX_TEMPLATE_TOTAL = 40 * 1024 * 1024

_MEDIA = ("word/media/", "word/embeddings/", "docProps/thumbnail")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _limits(part: int, upload: int):
    def limit(name: str) -> int:
        # pictures are stored, not parsed: they may be as large as the upload itself
        return upload if name.startswith(_MEDIA) else part
    return limit


def check_import_archive(archive: zipfile.ZipFile, upload_limit: int) -> None:
    """ArchiveRefused when a plan to import passes a zip ceiling."""
    check_directory(archive, what="Tệp Word", max_members=MAX_MEMBERS, max_total=MAX_IMPORT_TOTAL,
                    limit_for=_limits(MAX_IMPORT_PART, upload_limit))


def check_template_archive(archive: zipfile.ZipFile, upload_limit: int) -> None:
    """ArchiveRefused when a template passes a zip ceiling."""
    check_directory(archive, what="Tệp mẫu Word", max_members=MAX_MEMBERS, max_total=MAX_TEMPLATE_TOTAL,
                    limit_for=_limits(MAX_TEMPLATE_PART, upload_limit))


def scan_document(archive: zipfile.ZipFile, name: str, max_paragraphs: int) -> None:
    """Stream the document part once: ArchiveRefused past MAX_TEXT_CHARS characters of text,
    MAX_ELEMENTS elements or max_paragraphs paragraphs, as soon as the limit is passed."""
    counts = {"elements": 0, "paragraphs": 0, "text": 0}
    in_text = [False]

    def start(tag: str, _attrs) -> None:
        counts["elements"] += 1
        if counts["elements"] > MAX_ELEMENTS:
            raise ArchiveRefused(f"Văn bản Word quá phức tạp để nhập (hơn {_n(MAX_ELEMENTS)} thành phần "
                                 f"XML; tối đa {_n(MAX_ELEMENTS)}).")
        if tag == "p":
            counts["paragraphs"] += 1
            if counts["paragraphs"] > max_paragraphs:
                raise ArchiveRefused(f"Văn bản quá dài (hơn {_n(max_paragraphs)} đoạn). Chỉ nhập được văn "
                                     f"bản tối đa {_n(max_paragraphs)} đoạn.")
        in_text[0] = tag in ("t", "delText", "instrText")

    def end(_tag: str) -> None:
        in_text[0] = False

    def text(chars: str) -> None:
        if in_text[0]:
            counts["text"] += len(chars)
            if counts["text"] > MAX_TEXT_CHARS:
                raise ArchiveRefused(f"Văn bản Word có quá nhiều chữ để nhập (hơn {_n(MAX_TEXT_CHARS)} ký tự; "
                                     f"tối đa {_n(MAX_TEXT_CHARS)} ký tự, một kế hoạch dài có khoảng 50.000 – "
                                     "100.000 ký tự). Không có gì được lưu.")

    stream_xml(archive, name, start=start, end=end, text=text)


__all__ = ["ArchiveRefused", "check_import_archive", "check_template_archive", "scan_document", "mb"]
