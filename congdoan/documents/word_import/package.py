"""Step 1 of a Word import: the .docx container. The upload's size and kind (a .doc, PDF, RTF, ODT,
Excel or PowerPoint file is named as such), the zip directory against the ceilings
(congdoan/documents/ceilings.py), then each XML part read with its own size limit and a parser that
loads nothing from outside."""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from congdoan.documents import ceilings

from .legacy import OLE_MAGIC
from .result import ImportFailed

MAX_BYTES = 20 * 1024 * 1024
MAX_PARAGRAPHS = 5000
MAX_PART_BYTES = ceilings.MAX_IMPORT_PART  # uncompressed size of one XML part (zip bombs)

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_NOT_DOCX = "Tệp tải lên không phải là văn bản Word (.docx)."
_CORRUPT = "Tệp Word bị hỏng, không đọc được. Hãy mở tệp bằng Word, lưu lại rồi tải lên lần nữa."


def _parser() -> etree.XMLParser:
    # No entity expansion, no network, no DTD loading: the XML comes from a stranger.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           remove_comments=True, remove_pis=True, huge_tree=False)


class _Package:
    def __init__(self, data: bytes):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("import_plan_docx expects the bytes of the uploaded file")
        data = bytes(data)
        if not data:
            raise ImportFailed("Tệp tải lên trống (0 byte).")
        if len(data) > MAX_BYTES:
            size = len(data) / (1024 * 1024)
            raise ImportFailed(f"Tệp quá lớn ({size:.1f} MB). Chỉ nhận văn bản Word tối đa 20 MB.")
        if data.startswith(OLE_MAGIC):
            if "EncryptedPackage".encode("utf-16-le") in data:
                raise ImportFailed("Tệp Word đang được đặt mật khẩu. Hãy gỡ mật khẩu trong Word "
                                   "(Tệp > Thông tin > Bảo vệ tài liệu) rồi tải lên lại.")
            raise ImportFailed("Đây là tệp Word 97-2003 (.doc). Hãy mở bằng Word, chọn Lưu thành "
                               "“Word Document (.docx)” rồi tải lên tệp .docx.")
        if data.startswith(b"%PDF"):
            raise ImportFailed("Đây là tệp PDF. Chỉ nhập được văn bản Word (.docx).")
        if data.lstrip()[:5] == b"{\\rtf":
            raise ImportFailed("Đây là tệp RTF. Hãy mở bằng Word và lưu lại dưới dạng .docx.")
        if not data.startswith(b"PK"):
            raise ImportFailed(_NOT_DOCX)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            raise ImportFailed(_CORRUPT) from None
        try:
            # declared sizes, packing, encryption: read from the zip directory, nothing expanded
            ceilings.check_import_archive(self.zip, MAX_BYTES)
        except ceilings.ArchiveRefused as exc:
            raise ImportFailed(str(exc)) from None
        if "mimetype" in self.names:
            mime = self._read_raw("mimetype")[:100]
            if mime.startswith(b"application/vnd.oasis.opendocument"):
                raise ImportFailed("Đây là tệp OpenDocument (.odt). Hãy lưu lại dưới dạng Word "
                                   "(.docx) rồi tải lên.")
        if any(info.flag_bits & 0x1 for info in self.names.values()):
            raise ImportFailed("Tệp Word đang được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.")
        self.main = self._main_part()
        self.main_rels = self._rels(self.main)

    def _read_raw(self, name: str) -> bytes:
        info = self.names.get(name)
        if info is None:
            raise KeyError(name)
        if info.file_size > MAX_PART_BYTES:
            raise ImportFailed(f"Văn bản quá lớn để nhập (phần {name} giải nén vượt giới hạn "
                               f"{ceilings.mb(MAX_PART_BYTES)}).")
        try:
            with self.zip.open(info) as handle:
                raw = handle.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
                ValueError):
            raise ImportFailed(_CORRUPT) from None
        except Exception as exc:  # zlib.error and friends
            raise ImportFailed(_CORRUPT) from exc
        if len(raw) > MAX_PART_BYTES:
            raise ImportFailed(f"Văn bản quá lớn để nhập (phần {name} giải nén vượt giới hạn "
                               f"{ceilings.mb(MAX_PART_BYTES)}).")
        return raw

    def xml(self, name: str):
        raw = self._read_raw(name)
        try:
            return etree.fromstring(raw, _parser())
        except (etree.XMLSyntaxError, ValueError):
            raise ImportFailed(_CORRUPT) from None

    def _rels(self, part: str) -> dict[str, str]:
        """Relationship type suffix (e.g. "styles") -> part name, for one part."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, str] = {}
        if rels_name not in self.names:
            return found
        root = self.xml(rels_name)
        for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            if target.startswith("/"):
                name = target.lstrip("/")
            else:
                name = posixpath.normpath(posixpath.join(folder, target))
            found.setdefault(kind, name)
        return found

    def _main_part(self) -> str:
        if "_rels/.rels" not in self.names:
            if "word/document.xml" in self.names:
                return "word/document.xml"
            raise ImportFailed(_NOT_DOCX)
        main = self._rels("")
        name = main.get("officeDocument")
        if not name or name not in self.names:
            raise ImportFailed(_NOT_DOCX)
        content_type = ""
        if "[Content_Types].xml" in self.names:
            types = self.xml("[Content_Types].xml")
            for over in types.iter(f"{{{_CT_NS}}}Override"):
                if (over.get("PartName") or "").lstrip("/") == name:
                    content_type = over.get("ContentType") or ""
        if "spreadsheetml" in content_type:
            raise ImportFailed("Đây là tệp Excel. Chỉ nhập được văn bản Word (.docx).")
        if "presentationml" in content_type:
            raise ImportFailed("Đây là tệp PowerPoint. Chỉ nhập được văn bản Word (.docx).")
        if content_type and "wordprocessingml" not in content_type:
            raise ImportFailed(_NOT_DOCX)
        return name

    def related_xml(self, kind: str):
        name = self.main_rels.get(kind)
        if not name or name not in self.names:
            return None
        try:
            return self.xml(name)
        except ImportFailed:
            return None  # a broken styles/numbering part is not worth refusing the file
