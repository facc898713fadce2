"""Step 3 of a Word import: the body read into paragraphs and tables. Each paragraph becomes formatted
runs (manual breaks and tabs kept) with its numbering level, indent and heading; tables keep their
grid (spans, merged cells); text boxes, content controls and tracked insertions are read in place,
deletions and hidden text are not. The document part is counted against the ceilings first."""
from __future__ import annotations

from dataclasses import dataclass

from congdoan.documents import ceilings
from congdoan.text import Run

from .package import MAX_PARAGRAPHS, _Package
from .result import ImportFailed
from .styles import _int, _Level, _Numbering, _on, _ParaStyle, _read_ppr, _Styles, _underline

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


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
