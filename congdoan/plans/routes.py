"""Plan pages: the list, the structured editor (htmx inline editing), preview, history, compare, copy.

Each inline edit posts one part; the answer is that part (or its enclosing block) re-rendered.
Validation errors and stale copies come back as the form with the message beside the field and the
person's own text still in it (200, so htmx swaps it in place)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, render_template, request
from flask_login import current_user

from ..extensions import db
from ..limits import int_arg, parse_int
from ..organisation.models import Organisation
from ..people.models import Group
from ..permissions import Perm, requires
from ..submissions.service import once_per_submission
from ..web import redirect_to, render, wants_fragment
from . import coeditors, copy_review, creating, editing, versions
from .diff import diff_documents
from .document import document_of, load_plan_tree
from .forms import ActionForm, CopyPlanForm, NewPlanForm
from .listing import list_context, render_list, table_only
from .numbering import LABEL_CHOICES, LEVEL_LABELS
from .kinds import PLAN
from .models import LINE_KIND_LABELS, STATUS_LABELS, Plan
from .preview import document_html
from ..errors import ValidationFailed
from .stale import StaleEdit

bp = Blueprint("plans", __name__, url_prefix="/ke-hoach")

# Which block an inline change re-renders, by part kind.
BLOCKS = {"basis": "plans/_bases.html", "section": "plans/_sections.html", "line": "plans/_section.html",
          "row": "plans/_schedule.html", "activity": "plans/_row.html"}
FIXED_PARTS = {"header": "plans/_header.html", "opening": "plans/_opening.html", "closing": "plans/_closing.html"}


def get_plan_or_404(plan_id: int, *, tree: bool = True) -> Plan:
    """The plan, or 404; 403 when this person may not see it."""
    plan = load_plan_tree(plan_id) if tree else db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    if not plan.can_view(current_user):
        abort(403)
    return plan


def _editor_context(plan: Plan, **extra) -> dict:
    g.editor_plan = plan
    groups = db.session.execute(
        sa.select(Group).where(Group.active.is_(True)).order_by(Group.name_key)).scalars().all()
    if not wants_fragment():              # the whole page: the banner of a copy's review list
        extra = {**review_routes.banner_context(plan), **extra}
    if plan.document_kind.from_records:   # a report: "Cập nhật số liệu" and the prompts beside section IV
        from ..reports.routes import report_page_context
        extra = {**report_page_context(plan), **extra}
    return dict(plan=plan, editable=plan.can_edit(current_user), groups=groups, line_kinds=LINE_KIND_LABELS,
                line_levels=LEVEL_LABELS, line_label_styles=LABEL_CHOICES, action_form=ActionForm(), **extra)


@bp.after_request
def _editor_meta_follows(response):
    """An inline save answers with the part it changed; the line under the title (updated when, by
    whom, version N) is sent along out of band so that it moves with every save."""
    plan = g.get("editor_plan")
    if (plan is not None and request.method == "POST" and wants_fragment() and response.status_code == 200
            and response.mimetype == "text/html" and not response.direct_passthrough):
        meta = render_template("plans/_meta.html", plan=plan, last=versions.last_version(plan.id), oob=True)
        response.set_data(response.get_data() + meta.encode() + review_routes.banner_html(plan, oob=True).encode())
    return response


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


# --- list, create --------------------------------------------------------------------------------

@bp.route("/")
@requires(Perm.PLANS_VIEW)
def index():
    context = list_context(PLAN.key, "plans", "plan-filter", by_author=True)   # reports: /bao-cao
    coedited = ([] if table_only("plan-filter") or not current_user.is_committee_member
                else coeditors.drafts_coedited_by(current_user))
    return render_list("plans/index.html", "plans/_plan_table.html", "plan-filter", **context, coedited=coedited,
                       statuses=STATUS_LABELS)


@bp.route("/moi", methods=["GET", "POST"])
@requires(Perm.PLANS_DRAFT)
@once_per_submission
def create():
    form = NewPlanForm()
    if form.validate_on_submit():
        try:
            plan = creating.create_plan(request.form, actor=current_user)
        except ValidationFailed as exc:
            for name, message in exc.errors.items():
                getattr(form, name).errors = [message]
        else:
            db.session.commit()
            flash(f"Đã tạo dự thảo “{plan.subject}”. Hãy soạn từng phần ngay trên trang này.", "success")
            return redirect_to("plans.detail", plan_id=plan.id)
    return render("plans/create.html", form=form, status=422 if form.errors else 200)


# --- the plan page (editor) ----------------------------------------------------------------------

@bp.route("/<int:plan_id>")
@requires(Perm.PLANS_VIEW)
def detail(plan_id: int):
    plan = get_plan_or_404(plan_id)
    from ..approvals.services import rounds
    from ..documents.routes import plan_files_context
    from .news import mark_seen
    if mark_seen(plan, current_user):          # the first opening of an issued plan: off the home panel
        db.session.commit()
    all_rounds = rounds(plan)
    return render("plans/detail.html", **_editor_context(plan, last=versions.last_version(plan.id),
                                                         timeline=versions.timeline(plan),
                                                         **coeditor_routes.panel_context(plan),
                                                         last_round=all_rounds[0] if all_rounds else None,
                                                         **plan_files_context(plan)))


@bp.route("/<int:plan_id>/xem-truoc")
@requires(Perm.PLANS_VIEW)
def preview(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    doc, org = document_of(plan), Organisation.get()
    return render("plans/preview.html", plan=plan, doc=doc, org=org, document=document_html(plan, doc, org))


@bp.route("/<int:plan_id>/<any(header, opening, closing):part>")
@requires(Perm.PLANS_VIEW)
def fixed_part(plan_id: int, part: str):
    plan = get_plan_or_404(plan_id)
    return render("plans/detail.html", FIXED_PARTS[part], **_editor_context(plan))


@bp.route("/<int:plan_id>/<any(header, opening, closing):part>/sua")
@requires(Perm.PLANS_DRAFT)
def edit_fixed_part(plan_id: int, part: str):
    plan = get_plan_or_404(plan_id)
    editing.ensure_editable(plan, current_user)
    return render("plans/detail.html", FIXED_PARTS[part], **_editor_context(plan, edit_key=part, values=None))


@bp.route("/<int:plan_id>/<any(header, opening, closing):part>", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def update_fixed_part(plan_id: int, part: str):
    plan = get_plan_or_404(plan_id)
    update = {"header": editing.update_header, "opening": editing.update_opening,
              "closing": editing.update_closing}[part]
    try:
        update(plan, request.form.get("rev"), request.form, actor=current_user)
    except (ValidationFailed, StaleEdit) as exc:
        db.session.rollback()
        plan = get_plan_or_404(plan_id)
        return _form_again(plan, FIXED_PARTS[part], exc, edit_key=part)
    db.session.commit()
    if not _is_htmx():
        return redirect_to("plans.detail", plan_id=plan.id)
    return render("plans/detail.html", FIXED_PARTS[part], **_editor_context(plan, saved_key=part))


def _form_again(plan: Plan, template: str, exc, **extra):
    """The form again, with the person's own input and the message (never a lost edit)."""
    errors = getattr(exc, "errors", {}) or {}
    stale = exc.message if isinstance(exc, StaleEdit) else None
    context = _editor_context(plan, values=request.form, errors=errors, stale=stale, **extra)
    if not _is_htmx():
        return render("plans/detail.html", status=409 if stale else 422, **context)
    return render("plans/detail.html", template, **context)


# --- parts: bases, sections, lines, schedule rows, activities ------------------------------------

KINDS = "any(basis, section, line, row, activity)"


def _block(plan: Plan, kind: str, part=None, parent=None, **extra):
    """The block that holds a part of `kind`, re-rendered after an add, delete or move."""
    context = _editor_context(plan, **extra)
    if kind == "line":
        context["section"] = parent or part.section
    elif kind == "activity":
        context["row"] = parent or part.row
    return render("plans/detail.html", BLOCKS[kind], **context)


@bp.route(f"/<int:plan_id>/<{KINDS}:kind>/them", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
@once_per_submission
def add_part(plan_id: int, kind: str):
    plan = get_plan_or_404(plan_id)
    parent_id = parse_int(request.form.get("parent_id"))
    try:
        part = editing.add_part(plan, kind, request.form, actor=current_user, parent_id=parent_id)
    except ValidationFailed as exc:
        db.session.rollback()
        plan = get_plan_or_404(plan_id)
        parent = editing.get_part(plan, editing.PARTS[kind].parent_kind, parent_id) \
            if editing.PARTS[kind].parent_kind else None
        if not _is_htmx():
            return render("plans/detail.html", status=422, **_editor_context(plan, errors=exc.errors))
        return _block(plan, kind, parent=parent, add_errors=exc.errors, add_values=request.form,
                      add_kind=kind)
    db.session.commit()
    if not _is_htmx():
        return redirect_to("plans.detail", plan_id=plan.id)
    return _block(plan, kind, part=part, saved_key=f"{kind}-{part.id}")


@bp.route(f"/<int:plan_id>/<{KINDS}:kind>/<int:part_id>")
@requires(Perm.PLANS_VIEW)
def part(plan_id: int, kind: str, part_id: int):
    plan = get_plan_or_404(plan_id)
    item = editing.get_part(plan, kind, part_id)
    return render("plans/detail.html", f"plans/_{kind}.html", **_editor_context(plan, item=item, **_parent_ctx(kind, item)))


def _parent_ctx(kind: str, item) -> dict:
    if kind == "line":
        return {"section": item.section}
    if kind == "activity":
        return {"row": item.row}
    return {}


@bp.route(f"/<int:plan_id>/<{KINDS}:kind>/<int:part_id>/sua")
@requires(Perm.PLANS_DRAFT)
def edit_part(plan_id: int, kind: str, part_id: int):
    plan = get_plan_or_404(plan_id)
    editing.ensure_editable(plan, current_user)
    item = editing.get_part(plan, kind, part_id)
    editing.ensure_typed_line(kind, item)
    return render("plans/detail.html", f"plans/_{kind}.html",
                  **_editor_context(plan, item=item, edit_key=f"{kind}-{item.id}", values=None,
                                    **_parent_ctx(kind, item)))


@bp.route(f"/<int:plan_id>/<{KINDS}:kind>/<int:part_id>", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def update_part(plan_id: int, kind: str, part_id: int):
    plan = get_plan_or_404(plan_id)
    data = request.form.to_dict()
    data["group_ids"] = request.form.getlist("group_ids")
    try:
        item = editing.update_part(plan, kind, part_id, request.form.get("rev"), data, actor=current_user)
    except (ValidationFailed, StaleEdit) as exc:
        db.session.rollback()
        plan = get_plan_or_404(plan_id)
        item = editing.get_part(plan, kind, part_id)
        return _form_again(plan, f"plans/_{kind}.html", exc, item=item, edit_key=f"{kind}-{item.id}",
                           **_parent_ctx(kind, item))
    db.session.commit()
    if not _is_htmx():
        return redirect_to("plans.detail", plan_id=plan.id)
    return render("plans/detail.html", f"plans/_{kind}.html",
                  **_editor_context(plan, item=item, saved_key=f"{kind}-{item.id}", **_parent_ctx(kind, item)))


@bp.route(f"/<int:plan_id>/<{KINDS}:kind>/<int:part_id>/xoa", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def delete_part(plan_id: int, kind: str, part_id: int):
    plan = get_plan_or_404(plan_id)
    item = editing.get_part(plan, kind, part_id)
    parent = item.section if kind == "line" else item.row if kind == "activity" else None
    editing.delete_part(plan, kind, part_id, request.form.get("rev"), actor=current_user)
    db.session.commit()
    if not _is_htmx():
        return redirect_to("plans.detail", plan_id=plan.id)
    return _block(plan, kind, parent=parent)


@bp.route(f"/<int:plan_id>/<{KINDS}:kind>/<int:part_id>/di-chuyen", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def move_part(plan_id: int, kind: str, part_id: int):
    plan = get_plan_or_404(plan_id)
    item = editing.get_part(plan, kind, part_id)
    editing.move_part(plan, kind, part_id, request.form.get("direction", ""), actor=current_user)
    db.session.commit()
    if not _is_htmx():
        return redirect_to("plans.detail", plan_id=plan.id)
    return _block(plan, kind, part=item, saved_key=f"{kind}-{item.id}")


# --- history, compare, copy, delete --------------------------------------------------------------

@bp.route("/<int:plan_id>/lich-su")
@requires(Perm.PLANS_VIEW)
def history(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    return render("plans/history.html", plan=plan, versions=versions.versions(plan))


@bp.route("/<int:plan_id>/so-sanh")
@requires(Perm.PLANS_VIEW)
def compare(plan_id: int):
    import json
    plan = get_plan_or_404(plan_id, tree=False)
    older = int_arg("tu")
    newer = int_arg("den")
    if not older or not newer:
        abort(400)
    if older > newer:
        older, newer = newer, older
    a, b = versions.get_version(plan, older), versions.get_version(plan, newer)
    parts = diff_documents(json.loads(a.content), json.loads(b.content))
    return render("plans/compare.html", plan=plan, a=a, b=b, parts=parts)


@bp.route("/<int:plan_id>/sao-chep", methods=["GET", "POST"])
@requires(Perm.PLANS_DRAFT)
@once_per_submission
def copy(plan_id: int):
    plan = get_plan_or_404(plan_id)
    creating.ensure_copyable(plan)
    form = CopyPlanForm()
    if form.validate_on_submit():
        shift = (form.years.data or 0) if form.shift_years.data else 0
        try:
            new = creating.copy_plan(plan, actor=current_user, shift=shift)
        except ValidationFailed as exc:
            form.years.errors = list(exc.errors.values())
        else:
            db.session.commit()
            pending = copy_review.pending_count(new.id)
            moved = f", dời {shift:+d} năm" if shift else ""
            if pending:
                flash(f"Đã tạo dự thảo “{new.subject}” từ “{plan.subject}”{moved}. Còn {pending} dòng cần soát "
                      f"lại: hãy xem từng dòng dưới đây.", "success")
                return redirect_to("plans.copy_review_list", plan_id=new.id)
            flash(f"Đã tạo dự thảo “{new.subject}” từ “{plan.subject}”{moved}.", "success")
            return redirect_to("plans.detail", plan_id=new.id)
    return render("plans/copy.html", plan=plan, form=form, status=422 if form.errors else 200)


@bp.route("/<int:plan_id>/xoa", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def delete(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    subject = plan.subject
    creating.delete_plan(plan, actor=current_user)
    db.session.commit()
    flash(f"Đã xóa dự thảo “{subject}”.", "success")
    return redirect_to("plans.index")


from . import coeditor_routes  # noqa: E402  (the co-editor routes, on this blueprint)
from . import review_routes  # noqa: E402,F401  (the copy's review list: routes on this blueprint)
