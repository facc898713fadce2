"""Signature and seal images: checked by their content, re-encoded, size-limited.

A file is accepted only when pillow reads it as a PNG or a JPEG, whatever its name or the type the
browser claims. It is then re-encoded as a PNG no larger than the print needs: the stored copy has
no EXIF (a phone photo carries the place it was taken), cannot be a polyglot file, and renders fast.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from ..images import MAX_PIXELS, TooManyPixels, open_image

MAX_UPLOAD_BYTES = 2 * 1024 * 1024     # a scanned signature or seal is well under 1 MB
MIN_SIDE = 40                          # smaller cannot be printed legibly
STORED_MAX_SIDE = 1200                 # about 70 mm at 430 dpi: more than the print needs


class ImageRefused(ValueError):
    """The upload is not a usable PNG/JPEG; the message is Vietnamese and meant for the user."""


@dataclass(frozen=True)
class CheckedImage:
    png: bytes
    sha256: str
    width: int
    height: int


def check_image(data: bytes, what: str) -> CheckedImage:
    """Check an uploaded signature or seal image and return it re-encoded as PNG.

    Refused (ImageRefused, Vietnamese message naming `what`): an empty file, a file over 2 MB, a
    file that is not a PNG or JPEG by content, a broken image, one too small to print or with too
    many pixels.
    """
    from PIL import ImageOps, UnidentifiedImageError

    if not data:
        raise ImageRefused(f"Chưa chọn tệp ảnh {what}.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRefused(f"Ảnh {what} quá lớn ({len(data) / 1024 / 1024:.1f} MB); "
                           f"tối đa {MAX_UPLOAD_BYTES // 1024 // 1024} MB.")
    too_many = (f"Ảnh {what} có quá nhiều điểm ảnh (tối đa {MAX_PIXELS // 1_000_000} triệu điểm ảnh; "
                "chữ ký hoặc con dấu chỉ cần khoảng 1 triệu).")
    try:
        probe = open_image(data)                 # the header alone: nothing decoded yet
        kind = probe.format
        width, height = probe.size
    except TooManyPixels as exc:
        raise ImageRefused(f"{too_many[:-1]} Ảnh này có {exc.size}." if exc.size else too_many) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ImageRefused(f"Tệp ảnh {what} không phải ảnh PNG hoặc JPEG.") from None
    if kind not in ("PNG", "JPEG"):
        raise ImageRefused(f"Ảnh {what} phải là PNG hoặc JPEG (tệp này là {kind or 'định dạng khác'}).")
    if min(width, height) < MIN_SIDE:
        raise ImageRefused(f"Ảnh {what} quá nhỏ ({width}×{height} điểm ảnh); "
                           f"cần ít nhất {MIN_SIDE} điểm ảnh mỗi chiều.")
    try:
        probe.verify()                           # checksums and structure, without decoding
        image = open_image(data)                 # verify() leaves the object unusable
        image.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))
        image.load()
        image = ImageOps.exif_transpose(image)
    except Exception:  # pillow raises many kinds for a damaged file; the user only needs to know
        raise ImageRefused(f"Ảnh {what} bị hỏng, không đọc được. Hãy chụp hoặc quét lại.") from None
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    png = out.getvalue()
    return CheckedImage(png=png, sha256=hashlib.sha256(png).hexdigest(), width=image.width,
                        height=image.height)
