"""The demo's year-end report: the past school year (congdoan/demo/past_year.py) drafted by the chair
from its records, as "Lập báo cáo tổng kết" does, and left as a draft, so that a newcomer opens a whole
year's report, writes section III, refreshes the figures, submits it and signs it."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..people import offices
from ..plans.kinds import REPORT
from ..plans.models import Plan
from ..reports import service
from .past_year import PastYear


def seed_past_report(past: PastYear | None) -> int:
    """Draft the report of the past year once; 0 when there is no past year or a report of that period
    exists already (seed-demo run again)."""
    chair = offices.current_chair()
    if past is None or chair is None:
        return 0
    existing = db.session.execute(sa.select(Plan.id).where(
        Plan.kind == REPORT.key, Plan.period_start == past.start, Plan.period_end == past.end).limit(1)).scalar()
    if existing is not None:
        return 0
    service.draft_report(past.start, past.end, actor=chair, sections=service.sections_for(past.start, past.end))
    return 1
