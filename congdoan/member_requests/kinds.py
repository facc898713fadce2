"""The request kinds of docs/domain.md, declared once: each kind's fields (label, type, required), whether
it is private, whether the group leader confirms it and whether it ends in a payment.

The answers to a kind's fields are stored as one JSON object on the request (MemberRequest.details),
validated here on the way in: only known keys, normalised values (dates as ISO strings, amounts as
whole đồng). Columns would need a migration for every field a union adds and would be mostly empty;
what every kind shares and what lists filter or add up on (status, requester, group, campaign,
approved amount, dates) are real columns.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..dates import fmt_date, parse_iso_date, parse_vn_date
from ..money import AmountError, fmt_vnd, parse_vnd
from ..text import clean_text

TEXT, TEXTAREA, DATE, MONEY, SELECT, SCHOOL_YEAR = "text", "textarea", "date", "money", "select", "school_year"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""
    max_len: int = 200
    not_before: str = ""          # a date field that may not be earlier than this other date field


@dataclass(frozen=True)
class Kind:
    code: str                     # stored in member_requests.kind
    slug: str                     # in URLs
    label: str
    description: str
    fields: tuple[Field, ...]
    summary: tuple[str, ...]      # the fields that make the one-line summary in lists
    private: bool = False         # seen only by the requester, the committee and the accountant
    leader_confirms: bool = True  # goes through the group leader before the committee
    payable: bool = True          # the committee approves an amount, the accountant pays it
    evidence_required: bool = False
    campaign_only: bool = False   # accepted only inside a campaign opened by the committee
    evidence_hint: str = "Ảnh chụp hoặc tệp PDF giấy tờ liên quan (không bắt buộc)."

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    # --- validation -------------------------------------------------------------------------------
    def validate(self, raw) -> tuple[dict, dict[str, str]]:
        """Clean the submitted answers. Returns (details, errors) with Vietnamese messages per field;
        details holds only this kind's fields."""
        details: dict = {}
        errors: dict[str, str] = {}
        for f in self.fields:
            value, error = _clean(f, raw.get(f.name) if raw is not None else None)
            if error:
                errors[f.name] = error
            elif value not in (None, ""):
                details[f.name] = value
        for f in self.fields:
            if f.not_before and f.name in details and f.not_before in details \
                    and details[f.name] < details[f.not_before]:
                errors[f.name] = f"{f.label} không được trước {self.field(f.not_before).label.lower()}."
        return details, errors

    # --- display ----------------------------------------------------------------------------------
    def display(self, details: dict) -> list[tuple[str, str]]:
        """(label, formatted value) for each answered field, in the table's order."""
        return [(f.label, format_value(f, details[f.name])) for f in self.fields if details.get(f.name) not in (None, "")]

    def summary_of(self, details: dict) -> str:
        parts = [format_value(self.field(n), details[n]) for n in self.summary if details.get(n) not in (None, "")]
        return " · ".join(parts)[:300]


def _clean(f: Field, raw) -> tuple[object, str | None]:
    text = clean_text(raw, multiline=f.type == TEXTAREA) if not isinstance(raw, int) else str(raw)
    if not text:
        if f.required:
            what = "chọn" if f.type == SELECT else "nhập"
            return None, f"Vui lòng {what} {f.label[0].lower() + f.label[1:]}."
        return None, None
    if f.type in (TEXT, TEXTAREA):
        limit = f.max_len if f.type == TEXT else max(f.max_len, 2000)
        if len(text) > limit:
            return None, f"{f.label} quá dài (tối đa {limit} ký tự)."
        return text, None
    if f.type == DATE:
        value = parse_vn_date(text)
        if value is None or not 1900 <= value.year <= 2100:
            return None, f"{f.label}: ngày không hợp lệ (ví dụ 15/09/2026)."
        return value.isoformat(), None
    if f.type == MONEY:
        try:
            return parse_vnd(text), None
        except AmountError as exc:
            return None, str(exc)
    if f.type == SELECT:
        if text not in f.choices:
            return None, f"{f.label}: lựa chọn không hợp lệ."
        return text, None
    if f.type == SCHOOL_YEAR:
        match = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", text)
        if not match or int(match.group(2)) != int(match.group(1)) + 1 or not 2000 <= int(match.group(1)) <= 2100:
            return None, f"{f.label} không hợp lệ (ví dụ 2025 - 2026)."
        return f"{match.group(1)} - {match.group(2)}", None
    raise ValueError(f"unknown field type {f.type}")


def format_value(f: Field, value) -> str:
    if value in (None, ""):
        return ""
    if f.type == DATE:
        return fmt_date(parse_iso_date(value))
    if f.type == MONEY:
        return fmt_vnd(value)
    return str(value)


def date_value(value) -> dt.date | None:
    return parse_iso_date(value) if isinstance(value, str) else None


def current_school_year(today: dt.date) -> str:
    """A Vietnamese school year starts in September: on 23/11/2026 it is "2026 - 2027"."""
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start} - {start + 1}"


RELATIONS = ("Bản thân", "Vợ/chồng", "Con", "Bố, mẹ (hai bên)", "Người thân khác")

KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("child_award", "khen-thuong-con", "Khen thưởng con đoàn viên",
         "Con đoàn viên có thành tích học tập, rèn luyện trong năm học.",
         fields=(
             Field("child_name", "Họ và tên con"),
             Field("school", "Trường"),
             Field("class_name", "Lớp", max_len=30, hint="Ví dụ: 3A2"),
             Field("achievement", "Thành tích",
                   hint="Ví dụ: Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện; giải Nhì HSG cấp quận"),
             Field("school_year", "Năm học", SCHOOL_YEAR, hint="Ví dụ: 2025 - 2026"),
         ),
         summary=("child_name", "class_name", "achievement"),
         evidence_required=True, campaign_only=True,
         evidence_hint="Ảnh chụp giấy khen, học bạ hoặc giấy chứng nhận của cháu (bắt buộc)."),
    Kind("sick_visit", "tham-om", "Thăm hỏi ốm đau",
         "Đoàn viên hoặc người thân ốm đau, nằm viện, cần công đoàn thăm hỏi.",
         fields=(
             Field("patient", "Người ốm", SELECT, choices=RELATIONS),
             Field("patient_name", "Họ tên người ốm", required=False, hint="Bỏ trống nếu người ốm là bạn"),
             Field("from_date", "Từ ngày", DATE),
             Field("to_date", "Đến ngày", DATE, required=False, not_before="from_date",
                   hint="Bỏ trống nếu đang điều trị"),
             Field("place", "Nơi điều trị", hint="Ví dụ: Bệnh viện Việt Tiệp, điều trị tại nhà"),
             Field("note", "Tình trạng, ghi chú", TEXTAREA, required=False),
         ),
         summary=("patient", "place", "from_date"),
         private=True, leader_confirms=False,
         evidence_hint="Giấy ra viện, giấy nghỉ ốm hoặc đơn thuốc (không bắt buộc)."),
    Kind("wedding_funeral", "hieu-hy", "Hiếu, hỷ",
         "Việc hỷ (cưới) hoặc việc hiếu (tang) của đoàn viên và người thân.",
         fields=(
             Field("occasion", "Việc", SELECT, choices=("Hỷ (cưới hỏi)", "Hiếu (tang lễ)")),
             Field("relation", "Quan hệ với đoàn viên", SELECT, choices=RELATIONS),
             Field("person_name", "Họ tên người liên quan"),
             Field("event_date", "Ngày tổ chức / ngày mất", DATE),
             Field("place", "Địa điểm", required=False),
         ),
         summary=("occasion", "relation", "event_date"),
         evidence_hint="Thiệp cưới, giấy báo tử hoặc giấy tờ liên quan (không bắt buộc)."),
    Kind("maternity", "thai-san", "Thai sản",
         "Đoàn viên sinh con hoặc nghỉ chế độ thai sản.",
         fields=(
             Field("birth_date", "Ngày sinh con (hoặc dự sinh)", DATE),
             Field("leave_from", "Nghỉ thai sản từ ngày", DATE, required=False),
             Field("leave_to", "Đến ngày", DATE, required=False, not_before="leave_from"),
             Field("note", "Ghi chú", TEXTAREA, required=False),
         ),
         summary=("birth_date",),
         private=True, leader_confirms=False,
         evidence_hint="Giấy chứng sinh hoặc quyết định nghỉ thai sản (không bắt buộc)."),
    Kind("hardship", "kho-khan", "Trợ cấp khó khăn đột xuất",
         "Hoàn cảnh khó khăn đột xuất: thiên tai, tai nạn, bệnh hiểm nghèo...",
         fields=(
             Field("reason", "Lý do, hoàn cảnh", TEXTAREA),
             Field("amount", "Số tiền đề nghị hỗ trợ", MONEY, hint="Đơn vị: đồng. Ví dụ: 2.000.000"),
         ),
         summary=("amount", "reason"),
         private=True, leader_confirms=False,
         evidence_hint="Giấy tờ xác nhận hoàn cảnh (không bắt buộc)."),
    Kind("emulation", "thi-dua", "Đăng ký thi đua",
         "Đăng ký danh hiệu thi đua của năm học.",
         fields=(
             Field("title", "Danh hiệu đăng ký", SELECT,
                   choices=("Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Đoàn viên công đoàn xuất sắc",
                            "Giỏi việc trường, đảm việc nhà")),
             Field("school_year", "Năm học", SCHOOL_YEAR, hint="Ví dụ: 2025 - 2026"),
             Field("commitment", "Nội dung đăng ký, cam kết", TEXTAREA, required=False),
         ),
         summary=("title", "school_year"),
         payable=False),
    Kind("suggestion", "kien-nghi", "Kiến nghị, phản ánh",
         "Góp ý, kiến nghị hoặc phản ánh gửi Ban Chấp hành.",
         fields=(
             Field("subject", "Tiêu đề"),
             Field("content", "Nội dung", TEXTAREA),
         ),
         summary=("subject",),
         leader_confirms=False, payable=False),
)}

BY_SLUG = {k.slug: k for k in KINDS.values()}
PRIVATE_KINDS = tuple(k.code for k in KINDS.values() if k.private)
PUBLIC_KINDS = tuple(k.code for k in KINDS.values() if not k.private)


def kind_of(code: str) -> Kind:
    return KINDS[code]
