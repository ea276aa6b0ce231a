"""Shared fixtures: ``app`` (test settings, an empty database with the app's real schema),
``client``, ``runner``, and the fast stand-in for the PDF renderer.

The migrations run once per test process (per xdist worker), not per test: see
``support/database.py``. Each test still gets its own app (tests change its settings; the
compiled templates are shared, ``support/templates.py``) and a clean database: a copy of a
migrated SQLite file, or, for tests that should also run on PostgreSQL (``@both_databases``
from ``support``), this process's schema with every table emptied. Helpers live in
``tests/support/``.

PDFs: every test gets ``support.pdf.fake_render_pdf`` in place of WeasyPrint, except tests
marked ``real_pdf`` (which make each distinct questions-to-prepare PDF once per process).
Passwords: facilitators' passwords are hashed with a cheap PBKDF2 in place of scrypt (a third
of a second per hash, by design), except in tests marked ``real_password_hash``; checking a
password stays the real code, which reads the method from the stored hash.

Temporary files (databases, logs, browser profiles) go to memory, ``/dev/shm``, unless
``TMPDIR`` is set: see ``support/tempdir.py``.

Mail: ``smtp_server`` (a real SMTP server on loopback, ``support/mail.py``) and ``mail_app``
(the app sending to it).
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from support import database
from support.database import WorkerSchema, database_settings, dispose, postgres_url
from support.mail import FACILITATORS, SmtpServer
from support.passwords import cheap_password_hash
from support.pdf import remember_questions_pdfs, use_fake_renderer
from support.routing_cache import remember_url_builders
from support.rules_cache import remember_checked_rules
from support.sql_cache import share_compiled_statements
from support.tempdir import use_memory_for_temporary_files
from support.templates import remember_compiled_templates


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files in memory (before pytest makes its own temporary directory); and no full
    garbage collection at the end of the run (``skip_the_last_collection``)."""
    use_memory_for_temporary_files()
    skip_the_last_collection(config)
    run_as_no_one_at_a_terminal()


def run_as_no_one_at_a_terminal() -> None:
    """The audit log names the person who ran a command at the server's terminal
    (``app.audit.login_name``: the terminal's login, else ``SUDO_USER``). Tests run as CI runs them,
    with neither, wherever they are started from: a command's actor is plain ``cli``. (Tested with
    a name in tests/test_audit_actor.py.)"""

    def no_terminal() -> str:
        raise OSError(6, "No such device or address")

    os.getlogin = no_terminal
    os.environ.pop("SUDO_USER", None)


def skip_the_last_collection(config: pytest.Config) -> None:
    """pytest collects all the garbage once more as each process ends, to report an exception
    raised in a finaliser then: in a worker that has run its share of the tests that took 2.5 s
    of CPU (measured: 379,000 objects after tests/test_inbox.py, test_workflow.py and
    test_sessions.py), and the run waits for the slowest worker's. An exception raised while a
    test's objects are freed is still reported, with that test: objects are freed the moment their
    last reference goes, and pytest looks for such exceptions after each test. Left as it is if
    this pytest has no such setting."""
    try:
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:  # pragma: no cover - another pytest: its own default stands
        return
    config.stash[gc_collect_iterations_key] = 0


# The garbage collector, tuned for a test process, which builds an app (templates, routes,
# SQLAlchemy's mappers) for every test and so allocates far more than a web worker does.
# Measured on the tests outside tests/browser (2 workers): Python's defaults spent 13.2 s of
# the workers' time collecting; this spends 3.7 s, and the run is about 6 s shorter.
GC_THRESHOLDS = (10_000, 20, 20)  # Python's defaults: (700, 10, 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests and what they import are loaded: freeze those objects out of the collector's
    sight (they live as long as the process) and collect young objects less often. Garbage is
    still collected, and each object freed the moment its last reference goes, as before."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


UNTAGGED_GROUP = (
    "pytest-xdist did not put this test in its xdist_group, so --dist loadgroup would spread the group over "
    "every worker, each starting what the group shares (the scale-out servers, say): this pytest and "
    "pytest-xdist do not work together (pytest 9.2 with pytest-xdist 3.8 did this; see the pins in pyproject.toml)"
)
UNTAGGED = pytest.StashKey[bool]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` (scripts/test), put the tests of each ``xdist_group`` first,
    and mark any that pytest-xdist did not tag with their group, to fail (``UNTAGGED_GROUP``)."""
    if not getattr(config.option, "loadgroup", False):
        return
    # Groups first: a group runs as one piece on one worker (the scale-out servers' 20 s), so
    # started last it would run alone at the end while the other workers wait.
    items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            item.stash[UNTAGGED] = True


# The tests that hold what the partnership agreed: the routing and wording of CONTENT.md, and the
# faults its reviews found in the words. A change to the rule pack fails them on purpose; the note
# says so to whoever changed it (found, rules maintainer's review: a bare "At index 10 diff:
# 'family_aware' != 'supervision_discussed'" said nothing of why, or what to do).
AGREED_CONTENT = frozenset(
    {
        "test_rules_pack.py",
        "test_content_routing.py",
        "test_content_labels.py",
        "test_content_walk.py",
        "test_content_review.py",
    }
)
AGREED_CONTENT_NOTE = (
    "This test holds what the partnership agreed (the routing and words of CONTENT.md, and what its "
    "reviews found), so a change to the rule pack, contacts or partnership file that differs from it "
    'fails here on purpose. If the partnership has agreed the change (docs/RULES.md, "Changing the rules '
    'safely"), a developer updates this test to the agreed version; if not, it is the change that is wrong.'
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed test of ``AGREED_CONTENT`` says what it holds, under its failure."""
    report: pytest.TestReport = yield
    if report.failed and report.when == "call" and item.path.name in AGREED_CONTENT:
        report.sections.append(("What this test holds", AGREED_CONTENT_NOTE))
    return report


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail, saying why, a test of an ``xdist_group`` that pytest-xdist did not tag."""
    if item.stash.get(UNTAGGED, False):
        pytest.fail(UNTAGGED_GROUP, pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def apps_start_quickly() -> Iterator[None]:
    """Apps share the checked rule files while they are unchanged (``support/rules_cache.py``),
    their URL rules' compiled builders (``support/routing_cache.py``), their compiled
    templates (``support/templates.py``) and their compiled SQL statements (``support/sql_cache.py``)."""
    with remember_checked_rules(), remember_url_builders(), remember_compiled_templates(), share_compiled_statements():
        yield


@pytest.fixture(scope="session")
def worker_name() -> str:
    """This test process's name: "gw0", "gw1"… under pytest-xdist, "main" without it."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template() -> Iterator[Path]:
    """A migrated, empty SQLite database, built once per test process: copy it, don't change it."""
    path = database.sqlite_template()
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)
    database.sqlite_template.cache_clear()


@pytest.fixture(scope="session")
def postgres_worker_schema(worker_name: str) -> Iterator[WorkerSchema]:
    """A PostgreSQL schema migrated once per test process, dropped at the end."""
    schema = WorkerSchema(postgres_url(), worker_name)
    try:
        yield schema
    finally:
        schema.close()


@pytest.fixture
def database_backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" unless a test is parametrised (indirectly) with "postgres"."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, database_backend: str) -> Iterator[Flask]:
    """The app with test settings and a migrated, empty database."""
    with database_settings(request, database_backend, tmp_path) as settings:
        from app import create_app

        application = create_app({"APP_ENV": "test", **settings})
        yield application
        dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (cookies kept between requests, like a browser)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs the app's ``flask`` commands."""
    return app.test_cli_runner()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (not started: the test decides when it is up)."""
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_app(app: Flask, smtp_server: SmtpServer) -> Flask:
    """The app with a facilitators' mailbox, sending through the test SMTP server."""
    app.config.update(
        FACILITATOR_EMAIL=FACILITATORS,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        SMTP_TIMEOUT=5,
        MAIL_FROM="space-to-think@partnership.example",
    )
    return app


@pytest.fixture(autouse=True)
def passwords_typed_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run with Click's test runner ask for passwords as at a terminal, at a hidden
    prompt (its input is not a terminal); a real pipe is tested in ``test_inbox`` with a subprocess."""
    monkeypatch.setattr("app.inbox.cli.typed_at_a_terminal", lambda: True)


@pytest.fixture(autouse=True)
def fake_pdf(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFs come from the fast stand-in, unless the test is marked ``real_pdf``; then each
    distinct questions-to-prepare PDF is rendered once per process (``remember_questions_pdfs``)."""
    if os.environ.get("REAL_PDF") != "1" and request.node.get_closest_marker("real_pdf") is None:
        use_fake_renderer(monkeypatch)
    else:
        remember_questions_pdfs(monkeypatch)


@pytest.fixture(autouse=True)
def cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """New facilitators' passwords are hashed cheaply, unless the test is marked ``real_password_hash``."""
    if request.node.get_closest_marker("real_password_hash") is None:
        from app.inbox import service

        monkeypatch.setattr(service, "generate_password_hash", cheap_password_hash)


@pytest.fixture(autouse=True)
def app_logger_level_kept() -> Iterator[None]:
    """The app's logger ("app", one per process, whatever the app) at the level it had: the outbox
    worker's command lets information through (what it purged), which must not reach other tests."""
    logger = logging.getLogger("app")
    level = logger.level
    yield
    logger.setLevel(level)
