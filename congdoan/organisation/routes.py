from flask import Blueprint, flash
from flask_login import current_user

from ..audit.service import record
from ..extensions import db
from ..permissions import Perm, requires
from ..text import clean_text
from ..web import redirect_to, render
from .forms import OrganisationForm
from .models import Organisation

bp = Blueprint("organisation", __name__, url_prefix="/cai-dat")

FIELDS = ("name", "upper_union", "place_name", "plan_abbrev", "body_abbrev", "sign_on_behalf",
          "chair_title", "vice_chair_title", "motto_line1", "motto_line2")


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.SETTINGS_EDIT)
def settings():
    org = Organisation.get()
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        org = Organisation.get_for_update()
        changes = {}
        for name in FIELDS:
            value = clean_text(getattr(form, name).data)
            if getattr(org, name) != value:
                changes[name] = [getattr(org, name), value]
                setattr(org, name, value)
        for name in ("approval_rule", "vote_deadline_days"):
            value = getattr(form, name).data
            if getattr(org, name) != value:
                changes[name] = [getattr(org, name), value]
                setattr(org, name, value)
        recipients = clean_text(form.default_recipients.data, multiline=True)
        if org.default_recipients != recipients:
            changes["default_recipients"] = [org.default_recipients, recipients]
            org.default_recipients = recipients
        if changes:
            record("settings_updated", org, actor=current_user, summary="Sửa cài đặt công đoàn",
                   data=changes)
        db.session.commit()
        flash("Đã lưu cài đặt." if changes else "Không có thay đổi nào.", "success")
        return redirect_to("organisation.settings")
    return render("organisation/settings.html", form=form, status=422 if form.errors else 200)
