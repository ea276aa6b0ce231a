"""The example nginx site answers /static/ itself: those responses carry the same security
headers as the app's (found by the security review: HSTS, CSP, X-Frame-Options and
Referrer-Policy were missing, because a location with an add_header of its own inherits none)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from app import create_app
from app.config import PROJECT_ROOT
from support.servers import free_port, need_program, stop
from test_deploy import nested_block

SITE = PROJECT_ROOT / "deploy" / "nginx-space-to-think.conf"
# Every header app.extensions.set_security_headers sets on a static file (besides caching).
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
)
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://user:pw@db.example.invalid/space_to_think",
    "RATELIMIT_STORAGE_URI": "memory://",
}


def app_static_headers() -> dict[str, str]:
    """The security headers the app (production settings) sends with a static file; the policy
    without its per-request nonce, which nginx cannot make and static files do not need."""
    with create_app(PRODUCTION).test_client().get("/static/favicon.svg", base_url="https://example.org") as response:
        assert response.status_code == 200
        headers = {name: response.headers[name] for name in SECURITY_HEADERS}
    headers["Content-Security-Policy"] = re.sub(r" 'nonce-[^']*'", "", headers["Content-Security-Policy"])
    return headers


def nginx_static_responses(tmp_path: Path, paths: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Run a real nginx with the example site's /static/ block (serving this checkout's static/)
    and GET each path: its status and headers."""
    static_block = nested_block(SITE.read_text(encoding="utf-8"), "location /static/ {").replace(
        "/srv/space-to-think/static/", f"{PROJECT_ROOT / 'static'}/"
    )
    program = need_program("nginx", "nginx")
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"{user}\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log warn;\n"
        "events { worker_connections 16; }\nhttp {\n"
        f"access_log {tmp_path}/access.log;\n"
        + "".join(
            f"{kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"server {{ listen 127.0.0.1:{port}; location / {{ return 204; }}\n{static_block}\n}}\n}}\n"
    )
    nginx = subprocess.Popen(
        [program, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    answers = []
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert nginx.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.05)
        for path in paths:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                    answers.append((response.status, dict(response.headers.items())))
            except urllib.error.HTTPError as error:
                answers.append((error.code, dict(error.headers.items())))
    finally:
        stop(nginx)
    return answers


def test_static_files_through_the_example_nginx_site_carry_the_apps_security_headers(tmp_path: Path) -> None:
    expected = app_static_headers()
    assert (
        "max-age=" in expected["Strict-Transport-Security"]
        and "frame-ancestors 'none'" in expected["Content-Security-Policy"]
    )
    # A file as the pages ask for it (versioned), the same unversioned, and a refused source file.
    answers = nginx_static_responses(
        tmp_path, ["/static/favicon.svg?v=0123456789ab", "/static/favicon.svg", "/static/src/app.js"]
    )
    assert [status for status, _ in answers] == [200, 200, 404]
    for status, headers in answers:
        assert {name: headers.get(name) for name in SECURITY_HEADERS} == expected, status
