"""Naming and removing the co-editors of a draft ("Người cùng soạn" on the plan page, htmx).

The panel re-renders itself (hx-target="this"): an htmx request gets the panel with the confirmation
or the message beside the menu; without JavaScript the page is reloaded with the message."""
from __future__ import annotations

from flask import flash, request
from flask_login import current_user

from ..errors import ValidationFailed
from ..extensions import db
from ..permissions import Perm, requires
from ..web import redirect_to, render
from . import coeditors
from . import panels  # noqa: F401  (registers the home-page panel)
from .models import Plan
from .routes import bp, get_plan_or_404


def panel_context(plan: Plan, **extra) -> dict:
    """What templates/plans/_coeditors.html reads besides the plan."""
    manage = plan.can_manage_coeditors(current_user)
    return dict(manage_coeditors=manage, coeditor_choices=coeditors.candidates(plan) if manage else [], **extra)


def _change(plan_id: int, change):
    plan = get_plan_or_404(plan_id, tree=False)
    htmx = request.headers.get("HX-Request") == "true"
    try:
        outcome = change(plan)
    except ValidationFailed as exc:
        db.session.rollback()
        if not htmx:
            flash(" ".join(exc.errors.values()), "error")
            return redirect_to("plans.detail", plan_id=plan_id)
        plan = get_plan_or_404(plan_id, tree=False)
        return render("plans/_coeditors.html", plan=plan, **panel_context(plan, coeditor_errors=exc.errors,
                                                               coeditor_values=request.form))
    db.session.commit()
    if not htmx:
        flash(outcome.message, "success" if outcome.changed else "info")
        return redirect_to("plans.detail", plan_id=plan_id)
    plan = get_plan_or_404(plan_id, tree=False)
    return render("plans/_coeditors.html", plan=plan, **panel_context(plan, coeditor_message=outcome.message))


@bp.route("/<int:plan_id>/nguoi-cung-soan", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def add_coeditor(plan_id: int):
    return _change(plan_id, lambda plan: coeditors.add_coeditor(plan, request.form.get("user_id"),
                                                                actor=current_user))


@bp.route("/<int:plan_id>/nguoi-cung-soan/<int:user_id>/bot", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def remove_coeditor(plan_id: int, user_id: int):
    return _change(plan_id, lambda plan: coeditors.remove_coeditor(plan, user_id, actor=current_user))
