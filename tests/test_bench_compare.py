"""bench/compare.py's report: a page's ratio is the median of its rounds' ratios (each pairs two runs
seconds apart), so one round thrown by the machine does not decide it; past 1.25 it is named."""
from __future__ import annotations

from bench.compare import table


def round_(cpu1: float, cpu10: float, p951: float = 100.0, p9510: float = 100.0) -> dict:
    return {1: {"cpu_ms": cpu1, "p95": p951}, 10: {"cpu_ms": cpu10, "p95": p9510}}


def test_one_wild_round_does_not_decide_the_ratio():
    rows = [("trang chủ", [round_(10, 11), round_(10, 30), round_(10, 12)])]
    report, worst = table(rows, "tiêu đề")
    assert "| trang chủ | 10.00 → 12.00 | 1.20 | 1.10–3.00 |" in report
    assert worst == []


def test_a_page_past_the_bound_is_named_and_in_bold():
    rows = [("nhẹ", [round_(10, 10)] * 3),
            ("nặng", [round_(10, 13), round_(10, 14), round_(10, 12.4)]),
            ("chờ lâu", [round_(10, 10, 100, 140)] * 3)]
    report, worst = table(rows, "tiêu đề")
    assert "| nặng | 10.00 → 13.00 | **1.30** | 1.24–1.40 |" in report
    assert "| chờ lâu | 10.00 → 10.00 | 1.00 | 1.00–1.00 | 100 → 140 | **1.40** | 1.40–1.40 |" in report
    assert worst == ["nặng", "chờ lâu"]
