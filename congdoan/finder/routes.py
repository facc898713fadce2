"""/tim-kiem?q=…: the results of every area on one page (at most PREVIEW each, with their count), or
one area's results page by page (&nhom=ke-hoach|cong-viec|de-xuat|doan-vien&trang=N). htmx asks for
the results alone while the person types on this page; the page works the same without it."""
from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from ..limits import page_arg
from ..permissions import Perm, requires
from ..web import render
from . import queries
from .keys import MAX_QUERY, MAX_WORDS, MIN_QUERY, query_words

bp = Blueprint("search", __name__, url_prefix="/tim-kiem")


def _problem(q: str, words: list[str]) -> str | None:
    """Why this query is not searched, in Vietnamese; None when it is."""
    if not q:
        return "Nhập tên kế hoạch, việc, đề xuất hoặc đoàn viên cần tìm (có dấu hay không dấu đều được)."
    if not words:
        return "Từ cần tìm phải có chữ hoặc số: các dấu như %, _, ' không dùng để tìm."
    if len("".join(words)) < MIN_QUERY:
        return f"Nhập ít nhất {MIN_QUERY} chữ cái hoặc chữ số để tìm."
    return None


@bp.route("")
@requires(Perm.SIGNED_IN)
def index():
    raw = (request.args.get("q") or "").strip()
    q = raw[:MAX_QUERY]
    words = query_words(q)
    keys = queries.areas_for(current_user)
    only = request.args.get("nhom")
    only = only if only in keys else None
    page = page_arg()
    problem = _problem(q, words)
    notes = []
    if len(raw) > MAX_QUERY or len(raw.split()) > MAX_WORDS:
        notes.append(f"Chỉ tìm theo {MAX_WORDS} từ đầu (tối đa {MAX_QUERY} ký tự): "
                     f"“{' '.join(words)}”.")
    areas: list[queries.Area] = []
    pages = 1
    if problem is None:
        if only:
            areas = [queries.area(only, current_user, words, page=page, size=queries.PAGE_SIZE)]
            page = areas[0].page
            pages = max((areas[0].total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1)
        else:
            areas = [queries.area(key, current_user, words) for key in keys]
    context = dict(q=q, words=words, areas=areas, only=only, page=page, pages=pages, problem=problem, notes=notes,
                   total=sum(a.total for a in areas), preview=queries.PREVIEW, max_query=MAX_QUERY)
    if request.headers.get("HX-Trigger") == "search-page-box":
        return render("search/index.html", "search/_results.html", **context)
    return render("search/index.html", **context)
