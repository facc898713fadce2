"""Who authors a plan: the people told of every comment and every vote against it — its author and
its co-editors (plans/coeditors.py)."""
from __future__ import annotations

from ..people.models import User
from .coeditors import authors_of
from .models import Plan


def plan_authors(plan: Plan) -> list[User]:
    """The author, then the co-editors, active ones only."""
    return [person for person in authors_of(plan) if person is not None and person.active]
