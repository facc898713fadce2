"""The task counts kept at write time (congdoan/tasks/counts.py) never drift from the tasks: after
every kind of task write (handing out a plan, each status change, a correction, a withdrawal, a
deletion, writes that name nothing, concurrent writers on PostgreSQL, a day turning) the kept rows
equal a fresh COUNT(*) GROUP BY, and `flask tasks recount` rebuilds them."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.tasks import corrections, counts, operations, queries, workflow
from congdoan.tasks.models import Task, TaskCount

from .concurrency import run_together
from .task_factories import approved_plan, hand_out, make_union

@pytest.fixture
def u():
    return make_union()


def _kept() -> dict[tuple[str, int], counts.Counts]:
    return {(r.scope, r.key): counts.Counts(r.total, r.done, r.in_progress, r.blocked, r.not_started, r.overdue)
            for r in db.session.execute(sa.select(TaskCount)).scalars()}


def _fresh(today: dt.date) -> dict[tuple[str, int], counts.Counts]:
    """What the rows must be: a COUNT(*) GROUP BY over the tasks, written out here on its own."""
    out = {}
    for scope, column in (("p", "plan_id"), ("a", "assignee")):
        for row in db.session.execute(sa.text(
                f"SELECT {column}, count(*), "
                "sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN status = 'blocked' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN status = 'not_started' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN status != 'done' AND due_date < :today THEN 1 ELSE 0 END) "
                f"FROM tasks GROUP BY {column}"), {"today": today}):
            out[(scope, row[0])] = counts.Counts(*(int(v) for v in row[1:]))
    every = [c for (s, _), c in out.items() if s == "p"]
    out[("u", 0)] = counts.Counts(*(sum(getattr(c, n) for c in every) for n in counts.NAMES))
    return out


def assert_agree(today: dt.date | None = None) -> None:
    from congdoan.dates import local_today
    today = today or local_today()
    db.session.commit()
    kept, fresh = _kept(), _fresh(today)
    if ("u", 0) not in kept and fresh[("u", 0)] == counts.Counts():
        del fresh[("u", 0)]                                   # nothing was ever counted
    assert kept == fresh
    assert counts.check(db.session.connection(), today) == []
    # And what the pages read, on that day.
    assignees = [k for s, k in fresh if s == "a"]
    assert counts.read(counts.ASSIGNEE, assignees, today) == {k: c for (s, k), c in fresh.items() if s == "a"}
    assert counts.union(today) == fresh.get(("u", 0), counts.Counts())
    assert counts.scope_totals() == (sum(s == "p" for s, _ in fresh), sum(s == "a" for s, _ in fresh))


def _plan(u, texts: list[str], due: str = "2024-10-31"):
    return approved_plan(u, f"Kế hoạch {texts[0]}", schedule=[
        {"period": "10/2024", "activities": [{"text": t, "groups": [], "due": due} for t in texts]}])


def test_every_kind_of_task_write_keeps_the_counts(u):
    g1, g2, g3 = (g.id for g in u.groups)
    assert_agree()                                                         # nothing yet
    plan = _plan(u, ["Việc một", "Việc hai", "Việc ba"], due="2024-09-20")
    made = hand_out(plan, u.chair, {"Việc một": [g1, g2], "Việc hai": [g1, 0], "Việc ba": [g3]})
    assert len(made) == 5
    assert_agree()
    other = _plan(u, ["Việc khác"], due="2099-01-31")
    hand_out(other, u.chair, {"Việc khác": [g1, g2, g3, 0]})
    assert_agree()
    # Each status change of the table, as the page makes it.
    task = made[0]
    for target, note in (("in_progress", ""), ("blocked", "Chờ"), ("in_progress", ""), ("done", "Xong"),
                         ("in_progress", ""), ("not_started", ""), ("done", "Xong luôn")):
        operations.update_task(task, actor=u.chair, shown=task.status, target=target, note=note)
        db.session.commit()
        assert_agree()
    # A progress note: no count moves (and the counts stay right).
    operations.update_task(made[1], actor=u.chair, shown=made[1].status, note="Đang liên hệ")
    assert_agree()
    # A correction: a new due date moves a task in or out of overdue.
    task = made[2]
    db.session.refresh(task)
    corrections.correct(task, corrections.Correction(due_text="31/12/2099", note="", reason="Lùi hạn"),
                        actor=u.chair, version=corrections.version_of(task))
    assert_agree()
    db.session.refresh(task)
    corrections.correct(task, corrections.Correction(due_text="01/10/2024", note="", reason="Về hạn cũ"),
                        actor=u.chair, version=corrections.version_of(task))
    assert_agree()
    # A withdrawal deletes the task.
    task = made[4]
    db.session.refresh(task)
    corrections.withdraw(task, actor=u.chair, version=corrections.version_of(task), reason="Giao nhầm tổ")
    assert_agree()
    assert ("a", g3) in _kept() or not db.session.query(Task).filter_by(assignee=g3).count()


def test_orm_writes_and_writes_that_name_nothing(u):
    g1, g2, _ = (g.id for g in u.groups)
    plan = _plan(u, ["Việc một", "Việc hai"], due="2024-09-20")
    made = hand_out(plan, u.chair, {"Việc một": [g1], "Việc hai": [g2]})
    # An ORM change of the status (a test factory's or a script's way).
    made[0].status = "blocked"
    db.session.commit()
    assert_agree()
    # A due date set through the ORM.
    made[1].due_date = dt.date(2099, 1, 1)
    db.session.commit()
    assert_agree()
    # A Core UPDATE through the session that does not say which tasks it moves: everything recounted.
    db.session.execute(sa.update(Task).where(Task.id == made[1].id).values(status="in_progress"))
    db.session.commit()
    assert_agree()
    # One that moves nothing counted (the search texts) leaves the rows alone, and they stay right.
    db.session.execute(sa.update(Task).values(search_text="x"))
    db.session.commit()
    assert_agree()
    # An ORM delete of a task and of a plan's every task: their rows go.
    for event in made[0].events:
        db.session.delete(event)
    db.session.delete(made[0])
    db.session.commit()
    assert_agree()
    assert ("a", g1) not in _kept()
    db.session.execute(sa.delete(Task))
    db.session.commit()
    assert_agree()
    assert set(_kept()) == {("u", 0)}


def test_a_rolled_back_write_leaves_the_counts(u):
    plan = _plan(u, ["Việc một"], due="2024-09-20")
    task = hand_out(plan, u.chair, {"Việc một": [u.groups[0].id]})[0]
    before = _kept()
    workflow.apply(task, "start", u.chair, expected=task.version)
    db.session.rollback()
    assert _kept() == before
    assert_agree()


def test_counts_are_written_at_the_commit_not_when_a_savepoint_is_released(u):
    """A savepoint's release fires SQLAlchemy's before_commit too. Writing the counts there would lock
    their rows in the middle of the transaction, before locks it takes later (the audit chain's), while
    another writer takes them in the commit's order: the deadlock the change counters had (payments).
    The moves of a released savepoint are written with the rest, at the real commit."""
    plan = _plan(u, ["Việc một"], due="2024-09-20")
    task = hand_out(plan, u.chair, {"Việc một": [u.groups[0].id]})[0]
    db.session.commit()
    writes = []

    def _seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("UPDATE TASK_COUNTS", "INSERT INTO TASK_COUNTS")):
            writes.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", _seen)
    try:
        with db.session.begin_nested():
            workflow.apply(task, "start", u.chair, expected=task.version)
        assert writes == []                       # released, not committed: nothing written yet
        db.session.commit()
        assert writes                             # written at the commit
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _seen)
    assert_agree()


def test_plans_groups_and_people_with_tasks_cannot_be_deleted_from_under_the_counts(u):
    """Tasks hold their plan, group and people with ON DELETE RESTRICT: deleting one refuses, and
    the counts stay those of the tasks."""
    from congdoan.people.models import Group, User
    from congdoan.plans.models import Plan
    plan = _plan(u, ["Việc một"], due="2024-09-20")
    hand_out(plan, u.chair, {"Việc một": [u.groups[0].id]})
    for table, key in ((Plan.__table__, plan.id), (Group.__table__, u.groups[0].id), (User.__table__, u.chair.id)):
        with pytest.raises(sa.exc.IntegrityError):
            with db.session.begin_nested():
                db.session.execute(table.delete().where(table.c.id == key))
        db.session.rollback()
    assert_agree()


def test_the_day_turning_moves_overdue_for_readers_and_writers(u, monkeypatch):
    g1, g2, _ = (g.id for g in u.groups)
    plan = _plan(u, ["Việc một", "Việc hai"], due="2024-10-20")
    made = hand_out(plan, u.chair, {"Việc một": [g1, g2], "Việc hai": [0]})
    first = dt.date(2024, 10, 18)
    with db.session.begin_nested():
        counts.rebuild(db.session.connection(), first)          # counted on the 18th: nothing overdue
    db.session.commit()
    assert_agree(first)
    # Read on later days (and an earlier one) without any write: corrected on read.
    for day in (dt.date(2024, 10, 20), dt.date(2024, 10, 21), dt.date(2024, 12, 1), dt.date(2024, 10, 1)):
        assert counts.union(day) == _fresh(day)[("u", 0)]
        assert counts.read(counts.ASSIGNEE, [g1, g2, 0], day) == {
            k: c for (s, k), c in _fresh(day).items() if s == "a"}
        assert counts.read(counts.PLAN, [plan.id], day) == {plan.id: _fresh(day)[("p", plan.id)]}
    later = dt.date(2024, 10, 25)
    monkeypatch.setattr(counts, "local_today", lambda: later)
    # A writer on a later day moves every row to its day, then counts its own scopes.
    workflow.apply(made[0], "finish", u.chair, expected=made[0].version, note="Xong")
    db.session.commit()
    assert db.session.execute(sa.select(TaskCount.as_of).where(TaskCount.scope == "u")).scalar() == later
    assert_agree(later)
    # The overview's ranking, in SQL on the right day, in Python on another: the same order.
    ranked = counts.needing_attention(25, later)
    assert ranked == queries.needing_attention(list(counts.read(counts.ASSIGNEE, [g1, g2, 0], later).items()), 25)
    assert [a for a, _ in counts.needing_attention(25, first)] == [
        a for a, _ in queries.needing_attention(list(counts.read(counts.ASSIGNEE, [g1, g2, 0], first).items()), 25)]


def test_recount_command_repairs_and_checks(u, runner):
    plan = _plan(u, ["Việc một"], due="2024-09-20")
    hand_out(plan, u.chair, {"Việc một": [u.groups[0].id, u.groups[1].id]})
    # A write that bypasses the session (a bulk load, a hand edit): the rows drift.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE tasks SET status = 'blocked'"))
    db.session.expire_all()
    result = runner.invoke(args=["tasks", "recount", "--check"])
    assert result.exit_code == 1 and "lệch" in result.output
    result = runner.invoke(args=["tasks", "recount"])
    assert result.exit_code == 0 and "Đã đếm lại số việc" in result.output
    assert runner.invoke(args=["tasks", "recount", "--check"]).exit_code == 0
    assert_agree()


@pytest.mark.parametrize("way", ["workflow", "orm"])
def test_concurrent_status_changes_keep_the_counts(app, u, way):
    """Writers in separate sessions and threads change tasks of the same plan and groups at once;
    on PostgreSQL they really run together (each queues on the union row at commit). The workflow's
    changes also queue on the audit chain's lock; plain ORM writes (a script's) on nothing else."""
    g1, g2, g3 = (g.id for g in u.groups)
    plan = _plan(u, [f"Việc {i}" for i in range(16)], due="2024-09-20")
    made = hand_out(plan, u.chair, {"Việc": [g1, g2, g3]})
    ids = [t.id for t in made]
    chair_id = u.chair.id
    db.session.commit()
    def writer(part: list[int]) -> None:
        from congdoan.people.models import User
        actor = db.session.get(User, chair_id)
        for task_id in part:
            task = db.session.get(Task, task_id)
            if way == "workflow":
                workflow.apply(task, "start", actor, expected=task.version)
                db.session.commit()
                workflow.apply(task, "finish", actor, expected=task.version, note="Xong")
            else:
                task.status = "in_progress"
                db.session.commit()
                task.status, task.result_note, task.done_at = "done", "Xong", dt.datetime(2024, 10, 1)
            db.session.commit()

    errors = run_together(app, [ids[i::4] for i in range(4)], writer)
    assert not errors
    db.session.expire_all()
    done = db.session.execute(sa.select(sa.func.count()).select_from(Task).where(Task.status == "done")).scalar()
    assert done == len(ids)
    assert_agree()


def test_two_writers_counting_the_same_rows_at_once_queue(app, u, monkeypatch):
    """The interleaving that would lose a change: two transactions each count the same plan's and
    group's tasks before either has written its count (each would miss the other's change). Every
    count is held here until both have counted or 2 s have passed. At commit a writer first takes
    the union row's lock (and, today, the 'tracking' change counter's, raised just before), so the
    second waits until the first has committed and then counts afresh, seeing the first's change.
    On SQLite the writer lock keeps the second from writing at all until the first ends."""
    g1 = u.groups[0].id
    plan = _plan(u, ["Việc một", "Việc hai"], due="2024-09-20")
    made = hand_out(plan, u.chair, {"Việc": [g1]})
    ids = [t.id for t in made]
    db.session.commit()
    main = threading.current_thread()
    together = threading.Barrier(2)
    real = counts._count

    def held_count(conn, column, key, today):
        result = real(conn, column, key, today)
        if threading.current_thread() is not main:
            try:
                together.wait(timeout=2)
            except threading.BrokenBarrierError:
                pass
        return result

    monkeypatch.setattr(counts, "_count", held_count)
    errors = []

    def worker(task_id: int) -> None:
        with app.app_context():
            try:
                task = db.session.get(Task, task_id)
                task.status = "blocked"
                db.session.commit()
            except Exception as exc:            # pragma: no cover - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(task_id,)) for task_id in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    monkeypatch.setattr(counts, "_count", real)
    db.session.expire_all()
    assert _kept()[("p", plan.id)].blocked == 2 and _kept()[("a", g1)].blocked == 2
    assert_agree()


def _old_overview(today: dt.date) -> dict:
    """The overview as it was computed before the counts were kept: aggregates over every task."""
    from congdoan.plans.models import Plan
    columns = counts.count_columns(today)
    by_plan = {r[0]: counts.counts_of(r[1:]) for r in db.session.execute(
        sa.select(Task.plan_id, *columns).group_by(Task.plan_id))}
    by_assignee = {r[0]: counts.counts_of(r[1:]) for r in db.session.execute(
        sa.select(Task.assignee, *columns).group_by(Task.assignee))}
    handed = sa.exists().where(Task.plan_id == Plan.id)
    recent = db.session.execute(sa.select(Plan).where(handed).order_by(Plan.year.desc(), Plan.id.desc())
                                .limit(queries.OVERVIEW_PLANS)).scalars().all()
    waiting = db.session.execute(sa.select(Plan).where(Plan.status.in_(["approved", "issued"]), ~handed)
                                 .order_by(Plan.updated_at.desc(), Plan.id.desc()).limit(20)).scalars().all()
    return {"plans": [(p.id, by_plan[p.id]) for p in recent], "plans_total": len(by_plan),
            "by_assignee": [(a.assignee, a.counts) for a in queries._named(
                queries.needing_attention(by_assignee.items(), queries.OVERVIEW_GROUPS))],
            "groups_total": len(by_assignee), "waiting": [p.id for p in waiting]}


def test_the_overview_shows_what_the_aggregates_over_every_task_showed(u, monkeypatch):
    from congdoan.plans.models import Plan
    monkeypatch.setattr(queries, "OVERVIEW_PLANS", 2)
    monkeypatch.setattr(queries, "OVERVIEW_GROUPS", 2)
    g1, g2, g3 = (g.id for g in u.groups)
    plans = [_plan(u, [f"Việc {i} một", f"Việc {i} hai"], due=f"2024-{i + 9:02d}-20") for i in range(4)]
    hand_out(plans[0], u.chair, {"Việc 0": [g1, g2]})
    hand_out(plans[1], u.chair, {"Việc 1 một": [g3, 0]})
    made = hand_out(plans[3], u.chair, {"Việc 3": [g2, g3]})
    workflow.apply(made[0], "finish", u.chair, expected=made[0].version, note="Xong")
    db.session.commit()
    # plans[2] is approved and not handed out: it waits, with those the factories left.
    for day in (dt.date(2024, 9, 1), dt.date(2024, 10, 21), dt.date(2025, 1, 1)):
        data = queries.overview(u.chair, today=day)
        got = {"plans": [(p.id, c) for p, c in data["plans"]], "plans_total": data["plans_total"],
               "by_assignee": [(a.assignee, a.counts) for a in data["by_assignee"]],
               "groups_total": data["groups_total"], "waiting": [p.id for p in data["waiting"]]}
        assert got == _old_overview(day)
        assert plans[2].id in got["waiting"] and plans[0].id not in got["waiting"]
    assert len(queries.overview(u.chair)["by_assignee"]) == 2
    # More than a screenful waiting: the newest 20, as before.
    for i in range(22):
        _plan(u, [f"Việc chờ {i}"])
    assert [p.id for p in queries.overview(u.chair)["waiting"]] == _old_overview(dt.date(2024, 12, 1))["waiting"]
    assert len(_old_overview(dt.date(2024, 12, 1))["waiting"]) == 20
    assert db.session.query(Plan).count() > 20


def test_the_bench_bulk_load_leaves_the_counts_right():
    """The bench inserts tasks with Core, past the session: it recounts them after, as the CLI does."""
    from bench import data
    data.build({"people": 40, "groups": 4, "plans": 4, "tasks": 40, "requests": 4}, password_hash="x")
    db.session.commit()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Task)).scalar() > 0
    assert_agree()
