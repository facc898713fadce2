"""What one search finds in each area, through that area's own visibility rule:

- plans: plans.queries.visible_plans (the plan list's rule: the committee sees every plan, everyone
  else the approved and issued ones and their own drafts), their whole text (search_text);
- tasks: tasks.models.visible_to (the boards' rule: the committee every task, a member their group's);
- requests: requests.queries.visible_ids (MemberRequest.can_view in SQL: private kinds only for the
  requester, the committee and the accountant);
- people: only for those who manage accounts (the people list is theirs alone).

Each area costs one statement whatever the number of hits: the page of ids and their count in one pass
(a window count), then only those rows joined to what the page shows (a plan's text for its snippet is
read for the plans shown only). The hits are counted up to CAP (or to the page asked for, if further):
past it an area says "hơn 100", and the rows are read in the area's order only until the cap is reached
(with common words, a few hundred rows instead of every one of a factory union's 300,000 tasks).

On SQLite an area with few candidates is read through its FTS5 index instead (fts.py): when at most FEW
rows hold a token starting with each word, only those rows are read by id, tested by the same LIKE and
rule, and sorted; past FEW the rows are read in the area's order as above (many candidates, so the first
CAP + 1 hits come soon). Both ways are one statement, the choice made inside it (_ids).

On PostgreSQL the trigram index narrows tasks and requests; plans, whose texts are too wide for it to pay,
are narrowed by an index of their words (words.py) in the same two ways (_plans_by_words).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup

from ..extensions import db
from ..people.models import Group, User
from ..permissions import Perm, has_permission
from ..plans.models import Plan, PlanStatus, PlanVersion
from ..plans.queries import visible_plans
from ..member_requests.kinds import kind_of
from ..member_requests.models import MemberRequest, status_label
from ..member_requests.queries import visible_ids as requests_visible_ids
from ..tasks.models import COMMITTEE_LABEL, STATUS_LABELS as TASK_STATUS_LABELS, Task
from ..tasks.models import visible_to as tasks_visible_to
from ..text import plain
from . import fts, words as plan_words
from .highlight import mark, snippet
from .keys import document_texts, request_texts

PREVIEW = 10            # hits per area on the overview
PAGE_SIZE = 20          # hits per page of one area
CAP = 100               # hits counted before an area says "hơn 100" (more words narrow it)
FEW = 1000              # FTS5 candidates up to which an area reads them by id rather than in its order
WINDOW = 4              # PostgreSQL's plans, many candidates: newest plans read per hit sought (_plans_by_words)
INACTIVE = "Đã ngừng"

PLANS, TASKS, REQUESTS, PEOPLE = "ke-hoach", "cong-viec", "de-xuat", "doan-vien"
LABELS = {PLANS: "Kế hoạch", TASKS: "Công việc", REQUESTS: "Đề xuất", PEOPLE: "Đoàn viên"}
_TABLES = {PLANS: "plans", TASKS: "tasks", REQUESTS: "member_requests"}     # the areas an FTS5 index narrows


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
    total: int          # counted up to a cap: past it, `more` is set and total is the cap + 1
    hits: list[Hit]
    page: int = 1
    more: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def total_text(self) -> str:
        """The number of hits as the page says it: "37", or "hơn 100" past the cap."""
        return f"hơn {self.total - 1}" if self.more else str(self.total)


def areas_for(user) -> list[str]:
    """The areas this person searches, in the order the page shows them."""
    keys = [PLANS, TASKS, REQUESTS]
    if has_permission(user, Perm.PEOPLE_MANAGE):
        keys.append(PEOPLE)
    return keys


def _where(key: str, user, words: list[str]) -> tuple:
    """(FROM, WHERE clauses) of an area for this person and these words. The words first: SQLite tests
    the clauses in order, and most rows fail the words before a visibility rule's subquery runs."""
    if key == PLANS:
        # Outside the committee the rule (approved and issued plans, and one's own) as a filter on the plans
        # read in order: left bare, SQLite answers its OR from two indexes, reading every approved plan and
        # sorting them all (19 ms for a member at issue 20's scale, 5 ms for the chair, who has no rule).
        return Plan, [matches(Plan.search_text, words), *(sa.case((c, 1), else_=0) == 1 for c in _plans_seen(user))]
    if key == TASKS:
        return Task, [matches(Task.search_text, words), tasks_visible_to(user)]
    if key == REQUESTS:
        # Outside the committee, the few requests this person may see, by id (requests.queries.visible_ids);
        # the committee and the accountant see them all.
        seen = requests_visible_ids(user)
        return MemberRequest, [matches(MemberRequest.search_text, words),
                               *([] if seen is None else [MemberRequest.id.in_(seen)])]
    return (sa.join(User, Group, Group.id == User.group_id, isouter=True),
            [matches(_people_text(), words)])


def _ids_column(key: str):
    return {PLANS: Plan.id, TASKS: Task.id, REQUESTS: MemberRequest.id, PEOPLE: User.id}[key]


def _candidates(key: str, words: list[str]) -> sa.Select | None:
    """The ids the area's FTS5 index gives for these words (a superset of the hits), or None where there is
    no such index (PostgreSQL, people) or no word it can take (fts.match_query)."""
    if key not in _TABLES or not fts.enabled(db.session.get_bind()):
        return None
    query = fts.match_query(words)
    return None if query is None else fts.candidates(_TABLES[key], query)


def _ids(key: str, user, words: list[str], order: tuple, limit: int, offset: int, cap: int):
    """The ids of one page of an area's hits in order, each with the number of hits up to `cap` + 1: the
    first cap + 1 hits in order (read in the order's index, stopping there), the page taken from them,
    the count a window over them. `order` is (column, descending) pairs.

    With FTS5 candidates (SQLite) the first cap + 1 hits come from one of two branches of a UNION ALL:
    at most FEW candidates (counted by the index, stopping at FEW + 1), and only these rows are read, by
    id, then sorted; more, and the rows are read in order as without the index. The choice is each
    branch's LIMIT, cap + 1 or 0: SQLite computes a LIMIT once, before the branch's loop, and runs no loop
    for a LIMIT of 0 (a constant test in the WHERE clause would be tested on every row read)."""
    source, where = _where(key, user, words)
    column = _ids_column(key)
    keys = [c.label(f"k{i}") for i, (c, _) in enumerate(order)]

    def first(*extra, limit=cap + 1) -> sa.Select:
        return (sa.select(column.label("id"), *keys).select_from(source).where(*extra, *where)
                .order_by(*(c.desc() if desc else c for c, desc in order)).limit(limit))

    candidates = _candidates(key, words)
    query = _plan_words(key, words) if candidates is None else None
    if query is not None:
        hits = _plans_by_words(query, user, words, keys, order, cap)
    elif candidates is None:
        hits = first().subquery()
    else:
        counted = sa.select(sa.func.count()).select_from(candidates.limit(FEW + 1).subquery()).scalar_subquery()
        few = counted <= FEW
        by_id = first(column.in_(candidates), limit=sa.case((few, cap + 1), else_=0))
        in_order = first(limit=sa.case((few, 0), else_=cap + 1))
        hits = sa.union_all(sa.select(by_id.subquery()), sa.select(in_order.subquery())).subquery()
    return (sa.select(hits.c.id, sa.func.count().over().label("total"))
            .order_by(*(hits.c[f"k{i}"].desc() if desc else hits.c[f"k{i}"] for i, (_, desc) in enumerate(order)))
            .limit(limit).offset(offset).subquery())


def _plan_words(key: str, words: list[str]) -> str | None:
    """On PostgreSQL, the plans area's query of its words index (words.py), or None elsewhere, in other
    areas, or when no word can be sent."""
    if key != PLANS or not plan_words.enabled(db.session.get_bind()):
        return None
    return plan_words.tsquery(words)


def _plans_seen(user) -> list:
    """The plans rule for this person as WHERE clauses (none for the committee)."""
    seen = visible_plans(user).whereclause
    return [] if seen is None else [seen]


def _plans_matching(query: str, user, words: list[str], keys: list, order: tuple) -> sa.Select:
    """The plans this person may see that hit the words, in order, read from their candidates only:
    sorted behind an OFFSET 0 fence, then tested by the LIKE as they come, so that the planner can neither
    answer the LIKE from the trigram index nor test it on every plan."""
    candidates = plan_words.candidates(query).subquery()
    ordered = (sa.select(Plan.id.label("id"), *keys, Plan.search_text.label("text"))
               .join(candidates, candidates.c.id == Plan.id).where(*_plans_seen(user))
               .order_by(*(c.desc() if desc else c for c, desc in order)).offset(0).subquery())
    return sa.select(ordered.c.id, *(ordered.c[k.name] for k in keys)).where(matches(ordered.c.text, words))


def _plans_by_words(query: str, user, words: list[str], keys: list, order: tuple, cap: int) -> sa.Subquery:
    """PostgreSQL's plans area: the first cap + 1 hits in order, from one of two branches of a UNION ALL,
    as SQLite's FTS5 path in _ids. The words index counts its candidates up to FEW + 1. At most FEW: the
    candidates are sorted and read (_plans_matching). More: the newest WINDOW x (cap + 1) plans are read in
    the order's index and tested, and when they hold fewer than cap + 1 hits (many candidates, but not
    among the newest) the candidates are read after all. The branches' LIMITs make the choice: a LIMIT of 0
    runs nothing below it."""
    sort = [c.desc() if desc else c for c, desc in order]
    counted = (sa.select(sa.func.count()).select_from(plan_words.candidates(query, FEW + 1).subquery())
               .scalar_subquery())
    newest = (sa.select(Plan.id.label("id"), *keys, Plan.search_text.label("text"))
              .where(*_plans_seen(user)).order_by(*sort)
              .limit(sa.case((counted > FEW, WINDOW * (cap + 1)), else_=0)).subquery())
    window = (sa.select(newest.c.id, *(newest.c[k.name] for k in keys)).where(matches(newest.c.text, words))
              .limit(cap + 1).cte("plan_window").prefix_with("MATERIALIZED"))
    enough = sa.select(sa.func.count()).select_from(window).scalar_subquery() > cap
    from_window = sa.select(window).limit(sa.case((enough, cap + 1), else_=0))
    from_all = _plans_matching(query, user, words, keys, order).limit(sa.case((enough, 0), else_=cap + 1))
    return sa.union_all(sa.select(from_window.subquery()), sa.select(from_all.subquery())).subquery()


def count(key: str, user, words: list[str]) -> int:
    """Every hit of an area counted (a page asked for past the last): the FTS5 candidates only, if any."""
    query = _plan_words(key, words)
    if query is not None:
        hits = _plans_matching(query, user, words, [Plan.id.label("k0")], ((Plan.id, True),)).subquery()
        return db.session.execute(sa.select(sa.func.count()).select_from(hits)).scalar() or 0
    source, where = _where(key, user, words)
    candidates = _candidates(key, words)
    if candidates is not None:
        where = [_ids_column(key).in_(candidates), *where]
    return db.session.execute(sa.select(sa.func.count()).select_from(source).where(*where)).scalar() or 0


def area(key: str, user, words: list[str], *, page: int = 1, size: int = PREVIEW) -> Area:
    """One page of an area's hits and their number, counted up to CAP or to the end of this page if
    further: one statement (two for a page past the last)."""
    page = max(page, 1)
    cap = max(CAP, page * size)
    total, found = _FINDERS[key](user, words, size, (page - 1) * size, cap)
    if not found and page > 1:
        total = count(key, user, words)
        last = max((total + size - 1) // size, 1)
        cap = max(CAP, last * size)
        if total:
            total, found = _FINDERS[key](user, words, size, (last - 1) * size, cap)
        page = last
    return Area(key, total, found, page, more=total > cap)


def _plans(user, words, limit, offset, cap) -> tuple[int, list[Hit]]:
    ids = _ids(PLANS, user, words, ((Plan.updated_at, True), (Plan.id, True)), limit, offset, cap)
    order = (Plan.updated_at.desc(), Plan.id.desc())
    rows = db.session.execute(
        sa.select(ids.c.total, Plan.id, Plan.status, Plan.subject, Plan.number, PlanVersion.content)
        .join(ids, ids.c.id == Plan.id)
        .outerjoin(PlanVersion, sa.and_(PlanVersion.plan_id == Plan.id, PlanVersion.number == Plan.version_count))
        .order_by(*order)).all()
    out = []
    for _, plan_id, status, subject, number, content in rows:
        try:
            texts = [plain(t) for t in document_texts(json.loads(content))] if content else [subject]
        except ValueError:
            texts = [subject]
        body = [t for t in texts if t != subject]
        meta = [PlanStatus(status).label] + ([f"Số {number}"] if number else [])
        out.append(Hit(mark(subject, words), url_for("plans.detail", plan_id=plan_id), meta,
                       snippet(body, words)))
    return (rows[0][0] if rows else 0), out


def _tasks(user, words, limit, offset, cap) -> tuple[int, list[Hit]]:
    ids = _ids(TASKS, user, words, ((Task.due_date, True), (Task.id, True)), limit, offset, cap)
    order = (Task.due_date.desc(), Task.id.desc())
    rows = db.session.execute(
        sa.select(ids.c.total, Task.id, Task.title, Task.note, Task.result_note, Task.status, Task.due_date,
                  Group.name, Plan.subject)
        .join(ids, ids.c.id == Task.id).join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Group, Group.id == Task.group_id).order_by(*order)).all()
    return (rows[0][0] if rows else 0), [
        Hit(mark(title, words), url_for("tasks.detail", task_id=task_id),
            [group or COMMITTEE_LABEL, TASK_STATUS_LABELS[status], f"Hạn {_date(due)}", subject],
            snippet([t for t in (note, result_note) if t], words))
        for _, task_id, title, note, result_note, status, due, group, subject in rows]


def _requests(user, words, limit, offset, cap) -> tuple[int, list[Hit]]:
    R = MemberRequest
    order = (R.id.desc(),)
    ids = _ids(REQUESTS, user, words, ((R.id, True),), limit, offset, cap)
    rows = db.session.execute(
        sa.select(ids.c.total, R.id, R.kind, R.status, R.summary, R.details, R.submitted_at, User.full_name)
        .join(ids, ids.c.id == R.id).join(User, User.id == R.requester_id).order_by(*order)).all()
    out = []
    for _, request_id, kind, status, summary, details, submitted_at, requester in rows:
        spec = kind_of(kind)
        title = spec.label + (f": {summary}" if summary else "")
        shown = request_texts(spec.label, summary, spec.display(details or {}))[2:]
        out.append(Hit(mark(title, words), url_for("member_requests.detail", request_id=request_id),
                       [requester, status_label(status, kind), f"Gửi {_date(submitted_at)}"],
                       snippet(shown, words)))
    return (rows[0][0] if rows else 0), out


def _people(user, words, limit, offset, cap) -> tuple[int, list[Hit]]:
    order = (User.sort_key, User.id)
    ids = _ids(PEOPLE, user, words, ((User.sort_key, False), (User.id, False)), limit, offset, cap)
    rows = db.session.execute(
        sa.select(ids.c.total, User.id, User.full_name, User.email, User.active, Group.name)
        .join(ids, ids.c.id == User.id).outerjoin(Group, Group.id == User.group_id).order_by(*order)).all()
    return (rows[0][0] if rows else 0), [
        Hit(mark(name, words), url_for("people.index", q=email, trang_thai="all"),
            [group or "Chưa thuộc tổ nào"] + ([] if active else [INACTIVE]), mark(email, words))
        for _, _, name, email, active, group in rows]


def _date(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if value else ""


_FINDERS = {PLANS: _plans, TASKS: _tasks, REQUESTS: _requests, PEOPLE: _people}
