"""Importing members from a CSV or XLSX file: read the rows, check each one, save the valid rows in
one transaction, report every rejected row with its reasons."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..audit.service import record, record_many
from ..auth.services import new_account_hashes, temporary_password
from ..collation import name_sort_key
from ..dates import utcnow
from ..errors import DomainError
from ..extensions import db
from ..spreadsheets import MAX_BYTES, MAX_ROWS, TableRefused, precheck, read_table
from ..text import clean_text, fold
from .models import Group, User, UserRole
from ..permissions import may_grant
from . import offices as office_service
from .roles import OFFICES, ROLE_ALIASES, Role
from .services import PersonData, check_person, create_group

__all__ = ["MAX_BYTES", "MAX_ROWS", "ImportFileError", "read_rows", "import_members"]

COLUMNS = {
    "full_name": {"ho va ten", "ho ten", "ten", "name", "full name", "ho va ten doan vien"},
    "email": {"email", "e-mail", "thu dien tu", "dia chi email"},
    "phone": {"dien thoai", "so dien thoai", "sdt", "phone", "so dt"},
    "group": {"to", "to cong doan", "group", "to chuyen mon"},
    "roles": {"vai tro", "chuc vu", "roles", "role", "chuc danh"},
    # The membership record (optional): gender, birth date, the day of joining the union.
    "gender": {"gioi tinh", "gioi", "gender", "sex", "nam/nu", "nam nu", "phai"},
    "birth_date": {"ngay sinh", "ngay thang nam sinh", "ngay, thang, nam sinh", "ngay/thang/nam sinh",
                   "nam sinh", "sinh ngay", "date of birth", "birth date", "birthday", "dob"},
    "joined_on": {"ngay vao cong doan", "ngay vao cd", "ngay vao cdcs", "ngay ket nap",
                  "ngay ket nap cong doan", "ngay ket nap doan vien", "ngay ket nap cd", "ngay gia nhap cong doan",
                  "joined", "joined on", "date joined"},
}
LABELS = {"full_name": "Họ và tên", "email": "Email", "phone": "Điện thoại", "group": "Tổ",
          "roles": "Vai trò", "gender": "Giới tính", "birth_date": "Ngày sinh", "joined_on": "Ngày vào công đoàn"}


class ImportFileError(DomainError):
    status = 422


@dataclass
class Row:
    number: int                 # the row number as the spreadsheet shows it
    values: dict[str, str]


@dataclass
class Rejected:
    row: Row
    reasons: list[str]


@dataclass(frozen=True)
class Account:
    id: int
    full_name: str
    email: str
    group_name: str


@dataclass
class Created:
    row: Row
    user: Account
    password: str


@dataclass
class ImportReport:
    created: list[Created] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """What the report page shows (templates/people/_import_report.html), as plain values: a large
        import keeps it in its row (import_jobs.py) until the page has shown it."""
        return {"created": [[c.row.number, c.user.full_name, c.user.email, c.user.group_name, c.password]
                            for c in self.created],
                "rejected": [[r.row.number, r.row.values.get("full_name", ""), r.row.values.get("email", ""),
                              r.reasons] for r in self.rejected],
                "groups_created": list(self.groups_created)}


def read_rows(filename: str, data: bytes) -> list[Row]:
    """Rows of a CSV (UTF-8, UTF-16) or XLSX file, keyed by column. Refuses with a clear message a
    file that is too large, of another type, in another encoding, or without the needed columns,
    and a file past the ceilings of congdoan.spreadsheets (cell length, rows, columns, total text,
    zip members), checked before the file is expanded."""
    try:
        table = read_table(filename, data)
    except TableRefused as exc:
        raise ImportFileError(exc.message) from None
    rows = [r for r in table if any(clean_text(c) for c in r)]
    if not rows:
        raise ImportFileError("Tệp không có dòng nào.")
    header = [fold(clean_text(c)).rstrip(" *:") for c in rows[0]]
    index: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(header):
            if name in aliases:
                index.setdefault(key, i)
    missing = [LABELS[k] for k in ("full_name", "email") if k not in index]
    if missing:
        raise ImportFileError("Tệp thiếu cột: " + ", ".join(missing) + ". Dòng đầu tiên phải là tên cột "
                              "(Họ và tên, Email, Điện thoại, Tổ, Vai trò).")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,} người mỗi lần).".replace(",", "."))
    numbers = [n for n, r in enumerate(table, start=1) if any(clean_text(c) for c in r)]
    out = []
    for number, cells in zip(numbers[1:], rows[1:]):
        values = {k: (cells[i] if i < len(cells) else "") for k, i in index.items()}
        out.append(Row(number, {k: clean_text(v) for k, v in values.items()}))
    return out


def read_table_checks(filename: str, data: bytes) -> None:
    """Refuse at the form what a large file shows before its rows are read (see spreadsheets.precheck)."""
    try:
        precheck(filename, data)
    except TableRefused as exc:
        raise ImportFileError(exc.message) from None


def parse_roles(text: str) -> tuple[set[Role], list[str]]:
    roles, unknown = set(), []
    for token in text.replace(";", ",").replace("/", ",").split(","):
        key = fold(token).strip(" .")
        if not key:
            continue
        role = ROLE_ALIASES.get(key)
        if role is None:
            unknown.append(token.strip())
        else:
            roles.add(role)
    return roles, unknown


def import_members(rows: list[Row], *, actor: User, create_groups: bool = False,
                   progress: Callable[[str, int], None] | None = None) -> ImportReport:
    """Check every row, then create the valid ones (the caller commits once).

    A row is rejected for: a missing or too long name, a missing, malformed or already used e-mail
    (also when an earlier row of the same file uses it), a malformed phone, an unknown group (unless
    create_groups), an unknown role, a group-leader role for a group that already has a leader, or an
    office (Ủy viên BCH, Phó Chủ tịch, Kế toán) when the importer is not the chair in office, or the
    chair itself (only handed over). The chair's offices are given through people/offices.py.

    `progress(step, rows_done)` is told how far it has gone: "check" every PROGRESS_EVERY rows, then
    "prepare" once before the passwords are made, then "save" after each thousand accounts inserted;
    a background import shows it in the page (import_jobs.py).
    """
    report = ImportReport()
    planned = _check(rows, actor=actor, create_groups=create_groups, report=report, progress=progress)
    _create(planned, actor=actor, report=report, progress=progress)
    if report.created:
        record("members_imported", actor=actor, object_type="users", object_id=None,
               summary=f"Nhập {len(report.created)} đoàn viên từ tệp, bỏ qua {len(report.rejected)} dòng lỗi")
    db.session.flush()
    return report


PROGRESS_EVERY = 1000


@dataclass
class _Planned:
    row: Row
    data: PersonData
    group_name: str | None
    leads: bool
    held: set[Role]


def _email_taken(rows: list[Row]) -> Callable[[str], bool]:
    """"Is this e-mail used already?" for the rows of a file: one query per thousand rows, not one per
    row. The lookup goes by the e-mail as typed, lower-cased; an e-mail whose checked form differs from
    that (an accented domain) is asked for on its own."""
    typed = {clean_text(r.values.get("email", "")).lower() for r in rows} - {""}
    wanted = sorted(typed)
    taken: set[str] = set()
    for i in range(0, len(wanted), 1000):
        taken.update(db.session.execute(sa.select(User.email).where(User.email.in_(wanted[i:i + 1000]))).scalars())

    def email_taken(email: str) -> bool:
        if email in typed:
            return email in taken
        return db.session.execute(sa.select(User.id).where(User.email == email)).first() is not None
    return email_taken


def _check(rows: list[Row], *, actor: User, create_groups: bool, report: ImportReport,
           progress: Callable[[str, int], None] | None) -> list[_Planned]:
    groups = {g.name_key: g for g in db.session.execute(sa.select(Group)).scalars()}
    email_taken = _email_taken(rows)
    seen_emails: dict[str, int] = {}
    leaders_claimed: dict[int | str, int] = {}
    planned: list[_Planned] = []
    for done, row in enumerate(rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress("check", done)
        reasons: list[str] = []
        group_name = row.values.get("group", "")
        group = groups.get(fold(group_name)) if group_name else None
        if group_name and group is None and not create_groups:
            reasons.append(f"Tổ “{group_name}” chưa có trong danh sách tổ công đoàn.")
        roles, unknown = parse_roles(row.values.get("roles", ""))
        if unknown:
            reasons.append("Vai trò không nhận ra: " + ", ".join(f"“{u}”" for u in unknown) + ".")
        data = PersonData(full_name=row.values.get("full_name", ""), email=row.values.get("email", ""),
                          phone=row.values.get("phone", ""), group_id=group.id if group else None,
                          roles=roles - {Role.GROUP_LEADER, Role.MEMBER},
                          gender=row.values.get("gender", ""), birth_date=row.values.get("birth_date", ""),
                          joined_on=row.values.get("joined_on", ""))
        held = data.roles & set(OFFICES)
        data.roles -= held
        if Role.CHAIR in held:
            reasons.append(office_service.CHAIR_BY_HANDOVER)
        elif not all(may_grant(actor, role) for role in held):
            reasons.append(office_service.REFUSED)
        field_errors = check_person(data, email_taken=email_taken)
        reasons.extend(field_errors.values())
        if data.email and data.email in seen_emails and "email" not in field_errors:
            reasons.append(f"Email trùng với dòng {seen_emails[data.email]} trong cùng tệp.")
        leads = Role.GROUP_LEADER in roles
        if leads:
            key = group.id if group else fold(group_name)
            if not group_name:
                reasons.append("Tổ trưởng phải thuộc một tổ: hãy điền cột Tổ.")
            elif group is not None and group.leader_id is not None:
                reasons.append(f"Tổ “{group.name}” đã có tổ trưởng.")
            elif key in leaders_claimed:
                reasons.append(f"Dòng {leaders_claimed[key]} đã được ghi là tổ trưởng của tổ này.")
            else:
                leaders_claimed[key] = row.number
        if reasons:
            report.rejected.append(Rejected(row, reasons))
            continue
        seen_emails[data.email] = row.number
        planned.append(_Planned(row, data, group_name or None, leads, held))
    return planned


def _create(planned: list[_Planned], *, actor: User, report: ImportReport,
            progress: Callable[[str, int], None] | None) -> None:
    """Insert the accounts of the checked rows in bulk: the users, their roles and their audit entries
    each in one INSERT per thousand rows (one ORM flush per person made 50,000 rows take minutes)."""
    if not planned:
        return
    if progress:
        progress("prepare", 0)
    passwords = [temporary_password() for _ in planned]
    hashes = new_account_hashes(passwords)      # before the first write: SQLite has one writer at a time
    groups = {g.name_key: g for g in db.session.execute(sa.select(Group)).scalars()}
    for item in planned:
        if item.group_name and fold(item.group_name) not in groups:
            group = create_group(item.group_name, actor=actor)
            groups[group.name_key] = group
            report.groups_created.append(group.name)
    now = utcnow()
    users = []
    for item, password_hash in zip(planned, hashes):
        group = groups.get(fold(item.group_name)) if item.group_name else None
        item.data.group_id = group.id if group else None
        name = item.data.full_name
        users.append({"full_name": name, "name_key": fold(name), "sort_key": name_sort_key(name),
                      "email": item.data.email, "phone": item.data.phone, "group_id": item.data.group_id,
                      "gender": item.data.gender, "birth_date": item.data.birth_date,
                      "joined_on": item.data.joined_on, "left_reason": "",
                      "active": True, "password_hash": password_hash, "must_change_password": True,
                      "failed_logins": 0, "session_version": 0, "created_at": now})
    ids: list[int] = []
    for i in range(0, len(users), PROGRESS_EVERY):
        ids += db.session.execute(sa.insert(User).returning(User.id, sort_by_parameter_order=True),
                                  users[i:i + PROGRESS_EVERY]).scalars().all()
        if progress:
            progress("save", min(i + PROGRESS_EVERY, len(users)))
    role_rows = [{"user_id": user_id, "role": role.value}
                 for user_id, item in zip(ids, planned) for role in sorted(item.data.roles, key=lambda r: r.value)]
    if role_rows:
        db.session.execute(sa.insert(UserRole), role_rows)
    record_many("person_created", [
        ("users", user_id, f"Tạo tài khoản {item.data.full_name} ({item.data.email})",
         {"roles": sorted(r.value for r in item.data.roles), "group_id": item.data.group_id})
        for user_id, item in zip(ids, planned)], actor=actor)
    for user_id, item, password in zip(ids, planned, passwords):
        group = groups.get(fold(item.group_name)) if item.group_name else None
        if item.held or item.leads:
            user = db.session.get(User, user_id)
            if item.held:
                office_service.set_offices(user, item.held, actor=actor)
            if item.leads and group is not None:
                group.leader_id = user_id
        report.created.append(Created(item.row, Account(user_id, item.data.full_name, item.data.email,
                                                        group.name if group else ""), password))
