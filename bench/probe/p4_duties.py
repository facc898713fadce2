"""Point 4: separation of duties. The admin cannot grant himself or anyone chair, vice chair or
committee (through the person form, the edit form or the member import); there is never more than
one chair in office; the admin cannot sign a plan."""
from __future__ import annotations

import uuid

from . import flows
from .client import form_with
from .context import ADMIN, Probe, short

POINT = "4"
OFFICES = ("chair", "vice_chair", "committee")


def roles_of(probe: Probe, email: str) -> set[str]:
    return {r[0] for r in probe.db.rows("SELECT ur.role FROM user_roles ur JOIN users u ON u.id = ur.user_id "
                                        "WHERE u.email = %s", (email,))}


def chairs(probe: Probe) -> int:
    return probe.db.scalar("SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id "
                           "WHERE ur.role = 'chair' AND u.active")


def run(probe: Probe) -> None:
    report = probe.report
    if not probe.need_db(POINT, "separation of duties (roles are read from the database)"):
        return
    admin = probe.session(ADMIN)
    tag = uuid.uuid4().hex[:8]
    before_admin = roles_of(probe, ADMIN)
    granted: list[str] = []           # e-mails whose roles the probe must put back

    # 1. a new person with an office
    for office in OFFICES:
        email = f"probe.office.{office}.{tag}@thanhto.demo"
        r = flows.person(admin, f"Thăm dò {office}", email, roles=[office])
        got = roles_of(probe, email) & set(OFFICES)
        report.check(POINT, f"admin cannot create a person with the role {office}", not got and r.status < 500,
                     f"HTTP {r.status}; created with {sorted(got)}")
        granted.append(email)

    # 2. himself, through the edit form
    admin_id = probe.user_id(ADMIN)
    for office in OFFICES:
        page = admin.get(f"/quan-tri/nguoi-dung/{admin_id}/sua")
        form = form_with(page.text, field="full_name")
        if form is None:
            report.finding(POINT, "the admin's own edit form", f"HTTP {page.status}")
            break
        current = [v for k, v in form.values() if k == "roles"]
        r = admin.post(form.action or f"/quan-tri/nguoi-dung/{admin_id}",
                       form.values(roles=sorted(set(current) | {office})))
        got = roles_of(probe, ADMIN) & set(OFFICES)
        report.check(POINT, f"admin cannot grant himself {office} (edit form)", not got and r.status < 500,
                     f"HTTP {r.status}; now holds {sorted(got)}")
    granted.append(ADMIN)

    # 3. someone else (a plain member made for the purpose), through the edit form
    account = flows.new_account(probe, f"p4{tag}")
    if account:
        email = account[0]
        uid = probe.user_id(email)
        for office in OFFICES:
            page = admin.get(f"/quan-tri/nguoi-dung/{uid}/sua")
            form = form_with(page.text, field="full_name")
            r = admin.post(form.action or f"/quan-tri/nguoi-dung/{uid}", form.values(roles=[office]))
            got = roles_of(probe, email) & set(OFFICES)
            report.check(POINT, f"admin cannot grant another person {office} (edit form)",
                         not got and r.status < 500, f"HTTP {r.status}; now holds {sorted(got)}")
        granted.append(email)

    # 4. the member import
    for office, word in (("chair", "Chủ tịch"), ("vice_chair", "Phó Chủ tịch"), ("committee", "Ủy viên BCH")):
        email = f"probe.import.{office}.{tag}@thanhto.demo"
        csv = f"Họ và tên,Email,Điện thoại,Tổ,Vai trò\nThăm dò nhập {office},{email},,,{word}\n".encode()
        page = admin.get("/quan-tri/nguoi-dung/nhap")
        form = form_with(page.text, field="csrf_token", action="nhap") or form_with(page.text, field="csrf_token")
        r = admin.request("POST", "/quan-tri/nguoi-dung/nhap", data=form.values() if form else [],
                          files={"file": ("danh-sach.csv", csv, "text/csv")})
        got = roles_of(probe, email) & set(OFFICES)
        report.check(POINT, f"admin cannot grant {office} through the member import", not got and r.status < 500,
                     f"HTTP {r.status}; imported with {sorted(got)}")
        granted.append(email)

    n = chairs(probe)
    report.check(POINT, "never more than one chair in office", n <= 1, f"{n} active chairs in the database")

    # 5. the admin cannot sign a plan (the demo's approved, unsigned plan)
    plan_id = probe.db.scalar("SELECT p.id FROM plans p WHERE p.status = 'approved' AND NOT EXISTS "
                              "(SELECT 1 FROM signed_documents s WHERE s.plan_id = p.id) ORDER BY p.id LIMIT 1")
    if plan_id is None:
        report.not_run(POINT, "admin cannot sign a plan", "no approved unsigned plan")
    else:
        admin.get(f"/ke-hoach/{plan_id}")
        r = admin.post(f"/ke-hoach/{plan_id}/ky-ban-hanh", {})
        signed = probe.db.scalar("SELECT count(*) FROM signed_documents WHERE plan_id = %s", (plan_id,))
        report.check(POINT, "admin cannot sign a plan", signed == 0 and r.status in (400, 403, 404, 409),
                     f"HTTP {r.status}; signed documents of plan {plan_id}: {signed}; {short(r.text, 100)}")

    # Put back what the probe wrongly managed to grant, so the later points see the demo union.
    for email in granted:
        extra = roles_of(probe, email) & set(OFFICES)
        if email == ADMIN:
            extra = roles_of(probe, ADMIN) - before_admin
        if extra:
            probe.db.execute("DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = %s) "
                             "AND role = ANY(%s)", (email, list(extra)))
