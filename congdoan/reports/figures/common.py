"""What the counting modules share: the period, the lists' links, numbers as the app prints them."""
from __future__ import annotations

import contextlib
import datetime as dt

from flask import current_app, has_request_context, url_for

from ...errors import DomainError
from ...money import fmt_number, fmt_vnd

ONE_DAY = dt.timedelta(days=1)
LINK_MAX = 500          # plan_lines.link is a String(500)


def check_period(start: dt.date, end: dt.date) -> None:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise DomainError("Vui lòng chọn ngày bắt đầu và ngày kết thúc của kỳ báo cáo.")
    if start > end:
        raise DomainError("Ngày bắt đầu của kỳ báo cáo phải trước hoặc trùng ngày kết thúc.")


@contextlib.contextmanager
def urls():
    """url_for everywhere inside, also from the CLI or a service run outside a request (one
    request context for the whole draft, not one per link)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://localhost"):
        yield


def iso(day: dt.date) -> str:
    return day.isoformat()


def tasks_link(start: dt.date, end: dt.date, **args) -> str:
    """The task list of tasks due in the period, with more filters (ke_hoach, ket_qua, ky, to ...)."""
    return url_for("tasks.index", tu=iso(start), den=iso(end), **{k: v for k, v in args.items() if v is not None})


def requests_link(**args) -> str:
    return url_for("member_requests.all_requests", **{k: v for k, v in args.items() if v is not None})


def members_link(**args) -> str:
    return url_for("figures.members", **{k: v for k, v in args.items() if v is not None})


def register_link(start: dt.date, end: dt.date) -> str:
    return url_for("figures.register", tu=iso(start), den=iso(end))


def fit(link: str, wider: str) -> str:
    """`link`, or the wider list `wider` when a long typed value (a leaving reason, a schedule
    period in Vietnamese, percent-encoded) would not fit in a report line's link."""
    return link if len(link) <= LINK_MAX else wider


def n(value: int | None) -> str:
    """A count: 1.250; never empty."""
    return fmt_number(int(value or 0))


def two(value: int) -> str:
    """A count written with a leading zero below 10, as real reports do ("chia làm 05 tổ")."""
    return f"{int(value):02d}"


def money(value: int | None) -> str:
    return fmt_vnd(int(value or 0))


def short(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
