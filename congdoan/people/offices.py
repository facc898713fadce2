"""The union's offices (Chủ tịch, Phó Chủ tịch, Ủy viên BCH, Kế toán / Thủ quỹ): the one place that
grants and removes them. Who may is permissions.GRANTED_BY: the chair in office, never the admin.

- set_offices: the chair gives or takes the offices other than the chair.
- hand_over_chair: the only way the chair changes hands while there is one. One guarded UPDATE moves
  the chair's user_roles row from the old chair to the new one, so there is never a moment with two
  chairs; a partial unique index (migration 0014) refuses a second chair row whatever the path.
- set_first_chair: an install with no chair in office gets its first one (command line only).

Each office granted or removed is one audit entry with the committee's size and vote threshold before
and after: the committee's size is what the approval rule divides (approvals/rules.py), so a change of
office can move the number of votes a draft needs. Services flush; the caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..approvals.rules import votes_needed
from ..audit.service import record
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..permissions import may_grant
from .models import User, UserRole
from .roles import COMMITTEE_ROLES, OFFICES, ROLE_LABELS, Role

REFUSED = ("Chỉ Chủ tịch mới được giao chức vụ (Phó Chủ tịch, Ủy viên Ban Chấp hành, Kế toán / Thủ quỹ) "
           "hoặc miễn nhiệm; chức Chủ tịch chỉ được bàn giao bởi Chủ tịch đương nhiệm.")
CHAIR_BY_HANDOVER = ("Chức Chủ tịch chỉ thay đổi bằng cách bàn giao: Chủ tịch đương nhiệm dùng "
                     "“Bàn giao chức Chủ tịch”.")
NO_LONGER_CHAIR = "Bạn không còn giữ chức Chủ tịch (chức vụ vừa được bàn giao). Hãy tải lại trang."


@dataclass(frozen=True)
class CommitteeSize:
    """The executive committee in office (active accounts holding a committee role) and the number of
    votes for that a draft needs under the union's rule."""
    members: int
    needed: int

    def sentence(self, word: str = "hiện") -> str:
        if self.members == 0:
            return f"Ban Chấp hành {word} chưa có ủy viên nào: chưa thể biểu quyết dự thảo."
        return (f"Ban Chấp hành {word} có {self.members} ủy viên: một dự thảo cần ít nhất "
                f"{self.needed} phiếu đồng ý.")


@dataclass
class OfficeChange:
    person: User
    granted: list[Role] = field(default_factory=list)
    removed: list[Role] = field(default_factory=list)
    before: CommitteeSize | None = None
    after: CommitteeSize | None = None
    handed_over_by: User | None = None
    open_rounds: int = 0             # drafts under vote when the size moved

    @property
    def size_moved(self) -> bool:
        return self.before != self.after

    def message(self) -> str:
        """The confirmation: what changed and, always, the committee's size and threshold now."""
        name = self.person.full_name
        parts = []
        if self.handed_over_by is not None:
            parts.append(f"{self.handed_over_by.full_name} đã bàn giao chức Chủ tịch cho {name}.")
        else:
            if self.granted:
                parts.append(f"Đã giao chức vụ {_labels(self.granted)} cho {name}.")
            if self.removed:
                parts.append(f"Đã miễn nhiệm chức vụ {_labels(self.removed)} của {name}.")
            if not self.granted and not self.removed:
                parts.append(f"Chức vụ của {name} không thay đổi.")
        parts.append(self.after.sentence("nay" if self.size_moved else "vẫn"))
        if self.size_moved and self.open_rounds:
            parts.append(f"{self.open_rounds} dự thảo đang biểu quyết nay tính theo số ủy viên mới; "
                         f"kết quả được xét lại khi có phiếu tiếp theo.")
        return " ".join(parts)


def _labels(roles) -> str:
    return ", ".join(ROLE_LABELS[r] for r in OFFICES if r in set(roles))


def committee_size() -> CommitteeSize:
    from ..organisation.models import Organisation
    from .audiences import count_holders
    members = count_holders(COMMITTEE_ROLES)
    return CommitteeSize(members, votes_needed(Organisation.get().approval_rule, members))


def _open_rounds() -> int:
    """Drafts under vote: their threshold follows the committee's size now (approvals.services
    counts the committee in office at each vote), so a change of size moves it."""
    from ..approvals.models import ApprovalRound, RoundStatus
    return db.session.execute(sa.select(sa.func.count()).select_from(ApprovalRound)
                              .where(ApprovalRound.status == RoundStatus.OPEN.value)).scalar()


def office_holders() -> list[User]:
    """Active accounts holding at least one office, by name."""
    from .audiences import holders
    return holders(OFFICES)


def current_chair() -> User | None:
    """The chair in office (one at a time: a handover moves the office in one step)."""
    from .audiences import holders_query
    return db.session.execute(holders_query({Role.CHAIR}).limit(1)).scalar()


def set_offices(person: User, offices: set[Role], *, actor: User) -> OfficeChange:
    """Give `person` exactly these offices (the chair aside, which only a handover moves)."""
    wanted = set(offices)
    if wanted - set(OFFICES):
        raise ValidationFailed({"offices": "Chức vụ không hợp lệ."})
    current = person.stored_roles & set(OFFICES)
    granted, removed = wanted - current, current - wanted
    if not all(may_grant(actor, role) for role in (granted | removed) or {Role.COMMITTEE}):
        raise PermissionDenied(REFUSED)
    if Role.CHAIR in granted | removed:
        raise ValidationFailed({"offices": CHAIR_BY_HANDOVER})
    if granted and not person.active:
        raise ValidationFailed({"offices": "Không thể giao chức vụ cho tài khoản đã ngừng hoạt động."})
    if Role.VICE_CHAIR in granted and Role.CHAIR in current:
        raise ValidationFailed({"offices": "Chủ tịch không kiêm Phó Chủ tịch."})
    _confirm_chair(actor)
    change = OfficeChange(person, before=committee_size())
    person.set_roles((person.stored_roles - removed) | granted)
    db.session.flush()
    change.after = committee_size()
    change.granted = [r for r in OFFICES if r in granted]
    change.removed = [r for r in OFFICES if r in removed]
    if Role.VICE_CHAIR in removed:
        _end_sign_delegation(person, actor)
    if change.size_moved:
        change.open_rounds = _open_rounds()
    _record(change, actor)
    return change


def hand_over_chair(successor: User, *, actor: User, keep_on_committee: bool = True) -> OfficeChange:
    """The chair in office passes the chair to `successor` and loses it in the same statement.
    The new chair sits on the committee (and is no longer a vice chair); the former chair stays an
    Ủy viên BCH when `keep_on_committee`, otherwise leaves the committee."""
    if not may_grant(actor, Role.CHAIR):
        raise PermissionDenied(REFUSED)
    if successor.id == actor.id:
        raise ValidationFailed({"successor_id": "Hãy chọn một người khác để bàn giao chức Chủ tịch."})
    if not successor.active:
        raise ValidationFailed({"successor_id": "Không thể bàn giao cho tài khoản đã ngừng hoạt động."})
    before = committee_size()
    actor_had, successor_had = actor.stored_roles, successor.stored_roles
    moved = db.session.execute(
        sa.update(UserRole).where(UserRole.role == Role.CHAIR.value, UserRole.user_id == actor.id)
        .values(user_id=successor.id).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise PermissionDenied(NO_LONGER_CHAIR)
    db.session.expire(actor, ["role_rows"])
    db.session.expire(successor, ["role_rows"])
    successor.set_roles((successor.stored_roles - {Role.VICE_CHAIR}) | {Role.COMMITTEE})
    if keep_on_committee:
        actor.set_roles(actor.stored_roles | {Role.COMMITTEE})
    else:
        actor.set_roles(actor.stored_roles - {Role.COMMITTEE})
    db.session.flush()
    after = committee_size()
    _end_sign_delegation(successor, actor)
    entries = []
    for person, had in ((actor, actor_had), (successor, successor_had)):
        now = person.stored_roles
        change = OfficeChange(person, granted=[r for r in OFFICES if r in now - had],
                              removed=[r for r in OFFICES if r in had - now], before=before, after=after)
        _record(change, actor, handover=True)
        entries.append(change)
    return OfficeChange(successor, granted=entries[1].granted, removed=entries[1].removed, before=before,
                        after=after, handed_over_by=actor,
                        open_rounds=_open_rounds() if before != after else 0)


def set_first_chair(person: User, *, actor: User | None = None) -> OfficeChange:
    """The first chair of an install with no chair in office (`create-admin --chair`,
    `set-first-chair`). Refused as soon as a chair is in office: then only a handover moves it."""
    chair = current_chair()
    if chair is not None:
        raise DomainError(f"Công đoàn đã có Chủ tịch ({chair.full_name}): chức Chủ tịch chỉ được "
                          f"bàn giao bởi Chủ tịch đương nhiệm.")
    if not person.active:
        raise DomainError("Không thể giao chức Chủ tịch cho tài khoản đã ngừng hoạt động.")
    before = committee_size()
    # A chair row left on a deactivated account holds no office; it gives way to the new chair.
    for row in db.session.execute(sa.select(UserRole).where(UserRole.role == Role.CHAIR.value)).scalars():
        former = db.session.get(User, row.user_id)
        former.set_roles(former.stored_roles - {Role.CHAIR})
        db.session.flush()
        _record(OfficeChange(former, removed=[Role.CHAIR], before=before, after=before), actor)
    had = person.stored_roles
    try:
        with db.session.begin_nested():
            person.set_roles(had | {Role.CHAIR, Role.COMMITTEE})
            db.session.flush()
    except IntegrityError:
        raise DomainError("Công đoàn đã có Chủ tịch: chức Chủ tịch vừa được giao cho người khác.") from None
    change = OfficeChange(person, granted=[r for r in OFFICES if r in person.stored_roles - had],
                          before=before, after=committee_size())
    _record(change, actor, first_chair=True)
    return change


def _confirm_chair(actor: User) -> None:
    """The actor's chair row, written to itself: still the chair at the moment of writing (a
    handover from another tab cannot slip between the check and the change), and the row is held
    until commit so a concurrent handover waits for this change."""
    held = db.session.execute(
        sa.update(UserRole).where(UserRole.role == Role.CHAIR.value, UserRole.user_id == actor.id)
        .values(role=Role.CHAIR.value).execution_options(synchronize_session=False)).rowcount
    if held != 1:
        raise PermissionDenied(NO_LONGER_CHAIR)


def _end_sign_delegation(person: User, actor: User) -> None:
    """A delegate to sign must be a vice chair: one who stops being one is no longer the delegate."""
    from ..organisation.models import Organisation
    org = db.session.get(Organisation, 1)
    if org is not None and org.sign_delegate_id == person.id:
        org.sign_delegate_id = None
        db.session.flush()
        record("sign_delegate_changed", org, actor=actor, data={"delegate": None},
               summary=f"Thôi ủy quyền ký cho {person.full_name} (không còn là Phó Chủ tịch)")


def _record(change: OfficeChange, actor: User | None, **extra) -> None:
    sizes = {"committee_before": change.before.members, "committee_after": change.after.members,
             "votes_needed_before": change.before.needed, "votes_needed_after": change.after.needed, **extra}
    name = change.person.full_name
    for role in change.granted:
        record("office_granted", change.person, actor=actor, data={"office": role.value, **sizes},
               summary=f"Giao chức vụ {role.label} cho {name}. {change.after.sentence('nay')}")
    for role in change.removed:
        record("office_removed", change.person, actor=actor, data={"office": role.value, **sizes},
               summary=f"Miễn nhiệm chức vụ {role.label} của {name}. {change.after.sentence('nay')}")
