"""Kept from the first probe: the access matrix (every URL rule x anonymous and each demo account)
and CSRF (every state-changing POST without a token, with another session's token, with a forged
htmx header). Nothing private may answer 200; a refused POST changes nothing."""
from __future__ import annotations

from .client import Client
from .context import ACCOUNTS, ADMIN, CHAIR, Probe, short
from .routes import Rule, allowed, build, ids, load_rules, object_private

POINT = "access"


def fingerprint(probe: Probe) -> tuple | None:
    """What any accepted write would move: the audit trail's length and the main tables."""
    if probe.db is None:
        return None
    return probe.db.rows(
        "SELECT (SELECT count(*) FROM audit_entries), (SELECT count(*) FROM plans), "
        "(SELECT coalesce(sum(rev), 0) FROM plans), (SELECT count(*) FROM member_requests), "
        "(SELECT coalesce(sum(version), 0) FROM member_requests), (SELECT count(*) FROM users), "
        "(SELECT count(*) FROM user_roles), (SELECT count(*) FROM campaigns), (SELECT count(*) FROM votes), "
        "(SELECT count(*) FROM round_comments), (SELECT count(*) FROM tasks), "
        "(SELECT count(*) FROM task_events), (SELECT count(*) FROM groups), "
        "(SELECT count(*) FROM notifications WHERE read_at IS NOT NULL), "
        "(SELECT count(*) FROM signed_documents), (SELECT count(*) FROM plan_templates)")[0]


def _identities(probe: Probe) -> dict[str | None, Client]:
    out: dict[str | None, Client] = {None: probe.client()}
    out[None].get("/dang-nhap")
    for email in ACCOUNTS:
        out[email] = probe.session(email)
    return out


def _refused(status: int, location: str, anonymous: bool) -> bool:
    if status in (400, 401, 403, 404, 405, 409, 422, 429):
        return True
    return status in (302, 303) and "/dang-nhap" in location


def run(probe: Probe) -> None:
    report = probe.report
    rules = load_rules()
    values = ids(probe)
    people = _identities(probe)
    private_ids = values.get("draft_author") is not None

    # --- GET: nothing private answers 200, nothing answers 500 ----------------------------------
    gets = [r for r in rules if "GET" in r.methods]

    def visit(item):
        rule, email = item
        c = people[email]
        resp = c.get(build(rule, values))
        return rule, email, resp.status, resp.location

    def who_visits(rule: Rule) -> list[str | None]:
        """Everyone who must be refused, and one who may (a 500 there is point 5's, but shows)."""
        refused = [e for e in people if not allowed(rule, e) or object_private(rule, e, values)]
        admitted = [e for e in people if e not in refused]
        return refused + admitted[:1]

    outcomes = probe.parallel(visit, [(r, e) for r in gets for e in who_visits(r)])
    by_rule: dict[str, list] = {}
    for rule, email, status, location in outcomes:
        by_rule.setdefault(rule.rule, []).append((rule, email, status, location))
    for rule_text, rows in by_rule.items():
        leaks, errors = [], []
        for rule, email, status, location in rows:
            who = email or "anonymous"
            if status >= 500:
                errors.append(f"{who}: HTTP {status}")
            forbidden = not allowed(rule, email) or object_private(rule, email, values)
            if forbidden and status == 200:
                leaks.append(who)
        report.check(POINT, f"GET {rule_text} x {len(rows)} identities", not leaks and not errors,
                     "; ".join(([f"answered 200 to {', '.join(leaks)}"] if leaks else []) + errors))
    if not private_ids:
        report.not_run(POINT, "object-level privacy (draft plan, private request)", "needs --database-url")

    # --- POST by those who may not: refused, nothing changed ------------------------------------
    posts = [r for r in rules if "POST" in r.methods and not r.public]
    before = fingerprint(probe)

    def attempt(item):
        rule, email = item
        c = people[email]
        resp = c.post(build(rule, values), {})
        return rule, email, resp.status, resp.location

    pairs = [(r, e) for r in posts for e in people if not allowed(r, e) or object_private(r, e, values)]
    outcomes = probe.parallel(attempt, pairs)
    by_rule = {}
    for rule, email, status, location in outcomes:
        by_rule.setdefault(rule.rule + " " + rule.endpoint, []).append((email, status, location))
    for key, rows in by_rule.items():
        bad = [f"{e or 'anonymous'}: HTTP {s}" for e, s, loc in rows if not _refused(s, loc, e is None)]
        report.check(POINT, f"POST {key.split()[0]} refused for {len(rows)} identities without the right",
                     not bad, "; ".join(bad))
    after = fingerprint(probe)
    if before is not None:
        report.check(POINT, "refused POSTs changed nothing in the database", before == after,
                     f"before {before}, after {after}")

    # --- CSRF: every POST, by someone who may, without a token or with a forged one -------------
    other = probe.session(CHAIR, fresh=True)     # a second session: its token is valid, but not here
    stolen = other.csrf or "x"
    before = fingerprint(probe)

    def forge(rule: Rule):
        email = next((e for e in ACCOUNTS if allowed(rule, e) and not object_private(rule, e, values)), None)
        if rule.rule.startswith("/quan-tri"):
            email = ADMIN
        c = people[email] if email else people[None]
        url = build(rule, values)
        results = []
        for label, data, headers in (("no token", [], None),
                                     ("another session's token", [("csrf_token", stolen)], None),
                                     ("forged htmx header", [], {"HX-Request": "true", "X-CSRFToken": stolen + "x"})):
            resp = c.request("POST", url, data=data, headers=headers)
            results.append((label, resp.status, resp.location))
        return rule, email, results

    for rule, email, results in probe.parallel(forge, [r for r in rules if "POST" in r.methods]):
        bad = [f"{label}: HTTP {status}" for label, status, loc in results
               if status not in (400, 403) and not (status in (302, 303) and "/dang-nhap" in loc and email is None)]
        report.check("csrf", f"POST {rule.rule} as {email or 'anonymous'} without a valid token refused",
                     not bad, "; ".join(bad))
    after = fingerprint(probe)
    if before is not None:
        report.check("csrf", "POSTs without a valid token changed nothing in the database", before == after,
                     f"before {before}, after {after}")
