"""The web layer's shared pieces: fragment-or-page rendering, htmx helpers, errors, headers."""
from __future__ import annotations

from flask import Flask, Response, has_request_context, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from .dates import date_line, fmt_date, fmt_datetime
from .errors import DomainError
from .extensions import db
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


URL_CACHE_SIZE = 8192
_urls: dict[tuple, str] = {}


def cached_url_for(endpoint: str, **values) -> str:
    """url_for for templates, remembered per process: a page builds dozens of the same links and
    Werkzeug's builder costs ~15 µs each. Only plain relative links are kept (no _external, _anchor,
    no list values); the key holds the mount point, so the result is what url_for would return."""
    if not has_request_context() or endpoint.startswith(".") or any(k.startswith("_") for k in values):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *sorted(values.items()))
    try:
        return _urls[key]
    except KeyError:
        pass
    except TypeError:            # an unhashable value (a list of query values): not kept
        return url_for(endpoint, **values)
    url = url_for(endpoint, **values)
    if len(_urls) >= URL_CACHE_SIZE:
        _urls.clear()
    _urls[key] = url
    return url


def redirect_to(endpoint: str, **values) -> Response:
    """After a POST: a 303 redirect, or HX-Redirect for htmx so the whole page moves."""
    url = url_for(endpoint, **values)
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def _error(status: int, title: str, message: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        # htmx is configured (base.html) to swap error responses; send them to the message area.
        response = make_response(render_template("_message.html", kind="error", message=message), status)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return make_response(render_template("error.html", status=status, title=title, message=message), status)


ERROR_TEXTS = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại."),
    403: ("Không có quyền truy cập", "Bạn không có quyền xem hoặc thực hiện thao tác này. "
                                     "Nếu cần, hãy liên hệ Ban Chấp hành hoặc quản trị viên."),
    404: ("Không tìm thấy", "Trang hoặc nội dung bạn tìm không tồn tại, hoặc đã bị xóa."),
    405: ("Thao tác không được hỗ trợ", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    409: ("Không thể thực hiện", "Thao tác không thể thực hiện ở trạng thái hiện tại."),
    413: ("Tệp quá lớn", "Dữ liệu gửi lên vượt quá {limit} MB cho một lần gửi nên chưa được lưu. "
                        "Hãy gửi bớt tệp hoặc giảm dung lượng ảnh (chụp lại ở chất lượng thấp hơn) rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra phía máy chủ. Dữ liệu của bạn chưa bị thay đổi; "
                          "vui lòng thử lại sau ít phút."),
}


def register_web(app: Flask) -> None:
    for status in (400, 403, 404, 405, 500):
        title, message = ERROR_TEXTS[status]
        app.register_error_handler(status, lambda e, s=status, t=title, m=message: _error(s, t, m))

    @app.errorhandler(413)
    def too_large(e):
        title, message = ERROR_TEXTS[413]
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return _error(413, title, message.format(limit=limit))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _error(400, "Phiên làm việc không hợp lệ",
                      "Biểu mẫu đã hết hạn hoặc thiếu mã bảo mật (CSRF). "
                      "Vui lòng tải lại trang rồi thử lại.")

    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        db.session.rollback()
        return _error(e.status, ERROR_TEXTS.get(e.status, ERROR_TEXTS[409])[0], e.message)

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
    app.jinja_env.globals["date_line"] = date_line
    if not (app.url_default_functions or app.url_value_preprocessors):
        # No URL defaults to inject: a link depends only on the endpoint and its values.
        app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

