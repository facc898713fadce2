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

from .conftest import settled, sign_in

AXE_BY_TEST = "window.__axeByTest = true;"
TIMINGS: dict[str, float] = {}


def _context(browser, live_server, width: int, height: int, **extra):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  base_url=live_server, **extra)
    context.add_init_script(AXE_BY_TEST)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _sign_in(page, local: str | None) -> None:
    if local is None:
        return
    sign_in(page, f"{local}@{crawl.DOMAIN}", crawl.PASSWORD)


def _axe(page, where: str) -> list[str]:
    settled(page)
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
        _sign_in(page, crawl.ROLES[role])
        seen_errors, seen_redirects = set(), set()
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
            landed = page.url.split("?")[0]
            if landed != live_server + url.split("?")[0]:
                # Sent elsewhere (to sign in, to the plan page): that page once is enough.
                if landed in seen_redirects:
                    continue
                seen_redirects.add(landed)
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
    assert checked >= (3 if role == "anonymous" else 20)
    assert not found, f"{len(found)} axe violations:\n" + "\n".join(found)


VIEWPORTS = {"1366": dict(width=1366, height=900), "390": dict(width=390, height=844)}


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_axe_on_the_interactive_states(app, browser, live_server, in_flight, size):
    """The states a page reaches by a click: the menus open, a vote refused for its missing reason,
    a plan part's inline editor open, the 'Hoàn thành…' form of a task open; at desktop and phone
    width."""
    started = time.monotonic()
    demo = crawl.build_demo(app)
    viewport = VIEWPORTS[size]
    phone = dict(is_mobile=True, has_touch=True) if size == "390" else {}
    found = []

    def as_(local: str):
        context, page = _context(browser, live_server, viewport["width"], viewport["height"], **phone)
        _sign_in(page, local)
        return context, page

    def check(page, what: str) -> None:
        settled(page)
        found.extend(_axe(page, f"{size} px, {what}"))

    # The chair: the navigation (the phone's "Danh mục"), the admin menu and the account menu open.
    context, page = as_("chutich")
    try:
        page.goto("/")
        if size == "390":
            page.locator("[aria-controls=main-nav]").click()
            expect(page.locator("#main-nav")).to_be_visible()
            check(page, "navigation open")
        # On a phone the open navigation lists the admin and account entries itself (no sub-menus: their
        # buttons are shown from desktop width on, by a media query).
        for menu in ("admin-menu", "account-menu") if size == "1366" else ():
            page.locator(f"[aria-controls={menu}]").click()
            expect(page.locator(f"#{menu}")).to_be_visible()
            check(page, f"{menu} open")
        # A plan part's inline editor, on the chair's amendment (a draft).
        page.goto(f"/ke-hoach/{demo.plans['amendment']}")
        basis = page.locator("#plan-bases .part").first
        basis.get_by_role("button", name="Sửa").click()
        expect(page.locator("#plan-bases .part form")).to_be_visible()
        check(page, "inline editor open")
    finally:
        context.close()
    # A committee member who has not voted yet: "Không đồng ý" without a reason.
    context, page = as_("ngoc.hoang")
    try:
        page.goto(f"/ke-hoach/{demo.plans['submitted']}/duyet")
        page.locator("input[name=choice][value=against]").check()
        page.get_by_role("button", name="Gửi biểu quyết").click()
        expect(page.locator("#vote-reason-error")).to_be_visible()
        check(page, "vote refused for its missing reason")
    finally:
        context.close()
    # A group leader's task card with the 'Hoàn thành…' form open.
    context, page = as_("huong.bui")
    try:
        page.goto("/viec/cua-to")
        page.get_by_role("link", name="Hoàn thành…").first.click()
        expect(page.locator("form.task-form").first).to_be_visible()
        check(page, "'Hoàn thành…' form open")
    finally:
        context.close()
        in_flight.wait_idle()
    print(f"axe on the interactive states at {size} px: {time.monotonic() - started:.1f} s")
    assert not found, f"{len(found)} axe violations:\n" + "\n".join(found)
