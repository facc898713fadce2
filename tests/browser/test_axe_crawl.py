"""axe-core over every page each demo role can open (issue 16, point 19), in Chromium: the same list of
pages as the words crawl (tests/crawl.py: the URL map with real demo ids), one browser context per
role, and axe evaluated on each page after it has loaded (not only scheduled: a page left at once
would otherwise go unchecked). Then the interactive states: the menus open, a vote refused for a
missing reason, a plan line's inline editor open, the 'Hoàn thành…' form open, at 1366 and 390 px.
Fails on any serious or critical violation (WCAG 2.1 A and AA rules)."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError, expect

from tests import crawl

AXE_BY_TEST = "window.__axeByTest = true;"
SETTLED = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
TIMINGS: dict[str, float] = {}


def _context(browser, live_server, width: int, height: int, **extra):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  base_url=live_server, **extra)
    context.add_init_script(AXE_BY_TEST)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _sign_in(page, role: str) -> None:
    local = crawl.ROLES[role]
    if local is None:
        return
    page.goto("/dang-nhap")
    page.fill("input[name=email]", f"{local}@{crawl.DOMAIN}")
    page.fill("input[name=password]", crawl.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def _axe(page, where: str) -> list[str]:
    page.wait_for_function(SETTLED)
    return [f"{where}: {line}" for line in page.evaluate("window.__axeFindings()")]


@pytest.mark.parametrize("role", list(crawl.ROLES))
def test_axe_on_every_page_of_every_role(app, browser, live_server, in_flight, role):
    started = time.monotonic()
    demo = crawl.build_demo(app)
    urls, missing = crawl.endpoint_urls(app, demo, without=crawl.FRAGMENT_ONLY | crawl.FILES
                                        | crawl.SAME_AS_PLAN_PAGE)
    assert not missing, "\n".join(missing)
    context, page = _context(browser, live_server, 1366, 900)
    found, checked = [], 0
    try:
        _sign_in(page, role)
        seen_errors = set()
        for _endpoint, url in urls:
            try:
                response = page.goto(url)
            except PlaywrightError as exc:      # a download, not a page
                if "Download is starting" in str(exc):
                    continue
                raise
            status = response.status if response else 0
            if not (response and response.headers.get("content-type", "").startswith("text/html")):
                continue                        # an evidence photo shown inline: no page
            if status >= 400:
                # An error page is one layout: checked once per status for this role.
                if status in seen_errors:
                    continue
                seen_errors.add(status)
            checked += 1
            found.extend(_axe(page, f"{role} {url} ({status})"))
    finally:
        context.close()
        in_flight.wait_idle()
    TIMINGS[role] = time.monotonic() - started
    print(f"axe crawl as {role}: {checked} pages in {TIMINGS[role]:.1f} s")
    assert checked > 5
    assert not found, f"{len(found)} axe violations:\n" + "\n".join(found)
