"""A small standard-library browser for the probe: one HTTP connection per request, bound to a
chosen loopback source address (the server's limiter keys by client address), a cookie jar, the
CSRF token of the last page, and an HTML form reader."""
from __future__ import annotations

import http.client
import http.cookies
import itertools
import re
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

USER_AGENT = "congdoan-probe"
_ip_lock = threading.Lock()
_ip_counter = itertools.count()


def fresh_ip() -> str:
    """A loopback source address of its own (127.1.0.1, 127.1.0.2, ...): sessions the probe opens
    for its own work never share a client address with the attacks that are meant to be throttled."""
    with _ip_lock:
        n = next(_ip_counter)
    return f"127.{1 + n // 62500}.{(n // 250) % 250}.{n % 250 + 1}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float
    set_cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class Client:
    def __init__(self, base_url: str, source_ip: str | None = None, *, timeout: float = 60):
        parts = urllib.parse.urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        if not self.host.startswith("127."):
            raise ValueError("the probe only talks to 127.0.0.0/8")
        self.base = base_url.rstrip("/")
        self.source_ip = source_ip or fresh_ip()
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None
        self.email: str | None = None

    # --- transport -------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, data=None, files=None, headers=None, raw_body: bytes | None = None,
                content_type: str | None = None, timeout: float | None = None) -> Response:
        body = raw_body
        hdrs = {"User-Agent": USER_AGENT, "Host": f"{self.host}:{self.port}"}
        if files:
            body, content_type = encode_multipart(data or [], files)
        elif data is not None:
            body = urllib.parse.urlencode(_pairs(data), doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        if content_type:
            hdrs["Content-Type"] = content_type
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout,
                                          source_address=(self.source_ip, 0))
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        set_cookies = resp.headers.get_all("Set-Cookie") or []
        for raw in set_cookies:
            self._store_cookie(raw)
        headers_out = {k.lower(): v for k, v in resp.getheaders()}
        return Response(resp.status, headers_out, payload, elapsed, set_cookies)

    def _store_cookie(self, raw: str) -> None:
        jar = http.cookies.SimpleCookie()
        try:
            jar.load(raw)
        except http.cookies.CookieError:
            return
        for name, morsel in jar.items():
            expired = morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"])
            if expired or morsel.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **kw) -> Response:
        resp = self.request("GET", path, **kw)
        token = csrf_from(resp.text) if "text/html" in resp.header("content-type") else None
        if token:
            self.csrf = token
        return resp

    def post(self, path: str, data=None, *, csrf: bool = True, **kw) -> Response:
        pairs = _pairs(data or [])
        if csrf and self.csrf and not any(k == "csrf_token" for k, _ in pairs):
            pairs.append(("csrf_token", self.csrf))
        return self.request("POST", path, data=pairs, **kw)

    def htmx_headers(self) -> dict[str, str]:
        return {"HX-Request": "true", "X-CSRFToken": self.csrf or ""}

    # --- sessions --------------------------------------------------------------------------------
    def login(self, email: str, password: str, *, remember: bool = False) -> Response:
        self.get("/dang-nhap")
        data = [("email", email), ("password", password)]
        if remember:
            data.append(("remember", "y"))
        resp = self.post("/dang-nhap", data)
        if resp.status in (302, 303) and "/dang-nhap" not in resp.location:
            self.email = email
            self.get("/doi-mat-khau")      # a fresh CSRF token for the signed-in session
        return resp

    def signed_in(self) -> bool:
        """Any signed-in account (even one that must change its password) may open this page."""
        return self.get("/doi-mat-khau").status == 200

    def copy(self, source_ip: str | None = None) -> "Client":
        other = Client(self.base, source_ip, timeout=self.timeout)
        other.cookies = dict(self.cookies)
        other.csrf = self.csrf
        other.email = self.email
        return other


def _pairs(data) -> list[tuple[str, str]]:
    if isinstance(data, dict):
        out = []
        for k, v in data.items():
            if isinstance(v, (list, tuple)):
                out.extend((k, str(x)) for x in v)
            else:
                out.append((k, "" if v is None else str(v)))
        return out
    return [(k, "" if v is None else str(v)) for k, v in data]


def encode_multipart(data, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----probe" + uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in _pairs(data):
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                      + value.encode() + b"\r\n")
    for name, (filename, content, ctype) in files.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {ctype}\r\n\r\n".encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


_CSRF_RES = (re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"'),
             re.compile(r'value="([^"]+)"[^>]*?name="csrf_token"'),
             re.compile(r'"X-CSRFToken":\s*"([^"]+)"'))


def csrf_from(html: str) -> str | None:
    for pattern in _CSRF_RES:
        m = pattern.search(html)
        if m:
            return m.group(1)
    return None


# --- forms ---------------------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    kind: str                    # input type, "textarea" or "select"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    required: bool = False
    maxlength: int | None = None


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def values(self, **overrides) -> list[tuple[str, str]]:
        """What a browser would send, with `overrides` in place of the named fields
        (a list value sends the name once per item)."""
        out: list[tuple[str, str]] = []
        done = set()
        for f in self.fields:
            if f.name in overrides:
                if f.name in done:
                    continue
                done.add(f.name)
                v = overrides[f.name]
                for item in (v if isinstance(v, (list, tuple)) else [v]):
                    out.append((f.name, str(item)))
                continue
            if f.kind in ("submit", "button", "file", "image", "reset"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    out.append((f.name, f.value or "on"))
                continue
            if f.kind == "select":
                out.append((f.name, f.value if f.value else (f.options[0] if f.options else "")))
                continue
            out.append((f.name, f.value))
        for k, v in overrides.items():
            if k not in done and all(f.name != k for f in self.fields):
                for item in (v if isinstance(v, (list, tuple)) else [v]):
                    out.append((k, str(item)))
        return out


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option_value: str | None = None
        self._option_selected = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or a.get("hx-post") or a.get("hx-get") or ""
            method = (a.get("method") or ("post" if "hx-post" in a else "get")).lower()
            self._form = Form(action, method, a.get("enctype", ""), attrs=a)
            self.forms.append(self._form)
            return
        if self._form is None or tag not in ("input", "textarea", "select", "option", "button"):
            return
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.value = value
            return
        name = a.get("name")
        if not name:
            return
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            self._form.fields.append(Field(name, kind, a.get("value", "" if kind not in ("checkbox", "radio") else "on"),
                                           "checked" in a, required="required" in a, maxlength=maxlength))
        elif tag == "button":
            self._form.fields.append(Field(name, "button", a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(name, "textarea", "", required="required" in a, maxlength=maxlength)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(name, "select", "", required="required" in a)
            self._form.fields.append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, *, field: str | None = None, action: str | None = None) -> Form | None:
    """The first form holding `field` (and whose action contains `action`)."""
    for form in forms_of(html):
        if field and form.field(field) is None:
            continue
        if action and action not in form.action:
            continue
        return form
    return None


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|hx-get|hx-post|action)="(/[^"#]*)"', html)
