"""The labels of a section's lines: "1.", "a)", "1.1", "-", "+", "•", computed, never stored in text.

A line keeps only its label *style* (PlanLine.label, "label" in the document; "" = the default), so
that numbers stay right when lines are added, moved or removed. Numbered items ("subsection") count
per level within their section: an item restarts the count of every deeper level, as Word does. The
same function feeds the editor, the HTML preview, the Word file and the version diff, so the four
always agree (docs/plan-document.md).
"""
from __future__ import annotations

import re

MAX_LEVEL = 2

# Numbered item styles, as a person would type the first one.
# "đ)" counts in the Vietnamese alphabet of official documents (a, b, c, d, đ, e, g, h, …), "a)" in
# Word's (a, b, c, d, e, f, …).
ITEM_STYLES = ("1.", "1)", "a)", "a.", "đ)", "đ.", "1.1", "1.1.")
_VIETNAMESE_LETTERS = "abcdđeghiklmnopqrstuvxy"
# Bullet marks kept as written; anything else shows the default of its level.
# (An en dash is the hyphen Word's autocorrect typed: it shows as "-".)
BULLET_MARKS = ("-", "+", "•", "*", "○", "▪", "➢", "✓", "◦")

# The choices of the line editor: the default, then the item styles, then the bullet marks.
LABEL_CHOICES = ([("", "Số hoặc dấu mặc định")]
                 + [(style, {"1.": "Số 1., 2., …", "1)": "Số 1), 2), …", "a)": "Chữ a), b), …",
                             "a.": "Chữ a., b., …", "đ)": "Chữ a), b), … d), đ), e), g)",
                             "đ.": "Chữ a., b., … d., đ., e., g.", "1.1": "Số 1.1, 1.2, …", "1.1.": "Số 1.1., 1.2., …"}[style])
                    for style in ITEM_STYLES]
                 + [(mark, f"Dấu {mark}") for mark in BULLET_MARKS])
LEVEL_LABELS = {0: "Mức 1", 1: "Mức 2 (lùi vào)", 2: "Mức 3 (lùi vào nữa)"}


def clamp_level(value) -> int:
    try:
        level = int(value or 0)
    except (TypeError, ValueError):
        return 0
    return min(max(level, 0), MAX_LEVEL)


def valid_label(kind: str, label: str | None) -> str:
    """The stored style of a line: a known one for its kind, else "" (the default)."""
    label = (label or "").strip()
    if kind == "subsection":
        return label if label in ITEM_STYLES else ""
    if kind == "bullet":
        return label if label in BULLET_MARKS else ""
    return ""


def typed_label(marker: str) -> str:
    """The label style of a typed marker: "b)" -> "a)", "2." -> "1.", "1.2." -> "1.1.", "•" -> "•"."""
    marker = marker.replace(" ", "")
    if marker in ("–", "—"):
        return "-"
    if re.fullmatch(r"đ[.)]", marker):
        return "đ" + marker[-1]
    if re.fullmatch(r"[a-z][.)]", marker):
        return "a" + marker[-1]
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})+\.?", marker):
        return "1.1." if marker.endswith(".") else "1.1"
    if re.fullmatch(r"\d{1,2}[.)]", marker):
        return "1" + marker[-1]
    return marker


def default_label(kind: str, level: int) -> str:
    """The style a line shows when it names none."""
    if kind == "subsection":
        return "1."
    if kind == "bullet":
        return "+" if level else "-"
    return ""


def _letter(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def labels(lines) -> list[str]:
    """The shown label of each line of one section ("" for a paragraph), in order.

    `lines` are dicts or objects with kind, level and label (a missing label is the default).
    """
    counters = [0] * (MAX_LEVEL + 1)
    out: list[str] = []
    for line in lines:
        get = line.get if isinstance(line, dict) else lambda k, d=None: getattr(line, k, d)
        kind = get("kind") or "paragraph"
        level = clamp_level(get("level"))
        style = valid_label(kind, get("label"))
        if kind == "subsection":
            counters[level] += 1
            for deeper in range(level + 1, MAX_LEVEL + 1):
                counters[deeper] = 0
            n = counters[level]
            if style in ("a)", "a."):
                out.append(_letter(n) + style[1])
            elif style in ("đ)", "đ."):
                letters = _VIETNAMESE_LETTERS
                out.append((letters[n - 1] if n <= len(letters) else _letter(n)) + style[1])
            elif style in ("1.1", "1.1."):
                chain = [c for c in counters[:level] if c] + [n]
                out.append(".".join(str(c) for c in chain) + ("." if style == "1.1." else ""))
            elif style == "1)":
                out.append(f"{n})")
            else:
                out.append(f"{n}.")
        elif kind == "bullet":
            out.append(style or ("+" if level else "-"))
        else:
            out.append("")
    return out


def with_labels(lines: list[dict]) -> list[tuple[dict, str]]:
    """Each line with its label, for templates."""
    return list(zip(lines, labels(lines)))


def marks_italic(markup: str | None) -> bool:
    """Does rich text mark some of its words italic? (A base printed in italics by its style keeps
    the rest upright then.)"""
    from ..text import parse_inline
    return any(run.italic for run in parse_inline(markup))


def marks_bold(markup: str | None) -> bool:
    """Does rich text mark some of its words bold? (An item of the first level, bold by its style,
    keeps the rest of its words at normal weight then, as the source showed them.)"""
    from ..text import parse_inline
    return any(run.bold for run in parse_inline(markup))


# A line's own weight (PlanLine.weight, "weight" in the document): "" = its style's, "normal" = upright
# where the style is bold. Only a first-level item is bold by its style; deeper items, bullets and
# paragraphs are upright by theirs and carry their bold words in their text (**…**), so no "bold" is
# needed.
WEIGHTS = ("", "normal")


def valid_weight(weight: str | None) -> str:
    weight = (weight or "").strip()
    return weight if weight in WEIGHTS else ""


def own_weight(kind: str | None, level, markup: str | None, weight: str | None = "") -> bool:
    """Is a line printed at the weight its text marks rather than at its style's? True for a
    first-level item (bold by its style) that marks some words bold (the others are upright), or
    that was written upright ("normal": none of its words bold, its label neither)."""
    if kind != "subsection" or clamp_level(level) != 0:
        return False
    return valid_weight(weight) == "normal" or marks_bold(markup)
