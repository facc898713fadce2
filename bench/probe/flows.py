"""The ordinary journeys the points build on, done the way a browser does them: read the page's
form, fill it, post it with the page's CSRF token."""
from __future__ import annotations

import datetime as dt
import re
import uuid

from .client import Client, Response, form_with
from .context import CHAIR, COMMITTEE, Probe, created_id


def post_form(c: Client, page: str, field: str, overrides: dict, *, action: str | None = None,
              files=None, headers=None) -> Response:
    """GET `page`, take its form holding `field`, send it with `overrides`."""
    resp = c.get(page)
    form = form_with(resp.text, field=field, action=action)
    if form is None:
        raise RuntimeError(f"no form with {field!r} on {page} (HTTP {resp.status})")
    target = form.action or page
    data = form.values(**overrides)
    if files:
        return c.request("POST", target, data=data, files=files, headers=headers)
    return c.post(target, data, headers=headers)


def create_plan(c: Client, subject: str, period: str = "Năm học 2026 - 2027") -> tuple[Response, int | None]:
    resp = post_form(c, "/ke-hoach/moi", "subject", {"subject": subject, "period": period})
    return resp, created_id(resp, r"/ke-hoach/(\d+)")


def add_basis(c: Client, plan_id: int, text: str) -> Response:
    c.get(f"/ke-hoach/{plan_id}")
    return c.post(f"/ke-hoach/{plan_id}/basis/them", {"text": text})


def submit_plan(c: Client, plan_id: int) -> Response:
    c.get(f"/ke-hoach/{plan_id}")
    return c.post(f"/ke-hoach/{plan_id}/trinh-duyet", {})


def approve(probe: Probe, plan_id: int) -> None:
    """Every committee member votes for (the rule needs a majority of the seven)."""
    for email in COMMITTEE:
        c = probe.session(email)
        c.get(f"/ke-hoach/{plan_id}/duyet")
        c.post(f"/ke-hoach/{plan_id}/bieu-quyet", {"choice": "for"})


def sign(c: Client, plan_id: int) -> Response:
    c.get(f"/ke-hoach/{plan_id}/ky-ban-hanh")
    return c.post(f"/ke-hoach/{plan_id}/ky-ban-hanh", {})


def approved_plan(probe: Probe, subject: str, *, author: str = CHAIR) -> tuple[int | None, str]:
    """A new plan with one basis, submitted and approved; (id, what went wrong)."""
    c = probe.session(author)
    resp, plan_id = create_plan(c, subject)
    if plan_id is None:
        return None, f"create answered HTTP {resp.status}"
    r = add_basis(c, plan_id, "Căn cứ Điều lệ Công đoàn Việt Nam.")
    if r.status >= 400:
        return plan_id, f"adding a basis answered HTTP {r.status}"
    r = submit_plan(c, plan_id)
    if r.status >= 400:
        return plan_id, f"submit answered HTTP {r.status}"
    approve(probe, plan_id)
    return plan_id, ""


def suggestion(c: Client, subject: str, content: str, *, headers=None) -> Response:
    return post_form(c, "/de-xuat/moi/kien-nghi", "content", {"subject": subject, "content": content},
                     headers=headers)


def campaign(c: Client, title: str, description: str = "Đợt khen thưởng") -> Response:
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    page = c.get("/dot-tiep-nhan/moi")
    form = form_with(page.text, field="title")
    kind = "child_award"
    if form and form.field("kind") and form.field("kind").options:
        kind = next((o for o in form.field("kind").options if o), kind)
    return post_form(c, "/dot-tiep-nhan/moi", "title",
                     {"title": title, "description": description, "deadline": deadline, "kind": kind})


def person(c: Client, full_name: str, email: str, roles=(), group_id: str = "") -> Response:
    return post_form(c, "/quan-tri/nguoi-dung/them", "full_name",
                     {"full_name": full_name, "email": email, "phone": "", "group_id": group_id,
                      "roles": list(roles)})


def temp_password(resp: Response) -> str | None:
    m = re.search(r"\b([a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4})\b", resp.text)
    return m.group(1) if m else None


def new_account(probe: Probe, tag: str, password: str = "Probe-pass-2026") -> tuple[str, str] | None:
    """A fresh plain member made by the admin, with a password of its own: (email, password)."""
    admin = probe.session("quantri@thanhto.demo")
    email = f"probe.{tag}.{uuid.uuid4().hex[:8]}@thanhto.demo"
    resp = person(admin, f"Thăm dò {tag}", email)
    temp = temp_password(resp)
    if temp is None:
        return None
    c = probe.client()
    c.login(email, temp)
    r = post_form(c, "/doi-mat-khau", "current", {"current": temp, "new": password, "confirm": password})
    if r.status not in (302, 303):
        return None
    return email, password
