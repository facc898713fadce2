"""Amounts in Vietnamese đồng: whole numbers, written "1.500.000 đ"."""
from __future__ import annotations

import re

MAX_AMOUNT = 1_000_000_000      # one request never approaches a billion đồng: a typo guard

_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})?(?:\1\d{3})*")


class AmountError(ValueError):
    """The text is not an amount; the message is Vietnamese and says what to type."""


def parse_vnd(value: str | int | None, *, required: bool = True) -> int | None:
    """Read an amount as people type it: "1500000", "1.500.000", "1,500,000", "1 500 000 đ".

    Refuses decimals ("1.5" is ambiguous in Vietnamese: 1,5 or 1.500?), negative numbers, letters
    and amounts above MAX_AMOUNT. Returns None for an empty optional value.
    """
    if isinstance(value, bool):
        raise AmountError("Số tiền không hợp lệ.")
    if isinstance(value, int):
        text = str(value)
    else:
        text = (value or "").strip()
    text = re.sub(r"(?i)\s*(vnđ|vnd|đồng|dong|đ|d)\.?$", "", text).strip()
    text = re.sub(r"[\s\u00a0]", "", text)
    if not text:
        if required:
            raise AmountError("Vui lòng nhập số tiền.")
        return None
    if text.startswith("-") or text.startswith("−"):
        raise AmountError("Số tiền không được âm.")
    text = text.lstrip("+")
    if text.isdigit():
        amount = int(text)
    elif _GROUPED.fullmatch(text):
        amount = int(re.sub(r"[.,]", "", text))
    else:
        raise AmountError("Số tiền không hợp lệ: chỉ nhập chữ số, ví dụ 1500000 hoặc 1.500.000 (đồng, không có số lẻ).")
    if amount > MAX_AMOUNT:
        raise AmountError("Số tiền quá lớn (tối đa 1.000.000.000 đ).")
    return amount


def fmt_vnd(amount: int | None, *, unit: bool = True) -> str:
    """1500000 -> "1.500.000 đ"; None -> ""."""
    if amount is None:
        return ""
    text = fmt_number(amount)
    return f"{text} đ" if unit else text


def fmt_number(value: int | None) -> str:
    """A count the Vietnamese way: 50000 -> "50.000"; None -> "". The template filter `number`."""
    return "" if value is None else f"{int(value):,}".replace(",", ".")


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _three(n: int, full: bool) -> list[str]:
    """0-999 in words; `full` reads leading zeros ("không trăm linh năm") as a group after the first does."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    words = []
    if h or full:
        words += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and (h or full):
            words += ["linh", _DIGITS[u]]
        elif u:
            words.append(_DIGITS[u])
    else:
        words += ["mười"] if t == 1 else [_DIGITS[t], "mươi"]
        if u == 5:
            words.append("lăm")
        elif u == 1 and t > 1:
            words.append("mốt")
        elif u == 4 and t > 1:
            words.append("tư")
        elif u:
            words.append(_DIGITS[u])
    return words


def _words(n: int, full: bool = False) -> list[str]:
    if n >= 1_000_000_000:
        head, rest = divmod(n, 1_000_000_000)
        return _words(head, full) + ["tỷ"] + (_words(rest, True) if rest else [])
    words, first = [], not full
    for unit, size in (("triệu", 1_000_000), ("nghìn", 1_000), ("", 1)):
        group = n // size % 1000
        if group:
            words += _three(group, full=not first)
            if unit:
                words.append(unit)
            first = False
    return words


def vnd_in_words(amount: int) -> str:
    """An amount as written under a total ("Bằng chữ: ..."), as accountants write it:
    1500000 -> "Một triệu năm trăm nghìn đồng"; 1000005 -> "Một triệu không trăm linh năm đồng"."""
    amount = int(amount)
    if amount < 0:
        raise ValueError("negative amount")
    text = " ".join(_words(amount)) if amount else "không"
    return text[0].upper() + text[1:] + " đồng"
