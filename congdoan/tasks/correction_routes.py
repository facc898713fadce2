"""Correcting a task already handed out (the chair and vice chairs): a new due date or new
instructions, or taking it back. Registered on the tasks blueprint; the rules are in corrections.py."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ..errors import DomainError, StaleError, ValidationFailed
from ..extensions import db
from ..permissions import Perm, requires
from ..web import render
from . import corrections
from .forms import CorrectTaskForm, WithdrawTaskForm
from .models import Task
from .routes import bp, get_task_or_404


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
