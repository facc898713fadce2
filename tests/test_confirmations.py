"""Every confirmation says what was done to what (issue 16, point 15): "Đã ghi nhận đã chi cho đề xuất
“…”", never "Đã lưu.". A static check over the source: each flash() of the app, each confirmation
message it builds, and each success alert of the templates names its object (a value put in it, or
one of the things a union has only one of)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted((ROOT / "congdoan").rglob("*.py"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

# The bare confirmations of the issue, and their kin.
BARE = re.compile(r"^\s*(Đã (lưu|cập nhật|xóa|tạo|thêm|gửi|duyệt|sửa|ghi nhận|thay đổi|hoàn tất|xong)"
                  r"( thay đổi| thông tin| xong)?|Lưu thành công|Cập nhật thành công|Thành công|Hoàn tất|Xong|OK)"
                  r"\s*[.!]?\s*$", re.I)
# Things the union has one of: naming them names the object.
ONE_OF_A_KIND = ("mật khẩu của bạn", "ảnh chữ ký", "ảnh con dấu", "cài đặt của công đoàn", "mẫu Word mặc định",
                 "cài đặt")


def _names_its_object(text: str, formatted: bool) -> bool:
    return formatted or "{" in text or any(thing in text for thing in ONE_OF_A_KIND)


def _texts(node) -> list[tuple[str, bool]]:
    """The message(s) an expression can be: (text, has a value put in it)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value, False)]
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        return [(text, any(isinstance(v, ast.FormattedValue) for v in node.values))]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left), _texts(node.right)
        return [(a + b, fa or fb) for a, fa in left for b, fb in right] if left and right else left or right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return [(t, True) for t, _ in _texts(node.func.value)]
    return []


def confirmations() -> list[tuple[str, str, bool]]:
    """(where, text, formatted) for every success message of the app's code: flash(...) with a
    success category, the messages assigned to a `message` / `*_message` name, and the
    `done_message` passed to a helper."""
    found = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "flash" and node.args:
                category = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else ""
                if category == "success":
                    found += [(f"{where}:{node.lineno}", t, f) for t, f in _texts(node.args[0])]
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and (t.id == "message" or t.id.endswith("_message")) for t in node.targets):
                found += [(f"{where}:{node.lineno}", t, f) for t, f in _texts(node.value) if t.startswith("Đã ")]
            elif isinstance(node, ast.Call) and len(node.args) >= 4 and getattr(node.func, "id", "") == "_panel_action":
                found += [(f"{where}:{node.lineno}", t, f) for t, f in _texts(node.args[3])]
    return found


def test_the_source_holds_confirmations_to_check():
    assert len(confirmations()) >= 30


@pytest.mark.parametrize("where, text, formatted", confirmations(), ids=lambda v: v if isinstance(v, str) and ":" in v else "")
def test_every_confirmation_names_what_was_done_to_what(where, text, formatted):
    assert not BARE.match(text), f"{where}: a bare confirmation “{text}”"
    assert _names_its_object(text, formatted), f"{where}: “{text}” does not say what it was done to"


# A sentence, anywhere: "Đã lưu." (a status label such as "Đã duyệt" has no full stop).
BARE_SENTENCE = re.compile(BARE.pattern.replace(r"\s*[.!]?\s*$", r"\s*[.!]\s*$"), re.I)


def test_no_bare_confirmation_anywhere_in_code_or_templates():
    bare = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts
                    and BARE_SENTENCE.match(node.value)):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}: “{node.value}”")
    for path in TEMPLATES:
        html = path.read_text(encoding="utf-8")
        for m in re.finditer(r">([^<>{}]+)<", html):
            if BARE_SENTENCE.match(m.group(1)):
                bare.append(f"{path.relative_to(ROOT)}: “{m.group(1).strip()}”")
    assert not bare, "\n".join(bare)


def test_every_success_alert_of_the_templates_names_its_object():
    bare = []
    for path in TEMPLATES:
        html = path.read_text(encoding="utf-8")
        for m in re.finditer(r'class="[^"]*\balert-success\b[^"]*"[^>]*>(.*?)</div>', html, re.S):
            text = " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())
            if text.startswith("Đã") and not _names_its_object(text, "{{" in text):
                bare.append(f"{path.relative_to(ROOT)}: “{text}”")
    assert not bare, "\n".join(bare)
