"""The images placed in a signed document: the signer's signature with the union's seal over it, as
unions stamp on paper, and the QR code of the verification link."""
from __future__ import annotations

import hashlib
import io

from congdoan import caching
from congdoan.images import TooManyPixels, open_image

# Physical sizes of the images placed in the document.
SIGNATURE_HEIGHT_MM = 22
SEAL_DIAMETER_MM = 36
QR_SIZE_MM = 20

_PX_PER_MM = 10  # about 250 dpi: sharp in print, quick to compose
_MAX_PX = 70 * _PX_PER_MM


class ImageError(ValueError):
    """A signature or seal image that cannot be read; Vietnamese message."""


def _open_image(data: bytes, what: str):
    from PIL import Image, ImageOps

    try:
        image = open_image(data)   # the pixel ceiling is checked before decoding: no memory bomb
        image.draft("RGB", (_MAX_PX, _MAX_PX))  # JPEG: decode a phone photo at reduced size
        image.load()
    except TooManyPixels as exc:
        raise ImageError(f"Ảnh {what} quá lớn ({exc.size} điểm ảnh)." if exc.size
                         else f"Ảnh {what} quá lớn.") from None
    except Exception as exc:  # PIL raises many kinds; the user only needs to know it failed
        raise ImageError(f"Không đọc được ảnh {what}: tệp không phải ảnh PNG/JPEG hợp lệ.") from exc
    image = ImageOps.exif_transpose(image)
    # never more pixels than the print needs (70 mm at 10 px/mm): later steps stay cheap
    image.thumbnail((_MAX_PX, _MAX_PX), reducing_gap=2.0)
    # flatten on white: the page is white and the seal is blended by multiplication
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


_stamps = caching.lru("documents.stamps", 16)


def stamp_image(signature: bytes | None, seal: bytes | None) -> tuple[bytes, float, float] | None:
    """The signature with the seal over its left part, as unions stamp on paper.

    Returns (PNG bytes, width mm, height mm), or None when there is neither image. The seal is
    blended by multiplication so a seal scanned on white paper does not hide the signature.
    Results are kept by content hash (congdoan.caching): an issued plan is downloaded again and
    again with the same images, and decoding a large PNG costs half a second.
    """
    if not signature and not seal:
        return None
    key = hashlib.sha256(b"S" + (signature or b"") + b"|" + hashlib.sha256(seal or b"").digest()
                         ).digest()
    return _stamps.get_or_compute(key, lambda: _compose_stamp(signature, seal))


def _compose_stamp(signature: bytes | None, seal: bytes | None) -> tuple[bytes, float, float]:
    from PIL import Image, ImageChops

    px_per_mm = _PX_PER_MM
    sig = _open_image(signature, "chữ ký") if signature else None
    stamp = _open_image(seal, "con dấu") if seal else None
    if sig is not None and stamp is None:
        height = SIGNATURE_HEIGHT_MM
        width = min(height * sig.width / sig.height, 70)
        height = width * sig.height / sig.width
        return _png(sig), width, height

    diameter = round(SEAL_DIAMETER_MM * px_per_mm)
    stamp = stamp.resize((diameter, round(diameter * stamp.height / stamp.width)),
                         Image.LANCZOS)
    if sig is None:
        return _png(stamp), SEAL_DIAMETER_MM, SEAL_DIAMETER_MM * stamp.height / stamp.width

    sig_h = round(SIGNATURE_HEIGHT_MM * px_per_mm)
    sig_w = min(round(sig_h * sig.width / sig.height), 70 * px_per_mm)
    sig_h = round(sig_w * sig.height / sig.width)
    sig = sig.resize((sig_w, sig_h), Image.LANCZOS)
    sig_x = round(stamp.width * 0.62)  # the seal covers about a third of the signature
    width = max(stamp.width, sig_x + sig_w)
    height = max(stamp.height, sig_h)
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(sig, (sig_x, (height - sig_h) // 2))
    seal_layer = Image.new("RGB", (width, height), "white")
    seal_layer.paste(stamp, (0, (height - stamp.height) // 2))
    canvas = ImageChops.multiply(canvas, seal_layer)
    return _png(canvas), width / px_per_mm, height / px_per_mm


def qr_png(payload: str) -> bytes:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=1)
    code.add_data(payload)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out)
    return out.getvalue()

