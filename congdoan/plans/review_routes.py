"""The review list of a copied draft: every line the copy to another year could not settle, with
its editor a click away and "Giữ nguyên" for a line that is right as it is (copy_review.py)."""
from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..permissions import Perm, requires
from ..web import redirect_to, render
from . import copy_review
from .routes import bp, get_plan_or_404


def banner_context(plan) -> dict:
    """What the banner on the plan page shows: only to those who may edit the draft."""
    total, pending = copy_review.counts(plan.id) if plan.can_edit(current_user) else (0, 0)
    return {"review_pending": pending, "review_shown": total > 0}


def banner_html(plan, *, oob: bool = False) -> str:
    return render_template("plans/_copy_review_banner.html", plan=plan, oob=oob, **banner_context(plan))


def _reviewable(plan_id: int):
    plan = get_plan_or_404(plan_id)
    if not plan.can_edit(current_user):
        abort(403)
    return plan


def edit_url(plan, line: copy_review.ReviewLine) -> str:
    """The plan page with this part's inline editor open, scrolled to it."""
    if line.edit_kind in ("header", "opening"):
        url = url_for("plans.edit_fixed_part", plan_id=plan.id, part=line.edit_kind)
    else:
        url = url_for("plans.edit_part", plan_id=plan.id, kind=line.edit_kind, part_id=line.item.part_id)
    return f"{url}#{line.anchor}"


def _context(plan, **extra) -> dict:
    lines = copy_review.review_lines(plan)
    pending = sum(1 for line in lines if line.item.open)
    return dict(plan=plan, lines=lines, pending=pending, edit_url=edit_url, **extra)


@bp.route("/<int:plan_id>/soat-lai")
@requires(Perm.PLANS_DRAFT)
def copy_review_list(plan_id: int):
    plan = _reviewable(plan_id)
    return render("plans/copy_review.html", **_context(plan))


@bp.route("/<int:plan_id>/soat-lai/<int:item_id>/giu-nguyen", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def copy_review_keep(plan_id: int, item_id: int):
    plan = _reviewable(plan_id)
    item = copy_review.keep(plan, item_id, actor=current_user)
    db.session.commit()
    context = _context(plan)
    line = next(line for line in context["lines"] if line.item.id == item.id)
    what = ", ".join(f"“{f.get('fragment', '')}”" for f in item.findings)
    left = context["pending"]
    message = (f"Đã giữ nguyên {what} ở {line.where[0].lower()}{line.where[1:]}; "
               + (f"còn {left} dòng cần soát lại." if left else "đã soát hết các dòng, có thể trình duyệt."))
    if request.headers.get("HX-Request") != "true":
        flash(message, "success")
        return redirect_to("plans.copy_review_list", plan_id=plan.id)
    return render("plans/copy_review.html", "plans/_copy_review_item.html",
                  **context, line=line, saved_message=message)


