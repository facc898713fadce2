"""Pages of collection campaigns (đợt tiếp nhận): the committee opens, extends and closes them;
members see the open ones and submit within; the accountant exports a campaign's list."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, request
from flask_login import current_user

from ..dates import local_today
from ..extensions import db
from ..pagination import paginate
from ..limits import page_arg
from ..permissions import Perm, has_permission, requires
from ..submissions.service import once_per_submission
from ..web import redirect_to, render
from . import export, queries, services
from .forms import ButtonForm, CampaignForm
from .kinds import KINDS
from .models import Campaign

bp = Blueprint("campaigns", __name__, url_prefix="/dot-tiep-nhan")


def get_campaign_or_404(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


def _kind_choices():
    return [("", "— Chọn loại đề xuất —")] + [(k.code, k.label) for k in KINDS.values()]


@bp.route("/")
@requires(Perm.SIGNED_IN)
def index():
    today = local_today()
    manage = has_permission(current_user, Perm.CAMPAIGNS_MANAGE) or has_permission(current_user, Perm.REQUESTS_REVIEW)
    if manage:
        page = paginate(sa.select(Campaign).order_by(Campaign.deadline.desc(), Campaign.id.desc()),
                        page_arg(), queries.PAGE_SIZE)
        campaigns = page.items
    else:
        page = None
        campaigns = queries.open_campaigns(today)
    return render("campaigns/index.html", campaigns=campaigns, page=page, today=today, button_form=ButtonForm())


@bp.route("/moi", methods=["GET", "POST"])
@requires(Perm.CAMPAIGNS_MANAGE)
@once_per_submission
def create():
    form = CampaignForm()
    form.kind.choices = _kind_choices()
    if form.validate_on_submit():
        values, errors = services.check_campaign(form.kind.data, form.title.data, form.description.data,
                                                 form.deadline.data)
        if not errors:
            campaign = services.create_campaign(values, actor=current_user)
            db.session.commit()
            flash(f"Đã mở đợt “{campaign.title}”; mọi đoàn viên đã được thông báo.", "success")
            return redirect_to("campaigns.detail", campaign_id=campaign.id)
        for name, message in errors.items():
            getattr(form, name).errors = [message]
    return render("campaigns/form.html", form=form, campaign=None, status=422 if form.errors else 200)


@bp.route("/<int:campaign_id>")
@requires(Perm.SIGNED_IN)
def detail(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    reviewer = has_permission(current_user, Perm.REQUESTS_REVIEW)
    page = total = None
    if reviewer:
        query = queries.campaign_requests(campaign)
        page = paginate(query, page_arg(), size=50)
        total = queries.approved_total(query)
    mine = db.session.execute(queries.mine(current_user).where(queries.R.campaign_id == campaign.id)).scalars().all()
    return render("campaigns/detail.html", campaign=campaign, page=page, total=total, mine=mine,
                  reviewer=reviewer, button_form=ButtonForm())


@bp.route("/<int:campaign_id>/sua", methods=["GET", "POST"])
@requires(Perm.CAMPAIGNS_MANAGE)
def edit(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    form = CampaignForm(obj=campaign) if request.method == "GET" else CampaignForm()
    form.kind.choices = _kind_choices()
    if request.method == "GET":
        form.deadline.data = campaign.deadline.isoformat()
    if form.validate_on_submit():
        values, errors = services.check_campaign(None, form.title.data, form.description.data, form.deadline.data,
                                                 existing=campaign)
        if not errors:
            services.update_campaign(campaign, values, actor=current_user)
            db.session.commit()
            flash(f"Đã lưu đợt tiếp nhận “{campaign.title}”.", "success")
            return redirect_to("campaigns.detail", campaign_id=campaign.id)
        for name, message in errors.items():
            getattr(form, name).errors = [message]
    return render("campaigns/form.html", form=form, campaign=campaign, status=422 if form.errors else 200)


@bp.route("/<int:campaign_id>/dong", methods=["POST"])
@requires(Perm.CAMPAIGNS_MANAGE)
def close(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.close_campaign(campaign, actor=current_user)
    db.session.commit()
    flash(f"Đã đóng đợt “{campaign.title}”: không nhận thêm đề xuất.", "success")
    return redirect_to("campaigns.detail", campaign_id=campaign.id)


@bp.route("/<int:campaign_id>/mo-lai", methods=["POST"])
@requires(Perm.CAMPAIGNS_MANAGE)
def reopen(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.reopen_campaign(campaign, actor=current_user)
    db.session.commit()
    message = f"Đã mở lại đợt “{campaign.title}”."
    if not campaign.is_open():
        message += " Hạn cuối đã qua: hãy gia hạn để đoàn viên gửi được."
    flash(message, "success")
    return redirect_to("campaigns.detail", campaign_id=campaign.id)


@bp.route("/<int:campaign_id>/danh-sach.xlsx")
@requires(Perm.REQUESTS_REVIEW)
def export_list(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    return export.campaign_response(campaign, current_user)
