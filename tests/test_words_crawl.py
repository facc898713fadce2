"""Every page each role can open, and every export, in the app's words (issue 16, point 15): no HTTP
code, no English or program word, no environment variable's name, no hash, no UTC time.

The demo union (with a plan in every state, a signed document, requests of every kind...) is crawled
as each demo role over every GET rule of the URL map (tests/crawl.py), plus the htmx partials the
pages load."""
from __future__ import annotations

import pytest

from . import crawl
from .conftest import login


def _crawl(app, client, role: str) -> tuple[list[str], int]:
    demo = crawl.build_demo(app)
    urls, missing = crawl.page_urls(app, demo)
    problems = list(missing)
    local = crawl.ROLES[role]
    if local:
        response = login(client, f"{local}@{crawl.DOMAIN}", crawl.PASSWORD)
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
    queue = [(url, False) for url in urls]
    seen = set(queue)
    partials_of = crawl.PartialBudget(app)
    opened = 0
    while queue:
        url, htmx = queue.pop(0)
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        opened += 1
        try:
            found, partials = _check(response)
        finally:
            response.close()
        where = f"{role} {'htmx ' if htmx else ''}GET {url} ({response.status_code})"
        problems.extend(f"{where}: {f}" for f in found)
        for partial in partials:
            path = crawl.same_site("http://localhost" + url, partial)
            if path and (path, True) not in seen and partials_of.take(path):
                seen.add((path, True))
                queue.append((path, True))
    return problems, opened


def _check(response) -> tuple[list[str], list[str]]:
    if response.status_code >= 500:
        return ["server error"], []
    if 300 <= response.status_code < 400:
        return [], []
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith("text/html"):
        return crawl.page_findings(response.get_data(as_text=True))
    return crawl.export_findings(content_type, response.get_data()) or [], []


@pytest.mark.parametrize("role", list(crawl.ROLES))
def test_no_page_shows_an_http_code_an_english_word_or_a_utc_time(app, client, role):
    problems, opened = _crawl(app, client, role)
    assert opened > 30
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_error_page_speaks_the_app_s_words(app):
    """Each status the app answers with (403 ... 503, and the messages for a bad value or anything
    else), as a page and as the message htmx shows: no code, no English."""
    from congdoan import error_pages
    statuses = [*error_pages.ERROR_TEXTS, 418]
    problems = []
    for status in statuses:
        for htmx in (False, True):
            with app.test_request_context("/ke-hoach/1", headers={"HX-Request": "true"} if htmx else {}):
                response = error_pages.render_status(status, limit=10) if status == 413 else \
                    error_pages.render_status(status)
                html = response.get_data(as_text=True)
            assert response.status_code == status
            found, _ = crawl.page_findings(html)
            problems += [f"{status}{' htmx' if htmx else ''}: {f}" for f in found]
    assert not problems, "\n".join(problems)


def test_a_throttled_sign_in_and_a_server_error_speak_the_app_s_words(app, client, monkeypatch):
    from congdoan.home import routes as home_routes
    pages = []
    for _ in range(12):
        response = client.post_form("/dang-nhap", {"email": "ai@thanhto.demo", "password": "sai-mat-khau"})
    assert response.status_code == 429
    pages.append(response)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        from .conftest import make_user
        user = make_user()
        from congdoan.extensions import limiter
        limiter.reset()
        assert login(client, user).status_code == 303
        monkeypatch.setattr(home_routes, "panels_for", lambda *a, **k: 1 / 0)
        response = client.get("/")
        assert response.status_code == 500
        pages.append(response)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    for page in pages:
        found, _ = crawl.page_findings(page.get_data(as_text=True))
        assert not found, found
