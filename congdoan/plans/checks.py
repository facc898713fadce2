"""The checks of what a person types into a plan: the header, the closing, each part (a basis, a
section, a line, a schedule row, an activity). Each returns the cleaned values or raises
ValidationFailed with a Vietnamese message per field; the numbering typed out of habit from Word
("II. ", "1. ", "- ") is taken off, since the editor prints its own."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from ..dates import parse_vn_date
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..limits import parse_int
from ..people.models import Group
from ..text import clean_text
from .models import LineKind
from .numbering import clamp_level, typed_label, valid_label

TYPED_LINE_KINDS = frozenset(k.value for k in LineKind if k != LineKind.TABLE)
TEXT_MAX = 20_000          # one paragraph; a 10,000-character paragraph must fit
SUBJECT_MAX = 500
LABEL_MAX = 100


def checked_text(data: dict, key: str, label: str, errors: dict, *, required=True, max_len=TEXT_MAX,
                 multiline=True) -> str:
    """`data[key]` cleaned; a message in `errors[key]` when it is missing (and required) or too long."""
    value = clean_text(data.get(key), multiline=multiline)
    if required and not value:
        errors[key] = f"Vui lòng nhập {label}."
    elif len(value) > max_len:
        errors[key] = (f"{label[0].upper() + label[1:]} quá dài: {len(value):,} ký tự "
                       f"(tối đa {max_len:,}).").replace(",", ".")
    return value


def checked_date(data: dict, key: str, label: str, errors: dict) -> dt.date | None:
    """`data[key]` as a date (dd/mm/yyyy), None when empty; a message in `errors[key]` when it is not one."""
    raw = (data.get(key) or "").strip()
    if not raw:
        return None
    value = parse_vn_date(raw)
    if value is None or not 1990 <= value.year <= 2100:
        errors[key] = f"{label} không hợp lệ (dạng ngày/tháng/năm, ví dụ 05/09/2023)."
    return value


def check_header(data: dict) -> dict:
    errors: dict[str, str] = {}
    clean = {
        "type_name": checked_text(data, "type_name", "loại văn bản", errors, max_len=LABEL_MAX, multiline=False),
        "subject": checked_text(data, "subject", "trích yếu (tên kế hoạch)", errors, max_len=SUBJECT_MAX,
                                multiline=False),
        "period": checked_text(data, "period", "thời gian", errors, required=False, max_len=LABEL_MAX, multiline=False),
        "place": checked_text(data, "place", "địa danh", errors, required=False, max_len=LABEL_MAX, multiline=False),
        "upper_union": checked_text(data, "upper_union", "công đoàn cấp trên", errors, required=False, max_len=200,
                             multiline=False),
        "union_name": checked_text(data, "union_name", "tên công đoàn", errors, max_len=200, multiline=False),
        "doc_date": checked_date(data, "doc_date", "Ngày văn bản", errors),
        "schedule_title": checked_text(data, "schedule_title", "tiêu đề lịch công tác", errors, required=False,
                                max_len=SUBJECT_MAX, multiline=False),
    }
    if errors:
        raise ValidationFailed(errors)
    return clean


def check_closing(data: dict) -> dict:
    errors: dict[str, str] = {}
    clean = {
        "recipients": checked_text(data, "recipients", "nơi nhận", errors, required=False, max_len=3000),
        "sign_on_behalf": checked_text(data, "sign_on_behalf", "thẩm quyền ký", errors, required=False,
                                max_len=LABEL_MAX, multiline=False),
        "signer_title": checked_text(data, "signer_title", "chức danh người ký", errors, max_len=LABEL_MAX,
                              multiline=False),
        "signer_name": checked_text(data, "signer_name", "tên người ký", errors, required=False, max_len=120,
                             multiline=False),
    }
    clean["recipients"] = "\n".join(line.strip().lstrip("-–•").strip()
                                    for line in clean["recipients"].split("\n") if line.strip())
    if errors:
        raise ValidationFailed(errors)
    return clean


# Numbering the editor adds by itself, typed anyway out of habit from Word: "II. ", "1. ", "2) ",
# "1.2. ", "a) " before a title or sub-item, "- ", "• ", "+ " before a bullet. A marker counts only
# when a space follows it, so "20/11 …", "-5% …" and "1.500.000 đồng" stay as they are.
_TYPED_ROMAN = re.compile(r"^[IVXLC]{1,7}\s*[.)\-–—:]\s+(?=\S)")
_TYPED_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\s*[.)])\s+(?=\S)")
_TYPED_BULLET = re.compile(r"^([-–—+•●○◦▪■►➢❖*·])\s+(?=\S)")


def strip_typed_marker(kind: str, text: str) -> tuple[str, str | None]:
    """The text without a numbering marker the editor prints itself, and the marker taken off."""
    pattern = {"section": _TYPED_ROMAN, LineKind.SUBSECTION.value: _TYPED_NUMBER,
               LineKind.BULLET.value: _TYPED_BULLET}.get(kind)
    found = pattern.match(text) if pattern else None
    if found is None:
        return text, None
    return text[found.end():], found.group(0).strip()


def check_part(kind: str, data: dict) -> dict:
    errors: dict[str, str] = {}
    if kind == "basis":
        clean = {"text": checked_text(data, "text", "nội dung căn cứ", errors)}
    elif kind == "section":
        title = checked_text(data, "title", "tên mục", errors, max_len=SUBJECT_MAX, multiline=False)
        clean = {"title": strip_typed_marker("section", title)[0]}
    elif kind == "line":
        line_kind = data.get("kind") or LineKind.PARAGRAPH.value
        if line_kind not in TYPED_LINE_KINDS:      # a table comes from the records, never typed in
            errors["kind"] = "Kiểu dòng không hợp lệ."
        level = clamp_level(data.get("level"))
        text, marker = strip_typed_marker(line_kind, checked_text(data, "text", "nội dung", errors))
        label = valid_label(line_kind, data.get("label"))
        if marker == "+" and level == 0:
            level = 1    # "+" is how the plans write a bullet of the second level
        if marker and not label:
            label = valid_label(line_kind, typed_label(marker))
        clean = {"kind": line_kind, "level": level, "label": label, "text": text}
    elif kind == "row":
        clean = {"period": checked_text(data, "period", "tháng hoặc thời gian (ví dụ 9/2023)", errors,
                                 max_len=LABEL_MAX, multiline=False)}
    elif kind == "activity":
        clean = {"text": checked_text(data, "text", "nội dung công việc", errors),
                 "due_date": checked_date(data, "due_date", "Hạn hoàn thành", errors)}
        ids = []
        for raw in data.get("group_ids") or []:
            group_id = parse_int(raw)
            if group_id is None:
                errors["group_ids"] = "Tổ được chọn không hợp lệ."
            else:
                ids.append(group_id)
        groups = db.session.execute(sa.select(Group).where(Group.id.in_(ids))).scalars().all() if ids else []
        if len(groups) != len(set(ids)):
            errors["group_ids"] = "Tổ được chọn không tồn tại."
        clean["groups"] = groups
    else:
        raise DomainError("Loại nội dung không hợp lệ.")
    if errors:
        raise ValidationFailed(errors)
    return clean
