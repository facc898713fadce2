"""Register numbers under concurrency: sign requests fired at the same instant from threads, each with
its own client, app context, session and database connection, as with several server workers.

Plans and reports (issue 19) are numbered in separate sequences, each gap-free under the same lock.

Runs on whichever database the suite uses; `TEST_DATABASE_URL=postgresql://...` makes it the
PostgreSQL proof (row lock on the counter, READ COMMITTED re-read), the default run the SQLite one
(the single write lock, taken by the counter bump as the first write).
"""
from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa
from flask import current_app

from congdoan.documents.models import DocumentCounter, SignedDocument
from congdoan.extensions import db
from congdoan.plans.models import Plan, PlanStatus
from congdoan.reports.blocks import Block, SectionDraft
from congdoan.reports.service import draft_report

from .conftest import PASSWORD, login
from .doc_factories import approve, approved_plan, make_committee

WORKERS = 6


def _fire(app, requests: list[tuple[object, str, str]]) -> list[int]:
    """POST every (client, url, csrf token) at once; the status codes in order."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int | None] = [None] * len(requests)
    failures: list[BaseException] = []

    def worker(index: int, client, url: str, token: str) -> None:
        try:
            barrier.wait(timeout=20)
            statuses[index] = client.post(url, data={"csrf_token": token}).status_code
        except BaseException as exc:  # reported below: a thread's exception would vanish otherwise
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    db.session.expire_all()
    return statuses


def _chair_clients(app, committee, count: int):
    clients = []
    for _ in range(count):
        client = app.test_client()
        assert login(client, committee.chair, PASSWORD).status_code == 303
        clients.append((client, client.csrf_token()))
    return clients


def test_simultaneous_signatures_get_distinct_consecutive_numbers(app):
    committee = make_committee()
    plans = [approved_plan(committee, f"Kế hoạch ký đồng thời số {i} năm 2025") for i in range(WORKERS)]
    clients = _chair_clients(app, committee, WORKERS)
    statuses = _fire(app, [(client, f"/ke-hoach/{plan.id}/ky-ban-hanh", token)
                           for (client, token), plan in zip(clients, plans)])
    assert statuses == [303] * WORKERS
    rows = db.session.execute(sa.select(SignedDocument.seq, SignedDocument.number, SignedDocument.plan_id)
                              .order_by(SignedDocument.seq)).all()
    assert [r.seq for r in rows] == list(range(1, WORKERS + 1))
    assert [r.number for r in rows] == [f"{n:02d}/KH-CĐ" for n in range(1, WORKERS + 1)]
    numbers = {p.id: p.number for p in db.session.execute(sa.select(Plan)).scalars()}
    assert all(numbers[r.plan_id] == r.number for r in rows)       # the plan shows its own number
    assert db.session.execute(sa.select(DocumentCounter.seq)).scalar_one() == WORKERS


def test_one_plan_signed_by_several_at_once_is_issued_once(app):
    committee = make_committee()
    plan = approved_plan(committee)
    clients = _chair_clients(app, committee, 4)
    statuses = _fire(app, [(client, f"/ke-hoach/{plan.id}/ky-ban-hanh", token) for client, token in clients])
    assert sorted(statuses) == [303, 409, 409, 409]
    assert db.session.get(Plan, plan.id).state == PlanStatus.ISSUED
    assert db.session.execute(sa.select(sa.func.count()).select_from(SignedDocument)).scalar() == 1
    # the refused signatures rolled their counter bump back: no number was used up
    assert db.session.execute(sa.select(DocumentCounter.seq)).scalar_one() == 1


def test_plans_and_reports_signed_at_once_get_their_own_gap_free_sequences(app):
    """Issue 19: each kind has its own register sequence per calendar year. Plans and reports signed
    at the same instant: the plans get 01..n/KH-…, the reports 01..n/BC-…, no gap, no number twice."""
    committee = make_committee()
    half = WORKERS // 2
    plans = [approved_plan(committee, f"Kế hoạch ký cùng báo cáo số {i} năm 2025") for i in range(half)]
    reports = []
    for i in range(half):
        with current_app.test_request_context():
            report = draft_report(dt.date(2020 + i, 8, 1), dt.date(2021 + i, 7, 31), actor=committee.chair,
                                  sections=[SectionDraft("I. ĐẶC ĐIỂM TÌNH HÌNH",
                                                         (Block("paragraph", f"Có {30 + i} đoàn viên."),))])
        db.session.commit()
        reports.append(approve(report, committee))
    documents = [d for pair in zip(plans, reports) for d in pair]           # plan, report, plan, report, ...
    clients = _chair_clients(app, committee, len(documents))
    statuses = _fire(app, [(client, f"/ke-hoach/{doc.id}/ky-ban-hanh", token)
                           for (client, token), doc in zip(clients, documents)])
    assert statuses == [303] * len(documents)
    rows = db.session.execute(sa.select(SignedDocument.kind, SignedDocument.seq, SignedDocument.number,
                                        SignedDocument.plan_id).order_by(SignedDocument.kind, SignedDocument.seq)).all()
    by_kind = {kind: [(r.seq, r.number) for r in rows if r.kind == kind] for kind in ("KH", "BC")}
    assert by_kind["KH"] == [(n, f"{n:02d}/KH-CĐ") for n in range(1, half + 1)]
    assert by_kind["BC"] == [(n, f"{n:02d}/BC-CĐ") for n in range(1, half + 1)]
    assert {r.plan_id for r in rows if r.kind == "BC"} == {r.id for r in reports}
    counters = dict(db.session.execute(sa.select(DocumentCounter.kind, DocumentCounter.seq)).all())
    assert counters == {"KH": half, "BC": half}
