"""The watch on the test browser (conftest.py): a request for anything outside the app is
reported, and cannot leave the machine, whether by host name or by address."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Request

OUTSIDE = ("https://www.example.org/tracker.png", "http://203.0.113.7/pixel.gif")  # a name; an address


def test_requests_outside_the_app_are_reported_and_never_leave_the_machine(
    browser: Browser, browser_context_args: dict[str, Any], offsite: Any
) -> None:
    """(The watch is used directly on a context of this test's own, so that what it reports
    is checked here rather than failing the test.)"""
    # The app's Content Security Policy would stop these first: set it aside, so the browser's
    # own settings are what is tested.
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    watch = offsite
    watch.watch(context)
    failed: dict[str, str] = {}
    answered: list[str] = []

    def record_failure(request: Request) -> None:
        failed[request.url] = request.failure or ""

    context.on("requestfailed", record_failure)
    context.on("requestfinished", lambda request: answered.append(request.url))
    try:
        page = context.new_page()
        page.goto("/accessibility")
        with page.expect_event("requestfailed", predicate=lambda request: request.url == OUTSIDE[-1]):
            page.evaluate(
                "urls => urls.forEach(url => { const img = new Image(); img.src = url; document.body.append(img); })",
                list(OUTSIDE),
            )
        page.wait_for_function("() => [...document.images].every(img => img.complete)")
    finally:
        watch.unwatch(context)
        context.close()
    assert [entry.split(" ")[1] for entry in watch.offsite] == list(OUTSIDE)
    assert failed == {
        OUTSIDE[0]: "net::ERR_PROXY_CONNECTION_FAILED",
        OUTSIDE[1]: "net::ERR_PROXY_CONNECTION_FAILED",
    }, failed
    assert not set(answered) & set(OUTSIDE)
    assert any(watch.problems()), "the watch should report them as a failure of the test"
