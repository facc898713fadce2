"""Uploaded Office files (.xlsx, .docx) are zip archives: check them before anything expands them.

A 303 KB spreadsheet can hold a 300 MB cell and a 193 KB Word file 68 MB of text: deflate packs
repeated bytes a thousand to one. open_checked_zip reads only the zip's directory (names, declared
sizes, compression) and refuses, with a Vietnamese message naming the limit, an archive with too
many members, a member larger than its limit, members larger than the total limit, a large member
packed more tightly than real documents are, an unknown compression or encryption. Python's zipfile
never yields more bytes than a member declares, so the declared sizes bound what is read later.

stream_xml then feeds one member to an expat parser in small chunks: handlers count what they need
(text per cell, rows, total text) and raise as soon as a limit is passed, so a huge text node is
refused after its first kilobytes, never built in memory (docs/input-ceilings.md).
"""
from __future__ import annotations

import io
import zipfile
import zlib
from typing import Callable, Iterable
from xml.parsers import expat

_CHUNK = 64 * 1024
_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
RATIO_FROM_BYTES = 1024 * 1024  # members smaller than this are never a danger, whatever their ratio
MAX_RATIO = 200                 # real XML packs 5-40 to one; a bomb packs about 1,000 to one


class ArchiveRefused(ValueError):
    """The archive passes a ceiling or is not a readable zip; the message is Vietnamese."""


def mb(size: int) -> str:
    """A size in MB as people read it: 5 MB, 1,5 MB."""
    value = size / (1024 * 1024)
    return (f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}").replace(".", ",") + " MB"


def open_checked_zip(data: bytes, *, what: str, max_members: int, max_total: int,
                     limit_for: Callable[[str], int]) -> zipfile.ZipFile:
    """The archive, once its directory is within the ceilings. `what` names the file in messages
    ("Tệp Excel"); limit_for(name) is the largest uncompressed size allowed for that member."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ArchiveRefused(f"{what} bị hỏng hoặc không phải tệp Office hợp lệ.") from None
    check_directory(archive, what=what, max_members=max_members, max_total=max_total,
                    limit_for=limit_for)
    return archive


def check_directory(archive: zipfile.ZipFile, *, what: str, max_members: int, max_total: int,
                    limit_for: Callable[[str], int]) -> None:
    """Refuse (ArchiveRefused) an opened archive whose directory passes a ceiling."""
    infos = archive.infolist()
    if len(infos) > max_members:
        raise ArchiveRefused(f"{what} có quá nhiều phần ({len(infos)}; tối đa {max_members}).")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ArchiveRefused(f"{what} đang được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.")
        if info.compress_type not in _COMPRESSIONS:
            raise ArchiveRefused(f"{what} dùng kiểu nén không hỗ trợ. Hãy mở bằng Office và lưu lại.")
        limit = limit_for(info.filename)
        if info.file_size > limit:
            raise ArchiveRefused(f"{what} có phần “{info.filename[:80]}” quá lớn khi giải nén "
                                 f"({mb(info.file_size)}; tối đa {mb(limit)}).")
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(f"{what} bị nén bất thường (phần “{info.filename[:80]}” giải nén lớn "
                                 f"gấp hơn {MAX_RATIO} lần; tối đa {MAX_RATIO} lần): có thể là tệp "
                                 "độc hại, không nhận.")
        total += info.file_size
        if total > max_total:
            raise ArchiveRefused(f"{what} quá lớn khi giải nén (tối đa {mb(max_total)} tổng cộng).")


def stream_xml(archive: zipfile.ZipFile, name: str, *, start: Callable | None = None,
               end: Callable | None = None, text: Callable | None = None) -> None:
    """Parse one member in chunks, calling start(local_name, attrs), end(local_name) and
    text(characters). Namespaces are dropped from names. Entities and DTDs are refused. The
    callbacks raise to stop; a malformed member raises ArchiveRefused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = False   # text arrives in pieces: a huge text node is never held whole

    def local(tag: str) -> str:
        return tag.rsplit(" ", 1)[-1]

    if start is not None:
        parser.StartElementHandler = lambda tag, attrs: start(local(tag), attrs)
    if end is not None:
        parser.EndElementHandler = lambda tag: end(local(tag))
    if text is not None:
        parser.CharacterDataHandler = text

    def no_dtd(*_args) -> None:
        raise ArchiveRefused("Tệp chứa khai báo DTD/thực thể XML, không nhận.")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    try:
        with archive.open(name) as handle:
            for chunk in _chunks(handle):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise ArchiveRefused("Tệp bị hỏng (nội dung XML không đọc được).") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError):
        raise ArchiveRefused("Tệp bị hỏng, không giải nén được.") from None


def _chunks(handle) -> Iterable[bytes]:
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return
        yield chunk
