"""Error pages: a Vietnamese sentence for every failure, rendered without the database.

An error page must render when the database is the thing that failed: a bad value left the
transaction aborted (PostgreSQL refuses every statement until ROLLBACK), the connection dropped, or
the server cannot be reached at all (then even loading the signed-in user fails). So an error page
- rolls the failed session back first (quietly: on a dead connection the rollback fails too);
- takes the union's name only when the request or the process already knows it
  (`organisation.models.known_name`), else a neutral title;
- renders the layout in its bare form (`error_page`): no bell, no navigation, no signed-in user,
  nothing that would load them;
- falls back to a fixed Vietnamese page if even that template fails.

A database that cannot be reached answers 503 with Retry-After (a proxy or a phone may retry);
other database errors are a 500. htmx requests get the message alone, swapped into #messages.

One template (error.html) with a title and a sentence serves every status: a new one (429 …) needs
only its texts in ERROR_TEXTS or a handler calling `render_error`.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from .errors import DomainError
from .extensions import db

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

ERROR_TEXTS = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại."),
    403: ("Không có quyền truy cập", "Bạn không có quyền xem hoặc thực hiện thao tác này. "
                                     "Nếu cần, hãy liên hệ Ban Chấp hành hoặc quản trị viên."),
    404: ("Không tìm thấy", "Trang hoặc nội dung bạn tìm không tồn tại, hoặc đã bị xóa."),
    405: ("Thao tác không được hỗ trợ", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    409: ("Không thể thực hiện", "Thao tác không thể thực hiện ở trạng thái hiện tại."),
    413: ("Tệp quá lớn", "Dữ liệu gửi lên vượt quá {limit} MB cho một lần gửi nên chưa được lưu. "
                        "Hãy gửi bớt tệp hoặc giảm dung lượng ảnh (chụp lại ở chất lượng thấp hơn) rồi thử lại."),
    422: ("Dữ liệu chưa hợp lệ", "Dữ liệu gửi lên chưa hợp lệ nên chưa được lưu. Vui lòng kiểm tra lại."),
    429: ("Thao tác quá nhanh", "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. "
                                "Vui lòng chờ một lát rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra phía máy chủ. Dữ liệu của bạn chưa bị thay đổi; "
                          "vui lòng thử lại sau ít phút."),
    503: ("Hệ thống tạm thời gián đoạn", "Hệ thống tạm thời không kết nối được cơ sở dữ liệu. "
                                         "Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại sau ít phút."),
}
BAD_VALUE = ("Giá trị không hợp lệ", "Một giá trị gửi lên không hợp lệ (quá lớn hoặc sai định dạng) nên chưa "
                                    "được lưu. Vui lòng kiểm tra lại rồi thử lại.")
_OTHER = ("Không thể thực hiện", "Yêu cầu không thể thực hiện được. Vui lòng tải lại trang và thử lại.")

# What is shown when even the bare template fails: no template, no database, no request state.
_LAST_RESORT = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
                '<body><main><h1>{title}</h1><p>{message}</p><p><a href="/">Về trang chủ</a></p></main>'
                '</body></html>')


def texts(status: int) -> tuple[str, str]:
    return ERROR_TEXTS.get(status, _OTHER)


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:                          # the connection itself is gone: nothing to undo
        log.warning("rollback failed while rendering an error page", exc_info=True)


def render_error(status: int, title: str, message: str, *, retry_after: int | None = None) -> Response:
    """The Vietnamese error answer: the full page, or the message alone for htmx."""
    from .organisation.models import known_name
    union_name = known_name()               # before the rollback, which forgets the request's facts
    _rollback_quietly()
    htmx = request.headers.get("HX-Request") == "true"
    try:
        if htmx:
            body = render_template("_message.html", kind="error", message=message)
        else:
            body = render_template("error.html", error_page=True, known_union_name=union_name,
                                   status=status, title=title, message=message)
    except Exception:
        log.exception("the error page itself failed; answering with the fixed page")
        body = (str(escape(message)) if htmx
                else _LAST_RESORT.format(title=escape(title), message=escape(message)))
    response = make_response(body, status)
    if htmx:
        # htmx is configured (base.html) to swap error responses; send them to the message area.
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    response.headers.add("Vary", "HX-Request")
    return response


def render_status(status: int, **fmt) -> Response:
    title, message = texts(status)
    return render_error(status, title, message.format(**fmt) if fmt else message,
                        retry_after=RETRY_AFTER_SECONDS if status == 503 else None)


def database_unreachable(exc: BaseException) -> bool:
    """A failure to reach the database (refused, dropped, timed out), not a refused statement."""
    return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated)


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code is None or e.code < 400:
            return e
        if e.code == 413:
            return render_status(413, limit=(app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))
        if e.code == 500 and database_unreachable(getattr(e, "original_exception", None)):
            return render_status(503)
        return render_status(e.code)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, "Phiên làm việc không hợp lệ",
                            "Biểu mẫu đã hết hạn hoặc thiếu mã bảo mật (CSRF). "
                            "Vui lòng tải lại trang rồi thử lại.")

    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        return render_error(e.status, texts(e.status if e.status in ERROR_TEXTS else 409)[0], e.message)

    @app.errorhandler(sa.exc.SQLAlchemyError)
    def database_error(e: sa.exc.SQLAlchemyError):
        # Handled here (not left to the 500 handler) so it is answered the same with or without
        # PROPAGATE_EXCEPTIONS: the database's failure is never the test's or the debugger's.
        if database_unreachable(e):
            log.error("database unreachable: %s", e.__class__.__name__, exc_info=e)
            return render_status(503)
        if isinstance(e, sa.exc.DataError):
            # The database refused a value (a number beyond its range, text where a number goes):
            # the request's fault, and nothing of it was saved.
            log.warning("database refused a value: %s", e.orig)
            return render_error(400, *BAD_VALUE)
        log.error("database error", exc_info=e)
        return render_status(500)
