"""A save made from a copy of a part that someone has changed meanwhile is refused (never a silent
overwrite), and the message says who changed that very part and when.

Every editable part carries `rev`, bumped on each change; each saved version records the part it
changed (`PlanVersion.part_key`), so the name is the one who last saved this part, not whoever saved
the plan last (with several editors, often someone else, or the person themselves)."""
from __future__ import annotations

import sqlalchemy as sa

from ..dates import fmt_datetime
from ..errors import StaleError
from ..extensions import db
from .models import PlanVersion


class StaleEdit(StaleError):
    """The part changed since the editor loaded it; `current` is what it holds now."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


def part_key(part) -> str:
    """"plan_lines:12"; "plans:3" for the plan's own fields (header, opening, closing)."""
    return f"{part.__tablename__}:{part.id}"


def check_rev(obj, rev, label: str, describe) -> None:
    """Refuse (StaleEdit) unless `rev` is the part's current revision."""
    try:
        rev = int(rev)
    except (TypeError, ValueError):
        rev = -1
    if obj.rev == rev:
        return
    last = db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == getattr(obj, "plan_id", obj.id),
                                     PlanVersion.part_key == part_key(obj))
        .order_by(PlanVersion.number.desc()).limit(1)).scalar()
    who = (f"{last.author.full_name} sửa lúc {fmt_datetime(last.created_at)}" if last and last.author
           else "người khác sửa")
    raise StaleEdit(f"{label[0].upper() + label[1:]} này vừa được {who}, trong lúc bạn đang sửa. "
                    f"Nội dung hiện tại: “{describe(obj)}”. Bản của bạn vẫn còn trong ô nhập: "
                    f"hãy xem lại rồi lưu lần nữa nếu vẫn muốn thay.", current=obj)
