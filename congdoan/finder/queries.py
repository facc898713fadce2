"""What one search finds in each area, through that area's own visibility rule:

- plans: plans.services.visible_plans (the plan list's rule: the committee sees every plan, everyone
  else the approved and issued ones and their own drafts), their whole text (search_text);
- tasks: tasks.models.visible_to (the boards' rule: the committee every task, a member their group's);
- requests: requests.queries.visible_to (MemberRequest.can_view in SQL: private kinds only for the
  requester, the committee and the accountant);
- people: only for those who manage accounts (the people list is theirs alone).

Each area costs one statement for its page of hits whatever their number, and the counts of all four
one statement together; a plan's text for its snippet is read for the hits shown only.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup

from ..extensions import db
from ..people.models import Group, User
from ..permissions import Perm, has_permission
from ..plans.models import Plan, PlanStatus, PlanVersion
from ..plans.services import visible_plans
from ..requests.kinds import kind_of
from ..requests.models import MemberRequest, status_label
from ..requests.queries import visible_to as requests_visible_to
from ..tasks.models import COMMITTEE_LABEL, STATUS_LABELS as TASK_STATUS_LABELS, Task
from ..tasks.models import visible_to as tasks_visible_to
from ..text import plain
from ..web import cached_url_for
from .highlight import mark, snippet
from .keys import document_texts, request_texts

PREVIEW = 10            # hits per area on the overview
PAGE_SIZE = 20          # hits per page of one area
INACTIVE = "Đã ngừng"

PLANS, TASKS, REQUESTS, PEOPLE = "ke-hoach", "cong-viec", "de-xuat", "doan-vien"
LABELS = {PLANS: "Kế hoạch", TASKS: "Công việc", REQUESTS: "Đề xuất", PEOPLE: "Đoàn viên"}


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(column, words: list[str]):
    """Every word starts a word of `column`, a search text with a leading space (keys.py)."""
    return sa.and_(*(column.like(f"% {_escaped(w)}%", escape="\\") for w in words))


def _people_text():
    """People are searched on columns kept folded already (name, group) and the e-mail, its parts
    split: a renamed group needs no rewrite of its members."""
    email = User.email
    for mark_ in ("@", ".", "-", "_", "+"):
        email = sa.func.replace(email, mark_, " ")
    return (sa.literal(" ", sa.String) + User.name_key + " " + email + " "
            + sa.func.coalesce(Group.name_key, ""))


@dataclass
class Hit:
    title: Markup
    url: str
    meta: list[str] = field(default_factory=list)
    snippet: Markup | None = None


@dataclass
class Area:
    key: str
    total: int
    hits: list[Hit]

    @property
    def label(self) -> str:
        return LABELS[self.key]


def areas_for(user) -> list[str]:
    """The areas this person searches, in the order the page shows them."""
    keys = [PLANS, TASKS, REQUESTS]
    if has_permission(user, Perm.PEOPLE_MANAGE):
        keys.append(PEOPLE)
    return keys


def _where(key: str, user, words: list[str]) -> tuple:
    """(FROM, WHERE clauses) of an area for this person and these words."""
    if key == PLANS:
        seen = visible_plans(user).whereclause
        return Plan, [c for c in (seen, matches(Plan.search_text, words)) if c is not None]
    if key == TASKS:
        return Task, [tasks_visible_to(user), matches(Task.search_text, words)]
    if key == REQUESTS:
        return MemberRequest, [requests_visible_to(user), matches(MemberRequest.search_text, words)]
    return (sa.join(User, Group, Group.id == User.group_id, isouter=True),
            [matches(_people_text(), words)])


def counts(user, words: list[str], keys: list[str]) -> dict[str, int]:
    """How many hits each area has, in one statement."""
    subqueries = []
    for key in keys:
        source, where = _where(key, user, words)
        subqueries.append(sa.select(sa.func.count()).select_from(source).where(*where).scalar_subquery())
    return dict(zip(keys, db.session.execute(sa.select(*subqueries)).one()))


def hits(key: str, user, words: list[str], *, limit: int, offset: int = 0) -> list[Hit]:
    return _FINDERS[key](user, words, limit, offset)


def _plans(user, words, limit, offset) -> list[Hit]:
    _, where = _where(PLANS, user, words)
    rows = db.session.execute(
        sa.select(Plan.id, Plan.status, Plan.subject, Plan.number, Plan.updated_at, PlanVersion.content)
        .outerjoin(PlanVersion, sa.and_(PlanVersion.plan_id == Plan.id, PlanVersion.number == Plan.version_count))
        .where(*where).order_by(Plan.updated_at.desc(), Plan.id.desc()).limit(limit).offset(offset)).all()
    out = []
    for plan_id, status, subject, number, updated_at, content in rows:
        try:
            texts = [plain(t) for t in document_texts(json.loads(content))] if content else [subject]
        except ValueError:
            texts = [subject]
        body = [t for t in texts if t != subject]
        meta = [PlanStatus(status).label] + ([f"Số {number}"] if number else [])
        out.append(Hit(mark(subject, words), cached_url_for("plans.detail", plan_id=plan_id), meta,
                       snippet(body, words)))
    return out


def _tasks(user, words, limit, offset) -> list[Hit]:
    _, where = _where(TASKS, user, words)
    rows = db.session.execute(
        sa.select(Task.id, Task.title, Task.note, Task.result_note, Task.status, Task.due_date, Group.name,
                  Plan.subject)
        .join(Plan, Plan.id == Task.plan_id).outerjoin(Group, Group.id == Task.group_id)
        .where(*where).order_by(Task.due_date.desc(), Task.id.desc()).limit(limit).offset(offset)).all()
    return [Hit(mark(title, words), cached_url_for("tasks.detail", task_id=task_id),
                [group or COMMITTEE_LABEL, TASK_STATUS_LABELS[status], f"Hạn {_date(due)}", subject],
                snippet([t for t in (note, result_note) if t], words))
            for task_id, title, note, result_note, status, due, group, subject in rows]


def _requests(user, words, limit, offset) -> list[Hit]:
    _, where = _where(REQUESTS, user, words)
    R = MemberRequest
    rows = db.session.execute(
        sa.select(R.id, R.kind, R.status, R.summary, R.details, R.submitted_at, User.full_name)
        .join(User, User.id == R.requester_id)
        .where(*where).order_by(R.id.desc()).limit(limit).offset(offset)).all()
    out = []
    for request_id, kind, status, summary, details, submitted_at, requester in rows:
        spec = kind_of(kind)
        title = spec.label + (f": {summary}" if summary else "")
        shown = request_texts(spec.label, summary, spec.display(details or {}))[2:]
        out.append(Hit(mark(title, words), cached_url_for("requests.detail", request_id=request_id),
                       [requester, status_label(status, kind), f"Gửi {_date(submitted_at)}"],
                       snippet(shown, words)))
    return out


def _people(user, words, limit, offset) -> list[Hit]:
    _, where = _where(PEOPLE, user, words)
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.email, User.active, Group.name)
        .outerjoin(Group, Group.id == User.group_id)
        .where(*where).order_by(User.sort_key, User.id).limit(limit).offset(offset)).all()
    return [Hit(mark(name, words), cached_url_for("people.index", q=email, trang_thai="all"),
                [group or "Chưa thuộc tổ nào"] + ([] if active else [INACTIVE]), mark(email, words))
            for _, name, email, active, group in rows]


def _date(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if value else ""


_FINDERS = {PLANS: _plans, TASKS: _tasks, REQUESTS: _requests, PEOPLE: _people}
