from flask import Blueprint, flash
from flask_login import current_user

from ..audit.service import record
from ..errors import ValidationFailed
from ..extensions import db
from ..limits import parse_int
from ..permissions import Perm, has_permission, requires
from ..text import clean_text
from ..web import redirect_to, render
from .forms import OrganisationForm
from .models import Organisation

bp = Blueprint("organisation", __name__, url_prefix="/cai-dat")

FIELDS = ("name", "upper_union", "place_name", "plan_abbrev", "body_abbrev", "sign_on_behalf",
          "chair_title", "vice_chair_title", "motto_line1", "motto_line2")


def _form(org: Organisation) -> OrganisationForm:
    from ..documents.signing import vice_chairs
    form = OrganisationForm(obj=org)
    if has_permission(current_user, Perm.SIGNING_MANAGE):
        form.sign_delegate_id.choices = [("", "Không ủy quyền: chỉ Chủ tịch ký")] + [
            (str(u.id), f"Phó Chủ tịch {u.full_name}") for u in vice_chairs()]
    else:
        del form.sign_delegate_id   # only the chair delegates signing
    return form


def settings_page(form: OrganisationForm | None = None, *, status: int = 200, **extra):
    """The settings page with its document parts (template, seal), e.g. again with an error."""
    from ..documents.forms import SealForm, TemplateForm
    from ..documents.templates import active_template, list_templates
    from ..plans.forms import ActionForm
    org = Organisation.get()
    return render("organisation/settings.html", form=form or _form(org), template_form=TemplateForm(),
                  seal_form=SealForm(), action_form=ActionForm(), templates=list_templates(),
                  active_template=active_template(org), has_seal=org.seal_sha256 is not None,
                  status=status, **extra)


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.SETTINGS_EDIT)
def settings():
    org = Organisation.get()
    form = _form(org)
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
        delegated = False
        if "sign_delegate_id" in form:
            from ..documents.signing import set_sign_delegate
            raw = form.sign_delegate_id.data or ""
            try:
                delegated = set_sign_delegate(parse_int(raw, 0) if raw.isdigit() else None,
                                              actor=current_user)
            except ValidationFailed as exc:
                db.session.rollback()
                form.sign_delegate_id.errors = list(exc.errors.values())
                return settings_page(form, status=422)
        db.session.commit()
        flash("Đã lưu cài đặt của công đoàn." if changes or delegated else "Không có thay đổi nào trong cài đặt.", "success")
        return redirect_to("organisation.settings")
    return settings_page(form, status=422 if form.errors else 200)
