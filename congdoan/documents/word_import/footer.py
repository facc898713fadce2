"""Part of step 4 of a Word import (builder.py): the footer. Where it starts ("Nơi nhận:", a signature
title, the date repeated at the bottom), the recipients, the signature block ("TM. …", "CHỦ TỊCH", the
name), and what is left there, kept as paragraphs of the last section."""
from __future__ import annotations

import re

from congdoan.text import clean_text, fold, roman

from .reader import _Para
from .runs import _is_upper, _quote
from .shapes import _ON_BEHALF_RE, _SIGN_TITLES, _bullet, _date_match, _decoration, _is_motto


class _Footer:
    """Recipients and the signature block, for _Builder (builder.py)."""

    def _footer_start(self, para: _Para) -> bool:
        for part in self._parts(para):
            folded = fold(part)
            if folded.startswith("noi nhan"):
                return True
            if _is_upper(part) and len(part) <= 60 and (
                    _ON_BEHALF_RE.match(part) or folded.strip(" :.") in _SIGN_TITLES):
                return True
            if _date_match(part) and re.match(r"^[^,]*,|ngày\b", part, re.I) and (
                    self.doc["date"] or self.doc["place"] or self.schedule_started
                    or self.doc["sections"]):
                return True
        return False

    def _footer(self, para: _Para) -> None:
        signature = self.doc["signature"]
        for part in self._parts(para):
            if _is_motto(part) or _decoration(part):
                continue
            folded = fold(part)
            if folded.startswith("noi nhan"):
                self.recipients_open = True
                rest = part.split(":", 1)[1] if ":" in part else ""
                rest = clean_text(rest)
                if rest:
                    self._recipient(rest)
                continue
            date = _date_match(part)
            if date:
                if not self.doc["place"] and self.doc["date"] is None:
                    self._date(date, part)
                    self.report.append(f"Lấy địa danh và ngày từ dòng {_quote(part)} ở cuối "
                                       f"văn bản.")
                else:
                    self.report.append(f"Bỏ dòng ngày tháng lặp lại ở cuối văn bản "
                                       f"({_quote(part)}).")
                continue
            upper = _is_upper(part) and len(part) <= 80
            if upper and _ON_BEHALF_RE.match(part):
                if signature["on_behalf"] and not signature["title"]:
                    signature["on_behalf"] = clean_text(signature["on_behalf"] + " " + part)
                    self.report.append(f"Khối chữ ký có nhiều dòng thẩm quyền — đã ghép thành "
                                       f"{_quote(signature['on_behalf'])}.")
                elif not signature["on_behalf"]:
                    signature["on_behalf"] = part
                else:
                    self._unknown_footer(part)
                continue
            if _bullet(part) and (self.recipients_open or not signature["title"]):
                self._recipient(part)
                continue
            if upper and not signature["title"] and (signature["on_behalf"] or
                                                      fold(part).strip(" :.") in _SIGN_TITLES):
                signature["title"] = part
                continue
            if part.startswith("(") and part.endswith(")"):
                self.report.append(f"Bỏ dòng {_quote(part)} ở khối chữ ký.")
                continue
            if signature["title"] and not signature["name"] and len(part) <= 60 and \
                    not re.search(r"\d", part):
                signature["name"] = part
                continue
            if self.recipients_open and not signature["on_behalf"] and not signature["title"]:
                self._recipient(part)
                continue
            self._unknown_footer(part)

    def _recipient(self, text: str) -> None:
        match = _bullet(text)
        if match:
            text = match.group("rest")
        text = clean_text(text)
        if text:
            self.doc["recipients"].append(text)

    def _unknown_footer(self, text: str) -> None:
        section = self._current_section()
        section["lines"].append({"kind": "paragraph", "text": clean_text(text), "level": 0})
        number = roman(len(self.doc["sections"]))
        self.report.append(f"Không nhận ra đoạn {_quote(text)} ở cuối văn bản — đã đưa vào mục "
                           f"{number} dưới dạng đoạn văn.",
                           ("line", len(self.doc["sections"]) - 1, len(section["lines"]) - 1))
