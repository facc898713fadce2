from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_login import current_user, login_user, logout_user
from urllib.parse import urlsplit

from ..extensions import db
from ..permissions import Perm, public, requires
from ..web import render
from . import services
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        outcome = services.authenticate(form.email.data, form.password.data)
        db.session.commit()   # failures and locks are recorded even when refused
        if outcome.user:
            login_user(outcome.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"), code=303)
        error = outcome.message
        g.attempt_failed = True      # counted by the sign-in throttle (congdoan/ratelimit.py)
    status = 200 if error is None and not form.errors else 422
    return render("auth/login.html", form=form, error=error, status=status)


@bp.route("/dang-xuat", methods=["POST"])
@requires(Perm.SIGNED_IN)
def logout():
    # Server-side: a copy of this session or of a remember-me cookie is refused from now on.
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@requires(Perm.SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        error = services.change_password(current_user, form.current.data, form.new.data)
        g.attempt_failed = error == services.WRONG_CURRENT_PASSWORD
        if error is None:
            db.session.commit()
            # Every other session has ended; this one is issued again with the new session version,
            # and so is its remember-me cookie when it had one.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("Đã đổi mật khẩu của bạn.", "success")
            return redirect(url_for("home.index"), code=303)
    status = 200 if error is None and not form.errors else 422
    return render("auth/change_password.html", form=form, error=error, status=status)
