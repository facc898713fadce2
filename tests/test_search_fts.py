"""The search box on SQLite narrowed by an FTS5 index per area (congdoan/finder/fts.py, migration
0033_search_fts): the index follows every write, reindex repairs it, the migration fills it from the rows
already there, the statements read it, and what is found is exactly what the LIKE rule finds."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.finder import fts, queries
from congdoan.finder.keys import key_of, query_words
from congdoan.member_requests.models import MemberRequest
from congdoan.plans import creating as plan_creating
from congdoan.plans.models import Plan
from congdoan.tasks.models import Task

from .conftest import make_user, text_of
from .plan_factories import make_plan
from .reqkit import submit
from .task_factories import make_union, quick_task


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's: PostgreSQL has its trigram index (these behaviours do not exist there)")


AREAS = {queries.PLANS: (Plan, "plans"), queries.TASKS: (Task, "tasks"),
         queries.REQUESTS: (MemberRequest, "member_requests")}
ORDERS = {queries.PLANS: ((Plan.updated_at, True), (Plan.id, True)),       # as queries._plans etc. read them
          queries.TASKS: ((Task.due_date, True), (Task.id, True)),
          queries.REQUESTS: ((MemberRequest.id, True),)}


def indexed(table: str, word: str) -> set[int]:
    """The row ids the FTS5 index gives for a word (read from the index, not from the rows)."""
    name = fts.fts_table(table)
    return {r[0] for r in db.session.execute(
        sa.text(f"SELECT rowid FROM {name} WHERE {name} MATCH :q"), {"q": fts.match_query([word])})}


def one_of_each():
    """A plan, a task and a request, each made by the app's own writers. Returns {area: id}."""
    u = make_union()
    plan = make_plan(u.chair, "Kế hoạch hội thao mùa xuân", status=None)
    task = quick_task(u)
    request = submit(u.members[0], "suggestion", data={"subject": "Hội thao", "content": "Thêm môn cầu lông"})
    db.session.commit()
    return u, {queries.PLANS: plan.id, queries.TASKS: task.id, queries.REQUESTS: request.id}


def delete_row(model, row_id: int) -> None:
    """Delete a row and the rows that point at it (its history), as far as foreign keys go."""
    table = model.__table__

    def remove(target, where) -> None:
        ids = [r[0] for r in db.session.execute(sa.select(target.c.id).where(where))] if "id" in target.c else None
        for child in reversed(db.metadata.sorted_tables):
            for fk in child.foreign_keys:
                if fk.column.table is target and ids:
                    remove(child, fk.parent.in_(ids))
        db.session.execute(sa.delete(target).where(where))

    remove(table, table.c.id == row_id)


@pytest.mark.parametrize("key", list(AREAS))
def test_the_index_follows_an_insert_an_update_and_a_delete_of_each_area(key):
    _, made = one_of_each()
    model, table = AREAS[key]
    row_id = made[key]
    expected = {queries.PLANS: "hoi", queries.TASKS: "viec", queries.REQUESTS: "cau"}[key]
    assert row_id in indexed(table, expected)
    db.session.execute(sa.update(model).where(model.id == row_id)
                       .values(search_text=key_of("Bóng chuyền, Đà Nẵng")))
    db.session.commit()
    assert row_id not in indexed(table, expected)
    assert row_id in indexed(table, "chuyen") and row_id in indexed(table, "da")
    with db.engine.connect() as conn:
        fts.check(conn)
    delete_row(model, row_id)
    db.session.commit()
    assert row_id not in indexed(table, "chuyen")
    with db.engine.connect() as conn:
        fts.check(conn)


def test_every_searched_table_keeps_its_three_triggers_at_head():
    """A later migration that recreates one of these tables (batch mode) drops its triggers: this says so."""
    triggers = {r[0] for r in db.session.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    for table in fts.TABLES:
        assert set(fts.trigger_names(table)) <= triggers, table
    assert fts.existing(db.session.connection()) == [fts.fts_table(t) for t in fts.TABLES]


def test_what_the_index_is_asked():
    assert fts.match_query(["tet", "trung", "thu"]) == '"tet"* "trung"* "thu"*'
    # One letter would read nearly every row; letters outside ASCII are left to the LIKE alone.
    assert fts.match_query(["a", "b"]) is None
    assert fts.match_query(["bjørn", "x"]) is None
    assert fts.match_query(["a", "2024"]) == '"2024"*'
    # Cut to the longest prefix index, twice the same word once.
    assert fts.match_query(["truongg", "truong", "hoi"]) == '"truong"* "hoi"*'
    assert fts.match_query([]) is None


TEXTS = [
    "Tết Trung thu (2023-2024) cho con đoàn viên",
    "Hội thao: bóng đá, cầu lông; kéo co!",
    "Phan Thị Nhung, Trần Văn Hưng",
    "A. B. C. – tổ 1, tổ 2/3, lớp 5A",
    "Nghiêng nghiệm nghiệp vụ nghỉ",
    "Bjørn Straße 中文 naïve café",
    "e-mail: an_binh@thanhto.demo, 100% đạt",
    "Dự án X_Y; 3.000.000 đồng",
]
QUERIES = ["tet trung thu", "hung", "nhung", "a b", "a 2", "to 1", "2023", "20", "lop 5a", "5a", "nghieng",
           "nghiem nghiep", "nghi", "ngh", "bjo", "bjørn", "strasse", "straße", "中文", "cafe", "naive", "an binh",
           "binh thanhto", "100", "x y", "3 000", "000 dong", "dat", "thao keo", "xyz", "d", "co"]


def _found(user, words: list[str]) -> dict[str, set[int]]:
    """The ids of each area's first page of hits, as the page reads them (queries._ids)."""
    return {key: set(db.session.execute(sa.select(
        queries._ids(key, user, words, ORDERS[key], queries.PAGE_SIZE, 0, queries.CAP).c.id)).scalars())
        for key in AREAS}


def test_the_index_finds_exactly_what_the_like_finds(monkeypatch):
    """Every way an area can be read gives the same hits, and they are the LIKE's: through the index by
    id (few candidates), in order (many), and without the index (as on main before it)."""
    u = make_union()
    u.chair.set_roles(["chair", "committee", "admin"])
    made = {key: set() for key in AREAS}
    for i, text in enumerate(TEXTS):
        made[queries.PLANS].add(make_plan(u.chair, f"Kế hoạch {i}", sections=[], schedule=[],
                                          bases=[text]).id)
        made[queries.REQUESTS].add(submit(u.members[i % 3], "suggestion",
                                          data={"subject": f"Góp ý {i}", "content": text}).id)
    tasks = [quick_task(u) for _ in TEXTS]
    for task, text in zip(tasks, TEXTS):
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(search_text=key_of(f"Việc {text}")))
        made[queries.TASKS].add(task.id)
    db.session.commit()
    texts = {key: dict(db.session.execute(sa.select(model.id, model.search_text)).all())
             for key, (model, _) in AREAS.items()}
    checked = 0
    for q in QUERIES:
        words = query_words(q)
        expected = {key: {i for i, text in texts[key].items() if all(f" {w}" in text for w in words)}
                    for key in AREAS}
        monkeypatch.setattr(queries, "FEW", 10_000)
        by_id = _found(u.chair, words)
        monkeypatch.setattr(queries, "FEW", 0)
        in_order = _found(u.chair, words)
        monkeypatch.setattr(fts, "enabled", lambda bind: False)
        without = _found(u.chair, words)
        monkeypatch.undo()
        assert by_id == in_order == without == expected, q
        checked += sum(map(len, expected.values()))
    assert checked > 40     # the queries do find things


def test_a_query_no_word_of_which_the_index_takes_still_finds(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Tổ 1 đi bộ", sections=[], schedule=[], bases=["A B C"])
    signed_in(chair)
    assert "Kế hoạch 1 " in page_text(client, "a b")


def page_text(client, q: str) -> str:
    response = client.get("/tim-kiem", query_string={"q": q})
    assert response.status_code == 200
    return html.unescape(text_of(response))


def _plan_of(statement) -> str:
    sql = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return "\n".join(r[3] for r in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))


@pytest.mark.parametrize("key", list(AREAS))
def test_each_area_reads_its_index_and_its_candidates_by_id(key):
    """EXPLAIN QUERY PLAN of an area's statement: the FTS5 table is read, and the branch for few candidates
    looks them up by id (the other branch, for many, reads in the area's order)."""
    u, _ = one_of_each()
    _, table = AREAS[key]
    ids = queries._ids(key, u.chair, ["hoi", "thao"], ORDERS[key], 10, 0, queries.CAP)
    plan = _plan_of(sa.select(ids))
    assert f"SCAN {table}_fts VIRTUAL TABLE" in plan, plan
    assert f"SEARCH {table} USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    counting = _plan_of(sa.select(sa.func.count()).select_from(queries._candidates(key, ["hoi"]).subquery()))
    assert f"SCAN {table}_fts VIRTUAL TABLE" in counting


def test_a_word_of_one_letter_and_punctuation_leave_the_index_right(client, signed_in):
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    make_plan(chair, "Hội thao “Khối A” – vòng 1/2 (2024)", sections=[], schedule=[], bases=[])
    signed_in(chair)
    for q, found in (("khoi a", True), ("a khoi", True), ("vong 1 2", True), ("“khối”", True), ("khoi zz", False),
                     ("2024)", True), ("vong 12", False), ("(2024", True), ("a", False)):
        assert ("Kế hoạch 1 " in page_text(client, q)) is found, q


def test_reindex_repairs_an_index_that_lost_its_rows(runner):
    _, made = one_of_each()
    for table in fts.TABLES:
        name = fts.fts_table(table)
        db.session.execute(sa.text(f"INSERT INTO {name}({name}) VALUES ('delete-all')"))
    db.session.commit()
    try:
        assert made[queries.REQUESTS] not in indexed("member_requests", "cau")
        result = runner.invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
    finally:
        # An index that lacks rows makes their deletion fail ("database disk image is malformed"): the
        # database is emptied after the test, so it is repaired whatever happened above.
        db.session.rollback()
        fts.rebuild(db.session.connection())
        db.session.commit()
    assert made[queries.REQUESTS] in indexed("member_requests", "cau")
    assert made[queries.PLANS] in indexed("plans", "hoi") and made[queries.TASKS] in indexed("tasks", "viec")
    with db.engine.connect() as conn:
        fts.check(conn)


def test_the_migration_fills_the_index_from_the_rows_already_there(app):
    from flask_migrate import downgrade, upgrade
    _, made = one_of_each()
    db.session.commit()
    db.session.remove()
    downgrade(revision="0032_status_versions")
    try:
        assert fts.existing(db.session.connection()) == []
        db.session.remove()
    finally:
        upgrade()
    assert made[queries.REQUESTS] in indexed("member_requests", "cau")
    assert made[queries.TASKS] in indexed("tasks", "viec") and made[queries.PLANS] in indexed("plans", "hoi")


def test_a_deleted_draft_plan_leaves_the_index():
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    plan = make_plan(chair, "Dự thảo hội diễn văn nghệ", status=None)
    db.session.commit()
    plan_id = plan.id
    assert plan_id in indexed("plans", "dien")
    plan_creating.delete_plan(plan, actor=chair)
    db.session.commit()
    assert plan_id not in indexed("plans", "dien")


def test_the_bench_data_set_is_indexed_after_its_bulk_load():
    """bench/data.py inserts rows in bulk and rebuilds their search texts: the index is right after it."""
    from bench import data
    data.build({"people": 40, "groups": 4, "plans": 2, "tasks": 20, "requests": 10}, password_hash="x")
    db.session.commit()
    with db.engine.connect() as conn:
        fts.check(conn)
    for model, table in AREAS.values():
        rows = db.session.execute(sa.select(model.id, model.search_text)).all()
        assert rows and all(text for _, text in rows)
        for row_id, text in rows:
            assert row_id in indexed(table, text.split()[0]), (table, text)


def test_a_members_plans_are_read_in_order_not_through_the_rules_two_indexes():
    """Outside the committee the plans rule is a filter on plans read newest first: as a bare OR, SQLite
    read every approved plan through two indexes and sorted them all for the first page."""
    u, _ = one_of_each()
    ids = queries._ids(queries.PLANS, u.members[0], ["hoi", "thao"], ORDERS[queries.PLANS], 10, 0, queries.CAP)
    plan = _plan_of(sa.select(ids))
    assert "MULTI-INDEX OR" not in plan, plan
    assert "SCAN plans USING INDEX ix_plans_updated_at" in plan, plan
