"""Importing members from a CSV or XLSX file: read the rows, check each one, save the valid rows in
one transaction, report every rejected row with its reasons."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..audit.service import record
from ..errors import DomainError
from ..extensions import db
from ..spreadsheets import MAX_BYTES, MAX_ROWS, TableRefused, read_table
from ..text import clean_text, fold
from .models import Group, User
from ..permissions import may_grant
from . import offices as office_service
from .roles import OFFICES, ROLE_ALIASES, Role
from .services import PersonData, check_person, create_group, create_person

__all__ = ["MAX_BYTES", "MAX_ROWS", "ImportFileError", "read_rows", "import_members"]

COLUMNS = {
    "full_name": {"ho va ten", "ho ten", "ten", "name", "full name", "ho va ten doan vien"},
    "email": {"email", "e-mail", "thu dien tu", "dia chi email"},
    "phone": {"dien thoai", "so dien thoai", "sdt", "phone", "so dt"},
    "group": {"to", "to cong doan", "group", "to chuyen mon"},
    "roles": {"vai tro", "chuc vu", "roles", "role", "chuc danh"},
}
LABELS = {"full_name": "Họ và tên", "email": "Email", "phone": "Điện thoại", "group": "Tổ",
          "roles": "Vai trò"}


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


@dataclass
class Created:
    row: Row
    user: User
    password: str


@dataclass
class ImportReport:
    created: list[Created] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)


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


def import_members(rows: list[Row], *, actor: User, create_groups: bool = False) -> ImportReport:
    """Check every row, then create the valid ones (flush only; the caller commits once).

    A row is rejected for: a missing or too long name, a missing, malformed or already used e-mail
    (also when an earlier row of the same file uses it), a malformed phone, an unknown group (unless
    create_groups), an unknown role, a group-leader role for a group that already has a leader, or an
    office (Ủy viên BCH, Phó Chủ tịch, Kế toán) when the importer is not the chair in office, or the
    chair itself (only handed over). The chair's offices are given through people/offices.py.
    """
    report = ImportReport()
    groups = {g.name_key: g for g in db.session.execute(sa.select(Group)).scalars()}
    seen_emails: dict[str, int] = {}
    leaders_claimed: dict[int | str, int] = {}
    planned: list[tuple[Row, PersonData, str | None, bool, set[Role]]] = []
    for row in rows:
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
                          roles=roles - {Role.GROUP_LEADER, Role.MEMBER})
        held = data.roles & set(OFFICES)
        data.roles -= held
        if Role.CHAIR in held:
            reasons.append(office_service.CHAIR_BY_HANDOVER)
        elif not all(may_grant(actor, role) for role in held):
            reasons.append(office_service.REFUSED)
        field_errors = check_person(data)
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
        planned.append((row, data, group_name or None, leads, held))

    for row, data, group_name, leads, held in planned:
        group = groups.get(fold(group_name)) if group_name else None
        if group_name and group is None:
            group = create_group(group_name, actor=actor)
            groups[group.name_key] = group
            report.groups_created.append(group.name)
        data.group_id = group.id if group else None
        user, password = create_person(data, actor=actor)
        if held:
            office_service.set_offices(user, held, actor=actor)
        if leads and group is not None:
            group.leader_id = user.id
        report.created.append(Created(row, user, password))
    if report.created:
        record("members_imported", actor=actor, object_type="users", object_id=None,
               summary=f"Nhập {len(report.created)} đoàn viên từ tệp, bỏ qua {len(report.rejected)} dòng lỗi")
    db.session.flush()
    return report
