"""Issue 15 point 8: the pixel ceilings of uploaded images exist and are checked before decoding.

A PNG header can declare 10,000 × 10,000 pixels in a file of a few dozen bytes; decoding it would
take 300 MB. Every image is opened by congdoan.images.open_image with one ceiling (60 M pixels, above
the largest phone photo people send): signature and seal images, the stamp composed at render and
request/task evidence are refused from the header alone.
"""
from __future__ import annotations

import struct
import zlib

import pytest

from congdoan.documents.images import ImageRefused, check_image
from congdoan.documents.stamps import ImageError, stamp_image
from congdoan.images import MAX_PIXELS
from congdoan.uploads.service import UploadError, save_upload

from .samples import upload


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width × height pixels and holds one tiny compressed row."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def test_a_signature_declaring_too_many_pixels_is_refused_from_its_header():
    assert MAX_PIXELS == 60_000_000
    with pytest.raises(ImageRefused, match="quá nhiều điểm ảnh"):
        check_image(png_header(10_000, 10_000), "chữ ký")


def test_a_stored_image_declaring_too_many_pixels_is_refused_at_render():
    with pytest.raises(ImageError, match="quá lớn"):
        stamp_image(png_header(8_000, 8_000), None)


def test_evidence_declaring_too_many_pixels_is_refused(app):
    assert MAX_PIXELS == 60_000_000
    with pytest.raises(UploadError, match="quá lớn"):
        save_upload(upload(png_header(10_000, 10_000), "anh.png"))
