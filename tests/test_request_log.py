"""The development server's request log (``flask run``, which ``scripts/run`` starts) holds no
query strings and no feedback link tokens, as the nginx example's access log does not."""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import urllib.request
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from app.request_log import QuietRequestLines, quiet_target


def serve(wsgi_app: Any) -> tuple[BaseWSGIServer, threading.Thread]:
    """``wsgi_app`` on werkzeug's development server (as ``flask run`` serves it), on a free port.
    Its request threads are waited for by ``stop``: werkzeug logs an error after the 500 has been
    sent, so a test that read the log as soon as the answer came could miss it (CI, once)."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    server.daemon_threads = False  # so that server_close() waits for each request's thread
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def stop(server: BaseWSGIServer, thread: threading.Thread) -> None:
    """Stop serving, then wait for every request's thread to finish (and so to log)."""
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_feedback_token_or_a_search_never_reaches_the_development_servers_log(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """Found: ``flask run`` logged each /feedback/<token> in full, and every query string."""
    server, thread = serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (
                "/feedback/tok3nSecretValue",
                "/inbox?q=Jane+Smith+12%2F03%2F2015",
                "/feedback/thank-you",
                "/inbox?q=Jane%C2%A0Smith",  # a no-break space, as pasted from a document
                "/feedback/tok3n%C2%A0Secret",
                "/questions/mode",
                "/result",
                "/questions/allegation",
                "/questions/Jane-Smith-2015",  # no such question: refused (404), so logged
                "/request/Jane-Smith-2015",
            ):
                with contextlib.suppress(HTTPError):  # a 404 or a redirect to sign in is logged all the same
                    urllib.request.urlopen(base + path, timeout=10).close()  # noqa: S310 - our own loopback server
        # A request line werkzeug cannot read is logged as an error, with the line in it.
        with (
            caplog.at_level(logging.INFO, logger="werkzeug"),
            socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as raw,
        ):
            raw.sendall(b"GET /feedback/tok3nSecretValue HTTP/1.1 extra\r\n\r\n")
            raw.recv(4096)
    finally:
        stop(server, thread)
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "werkzeug")
    # Nor the visitor's internet address, which began every line (found, privacy review), the
    # unreadable request's error line too: "-" in its place, as nginx's and gunicorn's logs give none.
    assert "127.0.0.1" not in logged, logged
    assert all(line.startswith("- - - [") for line in logged.splitlines() if line), logged
    assert "GET /feedback/[link] HTTP/1.1" in logged and "GET /inbox?[query] HTTP/1.1" in logged
    assert "GET /feedback/thank-you HTTP/1.1" in logged  # the thank-you page is no secret
    assert "tok3nSecretValue" not in logged and "Jane" not in logged and "2015" not in logged
    assert "Secret" not in logged and "[request line not shown]" in logged
    # The questions, the outcome and the request are not logged: their paths, and how many a
    # visitor went through, show how they answered (diff review). Unless refused (found,
    # operations review: nothing showed a refusal), a refusal saving no answer; then with the
    # path hidden.
    assert "/result" not in logged and "mode" not in logged and "allegation" not in logged
    assert re.search(r"GET /questions/\[question\] HTTP/1\.1\S*\" 404 ", logged), logged
    assert re.search(r"GET /request/\[page\] HTTP/1\.1\S*\" 404 ", logged), logged
    assert logged.count("/questions/") == 1


@pytest.mark.parametrize(
    "target, logged",
    [
        ("/questions/mode", "/questions/[question]"),
        ("/questions/allegation?x=1", "/questions/[question]?[query]"),
        ("/questions-to-prepare", "/questions-to-prepare"),
        ("/feedback/abc", "/feedback/[link]"),
        ("/feedback/abc?x=1", "/feedback/[link]?[query]"),
        ("/feedback/thank-you", "/feedback/thank-you"),
        ("/static/app.css?v=1", "/static/app.css?[query]"),
        ("/request/about-you?change=1", "/request/[page]?[query]"),
        ("/request", "/request"),
    ],
)
def test_request_targets_are_logged_without_what_must_not_be(target: str, logged: str) -> None:
    assert quiet_target(target) == logged


@pytest.mark.parametrize(
    "target, logged",
    [
        # Found (privacy review): werkzeug serves each of these as the page in the second column,
        # and each was logged whole, with the question's name or the feedback link's token.
        ("http://localhost:5000/questions/allegation", None),
        ("//questions/allegation", None),
        ("/%71uestions/allegation", None),
        ("http://localhost:5000/result", None),
        ("http://localhost:5000/feedback/tok3nSecret", '"GET /feedback/[link] HTTP/1.1"'),
        ("//feedback/tok3nSecret?x=1", '"GET /feedback/[link]?[query] HTTP/1.1"'),
        ("/%66eedback/tok3nSecret", '"GET /feedback/[link] HTTP/1.1"'),
        ("/privacy%0A127.0.0.1 - - forged", '"GET /privacy%0A127.0.0.1 - - forged HTTP/1.1"'),
        ("http://[::1/questions/allegation", '"[request line not shown]"'),
    ],
)
def test_a_target_werkzeug_serves_as_another_page_is_logged_as_that_page(target: str, logged: str | None) -> None:
    line = f"GET {target} HTTP/1.1"
    record = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '127.0.0.1 - - [x] "%s" %s %s', (line, "200", "-"), None
    )
    kept = QuietRequestLines().filter(record)
    if logged is None:
        assert not kept
    else:
        assert kept and logged in record.getMessage() and "tok3nSecret" not in record.getMessage()


def test_gunicorns_access_log_gives_a_refusal_a_failure_or_a_slow_answer_only(tmp_path: Path) -> None:
    """Found (a day of real use): nine lines in ten of the web unit's journal were '"GET" 200
    0.02s', with no path, burying what an operator acts on. Its access log gives a refusal, a
    failure, or an answer that took a second or more; on the journey's pages, never a slow one."""
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config

    from app.gunicorn_log import QuietAccessLog

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("access_log_format", '%(t)s "%(m)s" %(U)s %(s)s %(L)ss')
    log = QuietAccessLog(config)
    for path, status, seconds in (
        ("/inbox", "200 OK", 0.02),
        ("/healthz", "200 OK", 0.01),
        ("/inbox/requests/STT-AAAA", "302 FOUND", 0.05),
        ("/inbox", "404 NOT FOUND", 0.01),
        ("/inbox/statistics", "200 OK", 1.5),
        ("/healthz", "503 SERVICE UNAVAILABLE", 0.3),
        ("/questions/allegation", "200 OK", 2.0),
        ("/questions/allegation", "400 BAD REQUEST", 0.01),
    ):
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1"}
        log.access(SimpleNamespace(status=status, headers=[], sent=10), {}, environ, dt.timedelta(seconds=seconds))
    for handler in log.access_log.handlers:
        handler.close()
    logged = [line.split('" ', 1)[1] for line in (tmp_path / "access.log").read_text().splitlines()]
    assert logged == [
        "/inbox 404 0.010000s",
        "/inbox/statistics 200 1.500000s",
        "/healthz 503 0.300000s",
        "/questions/allegation 400 0.010000s",
    ], logged


def test_gunicorns_error_log_gives_an_address_as_the_access_logs_do(tmp_path: Path) -> None:
    """Found (diff review): gunicorn logs an error that got past the app's own error pages as
    "Error handling request GET <the whole address>" (a search's typed words, a question's id, a
    feedback link's token), and a request line it could not read whole. The web unit's logger
    class (``app.gunicorn_log.QuietAccessLog``) gives the address as the access logs do."""
    from gunicorn.config import Config

    from app.gunicorn_log import QuietAccessLog

    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    log = QuietAccessLog(config)
    typed = "Jane Smith"
    try:
        raise RuntimeError(f"could not keep {typed!r}")
    except RuntimeError:  # as gunicorn's Worker.handle_error calls it
        log.exception("Error handling request %s %s", "GET", "/inbox?q=jane.smith%40example.org")
        log.exception("Error handling request %s %s", "POST", "/questions/allegation")
        log.exception("Error handling request %s", "/feedback/tok3nSecretValue")
        log.exception("Error handling request %s %s", "GET", "http://host/%71uestions/allegation")
    log.warning("Invalid request from ip=127.0.0.1: Invalid HTTP request line: 'GET /inbox?q=Jane Smith HTTP/1.1'")
    log.warning("Invalid request from ip=127.0.0.1: Request Line is too large (8191 > 8190)")
    # Found (privacy review): what gunicorn 27 itself says of a search typed with spaces unescaped
    # (tests/test_deploy.py sends it to a real gunicorn), a header or a method
    # it could not read: each quoted the part, and named the peer's address.
    log.warning("Invalid request from ip=203.0.113.7: Invalid HTTP Version: 'Smith HTTP/1.1'")
    log.warning("Invalid request from ip=203.0.113.7: Invalid HTTP Header: 'X-Jane-Smith'")
    log.warning("Invalid request from ip=203.0.113.7: Invalid HTTP method: b'JANE'")
    log.warning('Invalid request from ip=203.0.113.7: Invalid HTTP header name: "Jane\'s"')
    for handler in log.error_log.handlers:  # (left open, the file's collection warned in a later test)
        handler.close()
    logged = (tmp_path / "error.log").read_text()
    for kept in (
        "Error handling request GET /inbox?[query]",
        "Error handling request POST /questions/[question]",
        "Error handling request /feedback/[link]",
        "Error handling request GET /questions/[question]",
        # The traceback stays, each error's type and frames, never its message (privacy review:
        # an error that got past the app's own error pages was logged with its message, which
        # may quote what was typed, though the app logs its own errors without).
        "builtins.RuntimeError (message not logged)",
        "in test_gunicorns_error_log_gives_an_address_as_the_access_logs_do",
        "Invalid request: Invalid HTTP request line: [request line not shown]",
        "Invalid request: Request Line is too large (8191 > 8190)",
        "Invalid request: Invalid HTTP Version: [not shown]",
        "Invalid request: Invalid HTTP Header: [not shown]",
        "Invalid request: Invalid HTTP method: [not shown]",
        "Invalid request: Invalid HTTP header name: [not shown]",
    ):
        assert kept in logged, logged
    for hidden in ("jane.smith", "allegation", "tok3nSecretValue", "Jane", "Smith", "JANE", "%71", "ip=", "203.0"):
        assert hidden not in logged, logged


def test_an_error_that_gets_past_the_app_is_logged_by_the_development_server_without_its_message(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (privacy review): an error that got past the app's own error pages (raised by a WSGI
    middleware, or while a response was being sent) was logged by ``flask run`` (``scripts/run``)
    as "Error on request:" and the whole traceback, its message with it, which can quote what was
    typed. Now by its type and frames, as gunicorn's error log gives it (``app.gunicorn_log``)."""
    marker = "Typedsecret Jane Smith"
    inner = app.wsgi_app

    def failing(environ, start_response):
        if environ["PATH_INFO"] == "/fails":
            try:
                int(marker)
            except ValueError as error:
                raise RuntimeError(f"could not read {marker}") from error
        return inner(environ, start_response)

    app.wsgi_app = failing
    server, thread = serve(app)
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"), pytest.raises(HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/fails", timeout=10)
        refused.value.close()
    finally:
        stop(server, thread)
    assert refused.value.code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "werkzeug")
    assert "Typedsecret" not in logged, logged
    # What is needed to find the fault is still there: the types, the chain and where.
    assert "Error on request:" in logged, logged
    assert "builtins.RuntimeError (message not logged)" in logged, logged
    assert "raised from builtins.ValueError (message not logged)" in logged, logged
    assert "in failing" in logged, logged


def test_werkzeugs_debugger_prints_an_error_without_its_message(app: Flask, capfd: pytest.CaptureFixture[str]) -> None:
    """Found (privacy review): with ``flask --debug run`` (``scripts/run --debug``), werkzeug's
    debugger printed each error that reached it to the terminal as the whole traceback, its message
    with it, which can quote what was typed. The page in the developer's browser still shows it all;
    the terminal now gets the error's type and frames, as gunicorn's error log does."""
    from werkzeug.debug import DebuggedApplication

    marker = "Typedsecret Jane Smith"

    def fails() -> str:
        raise ValueError(f"could not read {marker}")

    app.add_url_rule("/fails-in-debug", "fails_in_debug", fails)
    server, thread = serve(DebuggedApplication(app, evalex=False))
    try:
        with pytest.raises(HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/fails-in-debug", timeout=10)
        page = refused.value.read().decode()
        refused.value.close()
    finally:
        stop(server, thread)
    assert refused.value.code == 500 and marker in page  # the debugger's page, in the developer's browser
    printed = capfd.readouterr()
    terminal = printed.out + printed.err
    assert "Typedsecret" not in terminal, terminal
    assert "builtins.ValueError (message not logged)" in terminal and "in fails" in terminal, terminal


def test_gunicorns_debug_level_gives_no_journey_page_and_no_feedback_link(tmp_path: Path) -> None:
    """Found (privacy review, tracing typed words): at ``--log-level debug`` gunicorn's own
    ``pre_request`` hook logged every request's method and address to the journal, every POST of
    the questions in order (where each visitor was sent) and a live feedback link with it. Through
    the web unit's logger class, journey pages are left out and other addresses given as the access
    logs give them."""
    from types import SimpleNamespace

    from gunicorn.config import Config

    from app.gunicorn_log import QuietAccessLog

    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("loglevel", "debug")
    log = QuietAccessLog(config)
    worker = SimpleNamespace(log=log)
    for method, path in (
        ("POST", "/questions/allegation"),
        ("GET", "/result"),
        ("POST", "/request/about-you"),
        ("GET", "/feedback/tok3nSecretValue"),
        ("GET", "/inbox?q=jane.smith%40example.org"),
        ("GET", "/healthz"),
    ):
        config.pre_request(worker, SimpleNamespace(method=method, path=path))
    for handler in log.error_log.handlers:
        handler.close()
    logged = (tmp_path / "error.log").read_text()
    assert "questions" not in logged and "/result" not in logged and "/request" not in logged
    assert "tok3nSecretValue" not in logged and "jane.smith" not in logged
    assert "GET /feedback/[link]" in logged and "GET /inbox?[query]" in logged and "GET /healthz" in logged


@pytest.mark.parametrize(
    "path, status, kept",
    [
        ("/favicon.svg", "200", False),
        ("/favicon.svg", "304", False),
        ("/favicon.svg", "404", True),
        ("/favicon.svg", "500", True),
        ("/favicon.svg.bak", "200", True),  # another address: logged as any other
        ("/static/favicon.svg", "200", True),  # the shape, versioned and kept a year: fetched once
        ("/exit", "303", False),  # when someone left in a hurry (b156)
        ("/exit", "405", True),
        ("/exit-survey", "200", True),
    ],
)
def test_the_icon_each_page_fetches_is_not_logged_unless_refused_or_failed(path: str, status: str, kept: bool) -> None:
    """Found (privacy review, b156): a private (incognito) Chromium window, which the privacy
    notice advises on a shared computer, fetches /favicon.svg again with every page it opens, so
    its lines in a log counted the pages a visitor opened after the start page (4 for the 999
    route, 6 for the LADO's), which showed where they were sent, as the questions' own lines did.
    The development server's and gunicorn's logs leave it out as they leave out the questions."""
    from app.request_log import journey_line_kept

    assert journey_line_kept(path, status) is kept
