"""Task pages: handing out a plan's schedule (review screen), a group's board ("Việc của tổ"), one
task with its history, every filtered list and its Excel export, the calendar, a plan's progress
with its charts, the tracking overview.

A status change from a board is one tap (htmx re-renders the task's card); "Hoàn thành" opens the
card's form for the required result and an optional photo or PDF. A refused change comes back as
the card with the person's text still in it and the reason: 409 for a stale page, 422 for a missing
result or a bad file, 413 for a file over the limit (htmx is told to swap it into the card).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ..changes import remembered
from ..dates import fmt_date, local_today, parse_iso_date
from ..errors import DomainError, StaleError, ValidationFailed
from ..exports import Column, xlsx_response
from ..extensions import db
from ..limits import int_arg, page_arg, parse_int
from ..people.models import Group
from ..permissions import Perm, has_permission, requires
from ..plans.document import load_plan_tree
from ..plans.models import ScheduleActivity
from ..plans.routes import get_plan_or_404
from ..text import plain
from ..uploads.service import UploadError, allowed_label, send_stored_file
from ..web import cached_url_for, render, wants_fragment
from ..workflow import posted_version
from . import panels  # noqa: F401  (registers the home-page panel)
from . import cards, corrections, services, workflow
from .cards import Card
from .charts import assignee_chart, month_chart, status_chart
from .forms import CorrectTaskForm, WithdrawTaskForm
from .models import COMMITTEE, COMMITTEE_LABEL, STATUS_LABELS, Task, led_group_ids
from .outcomes import OUTCOME_LABELS
from .rules import month_label, parse_month
from .services import STATUS_FILTERS, TaskFilter

bp = Blueprint("tasks", __name__, url_prefix="/viec")


def get_task_or_404(task_id: int) -> Task:
    """The task, or 404; 403 when this person may not see it."""
    task = services.get_task(task_id)
    if task is None:
        abort(404)
    if not task.can_view(current_user):
        abort(403)
    return task


def _safe_next(value: str | None) -> str | None:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _assignee_arg(value: str | None) -> int | None:
    value = (value or "").strip()
    if value == "bch":
        return COMMITTEE
    return parse_int(value, minimum=0)


def _filter_from_args(*, assignee: int | None = None, default_status: str = "") -> TaskFilter:
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


def _assignee_choices() -> list[tuple[str, str]]:
    """The groups (and the committee) this person may filter by: ids and names only."""
    if current_user.is_committee_member:
        return [(str(i), name) for i, name in services.active_group_names()] + [("bch", COMMITTEE_LABEL)]
    ids = led_group_ids(current_user) | ({current_user.group_id} if current_user.group_id else set())
    return [(str(i), name) for i, name in services.active_group_names(ids)]


TABS = (("chua_xong", "Chưa xong"), ("qua_han", "Quá hạn"), ("blocked", "Vướng mắc"), ("done", "Hoàn thành"),
        ("", "Tất cả"))


def _url_with(**changes) -> str:
    """This page's URL with some query arguments changed (tabs, pages)."""
    args = {**request.view_args, **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v is not None})


def _list_context(f: TaskFilter, **extra) -> dict:
    page = page_arg()
    counts = services.status_counts(current_user, f)
    # The tab's count is the list's total: the list need not count again.
    tasks, total = services.task_cards(current_user, f, page=page, total=counts.for_filter(f.status))
    return dict(tasks=tasks, total=total, page=page,
                pages=max((total + services.PAGE_SIZE - 1) // services.PAGE_SIZE, 1), f=f, counts=counts,
                tabs=TABS, tab_url=lambda key: _url_with(trang_thai=key, trang=None),
                page_url=lambda n: _url_with(trang=n), list_url=request.full_path.rstrip("?"),
                status_filters=STATUS_FILTERS, plans=services.plan_choices(current_user),
                # A board is one assignee's: its filter bar has no assignee chooser to fill.
                assignees=[] if extra.get("board") else _assignee_choices(), today=local_today(),
                month_label=month_label, export_args=_export_args(f), report_args=report_filter_args(f),
                report_text=report_filter_text(f), **extra)


def _export_args(f: TaskFilter) -> dict:
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
    f = _filter_from_args()
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
    f = _filter_from_args(assignee=group_id, default_status="chua_xong")
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
    f = _filter_from_args()
    headers = [Column("STT", "int", 6), Column("Nội dung công việc", width=60), Column("Kế hoạch", width=40),
               Column("Thời gian (theo kế hoạch)", width=14), Column("Tổ thực hiện", width=24),
               Column("Hạn hoàn thành", "date"), Column("Trạng thái", width=28), Column("Kết quả", width=40),
               Column("Ghi chú giao việc", width=30), Column("Cập nhật trạng thái lúc", "date"),
               Column("Người cập nhật", width=24)]
    rows = list(services.export_rows(current_user, f))
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


# --- one task ------------------------------------------------------------------------------------

def _card_context(task: Task, **extra) -> dict:
    # The same card sits on a board (compact) and on the task's page (with its history).
    view = "board" if request.values.get("view") == "board" and wants_fragment() else "detail"
    context = dict(task=task, card=Card.of(task, current_user._get_current_object(), local_today()), view=view,
                   form_mode=False, form_target="", values={},
                   errors={}, stale=None, evidence_max_mb=services.EVIDENCE_MAX_BYTES // (1024 * 1024),
                   evidence_max_bytes=services.EVIDENCE_MAX_BYTES, evidence_types=allowed_label(services.EVIDENCE_TYPES),
                   next_url=_safe_next(request.values.get("next")) or "")
    if view == "detail" or not wants_fragment():
        context["events"] = services.history(task)
    context.update(extra)
    return context


@bp.route("/<int:task_id>")
@requires(Perm.TASKS_VIEW)
def detail(task_id: int):
    task = get_task_or_404(task_id)
    return render("tasks/detail.html", "tasks/_task.html", **_card_context(task),
                  may_correct=corrections.may_correct(current_user))


@bp.route("/<int:task_id>/cap-nhat")
@requires(Perm.TASKS_UPDATE)
def update_form(task_id: int):
    """The card with its form open: the result for "Hoàn thành", or a progress note."""
    task = get_task_or_404(task_id)
    if not task.can_update(current_user):
        abort(403)
    target = request.args.get("trang_thai", "")
    if target and workflow.find(task.status, target) is None:
        target = ""
    return render("tasks/detail.html", "tasks/_task.html",
                  **_card_context(task, form_mode=True, form_target=target))


@bp.route("/<int:task_id>/cap-nhat", methods=["POST"])
@requires(Perm.TASKS_UPDATE)
def update(task_id: int):
    task = get_task_or_404(task_id)
    if not task.can_update(current_user):
        abort(403)
    form = request.form
    target = form.get("to_status", "")
    try:
        event = services.update_task(task, actor=current_user, shown=form.get("from_status", ""),
                                     expected=posted_version(form, task), target=target,
                                     note=form.get("note", ""), upload=request.files.get("evidence"))
    except (StaleError, ValidationFailed, UploadError) as exc:
        db.session.rollback()
        return _card_again(task_id, target, exc)
    message = (f"Đã chuyển việc “{task.title[:80]}” sang “{STATUS_LABELS[event.to_status]}”."
               if event.kind == "status" else f"Đã ghi nhận ghi chú tiến độ của việc “{task.title[:80]}”.")
    if not wants_fragment():
        db.session.commit()
        flash(message, "success")
        return redirect(_safe_next(form.get("next")) or url_for("tasks.detail", task_id=task_id), code=303)
    # The card again from the objects this request just wrote and refreshed (the guarded UPDATE
    # reloaded the task): kept through the commit instead of read back a second time.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return render("tasks/detail.html", "tasks/_task.html", **_card_context(task, saved=message))


def _card_again(task_id: int, target: str, exc) -> object:
    """The card (or the task page) again after a refusal: the current status, the reason, and the
    person's text still in the form (the file must be chosen again: nothing was stored)."""
    task = get_task_or_404(task_id)
    if isinstance(exc, StaleError):
        status, errors, stale = 409, {}, exc.message
        # The page now shows the current status; their change applies from it if still possible.
        if target and workflow.find(task.status, target) is None:
            target = ""
    elif isinstance(exc, UploadError):
        status, errors, stale = exc.status, {"evidence": exc.message}, None
    else:
        status, errors, stale = 422, exc.errors, None
    context = _card_context(task, form_mode=True, form_target=target, values={"note": request.form.get("note", "")},
                            errors=errors, stale=stale)
    response = render("tasks/detail.html", "tasks/_task.html", status=status, **context)
    if wants_fragment():
        # htmx: put the card back where it was (the default error handling would only show a message).
        response.headers["HX-Retarget"] = f"#task-{task.id}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.route("/<int:task_id>/minh-chung/<int:event_id>")
@requires(Perm.TASKS_VIEW)
def evidence(task_id: int, event_id: int):
    """An evidence file, only to those who may see the task."""
    task = get_task_or_404(task_id)
    event = services.get_event(task, event_id)
    if event is None or event.file is None:
        abort(404)
    return send_stored_file(event.file, as_attachment=request.args.get("tai") == "1" or None)


# --- calendar, tracking --------------------------------------------------------------------------

@bp.route("/lich")
@requires(Perm.TASKS_VIEW)
def calendar():
    today = local_today()
    f = _filter_from_args()
    year, month = f.month or (today.year, today.month)
    weeks = services.calendar_month(current_user, year, month, f)
    around = services.months_around(year, month)
    return render("tasks/calendar.html", weeks=weeks, year=year, month=month, f=f, today=today,
                  prev=around["prev"], next=around["next"], title=month_label(year, month),
                  plans=services.plan_choices(current_user), assignees=_assignee_choices(),
                  status_filters=STATUS_FILTERS, filter_args=_export_args(TaskFilter(f.assignee, "", f.plan_id)),
                  nav_args=_export_args(TaskFilter(f.assignee, f.status, f.plan_id)),
                  total=sum(d.count for w in weeks for d in w if d.in_month))


@bp.route("/theo-doi")
@requires(Perm.TASKS_TRACK)
def overview():
    today = local_today()
    can_assign = has_permission(current_user, Perm.TASKS_ASSIGN)

    def body() -> str:
        data = services.overview(current_user, today=today)
        return render_template("tasks/_overview.html", chart=assignee_chart(data["by_assignee"]), **data)

    # Everyone on the committee sees the same overview: rendered once per change of the data.
    html = (remembered("tracking", ("overview-page", today, can_assign), body)
            if services.sees_everything(current_user) else body())
    return render("tasks/overview.html", body=Markup(html))


@bp.route("/ke-hoach/<int:plan_id>")
@requires(Perm.TASKS_TRACK)
def progress(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    today = local_today()
    can_assign = has_permission(current_user, Perm.TASKS_ASSIGN)
    all_groups = request.args.get("cac_to") == "tat_ca"

    def body() -> str:
        progress = services.plan_progress(plan, today=today,
                                          groups_limit=None if all_groups else services.OVERVIEW_GROUPS)
        overdue, overdue_total = services.task_cards(current_user, TaskFilter(plan_id=plan.id, status="qua_han"),
                                                     page_size=20, today=today)
        span = services.month_range_of_plan(plan.id)
        return render_template(
            "tasks/_progress.html", plan=plan, progress=progress, overdue=overdue, overdue_total=overdue_total,
            months_chart=month_chart(progress.by_month), groups_chart=assignee_chart(progress.by_assignee),
            statuses_chart=status_chart(progress.totals), first_month=span[0] if span else None,
            can_assign=can_assign, today=today, all_groups=all_groups)

    html = (remembered("tracking", ("progress-page", plan.id, today, can_assign, all_groups), body)
            if services.sees_everything(current_user) else body())
    return render("tasks/progress.html", plan=plan, body=Markup(html))


# --- handing out a plan's schedule ---------------------------------------------------------------

@bp.route("/ke-hoach/<int:plan_id>/giao-viec", methods=["GET", "POST"])
@requires(Perm.TASKS_ASSIGN)
def assign(plan_id: int):
    """The review screen: every activity of the schedule with its proposed assignees, due date and
    note; "Áp dụng" fills the default assignees in (nothing saved), "Lưu" creates the tasks."""
    plan = get_plan_or_404(plan_id)
    services.check_can_assign(plan, current_user)
    groups = services.active_groups()
    if request.method == "GET":
        return render("tasks/assign.html", plan=plan, lines=services.review_lines(plan), groups=groups,
                      defaults=[], errors={})
    form = request.form
    action = form.get("action", "save")
    lines = services.review_lines(plan, form, apply_defaults=True)
    defaults = [v for v in form.getlist("default_to") if v.isdigit()]
    if action == "apply":
        return render("tasks/assign.html", plan=plan, lines=lines, groups=groups, defaults=defaults, errors={},
                      applied=True)
    try:
        result = services.assign(plan, lines, actor=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        plan = load_plan_tree(plan_id)
        lines = services.review_lines(plan, form, apply_defaults=True)
        for line in lines:
            line.error = exc.errors.get(line.key, "")
        return render("tasks/assign.html", status=422, plan=plan, lines=lines, groups=groups, defaults=defaults,
                      errors=exc.errors)
    db.session.commit()
    if result.created:
        flash(f"Đã giao {result.created} việc cho {len(result.by_assignee)} tổ / bộ phận. Tổ trưởng đã được thông báo."
              + (f" {result.skipped} việc đã giao trước đó được giữ nguyên." if result.skipped else ""), "success")
    else:
        flash("Không có việc mới nào: các việc đã chọn đều đã được giao cho những tổ này từ trước.", "info")
    return redirect(url_for("tasks.progress", plan_id=plan.id), code=303)


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
    href = cached_url_for("plans.detail", plan_id=card.plan_id)
    return Markup(f'<a href="{escape(href)}#activity-{int(card.activity_id)}" title="Xem dòng này trong kế hoạch">'
                  f'{escape(card.plan_subject)}</a>')


# A card of a board's list (kept HTML when this exact card was shown before: tasks/cards.py).
bp.add_app_template_global(cards.board_card, "board_card")


# --- correcting a handed-out task (the chair and vice chairs) -------------------------------------

def _correctable(task_id: int) -> Task:
    task = get_task_or_404(task_id)
    if not corrections.may_correct(current_user):
        abort(403)
    return task


def _correct_page(task: Task, *, form=None, withdraw_form=None, status: int = 200, stale: str | None = None,
                  problem: str | None = None, form_error: str | None = None):
    version = corrections.version_of(task)
    if form is None:
        form = CorrectTaskForm(data={"due": task.due_date.isoformat(), "note": task.note, "version": version})
    if withdraw_form is None:
        withdraw_form = WithdrawTaskForm(data={"version": version})
    form.version.data = withdraw_form.version.data = version
    return render("tasks/correct.html", task=task, form=form, withdraw_form=withdraw_form,
                  withdrawable=corrections.can_withdraw(task), stale=stale, problem=problem,
                  form_error=form_error, status=status)


def _refused(task_id: int, exc, **forms):
    """The page again after a refusal, from the task as it now stands, with what was typed."""
    db.session.rollback()
    task = _correctable(task_id)
    if isinstance(exc, StaleError):
        return _correct_page(task, status=409, stale=exc.message, **forms)
    if isinstance(exc, ValidationFailed):
        for form in forms.values():
            for name, message in exc.errors.items():
                if name in form:
                    form[name].errors = [message]
        return _correct_page(task, status=422, form_error=exc.errors.get("_form"), **forms)
    return _correct_page(task, status=exc.status, problem=exc.message, **forms)


@bp.route("/<int:task_id>/sua", methods=["GET", "POST"])
@requires(Perm.TASKS_ASSIGN)
def correct(task_id: int):
    """A new due date (with its reason) or new instructions for a task already handed out."""
    task = _correctable(task_id)
    if request.method == "GET":
        return _correct_page(task)
    form = CorrectTaskForm()
    if not form.validate_on_submit():
        return _correct_page(task, form=form, status=400)
    change = corrections.Correction(due_text=form.due.data or "", note=form.note.data or "",
                                    reason=form.reason.data or "")
    try:
        corrections.correct(task, change, actor=current_user, version=form.version.data or "")
    except DomainError as exc:
        return _refused(task_id, exc, form=form)
    db.session.commit()
    flash(f"Đã lưu thay đổi của việc “{task.title[:80]}” ({task.assignee_label}); tổ đã được báo.", "success")
    return redirect(url_for("tasks.detail", task_id=task_id), code=303)


@bp.route("/<int:task_id>/thu-hoi", methods=["POST"])
@requires(Perm.TASKS_ASSIGN)
def withdraw(task_id: int):
    """Take back a task nobody has worked on yet."""
    task = _correctable(task_id)
    form = WithdrawTaskForm()
    if not form.validate_on_submit():
        return _correct_page(task, withdraw_form=form, status=400)
    label, assignee, title = task.assignee_label, task.assignee, task.title
    try:
        corrections.withdraw(task, actor=current_user, version=form.version.data or "",
                             reason=form.withdraw_reason.data or "")
    except DomainError as exc:
        return _refused(task_id, exc, withdraw_form=form)
    db.session.commit()
    flash(f"Đã thu hồi việc “{title[:80]}” của {label}.", "success")
    return redirect(url_for("tasks.board", group_id=assignee), code=303)
