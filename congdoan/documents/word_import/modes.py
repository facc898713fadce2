"""The two ways a Word plan comes in (issue 17 point 7), applied to the document the importer read.

* "draft" — a new draft of this union to adapt: what the file does not say, and what belongs to
  this union's own issuing (the number, the signing date), is filled from the settings; every
  field so filled is listed so that the author checks it. A file without a signature block does
  not silently get this union's chair: the report says it was filled.
* "archive" — an issued plan kept as it was: its own number, date, signer and recipients as
  written, nothing of them filled from the settings (what the file lacks stays empty and is
  listed); the plan is born archived (read-only, never in this year's register).

Pure functions on the plan document (docs/plan-document.md); store.import_plan calls them.
"""
from __future__ import annotations

import datetime as dt

from ...dates import fmt_date
from ...text import clean_text

DRAFT = "draft"
ARCHIVE = "archive"
MODES = {
    DRAFT: "Dự thảo mới để chỉnh sửa",
    ARCHIVE: "Lưu trữ kế hoạch đã ban hành",
}
HINTS = {
    DRAFT: "Thành dự thảo của công đoàn mình: số văn bản cấp khi ký ban hành; phần tệp không ghi "
           "(người ký, nơi nhận, địa danh) lấy theo cài đặt và được liệt kê để bạn kiểm tra.",
    ARCHIVE: "Kế hoạch đã ban hành trước đây: giữ nguyên số, ngày, người ký và nơi nhận như trong tệp; "
             "chỉ xem, không sửa, không trình duyệt, không ký; không tính vào sổ văn bản năm nay. "
             "Vẫn dùng được để tạo bản mới hoặc giao việc.",
}

_HEADER = "plan-header"
_CLOSING = "plan-closing"


def _date(value) -> str:
    if not value:
        return ""
    try:
        return fmt_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _signature_text(signature: dict) -> str:
    parts = [clean_text(signature.get(k)) for k in ("on_behalf", "title", "name")]
    return " / ".join(p for p in parts if p)


def apply(doc: dict, mode: str, defaults: dict) -> list[dict]:
    """Complete `doc` in place for `mode` from `defaults` (plans.creating.new_document) and return
    the lines to show: {"field", "text", "anchor"} — for a draft, each field filled from the
    settings; for an archive, what was kept as written and what the file lacks."""
    if mode == ARCHIVE:
        return _archive(doc, defaults)
    return _draft(doc, defaults)


def _fill_header(doc: dict, defaults: dict, lines: list[dict]) -> None:
    for key, label in (("upper_union", "Công đoàn cấp trên"), ("union_name", "Tên công đoàn"),
                       ("place", "Địa danh")):
        if not clean_text(doc.get(key)) and defaults.get(key):
            doc[key] = defaults[key]
            lines.append({"field": label, "anchor": _HEADER,
                          "text": f"tệp không ghi, đã điền “{defaults[key]}” theo cài đặt."})


def _draft(doc: dict, defaults: dict) -> list[dict]:
    lines: list[dict] = []
    number = clean_text(doc.get("number"))
    lines.append({"field": "Số văn bản", "anchor": _HEADER, "text": (
        f"số “{number}” trong tệp không giữ lại; " if number else "")
        + "dự thảo ghi “Số: .../…”, số trong sổ văn bản được cấp khi ký ban hành."})
    _fill_header(doc, defaults, lines)
    when = _date(doc.get("date"))
    lines.append({"field": "Ngày văn bản", "anchor": _HEADER, "text": (
        f"ngày {when} trong tệp chỉ giữ tạm; " if when else "tệp không ghi ngày; ")
        + "khi ký ban hành, ngày văn bản là ngày ký."})
    found = {k: clean_text(v) for k, v in (doc.get("signature") or {}).items()}
    signature = dict(defaults["signature"])
    filled = []
    for key, label in (("on_behalf", "dòng thẩm quyền"), ("title", "chức vụ"), ("name", "họ tên")):
        if found.get(key):
            signature[key] = found[key]
        elif signature.get(key):
            filled.append(f"{label} “{signature[key]}”")
    doc["signature"] = signature
    if filled:
        whole = not any(found.get(k) for k in ("on_behalf", "title", "name"))
        lines.append({"field": "Người ký", "anchor": _CLOSING, "text": (
            "tệp không có khối chữ ký; " if whole else "khối chữ ký trong tệp thiếu một phần; ")
            + "đã điền " + ", ".join(filled) + " theo cài đặt của công đoàn."})
    if not [r for r in doc.get("recipients") or [] if clean_text(r)]:
        doc["recipients"] = list(defaults["recipients"])
        lines.append({"field": "Nơi nhận", "anchor": _CLOSING,
                      "text": "tệp không có phần “Nơi nhận:”; đã điền “" + "; ".join(
                          r.rstrip(";") for r in defaults["recipients"]) + "” theo cài đặt."})
    return lines


def _archive(doc: dict, defaults: dict) -> list[dict]:
    lines: list[dict] = []
    number = clean_text(doc.get("number"))
    lines.append({"field": "Số văn bản", "anchor": _HEADER, "text": (
        f"giữ nguyên “{number}” như trong tệp (không tính vào sổ văn bản năm nay)." if number
        else "tệp không ghi số văn bản; bản lưu trữ để trống số.")})
    when = _date(doc.get("date"))
    lines.append({"field": "Ngày văn bản", "anchor": _HEADER, "text": (
        f"giữ nguyên ngày {when}." if when else "tệp không ghi ngày; bản lưu trữ để trống ngày.")})
    signature = {k: clean_text((doc.get("signature") or {}).get(k)) for k in ("on_behalf", "title", "name")}
    doc["signature"] = signature
    text = _signature_text(signature)
    lines.append({"field": "Người ký", "anchor": _CLOSING, "text": (
        f"giữ nguyên “{text}” như trong tệp." if text
        else "tệp không có khối chữ ký; bản lưu trữ để trống người ký.")})
    recipients = [clean_text(r) for r in doc.get("recipients") or [] if clean_text(r)]
    doc["recipients"] = recipients
    lines.append({"field": "Nơi nhận", "anchor": _CLOSING, "text": (
        "giữ nguyên “" + "; ".join(r.rstrip(";") for r in recipients).rstrip(".") + ".”" if recipients
        else "tệp không có phần “Nơi nhận:”; bản lưu trữ để trống.")})
    _fill_header(doc, defaults, lines)
    return lines
