"""Submitting a plan, voting, deciding, returning, amending; every move through plans.workflow.apply.

The same for every kind of document (a plan, a report: plans/kinds.py): same rules, same code; the
messages name the kind (workflow.noun).

Services flush; the view commits once. Refused (with a Vietnamese message, nothing changed):
submitting a plan that is not a draft or returned, or someone else's draft; voting on a plan not
under vote, without being on the committee, or against without a reason; the chair returning
without a reason. A vote bumps its round's lock counter before anything else, so votes on one
round are serialised on every database: a double click or two members at the same instant give
exactly one vote each and a correct tally.
"""
from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from ..links import link

from ..audit.service import record
from ..dates import utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..notifications.service import notify
from ..organisation.models import Organisation
from ..people.audiences import committee_and_officers, holders
from ..people.models import User
from ..people.roles import COMMITTEE_ROLES, Role
from ..permissions import is_chair
from ..plans import copy_review
from ..plans import creating as plan_creating
from ..plans import versions as plan_versions
from ..plans.document import load_plan_tree, to_document
from ..plans.authors import plan_authors
from ..plans.models import Plan, PlanStatus
from ..plans.workflow import Noun, apply, can, noun
from ..text import clean_text
from .models import ApprovalRound, Choice, RoundComment, RoundStatus, Vote
from .rules import decide

REASON_MAX = 5000


def committee_members() -> list[User]:
    """The executive committee in office: active accounts holding a committee role."""
    return holders(COMMITTEE_ROLES)


def chairs() -> list[User]:
    return holders({Role.CHAIR})


def open_round(plan: Plan) -> ApprovalRound | None:
    return db.session.execute(
        sa.select(ApprovalRound).where(ApprovalRound.plan_id == plan.id,
                                       ApprovalRound.status == RoundStatus.OPEN.value)).scalar()


def rounds(plan: Plan) -> list[ApprovalRound]:
    return db.session.execute(
        sa.select(ApprovalRound).where(ApprovalRound.plan_id == plan.id).order_by(ApprovalRound.number.desc())
        .options(sa.orm.selectinload(ApprovalRound.votes).joinedload(Vote.voter),
                 sa.orm.selectinload(ApprovalRound.comments).joinedload(RoundComment.author))).scalars().all()


def submit(plan: Plan, *, actor: User, expected: int | None = None) -> ApprovalRound:
    """Freeze the current version and open a round of votes for the committee. `expected`: the plan's
    status version the actor's page showed (None: the one read in this request)."""
    if plan.state in (PlanStatus.DRAFT, PlanStatus.RETURNED) and not plan.sections and not plan.bases:
        raise DomainError(f"{Noun(plan)} còn trống: hãy soạn nội dung trước khi trình duyệt.")
    # A copied draft whose old years are not all looked at stays a draft (plans/copy_review.py).
    pending = copy_review.pending_count(plan.id) if can(plan, "submit", actor) else 0
    if pending:
        raise copy_review.ReviewPending(plan.id, pending)
    org = Organisation.get()
    version = plan_versions.last_version(plan.id)
    if version is None:
        version = plan_versions.touch(plan, actor, "Lưu trước khi trình duyệt")
    number = (db.session.execute(sa.select(sa.func.max(ApprovalRound.number))
                                 .where(ApprovalRound.plan_id == plan.id)).scalar() or 0) + 1
    apply(plan, "submit", actor, expected=plan.version if expected is None else expected,
          summary=f"Trình Ban Chấp hành duyệt (lần {number}, phiên bản {version.number})",
          data={"round": number, "version": version.number, "hash": version.content_hash})
    round_ = ApprovalRound(plan_id=plan.id, number=number, version_number=version.number,
                           content_hash=version.content_hash, submitted_by_id=actor.id,
                           deadline_at=utcnow() + dt.timedelta(days=org.vote_deadline_days),
                           rule=org.approval_rule)
    db.session.add(round_)
    db.session.flush()
    review_link = link("approvals.review", plan_id=plan.id)
    notify([m for m in committee_members() if m.id != actor.id], "plan_submitted",
           f"{Noun(plan)} “{plan.subject}” chờ bạn biểu quyết (lần {number}).", review_link,
           subject=f"[Công đoàn] Chờ duyệt: {plan.subject}")
    return round_


def vote(plan: Plan, *, voter: User, choice: str, reason: str = "", expected: int | None = None) -> Vote:
    """Record or change this member's vote in the open round, then apply the decision rule.
    `expected`: the plan's status version the voter's page showed, checked when the vote decides."""
    if choice not in {c.value for c in Choice}:
        raise DomainError("Lựa chọn biểu quyết không hợp lệ.")
    reason = clean_text(reason, multiline=True)
    if choice == Choice.AGAINST.value and not reason:
        raise ValidationFailed({"reason": "Vui lòng ghi lý do khi không đồng ý."})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": f"Lý do quá dài (tối đa {REASON_MAX} ký tự)."})
    if not voter.is_committee_member:
        raise PermissionDenied("Chỉ Ủy viên Ban Chấp hành đương nhiệm mới được biểu quyết.")
    round_ = open_round(plan)
    if plan.state != PlanStatus.SUBMITTED or round_ is None:
        raise DomainError(f"{Noun(plan)} không ở trạng thái chờ biểu quyết (hiện: “{plan.state.label}”).")
    # First write of the transaction: serialises every vote of this round (row lock on PostgreSQL,
    # the single writer on SQLite), and refuses if the round was decided meanwhile.
    bumped = db.session.execute(
        sa.update(ApprovalRound).where(ApprovalRound.id == round_.id,
                                       ApprovalRound.status == RoundStatus.OPEN.value)
        .values(lock_counter=ApprovalRound.lock_counter + 1).execution_options(synchronize_session=False))
    if bumped.rowcount != 1:
        raise DomainError("Lần trình này vừa có kết quả. Vui lòng tải lại trang để xem.")
    existing = db.session.execute(
        sa.select(Vote).where(Vote.round_id == round_.id, Vote.voter_id == voter.id)
        .execution_options(populate_existing=True)).scalar()
    label = "Đồng ý" if choice == Choice.FOR.value else "Không đồng ý"
    if existing is None:
        existing = Vote(round_id=round_.id, voter_id=voter.id, choice=choice, reason=reason)
        db.session.add(existing)
        db.session.flush()
        record("vote_cast", plan, actor=voter, summary=f"Biểu quyết lần {round_.number}: {label}",
               data={"round": round_.number, "choice": choice, "reason": reason})
        if choice == Choice.AGAINST.value:
            _tell_authors_against(plan, round_, voter, reason)
    else:
        if (choice == Choice.FOR.value and existing.choice == Choice.AGAINST.value
                and reason == existing.reason):
            # The page pre-fills the reason box with the reason against; a member turning to "Đồng ý"
            # without touching it does not mean that reason in favour.
            reason = ""
        if (existing.choice, existing.reason) != (choice, reason):
            before = existing.choice
            existing.choice, existing.reason = choice, reason
            existing.updated_at = utcnow()
            existing.changes += 1
            db.session.flush()
            record("vote_changed", plan, actor=voter, summary=f"Đổi biểu quyết lần {round_.number}: {label}",
                   data={"round": round_.number, "from": before, "to": choice, "reason": reason})
            if choice == Choice.AGAINST.value:
                _tell_authors_against(plan, round_, voter, reason)
    evaluate(plan, round_, actor=voter, expected=expected)
    return existing


def _tell_authors_against(plan: Plan, round_: ApprovalRound, voter: User, reason: str) -> None:
    notify([a for a in plan_authors(plan) if a.id != voter.id], "vote_against",
           f"{voter.full_name} không đồng ý {noun(plan)} “{plan.subject}” (lần trình {round_.number}). "
           f"Lý do: {_short(reason)}", link("approvals.review", plan_id=plan.id),
           subject=f"[Công đoàn] Không đồng ý: {plan.subject}")


def _short(text: str, limit: int = 500) -> str:
    """A reason or a comment as a notification quotes it: whole up to `limit` characters."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def tally(round_: ApprovalRound) -> tuple[int, int]:
    rows = dict(db.session.execute(
        sa.select(Vote.choice, sa.func.count()).where(Vote.round_id == round_.id).group_by(Vote.choice)).all())
    return rows.get(Choice.FOR.value, 0), rows.get(Choice.AGAINST.value, 0)


def counted_tally(round_: ApprovalRound) -> tuple[int, int, int]:
    """Votes for and against from members still in office, and the size of the committee now."""
    members = {m.id for m in committee_members()}
    rows = db.session.execute(sa.select(Vote.voter_id, Vote.choice).where(Vote.round_id == round_.id)).all()
    votes_for = sum(1 for voter, choice in rows if voter in members and choice == Choice.FOR.value)
    votes_against = sum(1 for voter, choice in rows if voter in members and choice == Choice.AGAINST.value)
    return votes_for, votes_against, len(members)


def evaluate(plan: Plan, round_: ApprovalRound, *, actor: User | None = None,
             expected: int | None = None) -> str | None:
    """Apply the decision rule to the round; decide it the moment the rule is met. `actor`: whose
    vote decided it (not told of what they have just seen happen); `expected`: the plan's status
    version their page showed (None: the one read in this request)."""
    votes_for, votes_against, members = counted_tally(round_)
    outcome = decide(round_.rule, members, votes_for, votes_against)
    if outcome.decision is None:
        return None
    _close(plan, round_, outcome.decision, outcome.note, decided_by=None, actor=actor, expected=expected)
    return outcome.decision


def chair_return(plan: Plan, *, actor: User, reason: str, expected: int | None = None) -> ApprovalRound:
    """The chair sends the plan back with a reason, whatever the votes so far. `expected`: the plan's
    status version the chair's page showed (None: the one read in this request)."""
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ValidationFailed({"return_reason": "Vui lòng ghi lý do trả lại."})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"return_reason": f"Lý do quá dài (tối đa {REASON_MAX} ký tự)."})
    if not is_chair(actor):
        raise PermissionDenied(f"Chỉ Chủ tịch mới được trả lại {noun(plan)} khi đang biểu quyết.")
    round_ = open_round(plan)
    if plan.state != PlanStatus.SUBMITTED or round_ is None:
        raise DomainError(f"Không thể trả lại: {noun(plan)} đang ở trạng thái “{plan.state.label}”.")
    _close(plan, round_, "return", f"Chủ tịch trả lại: {reason}", decided_by=actor, expected=expected)
    return round_


def _close(plan: Plan, round_: ApprovalRound, decision: str, note: str, *, decided_by: User | None,
           actor: User | None = None, expected: int | None = None) -> None:
    round_.status = RoundStatus.APPROVED.value if decision == "approve" else RoundStatus.RETURNED.value
    round_.decided_at = utcnow()
    round_.decision_note = note
    round_.decided_by_id = decided_by.id if decided_by else None
    apply(plan, decision, decided_by, expected=plan.version if expected is None else expected, summary=note,
          data={"round": round_.number})
    # The authors, the committee and the office holders: each once, the one who acted not at all.
    acted = decided_by or actor
    recipients = [u for u in plan_authors(plan) + committee_and_officers() if acted is None or u.id != acted.id]
    plan_link = link("plans.detail", plan_id=plan.id)
    if decision == "approve":
        notify(recipients, "plan_approved", f"{Noun(plan)} “{plan.subject}” đã được Ban Chấp hành duyệt. {note}",
               plan_link, subject=f"[Công đoàn] Đã duyệt: {plan.subject}")
    else:
        notify(recipients, "plan_returned",
               f"{Noun(plan)} “{plan.subject}” bị trả lại để sửa (lần trình {round_.number}). {note}"
               + _against_reasons(round_, decided_by), plan_link, subject=f"[Công đoàn] Trả lại: {plan.subject}")


def _against_reasons(round_: ApprovalRound, decided_by: User | None) -> str:
    """When the votes returned the plan, their reasons (the chair's own reason is already in the note)."""
    if decided_by is not None:
        return ""
    members = {m.id for m in committee_members()}
    rows = db.session.execute(
        sa.select(User.full_name, Vote.reason).join(User, User.id == Vote.voter_id)
        .where(Vote.round_id == round_.id, Vote.choice == Choice.AGAINST.value, Vote.voter_id.in_(members))
        .order_by(Vote.id)).all()
    lines = [f"\n- {name}: {_short(reason, 300)}" for name, reason in rows]
    return " Lý do không đồng ý:" + "".join(lines) if lines else ""


def comment(plan: Plan, *, author: User, text: str, section: str = "") -> RoundComment:
    text = clean_text(text, multiline=True)
    if not text:
        raise ValidationFailed({"comment": "Vui lòng nhập nội dung góp ý."})
    if len(text) > REASON_MAX:
        raise ValidationFailed({"comment": f"Góp ý quá dài (tối đa {REASON_MAX} ký tự)."})
    if not author.is_committee_member:
        raise PermissionDenied("Chỉ Ủy viên Ban Chấp hành mới góp ý trong vòng biểu quyết.")
    round_ = open_round(plan)
    if round_ is None:
        raise DomainError(f"{Noun(plan)} không ở trạng thái chờ biểu quyết.")
    sections = [s.title for s in plan.sections]
    section = clean_text(section)
    if section and section not in sections:
        raise DomainError(f"Mục được chọn không có trong {noun(plan)}.")
    item = RoundComment(round_id=round_.id, author_id=author.id, section=section, text=text)
    db.session.add(item)
    db.session.flush()
    record("plan_commented", plan, actor=author, summary=f"Góp ý{' mục ' + section if section else ''}",
           data={"round": round_.number, "section": section})
    notify([a for a in plan_authors(plan) if a.id != author.id], "plan_commented",
           f"{author.full_name} góp ý {noun(plan)} “{plan.subject}”{f' (mục “{section}”)' if section else ''}: "
           f"{_short(text)}", link("approvals.review", plan_id=plan.id),
           subject=f"[Công đoàn] Góp ý: {plan.subject}")
    return item


def amend(plan: Plan, *, actor: User) -> Plan:
    """Start an amendment of an approved plan: a new draft with its content that must be approved
    again. The approved plan stays exactly as it was."""
    if plan.state not in (PlanStatus.APPROVED, PlanStatus.ISSUED):
        raise DomainError(f"Chỉ sửa đổi được {noun(plan)} đã duyệt.")
    if not plan.can_amend(actor):
        raise PermissionDenied("Chỉ người soạn, Chủ tịch hoặc Phó Chủ tịch mới được khởi tạo bản sửa đổi.")
    pending = db.session.execute(sa.select(Plan).where(
        Plan.amends_plan_id == plan.id,
        Plan.status.in_([PlanStatus.DRAFT.value, PlanStatus.SUBMITTED.value, PlanStatus.RETURNED.value]))).scalar()
    if pending is not None:
        raise DomainError(f"Đã có một bản sửa đổi đang soạn ({noun(plan)} số {pending.id}).")
    if plan.document_kind.from_records:
        # A report's lines carry where their figures came from (origin, link, table data): copied
        # line by line, not through the document dict, so the amendment can still refresh them.
        from ..reports.service import amend_report
        new = amend_report(plan, actor=actor, summary=f"Bản sửa đổi của {noun(plan)} đã duyệt #{plan.id}")
    else:
        doc = to_document(load_plan_tree(plan.id))
        doc["date"] = None
        new = plan_creating.create_from_document(doc, actor=actor,
                                                 summary=f"Bản sửa đổi của {noun(plan)} đã duyệt #{plan.id}")
    new.amends_plan_id = plan.id
    record("plan_amendment_started", plan, actor=actor, summary=f"Bắt đầu bản sửa đổi ({noun(plan)} #{new.id})",
           data={"amendment": new.id})
    return new


def waiting_for(user: User) -> list[tuple[Plan, ApprovalRound]]:
    """Plans under vote on which this committee member has not voted yet ("Chờ bạn biểu quyết")."""
    if not user.is_committee_member:
        return []
    rows = db.session.execute(_waiting_statement(), {"user_id": user.id}).all()
    return [(p, r) for p, r in rows]


@functools.cache
def _waiting_statement() -> sa.Select:
    """Built once: the home page asks it of every committee member, and building it cost more than
    running it (0.2 ms); only the voter changes."""
    voted = sa.select(Vote.round_id).where(Vote.voter_id == sa.bindparam("user_id"))
    return (sa.select(Plan, ApprovalRound).join(ApprovalRound, ApprovalRound.plan_id == Plan.id)
            .where(ApprovalRound.status == RoundStatus.OPEN.value, ApprovalRound.id.not_in(voted))
            .order_by(ApprovalRound.deadline_at))


def remind_overdue(now: dt.datetime | None = None) -> int:
    """Tell the chair about every open round past its voting deadline (once per round per day)."""
    now = now or utcnow()
    overdue = db.session.execute(
        sa.select(ApprovalRound).where(ApprovalRound.status == RoundStatus.OPEN.value,
                                       ApprovalRound.deadline_at < now)).scalars().all()
    sent = 0
    for round_ in overdue:
        plan = db.session.get(Plan, round_.plan_id)
        votes_for, votes_against, members = counted_tally(round_)
        created = notify(chairs(), "vote_overdue",
                         f"Quá hạn biểu quyết {noun(plan)} “{plan.subject}”: {votes_for} đồng ý, {votes_against} không "
                         f"đồng ý, {members - votes_for - votes_against} chưa biểu quyết.",
                         link("approvals.review", plan_id=plan.id),
                         subject=f"[Công đoàn] Quá hạn biểu quyết: {plan.subject}",
                         dedup_key=f"vote-overdue-{round_.id}-{now.date().isoformat()}")
        if created:
            round_.reminded_at = now
            sent += len(created)
    db.session.flush()
    return sent
