"""Small factories for plans in tests."""
from congdoan.extensions import db
from congdoan.plans import creating as plan_creating
from congdoan.plans.models import PlanStatus


def make_plan(author, subject="Kế hoạch thử năm học 2024 - 2025", *, status: PlanStatus | None = None,
              sections=None, schedule=None, bases=None, **fields):
    doc = plan_creating.new_document(subject, fields.pop("period", ""))
    doc["bases"] = bases if bases is not None else ["Căn cứ Điều lệ Công đoàn Việt Nam;"]
    doc["sections"] = sections if sections is not None else [
        {"title": "MỤC ĐÍCH, YÊU CẦU", "lines": [{"kind": "bullet", "level": 0, "text": "Dòng một."},
                                                 {"kind": "bullet", "level": 0, "text": "Dòng hai."}]},
        {"title": "NỘI DUNG", "lines": [{"kind": "subsection", "level": 0, "text": "Việc chính"},
                                        {"kind": "paragraph", "level": 0, "text": "Đoạn văn."}]}]
    doc["schedule"] = schedule if schedule is not None else [
        {"period": "9/2024", "activities": [{"text": "Họp BCH", "groups": [], "due": None}]},
        {"period": "6, 7/2025", "activities": [{"text": "Tổng kết", "groups": [], "due": "2025-07-31"}]}]
    doc.update(fields)
    plan = plan_creating.create_from_document(doc, actor=author, summary="Tạo (thử)")
    if status is not None:
        # Test set-up only: the approval workflow is the one writer of the status in the app.
        plan.status = status.value
        if status == PlanStatus.ISSUED:
            plan.number = "01/KH-CĐ"
    db.session.commit()
    return plan
