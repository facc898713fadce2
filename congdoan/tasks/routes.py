"""Task pages: the blueprint, what every list shares (its filters from the query arguments, tabs and
pages), the lists themselves (every task, a group's board "Việc của tổ", the Excel export) and the
cards' template helpers. The other pages add their routes to `bp`: task_routes.py (one task, its
status, notes and evidence), tracking_routes.py (calendar, a plan's progress, the overview),
assign_routes.py (handing out a plan's schedule), correction_routes.py (correcting a handed-out task).
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ..dates import fmt_date, local_today, parse_iso_date
from ..exports import Column, xlsx_response
from ..extensions import db
from ..limits import int_arg, page_arg, parse_int
from ..pagination import clamp
from ..people.models import Group
from ..permissions import Perm, has_permission, requires
from ..plans.models import ScheduleActivity
from ..text import plain
from ..web import render
from . import panels  # noqa: F401  (registers the home-page panel)
from . import cards, people, queries
from .cards import Card
from .models import COMMITTEE, COMMITTEE_LABEL, Task, led_group_ids
from .outcomes import OUTCOME_LABELS
from .queries import STATUS_FILTERS, TaskFilter
from .rules import month_label, parse_month

bp = Blueprint("tasks", __name__, url_prefix="/viec")


def get_task_or_404(task_id: int) -> Task:
    """The task, or 404; 403 when this person may not see it."""
    task = queries.get_task(task_id)
    if task is None:
        abort(404)
    if not task.can_view(current_user):
        abort(403)
    return task


def safe_next(value: str | None) -> str | None:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _assignee_arg(value: str | None) -> int | None:
    value = (value or "").strip()
    if value == "bch":
        return COMMITTEE
    return parse_int(value, minimum=0)


def filter_from_args(*, assignee: int | None = None, default_status: str = "") -> TaskFilter:
    args = request.args
    status = args.get("trang_thai", default_status)
    outcome = args.get("ket_qua", "")
    return TaskFilter(
        assignee=assignee if assignee is not None else _assignee_arg(args.get("to")),
        status=status if status in STATUS_FILTERS else "",
        plan_id=int_arg("ke_hoach"),
        month=parse_month(args.get("thang")),
        day=parse_iso_date(args.get("ngay")),
        due_from=parse_iso_date(args.get("tu")),
        due_to=parse_iso_date(args.get("den")),
        outcome=outcome if outcome in OUTCOME_LABELS else "",
        period=(args.get("ky") or "").strip()[:100],
        activity_id=int_arg("hoat_dong"),
        evidence=args.get("minh_chung") == "1")


def assignee_choices() -> list[tuple[str, str]]:
    """The groups (and the committee) this person may filter by: ids and names only."""
    if current_user.is_committee_member:
        return [(str(i), name) for i, name in people.active_group_names()] + [("bch", COMMITTEE_LABEL)]
    ids = led_group_ids(current_user) | ({current_user.group_id} if current_user.group_id else set())
    return [(str(i), name) for i, name in people.active_group_names(ids)]


TABS = (("chua_xong", "Chưa xong"), ("qua_han", "Quá hạn"), ("blocked", "Vướng mắc"), ("done", "Hoàn thành"),
        ("", "Tất cả"))


def _url_with(**changes) -> str:
    """This page's URL with some query arguments changed (tabs, pages)."""
    args = {**request.view_args, **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v is not None})


def _list_context(f: TaskFilter, **extra) -> dict:
    page = page_arg()
    counts = queries.status_counts(current_user, f)
    # The tab's count is the list's total: the list need not count again.
    tasks, total = queries.task_cards(current_user, f, page=page, total=counts.for_filter(f.status))
    return dict(tasks=tasks, total=total, page=page,
                pages=clamp(total, page, queries.PAGE_SIZE)[1], f=f, counts=counts,
                tabs=TABS, tab_url=lambda key: _url_with(trang_thai=key, trang=None),
                page_url=lambda n: _url_with(trang=n), list_url=request.full_path.rstrip("?"),
                status_filters=STATUS_FILTERS, plans=queries.plan_choices(current_user),
                # A board is one assignee's: its filter bar has no assignee chooser to fill.
                assignees=[] if extra.get("board") else assignee_choices(), today=local_today(),
                month_label=month_label, export_args=export_args(f), report_args=report_filter_args(f),
                report_text=report_filter_text(f), **extra)


def export_args(f: TaskFilter) -> dict:
    args = {}
    if f.assignee is not None:
        args["to"] = "bch" if f.assignee == COMMITTEE else f.assignee
    if f.status:
        args["trang_thai"] = f.status
    if f.plan_id:
        args["ke_hoach"] = f.plan_id
    if f.month:
        args["thang"] = f"{f.month[0]:04d}-{f.month[1]:02d}"
    if f.day:
        args["ngay"] = f.day.isoformat()
    args.update(report_filter_args(f))
    return args


def report_filter_args(f: TaskFilter) -> dict:
    """The query arguments of the filters a report's figures link with (hidden fields of the bar)."""
    args = {}
    if f.due_from:
        args["tu"] = f.due_from.isoformat()
    if f.due_to:
        args["den"] = f.due_to.isoformat()
    if f.outcome:
        args["ket_qua"] = f.outcome
    if f.period:
        args["ky"] = f.period
    if f.activity_id:
        args["hoat_dong"] = f.activity_id
    if f.evidence:
        args["minh_chung"] = "1"
    return args


def report_filter_text(f: TaskFilter) -> str:
    """The report filters in words, shown above the list ("" when none is set)."""
    parts = []
    if f.due_from and f.due_to:
        parts.append(f"hạn từ {fmt_date(f.due_from)} đến {fmt_date(f.due_to)}")
    elif f.due_from:
        parts.append(f"hạn từ {fmt_date(f.due_from)}")
    elif f.due_to:
        parts.append(f"hạn đến {fmt_date(f.due_to)}")
    if f.outcome:
        parts.append(OUTCOME_LABELS[f.outcome].lower())
    if f.period:
        parts.append(f"thời gian “{f.period}”")
    if f.activity_id:
        # Named only from a plan this person may read (an id of a draft's activity names nothing).
        activity = db.session.get(ScheduleActivity, f.activity_id)
        shown = activity is not None and activity.plan.can_view(current_user)
        parts.append(f"hoạt động “{plain(activity.text)[:80]}”" if shown else "một hoạt động")
    if f.evidence:
        parts.append("có minh chứng")
    return ", ".join(parts)


# --- lists ---------------------------------------------------------------------------------------

@bp.route("/")
@requires(Perm.TASKS_VIEW)
def index():
    f = filter_from_args()
    title = "Việc quá hạn" if f.status == "qua_han" else "Danh sách công việc"
    context = _list_context(f, title=title, board=None)
    if request.headers.get("HX-Trigger") == "task-filter":
        return render("tasks/index.html", "tasks/_list.html", **context)
    return render("tasks/index.html", **context)


def _may_see_board(assignee: int) -> bool:
    if current_user.is_committee_member:
        return True
    return assignee != COMMITTEE and (assignee == current_user.group_id or assignee in led_group_ids(current_user))


@bp.route("/to/<int:group_id>")
@requires(Perm.TASKS_VIEW)
def board(group_id: int):
    """A group's tasks ("Việc của tổ"); group 0 is the executive committee's own tasks."""
    group = None
    if group_id != COMMITTEE:
        group = db.session.get(Group, group_id)
        if group is None:
            abort(404)
    if not _may_see_board(group_id):
        abort(403)
    f = filter_from_args(assignee=group_id, default_status="chua_xong")
    name = group.name if group else COMMITTEE_LABEL
    # Whether this person keeps the board's statuses: the model's rule, asked of a task of this group.
    keeps = Task(group_id=group.id if group else None, assignee=group_id).can_update(current_user)
    context = _list_context(f, title=f"Việc của {name}" if group is None else f"Việc của tổ — {name}",
                            board={"id": group_id, "name": name, "group": group, "keeps": keeps})
    if request.headers.get("HX-Trigger") == "task-filter":
        return render("tasks/board.html", "tasks/_list.html", **context)
    return render("tasks/board.html", **context)


@bp.route("/cua-to")
@requires(Perm.TASKS_VIEW)
def mine():
    """"Công việc" in the menu: a group leader lands on their group's board, the chair and vice
    chairs on the tracking overview, a member on their group's board."""
    led = sorted(led_group_ids(current_user))
    if led:
        return redirect(url_for("tasks.board", group_id=led[0]))
    if has_permission(current_user, Perm.TASKS_ASSIGN):
        return redirect(url_for("tasks.overview"))
    if current_user.group_id:
        return redirect(url_for("tasks.board", group_id=current_user.group_id))
    if has_permission(current_user, Perm.TASKS_TRACK):
        return redirect(url_for("tasks.overview"))
    return redirect(url_for("tasks.index"))


@bp.route("/xuat-excel")
@requires(Perm.TASKS_VIEW)
def export():
    """The filtered list (every page) as an Excel file with Vietnamese headers."""
    f = filter_from_args()
    headers = [Column("STT", "int", 6), Column("Nội dung công việc", width=60), Column("Kế hoạch", width=40),
               Column("Thời gian (theo kế hoạch)", width=14), Column("Tổ thực hiện", width=24),
               Column("Hạn hoàn thành", "date"), Column("Trạng thái", width=28), Column("Kết quả", width=40),
               Column("Ghi chú giao việc", width=30), Column("Cập nhật trạng thái lúc", "date"),
               Column("Người cập nhật", width=24)]
    rows = list(queries.export_rows(current_user, f))
    parts = [STATUS_FILTERS[f.status] if f.status else ""]
    if f.month:
        parts.append(month_label(*f.month))
    if f.day:
        parts.append(f"ngày {fmt_date(f.day)}")
    parts.append(report_filter_text(f))
    subtitle = f"{len(rows)} việc · xuất ngày {fmt_date(local_today())}" + \
        ("".join(f" · {p}" for p in parts if p))
    return xlsx_response(f"danh-sach-cong-viec-{local_today().isoformat()}", "DANH SÁCH CÔNG VIỆC", headers, rows,
                         subtitle=subtitle, sheet_name="Công việc")


def _tags(status: str, label: str, overdue: bool) -> Markup:
    html = f'<span class="tag task-status status-{escape(status)}">{escape(label)}</span>'
    return Markup(html + ' <span class="tag task-overdue">Quá hạn</span>' if overdue else html)


@bp.app_template_global("card_tags")
def card_tags(card: Card) -> Markup:
    """The status tag, with the derived "Quá hạn" (a Python helper: a Jinja macro import in a
    template included many times a page would build its module again every time). Anything with
    a card's status, status_label and overdue: a Card, a home page's UrgentTask."""
    return _tags(card.status, card.status_label, card.overdue)


@bp.app_template_global("plan_line_link")
def plan_line_link(card: Card) -> Markup:
    """The link back to the task's line in its plan."""
    href = url_for("plans.detail", plan_id=card.plan_id)
    return Markup(f'<a href="{escape(href)}#activity-{int(card.activity_id)}" title="Xem dòng này trong kế hoạch">'
                  f'{escape(card.plan_subject)}</a>')


# A card of a board's list (kept HTML when this exact card was shown before: tasks/cards.py).
bp.add_app_template_global(cards.board_card, "board_card")

# The other page families add their routes to this blueprint.
from . import assign_routes, correction_routes, task_routes, tracking_routes  # noqa: E402,F401
