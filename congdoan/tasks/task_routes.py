"""The pages of one task: its card with its history, the form of a status change or a progress note,
and its evidence files. Registered on the tasks blueprint.

A status change from a board is one tap (htmx re-renders the task's card); "Hoàn thành" opens the
card's form for the required result and an optional photo or PDF. A refused change comes back as
the card with the person's text still in it and the reason: 409 for a stale page, 422 for a missing
result or a bad file, 413 for a file over the limit (htmx is told to swap it into the card).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ..dates import local_today
from ..errors import StaleError, ValidationFailed
from ..extensions import db
from ..permissions import Perm, requires
from ..uploads.service import UploadError, allowed_label, send_stored_file
from ..web import render, wants_fragment
from ..workflow import posted_version
from . import corrections, operations, queries, workflow
from .cards import Card
from .models import STATUS_LABELS, Task
from .routes import bp, get_task_or_404, safe_next


def _card_context(task: Task, **extra) -> dict:
    # The same card sits on a board (compact) and on the task's page (with its history).
    view = "board" if request.values.get("view") == "board" and wants_fragment() else "detail"
    context = dict(task=task, card=Card.of(task, current_user._get_current_object(), local_today()), view=view,
                   form_mode=False, form_target="", values={},
                   errors={}, stale=None, evidence_max_mb=operations.EVIDENCE_MAX_BYTES // (1024 * 1024),
                   evidence_max_bytes=operations.EVIDENCE_MAX_BYTES, evidence_types=allowed_label(operations.EVIDENCE_TYPES),
                   next_url=safe_next(request.values.get("next")) or "")
    if view == "detail" or not wants_fragment():
        context["events"] = queries.history(task)
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
        event = operations.update_task(task, actor=current_user, shown=form.get("from_status", ""),
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
        return redirect(safe_next(form.get("next")) or url_for("tasks.detail", task_id=task_id), code=303)
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
    event = queries.get_event(task, event_id)
    if event is None or event.file is None:
        abort(404)
    return send_stored_file(event.file, as_attachment=request.args.get("tai") == "1" or None)
