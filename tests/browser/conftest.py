"""Browser tests: the real app, served on loopback, driven by Debian's Chromium through Playwright.

What every test in this folder gets, without asking:
- the ``browser`` marker (``pytest -m "not browser"`` leaves them out);
- one Chromium for the whole session (Debian's headless shell,
  ``/usr/bin/chromium-headless-shell``; ``playwright install`` cannot work here);
- one kept context and page per test process with JavaScript on and one with it off, handed
  to each test with no cookies (``browser_page``; see "Pages kept for the whole run" below);
- ``base_url`` pointing at a live server of the app (test settings, a temporary SQLite
  database with the migrations applied), so ``page.goto("/")`` works;
- a watch on every context the test opens: the test fails if the page requests anything
  from outside the app's origin, if the app answers 4xx or 5xx (no test means to reach an
  error page: a missing asset or a rate limit is a failure; a view's traceback is shown), or
  if the page throws a JavaScript error or logs a console error (a CSP block, say).
  Requests that would leave the machine cannot (the browser is started with no name resolving
  and an unreachable proxy for anything but loopback), and are reported.

Fixtures for tests: ``page`` (JavaScript on), ``page_no_js`` (JavaScript off), ``any_page``
(the test runs with JavaScript on, then off), ``narrow_page`` (320 CSS pixels wide),
``new_context`` (pytest-playwright's factory, watched, for anything else) and ``offsite``
(``offsite.stub(prefix)`` stands in for the one external site a test means to reach: the
quick exit's neutral site).

axe-core cannot run in a page with JavaScript off (its timers never fire), so
``support.browser.axe_violations`` writes such a page's HTML, scripts removed, into a page of
a JavaScript-on scratch context made by the same watched factory, where axe-core is already
loaded (tests/browser/test_axe_browser.py shows it still finds faults there).

Run: ``.venv/bin/python -m pytest tests/browser -q`` (``-m "not browser"`` to leave them out).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Route, WebError
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from support.browser import AXE_PAGE, AXE_PAGE_PATH, AXE_PATH, JS_OFF_CONTEXTS, axe_source

HERE = Path(__file__).resolve().parent

# Debian's Chromium headless shell (package chromium-headless-shell): what Playwright itself
# runs headless tests in. The same Blink as the full browser at about a third of its CPU per
# page (measured: a page load 0.06 s against 0.15 s, a new context and page 0.18 s against
# 0.55 s); the full browser (package chromium) is for ``--headed``.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
FULL_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Nothing a page asks for can leave the machine: no host name resolves (loopback is by
    # address), and everything but loopback (which Chromium never proxies) goes to a proxy
    # that is not there. The watch reports such requests; it does not intercept every
    # request to stop them (interception costs a third more browser CPU a page, and turns
    # the browser's cache off).
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
]
# Fail fast: a page on loopback that takes longer than this is a bug, not a slow network.
DEFAULT_TIMEOUT_MS = 10_000
# URL schemes that never leave the browser.
LOCAL_SCHEMES = ("data:", "blob:", "about:")


# --------------------------------------------------------------------------------------
# Marker


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (before ``-m`` deselects)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------------------
# The live server


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    """The app served on loopback in a thread; ``errors`` collects exceptions raised in views."""

    url: str
    app: Any
    errors: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


def closes_its_responses(app: Any) -> Any:
    """WSGI wrapper: each response body (a static file, say) is read whole and closed at once,
    before a byte is sent.

    Werkzeug's server closes the body only after draining the socket, and skips that when a
    browser leaves mid-response (a page navigated away while its favicon was on the way);
    the open file was then left to the garbage collector: a ResourceWarning, which this
    project's ``filterwarnings = error`` turns into a failure of whichever test is running.
    (A generator that closed the body in ``finally`` still left it to the collector when the
    generator and the file were collected together.) The app's responses are small.
    """

    def wrapped(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wrapped


def serves_axe(app: Any) -> Any:
    """WSGI wrapper: axe-core's script at ``support.browser.AXE_PATH`` (for the tests only),
    cacheable, so Chromium keeps it compiled between pages instead of being sent it again; and
    at ``AXE_PAGE_PATH`` an empty page that loads it (where JavaScript-off pages are checked)."""
    files = {
        AXE_PATH: (axe_source().encode(), "text/javascript; charset=utf-8"),
        AXE_PAGE_PATH: (AXE_PAGE.encode(), "text/html; charset=utf-8"),
    }

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        found = files.get(environ.get("PATH_INFO", ""))
        if found is None:
            return app(environ, start_response)
        body, content_type = found
        start_response(
            "200 OK",
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "public, max-age=86400, immutable"),
            ],
        )
        return [body]

    return wrapped


@pytest.fixture(scope="session")
def live_server(sqlite_template: Path) -> Iterator[LiveServer]:
    """The app with test settings and a temporary SQLite database (a copy of the migrated
    template, tests/support/database.py), on 127.0.0.1, any free port."""
    from flask import got_request_exception

    from app import create_app

    built = [HERE.parent.parent / "static" / "dist" / name for name in ("app.css", "app.js", "govuk-frontend.min.js")]
    if missing := [path.name for path in built if not path.is_file()]:
        # Without them every page is unstyled and every axe check fails on sizes and contrast,
        # which says nothing of the cause.
        build = "build the styles first (scripts/setup, or npm run build)"
        pytest.fail(f"static/dist lacks {', '.join(missing)}: {build}", pytrace=False)
    workdir = Path(tempfile.mkdtemp(prefix="space-to-think-browser-"))
    shutil.copyfile(sqlite_template, workdir / "browser.sqlite")
    app = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'browser.sqlite'}",
            # One browser on one address makes hundreds of requests a minute; the limits have
            # their own tests. (Not RATELIMIT_ENABLED=False: the limiter object is shared by every
            # app in the process, and that setting would stick to the apps other tests build.)
            "RATELIMIT_DEFAULT": "100000 per minute",
        }
    )

    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, serves_axe(closes_its_responses(app)), threaded=True, request_handler=QuietHandler
    )
    live = LiveServer(url=f"http://127.0.0.1:{server.port}", app=app)

    def record_exception(sender: Any, exception: BaseException, **extra: Any) -> None:
        live.errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record_exception, app, weak=False)
    # (Polling for shutdown every 0.05 s, not Python's 0.5 s: stopping it is then quick.)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="browser-live-server", daemon=True
    )
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record_exception, app)
        from app.extensions import db

        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright passes this to every context: ``page.goto("/")`` opens the app."""
    return live_server.url


# --------------------------------------------------------------------------------------
# The browser: Debian's Chromium


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium (Playwright's own download cannot work on these machines)."""
    headless = browser_type_launch_args.get("headless", True)
    chromium_path = os.environ.get("CHROMIUM_PATH") or (HEADLESS_SHELL if headless else FULL_CHROMIUM)
    if not (os.path.isfile(chromium_path) and os.access(chromium_path, os.X_OK)):
        package = "chromium-headless-shell" if chromium_path == HEADLESS_SHELL else "chromium"
        pytest.fail(
            f"The browser tests need Chromium at {chromium_path}, and it is not there. "
            f"Run scripts/setup (it installs Debian's {package} package), or as root: "
            f"apt-get install -y --no-install-recommends {package}. "
            "Set CHROMIUM_PATH to use a Chromium elsewhere.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session", autouse=True)
def _remove_playwright_artifacts_folder(_pw_artifacts_folder: tempfile.TemporaryDirectory) -> Iterator[None]:
    """Remove pytest-playwright's temporary folder at the end of the session.

    pytest-playwright removes it when pytest unconfigures, which a pytest-xdist worker may
    not reach before it is stopped: the folder is then left to the interpreter's exit, a
    ResourceWarning. (No screenshots or traces are recorded here, so nothing in it is kept.)
    """
    yield
    _pw_artifacts_folder.cleanup()


# --------------------------------------------------------------------------------------
# The watch on every context: nothing from outside the app, no error statuses, no JS errors


class OffsiteRequests:
    """Records what pages ask for; reports anything outside the app's origin (the browser's
    own settings stop it leaving the machine: ``CHROMIUM_ARGS``).

    ``stub(prefix)`` stands in for one external site the test means to reach (the quick
    exit's neutral site): requests to it are not reported, and are answered locally with a
    plain page where the browser lets them be intercepted. Nothing ever leaves the machine.
    """

    STUB_BODY = "<!doctype html><html lang='en'><title>Neutral site</title><h1>Neutral site (stub)</h1></html>"

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.origin = live.origin
        self.stubs: list[str] = []
        self.stubbed_hits: list[str] = []
        self.offsite: list[str] = []
        self.server_failures: list[str] = []
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.server_errors_before = len(live.errors)
        self.watched: list[BrowserContext] = []

    # which URLs are the app's own
    def is_local(self, url: str) -> bool:
        if url.startswith(LOCAL_SCHEMES):
            return True
        return url == self.origin or url.startswith(self.origin + "/")

    def stubbed(self, url: str) -> bool:
        return any(url.startswith(prefix) for prefix in self.stubs)

    def stub(self, prefix: str) -> None:
        """Answer requests under ``prefix`` with a local stand-in page, and allow them."""
        self.stubs.append(prefix)
        for context in self.watched:
            context.route(f"{prefix}**", self._answer_stub)

    # hooks on each context
    def _hooks(self) -> dict[str, Callable[[Any], None]]:
        return {
            "request": self._on_request,
            "response": self._on_response,
            "console": self._on_console,
            "weberror": self._on_weberror,
        }

    def watch(self, context: BrowserContext) -> None:
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        for event, hook in self._hooks().items():
            context.on(event, hook)
        for prefix in self.stubs:
            context.route(f"{prefix}**", self._answer_stub)
        self.watched.append(context)

    def unwatch(self, context: BrowserContext) -> None:
        """Take the hooks off a context kept for the next test (``browser_page``)."""
        for event, hook in self._hooks().items():
            context.remove_listener(event, hook)
        for prefix in self.stubs:
            context.unroute(f"{prefix}**", self._answer_stub)
        self.watched.remove(context)

    def _on_request(self, request: Request) -> None:
        url = request.url
        if self.is_local(url):
            return
        if self.stubbed(url):
            self.stubbed_hits.append(url)
        else:
            self.offsite.append(f"{request.method} {url} ({request.resource_type})")

    def _on_response(self, response: Any) -> None:
        # No test here means to reach an error page: a 404 asset, a 429 or a 500 is a failure.
        if response.status >= 400 and self.is_local(response.url):
            self.server_failures.append(
                f"{response.status} {response.request.method} {response.url} ({response.request.resource_type})"
            )

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} (at {message.location.get('url', '?')})")

    def _on_weberror(self, error: WebError) -> None:
        self.page_errors.append(str(error.error))

    def _answer_stub(self, route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.STUB_BODY)

    def problems(self) -> list[str]:
        found: list[str] = []
        if self.offsite:
            found.append("The page requested things from outside the app:\n  " + "\n  ".join(self.offsite))
        if self.server_failures:
            found.append("The app answered with an error status:\n  " + "\n  ".join(self.server_failures))
        new_tracebacks = self.live.errors[self.server_errors_before :]
        if new_tracebacks:
            found.append("The app raised:\n" + "\n".join(new_tracebacks))
        if self.page_errors:
            found.append("JavaScript errors on the page:\n  " + "\n  ".join(self.page_errors))
        if self.console_errors:
            found.append(
                "Console errors (a Content Security Policy block shows here):\n  " + "\n  ".join(self.console_errors)
            )
        return found


@pytest.fixture
def offsite(live_server: LiveServer) -> OffsiteRequests:
    """The watch for this test; call ``offsite.stub(prefix)`` before reaching a known external site."""
    return OffsiteRequests(live_server)


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext], offsite: OffsiteRequests
) -> Iterator[Callable[..., BrowserContext]]:
    """pytest-playwright's context factory, with the watch on every context it makes."""

    def make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        offsite.watch(context)
        if kwargs.get("java_script_enabled") is False:
            JS_OFF_CONTEXTS[context] = make  # axe replays such pages in a JavaScript-on context
        return context

    yield make
    problems = offsite.problems()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def _watch_every_browser_test(request: pytest.FixtureRequest) -> None:
    """Bring the watch into every test that uses the browser, however it gets its page."""
    if {"page", "context", "page_no_js", "new_context", "browser_page"} & set(request.fixturenames):
        request.getfixturevalue("new_context")


# --------------------------------------------------------------------------------------
# Pages kept for the whole run
#
# A new browser context and page cost Chromium about 0.8 s of CPU (a renderer process
# starting), against about 0.1 s to load a page in one already open: more than half of what
# the browser tests cost. So each test process keeps one context and page with JavaScript on,
# one with it off (and one JavaScript-on context where axe replays the JavaScript-off pages),
# and hands them to test after test: cookies cleared (so no session, no sign-in), the window
# back to its usual size, the page on about:blank, the watch moved to the new test. A test
# that needs a browser of its own (a second person, say) asks ``new_context`` for one.

DEFAULT_VIEWPORT = {"width": 1280, "height": 720}  # Playwright's default


@pytest.fixture(scope="session")
def _kept_contexts(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[dict[str, BrowserContext]]:
    kept: dict[str, BrowserContext] = {}

    def replay_context() -> BrowserContext:
        return kept["replay"]

    for name, js in (("js", True), ("no-js", False), ("replay", True)):
        kept[name] = browser.new_context(**{**browser_context_args, "java_script_enabled": js})
    JS_OFF_CONTEXTS[kept["no-js"]] = replay_context  # axe replays JavaScript-off pages there
    yield kept
    for context in kept.values():
        context.close()


@pytest.fixture
def browser_page(
    _kept_contexts: dict[str, BrowserContext], offsite: OffsiteRequests, new_context: Callable[..., BrowserContext]
) -> Iterator[Callable[..., Page]]:
    """``browser_page(js=True, viewport=None)``: the kept page with JavaScript on or off, as a
    new visitor meets the app (no cookies), watched like every context a test opens."""
    watched: list[BrowserContext] = []

    def hand_over(js: bool = True, viewport: dict[str, int] | None = None) -> Page:
        context = _kept_contexts["js" if js else "no-js"]
        # axe replays JavaScript-off pages in the replay context: it is watched alongside.
        for each in [context] if js else [context, _kept_contexts["replay"]]:
            if each not in watched:
                each.clear_cookies()
                offsite.watch(each)
                watched.append(each)
        page = context.pages[0] if context.pages else context.new_page()
        page.set_viewport_size(viewport or DEFAULT_VIEWPORT)
        return page

    yield hand_over
    for context in watched:
        context.set_offline(False)  # (a test of a dropped connection, ended early, must not leave it dropped)
        for page in context.pages[1:]:
            page.close()  # only the first page is kept (axe's replay page lives in its own context)
        for page in context.pages:
            # A test's page.route() (a page served from the test) would stay on the kept page
            # for every later test of this worker.
            page.unroute_all(behavior="ignoreErrors")
            # Nor any media a test emulated: found (a flaky printed-outcome test), a test that put
            # "screen" back after "print" made a later test's page.pdf() print with screen styles,
            # so the footer's contacts broke from their heading in some orders of the tests only.
            page.emulate_media(media="null", color_scheme="null", forced_colors="null", reduced_motion="null")
            leave_for_a_blank_page(page)
        context.clear_cookies()
        offsite.unwatch(context)


def leave_for_a_blank_page(page: Page) -> None:
    """Stop the last page's scripts and timers before the next test. The page itself goes to
    about:blank, so the renderer process is kept (a navigation from outside costs a new one).
    With JavaScript off nothing on the page runs: it is left as it is."""
    if page.is_closed() or page.url == "about:blank":
        return
    if page.context in JS_OFF_CONTEXTS:
        return
    page.evaluate("() => setTimeout(() => location.replace('about:blank'))")
    page.wait_for_url("about:blank")


@pytest.fixture
def page(browser_page: Callable[..., Page]) -> Page:
    """A page with JavaScript on (pytest-playwright's fixture of this name, from the kept context)."""
    return browser_page(js=True)


@pytest.fixture
def page_no_js(browser_page: Callable[..., Page]) -> Page:
    """A page with JavaScript turned off."""
    return browser_page(js=False)


@pytest.fixture(params=["js", "no-js"])
def any_page(request: pytest.FixtureRequest, browser_page: Callable[..., Page]) -> Page:
    """The test runs twice: with JavaScript on, then off."""
    return browser_page(js=request.param == "js")


@pytest.fixture
def narrow_page(browser_page: Callable[..., Page]) -> Page:
    """A page 320 CSS pixels wide (WCAG 1.4.10 Reflow)."""
    return browser_page(viewport={"width": 320, "height": 640})
