"""The request on the submitted page is worded for the person who sent it, as check your answers
words it ("What we noted from your answers", "You were warned that what you wrote…"; in
supervision "the practitioner"), not for the facilitators ("Summary for the facilitators", "The requester
was warned…"), which the inbox and the PDF keep. Its groups are not landmarks: a named
``section`` is a "region", and six of them cluttered landmark navigation (review L7)."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from support.mail import SmtpServer
from support.pdf import pdf_text
from support.submission import VALID_DETAILS, run_outbox, submitted_request, to_outcome
from support.walk import Walker
from test_inbox import signed_in
from test_modes import MODES, assert_worded_for, eligible_path

# Looks like a phone number, a postcode and a date: the warning is shown, and confirmed.
IDENTIFYING = "Mum (07700 900982) said the school at M6 5FX saw him on 12/03/2019."
FOUND = "a date, a phone number and a postcode"

FACILITATORS_WORDS = (
    "Summary for the facilitators",
    "The answers, and the guidance each rests on",
    "Completed by",
    "Flags from the answers",
    "Identifying information check",
    "The requester",
    "The free text",
)

# What check answers calls each part of the request, in each mode.
READERS_WORDS = {
    "practitioner": (
        "Your answers about the situation",
        "What we noted from your answers",
        "What your request tells the facilitators",
        "About you",
        "Why you are asking for a session",
        "What you would like to reflect on",
    ),
    "supervision": (
        "The answers about the situation",
        "What we noted from the answers",
        "What the request tells the facilitators",
        "The practitioner's details",
        "Why the practitioner is asking for a session",
        "What the practitioner would like to reflect on",
    ),
}
WARNED = (
    f"You were warned that what you wrote seemed to contain {FOUND}, "
    "and you confirmed that it does not identify anyone."
)
CHECKED = (
    f"The free text seemed to contain {FOUND}. The requester was warned and confirmed that it does not identify anyone."
)


def words(response: TestResponse) -> str:
    """The words of the page's <main>, tags dropped, entities decoded, white space squeezed."""
    page = response.get_data(as_text=True)
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert main is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.group(0))).split())


def regions(response: TestResponse) -> list[str]:
    """The region landmarks inside <main>: named sections, and anything with role="region"."""
    page = response.get_data(as_text=True)
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert main is not None
    return re.findall(r'<section\b[^>]*\baria-label(?:ledby)?=[^>]*>|<[^>]+\brole="region"[^>]*>', main.group(0))


def sent_with_a_warning(client: FlaskClient, mode: str) -> tuple[Walker, TestResponse]:
    """The eligible journey in ``mode``, with free text the identifying-data check warns about
    (confirmed), sent; the submitted page."""
    walker = Walker(client)
    walker.walk(eligible_path(mode))
    submitted_request(walker, details={**VALID_DETAILS, "reflection": IDENTIFYING})
    page = walker.get("/request/submitted")
    assert page.status_code == 200
    return walker, page


def reference_on(page: TestResponse) -> str:
    found = re.search(r'class="app-reference">([^<]+)<', page.get_data(as_text=True))
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("mode", MODES)
def test_the_submitted_page_shows_the_request_in_the_readers_own_words(client: FlaskClient, mode: str) -> None:
    _, page = sent_with_a_warning(client, mode)
    said = words(page)
    for phrase in FACILITATORS_WORDS:
        assert phrase.lower() not in said.lower(), f"{mode}: {phrase!r} on the submitted page"
    for phrase in READERS_WORDS[mode]:
        assert phrase in said, f"{mode}: {phrase!r} not on the submitted page"
    assert said.count(READERS_WORDS[mode][-1]) == 1  # the question, once: not its section's heading too
    assert WARNED in said
    assert IDENTIFYING in said and VALID_DETAILS["job_role"] in said  # the request itself, in full
    assert_worded_for(mode, "the submitted page", said)


# What the submitted page says about the PDFs: one in a practitioner's own check, two (the request's
# and the supervision record) in supervision.
COPY_WORDS = {
    "practitioner": (
        "Your copy is in PDF (portable document format), a file you can open, print and store.",
        "The PDF holds the same request as below, worded for the facilitators. Store it securely.",
        "You can open this page and the PDF in this browser",
        "Remove this page and the PDF from this browser",
    ),
    "supervision": (
        "The copies are in PDF (portable document format), files you can open, print and store.",
        "The request's PDF holds the same request as below, worded for the facilitators. Store both securely.",
        "You can open this page and the PDFs in this browser",
        "Remove this page and the PDFs from this browser",
    ),
}


@pytest.mark.parametrize("mode", MODES)
def test_the_submitted_page_speaks_of_each_pdf_it_offers(client: FlaskClient, mode: str) -> None:
    """Found (journey review): in supervision the page offers two PDFs, the request and the
    supervision record, but went on about "the PDF", "a file", "Store it": which one was to be
    stored, and which would be removed from the browser, was left to guess."""
    _, page = sent_with_a_warning(client, mode)
    said = words(page)
    for phrase in COPY_WORDS[mode]:
        assert phrase in said, f"{mode}: {phrase!r} not on the submitted page"


@pytest.mark.parametrize("mode", MODES)
def test_the_submitted_page_adds_no_region_landmarks(client: FlaskClient, mode: str) -> None:
    _, page = sent_with_a_warning(client, mode)
    assert regions(page) == []
    # The groups keep their headings (how a screen reader user moves between them).
    headings = re.findall(r"<h3\b[^>]*>(.*?)</h3>", page.get_data(as_text=True), re.S)
    assert READERS_WORDS[mode][0] in [html.unescape(heading.strip()) for heading in headings]


def test_a_request_with_nothing_identifying_says_so_to_the_reader(client: FlaskClient) -> None:
    walker = Walker(client)
    walker.walk(eligible_path("practitioner"))
    submitted_request(walker)
    said = words(walker.get("/request/submitted"))
    assert "Nothing that looked like identifying information was found in what you wrote." in said
    assert "free text" not in said


@pytest.mark.parametrize("mode", MODES)
def test_the_inbox_keeps_the_facilitators_wording(client: FlaskClient, app: Flask, mode: str) -> None:
    """The inbox words the request for facilitators, without the code's words: the flags were
    "Flags from the journey" ("journey" is the code's name for a run through the questions;
    words review)."""
    _, page = sent_with_a_warning(client, mode)
    reference = reference_on(page)
    facilitator, _ = signed_in(app)
    inbox_page = facilitator.get(f"/inbox/requests/{reference}")
    assert inbox_page.status_code == 200
    said = words(inbox_page)
    for phrase in (
        "Summary for the facilitators",
        "The answers, and the guidance each rests on",
        "Completed by",
        CHECKED,
    ):
        assert phrase in said, phrase
    assert "You were warned" not in said
    assert "Flags from the answers" in said and "journey" not in said.lower()
    # The request's groups are not landmarks there either; the page's own (notes, audit trail) stay.
    assert not any("section-" in region for region in regions(inbox_page))


@pytest.mark.real_pdf  # the words must be in the real PDF's text
def test_the_pdf_keeps_the_facilitators_wording(client: FlaskClient, app: Flask) -> None:
    """The PDF is the record sent to the facilitators: worded for them, whoever downloads it."""
    sent_with_a_warning(client, "practitioner")
    run_outbox(app)  # the outbox worker makes the PDF
    pdf = " ".join(pdf_text(client.get("/request/submitted/request.pdf").get_data()).split())
    assert "Summary for the facilitators" in pdf and "The requester was warned" in pdf
    assert "You were warned" not in pdf and "What we noted" not in pdf


@pytest.mark.parametrize("mode", MODES)
def test_how_to_reach_the_facilitators_agrees_with_the_acknowledgement_email(mail_app: Flask, mode: str) -> None:
    """Found (new-user review): with mail set up and no contact text, the submitted page said no
    way to contact the facilitators was set up, while the acknowledgement email said to reply to it."""
    mail_app.config["SEND_ACKNOWLEDGEMENTS"] = True
    client = mail_app.test_client()
    walker = Walker(client)
    walker.walk(eligible_path(mode))
    submitted_request(walker)
    page = " ".join(html.unescape(client.get("/request/submitted").get_data(as_text=True)).split())
    assert "No contact details for the facilitators" not in page
    reply = "Reply to" if mode == "practitioner" else "The practitioner can reply to"
    assert f"{reply} the email confirming the request to reach the facilitators." in page

    mail_app.config["FACILITATOR_CONTACT_TEXT"] = "Call 0161 496 0000."
    shown = client.get("/request/submitted").get_data(as_text=True)
    assert '<a class="govuk-link" href="tel:01614960000">0161 496 0000</a>' in shown
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", "", shown)).split())
    who = "You" if mode == "practitioner" else "The practitioner"  # the manager gets no email (diff review)
    assert f"Call 0161 496 0000. {who} can also reply to the email confirming the request." in page


def test_the_facilitators_email_says_when_the_requester_was_warned_about_identifying_data(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    """Found (new-user review): the facilitators' email said nothing of the warning the requester
    confirmed past; only the PDF and the inbox did. Kinds only, never the text. Found (privacy
    review): such a request's PDF, a child's name, date of birth and address in it, was attached
    to the email all the same, a copy in a shared mailbox kept and forwarded out of the service's
    sight (its retention period, its record of who read the request): it is not attached, and the
    email says why and where to read it."""
    smtp_server.start()
    sent_with_a_warning(mail_app.test_client(), "practitioner")
    submitted_request(to_outcome(mail_app.test_client()))  # and one with nothing identifying
    assert run_outbox(mail_app).sent == 2
    warned_email, clear_email = smtp_server.mailbox.messages
    warned, clear = (
        " ".join(message.get_body(("plain",)).get_content().split()) for message in (warned_email, clear_email)
    )
    assert (
        f"Identifying information check: The free text seemed to contain {FOUND}. The requester was warned and "
        "confirmed that it does not identify anyone. The PDF (portable document format) file of this request is "
        "not attached, because a copy in a mailbox could be kept or forwarded without the service knowing. Read the "
        "request in the facilitators' inbox, where every view is recorded" in warned
    )
    assert "07700" not in warned and "M6 5FX" not in warned  # what was found, never the text
    assert not list(warned_email.iter_attachments())
    # Told apart from a PDF that failed by its subject (regression review: both ended the same way).
    assert warned_email["Subject"] == (
        f"Space to Think request {warned_email['X-Space-To-Think-Reference']}: read it in the inbox (the PDF is not "
        "attached)"
    )
    assert "The text of this email holds no case details: they are in the inbox only." in warned
    assert "Identifying information check" not in clear
    assert [part.get_filename() for part in clear_email.iter_attachments()] == [
        f"space-to-think-request-{clear_email['X-Space-To-Think-Reference']}.pdf"
    ]
    assert not clear_email["Subject"].endswith("attached")
