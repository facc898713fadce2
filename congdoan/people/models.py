"""Accounts, their stored roles and the union groups (tổ công đoàn)."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..dates import utcnow
from ..extensions import db
from ..collation import name_sort_key
from ..text import fold
from .roles import COMMITTEE_ROLES, Role


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    leader_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    leader: Mapped["User | None"] = relationship(foreign_keys=[leader_id])
    members: Mapped[list["User"]] = relationship(
        back_populates="group", foreign_keys="User.group_id", order_by="User.sort_key")

    def set_name(self, name: str) -> None:
        self.name = name
        self.name_key = fold(name)

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.name!r}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)

    __table_args__ = (
        sa.CheckConstraint("role IN ('committee', 'vice_chair', 'chair', 'accountant', 'admin')",
                           name="known_role"),
        sa.Index("ix_user_roles_role", "role"),
        # At most one chair (migration 0014): the chair changes hands only by a handover.
        sa.Index("uq_user_roles_one_chair", "role", unique=True,
                 sqlite_where=sa.text("role = 'chair'"), postgresql_where=sa.text("role = 'chair'")),
    )


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    name_key: Mapped[str] = mapped_column(sa.String(120), index=True)   # accent-free, for search
    sort_key: Mapped[str] = mapped_column(sa.String(255), default="", server_default="", index=True)  # collation.py
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)     # stored lower-case
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)   # unused since issue 15 (see docs/sessions-and-sign-in.md)
    locked_until: Mapped[dt.datetime | None]                 # unused since issue 15
    # Raised to end every session and remember-me cookie of this person (congdoan/auth/services.py).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Membership record (what the year-end report counts). NULL gender or birth date: not given.
    # NULL joined_on: a member since before the union kept records here (counted at any date).
    # left_on set: left the union on that day (the account is deactivated; its history stays).
    gender: Mapped[str | None] = mapped_column(sa.String(10))         # Gender values
    birth_date: Mapped[dt.date | None]
    joined_on: Mapped[dt.date | None]
    left_on: Mapped[dt.date | None] = mapped_column(index=True)
    left_reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    group: Mapped[Group | None] = relationship(back_populates="members", foreign_keys=[group_id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    led_groups: Mapped[list[Group]] = relationship(
        foreign_keys=[Group.leader_id], viewonly=True, lazy="selectin")

    @staticmethod
    def with_roles() -> tuple:
        """Loader options: the roles and led groups in the same statement as the account."""
        return (joinedload(User.role_rows), joinedload(User.led_groups))

    # --- identity -------------------------------------------------------------------------------
    def set_name(self, name: str) -> None:
        self.full_name = name
        self.name_key = fold(name)
        self.sort_key = name_sort_key(name)

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Only congdoan.auth.services.set_password calls this: it also ends the person's sessions."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:   # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the id and the session
        version, so that raising the version ends them all (the user loader compares it)."""
        return f"{self.id}:{self.session_version or 0}"

    # --- roles ----------------------------------------------------------------------------------
    @property
    def stored_roles(self) -> set[Role]:
        return {Role(row.role) for row in self.role_rows}

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles} - {Role.MEMBER, Role.GROUP_LEADER}
        self.role_rows = [row for row in self.role_rows if Role(row.role) in wanted]
        have = self.stored_roles
        for role in sorted(wanted - have, key=lambda r: r.value):
            self.role_rows.append(UserRole(role=role.value))

    @property
    def roles(self) -> set[Role]:
        """Every role this person holds now, derived ones included."""
        roles = set(self.stored_roles)
        if self.active:
            roles.add(Role.MEMBER)
        if any(g.active for g in self.led_groups):
            roles.add(Role.GROUP_LEADER)
        return roles

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_committee_member(self) -> bool:
        return self.active and bool(self.stored_roles & COMMITTEE_ROLES)

    def role_labels(self) -> list[str]:
        order = [Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.ACCOUNTANT, Role.GROUP_LEADER,
                 Role.ADMIN, Role.MEMBER]
        return [r.label for r in order if r in self.roles]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    __table_args__ = (
        sa.CheckConstraint("gender IS NULL OR gender IN ('male', 'female')", name="known_gender"),
        sa.CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on",
                           name="left_after_joined"),
    )


class Gender(str, enum.Enum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return GENDER_LABELS[self]


GENDER_LABELS = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
