"""The Word template of each kind: the union's own plan template (uploaded, checked, chosen, deleted) or the
built-in file under templates/docx/. Flush only; the view commits."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ..audit.service import record
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..organisation.models import Organisation
from ..people.models import User
from ..plans.kinds import PLAN, DocumentKind
from ..text import file_name
from .ceilings import MAX_TEMPLATE_UPLOAD
from .models import PlanTemplate
from .render import TemplateError, builtin_template, check_template
from .verification import sha256_hex

MAX_TEMPLATE_BYTES = MAX_TEMPLATE_UPLOAD

# What each required placeholder prints, for the message that refuses a template without it.
PLACEHOLDER_LABELS = {
    "draft": "dấu “DỰ THẢO” của bản chưa ban hành",
    "upper_union": "tên công đoàn cấp trên",
    "union_name": "tên công đoàn cơ sở",
    "number": "số văn bản",
    "motto_line1": "quốc hiệu",
    "motto_line2": "tiêu ngữ",
    "date_line": "địa danh và ngày tháng",
    "type_name": "tên loại văn bản (KẾ HOẠCH)",
    "subject": "trích yếu",
    "bases": "các căn cứ",
    "opening": "đoạn mở đầu",
    "sections": "các mục nội dung",
    "schedule_title": "tiêu đề lịch công tác",
    "schedule": "bảng lịch công tác",
    "recipients": "nơi nhận",
    "signature": "khối chữ ký",
    "signature_image": "ảnh chữ ký và con dấu",
    "verify": "mã xác thực và mã QR",
}


def kind_template(kind: DocumentKind, org: Organisation | None = None) -> bytes | Path | None:
    """The Word template a document of this kind is rendered with: for a plan, the union's own
    template when one is active (None: the built-in one); for another kind its built-in file under
    templates/docx/ (a union's uploaded template is a plan's and lacks the kind's parts)."""
    if kind.key == PLAN.key:
        return active_template_bytes(org)
    path = builtin_template(kind)
    return path if path.exists() else None


def active_template(org: Organisation | None = None) -> PlanTemplate | None:
    org = org or Organisation.get()
    return db.session.get(PlanTemplate, org.plan_template_id) if org.plan_template_id else None


def active_template_bytes(org: Organisation | None = None) -> bytes | None:
    """The union's own template, or None for the built-in file."""
    template = active_template(org)
    return template.data if template is not None else None


def list_templates() -> list[PlanTemplate]:
    return db.session.execute(sa.select(PlanTemplate).order_by(PlanTemplate.uploaded_at.desc(),
                                                               PlanTemplate.id.desc())).scalars().all()


def template_name(template_id: int | None) -> str:
    """The file name an uploaded template is known by ("" for the built-in one or none)."""
    template = db.session.get(PlanTemplate, template_id) if template_id else None
    return template.filename if template is not None else ""


def describe_missing(missing: list[str]) -> str:
    names = ", ".join(f"{{{{ {name} }}}} ({PLACEHOLDER_LABELS.get(name, name)})" for name in missing)
    return f"Mẫu Word thiếu chỗ đặt bắt buộc: {names}. Hãy thêm vào mẫu rồi tải lên lại."


def upload_template(filename: str, data: bytes, *, actor: User) -> PlanTemplate:
    """Store a replacement Word template and make it the active one.

    Refused: an empty or over-large file, a file that is not a usable .docx template (bad tags,
    unknown names), a template lacking a required placeholder (the message names each one).
    """
    if not data:
        raise ValidationFailed({"template": "Chưa chọn tệp mẫu Word (.docx)."})
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed({"template": f"Tệp mẫu quá lớn ({len(data) / 1024 / 1024:.1f} MB); tối đa 5 MB."})
    try:
        missing = check_template(data)
    except TemplateError as exc:
        raise ValidationFailed({"template": str(exc)}) from None
    if missing:
        raise ValidationFailed({"template": describe_missing(missing)})
    name = file_name(filename, 200, default="mau-ke-hoach.docx")   # the column holds 200
    template = PlanTemplate(filename=name, data=data, sha256=sha256_hex(data), size=len(data),
                            uploaded_by_id=actor.id)
    db.session.add(template)
    db.session.flush()
    org = Organisation.get_for_update()
    org.plan_template_id = template.id
    record("template_uploaded", template, actor=actor, summary=f"Tải lên và dùng mẫu Word “{name}”",
           data={"sha256": template.sha256, "size": template.size})
    return template


def use_template(template_id: int | None, *, actor: User) -> None:
    """Make an uploaded template the active one, or go back to the built-in one (None)."""
    org = Organisation.get_for_update()
    if template_id is None:
        if org.plan_template_id is not None:
            org.plan_template_id = None
            record("template_activated", org, actor=actor, summary="Dùng lại mẫu Word mặc định")
        db.session.flush()
        return
    template = db.session.get(PlanTemplate, template_id)
    if template is None:
        raise DomainError("Không có mẫu Word này.")
    if org.plan_template_id != template.id:
        org.plan_template_id = template.id
        record("template_activated", template, actor=actor, summary=f"Dùng mẫu Word “{template.filename}”")
    db.session.flush()


def delete_template(template_id: int, *, actor: User) -> None:
    """Delete an uploaded template that is not in use (signed files keep their own bytes)."""
    template = db.session.get(PlanTemplate, template_id)
    if template is None:
        raise DomainError("Không có mẫu Word này.")
    if Organisation.get().plan_template_id == template.id:
        raise DomainError("Mẫu này đang được dùng. Hãy chọn mẫu khác (hoặc mẫu mặc định) trước khi xóa.")
    record("template_deleted", template, actor=actor, summary=f"Xóa mẫu Word “{template.filename}”")
    db.session.delete(template)
    db.session.flush()
