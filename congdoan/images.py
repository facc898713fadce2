"""The one way an uploaded or stored image is opened: Pillow with one pixel ceiling (MAX_PIXELS), checked
from the header before anything is decoded, so a file of a few bytes cannot decode to gigabytes."""
from __future__ import annotations

import io
import os
import warnings

# A phone photo is 12 to 50 M pixels; a signature or a seal needs about 1 M. Above this, refused.
MAX_PIXELS = 60_000_000


class TooManyPixels(Exception):
    """The image declares more than MAX_PIXELS; width and height are None when Pillow's own ceiling
    (about 89 M pixels) refused it before its size could be read."""

    def __init__(self, width: int | None = None, height: int | None = None):
        super().__init__(f"{width}×{height} pixels" if width else "too many pixels")
        self.width, self.height = width, height

    @property
    def size(self) -> str:
        """"8000×8000" for a message, or "" when unknown."""
        return f"{self.width}×{self.height}" if self.width else ""


def open_image(source: bytes | str | os.PathLike):
    """The image in `source` (its bytes or a file path), opened but not decoded: call load() or
    verify() on it. Raises TooManyPixels before decoding (Pillow's bomb warning counts as an error),
    and Pillow's own exceptions (UnidentifiedImageError, OSError...) for what is not an image."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise TooManyPixels() from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise TooManyPixels(image.width, image.height)
    return image
