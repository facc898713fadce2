"""The search box's plans area on PostgreSQL, narrowed by the index of plan words (congdoan/finder/words.py,
migration 0035_plan_words): what the index is asked, that every way the area can be read finds exactly
what the LIKE finds (texts made the many ways plans are written, a word too long for the index, a text
longer than the part indexed, a member's narrower view), and that the statement reads the index, not
every plan's text."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.finder import queries, words
from congdoan.finder.keys import query_words
from congdoan.plans.models import Plan, PlanStatus

from .conftest import text_of
from .plan_factories import make_plan
from .task_factories import make_union
from .test_search_fts import QUERIES, TEXTS

ORDER = ((Plan.updated_at, True), (Plan.id, True))        # as queries._plans reads them
LONG_WORD = "zq" + "k" * 2100                             # PostgreSQL's parser drops a word this long
LONG_TEXT = ["Đoạn dài " + "ab cd ef gh " * 1500] * 9      # 9 paragraphs, 108,000 characters in all


def postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the index of plan words is PostgreSQL's: SQLite has its FTS5 index (test_search_fts.py)")


def test_what_the_index_is_asked():
    assert words.tsquery(["tet", "trung", "thu"]) == "tet:* & trung:* & thu:*"
    # One letter would start nearly every plan; letters outside ASCII are left to the LIKE alone.
    assert words.tsquery(["a", "b"]) is None
    assert words.tsquery(["bjørn", "x"]) is None
    assert words.tsquery(["a", "2024", "2024"]) == "2024:*"
    assert words.tsquery(["truongggggggg"]) == "truongggggggg:*"      # no prefix index to cut it to
    assert words.tsquery([]) is None


def _page(user, found_words: list[str], cap: int) -> tuple[list[int], int]:
    """The area's first page of hits (20) in order and its count, as the page reads them (queries._ids)."""
    ids = queries._ids(queries.PLANS, user, found_words, ORDER, queries.PAGE_SIZE, 0, cap)
    rows = db.session.execute(sa.select(ids.c.id, ids.c.total).order_by(ids.c.id.desc())).all()
    order = {i: n for n, i in enumerate(db.session.execute(
        sa.select(Plan.id).order_by(Plan.updated_at.desc(), Plan.id.desc())).scalars())}
    return sorted((r[0] for r in rows), key=order.get), (rows[0][1] if rows else 0)


def test_every_way_of_reading_finds_exactly_what_the_like_finds(app, monkeypatch):
    """Few candidates (sorted and read), many (the newest plans read in order, enough hits among them or
    not, then the candidates), and the trigram index alone (as before 0035): the same page, the same
    count, and the LIKE's hits, for the chair and for a member who sees fewer plans."""
    postgresql_only()
    u = make_union()
    texts = TEXTS + [f"Từ rất dài {LONG_WORD} cuối", "Bài có chữ tết ở đầu", "tết Trung Thu 2024–2025 (lần 2)"]
    statuses = [None, PlanStatus.APPROVED, PlanStatus.ISSUED]
    for i, text in enumerate(texts):
        make_plan(u.chair if i % 2 else u.members[0], f"Kế hoạch {i}", sections=[], schedule=[], bases=[text],
                  status=statuses[i % 3])
    make_plan(u.chair, "Kế hoạch dài", sections=[], schedule=[], bases=LONG_TEXT + ["chốt cuối cùng"],
              status=PlanStatus.APPROVED)
    db.session.commit()
    rows = db.session.execute(sa.select(Plan.id, Plan.search_text, Plan.status, Plan.author_id)
                              .order_by(Plan.updated_at.desc(), Plan.id.desc())).all()
    assert any(len(r.search_text) > words.INDEXED_CHARS for r in rows)
    seen_by = {u.chair.id: lambda r: True,
               u.members[0].id: lambda r: r.status in ("approved", "issued") or r.author_id == u.members[0].id}
    checked = 0
    for q in QUERIES + ["zqkkk", "zq", "chot cuoi", "cuoi cung", "tet 2024", "tet lan 2", "ab cd", "gh"]:
        found_words = query_words(q)
        for user in (u.chair, u.members[0]):
            hits = [r.id for r in rows if seen_by[user.id](r) and all(f" {w}" in r.search_text for w in found_words)]
            for cap in (1, 3, queries.CAP):
                expected = (hits[:cap + 1][:queries.PAGE_SIZE], len(hits[:cap + 1]))
                ways = {}
                for name, few, window in (("few", 10_000, 4), ("window", 0, 1_000), ("no window", 0, 0)):
                    monkeypatch.setattr(queries, "FEW", few)
                    monkeypatch.setattr(queries, "WINDOW", window)
                    ways[name] = _page(user, found_words, cap)
                monkeypatch.setattr(words, "enabled", lambda bind: False)
                ways["trigrams"] = _page(user, found_words, cap)
                monkeypatch.undo()
                assert all(way == expected for way in ways.values()), (q, user.email, cap, ways, expected)
            checked += len(hits)
    assert checked > 40       # the queries do find things


def test_a_word_too_long_for_the_index_and_a_long_text_are_still_found(client, signed_in):
    postgresql_only()
    u = make_union()
    make_plan(u.chair, "Kế hoạch từ dài", sections=[], schedule=[], bases=[f"Mở đầu {LONG_WORD}"])
    make_plan(u.chair, "Kế hoạch dài", sections=[], schedule=[], bases=LONG_TEXT + ["chốt cuối cùng"])
    signed_in(u.chair)
    assert "Kế hoạch từ dài" in page_text(client, "zqkk")
    assert "Kế hoạch dài" in page_text(client, "chot cuoi cung")
    assert "Kế hoạch dài" not in page_text(client, "chot dau tien")


def test_typed_words_find_their_plans_and_nothing_that_merely_contains_them(client, signed_in):
    postgresql_only()
    u = make_union()
    make_plan(u.chair, "Kế hoạch hoàn thành nhiệm vụ", sections=[], schedule=[], bases=["Năm học 2024-2025"])
    make_plan(u.chair, "Kế hoạch hoạt động thanh niên", sections=[], schedule=[], bases=["Khoán thanh toán"])
    signed_in(u.chair)
    text = page_text(client, "Hoàn Thành")
    assert "Kế hoạch hoàn thành nhiệm vụ" in text and "Kế hoạch hoạt động thanh niên" not in text
    assert "Kế hoạch hoàn thành nhiệm vụ" in page_text(client, "2024 2025")
    assert "Kế hoạch hoàn thành nhiệm vụ" not in page_text(client, "024")


def page_text(client, q: str) -> str:
    response = client.get("/tim-kiem", query_string={"q": q})
    assert response.status_code == 200
    return html.unescape(text_of(response))


def _explain(statement) -> str:
    return "\n".join(r[0] for r in db.session.execute(sa.text(f"EXPLAIN {statement}")))


def test_the_plans_area_reads_the_words_index_and_no_text_through_the_trigrams():
    """The area's statement calls the candidates' function and never the trigram index; inside the function
    (its own setting, enable_seqscan off) the plans come from the words index and the partial index of long
    texts."""
    postgresql_only()
    u = make_union()
    make_plan(u.chair, "Kế hoạch hội thao", sections=[], schedule=[], bases=["Tết Trung thu"])
    ids = queries._ids(queries.PLANS, u.chair, ["tet", "trung"], ORDER, 10, 0, queries.CAP)
    sql = sa.select(ids).compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    plan = _explain(sql)
    assert "plan_search_candidates" in plan and "ix_plans_search_text" not in plan, plan
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    inside = _explain(f"SELECT id FROM plans WHERE plan_search_words(search_text) @@ to_tsquery('simple', 'tet:*') "
                      f"OR {words.LONG}")
    db.session.rollback()
    assert "ix_plans_search_words" in inside and "ix_plans_search_long" in inside, inside
    assert "Filter" not in inside, inside         # no text is read again for a candidate


def test_the_migration_makes_and_removes_the_index_and_its_functions(app):
    postgresql_only()
    from flask_migrate import downgrade, upgrade

    def present() -> set[str]:
        names = db.session.execute(sa.text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'plans' UNION ALL "
            "SELECT proname FROM pg_proc WHERE proname LIKE 'plan_search_%'")).scalars()
        return set(names) & {*words.INDEXES, "plan_search_words", "plan_search_candidates"}

    assert present() == {*words.INDEXES, "plan_search_words", "plan_search_candidates"}
    db.session.remove()
    downgrade(revision="0034_request_totals")
    assert present() == set()
    db.session.remove()
    upgrade()
    assert present() == {*words.INDEXES, "plan_search_words", "plan_search_candidates"}


def test_a_page_past_the_last_counts_through_the_index_and_shows_the_last(app):
    postgresql_only()
    u = make_union()
    for i in range(25):
        make_plan(u.chair, f"Kế hoạch Tết số {i}", sections=[], schedule=[], bases=["Vui Tết"],
                  status=PlanStatus.APPROVED if i % 2 else None)
    make_plan(u.chair, "Kế hoạch hội thao", sections=[], schedule=[], bases=["Bóng đá"])
    for user, total in ((u.chair, 25), (u.members[0], 12)):       # a member sees the 12 approved ones only
        with app.test_request_context():
            area = queries.area(queries.PLANS, user, ["tet"], page=99, size=10)
        last = (total + 9) // 10
        assert (area.total, area.page, area.more) == (total, last, False)
        assert len(area.hits) == total - (last - 1) * 10
