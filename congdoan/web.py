"""The web layer's shared pieces: fragment-or-page rendering, htmx helpers, errors, headers."""
from __future__ import annotations

from flask import Flask, Response, has_request_context, make_response, redirect, render_template, request, url_for

from . import caching
from .dates import date_line, fmt_date, fmt_datetime
from .money import fmt_number
from .error_pages import ERROR_TEXTS, register_error_pages, render_error  # noqa: F401
from .plans.kinds import kind_of, number_symbol
from .plans.numbering import labels as line_labels, marks_bold, marks_italic
from .plans.tables import layout as table_layout, percent_widths, safe_link
from .text import inline_html, plain, roman


def wants_fragment() -> bool:
    """A fragment for htmx requests that are neither boosted nor a history restore."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-Boosted") != "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(page: str, fragment: str | None = None, /, *, status: int = 200, **context) -> Response:
    """Render the full page, or only `fragment` when htmx asked for a piece of it."""
    template = fragment if (fragment and wants_fragment()) else page
    response = make_response(render_template(template, **context), status)
    response.headers.add("Vary", "HX-Request")
    return response


_links = caching.lru("links", 8192)


def link_for(endpoint: str, **values) -> str:
    """Jinja's `url_for`: the link kept per process once built. A page served right after a write
    (every page, in a working day) renders its links afresh: the tracking dashboard builds 103 of them,
    a plan's progress page 84, every layout about 20. Werkzeug builds one in 3.5 µs (7.1 µs with query
    values); the kept one costs 1.2 µs (key as given, not sorted: a call site always passes its values
    in the same order; with the values' types, so that 1 and True stay apart). docs/caching.md, "links",
    has the figures. Only relative links are kept: a link
    with `_external`, `_anchor`, `_scheme` or `_method`, one relative to the blueprint, or one with an
    unhashable value (a list of query values) is built every time. The key holds the mount point."""
    if endpoint[0] == "." or not has_request_context():
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *values.items(), *map(type, values.values()))
    try:
        url = _links.get(key)
    except TypeError:
        return url_for(endpoint, **values)
    if url is None:
        url = url_for(endpoint, **values)
        if not any(name[0] == "_" for name in values):
            _links.put(key, url)
    return url


def redirect_to(endpoint: str, **values) -> Response:
    """After a POST: a 303 redirect, or HX-Redirect for htmx so the whole page moves."""
    url = url_for(endpoint, **values)
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


# Error pages live in congdoan/error_pages.py; these names stay importable from here.
_error = render_error


def register_web(app: Flask) -> None:
    register_error_pages(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                     "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages hold personal data: never keep them in shared caches.
            h.setdefault("Cache-Control", "no-store")
        return response

    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["rich"] = inline_html
    app.jinja_env.filters["plain"] = plain
    app.jinja_env.filters["roman"] = roman
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.globals["url_for"] = link_for
    app.jinja_env.globals["date_line"] = date_line
    app.jinja_env.globals["line_labels"] = line_labels
    app.jinja_env.globals["marks_italic"] = marks_italic
    app.jinja_env.globals["marks_bold"] = marks_bold
    app.jinja_env.globals["kind_of"] = kind_of                 # plans/_document.html: the kind's number
    app.jinja_env.globals["number_symbol"] = number_symbol
    app.jinja_env.globals["table_layout"] = table_layout       # ... its tables of figures
    app.jinja_env.globals["percent_widths"] = percent_widths
    app.jinja_env.globals["safe_link"] = safe_link             # ... and the links of its figures
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

