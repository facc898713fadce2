"""Real and disguised sample files for upload tests."""
from __future__ import annotations

import io
import unicodedata

from werkzeug.datastructures import FileStorage


def png_bytes(width: int = 8, height: int = 6, color=(200, 30, 30)) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 120, 0)).save(out, "JPEG")
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
       b"endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(data: bytes, name: str = "anh.png", content_type: str = "image/png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)


TONES = "\u0300\u0301\u0303\u0309\u0323"      # huyền, sắc, ngã, hỏi, nặng


def excel_csv_vietnamese(text: str) -> bytes:
    """What Excel writes as "CSV (Comma delimited)" on a Vietnamese Windows: Windows-1258, where a letter
    with a tone is the letter (with its breve, circumflex or horn) followed by the combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return bytes(out)
