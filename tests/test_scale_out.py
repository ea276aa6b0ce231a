"""Scale-out shown, not assumed: real servers, started once for this module.

Two app instances under gunicorn on their own loopback ports (instance A with 2 workers,
B with 1), behind nginx (round robin), with production settings, sharing one PostgreSQL
schema (made here) and one Redis. Visitors connect from their own loopback addresses
(127.0.0.2 and up), so nginx's X-Forwarded-For names them and the app, trusting only
127.0.0.1 (nginx), counts each separately.
"""

from __future__ import annotations

import email
import email.policy
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from support import csrf_token
from support.http_client import HttpClient
from support.servers import ROOT, Gunicorn, Nginx, RedisServer, free_port, project_python, stop
from support.submission import submitted_request, to_outcome

# One cluster per test process: with pytest-xdist's --dist loadgroup these tests share one.
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("scale_out")]

PASSWORD = "quiet harbour lantern orchard"
EMAIL = "sam.facilitator@partnership.example"
SIGN_IN_FAILED = "Enter a correct email address and password"
FACILITATORS = "facilitators@partnership.example"


class Mailbox:
    """What the test SMTP server received: (subject, recipients) of each message."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((str(message["Subject"]), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class Cluster:
    """What the module's servers are and where their logs are."""

    database_url: str
    env: dict[str, str]
    mailbox: Mailbox
    redis: RedisServer
    a: Gunicorn
    b: Gunicorn
    nginx: Nginx

    def visitor(self, source: str, port: int | None = None) -> HttpClient:
        """A browser at ``source`` (a loopback address) talking to nginx, or to ``port``."""
        return HttpClient(port or self.nginx.port, source=source)

    def served(self, instance: Gunicorn, method: str, path_prefix: str) -> list[tuple[str, str]]:
        """(worker pid, status) of each request ``instance`` served with this method and path."""
        return [
            (pid, status)
            for pid, status, m, path in instance.requests_served()
            if m == method and path.startswith(path_prefix)
        ]


def schema_url(base_url: str, schema: str) -> str:
    """The PostgreSQL URL with every connection's search_path set to ``schema`` (and commits
    not waiting for the disk, as in the other tests: support/database.py)."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        pytest.skip("the scale-out test needs PostgreSQL: TEST_DATABASE_URL (scripts/test sets it up as root)")
    directory = tmp_path_factory.mktemp("scale-out")
    schema = f"scale_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    started: list = []
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        redis = RedisServer(directory / "redis").start()
        started.append(redis)
        database_url = schema_url(base_url, schema)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "APP_", "RATELIMIT_", "INBOX_", "TRUSTED_", "TEST_"))
        }
        env.update(
            {
                "APP_ENV": "production",
                "SECRET_KEY": secrets.token_urlsafe(48),  # the same for every instance: sessions are shared
                "DATABASE_URL": database_url,
                "RATELIMIT_STORAGE_URI": redis.url,
                "DATA_CONTROLLER": "Example City Council",
                "DATA_PROTECTION_CONTACT": "Data protection officer, dpo@example.gov.uk",
                "LAWFUL_BASIS": "We use your information to carry out our public task.",
                "TRUSTED_PROXIES": "127.0.0.1",
                "INBOX_SIGN_IN_LIMIT": "5 per minute",
                "FACILITATOR_EMAIL": FACILITATORS,
                "MAIL_FROM": "space-to-think@partnership.example",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.port),
                "SMTP_TIMEOUT": "5",
                "PYTHONUNBUFFERED": "1",
            }
        )
        a = Gunicorn(directory / "a", env, workers=2, name="a")
        b = Gunicorn(directory / "b", env, workers=1, name="b")
        for server in (a, b):
            started.append(server.launch())  # noqa: PERF401 - kept one by one, so a failed launch still stops the first
        prepare_database(database_url)  # while the instances start (they touch the database only per request)
        for server in (a, b):
            server.wait()
        nginx = Nginx(directory / "nginx", [a.port, b.port]).start()
        started.append(nginx)
        yield Cluster(database_url, env, mailbox, redis, a, b, nginx)
    finally:
        # Stopped all at once (gunicorn and its workers are killed: support.servers.kill_gunicorn).
        with ThreadPoolExecutor(max_workers=len(started) or 1) as pool:
            list(pool.map(lambda server: server.stop(), started))
        smtp.stop()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare_database(database_url: str) -> None:
    """Migrate the schema and add a facilitator (in this process: quicker than two ``flask`` runs)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.inbox import service

    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        service.add_facilitator(EMAIL, "Sam Facilitator", PASSWORD)
        for engine in db.engines.values():
            engine.dispose()


def count_rows(database_url: str, table: str, where: str = "TRUE") -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            # The table names and conditions are the tests' own, not outside input.
            return int(connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one())  # noqa: S608
    finally:
        engine.dispose()


def sign_in(visitor: HttpClient, email: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_token(visitor.get("/inbox/sign-in").get_data(as_text=True))
    return visitor.post("/inbox/sign-in", {"csrf_token": token, "email": email, "password": password})


def test_a_journey_alternating_between_instances_completes_and_is_stored_once(cluster: Cluster) -> None:
    before = {name: len(server.requests_served()) for name, server in (("a", cluster.a), ("b", cluster.b))}
    visitor = cluster.visitor("127.0.0.2")
    walker = to_outcome(visitor)  # type: ignore[arg-type]
    submitted_request(walker)
    page = walker.follow("/request/submitted")
    assert page.status_code == 200 and "STT-" in page.get_data(as_text=True)
    assert count_rows(cluster.database_url, "requests") == 1
    served = {"a": len(cluster.a.requests_served()) - before["a"], "b": len(cluster.b.requests_served()) - before["b"]}
    total = served["a"] + served["b"]
    assert total >= 30
    # Round robin: each instance served close to half of the journey's requests.
    assert min(served.values()) >= total * 0.4, served
    assert not [line for line in cluster.a.requests_served() + cluster.b.requests_served() if line[1].startswith("5")]


def failed_sign_ins(
    visitor: HttpClient,
    name: str,
    count: int,
    headers: Callable[[int], dict[str, str]] | None = None,
    at_once: int = 1,
) -> list[int]:
    """The statuses of ``count`` sign-in attempts with a wrong password, each for another account
    (``name`` and its number), each with ``headers(number)`` when given; ``at_once`` of them sent
    together (the statuses then in no particular order)."""
    token = csrf_token(visitor.get("/inbox/sign-in").get_data(as_text=True))

    def attempt(n: int) -> int:
        return visitor.post(
            "/inbox/sign-in",
            {"csrf_token": token, "email": f"{name}{n}@partnership.example", "password": "wrong password here"},
            headers=headers(n) if headers is not None else None,
        ).status_code

    with ThreadPoolExecutor(max_workers=at_once) as pool:
        return list(pool.map(attempt, range(count)))


def test_sign_in_attempts_spread_across_both_instances_hit_the_limit_at_the_same_count(cluster: Cluster) -> None:
    """Found: limits lived in each worker's memory. Through nginx, one count for both instances."""
    statuses = failed_sign_ins(cluster.visitor("127.0.0.3"), "person", 10)
    assert statuses == [200] * 5 + [429] * 5
    assert cluster.served(cluster.a, "POST", "/inbox/sign-in") and cluster.served(cluster.b, "POST", "/inbox/sign-in")


def test_thirty_rapid_attempts_at_two_workers_get_five_through(cluster: Cluster) -> None:
    """Found: 10 of 30 rapid sign-in attempts went through a 5-a-minute limit with 2 workers."""
    visitor = cluster.visitor("127.0.0.4", port=cluster.a.port)  # instance A directly: gunicorn -w 2
    # Four at a time, so that both workers are busy: one after another, the kernel may give every
    # connection to the same worker (it did on a quiet machine), and nothing would be shared.
    statuses = failed_sign_ins(visitor, "rapid", 30, at_once=4)
    assert statuses.count(200) == 5 and statuses.count(429) == 25, Counter(statuses)
    workers = {pid for pid, _ in cluster.served(cluster.a, "POST", "/inbox/sign-in")}
    assert len(workers) == 2, "both of instance A's workers should have answered sign-in attempts"


def test_a_spoofed_forwarded_for_does_not_get_past_the_limit(cluster: Cluster) -> None:
    """Found: a client-chosen X-Forwarded-For got past every limit when the app was reachable directly."""
    for port in (cluster.a.port, cluster.nginx.port):  # directly, and through nginx (which appends the real one)
        visitor = cluster.visitor("127.0.0.5" if port == cluster.a.port else "127.0.0.6", port=port)
        statuses = failed_sign_ins(visitor, "spoof", 8, headers=lambda n: {"X-Forwarded-For": f"203.0.113.{n}"})
        assert statuses == [200] * 5 + [429] * 3, (port, statuses)


def test_the_shared_store_holds_no_visitors_internet_address(cluster: Cluster) -> None:
    """Found (privacy review): every limit's key in Redis held the visitor's internet address.
    Now both instances count a visitor under one pseudonym of it, made with the deployment's
    SECRET_KEY: the limit still holds across them, and the address is in no key."""
    from app.proxies import visitor_key

    statuses = failed_sign_ins(cluster.visitor("127.0.0.7"), "kept", 7)
    assert statuses == [200] * 5 + [429] * 2
    assert cluster.served(cluster.a, "POST", "/inbox/sign-in") and cluster.served(cluster.b, "POST", "/inbox/sign-in")
    keys = [key.decode("utf-8", "replace") for key in cluster.redis.client().keys("*")]
    assert keys and not [key for key in keys if "127.0." in key]
    pseudonym = visitor_key("127.0.0.7", cluster.env["SECRET_KEY"])
    assert any(pseudonym in key and "inbox-password-check" in key for key in keys), keys


def test_guesses_at_one_account_from_many_addresses_at_once_get_five_checks(cluster: Cluster) -> None:
    """Found: 40 guesses from 8 addresses were all checked. Now, even all at once and spread over
    both instances and three workers, five are checked and the rest refused; then `flask
    facilitators unlock` lets the facilitator in."""
    visitors = [cluster.visitor(f"127.0.1.{n + 1}") for n in range(8)]
    tokens = [csrf_token(v.get("/inbox/sign-in").get_data(as_text=True)) for v in visitors]

    def guess(n: int) -> tuple[int, bool]:
        visitor, token = visitors[n % 8], tokens[n % 8]
        response = visitor.post("/inbox/sign-in", {"csrf_token": token, "email": EMAIL, "password": f"guess {n}"})
        return response.status_code, SIGN_IN_FAILED in response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(guess, range(40)))
    assert answers.count((200, True)) == 5, Counter(answers)
    assert answers.count((429, False)) == 35
    assert sign_in(cluster.visitor("127.0.1.20"), EMAIL, PASSWORD).status_code == 429  # locked, even for the owner

    unlock = project_python(["-m", "flask", "--app", "wsgi", "facilitators", "unlock", EMAIL], cluster.env)
    assert unlock.returncode == 0, unlock.stderr
    assert "failed sign-in attempts forgotten" in unlock.stdout
    signed_in = sign_in(cluster.visitor("127.0.1.21"), EMAIL, PASSWORD)
    assert signed_in.status_code == 302 and signed_in.location == "/inbox"


def test_the_outbox_worker_beside_either_instance_sends_each_mail_once(cluster: Cluster, tmp_path: Path) -> None:
    """One `flask outbox worker` beside each instance (same database): each request's email
    goes once, whichever worker takes it (row locks), including the journey test's request."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "worker", "--poll", "0.2"]
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = []
    for log in logs:
        with log.open("w") as output:
            workers.append(
                subprocess.Popen(command, cwd=ROOT, env=cluster.env, stdout=output, stderr=subprocess.STDOUT)
            )
    try:
        walker = to_outcome(cluster.visitor("127.0.0.7"))  # type: ignore[arg-type]
        submitted_request(walker)
        requests = count_rows(cluster.database_url, "requests")
        expected = count_rows(cluster.database_url, "outbox")  # to the facilitators, and acknowledgements
        assert requests >= 1 and expected >= requests
        # Only for a test that fails: the workers make the PDFs (real ones) before the emails. Found:
        # the whole test took 51 s on a machine busy with other work, against the 60 s once allowed here.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and (
            len(cluster.mailbox.received) < expected or count_rows(cluster.database_url, "outbox", "sent_at IS NULL")
        ):
            time.sleep(0.2)
    finally:
        # A worker stops only once what it is sending is sent, so a second, duplicate send
        # under way would be in the mailbox by the time both have stopped.
        # It finishes the PDF it is making too (on a busy machine, found taking 9 s once signalled).
        for worker in workers:
            stop(worker, signal.SIGTERM, wait=60)
    subjects = [subject for subject, _ in cluster.mailbox.received]
    assert len(subjects) == expected and len(set(subjects)) == expected, subjects
    to_facilitators = [
        recipients for subject, recipients in cluster.mailbox.received if not subject.startswith("Your ")
    ]
    assert len(to_facilitators) == requests and all(recipients == [FACILITATORS] for recipients in to_facilitators)
    outputs = [log.read_text() for log in logs]
    assert all("Outbox worker stopped" in output for output in outputs), outputs


def test_a_body_over_the_apps_limit_gets_its_answer_through_nginx_not_the_offline_page(cluster: Cluster) -> None:
    """Found (administrator review): the app answered a body over its limit without reading it,
    and nginx, still sending it, took the closed connection for a failure: the offline page ("a
    problem with the service") and a 502 in its log, for a page the app had answered. And a
    facilitator signed out meanwhile, importing a PDF within the import's 5 MB, was told to make it
    smaller. Each is now read (from nginx, which has it whole) before the answer."""
    visitor = cluster.visitor("127.0.0.41")
    visitor.get("/inbox/sign-in")  # a session, not signed in (signed out in another tab, say)
    boundary = "space-to-think-boundary"
    pdf = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="request.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    for _ in range(4):
        imported = visitor.request(
            "POST", "/inbox/import", body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert imported.status_code == 302 and (imported.location or "").startswith("/inbox/sign-in"), (
            imported.status_code,
            imported.get_data(as_text=True)[:300],
        )
    said = visitor.get(imported.location or "").get_data(as_text=True)
    assert "The file was not imported, because you are not signed in" in said
    for _ in range(4):
        answered = visitor.post("/request/about-you", {"name": "x" * 1_500_000})
        assert answered.status_code == 413 and "What you sent is too large" in answered.get_data(as_text=True)


def test_nginx_and_both_instances_logged_no_server_error(cluster: Cluster) -> None:
    logs = Path(cluster.nginx.directory / "nginx-error.log")
    problems = (
        [line for line in logs.read_text().splitlines() if "[error]" in line or "[crit]" in line]
        if logs.exists()
        else []
    )
    assert problems == []
    for instance in (cluster.a, cluster.b):
        assert [line for line in instance.requests_served() if line[1].startswith("5")] == []
        assert "Traceback" not in instance.error_log.read_text()
