"""The app's infrastructure and chrome: settings, security headers, CSRF, sessions, footer pages, errors."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import logging
import os
import re
import socket
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import (
    ENV_NAMES,
    PROJECT_ROOT,
    Config,
    ConfigError,
    DevelopmentConfig,
    StartupError,
    convert,
    load_config,
    setting_types,
)
from app.extensions import db
from app.main import views as main_views
from app.models import utcnow
from app.pack import CONTACTS_KEY, PACK_KEY
from app.sessions import JourneySessionRow, purge_expired_sessions
from app.static_files import StaticVersions
from support import HEALTHY, add_session_probe, both_databases, csrf_token, external_resources, session_cookie
from support.database import dispose

PAGES = ["/", "/accessibility", "/privacy", "/cookies", "/session-expired", "/feedback/thank-you"]
PRODUCTION_OK = {
    "APP_ENV": "production",
    "SECRET_KEY": "production-like-test-secret-0123456789",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://user:pw@db.example.invalid/space_to_think",
    "RATELIMIT_STORAGE_URI": "redis://redis.example.invalid:6379/0",
    "DATA_CONTROLLER": "Example City Council",
    "DATA_PROTECTION_CONTACT": "Data protection officer, dpo@example.gov.uk",
    "LAWFUL_BASIS": "We use your information to carry out our public task.",
}
# What production's privacy notice must be given (start-up refuses it without them).
PRIVACY_NOTICE = ("DATA_CONTROLLER", "DATA_PROTECTION_CONTACT", "LAWFUL_BASIS")


def save_answer(client: FlaskClient, value: str = "no") -> None:
    """Post an answer through the CSRF-protected probe form, as a browser would."""
    token = csrf_token(client.get("/_test/answers").get_data(as_text=True))
    response = client.post("/_test/answers", data={"value": value, "csrf_token": token})
    assert response.status_code == 200


def stored_session_ids(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(JourneySessionRow.id)))


# --- Settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 46}, "SECRET_KEY is not random: it has only 1 different characters"),  # (review)
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///prod.db"}, "DATABASE_URL"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({"RATELIMIT_STORAGE_URI": None}, "RATELIMIT_STORAGE_URI"),
        # Found (security review): each of these started.
        ({"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED must be true in production"),
        ({"HSTS": False}, "HSTS must be true in production"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY must be true in production"),
        ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE must be Lax or Strict in production"),
        ({"SESSION_COOKIE_SAMESITE": "none"}, "SESSION_COOKIE_SAMESITE must be Lax or Strict in production"),
        # Found (faults review): a database outage then showed gunicorn's bare error page.
        ({"PROPAGATE_EXCEPTIONS": True}, "PROPAGATE_EXCEPTIONS must not be true in production"),
        # Found (operator review): the example settings file says "never in production", and it started.
        ({"TEMPLATES_AUTO_RELOAD": True}, "TEMPLATES_AUTO_RELOAD must not be true in production"),
        # Operator review: production's own name for the inbox's known-device cookie, given to the session.
        ({"SESSION_COOKIE_NAME": "__Host-space_to_think_device"}, "SESSION_COOKIE_NAME must not be"),
        # Found (privacy review): request PDFs and the mail password crossed the network unencrypted.
        ({"SMTP_HOST": "smtp.example.org"}, r"SMTP_USE_TLS must be true in production .*\(smtp.example.org\)"),
        ({"SMTP_HOST": "10.0.0.25", "SMTP_USE_TLS": False}, "SMTP_USE_TLS must be true in production"),
    ],
)
def test_production_refuses_unsafe_settings_naming_them(overrides, named) -> None:
    with pytest.raises(SystemExit, match=named):
        create_app(PRODUCTION_OK | overrides)


@pytest.mark.parametrize(
    "mail",
    [{"SMTP_HOST": "smtp.example.org", "SMTP_USE_TLS": True}]
    + [{"SMTP_HOST": host} for host in ("localhost", "127.0.0.1", "::1", socket.gethostname())]
    # A relay on a private network without STARTTLS, said to be trusted (diff review: it was refused).
    + [{"SMTP_HOST": "10.0.0.25", "SMTP_ALLOW_UNENCRYPTED": True}],
)
def test_production_sends_mail_unencrypted_only_to_a_mail_server_on_this_machine(mail) -> None:
    assert load_config(PRODUCTION_OK | mail, environ={})["SMTP_HOST"] == mail["SMTP_HOST"]  # no ConfigError


def test_the_test_settings_chosen_on_a_server_with_its_mail_settings_stop_start_up() -> None:
    """Found (configuration review): a server started with APP_ENV=test (a "test server" for
    trying the service out) and the mail and Redis settings answered its health check "ok", while
    the test settings ignored FACILITATOR_EMAIL, SMTP_HOST, MAIL_FROM and RATELIMIT_STORAGE_URI:
    no request was ever emailed, and no one was told. Start-up stops, naming what is ignored. The
    test suite, which chooses the test settings itself, is not stopped by them."""
    server = {
        "APP_ENV": "test",
        "FACILITATOR_EMAIL": "facilitators@partnership.example",
        "SMTP_HOST": "smtp.partnership.example",
        "RATELIMIT_DEFAULT": "100 per minute",
    }
    with pytest.raises(ConfigError) as refused:
        load_config(environ=server)
    assert str(refused.value) == (
        "APP_ENV is test, the test suite's settings, which ignore FACILITATOR_EMAIL, SMTP_HOST (set here): they "
        "send no email, count the rate limits in each process's memory and point Exit this page at a test address. "
        "On a server use APP_ENV=production (development to try the service on your own machine)."
    )
    assert load_config(environ={"APP_ENV": "test", "RATELIMIT_DEFAULT": "100 per minute"})["TESTING"] is True
    assert load_config({"APP_ENV": "test"}, environ=server)["FACILITATOR_EMAIL"] is None


def test_production_refuses_the_rate_limits_off_and_mail_from_the_default_sender() -> None:
    """Found (configuration review): production took RATELIMIT_ENABLED=false without a word (no
    limit on signing in or on requests sent, each emailing the address typed in it), and, with
    MAIL_FROM left out, sent from space-to-think@localhost, which mail servers refuse or junk."""
    with pytest.raises(ConfigError, match=r"^RATELIMIT_ENABLED must be true in production"):
        load_config(PRODUCTION_OK | {"RATELIMIT_ENABLED": False}, environ={})
    mail = {"FACILITATOR_EMAIL": "facilitators@partnership.example", "SMTP_HOST": "localhost"}
    with pytest.raises(ConfigError, match=r"^MAIL_FROM must be set in production when FACILITATOR_EMAIL is"):
        load_config(PRODUCTION_OK | mail, environ={})
    sender = {"MAIL_FROM": "space-to-think@partnership.example"}
    assert load_config(PRODUCTION_OK | mail | sender, environ={})["MAIL_FROM"] == sender["MAIL_FROM"]


@pytest.mark.parametrize(
    "variable, value, said",
    [
        # An environment file saved as Windows-1252 (found, configuration review: the privacy
        # notice read "Salford \ufffd Council"; a SECRET_KEY so saved was blamed on RATELIMIT_STORAGE_URI).
        (
            "DATA_CONTROLLER",
            "Salford \udca3 Council",
            "DATA_CONTROLLER holds a byte that is not UTF-8 text (0xa3, character 9)",
        ),
        (
            "SECRET_KEY",
            "Xk9vQ2mZp7Lr4tWb8Nc3Hy6Jd1Fg5Se0Au2Oi7K\udcff",
            "SECRET_KEY holds a byte that is not UTF-8 text (0xff",
        ),
        ("PUBLIC_BASE_URL", "https://stt.example.org/\udca3", "PUBLIC_BASE_URL holds a byte that is not UTF-8 text"),
        ("DATA_CONTROLLER", "Salford\aCouncil", "DATA_CONTROLLER holds a control character (U+0007, character 8)"),
        ("SESSION_IDLE_MINUTES", "1_000", "SESSION_IDLE_MINUTES must be a whole number, but it is '1_000'."),
        ("SESSION_IDLE_MINUTES", "\uff13\uff10", "SESSION_IDLE_MINUTES must be a whole number"),
    ],
)
def test_a_setting_that_is_not_plain_text_stops_start_up_naming_it(variable: str, value: str, said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(environ={variable: value})
    assert str(refused.value).startswith(said), str(refused.value)


def test_settings_read_right_as_written_are_taken() -> None:
    """Found (regression review): addresses and options that work were refused by the new checks: a
    password holding "#", a user name such as "user@server" (an older Azure PostgreSQL login),
    pool_size 0 (no limit), pool_recycle in seconds with a point, a number with a plus sign, a tab."""
    for url in ("postgresql://stt:pass#word@127.0.0.1:5432/db", "postgresql://stt@server:pw@db.example.org:5432/db"):
        assert load_config(environ={"DATABASE_URL": url})["SQLALCHEMY_DATABASE_URI"].endswith("/db"), url
    options = '{"pool_size": 0, "pool_recycle": 1800.0}'
    assert load_config(environ={"SQLALCHEMY_ENGINE_OPTIONS": options})["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 0
    assert load_config(environ={"SESSION_IDLE_MINUTES": "+30"})["SESSION_IDLE_MINUTES"] == 30
    assert load_config(environ={"DATA_CONTROLLER": "Salford\tCouncil"})["DATA_CONTROLLER"] == "Salford\tCouncil"


def test_a_json_setting_may_hold_line_breaks() -> None:
    options = '{\n  "socket_timeout": 1\n}'
    assert load_config(environ={"RATELIMIT_STORAGE_OPTIONS": options})["RATELIMIT_STORAGE_OPTIONS"] == {
        "socket_timeout": 1
    }


SIGNED_IN = {"SMTP_USERNAME": "space-to-think", "SMTP_PASSWORD": "relay-password-1"}


@pytest.mark.parametrize("environment", ["development", "production"])
def test_the_smtps_port_is_refused_saying_which_port_to_use(environment) -> None:
    """Found (operations review): with SMTP_PORT=465 (TLS from the first byte, which the service
    does not speak), every send waited SMTP_TIMEOUT and failed "Connection unexpectedly closed:
    timed out", and nothing said the port was the trouble."""
    settings = (PRODUCTION_OK if environment == "production" else {"APP_ENV": environment, "SECRET_KEY": "dev"}) | {
        "SMTP_HOST": "smtp.example.org",
        "SMTP_USE_TLS": True,
    }
    with pytest.raises(ConfigError, match=r"^SMTP_PORT is 465, .* usually 587, with SMTP_USE_TLS=true\.$"):
        load_config(settings | {"SMTP_PORT": 465}, environ={})
    assert load_config(settings | {"SMTP_PORT": 587}, environ={})["SMTP_PORT"] == 587


def test_production_never_sends_the_mail_password_unencrypted_to_another_machine(caplog) -> None:
    """Found (operations review): SMTP_ALLOW_UNENCRYPTED, meant for a trusted relay without
    STARTTLS, let the service sign in to it too, sending the mail password across the network as
    it is. Production refuses, naming the settings and what to do (never the password); the
    other environments warn; a mail server on this machine, or STARTTLS, is fine."""
    relay = {"SMTP_HOST": "10.0.0.25", "SMTP_ALLOW_UNENCRYPTED": True}
    with pytest.raises(ConfigError) as refused:
        load_config(PRODUCTION_OK | relay | SIGNED_IN, environ={})
    message = str(refused.value)
    assert message.startswith("SMTP_USERNAME is set but SMTP_USE_TLS is not")
    assert "(10.0.0.25)" in message and "SMTP_PASSWORD" in message
    assert "Set SMTP_USE_TLS=true" in message and "leave SMTP_USERNAME and SMTP_PASSWORD unset" in message
    assert SIGNED_IN["SMTP_PASSWORD"] not in message
    # Without signing in, the trusted relay is still allowed; so is signing in over STARTTLS or here.
    for fine in (relay, relay | SIGNED_IN | {"SMTP_USE_TLS": True}, {"SMTP_HOST": "localhost"} | SIGNED_IN):
        assert load_config(PRODUCTION_OK | fine, environ={})["SMTP_HOST"] == fine["SMTP_HOST"]
    with caplog.at_level(logging.WARNING, logger="app.config"):
        load_config({"APP_ENV": "development", "SECRET_KEY": "dev"} | relay | SIGNED_IN, environ={})
        assert "SMTP_USERNAME is set but SMTP_USE_TLS is not" in caplog.text
        assert SIGNED_IN["SMTP_PASSWORD"] not in caplog.text
        caplog.clear()
        load_config({"APP_ENV": "development", "SECRET_KEY": "dev", "SMTP_HOST": "127.0.0.1"} | SIGNED_IN, environ={})
        assert "SMTP_USE_TLS is not" not in caplog.text
        # Found (operator review): mail settings without FACILITATOR_EMAIL, so no email is ever sent,
        # started without a word.
        assert (
            "SMTP_HOST and SMTP_USERNAME and SMTP_PASSWORD are set but FACILITATOR_EMAIL is not, so the service "
            "sends no email at all" in caplog.text
        )
        caplog.clear()
        load_config(
            {
                "APP_ENV": "development",
                "SECRET_KEY": "dev",
                "SMTP_HOST": "127.0.0.1",
                "FACILITATOR_EMAIL": "f@x.example",
            },
            environ={},
        )
        assert "FACILITATOR_EMAIL is not" not in caplog.text


@pytest.mark.parametrize("host", ["mailhub", "ip6-localhost"])
def test_a_name_taken_as_this_machine_must_lead_to_it(host, monkeypatch) -> None:
    """Found (review): the machine's own name (and ip6-localhost) was taken as this machine by its
    spelling alone, but it is looked up like any name when the mail is sent: a hostname that DNS
    (or /etc/hosts) puts on another machine, as a name shared with a mail relay can be, sent
    request PDFs and the mail password across the network unencrypted. Only a name that leads to
    loopback addresses alone is this machine's."""
    import app.config as config_module

    monkeypatch.setattr(config_module.socket, "gethostname", lambda: "mailhub")

    def elsewhere(name, *args, **kwargs):  # type: ignore[no-untyped-def]  # socket.getaddrinfo's signature
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.25", 0))]

    monkeypatch.setattr(config_module.socket, "getaddrinfo", elsewhere)
    with pytest.raises(ConfigError, match=r"^SMTP_USE_TLS must be true"):
        load_config(PRODUCTION_OK | {"SMTP_HOST": host}, environ={})

    def unknown(name, *args, **kwargs):  # type: ignore[no-untyped-def]  # socket.getaddrinfo's signature
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(config_module.socket, "getaddrinfo", unknown)
    with pytest.raises(ConfigError, match=r"^SMTP_USE_TLS must be true"):
        load_config(PRODUCTION_OK | {"SMTP_HOST": host}, environ={})

    def here(name, *args, **kwargs):  # type: ignore[no-untyped-def]  # socket.getaddrinfo's signature
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.1.1", 0)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 0, 0, 0)),
        ]

    monkeypatch.setattr(config_module.socket, "getaddrinfo", here)
    assert load_config(PRODUCTION_OK | {"SMTP_HOST": host}, environ={})["SMTP_HOST"] == host


@pytest.mark.parametrize(
    "variable, value",
    [
        ("WTF_CSRF_ENABLED", "false"),
        ("HSTS", "false"),
        ("SESSION_COOKIE_HTTPONLY", "false"),
        ("SESSION_COOKIE_SAMESITE", "None"),
        ("SESSION_COOKIE_SECURE", "false"),
    ],
)
def test_production_refuses_weakened_security_from_the_environment(variable, value) -> None:
    environ = {
        "APP_ENV": "production",
        "SECRET_KEY": "production-like-test-secret-0123456789",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    environ |= {name: PRODUCTION_OK[name] for name in PRIVACY_NOTICE}
    environ["DATABASE_URL"] = PRODUCTION_OK["SQLALCHEMY_DATABASE_URI"]
    assert load_config(environ=environ)["APP_ENV"] == "production"
    with pytest.raises(ConfigError, match=f"^{variable} must be "):
        load_config(environ=environ | {variable: value})


def test_production_names_its_session_cookie_so_that_no_other_site_can_plant_one(tmp_path) -> None:
    """Found (security review): a site elsewhere under the same domain (or a reply over plain HTTP
    to one of its addresses) could set space_to_think_session for the whole domain, or for /request
    only, and a practitioner's request was then written into the planter's session. A "__Host-"
    cookie is taken by browsers only from this site, over HTTPS, for the whole site."""
    from support.database import migrated_sqlite

    environ = {
        "APP_ENV": "production",
        "SECRET_KEY": "production-like-test-secret-0123456789",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    environ |= {name: PRODUCTION_OK[name] for name in PRIVACY_NOTICE}
    environ["DATABASE_URL"] = PRODUCTION_OK["SQLALCHEMY_DATABASE_URI"]
    name = load_config(environ=environ)["SESSION_COOKIE_NAME"]
    assert name == "__Host-space_to_think_session"
    # What the browser is sent, with that name (a test app: production's needs PostgreSQL and Redis).
    app = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": migrated_sqlite(tmp_path / "cookie.db"),
            "SESSION_COOKIE_NAME": name,
            "SESSION_COOKIE_SECURE": True,
        }
    )
    try:
        response = app.test_client().get("/start", base_url="https://localhost")
        [cookie] = response.headers.getlist("Set-Cookie")
        assert cookie.startswith(f"{name}=")
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "secure" in attributes and "path=/" in attributes
        assert not any(part.startswith("domain=") for part in attributes)
    finally:
        dispose(app)


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b"])
def test_production_refuses_a_privacy_notice_without_a_data_controller_in_one_line(value) -> None:
    """Found (practitioner review): with DATA_CONTROLLER unset, production started and the privacy
    notice told people not to enter personal details, which the request form requires."""
    with pytest.raises(SystemExit) as refused:
        create_app(PRODUCTION_OK | {"DATA_CONTROLLER": value})
    message = str(refused.value.code)
    assert message == (
        "Space to Think cannot start: DATA_CONTROLLER is not set: in production the privacy notice must name "
        "the data controller, so set it to the name of the organisation responsible for what people enter, "
        'e.g. DATA_CONTROLLER="Example City Council".'
    )
    environ = {
        "APP_ENV": "production",
        "SECRET_KEY": "production-like-test-secret-0123456789",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    environ["DATABASE_URL"] = PRODUCTION_OK["SQLALCHEMY_DATABASE_URI"]
    with pytest.raises(ConfigError, match=r"^DATA_CONTROLLER is not set"):
        load_config(environ=environ)
    given = {name: PRODUCTION_OK[name] for name in PRIVACY_NOTICE}
    assert load_config(environ=environ | given)["APP_ENV"] == "production"


@pytest.mark.parametrize("name", ["DATA_PROTECTION_CONTACT", "LAWFUL_BASIS"])
@pytest.mark.parametrize("value", [None, " ", "\u200b"])
def test_production_refuses_a_privacy_notice_without_a_contact_or_a_lawful_basis(name: str, value: str | None) -> None:
    """Found (go-live review): with either unset, production started and the privacy notice gave
    nobody to ask about what is kept, or to use one's rights with, or why it may be kept."""
    with pytest.raises(SystemExit) as refused:
        create_app(PRODUCTION_OK | {name: value})
    message = str(refused.value.code)
    assert message.startswith(f"Space to Think cannot start: {name} is not set: in production the privacy notice must")


@pytest.mark.parametrize("app_env", ["development", "test"])
def test_outside_production_no_data_controller_is_needed_and_the_notice_says_so(app_env, tmp_path: Path) -> None:
    app = create_app(
        {
            "APP_ENV": app_env,
            "SECRET_KEY": "production-like-test-secret-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
        }
    )
    assert app.config["DATA_CONTROLLER"] is None
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "has not yet said who the data controller is" in html
    dispose(app)


@pytest.mark.parametrize("app_env", ["development", "test", "production"])
def test_a_samesite_value_browsers_do_not_know_stops_start_up_in_every_environment(monkeypatch, app_env) -> None:
    """Found (security review): SESSION_COOKIE_SAMESITE=Bogus started, then every page that set
    the cookie was an error (500)."""
    monkeypatch.setenv("SESSION_COOKIE_SAMESITE", "Bogus")
    with pytest.raises(SystemExit, match="SESSION_COOKIE_SAMESITE must be Strict, Lax or None, but it is 'Bogus'"):
        create_app(PRODUCTION_OK | {"APP_ENV": app_env})
    monkeypatch.delenv("SESSION_COOKIE_SAMESITE")
    with pytest.raises(SystemExit, match="SESSION_COOKIE_SAMESITE must be Strict, Lax or None"):
        create_app(PRODUCTION_OK | {"APP_ENV": app_env, "SESSION_COOKIE_SAMESITE": "Bogus"})


def test_samesite_may_be_written_in_any_case_and_the_cookie_says_it(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SESSION_COOKIE_SAMESITE", "strict")
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'samesite.db'}"})
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    with app.app_context():
        db.create_all()
    add_session_probe(app)
    form_page = app.test_client().get("/_test/answers")
    assert form_page.status_code == 200
    assert "SameSite=Strict" in next(h for h in form_page.headers.getlist("Set-Cookie") if "space_to_think" in h)
    dispose(app)


@pytest.mark.parametrize(
    "variable, value",
    [
        ("RETENTION_DAYS", "abc"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("SMTP_USE_TLS", "maybe"),
        ("APP_ENV", "staging"),
        ("AUDIT_RETENTION_DAYS", "six years"),
        ("AUDIT_RETENTION_DAYS", "60"),  # shorter than RETENTION_DAYS (90)
    ],
)
def test_a_bad_environment_value_stops_start_up_naming_the_variable(monkeypatch, variable, value) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match=variable):
        create_app(None)


@pytest.mark.parametrize(
    "value",
    [
        "We usually reply within 5 working days.",  # a sentence of its own
        "Within 5 working days",  # would read "contact you Within 5 working days"
        "within 5 working days.",  # a full stop in the middle of the sentence
        "within 5 working days,\nor sooner",
        "within " + "a very long time " * 6,
    ],
)
def test_a_response_time_that_does_not_fit_its_sentence_stops_start_up(monkeypatch, value) -> None:
    """RESPONSE_TIME_TEXT completes "The facilitators will usually contact you … to arrange a session.",
    on the submitted page and in the acknowledgement: anything else is refused, naming the setting."""
    monkeypatch.setenv("RESPONSE_TIME_TEXT", value)
    with pytest.raises(
        SystemExit,
        match=r'RESPONSE_TIME_TEXT (must be a short phrase .*like "within 5 working days"|holds a control character)',
    ):
        create_app({"APP_ENV": "test"})


@pytest.mark.parametrize("value", ["email facilitators@example.org", "Email facilitators@example.org", "Call us:"])
def test_a_contact_text_that_is_not_whole_sentences_stops_start_up(monkeypatch, value) -> None:
    """Found: "email facilitators@example.org" (no capital, no full stop) made the emails read
    "email facilitators@example.org You can also reply to this email."."""
    monkeypatch.setenv("FACILITATOR_CONTACT_TEXT", value)
    with pytest.raises(SystemExit, match=r"FACILITATOR_CONTACT_TEXT must be one or more whole sentences"):
        create_app({"APP_ENV": "test"})


@pytest.mark.parametrize("value", ["Call us (Monday to Friday.)", 'Say "help."', "   ", "Email us. Or call!"])
def test_a_contact_text_of_whole_sentences_is_taken(value: str) -> None:
    """A last sentence inside brackets or quotes is a whole sentence; spaces only are no text."""
    assert load_config({"APP_ENV": "test", "FACILITATOR_CONTACT_TEXT": value}, environ={})


@pytest.mark.parametrize(
    "variable, value, acronym",
    [
        ("FACILITATOR_CONTACT_TEXT", "Email the SSCP team.", "SSCP"),
        ("RESPONSE_TIME_TEXT", "within 5 days of the MASH referral", "MASH"),
    ],
)
def test_an_acronym_not_spelled_out_in_the_words_shown_after_submitting_stops_start_up(
    monkeypatch, variable: str, value: str, acronym: str
) -> None:
    """Found (partnership review): both are shown to every practitioner who sends a request, on
    the submitted page and in the acknowledgement email, and an acronym in them passed unexplained,
    where the partnership file's own words may not have one."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match=rf"{variable} uses the acronym {acronym} without spelling it out"):
        create_app({"APP_ENV": "test"})


@pytest.mark.parametrize(
    "variable, value, acronym",
    [("DATA_CONTROLLER", "SSCP", "SSCP"), ("DATA_PROTECTION_CONTACT", "the council's DPO, dpo@salford.example", "DPO")],
)
def test_an_acronym_not_spelled_out_in_the_privacy_notices_settings_stops_start_up(
    monkeypatch, variable: str, value: str, acronym: str
) -> None:
    """Found (partnership review): the privacy notice shows both to anyone who reads it, and an
    acronym in them passed unexplained, where the other settings people read may not have one."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(
        SystemExit,
        match=rf"{variable} uses the acronym {acronym} without spelling it out \(the privacy notice shows it\)",
    ):
        create_app({"APP_ENV": "test"})


@pytest.mark.parametrize(
    "variable, value",
    [
        ("FACILITATOR_CONTACT_TEXT", "Email the Salford Safeguarding Children Partnership (SSCP) team."),
        ("FACILITATOR_CONTACT_TEXT", "Call us from anywhere in the UK."),
        # An address is given as it is: its capitals are not an acronym to spell out (found in review).
        ("FACILITATOR_CONTACT_TEXT", "Email SpaceToThink.SSCP@salford.gov.uk or see www.SSCP.example/STT."),
        ("RESPONSE_TIME_TEXT", "within 5 working days"),
        # A time of day is not an acronym (found, partnership review: "9 AM" was refused).
        ("FACILITATOR_CONTACT_TEXT", "Call us between 9 AM and 5 PM."),
        ("DATA_CONTROLLER", "Salford City Council, for the Salford Safeguarding Children Partnership (SSCP)"),
        ("DATA_PROTECTION_CONTACT", "the Data Protection Officer (DPO), DPO@salford.example"),
    ],
)
def test_words_shown_after_submitting_with_acronyms_spelled_out_are_taken(variable: str, value: str) -> None:
    assert load_config({"APP_ENV": "test", variable: value}, environ={})[variable] == value


def test_the_example_contact_text_is_whole_sentences() -> None:
    example = (PROJECT_ROOT / "deploy" / "space-to-think.env.example").read_text(encoding="utf-8")
    [value] = re.findall(r'^FACILITATOR_CONTACT_TEXT="([^"]*)"$', example, re.M)
    assert (
        load_config({"APP_ENV": "test", "FACILITATOR_CONTACT_TEXT": value}, environ={})["FACILITATOR_CONTACT_TEXT"]
        == value
    )


def test_the_example_response_time_fits_its_sentence() -> None:
    example = (PROJECT_ROOT / "deploy" / "space-to-think.env.example").read_text(encoding="utf-8")
    [value] = re.findall(r'^#RESPONSE_TIME_TEXT="([^"]*)"$', example, re.M)  # (left out until agreed)
    assert load_config({"APP_ENV": "test", "RESPONSE_TIME_TEXT": value}, environ={})["RESPONSE_TIME_TEXT"] == value


def test_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example.invalid/x")
    app = create_app({"APP_ENV": "test"})
    assert app.config["RETENTION_DAYS"] == 30
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SMTP_HOST"].endswith(".invalid")


# A value of each setting's type that differs from every class's default.
SAMPLE_VALUES = {
    bool: ("true", "false"),
    int: ("7", "8"),
    float: ("0.5", "0.25"),
    str: ("from-env", "other"),
    dict: ('{"pool_size": 3}', '{"pool_size": 4}'),
}
# Settings whose text must have a form of its own.
SAMPLE_SETTINGS = {
    "TRUSTED_PROXIES": ("127.0.0.1,10.0.0.0/8", "2"),
    "RATELIMIT_APPLICATION": ("10 per minute", "20 per minute"),
    "INBOX_SIGN_IN_LIMIT": ("3 per minute;10 per hour", "4 per minute"),
    "SUPERVISION_RECORD_LIMIT": ("5 per minute", "6 per minute"),
    "REQUEST_SUBMIT_LIMIT": ("7 per hour", "8 per hour"),
    "PUBLIC_BASE_URL": ("https://stt.example", "https://other.example"),
    "SESSION_COOKIE_SAMESITE": ("Strict", "None"),
    "EXIT_URL": ("https://exit.example/from-env", "https://exit.example/other"),
    "FACILITATOR_EMAIL": ("facilitators@from-env.example", "other@from-env.example"),
    "MAIL_FROM": ("service@from-env.example", "other@from-env.example"),
    "FACILITATOR_CONTACT_TEXT": ("Email us from the environment.", "Call us from the environment."),
    "OUTBOX_RETRY_MAX_SECONDS": ("7000", "8000"),  # at least the retry (checked together)
    "COUNTS_RETENTION_MONTHS": ("24", "36"),  # at least 12 (the months the statistics page shows)
    "INBOX_LOCKOUT_MAX_MINUTES": ("70", "80"),
    "AUDIT_RETENTION_DAYS": ("3000", "3100"),  # more than RETENTION_DAYS (checked together)
    "MAX_CONTENT_LENGTH": ("70000", "80000"),  # at least 65,536 (the service's own forms)
}


def test_every_setting_can_be_set_from_the_environment() -> None:
    environ: dict[str, str] = {}
    for setting, kind in setting_types(Config).items():
        if setting in Config.FIXED:
            continue
        first, second = SAMPLE_SETTINGS.get(setting) or SAMPLE_VALUES[kind]
        raw = second if convert(setting, first, kind, setting) == getattr(DevelopmentConfig, setting) else first
        environ[ENV_NAMES.get(setting, setting)] = raw
    environ["DATABASE_URL"] = "postgres://u:p@db.example.invalid/x"
    settings = load_config(environ=environ)
    for setting, kind in setting_types(Config).items():
        if setting in Config.FIXED:
            continue
        variable = ENV_NAMES.get(setting, setting)
        assert settings[setting] == convert(variable, environ[variable], kind, setting), setting
        assert settings[setting] != getattr(DevelopmentConfig, setting), setting
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example.invalid/x"


def test_the_readmes_local_mail_command_sets_what_the_emails_need() -> None:
    """Found (following the README's commands to try the service): without a web address the
    feedback link after a session was never sent, and the facilitators' email had no link to the
    request. The command's settings must load in development, the address the one served."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`(FACILITATOR_EMAIL=[^`]*?)\s*scripts/run`", readme)
    assert command is not None
    environ = dict(part.split("=", 1) for part in command.group(1).split())
    assert environ["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"  # where scripts/run serves by default
    settings = load_config({"APP_ENV": "development"}, environ=environ)
    assert settings["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert settings["FACILITATOR_EMAIL"] == "facilitators@example.org" and settings["SMTP_PORT"] == 8025


def test_every_setting_is_listed_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Settings") : readme.index("## What each dependency is for")]
    missing = [
        ENV_NAMES.get(name, name)
        for name in setting_types(Config)
        if name not in {"DEBUG", "TESTING"} and f"`{ENV_NAMES.get(name, name)}`" not in table
    ]
    assert missing == []


@pytest.mark.parametrize(
    "variable, value",
    [
        ("SESSION_PURGE_PROBABILITY", "2"),
        ("SESSION_PURGE_PROBABILITY", "often"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("RATELIMIT_DEFAULT", "lots"),
        ("INBOX_SIGN_IN_LIMIT", "5 a minute"),
        ("SQLALCHEMY_ENGINE_OPTIONS", "[1, 2]"),
        ("SQLALCHEMY_ENGINE_OPTIONS", "{broken"),
        # Privacy review: each would put what people typed into the logs.
        ("SQLALCHEMY_ENGINE_OPTIONS", '{"hide_parameters": false}'),
        ("SQLALCHEMY_ENGINE_OPTIONS", '{"pool_size": 10, "hide_parameters": 0}'),
        ("SQLALCHEMY_ENGINE_OPTIONS", '{"echo": "debug"}'),
        ("WTF_CSRF_TIME_LIMIT", "soon"),
        ("SESSION_COOKIE_SAMESITE", "Bogus"),
        ("SESSION_COOKIE_SAMESITE", "Lax;"),
        # Found by the faults review: each was accepted, and failed later or silently.
        ("SESSION_IDLE_MINUTES", "40000"),  # the page's timer fired at once, clearing answers
        ("RETENTION_DAYS", "1000000"),  # the purge could not work out the date
        ("AUDIT_RETENTION_DAYS", "1000000"),
        ("AUDIT_RETENTION_DAYS", "-1"),
        ("AUDIT_RETENTION_DAYS", "6.5"),
        ("SMTP_PORT", "99999"),
        ("OUTBOX_POLL_SECONDS", "10000000000"),  # the worker crashed
        ("EXIT_URL", "www.bbc.co.uk/weather"),  # "Exit this page" led to this service's own 404
        ("EXIT_URL", "javascript:alert(1)"),
        # Operator review: a port no browser can reach was taken, and every link made with it led nowhere.
        ("EXIT_URL", "https://www.bbc.co.uk:99999/weather"),
        ("PUBLIC_BASE_URL", "https://spacetothink.example.org:99999"),
        ("PUBLIC_BASE_URL", "https://spacetothink.example.org:0"),
        ("PUBLIC_BASE_URL", "https://spacetothink.example.org:https"),
        # Operations review: the inbox's address pasted in; every emailed link went to /inbox/inbox/...
        ("PUBLIC_BASE_URL", "https://spacetothink.example.org/inbox"),
        ("PUBLIC_BASE_URL", "https://spacetothink.example.org/stt/inbox/requests"),
        ("PUBLIC_BASE_URL", "https://spacetothink.example.org/start"),
        ("DATABASE_URL", "notaurl"),  # a traceback that named no setting
        ("DATABASE_URL", "postgres://u@h:notaport/db"),
        ("DATABASE_URL", "postgresq://u:p@127.0.0.1/db"),
        ("DATABASE_URL", "mysql://u:p@h/db"),
        # Robustness review: a driver the service does not have gave a traceback naming no setting.
        ("DATABASE_URL", "postgresql+psycopg2://u:p@127.0.0.1:5432/db"),
        ("DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1:5432/db"),
        ("DATABASE_URL", "sqlite+pysqlcipher:///space.db"),
        # Configuration review: a password holding "@" or "#" not written as a code was read as
        # another host ("the database's host name cannot be found") on every page.
        ("DATABASE_URL", "postgresql://stt:p@ss#word@127.0.0.1:5432/db"),
        ("DATABASE_URL", "postgresql://stt:p@ss@127.0.0.1:5432/db"),
        ("SESSION_COOKIE_NAME", "bad name;x"),  # the browser kept no usable cookie
        ("MAX_CONTENT_LENGTH", "100"),  # every form was refused, Start now too ("too large")
        # Operator review: production's cookie name without SESSION_COOKIE_SECURE (development's
        # default): browsers refuse such a cookie, and every answer was asked again.
        ("SESSION_COOKIE_NAME", "__Host-space_to_think_session"),
        ("SESSION_COOKIE_NAME", "__secure-space_to_think_session"),
        ("SESSION_COOKIE_SAMESITE", "None"),  # without SESSION_COOKIE_SECURE: refused by browsers too
        # Operator review: the inbox's known-device cookie's name: each cookie overwrote the other.
        ("SESSION_COOKIE_NAME", "space_to_think_device"),
        # Operator review: every address trusted as a proxy, so anyone could choose theirs for the limits.
        ("TRUSTED_PROXIES", "0.0.0.0/0"),
        ("TRUSTED_PROXIES", "127.0.0.1, ::/0"),
        # Operator review: markup, which the partnership file may not hold, was shown as typed.
        ("FACILITATOR_CONTACT_TEXT", "Email <b>the facilitators</b> at team@partnership.example."),
        ("RESPONSE_TIME_TEXT", "within **5** working days"),
        ("DATA_CONTROLLER", "Example City Council &amp; partners"),
        ("DATA_PROTECTION_CONTACT", "[The data protection officer](https://partnership.example/dpo)"),
    ],
)
def test_every_kind_of_bad_value_is_refused_naming_the_variable(variable, value) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_config(environ={variable: value})


@pytest.mark.parametrize(
    "environ, named",
    [
        ({"FACILITATOR_EMAIL": "facilitators@partnership.example"}, "SMTP_HOST is not set"),
        ({"FACILITATOR_EMAIL": "a@b.example, c@d.example", "SMTP_HOST": "smtp.example"}, "FACILITATOR_EMAIL"),
        ({"FACILITATOR_EMAIL": "not-an-email", "SMTP_HOST": "smtp.example"}, "FACILITATOR_EMAIL"),
        ({"FACILITATOR_EMAIL": "a@b.example", "SMTP_HOST": "smtp.example", "MAIL_FROM": "nope"}, "MAIL_FROM"),
        ({"FACILITATOR_EMAIL": "a@b.example", "SMTP_HOST": "http://smtp.example"}, "SMTP_HOST"),
        ({"SMTP_HOST": "smtp host"}, "SMTP_HOST"),
        ({"SMTP_HOST": "smtp.example.org,"}, "SMTP_HOST must be the mail server's name"),  # operator review
        ({"SMTP_HOST": "smtp.example.org;"}, "SMTP_HOST must be the mail server's name"),
        ({"SMTP_HOST": "-1"}, "SMTP_HOST must be the mail server's name"),
        ({"SMTP_HOST": "smtp..example"}, "SMTP_HOST must be the mail server's name"),  # operator review
        ({"SMTP_HOST": ".smtp.example"}, "SMTP_HOST must be the mail server's name"),
        ({"SMTP_HOST": "smtp-.example"}, "SMTP_HOST must be the mail server's name"),
        ({"OUTBOX_RETRY_SECONDS": "7200"}, "OUTBOX_RETRY_SECONDS .7200. must not be more than OUTBOX_RETRY_MAX"),
        ({"INBOX_LOCKOUT_MINUTES": "120"}, "INBOX_LOCKOUT_MINUTES .120. must not be more than"),
        # Found (retention review): the audit log must outlive the requests whose trail it is.
        ({"AUDIT_RETENTION_DAYS": "90"}, r"AUDIT_RETENTION_DAYS \(90\) must be more than RETENTION_DAYS \(90\)"),
        ({"RETENTION_DAYS": "3000"}, r"AUDIT_RETENTION_DAYS \(2192\) must be more than RETENTION_DAYS \(3000\)"),
        # The statistics page shows 12 months: fewer kept would show deleted months as nothing counted.
        ({"COUNTS_RETENTION_MONTHS": "6"}, r"^COUNTS_RETENTION_MONTHS must be 12 or more, but it is 6\."),
        ({"COUNTS_RETENTION_MONTHS": "241"}, r"^COUNTS_RETENTION_MONTHS must be 240 or less"),
    ],
)
def test_settings_that_cannot_work_together_are_refused_naming_them(environ: dict, named: str) -> None:
    """Found: mail set up without a mail server (every email retried for ever, the inbox blaming
    "the mail server"), and pairs of limits silently capped."""
    with pytest.raises(ConfigError, match=named):
        load_config(environ=environ)


def test_a_counts_retention_too_short_is_refused_however_it_is_set() -> None:
    with pytest.raises(ConfigError, match=r"^COUNTS_RETENTION_MONTHS must be 12 or more, but it is 11\."):
        load_config(overrides={"COUNTS_RETENTION_MONTHS": 11}, environ={})
    assert load_config(overrides={"COUNTS_RETENTION_MONTHS": 12}, environ={})["COUNTS_RETENTION_MONTHS"] == 12


def test_mail_settings_that_can_work_are_accepted() -> None:
    for host in ("smtp.example.org", "127.0.0.1", "::1"):
        settings = load_config(environ={"FACILITATOR_EMAIL": "team@partnership.example", "SMTP_HOST": host})
        assert settings["SMTP_HOST"] == host
    sender = "Space to Think <noreply@partnership.example>"
    environ = {"FACILITATOR_EMAIL": "Facilitators <team@partnership.example>", "SMTP_HOST": "smtp.example"}
    assert load_config(environ={**environ, "MAIL_FROM": sender})["MAIL_FROM"] == sender
    for sender in (
        '"Space to Think: Salford" <noreply@partnership.example>',
        "Zoë Brontë <noreply@partnership.example>",
    ):
        assert load_config(environ={**environ, "MAIL_FROM": sender})["MAIL_FROM"] == sender


@pytest.mark.parametrize("setting", ["MAIL_FROM", "FACILITATOR_EMAIL"])
@pytest.mark.parametrize(
    "value",
    [
        "=?utf-8?q?Space_to_Think:_Salford?= <noreply@partnership.example>",  # sent decoded: the same group
        "Space to Think\\: Salford <noreply@partnership.example>",  # no address a header can read
    ],
)
def test_an_address_a_header_would_read_as_a_group_or_not_at_all_is_refused(setting: str, value: str) -> None:
    """Found (regression review): an encoded-word name with a colon went out as the group the check
    below refuses, and a backslash-escaped colon left the header with no address."""
    environ = {"FACILITATOR_EMAIL": "team@partnership.example", "SMTP_HOST": "smtp.example"}
    with pytest.raises(ConfigError, match=f"^{setting} must be one email address"):
        load_config(environ={**environ, setting: value})


@pytest.mark.parametrize("setting", ["MAIL_FROM", "FACILITATOR_EMAIL"])
def test_an_address_whose_name_has_a_colon_is_refused_saying_to_quote_the_name(setting: str) -> None:
    """Found (email review): "Space to Think: Salford <noreply@…>" was taken, and every email's From:
    (or To: and Reply-To:) header read it as a group named "Space to Think", which a From: header may
    not hold, ending in ";": mail servers may refuse such mail, or call it spam."""
    environ = {"FACILITATOR_EMAIL": "team@partnership.example", "SMTP_HOST": "smtp.example"}
    with pytest.raises(ConfigError, match=f"^{setting} must be one email address") as caught:
        load_config(environ={**environ, setting: "Space to Think: Salford <noreply@partnership.example>"})
    assert "put the name in double quotes" in str(caught.value)


def test_the_audit_log_is_kept_six_years_unless_set_longer_than_the_requests() -> None:
    assert load_config(environ={})["AUDIT_RETENTION_DAYS"] == 6 * 365 + 2
    settings = load_config(environ={"RETENTION_DAYS": "3000", "AUDIT_RETENTION_DAYS": "3001"})
    assert (settings["RETENTION_DAYS"], settings["AUDIT_RETENTION_DAYS"]) == (3000, 3001)


def test_the_database_answer_check_can_be_turned_off_as_the_readme_says() -> None:
    """Found (operator review): 0, which the README and the example settings file give for "off",
    stopped start-up ("must be 1 or more"); below 0 still does."""
    assert load_config(environ={"DATABASE_ANSWER_CHECK_SECONDS": "0"})["DATABASE_ANSWER_CHECK_SECONDS"] == 0
    with pytest.raises(ConfigError, match="DATABASE_ANSWER_CHECK_SECONDS must be 0 or more"):
        load_config(environ={"DATABASE_ANSWER_CHECK_SECONDS": "-1"})


def test_engine_options_that_keep_typed_text_out_of_the_logs_are_accepted() -> None:
    for options in ('{"hide_parameters": true}', '{"echo": true, "pool_size": 10}'):
        assert load_config(environ={"SQLALCHEMY_ENGINE_OPTIONS": options})["SQLALCHEMY_ENGINE_OPTIONS"]


def test_start_up_names_bad_engine_or_redis_options(monkeypatch) -> None:
    """Found: bad engine options gave a traceback; a misspelt Redis option kept every count in
    each process's memory with nothing said."""
    base = {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    # Said in words, not as SQLAlchemy's or Python's error (found, configuration review:
    # "TypeError: Invalid argument(s) 'pool_sise' sent to create_engine(), using configuration
    # PGDialect_psycopg/QueuePool/Engine", "ValueError: invalid literal for int() with base 10").
    for options, said in (
        ('{"bogus": 1}', "SQLALCHEMY_ENGINE_OPTIONS cannot be used: bogus is not an option the database engine takes."),
        (
            '{"pool_sise": 10}',
            "cannot be used: pool_sise (did you mean pool_size?) is not an option the database engine",
        ),
        (
            '{"pool_size": "ten"}',
            'SQLALCHEMY_ENGINE_OPTIONS: pool_size must be a whole number from 0 (0 for no limit), but it is "ten".',
        ),
        ('{"pool_size": -3}', "SQLALCHEMY_ENGINE_OPTIONS: pool_size must be a whole number from 0 (0 for no limit)"),
        ('{"connect_args": [1]}', "SQLALCHEMY_ENGINE_OPTIONS: connect_args must be a JSON object"),
    ):
        monkeypatch.setenv("SQLALCHEMY_ENGINE_OPTIONS", options)
        with pytest.raises(SystemExit) as refused:
            create_app({**base, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u:p@127.0.0.1:1/x"})
        assert said in str(refused.value) and "Error:" not in str(refused.value), str(refused.value)
    monkeypatch.delenv("SQLALCHEMY_ENGINE_OPTIONS")
    monkeypatch.setenv("RATELIMIT_STORAGE_OPTIONS", '{"socket_timeot": 1}')
    with pytest.raises(StartupError, match=r"RATELIMIT_STORAGE_OPTIONS .*socket_timeot"):
        create_app({**base, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    # What the rate-limit store itself takes is fine (a prefix, when staging shares production's Redis).
    monkeypatch.setenv("RATELIMIT_STORAGE_OPTIONS", '{"socket_timeout": 1, "key_prefix": "staging"}')
    assert create_app({**base, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}).config["RATELIMIT_STORAGE_OPTIONS"]
    # A mistyped address says what one looks like (operator review: "unknown storage scheme" alone).
    monkeypatch.delenv("RATELIMIT_STORAGE_OPTIONS")
    with pytest.raises(StartupError) as refused:
        create_app({**base, "RATELIMIT_STORAGE_URI": "rediss//typo:6379"})
    assert "RATELIMIT_STORAGE_URI cannot be used: " in str(refused.value)
    assert str(refused.value).endswith("Give a Redis address, like redis://127.0.0.1:6379/0")


@pytest.mark.parametrize(
    "options, message",
    [
        ('{"socket_timeout": "x"}', 'socket_timeout must be a number of seconds more than 0, not "x"'),
        ('{"socket_connect_timeout": -1}', "socket_connect_timeout must be a number of seconds more than 0, not -1"),
        ('{"socket_timeout": 0}', "socket_timeout must be a number of seconds more than 0, not 0"),
        ('{"socket_timeout": true}', "socket_timeout must be a number of seconds more than 0, not true"),
        ('{"socket_timeout": NaN}', "socket_timeout must be a number of seconds more than 0, not NaN"),
        ('{"retry_on_timeout": "yes"}', 'retry_on_timeout must be true or false, not "yes"'),
        ('{"max_connections": 2.5}', "max_connections must be a whole number more than 0, not 2.5"),
        ('{"key_prefix": 7}', "key_prefix must be text (in double quotes), or null, not 7"),
        ('{"password": 12345678}', "password must be text (in double quotes), or null, not password"),
        (
            '{"socket_timeout": "1", "socket_connect_timeout": -1}',
            "socket_connect_timeout must be a number of seconds more than 0, not -1; "
            'socket_timeout must be a number of seconds more than 0, not "1"',
        ),
    ],
)
def test_start_up_refuses_redis_option_values_the_client_cannot_use(monkeypatch, options: str, message: str) -> None:
    """Found (robustness review): a Redis timeout of "x" or -1 passed start-up; every use of
    Redis then failed, and the limits and lockouts stayed in each process's memory for good."""
    monkeypatch.setenv("RATELIMIT_STORAGE_OPTIONS", options)
    with pytest.raises(StartupError) as caught:
        create_app(
            {
                "APP_ENV": "test",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
            }
        )
    assert caught.value.code == f"Space to Think cannot start: RATELIMIT_STORAGE_OPTIONS cannot be used: {message}."
    assert "12345678" not in str(caught.value.code)


def test_redis_option_values_the_client_takes_are_accepted(monkeypatch) -> None:
    monkeypatch.setenv(
        "RATELIMIT_STORAGE_OPTIONS",
        '{"socket_timeout": 1, "socket_connect_timeout": 0.5, "health_check_interval": 0, "retry_on_timeout": true, '
        '"max_connections": 20, "db": 0, "key_prefix": "staging", "password": "secret", "ssl_cert_reqs": "none", '
        '"username": null}',
    )
    settings = {
        "APP_ENV": "test",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
    }
    assert create_app(settings).config["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] == 0.5


def test_the_inbox_sign_in_limit_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("INBOX_SIGN_IN_LIMIT", "1 per minute")
    client = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_client()
    assert client.application.config["INBOX_SIGN_IN_LIMIT"] == "1 per minute"


def test_no_module_the_factory_uses_imports_the_factory() -> None:
    """The factory sits on top: nothing under app/ imports ``app/__init__.py`` (directly or by name)."""
    package = Path(__file__).resolve().parent.parent / "app"
    offenders = []
    for path in package.rglob("*.py"):
        if path == package / "__init__.py":
            continue
        levels_up_to_app = len(path.relative_to(package).parts)  # "from .. import" in app/wizard/views.py
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (
                (node.level == levels_up_to_app and node.module is None) or (node.level == 0 and node.module == "app")
            ):
                # A submodule ("from . import audit") is fine; a name defined in app/__init__.py is not.
                names = [
                    alias.name
                    for alias in node.names
                    if not (package / f"{alias.name}.py").exists() and not (package / alias.name).is_dir()
                ]
                offenders += [f"{path.relative_to(package)}:{node.lineno} {name}" for name in names]
            elif isinstance(node, ast.Import) and any(alias.name == "app" for alias in node.names):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert offenders == []


def test_only_the_factory_imports_the_main_blueprint() -> None:
    """The main blueprint's views sit on top: the factory registers them, and no other module
    imports from ``app/main/`` (at the top or inside a function). Found (layering review): the
    outbox worker imported the questions' PDF code from there inside its functions, to get round
    the import cycle this made (the views import the worker's health figures)."""
    package = Path(__file__).resolve().parent.parent / "app"
    offenders = []
    for path in package.rglob("*.py"):
        inside = path.relative_to(package).parts
        if path == package / "__init__.py" or inside[0] == "main":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = ("app", *inside[:-1])[: len(inside) - node.level + 1] if node.level else ()
                module = ".".join((*base, *(node.module.split(".") if node.module else ())))
                names = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offenders += [
                f"{path.relative_to(package)}:{node.lineno} {name}"
                for name in names
                if name == "app.main" or name.startswith("app.main.")
            ]
    assert offenders == []


def test_a_broken_rule_pack_stops_start_up_naming_the_file(tmp_path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions: [unclosed\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"broken\.yaml"):
        create_app({"APP_ENV": "test", "RULE_PACK_PATH": str(broken)})


def test_rule_pack_and_contacts_are_loaded_once_at_start_up(app: Flask) -> None:
    assert app.extensions[PACK_KEY] is not None
    assert app.extensions[CONTACTS_KEY].emergency


# --- Pages and chrome -----------------------------------------------------------------


def test_start_page_warns_about_immediate_danger_and_shows_the_notice(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<h1" in html and "999" in html
    assert "govuk-warning-text" in html
    assert "app-standing-notice" in html
    assert 'data-module="govuk-exit-this-page"' in html and 'href="/exit"' in html
    # "call 999" is a link a phone dials, in the warning and the notice at the top (found, review as
    # someone worried about a child on a phone: the only number to tap was in the footer, screens down).
    warning = html.split("govuk-warning-text", 1)[1].split("</div>", 1)[0]
    notice = html.split("app-standing-notice", 1)[1].split("</aside>", 1)[0]
    for part in (warning, notice):
        assert '<a class="govuk-link" href="tel:999">call 999</a>' in part, part
    # Found (journey review): without JavaScript no warning comes, and only the privacy notice
    # said answers are cleared after a while: the start page says so, in the limit set.
    assert "To keep your answers private, we clear them if you do nothing for 30 minutes." in html


def test_the_answers_cleared_page_keeps_the_urgent_numbers_in_sight(client: FlaskClient) -> None:
    """Found (review as someone worried about a child, on a phone): back after a call of half an
    hour, the outcome page had replaced itself with "Your answers were cleared", and its numbers
    were only in the footer, screens down. The page gives them in its body."""
    for path in ("/session-expired", "/session-expired?why=not-found"):
        html = client.get(path).get_data(as_text=True)
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert "If a child is at risk" in main, path
        for number in ('href="tel:999"', 'href="tel:01616034500"', 'href="tel:01617948888"'):
            assert number in main, (path, number)
        assert "This is not an urgent route" not in main  # (the request's pages' warning, not this page's)


@pytest.mark.parametrize("base", ["https://spacetothink.example.org", None])
def test_a_printed_page_says_where_it_came_from_when_the_service_has_its_address_set(
    app: Flask, base: str | None
) -> None:
    """Found (visual review): no printed page gave the service's address, so whoever was handed a
    printed outcome could not find the tool. The footer says it, on paper only (app-print-only):
    the address set, never the Host a visitor sent (the footer is made once and kept)."""
    app.config["PUBLIC_BASE_URL"] = base
    for path in ("/questions-to-prepare", "/privacy", "/how-it-decides"):
        html = app.test_client().get(path, base_url="http://elsewhere.example").get_data(as_text=True)
        line = '<p class="govuk-body-s app-print-only" data-printed-from>Printed from Space to Think: '
        assert (f"{line}https://spacetothink.example.org</p>" in html) is (base is not None), path
        assert ("data-printed-from" in html) is (base is not None), path
        assert "elsewhere.example" not in html, path


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_chrome(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and title.group(1).strip().endswith("– Space to Think – Salford Safeguarding Children Partnership")
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "app-standing-notice" in html and 'href="tel:999">call 999</a>' in html
    assert 'href="/exit"' in html
    assert "govuk-logo" not in html and "govuk-header__logotype" not in html  # no crown
    for link in ("/accessibility", "/privacy", "/cookies"):
        assert f'href="{link}"' in html


def test_footer_lists_the_emergency_contacts(app: Flask, client: FlaskClient) -> None:
    html = client.get("/cookies").get_data(as_text=True)
    footer = html[html.index("<footer") :]
    for contact in app.extensions[CONTACTS_KEY].emergency:
        assert contact.name.replace("'", "&#39;") in footer
        if contact.phone:
            assert contact.phone in footer


@pytest.mark.parametrize("path", [*PAGES, "/does-not-exist"])
def test_no_page_loads_anything_from_another_site(client: FlaskClient, path: str) -> None:
    assert external_resources(client.get(path).get_data(as_text=True)) == []


def test_privacy_notice_never_invents_a_controller(app: Flask, client: FlaskClient) -> None:
    html = client.get("/privacy").get_data(as_text=True)
    assert "has not yet said who the data controller is" in html
    assert f"{app.config['RETENTION_DAYS']} days" in html


@pytest.mark.parametrize("facilitator_email", [None, "facilitators@partnership.example"])
def test_privacy_notice_says_what_is_kept_besides_the_request(app: Flask, facilitator_email: str | None) -> None:
    """Found by the privacy review (session 14): the notice said a request is deleted after the
    retention period, but not that a copy is emailed to the facilitators' mailbox (which the
    service cannot delete), that the audit trail outlives the request, or that the web server logs
    each visitor's internet address."""
    app.config["FACILITATOR_EMAIL"] = facilitator_email
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert ("emailed to the facilitators' mailbox" in html) == bool(facilitator_email)
    assert "kept after the request is deleted" in html
    # What the record keeps of it, as the audit trail has it (found, data protection review: "the
    # reference only", where it names the other references shown with it, or in its session).
    assert "reference and what was done, with the references of your other requests" in html
    # In years first, the unit a reader thinks in (words review: "2,192 days (6 years)").
    assert "We delete each entry in this record 6 years (2,192 days) after it was made." in html
    assert "We delete each month's counts 6 years after the month began." in html
    assert "then remove their name, email address and password" in html
    assert "internet address" in html and "how long the log, and these notes of faults, are kept" in html
    # Found (review): it said the log holds each page asked for, but the questions, their outcome
    # and the request are left out of it (deploy/nginx-space-to-think.conf), but for a failure.
    assert "keeps a log of each page asked for" not in html
    assert "leaves out the questions, their outcome and the request" in html
    assert "unless one was refused" in html and "which page of the request it was" in html


def test_privacy_notice_names_the_configured_controller(tmp_path) -> None:
    app = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            "DATA_CONTROLLER": "Example Council",
            "DATA_PROTECTION_CONTACT": "the Data Protection Officer, dpo@example.invalid or 0161 496 0999",
        }
    )
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Example Council" in html and "dpo@example.invalid" in html
    # Its address and number can be tapped, as the facilitators' are (found, another area's review).
    assert '<a class="govuk-link" href="mailto:dpo@example.invalid">dpo@example.invalid</a>' in html
    assert 'href="tel:01614960999"' in html


def test_health_check_reports_the_database_its_schema_and_the_rate_limit_store(
    client: FlaskClient, app: Flask, monkeypatch
) -> None:
    monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)  # each check asks the database
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == HEALTHY
    # Found (operator review): with the migrations not run it said "ok", and every request sent failed.
    with app.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0010'"))
        db.session.commit()
    behind = client.get("/healthz")
    assert behind.status_code == 503
    assert behind.get_json()["schema"] == "not the version this code needs: run flask db upgrade"
    # Upgraded by a newer version of the code, which this server has not been restarted with yet
    # (found, operator review: in a rolling restart after `db upgrade`, every server not yet
    # restarted was "unavailable ... run flask db upgrade", which had been run).
    with app.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        db.session.commit()
    ahead = client.get("/healthz")
    assert ahead.status_code == 200 and ahead.get_json()["status"] == "degraded", ahead.get_json()
    assert ahead.get_json()["schema"] == (
        "upgraded by a newer version of the code (migration 9999): this server still serves; restart it with the "
        "new code"
    )
    assert ahead.get_json()["database"] == "ok" and ahead.get_json()["outbox"] == "ok"


def test_health_check_says_degraded_when_the_rule_files_changed_since_the_process_started(tmp_path: Path) -> None:
    """Found (contact change review): children's social care's number changed and one of two web
    servers restarted, the other gave the old number on every page, its footer too, and its
    ``/healthz`` said "ok". It says the files changed and to restart, until it is."""
    import shutil

    from support.database import migrated_sqlite

    contacts = tmp_path / "contacts.yaml"
    shutil.copy(Config.CONTACTS_PATH, contacts)
    shutil.copy(Path(str(Config.CONTACTS_PATH)).with_suffix(".approved.yaml"), tmp_path / "contacts.approved.yaml")
    settings = {"SQLALCHEMY_DATABASE_URI": migrated_sqlite(tmp_path / "rules.db"), "CONTACTS_PATH": str(contacts)}
    app = create_app({"APP_ENV": "test", **settings})
    try:
        assert app.test_client().get("/healthz").get_json() == HEALTHY
        # The same words put in place again (installed anew): no change (regression review: "degraded").
        contacts.write_text(contacts.read_text())
        os.utime(contacts, (1, 1))
        assert app.test_client().get("/healthz").get_json() == HEALTHY
        contacts.write_text(contacts.read_text() + "\n# Checked again against each source.\n")  # (installed again)
        changed = app.test_client().get("/healthz")
        assert changed.status_code == 200 and changed.get_json()["status"] == "degraded"
        assert changed.get_json()["rules"].startswith("the rule files have changed since this process started: restart")
        restarted = create_app({"APP_ENV": "test", **settings})  # restarted with them (outside production, unapproved)
        try:
            assert restarted.test_client().get("/healthz").get_json()["rules"] == "ok"
        finally:
            dispose(restarted)
    finally:
        dispose(app)


@both_databases
@pytest.mark.own_schema  # it drops a table
def test_health_check_names_a_table_or_column_changed_by_hand(client: FlaskClient, app: Flask, monkeypatch) -> None:
    """Found (operator review): a column renamed by hand, the migration recorded still this code's,
    and the health check said "ok" while every request sent gave the problem page."""
    monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)
    with app.app_context():
        db.session.execute(sa.text("ALTER TABLE triage_notes RENAME COLUMN text TO words"))
        db.session.execute(sa.text("DROP TABLE feedback_comments"))
        db.session.commit()
    changed = client.get("/healthz")
    assert changed.status_code == 503
    assert changed.get_json()["schema"] == (
        "changed by hand: table feedback_comments, column triage_notes.text missing; "
        "put it back as the migrations leave it"
    )


LATE = dt.timedelta(minutes=11)  # past the 10 minutes the health check gives the outbox worker


def test_health_check_says_degraded_when_the_outbox_worker_is_not_running(
    client: FlaskClient, app: Flask, monkeypatch
) -> None:
    """Found (operator review): with the outbox worker stopped, requests were stored but neither
    made into PDFs nor emailed, and the health check said "ok"."""
    monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)  # each check asks the database
    from support.submission import make_request, run_outbox

    with app.app_context():
        make_request()  # stored now: the worker has 10 minutes before it counts as not running
        make_request()
    assert client.get("/healthz").get_json()["outbox"] == "ok"
    with app.app_context():
        db.session.execute(sa.text("UPDATE requests SET created_at = '2020-01-01 00:00:00'"))
        db.session.execute(sa.text("UPDATE outbox SET created_at = '2020-01-01 00:00:00'"))
        db.session.commit()
    late = client.get("/healthz")
    assert late.status_code == 200 and late.get_json()["status"] == "degraded"
    assert late.get_json()["outbox"] == "2 PDFs or emails not tried for over 10 minutes: is the outbox worker running?"
    # A worker set to look for work every hour has two of its waits (regression review).
    app.config["OUTBOX_POLL_SECONDS"] = 3600
    with app.app_context():
        db.session.execute(sa.text("UPDATE requests SET created_at = :at"), {"at": utcnow() - dt.timedelta(minutes=90)})
        db.session.execute(sa.text("UPDATE outbox SET created_at = :at"), {"at": utcnow() - dt.timedelta(minutes=90)})
        db.session.commit()
    assert client.get("/healthz").get_json()["outbox"] == "ok"
    with app.app_context():
        db.session.execute(sa.text("UPDATE requests SET created_at = '2020-01-01 00:00:00'"))
        db.session.execute(sa.text("UPDATE outbox SET created_at = '2020-01-01 00:00:00'"))
        db.session.commit()
    # Said in hours (regression review: "120 minutes").
    assert "not tried for over 2 hours: is the outbox" in client.get("/healthz").get_json()["outbox"]
    app.config["OUTBOX_POLL_SECONDS"] = 5
    run_outbox(app)  # the worker runs: the PDF is made (no email is set up here)
    assert client.get("/healthz").get_json() == HEALTHY


def test_health_check_says_degraded_when_the_outbox_worker_has_stopped_with_nothing_waiting(
    client: FlaskClient, app: Flask, monkeypatch
) -> None:
    """Found (administrator review): with the worker stopped and nothing waiting, the health check
    and `flask outbox status` said all was well, while the hourly deletion of requests past their
    time, of the audit log's old entries, and reminders, waited: on a quiet service, for days. A
    running worker notes it every 10 minutes; not for 30, the outbox is "degraded"."""
    monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)  # each check asks the database
    from support.submission import run_outbox

    assert client.get("/healthz").get_json() == HEALTHY  # no worker has ever run (a new installation)
    run_outbox(app)
    assert client.get("/healthz").get_json() == HEALTHY
    with app.app_context():  # the worker stopped 31 minutes ago
        db.session.execute(
            sa.text("UPDATE questions_pdfs SET wanted_at = :at, created_at = :at"), {"at": utcnow() - LATE * 3}
        )
        db.session.commit()
    silent = client.get("/healthz")
    assert silent.status_code == 200 and silent.get_json()["status"] == "degraded"
    assert silent.get_json()["outbox"].startswith("the outbox worker has not run for over 30 minutes: is it running?")
    status = app.test_cli_runner().invoke(args=["outbox", "status"])
    assert (
        status.exit_code == 1 and "Needs attention: the outbox worker has not run for over 30 minutes" in status.output
    )
    # A worker set to look for work every hour is not called stopped for missing 30 minutes (found,
    # regression review): the limit is then two of its waits and the 10 minutes.
    app.config["OUTBOX_POLL_SECONDS"] = 3600
    assert client.get("/healthz").get_json() == HEALTHY
    with app.app_context():  # past two of its waits and the 10 minutes: said in hours (regression review)
        db.session.execute(
            sa.text("UPDATE questions_pdfs SET wanted_at = :at, created_at = :at"),
            {"at": utcnow() - dt.timedelta(hours=2, minutes=11)},
        )
        db.session.commit()
    assert (
        client.get("/healthz")
        .get_json()["outbox"]
        .startswith("the outbox worker has not run for over 2 hours 10 minutes: is it running?")
    )
    app.config["OUTBOX_POLL_SECONDS"] = 5
    run_outbox(app)  # it runs again
    assert client.get("/healthz").get_json() == HEALTHY
    assert app.test_cli_runner().invoke(args=["outbox", "status"]).exit_code == 0


def test_health_check_says_degraded_when_a_supervision_record_waits_untried(
    client: FlaskClient, app: Flask, monkeypatch
) -> None:
    """Found (operations review): with the outbox worker stopped, a supervision record asked for
    waited on "being made" for ever, and the health check said "ok": it counted only requests'
    PDFs and emails. A record the worker began (or could not make) does not count: that is a
    renderer problem, which the person is told of, not a worker that is not running."""
    monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.0)  # each check asks the database
    from support.submission import SUPERVISION_PATH, run_outbox, to_outcome

    to_outcome(client, SUPERVISION_PATH)
    assert client.get("/request/supervision-record").status_code == 200  # asked for: "being made"
    assert client.get("/healthz").get_json() == HEALTHY  # asked for now: the worker has 10 minutes
    with app.app_context():
        db.session.execute(sa.text("UPDATE supervision_records SET created_at = :at"), {"at": utcnow() - LATE})
        db.session.commit()
    late = client.get("/healthz")
    assert late.status_code == 200 and late.get_json()["status"] == "degraded"
    assert late.get_json()["outbox"] == "1 PDF or email not tried for over 10 minutes: is the outbox worker running?"
    for began, failed in ((utcnow(), None), (utcnow(), utcnow())):  # being made; could not be made
        with app.app_context():
            db.session.execute(
                sa.text("UPDATE supervision_records SET render_began_at = :began, failed_at = :failed"),
                {"began": began, "failed": failed},
            )
            db.session.commit()
        assert client.get("/healthz").get_json() == HEALTHY
    with app.app_context():
        db.session.execute(sa.text("UPDATE supervision_records SET render_began_at = NULL, failed_at = NULL"))
        db.session.commit()
    assert client.get("/healthz").get_json()["status"] == "degraded"
    run_outbox(app)  # the worker runs: the record is made
    assert client.get("/request/supervision-record/status").get_json() == {"ready": True, "failed": False}
    assert client.get("/healthz").get_json() == HEALTHY


@both_databases
def test_health_check_asks_the_database_at_most_every_two_seconds_and_still_says_when_it_fails(
    app: Flask, monkeypatch
) -> None:
    """Found (operations review): /healthz is public and never rate-limited, and each check ran
    its queries, so anyone could make the database work as fast as they could send. Now each
    process asks it at most every DATABASE_CHECK_SECONDS (2), and the answers between are the last
    one; a database that fails shows within that time."""
    statements: list[str] = []

    def count(connection, cursor, statement, *rest) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        current = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.rollback()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client()
        assert client.get("/healthz").get_json() == HEALTHY
        asked = len(statements)
        assert asked >= 2  # the schema, the outbox (and on PostgreSQL whether it takes writes)
        answers = [client.get("/healthz") for _ in range(50)]
        assert all(answer.status_code == 200 and answer.get_json() == HEALTHY for answer in answers)
        assert len(statements) == asked  # 50 checks, no query
        # The database's schema falls behind: said once the last answer is older than the limit.
        monkeypatch.setattr(main_views, "DATABASE_CHECK_SECONDS", 0.3)
        with app.app_context():
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0010'"))
            db.session.commit()
        deadline = time.monotonic() + 3
        while (behind := client.get("/healthz")).status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert behind.status_code == 503 and behind.get_json()["schema"].startswith("not the version")
        assert time.monotonic() < deadline
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
        with app.app_context():  # PostgreSQL's schema is kept for the process's next tests
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :current"), {"current": current})
            db.session.commit()


# --- Security headers -----------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_policy_and_are_not_cached(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce, csp
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.get_data(as_text=True))
    assert inline_scripts and all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline_scripts)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # only in production
    # (Found, mutation review: these were asserted only as nginx's matching the app's.)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_nonce_changes_on_every_request(client: FlaskClient) -> None:
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_static_files_may_be_cached(client: FlaskClient) -> None:
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"
        assert "Set-Cookie" not in response.headers


def test_the_sources_of_the_built_files_are_not_served(client: FlaskClient) -> None:
    """Found (security review): Flask served static/src/ (the Sass and the script before they are
    built), which only the example nginx configuration kept back. The built files still are."""
    for path in ("/static/src/app.scss", "/static/src/app.js", "/static/dist/../src/app.js", "/static/./src/app.scss"):
        with client.get(path) as response:
            assert response.status_code == 404, path
    with client.get("/static/dist/app.css") as response:
        assert response.status_code == 200


def test_every_file_the_stylesheet_points_at_is_served(client: FlaskClient) -> None:
    """Found (a site checker's review): the built stylesheet pointed three times at
    /static/images/govuk-crest.svg (GOV.UK's footer crest, not the partnership's to use), a 404
    to any checker that follows a stylesheet's url()s. It points at nothing missing."""
    css = (PROJECT_ROOT / "static" / "dist" / "app.css").read_text(encoding="utf-8")
    assert "govuk-footer" in css  # the built GOV.UK Frontend styles, with the footer's
    for url in re.findall(r"url\(\s*[\"']?([^\"')]+)", css):
        if url.startswith("data:"):
            continue
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_the_built_script_is_sent_without_its_comment_lines() -> None:
    """Found (a slow connection's review): app.js was sent as written, its comments 40% of what a
    phone downloads. The built file has every line of code and none of comment."""
    source = (PROJECT_ROOT / "static" / "src" / "app.js").read_text(encoding="utf-8").splitlines()
    built = (PROJECT_ROOT / "static" / "dist" / "app.js").read_text(encoding="utf-8").splitlines()
    comments = [line for line in source if line.strip().startswith("//")]
    assert comments and not [line for line in built if line.strip().startswith("//")]
    code = [line for line in source if not line.strip().startswith("//")]
    assert len(built) == len(code)
    assert [line for line in built if "govuk-frontend.min.js" not in line] == [
        line for line in code if "govuk-frontend.min.js" not in line
    ]


def test_the_script_imports_govuk_frontends_by_its_version_so_an_old_copy_is_never_run(client: FlaskClient) -> None:
    """Found (a site checker's review): app.js (kept a year, by its version) imported
    govuk-frontend.min.js without one, kept an hour: after an upgrade, for an hour, a browser could
    run the old components with the new markup. It imports it by its version, kept a year too."""
    script = (PROJECT_ROOT / "static" / "dist" / "app.js").read_text(encoding="utf-8")
    imports = re.findall(r"from\s+'\./(govuk-frontend\.min\.js)\?v=([0-9a-f]{12})'", script)
    dist = PROJECT_ROOT / "static" / "dist"
    assert imports == [
        ("govuk-frontend.min.js", hashlib.sha256((dist / "govuk-frontend.min.js").read_bytes()).hexdigest()[:12])
    ]
    # The page asks for it at once, at that address (a slow connection's review: found only once
    # app.js had arrived, one round trip later).
    assert f'<link rel="modulepreload" href="/static/dist/{imports[0][0]}?v={imports[0][1]}">' in client.get("/").text
    with client.get(f"/static/dist/{imports[0][0]}?v={imports[0][1]}") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_static_file_not_found_is_never_cached_like_every_other_error_page(client: FlaskClient) -> None:
    """Found (review): a 404 under /static/ had no Cache-Control header, while every other
    response has one."""
    for path in ("/static/nope.css", "/static/dist/nope.js?v=000000000000", "/favicon.svg/nope"):
        with client.get(path) as response:
            assert response.status_code == 404
            assert response.headers["Cache-Control"] == "no-store", path
            assert response.headers["Pragma"] == "no-cache"


def test_pages_name_static_files_by_version_so_browsers_keep_them_a_year(client: FlaskClient) -> None:
    """Each stylesheet, script and icon URL on a page carries a hash of the file's bytes; at
    that URL a browser may keep the file a year without asking again. Without a version, or
    with an old one, an hour (as nginx keeps them)."""
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"', page)
    assert {path for path, _ in urls} == {
        "/static/dist/app.css",
        "/static/dist/app.js",
        "/static/dist/govuk-frontend.min.js",  # preloaded at the address app.js imports (below)
    }
    for path, version in urls:
        assert version == hashlib.sha256((PROJECT_ROOT / path.lstrip("/")).read_bytes()).hexdigest()[:12]
        with client.get(f"{path}?v={version}") as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        for stale in (path, f"{path}?v=000000000000"):
            with client.get(stale) as response:
                assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_the_icon_is_in_the_partnerships_colour_versioned_and_kept_like_a_static_file(client: FlaskClient) -> None:
    """Found (area review): the icon was static/favicon.svg, Salford's teal, in every area's tabs
    and bookmarks. It is now the same shape in the partnership's brand colour, at a URL carrying
    a hash of its bytes (kept a year at that version, an hour otherwise), with the same security
    headers as every response and no session."""
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<link rel="icon" href="(/favicon\.svg)\?v=([0-9a-f]{12})" type="image/svg\+xml">', page)
    assert len(links) == 1
    path, version = links[0]
    shape = (PROJECT_ROOT / "static/favicon.svg").read_text(encoding="utf-8")
    with client.get(f"{path}?v={version}") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        icon = response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Set-Cookie" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # Opened on its own, an SVG is a page: it may run and fetch nothing.
        assert response.headers["Content-Security-Policy"] == (
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
        )
        etag = response.headers["ETag"]
    assert version == hashlib.sha256(icon.encode()).hexdigest()[:12]
    assert icon == shape  # Salford's colour is the shape's own: the same icon as before
    assert 'fill="#106165"' in icon
    for stale in (path, f"{path}?v=000000000000"):
        with client.get(stale) as response:
            assert response.headers["Cache-Control"] == "public, max-age=3600"
    with client.get(path, headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304


def test_the_icon_takes_the_brand_colour_and_keeps_its_shape() -> None:
    from app.static_files import coloured_favicon

    shape = (PROJECT_ROOT / "static/favicon.svg").read_text(encoding="utf-8")
    purple = coloured_favicon(shape, "#5a2a6e")
    assert purple == shape.replace('fill="#106165"', 'fill="#5a2a6e"', 1)
    assert purple.count("#5a2a6e") == 1 and 'fill="#fff"' in purple  # only the square changes
    with pytest.raises(ValueError, match="no <rect"):
        coloured_favicon("<svg></svg>", "#5a2a6e")


def test_without_a_logo_the_header_is_the_partnerships_name_alone(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "app-header__logo" not in page and "<img" not in page
    assert '<span class="app-header__partnership">Salford Safeguarding Children Partnership</span>' in page
    assert client.get("/logo.svg").status_code == 404 and client.get("/logo.png").status_code == 404


def test_a_png_logo_is_served_as_a_png(tmp_path: Path) -> None:
    from app.rules import DEFAULT_PARTNERSHIP

    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8ffffff7f0009fb03fd2a86e38a0000000049454e44ae426082"
    )
    (tmp_path / "logo.png").write_bytes(png)
    partnership = (
        DEFAULT_PARTNERSHIP.read_text(encoding="utf-8")
        + '\nlogo:\n  file: logo.png\n  alt: "Emblem: a shield over a river"\n'
    )
    (tmp_path / "partnership.yaml").write_text(partnership, encoding="utf-8")
    app = create_app({"APP_ENV": "test", "PARTNERSHIP_PATH": str(tmp_path / "partnership.yaml")})
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert re.search(
        r'<img class="app-header__logo" src="/logo\.png\?v=[0-9a-f]{12}" alt="Emblem: a shield over a river">', page
    )
    with client.get("/logo.png") as response:
        assert response.status_code == 200 and response.mimetype == "image/png" and response.data == png
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none';")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/logo.svg").status_code == 404
    dispose(app)


def test_a_changed_static_file_gets_a_new_version(tmp_path: Path) -> None:
    (tmp_path / "app.css").write_text("body { color: black }")
    versions = StaticVersions(tmp_path)
    first = versions.version("app.css")
    assert first is not None and versions.version("app.css") == first
    (tmp_path / "app.css").write_text("body { color: #0b0c0c; }")
    assert versions.version("app.css") not in {None, first}
    assert versions.version("missing.css") is None
    assert versions.version("../outside.css") is None


# --- CSRF -----------------------------------------------------------------------------


def test_a_form_without_its_token_is_refused_kindly(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    response = client.post("/_test/answers", data={"value": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form has expired" in html
    assert "Traceback" not in html


def test_a_form_with_its_token_is_accepted(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    save_answer(client, "no")
    assert client.get("/_test/session").get_json()["answers"] == {"immediate_danger": "no"}


def test_sqlite_answers_are_saved_while_another_process_is_reading_the_database(app: Flask) -> None:
    """SQLite, the embedded default, in write-ahead-log mode: the outbox worker (another process)
    reading the database no longer holds up an answer being saved. In SQLite's default mode the
    save waited for the reader, then failed with "database is locked" after 5 seconds."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    add_session_probe(app)
    client = app.test_client()
    save_answer(client, "yes")
    reader = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM journey_sessions").fetchone()  # a read, still open
        started = time.monotonic()
        save_answer(client, "no")
        assert time.monotonic() - started < 2
    finally:
        reader.close()
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_sqlite_overwrites_what_is_deleted(app: Flask, tmp_path: Path) -> None:
    """Found by the privacy review (session 14): whether SQLite zeroes deleted rows was left to
    how it was built (Debian's does; Python's own and macOS's do not), so a purged request's text
    could stay readable in the database file's free pages, and in every backup of it."""
    from app.extensions import use_write_ahead_log

    connection = sqlite3.connect(tmp_path / "any.db")
    try:
        connection.execute("PRAGMA secure_delete=OFF")  # as a build without the default starts
        use_write_ahead_log(connection, None)
        assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        connection.close()
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA secure_delete")).scalar() == 1


def test_a_sqlite_file_that_may_only_be_read_can_still_be_read(tmp_path: Path) -> None:
    """Found (diff review): the write-ahead-log setting failed on a read-only file, so every
    connection to it failed, reads included."""
    path = tmp_path / "read-only.db"
    made = sqlite3.connect(path)
    made.execute("CREATE TABLE t (x INTEGER)")
    made.execute("INSERT INTO t VALUES (1)")
    made.commit()
    made.close()
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT x FROM t")).scalar() == 1
    finally:
        engine.dispose()


# --- Sessions -------------------------------------------------------------------------


@both_databases
def test_the_cookie_holds_only_a_signed_id_and_is_httponly_and_lax(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    form_page = client.get("/_test/answers")  # the CSRF token is the first thing stored
    response = client.post(
        "/_test/answers", data={"value": "a-secret-answer", "csrf_token": csrf_token(form_page.get_data(as_text=True))}
    )
    assert response.status_code == 200
    cookie_header = next(h for h in form_page.headers.getlist("Set-Cookie") if "space_to_think_session" in h)
    assert "HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header
    assert "Expires" not in cookie_header  # a browser-session cookie
    value = session_cookie(client)
    assert value and "secret" not in value
    sid = value.rsplit(".", 1)[0]
    assert stored_session_ids(app) == {sid}
    assert len(sid) >= 43  # 32 random bytes, base64


@both_databases
def test_exit_clears_the_session_and_retires_its_id(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    save_answer(client, "no")
    old_cookie = session_cookie(client)
    response = client.get("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"
    assert session_cookie(client) != old_cookie
    assert stored_session_ids(app) == set()
    assert client.get("/_test/session").get_json() == {"answers": None, "expired": False}
    save_answer(client, "yes")
    assert session_cookie(client) not in (None, old_cookie)


def test_exit_reached_from_another_site_only_leaves(app: Flask) -> None:
    """Found (security review): a link or script on any other site to /exit signed a facilitator
    out or wiped a practitioner's answers. From another site it now only leaves; from this
    site's own button, a bookmark or a typed address, it forgets everything as before."""
    add_session_probe(app)
    client = app.test_client()
    elsewhere: list[dict[str, str]] = [
        {"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "same-site"},  # another site under the same domain
        {"Referer": "https://evil.example/page"},  # a browser that does not say Sec-Fetch-Site
    ]
    save_answer(client, "no")
    for headers in elsewhere:
        response = client.get("/exit", headers=headers)
        assert response.status_code == 303 and response.headers["Location"] == "https://www.bbc.co.uk/weather"
        assert client.get("/_test/session").get_json()["answers"] is not None, headers
    for headers in (
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Referer": "http://localhost/q/x"},
        {},
    ):
        save_answer(client, "no")
        response = client.get("/exit", headers=headers)
        assert response.status_code == 303 and response.headers["Location"] == "https://www.bbc.co.uk/weather"
        assert client.get("/_test/session").get_json()["answers"] is None, headers


@both_databases
def test_a_session_expires_after_the_idle_time(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    save_answer(client, "no")
    with app.app_context():
        db.session.execute(sa.update(JourneySessionRow).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/_test/session").get_json() == {"answers": None, "expired": True}
    assert session_cookie(client) is None  # the dead id is forgotten: the next page is a fresh start
    assert client.get("/_test/session").get_json() == {"answers": None, "expired": False}
    assert stored_session_ids(app) == set()


def test_each_request_pushes_the_expiry_on(app: Flask) -> None:
    add_session_probe(app)
    client = app.test_client()
    save_answer(client, "no")
    soon = utcnow() + dt.timedelta(minutes=2)
    with app.app_context():
        db.session.execute(sa.update(JourneySessionRow).values(expires_at=soon))
        db.session.commit()
    client.get("/_test/session")
    with app.app_context():
        expires_at = db.session.scalar(sa.select(JourneySessionRow.expires_at))
    assert expires_at > soon + dt.timedelta(minutes=20)


def test_a_tampered_cookie_is_ignored(app: Flask) -> None:
    """A cookie not signed with the key opens nothing: it is taken as a session that has ended (as
    one signed with a key since changed is)."""
    add_session_probe(app)
    client = app.test_client()
    save_answer(client, "no")
    sid = (session_cookie(client) or "").rsplit(".", 1)[0]
    client.set_cookie("space_to_think_session", sid + ".forged")
    assert client.get("/_test/session").get_json() == {"answers": None, "expired": True}


def test_after_the_secret_key_changes_someone_part_way_through_is_told_their_answers_were_cleared(
    app: Flask,
) -> None:
    """Found (administrator review): after "Rotating the secret key" (README), someone part-way
    through the questions was put back at the first question with no word why. They are told
    their answers were cleared, as after the idle time, and start again."""
    from support.submission import path_before, to_outcome

    client = app.test_client()
    to_outcome(client, path_before("allegation"))  # part-way through: the allegation question next
    page = client.get("/questions/allegation")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    app.secret_key = app.config["SECRET_KEY"] = "a-new-secret-key-" + "x" * 40
    answered = client.get("/questions/allegation")
    assert answered.status_code == 302 and answered.location.endswith("/session-expired?why=not-found")
    said = " ".join(client.get(answered.location).get_data(as_text=True).split())
    assert "Your answers could not be found" in said and "You will need to start again" in said
    # Not the idle time's reason, untrue seconds after a restart (regression review).
    assert "Nothing was done in this browser" not in said
    # The answer sent from the page opened before the change (in another tab): refused, as out of
    # date, never with the idle time's reason.
    sent = client.post("/questions/allegation", data={"csrf_token": token, "answer": "no"})
    page_said = " ".join(sent.get_data(as_text=True).split())
    assert sent.status_code == 400 and "Nothing was done in this browser" not in page_said, page_said
    # Sent by a browser whose cookie the new key cannot read: its own words, not the idle time's.
    stale = app.test_client()
    stale.set_cookie("space_to_think_session", "an-old-session.signed-with-the-old-key")
    refused = stale.post("/questions/allegation", data={"csrf_token": token, "answer": "no"})
    assert refused.status_code == 302 and refused.location.endswith("/session-expired?why=not-found")


def test_the_sessions_commands_say_they_are_browser_sessions_not_space_to_think_sessions(runner) -> None:  # type: ignore[no-untyped-def]
    """Found (words review): "flask sessions" said "Manage stored journey sessions": "journey" is
    the code's word, and an operator who also meets the Space to Think sessions facilitators
    arrange could not tell which these are."""
    listed = runner.invoke(args=["--help"]).output
    group = runner.invoke(args=["sessions", "--help"]).output
    purge = runner.invoke(args=["sessions", "purge", "--help"]).output
    assert "Browser sessions kept on the server" in listed
    assert "not the Space to Think sessions facilitators arrange" in " ".join(group.split())
    assert "Delete browser sessions left idle" in " ".join(purge.split())
    for text in (listed, group, purge):
        assert "journey" not in text.lower()


@both_databases
def test_purge_deletes_only_expired_sessions(app: Flask, runner) -> None:
    add_session_probe(app)
    for value in ("a", "b"):
        save_answer(app.test_client(), value)
    with app.app_context():
        some_id = db.session.scalars(sa.select(JourneySessionRow.id)).first()
        db.session.execute(
            sa.update(JourneySessionRow)
            .where(JourneySessionRow.id == some_id)
            .values(expires_at=utcnow() - dt.timedelta(hours=1))
        )
        db.session.commit()
    result = runner.invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "Deleted 1 expired session." in result.output
    assert len(stored_session_ids(app)) == 1
    with app.app_context():
        assert purge_expired_sessions() == 0


# --- Errors ---------------------------------------------------------------------------


def test_not_found_is_a_friendly_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_method_is_a_friendly_page(client: FlaskClient) -> None:
    response = client.post("/accessibility")
    assert response.status_code in (400, 405)  # CSRF runs first on unknown POSTs
    response = client.delete("/accessibility")
    assert response.status_code == 405
    assert "Sorry, you cannot do that on this page" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


def test_a_journey_address_that_only_takes_a_form_leads_back_to_where_the_journey_stands(client: FlaskClient) -> None:
    """Found (user review): Send request's address opened again (the address bar, after the problem
    page it shows while the database is down) said only "Go to the start page", whose Start now
    then asked whether to carry on: the way back to the request being sent was three pages long."""
    # (Send request's address itself, opened, now goes to check your answers or the request sent:
    # tests/test_request_flow.py.)
    for path in ("/start-again",):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/continue">Go back to the questions</a>' in page, path
        assert ">Go to the start page</a>" not in page, path
    assert ">Go to the start page</a>" in client.delete("/accessibility").get_data(as_text=True)


def test_too_large_is_a_friendly_page(app: Flask) -> None:
    add_session_probe(app)
    response = app.test_client().post("/_test/answers", data={"value": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    # A way on, as every error page gives (found, accessibility review: none).
    assert 'href="/">Go to the start page</a>' in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_plain_apology(app: Flask) -> None:
    add_session_probe(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/_test/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret" not in html and "Traceback" not in html
    assert 'href="/">Go to the start page</a>' in html  # (found, accessibility review: no way on)


def test_an_unexpected_error_propagates_under_test(app: Flask) -> None:
    add_session_probe(app)
    with pytest.raises(RuntimeError):
        app.test_client().get("/_test/boom")


# --- Database -------------------------------------------------------------------------


def test_flask_db_upgrade_builds_a_fresh_sqlite_database(tmp_path) -> None:
    path = tmp_path / "fresh.db"
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        version = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        db.engine.dispose()
    assert "journey_sessions" in tables
    assert version is not None


@both_databases
def test_migrations_match_the_models(app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


# --- Templates and limits -------------------------------------------------------------


def test_our_templates_are_strict_about_undefined_names(app: Flask) -> None:
    from flask import render_template_string
    from jinja2 import UndefinedError

    with app.test_request_context("/"):
        with pytest.raises(UndefinedError):
            render_template_string("{{ no_such_name }}")
        with pytest.raises(UndefinedError):
            render_template_string("{% if no_such_name %}x{% endif %}")
        # GOV.UK macros test optional params they were not given: that must still work.
        html = render_template_string(
            '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
            '{{ govukButton({"text": "Continue"}) }}'
        )
    assert "Continue" in html


def test_too_many_requests_is_a_friendly_page(tmp_path) -> None:
    app = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            "RATELIMIT_DEFAULT": "2 per minute",
        }
    )
    client = app.test_client()
    statuses = [client.get("/cookies").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    page = client.get("/cookies").get_data(as_text=True)
    assert "too many attempts" in page
    # Not a page of the questions (the feedback page, say): no link to them (diff review).
    assert "Go back to the questions" not in page


def test_behind_a_trusted_proxy_the_visitor_address_and_https_are_used(tmp_path) -> None:
    app = create_app(
        {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "TRUSTED_PROXIES": 1}
    )

    @app.get("/_test/remote")
    def remote() -> str:
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/_test/remote", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert response.get_data(as_text=True) == "203.0.113.9 https"


def test_answers_post_over_https_as_a_browser_sends_them(client: FlaskClient) -> None:
    """Over HTTPS the CSRF check wants a same-origin Referer, which the policy lets browsers send."""
    page = client.get("/start", base_url="https://localhost", follow_redirects=True)
    policy = page.headers["Referrer-Policy"]
    assert policy in {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    response = client.post(
        "/questions/mode",
        base_url="https://localhost",
        data={"answer": "practitioner", "csrf_token": csrf_token(page.get_data(as_text=True))},
        headers={"Referer": "https://localhost/questions/mode"},
    )
    assert response.status_code in (302, 303)
    assert "/questions/immediate_danger" in response.headers["Location"]


def test_a_browser_that_sends_no_referrer_is_checked_by_its_origin(client: FlaskClient) -> None:
    """Found (robustness review): a browser or privacy extension that sends no Referer was refused
    on every form over HTTPS ("open for a long time or used in another tab"), for good. Browsers
    send Origin on every form post: it is checked instead, and another site is still refused."""
    page = client.get("/start", base_url="https://localhost", follow_redirects=True)
    token = csrf_token(page.get_data(as_text=True))
    data = {"answer": "practitioner", "csrf_token": token}
    for origin in ("https://evil.example", "null", None):
        headers = {"Origin": origin} if origin else {}
        refused = client.post("/questions/mode", base_url="https://localhost", data=data, headers=headers)
        assert refused.status_code == 400, origin
    # Both sent: both must be this site's (security review: another site's Origin beside this
    # site's Referer was let through).
    mixed = {"Origin": "https://evil.example", "Referer": "https://localhost/questions/mode"}
    assert client.post("/questions/mode", base_url="https://localhost", data=data, headers=mixed).status_code == 400
    not_on = client.get("/questions/immediate_danger", base_url="https://localhost")  # the answer was not saved
    assert not_on.status_code in (302, 303) and not_on.headers["Location"].endswith("/questions/mode")
    response = client.post(
        "/questions/mode", base_url="https://localhost", data=data, headers={"Origin": "https://localhost"}
    )
    assert response.status_code in (302, 303) and "/questions/immediate_danger" in response.headers["Location"]


def test_a_form_whose_browser_names_no_page_is_taken_on_its_fetch_metadata_or_says_why_not(
    client: FlaskClient,
) -> None:
    """Found (locked-down machines review): behind a network's proxy that takes out both Referer and
    Origin (or a browser sending Origin "null" and no Referer), every form over HTTPS was refused,
    told it had been "open for a long time", and sent again was refused again, for ever. The browser's
    own Sec-Fetch-Site, which no page can set, says where the form came from: "same-origin" is taken,
    another site's still refused; with nothing to go on, the page says what to do."""
    from app.errors import SITE_UNKNOWN
    from app.wizard.messages import NOT_SAVED

    page = client.get("/start", base_url="https://localhost", follow_redirects=True)
    data = {"answer": "practitioner", "csrf_token": csrf_token(page.get_data(as_text=True))}
    for headers in ({}, {"Origin": "null"}):
        refused = client.post("/questions/mode", base_url="https://localhost", data=data, headers=headers)
        assert refused.status_code == 400, headers
        text = refused.get_data(as_text=True).replace("&#39;", "'")
        assert SITE_UNKNOWN in text and NOT_SAVED not in text, headers
    # The browser said it came from another site's page (its referrer held back): refused, and the
    # person's browser and network are not blamed for it (found, regression review).
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "null", "Sec-Fetch-Site": "same-site"}):
        refused = client.post("/questions/mode", base_url="https://localhost", data=data, headers=headers)
        assert refused.status_code == 400, headers
        text = refused.get_data(as_text=True).replace("&#39;", "'")
        assert SITE_UNKNOWN not in text and NOT_SAVED in text, headers
    # A wrong token is said to be out of date, as before (the token is checked first).
    stale = client.post(
        "/questions/mode", base_url="https://localhost", data={**data, "csrf_token": "stale"}, headers={}
    )
    assert stale.status_code == 400 and NOT_SAVED in stale.get_data(as_text=True).replace("&#39;", "'")
    assert SITE_UNKNOWN not in stale.get_data(as_text=True).replace("&#39;", "'")
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "null", "Sec-Fetch-Site": "same-origin"}):
        taken = client.post("/questions/mode", base_url="https://localhost", data=data, headers=headers)
        assert taken.status_code in (302, 303) and "/questions/immediate_danger" in taken.headers["Location"], headers
    # Another site's Origin or Referer is refused whatever Sec-Fetch-Site says (a second lock).
    for headers in (
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
        {"Referer": "https://evil.example/", "Sec-Fetch-Site": "same-origin"},
    ):
        refused = client.post("/questions/mode", base_url="https://localhost", data=data, headers=headers)
        assert refused.status_code == 400, headers
    # The sign-in, refused so, gets a page saying why, not that the form expired or to try again.
    sign_in = client.get("/inbox/sign-in", base_url="https://localhost")
    posted = {"csrf_token": csrf_token(sign_in.get_data(as_text=True)), "email": "a@example.org", "password": "x"}
    refused = client.post("/inbox/sign-in", base_url="https://localhost", data=posted)
    text = refused.get_data(as_text=True).replace("&#39;", "'")
    assert refused.status_code == 400 and SITE_UNKNOWN in text and "This form has expired" not in text
    assert "a@example.org" not in text  # a sign-in's address is not given back (soon typed again)


def test_every_form_refused_for_naming_no_page_says_why_not_to_try_again(app: Flask) -> None:
    """Found (regression review): "Send request", a facilitator's note and the feedback form, sent
    with no Referer, Origin or Sec-Fetch-Site, were refused on every try and said the page had been
    open for a long time, to try again. They say why, with what was typed given back to copy."""
    from app.errors import SITE_UNKNOWN
    from support.submission import ELIGIBLE_PATH, fill_details
    from support.walk import Walker
    from test_inbox import signed_in, stored_request

    client = app.test_client()
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH)
    fill_details(walker)
    check = client.get("/request/check-answers", base_url="https://localhost")
    assert check.status_code == 200
    sent = client.post(
        "/request/submit", base_url="https://localhost", data={"csrf_token": csrf_token(check.get_data(as_text=True))}
    )
    text = sent.get_data(as_text=True).replace("&#39;", "'")
    assert sent.status_code == 400 and SITE_UNKNOWN in text and "open for a long time" not in text
    assert "Your request has not been sent." in text and "Go back to the questions" in text
    # "Keep my answers" (no script) refused so: a way back to the questions, not only the same button.
    page = client.get("/request/check-answers", base_url="https://localhost")
    kept = client.post(
        "/keep-alive", base_url="https://localhost", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    text = kept.get_data(as_text=True).replace("&#39;", "'")
    assert kept.status_code == 400 and SITE_UNKNOWN in text and "Go back to the questions" in text

    facilitator, _ = signed_in(app)
    reference = stored_request(app)
    page = facilitator.get(f"/inbox/requests/{reference}", base_url="https://localhost")
    note = {"csrf_token": csrf_token(page.get_data(as_text=True)), "text": "Call back on Tuesday"}
    refused = facilitator.post(f"/inbox/requests/{reference}/notes", base_url="https://localhost", data=note)
    text = refused.get_data(as_text=True).replace("&#39;", "'")
    assert refused.status_code == 400 and SITE_UNKNOWN in text and "try again" not in text.lower()
    assert "Call back on Tuesday" in text  # what was typed, to copy


def test_another_sites_origin_is_refused_over_plain_http_too(client: FlaskClient) -> None:
    """Found (security review): over plain HTTP (a trial server), Flask-WTF checks no Referer,
    so a form posted from another site's page with a good token was taken. Its Origin says where
    it came from: another site's is refused; this site's, none, or "null" are taken, as before."""
    page = client.get("/start", follow_redirects=True)
    data = {"answer": "practitioner", "csrf_token": csrf_token(page.get_data(as_text=True))}
    for origin in ("http://evil.example", "http://localhost:8080", "https://localhost.evil.example"):
        refused = client.post("/questions/mode", data=data, headers={"Origin": origin})
        assert refused.status_code == 400, origin
    assert client.get("/questions/immediate_danger").status_code in (302, 303)  # not saved
    # This site's page by its host, whatever the scheme: behind a proxy that ends HTTPS without
    # saying so (TRUSTED_PROXIES unset), the page's https:// is this request's http://.
    for origin in ("http://localhost", "https://localhost", None):
        headers = {"Origin": origin} if origin else {}
        response = client.post("/questions/mode", data=data, headers=headers)
        assert response.status_code in (302, 303) and "/questions/immediate_danger" in response.headers["Location"]


def test_page_chrome_is_rendered_once_and_the_same_on_every_page(client: FlaskClient, app: Flask) -> None:
    first = client.get("/").get_data(as_text=True)
    assert set(app.extensions["space_to_think.fragments"]) == {"header", "exit-and-notice", "footer"}
    other = client.get("/cookies").get_data(as_text=True)
    footer = first[first.index("<footer") : first.index("</footer>")]
    assert footer == other[other.index("<footer") : other.index("</footer>")]
    assert "0161 603 4500" in footer and 'href="/exit"' in first


def test_an_address_typed_with_a_slash_at_the_end_leads_to_the_page(client) -> None:
    """Found (faults review): "/inbox/" and "/start/" gave "Page not found"."""
    for typed, page in (
        ("/inbox/", "/inbox"),
        ("/privacy/", "/privacy"),
        ("/questions-to-prepare/?mode=supervision", "/questions-to-prepare?mode=supervision"),
    ):
        response = client.get(typed)
        assert response.status_code == 308 and response.location == page
    assert client.get("/no-such-page/").status_code == 404
    assert client.post("/privacy/").status_code in (404, 405)  # only a page to open is redirected


def test_production_behind_a_proxy_it_was_not_told_of_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    """Found (operations review): production started with TRUSTED_PROXIES unset behind nginx, so
    every visitor counted as 127.0.0.1 for the rate limits (10 requests an hour for the whole
    site), without a word. The first request that came through a proxy now says so in the log."""

    def icon(app: Flask, **headers: str) -> int:
        with app.test_client().get(
            "/static/favicon.svg",
            base_url="https://localhost",
            headers=headers,
            environ_base={"REMOTE_ADDR": "198.51.100.7"},  # a visitor who reached the app directly
        ) as response:
            return response.status_code

    app = create_app(PRODUCTION_OK | {"RATELIMIT_STORAGE_URI": "memory://"})
    with caplog.at_level(logging.WARNING, logger="app.proxies"):
        assert icon(app) == 200
        assert "TRUSTED_PROXIES" not in caplog.text  # no proxy in the way: nothing to say
        for _ in range(2):
            assert icon(app, **{"X-Forwarded-For": "203.0.113.9"}) == 200
    assert caplog.text.count("TRUSTED_PROXIES is not set") == 1
    assert "set TRUSTED_PROXIES to the proxy's own address" in caplog.text
    # Found (privacy review): it named the address the request came from (REMOTE_ADDR), which may
    # be a visitor's who reached the app directly; the logs hold no visitor's address.
    assert "198.51.100.7" not in caplog.text
    caplog.clear()
    named = create_app(PRODUCTION_OK | {"RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_PROXIES": "127.0.0.1"})
    with caplog.at_level(logging.WARNING, logger="app.proxies"):
        assert icon(named, **{"X-Forwarded-For": "203.0.113.9"}) == 200
    assert "TRUSTED_PROXIES" not in caplog.text


def test_a_placeholder_left_in_says_how_to_make_only_the_settings_it_names() -> None:
    """Found (operations review): SMTP_PASSWORD=CHANGE-ME alone was refused with a hint about
    making a SECRET_KEY."""
    with pytest.raises(ConfigError) as refused:
        load_config(PRODUCTION_OK | {"SMTP_PASSWORD": "CHANGE-ME"}, environ={})
    assert str(refused.value) == "SMTP_PASSWORD still has the example's CHANGE-ME in it: set the real value."
    with pytest.raises(ConfigError) as refused:
        load_config(PRODUCTION_OK | {"SECRET_KEY": "CHANGE-ME-" + "x" * 40}, environ={})
    assert "SECRET_KEY: a long random string" in str(refused.value)


def test_production_wants_the_exit_page_over_https() -> None:
    """Found (operations review): the README and the start-up message say EXIT_URL starts with
    https://, but production took http://."""
    with pytest.raises(ConfigError, match="EXIT_URL must start with https:// in production"):
        load_config(PRODUCTION_OK | {"EXIT_URL": "http://www.bbc.co.uk/weather"}, environ={})
    # Nor a host name of one word (administrator review: "Exit this page" led to a browser's error page).
    for one_word in ("https://bbc/weather", "https://localhost/", "https://bbc./"):
        with pytest.raises(ConfigError, match="EXIT_URL must name a website on the internet in production"):
            load_config(PRODUCTION_OK | {"EXIT_URL": one_word}, environ={})
    assert load_config(PRODUCTION_OK | {"EXIT_URL": "https://www.bbc.co.uk/weather"}, environ={})["EXIT_URL"]
    assert load_config({"APP_ENV": "development", "EXIT_URL": "http://localhost:8001/"}, environ={})["EXIT_URL"]


def test_forms_refused_for_a_host_the_app_does_not_see_say_why_in_the_log(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Found (operations review): behind a proxy passing the wrong Host (or dropping the port),
    every form was refused as "out of date" and nothing was logged. Now the log says which
    addresses differ and what to check, once; the person still sees the same page."""
    from app.extensions import OriginCheckingCSRFProtect

    OriginCheckingCSRFProtect.host_mismatches_logged.clear()
    page = client.get("/start", base_url="https://localhost", follow_redirects=True)
    data = {"answer": "practitioner", "csrf_token": csrf_token(page.get_data(as_text=True))}
    with caplog.at_level(logging.WARNING, logger="app.extensions"):
        for _ in range(2):
            refused = client.post(
                "/questions/mode",
                base_url="https://localhost",
                data=data,
                headers={"Referer": "https://localhost:8443/questions/mode?x=private"},
            )
            assert refused.status_code == 400
    assert caplog.text.count("A form was refused: it came from a page at https://localhost:8443") == 1
    assert "this request is for https://localhost." in caplog.text and "proxy_set_header Host" in caplog.text
    assert "private" not in caplog.text and "/questions/mode" not in caplog.text
    # Only the scheme differs (found, operator review: both were logged as the same address).
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.extensions"):
        refused = client.post(
            "/questions/mode",
            base_url="https://localhost",
            data=data,
            headers={"Referer": "http://localhost/questions/mode"},
        )
        assert refused.status_code == 400
    assert "it came from a page at http://localhost, but this request is for https://localhost." in caplog.text


# An attribute glued to the one before it (``"/keep-alive"data-expired-url=``): an HTML parse error.
GLUED_ATTRIBUTES = re.compile(r'="[^"<>]*"[a-zA-Z-]+=')


def test_no_page_glues_two_attributes_together(client: FlaskClient) -> None:
    """Found (accessibility review): the idle warning's ``data-keep-alive-url="/keep-alive"`` was
    followed by ``data-expired-url`` with no space (a template comment took it), on every page
    of the journey: a parse error that validators and auditors flag."""
    for path in ("/", "/start", "/privacy", "/how-it-decides", "/inbox/sign-in"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        glued = GLUED_ATTRIBUTES.search(page)
        assert glued is None, (path, glued[0] if glued else "")
    page = client.get("/questions/mode").get_data(as_text=True)
    assert 'data-keep-alive-url="/keep-alive" ' in page or 'data-keep-alive-url="/keep-alive"\n' in page


FOOTER_PAGES = ("/privacy", "/cookies", "/accessibility", "/how-it-decides", "/questions-to-prepare")


def back_link(response) -> str:
    """The page's Back link's address."""
    found = re.findall(r'<a href="([^"]*)" class="govuk-back-link">Back</a>', response.get_data(as_text=True))
    assert len(found) == 1, found
    return found[0]


def test_the_pages_every_footer_links_to_have_a_back_link_to_the_page_they_were_opened_from(
    client: FlaskClient,
) -> None:
    """Found (user review): the privacy notice, cookies, accessibility statement, how it decides and
    questions to prepare had no Back link: someone part-way through the questions who opened one had
    only the browser's Back to return (every page has a back link, DESIGN.md). Back goes to the page
    of this service they came from, kept pages included (each visitor gets their own); anything else
    (no Referer, another site, an address that is no page, Exit this page, this page itself) goes
    to the start page."""
    question = client.get("/start").headers["Location"]
    assert question.startswith("/questions/")
    for page in FOOTER_PAGES:
        for came_from, back in (
            (f"http://localhost{question}", question),
            ("http://localhost/how-it-decides", "/how-it-decides" if page != "/how-it-decides" else "/"),
            ("http://localhost/inbox/sign-in", "/inbox/sign-in"),
            (None, "/"),
            ("https://elsewhere.example/questions/safety", "/"),
            ("http://localhost/no-such-page", "/"),
            ("http://localhost/exit", "/"),
            ("http://localhost/start-again", "/"),  # takes only a form
            ("javascript:alert(1)", "/"),
        ):
            response = client.get(page, headers={"Referer": came_from} if came_from else {})
            assert response.status_code == 200 and back_link(response) == back, (page, came_from)
    # Under the path the service is reached by (behind a proxy, at /space/): the same, with the path.
    for came_from, back in (
        ("http://localhost/space/how-it-decides", "/space/how-it-decides"),
        ("http://localhost/space/privacy", "/space/"),  # the page itself
        ("http://localhost/how-it-decides", "/space/"),  # not under the service's path
    ):
        response = client.get("/privacy", base_url="http://localhost/space/", headers={"Referer": came_from})
        assert back_link(response) == back, came_from


def test_a_public_address_ending_in_any_page_of_the_service_is_refused(app: Flask) -> None:
    """``SERVICE_PATHS`` (a PUBLIC_BASE_URL ending in one is a page's address) names the first part
    of every route's path, so a page added later is refused there too."""
    from app.config import SERVICE_PATHS

    firsts = {rule.rule.strip("/").split("/")[0] for rule in app.url_map.iter_rules()} - {""}
    assert firsts <= SERVICE_PATHS, firsts - SERVICE_PATHS


def test_a_served_app_reads_every_template_as_it_starts_and_never_again(app: Flask, monkeypatch) -> None:
    """Found (administrator review): the README's upgrade puts the new code in place before the
    restart, and the running version read each template it had not used yet from the new files:
    the privacy notice, question pages, the inbox, and the "Request sent" page after the request
    was stored, were server errors until the restart. A served app (``wsgi``) and the outbox
    worker now read every template as they start, and no page reads one again."""
    from app.templating import keep_every_template
    from support.submission import fill_details, to_outcome

    assert keep_every_template(app) >= 150 and app.jinja_env.auto_reload is False
    loader = app.jinja_env.loader
    assert loader is not None
    read: list[str] = []
    get_source = loader.get_source
    monkeypatch.setattr(loader, "get_source", lambda env, name: read.append(name) or get_source(env, name))
    client = app.test_client()
    for page in ("/", "/privacy", "/cookies", "/accessibility", "/how-it-decides", "/inbox/sign-in", "/healthz"):
        assert client.get(page).status_code == 200, page
    walker = to_outcome(client)
    assert fill_details(walker).status_code == 302
    assert walker.get("/request/check-answers").status_code == 200
    assert read == []


def test_options_that_are_not_a_json_object_are_refused_with_an_example_that_setting_takes() -> None:
    """Found (docs review): RATELIMIT_STORAGE_OPTIONS not a JSON object was refused with the database
    engine's example, {"pool_size": 10}, which Redis then refused as an option it does not know."""
    with pytest.raises(
        ConfigError, match=r'RATELIMIT_STORAGE_OPTIONS must be a JSON object such as \{"socket_timeout"'
    ):
        load_config(environ={"RATELIMIT_STORAGE_OPTIONS": "socket_timeout=1"})
    with pytest.raises(ConfigError, match=r'SQLALCHEMY_ENGINE_OPTIONS must be a JSON object such as \{"pool_size"'):
        load_config(environ={"SQLALCHEMY_ENGINE_OPTIONS": "[1]"})
