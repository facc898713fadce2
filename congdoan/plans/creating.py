"""Creating a plan (empty with the organisation's defaults, or from a document: the demo, a Word
import, an archived plan), copying one into a new draft moved to another year, and deleting a draft.
Services flush; the view commits once."""
from __future__ import annotations


from ..audit.service import record
from ..dates import local_today
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..organisation.models import Organisation
from ..people.models import User
from ..people.offices import current_chair
from ..text import clean_text
from . import copy_review
from .checks import LABEL_MAX, SUBJECT_MAX, checked_text
from .document import fill_plan, to_document
from .editing import refresh_keys
from .models import Plan, PlanStatus
from .versions import touch
from .workflow import Noun, noun
from .year_shift import shift_document


def chair_name() -> str:
    chair = current_chair()
    return chair.full_name if chair else ""


def new_document(subject: str, period: str = "") -> dict:
    """An empty plan document carrying the organisation's defaults."""
    org = Organisation.get()
    return {
        "format": 1, "type_name": "KẾ HOẠCH", "subject": subject, "period": period,
        "upper_union": org.upper_union, "union_name": org.name, "place": org.place_name, "date": None,
        "number": None, "bases": [], "opening": "", "sections": [], "schedule_title": "", "schedule": [],
        "recipients": org.recipient_lines,
        "signature": {"on_behalf": org.sign_on_behalf, "title": org.chair_title, "name": chair_name()},
    }


def create_plan(data: dict, *, actor: User) -> Plan:
    """A new draft with the subject and period given and everything else from the settings."""
    errors: dict[str, str] = {}
    subject = checked_text(data, "subject", "trích yếu (tên kế hoạch)", errors, max_len=SUBJECT_MAX, multiline=False)
    period = checked_text(data, "period", "thời gian", errors, required=False, max_len=LABEL_MAX, multiline=False)
    if errors:
        raise ValidationFailed(errors)
    return create_from_document(new_document(subject, period), actor=actor, summary="Tạo dự thảo kế hoạch")


def create_from_document(doc: dict, *, actor: User, summary: str, source: Plan | None = None,
                         archived: bool = False) -> Plan:
    """A new draft holding the given document (demo seed, Word import, copy of another plan).
    archived=True: a plan issued before the intranet, born archived with the number it was issued
    under (documents/word_import/modes.py); it never moves to another status and is never in the register."""
    if not clean_text(doc.get("subject")):
        raise ValidationFailed({"subject": "Vui lòng nhập trích yếu (tên kế hoạch)."})
    status = PlanStatus.ARCHIVED if archived else PlanStatus.DRAFT
    plan = Plan(author_id=actor.id, status=status.value, subject="", year=local_today().year,
                source_plan_id=source.id if source else None)
    db.session.add(plan)
    fill_plan(plan, doc)
    # a draft's number is given only when it is signed; an archived plan keeps its own
    plan.number = (clean_text(doc.get("number"))[:50] or None) if archived else None
    refresh_keys(plan)
    db.session.flush()
    touch(plan, actor, summary)
    return plan


def copy_plan(source: Plan, *, actor: User, shift: int = 0) -> Plan:
    """A new draft with everything of `source`; the plan's own years moved by `shift` years when
    asked (year_shift.py), and what the move could not settle stored as the draft's review list
    (copy_review.py). The copy has no number and no date: those belong to its own issuing."""
    if not source.can_view(actor):
        raise PermissionDenied(f"Bạn không có quyền xem {noun(source)} này.")
    ensure_copyable(source)
    if not actor.is_committee_member:
        raise PermissionDenied("Chỉ Ủy viên Ban Chấp hành mới được soạn kế hoạch.")
    if not -5 <= shift <= 5:
        raise ValidationFailed({"shift": "Chỉ dời được từ -5 đến 5 năm."})
    doc, found = shift_document(to_document(source), shift)
    doc["date"] = None
    doc["signature"]["name"] = doc["signature"].get("name") or chair_name()
    plan = create_from_document(doc, actor=actor, source=source,
                                summary=f"Tạo từ kế hoạch “{source.subject}”"
                                        + (f", dời {shift:+d} năm" if shift else ""))
    copy_review.record_findings(plan, found)
    return plan


def ensure_copyable(source: Plan) -> None:
    """"Tạo bản mới" (a copy moved to the next year) is for a kind with a schedule (a plan); a report
    is drafted from the records of its own period instead."""
    if not source.document_kind.has_schedule or source.document_kind.from_records:
        raise DomainError(f"{Noun(source)} được lập từ số liệu của từng kỳ, không tạo bản mới từ bản cũ: "
                          f"hãy lập {noun(source)} mới cho kỳ cần báo cáo.")


def delete_plan(plan: Plan, *, actor: User) -> None:
    if not plan.can_delete(actor):
        if plan.state != PlanStatus.DRAFT:
            raise DomainError(f"Chỉ xóa được {noun(plan)} đang là dự thảo.")
        raise PermissionDenied("Chỉ người soạn, Chủ tịch hoặc Phó Chủ tịch mới được xóa dự thảo này.")
    record("plan_deleted", plan, actor=actor, summary=f"Xóa dự thảo “{plan.subject}”")
    db.session.delete(plan)
    db.session.flush()
