"""The Jinja sandbox that renders Word templates, with ceilings on what a template may cost.

A union's chair may upload the Word template every plan is rendered with. The sandbox of Jinja
already keeps its tags away from Python internals; this one also keeps a template from holding a
worker or filling its memory (docs/input-ceilings.md):

* ``*`` on a string or list may build at most MAX_REPEAT characters (items); ``+`` and ``~`` at most
  MAX_STRING; ``**`` and ``*`` on integers at most MAX_INT_BITS bits; ``%`` on a string may not ask
  for a field wider than MAX_FORMAT_WIDTH; ``range`` gives at most MAX_RANGE numbers;
* every loop iteration, call and operator is one step of a render: at most MAX_STEPS steps and
  RENDER_SECONDS seconds, checked by the sandbox itself (a thread cannot be killed, so the work
  stops from inside: each loop goes through guard_iter, each call through call());
* a render writes at most MAX_OUTPUT characters of document XML;
* lists, dicts and sets cannot be changed in place (ImmutableSandboxedEnvironment), str.format and
  the string methods and filters that widen text (ljust, center, format, indent, ...) are refused,
  and a macro may not call itself.

Every refusal raises TemplateLimit, a jinja2 SecurityError whose message is Vietnamese and names the
operation and the limit.
"""
from __future__ import annotations

import contextlib
import re
import threading
import time
from typing import Any, Iterator

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import do_join, do_replace
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_REPEAT = 1_000          # characters (or items) made by one "*" on a string or list
MAX_STRING = 100_000        # characters (or items) made by one "+", "~", join or replace
MAX_INT_BITS = 256          # an integer made by "*" or "**"
MAX_FORMAT_WIDTH = 100      # "%50s" is a width of 50
MAX_RANGE = 10_000          # numbers given by range()
MAX_STEPS = 200_000         # loop iterations + calls + intercepted operators in one render
MAX_OUTPUT = 20_000_000     # characters of document XML one render may write
RENDER_SECONDS = 10.0       # wall time of one render: a backstop to MAX_STEPS (a busy server is slow)
_CLOCK_EVERY = 1024         # steps between two looks at the clock

# String methods a template may call: none of them makes a string longer than its input.
SAFE_STR_METHODS = frozenset({
    "upper", "lower", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip", "rstrip",
    "startswith", "endswith", "split", "rsplit", "splitlines", "partition", "rpartition", "find",
    "rfind", "index", "rindex", "count", "removeprefix", "removesuffix", "isdigit", "isalpha",
    "isalnum", "isspace", "isupper", "islower", "istitle", "isnumeric", "isdecimal",
})
# Filters that could build large text from small arguments, or loop a given number of times.
REMOVED_FILTERS = ("center", "format", "indent", "wordwrap", "slice", "batch", "pprint", "urlize",
                   "xmlattr", "random", "filesizeformat")
REMOVED_GLOBALS = ("lipsum", "cycler", "joiner")


class TemplateLimit(SecurityError):
    """A template asked for more than the ceilings allow; the message is Vietnamese."""


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class _Budget:
    __slots__ = ("steps", "output", "deadline")

    def __init__(self, seconds: float) -> None:
        self.steps = 0
        self.output = 0
        self.deadline = time.monotonic() + seconds


_state = threading.local()


@contextlib.contextmanager
def render_budget(seconds: float | None = None) -> Iterator[None]:
    """Count the steps, time and output of the renders inside (one document)."""
    previous = getattr(_state, "budget", None)
    _state.budget = _Budget(RENDER_SECONDS if seconds is None else seconds)
    try:
        yield
    finally:
        _state.budget = previous


def _step(count: int = 1) -> None:
    budget = getattr(_state, "budget", None)
    if budget is None:
        return
    before = budget.steps
    budget.steps += count
    if budget.steps > MAX_STEPS:
        raise TemplateLimit(f"Mẫu Word lặp hoặc gọi hàm quá nhiều lần (tối đa {_n(MAX_STEPS)} bước "
                            "mỗi lần dựng văn bản). Hãy bỏ các vòng lặp lồng nhau hoặc gọi đệ quy.")
    if before // _CLOCK_EVERY != budget.steps // _CLOCK_EVERY and time.monotonic() > budget.deadline:
        _too_slow()


def _too_slow() -> None:
    raise TemplateLimit(f"Mẫu Word dựng văn bản quá lâu (quá {RENDER_SECONDS:g} giây) nên đã bị dừng. "
                        "Hãy bỏ các vòng lặp hoặc phép tính nặng trong mẫu.")


def _size(value: Any) -> int | None:
    if isinstance(value, (str, list, tuple)):
        return len(value)
    return None


_FORMAT_FIELD = re.compile(r"%[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(fmt: str) -> None:
    for match in _FORMAT_FIELD.finditer(fmt):
        for part in match.groups():
            if part == "*" or (part and int(part) > MAX_FORMAT_WIDTH):
                raise TemplateLimit(f"Mẫu Word định dạng chuỗi với độ rộng quá lớn (tối đa "
                                    f"{MAX_FORMAT_WIDTH} ký tự).")


def _int_bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else 0


def _checked_join(eval_ctx, value, d: str = "", attribute=None):
    items = list(value) if not isinstance(value, (list, tuple)) else value
    known = sum(len(x) for x in items if isinstance(x, str)) + len(d) * max(len(items) - 1, 0)
    if known > MAX_STRING:
        raise TemplateLimit(f"Bộ lọc join trong mẫu Word tạo chuỗi quá dài (tối đa {_n(MAX_STRING)} ký tự).")
    return do_join(eval_ctx, items, d, attribute)


def _checked_replace(eval_ctx, s, old, new, count=None):
    text, old_s, new_s = str(s), str(old), str(new)
    hits = text.count(old_s) if old_s else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    if len(text) + hits * (len(new_s) - len(old_s)) > MAX_STRING:
        raise TemplateLimit(f"Bộ lọc replace trong mẫu Word tạo chuỗi quá dài (tối đa {_n(MAX_STRING)} ký tự).")
    return do_replace(eval_ctx, s, old, new, count)


_checked_join.jinja_pass_arg = do_join.jinja_pass_arg          # type: ignore[attr-defined]
_checked_replace.jinja_pass_arg = do_replace.jinja_pass_arg    # type: ignore[attr-defined]


def _guarded_range(*args: int) -> Iterator[int]:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(f"Mẫu Word dùng range() quá lớn ({_n(len(numbers))} số; tối đa {_n(MAX_RANGE)}).")
    return numbers


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment with the ceilings of this module (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _guarded_range
        for name in REMOVED_GLOBALS:
            self.globals.pop(name, None)
        for name in REMOVED_FILTERS:
            self.filters.pop(name, None)
        self.filters["join"] = _checked_join
        self.filters["replace"] = _checked_replace

    # -- parsing: every loop and every "~" goes through a check --------------------------------

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("guard_iter"), [loop.iter], [],
                                   None, None, lineno=loop.lineno)
        for macro in tree.find_all(nodes.Macro):
            for call in macro.find_all(nodes.Call):
                if isinstance(call.node, nodes.Name) and call.node.name == macro.name:
                    raise TemplateLimit(f"Mẫu Word có macro “{macro.name}” tự gọi lại chính nó "
                                        "(đệ quy); mẫu không được dùng đệ quy.")
        for parent in list(tree.find_all(nodes.Node)):
            for field in parent.fields:
                value = getattr(parent, field, None)
                if isinstance(value, nodes.Concat):
                    setattr(parent, field, self._checked(value))
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, nodes.Concat):
                            value[i] = self._checked(item)
        tree.set_environment(self)
        return tree

    @staticmethod
    def _checked(concat: nodes.Concat) -> nodes.Call:
        return nodes.Call(nodes.EnvironmentAttribute("guard_text"), [concat], [], None, None,
                          lineno=concat.lineno)

    def guard_iter(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            _step()
            yield item

    def guard_text(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise TemplateLimit(f"Mẫu Word nối chuỗi (~) quá dài (tối đa {_n(MAX_STRING)} ký tự).")
        return value

    # -- operators, calls, attributes -----------------------------------------------------------

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        _step()
        if operator == "*":
            self._check_repeat(left, right)
        elif operator == "**":
            base, exponent = _int_bits(left), right if isinstance(right, int) else 0
            if base > 1 and exponent > 0 and base * exponent > MAX_INT_BITS * 2:
                raise TemplateLimit(f"Mẫu Word dùng phép lũy thừa ** cho số quá lớn (tối đa "
                                    f"{MAX_INT_BITS} bit).")
        elif operator == "+":
            a, b = _size(left), _size(right)
            if a is not None and b is not None and a + b > MAX_STRING:
                raise TemplateLimit(f"Mẫu Word cộng chuỗi hoặc danh sách quá dài (tối đa "
                                    f"{_n(MAX_STRING)} ký tự).")
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        return super().call_binop(context, operator, left, right)

    @staticmethod
    def _check_repeat(left: Any, right: Any) -> None:
        for seq, times in ((left, right), (right, left)):
            length = _size(seq)
            if length is not None and isinstance(times, int):
                if length * max(times, 0) > MAX_REPEAT:
                    raise TemplateLimit(
                        f"Mẫu Word nhân chuỗi hoặc danh sách (phép *) tạo kết quả quá dài "
                        f"({_n(length * times)}; tối đa {_n(MAX_REPEAT)} ký tự).")
                return
        if _int_bits(left) + _int_bits(right) > MAX_INT_BITS * 2:
            raise TemplateLimit(f"Mẫu Word nhân số quá lớn (tối đa {MAX_INT_BITS} bit).")

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - the sandbox's signature
        _step()
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any):
        return None   # str.format / format_map are refused by is_safe_attribute

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and callable(value) and attr not in SAFE_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str):
        raise TemplateLimit(f"Mẫu Word dùng “.{attribute}” trên {type(obj).__name__}, "
                            "điều này không được phép trong mẫu.")

    # -- output -----------------------------------------------------------------------------------

    @staticmethod
    def concat(chunks) -> str:   # type: ignore[override]
        budget = getattr(_state, "budget", None)
        out: list[str] = []
        written = 0
        for chunk in chunks:
            out.append(chunk)
            written += len(chunk)
            if budget is not None:
                budget.output += len(chunk)
                if budget.output > MAX_OUTPUT:
                    raise TemplateLimit(f"Mẫu Word tạo văn bản quá lớn (tối đa {_n(MAX_OUTPUT)} ký tự "
                                        "nội dung XML).")
                if len(out) % _CLOCK_EVERY == 0 and time.monotonic() > budget.deadline:
                    _too_slow()
        return "".join(out)
