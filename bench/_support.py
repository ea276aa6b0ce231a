"""Shared by the bench/ scripts: machine facts, the benchmark database, gunicorn servers that
are always stopped, and a load client that walks full journeys from several processes.

Not a benchmark itself; ``bench_journey.py`` and ``bench_memory.py`` use it.
"""

from __future__ import annotations

import atexit
import http.client
import multiprocessing
import os
import platform
import queue as queues
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The local role scripts/test makes for the tests; the benchmarks get their own database.
PG_ROLE = "space_to_think"
PG_PASSWORD = "space_to_think_test_only"
PG_DATABASE = "space_to_think_bench"

SESSION_COOKIE = "space_to_think_session"
CSRF_PATTERN = re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- the machine ---------------------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    """nproc, CPU model, memory, Python, and the load average now."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "load": load_average(),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def code_version() -> str:
    """The checkout's commit, and whether files differ from it (read-only git calls)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "app", "templates", "wsgi.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{commit}" + (f" with {len(changed)} changed file(s) in app/ and templates/" if changed else "")


def print_machine(title: str) -> dict[str, str]:
    """Print a heading with the machine's facts and the code's version; return the facts."""
    facts = machine_facts()
    print(title)
    print(
        f"machine: {facts['nproc']} cores ({facts['cpu']}), {facts['memory']} RAM, Python {facts['python']}; "
        f"load average at start {facts['load']}"
    )
    print(f"code: {code_version()}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    return facts


# --- PostgreSQL ------------------------------------------------------------------------------


class DatabaseUnavailable(Exception):
    """No PostgreSQL for the benchmark (the message says how to provide one)."""


def _run(command: Sequence[str], timeout: float = 30) -> str:
    result = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise DatabaseUnavailable(f"{' '.join(command[:3])}… failed: {(result.stderr or result.stdout).strip()[:300]}")
    return result.stdout


def _psql_as_postgres(sql: str) -> str:
    return _run(["runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql]).strip()


def bench_database_url() -> str:
    """A PostgreSQL URL for the benchmarks: BENCH_DATABASE_URL, or (as root) the local cluster,
    started if needed, with the tests' role and a database ``space_to_think_bench``."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        return url
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
        raise DatabaseUnavailable("set BENCH_DATABASE_URL to a PostgreSQL database (as root the local cluster is used)")
    versions = sorted(
        (v for v in os.listdir("/etc/postgresql") if v.replace(".", "").isdigit()),
        key=lambda v: [int(p) for p in v.split(".")],
    )
    if not versions:
        raise DatabaseUnavailable("no PostgreSQL cluster in /etc/postgresql")
    version = versions[-1]
    port = "5432"
    for line in _run(["pg_lsclusters", "--no-header"]).splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == version and parts[1] == "main":
            port = parts[2]
            if parts[3] != "online":
                _run(["pg_ctlcluster", version, "main", "start"], timeout=60)
    # The names and password are this module's own constants (above), not outside input.
    if _psql_as_postgres(f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_ROLE}'") != "1":  # noqa: S608
        _psql_as_postgres(f"CREATE ROLE {PG_ROLE} LOGIN PASSWORD '{PG_PASSWORD}'")
    if _psql_as_postgres(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'") != "1":  # noqa: S608
        _psql_as_postgres(f"CREATE DATABASE {PG_DATABASE} OWNER {PG_ROLE}")
    return f"postgresql+psycopg://{PG_ROLE}:{PG_PASSWORD}@127.0.0.1:{port}/{PG_DATABASE}"


def plain_url(url: str) -> str:
    """The URL as libpq takes it (without SQLAlchemy's driver name)."""
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", url)


def redacted(url: str) -> str:
    """The URL without its password, for printing."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:…@", url)


def production_env(database_url: str) -> dict[str, str]:
    """The environment of a production server: production settings, a fresh 48-character
    secret key, PostgreSQL, one trusted proxy (so each virtual visitor's X-Forwarded-For
    counts for the rate limits, as behind a real reverse proxy)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "APP_"))}
    env.update(
        {
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "TRUSTED_PROXIES": "1",
            # Counts per worker, as before Redis: the benchmarks measure the app, not a Redis server.
            "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
            # Production will not start without one (the privacy notice names it).
            "DATA_CONTROLLER": "Example City Council",
            "DATA_PROTECTION_CONTACT": "Data protection officer, dpo@example.gov.uk",
            "LAWFUL_BASIS": "We use your information to carry out our public task.",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Bring the benchmark database up to date (Alembic) and empty the session table."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    result = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False)
    if result.returncode != 0:
        raise DatabaseUnavailable(f"flask db upgrade failed: {(result.stderr or result.stdout).strip()[-600:]}")
    import psycopg

    with psycopg.connect(plain_url(env["DATABASE_URL"]), connect_timeout=5) as connection:
        connection.execute("TRUNCATE journey_sessions")


# --- gunicorn --------------------------------------------------------------------------------

_SERVERS: list[Gunicorn] = []


def _stop_all() -> None:
    for server in _SERVERS:
        server.stop()
    for redis in _REDIS:
        redis.stop()


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def install_cleanup() -> None:
    """Stop every server on exit, Ctrl-C, SIGTERM or SIGHUP (they run in their own process group)."""
    atexit.register(_stop_all)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerSettings:
    """gunicorn's settings, the same for the app and the baseline."""

    workers: int = 2
    worker_class: str = "sync"
    threads: int = 1

    def args(self) -> list[str]:
        """Command-line arguments for these settings."""
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args

    def describe(self) -> str:
        """In words, for the output."""
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.workers} {self.worker_class} worker(s){threads}"


class Gunicorn:
    """A gunicorn master and its workers, in their own process group, always stopped."""

    def __init__(
        self,
        name: str,
        app_spec: str,
        chdir: Path,
        env: dict[str, str],
        settings: ServerSettings,
        ready_path: str = "/",
    ) -> None:
        self.name = name
        self.app_spec = app_spec
        self.chdir = chdir
        self.env = env
        self.settings = settings
        self.ready_path = ready_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)  # noqa: SIM115

    def start(self, timeout: float = 40) -> Gunicorn:
        """Start it and wait until every worker is up and a GET of ``ready_path`` answers 200."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--no-control-socket",
            "--bind",
            f"127.0.0.1:{self.port}",
            *self.settings.args(),
            "--chdir",
            str(self.chdir),
            "--log-level",
            "warning",
            "--timeout",
            "60",
            "--backlog",
            "2048",
            self.app_spec,
        ]
        # Started in its folder: ``python -m`` puts the current folder first on the import path,
        # before PYTHONPATH and gunicorn's --chdir, so a --compare checkout started from this one
        # served this checkout's code (found: "before" and "after" were the same code).
        self.process = subprocess.Popen(
            command, cwd=self.chdir, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        _SERVERS.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited at start-up:\n{self.log_tail()}")
            if len(self.worker_pids()) >= self.settings.workers and self._ready():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def _ready(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", self.ready_path)
            response = connection.getresponse()
            response.read()
            return response.status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (the master's children)."""
        if self.process is None:
            return []
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log."""
        try:
            return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL what is left after 10 s."""
        process, self.process = self.process, None
        if self in _SERVERS:
            _SERVERS.remove(self)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass
        try:
            self.log.close()
            os.unlink(self.log.name)
        except OSError:
            pass

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def app_server(env: dict[str, str], settings: ServerSettings, root: Path = ROOT, name: str = "app") -> Gunicorn:
    """The project's app (``wsgi:app``) under gunicorn; ready when /healthz says the database answers.

    ``root`` serves another checkout of the project instead (``--compare``: an older commit
    exported with ``git archive``, measured side by side with this one in the same run).
    """
    env = dict(env)
    if root != ROOT:  # its own code first, whatever this checkout's editable install says
        env["PYTHONPATH"] = str(root)
    return Gunicorn(name, "wsgi:app", root, env, settings, ready_path="/healthz")


def compare_root(value: str) -> tuple[str, Path]:
    """``--compare LABEL=DIR``: a checkout of the project to serve beside this one."""
    label, _, folder = value.partition("=")
    root = Path(folder or label).resolve()
    if not (root / "wsgi.py").is_file() or not (root / "app").is_dir():
        raise ValueError(f"{root} is not a checkout of the project (no wsgi.py and app/)")
    return (label if folder else root.name), root


def hello_server(settings: ServerSettings, floor_dir: Path | None = None) -> Gunicorn:
    """The bare Flask baseline (bench/hello_app.py) under the same gunicorn settings; with
    ``floor_dir``, it also serves each captured page there as a constant string (/floor/<name>)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "APP_"))}
    if floor_dir is not None:
        env["BENCH_FLOOR_DIR"] = str(floor_dir)
    return Gunicorn("hello", "hello_app:app", BENCH_DIR, env, settings)


class RedisServer:
    """A throw-away Redis server on a free loopback port (no persistence), always stopped."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URI for RATELIMIT_STORAGE_URI."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        """Start it and wait until it answers PING."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (scripts/setup installs it)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _REDIS.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not answer PING")

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        process, self.process = self.process, None
        if self in _REDIS:
            _REDIS.remove(self)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_REDIS: list[RedisServer] = []


# --- /proc -----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by a process (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    """Resident memory (VmRSS) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on the machine (for its CPU share; readable as root)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def total_cpu(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds so far per process."""
    return {pid: cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots (processes started in between count from zero)."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


# --- the load client -------------------------------------------------------------------------

# The answers along one path through the pack, each as a tuple of values (app.rules.JourneyPath.answers).
PathAnswers = tuple[tuple[str, tuple[str, ...]], ...]

KINDS = ("start", "question", "answer", "result", "hello", "page", "get")


def journey_paths() -> list[tuple[PathAnswers, str]]:
    """Every path through the real rule pack (answers as tuples of values) with its outcome id."""
    from app.rules import enumerate_paths, load_contacts, load_pack

    pack = load_pack(None, load_contacts())
    paths = []
    for path in enumerate_paths(pack):
        answers = tuple(
            (question, (value,) if isinstance(value, str) else tuple(value)) for question, value in path.answers
        )
        paths.append((answers, path.outcome))
    return paths


@dataclass
class LoadPlan:
    """What each client process does: walk journeys (or GET hello) for a time or a count."""

    port: int
    scenario: str  # "journey", "hello" (GET the bare page), "page" (GET the app's start page) or "get" (GET ``path``)
    users: int
    warmup: float = 0.0
    duration: float = 0.0  # time mode when > 0
    journeys: int = 0  # count mode (per process: split evenly) when > 0
    paths: list[tuple[PathAnswers, str]] = field(default_factory=list)
    deadline: float = 110.0  # hard bound on any one run, seconds
    path: str = "/"  # for "get"
    cookie: str = ""  # for "get": a Cookie header sent with every request


@dataclass
class ClientResult:
    """One client process's figures, for the measured window only."""

    latencies: dict[str, list[float]]
    requests: int
    journeys: int
    errors: int
    error_samples: list[str]
    cpu: float
    timed_out: bool = False


class JourneyError(Exception):
    """A page was not what a walking visitor expects (the journey is abandoned and counted)."""


class Visitor:
    """One virtual user: a keep-alive connection, a cookie jar, and a fake address per journey."""

    def __init__(self, port: int, index: int) -> None:
        self.port = port
        self.index = index
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        self.cookies: dict[str, str] = {}
        self.address = "10.0.0.1"
        self.journey_number = 0
        self.record: Any = None  # callable(kind, seconds) set by the runner

    def new_visitor(self) -> None:
        """Forget cookies and take a new address (a new person on a new machine)."""
        self.cookies.clear()
        self.journey_number += 1
        number = self.index * 1_000_000 + self.journey_number
        self.address = f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"

    def fetch(self, kind: str, method: str, path: str, body: bytes | None = None) -> tuple[int, str, bytes]:
        """One request; returns status, Location and body. Latency recorded under ``kind``."""
        headers = {"X-Forwarded-For": self.address, "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server had closed: reconnect once.
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.will_close:
                self.connection.close()
            self._cookies(response)
            if self.record is not None:
                self.record(kind, elapsed)
            return response.status, response.getheader("Location") or "", data
        raise AssertionError("unreachable")

    def _cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value, _, attributes = rest.partition(";")
            attributes = attributes.lower()
            if not value or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def follow(self, status: int, location: str, expect: str) -> tuple[int, str, bytes]:
        """Follow a redirect to the page the walker expects (``expect`` is a path)."""
        if status not in (302, 303):
            raise JourneyError(f"expected a redirect to {expect}, got {status}")
        target = urllib.parse.urlsplit(location)
        path = target.path + (f"?{target.query}" if target.query else "")
        if path != expect:
            raise JourneyError(f"redirected to {path}, expected {expect}")
        kind = "result" if path == "/result" else "question"
        return self.fetch(kind, "GET", path)

    def journey(self, answers: PathAnswers, outcome: str) -> None:
        """A whole journey: start page, Start now, each question (GET, POST with CSRF), the outcome."""
        self.new_visitor()
        status, _, page = self.fetch("start", "GET", "/")
        if status != 200:
            raise JourneyError(f"start page: {status}")
        status, location, _ = self.fetch("start", "GET", "/start")
        status, _, page = self.follow(status, location, f"/questions/{answers[0][0]}")
        for position, (question, values) in enumerate(answers):
            if status != 200 or f'data-question="{question}"'.encode() not in page:
                raise JourneyError(f"question {question}: status {status}, not the question page")
            token = CSRF_PATTERN.search(page)
            if token is None:
                raise JourneyError(f"question {question}: no CSRF token")
            body = urllib.parse.urlencode(
                [("csrf_token", token.group(1).decode())] + [("answer", value) for value in values]
            ).encode()
            status, location, _ = self.fetch("answer", "POST", f"/questions/{question}", body)
            following = answers[position + 1][0] if position + 1 < len(answers) else None
            status, _, page = self.follow(status, location, f"/questions/{following}" if following else "/result")
        if status != 200 or f'data-outcome="{outcome}"'.encode() not in page:
            raise JourneyError(f"outcome {outcome}: status {status}, not the outcome page")

    def hello(self) -> None:
        """The baseline: one GET of the bare Flask page."""
        status, _, _ = self.fetch("hello", "GET", "/")
        if status != 200:
            raise JourneyError(f"hello: {status}")

    def start_page(self) -> None:
        """The app's start page for a new visitor (no cookie: no session, no database)."""
        self.new_visitor()
        status, _, _ = self.fetch("page", "GET", "/")
        if status != 200:
            raise JourneyError(f"start page: {status}")


def _get(visitor: Visitor, plan: LoadPlan) -> None:
    """The "get" scenario: one GET of ``plan.path`` from a new address, with ``plan.cookie``."""
    visitor.new_visitor()
    if plan.cookie:
        name, _, value = plan.cookie.partition("=")
        visitor.cookies[name] = value
    status, _, _ = visitor.fetch("get", "GET", plan.path)
    if status != 200:
        raise JourneyError(f"GET {plan.path}: {status}")


def _client(index: int, plan: LoadPlan, start_at: float, queue: Any) -> None:
    """One client process: runs the plan and puts a ClientResult on ``queue``.

    Time mode counts a request when it started after the warm-up and finished before the end;
    count mode counts everything.
    """
    import random

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    visitor = Visitor(plan.port, index)
    latencies: dict[str, list[float]] = {}
    timed = plan.duration > 0
    measure_from = start_at + plan.warmup
    measure_to = measure_from + plan.duration if timed else float("inf")
    hard_stop = start_at + plan.deadline
    cpu = {"start": None, "end": None}

    def in_window(now: float, elapsed: float = 0.0) -> bool:
        return not timed or (now - elapsed >= measure_from and now <= measure_to)

    def record(kind: str, seconds: float) -> None:
        now = time.time()
        if in_window(now, seconds):
            if cpu["start"] is None:
                cpu["start"] = time.process_time()
            latencies.setdefault(kind, []).append(seconds)
        elif timed and now > measure_to and cpu["end"] is None:
            cpu["end"] = time.process_time()

    visitor.record = record
    paths = list(plan.paths)
    random.Random(index).shuffle(paths)
    journeys = errors = 0
    samples: list[str] = []
    timed_out = False
    while time.time() < start_at:
        time.sleep(0.001)
    if not timed:
        cpu["start"] = time.process_time()
    target = plan.journeys // plan.users + (1 if index < plan.journeys % plan.users else 0)
    done = 0
    while True:
        now = time.time()
        if (timed and now >= measure_to) or (not timed and done >= target):
            break
        if now >= hard_stop:
            timed_out = True
            break
        try:
            if plan.scenario == "hello":
                visitor.hello()
            elif plan.scenario == "page":
                visitor.start_page()
            elif plan.scenario == "get":
                _get(visitor, plan)
            else:
                answers, outcome = paths[done % len(paths)]
                visitor.journey(answers, outcome)
                if in_window(time.time()):
                    journeys += 1
        except (JourneyError, OSError, http.client.HTTPException) as error:
            if in_window(time.time()):
                errors += 1
                if len(samples) < 5:
                    samples.append(f"{type(error).__name__}: {error}")
            visitor.connection.close()
        done += 1
    end_cpu = cpu["end"] if cpu["end"] is not None else time.process_time()
    used = end_cpu - cpu["start"] if cpu["start"] is not None else 0.0
    visitor.connection.close()
    requests = sum(len(values) for values in latencies.values())
    queue.put(ClientResult(latencies, requests, journeys, errors, samples, used, timed_out))


def run_load(plan: LoadPlan) -> tuple[list[ClientResult], float]:
    """Run ``plan.users`` client processes; return their results and the wall time measured."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 0.3
    processes = [
        context.Process(target=_client, args=(i, plan, start_at, queue), daemon=True) for i in range(plan.users)
    ]
    for process in processes:
        process.start()
    results: list[ClientResult] = []
    try:
        limit = time.monotonic() + plan.deadline + 30
        while len(results) < len(processes) and time.monotonic() < limit:
            try:
                results.append(queue.get(timeout=1))
            except queues.Empty:  # nothing yet: check the processes are still alive
                if not any(process.is_alive() for process in processes) and queue.empty():
                    break
        wall = (time.time() - start_at - plan.warmup) if plan.duration <= 0 else plan.duration
    finally:
        for process in processes:
            process.join(timeout=5 if len(results) == len(processes) else 0.1)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    if len(results) < len(processes):
        raise RuntimeError(f"only {len(results)} of {len(processes)} client processes reported")
    return results, wall


# --- figures ---------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of the values lie (nearest rank)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


@dataclass
class LoadFigures:
    """Throughput and latency for one run."""

    requests: int
    seconds: float
    errors: int
    journeys: int
    p50: float
    p95: float
    p99: float
    mean: float
    by_kind: dict[str, tuple[int, float, float]]  # kind -> count, p50, p95
    client_cpu: float
    error_samples: list[str]

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def summarise(results: list[ClientResult], seconds: float) -> LoadFigures:
    """Merge the client processes' results."""
    every: list[float] = []
    by_kind: dict[str, list[float]] = {}
    for result in results:
        for kind, values in result.latencies.items():
            by_kind.setdefault(kind, []).extend(values)
            every.extend(values)
    every.sort()
    kinds = {}
    for kind in KINDS:
        values = sorted(by_kind.get(kind, []))
        if values:
            kinds[kind] = (len(values), percentile(values, 0.50), percentile(values, 0.95))
    return LoadFigures(
        requests=len(every),
        seconds=seconds,
        errors=sum(r.errors for r in results),
        journeys=sum(r.journeys for r in results),
        p50=percentile(every, 0.50),
        p95=percentile(every, 0.95),
        p99=percentile(every, 0.99),
        mean=statistics.fmean(every) if every else float("nan"),
        by_kind=kinds,
        client_cpu=sum(r.cpu for r in results),
        error_samples=[s for r in results for s in r.error_samples][:5],
    )


def ms(seconds: float) -> str:
    """Seconds as milliseconds, for tables."""
    return f"{seconds * 1000:.1f} ms"


def report_targets(targets: str, failures: Sequence[str]) -> int:
    """Print the targets and each one missed; the exit status: 1 if any was missed, else 0."""
    print(f"Targets: {targets}")
    for failure in failures:
        print(f"MISSED: {failure}")
    print("All targets met." if not failures else f"{len(failures)} target(s) missed.")
    return 1 if failures else 0


def run_benchmark(main: Callable[[], int]) -> None:
    """Run ``main`` and exit with its status; Ctrl-C exits 130 (servers are stopped by atexit)."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nInterrupted: servers stopped.")
        sys.exit(130)
