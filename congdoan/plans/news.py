"""A plan is issued: who hears of it, and the home page's "Kế hoạch mới ban hành".

At issue the committee and the office holders (and the plan's authors) get "đã được ký ban hành"
through notify() (with e-mail where configured); every other active member gets "Kế hoạch mới: …"
in the app. The members' notifications are one INSERT … SELECT in the signing's transaction: a union
of 5,000 members costs one statement, not 5,000 objects (figures: docs/notifications.md). Members
get no e-mail here: sending the signed file by mail is the chair's deliberate act (plans/sending.py).

The home panel lists the plans issued in the last NEW_DAYS days that the member has not opened:
one query on signed_documents (indexed by issued_at) with a NOT EXISTS on plan_seen's primary key.
Opening an issued plan for the first time writes that row and marks read the member's notifications
that point to it.
"""
from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..dates import utcnow
from ..documents.models import SignedDocument
from ..extensions import db
from ..home.panels import Panel, provider
from ..links import link
from ..notifications.models import Notification
from ..notifications.service import notify
from ..people.audiences import active_member_ids, committee_and_officers
from ..people.models import User
from .authors import plan_authors
from .models import Plan, PlanStatus
from .news_models import PlanSeen
from .workflow import Noun

NEW_DAYS = 30
KIND_NEW = "plan_new"
KIND_ISSUED = "plan_issued"


def announce_issued(plan: Plan, number: str, actor: User) -> int:
    """Tell everyone of the plan just issued as `number`, each once and the signer not at all.
    Returns how many members were told in the app (besides the committee). Flushes, never commits."""
    plan_link = link("plans.detail", plan_id=plan.id)
    deciders = [u for u in committee_and_officers(excluding=actor) + plan_authors(plan) if u.id != actor.id]
    notify(deciders, KIND_ISSUED, f"{Noun(plan)} “{plan.subject}” đã được ký ban hành, số {number}.", plan_link,
                  subject=f"[Công đoàn] Ban hành: {number} {plan.subject}")
    skip = {actor.id} | {u.id for u in deciders}
    columns = ["user_id", "kind", "message", "link", "created_at", "dedup_key"]
    members = active_member_ids().where(User.id.not_in(sorted(skip))).add_columns(
        sa.literal(KIND_NEW), sa.literal(f"{Noun(plan)} mới: {plan.subject} (Số {number})"), sa.literal(plan_link),
        sa.literal(utcnow(), sa.DateTime), sa.literal(f"plan-new-{plan.id}"))
    result = db.session.execute(sa.insert(Notification).from_select(columns, members))
    _insert_seen(plan.id, actor.id)              # the signer has seen what they signed
    return result.rowcount or 0


def new_plans_for(user) -> list[sa.Row]:
    """(plan_id, subject, number, issued_on, kind) of the documents (plans, reports) issued in the last
    NEW_DAYS days that this member has not opened, newest first: one indexed query. `kind` is the
    register's abbreviation ("KH", "BC")."""
    cutoff = utcnow() - dt.timedelta(days=NEW_DAYS)
    return db.session.execute(_new_plans_statement(), {"user_id": user.id, "cutoff": cutoff}).all()


@functools.cache
def _new_plans_statement() -> sa.Select:
    """Built once: every home page asks it, and building it cost about as much as running it."""
    seen = sa.select(PlanSeen.plan_id).where(PlanSeen.plan_id == SignedDocument.plan_id,
                                             PlanSeen.user_id == sa.bindparam("user_id"))
    return (sa.select(SignedDocument.plan_id, SignedDocument.subject, SignedDocument.number,
                      SignedDocument.issued_on, SignedDocument.kind)
            .where(SignedDocument.issued_at >= sa.bindparam("cutoff", type_=SignedDocument.issued_at.type),
                   ~seen.exists())
            .order_by(SignedDocument.issued_at.desc(), SignedDocument.id.desc()))


def mark_seen(plan: Plan, user) -> bool:
    """The member opened this plan: once it is issued, remember it (the home panel drops it) and mark
    read their notifications that point to it. Returns whether anything was written: the caller commits."""
    if plan.state != PlanStatus.ISSUED or user is None or not user.is_authenticated:
        return False
    if db.session.execute(sa.select(PlanSeen.plan_id).where(PlanSeen.plan_id == plan.id,
                                                            PlanSeen.user_id == user.id)).first():
        return False
    _insert_seen(plan.id, user.id)
    db.session.execute(
        sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                      Notification.kind.in_([KIND_NEW, KIND_ISSUED]),
                                      Notification.link == link("plans.detail", plan_id=plan.id))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return True


def _insert_seen(plan_id: int, user_id: int) -> None:
    """Insert (plan, member) unless it is there: two tabs opening the plan at once write it once."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    db.session.execute(insert(PlanSeen).values(plan_id=plan_id, user_id=user_id, seen_at=utcnow())
                       .on_conflict_do_nothing())


@provider
def new_plans_panel(user):
    """Shown only when there is something new: a member with nothing to read sees no empty box."""
    items = new_plans_for(user)
    return Panel("plans/_new_plans_panel.html", {"items": items}, order=5) if items else None
