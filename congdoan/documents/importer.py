"""Read a plan (kế hoạch) written in Word into the plan document (docs/plan-document.md, format 1).

Pure Python, no Flask: ``import_plan_docx(data)`` takes the bytes of an uploaded .docx and returns an
``ImportResult`` with the document, a short Vietnamese report (one line per thing that was guessed or
not understood) and a few counts. A file that cannot be read at all raises ``ImportFailed`` with a
message meant for the person who uploaded it.

The reader works on the WordprocessingML itself (zipfile + lxml) rather than through python-docx: it
needs what python-docx hides (numbering definitions, style inheritance, manual breaks, content
controls, merged cells) and it must refuse hostile archives before parsing them.

How the parts of a plan are recognised (see docs/plan-document.md for the shape produced):

* header: everything before the type line ("KẾ HOẠCH ..."), whether a layout table or plain
  paragraphs (tabs or long runs of spaces split the two columns); the national motto is dropped (it
  comes from the settings), "Số:" gives the number, "<place>, ngày .. tháng .. năm ...." the date;
  the remaining lines are the upper union and the union name;
* the subject: the centred lines after the type line (or the rest of the type line);
* bases: "Căn cứ ...", "Thực hiện ...", "Theo ..." paragraphs before the first section; other
  paragraphs there are the opening;
* sections: Roman numerals typed in the text ("I.", "II-", "III /", "IV)") or given by Word numbering
  (numFmt upperRoman) or a Heading 1 style; subsections "1.", "2)", "a)" or Word decimal/letter
  numbering; bullets "-", "–", "+", "•", "*" or Word bullet lists;
* the schedule: any table whose first column holds periods ("Tháng", "8/2023", "Tuần 1"), merged
  with the tables that continue it;
* the footer: "Nơi nhận:" with its lines, and the signature block ("TM. ...", "CHỦ TỊCH", name).
"""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from congdoan.documents import ceilings, import_labels
from congdoan.plans.numbering import default_label, labels as line_labels
from congdoan.text import INVISIBLE, Run, clean_text, fold, plain, roman, runs_to_markup

MAX_BYTES = 20 * 1024 * 1024
MAX_PARAGRAPHS = 5000
MAX_PART_BYTES = ceilings.MAX_IMPORT_PART  # uncompressed size of one XML part (zip bombs)

FORMAT = 1

# --------------------------------------------------------------------------------------------------
# Public API


class ImportFailed(Exception):
    """The upload cannot be read as a Word plan; the message is shown to the user as is."""


@dataclass
class ImportResult:
    document: dict
    report: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    # for each report line, the part of the document it concerns (or None): ("header",),
    # ("closing",), ("schedule",), ("section", i), ("line", i, j), ("row", i), ("activity", i, j) —
    # indexes into the document's sections, their lines, the schedule rows and their activities
    # (congdoan/documents/import_report.py)
    where: list[tuple | None] = field(default_factory=list)


class _Report(list):
    """The report lines, each remembered with the part being read when it was written."""

    def __init__(self) -> None:
        super().__init__()
        self.place: tuple | None = None
        self.where: list[tuple | None] = []

    def append(self, text: str, where: tuple | None = ...) -> None:  # type: ignore[override]
        super().append(text)
        self.where.append(self.place if where is ... else where)


def import_plan_docx(data: bytes) -> ImportResult:
    """Read a .docx plan into the plan document (format 1). Raises ImportFailed."""
    package = _Package(data)
    reader = _Reader(package)
    blocks = reader.body_blocks()
    builder = _Builder(reader)
    return builder.build(blocks)


# --------------------------------------------------------------------------------------------------
# The package: zip checks, parts, XML


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
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
        if data.startswith(_OLE_MAGIC):
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


# --------------------------------------------------------------------------------------------------
# Styles and numbering


_FALSE = {"0", "false", "off", "none"}


def _on(el, w: str) -> bool | None:
    """A toggle property (<w:b/>, <w:i w:val="0"/>): True, False or None when absent."""
    if el is None:
        return None
    val = el.get(f"{{{w}}}val")
    return val is None or val.lower() not in _FALSE


def _underline(el, w: str) -> bool | None:
    """<w:u w:val="single|double|words|…"/> underlines, w:val="none" takes it off; None when absent."""
    if el is None:
        return None
    return (el.get(f"{{{w}}}val") or "single").lower() != "none"


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass
class _ParaStyle:
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    vanish: bool | None = None
    jc: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    left: int | None = None
    first: int | None = None
    hanging: int | None = None
    outline: int | None = None


class _Styles:
    def __init__(self, root, w: str):
        self.w = w
        self.raw: dict[str, tuple] = {}
        self.default_para: str | None = None
        self.default_char: str | None = None
        self.doc_bold = self.doc_italic = self.doc_underline = None
        self._cache: dict[str, _ParaStyle] = {}
        if root is None:
            return
        q = lambda tag: f"{{{w}}}{tag}"  # noqa: E731
        defaults = root.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}")
        if defaults is not None:
            self.doc_bold = _on(defaults.find(q("b")), w)
            self.doc_italic = _on(defaults.find(q("i")), w)
            self.doc_underline = _underline(defaults.find(q("u")), w)
        for style in root.iter(q("style")):
            sid = style.get(q("styleId"))
            if not sid:
                continue
            name_el = style.find(q("name"))
            name = (name_el.get(q("val")) if name_el is not None else "") or ""
            based_el = style.find(q("basedOn"))
            based = based_el.get(q("val")) if based_el is not None else None
            self.raw[sid] = (style.get(q("type")), name, based, style.find(q("pPr")),
                             style.find(q("rPr")))
            if style.get(q("default")) in ("1", "true", "on"):
                if style.get(q("type")) == "paragraph":
                    self.default_para = sid
                elif style.get(q("type")) == "character":
                    self.default_char = sid

    def name(self, sid: str | None) -> str:
        entry = self.raw.get(sid or "")
        return entry[1] if entry else ""

    def resolve(self, sid: str | None) -> _ParaStyle:
        """Properties of a paragraph or character style, following basedOn (nearest wins)."""
        key = sid or ""
        if key in self._cache:
            return self._cache[key]
        result = _ParaStyle()
        w = self.w
        q = lambda tag: f"{{{w}}}{tag}"  # noqa: E731
        seen = set()
        current = sid
        while current and current in self.raw and current not in seen and len(seen) < 30:
            seen.add(current)
            _kind, name, based, ppr, rpr = self.raw[current]
            if rpr is not None:
                if result.bold is None:
                    result.bold = _on(rpr.find(q("b")), w)
                if result.italic is None:
                    result.italic = _on(rpr.find(q("i")), w)
                if result.underline is None:
                    result.underline = _underline(rpr.find(q("u")), w)
                if result.vanish is None:
                    result.vanish = _on(rpr.find(q("vanish")), w)
            if ppr is not None:
                _read_ppr(ppr, result, w)
            level = re.fullmatch(r"\s*heading\s*(\d)\s*", name.lower())
            if level and result.outline is None:
                result.outline = int(level.group(1)) - 1
            current = based
        self._cache[key] = result
        return result


def _read_ppr(ppr, target: _ParaStyle, w: str) -> None:
    """Fill the unset paragraph properties of target from a <w:pPr>."""
    q = lambda tag: f"{{{w}}}{tag}"  # noqa: E731
    if target.jc is None:
        jc = ppr.find(q("jc"))
        if jc is not None:
            target.jc = jc.get(q("val"))
    numpr = ppr.find(q("numPr"))
    if numpr is not None:
        num = numpr.find(q("numId"))
        lvl = numpr.find(q("ilvl"))
        if target.num_id is None and num is not None:
            target.num_id = num.get(q("val"))
        if target.ilvl is None and lvl is not None:
            target.ilvl = _int(lvl.get(q("val")))
    ind = ppr.find(q("ind"))
    if ind is not None:
        if target.left is None:
            target.left = _int(ind.get(q("left")) or ind.get(q("start")))
        if target.first is None:
            target.first = _int(ind.get(q("firstLine")))
        if target.hanging is None:
            target.hanging = _int(ind.get(q("hanging")))
    if target.outline is None:
        outline = ppr.find(q("outlineLvl"))
        if outline is not None:
            target.outline = _int(outline.get(q("val")))


@dataclass(frozen=True)
class _Level:
    fmt: str           # upperRoman, decimal, lowerLetter, bullet, none, ...
    text: str          # lvlText, e.g. "%1." or "-"
    ilvl: int
    bullet_depth: int  # how many bullet levels sit above this one in the same list


class _Numbering:
    def __init__(self, root, w: str, styles: _Styles):
        self.levels: dict[str, dict[int, tuple[str, str, str | None]]] = {}
        self.nums: dict[str, tuple[str, dict]] = {}
        self.style_links: dict[str, str] = {}
        self.styles = styles
        self.w = w
        if root is None:
            return
        q = lambda tag: f"{{{w}}}{tag}"  # noqa: E731
        for abstract in root.iter(q("abstractNum")):
            aid = abstract.get(q("abstractNumId"))
            levels = {}
            for lvl in abstract.findall(q("lvl")):
                levels[_int(lvl.get(q("ilvl"))) or 0] = self._lvl(lvl)
            self.levels[aid] = levels
            link = abstract.find(q("numStyleLink"))
            if link is not None:
                self.style_links[aid] = link.get(q("val"))
        for num in root.iter(q("num")):
            nid = num.get(q("numId"))
            abs_el = num.find(q("abstractNumId"))
            if abs_el is None:
                continue
            overrides = {}
            for override in num.findall(q("lvlOverride")):
                lvl = override.find(q("lvl"))
                if lvl is not None and lvl.find(q("numFmt")) is not None:
                    overrides[_int(override.get(q("ilvl"))) or 0] = self._lvl(lvl)
            self.nums[nid] = (abs_el.get(q("val")), overrides)

    def _lvl(self, lvl) -> tuple[str, str, str | None]:
        q = lambda tag: f"{{{self.w}}}{tag}"  # noqa: E731
        fmt = lvl.find(q("numFmt"))
        text = lvl.find(q("lvlText"))
        pstyle = lvl.find(q("pStyle"))
        return ((fmt.get(q("val")) if fmt is not None else "decimal") or "decimal",
                (text.get(q("val")) if text is not None else "") or "",
                pstyle.get(q("val")) if pstyle is not None else None)

    def _abstract_levels(self, num_id: str, depth: int = 0) -> tuple[dict, dict]:
        entry = self.nums.get(num_id)
        if entry is None:
            return {}, {}
        aid, overrides = entry
        levels = self.levels.get(aid, {})
        link = self.style_links.get(aid)
        if link and depth < 3:
            linked = self.styles.resolve(link).num_id
            if linked and linked != num_id:
                levels = self._abstract_levels(linked, depth + 1)[0] or levels
        return levels, overrides

    def level(self, num_id: str | None, ilvl: int | None, style_id: str | None) -> _Level | None:
        if not num_id or num_id == "0":
            return None
        levels, overrides = self._abstract_levels(num_id)
        if not levels and not overrides:
            return None
        if ilvl is None:
            ilvl = 0
            for index, (_fmt, _text, pstyle) in levels.items():
                if style_id and pstyle == style_id:
                    ilvl = index
        merged = dict(levels)
        merged.update(overrides)
        fmt, text, _ = merged.get(ilvl) or merged.get(0) or ("decimal", "", None)
        depth = sum(1 for index, value in merged.items() if index < ilvl and value[0] == "bullet")
        return _Level(fmt, text, ilvl, depth)


# --------------------------------------------------------------------------------------------------
# The body as paragraphs and tables


@dataclass
class _Para:
    runs: list[Run]             # text keeps "\n" for manual breaks and "\t" for tabs
    centred: bool = False
    level: _Level | None = None  # Word numbering, if any
    indent: int = 0              # twips from the margin to the start of the first line
    heading: int | None = None   # 1 = Heading 1 (outline level 0)
    where: str = "body"          # body / table / textbox

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class _Cell:
    col: int
    span: int
    blocks: list
    merged_up: bool = False     # vMerge continue: the cell above goes on down through this one


@dataclass
class _Row:
    cells: list[_Cell]
    repeat_header: bool = False


@dataclass
class _Table:
    rows: list[_Row]
    ncols: int


_TEXT_CONTAINERS = {"hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir",
                    "bdo", "sdtContent"}
_SKIP = {"del", "moveFrom", "pPr", "rPr", "sectPr"}


class _Reader:
    def __init__(self, package: _Package):
        self.package = package
        try:
            # text, elements and paragraphs counted while streaming, before lxml builds the tree
            ceilings.scan_document(package.zip, package.main, MAX_PARAGRAPHS)
        except ceilings.ArchiveRefused as exc:
            raise ImportFailed(str(exc)) from None
        self.root = package.xml(package.main)
        tag = self.root.tag
        self.w = tag[1:tag.index("}")] if tag.startswith("{") else _W_NS
        self.styles = _Styles(package.related_xml("styles"), self.w)
        self.numbering = _Numbering(package.related_xml("numbering"), self.w, self.styles)
        self.textboxes = 0
        self.paragraphs = 0  # non-empty paragraphs read
        body = self.root.find(self.q("body"))
        if body is None:
            raise ImportFailed("Văn bản Word không có nội dung.")
        self.body = body
        count = sum(1 for _ in body.iter(self.q("p")))
        if count > MAX_PARAGRAPHS:
            raise ImportFailed(f"Văn bản quá dài ({count} đoạn). Chỉ nhập được văn bản tối đa "
                               f"{MAX_PARAGRAPHS} đoạn.")

    def q(self, tag: str) -> str:
        return f"{{{self.w}}}{tag}"

    def local(self, el) -> str:
        tag = el.tag
        if not isinstance(tag, str):
            return ""
        if tag.startswith(f"{{{self.w}}}"):
            return tag[len(self.w) + 2:]
        return ""

    def body_blocks(self) -> list:
        return self._blocks(self.body, "body")

    def _blocks(self, container, where: str) -> list:
        blocks: list = []
        for child in container:
            name = self.local(child)
            if name == "p":
                para = self._para(child, where)
                blocks.append(para)
                blocks.extend(self._textboxes(child))
            elif name == "tbl":
                blocks.append(self._table(child))
            elif name in ("sdt",):
                content = child.find(self.q("sdtContent"))
                if content is not None:
                    blocks.extend(self._blocks(content, where))
            elif name in ("customXml", "ins", "moveTo", "sdtContent"):
                blocks.extend(self._blocks(child, where))
        return blocks

    def _textboxes(self, p) -> list:
        found = []
        mc_fallback = f"{{{_MC_NS}}}Fallback"
        for box in p.iter(self.q("txbxContent")):
            ancestor = box.getparent()
            skip = False
            while ancestor is not None and ancestor is not p:
                if ancestor.tag == mc_fallback or self.local(ancestor) == "txbxContent":
                    skip = True
                    break
                ancestor = ancestor.getparent()
            if skip:
                continue
            inner = self._blocks(box, "textbox")
            if any(isinstance(b, _Para) and b.text.strip() for b in inner) or any(
                    isinstance(b, _Table) for b in inner):
                self.textboxes += 1
            found.extend(inner)
        return found

    def _para(self, p, where: str) -> _Para:
        q = self.q
        ppr = p.find(q("pPr"))
        style_id = None
        direct = _ParaStyle()
        if ppr is not None:
            pstyle = ppr.find(q("pStyle"))
            if pstyle is not None:
                style_id = pstyle.get(q("val"))
            _read_ppr(ppr, direct, self.w)
        if style_id is None:
            style_id = self.styles.default_para
        style = self.styles.resolve(style_id)
        props = _ParaStyle(**{k: getattr(direct, k) if getattr(direct, k) is not None
                              else getattr(style, k) for k in direct.__dataclass_fields__})
        runs: list[Run] = []
        base_bold = style.bold if style.bold is not None else bool(self.styles.doc_bold)
        base_italic = style.italic if style.italic is not None else bool(self.styles.doc_italic)
        base_under = (style.underline if style.underline is not None
                      else bool(self.styles.doc_underline))
        self._collect(p, runs, (base_bold, base_italic, base_under), bool(style.vanish))
        # A numPr on the paragraph itself wins over the style's; numId 0 switches numbering off.
        num_id = direct.num_id if direct.num_id is not None else style.num_id
        ilvl = direct.ilvl if direct.ilvl is not None else style.ilvl
        level = self.numbering.level(num_id, ilvl, style_id)
        if level is not None and level.fmt == "none":
            level = None
        indent = (props.left or 0) + (props.first or 0) - (props.hanging or 0)
        heading = props.outline + 1 if props.outline is not None and props.outline < 9 else None
        para = _Para(runs=runs, centred=(props.jc == "center"), level=level, indent=indent,
                     heading=heading, where=where)
        if para.text.strip():
            self.paragraphs += 1
        return para

    def _collect(self, el, runs: list[Run], look: tuple[bool, bool, bool], hidden: bool) -> None:
        """look: the paragraph's (bold, italic, underline), which a run's own properties override."""
        for child in el:
            name = self.local(child)
            if name == "r":
                self._run(child, runs, look, hidden)
            elif name in _TEXT_CONTAINERS:
                self._collect(child, runs, look, hidden)
            elif name == "sdt":
                content = child.find(self.q("sdtContent"))
                if content is not None:
                    self._collect(content, runs, look, hidden)

    def _run(self, r, runs: list[Run], look: tuple[bool, bool, bool], hidden: bool) -> None:
        q = self.q
        w = self.w
        rpr = r.find(q("rPr"))
        bold, italic, under, vanish = None, None, None, None
        if rpr is not None:
            bold = _on(rpr.find(q("b")), w)
            italic = _on(rpr.find(q("i")), w)
            under = _underline(rpr.find(q("u")), w)
            vanish = _on(rpr.find(q("vanish")), w)
            rstyle = rpr.find(q("rStyle"))
            if rstyle is not None:
                char = self.styles.resolve(rstyle.get(q("val")))
                bold = char.bold if bold is None else bold
                italic = char.italic if italic is None else italic
                under = char.underline if under is None else under
                vanish = char.vanish if vanish is None else vanish
        if vanish if vanish is not None else hidden:
            return
        bold = look[0] if bold is None else bold
        italic = look[1] if italic is None else italic
        under = look[2] if under is None else under
        parts: list[str] = []
        for child in r:
            name = self.local(child)
            if name == "t":
                parts.append(child.text or "")
            elif name == "tab" or name == "ptab":
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
            elif name == "sym":
                parts.append("•")
        text = "".join(parts)
        if text:
            runs.append(Run(text, bool(bold), bool(italic), bool(under)))

    def _table(self, tbl) -> _Table:
        q = self.q
        rows: list[_Row] = []
        ncols = 0
        for tr in self._children(tbl, "tr"):
            trpr = tr.find(q("trPr"))
            col = 0
            repeat = False
            if trpr is not None:
                before = trpr.find(q("gridBefore"))
                if before is not None:
                    col = _int(before.get(q("val"))) or 0
                repeat = _on(trpr.find(q("tblHeader")), self.w) is True
            cells = []
            for tc in self._children(tr, "tc"):
                tcpr = tc.find(q("tcPr"))
                span = 1
                merged_up = False
                if tcpr is not None:
                    grid = tcpr.find(q("gridSpan"))
                    if grid is not None:
                        span = max(1, _int(grid.get(q("val"))) or 1)
                    vmerge = tcpr.find(q("vMerge"))
                    merged_up = vmerge is not None and (vmerge.get(q("val")) or "continue") == "continue"
                cells.append(_Cell(col=col, span=span, blocks=self._blocks(tc, "table"),
                                   merged_up=merged_up))
                col += span
            ncols = max(ncols, col)
            rows.append(_Row(cells, repeat))
        return _Table(rows, ncols)

    def _children(self, el, name: str):
        for child in el:
            local = self.local(child)
            if local == name:
                yield child
            elif local in ("sdt", "customXml", "sdtContent", "ins", "moveTo"):
                inner = child.find(self.q("sdtContent")) if local == "sdt" else child
                if inner is not None:
                    yield from self._children(inner, name)


# --------------------------------------------------------------------------------------------------
# Text helpers


_CONTROL = INVISIBLE          # the same invisible characters every input loses (congdoan/text.py)
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _clean_runs(runs: list[Run]) -> list[Run]:
    """NFC, no control characters, tabs and odd spaces as one space, trimmed; formatting kept."""
    out: list[Run] = []
    for run in runs:
        text = unicodedata.normalize("NFC", run.text.replace("\n", " "))
        text = _HSPACE.sub(" ", _CONTROL.sub("", text))
        if out and out[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not out:
            text = text.lstrip()
        if not text:
            continue
        if out and out[-1].look() == run.look():
            out[-1] = Run(out[-1].text + text, *run.look())
        else:
            out.append(Run(text, *run.look()))
    while out and not out[-1].text.rstrip():
        out.pop()
    if out:
        out[-1] = Run(out[-1].text.rstrip(), *out[-1].look())
    return out


def _text(runs: list[Run]) -> str:
    return "".join(run.text for run in runs)


def _drop_prefix(runs: list[Run], count: int) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        if count >= len(run.text):
            count -= len(run.text)
            continue
        text = run.text[count:]
        count = 0
        if not out:
            text = text.lstrip()
        if text:
            out.append(Run(text, *run.look()))
    return out


def _strip_format(runs: list[Run], *, bold: bool = False, italic: bool = False) -> list[Run]:
    return [Run(r.text, r.bold and not bold, r.italic and not italic, r.underline) for r in runs]


def _whole(runs: list[Run], attr: str) -> bool:
    visible = [r for r in runs if r.text.strip()]
    return bool(visible) and all(getattr(r, attr) for r in visible)


def _lines(runs: list[Run]) -> list[list[Run]]:
    """Split runs at manual line breaks."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        pieces = run.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(Run(piece, *run.look()))
    return lines


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _quote(text: str, limit: int = 60) -> str:
    text = plain(text) if "*" in text or "<" in text else text
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return f"“{text}”"


_MOTTOS = {"conghoaxahoichunghiavietnam", "doclaptudohanhphuc",
           "conghoaxahoichunghiavietnamdoclaptudohanhphuc"}


def _is_motto(text: str) -> bool:
    return re.sub(r"[^a-z]", "", fold(text)) in _MOTTOS


# Line shapes -------------------------------------------------------------------------------------

_ROMAN_RE = re.compile(r"^(?P<num>[IVX]{1,7})(?:\s*[.)\-–—:/]+\s*|\s+)(?P<rest>\S.*)$")
_ROMAN_VALID = re.compile(r"^X{0,3}(IX|IV|V?I{0,3})$")
_PART_RE = re.compile(r"^(?:PHẦN|Phần)\s+(?:[IVX]{1,7}|\d{1,2}|THỨ\s+\S+|thứ\s+\S+)\s*[.:)\-–]?\s*"
                      r"(?P<rest>\S.*)$")
_ROMAN_SUB_RE = re.compile(r"^[IVX]{1,7}\s*\.\s*\d{1,2}(?:\s*\.\s*\d{1,2})*\s*[.)]?\s+"
                           r"(?P<rest>\S.*)$")
_DECIMAL_RE = re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s*(?P<rest>[^\d\s].*)$")
_MULTI_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})(?:\.|\))?\s+(?P<rest>\S.*)$")
_LETTER_RE = re.compile(r"^(?P<num>[a-zđ])\s*[.)]\s+(?P<rest>\S.*)$")
_BULLET_RE = re.compile(r"^(?P<mark>[-–—+•●○◦▪■□►➢❖✓·*])\s*(?P<rest>\S.*)$")
_NESTED_MARKS = {"+", "○", "◦", "□"}
_BASE_PREFIXES = ("can cu", "thuc hien", "theo ")
# "Thành Tô, ngày 05 tháng 9 năm 2023", "ngày    tháng    năm 2024" (blank), and the bottom repeat
# "Thành Tô, tháng 9 năm 2023" (without a day, then the comma is required).
_DATE_RE = re.compile(r"^(?:(?P<place>[^,\d]{0,50}?)\s*,?\s*ngày\s*(?P<d>[\d.…_\s]*?)|"
                      r"(?P<place2>[^,\d]{1,50}?)\s*,\s*)"
                      r"\s*tháng\s*(?P<m>[\d.…_\s]*?)\s*năm\s*(?P<y>\d{4})\s*\.?$", re.I)
_NUMBER_RE = re.compile(r"^Số\s*(?::|\.|\s(?=\s*[\d.…_/]))\s*(?P<rest>.*)$", re.I)
_ON_BEHALF_RE = re.compile(r"^(?:T\.?\s?M|T\s?/\s?M|K\.?\s?T|T\.?\s?L|TUQ|Q)\s*[./]\s*\S|"
                           r"^(?:TM|KT|TL)\s+\S")
_SIGN_TITLES = {"chu tich", "pho chu tich", "truong ban", "hieu truong", "pho hieu truong",
                "thu truong", "giam doc", "to truong"}
_TYPE_NAMES = ["KẾ HOẠCH", "CHƯƠNG TRÌNH", "BÁO CÁO", "THÔNG BÁO", "NGHỊ QUYẾT", "QUYẾT ĐỊNH",
               "PHƯƠNG ÁN", "HƯỚNG DẪN", "TỜ TRÌNH", "ĐỀ ÁN"]


def _roman_heading(text: str) -> re.Match | None:
    match = _ROMAN_RE.match(text)
    if not match or not _ROMAN_VALID.match(match.group("num")):
        return None
    if fold(text).startswith("v/v"):
        return None
    rest = match.group("rest")
    if not (rest[0].isalpha() or rest[0] in "“\"'("):
        return None
    separator = text[len(match.group("num")):match.start("rest")]
    if not separator.strip() and not _is_upper(rest):
        return None  # "I NHIỆM VỤ" without punctuation only when the title is in capitals
    return match


def _item_marker(text: str) -> bool:
    """Does this text start a list item (bullet or number)?"""
    return bool(_bullet(text) or _DECIMAL_RE.match(text) or _LETTER_RE.match(text)
                or _MULTI_RE.match(text))


def _bullet(text: str) -> re.Match | None:
    match = _BULLET_RE.match(text)
    if not match:
        return None
    mark, rest = match.group("mark"), match.group("rest")
    gap = match.start("rest") - 1
    if mark in "-–—+" and gap == 0 and rest[0].isdigit():
        return None  # "-5%", "+2": a signed number, not a bullet
    if mark == "*" and rest.startswith("*"):
        return None
    return match


def _is_base(text: str) -> bool:
    folded = fold(text)
    return any(folded.startswith(prefix) for prefix in _BASE_PREFIXES)


def _date_match(text: str) -> re.Match | None:
    if len(text) > 90:
        return None
    return _DATE_RE.match(text)


def _parse_date(match: re.Match) -> dt.date | None | str:
    day = re.sub(r"\D", "", match.group("d") or "")
    month = re.sub(r"\D", "", match.group("m"))
    if not day or not month:
        return None
    try:
        return dt.date(int(match.group("y")), int(month), int(day))
    except ValueError:
        return "invalid"


def _normalise_number(text: str) -> str:
    text = clean_text(text)
    return re.sub(r"\s*([/\-–])\s*", r"\1", text)


def _type_split(text: str) -> tuple[str, str] | None:
    words = text.split()
    for name in _TYPE_NAMES:
        count = len(name.split())
        head = words[:count]
        if len(head) == count and fold(" ".join(head)) == fold(name) and _is_upper(" ".join(head)):
            return " ".join(head), " ".join(words[count:])
    return None


def _period_from(subject: str) -> str:
    match = re.search(r"năm\s+học\s+(\d{4})\s*([-–—])\s*(\d{4})", subject, re.I)
    if match:
        return f"Năm học {match.group(1)} {match.group(2)} {match.group(3)}"
    match = re.search(r"nhiệm\s+kỳ\s+(\d{4})\s*([-–—])\s*(\d{4})", subject, re.I)
    if match:
        return f"Nhiệm kỳ {match.group(1)} {match.group(2)} {match.group(3)}"
    match = re.search(r"\bnăm\s+(\d{4})\b", subject, re.I)
    if match:
        return f"Năm {match.group(1)}"
    return ""


_PERIOD_RE = re.compile(
    r"^(?:(?:thang|tuan|dot|quy|hoc ky|hk|ky|giai doan|ngay|tu ngay|tu|t)\s*)?"
    r"[0-9ivx]{1,4}(?:\s*(?:[,;/.\-–&+]|va|den)\s*[0-9ivx]{1,4})*"
    r"(?:\s*(?:nam|/)\s*\d{4})?$")
_PERIOD_HEADERS = ("thang", "thoi gian", "tuan", "thoi diem", "ngay", "dot", "giai doan",
                   "hoc ky", "ky", "thoi han")
_CONTENT_HEADERS = ("noi dung", "cong viec", "hoat dong", "nhiem vu", "cong tac")
_GROUP_HEADERS = ("thuc hien", "phu trach", "nguoi", "bo phan", "luc luong", "chu tri",
                  "phoi hop", "don vi", "to ")
_NOTE_HEADERS = ("ghi chu", "ket qua", "kinh phi", "dia diem", "danh gia")
_INDEX_HEADERS = ("tt", "stt", "so tt", "so thu tu")


def _looks_like_period(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 40:
        return False
    return bool(_PERIOD_RE.match(fold(text)))


def _is_period_header(text: str) -> bool:
    folded = fold(text).strip(" :.")
    return any(folded == h or folded.startswith(h + " ") or folded.startswith(h + "/")
               for h in _PERIOD_HEADERS) and not _looks_like_period(text)


def _period_label(text: str) -> str:
    text = clean_text(text)
    return re.sub(r"\s*/\s*", "/", text)


# --------------------------------------------------------------------------------------------------
# Building the plan document


@dataclass
class _Seg:
    """One logical line: a paragraph or a piece of one split at a manual break."""
    runs: list[Run]
    para: _Para

    @property
    def text(self) -> str:
        return _text(self.runs)


class _Builder:
    def __init__(self, reader: _Reader):
        self.reader = reader
        self.report = _Report()
        self.doc: dict = {
            "format": FORMAT,
            "type_name": "",
            "subject": "",
            "period": "",
            "upper_union": "",
            "union_name": "",
            "place": "",
            "date": None,
            "number": None,
            "bases": [],
            "opening": "",
            "sections": [],
            "schedule_title": "",
            "schedule": [],
            "recipients": [],
            "signature": {"on_behalf": "", "title": "", "name": ""},
        }
        self.opening: list[str] = []
        self.state = "preamble"
        self.tail: list[tuple[dict, dict, bool]] = []  # (section, line, title-like) at the end
        self.after_schedule = False
        self.moved_after_schedule = False
        self.schedule_started = False
        self.schedule_rows = 0
        self.tables = 0
        self.recipients_open = False
        self.number_seen = False
        self.decimal_sections = False
        self.has_sections = True
        self.last_bullet_indent: int | None = None
        self.item_levels = import_labels.LevelStack()
        self.schedule_section: dict | None = None
        self.typed_numbers: list[tuple[int, int, str]] = []  # (section, line, number as typed)

    # -- entry ---------------------------------------------------------------------------------

    def build(self, blocks: list) -> ImportResult:
        self.report.place = ("header",)
        items = self._items(blocks)
        if not any(kind == "schedule" or not _decoration(para.text)
                   for kind, para in items):
            raise ImportFailed("Văn bản Word trống, không có nội dung để nhập.")
        start = self._header_and_title(items)
        body = items[start:]
        roman_sections = self._has_roman_sections(body)
        self.decimal_sections = not roman_sections and self._has_decimal_sections(body)
        self.has_sections = roman_sections or self.decimal_sections
        for kind, value in body:
            if kind == "schedule":
                self._schedule(value)
            else:
                self._body_para(value)
        self._finish()
        doc = self.doc
        stats = {
            "paragraphs": self.reader.paragraphs,
            "tables": self.tables,
            "bases": len(doc["bases"]),
            "sections": len(doc["sections"]),
            "lines": sum(len(s["lines"]) for s in doc["sections"]),
            "schedule_rows": self.schedule_rows,
            "periods": len(doc["schedule"]),
            "activities": sum(len(p["activities"]) for p in doc["schedule"]),
            "recipients": len(doc["recipients"]),
            "reported": len(self.report),
        }
        return ImportResult(document=doc, report=list(self.report), stats=stats,
                            where=list(self.report.where))

    # -- flattening blocks into a reading order -------------------------------------------------

    def _items(self, blocks: list) -> list[tuple[str, object]]:
        """("para", _Para) and ("schedule", [tables]) in reading order; empty paragraphs dropped.

        Tables that are not schedules are read cell by cell, row by row, as paragraphs.
        """
        items: list[tuple[str, object]] = []

        def add_blocks(seq):
            for block in seq:
                if isinstance(block, _Para):
                    if block.text.strip():
                        items.append(("para", block))
                    continue
                self.tables += 1
                previous = items[-1] if items else None
                if previous and previous[0] == "schedule" and self._continues(previous[1],
                                                                              block):
                    previous[1].append(block)
                elif self._is_schedule(block):
                    items.append(("schedule", [block]))
                else:
                    for row in block.rows:
                        for cell in row.cells:
                            add_blocks(cell.blocks)

        add_blocks(blocks)
        return items

    def _cell_text(self, cell: _Cell | None) -> str:
        if cell is None:
            return ""
        parts = [clean_text(p.text) for p in self._cell_paras(cell)]
        return " ".join(p for p in parts if p)

    def _cell_paras(self, cell: _Cell) -> list[_Para]:
        out: list[_Para] = []

        def walk(blocks):
            for block in blocks:
                if isinstance(block, _Para):
                    out.append(block)
                else:
                    for row in block.rows:
                        for inner in row.cells:
                            walk(inner.blocks)

        walk(cell.blocks)
        return out

    @staticmethod
    def _cell_at(row: _Row, col: int) -> _Cell | None:
        for cell in row.cells:
            if cell.col <= col < cell.col + cell.span:
                return cell
        return None

    def _columns(self, table: _Table) -> dict | None:
        """Which grid column holds the period, the content, the groups; None if not a schedule."""
        if table.ncols < 2 or not table.rows:
            return None
        skip = 0    # title rows: one text across the whole table ("NỘI DUNG CÔNG TÁC … NĂM HỌC …")
        while skip < min(3, len(table.rows) - 1) and self._title_row(table.rows[skip], table.ncols):
            skip += 1
        header = table.rows[skip]
        texts = [self._cell_text(self._cell_at(header, c)) for c in range(table.ncols)]
        folded = [fold(t).strip(" :.") for t in texts]
        cols: dict = {"period": None, "content": None, "groups": None, "index": None,
                      "extra": [], "header": False, "skip": skip,
                      "title_rows": [[self._cell_text(c) for c in row.cells]
                                     for row in table.rows[:skip]]}
        for c, f in enumerate(folded):
            if cols["index"] is None and f in _INDEX_HEADERS:
                cols["index"] = c
            elif cols["period"] is None and _is_period_header(texts[c]):
                cols["period"] = c
        if cols["period"] is not None:
            cols["header"] = True
        else:
            # No header: the first column (after a numbering column) whose cells look like periods.
            for c in range(min(table.ncols - 1, 2)):
                values = [self._cell_text(self._cell_at(row, c)) for row in table.rows[skip:]]
                values = [v for v in values if v]
                hits = sum(1 for v in values if _looks_like_period(v))
                if values and hits >= 2 and hits * 2 >= len(values):
                    cols["period"] = c
                    first = self._cell_text(self._cell_at(header, c))
                    cols["header"] = bool(first) and not _looks_like_period(first) and all(
                        len(t) < 60 for t in texts)
                    break
                if not (values and all(re.fullmatch(r"\d{1,3}\.?", v) for v in values)):
                    break  # only a numbering column may stand before the period column
        if cols["period"] is None:
            return None
        used = {cols["period"], cols["index"]}
        if cols["header"]:
            for c, f in enumerate(folded):
                if c in used:
                    continue
                if cols["content"] is None and any(f.startswith(h) for h in _CONTENT_HEADERS):
                    cols["content"] = c
                elif cols["groups"] is None and any(h.strip() in f for h in _GROUP_HEADERS) \
                        and not any(f.startswith(h) for h in _NOTE_HEADERS):
                    cols["groups"] = c
        if cols["content"] is None:
            for c in range(table.ncols):
                if c not in used and c != cols["groups"]:
                    cols["content"] = c
                    break
        if cols["content"] is None:
            return None
        used.add(cols["content"])
        if cols["groups"] is None:
            for c in range(cols["content"] + 1, table.ncols):
                if c not in used and not (cols["header"] and any(
                        folded[c].startswith(h) for h in _NOTE_HEADERS)):
                    cols["groups"] = c
                    break
        used.add(cols["groups"])
        cols["extra"] = [c for c in range(table.ncols) if c not in used]
        cols["titles"] = texts
        return cols

    def _title_row(self, row: _Row, ncols: int) -> bool:
        """A row whose only text spans the table (a title above the column headers)."""
        filled = [cell for cell in row.cells if self._cell_text(cell)]
        if len(filled) != 1:
            return False
        cell = filled[0]
        text = self._cell_text(cell)
        wide = cell.span >= max(2, ncols - 1) or len(row.cells) == 1
        return wide and not _looks_like_period(text) and not _is_period_header(text) and \
            len(text) <= 300

    def _is_schedule(self, table: _Table) -> bool:
        return self._columns(table) is not None

    def _continues(self, tables: list[_Table], table: _Table) -> bool:
        """Does this table carry on the schedule above it (a table split across pages)?"""
        first = tables[0]
        if table.ncols != first.ncols or not table.rows:
            return False
        cols = self._columns(first)
        if cols is None:
            return False
        period = cols["period"]
        values = [self._cell_text(self._cell_at(row, period)) for row in table.rows]
        texts = " ".join(self._cell_text(c) for row in table.rows for c in row.cells)
        if "noi nhan" in fold(texts):
            return False
        repeated = cols["title_rows"] + [[self._cell_text(c) for c in first.rows[cols["skip"]].cells]]
        for index, value in enumerate(values):
            if not value or _looks_like_period(value):
                continue
            if index <= cols["skip"] and [self._cell_text(c) for c in table.rows[index].cells] \
                    in repeated:
                continue  # the title and header rows repeated on the next page
            return False
        return True

    # -- header, type line, subject ---------------------------------------------------------------

    def _header_and_title(self, items: list) -> int:
        type_at = None
        for index, (kind, value) in enumerate(items[:60]):
            if kind != "para":
                continue
            lines = [clean_text(_text(line)) for line in _lines(value.runs)]
            first_line = next((line for line in lines if line), "")
            if _type_split(first_line) and (value.centred or _is_upper(first_line)) and \
                    not _is_motto(first_line):
                type_at = index
                break
        if type_at is None:
            end = 0
            while end < len(items) and items[end][0] == "para" and self._header_like(
                    items[end][1]):
                end += 1
            self._header(items[:end])
            self.doc["type_name"] = "KẾ HOẠCH"
            self.report.append("Không thấy tên loại văn bản (“KẾ HOẠCH”) — đã dùng “KẾ HOẠCH”.")
            subject_at = end
            rest_parts: list[str] = []
        else:
            self._header(items[:type_at])
            type_para = items[type_at][1]
            lines = [clean_text(_text(line)) for line in _lines(type_para.runs)]
            lines = [line for line in lines if line]
            type_name, rest = _type_split(lines[0])
            self.doc["type_name"] = type_name
            rest_parts = [rest] if rest else []
            rest_parts.extend(lines[1:])
            subject_at = type_at + 1
        index = subject_at
        parts = list(rest_parts)
        while index < len(items) and len(parts) < 4:
            kind, para = items[index]
            if kind != "para" or not self._subject_like(para, parts):
                break
            text = clean_text(para.text.replace("\n", " "))
            if _is_motto(text) or _decoration(text):
                index += 1
                continue
            parts.append(text)
            index += 1
        if not parts and index < len(items) and items[index][0] == "para":
            candidate = clean_text(items[index][1].text.replace("\n", " "))
            if len(candidate) <= 200 and not self._structural(candidate, items[index][1]):
                parts.append(candidate)
                index += 1
                self.report.append(f"Đoán trích yếu là {_quote(candidate)} (dòng ngay sau tên "
                                   f"loại văn bản).")
        subject = clean_text(" ".join(parts))
        if subject.lower().startswith("v/v"):
            subject = clean_text(subject[3:].lstrip(" :.")) or subject
        elif fold(subject).startswith("ve viec "):
            # "Về việc tổ chức …" (often bold italic): the subject is what follows
            rest = clean_text(subject[len("Về việc"):].lstrip(" :."))
            subject = (rest[:1].upper() + rest[1:]) if rest else subject
        self.doc["subject"] = subject
        if not subject:
            self.report.append("Không thấy trích yếu (tên kế hoạch) — cần nhập tay.")
        self.doc["period"] = _period_from(subject)
        return index

    def _structural(self, text: str, para: _Para) -> bool:
        return bool(_is_base(text) or _roman_heading(text) or _bullet(text) or para.level
                    or para.heading == 1 or self._footer_start(para))

    def _subject_like(self, para: _Para, parts: list[str]) -> bool:
        text = clean_text(para.text.replace("\n", " "))
        if not text or len(text) > 300 or self._structural(text, para):
            return False
        if text.startswith("(") and text.endswith(")"):
            return False  # "(Dự thảo)" and such are not part of the subject
        return para.centred or (not parts and _whole(para.runs, "bold") and len(text) <= 200)

    def _header_like(self, para: _Para) -> bool:
        for part in self._parts(para):
            if _is_motto(part) or _NUMBER_RE.match(part) or _date_match(part) or \
                    _decoration(part):
                continue
            if para.where == "table" or (_is_upper(part) and len(part) <= 100):
                continue
            return False
        return True

    @staticmethod
    def _parts(para: _Para) -> list[str]:
        """Pieces of a header/footer line: layout made with tabs or long runs of spaces."""
        raw = unicodedata.normalize("NFC", para.text)
        # Blank day and month ("ngày      tháng      năm 2024") are not column gaps.
        raw = re.sub(r"(?i)\b(ngày|tháng)[ \t\u00a0]{2,}", r"\1 ", raw)
        raw = re.sub(r"(?i)[ \t\u00a0]{2,}(tháng|năm)\b", r" \1", raw)
        raw = re.sub(r"(?i)^(\s*Số\s*:?)[ \t\u00a0]+(?=\S*/)", r"\1 ", raw)
        pieces = re.split(r"\t+|\n| {3,}|\u00a0{3,}", raw)
        return [clean_text(p) for p in pieces if clean_text(p)]

    def _header(self, items: list) -> None:
        candidates: list[tuple[str, bool]] = []
        for kind, para in items:
            if kind == "schedule":
                self._schedule(para)
                continue
            bold = _whole(para.runs, "bold")
            queue = self._parts(para)
            while queue:
                part = queue.pop(0)
                if _is_motto(part) or _decoration(part):
                    continue
                number = _NUMBER_RE.match(part)
                if number and not self.number_seen:
                    self.number_seen = True
                    rest = number.group("rest")
                    date_at = re.search(r"\S+\s*,?\s*ngày\b", rest)
                    if date_at and date_at.start() > 0:
                        queue.insert(0, rest[date_at.start():])
                        rest = rest[:date_at.start()]
                    self._number(rest)
                    continue
                date = _date_match(part)
                if date and not self.doc["place"] and self.doc["date"] is None:
                    self._date(date, part)
                    continue
                if len(part) > 120 or (not _is_upper(part) and len(part) > 80):
                    self.opening.append(runs_to_markup(_clean_runs(para.runs)))
                    self.report.append(f"Không nhận ra dòng {_quote(part)} ở phần đầu văn bản — "
                                       f"đã đưa vào phần mở đầu.")
                    break
                candidates.append((part, bold))
        if not self.number_seen:
            self.report.append("Không thấy dòng “Số:” — để trống số văn bản (dự thảo).")
        self._unions(candidates)

    def _number(self, rest: str) -> None:
        number = _normalise_number(rest)
        if " " in number:
            number = number.split(" ")[0]
        head = number.split("/")[0]
        if not re.search(r"\d", head):
            if number:
                self.report.append(f"Số văn bản chưa điền ({_quote('Số: ' + number)}) — để trống, "
                                   f"coi là dự thảo.")
            self.doc["number"] = None
        else:
            self.doc["number"] = number

    def _date(self, match: re.Match, text: str) -> None:
        place = match.group("place") if match.group("place") is not None else match.group("place2")
        self.doc["place"] = clean_text(place).rstrip(",")
        value = _parse_date(match)
        if value == "invalid":
            self.report.append(f"Ngày ban hành không hợp lệ ({_quote(text)}) — để trống ngày.")
            value = None
        self.doc["date"] = value.isoformat() if value else None

    def _unions(self, candidates: list[tuple[str, bool]]) -> None:
        texts = [t for t, _ in candidates]
        if not texts:
            self.report.append("Không thấy tên công đoàn ở phần đầu văn bản — cần nhập tay.")
            return
        if len(texts) == 1:
            self.doc["union_name"] = texts[0]
            self.report.append(f"Phần đầu chỉ có một dòng tên đơn vị ({_quote(texts[0])}) — coi là "
                               f"tên công đoàn cơ sở; công đoàn cấp trên để trống.")
            return
        if len(texts) == 2:
            self.doc["upper_union"], self.doc["union_name"] = texts
            return
        bolds = [i for i, (_, b) in enumerate(candidates) if b]
        if bolds and len(bolds) < len(texts) and bolds[0] > 0:
            first = bolds[0]
            last = first
            while last + 1 < len(candidates) and candidates[last + 1][1]:
                last += 1
            upper = " ".join(texts[:first])
            union = " ".join(texts[first:last + 1])
            leftover = texts[last + 1:]
        else:
            upper, union, leftover = texts[0], " ".join(texts[1:]), []
        self.doc["upper_union"], self.doc["union_name"] = upper, union
        self.report.append(f"Phần đầu có {len(texts)} dòng tên đơn vị — đã ghép: cấp trên "
                           f"{_quote(upper)}, công đoàn {_quote(union)}.")
        for text in leftover:
            self.report.append(f"Không nhận ra dòng {_quote(text)} ở phần đầu văn bản — đã bỏ qua.")

    # -- body -------------------------------------------------------------------------------------

    def _has_roman_sections(self, items) -> bool:
        for kind, para in items:
            if kind != "para":
                continue
            if para.heading == 1 or (para.level and para.level.fmt == "upperRoman"):
                return True
            for line in _lines(para.runs):
                text = clean_text(_text(line))
                if _roman_heading(text) or _PART_RE.match(text):
                    return True
        return False

    def _has_decimal_sections(self, items) -> bool:
        count = 0
        for kind, para in items:
            if kind != "para" or para.where != "body":
                continue
            text = clean_text(para.text.replace("\n", " "))
            match = _DECIMAL_RE.match(text)
            if match and _is_upper(match.group("rest")) and len(text) <= 150:
                count += 1
        return count >= 2

    def _segments(self, para: _Para) -> list[_Seg]:
        """Split a paragraph at manual breaks that start a new item; other breaks become spaces."""
        lines = _lines(para.runs)
        merged: list[list[Run]] = []
        for line in lines:
            text = clean_text(_text(line))
            # a break starts a new line before an item, and before or after a base ("Căn cứ …;"
            # then the opening, typed as one paragraph with Shift+Enter)
            after_base = bool(merged) and _is_base(clean_text(_text(merged[-1]))) and \
                clean_text(_text(merged[-1])).endswith((".", ";", ":"))
            if not merged or (text and (_item_marker(text) or _is_base(text) or after_base)):
                merged.append(list(line))
            elif text:
                merged[-1].extend([Run(" ")] + line)
        segs = []
        for line in merged:
            runs = _clean_runs(line)
            if runs and not _decoration(_text(runs)):
                segs.append(_Seg(runs, para))
        return segs

    def _footer_start(self, para: _Para) -> bool:
        for part in self._parts(para):
            folded = fold(part)
            if folded.startswith("noi nhan"):
                return True
            if _is_upper(part) and len(part) <= 60 and (
                    _ON_BEHALF_RE.match(part) or folded.strip(" :.") in _SIGN_TITLES):
                return True
            if _date_match(part) and re.match(r"^[^,]*,|ngày\b", part, re.I) and (
                    self.doc["date"] or self.doc["place"] or self.schedule_started
                    or self.doc["sections"]):
                return True
        return False

    def _body_para(self, para: _Para) -> None:
        if self.state != "footer" and (self.doc["sections"] or self.schedule_started or
                                       self.doc["bases"] or self.opening) \
                and self._footer_start(para):
            self.state = "footer"
        if self.state == "footer":
            self.report.place = ("closing",)
            self._footer(para)
            return
        for seg in self._segments(para):
            self._body_line(seg)

    def _classify(self, seg: _Seg) -> tuple[str, int, list[Run], str, str | None]:
        """(kind, level, runs without their numbering, label style, typed number or None).

        kind: section/subsection/bullet/paragraph; the label style is that of
        congdoan/plans/numbering.py ("1.", "a)", "1.1", "-", "+", "•")."""
        text = seg.text
        para = seg.para
        level = para.level
        runs = seg.runs
        if para.heading == 1 or (level and level.fmt == "upperRoman"):
            match = _roman_heading(text)
            return "section", 0, _drop_prefix(runs, match.start("rest")) if match else runs, "", None
        if level and level.fmt == "bullet":
            label = import_labels.bullet_label(level.text)
            nested = level.bullet_depth >= 1 or label in _NESTED_MARKS
            match = _bullet(text)
            return ("bullet", max(1, min(level.bullet_depth, 2)) if nested else 0,
                    _drop_prefix(runs, match.start("rest")) if match else runs, label, None)
        if level or para.heading == 2:
            match = _DECIMAL_RE.match(text) or _LETTER_RE.match(text) or _MULTI_RE.match(text)
            if match:   # a number typed after Word's own (or instead of it): the typed one shows
                style = import_labels.typed_label(*import_labels.marker_parts(match))
                runs = _drop_prefix(runs, match.start("rest"))
            elif level:
                style = import_labels.word_label(level.fmt, level.text)
            else:
                style = "1."
            return "subsection", self.item_levels.level(style), runs, style, None
        match = _roman_heading(text) or _PART_RE.match(text)
        if match:
            return "section", 0, _drop_prefix(runs, match.start("rest")), "", None
        match = _ROMAN_SUB_RE.match(text)
        if match:
            return "subsection", self.item_levels.level("1."), \
                _drop_prefix(runs, match.start("rest")), "1.", None
        match = _DECIMAL_RE.match(text)
        if match and self.decimal_sections and _is_upper(match.group("rest")) and len(text) <= 150:
            return "section", 0, _drop_prefix(runs, match.start("rest")), "", None
        match = match or _LETTER_RE.match(text) or _MULTI_RE.match(text)
        if match:
            number, separator = import_labels.marker_parts(match)
            style = import_labels.typed_label(number, separator)
            typed = number + (")" if ")" in separator else "." if "." in separator else "")
            return ("subsection", self.item_levels.level(style),
                    _drop_prefix(runs, match.start("rest")), style, typed)
        match = _bullet(text)
        if match:
            nested = match.group("mark") in _NESTED_MARKS
            return ("bullet", 1 if nested else 0, _drop_prefix(runs, match.start("rest")),
                    import_labels.bullet_label(match.group("mark")), None)
        return "paragraph", 0, runs, "", None

    def _body_line(self, seg: _Seg) -> None:
        text = seg.text
        if _is_motto(text):
            return
        kind, level, runs, label, typed = self._classify(seg)
        if kind == "section":
            self._new_section(clean_text(_text(runs)) or clean_text(text))
            return
        if self.state == "preamble":
            core = runs if kind in ("bullet", "subsection") else seg.runs
            if not self.opening and _is_base(_text(core)):
                base_runs = core
                if _whole(base_runs, "italic"):
                    base_runs = _strip_format(base_runs, italic=True)
                self.doc["bases"].append(self._markup(base_runs, text))
                return
            if not self.has_sections and (self.opening or kind != "paragraph"):
                # No numbered sections anywhere: the first paragraph opens, the rest is the body.
                self._new_section("NỘI DUNG")
                self.report.append("Không thấy mục đánh số La Mã (I., II., …) — phần nội dung đã "
                                   "đưa vào một mục “NỘI DUNG”.")
                self._body_line(seg)
                return
            self.opening.append(self._markup(seg.runs, text))
            self.tail = [(None, {"text": self.opening[-1]}, self._title_like(seg))]
            return
        upright = False
        if kind == "subsection" and level == 0 and _whole(runs, "bold"):
            runs = _strip_format(runs, bold=True)    # the item style of the Word template is bold
        elif kind == "subsection" and level == 0:
            upright = not any(run.bold for run in runs if run.text.strip())   # written upright
        if kind == "bullet" and level == 0 and seg.para.level is None:
            mark = _bullet(text).group("mark")
            if mark not in _NESTED_MARKS and self.last_bullet_indent is not None and \
                    seg.para.indent >= self.last_bullet_indent + 340:
                level = 1
            elif mark not in _NESTED_MARKS:
                self.last_bullet_indent = seg.para.indent
        elif kind != "bullet":
            self.last_bullet_indent = None
        line = {"kind": kind, "text": self._markup(runs, text), "level": level}
        if label and label != default_label(kind, level):
            line["label"] = label    # only a style that differs from the default is written
        if upright:
            line["weight"] = "normal"    # not the bold of the item style (congdoan/plans/numbering.py)
        if not line["text"]:
            return
        if typed:
            self.typed_numbers.append((len(self.doc["sections"]) - 1,
                                       len(self.doc["sections"][-1]["lines"]), typed))
        section = self.doc["sections"][-1]
        if kind == "paragraph" and section["lines"]:
            previous = section["lines"][-1]
            first = plain(line["text"])[:1]
            if first.islower() and previous["kind"] == "paragraph" and \
                    not plain(previous["text"]).rstrip().endswith(tuple(".:;!?…)\"”")):
                self.report.append(f"Đoạn {_quote(line['text'], 40)} bắt đầu bằng chữ thường — "
                                   f"có thể là phần tiếp của đoạn trước bị ngắt giữa câu; đã giữ "
                                   f"thành hai đoạn.",
                                   ("line", len(self.doc["sections"]) - 1, len(section["lines"])))
        section["lines"].append(line)
        self.report.place = ("line", len(self.doc["sections"]) - 1, len(section["lines"]) - 1)
        self._note_after_schedule()
        title_like = kind == "paragraph" and self._title_like(seg)
        if title_like:
            self.tail.append((section, line, True))
        else:
            self.tail = []

    def _title_like(self, seg: _Seg) -> bool:
        text = seg.text
        return len(text) <= 200 and (seg.para.centred or (_whole(seg.runs, "bold") and
                                                          _is_upper(text)))

    def _markup(self, runs: list[Run], source: str) -> str:
        markup = clean_text(runs_to_markup(runs))
        if plain(markup) != clean_text(_text(runs)):
            self.report.append(f"Đoạn {_quote(source)} có dấu * dễ bị hiểu nhầm là chữ "
                               f"đậm/nghiêng — hãy kiểm tra lại.")
        return markup

    def _new_section(self, title: str) -> None:
        self.state = "body"
        self.tail = []
        self.last_bullet_indent = None
        self.item_levels.reset()
        self.doc["sections"].append({"title": clean_text(title), "lines": []})
        self.report.place = ("section", len(self.doc["sections"]) - 1)
        self._note_after_schedule()

    def _note_after_schedule(self) -> None:
        if self.after_schedule and not self.moved_after_schedule:
            self.moved_after_schedule = True
            self.report.append("Có nội dung nằm sau bảng lịch công tác — khi xem và in, phần này "
                               "đứng trước bảng (cuối các mục).")

    def _current_section(self) -> dict:
        if not self.doc["sections"]:
            self._new_section("NỘI DUNG")
        return self.doc["sections"][-1]

    # -- schedule ---------------------------------------------------------------------------------

    def _schedule(self, tables: list[_Table]) -> None:
        first_schedule = not self.schedule_started
        self.schedule_started = True
        self.report.place = ("schedule",)
        cols = self._columns(tables[0])
        if first_schedule and not cols["title_rows"]:
            self._take_schedule_title()
        elif first_schedule:
            self.schedule_section = self._schedule_only_section()
        else:
            self.report.append("Văn bản có thêm một bảng lịch công tác — đã gộp vào bảng trước.")
        header_texts = None
        if cols["header"]:
            header_texts = [self._cell_text(c) for c in tables[0].rows[cols["skip"]].cells]
        repeated = list(cols["title_rows"]) + ([header_texts] if header_texts else [])
        if cols["title_rows"]:
            title = clean_text(" ".join(t for t in cols["title_rows"][0] if t))
            if not self.doc["schedule_title"]:
                self.doc["schedule_title"] = title
            elif fold(title) != fold(self.doc["schedule_title"]):
                self.report.append(f"Bảng lịch công tác có tiêu đề {_quote(title)} khác dòng tiêu "
                                   f"đề phía trên bảng — đã giữ dòng phía trên.")
        if cols["extra"]:
            names = ", ".join(_quote(cols["titles"][c] or f"cột {c + 1}") for c in cols["extra"])
            self.report.append(f"Cột {names} của bảng lịch công tác không có chỗ riêng — đã ghép "
                               f"vào cuối nội dung hoạt động, trong ngoặc.")
        current: dict | None = self.doc["schedule"][-1] if self.doc["schedule"] else None
        for t_index, table in enumerate(tables):
            for r_index, row in enumerate(table.rows):
                self.schedule_rows += 1
                texts = [self._cell_text(c) for c in row.cells]
                if t_index == 0 and r_index < cols["skip"] + (1 if cols["header"] else 0):
                    continue
                if texts in repeated:
                    continue    # title or header rows repeated (on each page, or typed again)
                if row.repeat_header and header_texts is not None and r_index == 0:
                    continue
                if not any(texts):
                    continue
                period_cell = self._cell_at(row, cols["period"])
                label = _period_label(self._cell_text(period_cell))
                if not label and period_cell is not None and period_cell.merged_up and \
                        current is not None:
                    # the month cell merged down over several activity rows: same period
                    self._row_activities(row, cols, current, False)   # each row its own activity
                    continue
                if label:
                    if current is not None and current["period"] == label:
                        pass
                    else:
                        current = {"period": label, "activities": []}
                        self.doc["schedule"].append(current)
                        self.report.place = ("row", len(self.doc["schedule"]) - 1)
                    continued = False
                else:
                    if current is None:
                        current = {"period": "", "activities": []}
                        self.doc["schedule"].append(current)
                        self.report.place = ("row", len(self.doc["schedule"]) - 1)
                        self.report.append("Hàng đầu bảng lịch công tác không ghi thời gian — đã "
                                           "để trống cột thời gian.")
                    else:
                        self.report.append(f"Một hàng của bảng lịch công tác không ghi thời gian — "
                                           f"đã nối vào {_quote(current['period'])}.")
                    continued = True
                self._row_activities(row, cols, current, continued)
        self.after_schedule = True

    def _take_schedule_title(self) -> None:
        titles: list[str] = []
        while self.tail and self.tail[-1][2] and len(titles) < 3:
            section, line, _ = self.tail.pop()
            if section is None:
                self.opening.remove(line["text"])
            else:
                section["lines"].remove(line)
            titles.insert(0, plain(line["text"]))
        if titles:
            self.doc["schedule_title"] = clean_text(" ".join(titles))
            return
        self.schedule_section = self._schedule_only_section()

    def _schedule_only_section(self) -> dict | None:
        sections = self.doc["sections"]
        if sections and not sections[-1]["lines"] and self.state == "body":
            return sections[-1]
        return None

    def _place_schedule_section(self) -> None:
        """A section that holds only the schedule ("III. LỊCH CÔNG TÁC") stays a section when it is
        the last one (the schedule is printed right after it, as in the file); followed by other
        sections, its name becomes the schedule's title, since the schedule is printed last."""
        section = self.schedule_section
        sections = self.doc["sections"]
        if section is None or section["lines"] or section is sections[-1]:
            return
        removed = sections.index(section)
        sections.remove(section)
        # report lines written after it point one section further up
        for i, where in enumerate(self.report.where):
            if where and where[0] in ("section", "line") and where[1] >= removed:
                self.report.where[i] = ("schedule",) if where[1] == removed else \
                    (where[0], where[1] - 1, *where[2:])
        self.typed_numbers = [(i - 1 if i > removed else i, j, typed)
                              for i, j, typed in self.typed_numbers if i != removed]
        if not self.doc["schedule_title"]:
            self.doc["schedule_title"] = section["title"]
        self.report.append(f"Mục {_quote(section['title'])} chỉ có bảng lịch công tác và có mục "
                           f"khác đứng sau — bảng được in sau cùng, tên mục thành tiêu đề bảng.",
                           ("schedule",))

    def _row_activities(self, row: _Row, cols: dict, period: dict, continued: bool) -> None:
        activities = period["activities"]
        added: list[dict] = []
        content = self._cell_at(row, cols["content"])
        for para in self._cell_paras(content) if content else []:
            for seg in self._segments(para):
                text = seg.text
                runs = seg.runs
                match = None
                if para.level is None:
                    match = _bullet(text) or _DECIMAL_RE.match(text) or _LETTER_RE.match(text)
                starts = para.level is not None or match is not None
                if match:
                    runs = _drop_prefix(runs, match.start("rest"))
                markup = self._markup(runs, text)
                if not markup:
                    continue
                previous = activities[-1] if activities else None
                join = False
                if not starts and previous is not None and (added or continued):
                    join = previous.get("_bullet", False) or plain(markup)[:1].islower()
                if join:
                    # A paragraph in lower case goes on with the sentence above (a line wrapped, or a
                    # table split over a page): joined without a word. One that starts a sentence
                    # after a finished one may be an activity whose dash was forgotten: a person looks.
                    doubtful = not plain(markup)[:1].islower() and \
                        plain(previous["text"]).rstrip().endswith(tuple(".!?…"))
                    previous["text"] = clean_text(previous["text"] + " " + markup)
                    if doubtful:
                        self.report.append(f"Đoạn {_quote(markup, 40)} trong bảng lịch công tác không "
                                           f"bắt đầu bằng gạch đầu dòng — đã nối vào hoạt động trước; "
                                           f"nếu đó là một việc riêng, hãy tách thành việc mới.",
                                           ("activity", len(self.doc["schedule"]) - 1, len(activities) - 1))
                    continue
                activity = {"text": markup, "groups": [], "due": None, "_bullet": starts}
                activities.append(activity)
                added.append(activity)
        if cols["groups"] is not None:
            cell = self._cell_at(row, cols["groups"])
            paras = [clean_text(p.text.replace("\n", " ")) for p in self._cell_paras(cell)] \
                if cell else []
            paras = [p for p in paras if p]
            targets = added or activities[-1:]
            if paras and targets:
                if len(paras) == len(targets) > 1:
                    for activity, text in zip(targets, paras):
                        activity["groups"] = _groups([text])
                else:
                    names = _groups(paras)
                    for activity in targets:
                        activity["groups"] = list(dict.fromkeys(activity["groups"] + names))
        extras = []
        for c in cols["extra"]:
            value = self._cell_text(self._cell_at(row, c))
            if value and (c != cols["index"]):
                extras.append(value)
        if extras:
            target = (added or activities[-1:])
            if target:
                target[-1]["text"] = clean_text(target[-1]["text"] + " (" + "; ".join(extras) + ")")
            else:
                activity = {"text": clean_text("; ".join(extras)), "groups": [], "due": None}
                activities.append(activity)

    # -- footer -----------------------------------------------------------------------------------

    def _footer(self, para: _Para) -> None:
        signature = self.doc["signature"]
        for part in self._parts(para):
            if _is_motto(part) or _decoration(part):
                continue
            folded = fold(part)
            if folded.startswith("noi nhan"):
                self.recipients_open = True
                rest = part.split(":", 1)[1] if ":" in part else ""
                rest = clean_text(rest)
                if rest:
                    self._recipient(rest)
                continue
            date = _date_match(part)
            if date:
                if not self.doc["place"] and self.doc["date"] is None:
                    self._date(date, part)
                    self.report.append(f"Lấy địa danh và ngày từ dòng {_quote(part)} ở cuối "
                                       f"văn bản.")
                else:
                    self.report.append(f"Bỏ dòng ngày tháng lặp lại ở cuối văn bản "
                                       f"({_quote(part)}).")
                continue
            upper = _is_upper(part) and len(part) <= 80
            if upper and _ON_BEHALF_RE.match(part):
                if signature["on_behalf"] and not signature["title"]:
                    signature["on_behalf"] = clean_text(signature["on_behalf"] + " " + part)
                    self.report.append(f"Khối chữ ký có nhiều dòng thẩm quyền — đã ghép thành "
                                       f"{_quote(signature['on_behalf'])}.")
                elif not signature["on_behalf"]:
                    signature["on_behalf"] = part
                else:
                    self._unknown_footer(part)
                continue
            if _bullet(part) and (self.recipients_open or not signature["title"]):
                self._recipient(part)
                continue
            if upper and not signature["title"] and (signature["on_behalf"] or
                                                      fold(part).strip(" :.") in _SIGN_TITLES):
                signature["title"] = part
                continue
            if part.startswith("(") and part.endswith(")"):
                self.report.append(f"Bỏ dòng {_quote(part)} ở khối chữ ký.")
                continue
            if signature["title"] and not signature["name"] and len(part) <= 60 and \
                    not re.search(r"\d", part):
                signature["name"] = part
                continue
            if self.recipients_open and not signature["on_behalf"] and not signature["title"]:
                self._recipient(part)
                continue
            self._unknown_footer(part)

    def _recipient(self, text: str) -> None:
        match = _bullet(text)
        if match:
            text = match.group("rest")
        text = clean_text(text)
        if text:
            self.doc["recipients"].append(text)

    def _unknown_footer(self, text: str) -> None:
        section = self._current_section()
        section["lines"].append({"kind": "paragraph", "text": clean_text(text), "level": 0})
        number = roman(len(self.doc["sections"]))
        self.report.append(f"Không nhận ra đoạn {_quote(text)} ở cuối văn bản — đã đưa vào mục "
                           f"{number} dưới dạng đoạn văn.",
                           ("line", len(self.doc["sections"]) - 1, len(section["lines"]) - 1))

    # -- finish -----------------------------------------------------------------------------------

    def _finish(self) -> None:
        doc = self.doc
        doc["opening"] = "\n".join(t for t in self.opening if t)
        self._place_schedule_section()
        self._check_typed_numbers()
        for period in doc["schedule"]:
            for activity in period["activities"]:
                activity.pop("_bullet", None)
        sig = doc["signature"]
        self.report.place = ("closing",)
        if not (sig["on_behalf"] or sig["title"]):
            self.report.append("Không thấy khối chữ ký (TM. …, CHỦ TỊCH) — cần nhập tay.")
        if not doc["recipients"]:
            self.report.append("Không thấy phần “Nơi nhận:”.")
        if self.reader.textboxes:
            self.report.place = None
            self.report.append(f"Văn bản có {self.reader.textboxes} khung chữ (text box) — đã đọc "
                               f"chữ trong đó theo thứ tự xuất hiện.")


    def _check_typed_numbers(self) -> None:
        """Numbers are computed again when the plan is shown: say where the file's own differ
        (an item skipped or repeated in the source), since the reader must decide."""
        # a section whose typed letters include "đ" counts its letters in the Vietnamese alphabet
        for s_index in {s for s, _, typed in self.typed_numbers if typed[:1] == "đ"}:
            for line in self.doc["sections"][s_index]["lines"]:
                if line.get("label") in ("a)", "a."):
                    line["label"] = "đ" + line["label"][1]
        shown: dict[int, list[str]] = {}
        for s_index, l_index, typed in self.typed_numbers:
            if s_index not in shown:
                shown[s_index] = line_labels(self.doc["sections"][s_index]["lines"])
            label = shown[s_index][l_index] if l_index < len(shown[s_index]) else ""
            if label and label.rstrip(".)") != typed.rstrip(".)"):
                self.report.append(f"Mục {roman(s_index + 1)}: mục con đánh số “{typed}” trong tệp "
                                   f"gốc nay là “{label}” (số thứ tự trong tệp không liên tục).",
                                   ("line", s_index, l_index))


def _decoration(text: str) -> bool:
    """Lines drawn with characters ("-----", "___", "* * *") and empty lines."""
    return bool(re.fullmatch(r"[\s\-_=*~.–—•·+#…/\\|]*", text))


def _groups(texts: list[str]) -> list[str]:
    names: list[str] = []
    for text in texts:
        for piece in re.split(r"[,;\n]", text):
            piece = piece.strip()
            match = _bullet(piece)
            if match:
                piece = match.group("rest")
            piece = clean_text(piece).rstrip(".")
            if piece and piece not in names:
                names.append(piece)
    return names
