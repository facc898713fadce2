"""Gửi văn bản: the page where whoever may sign sends a signed plan to its recipients."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash
from flask_login import current_user

from ..errors import ValidationFailed
from ..extensions import db
from ..people.models import Group
from ..permissions import Perm, requires
from ..plans.routes import get_plan_or_404
from ..permissions import may_sign
from ..submissions.service import once_per_submission
from ..web import redirect_to, render
from . import sending
from .forms import SendForm
from .routes import bp

NOTE_MAX = 2000
ADDRESSES_MAX_CHARS = sending.MAX_ADDRESSES * (sending.ADDRESS_MAX + 2)


def _plan_to_send(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    if not may_sign(current_user):
        abort(403)
    signed = db.session.execute(sa.select(sending.SignedDocument)
                                .where(sending.SignedDocument.plan_id == plan.id)).scalar()
    if signed is None:
        abort(404)
    return plan, signed


def _groups():
    """(id, name, active members) of the active groups, by name: one query."""
    from ..people.models import User
    return db.session.execute(
        sa.select(Group.id, Group.name, sa.func.count(User.id))
        .outerjoin(User, sa.and_(User.group_id == Group.id, User.active.is_(True)))
        .where(Group.active.is_(True)).group_by(Group.id, Group.name, Group.name_key)
        .order_by(Group.name_key)).all()


def _page(plan, signed, form, errors=None, status=200):
    groups = _groups()
    form.groups.choices = [(gid, f"{name} ({count} đoàn viên)") for gid, name, count in groups]
    return render("documents/send.html", plan=plan, signed=signed, form=form, errors=errors or {},
                  mail_configured=sending.mail_configured(), status=status)


@bp.route("/ke-hoach/<int:plan_id>/gui-van-ban")
@requires(Perm.PLANS_SIGN)
def send_page(plan_id: int):
    plan, signed = _plan_to_send(plan_id)
    return _page(plan, signed, SendForm())


@bp.route("/ke-hoach/<int:plan_id>/gui-van-ban", methods=["POST"])
@requires(Perm.PLANS_SIGN)
@once_per_submission
def send(plan_id: int):
    plan, signed = _plan_to_send(plan_id)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    errors = {}
    note = (form.note.data or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = f"Lời nhắn quá dài (tối đa {NOTE_MAX} ký tự)."
    if len(form.addresses.data or "") > ADDRESSES_MAX_CHARS:
        errors["addresses"] = f"Tối đa {sending.MAX_ADDRESSES} địa chỉ e-mail mỗi lần gửi."
    if not errors:
        choice = sending.Choice(all_members=form.all_members.data, committee=form.committee.data,
                                group_ids=tuple(form.groups.data or ()), addresses=form.addresses.data or "")
        try:
            sent = sending.send_document(plan, choice, actor=current_user, note=note)
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
    if errors:
        return _page(plan, signed, form, errors, status=422)
    db.session.commit()
    parts = []
    if sent.members:
        parts.append(f"{sent.members} đoàn viên (thông báo trong ứng dụng"
                     f"{' và thư điện tử' if sending.mail_configured() else ''})")
    if sent.addresses:
        parts.append(f"{sent.addresses} địa chỉ e-mail")
    flash(f"Đã gửi văn bản số {signed.number} “{plan.subject}” tới {sent.total} người nhận: "
          f"{', '.join(parts)}.", "success")
    return redirect_to("plans.detail", plan_id=plan.id)     # the confirmation on top, the sendings below it
