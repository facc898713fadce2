"""What a line of a Word plan looks like: the national motto, section numbers (Roman, "PHẦN", decimal),
item numbers and bullets, bases ("Căn cứ …"), the number ("Số:") and date lines, the type name
("KẾ HOẠCH"), the signature block's titles, and lines drawn with characters."""
from __future__ import annotations

import datetime as dt
import re

from congdoan.text import clean_text, fold

from .runs import _is_upper

_MOTTOS = {"conghoaxahoichunghiavietnam", "doclaptudohanhphuc",
           "conghoaxahoichunghiavietnamdoclaptudohanhphuc"}


def _is_motto(text: str) -> bool:
    return re.sub(r"[^a-z]", "", fold(text)) in _MOTTOS


_ROMAN_RE = re.compile(r"^(?P<num>[IVX]{1,7})(?:\s*[.)\-–—:/]+\s*|\s+)(?P<rest>\S.*)$")
_ROMAN_VALID = re.compile(r"^X{0,3}(IX|IV|V?I{0,3})$")
_PART_RE = re.compile(r"^(?:PHẦN|Phần)\s+(?:[IVX]{1,7}|\d{1,2}|THỨ\s+\S+|thứ\s+\S+)\s*[.:)\-–]?\s*"
                      r"(?P<rest>\S.*)$")
_ROMAN_SUB_RE = re.compile(r"^[IVX]{1,7}\s*\.\s*\d{1,2}(?:\s*\.\s*\d{1,2})*\s*[.)]?\s+"
                           r"(?P<rest>\S.*)$")
_DECIMAL_RE = re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s*(?P<rest>[^\d\s].*)$")
_MULTI_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})(?:\.|\))?\s+(?P<rest>\S.*)$")
_LETTER_RE = re.compile(r"^(?P<num>[a-zđ])\s*[.)]\s+(?P<rest>\S.*)$")
_BULLET_RE = re.compile(r"^(?P<mark>[-–—+•●○◦▪■□►➢❖✓·*])\s*(?P<rest>\S.*)$")
_NESTED_MARKS = {"+", "○", "◦", "□"}
_BASE_PREFIXES = ("can cu", "thuc hien", "theo ")
# "Thành Tô, ngày 05 tháng 9 năm 2023", "ngày    tháng    năm 2024" (blank), and the bottom repeat
# "Thành Tô, tháng 9 năm 2023" (without a day, then the comma is required).
_DATE_RE = re.compile(r"^(?:(?P<place>[^,\d]{0,50}?)\s*,?\s*ngày\s*(?P<d>[\d.…_\s]*?)|"
                      r"(?P<place2>[^,\d]{1,50}?)\s*,\s*)"
                      r"\s*tháng\s*(?P<m>[\d.…_\s]*?)\s*năm\s*(?P<y>\d{4})\s*\.?$", re.I)
_NUMBER_RE = re.compile(r"^Số\s*(?::|\.|\s(?=\s*[\d.…_/]))\s*(?P<rest>.*)$", re.I)
_ON_BEHALF_RE = re.compile(r"^(?:T\.?\s?M|T\s?/\s?M|K\.?\s?T|T\.?\s?L|TUQ|Q)\s*[./]\s*\S|"
                           r"^(?:TM|KT|TL)\s+\S")
_SIGN_TITLES = {"chu tich", "pho chu tich", "truong ban", "hieu truong", "pho hieu truong",
                "thu truong", "giam doc", "to truong"}
_TYPE_NAMES = ["KẾ HOẠCH", "CHƯƠNG TRÌNH", "BÁO CÁO", "THÔNG BÁO", "NGHỊ QUYẾT", "QUYẾT ĐỊNH",
               "PHƯƠNG ÁN", "HƯỚNG DẪN", "TỜ TRÌNH", "ĐỀ ÁN"]


def _roman_heading(text: str) -> re.Match | None:
    match = _ROMAN_RE.match(text)
    if not match or not _ROMAN_VALID.match(match.group("num")):
        return None
    if fold(text).startswith("v/v"):
        return None
    rest = match.group("rest")
    if not (rest[0].isalpha() or rest[0] in "“\"'("):
        return None
    separator = text[len(match.group("num")):match.start("rest")]
    if not separator.strip() and not _is_upper(rest):
        return None  # "I NHIỆM VỤ" without punctuation only when the title is in capitals
    return match


def _item_marker(text: str) -> bool:
    """Does this text start a list item (bullet or number)?"""
    return bool(_bullet(text) or _DECIMAL_RE.match(text) or _LETTER_RE.match(text)
                or _MULTI_RE.match(text))


def _bullet(text: str) -> re.Match | None:
    match = _BULLET_RE.match(text)
    if not match:
        return None
    mark, rest = match.group("mark"), match.group("rest")
    gap = match.start("rest") - 1
    if mark in "-–—+" and gap == 0 and rest[0].isdigit():
        return None  # "-5%", "+2": a signed number, not a bullet
    if mark == "*" and rest.startswith("*"):
        return None
    return match


def _is_base(text: str) -> bool:
    folded = fold(text)
    return any(folded.startswith(prefix) for prefix in _BASE_PREFIXES)


def _date_match(text: str) -> re.Match | None:
    if len(text) > 90:
        return None
    return _DATE_RE.match(text)


def _parse_date(match: re.Match) -> dt.date | None | str:
    day = re.sub(r"\D", "", match.group("d") or "")
    month = re.sub(r"\D", "", match.group("m"))
    if not day or not month:
        return None
    try:
        return dt.date(int(match.group("y")), int(month), int(day))
    except ValueError:
        return "invalid"


def _normalise_number(text: str) -> str:
    text = clean_text(text)
    return re.sub(r"\s*([/\-–])\s*", r"\1", text)


def _type_split(text: str) -> tuple[str, str] | None:
    words = text.split()
    for name in _TYPE_NAMES:
        count = len(name.split())
        head = words[:count]
        if len(head) == count and fold(" ".join(head)) == fold(name) and _is_upper(" ".join(head)):
            return " ".join(head), " ".join(words[count:])
    return None


def _period_from(subject: str) -> str:
    match = re.search(r"năm\s+học\s+(\d{4})\s*([-–—])\s*(\d{4})", subject, re.I)
    if match:
        return f"Năm học {match.group(1)} {match.group(2)} {match.group(3)}"
    match = re.search(r"nhiệm\s+kỳ\s+(\d{4})\s*([-–—])\s*(\d{4})", subject, re.I)
    if match:
        return f"Nhiệm kỳ {match.group(1)} {match.group(2)} {match.group(3)}"
    match = re.search(r"\bnăm\s+(\d{4})\b", subject, re.I)
    if match:
        return f"Năm {match.group(1)}"
    return ""


def _decoration(text: str) -> bool:
    """Lines drawn with characters ("-----", "___", "* * *") and empty lines."""
    return bool(re.fullmatch(r"[\s\-_=*~.–—•·+#…/\\|]*", text))
