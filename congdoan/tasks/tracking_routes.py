"""The tracking pages: the calendar, a plan's progress with its charts, the overview. Registered on
the tasks blueprint; the committee's pages are rendered once per change of the data."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from ..changes import remembered
from ..dates import local_today
from ..permissions import Perm, has_permission, requires
from ..plans.routes import get_plan_or_404
from ..web import render
from . import calendar as task_calendar
from . import queries
from .charts import assignee_chart, month_chart, status_chart
from .queries import STATUS_FILTERS, TaskFilter
from .routes import assignee_choices, bp, export_args, filter_from_args
from .rules import month_label


@bp.route("/lich")
@requires(Perm.TASKS_VIEW)
def calendar():
    today = local_today()
    f = filter_from_args()
    year, month = f.month or (today.year, today.month)
    weeks = task_calendar.calendar_month(current_user, year, month, f)
    around = task_calendar.months_around(year, month)
    return render("tasks/calendar.html", weeks=weeks, year=year, month=month, f=f, today=today,
                  prev=around["prev"], next=around["next"], title=month_label(year, month),
                  plans=queries.plan_choices(current_user), assignees=assignee_choices(),
                  status_filters=STATUS_FILTERS, filter_args=export_args(TaskFilter(f.assignee, "", f.plan_id)),
                  nav_args=export_args(TaskFilter(f.assignee, f.status, f.plan_id)),
                  total=sum(d.count for w in weeks for d in w if d.in_month))


@bp.route("/theo-doi")
@requires(Perm.TASKS_TRACK)
def overview():
    today = local_today()
    can_assign = has_permission(current_user, Perm.TASKS_ASSIGN)

    def body() -> str:
        data = queries.overview(current_user, today=today)
        return render_template("tasks/_overview.html", chart=assignee_chart(data["by_assignee"]), **data)

    # Everyone on the committee sees the same overview: rendered once per change of the data.
    html = (remembered("tracking", ("overview-page", today, can_assign), body)
            if queries.sees_everything(current_user) else body())
    return render("tasks/overview.html", body=Markup(html))


@bp.route("/ke-hoach/<int:plan_id>")
@requires(Perm.TASKS_TRACK)
def progress(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    today = local_today()
    can_assign = has_permission(current_user, Perm.TASKS_ASSIGN)
    all_groups = request.args.get("cac_to") == "tat_ca"

    def body() -> str:
        progress = queries.plan_progress(plan, today=today,
                                         groups_limit=None if all_groups else queries.OVERVIEW_GROUPS)
        overdue, overdue_total = queries.task_cards(current_user, TaskFilter(plan_id=plan.id, status="qua_han"),
                                                    page_size=20, today=today)
        span = task_calendar.month_range_of_plan(plan.id)
        return render_template(
            "tasks/_progress.html", plan=plan, progress=progress, overdue=overdue, overdue_total=overdue_total,
            months_chart=month_chart(progress.by_month), groups_chart=assignee_chart(progress.by_assignee),
            statuses_chart=status_chart(progress.totals), first_month=span[0] if span else None,
            can_assign=can_assign, today=today, all_groups=all_groups)

    html = (remembered("tracking", ("progress-page", plan.id, today, can_assign, all_groups), body)
            if queries.sees_everything(current_user) else body())
    return render("tasks/progress.html", plan=plan, body=Markup(html))
