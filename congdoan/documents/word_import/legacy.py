"""Word 97-2003 (.doc) and RTF plans: converted to .docx by LibreOffice, then imported as usual.

Many schools still save .doc. The upload is recognised by its first bytes, never by its name: an
OLE2 compound file (D0 CF 11 E0 A1 B1 1A E1) holding a "WordDocument" stream is a Word 97-2003
document, "{\\rtf" starts an RTF file; a .docx renamed .doc starts with "PK" and is read directly.
LibreOffice (the soffice already used for PDF, congdoan/documents/pdf.py) converts it in a
temporary folder with its own profile and lock, a time limit and a size check on the result; the
.docx it writes then passes every ceiling of the importer (docs/input-ceilings.md).

The conversion runs in the request: it takes about 1.5 s for a long plan (bench/ceilings.py,
docs/input-ceilings.md), well under the ~3 s past which the background worker would be worth
its extra step (the person would otherwise wait on a "being converted" page for the same time).
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .. import pdf

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")      # the directory entry of a Word 97-2003 file
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")     # a password-protected .docx is OLE2 too
_EXCEL = "Workbook".encode("utf-16-le")
_POWERPOINT = "PowerPoint Document".encode("utf-16-le")

CONVERT_SECONDS = 30            # a long plan converts in ~1.5 s; a file that takes 20 times that is refused
MAX_RESULT_BYTES = 20 * 1024 * 1024   # the .docx written must fit the import's own upload limit

MISSING = ("Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc; hãy lưu tệp thành .docx "
           "trong Word rồi tải lên lại.")
CORRUPT = ("Không đọc được tệp Word 97-2003 (.doc) này: tệp bị hỏng hoặc không phải văn bản Word. "
           "Hãy mở tệp bằng Word, lưu thành .docx rồi tải lên lại.")


def too_slow(seconds: float) -> str:
    return (f"Chuyển tệp .doc sang .docx mất quá {seconds:g} giây nên đã dừng. Hãy mở tệp bằng Word, "
            "lưu thành .docx rồi tải lên lại.")


class LegacyRefused(ValueError):
    """The legacy file cannot be converted; the message is Vietnamese, for the person uploading."""


def kind_of(data: bytes) -> str | None:
    """"doc" for a Word 97-2003 file, "rtf" for RTF, None for anything else (a .docx, whatever its name)."""
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED in data:
            return None            # a .docx with a password: the importer says so
        if _WORD_STREAM in data:
            return "doc"
        if _EXCEL in data:
            raise LegacyRefused("Đây là tệp Excel 97-2003 (.xls). Chỉ nhập được văn bản Word.")
        if _POWERPOINT in data:
            raise LegacyRefused("Đây là tệp PowerPoint 97-2003 (.ppt). Chỉ nhập được văn bản Word.")
        raise LegacyRefused(CORRUPT)
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    return None


# The file comes from a stranger: no macro runs, and nothing it links to (a picture on a web server,
# a file:/// path on this server) is fetched into the converted copy. Settings of LibreOffice's
# Common.xcs and Inet.xcs, written into the import profile before LibreOffice first creates it.
# BlockUntrustedRefererLinks alone does not stop LibreOffice 7.4 from fetching a picture a .doc
# links to (INCLUDEPICTURE "http://…" \d): every web address goes through a proxy at the discard
# port of this machine, where nothing answers, so nothing is fetched (tests/test_import_legacy_doc.py).
_DEAD_PROXY = "".join(
    f'<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="{name}" oor:op="fuse">'
    f"<value>{value}</value></prop></item>\n"
    for name, value in (("ooInetProxyType", "1"),
                        ("ooInetHTTPProxyName", "127.0.0.1"), ("ooInetHTTPProxyPort", "9"),
                        ("ooInetHTTPSProxyName", "127.0.0.1"), ("ooInetHTTPSProxyPort", "9"),
                        ("ooInetFTPProxyName", "127.0.0.1"), ("ooInetFTPProxyPort", "9"),
                        ("ooInetNoProxy", "")))
_HARDENING = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop>
 <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop>
 <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>
</item>
""" + _DEAD_PROXY + """</oor:items>
"""
# A profile written before the proxy was added lacks this name: it is written again.
_HARDENED_MARK = "ooInetHTTPProxyPort"


def profile_dir() -> Path:
    """A LibreOffice profile of its own: an import never waits behind a PDF the worker is making,
    and the profile carries the hardening above (rewritten when LibreOffice has dropped it)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    profile = Path(tempfile.gettempdir()) / f"congdoan-lo-import-profile-{uid}"
    settings = profile / "user" / "registrymodifications.xcu"
    try:
        current = settings.read_text(encoding="utf-8") if settings.is_file() else ""
    except OSError:
        current = ""
    if "BlockUntrustedRefererLinks" not in current or _HARDENED_MARK not in current:
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_HARDENING, encoding="utf-8")
    return profile


_FLDINST = re.compile(rb"\\fldinst(?![A-Za-z])")
_CONTROL_WORD = re.compile(rb"\\([A-Za-z]{1,32})(-?\d{1,10})? ?")


def inert_rtf(data: bytes) -> bytes:
    """An RTF file whose fields have no instructions left: LibreOffice reads a picture named by an
    INCLUDEPICTURE field ("file:///…" on this server) into the converted copy whatever its
    settings, and INCLUDETEXT, LINK, DDE name other files and programs. Each field keeps its result
    (the text Word last showed for it), which is all a plan needs; only the instruction group's
    content (after \\fldinst, to its closing brace) is blanked. Braces are counted as RTF counts
    them: escaped braces and the raw bytes of \\binN are skipped."""
    out = bytearray()
    position = 0
    while True:
        match = _FLDINST.search(data, position)
        if match is None:
            out += data[position:]
            return bytes(out)
        out += data[position:match.end()] + b" "
        position = _group_end(data, match.end())


def _group_end(data: bytes, start: int) -> int:
    """The index of the brace closing the group that `start` is inside (len(data) if none)."""
    depth = 0
    i = start
    end = len(data)
    while i < end:
        byte = data[i]
        if byte == 0x5C:                                   # backslash
            word = _CONTROL_WORD.match(data, i)
            if word is None:
                i += 2                                     # \{ \} \\ or another control symbol
                continue
            i = word.end()
            if word.group(1) == b"bin" and word.group(2):
                i += max(int(word.group(2)), 0)            # raw bytes, braces included
            continue
        if byte == 0x7B:
            depth += 1
        elif byte == 0x7D:
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return end


def to_docx(data: bytes, *, timeout: float | None = None) -> bytes:
    """The bytes as a .docx: unchanged when they are not .doc or RTF, else converted by LibreOffice.
    Raises LegacyRefused (soffice missing, a damaged file, too slow, a result too large)."""
    kind = kind_of(data)
    if kind is None:
        return data
    if pdf.soffice_path() is None:
        raise LegacyRefused(MISSING)
    seconds = CONVERT_SECONDS if timeout is None else timeout
    if kind == "rtf":
        data = inert_rtf(data)
    try:
        converted = pdf.convert(data, source_name=f"ke-hoach.{kind}", target="docx:MS Word 2007 XML",
                                result_name="ke-hoach.docx", what="tệp .docx", timeout=seconds,
                                profile_dir=profile_dir(), max_result=MAX_RESULT_BYTES)
    except pdf.ConversionTimeout:
        raise LegacyRefused(too_slow(seconds)) from None
    except pdf.ConversionBusy:
        raise LegacyRefused("Máy chủ đang bận chuyển một tệp khác; vui lòng thử lại sau ít phút.") from None
    except pdf.ConversionTooLarge:
        raise LegacyRefused("Tệp .docx chuyển từ tệp .doc này quá lớn để nhập (tối đa 20 MB).") from None
    except pdf.PdfError:
        raise LegacyRefused(CORRUPT) from None
    if not converted.startswith(b"PK"):
        raise LegacyRefused(CORRUPT)
    return converted
