"""Handing out a plan's schedule: the review screen of the chair and vice chairs. Registered on the
tasks blueprint."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from ..errors import ValidationFailed
from ..extensions import db
from ..permissions import Perm, requires
from ..plans.document import load_plan_tree
from ..plans.routes import get_plan_or_404
from ..web import render
from . import operations, people
from .routes import bp


@bp.route("/ke-hoach/<int:plan_id>/giao-viec", methods=["GET", "POST"])
@requires(Perm.TASKS_ASSIGN)
def assign(plan_id: int):
    """The review screen: every activity of the schedule with its proposed assignees, due date and
    note; "Áp dụng" fills the default assignees in (nothing saved), "Lưu" creates the tasks."""
    plan = get_plan_or_404(plan_id)
    operations.check_can_assign(plan, current_user)
    groups = people.active_groups()
    if request.method == "GET":
        return render("tasks/assign.html", plan=plan, lines=operations.review_lines(plan), groups=groups,
                      defaults=[], errors={})
    form = request.form
    action = form.get("action", "save")
    lines = operations.review_lines(plan, form, apply_defaults=True)
    defaults = [v for v in form.getlist("default_to") if v.isdigit()]
    if action == "apply":
        return render("tasks/assign.html", plan=plan, lines=lines, groups=groups, defaults=defaults, errors={},
                      applied=True)
    try:
        result = operations.assign(plan, lines, actor=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        plan = load_plan_tree(plan_id)
        lines = operations.review_lines(plan, form, apply_defaults=True)
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
