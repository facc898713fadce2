"""What every point shares: the served instance, the demo accounts and their roles, signed-in
sessions (each on a loopback address of its own), the optional database, and page checks."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from .client import Client, Response, fresh_ip
from .db import Database
from .report import Report

PASSWORD = "congdoan2026"

# The demo union (README.md, "Demo sign-ins"): stored roles plus the derived group leader.
ACCOUNTS: dict[str, frozenset[str]] = {
    "chutich@thanhto.demo": frozenset({"member", "chair", "committee"}),
    "phochutich@thanhto.demo": frozenset({"member", "vice_chair", "committee"}),
    "ketoan@thanhto.demo": frozenset({"member", "accountant", "committee"}),
    "ha.le@thanhto.demo": frozenset({"member", "committee", "group_leader"}),
    "mai.vu@thanhto.demo": frozenset({"member", "committee", "group_leader"}),
    "huong.bui@thanhto.demo": frozenset({"member", "group_leader"}),
    "hung.do@thanhto.demo": frozenset({"member", "committee", "group_leader"}),
    "ngoc.hoang@thanhto.demo": frozenset({"member", "committee", "group_leader"}),
    "quantri@thanhto.demo": frozenset({"member", "admin"}),
    "thanh.nguyen@thanhto.demo": frozenset({"member"}),
}
CHAIR = "chutich@thanhto.demo"
VICE = "phochutich@thanhto.demo"
ADMIN = "quantri@thanhto.demo"
MEMBER = "thanh.nguyen@thanhto.demo"
LEADER = "huong.bui@thanhto.demo"         # a group leader outside the committee
ACCOUNTANT = "ketoan@thanhto.demo"
COMMITTEE = tuple(e for e, r in ACCOUNTS.items() if "committee" in r)

_VI = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
ENGLISH_MARKERS = ("Internal Server Error", "Traceback", "Bad Request", "Not Found", "Too Many Requests",
                   "Service Unavailable", "Method Not Allowed", "Forbidden", "Request Entity Too Large",
                   "Bad Gateway", "Gateway Timeout", "Unauthorized", "Exception", "OperationalError")


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def english_in(html: str) -> str | None:
    text = visible_text(html)
    return next((m for m in ENGLISH_MARKERS if m in text), None)


def is_vietnamese(html: str) -> bool:
    """A page a Vietnamese reader understands: Vietnamese letters, no framework's English error."""
    text = visible_text(html)
    return sum(ch.lower() in _VI for ch in text) >= 5 and english_in(html) is None


def short(text: str, n: int = 160) -> str:
    text = visible_text(text) if "<" in text else " ".join(text.split())
    return text[:n] + ("…" if len(text) > n else "")


class Probe:
    def __init__(self, base_url: str, database_url: str | None, report: Report, *, workers: int = 4):
        self.base = base_url.rstrip("/")
        self.db = Database(database_url) if database_url else None
        self.report = report
        self.workers = workers
        self._sessions: dict[str, Client] = {}
        self._lock = threading.Lock()
        self.state: dict = {}           # facts one point leaves for another (e.g. a verification code)

    def client(self, source_ip: str | None = None) -> Client:
        return Client(self.base, source_ip or fresh_ip())

    def session(self, email: str, *, fresh: bool = False) -> Client:
        """A signed-in session of a demo account (kept and reused unless `fresh`)."""
        with self._lock:
            if not fresh and email in self._sessions:
                return self._sessions[email]
        c = self.client()
        resp = c.login(email, PASSWORD)
        if resp.status not in (302, 303) or "/dang-nhap" in resp.location:
            raise RuntimeError(f"cannot sign in as {email}: HTTP {resp.status} {short(resp.text)}")
        if not fresh:
            with self._lock:
                self._sessions[email] = c
        return c

    def forget_sessions(self) -> None:
        with self._lock:
            self._sessions.clear()

    def parallel(self, fn, items):
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(fn, items))

    def need_db(self, point: str, name: str) -> bool:
        if self.db is None:
            self.report.not_run(point, name, "needs --database-url")
            return False
        return True

    # --- ids -------------------------------------------------------------------------------------
    def user_id(self, email: str) -> int | None:
        if self.db is None:
            return None
        return self.db.scalar("SELECT id FROM users WHERE email = %s", (email,))


def created_id(resp: Response, pattern: str) -> int | None:
    """The id in a redirect (Location or HX-Redirect) after a create."""
    where = resp.location or resp.header("hx-redirect")
    m = re.search(pattern, where) or re.search(pattern, resp.text)
    return int(m.group(1)) if m else None
