"""Render a document (a plan, a report: docs/plan-document.md) into an official Word file with docxtpl.

Pure Python, no Flask: the web views, the tests and scripts call the same functions.

All formatting decisions are made here, in Python, and handed to the template as ready-made values:
the date line with its leading-zero rule, Roman numerals for sections, subsection numbers restarting
in each section, bullet prefixes, capitals, inline bold/italic as docxtpl RichText, tables of figures
as finished Word tables. The template only places them (templates/docx/ke-hoach.docx for a plan,
built by scripts/build_plan_template.py; bao-cao.docx for a report, scripts/build_report_template.py;
docs/document-kinds.md). A union's uploaded template replaces the plan's only: every other kind is
always rendered with its built-in template.

Rendering always runs with autoescape and StrictUndefined: user text with "<" or "&" cannot swallow
the document, and a template asking for a name the context lacks fails loudly instead of printing
nothing. Text is cleaned with congdoan.text.clean_text (no control characters reach the XML) and
multi-line text becomes separate paragraphs (a "\\n" would be a soft break that stretches the line
before it in justified text).
"""
from __future__ import annotations

import datetime
import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import jinja2
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText

from congdoan.dates import date_line, fmt_date, parse_iso_date
from congdoan.documents import ceilings
from congdoan.images import TooManyPixels, open_image
from congdoan.documents.sandbox import LimitedSandbox, TemplateLimit, render_budget
from congdoan.plans.kinds import KINDS, PLAN, DocumentKind, kind_of, number_symbol
from congdoan.plans.numbering import clamp_level, labels, own_weight
from congdoan.plans.tables import CELL_PADDING_TWIPS, EM_TWIPS, LINE_TWIPS, column_widths, layout
from congdoan.text import clean_text, fit, fold, parse_inline, roman

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "docx"
DEFAULT_TEMPLATE = TEMPLATES_DIR / PLAN.template

DEFAULT_MOTTO_LINE1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
DEFAULT_MOTTO_LINE2 = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_NUMBER_SYMBOL = "KH-CĐ"
CORE_PROPERTY_MAX = 255       # characters in each of Word's core properties (title, subject, author...)

# The top-level names a plan template must use. A union's replacement template that leaves one out
# would silently drop that part of the plan (or the draft marker, or the signature): refuse it.
# "period" is optional on purpose: most subjects already carry the period ("... năm học 2023 - 2024").
REQUIRED_PLACEHOLDERS: tuple[str, ...] = (
    "draft",
    "upper_union",
    "union_name",
    "number",
    "motto_line1",
    "motto_line2",
    "date_line",
    "type_name",
    "subject",
    "bases",
    "opening",
    "sections",
    "schedule_title",
    "schedule",
    "recipients",
    "signature",
    "signature_image",
    "verify",
)



def required_placeholders(kind: DocumentKind) -> tuple[str, ...]:
    """The names the template of a kind must use: a kind without bases or schedule has no place for them."""
    unused = (() if kind.has_bases else ("bases",)) + (() if kind.has_schedule else ("schedule_title", "schedule"))
    return tuple(name for name in REQUIRED_PLACEHOLDERS if name not in unused)


# Every top-level name build_context provides (a template may use any of these).
CONTEXT_NAMES: tuple[str, ...] = REQUIRED_PLACEHOLDERS + ("period", "place", "date", "org")

# Physical sizes of the images placed in the document.
SIGNATURE_HEIGHT_MM = 22
SEAL_DIAMETER_MM = 36
QR_SIZE_MM = 20


class TemplateError(Exception):
    """A Word template that cannot be used; the message is Vietnamese and meant for the user."""


class ImageError(ValueError):
    """A signature or seal image that cannot be read; Vietnamese message."""


# ------------------------------------------------------------------------------------ rich text

def _paragraphs(value: Any) -> list[str]:
    """Clean text and split it into non-empty paragraphs (never a soft line break)."""
    text = clean_text(value if isinstance(value, str) or value is None else str(value),
                      multiline=True)
    return [chunk for chunk in (part.strip() for part in text.split("\n")) if chunk]


def _line(value: Any) -> str:
    """One clean line of plain text."""
    return clean_text(value if isinstance(value, str) or value is None else str(value))


def rich(markup: str, prefix: str = "", *, styled_prefix: bool = False,
         upright: bool = False, own_weight: bool = False) -> RichText:
    """Marked-up text (**bold**, *italic*, <u>underline</u>) as RichText. The prefix ("1. ", "- ")
    stays plain, or takes the weight and slant of the first run (styled_prefix: "a) " before italic
    words is italic too; a label is never underlined).
    upright: the paragraph style is italic (bases) and the text marks its own italics, so every run
    not marked italic is set upright explicitly (w:i w:val="0"), as the source showed it.
    own_weight: the same for bold (an item whose style is bold and whose text marks its bold words):
    every run not marked bold, the prefix included when the first words are not, gets w:b w:val="0"."""
    rt = RichText()
    runs = parse_inline(markup)
    if prefix:
        first = runs[0] if runs and styled_prefix else None
        rt.add(prefix, bold=bool(first and first.bold), italic=bool(first and first.italic))
        if own_weight and not (first and first.bold):
            rt.xml = _set_off_last(rt.xml, "b")
    for run in runs:
        rt.add(run.text, bold=run.bold, italic=run.italic, underline=run.underline)
        if upright and not run.italic:
            rt.xml = _set_off_last(rt.xml, "i")
        if own_weight and not run.bold:
            rt.xml = _set_off_last(rt.xml, "b")
    return rt


def _set_off_last(xml: str, prop: str) -> str:
    """Switch a toggle property off in the last run of a RichText's XML: its rPr gets
    w:i w:val="0" (upright) or w:b w:val="0" (normal weight), with the complex-script twin."""
    off = f'<w:{prop} w:val="0"/><w:{prop}Cs w:val="0"/>'
    at = xml.rfind("<w:r>")
    head, tail = xml[:at], xml[at:]
    if tail.startswith("<w:r><w:rPr>"):
        tail = tail.replace("<w:rPr>", f"<w:rPr>{off}", 1)
    else:
        tail = tail.replace("<w:r>", f"<w:r><w:rPr>{off}</w:rPr>", 1)
    return head + tail


def _base_paragraphs(value: Any) -> list[RichText]:
    """A base is printed in italics by its style; one that marks some words italic keeps the rest
    upright (a reference in italics inside an upright sentence)."""
    return [rich(chunk, upright=any(run.italic for run in parse_inline(chunk)))
            for chunk in _paragraphs(value)]


def _rich_paragraphs(value: Any, prefix: str = "") -> list[RichText]:
    """Multi-paragraph rich text: the first paragraph gets the prefix, each its own RichText."""
    return [rich(chunk, prefix if i == 0 else "") for i, chunk in enumerate(_paragraphs(value))]


# ---------------------------------------------------------------------------------------- images

_PX_PER_MM = 10  # about 250 dpi: sharp in print, quick to compose
_MAX_PX = 70 * _PX_PER_MM


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


_stamp_cache: OrderedDict[bytes, tuple[bytes, float, float]] = OrderedDict()
_stamp_lock = threading.Lock()


def stamp_image(signature: bytes | None, seal: bytes | None) -> tuple[bytes, float, float] | None:
    """The signature with the seal over its left part, as unions stamp on paper.

    Returns (PNG bytes, width mm, height mm), or None when there is neither image. The seal is
    blended by multiplication so a seal scanned on white paper does not hide the signature.
    Results are remembered by content hash: an issued plan is downloaded again and again with the
    same images, and decoding a large PNG costs half a second.
    """
    if not signature and not seal:
        return None
    key = hashlib.sha256(b"S" + (signature or b"") + b"|" + hashlib.sha256(seal or b"").digest()
                         ).digest()
    with _stamp_lock:
        if key in _stamp_cache:
            _stamp_cache.move_to_end(key)
            return _stamp_cache[key]
    result = _compose_stamp(signature, seal)
    with _stamp_lock:
        _stamp_cache[key] = result
        while len(_stamp_cache) > 16:
            _stamp_cache.popitem(last=False)
    return result


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


# --------------------------------------------------------------------------------------- context

def _upper(value: Any) -> str:
    return _line(value).upper()


def kind_symbol(org: dict, kind: DocumentKind) -> str:
    """The symbol after the number of a document of this kind: the setting org["number_symbol_<kind>"]
    when the caller gives one, else the plan's symbol (org["number_symbol"]) with the kind's
    abbreviation at its head ("KH-CĐ" -> "BC-CĐ", congdoan.plans.kinds.number_symbol, read as one
    abbreviation). The app's callers pass the kind's own (documents.services.render_org)."""
    own = _line(org.get(f"number_symbol_{kind.key}"))
    return own or number_symbol(_line(org.get("number_symbol")) or DEFAULT_NUMBER_SYMBOL, "", kind)


def _number(doc: dict, org: dict, draft: bool) -> str:
    symbol = kind_symbol(org, kind_of(doc.get("kind")))
    number = _line(doc.get("number"))
    if draft or not number:
        # numbers are given when the plan is signed and issued: a draft never shows one
        return f".../{symbol}"
    return number


def _sections(doc: dict) -> list[dict]:
    """Sections with their lines labelled (congdoan/plans/numbering.py). A numbered item of the first
    level takes the item style of the template (bold); deeper items are body paragraphs whose label
    takes the look of their first words, as in the plans they come from."""
    sections = []
    numeral = 0
    for section in doc.get("sections") or []:
        title = _line(section.get("title"))
        lines = []
        source = [line for line in section.get("lines") or []
                  if (line.get("kind") == "table" and layout(line.get("table")).width)
                  or (line.get("kind") != "table" and _paragraphs(line.get("text")))]
        for line, label in zip(source, labels(source)):
            kind = line.get("kind") or "paragraph"
            if kind == "table":
                table = WordTable(line.get("table"))
                # "text" is for a template without a table branch (a union's own plan template):
                # the rows as paragraphs, cells separated by " | ", rather than nothing
                lines.append({"kind": "table", "level": 0, "nested": False, "number": "", "continued": False,
                              "table": table, "text": RichText("\a".join(table.plain_rows())), "keep_next": False})
                continue
            level = clamp_level(line.get("level"))
            chunks = _paragraphs(line.get("text"))
            if kind not in ("subsection", "bullet"):
                kind = "paragraph"
            prefix = f"{label} " if label else ""
            number = label if kind == "subsection" else ""
            shown = kind
            # A first-level item is bold by its style; one whose text marks some words bold shows
            # the others at normal weight, one written upright ("weight": "normal") all of them.
            own = own_weight(kind, level, line.get("text"), line.get("weight"))
            if kind == "subsection" and level >= 1:
                shown = "paragraph"    # "a)", "1.1": the body style, not the bold item style
            for i, chunk in enumerate(chunks):
                lines.append({
                    "kind": shown,
                    "level": level,
                    "nested": kind == "bullet" and level >= 1,
                    "number": number if i == 0 else "",
                    "continued": i > 0,
                    "text": rich(chunk, prefix if i == 0 else "", styled_prefix=shown != kind or own,
                                 own_weight=own),
                    "keep_next": False,
                })
        for before, after in zip(lines, lines[1:]):
            # never alone at the foot of a page: the paragraph that introduces a table ("... như
            # sau:") and a first-level item with content under it (not one item after another: a
            # run of items would move to the next page as one block)
            if (before["kind"] == "paragraph" and after["kind"] == "table") or \
                    (before["kind"] == "subsection" and after["kind"] != "subsection"):
                before["keep_next"] = True
        if not title and not lines:
            continue
        numeral += 1
        sections.append({
            "numeral": roman(numeral),
            "title": title,
            "heading": f"{roman(numeral)}. {title}" if title else "",
            "lines": lines,
        })
    return sections


# ------------------------------------------------------------------------------------- tables

TEXT_WIDTH_TWIPS = LINE_TWIPS  # A4 less the margins of NĐ 30 (30 + 15 mm): 165 mm
TABLE_PAD_TWIPS = 57           # each side of a cell (1 mm)
TABLE_SIZE = EM_TWIPS // 10    # half-points: 13 pt, as the plan's schedule
_ALIGN = {"left": "left", "right": "right", "center": "center"}


class WordTable:
    """A table line as a finished Word table (w:tbl), placed by the template with {{p line.table }}:
    docxtpl replaces the tag's whole paragraph with this object's XML (as it does a subdocument, whose
    docxcompose dependency is not needed for a table built here).

    The header row is bold and centred, repeats at the top of every page (w:tblHeader) and keeps
    with the first row; no row breaks across pages; figures are right-aligned; a total row is bold.
    The columns fill the text width, each at least as wide as its longest word. Every text is
    cleaned (no control character) and escaped: a cell's "&", "<" or quotes are text, never XML.
    Links of figures are not printed. Formatting is direct (no style), so the table looks the same
    in any template. A small paragraph follows the table, so two tables in a row never merge."""

    def __init__(self, table: dict | None) -> None:
        laid = layout(table)
        self.columns = [_line(c) for c in laid.columns]
        self.rows = [[_paragraphs(c.text) for c in row] for row in laid.rows]
        self.total = [_paragraphs(c.text) for c in laid.total] if laid.total is not None else None
        self.align = laid.align
        self.widths = column_widths(laid, TEXT_WIDTH_TWIPS, em=EM_TWIPS, padding=CELL_PADDING_TWIPS)

    def plain_rows(self) -> list[str]:
        rows = [self.columns] + [[" ".join(c) for c in row] for row in self.rows]
        if self.total is not None:
            rows.append([" ".join(c) for c in self.total])
        return [" | ".join(cells) for cells in rows if any(cells)]

    def xml(self) -> str:
        out = ['<w:tbl><w:tblPr>',
               f'<w:tblW w:w="{sum(self.widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>',
               *(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                 for side in ("top", "left", "bottom", "right", "insideH", "insideV")),
               '</w:tblBorders><w:tblLayout w:type="fixed"/>',
               f'<w:tblCellMar><w:left w:w="{TABLE_PAD_TWIPS}" w:type="dxa"/>'
               f'<w:right w:w="{TABLE_PAD_TWIPS}" w:type="dxa"/></w:tblCellMar>',
               '<w:tblLook w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
               'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{w}"/>' for w in self.widths), '</w:tblGrid>']
        out.append(self._row([[c] if c else [] for c in self.columns], header=True))
        for row in self.rows:
            out.append(self._row(row))
        if self.total is not None:
            out.append(self._row(self.total, bold=True))
        out.append('</w:tbl><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="160" w:lineRule="exact"/>'
                   '<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>')
        return "".join(out)

    def _row(self, cells: list[list[str]], *, header: bool = False, bold: bool = False) -> str:
        # no row breaks across pages; the header's paragraphs keep with the first row
        out = ['<w:tr><w:trPr><w:cantSplit/>' + ('<w:tblHeader/>' if header else '') + '</w:trPr>']
        for i, (paragraphs, width) in enumerate(zip(cells, self.widths)):
            align = "center" if header else _ALIGN[self.align[i]]
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                       + ('<w:vAlign w:val="center"/>' if header else '') + '</w:tcPr>')
            for text in paragraphs or [""]:        # a cell must hold a paragraph: Word refuses one without
                out.append(_table_paragraph(text, align, bold=header or bold, keep_next=header))
            out.append('</w:tc>')
        out.append('</w:tr>')
        return "".join(out)

    def __html__(self) -> str:        # what Jinja's autoescape inserts: the XML as it is
        return self.xml()

    def __str__(self) -> str:
        return self.xml()


def _table_paragraph(text: str, align: str, *, bold: bool, keep_next: bool) -> str:
    run_props = ('<w:b/><w:bCs/>' if bold else '') + f'<w:sz w:val="{TABLE_SIZE}"/><w:szCs w:val="{TABLE_SIZE}"/>'
    run = (f'<w:r><w:rPr>{run_props}</w:rPr><w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>'
           if text else '')
    return ('<w:p><w:pPr>' + ('<w:keepNext/>' if keep_next else '')
            + '<w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/>'
            + f'<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="{align}"/>'
            + f'<w:rPr>{run_props}</w:rPr></w:pPr>{run}</w:p>')


def _schedule(doc: dict) -> list[dict]:
    rows = []
    for row in doc.get("schedule") or []:
        activities = []
        for activity in row.get("activities") or []:
            if isinstance(activity, str):
                activity = {"text": activity}
            groups = [_line(g) for g in activity.get("groups") or [] if _line(g)]
            due = parse_iso_date(activity.get("due"))
            for i, chunk in enumerate(_paragraphs(activity.get("text"))):
                activities.append({
                    "text": rich(chunk, "- " if i == 0 else ""),
                    "groups": ", ".join(groups),
                    "due": fmt_date(due),
                })
        period = _line(row.get("period"))
        if not period and not activities:
            continue
        if not activities:
            # a cell whose paragraph loop renders nothing would be a cell without a paragraph,
            # which Word refuses to open
            activities.append({"text": RichText(), "groups": "", "due": ""})
        rows.append({"period": period, "activities": activities})
    return rows


def _period_label(doc: dict, subject: str) -> str:
    period = _line(doc.get("period"))
    if period and fold(period) in fold(subject):
        return ""  # "Hoạt động Công đoàn năm học 2023 - 2024" already says it
    return period


def build_context(doc: dict, tpl: DocxTemplate, *, org: dict, draft: bool,
                  signature_image: bytes | None = None, seal_image: bytes | None = None,
                  verify_code: str | None = None, verify_url: str | None = None) -> dict:
    """Everything the template places, formatted. See REQUIRED_PLACEHOLDERS / CONTEXT_NAMES."""
    org = org or {}
    subject = _line(doc.get("subject"))
    place = _line(doc.get("place"))
    date = parse_iso_date(doc.get("date"))
    signature = doc.get("signature") or {}

    stamp = stamp_image(signature_image, seal_image)
    sig_inline = None
    if stamp is not None:
        data, width, height = stamp
        sig_inline = InlineImage(tpl, io.BytesIO(data), width=Mm(width), height=Mm(height))

    verify = None
    code = _line(verify_code)
    if code:
        url = _line(verify_url)
        text = f"Mã xác thực: {code}" + (f" — kiểm tra tại {url}" if url else "")
        verify = {
            "code": code,
            "url": url,
            "title": "Xác thực văn bản",
            "text": text,
            "qr": InlineImage(tpl, io.BytesIO(qr_png(url or code)), width=Mm(QR_SIZE_MM),
                              height=Mm(QR_SIZE_MM)),
        }

    return {
        "draft": bool(draft),
        "org": {k: _line(v) for k, v in org.items() if isinstance(v, (str, int, float))},
        "upper_union": _upper(doc.get("upper_union")),
        "union_name": _upper(doc.get("union_name")),
        "number": _number(doc, org, draft),
        "motto_line1": _upper(org.get("motto_line1") or DEFAULT_MOTTO_LINE1),
        "motto_line2": _line(org.get("motto_line2") or DEFAULT_MOTTO_LINE2),
        "place": place,
        "date": fmt_date(date),
        "date_line": date_line(place, date),
        "type_name": _upper(doc.get("type_name") or kind_of(doc.get("kind")).type_name),
        "subject": subject,
        "period": _period_label(doc, subject),
        "bases": [rt for base in doc.get("bases") or [] for rt in _base_paragraphs(base)],
        "opening": _rich_paragraphs(doc.get("opening")),
        "sections": _sections(doc),
        "schedule_title": _line(doc.get("schedule_title")),
        "schedule": _schedule(doc),
        "recipients": [r for r in (_line(x) for x in doc.get("recipients") or []) if r],
        "signature": {
            "on_behalf": _upper(signature.get("on_behalf")),
            "title": _upper(signature.get("title")),
            "name": _line(signature.get("name")),
        },
        "signature_image": sig_inline,
        "verify": verify,
    }


# ------------------------------------------------------------------------------------- rendering

class _CachingEnvironment(LimitedSandbox):
    """autoescape + StrictUndefined, sandboxed, remembering compiled templates.

    Sandboxed because a union may upload its own Word template: its tags must not reach Python
    internals ("{{ ''.__class__.__mro__ }}" and the like), nor make a render costly (the ceilings of
    congdoan.documents.sandbox: string multiplication, huge ranges, endless loops, recursion).

    docxtpl compiles the whole document XML with from_string on every render; the XML of one
    template file is the same every time, and compiling it is most of the render time (~30 ms of
    ~45 ms for a 12-month plan). Compiled templates are immutable and thread-safe to render.
    """

    _MAX = 64

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()
        self._compiled_lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002
        if globals or template_class or not isinstance(source, str) or self.autoescape is not True:
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            compiled = self._compiled.get(source)
            if compiled is not None:
                self._compiled.move_to_end(source)
                return compiled
        compiled = super().from_string(source)
        with self._compiled_lock:
            self._compiled[source] = compiled
            while len(self._compiled) > self._MAX:
                self._compiled.popitem(last=False)
        return compiled


_ENV = _CachingEnvironment()


def jinja_env() -> jinja2.Environment:
    """The Jinja environment every render uses: autoescape=True, undefined=StrictUndefined."""
    return _ENV


_template_cache: dict[Path, tuple[float, bytes]] = {}
_cache_lock = threading.Lock()


def _template_bytes(template: bytes | str | Path | None) -> bytes:
    if isinstance(template, (bytes, bytearray)):
        return bytes(template)
    path = Path(template) if template is not None else DEFAULT_TEMPLATE
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise TemplateError(f"Không tìm thấy tệp mẫu Word: {path.name}.") from exc
    with _cache_lock:
        cached = _template_cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    data = path.read_bytes()
    with _cache_lock:
        _template_cache[path] = (mtime, data)
    return data


def template_digest(template: bytes | str | Path | None) -> str:
    """SHA-256 of a template's bytes (the built-in file when None), without re-reading an unchanged file."""
    if isinstance(template, (bytes, bytearray)):
        return hashlib.sha256(template).hexdigest()
    path = Path(template) if template is not None else DEFAULT_TEMPLATE
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise TemplateError(f"Không tìm thấy tệp mẫu Word: {path.name}.") from exc
    with _cache_lock:
        cached = _digest_cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    digest = hashlib.sha256(_template_bytes(path)).hexdigest()
    with _cache_lock:
        _digest_cache[path] = (mtime, digest)
    return digest


_digest_cache: dict[Path, tuple[float, str]] = {}

# Bump when the output changes for a reason renderer_fingerprint() cannot see (a helper module
# other than the ones it reads). Rendered drafts are kept under a key that includes it.
RENDERER_VERSION = 1
_fingerprint: str | None = None


def renderer_fingerprint() -> str:
    """What identifies this renderer's output for the same document, settings and template: the
    version above, the source of this module and of the text and date helpers it formats with,
    and the versions of the libraries that write the file. A deployment that changes any of them
    gets a new fingerprint, so files rendered by the old code are never served as new ones."""
    global _fingerprint
    if _fingerprint is None:
        from importlib.metadata import version

        import congdoan.dates
        import congdoan.text

        digest = hashlib.sha256(f"{RENDERER_VERSION}\n".encode())
        import congdoan.plans.kinds
        import congdoan.plans.numbering
        import congdoan.plans.tables

        for module in (__file__, congdoan.text.__file__, congdoan.dates.__file__, congdoan.plans.kinds.__file__,
                       congdoan.plans.numbering.__file__, congdoan.plans.tables.__file__):
            digest.update(Path(module).read_bytes())
        # the cache key of a draft names the plan's template (the union's or the built-in one); the
        # other kinds always use their built-in file, which only a deployment changes
        for kind in KINDS.values():
            if kind is not PLAN and builtin_template(kind).exists():
                digest.update(builtin_template(kind).read_bytes())
        for package in ("docxtpl", "python-docx", "Jinja2", "lxml"):
            digest.update(f"{package}={version(package)}\n".encode())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def builtin_template(kind: DocumentKind) -> Path:
    """The built-in Word template of a kind (templates/docx/<kind.template>)."""
    return TEMPLATES_DIR / kind.template


def template_for(doc: dict, template: bytes | str | Path | None = None) -> bytes | str | Path:
    """The template a document is rendered with: for a plan the union's own (`template`) or the
    built-in one; for any other kind always its built-in template (an uploaded template is a plan's)."""
    kind = kind_of(doc.get("kind"))
    if kind is PLAN:
        return template if template is not None else DEFAULT_TEMPLATE
    return builtin_template(kind)


def _open_template(data: bytes) -> DocxTemplate:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError("Tệp mẫu không phải tệp Word .docx hợp lệ.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:   # from the zip directory alone: docxtpl would expand every part in memory
                ceilings.check_template_archive(archive, ceilings.MAX_TEMPLATE_UPLOAD)
            except ceilings.ArchiveRefused as exc:
                raise TemplateError(str(exc)) from None
            if "word/document.xml" not in archive.namelist():
                raise TemplateError("Tệp mẫu không phải tệp Word .docx hợp lệ "
                                    "(thiếu phần nội dung word/document.xml).")
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError("Tệp mẫu không phải tệp Word .docx hợp lệ "
                            "(không mở được bằng python-docx).") from exc
    return tpl


def _describe_jinja_error(exc: Exception) -> str:
    if isinstance(exc, TemplateLimit):
        return str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        name = re.search(r"'([^']+)' is undefined", str(exc))
        what = f" «{name.group(1)}»" if name else ""
        return f"Mẫu Word dùng tên{what} không có trong dữ liệu kế hoạch ({exc})."
    unknown_filter = re.match(r"No (filter|test) named '([^']+)'", getattr(exc, "message", "") or "")
    if unknown_filter:
        kind = "bộ lọc" if unknown_filter.group(1) == "filter" else "phép thử"
        return (f"Mẫu Word dùng {kind} «{unknown_filter.group(2)}» không có hoặc không được phép "
                "trong mẫu (các bộ lọc làm chuỗi dài ra như center, format, indent bị chặn).")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return (f"Mẫu Word có thẻ {{{{ }}}} hoặc {{% %}} viết sai: {exc.message}. "
                "Kiểm tra các thẻ mở/đóng (for/endfor, if/endif) và dấu ngoặc.")
    return f"Không dựng được văn bản từ mẫu Word: {exc}."


def render_plan(doc: dict, *, org: dict, draft: bool, template: bytes | str | Path | None = None,
                signature_image: bytes | None = None, seal_image: bytes | None = None,
                verify_code: str | None = None, verify_url: str | None = None) -> bytes:
    """The document as .docx bytes: a plan with `template` (None: the built-in one), any other kind
    with its own built-in template whatever `template` is (template_for)."""
    tpl = _open_template(_template_bytes(template_for(doc, template)))
    context = build_context(doc, tpl, org=org, draft=draft, signature_image=signature_image,
                            seal_image=seal_image, verify_code=verify_code, verify_url=verify_url)
    try:
        with render_budget():
            tpl.render(context, jinja_env(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateError(_describe_jinja_error(exc)) from exc
    except RecursionError:
        raise TemplateError("Mẫu Word gọi macro lồng nhau quá sâu (đệ quy); mẫu không được dùng "
                            "đệ quy.") from None
    props = tpl.docx.core_properties
    # Word's core properties hold at most 255 characters each (python-docx refuses more); the
    # document's own text keeps the whole subject.
    props.title = fit(f"{context['type_name']} {context['subject']}".strip(), CORE_PROPERTY_MAX)
    props.subject = fit(context["subject"], CORE_PROPERTY_MAX)
    props.author = fit(context["union_name"], CORE_PROPERTY_MAX)
    props.last_modified_by = fit(context["union_name"], CORE_PROPERTY_MAX)
    props.comments = "Dự thảo" if draft else ""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    props.created = now
    props.modified = now
    props.revision = 1
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------- checking

SAMPLE_PLAN: dict = {
    "format": 1,
    "type_name": "KẾ HOẠCH",
    "subject": "Hoạt động Công đoàn năm học 2025 - 2026",
    "period": "Năm học 2025 - 2026",
    "upper_union": "Công đoàn cấp trên",
    "union_name": "Công đoàn cơ sở",
    "place": "Hà Nội",
    "date": "2025-09-05",
    "number": "01/KH-CĐ",
    "bases": ["*Căn cứ Điều lệ Công đoàn Việt Nam.*"],
    "opening": "Công đoàn xây dựng kế hoạch như sau:",
    "sections": [{"title": "MỤC ĐÍCH, YÊU CẦU", "lines": [
        {"kind": "subsection", "text": "Mục đích", "level": 0},
        {"kind": "paragraph", "text": "Nội dung **đậm** và *nghiêng*.", "level": 0},
        {"kind": "bullet", "text": "Ý một", "level": 0},
        {"kind": "bullet", "text": "Ý con", "level": 1},
    ]}],
    "schedule_title": "LỊCH CÔNG TÁC",
    "schedule": [{"period": "9/2025", "activities": [
        {"text": "Hội nghị", "groups": ["Tổ 1"], "due": "2025-09-30"}]}],
    "recipients": ["Như trên;", "Lưu: VT."],
    "signature": {"on_behalf": "TM. BAN CHẤP HÀNH", "title": "CHỦ TỊCH", "name": "Nguyễn Văn A"},
}


def check_template(source: bytes | str | Path) -> list[str]:
    """The required placeholders a replacement template lacks ([] = usable).

    Raises TemplateError (Vietnamese message) when the file is not a .docx, when its tags are not
    valid Jinja, or when a trial render of a sample plan fails (e.g. an unknown name).
    """
    data = _template_bytes(source)
    tpl = _open_template(data)
    try:
        used = tpl.get_undeclared_template_variables(jinja_env())
    except (jinja2.TemplateSyntaxError, TemplateLimit) as exc:
        raise TemplateError(_describe_jinja_error(exc)) from exc
    except Exception as exc:
        raise TemplateError(f"Không đọc được nội dung mẫu Word: {exc}.") from exc
    unknown = sorted(name for name in used if name not in CONTEXT_NAMES)
    if unknown:
        raise TemplateError("Mẫu Word dùng tên không có trong dữ liệu kế hoạch: "
                            + ", ".join(unknown) + ".")
    missing = [name for name in REQUIRED_PLACEHOLDERS if name not in used]
    # a trial render catches what parsing cannot (a loop over a string, a tag in the wrong place)
    for draft in (True, False):
        try:
            rendered = render_plan(SAMPLE_PLAN, org={}, draft=draft, template=data,
                                   verify_code="TEST-0000", verify_url="https://example.invalid/x")
            Document(io.BytesIO(rendered))
        except TemplateError:
            raise
        except Exception as exc:
            raise TemplateError(f"Mẫu Word không dựng được văn bản thử: {exc}.") from exc
    return missing


# ------------------------------------------------------------------------------------ reading

def docx_text(data: bytes) -> list[str]:
    """Every paragraph text of a .docx body in document order, table cells included.

    Empty paragraphs are kept (as ""); merged cells are read once.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    out: list[str] = []

    def walk(container) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Paragraph):
                out.append(item.text)
            elif isinstance(item, Table):
                for row in item.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)

    walk(document)
    return out
