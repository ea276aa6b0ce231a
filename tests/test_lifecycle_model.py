"""A model of a request's whole life, driven over HTTP (Hypothesis's stateful testing).

Practitioners send requests (by the journey, or through the service), three facilitators open
them, assign them, add notes, move them on, arrange sessions (alone or joining one), invite,
record outcomes and cancel sessions; practitioners answer their feedback links; the outbox
worker runs (``flask outbox send``), the clock moves on and the purge runs (``flask requests
purge``); the statistics and the CSV are read. After every step the invariants below are checked
against the database, the pages and the emails the test SMTP server received:

- no response is a 5xx;
- every request page shown (200) leaves a "viewed" event for that request in the audit trail;
- every change of a request's status between two steps is a move the workflow allows;
- every email (queued or received) goes to the facilitators' mailbox or to the practitioner of
  the request it names, and no invitation, update or reminder is queued for a request's place in
  a session after that session was cancelled;
- after the purge, no request older than RETENTION_DAYS is left unless the purge said why it kept it;
- a purged request is gone from its page, the CSV, every session page and the emails waiting;
- the anonymous counts equal what was done (requests sent, sessions held, feedback given).

Settings (environment): ``LIFECYCLE_EXAMPLES`` (default 8, to keep the suite quick: longer runs, 20,000
steps in all, found nothing) and ``LIFECYCLE_STEPS`` (default 40);
``LIFECYCLE_SHRINK=0`` reports a failure unshrunk (shrinking a long run can take minutes);
``LIFECYCLE_BACKEND=postgres`` runs on the PostgreSQL ``TEST_DATABASE_URL`` names (a schema of its
own); ``LIFECYCLE_SUMMARY=FILE`` appends one line per example saying what it reached.
Practitioners have no link to cancel a request (the app has none): not modelled.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

import app.cli
import app.emails
import app.models
import app.space_sessions.forms
import app.stats.service
import app.uk_time
from app import workflow
from app.extensions import db
from app.inbox import service as inbox_service
from app.models import AuditEvent, OutboxMessage, StoredRequest
from app.space_sessions.models import SessionPlace, SpaceSession
from app.stats.models import Count
from support import csrf_token, session_csrf_token
from support.database import WorkerSchema, dispose, migrated_sqlite, schema_settings
from support.mail import FACILITATORS, SmtpServer
from support.passwords import cheap_password_hash
from support.sessions import session_form
from support.submission import VALID_DETAILS, make_request, submitted_request, to_outcome

PASSWORD = "quiet harbour lantern orchard"
FACILITATOR_EMAILS = ("sam@partnership.example", "kim@partnership.example", "lee@partnership.example")
BASE_URL = "https://spacetothink.partnership.example/stt"
RETENTION = 30
REFERENCE = re.compile(r"STT(?:-[A-Z0-9]{4})+")
FEEDBACK_PATH = re.compile(r"/feedback/([A-Za-z0-9_-]{20,})")
TIMESTAMPED = (app.models, app.uk_time, app.stats.service, app.space_sessions.forms, app.emails, app.cli)


class MovingClock:
    """``dt`` for the modules that read the clock: the real time plus ``offset``."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()
        clock = self

        class MovedDateTime(dt.datetime):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
                moment = dt.datetime.now(dt.UTC) + clock.offset
                return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

        class MovedDate(dt.date):
            @classmethod
            def today(cls) -> dt.date:  # type: ignore[override]
                return (dt.datetime.now(dt.UTC) + clock.offset).date()

        self.module = types.SimpleNamespace(**{n: getattr(dt, n) for n in dir(dt) if not n.startswith("__")})
        self.module.datetime = MovedDateTime
        self.module.date = MovedDate

    def now(self) -> dt.datetime:
        return (dt.datetime.now(dt.UTC) + self.offset).replace(tzinfo=None)


SMTP: SmtpServer | None = None
SCHEMA: WorkerSchema | None = None
TMP: Path | None = None
FINDINGS: list[str] = []


class Broken(AssertionError):
    pass


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        from app import create_app

        assert SMTP is not None and TMP is not None
        self.smtp = SMTP
        self.smtp.mailbox.messages.clear()
        self.clock = MovingClock()
        self.patch = pytest.MonkeyPatch()
        for module in TIMESTAMPED:
            self.patch.setattr(module, "dt", self.clock.module, raising=True)
        self.patch.setattr(inbox_service, "generate_password_hash", cheap_password_hash)
        if SCHEMA is not None:
            SCHEMA.empty()
            database = schema_settings(SCHEMA.url, SCHEMA.name)
        else:
            database = {"SQLALCHEMY_DATABASE_URI": migrated_sqlite(TMP / f"life-{next(COUNTER)}.db")}
        self.app = create_app(
            {
                "APP_ENV": "test",
                **database,
                "RATELIMIT_ENABLED": False,
                "FACILITATOR_EMAIL": FACILITATORS,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": self.smtp.port,
                "SMTP_TIMEOUT": 5,
                "MAIL_FROM": "space-to-think@partnership.example",
                "SEND_ACKNOWLEDGEMENTS": True,
                "PUBLIC_BASE_URL": BASE_URL,
                "RETENTION_DAYS": RETENTION,
            }
        )
        self.runner = self.app.test_cli_runner()
        with self.app.app_context():
            self.facilitator_ids = [
                inbox_service.add_facilitator(email, f"Facilitator {i}", PASSWORD).id
                for i, email in enumerate(FACILITATOR_EMAILS)
            ]
        self.clients: dict[int, Any] = {}
        self.log: list[str] = []  # the steps, as a plain reproduction
        self.emails: dict[str, str] = {}  # reference -> practitioner email
        self.purged: set[str] = set()
        self.sent = 0  # requests sent
        self.held = 0  # moves into session_held
        self.feedback = 0  # answers accepted
        self.feedback_used: set[str] = set()
        self.cancelled: dict[int, tuple[dt.datetime, set[str]]] = {}  # session id -> (when, references then)
        self.statuses: dict[str, str] = {}
        self.seen: dict[str, int] = {}

    def teardown(self) -> None:
        with self.app.app_context():
            kinds = dict(
                db.session.execute(select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)).all()
            )
            sessions = db.session.scalar(select(func.count()).select_from(SpaceSession))
        with open(os.environ.get("LIFECYCLE_SUMMARY", "/dev/null"), "a") as summary:
            summary.write(
                f"steps={len(self.log)} requests={len(self.emails)} purged={len(self.purged)} held={self.held} "
                f"feedback={self.feedback} cancelled={len(self.cancelled)} sessions={sessions} "
                f"outbox={kinds} received={len(self.smtp.mailbox.messages)} {self.seen}\n"
            )
        self.patch.undo()
        dispose(self.app)

    # --- helpers ----------------------------------------------------------------------------

    def note(self, words: str) -> None:
        self.log.append(f"[+{self.clock.offset.days}d] {words}")

    def check(self, response: Any, what: str) -> Any:
        if response.status_code >= 500:
            raise Broken(f"5xx ({response.status_code}) on {what}\n" + "\n".join(self.log))
        return response

    def facilitator(self, i: int) -> Any:
        client = self.clients.get(i)
        if client is None:
            client = self.app.test_client()
            token = csrf_token(client.get("/inbox/sign-in").get_data(as_text=True))
            signed = client.post(
                "/inbox/sign-in", data={"csrf_token": token, "email": FACILITATOR_EMAILS[i], "password": PASSWORD}
            )
            assert signed.status_code == 302, signed.status_code
            self.clients[i] = client
        return client

    def post(self, i: int, page: str, url: str, data: dict[str, str]) -> Any:
        """POST a form as a browser does (the session's CSRF token), following the redirect."""
        client = self.facilitator(i)
        response = self.check(
            client.post(url, data={"csrf_token": session_csrf_token(client), **data}), f"POST {url} {data}"
        )
        if response.status_code in (302, 303):
            location = response.location or ""
            if "/inbox/sign-in" in location:
                self.clients.pop(i, None)
            self.check(client.get(location), f"GET {location} after POST {url}")
        return response

    def db_statuses(self) -> dict[str, str]:
        with self.app.app_context():
            return dict(db.session.execute(select(StoredRequest.reference, StoredRequest.status)).all())

    def live(self) -> list[str]:
        return [r for r in self.emails if r not in self.purged]

    def session_ids(self) -> list[int]:
        with self.app.app_context():
            return list(db.session.scalars(select(SpaceSession.id).order_by(SpaceSession.id)))

    # --- practitioners ------------------------------------------------------------------------

    @rule()
    def submit_by_journey(self) -> None:
        n = len(self.emails)
        email = f"practitioner{n}@nhs.example"
        client = self.app.test_client()
        walker = to_outcome(client)
        submitted_request(walker, details={**VALID_DETAILS, "email": email})
        with self.app.app_context():
            reference = db.session.scalar(select(StoredRequest.reference).order_by(StoredRequest.id.desc()).limit(1))
        self.emails[reference] = email
        self.sent += 1
        self.note(f"practitioner {email} sends a request by the journey -> {reference}")

    @rule()
    def submit_by_service(self) -> None:
        n = len(self.emails)
        email = f"practitioner{n}@nhs.example"
        with self.app.app_context():
            reference = str(make_request(details={**VALID_DETAILS, "email": email}).request.reference)
        self.emails[reference] = email
        self.sent += 1
        self.note(f"practitioner {email} sends a request (service) -> {reference}")

    # --- facilitators -------------------------------------------------------------------------

    @precondition(lambda self: self.emails)
    @rule(i=st.integers(0, 2), data=st.data())
    def view(self, i: int, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(list(self.emails)))
        with self.app.app_context():
            before = db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.reference == reference, AuditEvent.action == "viewed")
            )
        response = self.check(self.facilitator(i).get(f"/inbox/requests/{reference}"), f"view {reference}")
        self.note(f"facilitator {i} opens {reference} -> {response.status_code}")
        if reference in self.purged and response.status_code == 200:
            raise Broken(f"purged {reference} shown\n" + "\n".join(self.log))
        if response.status_code == 200:
            with self.app.app_context():
                after = db.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.reference == reference, AuditEvent.action == "viewed")
                )
            if after <= before:
                raise Broken(f"view of {reference} not audited\n" + "\n".join(self.log))

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), status=st.sampled_from(workflow.STATUSES), data=st.data())
    def move(self, i: int, status: str, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(self.live()))
        form = {"status": status}
        if status == "redirected":
            form |= {"redirected_to": "S", "reason": "Supervision suits this better for now."}
        if status == "duplicate":
            others = [r for r in self.live() if r != reference] or [reference]
            form |= {"duplicate_of": data.draw(st.sampled_from(others))}
        page = f"/inbox/requests/{reference}"
        before = self.db_statuses().get(reference)
        response = self.post(i, page, f"{page}/status", form)
        after = self.db_statuses().get(reference)
        self.note(f"facilitator {i} moves {reference} {before} -> {status}: {response.status_code}, now {after}")
        if status == "session_held" and after == "session_held" and before != "session_held":
            self.held += 1

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), days=st.integers(1, 10), data=st.data())
    def move_on(self, i: int, days: int, data: st.DataObject) -> None:
        """The usual next step for a request (so that the model reaches sessions held and feedback)."""
        self.step_on(i, days, data.draw(st.sampled_from(self.live())), data)

    def step_on(self, i: int, days: int, reference: str, data: st.DataObject) -> None:
        status = self.db_statuses().get(reference)
        page = f"/inbox/requests/{reference}"
        if status == "session_offered":
            day = (self.clock.now() + dt.timedelta(days=days)).date()
            ids = self.session_ids()
            form = session_form(day)
            if ids and data.draw(st.booleans()):
                form = {"session": str(data.draw(st.sampled_from(ids)))}
            response = self.post(i, page, f"{page}/session", form)
            self.note(
                f"facilitator {i} arranges {reference} ({form['session']}, {day}): {response.status_code}, "
                f"now {self.db_statuses().get(reference)}"
            )
            if self.db_statuses().get(reference) == "session_arranged":
                response = self.post(i, page, f"{page}/invitation", {})
                self.note(f"facilitator {i} sends the invitation for {reference}: {response.status_code}")
            return
        if status == "session_arranged":
            before = status
            response = self.post(i, page, f"{page}/session-outcome", {"outcome": "held"})
            after = self.db_statuses().get(reference)
            if after == "session_held" and before != "session_held":
                self.held += 1
            self.note(f"facilitator {i} records {reference}'s session held: {response.status_code}, now {after}")
            return
        following = {
            "new": "in_triage",
            "in_triage": "session_offered",
            "waiting": "session_offered",
            "session_held": "closed",
            "closed": "in_triage",
            "redirected": "in_triage",
            "duplicate": "in_triage",
        }.get(status or "")
        if following:
            response = self.post(i, page, f"{page}/status", {"status": following})
            self.note(
                f"facilitator {i} moves {reference} {status} -> {following}: {response.status_code}, "
                f"now {self.db_statuses().get(reference)}"
            )
            self.seen[f"moved to {following}"] = self.seen.get(f"moved to {following}", 0) + (
                self.db_statuses().get(reference) == following
            )

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), to=st.integers(-1, 2), data=st.data())
    def assign(self, i: int, to: int, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(self.live()))
        page = f"/inbox/requests/{reference}"
        who = "" if to < 0 else str(self.facilitator_ids[to])
        response = self.post(i, page, f"{page}/assignment", {"facilitator": who})
        self.note(f"facilitator {i} assigns {reference} to {to}: {response.status_code}")

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), data=st.data())
    def add_note(self, i: int, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(self.live()))
        page = f"/inbox/requests/{reference}"
        response = self.post(i, page, f"{page}/notes", {"text": "Spoke to the practitioner; fits well."})
        self.note(f"facilitator {i} adds a note to {reference}: {response.status_code}")

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), days=st.integers(1, 20), join=st.booleans(), data=st.data())
    def arrange(self, i: int, days: int, join: bool, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(self.live()))
        page = f"/inbox/requests/{reference}"
        day = (self.clock.now() + dt.timedelta(days=days)).date()
        form = session_form(day)
        ids = self.session_ids()
        if join and ids:
            form = {"session": str(data.draw(st.sampled_from(ids)))}
        response = self.post(i, page, f"{page}/session", form)
        self.note(
            f"facilitator {i} arranges {reference} "
            f"{'joining session ' + form['session'] if form['session'] != 'new' else 'new session on ' + str(day)}"
            f": {response.status_code}, now {self.db_statuses().get(reference)}"
        )

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), data=st.data())
    def invite(self, i: int, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(self.live()))
        page = f"/inbox/requests/{reference}"
        response = self.post(i, page, f"{page}/invitation", {})
        self.note(f"facilitator {i} sends the invitation for {reference}: {response.status_code}")

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), held=st.booleans(), data=st.data())
    def outcome(self, i: int, held: bool, data: st.DataObject) -> None:
        reference = data.draw(st.sampled_from(self.live()))
        page = f"/inbox/requests/{reference}"
        before = self.db_statuses().get(reference)
        response = self.post(i, page, f"{page}/session-outcome", {"outcome": "held" if held else "not_held"})
        after = self.db_statuses().get(reference)
        if after == "session_held" and before != "session_held":
            self.held += 1
        self.note(
            f"facilitator {i} records {reference}'s session {'held' if held else 'not held'}: "
            f"{response.status_code}, {before} -> {after}"
        )

    @precondition(lambda self: self.session_ids())
    @rule(i=st.integers(0, 2), data=st.data())
    def cancel_session(self, i: int, data: st.DataObject) -> None:
        ids = self.session_ids()
        if not ids:
            return
        sid = data.draw(st.sampled_from(ids))
        with self.app.app_context():
            members = set(
                db.session.scalars(
                    select(StoredRequest.reference)
                    .join(SessionPlace, SessionPlace.request_id == StoredRequest.id)
                    .where(SessionPlace.session_id == sid)
                )
            )
            was = db.session.get(SpaceSession, sid)
            already = was is not None and was.cancelled_at is not None
        page = f"/inbox/sessions/{sid}/cancel"
        client = self.facilitator(i)
        shown = self.check(client.get(page), f"GET {page}")
        text = shown.get_data(as_text=True)
        form = {"confirm": "yes"}
        seen = re.search(r'name="consequences_seen" value="([^"]*)"', text)
        if seen:
            form["consequences_seen"] = seen.group(1)
        response = self.post(i, page, page, form)
        with self.app.app_context():
            now = db.session.get(SpaceSession, sid)
            done = now is not None and now.cancelled_at is not None and not already
        if done:
            self.cancelled[sid] = (self.clock.now(), members)
        self.note(f"facilitator {i} cancels session {sid} (with {sorted(members)}): {response.status_code}, {done}")

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2))
    def exports(self, i: int) -> None:
        client = self.facilitator(i)
        for url in ("/inbox/statistics", "/inbox/statistics.csv", "/inbox/sessions", "/inbox"):
            self.check(client.get(url), url)
        for status in workflow.STATUSES:
            csv = self.check(client.get(f"/inbox/requests.csv?status={status}"), "csv").get_data(as_text=True)
            if gone := {r for r in self.purged if r in csv}:
                raise Broken(f"purged {gone} in the CSV\n" + "\n".join(self.log))
        for sid in self.session_ids():
            page = self.check(client.get(f"/inbox/sessions/{sid}"), f"session {sid}").get_data(as_text=True)
            if gone := {r for r in self.purged if r in page}:
                raise Broken(f"purged {gone} on session {sid}'s page\n" + "\n".join(self.log))
        self.note(f"facilitator {i} reads the statistics, sessions and CSVs")

    # --- practitioners' feedback ---------------------------------------------------------------

    def feedback_waiting(self) -> bool:
        with self.app.app_context():
            return bool(
                db.session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "feedback")
                )
            )

    @precondition(lambda self: self.feedback_waiting())
    @rule(score=st.sampled_from(["1", "2", "3", "4", "5"]))
    def give_feedback(self, score: str) -> None:
        with self.app.app_context():
            bodies = list(db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "feedback")))
        tokens = [m.group(1) for body in bodies if body for m in [FEEDBACK_PATH.search(body)] if m]
        tokens = [t for t in tokens if t not in self.feedback_used]
        if not tokens:
            return
        token = tokens[0]
        client = self.app.test_client()
        page = self.check(client.get(f"/feedback/{token}"), "feedback page")
        if page.status_code != 200:
            self.note(f"practitioner opens a feedback link: {page.status_code}")
            return
        response = self.check(
            client.post(
                f"/feedback/{token}",
                data={"csrf_token": csrf_token(page.get_data(as_text=True)), "score": score, "comment": ""},
            ),
            "feedback",
        )
        if response.status_code == 302:
            self.feedback += 1
            self.feedback_used.add(token)
        self.note(f"practitioner answers a feedback link with {score}: {response.status_code}")

    # --- the worker, the clock and the purge ----------------------------------------------------

    @rule()
    def outbox(self) -> None:
        result = self.runner.invoke(args=["outbox", "send"])
        self.note(f"flask outbox send -> exit {result.exit_code}")
        if result.exception and not isinstance(result.exception, SystemExit):
            raise Broken(f"outbox send raised {result.exception!r}\n" + "\n".join(self.log))

    @rule()
    def worker_pass(self) -> None:
        """One pass of the outbox worker, as ``flask outbox worker --once`` (reminders due are queued, too)."""
        from app.outbox import run_pass

        with self.app.app_context():
            run_pass(now=self.clock.now())
        self.note("one pass of the outbox worker (flask outbox worker --once)")

    @rule(hours=st.sampled_from([6, 12, 20]))
    def hours_pass(self, hours: int) -> None:
        self.clock.offset += dt.timedelta(hours=hours)
        self.clients.clear()
        self.note(f"{hours} hours pass")

    @rule(days=st.sampled_from([1, 2, 7, 15, 31]))
    def time_passes(self, days: int) -> None:
        self.clock.offset += dt.timedelta(days=days)
        self.clients.clear()  # sign-ins end; each facilitator signs in again
        self.note(f"{days} days pass")

    @rule()
    def purge(self) -> None:
        before = set(self.db_statuses())
        with self.app.app_context():
            created = dict(db.session.execute(select(StoredRequest.reference, StoredRequest.created_at)).all())
        result = self.runner.invoke(args=["requests", "purge"])
        output = result.output
        after = set(self.db_statuses())
        self.purged |= before - after
        self.note(f"flask requests purge -> exit {result.exit_code}, deleted {sorted(before - after)}")
        if result.exception and not isinstance(result.exception, SystemExit):
            raise Broken(f"purge raised {result.exception!r}\n" + "\n".join(self.log))
        cutoff = self.clock.now() - dt.timedelta(days=RETENTION)
        for reference in after:
            if created[reference] < cutoff and reference not in output:
                raise Broken(f"{reference} kept past its retention without a reason\n{output}\n" + "\n".join(self.log))

    @precondition(lambda self: self.live())
    @rule(i=st.integers(0, 2), days=st.integers(1, 10), data=st.data())
    def take_to_a_session(self, i: int, days: int, data: st.DataObject) -> None:
        """Several usual steps at once for one request: triage, offer, arrange (alone or joining), invite."""
        reference = data.draw(st.sampled_from(self.live()))
        for _ in range(3):
            if self.db_statuses().get(reference) in ("session_arranged", "session_held", None):
                break
            self.step_on(i, days, reference, data)

    # Hypothesis picks among the rules evenly: these happen more often.
    move_on_again = move_on
    move_on_once_more = move_on
    submit_another = submit_by_service

    @initialize()
    def two_requests_waiting(self) -> None:
        self.submit_by_service()
        self.submit_by_service()

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def statuses_move_only_as_allowed(self) -> None:
        """Every move in the audit trail is one the workflow allows, the moves of a request chain
        from "new", and the last one is where the request is now."""
        now = self.db_statuses()
        with self.app.app_context():
            moves = db.session.execute(
                select(AuditEvent.reference, AuditEvent.detail)
                .where(AuditEvent.action == "status_changed")
                .order_by(AuditEvent.id)
            ).all()
        where: dict[str, str] = {}
        for reference, detail in moves:
            found = re.match(r"(\w+) to (\w+)", detail or "")
            if found is None:
                raise Broken(f"{reference}: status change '{detail}' unreadable\n" + "\n".join(self.log))
            old, new = found.groups()
            if not workflow.can_move(old, new):
                raise Broken(f"{reference} moved {old} -> {new}\n" + "\n".join(self.log))
            if where.get(reference, "new") != old:
                raise Broken(
                    f"{reference} moved from {old}, but was {where.get(reference, 'new')}\n" + "\n".join(self.log)
                )
            where[reference] = new
        for reference, status in now.items():
            if where.get(reference, "new") != status:
                raise Broken(
                    f"{reference} is {status}, its trail says {where.get(reference, 'new')}\n" + "\n".join(self.log)
                )

    @invariant()
    def emails_go_only_to_those_concerned(self) -> None:
        with self.app.app_context():
            rows = db.session.execute(
                select(
                    OutboxMessage.kind,
                    OutboxMessage.recipient,
                    OutboxMessage.subject,
                    OutboxMessage.created_at,
                    OutboxMessage.sent_at,
                    OutboxMessage.calendar,
                    StoredRequest.reference,
                ).outerjoin(StoredRequest, StoredRequest.id == OutboxMessage.request_id)
            ).all()
            uids = {
                sid: db.session.scalar(select(SpaceSession.uid).where(SpaceSession.id == sid)) for sid in self.cancelled
            }
        for kind, recipient, subject, created, sent, calendar, reference in rows:
            named = set(REFERENCE.findall(subject or ""))
            if recipient != FACILITATORS:
                allowed = {r for r, e in self.emails.items() if e == recipient}
                if reference is not None and reference not in allowed:
                    raise Broken(f"{kind} for {reference} to {recipient}\n" + "\n".join(self.log))
                if named - allowed:
                    raise Broken(f"{kind} '{subject}' to {recipient}\n" + "\n".join(self.log))
            if sent is None and named & self.purged:
                raise Broken(f"email waiting about purged {named & self.purged}: {subject}\n" + "\n".join(self.log))
            for sid, (when, _members) in self.cancelled.items():
                uid = uids.get(sid)
                if (
                    kind in ("invitation", "reminder", "update")
                    and created > when
                    and calendar
                    and uid
                    and uid in calendar
                ):
                    raise Broken(f"{kind} '{subject}' for cancelled session {sid}\n" + "\n".join(self.log))
                if (
                    kind in ("invitation", "reminder")
                    and sent is not None
                    and sent > when
                    and calendar
                    and uid
                    and uid in calendar
                ):
                    raise Broken(f"{kind} '{subject}' sent after session {sid} was cancelled\n" + "\n".join(self.log))
        for message in self.smtp.mailbox.messages:
            to = str(message["To"])
            subject = str(message["Subject"])
            named = set(REFERENCE.findall(subject))
            if FACILITATORS in to:
                continue
            allowed = {r for r, e in self.emails.items() if e in to}
            if not allowed or named - allowed:
                raise Broken(f"received '{subject}' to {to}\n" + "\n".join(self.log))

    @invariant()
    def purged_requests_are_gone(self) -> None:
        if not self.purged:
            return
        with self.app.app_context():
            left = set(
                db.session.scalars(select(StoredRequest.reference).where(StoredRequest.reference.in_(self.purged)))
            )
        if left:
            raise Broken(f"purged {left} still stored\n" + "\n".join(self.log))

    @invariant()
    def counts_equal_what_was_done(self) -> None:
        with self.app.app_context():
            counted = dict(db.session.execute(select(Count.kind, func.sum(Count.count)).group_by(Count.kind)).all())
        got = (
            int(counted.get("request_sent") or 0),
            int(counted.get("session_held") or 0),
            int(counted.get("feedback") or 0),
        )
        if got != (self.sent, self.held, self.feedback):
            raise Broken(
                f"counts {got} != done (sent, held, feedback) {(self.sent, self.held, self.feedback)}\n"
                + "\n".join(self.log)
            )


COUNTER = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    global SMTP, TMP, SCHEMA
    SMTP = SmtpServer()
    SMTP.start()
    TMP = tmp_path_factory.mktemp("lifecycle")
    if os.environ.get("LIFECYCLE_BACKEND") == "postgres":  # TEST_DATABASE_URL names the database
        from support.database import postgres_url

        SCHEMA = WorkerSchema(postgres_url(), "lifecycle")
    try:
        yield
    finally:
        SMTP.stop()
        if SCHEMA is not None:
            SCHEMA.close()
            SCHEMA = None


Lifecycle.TestCase.settings = settings(
    max_examples=int(os.environ.get("LIFECYCLE_EXAMPLES", "8")),
    stateful_step_count=int(os.environ.get("LIFECYCLE_STEPS", "40")),
    deadline=None,
    database=None,  # no examples kept between runs: each run as CI's
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
    + ([Phase.shrink] if os.environ.get("LIFECYCLE_SHRINK", "1") == "1" else []),
)
test_lifecycle = Lifecycle.TestCase
