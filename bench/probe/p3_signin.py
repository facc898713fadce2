"""Point 3: signing in reveals nothing. An unknown e-mail and a wrong password on a real account
get the same message, and take about as long (median of 20 each; a ratio over 1.5 is a finding)."""
from __future__ import annotations

import re
import statistics

from .client import form_with
from .context import ACCOUNTS, ADMIN, Probe, short, visible_text

POINT = "3"
SAMPLES = 20
PER_ACCOUNT = 3            # below the lock (5 failures) and any sensible per-account limit
RATIO = 1.5


def plain_members(probe: Probe, n: int) -> list[str]:
    """Real accounts outside the demo's named ones, so that failures on them disturb no other check."""
    if probe.db is not None:
        rows = probe.db.rows("SELECT email FROM users WHERE active AND NOT email = ANY(%s) AND email LIKE "
                             "'%%@thanhto.demo' AND email NOT LIKE 'probe.%%' ORDER BY id", (list(ACCOUNTS),))
        emails = [r[0] for r in rows]
    else:
        page = probe.session(ADMIN).get("/quan-tri/nguoi-dung?trang=1")
        emails = sorted(set(re.findall(r"[\w.+-]+@thanhto\.demo", page.text)) - set(ACCOUNTS))
    return emails[:n]


def message_of(html: str, email: str) -> str:
    m = re.search(r'(?s)<[^>]+role="alert"[^>]*>(.*?)</', html) or \
        re.search(r'(?s)<div class="alert[^"]*"[^>]*>(.*?)</div>', html)
    text = visible_text(m.group(1)) if m else visible_text(html)
    return text.replace(email, "<email>")


def attempt(probe: Probe, email: str, password: str) -> tuple[float, int, str]:
    c = probe.client()                  # each attempt from its own address: no limiter in the way
    page = c.get("/dang-nhap")
    form = form_with(page.text, field="email")
    data = form.values(email=email, password=password) if form else [("email", email), ("password", password)]
    resp = c.post("/dang-nhap", data)
    return resp.elapsed, resp.status, message_of(resp.text, email)


def run(probe: Probe) -> None:
    report = probe.report
    accounts = plain_members(probe, (SAMPLES + PER_ACCOUNT - 1) // PER_ACCOUNT)
    if len(accounts) * PER_ACCOUNT < SAMPLES:
        report.finding(POINT, "enough plain members to sample", f"found {len(accounts)}")
        return
    real_targets = [a for a in accounts for _ in range(PER_ACCOUNT)][:SAMPLES]
    unknown, real = [], []
    attempt(probe, "warm.up@thanhto.demo", "x")      # the first request of a worker pays for imports
    for i in range(SAMPLES):
        unknown.append(attempt(probe, f"khong.co.{i}@thanhto.demo", "Sai-mat-khau-1"))
        real.append(attempt(probe, real_targets[i], "Sai-mat-khau-1"))
    u_msgs = {m for _, _, m in unknown}
    r_msgs = {m for _, _, m in real}
    report.check(POINT, "unknown e-mail and wrong password: the same message",
                 u_msgs == r_msgs and len(u_msgs) == 1,
                 f"unknown: {sorted(u_msgs)[:2]}; wrong password: {sorted(r_msgs)[:3]}")
    u_status = {s for _, s, _ in unknown}
    r_status = {s for _, s, _ in real}
    report.check(POINT, "unknown e-mail and wrong password: the same status", u_status == r_status,
                 f"{u_status} vs {r_status}")
    mu = statistics.median(t for t, _, _ in unknown) * 1000
    mr = statistics.median(t for t, _, _ in real) * 1000
    ratio = max(mu, mr) / max(min(mu, mr), 0.001)
    report.check(POINT, f"sign-in timing alike (median of {SAMPLES}: unknown {mu:.1f} ms, "
                        f"wrong password {mr:.1f} ms, ratio {ratio:.2f})", ratio <= RATIO,
                 f"ratio {ratio:.2f} > {RATIO}")
    probe.state["signin_medians_ms"] = (round(mu, 1), round(mr, 1))
    _ = short
