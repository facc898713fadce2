"""A Word import as the site runs it: the upload (converted from .doc or RTF
when it is one, legacy.py) read into a plan document (pipeline.py), completed for the chosen way in
(modes.py), stored as a new plan with the report kept in the audit trail; and that report read back
for the report page (report.py gives each line its link)."""
from __future__ import annotations

import sqlalchemy as sa

from ...audit.service import entries_for, record
from ...extensions import db
from ...errors import PermissionDenied, ValidationFailed
from ...people.models import Group, User
from ...plans.models import Plan
from ...text import clean_text, file_name, fit, fold, plain
from . import legacy, modes
from .pipeline import import_plan_docx
from .report import anchors as report_anchors
from .result import ImportFailed, ImportResult


def import_plan(data: bytes, filename: str, *, actor: User,
                mode: str = modes.DRAFT) -> tuple[Plan, ImportResult]:
    """A plan from an uploaded Word file (.docx; .doc and RTF converted by LibreOffice), with the
    report of what was not understood and the list of fields filled or kept (modes.py):
    mode "draft" makes a new draft of this union, "archive" keeps an issued plan as it was
    (status archived: its own number, never in the register).

    Refused: someone outside the committee; an unknown mode; a file that is not a readable Word
    plan (not Word, too large, too much text, encrypted, damaged, a .doc where LibreOffice is
    missing, without a subject).
    """
    from ...plans.document import fit_document
    from ...plans.creating import create_from_document, new_document

    if not actor.is_committee_member:
        raise PermissionDenied("Chỉ Ủy viên Ban Chấp hành mới được nhập kế hoạch.")
    if mode not in modes.MODES:
        raise ValidationFailed({"mode": "Vui lòng chọn cách nhập: dự thảo mới hoặc lưu trữ kế hoạch đã ban hành."})
    try:
        converted = legacy.to_docx(data)
        result = import_plan_docx(converted)
    except (ImportFailed, legacy.LegacyRefused) as exc:
        raise ValidationFailed({"file": str(exc)}) from None
    doc = result.document
    if not clean_text(doc.get("subject")):
        if converted is not data:   # LibreOffice reads a damaged file as plain text, without a plan in it
            raise ValidationFailed({"file": "Tệp .doc có thể bị hỏng: sau khi chuyển sang .docx không tìm thấy "
                                            "trích yếu (tên kế hoạch), cần dòng “KẾ HOẠCH” và tên kế hoạch "
                                            "ngay dưới. Hãy mở tệp bằng Word, lưu thành .docx rồi tải lên lại."})
        raise ValidationFailed({"file": "Không tìm thấy trích yếu (tên kế hoạch) trong tệp: cần dòng "
                                        "“KẾ HOẠCH” và tên kế hoạch ngay dưới."})
    defaults = new_document(doc["subject"], doc.get("period") or "")
    fields = modes.apply(doc, mode, defaults)
    for text, where in unknown_groups(doc):
        result.report.append(text)
        result.where.append(where)
    result.report.extend(fit_document(doc))
    name = file_name(filename, 200, default="ke-hoach.docx")
    archived = mode == modes.ARCHIVE
    plan = create_from_document(doc, actor=actor, archived=archived,
                                summary=(f"Lưu trữ kế hoạch đã ban hành từ tệp Word “{name}”" if archived
                                         else f"Nhập từ tệp Word “{name}”"))
    record("plan_imported", plan, actor=actor,
           summary=f"Báo cáo nhập từ Word: {len(result.report)} điểm cần xem lại",
           data={"file": name, "report": result.report, "anchors": report_anchors(plan, result),
                 "stats": result.stats, "mode": mode,
                 "fields": fields, "converted": converted is not data})
    return plan, result


def unknown_groups(doc: dict) -> list[tuple[str, tuple]]:
    """Responsible groups named in the schedule that are no group of this union (the file's "BCH",
    "Tổ Văn" where the union has other groups, or none): the plan cannot assign them (fill_plan
    assigns only this union's groups), so the report lists each such activity for a person to choose
    its group. The names stay in the report, not in the activity's text: the groups column is an
    assignment, which the Word file and the preview do not print even when it matched, so writing
    the names into the text would print words the file did not print there (and change the
    activity's wording); the report is kept with the plan ("Báo cáo nhập"), each line linking to its
    activity. Returns the report lines and the activities they concern."""
    known = set(db.session.execute(sa.select(Group.name_key)).scalars())
    lines = []
    for i, row in enumerate(doc.get("schedule") or []):
        for j, activity in enumerate(row.get("activities") or []):
            names = [clean_text(n) for n in activity.get("groups") or [] if clean_text(n)]
            unknown = [n for n in names if fold(n) not in known]
            if not unknown:
                continue
            quoted = "”, “".join(unknown)
            lines.append((f"Tổ phụ trách “{quoted}” không có trong danh sách tổ: chưa gán cho việc "
                          f"“{fit(plain(activity.get('text')), 60)}” — hãy chọn tổ phụ trách.",
                          ("activity", i, j)))
    return lines


def import_report(plan: Plan) -> dict | None:
    """The report kept when the plan was imported from Word (None if it was not)."""
    import json
    for entry in entries_for("plans", plan.id):
        if entry.action == "plan_imported":
            return json.loads(entry.data)
    return None
