"""Rules for people and groups: validation shared by the forms and the member import, creation,
changes, deactivation. Services flush; the view commits once."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ..audit.service import record
from ..auth.services import TEMP_HASH_METHOD, end_sessions, set_password, temporary_password
from ..dates import fmt_date, local_today, parse_vn_date
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..text import clean_text, fold
from .models import Gender, Group, User
from .offices import REFUSED as OFFICES_REFUSED
from .roles import ACCOUNT_ROLES, GRANTABLE, OFFICES, ROLE_LABELS, Role

NAME_MAX = 120
EMAIL_TAKEN = "Email này đã được dùng cho một tài khoản khác."
GROUP_NAME_MAX = 120

# Bounds of a member's record (people/models.py). A union member is a worker: the Labour Code's
# youngest worker is 15, so nobody is born less than 15 years before today or joins before 15. The
# Vietnamese trade union was founded on 28/07/1929: nobody joined before that, and nobody on record
# was born before 1900.
MIN_AGE = 15
EARLIEST_BIRTH = dt.date(1900, 1, 1)
UNION_FOUNDED = dt.date(1929, 7, 28)

# Leaving the union (Ra khỏi công đoàn): the reasons offered, and "Khác" with a text of its own.
LEAVE_REASONS = ("Chuyển công tác", "Nghỉ hưu", "Thôi việc", "Từ trần")
LEAVE_OTHER = "Khác"
LEAVE_REASON_MAX = 200


@dataclass
class PersonData:
    """A person's fields as typed (the form) or read (the import). check_person cleans them in place:
    gender becomes a Gender value or None, the dates become dt.date or None."""
    full_name: str = ""
    email: str = ""
    phone: str = ""
    group_id: int | None = None
    roles: set[Role] = field(default_factory=set)
    gender: str | None = None
    birth_date: str | dt.date | None = None
    joined_on: str | dt.date | None = None


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


_GENDER_WORDS = {
    Gender.MALE: {"nam", "m", "male", "trai", "ong"},
    Gender.FEMALE: {"nu", "f", "female", "gai", "ba"},
}


def normalise_gender(value) -> tuple[str | None, str | None]:
    """'male', 'female' or None (not given) from what people write: Nam/Nữ, nam/nữ, NAM, M/F..."""
    raw = clean_text("" if value is None else str(value))
    key = fold(raw).strip(" .")
    if not key or key in ("khong ghi", "-", "—"):
        return None, None
    for gender, words in _GENDER_WORDS.items():
        if key in words:
            return gender.value, None
    return None, f"Giới tính “{raw}” không nhận ra: ghi Nam hoặc Nữ, hoặc để trống."


# An Excel date written as its serial number (days since 30/12/1899): five digits, i.e. 1927 to 2173.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SHEET_DATE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(:00)?$")


def parse_member_date(value) -> tuple[dt.date | None, str | None]:
    """A date as people type it (dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd: congdoan.dates.parse_vn_date) or as a
    spreadsheet gives it (a date cell, read as "yyyy-mm-dd 00:00:00", or its serial number). Returns
    (date, None), (None, None) for an empty value, or (None, reason) where the reason completes
    "… không hợp lệ: "."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    raw = clean_text("" if value is None else str(value))
    if not raw:
        return None, None
    match = _SHEET_DATE.match(raw)
    if match:
        raw = match.group(1)
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(raw))), None
    if re.fullmatch(r"\d{4}", raw):
        return None, f"“{raw}” chỉ có năm, cần đủ ngày, tháng, năm (ví dụ 05/09/1985)"
    day = parse_vn_date(raw)
    if day is None:
        return None, f"“{raw}” không phải là ngày (ghi dạng ngày/tháng/năm, ví dụ 05/09/1985)"
    return day, None


def check_record(data: PersonData, *, existing: User | None = None, today: dt.date | None = None) -> dict[str, str]:
    """Gender, birth date and joining date of `data`, cleaned in place; field errors in Vietnamese.
    Refused: an unknown gender, a value that is not a date, a birth date in the future, before 1900 or
    less than 15 years ago, a joining date in the future, before the union was founded (28/07/1929),
    before the person was 15, or after the day they left the union."""
    today = today or local_today()
    errors: dict[str, str] = {}
    data.gender, message = normalise_gender(data.gender)
    if message:
        errors["gender"] = message
    birth, message = parse_member_date(data.birth_date)
    if message:
        errors["birth_date"] = f"Ngày sinh không hợp lệ: {message}."
    elif birth is not None:
        if birth > today:
            errors["birth_date"] = "Ngày sinh không được sau hôm nay."
        elif birth < EARLIEST_BIRTH:
            errors["birth_date"] = f"Ngày sinh không được trước {fmt_date(EARLIEST_BIRTH)}."
        elif _add_years(birth, MIN_AGE) > today:
            errors["birth_date"] = f"Người này chưa đủ {MIN_AGE} tuổi (sinh ngày {fmt_date(birth)}): đoàn viên phải từ {MIN_AGE} tuổi trở lên."
    data.birth_date = birth if "birth_date" not in errors else None
    joined, message = parse_member_date(data.joined_on)
    if message:
        errors["joined_on"] = f"Ngày vào công đoàn không hợp lệ: {message}."
    elif joined is not None:
        left_on = existing.left_on if existing is not None else None
        if joined > today:
            errors["joined_on"] = "Ngày vào công đoàn không được sau hôm nay."
        elif joined < UNION_FOUNDED:
            errors["joined_on"] = f"Ngày vào công đoàn không được trước ngày thành lập Công đoàn Việt Nam ({fmt_date(UNION_FOUNDED)})."
        elif data.birth_date is not None and joined < data.birth_date:
            errors["joined_on"] = "Ngày vào công đoàn không được trước ngày sinh."
        elif data.birth_date is not None and joined < _add_years(data.birth_date, MIN_AGE):
            errors["joined_on"] = f"Ngày vào công đoàn phải từ khi đủ {MIN_AGE} tuổi (sau {fmt_date(_add_years(data.birth_date, MIN_AGE))})."
        elif left_on is not None and joined > left_on:
            errors["joined_on"] = f"Ngày vào công đoàn không được sau ngày ra khỏi công đoàn ({fmt_date(left_on)})."
    data.joined_on = joined if "joined_on" not in errors else None
    return errors


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                 # 29/02 in a year that has none
        return day.replace(year=day.year + years, day=28)


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
    errors.update(check_record(data, existing=existing))
    return errors


def create_person(data: PersonData, *, actor: User | None) -> tuple[User, str]:
    """Create an account with a one-time password it must change at first sign-in.
    The data must have passed check_person. Returns the user and the one-time password.
    Offices are not given here: the chair gives them through people/offices.py."""
    if data.roles & set(OFFICES):
        raise PermissionDenied(OFFICES_REFUSED)
    user = User(email=data.email, phone=data.phone, group_id=data.group_id, must_change_password=True,
                gender=data.gender, birth_date=data.birth_date, joined_on=data.joined_on)
    user.set_name(data.full_name)
    password = temporary_password()
    set_password(user, password, TEMP_HASH_METHOD)
    user.set_roles(data.roles)
    db.session.add(user)
    db.session.flush()
    record("person_created", user, actor=actor, summary=f"Tạo tài khoản {user.full_name} ({user.email})",
           data={"roles": sorted(r.value for r in data.roles), "group_id": data.group_id,
                 **_record_values(user)})
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
    user.gender, user.birth_date, user.joined_on = data.gender, data.birth_date, data.joined_on
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
    if active and user.left_on is not None:
        raise DomainError(f"{user.full_name} đã ra khỏi công đoàn ngày {fmt_date(user.left_on)}: hãy hủy ghi nhận "
                          f"ra khỏi công đoàn (trang của người này) để kích hoạt lại tài khoản.")
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


def check_leaving(user: User, day_text, reason: str | None, other: str | None, *,
                  today: dt.date | None = None) -> tuple[dt.date | None, str, dict[str, str]]:
    """The day and the reason of a leaving as the admin gave them: (day, reason text, field errors).
    The day: not in the future, not before the person joined (or was born). The reason: one of
    LEAVE_REASONS, or "Khác" with its own text."""
    today = today or local_today()
    errors: dict[str, str] = {}
    day, message = parse_member_date(day_text) if clean_text(str(day_text or "")) else (today, None)
    if message:
        errors["left_on"] = f"Ngày ra khỏi công đoàn không hợp lệ: {message}."
    elif day > today:
        errors["left_on"] = "Ngày ra khỏi công đoàn không được sau hôm nay."
    elif user.joined_on is not None and day < user.joined_on:
        errors["left_on"] = (f"Ngày ra khỏi công đoàn không được trước ngày vào công đoàn "
                             f"({fmt_date(user.joined_on)}).")
    elif user.birth_date is not None and day < user.birth_date:
        errors["left_on"] = "Ngày ra khỏi công đoàn không được trước ngày sinh."
    elif day < UNION_FOUNDED:
        errors["left_on"] = f"Ngày ra khỏi công đoàn không được trước {fmt_date(UNION_FOUNDED)}."
    reason = clean_text(reason)
    other = clean_text(other)
    if reason == LEAVE_OTHER:
        if not other:
            errors["left_other"] = "Vui lòng ghi lý do ra khỏi công đoàn."
        reason = other
    elif reason not in LEAVE_REASONS:
        errors["left_reason"] = "Vui lòng chọn lý do ra khỏi công đoàn."
    if len(reason) > LEAVE_REASON_MAX:
        errors["left_other"] = f"Lý do quá dài (tối đa {LEAVE_REASON_MAX} ký tự)."
    return (None if "left_on" in errors else day), reason, errors


def record_leaving(user: User, day: dt.date, reason: str, *, actor: User) -> list[str]:
    """Record that `user` left the union on `day` for `reason` (checked by check_leaving): the account
    is deactivated and every session of it ends, as a deactivation does; every plan, task, request,
    vote and audit entry of theirs stays. A group they lead is left without a leader (the admin names
    the next one on the groups page). Refused like a deactivation: oneself, the last admin, and an
    office holder (the chair hands the chair over first, the others are relieved by the chair on the
    offices page: the committee's size moves the vote threshold, which is the chair's act).
    Returns the names of the groups left without a leader."""
    if user.left_on is not None:
        raise DomainError(f"{user.full_name} đã được ghi nhận ra khỏi công đoàn ngày {fmt_date(user.left_on)}.")
    if user.id == actor.id:
        raise DomainError("Bạn không thể tự ghi nhận mình ra khỏi công đoàn.")
    if Role.ADMIN in user.stored_roles and user.active:
        _keep_an_admin(user, "ghi nhận ra khỏi công đoàn cho")
    _keep_offices_filled(user, "ghi nhận ra khỏi công đoàn")
    led = [g for g in user.led_groups]
    for group in led:
        group.leader_id = None
    user.left_on, user.left_reason = day, reason
    was_active = user.active
    user.active = False
    if was_active:
        end_sessions(user)
    db.session.flush()
    db.session.expire(user, ["led_groups"])
    record("person_left", user, actor=actor,
           summary=f"Ghi nhận {user.full_name} ra khỏi công đoàn ngày {fmt_date(day)} ({reason})",
           data={"left_on": day.isoformat(), "left_reason": reason, "was_active": was_active,
                 "groups_left_without_leader": [g.id for g in led]})
    return [g.name for g in led]


def undo_leaving(user: User, *, actor: User, reactivate: bool) -> None:
    """Clear a recorded leaving (Hủy ghi nhận ra khỏi công đoàn) and, if asked, reactivate the account.
    Group leadership taken away at the leaving is not given back (the group may have a new leader)."""
    if user.left_on is None:
        raise DomainError(f"{user.full_name} chưa được ghi nhận ra khỏi công đoàn.")
    before = {"left_on": user.left_on.isoformat(), "left_reason": user.left_reason}
    user.left_on, user.left_reason = None, ""
    if reactivate:
        user.active = True
    record("person_leave_undone", user, actor=actor,
           summary=f"Hủy ghi nhận {user.full_name} ra khỏi công đoàn"
                   + (", kích hoạt lại tài khoản" if reactivate else ""),
           data={**before, "reactivated": reactivate})


def reset_password(user: User, *, actor: User) -> str:
    """A new one-time password; every session and remember-me cookie of the person ends."""
    password = temporary_password()
    set_password(user, password, TEMP_HASH_METHOD)
    user.must_change_password = True
    record("password_reset", user, actor=actor, summary=f"Cấp lại mật khẩu tạm cho {user.full_name}")
    return password


def _keep_an_admin(user: User, verb: str) -> None:
    from .audiences import count_holders
    others = count_holders({Role.ADMIN}, excluding=user)
    if not others:
        raise DomainError(f"Không thể {verb} quản trị viên cuối cùng. Hãy giao vai trò Quản trị "
                          f"cho người khác trước.")


def _keep_offices_filled(user: User, act: str = "ngừng tài khoản") -> None:
    """An office holder's account is not deactivated: the chair would leave the union with nobody
    to grant offices, and any committee member's leaving moves the vote threshold, which is the
    chair's act, not the admin's."""
    held = user.stored_roles & set(OFFICES)
    if Role.CHAIR in held:
        raise DomainError(f"{user.full_name} đang là Chủ tịch: hãy bàn giao chức Chủ tịch (trang Chức vụ) "
                          f"trước khi {act}.")
    if held:
        labels = ", ".join(r.label for r in OFFICES if r in held)
        raise DomainError(f"{user.full_name} đang giữ chức vụ {labels}: Chủ tịch cần miễn nhiệm trên "
                          f"trang Chức vụ trước khi {act}.")


def _snapshot(user: User) -> dict:
    return {"full_name": user.full_name, "email": user.email, "phone": user.phone,
            "group_id": user.group_id, "roles": sorted(r.value for r in user.stored_roles),
            **_record_values(user)}


def _record_values(user: User) -> dict:
    """The membership record as the audit trail keeps it (JSON: dates in ISO form)."""
    return {"gender": user.gender, "birth_date": user.birth_date.isoformat() if user.birth_date else None,
            "joined_on": user.joined_on.isoformat() if user.joined_on else None}


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
