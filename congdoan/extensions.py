"""Flask extensions, created once here and bound to the app in create_app() with init_app."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from .transactions import RequestSession

# Named constraints keep Alembic migrations identical on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# db.session reads in autocommit during a safe-method request on PostgreSQL (congdoan/transactions.py).
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING), session_options={"class_": RequestSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are declared in congdoan/ratelimit.py; the key of each is chosen there.
limiter = Limiter(key_func=get_remote_address)
