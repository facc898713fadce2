"""Point 5: no 500 on typed values. A plan subject of 251..500 characters downloads as .docx and
signs; the register symbol at its longest signs (or the settings refuse it in Vietnamese); every
URL rule with an integer argument answers 99999999999, 2**63 and -1 with a 404; every query-string
parameter the pages read answers huge, negative and non-numeric values without a 500."""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from . import flows
from .client import form_with
from .context import ADMIN, CHAIR, MEMBER, Probe, is_vietnamese, short
from .routes import allowed, build, ids, load_rules

POINT = "5"
ROOT = Path(__file__).resolve().parents[2]
HUGE_IDS = ("99999999999", str(2 ** 63), "-1")
ARG_VALUES = ("99999999999", str(2 ** 63), "-1", "abc")


def signed_count(probe: Probe, plan_id: int) -> int | None:
    if probe.db is None:
        return None
    return probe.db.scalar("SELECT count(*) FROM signed_documents WHERE plan_id = %s", (plan_id,))


def sign_and_check(probe: Probe, name: str, subject: str) -> None:
    report = probe.report
    chair = probe.session(CHAIR)
    plan_id, problem = flows.approved_plan(probe, subject)
    if plan_id is None or problem:
        # A refusal at the field, in Vietnamese, is an answer too; a 500 is not.
        report.check(POINT, f"{name}: plan created and approved", False, problem or "no plan")
        return
    d = chair.get(f"/ke-hoach/{plan_id}/tai-ve.docx")
    report.check(POINT, f"{name}: draft .docx downloads", d.status == 200, f"HTTP {d.status}")
    r = flows.sign(chair, plan_id)
    n = signed_count(probe, plan_id)
    report.check(POINT, f"{name}: the plan can be signed", r.status in (302, 303, 204) and n in (None, 1),
                 f"HTTP {r.status}; signed documents {n}; {short(r.text, 120)}")
    if n == 0 or r.status >= 400:
        return
    d = chair.get(f"/ke-hoach/{plan_id}/tai-ve.docx")
    report.check(POINT, f"{name}: signed .docx downloads", d.status == 200, f"HTTP {d.status}")
    if n == 1 and "code" not in probe.state:
        probe.state["code"] = probe.db.scalar("SELECT verify_code FROM signed_documents WHERE plan_id = %s",
                                              (plan_id,))


def long_subjects(probe: Probe) -> None:
    base = "Kế hoạch tổ chức các hoạt động chào mừng kỷ niệm ngày thành lập Công đoàn Việt Nam "
    sign_and_check(probe, "an ordinary subject (the baseline)", base.strip())
    for n in (251, 500):
        subject = (base * 10)[:n].rstrip() + "x" * (n - len((base * 10)[:n].rstrip()))
        sign_and_check(probe, f"subject of {n} characters", subject)


def longest_symbol(probe: Probe) -> None:
    report = probe.report
    chair = probe.session(CHAIR)
    page = chair.get("/cai-dat/")
    form = form_with(page.text, field="plan_abbrev")
    if form is None:
        report.finding(POINT, "the settings form", f"HTTP {page.status}")
        return
    original = form.values()
    widths = {}
    for name in ("plan_abbrev", "body_abbrev"):
        f = form.field(name)
        widths[name] = f.maxlength if f and f.maxlength else {"plan_abbrev": 20, "body_abbrev": 30}[name]
    values = {"plan_abbrev": ("KHĐ" * 20)[:widths["plan_abbrev"]], "body_abbrev": ("CĐCS" * 20)[:widths["body_abbrev"]]}
    # One past the longest the form shows, too: refused in Vietnamese, never a 500.
    too_long = {k: v + "Ư" for k, v in values.items()}
    r = chair.post("/cai-dat/", form.values(**too_long))
    report.check(POINT, "register symbol one past its longest: refused in Vietnamese, no 500",
                 r.status < 500 and (r.status != 422 or is_vietnamese(r.text)), f"HTTP {r.status}")
    chair.get("/cai-dat/")
    r = chair.post("/cai-dat/", form.values(**values))
    if r.status == 422:
        report.check(POINT, "register symbol at its longest refused by the settings in Vietnamese",
                     is_vietnamese(r.text), short(r.text))
    elif report.check(POINT, "register symbol at its longest saved", r.status in (302, 303, 204),
                      f"HTTP {r.status}"):
        sign_and_check(probe, f"register symbol of {widths['plan_abbrev']}+{widths['body_abbrev']} characters",
                       "Kế hoạch thăm dò ký hiệu dài")
    chair.get("/cai-dat/")
    chair.post("/cai-dat/", [(k, v) for k, v in original if k != "csrf_token"])


def huge_ids(probe: Probe) -> None:
    report = probe.report
    rules = [r for r in load_rules() if any(k == "IntegerConverter" for k in r.args.values())]
    values = ids(probe)

    def who(rule):
        if rule.rule.startswith("/quan-tri"):
            return ADMIN
        return CHAIR if allowed(rule, CHAIR) else MEMBER

    jobs = []
    for rule in rules:
        for method in sorted(rule.methods):
            for name, kind in rule.args.items():
                if kind == "IntegerConverter":
                    for v in HUGE_IDS:
                        jobs.append((rule, method, name, v))

    def go(job):
        rule, method, name, v = job
        c = probe.session(who(rule))
        url = build(rule, values, **{name: v})
        resp = c.get(url) if method == "GET" else c.post(url, {})
        return rule, method, name, v, resp.status

    grouped: dict[tuple, list] = {}
    for rule, method, name, v, status in probe.parallel(go, jobs):
        grouped.setdefault((method, rule.rule), []).append((name, v, status))
    for (method, rule), rows in grouped.items():
        bad = [f"{n}={v}: HTTP {s}" for n, v, s in rows if s >= 500 or s == 200]
        report.check(POINT, f"{method} {rule} with ids 99999999999, 2**63, -1: no 500", not bad, "; ".join(bad))


def query_parameters() -> list[str]:
    """Every query-string parameter the code reads or the templates write."""
    names = set()
    for path in (ROOT / "congdoan").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"""args\.get(?:list)?\(\s*["']([A-Za-z_][\w-]*)["']""", text))
        names |= set(re.findall(r"""args\[\s*["']([A-Za-z_][\w-]*)["']\s*\]""", text))
    path_args = set()
    for rule in load_rules():
        path_args |= set(rule.args)
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"url_for\(([^)]*)\)", text):
            names |= {n for n in re.findall(r"\b([a-z_]+)\s*=", call) if n not in path_args and not n.startswith("_")}
        names |= set(re.findall(r"[?&]([a-z_]+)=", text))
    return sorted(names - {"csrf_token"})


def query_values(probe: Probe) -> None:
    report = probe.report
    params = query_parameters()
    report.note(POINT, "query-string parameters found in congdoan/ and templates/", ", ".join(params))
    values = ids(probe)
    pages = [r for r in load_rules() if "GET" in r.methods and not r.rule.startswith("/static")]

    def who(rule):
        if rule.rule.startswith("/quan-tri"):
            return ADMIN
        return CHAIR if allowed(rule, CHAIR) else MEMBER

    def used(rule):
        """The parameters this page writes in its own links and forms (each tried alone), besides
        all of them at once."""
        url = build(rule, values)
        page = probe.session(who(rule)).get(url)
        html = page.text if "text/html" in page.header("content-type") else ""
        return rule, url, [p for p in params if re.search(rf'[?&;]{p}=|name="{p}"', html)]

    jobs = []
    for rule, url, own in probe.parallel(used, pages):
        for v in ARG_VALUES:
            q = "&".join(f"{p}={urllib.parse.quote(v)}" for p in params)
            jobs.append((rule, url, f"all={v[:20]}", q))
            for p in own:
                jobs.append((rule, url, f"{p}={v[:20]}", f"{p}={urllib.parse.quote(v)}"))

    def go(job):
        rule, url, label, q = job
        c = probe.session(who(rule))
        return rule, label, c.get(f"{url}?{q}").status

    grouped: dict[str, list] = {}
    for rule, label, status in probe.parallel(go, jobs):
        grouped.setdefault(rule.rule, []).append((label, status))
    for rule, rows in grouped.items():
        bad = [f"{label}: HTTP {s}" for label, s in rows if s >= 500]
        report.check(POINT, f"GET {rule} with {len(rows)} hostile query strings: no 500", not bad,
                     "; ".join(bad[:8]) + (f" (+{len(bad) - 8})" if len(bad) > 8 else ""))


def run(probe: Probe) -> None:
    import time
    for part in (long_subjects, longest_symbol, huge_ids, query_values):
        t0 = time.perf_counter()
        part(probe)
        print(f"   ({part.__name__}: {time.perf_counter() - t0:.1f} s)", flush=True)
