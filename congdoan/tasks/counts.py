"""The task counts behind the tracking pages, kept up to date at write time in `task_counts`.

One row per plan (scope "p"), per assignee (scope "a": a group id, or 0 for the committee) and one
for the whole union (scope "u", key 0): how many tasks, how many in each status, how many overdue.
A page reads the few rows it shows instead of aggregating every task of the union, so what it costs
right after a write does not grow with the union.

Writing. Every transaction that writes a task marks the plans and assignees it touched: an ORM flush
that adds, deletes or changes a task's status, due date, plan or assignee (seen here), and an
ORM-enabled UPDATE or DELETE of tasks through the session, which names the task it moves with
`.execution_options(task_counts=[(plan_id, assignee), ...])` (tasks/workflow.py, tasks/corrections.py).
A write of those columns that names nothing marks everything (the whole table is counted again at
commit: correct, only slower). At commit, in the same transaction, the union row is locked first
(every counting writer queues on it, so two never interleave), and each marked plan's and
assignee's row is counted again from its tasks (a bounded index range: one plan's or one group's
tasks); the union row moves by the plans' differences. Rows exist only for scopes that have tasks;
the union row always exists once anything was counted. Writes that bypass the session (a bulk load,
a restore by hand) are repaired by `flask tasks recount` (`rebuild()`); `check()` compares the rows
with a fresh COUNT(*) GROUP BY.

Overdue. "Quá hạn" depends on the day: an open task becomes overdue when its due date passes. The
rows count overdue as of the day stored in the union row (`as_of`). A writer whose today differs
first moves every row to its today: the open tasks due between the two days (an index range on the
due date, one or a few days' worth) are added or taken away. A reader whose today differs from
`as_of` (the first pages of a day before any write, or a page asked for another day) corrects the
rows it read the same way, in one query over that window.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, fields

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..dates import local_today
from ..extensions import db
from .models import Task, TaskCount, TaskStatus

S = TaskStatus
PLAN, ASSIGNEE, UNION = "p", "a", "u"
_MARKS = "task_counts"                 # session.info key: what this transaction touched
# The columns whose change moves a count: a task's status and due date say what it counts as,
# its plan and assignee where it is counted.
_COUNTED = ("status", "due_date", "plan_id", "assignee", "group_id")


@dataclass(frozen=True)
class Counts:
    total: int = 0
    done: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def for_filter(self, key: str) -> int:
        return {"": self.total, "chua_xong": self.open, "qua_han": self.overdue}.get(key, getattr(self, key, 0))

    def plus(self, other: "Counts", sign: int = 1) -> "Counts":
        return Counts(*(getattr(self, f.name) + sign * getattr(other, f.name) for f in fields(Counts)))


NAMES = tuple(f.name for f in fields(Counts))
ROWS = ("plan_rows", "assignee_rows")       # the union row's numbers of plan and assignee rows


T = TaskCount.__table__
COLUMNS = [T.c[name] for name in NAMES]


def counts_of(row) -> Counts:
    return Counts(*(int(v or 0) for v in row))


def count_columns(today: dt.date) -> list:
    """The aggregate columns of Counts over some tasks (total, each status, overdue on `today`)."""
    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
    return [sa.func.count().label("total"),
            count_if(Task.status == S.DONE.value).label("done"),
            count_if(Task.status == S.IN_PROGRESS.value).label("in_progress"),
            count_if(Task.status == S.BLOCKED.value).label("blocked"),
            count_if(Task.status == S.NOT_STARTED.value).label("not_started"),
            count_if(overdue_on(today)).label("overdue")]


def overdue_on(today: dt.date):
    return sa.and_(Task.status != S.DONE.value, Task.due_date < today)


# --- reading ------------------------------------------------------------------------------------------

def _as_of():
    return sa.select(T.c.as_of).where(T.c.scope == UNION, T.c.key == 0).scalar_subquery()


def _shift(execute, scope: str, keys, as_of: dt.date | None, today: dt.date) -> dict[int, int]:
    """What to add to the overdue counts of these keys (None: every one), stored for `as_of`, to make
    them `today`'s: the open tasks due between the two days (taken away when `today` is the earlier).
    One query over that window of due dates (ix_tasks_due_date), none when the days agree."""
    if as_of is None or as_of == today:
        return {}
    low, high, sign = (as_of, today, 1) if as_of < today else (today, as_of, -1)
    window = (Task.due_date >= low, Task.due_date < high, Task.status != S.DONE.value)
    if scope == UNION:
        return {0: sign * (execute(sa.select(sa.func.count()).select_from(Task).where(*window)).scalar() or 0)}
    column = Task.plan_id if scope == PLAN else Task.assignee
    query = sa.select(column, sa.func.count()).where(*window).group_by(column)
    if keys is not None:
        query = query.where(column.in_(sorted(keys)))
    return {k: sign * n for k, n in execute(query)}


def _fixed(counts: Counts, shift: int) -> Counts:
    return Counts(counts.total, counts.done, counts.in_progress, counts.blocked, counts.not_started,
                  counts.overdue + shift) if shift else counts


def having_tasks(scope: str) -> sa.Select:
    """The plans (PLAN) or assignees (ASSIGNEE) that have tasks, as a subquery."""
    return sa.select(T.c.key).where(T.c.scope == scope)


def has_tasks(plan_id_column):
    """EXISTS: this plan has tasks (its row in task_counts, one primary-key probe)."""
    return sa.exists().where(T.c.scope == PLAN, T.c.key == plan_id_column)


def read(scope: str, keys, today: dt.date | None = None) -> dict[int, Counts]:
    """The counts of these plans (scope PLAN) or assignees (ASSIGNEE) that have tasks, on `today`:
    one statement (two on a day the rows were not counted for)."""
    return _read(scope, keys, today or local_today(), False)[0]


def read_with_union(assignees, today: dt.date | None = None) -> tuple[dict[int, Counts], Counts]:
    """These assignees' counts and the whole union's, in one statement."""
    return _read(ASSIGNEE, assignees, today or local_today(), True)


def _read(scope: str, keys, today: dt.date, with_union: bool) -> tuple[dict[int, Counts], Counts]:
    keys = sorted(set(keys))
    if not keys and not with_union:
        return {}, Counts()
    where = sa.and_(T.c.scope == scope, T.c.key.in_(keys))
    if with_union:
        where = sa.or_(where, sa.and_(T.c.scope == UNION, T.c.key == 0))
    rows = db.session.execute(sa.select(T.c.scope, T.c.key, *COLUMNS, _as_of()).where(where)).all()
    if not rows:
        return {}, Counts()
    as_of = rows[0][-1]
    found = [r[1] for r in rows if r[0] == scope]
    shift = _shift(db.session.execute, scope, found, as_of, today) if found else {}
    out = {r[1]: _fixed(counts_of(r[2:-1]), shift.get(r[1], 0)) for r in rows if r[0] == scope}
    union = next((counts_of(r[2:-1]) for r in rows if r[0] == UNION), Counts())
    if with_union and as_of is not None and as_of != today:
        union = _fixed(union, sum(_shift(db.session.execute, UNION, None, as_of, today).values()))
    return out, union


def union(today: dt.date | None = None) -> Counts:
    """Every task of the union counted."""
    return read_with_union([], today)[1]


def scope_totals() -> tuple[int, int]:
    """How many plans and how many assignees have tasks (kept in the union row)."""
    row = db.session.execute(sa.select(T.c.plan_rows, T.c.assignee_rows)
                             .where(T.c.scope == UNION, T.c.key == 0)).first()
    return (row[0] or 0, row[1] or 0) if row is not None else (0, 0)


def needing_attention(limit: int, today: dt.date | None = None) -> list[tuple[int, Counts]]:
    """The `limit` assignees needing attention most: the most overdue, then the least done, then by
    id (the order of queries.needing_attention, computed in SQL over the assignees' rows)."""
    today = today or local_today()
    ratio = sa.cast(T.c.done, sa.Float) / T.c.total
    rows = db.session.execute(sa.select(T.c.key, *COLUMNS, _as_of()).where(T.c.scope == ASSIGNEE)
                              .order_by(T.c.overdue.desc(), ratio, T.c.key).limit(limit)).all()
    if rows and rows[0][-1] is not None and rows[0][-1] != today:
        # Rows counted for another day: every assignee's corrected, then ranked here.
        from .queries import needing_attention as rank
        everyone = read(ASSIGNEE, db.session.execute(having_tasks(ASSIGNEE)).scalars().all(), today)
        return rank(everyone.items(), limit)
    return [(r[0], counts_of(r[1:-1])) for r in rows]


# --- writing ------------------------------------------------------------------------------------------

@dataclass
class _Marks:
    plans: set
    assignees: set
    everything: bool = False


def _marks(session: Session) -> _Marks:
    marks = session.info.get(_MARKS)
    if marks is None:
        marks = session.info[_MARKS] = _Marks(set(), set())
    return marks


def mark(session: Session, plan_id: int | None, assignee: int | None) -> None:
    """Count this plan's and this assignee's tasks again when the session's transaction commits."""
    marks = _marks(session)
    if plan_id is not None:
        marks.plans.add(plan_id)
    if assignee is not None:
        marks.assignees.add(assignee)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    for task in session.new:
        if isinstance(task, Task):
            plan_id = task.plan_id if task.plan_id is not None else getattr(task.plan, "id", None)
            if plan_id is None or task.assignee is None:
                _marks(session).everything = True
            mark(session, plan_id, task.assignee)
    for task in session.deleted:
        if isinstance(task, Task):
            _mark_moved(session, task, deleted=True)
    for task in session.dirty:
        if isinstance(task, Task):
            _mark_moved(session, task, deleted=False)


def _mark_moved(session: Session, task: Task, *, deleted: bool) -> None:
    """Mark where a deleted task was counted, or where a changed one was and is now counted."""
    state = sa.inspect(task)
    histories = {name: state.attrs[name].history for name in _COUNTED}
    if not deleted and not any(h.has_changes() for h in histories.values()):
        return                                 # a note, new instructions: no count moves
    for name in ("plan_id", "assignee"):
        history = histories[name]
        if history.has_changes() and not history.deleted:
            _marks(session).everything = True  # moved from a value never loaded: count all
    mark(session, task.plan_id, task.assignee)   # loads them if expired (the row still exists)
    for plan_id in histories["plan_id"].deleted:
        mark(session, plan_id, None)
    for assignee in histories["assignee"].deleted:
        mark(session, None, assignee)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != "tasks":
        return
    named = state.execution_options.get("task_counts")
    if named is not None:
        for plan_id, assignee in named:
            mark(state.session, plan_id, assignee)
        return
    if state.is_update:
        values = getattr(state.statement, "_values", None)   # what .values() set (SQLAlchemy 2)
        if values and {getattr(c, "key", c) for c in values}.isdisjoint(_COUNTED):
            return                             # e.g. the search texts rebuilt: no count moves
    _marks(state.session).everything = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint released (SQLAlchemy calls this hook then too): its marks wait for the commit,
        # so that the counts' rows are locked at the end of the transaction, in the commit's order,
        # as changes.py does for its counters (locked mid-transaction they deadlocked with payments).
        # A savepoint rolled back leaves its marks: they only name rows to count again.
        return
    if session.new or session.dirty or session.deleted:
        session.flush()                        # the commit's own flush would come after this hook
    marks = session.info.pop(_MARKS, None)
    if marks is not None and (marks.plans or marks.assignees or marks.everything):
        apply(session.connection(), marks.plans, marks.assignees, everything=marks.everything)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_MARKS, None)


@functools.cache
def _writes() -> dict:
    """The write path's statements, built once (building a dozen expressions cost more CPU than
    running them); only their parameters change."""
    today, key = sa.bindparam("today", type_=sa.Date), sa.bindparam("b_key", type_=sa.Integer)
    row = sa.and_(T.c.scope == sa.bindparam("b_scope"), T.c.key == key)
    union = sa.and_(T.c.scope == UNION, T.c.key == 0)
    return {
        "lock": sa.select(T.c.as_of).where(union).with_for_update(),
        "count": {column.key: sa.select(*count_columns(today)).select_from(Task).where(column == key)
                  for column in (Task.plan_id, Task.assignee)},
        "stored": sa.select(*COLUMNS).where(row),
        "update": T.update().where(row),            # SET: the columns named by the parameters
        "delete": T.delete().where(row),
        "add_to_union": T.update().where(union).values({n: T.c[n] + sa.bindparam(f"d_{n}", type_=sa.Integer)
                                                         for n in (*NAMES, *ROWS)}),
    }


def _lock_union(conn, today: dt.date) -> dt.date:
    """Lock the union row (creating it if need be) and return the day its overdue counts are for."""
    select = _writes()["lock"]
    row = conn.execute(select).first()
    if row is None:
        insert = _insert_ignore(conn).values(scope=UNION, key=0, as_of=today,
                                             **{name: 0 for name in (*NAMES, *ROWS)})
        conn.execute(insert)
        row = conn.execute(select).first()
    return row[0] or today


def _insert_ignore(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        return insert(T).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert
    return insert(T).on_conflict_do_nothing()


def _count(conn, column, key: int, today: dt.date) -> Counts:
    return counts_of(conn.execute(_writes()["count"][column.key], {"b_key": key, "today": today}).one())


def _store(conn, scope: str, key: int, new: Counts, old: Counts | None) -> int:
    """Write a row's new counts; returns how the number of rows of its scope moved (-1, 0, 1)."""
    where = {"b_scope": scope, "b_key": key}
    if new.total == 0:
        if old is not None:
            conn.execute(_writes()["delete"], where)
            return -1
    elif old is None:
        conn.execute(T.insert(), {"scope": scope, "key": key, "as_of": None, **vars(new)})
        return 1
    elif new != old:
        conn.execute(_writes()["update"], {**where, **vars(new)})
    return 0


def _stored(conn, scope: str, key: int) -> Counts | None:
    row = conn.execute(_writes()["stored"], {"b_scope": scope, "b_key": key}).first()
    return counts_of(row) if row is not None else None


def apply(conn, plans, assignees, *, everything: bool = False, today: dt.date | None = None) -> None:
    """Count these plans and assignees again, in the caller's transaction (the union row locked
    first), after moving every row to today's overdue if they were counted for another day."""
    today = today or local_today()
    as_of = _lock_union(conn, today)
    if everything:
        rebuild(conn, today)
        return
    if as_of != today:
        _move_day(conn, as_of, today)
    change, rows = Counts(), {"plan_rows": 0, "assignee_rows": 0}
    for plan_id in sorted(plans):
        old = _stored(conn, PLAN, plan_id)
        new = _count(conn, Task.plan_id, plan_id, today)
        rows["plan_rows"] += _store(conn, PLAN, plan_id, new, old)
        change = change.plus(new).plus(old or Counts(), -1)
    for assignee in sorted(assignees):
        new = _count(conn, Task.assignee, assignee, today)
        rows["assignee_rows"] += _store(conn, ASSIGNEE, assignee, new, _stored(conn, ASSIGNEE, assignee))
    if change != Counts() or any(rows.values()):
        conn.execute(_writes()["add_to_union"], {**{f"d_{name}": getattr(change, name) for name in NAMES},
                                                 **{f"d_{name}": n for name, n in rows.items()}})


def _move_day(conn, as_of: dt.date, today: dt.date) -> None:
    """Every row's overdue count moved from `as_of` to `today` (one index range of due dates)."""
    total = 0
    for scope in (PLAN, ASSIGNEE):
        for key, n in _shift(conn.execute, scope, None, as_of, today).items():
            conn.execute(T.update().where(T.c.scope == scope, T.c.key == key).values(overdue=T.c.overdue + n))
            total += n if scope == PLAN else 0
    conn.execute(T.update().where(T.c.scope == UNION, T.c.key == 0).values(overdue=T.c.overdue + total, as_of=today))


def _fresh(conn, today: dt.date) -> dict[tuple[str, int], Counts]:
    """Every row as a COUNT(*) GROUP BY over the tasks would make it now."""
    out: dict[tuple[str, int], Counts] = {}
    for scope, column in ((PLAN, Task.plan_id), (ASSIGNEE, Task.assignee)):
        for row in conn.execute(sa.select(column, *count_columns(today)).group_by(column)):
            out[(scope, row[0])] = counts_of(row[1:])
    out[(UNION, 0)] = counts_of(conn.execute(sa.select(*count_columns(today)).select_from(Task)).one())
    return out


def rebuild(conn, today: dt.date | None = None) -> int:
    """Every row counted afresh from the tasks, in the caller's transaction. Returns the rows kept."""
    today = today or local_today()
    _lock_union(conn, today)
    fresh = _fresh(conn, today)
    conn.execute(T.delete().where(T.c.scope != UNION))
    union = fresh.pop((UNION, 0))
    conn.execute(T.update().where(T.c.scope == UNION, T.c.key == 0).values(
        as_of=today, plan_rows=sum(s == PLAN for s, _ in fresh), assignee_rows=sum(s == ASSIGNEE for s, _ in fresh),
        **vars(union)))
    rows = [{"scope": scope, "key": key, "as_of": None, **vars(counts)} for (scope, key), counts in fresh.items()]
    if rows:
        conn.execute(T.insert(), rows)
    return len(rows) + 1


def check(conn, today: dt.date | None = None) -> list[str]:
    """The rows that differ from a fresh count (as Vietnamese lines), none when they agree."""
    today = today or local_today()
    fresh = _fresh(conn, today)
    as_of = conn.execute(sa.select(T.c.as_of).where(T.c.scope == UNION, T.c.key == 0)).scalar()
    stored = {}
    for row in conn.execute(sa.select(T.c.scope, T.c.key, *COLUMNS)):
        stored[(row[0], row[1])] = counts_of(row[2:])
    if as_of is not None and as_of != today:
        for scope in (PLAN, ASSIGNEE):
            for key, n in _shift(conn.execute, scope, None, as_of, today).items():
                if (scope, key) in stored:
                    stored[(scope, key)] = _fixed(stored[(scope, key)], n)
        stored[(UNION, 0)] = _fixed(stored.get((UNION, 0), Counts()),
                                    sum(_shift(conn.execute, UNION, None, as_of, today).values()))
    empty = Counts()
    problems = []
    for where in sorted(set(fresh) | set(stored)):
        want, have = fresh.get(where, empty), stored.get(where, empty)
        if want != have:
            problems.append(f"{_label(*where)}: đang lưu {_said(have)}; đếm lại được {_said(want)}.")
    kept_rows = conn.execute(sa.select(*(T.c[n] for n in ROWS)).where(T.c.scope == UNION, T.c.key == 0)).first()
    want_rows = (sum(s == PLAN for s, _ in stored), sum(s == ASSIGNEE for s, _ in stored))
    if kept_rows is not None and tuple(n or 0 for n in kept_rows) != want_rows:
        problems.append(f"Toàn công đoàn: ghi {kept_rows[0] or 0} kế hoạch và {kept_rows[1] or 0} tổ có việc; "
                        f"thực có {want_rows[0]} kế hoạch và {want_rows[1]} tổ.")
    return problems


def _label(scope: str, key: int) -> str:
    if scope == UNION:
        return "Toàn công đoàn"
    if scope == PLAN:
        return f"Kế hoạch #{key}"
    return "Ban Chấp hành" if key == 0 else f"Tổ #{key}"


def _said(c: Counts) -> str:
    return (f"{c.total} việc ({c.done} hoàn thành, {c.in_progress} đang thực hiện, {c.blocked} vướng mắc, "
            f"{c.not_started} chưa bắt đầu; {c.overdue} quá hạn)")
