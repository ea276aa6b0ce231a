"""Real servers for tests, each in its own temporary directory: Redis, gunicorn, nginx, and a
PostgreSQL server a test may freeze.

Parallel-safe: Redis listens on a Unix socket in its own directory (no port to collide on);
gunicorn and nginx get ports the kernel picked just before (bound to port 0 and released).
Each is stopped by its own process id.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from app.config import ENV_NAMES, Config, TestConfig

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


@dataclasses.dataclass
class WorkerRun:
    """A real outbox worker process (``outbox_worker``), and what it wrote once stopped."""

    process: subprocess.Popen[str]
    out: str = ""
    err: str = ""


@contextlib.contextmanager
def outbox_worker(database_url: str, **settings: str) -> Iterator[WorkerRun]:
    """The real ``flask outbox worker`` (polling every 0.2 s) on ``database_url``, in test
    settings with ``settings`` added, warnings as errors. At the end of the block it is sent
    SIGTERM and its output kept (``out``, ``err``); killed if the block failed or it will not stop."""
    # (Not the variables the test settings pin: with APP_ENV=test from the environment they stop start-up.)
    pinned = {ENV_NAMES.get(name, name) for name in TestConfig.FIXED - Config.FIXED}
    env = {
        **{name: value for name, value in os.environ.items() if name not in pinned},
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "PYTHONWARNINGS": "error",
        **settings,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "worker", "--poll", "0.2"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    run = WorkerRun(worker)
    try:
        yield run
        worker.send_signal(signal.SIGTERM)
        run.out, run.err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody is listening on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def need_program(name: str, package: str) -> str:
    """The program's path; in CI a missing one fails, elsewhere the test is skipped saying why."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path:
        return path
    message = f"{name} is not installed (Debian package {package}; scripts/setup installs it as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _wait_for(check, what: str, process: subprocess.Popen, log: Path | None) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with status {process.returncode} while starting:\n{output}")
        if check():
            return
        time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT:.0f} s")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def project_python(
    args: Sequence[str], env: Mapping[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """This project's Python run in a process of its own from the checkout (``python -m flask
    --app wsgi ...``, ``python -c ...``), its output captured as text; not checked."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=None if env is None else dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclasses.dataclass
class CommandRun:
    """How a ``flask`` command ended (``flask_in_this_process``): its exit status and output."""

    returncode: int
    stdout: str
    stderr: str


def flask_in_this_process(
    monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str], *args: str, pure: bool = True
) -> CommandRun:
    """``flask ARGS`` as ``.venv/bin/flask`` runs it (flask's own entry point, ``sys.argv`` as the
    command line, ``wsgi.py`` imported afresh, from the checkout), in this process: the same code
    from the command line to the exit status, without a second of starting an interpreter and
    importing the app. For a command that stops at start-up or reads files; a test about a
    process (signals, what a new interpreter does) starts a real one. ``env`` is the environment
    (with ``pure``, instead of the test's ``APP_`` and ``FLASK_`` settings); all is put back after."""
    import io

    from flask.cli import main

    if pure:
        for key in [key for key in os.environ if key.startswith(("APP_", "FLASK_"))]:
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")  # flask sets it; put back after
    monkeypatch.setattr(sys, "argv", [str(ROOT / ".venv" / "bin" / "flask"), *args])
    monkeypatch.setattr(sys, "path", list(sys.path))  # flask adds the folder of --app's module
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as ended:
            code = ended.code
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)
    if code is None:
        code = 0
    elif isinstance(code, str):  # as the interpreter does: the message to the standard error, status 1
        err.write(code + "\n")
        code = 1
    return CommandRun(int(code), out.getvalue(), err.getvalue())


def stop(process: subprocess.Popen, how: signal.Signals = signal.SIGTERM, wait: float = 10) -> None:  # type: ignore[type-arg]
    """Stop one process we started (by its id), with ``how``, then firmly (after ``wait`` seconds)."""
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class RedisServer:
    """``redis-server`` on a Unix socket in ``directory``, keeping nothing on disk."""

    def __init__(self, directory: Path, password: str | None = None) -> None:
        self.directory = directory
        self.password = password  # asked of every client (requirepass), if given
        self.socket = directory / "redis.sock"
        self.log = directory / "redis.log"
        self.process: subprocess.Popen | None = None  # type: ignore[type-arg]

    @property
    def url(self) -> str:
        """For RATELIMIT_STORAGE_URI."""
        return f"redis+unix://{self.socket}"

    def start(self) -> RedisServer:
        program = need_program("redis-server", "redis-server")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                program,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.log),
                "--daemonize",
                "no",
                *(["--requirepass", self.password] if self.password else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        _wait_for(self.ping, "redis-server", self.process, self.log)
        return self

    def client(self):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2, password=self.password)

    def ping(self) -> bool:
        try:
            with self.client() as connection:
                return bool(connection.ping())
        except Exception:  # noqa: BLE001 — not up yet
            return False

    def flush(self) -> None:
        with self.client() as connection:
            connection.flushall()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


class Gunicorn:
    """The app under gunicorn on 127.0.0.1, logging each request with the worker's process id."""

    def __init__(self, directory: Path, env: Mapping[str, str], workers: int = 1, name: str = "app") -> None:
        self.directory = directory
        self.env = dict(env)
        self.workers = workers
        self.name = name
        self.port = free_port()
        self.access_log = directory / f"{name}-access.log"
        self.error_log = directory / f"{name}-error.log"
        self.process: subprocess.Popen | None = None  # type: ignore[type-arg]

    def launch(self) -> Gunicorn:
        """Start gunicorn without waiting for it (so several can start at once); then ``wait``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",  # as deploy/space-to-think-web.service runs it
            "--no-control-socket",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            "%(p)s %(s)s %(m)s %(U)s",
            "--error-logfile",
            str(self.error_log),
            "--timeout",
            "30",
            "wsgi:app",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        return self

    def wait(self) -> Gunicorn:
        """Wait until it answers on its port."""
        assert self.process is not None
        _wait_for(lambda: _listening(self.port), f"gunicorn {self.name}", self.process, self.error_log)
        return self

    def start(self) -> Gunicorn:
        return self.launch().wait()

    def requests_served(self) -> list[tuple[str, str, str, str]]:
        """(worker pid, status, method, path) for each request so far."""
        if not self.access_log.exists():
            return []
        return [
            tuple(line.split(" ", 3))
            for line in self.access_log.read_text().splitlines()  # type: ignore[misc]
            if line.count(" ") >= 3
        ]

    def stop(self) -> None:
        if self.process is not None:
            kill_gunicorn(self.process)
            self.process = None


def kill_gunicorn(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Stop a gunicorn this test started, and its workers, at once, with SIGKILL, for a test that
    checks nothing of how it stops: gunicorn's quick shutdown (SIGINT) had each worker, then
    gunicorn itself, take its interpreter down object by object, about half a second of CPU a
    process and 4 to 5 s in all on a busy machine. Its workers are found by their parent, this
    gunicorn; killed after it, so it starts no other in their place (init takes them)."""
    if process.poll() is None:
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False)
        process.kill()
        for pid in map(int, found.stdout.split()):
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def postgres_program(name: str) -> str:
    """A PostgreSQL server program (``initdb``, ``postgres``) from Debian's newest installed version;
    in CI a missing one fails, elsewhere the test is skipped saying why."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if found:
        return str(found[-1])
    return need_program(name, "postgresql")


class PostgresServer:
    """A PostgreSQL server of the test's own, from ``initdb`` in a temporary directory, on a free
    port, with an empty database ``space_to_think`` (no password: ``trust``). Unlike the server
    TEST_DATABASE_URL names, which other people's tests share, a test may stop it, or freeze and thaw
    it: SIGSTOP and SIGCONT to every one of its processes, as a paused machine or a hung disk
    leaves a server that still takes connections and answers nothing. As root it runs as the
    ``postgres`` user (PostgreSQL refuses root). Never written to disk (fsync off)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory: Path | None = None
        self.process: subprocess.Popen | None = None  # type: ignore[type-arg]
        self.frozen: list[int] = []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://space_to_think@127.0.0.1:{self.port}/space_to_think"

    def start(self) -> PostgresServer:
        initdb, postgres = postgres_program("initdb"), postgres_program("postgres")
        user = "postgres" if os.geteuid() == 0 else None
        self.directory = Path(tempfile.mkdtemp(prefix="stt-postgres-"))
        if user:
            shutil.chown(self.directory, user)
        data, log = self.directory / "data", self.directory / "postgres.log"
        subprocess.run(
            [initdb, "-D", str(data), "-A", "trust", "-U", "space_to_think", "-E", "UTF8", "--no-sync"],
            user=user,
            capture_output=True,
            check=True,
            timeout=120,
        )
        settings = ("listen_addresses=127.0.0.1", "fsync=off", "full_page_writes=off", "synchronous_commit=off")
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [postgres, "-D", str(data), "-p", str(self.port), "-k", str(self.directory)]
                + [part for setting in settings for part in ("-c", setting)],
                user=user,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        _wait_for(self._answers, "postgres", self.process, log)
        import psycopg

        with psycopg.connect(self._plain("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE space_to_think")
        return self

    def _plain(self, database: str) -> str:
        return f"postgresql://space_to_think@127.0.0.1:{self.port}/{database}?connect_timeout=2"

    def _answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self._plain("postgres")):
                return True
        except psycopg.OperationalError:
            return False

    def freeze(self) -> None:
        """Stop every process of the server (SIGSTOP): the server first, so it starts no more."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = [self.process.pid]
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)
        for pid in map(int, found.stdout.split()):
            os.kill(pid, signal.SIGSTOP)
            self.frozen.append(pid)

    def thaw(self) -> None:
        """Let every process frozen go on (SIGCONT)."""
        for pid in self.frozen:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def stop(self) -> None:
        self.thaw()
        if self.process is not None:
            stop(self.process, signal.SIGINT)  # PostgreSQL's fast shutdown
            self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


NGINX_CONF = """\
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream space_to_think {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;  # as the example site's import (deploy/nginx-space-to-think.conf)
        location / {{
            proxy_pass http://space_to_think;
            proxy_next_upstream off;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class Nginx:
    """nginx in the foreground on its own port and paths, round-robin over ``upstreams`` (ports)."""

    def __init__(self, directory: Path, upstreams: Sequence[int]) -> None:
        self.directory = directory
        self.upstreams = list(upstreams)
        self.port = free_port()
        self.process: subprocess.Popen | None = None  # type: ignore[type-arg]

    def start(self) -> Nginx:
        program = need_program("nginx", "nginx")
        self.directory.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in self.upstreams)
        # As root, nginx's workers would otherwise switch to "nobody", who cannot enter this directory.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = self.directory / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, dir=self.directory, servers=servers, port=self.port))
        error_log = self.directory / "nginx-error.log"
        self.process = subprocess.Popen(
            [program, "-p", str(self.directory), "-c", str(conf), "-e", str(error_log), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        _wait_for(lambda: _listening(self.port), "nginx", self.process, error_log)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None
