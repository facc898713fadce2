from flask import Blueprint, abort, redirect, request
from flask_login import current_user

from ..extensions import db
from ..permissions import Perm, requires
from ..web import redirect_to, render
from . import service
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/thong-bao")


@bp.route("/")
@requires(Perm.SIGNED_IN)
def index():
    return render("notifications/index.html", items=service.recent(current_user, 100))


@bp.route("/chuong")
@requires(Perm.SIGNED_IN)
def bell():
    """The bell with its count; htmx polls this fragment."""
    return render("notifications/_bell.html", "notifications/_bell.html",
                  unread=service.unread_count(current_user))


@bp.route("/<int:notification_id>/mo", methods=["POST"])
@requires(Perm.SIGNED_IN)
def open_one(notification_id: int):
    item = db.session.get(Notification, notification_id)
    if item is None or item.user_id != current_user.id:
        abort(404)
    service.mark_read(current_user, item.id)
    db.session.commit()
    link = item.link if item.link.startswith("/") and not item.link.startswith("//") else "/"
    return redirect(link, code=303)


@bp.route("/da-doc", methods=["POST"])
@requires(Perm.SIGNED_IN)
def mark_all_read():
    service.mark_read(current_user)
    db.session.commit()
    if request.headers.get("HX-Request") == "true":
        return render("notifications/index.html", items=service.recent(current_user, 100))
    return redirect_to("notifications.index")
