"""Plan text as Word text: clean lines and paragraphs, and the inline markup of a plan (**bold**, *italic*,
<u>underline</u>) as docxtpl RichText runs. Text is cleaned with congdoan.text.clean_text (no control
characters reach the XML) and multi-line text becomes separate paragraphs (a "\\n" would be a soft
break that stretches the line before it in justified text)."""
from __future__ import annotations

from typing import Any

from docxtpl import RichText

from congdoan.text import clean_text, parse_inline


def split_paragraphs(value: Any) -> list[str]:
    """Clean text and split it into non-empty paragraphs (never a soft line break)."""
    text = clean_text(value if isinstance(value, str) or value is None else str(value),
                      multiline=True)
    return [chunk for chunk in (part.strip() for part in text.split("\n")) if chunk]


def one_line(value: Any) -> str:
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


def base_paragraphs(value: Any) -> list[RichText]:
    """A base is printed in italics by its style; one that marks some words italic keeps the rest
    upright (a reference in italics inside an upright sentence)."""
    return [rich(chunk, upright=any(run.italic for run in parse_inline(chunk)))
            for chunk in split_paragraphs(value)]


def rich_paragraphs(value: Any, prefix: str = "") -> list[RichText]:
    """Multi-paragraph rich text: the first paragraph gets the prefix, each its own RichText."""
    return [rich(chunk, prefix if i == 0 else "") for i, chunk in enumerate(split_paragraphs(value))]

