"""One union per installation: its settings live in a single row (id = 1)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from .. import facts
from ..dates import utcnow
from ..extensions import db

# Defaults from docs/domain.md (Nghị định 30/2020 and Quyết định 933/QĐ-TLĐ).
DEFAULTS = {
    "name": "CÔNG ĐOÀN CƠ SỞ",
    "upper_union": "",
    "place_name": "",
    "plan_abbrev": "KH",
    "body_abbrev": "CĐ",
    "sign_on_behalf": "TM. BAN CHẤP HÀNH",
    "chair_title": "CHỦ TỊCH",
    "vice_chair_title": "PHÓ CHỦ TỊCH",
    "motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto_line2": "Độc lập - Tự do - Hạnh phúc",
    "default_recipients": "CB, GV, NV;\nLưu: VT.",
    "approval_rule": "half_all",
    "vote_deadline_days": 7,
}

# How the executive committee decides (docs/domain.md: not confirmed from the charter, so a setting).
APPROVAL_RULES = {
    "half_all": "Quá nửa tổng số Ủy viên BCH đương nhiệm đồng ý (mặc định)",
    "two_thirds_all": "Ít nhất 2/3 tổng số Ủy viên BCH đương nhiệm đồng ý",
}


# A register number is "NN/<symbol>" in a String(50) column (plans.number, signed_documents.number):
# with up to 9999 numbers a year ("9999/"), the symbol may have 45 characters.
NUMBER_MAX = 50
SYMBOL_MAX = NUMBER_MAX - len("9999/")


def plan_symbol(plan_abbrev: str, body_abbrev: str) -> str:
    return f"{plan_abbrev}-{body_abbrev}" if body_abbrev else plan_abbrev


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default=DEFAULTS["name"])
    upper_union: Mapped[str] = mapped_column(sa.String(200), default="")
    place_name: Mapped[str] = mapped_column(sa.String(100), default="")
    plan_abbrev: Mapped[str] = mapped_column(sa.String(20), default=DEFAULTS["plan_abbrev"])
    body_abbrev: Mapped[str] = mapped_column(sa.String(30), default=DEFAULTS["body_abbrev"])
    sign_on_behalf: Mapped[str] = mapped_column(sa.String(100), default=DEFAULTS["sign_on_behalf"])
    chair_title: Mapped[str] = mapped_column(sa.String(100), default=DEFAULTS["chair_title"])
    vice_chair_title: Mapped[str] = mapped_column(sa.String(100), default=DEFAULTS["vice_chair_title"])
    motto_line1: Mapped[str] = mapped_column(sa.String(200), default=DEFAULTS["motto_line1"])
    motto_line2: Mapped[str] = mapped_column(sa.String(200), default=DEFAULTS["motto_line2"])
    default_recipients: Mapped[str] = mapped_column(sa.Text, default=DEFAULTS["default_recipients"])
    approval_rule: Mapped[str] = mapped_column(sa.String(30), default="half_all", server_default="half_all")
    vote_deadline_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # The vice chair the chair has delegated signing to (None: only the chair signs).
    sign_delegate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The union's own Word template of the plan (None: the built-in one) and its seal image
    # (a PNG re-encoded from the upload; None: signed files carry no seal).
    plan_template_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_templates.id", ondelete="SET NULL"))
    seal_image: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    seal_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("approval_rule IN ('half_all', 'two_thirds_all')", name="known_rule"),
        sa.CheckConstraint("vote_deadline_days BETWEEN 1 AND 90", name="deadline_range"),
    )

    @property
    def plan_symbol(self) -> str:
        """The symbol after the number: "KH-CĐ" by default, as Nghị định 30 writes it."""
        return plan_symbol(self.plan_abbrev, self.body_abbrev)

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in (self.default_recipients or "").split("\n") if line.strip()]

    @classmethod
    def get(cls) -> "Organisation":
        """The settings, read-only use: the stored row, or the defaults when none is stored yet."""
        org = db.session.get(cls, 1)
        return org if org is not None else cls(id=1, **DEFAULTS)

    @classmethod
    def display_name(cls) -> str:
        """The union's name alone, for the layout of every page: one narrow read, no ORM object."""
        name = facts.get("org_name", lambda: db.session.connection().execute(_name_query()).scalar())
        _last_known["name"] = name = name or DEFAULTS["name"]
        return name

    @classmethod
    def get_for_update(cls) -> "Organisation":
        """The settings row to change, added to the session when it did not exist yet."""
        org = db.session.get(cls, 1)
        if org is None:
            org = cls(id=1, **DEFAULTS)
            db.session.add(org)
        return org


# The name this process last read: what an error page shows when it may not ask the database.
_last_known: dict[str, str] = {}


def known_name() -> str | None:
    """The union's name without any database access: read with this request's user, held by this
    request's settings row, or last read by this process; None when none of them knows it."""
    if has_app_context():
        name = g.get("page_facts", {}).get("org_name")
        if name:
            return name
        org = g.get("org")
        if org is not None:
            name = sa.inspect(org).dict.get("name")     # only what is loaded: never a refresh
            if name:
                return name
    return _last_known.get("name")


def _name_query() -> sa.Select:
    table = Organisation.__table__
    return sa.select(table.c.name).where(table.c.id == 1)


@facts.fact("org_name")
def _org_name_fact(users_id) -> sa.ScalarSelect:
    return _name_query().scalar_subquery()
