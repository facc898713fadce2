"""Which member has opened which issued plan: what empties the home page's "Kế hoạch mới ban hành"."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dates import utcnow
from ..extensions import db


class PlanSeen(db.Model):
    """One row the first time a member opens an issued plan. Its primary key (plan, member) is the
    index the home panel's NOT EXISTS reads; nothing is written at issue, whatever the union's size."""
    __tablename__ = "plan_seen"

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
