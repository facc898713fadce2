"""Point 2: throttling by client. 40 wrong passwords across 8 accounts within 7 s from one client
meet a 429 (Vietnamese page, Retry-After); the same for the password change, the public
verification page /xac-thuc/<code> and its upload. While client A (127.0.0.2) hammers the chair's
account, client B (127.0.0.3) signs in with the right password.

Runs last: it locks accounts on today's code (they are unlocked afterwards when the database is
known) and leaves its client addresses throttled."""
from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import flows
from .client import Client, Response
from .context import CHAIR, PASSWORD, Probe, english_in, is_vietnamese, short
from .p3_signin import plain_members

POINT = "2"
ATTEMPTS, WINDOW, THREADS = 40, 7.0, 8
A, B, BURST, CHANGE, LOOKUP, UPLOAD = ("127.0.0.2", "127.0.0.3", "127.0.0.5", "127.0.0.4", "127.0.0.6",
                                       "127.0.0.7")


def _burst(send, n: int = ATTEMPTS) -> tuple[list[Response], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        responses = list(pool.map(lambda i: send(i), range(n)))
    return responses, time.perf_counter() - started


def _judge(probe: Probe, name: str, responses: list[Response], took: float) -> None:
    report = probe.report
    limited = [r for r in responses if r.status == 429]
    statuses = sorted({r.status for r in responses})
    # The tries are sent as fast as 8 connections allow; on a loaded machine 40 slow password checks
    # may take longer than 7 s, so the time is reported rather than required.
    if not report.check(POINT, f"{name}: {len(responses)} tries ({took:.1f} s) meet HTTP 429", bool(limited),
                        f"statuses {statuses}"):
        return
    r = limited[0]
    report.check(POINT, f"{name}: the 429 carries Retry-After", r.header("retry-after").strip() != "",
                 "no Retry-After header")
    report.check(POINT, f"{name}: the 429 page is Vietnamese", is_vietnamese(r.text),
                 english_in(r.text) or short(r.text, 100))
    errors = [x.status for x in responses if x.status >= 500]
    report.check(POINT, f"{name}: no 500 under the burst", not errors, f"statuses {statuses}")


def sign_in_burst(probe: Probe, accounts: list[str]) -> None:
    c = Client(probe.base, BURST)
    c.get("/dang-nhap")

    def send(i):
        return c.post("/dang-nhap", {"email": accounts[i % len(accounts)], "password": f"Sai-{i}-mat-khau"})

    _judge(probe, f"sign-in, wrong passwords across {len(accounts)} accounts", *_burst(send))


def chair_under_attack(probe: Probe) -> None:
    """One attacker thread, as a script would: each failure is counted (concurrent failures on
    one row can lose updates, which would hide an account lock behind a race)."""
    report = probe.report
    a = Client(probe.base, A)
    a.get("/dang-nhap")
    stop = threading.Event()
    hammered: list[int] = []

    def hammer():
        while not stop.is_set() and len(hammered) < 300:
            hammered.append(a.post("/dang-nhap", {"email": CHAIR, "password": "Sai-mat-khau"}).status)

    thread = threading.Thread(target=hammer)
    thread.start()
    deadline = time.monotonic() + 20
    while len(hammered) < 10 and time.monotonic() < deadline:
        time.sleep(0.1)
    b = Client(probe.base, B)
    r = b.login(CHAIR, PASSWORD)
    ok = r.status in (302, 303) and "/dang-nhap" not in r.location and b.signed_in()
    stop.set()
    thread.join()
    report.check(POINT, f"while 127.0.0.2 hammers the chair ({len(hammered)} tries), 127.0.0.3 signs in "
                        "with the right password", ok, f"HTTP {r.status}: {short(r.text, 140)}")


def password_change_burst(probe: Probe) -> None:
    account = flows.new_account(probe, "p2")
    if account is None:
        probe.report.finding(POINT, "set up: an account for the password change", "could not create")
        return
    c = Client(probe.base, CHANGE)
    c.login(*account)
    c.get("/doi-mat-khau")

    def send(i):
        new = f"Mat-khau-moi-{i:03d}"
        return c.post("/doi-mat-khau", {"current": f"Sai-{i}-hien-tai", "new": new, "confirm": new})

    _judge(probe, "password change, wrong current passwords", *_burst(send))


def verification_bursts(probe: Probe) -> None:
    c = Client(probe.base, LOOKUP)
    _judge(probe, "verification page /xac-thuc/<code>, guessed codes",
           *_burst(lambda i: c.get(f"/xac-thuc/{secrets.token_hex(5).upper()}")))
    code = probe.state.get("code")
    if code is None and probe.db is not None:
        code = probe.db.scalar("SELECT verify_code FROM signed_documents ORDER BY id LIMIT 1")
    if code is None:
        probe.report.not_run(POINT, "verification upload", "no signed plan to verify against")
        return
    u = Client(probe.base, UPLOAD)
    page = u.get(f"/xac-thuc/{code}")
    if page.status != 200:
        probe.report.finding(POINT, "verification upload: the page of a real code opens", f"HTTP {page.status}")
        return
    token = u.csrf

    def send(i):
        return u.request("POST", f"/xac-thuc/{code}", data=[("csrf_token", token or "")],
                         files={"file": ("ban-sao.docx", secrets.token_bytes(2048), "application/octet-stream")})

    _judge(probe, "verification upload /xac-thuc/<code>", *_burst(send))


def run(probe: Probe) -> None:
    accounts = plain_members(probe, 16)[-8:]
    try:
        chair_under_attack(probe)
        if len(accounts) < 8:
            probe.report.finding(POINT, "set up: 8 plain members", f"found {len(accounts)}")
        else:
            sign_in_burst(probe, accounts)
        password_change_burst(probe)
        verification_bursts(probe)
    finally:
        if probe.db is not None:      # leave the demo usable: nobody stays locked by the probe
            probe.db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL "
                             "WHERE failed_logins > 0 OR locked_until IS NOT NULL")
