"""Step 2 of a Word import: styles and numbering. A paragraph's look (bold, italic, underline, hidden,
centred, indent, outline level) follows its style's basedOn chain; its Word numbering (numId, ilvl,
numStyleLink, level overrides) resolves to a level format such as upperRoman, decimal or bullet."""
from __future__ import annotations

import re
from dataclasses import dataclass

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
