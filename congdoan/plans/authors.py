"""Who authors a plan: the people told of every comment and every vote against it.

One function so that co-editors, when a plan has them, are added here and nowhere else.
"""
from __future__ import annotations

from ..extensions import db
from ..people.models import User
from .models import Plan


def plan_authors(plan: Plan) -> list[User]:
    """The people who author this plan: today its author."""
    author = plan.author if plan.author is not None else db.session.get(User, plan.author_id)
    return [author] if author is not None else []
