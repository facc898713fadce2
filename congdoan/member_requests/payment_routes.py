"""Pages of payment records: the accountant's "Ghi nhận đã chi" form (a fragment opened in place by
htmx, a page of its own without JavaScript), its correction, and a campaign's signing list
(Danh sách ký nhận) in Word and Excel. Registered on the requests and campaigns blueprints."""
from __future__ import annotations

from flask import abort, flash, request
from flask_login import current_user

from ..errors import StaleError
from ..extensions import db
from ..limits import parse_int
from ..permissions import Perm, requires
from ..web import redirect_to, render, wants_fragment
from . import payments, signing_list, workflow
from .campaign_routes import bp as campaigns_bp, get_campaign_or_404
from .forms import ActionForm, ButtonForm, EvidenceForm
from .routes import bp, get_request_or_404
from .workflow import InvalidInput

FIELDS = ("paid_on", "voucher", "receiver", "note")


def _view() -> str:
    return "card" if request.values.get("view") == "card" else ""


def _pay_transition(req):
    """The "pay" transition of `req`; 409 when it is not waiting for payment (already paid...)."""
    t = workflow.transition_for(req, "pay")
    if t is None:
        raise workflow.IllegalTransition(
            f"Không thể ghi nhận đã chi đề xuất đang ở trạng thái “{req.status_label}”.")
    if not workflow.may(t, req, current_user):
        abort(403)
    return t


def _form(req, *, values, errors, proposed: str, status: int = 200, retarget: bool = False):
    view = _view()
    context = dict(r=req, values=values, errors=errors, proposed=proposed, view=view)
    response = render("member_requests/payment.html", "member_requests/_payment_form.html", status=status, **context)
    if retarget and wants_fragment():
        # The form posts to replace the whole request (or card); with errors only the form is redrawn.
        response.headers["HX-Retarget"] = f"#pay-form-{req.id}{'-card' if view else ''}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.route("/<int:request_id>/ghi-nhan-chi", methods=["GET", "POST"])
@requires(Perm.REQUESTS_PAY)
def pay(request_id: int):
    """GET: the payment form, proposed values filled in. POST: record the payment."""
    req = get_request_or_404(request_id)
    _pay_transition(req)
    if request.method == "GET":
        proposal = payments.propose(req)
        return _form(req, values=vars(proposal), errors={}, proposed=proposal.voucher)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    values = {name: request.form.get(name, "") for name in FIELDS}
    proposed = request.form.get("proposed", "")
    version = parse_int(request.form.get("version"), -1, minimum=0)
    if version != req.version:
        raise StaleError(workflow.STALE.format(state=req.status_label))
    data, errors = payments.check(req, values, proposed=proposed)
    try:
        if errors:
            raise InvalidInput(errors)
        workflow.apply(req, "pay", current_user, expected=version, payment=data)
    except InvalidInput as exc:
        db.session.rollback()
        return _form(req, values=values, errors=exc.errors, proposed=proposed, retarget=True,
                     status=200 if wants_fragment() else 422)
    db.session.commit()
    message = done_message(req)
    if wants_fragment():
        context = dict(r=req, action_form=ActionForm(formdata=None), evidence_form=EvidenceForm(formdata=None),
                       errors={}, values={}, done_message=message)
        if _view() == "card":
            return render("member_requests/detail.html", "member_requests/_inbox_card.html", card_actions=True, **context)
        return render("member_requests/detail.html", "member_requests/_request.html", **context)
    flash(message, "success")
    return redirect_to("member_requests.detail", request_id=req.id)


def done_message(req) -> str:
    paid = req.payment
    return (f"Đã ghi nhận đã chi cho đề xuất “{req.title}”: phiếu chi {paid.voucher}, ngày chi "
            f"{paid.paid_on.strftime('%d/%m/%Y')}, người nhận {paid.receiver}.")


@bp.route("/<int:request_id>/phieu-chi", methods=["POST"])
@requires(Perm.REQUESTS_PAY)
def correct_payment(request_id: int):
    """Correct a payment record (the accountant, with a reason); the old values stay in the timeline."""
    req = get_request_or_404(request_id)
    if req.payment is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    values = {name: request.form.get(name, "") for name in (*FIELDS, "reason")}
    version = parse_int(request.form.get("payment_version"), -1, minimum=0)
    context = dict(r=req, action_form=ActionForm(formdata=None), evidence_form=EvidenceForm(formdata=None),
                   values={}, errors={})
    try:
        payments.correct(req, current_user, values, expected=version)
    except InvalidInput as exc:
        db.session.rollback()
        context.update(fix_errors=exc.errors, fix_values=values)
        if wants_fragment():
            return render("member_requests/detail.html", "member_requests/_request.html", **context)
        return render("member_requests/detail.html", status=422, **context)
    db.session.commit()
    message = f"Đã sửa thông tin chi của đề xuất “{req.title}”: phiếu chi {req.payment.voucher}."
    if wants_fragment():
        return render("member_requests/detail.html", "member_requests/_request.html", done_message=message, **context)
    flash(message, "success")
    return redirect_to("member_requests.detail", request_id=req.id)


# --- a campaign's signing list -----------------------------------------------------------------------

@campaigns_bp.route("/<int:campaign_id>/danh-sach-ky-nhan.<fmt>")
@requires(Perm.REQUESTS_REVIEW)
def signing_list_file(campaign_id: int, fmt: str):
    campaign = get_campaign_or_404(campaign_id)
    if fmt not in ("docx", "xlsx") or not campaign.spec.payable:
        abort(404)
    sheet = signing_list.build(campaign, current_user)
    return signing_list.docx_response(sheet) if fmt == "docx" else signing_list.xlsx_response(sheet)
