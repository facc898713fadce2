"""The request totals kept at write time (congdoan/member_requests/totals.py) never drift from the
requests: after every kind of request write (filing, each move of the workflow through the pages,
payment, ORM and Core writes, rolled-back savepoints and transactions, concurrent writers on
PostgreSQL, the bench's bulk load) the kept rows equal a fresh COUNT(*) and SUM GROUP BY status, and
`flask requests recount` rebuilds them. The payment inbox and the accountant's home panel read them
instead of counting the union's approved requests."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from congdoan.extensions import db
from congdoan.member_requests import payments, totals, workflow
from congdoan.member_requests.kinds import KINDS
from congdoan.member_requests.models import MemberRequest, RequestEvent, RequestTotal
from congdoan.money import fmt_vnd

from .concurrency import run_together
from .conftest import PASSWORD, login, text_of
from .reqkit import SAMPLE, cast, png_bytes, request_in, submit
from .test_requests_pages import post_multipart

STATES = ("submitted", "returned", "confirmed", "queried", "approved", "refused", "done", "withdrawn")


def _kept() -> dict[str, tuple[int, int]]:
    return {r.status: (r.number, r.amount) for r in db.session.execute(sa.select(RequestTotal)).scalars()
            if (r.number, r.amount) != (0, 0)}


def _fresh() -> dict[str, tuple[int, int]]:
    """What the rows must be: a COUNT(*) and SUM GROUP BY status over the requests, written out here."""
    return {status: (int(n), int(amount)) for status, n, amount in db.session.execute(sa.text(
        "SELECT status, count(*), coalesce(sum(amount_approved), 0) FROM member_requests GROUP BY status"))}


def assert_agree() -> None:
    db.session.commit()
    assert _kept() == _fresh()
    assert totals.check(db.session.connection()) == []
    fresh = _fresh()
    for status in STATES:
        assert totals.read(status) == totals.Totals(*fresh.get(status, (0, 0)))
    db.session.commit()


@pytest.fixture
def no_recount(monkeypatch):
    """Fails the test if a write counted every row again: the app's writes say what they moved."""
    calls = []
    real = totals.rebuild
    monkeypatch.setattr(totals, "rebuild", lambda conn: calls.append(1) or real(conn))
    return calls


# --- a random series of real operations, through the pages ----------------------------------------------

class Union:
    def __init__(self, app):
        self.c = cast()
        db.session.commit()
        self.app = app
        self.clients = {}

    def client(self, user):
        if user.id not in self.clients:
            client = self.app.test_client()
            assert login(client, user, PASSWORD).status_code == 303
            self.clients[user.id] = client
        return self.clients[user.id]

    def file(self, user, kind: str):
        before = db.session.execute(sa.select(sa.func.max(MemberRequest.id))).scalar() or 0
        files = [(png_bytes(), "anh.png")] if KINDS[kind].evidence_required else []
        r = post_multipart(self.client(user), f"/de-xuat/moi/{KINDS[kind].slug}", SAMPLE[kind], files)
        assert r.status_code == 303, text_of(r)[:300]
        return db.session.execute(sa.select(MemberRequest).where(MemberRequest.id > before)).scalar_one()

    def act(self, req, action: str, user, **form):
        db.session.refresh(req)
        r = self.client(user).post_form(f"/de-xuat/{req.id}/thao-tac/{action}",
                                        {"version": req.version, "note": "Ghi chú", **form})
        assert r.status_code == 303, (action, r.status_code, text_of(r)[:300])

    def pay(self, req):
        db.session.refresh(req)
        proposal = payments.propose(req)
        r = self.client(self.c.accountant).post_form(f"/de-xuat/{req.id}/ghi-nhan-chi", {
            "paid_on": proposal.paid_on, "voucher": proposal.voucher, "receiver": proposal.receiver, "note": "",
            "proposed": proposal.voucher, "version": str(req.version)})
        assert r.status_code == 303, text_of(r)[:300]


def test_a_random_series_of_operations_keeps_the_totals(app, no_recount):
    u = Union(app)
    c = u.c
    rng = random.Random(20)
    requests: list[MemberRequest] = []
    done = {"file": 0, "approve": 0, "pay": 0, "refuse": 0, "withdraw": 0, "amount": 0, "delete": 0}
    assert_agree()
    for step in range(70):
        for req in requests:
            db.session.refresh(req)
        by_state = {s: [r for r in requests if r.status == s] for s in STATES}
        choices = ["file"] * 3
        choices += ["confirm"] * bool(by_state["submitted"]) + ["ask"] * bool(by_state["submitted"])
        choices += ["answer_leader"] * bool(by_state["returned"]) + ["answer_committee"] * bool(by_state["queried"])
        payable = [r for r in by_state["confirmed"] if r.spec.payable]
        choices += ["approve"] * 3 * bool(payable) + ["query", "refuse"] * bool(by_state["confirmed"])
        choices += ["resolve"] * bool([r for r in by_state["confirmed"] if not r.spec.payable])
        choices += ["pay"] * 2 * bool(by_state["approved"]) + ["amount"] * bool(by_state["approved"])
        choices += ["withdraw"] * bool(by_state["submitted"] + by_state["confirmed"])
        choices += ["delete"] * bool(requests)
        op = rng.choice(choices)
        if op == "file":
            who = rng.choice([c.member, c.neighbour, c.other_member])
            requests.append(u.file(who, rng.choice(["wedding_funeral", "sick_visit", "hardship", "suggestion"])))
        elif op in ("confirm", "ask"):
            req = rng.choice(by_state["submitted"])
            leader = req.group.leader if req.group is not None and req.group.leader_id != req.requester_id else c.chair
            u.act(req, op, leader)
        elif op in ("answer_leader", "answer_committee"):
            req = rng.choice(by_state["returned" if op == "answer_leader" else "queried"])
            u.act(req, "answer", req.requester)
        elif op == "approve":
            u.act(rng.choice(payable), "approve", c.committee, amount=str(rng.choice([300_000, 500_000, 1_250_000])))
        elif op in ("query", "refuse"):
            u.act(rng.choice(by_state["confirmed"]), op, c.chair)
        elif op == "resolve":
            u.act(rng.choice([r for r in by_state["confirmed"] if not r.spec.payable]), "resolve", c.chair)
        elif op == "pay":
            u.pay(rng.choice(by_state["approved"]))
        elif op == "amount":
            # No page changes an approved amount; a script (or a correction by hand) does it through the ORM.
            req = rng.choice(by_state["approved"])
            req.amount_approved = rng.choice([100_000, 2_000_000])
        elif op == "withdraw":
            req = rng.choice(by_state["submitted"] + by_state["confirmed"])
            u.act(req, "withdraw", req.requester)
        elif op == "delete":
            # No page deletes a request either: an ORM delete (a script's, or an admin's by hand).
            req = requests.pop(rng.randrange(len(requests)))
            db.session.execute(sa.delete(payments.Payment).where(payments.Payment.request_id == req.id)
                               .execution_options(synchronize_session=False))
            db.session.delete(req)
        done[op if op in done else "file"] += op in done
        assert_agree()
        # What the accountant reads: the inbox's header and the home panel.
        approved = _fresh().get("approved", (0, 0))
        page = text_of(u.client(c.accountant).get("/de-xuat/cho-chi"))
        assert fmt_vnd(approved[1]) in page
        home = text_of(u.client(c.accountant).get("/"))
        assert fmt_vnd(approved[1]) in home
    assert all(done.values()), done
    assert no_recount == []


# --- other writers -------------------------------------------------------------------------------------

def test_orm_core_and_rolled_back_writes(no_recount):
    c = cast()
    approved = request_in(c, "approved")
    other = request_in(c, "confirmed")
    assert_agree()
    # ORM writes of status and amount, with and without the old value loaded.
    approved.amount_approved = 900_000
    db.session.commit()
    assert_agree()
    db.session.expire(other)
    other.status = "refused"                    # set without its old value ever loaded
    db.session.commit()
    assert_agree()
    assert no_recount == []                     # the old values read from the row, not everything counted
    # A summary or note changed: nothing counted moves.
    approved.decision_note = "Đã xem lại"
    db.session.commit()
    assert_agree()
    # A Core UPDATE that does not say what it moves: everything counted again, right.
    db.session.execute(sa.update(MemberRequest).where(MemberRequest.id == other.id).values(status="confirmed"))
    db.session.commit()
    assert_agree()
    # One that moves nothing counted (the search texts) leaves the rows alone.
    no_recount.clear()
    db.session.execute(sa.update(MemberRequest).values(search_text="x"))
    db.session.commit()
    assert no_recount == []
    assert_agree()
    # A savepoint rolled back takes its moves with it; the one released keeps them.
    db.session.refresh(approved)
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            workflow.apply(approved, "pay", c.accountant, expected=approved.version)
            raise RuntimeError("bỏ")
    third = submit(c.member)                   # committed: a new request
    with db.session.begin_nested():
        third.status = "confirmed"
    db.session.commit()
    assert_agree()
    # A transaction rolled back: nothing moves.
    db.session.refresh(other)
    before = _kept()
    workflow.apply(other, "refuse", c.chair, expected=other.version, note="Không đủ điều kiện")
    db.session.rollback()
    assert _kept() == before
    assert_agree()
    # A refused move (stale version) writes nothing and moves nothing.
    db.session.refresh(other)
    with pytest.raises(Exception):
        workflow.apply(other, "refuse", c.chair, expected=other.version - 1, note="Cũ")
    db.session.rollback()
    assert_agree()
    # Core INSERT and DELETE through the session: counted again.
    db.session.execute(sa.delete(RequestEvent).where(RequestEvent.request_id == third.id))
    db.session.execute(sa.delete(MemberRequest).where(MemberRequest.id == third.id))
    db.session.commit()
    assert_agree()


def test_recount_command_repairs_and_checks(runner):
    c = cast()
    request_in(c, "approved")
    request_in(c, "done")
    # A write that bypasses the session (a bulk load, a hand edit): the rows drift.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE member_requests SET amount_approved = 7 WHERE status = 'approved'"))
    result = runner.invoke(args=["requests", "recount", "--check"])
    assert result.exit_code == 1 and "lệch" in result.output and "Đã duyệt, chờ chi" in result.output
    result = runner.invoke(args=["requests", "recount"])
    assert result.exit_code == 0 and "Đã đếm lại số đề xuất" in result.output
    result = runner.invoke(args=["requests", "recount", "--check"])
    assert result.exit_code == 0 and "khớp" in result.output
    db.session.expire_all()
    assert_agree()


@pytest.mark.parametrize("rounds", [6])
def test_concurrent_writers_lose_no_increment(app, rounds):
    """Writers in separate sessions and threads approve and pay requests at once; on PostgreSQL they
    really run together (each adds to the same status rows at commit): none is lost."""
    c = cast()
    reqs = [request_in(c, "confirmed") for _ in range(4 * rounds)]
    ids = [r.id for r in reqs]
    committee_id, accountant_id = c.committee.id, c.accountant.id
    db.session.commit()
    def writer(part: list[int]) -> None:
        from congdoan.people.models import User
        committee, accountant = db.session.get(User, committee_id), db.session.get(User, accountant_id)
        for k, request_id in enumerate(part):
            req = db.session.get(MemberRequest, request_id)
            workflow.apply(req, "approve", committee, expected=req.version, amount=f"{(k + 1) * 100_000}")
            db.session.commit()
            if k % 2 == 0:
                workflow.apply(req, "pay", accountant, expected=req.version)
                db.session.commit()

    errors = run_together(app, [ids[i::4] for i in range(4)], writer)
    assert not errors
    db.session.expire_all()
    assert _fresh()["approved"][0] + _fresh()["done"][0] == len(ids)
    assert_agree()


def test_the_bench_bulk_load_leaves_the_totals_right():
    """The bench inserts requests with Core, past the session: it recounts them after, as the CLI does."""
    from bench import data
    data.build({"people": 40, "groups": 4, "plans": 4, "tasks": 40, "requests": 60}, password_hash="x")
    db.session.commit()
    assert sum(n for n, _ in _fresh().values()) == 60
    assert_agree()


def test_the_demo_leaves_the_totals_right(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert _fresh()
    assert_agree()


# --- the pages read them -------------------------------------------------------------------------------

def _statements(app, client, path: str) -> tuple[str, list[str]]:
    seen = []

    def log(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()).lower())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", log)
    try:
        page = text_of(client.get(path))
    finally:
        event.remove(engine, "before_cursor_execute", log)
    return page, seen


def test_the_accountant_reads_the_kept_totals_not_the_union(app, client, signed_in):
    """The payment inbox's header and the accountant's home panel neither count nor add up the
    approved requests: they read request_totals (a primary-key row), and show what it says."""
    c = cast()
    first = request_in(c, "approved")
    request_in(c, "approved")
    request_in(c, "done")
    db.session.commit()
    assert totals.read("approved") == totals.Totals(2, 1_000_000)
    signed_in(c.cashier)                        # the accountant alone: no committee panel
    for path in ("/de-xuat/cho-chi", "/"):
        page, statements = _statements(app, client, path)
        assert fmt_vnd(1_000_000) in page
        union_wide = [s for s in statements if "from member_requests" in s and ("count(" in s or "sum(" in s)]
        assert union_wide == [], union_wide
        assert any("request_totals" in s for s in statements)
    assert f"/de-xuat/{first.id}" in client.get("/de-xuat/cho-chi").get_data(as_text=True)
