"""Kept from the first probe: hostile text (<script>, SQL quotes, long unicode, the RTL override
U+202E) in the main text fields is stored and shown escaped, and never answered with a 500."""
from __future__ import annotations

import uuid

from . import flows
from .client import Client, Response
from .context import ADMIN, CHAIR, MEMBER, Probe, short

POINT = "hostile"
MARK = "probe-xss"
HOSTILE = (f'<script>alert("{MARK}")</script><img src=x onerror=alert(1)> '
           "' OR '1'='1\"; DROP TABLE users; -- \u202eđảo ngược\u202c Đoàn viên")
LONG = "Công đoàn 𝒰𝓃𝒾𝒸ℴ𝒹ℯ 🎉 \u202e ngược " * 700          # ~17,000 characters
RAW = f'<script>alert("{MARK}")'


def _shown_safely(probe: Probe, name: str, resp: Response, view: Client, page: str | None) -> None:
    report = probe.report
    if not report.check(POINT, f"{name}: hostile text accepted or refused without a 500", resp.status < 500,
                        f"HTTP {resp.status}"):
        return
    for label, r in [("answer", resp)] + ([("page", view.get(page))] if page else []):
        report.check(POINT, f"{name}: {label} shows the text escaped", RAW not in r.text and "onerror=alert" not in
                     r.text.replace("onerror=alert(1)&gt;", ""), f"raw markup in the {label} ({page or ''})")


def run(probe: Probe) -> None:
    report = probe.report
    chair, member, admin = probe.session(CHAIR), probe.session(MEMBER), probe.session(ADMIN)

    resp, plan_id = flows.create_plan(chair, "Kế hoạch " + HOSTILE)
    _shown_safely(probe, "plan subject", resp, chair, f"/ke-hoach/{plan_id}" if plan_id else None)
    if plan_id:
        r = flows.add_basis(chair, plan_id, HOSTILE)
        _shown_safely(probe, "plan basis", r, chair, f"/ke-hoach/{plan_id}/xem-truoc")
        r = flows.add_basis(chair, plan_id, LONG)
        report.check(POINT, "plan basis: 17,000 characters of unicode, no 500", r.status < 500, f"HTTP {r.status}")
        d = chair.get(f"/ke-hoach/{plan_id}/tai-ve.docx")
        report.check(POINT, "plan .docx with hostile text downloads", d.status == 200, f"HTTP {d.status}")
        r = flows.submit_plan(chair, plan_id)
        if r.status < 400:
            vice = probe.session("phochutich@thanhto.demo")
            vice.get(f"/ke-hoach/{plan_id}/duyet")
            r = vice.post(f"/ke-hoach/{plan_id}/gop-y", {"comment": HOSTILE, "section": ""})
            _shown_safely(probe, "comment on a plan under review", r, chair, f"/ke-hoach/{plan_id}/duyet")

    r = flows.suggestion(member, "Tiêu đề " + HOSTILE[:150], HOSTILE)
    rid = r.location.rsplit("/", 1)[-1] if r.location else ""
    _shown_safely(probe, "member request (kiến nghị)", r, member, f"/de-xuat/{rid}" if rid.isdigit() else None)
    r = flows.suggestion(member, "Tiêu đề dài", LONG)
    report.check(POINT, "member request: 17,000 characters of unicode, no 500", r.status < 500, f"HTTP {r.status}")

    r = flows.campaign(chair, "Đợt " + HOSTILE[:150], HOSTILE)
    cid = r.location.rsplit("/", 1)[-1] if r.location else ""
    _shown_safely(probe, "campaign", r, chair, f"/dot-tiep-nhan/{cid}" if cid.isdigit() else None)

    r = flows.person(admin, "Người " + HOSTILE[:120], f"probe.hostile.{uuid.uuid4().hex[:8]}@thanhto.demo")
    _shown_safely(probe, "person's name", r, admin, "/quan-tri/nguoi-dung?q=probe")
    r = flows.post_form(admin, "/quan-tri/to-cong-doan", "name", {"name": "Tổ " + HOSTILE[:80]})
    _shown_safely(probe, "group name", r, admin, "/quan-tri/to-cong-doan")

    anon = probe.client()
    r = flows.post_form(anon, "/dang-nhap", "email", {"email": HOSTILE, "password": HOSTILE})
    _shown_safely(probe, "sign-in e-mail", r, anon, None)
    for c, page in ((chair, "/ke-hoach/"), (admin, "/quan-tri/nguoi-dung"), (chair, "/de-xuat/tat-ca"),
                    (chair, "/viec/"), (anon, "/xac-thuc")):
        from urllib.parse import quote
        key = "ma" if page == "/xac-thuc" else "q"
        r = c.get(f"{page}?{key}={quote(HOSTILE)}")
        report.check(POINT, f"search {page}?{key}=<hostile>: no 500, nothing raw",
                     r.status < 500 and RAW not in r.text, f"HTTP {r.status}, {short(r.text)}")
