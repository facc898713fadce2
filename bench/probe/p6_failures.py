"""Point 6: failures speak Vietnamese. With the database made unreachable (ALLOW_CONNECTIONS false
and every connection terminated: only on a congdoan_probe_* database), pages answer with a
Vietnamese error page, full and htmx; /healthz answers 503 naming the database; once connections
are allowed again /healthz is 200 and the pages work."""
from __future__ import annotations

import json
import time

from .context import CHAIR, MEMBER, Probe, english_in, is_vietnamese, short

POINT = "6"
PAGES = ("/", "/ke-hoach/", "/de-xuat/", "/viec/", "/thong-bao/")


def _health(probe: Probe):
    r = probe.client().get("/healthz")
    try:
        body = json.loads(r.text)
    except ValueError:
        body = {}
    return r, body


def run(probe: Probe) -> None:
    report = probe.report
    if not probe.need_db(POINT, "database outage"):
        return
    if not probe.db.breakable:
        report.not_run(POINT, "database outage", f"{probe.db.name} is not a congdoan_probe_* database")
        return
    r, body = _health(probe)
    report.check(POINT, "/healthz answers 200 {status: ok, database: ok} while the database is up",
                 r.status == 200 and body.get("status") == "ok" and body.get("database") == "ok",
                 f"HTTP {r.status} {short(r.text, 80)}")
    chair, member = probe.session(CHAIR), probe.session(MEMBER)
    anon = probe.client()
    anon.get("/dang-nhap")
    login_token = anon.csrf
    try:
        probe.db.cut_off()
        time.sleep(0.5)
        for who, c in (("chair", chair), ("member", member)):
            for page in PAGES:
                for mode, headers in (("full", None), ("htmx", c.htmx_headers())):
                    r = c.get(page, headers=headers)
                    ok = r.status >= 500 and is_vietnamese(r.text)
                    report.check(POINT, f"database down: {page} ({who}, {mode}) answers a Vietnamese error page",
                                 ok, f"HTTP {r.status}, {english_in(r.text) or short(r.text, 100)}")
        r = anon.get("/dang-nhap")
        report.check(POINT, "database down: the sign-in page answers in Vietnamese",
                     is_vietnamese(r.text),
                     f"HTTP {r.status}, {english_in(r.text) or short(r.text, 100)}")
        r = anon.post("/dang-nhap", {"csrf_token": login_token or "", "email": CHAIR, "password": "congdoan2026"})
        report.check(POINT, "database down: signing in answers a Vietnamese error page",
                     r.status >= 500 and is_vietnamese(r.text),
                     f"HTTP {r.status}, {english_in(r.text) or short(r.text, 100)}")
        r, body = _health(probe)
        names_db = "database" in body and body.get("database") not in (None, "ok")
        report.check(POINT, "database down: /healthz answers 503 naming the database",
                     r.status == 503 and body.get("status") == "error" and names_db,
                     f"HTTP {r.status} {short(r.text, 100)}")
    finally:
        probe.db.restore()
    deadline = time.monotonic() + 15
    while True:
        r, body = _health(probe)
        if (r.status == 200 and body.get("database", "ok") == "ok") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    report.check(POINT, "database back: /healthz answers 200 again", r.status == 200 and body.get("database") == "ok",
                 f"HTTP {r.status} {short(r.text, 80)}")
    bad = []
    for page in PAGES:
        for _ in range(4):            # every worker's pool meets the restored database
            s = chair.get(page).status
            if s != 200:
                bad.append(f"{page}: HTTP {s}")
    report.check(POINT, "database back: the pages work again", not bad, "; ".join(bad[:6]))
