"""Browser journeys: the app served on a free local port, driven by Playwright in Debian's Chromium.
Locally a missing Chromium skips these tests with the reason; under CI (CI=true) it fails them,
so the journeys can never silently stop running there (.ci/run installs Chromium).

Every browser context a test opens is watched: an uncaught page error, a console error or a Content
Security Policy violation fails the test that caused it, even when every assertion passed (a script
that does not parse shows nothing on the page: its handlers are simply never there). A test that
provokes an error on purpose (an htmx request answered 409) says so with `browser_errors.allow(...)`."""
from __future__ import annotations

import os
import re
import shutil
import threading
import time

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


# Chromium reports a CSP violation as a console error too; this also catches those that happen
# before a console listener could see them (during the first parse) and names the directive.
_CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


_AXE_SOURCE = None


def _axe_watch() -> str:
    """An init script that runs axe-core (WCAG 2.1 A and AA rules) on every page once it has loaded and
    again after each htmx swap, and reports each serious or critical violation as a console error, so
    that BrowserErrors fails the test on it like on any other error."""
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        import axe_playwright_python
        path = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
        with open(path, encoding="utf-8") as f:
            _AXE_SOURCE = f.read()
    return _AXE_SOURCE + """
;(function () {
  if (window.top !== window) { return; }
  var pending = null, queue = Promise.resolve();
  function findings() {
    return axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                              resultTypes: ["violations"]}).then(function (results) {
      var found = [];
      results.violations.forEach(function (v) {
        if (v.impact !== "serious" && v.impact !== "critical") { return; }
        v.nodes.forEach(function (node) {
          found.push("axe " + v.impact + ": " + v.id + " (" + v.help + ") at " + node.target.join(" ") +
                     " on " + location.pathname);
        });
      });
      return found;
    });
  }
  // axe refuses to start while a run is under way: runs wait for each other.
  window.__axeFindings = function () {
    var run = queue.then(findings, findings);
    queue = run.catch(function () {});
    return run;
  };
  var busyWaits = 0;
  function check() {
    // An element with a request in flight is drawn at 60 % opacity (.htmx-request in app.css): its text
    // would fail the contrast rule for a moment that no reader sees. Wait until the page is at rest.
    if (document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling") && busyWaits < 40) {
      busyWaits += 1; pending = setTimeout(check, 100); return;
    }
    busyWaits = 0;
    window.__axeFindings().then(function (found) {
      found.forEach(function (line) { console.error(line); });
    }).catch(function () {});
  }
  // A test that runs axe itself after each step (the axe crawl) sets window.__axeByTest.
  function schedule() { if (window.__axeByTest) { return; } clearTimeout(pending); pending = setTimeout(check, 50); }
  window.addEventListener("load", schedule);
  document.addEventListener("htmx:afterSettle", schedule);
})();
"""


class BrowserErrors:
    """What the pages of the current test reported: page errors, console errors, CSP violations.

    A page or an htmx request that the app answers with a 4xx on purpose (a form sent back with its
    errors as 422, a 403 or 404 page) makes Chromium log "Failed to load resource"; that is the app
    speaking, not a defect, and the test checks what it says. The same line for anything else (a
    stylesheet, a script, an image, the favicon) and every 5xx is a defect."""

    _FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")
    _HTMX_ERROR = re.compile(r"^Response Status Error Code (\d+) from (\S+),")

    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.answered: set[tuple[str, int]] = set()
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        """The current test provokes this error on purpose (a regex searched in the message)."""
        self.allowed.append(re.compile(pattern))

    def reset(self) -> None:
        self.errors.clear()
        self.answered.clear()
        self.allowed.clear()

    def _is_an_answer(self, text: str, url: str) -> bool:
        failed = self._FAILED_LOAD.match(text)
        if failed:
            return (url, int(failed.group(1))) in self.answered
        logged = self._HTMX_ERROR.match(text)      # htmx logs the same answer once more
        return bool(logged) and any(answered.split("?")[0].endswith(logged.group(2)) and status == int(logged.group(1))
                                    for answered, status in self.answered)

    def unexpected(self) -> list[str]:
        return [f"{text} ({url})" for text, url in self.errors
                if not self._is_an_answer(text, url) and not any(p.search(text) for p in self.allowed)]

    def _response(self, response) -> None:
        if 400 <= response.status < 500 and response.request.resource_type in ("document", "xhr", "fetch"):
            self.answered.add((response.url, response.status))

    def audit(self, context) -> None:
        """axe on the pages still open, before their context closes: the last state of each journey is
        checked even when the test ended before the check that follows a page load had finished."""
        for page in context.pages:
            try:
                found = page.evaluate("window.__axeFindings ? window.__axeFindings() : []")
            except Exception:        # a page closing or navigating: its loads were checked as they came
                continue
            self.errors.extend((line, page.url) for line in found)

    def watch(self, context) -> None:
        context.add_init_script(_CSP_WATCH)
        context.add_init_script(_axe_watch())
        close = context.close

        def audited_close(*args, **kwargs):
            self.audit(context)
            return close(*args, **kwargs)
        context.close = audited_close
        context.on("weberror", lambda error: self.errors.append((f"page error: {error.error}", "")))
        context.on("console", lambda msg: msg.type == "error" and self.errors.append(
            (msg.text, msg.location.get("url", ""))))
        context.on("response", self._response)


_ERRORS = BrowserErrors()


class WatchedBrowser:
    """The session's browser, whose every new context is watched by BrowserErrors."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        _ERRORS.watch(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser_errors():
    return _ERRORS


@pytest.fixture(autouse=True)
def _no_browser_errors(request):
    """Fails a browser test on any page error, console error or CSP violation its pages reported.
    Set up before (so torn down after) the page fixtures, whose contexts close first."""
    _ERRORS.reset()
    yield
    found = _ERRORS.unexpected()
    _ERRORS.reset()
    if found and "browser" in request.fixturenames:
        pytest.fail("The browser reported errors:\n" + "\n".join(found), pytrace=False)


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
        yield WatchedBrowser(browser)
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


def sign_in(page, email: str, password: str, *, admitted: bool = True) -> None:
    """Sign in through the form; unless the sign-in is meant to be refused (`admitted=False`), wait until
    the app has let the person in (the browser has left the sign-in page), so no next step races it."""
    page.goto("/dang-nhap")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if admitted:
        page.wait_for_url(lambda url: "dang-nhap" not in url)


def seed_demo(app) -> None:
    """The demo union (`flask seed-demo`) in the test database; the test's own session then forgets what
    it had read."""
    from congdoan.extensions import db
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def import_word(page, path, mode: str | None = None) -> None:
    """"Nhập từ tệp Word" from the plan list: the file at `path` imported as `mode` (the label of its
    choice; the form's default when None), up to the import report."""
    from playwright.sync_api import expect
    page.goto("/ke-hoach/")
    page.get_by_role("link", name="Nhập từ tệp Word").click()
    if mode:
        page.get_by_label(mode).check()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    page.wait_for_url("**/bao-cao-nhap")
    expect(page.locator("h1")).to_have_text("Báo cáo nhập từ Word")


def wait_until(page, expression: str, timeout: float = 10) -> None:
    """page.wait_for_function, polled from here: Playwright's in-page polling compiles the predicate
    with eval, which the app's CSP (script-src 'self') refuses whenever the first check is false (seen
    under load: "EvalError ... 'unsafe-eval' is not an allowed source"). page.evaluate is not subject
    to the page's CSP, so the same check asked every 50 ms never trips it."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


def settled(page, timeout: float = 10) -> None:
    """Wait until htmx is done: no request in flight, no swap or settle under way (a person cannot
    click within the moment htmx swaps new content in and binds its forms). A locator, polled by
    Playwright without a JavaScript predicate, so the CSP's refusal of eval cannot trip it."""
    from playwright.sync_api import expect
    expect(page.locator(HTMX_BUSY)).to_have_count(0, timeout=timeout * 1000)
