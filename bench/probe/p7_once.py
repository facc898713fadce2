"""Point 7: one submission, one record. The same form body POSTed twice, ten times, and twice at
once creates one member request, one plan, one comment, one campaign, one person (counted in the
database)."""
from __future__ import annotations

import threading
import uuid

from . import flows
from .client import Client, form_with
from .context import ADMIN, CHAIR, MEMBER, VICE, Probe

POINT = "7"


def _body(c: Client, page: str, field: str, overrides: dict):
    resp = c.get(page)
    form = form_with(resp.text, field=field)
    if form is None:
        raise RuntimeError(f"no form with {field!r} on {page} (HTTP {resp.status})")
    return form.action or page, form.values(**overrides)


def _send(c: Client, target: str, body, times: int, concurrent: bool) -> list[int]:
    statuses: list[int] = []
    if not concurrent:
        for _ in range(times):
            statuses.append(c.request("POST", target, data=body).status)
        return statuses
    barrier = threading.Barrier(times)

    def one():
        twin = c.copy(c.source_ip)
        barrier.wait()
        statuses.append(twin.request("POST", target, data=body).status)

    threads = [threading.Thread(target=one) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def run(probe: Probe) -> None:
    report = probe.report
    if not probe.need_db(POINT, "one submission, one record (counts in the database)"):
        return
    db = probe.db
    member, chair, admin, vice = (probe.session(e) for e in (MEMBER, CHAIR, ADMIN, VICE))

    review_plan: list[int] = []

    def plan_under_review() -> int:
        if not review_plan:
            _, plan_id = flows.create_plan(chair, f"Kế hoạch góp ý {uuid.uuid4().hex[:6]}")
            flows.add_basis(chair, plan_id, "Căn cứ Điều lệ Công đoàn Việt Nam.")
            flows.submit_plan(chair, plan_id)
            review_plan.append(plan_id)
        return review_plan[0]

    kinds = {
        "member request (kiến nghị)": (
            member, lambda m: ("/de-xuat/moi/kien-nghi", "content", {"subject": m, "content": "Nội dung " + m}),
            lambda m: db.scalar("SELECT count(*) FROM member_requests WHERE details::text LIKE %s", (f"%{m}%",))),
        "plan": (
            chair, lambda m: ("/ke-hoach/moi", "subject", {"subject": m, "period": "Năm học 2026 - 2027"}),
            lambda m: db.scalar("SELECT count(*) FROM plans WHERE subject = %s", (m,))),
        "comment on a plan under review": (
            vice, lambda m: (f"/ke-hoach/{plan_under_review()}/duyet", "comment", {"comment": m}),
            lambda m: db.scalar("SELECT count(*) FROM round_comments WHERE text = %s", (m,))),
        "campaign": (
            chair, lambda m: ("/dot-tiep-nhan/moi", "title", {"title": m, "description": m,
                                                             "deadline": _deadline(), "kind": "child_award"}),
            lambda m: db.scalar("SELECT count(*) FROM campaigns WHERE title = %s", (m,))),
        "person": (
            admin, lambda m: ("/quan-tri/nguoi-dung/them", "full_name",
                              {"full_name": m, "email": f"{m.lower()}@thanhto.demo", "roles": []}),
            lambda m: db.scalar("SELECT count(*) FROM users WHERE full_name = %s", (m,))),
    }
    for name, (c, spec, count) in kinds.items():
        for label, times, concurrent in (("twice", 2, False), ("10 times", 10, False), ("twice at once", 2, True)):
            marker = f"ThamDo{uuid.uuid4().hex[:10]}"
            try:
                page, field, overrides = spec(marker)
                target, body = _body(c, page, field, overrides)
            except Exception as exc:     # noqa: BLE001
                report.finding(POINT, f"{name} posted {label}", f"could not read the form: {exc}")
                continue
            statuses = _send(c, target, body, times, concurrent)
            n = count(marker)
            report.check(POINT, f"{name}: the same body posted {label} makes one record",
                         n == 1 and max(statuses) < 500, f"{n} records; HTTP {sorted(statuses)}")


def _deadline() -> str:
    import datetime as dt
    return (dt.date.today() + dt.timedelta(days=30)).isoformat()
