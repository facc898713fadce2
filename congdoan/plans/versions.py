"""A plan's history: every saved change recorded as a full snapshot version (with its audit entry),
the versions read back, and the timeline of its events from the audit trail."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.service import record
from ..dates import utcnow
from ..errors import DomainError
from ..extensions import db
from ..finder.keys import plan_key
from ..people.models import User
from .document import canonical, content_hash, to_document
from .models import Plan, PlanVersion
from .stale import part_key as _part_key
from .workflow import noun


def touch(plan: Plan, actor: User | None, summary: str, *, part=None) -> PlanVersion:
    """Record a saved change: a full snapshot version, the audit entry, the modification time."""
    plan.updated_at = utcnow()
    db.session.flush()
    doc = to_document(plan)
    plan.version_count = (plan.version_count or 0) + 1
    plan.search_text = plan_key(doc)
    version = PlanVersion(plan_id=plan.id, number=plan.version_count, author_id=getattr(actor, "id", None),
                          summary=summary[:300], part_key=_part_key(part) if part is not None else None,
                          content=canonical(doc), content_hash=content_hash(doc))
    db.session.add(version)
    record("plan_created" if version.number == 1 else "plan_edited", plan, actor=actor, summary=summary,
           data={"version": version.number, "hash": version.content_hash})
    db.session.flush()
    return version


def last_version(plan_id: int) -> PlanVersion | None:
    return db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan_id)
        .order_by(PlanVersion.number.desc()).limit(1)).scalar()


def versions(plan: Plan) -> list[PlanVersion]:
    return db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number.desc())
        .options(sa.orm.joinedload(PlanVersion.author), sa.orm.defer(PlanVersion.content))).scalars().all()


def get_version(plan: Plan, number: int) -> PlanVersion:
    version = db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == number)).scalar()
    if version is None:
        raise DomainError(f"Không có phiên bản số {number} của {noun(plan)} này.")
    return version


@dataclass
class TimelineEvent:
    action: str
    actor: str
    at: dt.datetime
    summary: str
    count: int = 1
    first_at: dt.datetime | None = None


def timeline(plan: Plan, limit: int = 400) -> list[TimelineEvent]:
    """The plan's events from the audit trail, newest first; consecutive edits by one person are
    folded into one line ("Sửa 12 lần") so the decisions stay visible."""
    from ..audit.service import entries_for
    events: list[TimelineEvent] = []
    for entry in entries_for("plans", plan.id, limit):
        name = entry.actor.full_name if entry.actor else "Hệ thống"
        last = events[-1] if events else None
        if (last and entry.action == "plan_edited" and last.action == "plan_edited" and last.actor == name):
            last.count += 1
            last.first_at = entry.created_at
            continue
        events.append(TimelineEvent(entry.action, name, entry.created_at, entry.summary))
    return events
