"""Throttling by client (Flask-Limiter): the one table of limits, who is counted, and the 429 answer.

Every limit of the app is declared in LIMITS below, by endpoint, and applied when the app is built,
so the routes stay as they were and a reader finds every figure in one place (documented in
docs/sessions-and-sign-in.md). The storage is RATELIMIT_STORAGE_URI: in memory for the embedded
default (counted per process), Redis when REDIS_URL is set (counted once for every worker).

A limit is counted per client address (`client_key`), or per signed-in person on pages only people
who are signed in reach (`person_key`: colleagues behind one school router share an address).
Limits marked `failures` count only refused attempts (the view sets g.attempt_failed): a person who
signs in right is never slowed down by it. The sign-in's own account lock is congdoan/auth/throttle.py.

Behind a reverse proxy the client address is the proxy's unless PROXY_FIX is set (see create_app).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from .extensions import limiter


def client_key() -> str:
    """The client's address (remote_addr; the proxy's X-Forwarded-For only with PROXY_FIX)."""
    return request.remote_addr or "unknown"


def person_key() -> str:
    """The signed-in person, else the client's address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_key()


def attempt_failed(response: Response) -> bool:
    """deduct_when for `failures` limits: the view marked this attempt as refused."""
    return bool(g.get("attempt_failed"))


def not_found(response: Response) -> bool:
    """deduct_when for `misses` limits: the page asked for does not exist (a guessed code)."""
    return response.status_code == 404


@dataclass(frozen=True)
class Rule:
    limit: str                    # a limits string, e.g. "10 per minute; 30 per hour"
    key: str = "client"           # "client" or "person"
    methods: tuple[str, ...] | None = None      # None: every method
    failures: bool = False        # count only attempts the view refused
    misses: bool = False          # count only answers 404 (guessed codes)


# The one table of limits. Figures a real user never meets on the expensive pages; tight on guesses.
LIMITS: dict[str, tuple[Rule, ...]] = {
    "auth.login": (
        Rule("120 per minute"),                                          # any request: a flood
        Rule("10 per minute; 30 per hour", methods=("POST",), failures=True),   # guesses, any accounts
    ),
    "auth.change_password": (
        Rule("5 per 15 minutes", key="person", methods=("POST",), failures=True),  # guessing the current one
        Rule("30 per hour", methods=("POST",)),
    ),
    "documents.verify": (
        Rule("60 per minute; 600 per hour"),
        Rule("10 per minute; 50 per hour", misses=True),                  # guessed codes
        Rule("10 per minute; 100 per hour", methods=("POST",)),          # the upload is hashed
    ),
    "documents.verify_lookup": (Rule("60 per minute; 600 per hour"),),
    "documents.download_docx": (Rule("60 per minute; 1000 per hour", key="person"),),
    "documents.download_pdf": (Rule("20 per minute; 300 per hour", key="person"),),
    "documents.download_template": (Rule("20 per minute", key="person"),),
    "documents.download_default_template": (Rule("20 per minute", key="person"),),
    "documents.import_word": (Rule("10 per minute; 100 per hour", key="person", methods=("POST",)),),
    "people.import_file": (Rule("10 per minute; 100 per hour", key="person", methods=("POST",)),),
    "people.reset_password": (Rule("30 per minute", key="person"),),
    "tasks.export": (Rule("20 per minute; 300 per hour", key="person"),),
    "member_requests.export_all": (Rule("20 per minute; 300 per hour", key="person"),),
    "campaigns.export_list": (Rule("20 per minute; 300 per hour", key="person"),),
}

KEYS = {"client": client_key, "person": person_key}


class TooManyAttempts(TooManyRequests):
    """Raised by a service's own throttle (the sign-in lock) with the seconds until it lifts."""

    def __init__(self, retry_after: float):
        super().__init__()
        self.retry_after = retry_after


def init_limits(app: Flask) -> None:
    """Bind the limiter and apply LIMITS to the registered views (after the blueprints)."""
    limiter.init_app(app)
    _check_only_limited_pages(app, frozenset(LIMITS))
    for endpoint, rules in LIMITS.items():
        view = app.view_functions[endpoint]
        for number, rule in enumerate(rules):
            # A scope of its own per rule: two rules of one page with the same figures ("10 per minute"
            # for uploads and for guessed codes) would otherwise share one counter.
            view = limiter.limit(rule.limit, key_func=KEYS[rule.key], scope=f"{endpoint}#{number}",
                                 methods=list(rule.methods) if rule.methods else None,
                                 deduct_when=(attempt_failed if rule.failures else
                                              not_found if rule.misses else None))(view)
        app.view_functions[endpoint] = view
    app.register_error_handler(429, too_many_requests)


def _check_only_limited_pages(app: Flask, limited: frozenset[str]) -> None:
    """Flask-Limiter checks every request in a before_request hook (for default and application
    limits, which this app has none of) and each limited view again in its decorator. The hook alone
    cost ~0.1 ms of CPU on every page: it now runs only for the pages of LIMITS."""
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return

    def check_limited_page() -> None:
        if request.endpoint in limited:
            check()

    hooks[hooks.index(check)] = check_limited_page


def retry_after_seconds(error: Exception) -> int:
    if isinstance(error, TooManyAttempts):
        seconds = error.retry_after
    elif isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        seconds = limiter.current_limit.reset_at - time.time()
    else:
        seconds = 60
    return max(1, math.ceil(seconds))


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return f"khoảng {seconds} giây"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"khoảng {minutes} phút"
    return f"khoảng {math.ceil(minutes / 60)} giờ"


def too_many_requests(error: Exception) -> Response:
    """429 with Retry-After and a Vietnamese page (or an htmx message) saying when to try again.
    Rendered without the database: nothing here reads the union's settings or the signed-in user."""
    seconds = retry_after_seconds(error)
    message = (f"Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. "
               f"Vui lòng thử lại sau {wait_in_words(seconds)}.")
    if request.headers.get("HX-Request") == "true":
        response = make_response(render_template("_message.html", kind="error", message=message), 429)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = make_response(render_template("errors/429.html", message=message), 429)
    response.headers["Retry-After"] = str(seconds)
    current_app.logger.warning("429 %s %s (%s): retry after %ss", request.method, request.path,
                               client_key(), seconds)
    return response
