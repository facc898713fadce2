"""The roles of docs/domain.md. Two are derived: every active account is a member, and the leader of a
union group is a group leader. The stored ones are of two kinds (who grants which: permissions.py):
the union's offices, given by the chair in office (congdoan/people/offices.py), and the technical
admin role, given by an admin with the account."""
from __future__ import annotations

import enum


class Role(str, enum.Enum):
    MEMBER = "member"               # derived: every active account
    GROUP_LEADER = "group_leader"   # derived: leads a union group
    COMMITTEE = "committee"
    VICE_CHAIR = "vice_chair"
    CHAIR = "chair"
    ACCOUNTANT = "accountant"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.MEMBER: "Đoàn viên",
    Role.GROUP_LEADER: "Tổ trưởng công đoàn",
    Role.COMMITTEE: "Ủy viên Ban Chấp hành",
    Role.VICE_CHAIR: "Phó Chủ tịch",
    Role.CHAIR: "Chủ tịch",
    Role.ACCOUNTANT: "Kế toán / Thủ quỹ",
    Role.ADMIN: "Quản trị",
}

# Every stored role; the order is the order shown in forms.
GRANTABLE = (Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.ACCOUNTANT, Role.ADMIN)

# The union's offices: granted and removed by the chair (the chair itself only changes hands by a
# handover). The accountant / treasurer is one: the committee chooses who handles the union's money,
# and the admin must not be able to make himself the one who marks requests paid.
OFFICES = (Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.ACCOUNTANT)

# What the admin grants with an account.
ACCOUNT_ROLES = (Role.ADMIN,)

# The chair and vice chairs sit on the executive committee by office.
COMMITTEE_ROLES = frozenset({Role.COMMITTEE, Role.VICE_CHAIR, Role.CHAIR})

# Words people type in an import file, folded (no accents, lower case), mapped to roles.
ROLE_ALIASES = {
    "chu tich": Role.CHAIR, "ct": Role.CHAIR, "chair": Role.CHAIR,
    "pho chu tich": Role.VICE_CHAIR, "pct": Role.VICE_CHAIR, "vice chair": Role.VICE_CHAIR,
    "uy vien ban chap hanh": Role.COMMITTEE, "uy vien bch": Role.COMMITTEE, "bch": Role.COMMITTEE,
    "uy vien": Role.COMMITTEE, "committee": Role.COMMITTEE,
    "ke toan": Role.ACCOUNTANT, "thu quy": Role.ACCOUNTANT, "ke toan / thu quy": Role.ACCOUNTANT,
    "ke toan/thu quy": Role.ACCOUNTANT, "accountant": Role.ACCOUNTANT,
    "quan tri": Role.ADMIN, "admin": Role.ADMIN,
    "to truong": Role.GROUP_LEADER, "to truong cong doan": Role.GROUP_LEADER,
    "group leader": Role.GROUP_LEADER,
    "doan vien": Role.MEMBER, "member": Role.MEMBER,
}
