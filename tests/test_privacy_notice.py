"""The privacy notice (/privacy) says what the service really keeps, sends and for how long."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from flask import Flask

from app.config import Config
from app.requests import fields

# What the notice says of each field a request holds (every one: a field added to the request
# form without a word here fails the test below).
FIELD_WORDS: dict[str, str] = {
    "name": "name, job role, agency or team, work email and phone",
    "job_role": "name, job role, agency or team, work email and phone",
    "agency": "name, job role, agency or team, work email and phone",
    "email": "name, job role, agency or team, work email and phone",
    "phone": "name, job role, agency or team, work email and phone",
    "manager_knows": "whether your manager or safeguarding lead knows you are asking",
    "reflection": "what you would like to reflect on",
    "age_band": "the child's age group",
    "support_level": "the current level of support",
    "lead_professional": "the lead professional's role and agency",
    "other_agencies": "other agencies or roles to invite",
    "family_knows": "whether the family knows about the request",
    "family_knows_reason": "(and, if not yet, why)",
    "event_month": "the month and year of the significant event",
    "how_soon": "how soon you would like a session",
    "format": "whether in person or online would suit",
    "availability": "when you are usually available",
    "access_needs": "any access needs you tell us about (these can be about your health",
}
FACILITATORS = "facilitators@partnership.example"
# The limits a deployment has unless it sets its own (the tests' own are higher).
DEFAULT_LIMITS = {
    "REQUEST_SUBMIT_LIMIT": Config.REQUEST_SUBMIT_LIMIT,
    "SUPERVISION_RECORD_LIMIT": Config.SUPERVISION_RECORD_LIMIT,
}


def notice(app: Flask) -> str:
    """The notice's main text, tags taken out and spaces joined."""
    page = app.test_client().get("/privacy").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_the_notice_names_everything_a_request_holds_and_that_the_answers_go_with_it(app: Flask) -> None:
    """Found (privacy review): the notice said a request holds the practitioner's contact details
    and what they want to reflect on, and that the answers to the questions are deleted when a
    request is sent. A request also keeps those answers (and the PDF emailed to the facilitators
    carries them), the context about the child and family (level of support, whether the family
    knows and why not), the significant event's month and access needs, which can be health
    information about the practitioner."""
    assert set(FIELD_WORDS) == {entry.name for entry in fields.FIELDS}
    said = notice(app)
    for name, words in FIELD_WORDS.items():
        assert words in said, name
    assert "your answers to the questions, including the reasons you chose" in said
    assert "the answers that led to it are kept with the request" in said
    assert "when you send a request for a session" not in said  # it was among the ways answers are deleted


@pytest.mark.parametrize(
    "facilitator_email, acknowledgements, told",
    [
        ("facilitators@partnership.example", True, True),
        ("facilitators@partnership.example", False, False),
        (None, True, False),
    ],
)
def test_the_notice_tells_of_the_acknowledgement_email_when_one_is_sent(
    app: Flask, facilitator_email: str | None, acknowledgements: bool, told: bool
) -> None:
    """Found (privacy review): the notice listed the session emails, but not the first email sent,
    the acknowledgement to the work email in the request."""
    app.config.update(FACILITATOR_EMAIL=facilitator_email, SEND_ACKNOWLEDGEMENTS=acknowledgements)
    said = notice(app)
    assert ("we email its reference to the work email in it" in said) == told


def test_the_notice_does_not_say_the_emails_sent_are_deleted(app: Flask) -> None:
    """Found (privacy review): "They are deleted with your request" said of the session emails,
    but only the service's copies go: the practitioner's own mailbox keeps what was sent."""
    said = notice(app)
    assert "They are deleted with your request" not in said
    assert "We delete our copies of these emails with your request" in said


def test_the_notice_says_what_a_browser_keeps_on_a_computer_others_use(app: Flask) -> None:
    """Found (shared computer review): the browser's history listed each question by its wording (the
    last before "Your result" saying where someone was sent), Chromium kept the name and work email typed
    in a request for the next person, and a downloaded PDF stayed in Downloads; nothing said so."""
    said = notice(app)
    assert "On a computer other people use" in said
    for kept in ("each question by its wording", "work email you type in a request", "Downloads folder"):
        assert kept in said, kept
    assert "delete the browsing history, saved form data and any download" in said


@pytest.mark.parametrize(
    "limits, kept",
    [
        (DEFAULT_LIMITS, "a day"),  # requests sent: 30 a day
        ({"REQUEST_SUBMIT_LIMIT": "10 per hour", "INBOX_SIGN_IN_LIMIT": "5 per minute"}, "an hour"),
        ({"SUPERVISION_RECORD_LIMIT": "100 per 2 day"}, "2 days"),
    ],
)
def test_the_notice_says_counts_are_kept_by_internet_address_and_for_how_long(
    app: Flask, limits: dict[str, str], kept: str
) -> None:
    """Found (privacy review): the rate limits count the pages and requests sent from each internet
    address, in Redis, for as long as their longest window (a day), and the notice did not say so."""
    app.config.update(limits)
    said = notice(app)
    assert "we count the pages asked for, and the requests sent, from each internet address" in said
    # Counted under a pseudonym of the address (app.proxies.visitor_key), as the notice says.
    assert "We do not keep the address with the count" in said
    assert f"Each count is deleted at most {kept} after it began." in said


def test_without_rate_limits_the_notice_says_nothing_of_counts_by_address(app: Flask) -> None:
    app.config["RATELIMIT_ENABLED"] = False
    assert "from each internet address" not in notice(app)


def test_the_notice_says_a_supervision_record_is_kept_and_for_how_long(app: Flask) -> None:
    """The supervision record is made by the outbox worker, so it is stored until downloaded:
    the notice says so, what it holds and when it goes (the journey session's idle limit)."""
    app.config["SESSION_IDLE_MINUTES"] = 45
    said = notice(app)
    assert "if you ask for a supervision record, our server makes it into a PDF (portable document format) file" in said
    assert "It holds no case details" in said
    assert "It is deleted about a minute after 45 minutes from when you asked for it" in said


def test_the_notice_says_the_web_servers_log_holds_no_internet_address(app: Flask) -> None:
    """The access logs (nginx's, gunicorn's and the development server's) leave the visitor's
    address out (tests/test_deploy.py and tests/test_request_log.py check them): the notice said
    the log kept it, with no purpose or period given (privacy review)."""
    said = notice(app)
    assert "The web server keeps a log of the pages asked for: the time and the page's address" in said
    assert "It does not record your internet address." in said
    assert "the internet address each was asked from" not in said
    # Found (privacy review): nginx's error log names the visitor's address and the page in each
    # of its lines (the example site keeps its serious faults only): the notice said no log did.
    assert (
        "Only when the web server itself fails while answering (for example, because its disk is full) does it "
        "note the fault with the internet address it was answering, the page's address and the address of the "
        "page before it, so that the fault can be found and put right." in said
    )
    assert "how long the log, and these notes of faults, are kept" in said


def test_the_notice_says_whose_a_request_made_in_supervision_is(client) -> None:
    """Found (content review): the notice spoke only to a practitioner typing their own details;
    in supervision a manager types the practitioner's, and nothing said whose they are."""
    words = " ".join(re.sub(r"<[^>]+>", " ", html_lib.unescape(client.get("/privacy").get_data(as_text=True))).split())
    assert (
        "If a manager or supervisor fills in the request with a practitioner, in supervision, the request is the "
        "practitioner's: the contact details in it are the practitioner's, typed with them"
    ) in words
    assert "The manager's own name and details are not kept." in words


def test_the_notice_says_how_the_counts_are_protected_and_promises_no_more(app: Flask) -> None:
    """Found (rules maintainer's review): the notice said the counts "cannot be used to identify
    anyone", which docs/STATISTICS.md does not claim (it lists what hiding small numbers does not
    protect against). It says what is done: the month only, small numbers hidden."""
    words = notice(app)
    assert "cannot be used to identify anyone" not in words
    assert "the day you used this tool (only the month)" in words
    assert "Any number from 1 to 4, and any number that could be worked out from the others, is hidden" in words


def test_the_notice_says_backups_hold_a_request_after_its_retention_period(app: Flask) -> None:
    """Found (data-protection review): the notice said a request is deleted after 90 days, while
    the README's backups keep it for longer: the notice now says backups may hold it (not "for a
    short time": the README's keep each copy 97 days, regression review)."""
    app.config["RETENTION_DAYS"] = 60
    said = notice(app)
    assert (
        "We keep a request for 60 days, then delete it. We may keep it for longer, while any of these is true:" in said
        and "Copies of the service's database kept in case it fails" in said
    )
    assert (
        "(backups) may hold it for longer: each copy is kept for a set time, as securely as the service itself" in said
    )


def test_the_notice_says_who_can_see_a_request_the_legal_grounds_and_every_right(app: Flask) -> None:
    """Found (data protection review): the notice said "only the facilitators who arrange sessions
    can see it", while each request is emailed to their shared mailbox and the service's hosts and
    email carriers may see it; it gave no lawful basis, and three rights of the six."""
    app.config["FACILITATOR_EMAIL"] = "facilitators@partnership.example"
    said = notice(app)
    assert "Only the facilitators who arrange sessions can see it" not in said
    assert "in their shared mailbox, where each request is emailed to them" in said
    assert "the companies that host them and carry their email, may be able to see it too" in said
    assert "has not yet said on what legal grounds (its lawful basis) it uses your information" in said
    for right in ("ask for a copy", "ask us to correct", "ask us to delete it", "limit how we use it", "object to"):
        assert right in said, right


def test_the_notice_gives_the_lawful_basis_as_the_controller_words_it(app: Flask) -> None:
    app.config["LAWFUL_BASIS"] = "We use your information to carry out our public task of safeguarding children."
    said = notice(app)
    assert "We use your information to carry out our public task of safeguarding children." in said
    assert "has not yet said on what legal grounds" not in said


def test_an_unexplained_acronym_in_the_lawful_basis_stops_start_up_naming_the_setting() -> None:
    from app import create_app
    from app.config import StartupError

    with pytest.raises(StartupError) as refused:
        create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "LAWFUL_BASIS": "Under UK GDPR."})
    assert "LAWFUL_BASIS" in str(refused.value)


def test_a_data_protection_contact_ending_in_a_full_stop_is_not_given_two(app: Flask) -> None:
    """Found (another area's review): "contact: Email dpo@northmere.example.org.." with one typed."""
    app.config["DATA_PROTECTION_CONTACT"] = "Email dpo@northmere.example.org."
    said = notice(app).replace(" .", ".")  # (the address is a link now: its tag taken out left a space)
    assert "contact: Email dpo@northmere.example.org." in said and ".." not in said
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert 'href="mailto:dpo@northmere.example.org">dpo@northmere.example.org</a>.</p>' in page


def test_the_notice_and_cookies_page_say_closing_the_browser_may_not_clear_the_answers(app: Flask) -> None:
    """Found (b158, a shared computer): with Chromium set to continue where it left off, the session
    cookie and the tab came back after the browser was closed, and the next person opened the first
    one's outcome (the LADO's); the cookies page said the cookie expired "When you close your
    browser", and nothing said to use Exit this page or Start again."""
    said = notice(app)
    assert "Closing the browser does not always clear your answers" in said
    assert "select Exit this page or Start again" in said
    cookies = re.sub(r"\s+", " ", app.test_client().get("/cookies").get_data(as_text=True))
    assert "unless it is set to open the pages you had open last time" in cookies
