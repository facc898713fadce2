"""congdoan: the intranet of a Vietnamese grassroots trade union (công đoàn cơ sở)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.local import LocalProxy

from .config import Config, database_url, secret_key
from . import writelock  # noqa: F401  (SQLite: writers take turns on a file lock)
from .extensions import csrf, db, login_manager, migrate


def create_app(config: type[Config] | None = None, instance_path: str | None = None, **overrides) -> Flask:
    """Build the app. `overrides` (tests) win over the config class and the environment."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    instance_path = instance_path or os.environ.get("INSTANCE_PATH") or os.path.join(root, "instance")
    app = Flask(__name__, instance_path=instance_path,
                template_folder=os.path.join(root, "templates"), static_folder=os.path.join(root, "static"))
    app.config.from_object(config or Config)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", None)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file database cannot drop a connection: pinging it before every request is pure cost.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A database host that does not answer fails a request (and /healthz) in seconds, not minutes.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", app.config.get("DATABASE_CONNECT_TIMEOUT", 5))
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "files")

    db.init_app(app)
    # Registered after Flask-SQLAlchemy's teardown, so it runs before it (congdoan/transactions.py).
    from .transactions import end_request
    app.teardown_appcontext(end_request)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from . import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from .people.models import User

    from . import facts

    # Every request: the account with its roles and led groups, and the page facts (congdoan/facts.py),
    # in one statement, built once every area has registered its facts.
    user_by_id: list = []

    @login_manager.user_loader
    def load_user(session_id: str):
        # "<id>:<session version>" (User.get_id): a session or remember-me cookie issued before the
        # person's sessions were ended (password change, sign-out, reset, deactivation) is refused.
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        if not user_by_id:
            user_by_id.append(facts.user_statement(User, *User.with_roles()))
        row = db.session.execute(user_by_id[0], {"user_id": int(user_id)}).unique().first()
        if row is None or row[0].session_version != int(version):
            return None
        facts.keep(row)
        return row[0]

    from .limits import register_converters
    from .web import register_web
    register_converters(app)
    register_web(app)

    from .approvals.routes import bp as approvals_bp
    from .approvals.routes import register_template_helpers
    from .auth.routes import bp as auth_bp
    from .documents.routes import bp as documents_bp
    from .home.routes import bp as home_bp
    from .jobs.routes import bp as jobs_bp
    from .notifications.routes import bp as notifications_bp
    from .organisation.routes import bp as organisation_bp
    from .plans.routes import bp as plans_bp
    from .reports.routes import bp as reports_bp
    from .people.office_routes import bp as offices_bp
    from .people.routes import bp as people_bp
    from .member_requests import panels as _request_panels  # noqa: F401  (home-page panels)
    from .plans import news as _plan_news  # noqa: F401  (home-page panel: new plans)
    from .member_requests.campaign_routes import bp as campaigns_bp
    from .member_requests.routes import bp as requests_bp
    from .tasks.routes import bp as tasks_bp
    from .finder.routes import bp as search_bp
    from .reports.figures.lists import bp as figures_bp
    for bp in (auth_bp, home_bp, people_bp, offices_bp, organisation_bp, notifications_bp, plans_bp, approvals_bp,
               requests_bp, campaigns_bp, documents_bp, tasks_bp, jobs_bp, search_bp, figures_bp, reports_bp):
        app.register_blueprint(bp)

    register_template_helpers(app)

    from .cli import register_cli
    register_cli(app)

    from .ratelimit import init_limits
    init_limits(app)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    @app.before_request
    def force_password_change():
        # Accounts created by an admin must choose their own password before anything else.
        # The endpoint first: files and the health check never load the signed-in user (a health
        # check from a browser with a session would otherwise fail with the user's statement).
        if (request.endpoint not in {"auth.change_password", "auth.logout", "static", "home.healthz"}
                and current_user.is_authenticated and current_user.must_change_password):
            return redirect(url_for("auth.change_password"))
        return None

    from .notifications.service import unread_count
    from .organisation.models import Organisation
    from .permissions import PERMISSIONS, Perm, has_permission
    from .submissions.service import token_for
    # A global (not a context value): the once() macro is imported without the page's context.
    app.jinja_env.globals["submission_token"] = token_for
    # The settings row is read only by templates that print it (full pages), once per request.
    org_proxy = LocalProxy(lambda: g.org if "org" in g else g.setdefault("org", Organisation.get()))

    @app.context_processor
    def inject_globals():
        return {"org": org_proxy, "Perm": Perm, "can": _can, "org_name": _org_name,
                "notification_count": lambda: unread_count(current_user)}

    def _can(perm: Perm) -> bool:
        # The layout asks ~8 times per page: the person's roles are worked out once per request.
        if "roles" not in g:
            user = current_user._get_current_object()
            g.roles = user.roles if has_permission(user, Perm.SIGNED_IN) else frozenset()
        return bool(g.roles & PERMISSIONS[perm])

    def _org_name() -> str:
        return g.org.name if "org" in g else Organisation.display_name()

    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite: enforce foreign keys, let readers work while one writer writes, wait on locks.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
