"""Rules for people and groups: validation shared by the forms and the member import, creation,
changes, deactivation. Services flush; the view commits once."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ..audit.service import record
from ..auth.services import TEMP_HASH_METHOD, end_sessions, set_password, temporary_password
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..text import clean_text, fold
from .models import Group, User
from .offices import REFUSED as OFFICES_REFUSED
from .roles import ACCOUNT_ROLES, GRANTABLE, OFFICES, ROLE_LABELS, Role

NAME_MAX = 120
EMAIL_TAKEN = "Email này đã được dùng cho một tài khoản khác."
GROUP_NAME_MAX = 120
EMAIL_TAKEN = "Email này đã được dùng cho một tài khoản khác."


@dataclass
class PersonData:
    full_name: str = ""
    email: str = ""
    phone: str = ""
    group_id: int | None = None
    roles: set[Role] = field(default_factory=set)


def normalise_email(value: str | None) -> tuple[str, str | None]:
    value = clean_text(value).lower()
    if not value:
        return "", "Vui lòng nhập email."
    if len(value) > 254:
        return value, "Email quá dài (tối đa 254 ký tự)."
    try:
        value = validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return value, "Email không hợp lệ."
    return value, None


def normalise_phone(value: str | None) -> tuple[str, str | None]:
    raw = clean_text(value)
    if not raw:
        return "", None
    if raw.endswith(".0"):        # a number cell read from a spreadsheet
        raw = raw[:-2]
    if not re.fullmatch(r"\+?[\d\s.\-()]+", raw):
        return raw, "Số điện thoại chỉ gồm chữ số (có thể có dấu + ở đầu)."
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        digits = "+" + digits
    elif len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits    # spreadsheets drop the leading zero of Vietnamese numbers
    if not 9 <= len(digits.lstrip("+")) <= 15:
        return raw, "Số điện thoại phải có từ 9 đến 15 chữ số."
    return digits, None


def check_person(data: PersonData, *, existing: User | None = None,
                 email_taken: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Field errors (field name -> Vietnamese message) for a person's data; empty when valid.
    `email_taken` answers "is this e-mail used already?" for a caller that looked them all up at once
    (the member import); by default it is one query."""
    errors: dict[str, str] = {}
    data.full_name = clean_text(data.full_name)
    if not data.full_name:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    elif len(data.full_name) > NAME_MAX:
        errors["full_name"] = f"Họ và tên quá dài (tối đa {NAME_MAX} ký tự)."
    data.email, message = normalise_email(data.email)
    if message:
        errors["email"] = message
    elif email_taken is not None:
        if email_taken(data.email):
            errors["email"] = EMAIL_TAKEN
    else:
        other = db.session.execute(sa.select(User.id).where(User.email == data.email)).scalar()
        if other is not None and (existing is None or other != existing.id):
            errors["email"] = EMAIL_TAKEN
    data.phone, message = normalise_phone(data.phone)
    if message:
        errors["phone"] = message
    if data.group_id is not None and db.session.get(Group, data.group_id) is None:
        errors["group_id"] = "Tổ công đoàn không tồn tại."
    unknown = {r for r in data.roles if r not in GRANTABLE}
    if unknown:
        errors["roles"] = "Vai trò không hợp lệ."
    elif (data.roles & set(OFFICES)) - (existing.stored_roles if existing is not None else set()):
        # Offices are the chair's to give (people/offices.py); an office the person already holds
        # may come back from an old form unchanged.
        errors["roles"] = OFFICES_REFUSED
    return errors


def create_person(data: PersonData, *, actor: User | None) -> tuple[User, str]:
    """Create an account with a one-time password it must change at first sign-in.
    The data must have passed check_person. Returns the user and the one-time password.
    Offices are not given here: the chair gives them through people/offices.py."""
    if data.roles & set(OFFICES):
        raise PermissionDenied(OFFICES_REFUSED)
    user = User(email=data.email, phone=data.phone, group_id=data.group_id, must_change_password=True)
    user.set_name(data.full_name)
    password = temporary_password()
    set_password(user, password, TEMP_HASH_METHOD)
    user.set_roles(data.roles)
    db.session.add(user)
    db.session.flush()
    record("person_created", user, actor=actor, summary=f"Tạo tài khoản {user.full_name} ({user.email})",
           data={"roles": sorted(r.value for r in data.roles), "group_id": data.group_id})
    return user, password


def update_person(user: User, data: PersonData, *, actor: User) -> None:
    """Apply checked changes. Refuses to take the last admin's admin role away. The person's
    offices are left as they are: only the chair changes them (people/offices.py)."""
    if Role.ADMIN in user.stored_roles and Role.ADMIN not in data.roles:
        _keep_an_admin(user, "bỏ vai trò Quản trị của")
    before = _snapshot(user)
    user.set_name(data.full_name)
    user.email = data.email
    user.phone = data.phone
    if user.group_id != data.group_id:
        # A leader who moves out of their group stops leading it.
        for group in user.led_groups:
            if group.id != data.group_id:
                group.leader_id = None
        user.group_id = data.group_id
    user.set_roles((data.roles - set(OFFICES)) | (user.stored_roles & set(OFFICES)))
    db.session.flush()
    db.session.expire(user, ["led_groups"])
    after = _snapshot(user)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        record("person_updated", user, actor=actor, summary=f"Sửa thông tin {user.full_name}", data=changed)


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Activate or deactivate an account. Nobody deactivates themselves or the last admin."""
    if user.active == active:
        return
    if not active:
        if user.id == actor.id:
            raise DomainError("Bạn không thể tự ngừng tài khoản của chính mình.")
        if Role.ADMIN in user.stored_roles:
            _keep_an_admin(user, "ngừng tài khoản của")
        _keep_offices_filled(user)
    user.active = active
    if not active:
        end_sessions(user)     # signed out everywhere now, and still so if reactivated later
    record("person_activated" if active else "person_deactivated", user, actor=actor,
           summary=("Kích hoạt lại" if active else "Ngừng") + f" tài khoản {user.full_name}")


def reset_password(user: User, *, actor: User) -> str:
    """A new one-time password; every session and remember-me cookie of the person ends."""
    password = temporary_password()
    set_password(user, password, TEMP_HASH_METHOD)
    user.must_change_password = True
    record("password_reset", user, actor=actor, summary=f"Cấp lại mật khẩu tạm cho {user.full_name}")
    return password


def _keep_an_admin(user: User, verb: str) -> None:
    from .models import UserRole
    others = db.session.execute(
        sa.select(sa.func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)).scalar()
    if not others:
        raise DomainError(f"Không thể {verb} quản trị viên cuối cùng. Hãy giao vai trò Quản trị "
                          f"cho người khác trước.")


def _keep_offices_filled(user: User) -> None:
    """An office holder's account is not deactivated: the chair would leave the union with nobody
    to grant offices, and any committee member's leaving moves the vote threshold, which is the
    chair's act, not the admin's."""
    held = user.stored_roles & set(OFFICES)
    if Role.CHAIR in held:
        raise DomainError(f"{user.full_name} đang là Chủ tịch: hãy bàn giao chức Chủ tịch (trang Chức vụ) "
                          f"trước khi ngừng tài khoản.")
    if held:
        labels = ", ".join(r.label for r in OFFICES if r in held)
        raise DomainError(f"{user.full_name} đang giữ chức vụ {labels}: Chủ tịch cần miễn nhiệm trên "
                          f"trang Chức vụ trước khi ngừng tài khoản.")


def _snapshot(user: User) -> dict:
    return {"full_name": user.full_name, "email": user.email, "phone": user.phone,
            "group_id": user.group_id, "roles": sorted(r.value for r in user.stored_roles)}


# --- groups --------------------------------------------------------------------------------------

def check_group_name(name: str | None, *, existing: Group | None = None) -> tuple[str, str | None]:
    name = clean_text(name)
    if not name:
        return name, "Vui lòng nhập tên tổ."
    if len(name) > GROUP_NAME_MAX:
        return name, f"Tên tổ quá dài (tối đa {GROUP_NAME_MAX} ký tự)."
    other = db.session.execute(sa.select(Group.id).where(Group.name_key == fold(name))).scalar()
    if other is not None and (existing is None or other != existing.id):
        return name, "Đã có một tổ với tên này."
    return name, None


def create_group(name: str, *, actor: User | None) -> Group:
    group = Group()
    group.set_name(name)
    db.session.add(group)
    db.session.flush()
    record("group_created", group, actor=actor, summary=f"Tạo tổ {group.name}")
    return group


def update_group(group: Group, name: str, leader: User | None, *, actor: User | None) -> None:
    """Rename a group and set its leader. A leader becomes a member of the group they lead."""
    changes = {}
    if group.name != name:
        changes["name"] = [group.name, name]
        group.set_name(name)
    if (leader.id if leader else None) != group.leader_id:
        if leader is not None and not leader.active:
            raise DomainError("Không thể giao tổ trưởng cho tài khoản đã ngừng hoạt động.")
        changes["leader_id"] = [group.leader_id, leader.id if leader else None]
        group.leader_id = leader.id if leader else None
        if leader is not None and leader.group_id != group.id:
            for other in leader.led_groups:
                if other.id != group.id:
                    other.leader_id = None
            leader.group_id = group.id
    if changes:
        db.session.flush()
        if leader is not None:
            db.session.expire(leader, ["led_groups"])
        record("group_updated", group, actor=actor, summary=f"Sửa tổ {group.name}", data=changes)


def set_group_active(group: Group, active: bool, *, actor: User) -> None:
    if group.active == active:
        return
    group.active = active
    record("group_activated" if active else "group_deactivated", group, actor=actor,
           summary=("Mở lại" if active else "Ngừng") + f" tổ {group.name}")


def role_choices() -> list[tuple[str, str]]:
    """The roles the admin's person form offers: the offices are given on the offices page."""
    return [(r.value, ROLE_LABELS[r]) for r in ACCOUNT_ROLES]
