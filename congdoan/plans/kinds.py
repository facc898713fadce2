"""The kinds of document the union drafts, votes, signs and issues (docs/document-kinds.md).

A plan (kế hoạch) and a year-end report (báo cáo) go through the same machinery: drafting in parts,
versions and diff, the committee's vote, signing into the register, verification and PDF. What sets
them apart is declared here and nowhere else: the type name printed under the header, the
abbreviation in the register number ("05/KH-CĐ", "01/BC-CĐ", each kind numbered from 01 every
calendar year), the Word template, and the parts a new draft starts with. Adding a third kind
(quyết định, biên bản) is a template in templates/docx/ plus one more entry in KINDS.

The kind is stored on the document row (plans.kind) as `key`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    key: str                    # stored in plans.kind
    type_name: str              # printed under the header: "KẾ HOẠCH", "BÁO CÁO"
    abbreviation: str           # the register's kind and the number's symbol: "KH", "BC"
    label: str                  # in the pages: "Kế hoạch", "Báo cáo"
    label_plural: str           # the list's title: "Kế hoạch", "Báo cáo"
    template: str               # the built-in Word template, under templates/docx/
    sections: tuple[str, ...]   # the titles of the parts a new draft starts with
    has_bases: bool             # "Căn cứ ..." lines before the opening
    has_schedule: bool          # a schedule of activities, handed out as tasks
    from_records: bool = False  # drafted from the records of a period ("Cập nhật số liệu")


PLAN = DocumentKind(
    key="plan", type_name="KẾ HOẠCH", abbreviation="KH", label="Kế hoạch", label_plural="Kế hoạch",
    template="ke-hoach.docx",
    sections=("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN"),
    has_bases=True, has_schedule=True)

REPORT = DocumentKind(
    key="report", type_name="BÁO CÁO", abbreviation="BC", label="Báo cáo", label_plural="Báo cáo",
    template="bao-cao.docx",
    sections=("I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "III. ĐÁNH GIÁ CHUNG",
              "IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM HỌC TỚI"),
    has_bases=False, has_schedule=False, from_records=True)

KINDS: dict[str, DocumentKind] = {kind.key: kind for kind in (PLAN, REPORT)}


def kind_of(key: str | None) -> DocumentKind:
    """The declaration of a stored kind; an unknown key (a kind removed from the code) reads as a plan."""
    return KINDS.get(key or PLAN.key, PLAN)


def by_abbreviation(abbreviation: str) -> DocumentKind | None:
    return next((kind for kind in KINDS.values() if kind.abbreviation == abbreviation), None)


def number_symbol(plan_abbrev: str, body_abbrev: str, kind: DocumentKind) -> str:
    """The symbol after the number of a document of `kind` — the one rule (docs/document-kinds.md).

    A plan: the union's settings as they are ("KH" + "CĐ" -> "KH-CĐ"). Another kind: the plan's
    abbreviation with its leading "KH" replaced by the kind's, so that a union writing its plans "KHCĐ"
    writes its reports the same way ("KHCĐ" + "THTT" -> "BCCĐ-THTT"); a plan abbreviation that does
    not start with "KH" has nothing to replace: the kind's abbreviation and the issuing body's ("BC-CĐ").
    """
    plan_abbrev, body_abbrev = plan_abbrev or "", body_abbrev or ""
    if kind.key == PLAN.key:
        head = plan_abbrev
    elif plan_abbrev.startswith(PLAN.abbreviation):
        head = kind.abbreviation + plan_abbrev[len(PLAN.abbreviation):]
    else:
        head = kind.abbreviation
    return f"{head}-{body_abbrev}" if head and body_abbrev else head or body_abbrev
