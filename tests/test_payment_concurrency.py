"""Voucher numbers under concurrency: payment forms posted at the same instant from threads, each with
its own client, app context, session and database connection, as with several server workers.

`TEST_DATABASE_URL=postgresql://...` makes this the PostgreSQL proof (the unique (year, number) index
makes the second insert wait for the first transaction, then refuses it; the automatic number is taken
again in a savepoint); the default run is the SQLite one (the single writer lock).
"""
from __future__ import annotations

import threading

import sqlalchemy as sa

from congdoan.dates import fmt_date, local_today
from congdoan.extensions import db
from congdoan.member_requests.models import MemberRequest
from congdoan.member_requests.payments import Payment

from .conftest import PASSWORD, login
from .reqkit import cast, request_in

WORKERS = 6
YEAR = local_today().year


def _fire(posts: list[tuple[object, str, dict]]) -> list[int]:
    """POST every (client, url, form) at once; the status codes in order."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int | None] = [None] * len(posts)
    failures: list[BaseException] = []

    def worker(index: int, client, url: str, form: dict) -> None:
        try:
            barrier.wait(timeout=20)
            statuses[index] = client.post(url, data=form).status_code
        except BaseException as exc:  # reported below: a thread's exception would vanish otherwise
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i, *p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    db.session.expire_all()
    return statuses


def _posts(app, c, reqs, voucher: str) -> list[tuple[object, str, dict]]:
    posts = []
    for req in reqs:
        client = app.test_client()
        assert login(client, c.accountant, PASSWORD).status_code == 303
        form = {"csrf_token": client.csrf_token(), "version": str(req.version), "paid_on": fmt_date(local_today()),
                "voucher": voucher, "proposed": f"PC-001/{YEAR}", "receiver": req.requester.full_name, "note": ""}
        posts.append((client, f"/de-xuat/{req.id}/ghi-nhan-chi", form))
    return posts


def test_simultaneous_payments_get_distinct_consecutive_numbers(app):
    c = cast()
    reqs = [request_in(c, "approved") for _ in range(WORKERS)]
    statuses = _fire(_posts(app, c, reqs, f"PC-001/{YEAR}"))       # every page proposed PC-001
    assert statuses == [303] * WORKERS
    seqs = db.session.execute(sa.select(Payment.voucher_seq).where(Payment.voucher_year == YEAR)
                              .order_by(Payment.voucher_seq)).scalars().all()
    assert seqs == list(range(1, WORKERS + 1))
    assert all(db.session.get(MemberRequest, r.id).status == "done" for r in reqs)


def test_one_typed_number_posted_at_once_is_given_once(app):
    c = cast()
    reqs = [request_in(c, "approved") for _ in range(4)]
    statuses = _fire(_posts(app, c, reqs, "50"))
    assert sorted(statuses) == [303, 422, 422, 422]
    assert db.session.execute(sa.select(Payment.voucher_seq)).scalars().all() == [50]
    paid = [r for r, s in zip(reqs, statuses) if s == 303]
    assert [db.session.get(MemberRequest, r.id).status for r in reqs].count("done") == 1
    assert db.session.get(MemberRequest, paid[0].id).payment.voucher == f"PC-050/{YEAR}"
