"""Simple bar charts drawn on the server as inline SVG: this module computes the geometry, the
templates (tasks/_charts.html) write the <rect>s and <text>s. No chart library, no script, no
inline style (the CSP forbids it): colours come from CSS classes on the SVG elements.

Coordinates are in a viewBox WIDTH units wide; the SVG scales to its container, so a phone shows
the same chart smaller. Sizes are chosen so that labels stay readable at 360 px.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 380

# (css class, label) of the segments, bottom-up / left to right.
PROGRESS_PARTS = (("done", "Hoàn thành"), ("open", "Chưa xong, còn hạn"), ("overdue", "Quá hạn"))
STATUS_PARTS = (("done", "Hoàn thành"), ("in_progress", "Đang thực hiện"), ("blocked", "Tạm dừng / Vướng mắc"),
                ("not_started", "Chưa bắt đầu"))


@dataclass
class Segment:
    cls: str
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Bar:
    label: str
    title: str
    total: int
    done: int
    overdue: int = 0
    segments: list[Segment] = field(default_factory=list)
    x: float = 0           # centre of a column / left of a row
    y: float = 0           # top of the label row
    href_key: str = ""     # what the bar links to (a month "2024-05" or an assignee id)


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]] = field(default_factory=list)   # (y, value) gridlines
    legend: tuple = PROGRESS_PARTS
    base_y: float = 0
    plot_left: float = 0
    value_size: int = 12


def _r(value: float) -> float:
    return round(value, 1)


def _nice_step(peak: int) -> int:
    if peak <= 5:
        return 1
    raw = peak / 4
    magnitude = 10 ** int(math.floor(math.log10(raw)))
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _progress_values(counts) -> list[tuple[str, str, int]]:
    overdue = counts.overdue
    return [("done", "Hoàn thành", counts.done), ("open", "Chưa xong, còn hạn", counts.open - overdue),
            ("overdue", "Quá hạn", overdue)]


def month_chart(by_month) -> Chart:
    """Stacked columns, one per month of the due dates: done, open and still in time, overdue."""
    top, bottom, left, right = 22, 30, 28, 4
    height = 220
    n = max(len(by_month), 1)
    peak = max((m.counts.total for m in by_month), default=0)
    step = _nice_step(peak)
    scale_max = max(step * math.ceil(peak / step), 1) if peak else 1
    plot_h = height - top - bottom
    slot = (WIDTH - left - right) / n
    bar_w = min(slot * 0.64, 46)
    base = height - bottom
    chart = Chart(WIDTH, height, [], base_y=base, plot_left=left)
    chart.value_size = 12 if slot >= 36 else 10
    value = 0
    while value <= scale_max:
        chart.ticks.append((_r(base - plot_h * value / scale_max), value))
        value += step
    for i, m in enumerate(by_month):
        centre = left + slot * i + slot / 2
        bar = Bar(label=f"{m.month}/{m.year % 100:02d}", title=f"Tháng {m.month}/{m.year}", total=m.counts.total,
                  done=m.counts.done, overdue=m.counts.overdue, x=_r(centre), href_key=f"{m.year:04d}-{m.month:02d}")
        y = base
        for cls, label, count in _progress_values(m.counts):
            if count <= 0:
                continue
            h = plot_h * count / scale_max
            y -= h
            bar.segments.append(Segment(cls, label, count, _r(centre - bar_w / 2), _r(y), _r(bar_w), _r(h)))
        bar.y = _r(y - 5)
        chart.bars.append(bar)
    return chart


def assignee_chart(rows) -> Chart:
    """One full-width bar per group (and the committee): the share done, open, overdue. Each bar is
    its own small SVG under an HTML label, so names stay readable on a phone."""
    chart = Chart(100, 12, [])
    for row in rows:
        c = row.counts
        bar = Bar(label=row.name, title=row.name, total=c.total, done=c.done, overdue=c.overdue,
                  href_key=str(row.assignee))
        x = 0.0
        for cls, label, count in _progress_values(c):
            if count <= 0 or c.total == 0:
                continue
            w = 100 * count / c.total
            bar.segments.append(Segment(cls, label, count, _r(x), 0, _r(w), 12))
            x += w
        chart.bars.append(bar)
    return chart


def status_chart(counts) -> Chart:
    """One full-width bar of the whole plan, split by status."""
    chart = Chart(WIDTH, 28, [], legend=STATUS_PARTS)
    bar = Bar(label="", title="Tất cả", total=counts.total, done=counts.done, overdue=counts.overdue)
    x = 0.0
    for cls, label in STATUS_PARTS:
        count = getattr(counts, cls)
        if count <= 0 or counts.total == 0:
            continue
        w = WIDTH * count / counts.total
        bar.segments.append(Segment(cls, label, count, _r(x), 0, _r(w), 28))
        x += w
    chart.bars.append(bar)
    return chart
