"""A request reopened after its session was held can have a new session arranged; the held
session keeps it in its history; and a session that has started is never cancelled (so no
one is emailed a cancellation of a session that already took place)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import StoredRequest, utcnow
from app.space_sessions.models import SessionPlace, SpaceSession
from app.stats.models import Count
from support import both_databases
from support.mail import FACILITATORS, SmtpServer
from support.sessions import session_has_started, uk_today
from support.submission import run_outbox
from test_inbox import post_form, signed_in, text
from test_sessions import CONFIRMED, arrange, invite, offered, outbox_kinds, outcome, request_url, session_id_of
from test_workflow import BASE_URL, CONTACT, new_request, status_of

SESSION_PAGE = "/inbox/sessions/{}"


@pytest.fixture
def session_app(app: Flask) -> Flask:
    """Session emails on (queued only: no test here runs the outbox), with a public address for
    the feedback link, as in test_sessions."""
    app.config.update(
        FACILITATOR_EMAIL=FACILITATORS,
        SEND_ACKNOWLEDGEMENTS=False,
        PUBLIC_BASE_URL=BASE_URL,
        FACILITATOR_CONTACT_TEXT=CONTACT,
    )
    return app


def move(client: FlaskClient, reference: str, status: str) -> None:
    """Change the request's status with the status form on its page."""
    response = post_form(client, request_url(reference), request_url(reference, "status"), {"status": status})
    assert response.status_code == 302, text(response)


def held_then_reopened(app: Flask, client: FlaskClient) -> tuple[str, int]:
    """A request whose session (invited) was held, then closed, reopened and offered again: the
    review's steps. Returns the reference and the held session's id."""
    reference = offered(app)
    assert arrange(client, reference).status_code == 302
    assert invite(client, reference).status_code == 302
    held = session_id_of(app, reference)
    assert held is not None
    session_has_started(app, reference)
    assert outcome(client, reference, "held").status_code == 302
    for status in ("closed", "in_triage", "session_offered"):
        move(client, reference, status)
    return reference, held


def sessions_held_counted(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.sum(Count.count)).where(Count.kind == "session_held")) or 0)


@both_databases
def test_a_request_reopened_after_its_session_was_held_can_have_a_new_session_arranged(session_app: Flask) -> None:
    """Found: held → closed → in triage → session offered showed the old, held session and no
    arrange form, and arranging was refused ("This request is already in a session")."""
    client, _ = signed_in(session_app)
    reference, held = held_then_reopened(session_app, client)
    assert sessions_held_counted(session_app) == 1
    page = text(client.get(request_url(reference)))
    assert "data-arrange-form" in page and f'data-session="{held}"' not in page
    assert session_id_of(session_app, reference) is None

    day = uk_today() + dt.timedelta(days=10)
    response = arrange(client, reference, day=day)
    assert response.status_code == 302, text(response)
    assert status_of(session_app, reference) == "session_arranged"
    new = session_id_of(session_app, reference)
    assert new is not None and new != held
    assert invite(client, reference).status_code == 302
    page = text(client.get(request_url(reference)))
    assert f'data-session="{new}"' in page and "This request is already in a session" not in page

    # The held session keeps its history: not cancelled, its page lists who attended, nothing
    # was cancelled by email, and the count of sessions held is unchanged.
    with session_app.app_context():
        assert db.session.get(SpaceSession, held).cancelled_at is None
    held_page = text(client.get(SESSION_PAGE.format(held)))
    assert reference in held_page.split("data-earlier-members")[1]
    assert "cancellation" not in outbox_kinds(session_app)
    assert sessions_held_counted(session_app) == 1
    # The first session's invitation never went (no mail server here): the new one replaces it.
    assert outbox_kinds(session_app).count("invitation") == 1


def test_a_reopened_request_is_not_offered_the_session_it_was_held_in_again(session_app: Flask) -> None:
    """A session over can be joined, to record a request discussed in it; but not by a request
    reopened after that very session was held for it (it would be counted held twice), though
    another request received before it can be."""
    client, _ = signed_in(session_app)
    reference, other = (offered(session_app, received=utcnow() - dt.timedelta(days=10)) for _ in range(2))
    held_on = uk_today() - dt.timedelta(days=3)
    assert arrange(client, reference, day=held_on).status_code == 302  # recorded after it took place
    held = session_id_of(session_app, reference)
    assert outcome(client, reference, "held").status_code == 302
    for status in ("closed", "in_triage", "session_offered"):
        move(client, reference, status)

    def offered_to(reference: str) -> bool:
        return f'name="session" type="radio" value="{held}"' in text(client.get(request_url(reference)))

    assert offered_to(other) and not offered_to(reference)
    rejoined = post_form(client, request_url(reference), request_url(reference, "session"), {"session": str(held)})
    assert rejoined.status_code == 200 and "Select a session, or A new session" in text(rejoined)
    assert sessions_held_counted(session_app) == 1


def test_a_group_session_held_for_a_reopened_request_is_not_cancelled_when_the_others_leave(
    session_app: Flask,
) -> None:
    """A session is cancelled by itself when its last request leaves it; not one that was held
    for a request reopened since (before, that request was still in it)."""
    client, _ = signed_in(session_app)
    first, second = offered(session_app), offered(session_app)
    assert arrange(client, first).status_code == 302
    group = session_id_of(session_app, first)
    assert (
        post_form(client, request_url(second), request_url(second, "session"), {"session": str(group)}).status_code
        == 302
    )
    session_has_started(session_app, first)
    assert outcome(client, first, "held").status_code == 302
    for status in ("closed", "in_triage"):
        move(client, first, status)
    assert outcome(client, second, "not_held").status_code == 302  # the last request in it leaves
    with session_app.app_context():
        assert db.session.get(SpaceSession, group).cancelled_at is None
    page = text(client.get(SESSION_PAGE.format(group)))
    assert "data-cancelled" not in page and first in page.split("data-earlier-members")[1]


def test_a_reopened_request_that_is_purged_takes_the_held_session_with_it(
    session_app: Flask, smtp_server: SmtpServer, runner
) -> None:
    from app.space_sessions.models import HeldPlace

    client, _ = signed_in(session_app)
    reference, held = held_then_reopened(session_app, client)
    # Its feedback link sent (a request is kept while the email with it waits to go).
    session_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_TIMEOUT=5)
    smtp_server.start()
    assert run_outbox(session_app).sent >= 1
    # Only the history now ties the held session to a request: a purge keeps it while the request is kept.
    assert runner.invoke(args=["requests", "purge"]).exit_code == 0
    with session_app.app_context():
        assert db.session.get(SpaceSession, held) is not None
        assert db.session.scalar(select(func.count()).select_from(HeldPlace)) == 1
        request = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        request.created_at = dt.datetime(2020, 1, 1, 12)
        db.session.commit()
    result = runner.invoke(args=["requests", "purge"])
    assert result.exit_code == 0 and "Deleted 1 request " in result.output, result.output
    with session_app.app_context():
        assert db.session.get(SpaceSession, held) is None
        assert db.session.scalar(select(func.count()).select_from(HeldPlace)) == 0


def test_a_request_is_still_in_one_upcoming_session_at_most(session_app: Flask) -> None:
    from app.space_sessions.service import SessionRefused
    from app.space_sessions.service import arrange as arrange_in

    client, _ = signed_in(session_app)
    reference = offered(session_app)
    assert arrange(client, reference).status_code == 302
    first = session_id_of(session_app, reference)
    with session_app.app_context():
        request = db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))
        request.status = "session_offered"  # as if moved back without leaving its session
        with pytest.raises(SessionRefused, match="already in a session"):
            arrange_in(request, "test", session_id=first)
        db.session.rollback()
    assert session_id_of(session_app, reference) == first


@both_databases
def test_a_session_that_has_started_cannot_be_cancelled(session_app: Flask) -> None:
    """Found: the only way out of the dead end was to cancel the held session, which emailed
    the practitioner a cancellation of a session that had already taken place."""
    client, _ = signed_in(session_app)
    reference = offered(session_app)
    arrange(client, reference)
    invite(client, reference)
    session_id = session_id_of(session_app, reference)
    page_url = SESSION_PAGE.format(session_id)
    assert f'href="{page_url}/cancel"' in text(client.get(page_url))  # still to come: it can be cancelled
    session_has_started(session_app, reference)
    page = text(client.get(page_url))
    assert f'href="{page_url}/cancel"' not in page and "data-cancel-link" not in page
    assert "has started, so it cannot be cancelled" in page
    for response in (
        client.get(f"{page_url}/cancel", follow_redirects=True),
        post_form(client, page_url, f"{page_url}/cancel", CONFIRMED, follow_redirects=True),
    ):
        assert "has started, so it cannot be cancelled" in text(response)
        assert "Are you sure" not in text(response)
    with session_app.app_context():
        assert db.session.get(SpaceSession, session_id).cancelled_at is None
    assert "cancellation" not in outbox_kinds(session_app)
    assert status_of(session_app, reference) == "session_arranged"
    # What to do instead: say on the request page whether it was held.
    assert outcome(client, reference, "not_held").status_code == 302
    assert status_of(session_app, reference) == "session_offered"
    assert "cancellation" not in outbox_kinds(session_app)


@both_databases
@pytest.mark.own_schema
def test_0010_frees_the_requests_already_reopened_after_a_held_session(app: Flask) -> None:
    """Requests reopened before the fix are still in their held session: the migration moves
    them to its history, so a new session can be arranged."""
    from flask_migrate import downgrade, upgrade

    from app.space_sessions.models import HeldPlace

    reopened, held = new_request(app, status="session_offered"), new_request(app, status="session_held")
    with app.app_context():
        session = SpaceSession(
            uid="old@space-to-think", starts_at=utcnow() - dt.timedelta(days=3), minutes=60, format="phone", place="x"
        )
        db.session.add(session)
        db.session.flush()
        for reference in (reopened, held):
            request_id = db.session.scalar(select(StoredRequest.id).where(StoredRequest.reference == reference))
            db.session.add(SessionPlace(request_id=request_id, session_id=session.id, invited_sequence=0))
        session_id = session.id
        db.session.commit()
        db.session.remove()  # no transaction left open: PostgreSQL's DROP TABLE would wait for it
        downgrade(revision="0009")
        upgrade()
        places = db.session.execute(
            select(StoredRequest.reference, SessionPlace.session_id).join(
                SessionPlace, SessionPlace.request_id == StoredRequest.id
            )
        ).all()
        history = db.session.execute(
            select(StoredRequest.reference, HeldPlace.session_id).join(
                HeldPlace, HeldPlace.request_id == StoredRequest.id
            )
        ).all()
        assert [tuple(row) for row in places] == [(held, session_id)]
        assert [tuple(row) for row in history] == [(reopened, session_id)]
