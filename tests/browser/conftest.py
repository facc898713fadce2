"""Browser journeys: the app served on a free local port, driven by Playwright in Debian's Chromium.
Locally a missing Chromium skips these tests with the reason; under CI (CI=true) it fails them,
so the journeys can never silently stop running there (.ci/run installs Chromium)."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class InFlight:
    """WSGI wrapper counting the requests the live server is still answering. A test ends while the
    browser may still be fetching (static files load the signed-in user); emptying the database
    (TRUNCATE on PostgreSQL) under such a request deadlocks now and then, so the page fixtures wait
    for the server to be idle before the test's clean-up runs."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            result = self.app(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float = 10) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.count == 0, timeout)


@pytest.fixture(scope="session")
def in_flight(app):
    return InFlight(app)


@pytest.fixture(scope="session")
def live_server(app, in_flight):
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "Chromium không có trên máy này (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — CI phải chạy các hành trình trình duyệt.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, in_flight):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    in_flight.wait_idle()


@pytest.fixture
def phone(browser, live_server, in_flight):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=live_server,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    in_flight.wait_idle()


def sign_in(page, email: str, password: str):
    page.goto("/dang-nhap")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
