"""Point 1: sessions end. After a password change in session A, session B is signed out and a
remember-me cookie issued before the change no longer signs in; a session cookie copied before
"Đăng xuất" no longer works after it; an admin's password reset and a deactivation end all that
person's sessions and remember-me tokens.

Copies are replayed from the same loopback address and user agent as the original: Flask-Login's
"strong" session protection would otherwise drop them for a reason that proves nothing."""
from __future__ import annotations

import re

from . import flows
from .client import Client
from .context import ADMIN, Probe

POINT = "1"


def _remember_names(c: Client) -> set[str]:
    """Flask-Login's remember-me cookie (remember_token, or whatever REMEMBER_COOKIE_NAME says)."""
    return {k for k in c.cookies if "remember" in k.lower()}


def _only(c: Client, names) -> Client:
    twin = c.copy(c.source_ip)
    twin.cookies = {k: v for k, v in c.cookies.items() if k in names}
    return twin


def _session_names(c: Client) -> set[str]:
    return set(c.cookies) - _remember_names(c)


def _user_id(probe: Probe, email: str) -> int | None:
    uid = probe.user_id(email)
    if uid is not None:
        return uid
    page = probe.session(ADMIN).get(f"/quan-tri/nguoi-dung?q={email}")
    m = re.search(r"/quan-tri/nguoi-dung/(\d+)", page.text)
    return int(m.group(1)) if m else None


def _signed_in_pair(probe: Probe, email: str, password: str) -> tuple[Client, Client, Client] | None:
    """A session signed in with remember-me, its session cookie alone and its remember cookie alone
    (each checked to work before the event)."""
    c = probe.client()
    r = c.login(email, password, remember=True)
    if r.status not in (302, 303) or not _remember_names(c):
        return None
    session_copy = _only(c, _session_names(c))
    remember_copy = _only(c, _remember_names(c))
    if not _only(c, _session_names(c)).signed_in() or not _only(c, _remember_names(c)).signed_in():
        return None
    return c, session_copy, remember_copy


def run(probe: Probe) -> None:
    report = probe.report
    admin = probe.session(ADMIN)

    # --- a password change in session A ----------------------------------------------------------
    account = flows.new_account(probe, "p1a")
    if account is None:
        report.finding(POINT, "set up: a fresh account with its own password", "could not create")
        return
    email, password = account
    a = probe.client()
    a.login(email, password)
    pair = _signed_in_pair(probe, email, password)
    if pair is None:
        report.finding(POINT, "set up: session B with remember-me", "no remember cookie or it did not sign in")
    else:
        b, b_session, b_remember = pair
        new = "Mat-khau-moi-2026"
        r = flows.post_form(a, "/doi-mat-khau", "current", {"current": password, "new": new, "confirm": new})
        report.check(POINT, "password change in session A accepted", r.status in (302, 303), f"HTTP {r.status}")
        report.check(POINT, "after a password change in session A, session B is signed out",
                     not b.signed_in(), "session B still opens a signed-in page")
        report.check(POINT, "a remember-me cookie issued before the password change no longer signs in",
                     not b_remember.signed_in(), "the old remember-me cookie still signs in")

    # --- a session cookie copied before "Đăng xuất" ---------------------------------------------
    account = flows.new_account(probe, "p1b")
    pair = _signed_in_pair(probe, *account) if account else None
    if pair is None:
        report.finding(POINT, "set up: a session to sign out", "could not sign in with remember-me")
    else:
        c, c_session, c_remember = pair
        c.get("/")
        r = c.post("/dang-xuat", {})
        report.check(POINT, "Đăng xuất accepted", r.status in (302, 303), f"HTTP {r.status}")
        report.check(POINT, "a session cookie copied before Đăng xuất no longer works after it",
                     not c_session.signed_in(), "the copied session cookie still opens a signed-in page")
        report.check(POINT, "a remember-me cookie copied before Đăng xuất no longer signs in after it",
                     not c_remember.signed_in(), "the copied remember-me cookie still signs in")

    # --- the admin's password reset, and a deactivation ------------------------------------------
    for label, path in (("a password reset by the admin", "mat-khau"), ("a deactivation", "trang-thai")):
        account = flows.new_account(probe, f"p1{path[:3]}")
        pair = _signed_in_pair(probe, *account) if account else None
        if pair is None:
            report.finding(POINT, f"set up: sessions before {label}", "could not sign in with remember-me")
            continue
        first, other = pair[0], _signed_in_pair(probe, *account)
        uid = _user_id(probe, account[0])
        admin.get("/quan-tri/nguoi-dung")
        r = admin.post(f"/quan-tri/nguoi-dung/{uid}/{path}", {})
        report.check(POINT, f"{label} accepted", r.status in (200, 302, 303), f"HTTP {r.status}")
        sessions = [first, pair[1]] + ([other[0], other[1]] if other else [])
        remembers = [pair[2]] + ([other[2]] if other else [])
        still = sum(s.signed_in() for s in sessions)
        report.check(POINT, f"{label} ends all that person's sessions", still == 0,
                     f"{still} of {len(sessions)} sessions still signed in")
        still = sum(s.signed_in() for s in remembers)
        report.check(POINT, f"{label} ends that person's remember-me tokens", still == 0,
                     f"{still} of {len(remembers)} remember-me cookies still sign in")
        if path == "trang-thai":
            # Refused while inactive proves little: ended sessions stay ended once the account is back.
            admin.get("/quan-tri/nguoi-dung")
            admin.post(f"/quan-tri/nguoi-dung/{uid}/{path}", {})
            still = sum(s.signed_in() for s in sessions + remembers)
            report.check(POINT, "sessions and remember-me tokens from before a deactivation stay ended "
                                "when the account is reactivated", still == 0,
                         f"{still} of {len(sessions) + len(remembers)} sign in again")
