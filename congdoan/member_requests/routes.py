"""Pages of member requests: submit, follow, confirm, decide, pay, lists and exports. Views load,
check, call a service, commit once and respond; inline actions answer htmx with the fragment."""
from __future__ import annotations

from dataclasses import astuple

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import selectinload

from ..dates import fmt_date, local_today
from ..extensions import db
from ..pagination import paginate
from ..limits import page_arg, parse_int
from ..money import fmt_vnd
from ..people.models import Group
from ..permissions import Perm, requires
from ..uploads.service import UploadError, send_stored_file
from ..submissions.service import once_per_submission
from ..web import redirect_to, render, wants_fragment
from ..workflow import posted_version
from . import export, payments, queries, services, totals, workflow
from .forms import ActionForm, EvidenceForm, request_form
from .kinds import BY_SLUG, KINDS
from .models import Campaign, MemberRequest
from .services import CampaignClosed
from .states import Status, WAITING_FOR_REQUESTER
from .workflow import InvalidInput

bp = Blueprint("member_requests", __name__, url_prefix="/de-xuat", cli_group="requests")

# What was done, naming the request it was done to ({what}: its kind and summary, in quotes).
DONE_MESSAGES = {
    "confirm": "Đã xác nhận đề xuất {what}; đề xuất được chuyển Ban Chấp hành xét duyệt.",
    "ask": "Đã gửi câu hỏi về đề xuất {what} cho người gửi.",
    "answer": "Đã gửi câu trả lời về đề xuất {what}.",
    "query": "Đã gửi câu hỏi về đề xuất {what} cho người gửi.",
    "approve": "Đã duyệt đề xuất {what}.",
    "resolve": "Đã trả lời và hoàn tất đề xuất {what}.",
    "refuse": "Đã ghi nhận: không duyệt đề xuất {what}.",
    "pay": "Đã ghi nhận đã chi đề xuất {what}.",
    "withdraw": "Đã rút đề xuất {what}.",
}


def done_message(action: str, req) -> str:
    return DONE_MESSAGES[action].format(what=f"“{req.title}”")


@bp.app_template_filter("money")
def money_filter(amount, unit: bool = True):
    """1500000 -> "1.500.000 đ" (without the unit: "1.500.000")."""
    return fmt_vnd(amount, unit=unit)


@bp.app_template_global()
def choice_options(choices, selected) -> Markup:
    """The <option>s of a long select (200 groups) built in one pass: a Jinja loop costs ten times more."""
    return Markup("".join(f'<option value="{value}" {"selected" if value == selected else ""}>{escape(label)}</option>'
                          for value, label in choices))


@bp.app_template_global()
def request_actions(req: MemberRequest):
    """The transitions the signed-in person may take on `req` (the buttons to show). The person is
    taken out of its proxy once: the rules read it a dozen times per card."""
    return workflow.available(req, current_user._get_current_object())


def get_request_or_404(request_id: int) -> MemberRequest:
    """The request, or 404 when it does not exist or the signed-in person may not see it (a private
    request's existence is not confirmed to anyone else)."""
    req = db.session.get(MemberRequest, request_id)
    if req is None or not req.can_view(current_user):
        abort(404)
    return req


def _page_arg() -> int:
    return page_arg()


# --- member: my requests, new request ------------------------------------------------------------

@bp.route("/")
@requires(Perm.SIGNED_IN)
def index():
    page = paginate(queries.mine(current_user), _page_arg(), queries.PAGE_SIZE)
    return render("member_requests/index.html", page=page, waiting_states=WAITING_FOR_REQUESTER)


@bp.route("/moi")
@requires(Perm.SIGNED_IN)
def new():
    campaigns = queries.open_campaigns(local_today())
    open_kinds = {c.kind for c in campaigns}
    return render("member_requests/new.html", kinds=list(KINDS.values()), campaigns=campaigns, open_kinds=open_kinds)


def _campaign_from_args() -> Campaign | None:
    campaign_id = parse_int(request.values.get("dot")) or parse_int(request.values.get("campaign_id"))
    if not campaign_id:
        return None
    return db.session.get(Campaign, campaign_id) or abort(404)


@bp.route("/moi/<slug>", methods=["GET", "POST"])
@requires(Perm.SIGNED_IN)
@once_per_submission
def create(slug: str):
    kind = BY_SLUG.get(slug) or abort(404)
    campaign = _campaign_from_args()
    if campaign is not None and campaign.kind != kind.code:
        abort(404)
    if campaign is None and kind.campaign_only:
        matching = [c for c in queries.open_campaigns(local_today()) if c.kind == kind.code]
        if matching:
            return redirect(url_for("member_requests.create", slug=slug, dot=matching[0].id))
    form = request_form(kind)
    if campaign is not None and request.method == "GET":
        form.campaign_id.data = campaign.id
    closed = None
    if campaign is not None:
        closed = campaign.closed_message()
    elif kind.campaign_only:
        closed = (f"Đề xuất “{kind.label}” chỉ được nhận theo đợt do Ban Chấp hành mở; "
                  f"hiện không có đợt nào đang nhận.")
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        files = request.files.getlist("evidence")
        chose_files = any(f.filename for f in files)
        try:
            req = services.submit(current_user, kind, request.form, files, campaign=campaign)
        except CampaignClosed as exc:
            db.session.rollback()
            closed, status = exc.message, 409
        except (InvalidInput, UploadError) as exc:
            db.session.rollback()
            errors = exc.errors if isinstance(exc, InvalidInput) else {"evidence": exc.message}
            if chose_files and "evidence" not in errors:
                errors["evidence"] = ("Biểu mẫu còn lỗi nên tệp đã chọn chưa được lưu: "
                                      "vui lòng sửa lỗi và chọn lại tệp minh chứng.")
            for name, message in errors.items():
                getattr(form, name).errors = [message]
            status = exc.status if isinstance(exc, UploadError) else 422
        else:
            # Said before the commit, which expires what the session holds: read after it, the request,
            # its timeline and the member's roles would be loaded again for one line.
            message, request_id = f"Đã gửi đề xuất “{kind.label}”. {req.status_label}.", req.id
            db.session.commit()
            flash(message, "success")
            return redirect_to("member_requests.detail", request_id=request_id)
    elif closed and request.method == "GET":
        status = 200
    route = workflow.first_stop(kind, current_user)
    return render("member_requests/form.html", kind=kind, form=form, campaign=campaign, closed=closed, route=route,
                  status=status)


# --- one request ---------------------------------------------------------------------------------

def _detail_context(req: MemberRequest, *, errors=None, values=None) -> dict:
    return dict(r=req, action_form=ActionForm(formdata=None), evidence_form=EvidenceForm(formdata=None),
                errors=errors or {}, values=values or {})


@bp.route("/<int:request_id>")
@requires(Perm.SIGNED_IN)
def detail(request_id: int):
    req = get_request_or_404(request_id)
    return render("member_requests/detail.html", "member_requests/_request.html", **_detail_context(req))


@bp.route("/<int:request_id>/thao-tac/<action>", methods=["POST"])
@requires(Perm.SIGNED_IN)
def act(request_id: int, action: str):
    req = get_request_or_404(request_id)
    if action not in workflow.ACTIONS or action == "pay":    # paying is recorded: payment_routes.pay
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    as_card = form.view.data == "card"
    try:
        workflow.apply(req, action, current_user, expected=posted_version(request.form, req),
                       note=form.note.data, amount=form.amount.data)
    except InvalidInput as exc:
        db.session.rollback()
        values = {action: {"note": form.note.data or "", "amount": form.amount.data or ""}}
        context = _detail_context(req, errors={action: exc.errors}, values=values)
        if wants_fragment():
            # 200 so htmx swaps the form back in place with its messages.
            fragment = "member_requests/_inbox_card.html" if as_card else "member_requests/_request.html"
            return render("member_requests/detail.html", fragment, card_actions=True, **context)
        return render("member_requests/detail.html", status=422, **context)
    db.session.commit()
    if wants_fragment():
        if as_card:
            return render("member_requests/detail.html", "member_requests/_inbox_card.html", card_actions=True,
                          done_message=done_message(action, req), **_detail_context(req))
        return render("member_requests/detail.html", "member_requests/_request.html", done_message=done_message(action, req),
                      **_detail_context(req))
    flash(done_message(action, req), "success")
    if req.can_view(current_user):
        return redirect_to("member_requests.detail", request_id=req.id)
    return redirect_to("member_requests.index")


@bp.route("/<int:request_id>/minh-chung", methods=["POST"])
@requires(Perm.SIGNED_IN)
@once_per_submission
def add_evidence(request_id: int):
    req = get_request_or_404(request_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        added = services.add_evidence(req, request.files.getlist("evidence"), current_user)
    except (InvalidInput, UploadError) as exc:
        db.session.rollback()
        message = exc.errors["evidence"] if isinstance(exc, InvalidInput) else exc.message
        return render("member_requests/detail.html", status=exc.status,
                      **_detail_context(req, errors={"evidence": {"evidence": message}}))
    db.session.commit()
    flash(f"Đã bổ sung {added} tệp minh chứng cho đề xuất “{req.title}”.", "success")
    return redirect_to("member_requests.detail", request_id=req.id)


@bp.route("/<int:request_id>/minh-chung/<int:file_id>")
@requires(Perm.SIGNED_IN)
def evidence(request_id: int, file_id: int):
    """An evidence file, for those who may see the request only."""
    req = get_request_or_404(request_id)
    stored = req.file_of(file_id) or abort(404)
    return send_stored_file(stored, as_attachment=True if request.args.get("tai") == "1" else None)


# --- inboxes -------------------------------------------------------------------------------------

@bp.route("/cho-xac-nhan")
@requires(Perm.REQUESTS_CONFIRM)
def leader_inbox():
    # The cards show each request's evidence: load it for the page at once.
    page = paginate(queries.leader_waiting(current_user).options(selectinload(MemberRequest.files)),
                    _page_arg(), queries.PAGE_SIZE)
    handled = db.session.execute(queries.leader_handled(current_user).limit(10)).scalars().all()
    return render("member_requests/inbox_leader.html", page=page, handled=handled, action_form=ActionForm(formdata=None),
                  card_actions=True, errors={}, values={})


@bp.route("/cho-duyet")
@requires(Perm.REQUESTS_DECIDE)
def committee_inbox():
    # How many wait: the kept count of the status (member_requests/totals.py), not a count of the union's.
    page = paginate(queries.with_status(Status.CONFIRMED), _page_arg(), queries.PAGE_SIZE,
                    total=totals.read(Status.CONFIRMED).number)
    queried = db.session.execute(queries.with_status(Status.QUERIED).limit(50)).scalars().all()
    orphans = db.session.execute(queries.without_leader(limit=50)).scalars().all()
    return render("member_requests/inbox_committee.html", page=page, queried=queried, orphans=orphans,
                  action_form=ActionForm(formdata=None), errors={}, values={})


@bp.route("/cho-chi")
@requires(Perm.REQUESTS_PAY)
def payment_inbox():
    # Every approved request of the union waits here: its number and sum are kept at write time.
    waiting, total = astuple(totals.read(Status.APPROVED))
    page = paginate(queries.with_status(Status.APPROVED), _page_arg(), queries.PAGE_SIZE, total=waiting)
    return render("member_requests/inbox_payment.html", page=page, total=total, recent=payments.recent(10),
                  action_form=ActionForm(formdata=None), card_actions=True, errors={}, values={})


# --- every request: list and export --------------------------------------------------------------

def _filters_text(f: queries.Filters) -> str:
    parts = []
    if f.q:
        parts.append(f"“{f.q}”")
    if f.kind:
        parts.append(KINDS[f.kind].label)
    if f.status:
        parts.append("Chưa quyết định" if f.status == "open" else Status(f.status).label)
    if f.campaign_id:
        campaign = db.session.get(Campaign, f.campaign_id)
        parts.append(f"đợt {campaign.title}" if campaign else "đợt không tồn tại")
    if f.group_id:
        group = db.session.get(Group, f.group_id)
        parts.append(group.name if group else "tổ không tồn tại")
    parts += _period_text("chi", f.paid_from, f.paid_to) + _period_text("gửi", f.submitted_from, f.submitted_to)
    return ", ".join(parts)


def _period_text(verb: str, start, end) -> list[str]:
    if start and end:
        return [f"{verb} từ {fmt_date(start)} đến {fmt_date(end)}"]
    if start:
        return [f"{verb} từ {fmt_date(start)}"]
    return [f"{verb} đến {fmt_date(end)}"] if end else []


def detail_prefix() -> str:
    """The address of a request's page without its id: a list joins the two instead of building each
    row's link with url_for."""
    return url_for("member_requests.detail", request_id=0).removesuffix("0")


@bp.route("/tat-ca")
@requires(Perm.REQUESTS_REVIEW)
def all_requests():
    f = queries.Filters.from_args(request.args)
    page, total = queries.table_page(f, _page_arg())
    period = _period_text("chi", f.paid_from, f.paid_to) + _period_text("gửi", f.submitted_from, f.submitted_to)
    context = dict(page=page, f=f, total=total, cap=queries.CAP, detail_prefix=detail_prefix(),
                   period_text=", ".join(period))
    if request.headers.get("HX-Trigger") == "requests-filter" and wants_fragment():
        return render("member_requests/all.html", "member_requests/_all_table.html", **context)
    return render("member_requests/all.html", kinds=list(KINDS.values()), statuses=list(Status),
                  options=queries.filter_options(choice_options, f.group_id, f.campaign_id), **context)


@bp.route("/tat-ca.xlsx")
@requires(Perm.REQUESTS_REVIEW)
def export_all():
    f = queries.Filters.from_args(request.args)
    return export.list_response("DANH SÁCH ĐỀ XUẤT CỦA ĐOÀN VIÊN", queries.conditions(f), _filters_text(f))


# The payment form and the signing lists add their routes to this blueprint and the campaigns one.
from . import commands, payment_routes  # noqa: E402,F401
