from flask import Blueprint
from flask_login import current_user

from ..permissions import Perm, public, requires
from ..web import render
from .panels import panels_for

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(Perm.SIGNED_IN)
def index():
    return render("home/index.html", user=current_user, panels=panels_for(current_user))


@bp.route("/healthz")
@public
def healthz():
    """For monitoring and for the benchmark's framework ceiling: no database, no template."""
    return {"status": "ok"}
