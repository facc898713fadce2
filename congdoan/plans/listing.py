"""The list pages of documents, /ke-hoach (plans) and /bao-cao (reports): one reading of the filter bar,
one page of the documents of a kind and the filter menus' choices, and the quick links to each document."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from ..limits import int_arg, page_arg
from ..pagination import clamp
from ..web import render, wants_fragment
from . import queries


def link_maker(endpoint: str, name: str):
    """A function id -> URL of `endpoint`, for links in a long loop: url_for builds the URL once
    with a placeholder id and each link only puts its own id in (the same URL as url_for gives,
    at a tenth of the cost)."""
    placeholder = "918273645"
    head, tail = url_for(endpoint, **{name: int(placeholder)}).split(placeholder)
    return lambda value: f"{head}{int(value)}{tail}"


def table_only(filter_id: str) -> bool:
    """Whether the filter bar (the form `filter_id`, through htmx) asked for the table alone: its menus
    are then neither re-rendered nor read."""
    return request.headers.get("HX-Trigger") == filter_id and wants_fragment()


def list_context(kind: str, name: str, filter_id: str, *, by_author: bool = False) -> dict:
    """The context of a list page of the documents of `kind` (see templates/_filters.html): the filter
    bar's values from the query string (q, trang_thai, nam, and nguoi_soan when `by_author`), one page of
    the documents this person may see under `name`, and the menus' years (and authors when `by_author`),
    left empty when the filter bar asked for the table alone."""
    q = (request.args.get("q") or "").strip()[:200]
    status = request.args.get("trang_thai", "")
    year = int_arg("nam", maximum=9999)
    author_id = int_arg("nguoi_soan") if by_author else None
    page = page_arg()
    documents, total = queries.list_plans(current_user, q=q, status=status, year=year, author_id=author_id,
                                           page=page, kind=kind)
    years, authors = ([], []) if table_only(filter_id) else queries.filter_choices(current_user, kind)
    context = {name: documents, "total": total, "q": q, "status_filter": status, "year": year, "page": page,
               "pages": clamp(total, page, queries.PAGE_SIZE)[1], "years": years,
               "detail_url": link_maker("plans.detail", "plan_id")}
    if by_author:
        context.update(author_id=author_id, authors=authors)
    return context


def render_list(template: str, table: str, filter_id: str, /, **context):
    """The whole list page, or its table alone when the filter bar asked for it."""
    if table_only(filter_id):
        return render(template, table, **context)
    return render(template, **context)
