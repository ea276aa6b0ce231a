"""A request imported from a PDF this service could not check it made: nothing is emailed to its
work email, and nothing about it counted, until a second person confirms the address.

Found (b157 review): a facilitator could import a forged PDF with any address as the work email,
tick "I have checked where this PDF came from", and have the service email that address their own
text (a session invitation with a link of theirs, its change, its cancellation), or their own
address a feedback link, and so count a request sent, a session held and a feedback score.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app import mail
from app.extensions import db
from app.inbox import service
from app.inbox.models import Facilitator
from app.inbox.redirected import WAITS_FOR_CHECK, queue_redirected_email
from app.models import OutboxMessage, StoredRequest, utcnow
from app.pack import current_pack
from app.space_sessions.service import FEEDBACK_WAITS_FOR_CHECK, INVITATION_WAITS_FOR_CHECK
from app.stats.models import Count
from app.stats.service import current_month
from support import both_databases
from support.mail import SmtpServer
from support.submission import run_outbox
from test_import_signature import upload_checked
from test_inbox import (
    events,
    pdf_with_attachment,
    post_form,
    sign_in,
    signed_in,
    text,
    valid_document,
)
from test_sessions import arrange, invite, outcome, request_url, session_app
from test_workflow import status_of

__all__ = ["session_app"]  # a fixture: pytest finds it by name here

COLLEAGUE = "kim.colleague@partnership.example"
PASSWORD = "a long and unusual passphrase 42"
ELSEWHERE = "someone.else@elsewhere.example"


def counted(app: Flask, kind: str) -> int:
    """This month's count of ``kind``, every mode and subject."""
    with app.app_context():
        rows = db.session.scalars(select(Count).where(Count.kind == kind, Count.month == current_month()))
        return sum(row.count for row in rows)


def import_unchecked(app: Flask, client: FlaskClient, email: str = ELSEWHERE) -> str:
    """A request PDF without this service's signature, giving ``email`` as the work email, imported
    with "I have checked where this PDF came from" ticked; its reference."""
    document = valid_document(app)
    document["details"]["email"] = email
    unsigned = pdf_with_attachment("request.json", json.dumps(document).encode(), signed=False)
    response = upload_checked(client, unsigned)
    assert response.status_code == 302, text(response)
    return str(document["reference"])


def pending(app: Flask, reference: str) -> bool:
    with app.app_context():
        return bool(
            db.session.scalar(select(StoredRequest.email_check_pending).where(StoredRequest.reference == reference))
        )


def given_status(app: Flask, reference: str, status: str) -> None:
    with app.app_context():
        db.session.execute(update(StoredRequest).where(StoredRequest.reference == reference).values(status=status))
        db.session.commit()


def colleague(app: Flask, role: str = "facilitator") -> FlaskClient:
    """Another account, signed in."""
    with app.app_context():
        service.add_facilitator(COLLEAGUE, "Kim Colleague", PASSWORD, role=role)
    client = app.test_client()
    assert sign_in(client, COLLEAGUE, PASSWORD).status_code == 302
    return client


def confirm(client: FlaskClient, reference: str, ticked: bool = True) -> Any:
    return post_form(
        client, request_url(reference), request_url(reference, "confirm-email"), {"checked": "y"} if ticked else {}
    )


def outbox_kinds(app: Flask, reference: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage.kind)
                .join(StoredRequest, StoredRequest.id == OutboxMessage.request_id)
                .where(StoredRequest.reference == reference)
                .order_by(OutboxMessage.id)
            )
        )


@both_databases
def test_an_unchecked_import_emails_no_one_until_another_facilitator_confirms_its_work_email(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    smtp_server.start()
    client, _ = signed_in(session_app)
    sent_before = counted(session_app, "request_sent")
    reference = import_unchecked(session_app, client)
    assert pending(session_app, reference)
    # Not counted as a request sent at the import.
    assert counted(session_app, "request_sent") == sent_before
    page = text(client.get(request_url(reference)))
    assert "Emails to the practitioner wait for another facilitator's check" in page
    assert service.EMAILS_WAIT in page and "data-imported-by-me" in page
    assert "data-confirm-email-form" not in page  # the importer is not offered the check

    # A session can still be arranged; its invitation is refused, and nothing queued.
    given_status(session_app, reference, "session_offered")
    assert arrange(client, reference).status_code == 302
    page = text(client.get(request_url(reference)))
    assert "Session arranged. Its invitation can be sent once another facilitator confirms the work email" in page
    assert "data-invitation-waits-for-check" in page and "Send invitation" not in page
    refused = text(invite(client, reference))
    assert INVITATION_WAITS_FOR_CHECK in refused
    assert "invitation" not in outbox_kinds(session_app, reference)
    assert events(session_app, "invitation_queued") == []
    session_page = text(client.get(_session_url(page)))
    assert "its work email waits for a facilitator's check" in session_page

    # The importer cannot confirm it: refused, and audited.
    assert confirm(client, reference).status_code == 302
    assert pending(session_app, reference)
    [refusal] = events(session_app, service.EMAIL_CONFIRM_REFUSED)
    assert refusal.reference == reference and refusal.detail == service.OWN_IMPORT_AUDITED
    assert service.OWN_IMPORT in text(client.get(request_url(reference)))

    # A colleague: offered the check; not ticked, nothing done; ticked, confirmed, audited as them.
    other = colleague(session_app)
    shown = text(other.get(request_url(reference)))
    assert "data-confirm-email-form" in shown and service.EMAIL_CHECK_WORDS in shown
    confirm(other, reference, ticked=False)
    assert pending(session_app, reference) and events(session_app, service.EMAIL_CONFIRMED) == []
    assert confirm(other, reference).status_code == 302
    assert not pending(session_app, reference)
    [confirmed] = events(session_app, service.EMAIL_CONFIRMED)
    with session_app.app_context():
        kim = db.session.scalar(select(Facilitator).where(Facilitator.email == COLLEAGUE))
        assert kim is not None and confirmed.actor == kim.actor != refusal.actor
    assert confirmed.reference == reference
    # Counted once, now; a second confirmation changes nothing.
    assert counted(session_app, "request_sent") == sent_before + 1
    confirm(other, reference)
    assert counted(session_app, "request_sent") == sent_before + 1
    assert len(events(session_app, service.EMAIL_CONFIRMED)) == 1
    shown = text(client.get(request_url(reference)))
    assert "data-work-email-check" not in shown and "Send invitation" in shown

    # Now the invitation goes, to the address in the request.
    assert invite(client, reference).status_code == 302
    run_outbox(session_app)
    assert [m["To"] for m in smtp_server.mailbox.messages] == [ELSEWHERE]


def _session_url(page: str) -> str:
    start = page.index('href="/inbox/sessions/') + len('href="')
    return page[start : page.index('"', start)]


@both_databases
def test_a_session_held_for_an_unchecked_import_is_not_counted_and_sends_no_feedback_link(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """As b157 did: a forged PDF with the facilitator's own address, a session recorded yesterday,
    held; the feedback link would have reached their own mailbox to score the service."""
    from support.sessions import uk_today

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = import_unchecked(session_app, client, email="sam@partnership.example")
    with session_app.app_context():
        db.session.execute(
            update(StoredRequest)
            .where(StoredRequest.reference == reference)
            .values(status="session_offered", created_at=utcnow() - dt.timedelta(days=3))
        )
        db.session.commit()
    held_before = counted(session_app, "session_held")
    assert arrange(client, reference, day=uk_today() - dt.timedelta(days=1), start_time="14:00").status_code == 302
    # The form says so before it is sent, as the page after it does (found, regression review).
    before = text(client.get(request_url(reference))).replace("&#39;", "'")
    assert f"No link to give feedback is sent: {FEEDBACK_WAITS_FOR_CHECK}" in before
    assert "is sent a link to give feedback" not in before
    held = outcome(client, reference, "held")
    assert held.status_code == 302
    shown = text(client.get(request_url(reference)))
    assert status_of(session_app, reference) == "session_held", shown
    # Said so, not "is being emailed a link" (found, regression review).
    assert f"No link to give feedback was sent: {FEEDBACK_WAITS_FOR_CHECK}" in shown.replace("&#39;", "'")
    assert "being emailed a link" not in shown
    assert counted(session_app, "session_held") == held_before
    assert "feedback" not in outbox_kinds(session_app, reference)
    [not_sent] = events(session_app, "feedback_not_sent")
    assert not_sent.detail == FEEDBACK_WAITS_FOR_CHECK
    run_outbox(session_app)
    assert smtp_server.mailbox.messages == []


def test_a_redirected_unchecked_import_emails_no_one_and_says_so(session_app: Flask) -> None:
    client, _ = signed_in(session_app)
    reference = import_unchecked(session_app, client)
    with session_app.app_context():
        stored = service.find_request(reference)
        assert stored is not None
        stored.redirected_to = next(o.id for o in current_pack().outcomes if not o.request)
        assert queue_redirected_email(stored) == WAITS_FOR_CHECK
        assert list(stored.outbox) == []
        db.session.rollback()


def test_a_partnership_account_cannot_confirm_a_work_email(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = import_unchecked(app, client)
    reader = colleague(app, role="partnership")
    assert confirm(reader, reference).status_code == 403
    assert pending(app, reference) and events(app, service.EMAIL_CONFIRMED) == []


def test_an_operator_confirms_a_work_email_at_the_command_line(app: Flask) -> None:
    """For a partnership with one facilitator: audited as the administrator, counted once."""
    client, _ = signed_in(app)
    reference = import_unchecked(app, client)
    sent_before = counted(app, "request_sent")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["requests", "confirm-email", reference], input="n\n")
    assert refused.exit_code == 1 and pending(app, reference)
    done = runner.invoke(args=["requests", "confirm-email", reference.lower(), "--yes"])
    assert done.exit_code == 0, done.output
    assert f"Confirmed the work email of request {reference}" in done.output
    assert not pending(app, reference)
    [confirmed] = events(app, service.EMAIL_CONFIRMED)
    assert confirmed.actor.startswith("cli")
    assert counted(app, "request_sent") == sent_before + 1
    again = runner.invoke(args=["requests", "confirm-email", reference, "--yes"])
    assert again.exit_code == 0 and "nothing was changed" in again.output
    assert counted(app, "request_sent") == sent_before + 1


def test_no_copy_uploaded_since_stands_for_the_second_persons_check(app: Flask) -> None:
    """Found (review of the check): the service signed its own PDF of an unchecked import, and a
    signed copy uploaded again cleared the check, so the importer alone could download the PDF of
    their forged request, upload it, and have the service email the address and count it. A copy,
    signed and matching or not, leaves the check waiting; and the service does not sign the PDF of a
    request waiting for it: it does not vouch for what it could not check."""
    from app.requests.document import SIGNATURE_NAME
    from support.pdf import pdf_reader

    client, _ = signed_in(app)
    document = valid_document(app)
    upload_checked(client, pdf_with_attachment("request.json", json.dumps(document).encode(), signed=False))
    reference = document["reference"]
    assert pending(app, reference)
    sent_before = counted(app, "request_sent")
    upload_checked(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert pending(app, reference) and counted(app, "request_sent") == sent_before
    run_outbox(app)  # its PDF made
    made = client.get(f"{request_url(reference)}/request.pdf")
    assert made.status_code == 200
    attached = pdf_reader(made.get_data()).attachments
    assert "request.json" in attached and SIGNATURE_NAME not in attached
    upload_checked(client, made.get_data())  # the service's own PDF of it, uploaded again
    assert pending(app, reference) and counted(app, "request_sent") == sent_before


def test_a_signed_import_is_counted_at_once_and_waits_for_nothing(app: Flask) -> None:
    client, _ = signed_in(app)
    document = valid_document(app)
    sent_before = counted(app, "request_sent")
    upload_checked(client, pdf_with_attachment("request.json", json.dumps(document).encode()))
    assert not pending(app, document["reference"])
    assert counted(app, "request_sent") == sent_before + 1
    assert "data-work-email-check" not in text(client.get(request_url(document["reference"])))


@both_databases
def test_each_email_to_a_requester_is_audited_with_its_address_tag_never_the_address(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (b157 review): the trail said "Session invitation emailed to the requester", nothing on
    where, so once a request was deleted nobody could tell it went to an address no practitioner
    typed. Its keyed tag now goes with it (queued and sent), the trail shown stays as it was, and
    `flask facilitators audit-log --email ADDRESS` finds them."""
    from test_workflow import new_request

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = new_request(session_app, status="session_offered")
    run_outbox(session_app)
    assert arrange(client, reference).status_code == 302
    assert invite(client, reference).status_code == 302
    run_outbox(session_app)
    address = str(smtp_server.mailbox.messages[-1]["To"])
    with session_app.app_context():
        tag = service.email_fingerprint(address)
    [queued] = events(session_app, "invitation_queued")
    [sent] = events(session_app, "invitation_sent")
    assert queued.detail.endswith(f"; address tag {tag}") and sent.detail == f"attempt 1; address tag {tag}"
    [to_facilitators] = events(session_app, "emailed")
    assert "tag" not in to_facilitators.detail  # the facilitators' own mailbox: no tag
    for event in events(session_app, "invitation_sent") + events(session_app, "invitation_queued"):
        assert address.lower() not in event.detail.lower()
    trail = text(client.get(request_url(reference))).split("data-audit-trail", 1)[1]
    assert "address tag" not in trail and tag not in trail
    listed = session_app.test_cli_runner().invoke(args=["facilitators", "audit-log", "--email", address.upper()])
    assert listed.exit_code == 0, listed.output
    entries = [line for line in listed.output.splitlines() if reference in line]
    assert len(entries) == 2 and all(tag in line for line in entries)


@both_databases
def test_an_email_queued_before_the_check_began_is_not_sent_while_it_waits(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (b163 upgrade review): an invitation queued to an unchecked import by the version before
    migration 0030 (with the mail server down), or by a server still running it in a rolling upgrade,
    went to the unconfirmed address once the new worker ran, though the request's page said nothing
    would be emailed until another facilitator confirmed it. It is given up unsent, and needs the
    facilitators' attention; once confirmed, they send the invitation again."""
    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = import_unchecked(session_app, client)
    given_status(session_app, reference, "session_offered")
    with session_app.app_context():  # as the version before 0030 had it: nothing waits
        db.session.execute(
            update(StoredRequest).where(StoredRequest.reference == reference).values(email_check_pending=False)
        )
        db.session.commit()
    assert arrange(client, reference).status_code == 302
    assert invite(client, reference).status_code == 302
    assert outbox_kinds(session_app, reference) == ["invitation"]
    with session_app.app_context():  # migration 0030's data step, before the worker's next pass
        db.session.execute(
            update(StoredRequest).where(StoredRequest.reference == reference).values(email_check_pending=True)
        )
        db.session.commit()
    run_outbox(session_app)
    assert smtp_server.mailbox.messages == []
    with session_app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invitation"))
        assert message is not None and message.sent_at is None and message.given_up_at is not None
        assert message.last_error == mail.UNCHECKED_BEFORE_SENT

    waiting = " ".join(text(client.get(request_url(reference))).split())
    assert "its work email had not been confirmed by a second person" in waiting
    assert "once the work email has been confirmed by a facilitator other than the one who imported it" in waiting
    # The session page's list does not call it an address refused (review of that check).
    from test_sessions import session_id_of

    listed = text(client.get(f"/inbox/sessions/{session_id_of(session_app, reference)}"))
    assert "invitation not sent; its work email now waits for a facilitator's check" in listed
    assert listed.count("waits for") == 1  # (said once: found, the reason twice in a row)
    assert "the address was refused" not in listed
    status = session_app.test_cli_runner().invoke(args=["outbox", "status"])
    assert "invitation given up (not sent: its request's work email waits for a second person's check" in status.output
    assert "the address was refused" not in status.output
    other = colleague(session_app)
    assert confirm(other, reference).status_code == 302
    assert "Send the invitation again" in text(client.get(request_url(reference)))
    assert invite(client, reference).status_code == 302
    run_outbox(session_app)
    assert [m["To"] for m in smtp_server.mailbox.messages] == [ELSEWHERE]


def flagged_by_the_migration(app: Flask, reference: str) -> None:
    """As migration 0030 does to a request imported unchecked before it."""
    with app.app_context():
        db.session.execute(
            update(StoredRequest)
            .where(StoredRequest.reference == reference)
            .values(email_check_pending=True, count_when_confirmed=False)
        )
        db.session.commit()


@both_databases
def test_the_pages_tell_the_truth_of_a_request_invited_before_its_work_email_had_to_wait_for_the_check(
    session_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (review of that check): after migration 0030 flagged a request already invited, its
    pages said "no emails yet", a change said the update would be emailed, and closing it said "The
    practitioner will be emailed a cancellation of their invitation", with nothing queued."""
    from test_sessions import change_session, session_id_of

    smtp_server.start()
    client, _ = signed_in(session_app)
    reference = import_unchecked(session_app, client)
    assert confirm(colleague(session_app), reference).status_code == 302
    given_status(session_app, reference, "session_offered")
    assert arrange(client, reference).status_code == 302
    assert invite(client, reference).status_code == 302
    run_outbox(session_app)
    assert [m["To"] for m in smtp_server.mailbox.messages] == [ELSEWHERE]
    flagged_by_the_migration(session_app, reference)
    page = text(client.get(request_url(reference)))
    assert "data-invited-before-the-check" in page and "Invitation sent on" in page
    assert "The invitation cannot be sent yet" not in page
    group = session_id_of(session_app, reference)
    session_page = text(client.get(f"/inbox/sessions/{group}"))
    assert 'data-member-invitation="invited_before_the_check"' in session_page
    assert "invitation sent;" in session_page and "no emails yet" not in session_page
    cancel_page = text(client.get(f"/inbox/sessions/{group}/cancel"))
    assert f'data-cancel-unchecked="1">no cancellation can be emailed for {reference}' in cancel_page
    assert "will be emailed a cancellation" not in cancel_page and "nobody is emailed" not in cancel_page
    # A change: no update emailed, and said so.
    before = len(outbox_kinds(session_app, reference))
    assert change_session(client, group, start_time="4pm").status_code == 302
    changed = text(client.get(f"/inbox/sessions/{group}"))
    assert f"Session changed. No update was emailed for {reference}" in changed
    assert "will be emailed the update" not in changed and "No one had been sent an invitation" not in changed
    # Closed: no cancellation queued, and none promised.
    closed = post_form(client, request_url(reference), request_url(reference, "status"), {"status": "closed"})
    assert closed.status_code == 302
    page = text(client.get(request_url(reference)))
    assert "so no cancellation can be emailed to them now: tell them yourself" in page
    assert "will be emailed a cancellation" not in page
    assert len(outbox_kinds(session_app, reference)) == before
    run_outbox(session_app)
    assert len(smtp_server.mailbox.messages) == 1


@both_databases
def test_a_facilitator_who_can_confirm_the_work_email_is_told_they_can_not_to_wait_for_another(
    session_app: Flask,
) -> None:
    """Found (review of that check): a facilitator other than the importer, who can confirm the work
    email, was told the invitation could be sent "once another facilitator confirms the work email"."""
    client, _ = signed_in(session_app)
    reference = import_unchecked(session_app, client)
    given_status(session_app, reference, "session_offered")
    other = colleague(session_app)
    assert arrange(other, reference).status_code == 302
    page = text(other.get(request_url(reference)))
    assert "Its invitation can be sent once the work email is confirmed: you can confirm it at the top" in page
    assert "until the work email is confirmed: you can confirm it at the top of this page" in page
    assert "once another facilitator confirms" not in page and "until another facilitator confirms" not in page
    mine = text(client.get(request_url(reference)))  # the importer: another facilitator must
    assert "until another facilitator confirms the work email (you imported this request, so you cannot)" in mine
