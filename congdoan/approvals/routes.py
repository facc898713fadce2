"""Approval pages: submit, the review page (document, changes since the last round, votes,
comments), vote, chair return, amend."""
from __future__ import annotations

import json

from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from ..errors import ValidationFailed
from ..extensions import db
from ..permissions import Perm, is_chair, requires
from ..plans.copy_review import ReviewPending
from ..plans.diff import diff_documents
from ..plans.document import to_document
from ..plans.models import PlanVersion
from ..plans.routes import get_plan_or_404
from ..plans.kinds import by_abbreviation
from ..plans.workflow import Noun, can, noun
from ..submissions.service import once_per_submission
from ..web import redirect_to, render, wants_fragment
from ..workflow import posted_version
from . import panels  # noqa: F401  (registers the home-page panel)
from . import services
from .models import RoundStatus
from .rules import votes_needed

bp = Blueprint("approvals", __name__, url_prefix="/ke-hoach")


def _review_context(plan, *, whole: bool = True, **extra) -> dict:
    """What the review page shows. `whole=False` for a panel alone (a vote, a comment): without the
    document and the changes since the last round, which only the whole page prints."""
    round_ = services.open_round(plan)
    all_rounds = services.rounds(plan)
    current = round_ or (all_rounds[0] if all_rounds else None)
    context = dict(plan=plan, round=round_, current=current, rounds=all_rounds,
                   doc=to_document(plan) if whole else None,
                   my_vote=None, changes=None, previous=None, members=services.committee_members(),
                   is_chair=is_chair(current_user), can_vote=current_user.is_committee_member)
    if current is not None:
        votes_for, votes_against, members = services.counted_tally(current)
        context.update(votes_for=votes_for, votes_against=votes_against, member_count=members,
                       needed=votes_needed(current.rule, members))
        context["my_vote"] = next((v for v in current.votes if v.voter_id == current_user.id), None)
        voted_ids = {v.voter_id for v in current.votes}
        context["not_voted"] = [m for m in context["members"] if m.id not in voted_ids]
        earlier = [r for r in all_rounds if r.number < current.number]
        if earlier and whole:
            previous = earlier[0]
            old = db.session.execute(db.select(PlanVersion).filter_by(
                plan_id=plan.id, number=previous.version_number)).scalar_one()
            new = db.session.execute(db.select(PlanVersion).filter_by(
                plan_id=plan.id, number=current.version_number)).scalar_one()
            context["previous"] = previous
            context["changes"] = diff_documents(json.loads(old.content), json.loads(new.content))
    context.update(extra)
    return context


@bp.route("/<int:plan_id>/trinh-duyet", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def submit(plan_id: int):
    plan = get_plan_or_404(plan_id)
    try:
        round_ = services.submit(plan, actor=current_user, expected=posted_version(request.form, plan))
    except ReviewPending as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect_to("plans.copy_review_list", plan_id=plan_id)
    db.session.commit()
    flash(f"Đã trình Ban Chấp hành duyệt {noun(plan)} “{plan.subject}” (lần {round_.number}). "
          f"{Noun(plan)} được khóa trong khi biểu quyết.", "success")
    return redirect_to("approvals.review", plan_id=plan.id)


@bp.route("/<int:plan_id>/duyet")
@requires(Perm.PLANS_VIEW)
def review(plan_id: int):
    plan = get_plan_or_404(plan_id)
    return render("approvals/review.html", **_review_context(plan))


def _panel_action(plan_id: int, act, fragment: str, done_message: str | None = None):
    """Run one member action of the review page; answer with its panel (htmx) or the page again.
    Field errors come back in the panel with the person's input kept."""
    plan = get_plan_or_404(plan_id)
    try:
        act(plan)
    except ValidationFailed as exc:
        db.session.rollback()
        plan = get_plan_or_404(plan_id)
        return render("approvals/review.html", fragment,
                      status=200 if request.headers.get("HX-Request") == "true" else 422,
                      **_review_context(plan, whole=not wants_fragment(), errors=exc.errors, values=request.form))
    db.session.commit()
    plan = get_plan_or_404(plan_id)
    if request.headers.get("HX-Request") != "true":
        if done_message:
            flash(done_message.format(subject=plan.subject, noun=noun(plan)), "success")
        return redirect_to("approvals.review", plan_id=plan.id)
    return render("approvals/review.html", fragment,
                  **_review_context(plan, whole=not wants_fragment(), saved=bool(done_message)))


@bp.route("/<int:plan_id>/bieu-quyet", methods=["POST"])
@requires(Perm.PLANS_VOTE)
def vote(plan_id: int):
    return _panel_action(plan_id, lambda plan: services.vote(
        plan, voter=current_user, choice=request.form.get("choice", ""), reason=request.form.get("reason", ""),
        expected=posted_version(request.form, plan)),
        "approvals/_vote_answer.html", "Đã ghi nhận biểu quyết của bạn về {noun} “{subject}”.")


@bp.route("/<int:plan_id>/gop-y", methods=["POST"])
@requires(Perm.PLANS_VOTE)
@once_per_submission
def comment(plan_id: int):
    return _panel_action(plan_id, lambda plan: services.comment(
        plan, author=current_user, text=request.form.get("comment", ""), section=request.form.get("section", "")),
        "approvals/_comments.html")


@bp.route("/<int:plan_id>/tra-lai", methods=["POST"])
@requires(Perm.PLANS_VOTE)
def chair_return(plan_id: int):
    plan = get_plan_or_404(plan_id)
    try:
        services.chair_return(plan, actor=current_user, reason=request.form.get("return_reason", ""),
                              expected=posted_version(request.form, plan))
    except ValidationFailed as exc:
        db.session.rollback()
        plan = get_plan_or_404(plan_id)
        return render("approvals/review.html", status=422, **_review_context(plan, errors=exc.errors,
                                                                              values=request.form))
    db.session.commit()
    flash(f"Đã trả lại {noun(plan)} “{plan.subject}” để người soạn sửa.", "success")
    return redirect_to("plans.detail", plan_id=plan.id)


@bp.route("/<int:plan_id>/sua-doi", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def amend(plan_id: int):
    plan = get_plan_or_404(plan_id)
    new = services.amend(plan, actor=current_user)
    db.session.commit()
    flash(f"Đã tạo bản sửa đổi của {noun(plan)} “{plan.subject}”. {Noun(plan)} đã duyệt vẫn giữ nguyên cho "
          "đến khi bản sửa đổi được duyệt.", "success")
    return redirect_to("plans.detail", plan_id=new.id)


def _kind_label(abbreviation: str) -> str:
    """"Kế hoạch", "Báo cáo" for a register's abbreviation ("KH", "BC"); "Văn bản" for one no longer declared."""
    kind = by_abbreviation(abbreviation)
    return kind.label if kind is not None else "Văn bản"


def _doc_symbol(plan) -> str:
    """The symbol after the number of a document of this plan's kind ("KH-CĐ", "BC-CĐ")."""
    from ..documents.context import number_symbol
    from ..organisation.models import Organisation
    return number_symbol(Organisation.get(), plan.document_kind)


def _table_of(line):
    """A report's table line as columns and rows (congdoan/reports/blocks.Table)."""
    from ..reports.blocks import Table
    return Table.from_json(line.data or "{}")


def inner_link(value: str | None) -> str:
    """A figure's link as an href: a path inside the app ("/de-xuat/…"), else "" (never another site,
    never a script)."""
    value = (value or "").strip()
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else ""


def kind_list_url(plan) -> str:
    """The list a document belongs to: /ke-hoach for a plan, /bao-cao for a report."""
    return url_for("reports.index") if plan.kind == "report" else url_for("plans.index")


def register_template_helpers(app) -> None:
    app.jinja_env.globals["plan_can"] = lambda plan, action: can(plan, action, current_user)
    app.jinja_env.globals["kind_label"] = _kind_label
    app.jinja_env.globals["kind_list_url"] = kind_list_url
    app.jinja_env.globals["doc_symbol"] = _doc_symbol
    app.jinja_env.globals["table_of"] = _table_of
    app.jinja_env.globals["inner_link"] = inner_link
    app.jinja_env.globals["RoundStatus"] = RoundStatus
