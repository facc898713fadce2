"""What a Word template receives: build_context turns a document (a plan, a report: docs/plan-document.md)
and the union's settings into ready-made values, and names what a template must and may use.

All formatting decisions are made here, in Python: the date line with its leading-zero rule, Roman
numerals for sections, subsection numbers restarting in each section, bullet prefixes, capitals,
inline bold/italic as docxtpl RichText (rich_text.py), tables of figures as finished Word tables
(word_table.py), the signature and seal image and the QR code (stamps.py). The template only places
them. Pure Python, no Flask.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText

from congdoan.dates import date_line, fmt_date, parse_iso_date
from congdoan.documents.rich_text import base_paragraphs, one_line, rich, rich_paragraphs, split_paragraphs
from congdoan.documents.stamps import QR_SIZE_MM, qr_png, stamp_image
from congdoan.documents.word_table import WordTable
from congdoan.plans import kinds
from congdoan.plans.kinds import PLAN, DocumentKind, kind_of
from congdoan.plans.numbering import clamp_level, labels, own_weight
from congdoan.plans.tables import layout
from congdoan.text import fold, roman

if TYPE_CHECKING:
    from congdoan.organisation.models import Organisation

DEFAULT_MOTTO_LINE1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
DEFAULT_MOTTO_LINE2 = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_NUMBER_SYMBOL = "KH-CĐ"

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


def number_symbol(org: Organisation, kind: DocumentKind = PLAN) -> str:
    """The symbol after a document's number, per kind (docs/document-kinds.md).

    A plan: exactly the settings' symbol ("KH-CĐ"). Another kind: the plan's symbol with its leading
    plan abbreviation replaced by the kind's ("KH" -> "BC-CĐ", the demo's "KHCĐ" -> "BCCĐ-THTT"), so
    that a union that writes its plans "KHCĐ" writes its reports the same way. When the union's plan
    abbreviation does not start with "KH" there is nothing to replace: the kind's abbreviation and the
    issuing body's ("BC-CĐ", or "BC" without one).
    """
    return kinds.number_symbol(org.plan_abbrev, org.body_abbrev, kind)


def render_org(org: Organisation, kind: DocumentKind = PLAN) -> dict:
    """The settings the Word renderer reads (the number's symbol is the kind's)."""
    return {"number_symbol": number_symbol(org, kind), f"number_symbol_{kind.key}": number_symbol(org, kind),
            "motto_line1": org.motto_line1,
            "motto_line2": org.motto_line2, "name": org.name}


def _upper(value: Any) -> str:
    return one_line(value).upper()


def kind_symbol(org: dict, kind: DocumentKind) -> str:
    """The symbol after the number of a document of this kind: the setting org["number_symbol_<kind>"]
    when the caller gives one, else the plan's symbol (org["number_symbol"]) with the kind's
    abbreviation at its head ("KH-CĐ" -> "BC-CĐ", congdoan.plans.kinds.number_symbol, read as one
    abbreviation). The app's callers pass the kind's own (render_org)."""
    own = one_line(org.get(f"number_symbol_{kind.key}"))
    return own or kinds.number_symbol(one_line(org.get("number_symbol")) or DEFAULT_NUMBER_SYMBOL, "", kind)


def _number(doc: dict, org: dict, draft: bool) -> str:
    symbol = kind_symbol(org, kind_of(doc.get("kind")))
    number = one_line(doc.get("number"))
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
        title = one_line(section.get("title"))
        lines = []
        source = [line for line in section.get("lines") or []
                  if (line.get("kind") == "table" and layout(line.get("table")).width)
                  or (line.get("kind") != "table" and split_paragraphs(line.get("text")))]
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
            chunks = split_paragraphs(line.get("text"))
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


def _schedule(doc: dict) -> list[dict]:
    rows = []
    for row in doc.get("schedule") or []:
        activities = []
        for activity in row.get("activities") or []:
            if isinstance(activity, str):
                activity = {"text": activity}
            groups = [one_line(g) for g in activity.get("groups") or [] if one_line(g)]
            due = parse_iso_date(activity.get("due"))
            for i, chunk in enumerate(split_paragraphs(activity.get("text"))):
                activities.append({
                    "text": rich(chunk, "- " if i == 0 else ""),
                    "groups": ", ".join(groups),
                    "due": fmt_date(due),
                })
        period = one_line(row.get("period"))
        if not period and not activities:
            continue
        if not activities:
            # a cell whose paragraph loop renders nothing would be a cell without a paragraph,
            # which Word refuses to open
            activities.append({"text": RichText(), "groups": "", "due": ""})
        rows.append({"period": period, "activities": activities})
    return rows


def _period_label(doc: dict, subject: str) -> str:
    period = one_line(doc.get("period"))
    if period and fold(period) in fold(subject):
        return ""  # "Hoạt động Công đoàn năm học 2023 - 2024" already says it
    return period


def build_context(doc: dict, tpl: DocxTemplate, *, org: dict, draft: bool,
                  signature_image: bytes | None = None, seal_image: bytes | None = None,
                  verify_code: str | None = None, verify_url: str | None = None) -> dict:
    """Everything the template places, formatted. See REQUIRED_PLACEHOLDERS / CONTEXT_NAMES."""
    org = org or {}
    subject = one_line(doc.get("subject"))
    place = one_line(doc.get("place"))
    date = parse_iso_date(doc.get("date"))
    signature = doc.get("signature") or {}

    stamp = stamp_image(signature_image, seal_image)
    sig_inline = None
    if stamp is not None:
        data, width, height = stamp
        sig_inline = InlineImage(tpl, io.BytesIO(data), width=Mm(width), height=Mm(height))

    verify = None
    code = one_line(verify_code)
    if code:
        url = one_line(verify_url)
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
        "org": {k: one_line(v) for k, v in org.items() if isinstance(v, (str, int, float))},
        "upper_union": _upper(doc.get("upper_union")),
        "union_name": _upper(doc.get("union_name")),
        "number": _number(doc, org, draft),
        "motto_line1": _upper(org.get("motto_line1") or DEFAULT_MOTTO_LINE1),
        "motto_line2": one_line(org.get("motto_line2") or DEFAULT_MOTTO_LINE2),
        "place": place,
        "date": fmt_date(date),
        "date_line": date_line(place, date),
        "type_name": _upper(doc.get("type_name") or kind_of(doc.get("kind")).type_name),
        "subject": subject,
        "period": _period_label(doc, subject),
        "bases": [rt for base in doc.get("bases") or [] for rt in base_paragraphs(base)],
        "opening": rich_paragraphs(doc.get("opening")),
        "sections": _sections(doc),
        "schedule_title": one_line(doc.get("schedule_title")),
        "schedule": _schedule(doc),
        "recipients": [r for r in (one_line(x) for x in doc.get("recipients") or []) if r],
        "signature": {
            "on_behalf": _upper(signature.get("on_behalf")),
            "title": _upper(signature.get("title")),
            "name": one_line(signature.get("name")),
        },
        "signature_image": sig_inline,
        "verify": verify,
    }

