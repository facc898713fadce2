"""The offices page (/chuc-vu): who holds which office, the committee's size and vote threshold, and
for the chair the forms to give or take offices and to hand over the chair. The rules are in
people/offices.py; this module only reads forms and shows results."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, request
from flask_login import current_user

from ..errors import ValidationFailed
from ..extensions import db
from ..permissions import Perm, has_permission, requires
from ..web import redirect_to, render
from . import offices
from .forms import HandoverForm, OfficesForm
from .models import User
from .roles import OFFICES, ROLE_LABELS, Role

bp = Blueprint("offices", __name__, url_prefix="/chuc-vu")

# The offices ticked on the page: the chair is handed over, never ticked.
TICKED = tuple(r for r in OFFICES if r is not Role.CHAIR)


def _people() -> list[User]:
    return db.session.execute(
        sa.select(User).where(User.active.is_(True)).order_by(User.sort_key, User.id)).scalars().all()


def _offices_form(person: User | None) -> OfficesForm:
    form = OfficesForm() if request.method == "POST" else OfficesForm(formdata=None)
    form.offices.choices = [(r.value, ROLE_LABELS[r]) for r in TICKED]
    if person is not None and request.method != "POST":
        form.offices.data = [r.value for r in TICKED if r in person.stored_roles]
    return form


def _handover_form() -> HandoverForm:
    form = HandoverForm() if request.method == "POST" else HandoverForm(formdata=None)
    form.successor_id.choices = [("", "— Chọn người —")] + [
        (str(u.id), u.full_name + (f" ({u.group.name})" if u.group else ""))
        for u in _people() if u.id != current_user.id]
    return form


def _page(*, person: User | None = None, form: OfficesForm | None = None,
          handover: HandoverForm | None = None, status: int = 200):
    manage = has_permission(current_user, Perm.OFFICES_MANAGE)
    if person is None and manage:
        chosen = request.args.get("nguoi", type=int)
        person = db.session.get(User, chosen) if chosen else None
        if person is not None and not person.active:
            person = None
    return render("people/offices.html", status=status, manage=manage, size=offices.committee_size(),
                  holders=offices.office_holders(), chair=offices.current_chair(), people=_people(),
                  person=person, form=form or _offices_form(person),
                  handover=handover or (_handover_form() if manage else None), labels=ROLE_LABELS)


@bp.route("")
@requires(Perm.OFFICES_VIEW)
def index():
    return _page()


@bp.route("/<int:user_id>", methods=["POST"])
@requires(Perm.OFFICES_MANAGE)
def update(user_id: int):
    person = db.session.get(User, user_id)
    form = _offices_form(person)
    if person is None:
        form.offices.errors = ["Người được chọn không tồn tại."]
        return _page(form=form, status=422)
    if not form.validate_on_submit():
        return _page(person=person, form=form, status=422)
    wanted: set[Role] = set()
    for value in form.offices.data or []:
        try:
            wanted.add(Role(value))
        except ValueError:
            form.offices.errors = ["Chức vụ không hợp lệ."]
            return _page(person=person, form=form, status=422)
    if Role.CHAIR in person.stored_roles:
        wanted.add(Role.CHAIR)            # never ticked: the chair stays until handed over
    try:
        change = offices.set_offices(person, wanted, actor=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        form.offices.errors = list(exc.errors.values())
        return _page(person=db.session.get(User, user_id), form=form, status=422)
    db.session.commit()
    flash(change.message(), "success")
    return redirect_to("offices.index")


@bp.route("/ban-giao", methods=["POST"])
@requires(Perm.OFFICES_MANAGE)
def hand_over():
    form = _handover_form()
    if form.validate_on_submit():
        successor = None
        if form.successor_id.data is None:
            form.successor_id.errors = ["Vui lòng chọn người nhận bàn giao chức Chủ tịch."]
        else:
            successor = db.session.get(User, form.successor_id.data)
            if successor is None:
                form.successor_id.errors = ["Người được chọn không tồn tại."]
        if successor is not None:
            try:
                change = offices.hand_over_chair(successor, actor=current_user,
                                                 keep_on_committee=bool(form.keep_on_committee.data))
            except ValidationFailed as exc:
                db.session.rollback()
                form.successor_id.errors = list(exc.errors.values())
            else:
                db.session.commit()
                flash(change.message(), "success")
                return redirect_to("offices.index")
    return _page(handover=form, status=422)
