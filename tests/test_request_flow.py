"""The request pages through HTTP: access, validation, check answers, the identifying-data
warning, submission (once per journey), the submitted page and the PDF download."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from werkzeug.test import TestResponse

from app.extensions import db
from app.journey import DETAILS_KEY, GUARD_KEY
from app.models import AuditEvent, OutboxMessage, StoredRequest, SupervisionRecord, utcnow
from app.requests.fields import FIELDS, FIELDS_BY_NAME, text_length
from app.sessions import JourneySessionRow
from app.uk_time import uk_today
from support import checked_field, csrf_token
from support.pages import listed_digest
from support.submission import (
    ELIGIBLE_PATH,
    PAGE_FIELDS,
    REFLECTION,
    SUPERVISION_PATH,
    VALID_DETAILS,
    fill_details,
    post_page,
    run_outbox,
    scans_counted,
    submit,
    submitted_request,
    supervision_record,
    with_answers,
)
from support.tabs import another_tab, at_the_same_moment
from support.walk import Walker, walked


def to_outcome(client, path=ELIGIBLE_PATH) -> Walker:
    """The journey at the end of ``path``, its outcome page open. The questions are walked over
    HTTP once in each process (they are tests/test_wizard.py's subject, not these tests'): after
    that, the client is given the session the walk left, with a journey of its own."""

    def walk(walker: Walker) -> None:
        assert walker.walk(path).status_code == 200

    walker = walked(client, f"outcome {path!r}", walk)
    if not walker.urls:  # given the walk's session: open the outcome page, as the walk ended on it
        assert walker.get("/result").status_code == 200
    return walker


def stored_requests(app) -> list[StoredRequest]:
    """Every stored request."""
    with app.app_context():
        return list(db.session.scalars(select(StoredRequest)))


def text_of(response) -> str:
    """The page's main content as plain text."""
    page = response.get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


# --- who may reach the request pages ---------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/request", "/request/about-you", "/request/check-answers", "/request/check-what-you-wrote"]
)
def test_without_a_journey_the_request_pages_send_you_to_the_first_question(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.endswith("/questions/mode")
    assert "There is no request to show because there are no answers in this browser" in text_of(
        client.get(response.location)
    )


def test_a_journey_at_another_outcome_cannot_ask_for_a_session(client, app) -> None:
    """The outcome page then says no request was sent (found, journey review: it said "Answer
    the questions in order. This is the question to answer next", on a page with no question)."""
    walker = Walker(client)
    walker.walk([("mode", "practitioner"), ("immediate_danger", "yes")])  # U1
    response = walker.get("/request/about-you")
    assert response.status_code == 302 and response.location.endswith("/result?not_sent=1")
    page = text_of(walker.get(response.location))
    assert "not to a request for a session, so no request has been sent" in page
    assert "Answer the questions in order" not in page
    response = walker.post("/request/submit", walker.shown)
    assert response.status_code == 302 and response.location.endswith("/result?not_sent=1")
    assert "so no request has been sent" in text_of(walker.get(response.location))
    assert "so no request has been sent" not in text_of(walker.get("/result"))  # said once
    assert stored_requests(app) == []


def test_send_request_after_another_tab_changed_an_answer_says_so_in_the_tab_that_sent_it(client, app) -> None:
    """Found (review of two tabs in a real browser, 7 trials in 47): the answers changed in another
    tab (to "Consult the LADO") as Send request was pressed; the notice that no request was sent was
    one-off, in the session both tabs share, and whichever tab showed a page first took it: the tab
    that pressed Send showed the outcome with nothing saying the request had not gone. The outcome
    page's address says it now, in the tab that asked, leaving the other tab's own notice for it."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = another_tab(app, client)
    changed = other_tab.post("/questions/allegation", data={"answer": "yes", "csrf_token": walker.token})
    assert changed.status_code == 302 and changed.location.endswith("/result")
    sent = client.post("/request/submit", data=shown)
    assert sent.status_code == 302 and sent.location.endswith("/result?not_sent=1")
    assert "so no request has been sent" in text_of(client.get(sent.location))
    assert "so no request has been sent" in text_of(client.get(sent.location))  # and on reload
    theirs = text_of(other_tab.get(changed.location))
    assert "so no request has been sent" not in theirs and "set aside" in theirs
    assert stored_requests(app) == []


def test_a_journey_part_way_is_sent_back_to_its_next_question(client) -> None:
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH[:5])
    response = walker.get("/request/reflection")
    assert response.status_code == 302
    assert response.location.endswith("/questions/serious_incident")


def test_send_request_after_an_update_that_added_a_question_says_no_request_was_sent(client, app) -> None:
    """Found (second regression review): Send request from a tab opened before the rules were
    updated to add a question on the way landed on the new question saying only that the questions
    had changed, and the practitioner could not tell whether their request had gone."""
    from app.journey import ANSWERS_KEY, RULES_KEY

    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    with client.session_transaction() as session:  # as if the update had added unshared_concern
        answers = dict(session[ANSWERS_KEY])
        answers.pop("unshared_concern")
        session[ANSWERS_KEY] = answers
        session[RULES_KEY] = {**session[RULES_KEY], "version": "the rules before"}
    response = client.post("/request/submit", data=shown)
    assert response.status_code == 302 and response.location.endswith("/questions/unshared_concern")
    page = text_of(client.get(response.location))
    assert "The questions have changed since you started." in page
    assert "No request for a session has been sent." in page
    assert stored_requests(app) == []
    # Said once; and a question jumped to by hand, not a request page, says nothing of a request.
    assert "No request for a session has been sent." not in text_of(client.get("/questions/unshared_concern"))
    response = client.get("/questions/criteria")
    assert "No request for a session has been sent." not in text_of(client.get(response.location))


def test_a_details_page_sent_after_an_update_that_added_a_question_says_to_answer_it(client) -> None:
    """Found (second regression review): a details page sent after an update that added a question
    on the way said the answers "now lead somewhere else, not to a request for a session", and a
    practitioner could give up a session they can still ask for; the question it led to said
    nothing of the change. And (rules maintainer's review): under "This form has expired", what
    was typed was given back only to copy, "not kept anywhere else". It is kept, and the question
    is next, saying so; once it is answered, the page shows what was typed."""
    from app.journey import ANSWERS_KEY, RULES_KEY

    walker = to_outcome(client)
    walker.get("/request/about-you")
    with client.session_transaction() as session:  # as if the update had added unshared_concern
        answers = dict(session[ANSWERS_KEY])
        answers.pop("unshared_concern")
        session[ANSWERS_KEY] = answers
        session[RULES_KEY] = {**session[RULES_KEY], "version": "the rules before"}
    typed = {"name": "Sam Typed", "job_role": "School nurse", "agency": "Health", "email": "sam@nhs.example"}
    sent = walker.post("/request/about-you", typed)
    assert sent.status_code == 303 and sent.location.endswith("/questions/unshared_concern")
    page = text_of(walker.follow("/questions/unshared_concern"))
    assert "The questions have changed since you started." in page
    assert (
        "No request for a session has been sent yet. What was typed for the request is kept: once this question is "
        "answered, it is there to check and carry on from." in page
    )
    assert walker.answer("unshared_concern", "no_concern").status_code == 302
    assert walker.get("/request").location == "/request/about-you"
    shown = walker.get("/request/about-you").get_data(as_text=True)
    assert 'value="Sam Typed"' in shown and 'value="sam@nhs.example"' in shown


def test_a_details_page_sent_after_an_update_that_moved_the_journey_says_the_rules_changed(client) -> None:
    """Found (rules maintainer's review): the page was headed "This form has expired" when the
    rules had been updated: it says so now, in its title and heading."""
    from app.journey import ANSWERS_KEY, RULES_KEY

    walker = to_outcome(client)
    walker.get("/request/reflection")
    with client.session_transaction() as session:  # as if the update now sent "Yes" here to S
        session[ANSWERS_KEY] = {**session[ANSWERS_KEY], "multi_agency": "no"}
        session[RULES_KEY] = {**session[RULES_KEY], "version": "the rules before"}
    sent = walker.post("/request/reflection", {"reflection": "What I would like to think about"})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 400
    assert "<title>The rules this tool follows have been updated" in page
    assert '<h1 class="govuk-heading-l">The rules this tool follows have been updated</h1>' in page
    assert "This form has expired" not in page
    assert "the answers given now lead somewhere else, not to a request for a session" in text_of(sent)
    assert "What I would like to think about" in text_of(sent)  # to copy


def test_the_entry_point_goes_to_the_first_page(client) -> None:
    walker = to_outcome(client)
    response = walker.get("/request")
    assert response.location.endswith("/request/about-you")
    post_page(walker, "about-you", {n: VALID_DETAILS[n] for n in ("name", "job_role", "agency", "email", "phone")})
    assert walker.get("/request").location.endswith("/request/manager")


def test_the_send_address_opened_leads_to_check_answers_or_to_the_request_sent(client) -> None:
    """Found (regression review): the offline page's "Try this page again", after "Send request"
    while the service was down, opened /request/submit, which answered "you cannot do that on
    this page", and the practitioner could not tell whether their request had gone. Opened, it
    goes to check your answers, or to the request sent; opening it sends nothing."""
    walker = to_outcome(client)
    fill_details(walker)
    opened = walker.get("/request/submit")
    assert opened.status_code == 302 and opened.location.endswith("/request/check-answers")
    submitted_request(walker)
    opened = walker.get("/request/submit")
    assert opened.status_code == 302 and opened.location.endswith("/request/submitted")


def test_the_supervision_records_address_opened_after_sending_shows_the_request_sent(client) -> None:
    """Found (regression review): the supervision record's address (a bookmark, a link a manager
    sent) opened after a practitioner sent their request began a new check, saying there were no
    answers here, and the sent request's page and PDF went unasked."""
    walker = to_outcome(client)
    submitted_request(walker)
    opened = walker.get("/request/supervision-record")
    assert opened.status_code == 302 and opened.location.endswith("/request/submitted")
    assert walker.get("/request/submitted").status_code == 200  # the page and its PDF stay


# --- the pages -----------------------------------------------------------------------------


def test_each_page_leads_to_the_next_and_then_to_check_answers(client) -> None:
    walker = to_outcome(client)
    response = fill_details(walker)
    assert response.location.endswith("/request/check-answers")


def test_the_how_soon_pages_urgent_contacts_can_be_called_from_a_phone(client) -> None:  # type: ignore[no-untyped-def]
    """Found (journey review): the "not an urgent route" reminder listed 999, the front door and
    the out-of-hours team as plain text, where the footer and every outcome page link each number
    (tap to call on a phone)."""
    walker = to_outcome(client)
    page = walker.get("/request/how-soon").get_data(as_text=True)
    start = page.index('aria-label="Contacts if a child is at risk"')
    reminder = page[start : page.index("</ul>", start)]
    for number in ("999", "0161 603 4500", "0161 794 8888"):
        assert f'href="tel:{number.replace(" ", "")}">{number}</a>' in reminder, number


def test_a_work_telephone_number_with_its_extension_is_accepted(client) -> None:  # type: ignore[no-untyped-def]
    """Found (journey review): "0161 496 0000 ext 1234", a work number as many councils and trusts
    give it, was refused ("Enter a telephone number, like ..."), with nowhere else to put the extension."""
    walker = to_outcome(client)
    details = {n: VALID_DETAILS[n] for n in ("name", "job_role", "agency", "email")}
    response = post_page(walker, "about-you", {**details, "phone": "0161 496 0000 ext 1234"})
    assert response.status_code == 302 and response.location.endswith("/request/manager")


@pytest.mark.parametrize("phone", ["07700 900982 (mobile)", "Mobile: 07700 900982", "0161 496 0000 ext 22 (desk)"])
def test_a_work_telephone_number_with_a_word_saying_which_it_is_is_accepted_as_typed(client, app, phone: str) -> None:  # type: ignore[no-untyped-def]
    """Found (practitioner review): "07700 900982 (mobile)" got only "Enter a telephone number,
    like ...", though the number was right. The label is kept: it tells the facilitators which
    number it is."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "phone": phone})
    assert f"Work telephone {phone} Change" in text_of(walker.get("/request/check-answers"))
    submit(walker)
    (stored,) = stored_requests(app)
    assert stored.details["phone"] == phone


ABOUT_YOU = ("name", "job_role", "agency", "email", "phone")
# A details page's Back: a button of its form (what was typed is kept as it goes back).
GO_BACK = "go_back"
BACK_BUTTON = 'name="go_back" value="1" formnovalidate class="govuk-back-link app-back-button">Back</button>'


def test_back_on_a_details_page_keeps_what_was_typed(client) -> None:
    """Found (practitioner review): Back on a request's page was a link, so 1,188 characters typed
    into the reflection were lost without a word when it was followed (with or without
    JavaScript). Back now sends the page's form: what was typed is kept, valid or not, and shown
    again (with its errors, if it has any) when the page is opened again."""
    walker = to_outcome(client)
    fill_details(walker)
    assert walker.get("/request/check-answers").status_code == 200
    typed = "I am stuck with this family after the last meeting. " * 20
    back = post_page(walker, "reflection", {"reflection": typed, GO_BACK: "1"})
    assert back.status_code == 302 and back.location == "/request/manager"
    assert typed.strip() in html.unescape(walker.get("/request/reflection").get_data(as_text=True))
    # Over the limit: kept, and its error shown when the page is opened again; nothing is done.
    too_long = "x" * (FIELDS_BY_NAME["reflection"].limit + 5)
    back = post_page(walker, "reflection", {"reflection": too_long, GO_BACK: "1"})
    assert back.location == "/request/manager"
    page = walker.get("/request/reflection").get_data(as_text=True)
    assert too_long in page and "There is a problem" in page
    # Not done now: check your answers sends the person to it.
    assert walker.get("/request/check-answers").location == "/request/reflection?change=1"


def test_a_work_telephone_number_in_full_width_digits_is_accepted_as_ascii_digits(client, app) -> None:
    """Found (journey review): "０１６１ ４９６ ００００", as a Chinese or Japanese input method types
    it, was refused, though the month and year boxes take full-width digits."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "phone": "０１６１ ４９６ ００００"})
    assert "Work telephone 0161 496 0000 Change" in text_of(walker.get("/request/check-answers"))
    submit(walker)
    (stored,) = stored_requests(app)
    assert stored.details["phone"] == "0161 496 0000"


def test_invisible_characters_copied_with_an_address_a_number_or_a_month_are_left_out(client, app) -> None:
    """Found (user review): an email address, telephone number, month or year copied from a
    document, an email or a contact card can carry characters no one can see (a zero-width space,
    a soft hyphen, a left-to-right mark, a byte order mark). Each was refused ("in the correct
    format", "a real date") though it looked right, and the person could not see what to change."""
    walker = to_outcome(client)
    copied = {
        "email": "\ufeffalex@nhs.\u00adnet\u200b",
        "phone": "\u200e0161 496 0000\u2060",
        "event_month": "3\u200b",
        "event_year": "\u200b2025",
    }
    fill_details(walker, {**VALID_DETAILS, **copied})
    assert "Work email alex@nhs.net Change" in text_of(walker.get("/request/check-answers"))
    submit(walker)
    (stored,) = stored_requests(app)
    assert (stored.details["email"], stored.details["phone"]) == ("alex@nhs.net", "0161 496 0000")
    assert stored.details["event_month"] == "2025-03"


@pytest.mark.parametrize(
    "typed",
    ["0161 496 0000 / 07700 900000", "0161 496 0000 or 07700 900000", "office 0161 496 0000, mobile 07700 900000"],
)
def test_two_telephone_numbers_are_asked_to_be_one(client, typed: str) -> None:
    """Found (journey review): two numbers got "Enter a telephone number, like …", which did not
    say what was wrong."""
    walker = to_outcome(client)
    response = post_page(walker, "about-you", {**{n: VALID_DETAILS[n] for n in ABOUT_YOU}, "phone": typed})
    assert response.status_code == 200
    shown = text_of(response)
    assert "Enter one telephone number" in shown and "Enter a telephone number" not in shown
    assert f'value="{typed}"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed",
    [
        "alex@nhs.net, sam@nhs.net",
        "alex@nhs.net or sam@nhs.net",
        "alex@nhs.net; Sam <sam@nhs.net>",
        "Alex <alex@nhs.net>, Sam <sam@nhs.net>",
        "a@nhs.net b@nhs.net",
    ],
)
def test_two_email_addresses_are_asked_to_be_one(client, typed: str) -> None:
    """Found (journey review): two addresses got "Enter an email address in the correct format",
    which did not say what was wrong."""
    walker = to_outcome(client)
    response = post_page(walker, "about-you", {**{n: VALID_DETAILS[n] for n in ABOUT_YOU}, "email": typed})
    assert response.status_code == 200
    shown = text_of(response)
    assert "Enter one email address" in shown and "in the correct format" not in shown
    assert f'value="{html.escape(typed)}"' in response.get_data(as_text=True)


def test_an_email_address_as_mail_programs_copy_it_is_used_as_the_one_address_in_it(client, app) -> None:
    """Found (journey review): an address pasted as a mail program copies it ("Alex Worker
    <alex@nhs.net>", "mailto:alex@nhs.net") was refused as not in the correct format. The one
    address in it is what check your answers shows and the request keeps."""
    walker = to_outcome(client)
    fill_details(walker)
    for typed in (
        "Alex Worker <alex@nhs.net>",
        '"Worker, Alex" <alex@nhs.net>',
        "mailto:alex@nhs.net",
        "<alex@nhs.net>",
    ):
        response = post_page(walker, "about-you", {**{n: VALID_DETAILS[n] for n in ABOUT_YOU}, "email": typed}, True)
        assert response.status_code == 302 and response.location.endswith("/request/check-answers"), typed
        shown = text_of(walker.get("/request/check-answers"))
        assert "Work email alex@nhs.net Change" in shown and "Worker" not in shown and "mailto" not in shown, typed
    submit(walker)
    (stored,) = stored_requests(app)
    assert stored.details["email"] == "alex@nhs.net"


def test_a_line_break_sent_in_a_one_line_answer_is_a_space_so_it_cannot_pass_for_a_row_of_its_own(client, app) -> None:
    """Found (security review): a crafted post's job role "Health visitor\r\nManager knows: Yes"
    was kept with its line break, and the inbox page and the PDF showed a line that looked like
    an answer of its own. A one-line answer is kept on one line; a long answer keeps its lines."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "reflection": VALID_DETAILS["reflection"] + "\r\n\r\nA second paragraph."})
    typed = {"job_role": "Health visitor\r\nManager knows: Yes", "agency": "Salford\u2028Royal"}
    response = post_page(walker, "about-you", {**{n: VALID_DETAILS[n] for n in ABOUT_YOU}, **typed}, True)
    assert response.status_code == 302
    submit(walker)
    (stored,) = stored_requests(app)
    assert stored.details["job_role"] == "Health visitor Manager knows: Yes"
    assert stored.details["agency"] == "Salford Royal"
    assert stored.details["reflection"].endswith("together.\n\nA second paragraph.")


@pytest.mark.parametrize(
    "typed",
    [
        "email me at alex@nhs.net",
        "Alex <alex@nhs.net> or my manager",
        "To: Alex <alex@nhs.net>",
        "mailto:alex@nhs.net?subject=Space to Think",
    ],
)
def test_an_email_address_among_other_words_is_still_refused_and_kept(client, typed: str) -> None:
    walker = to_outcome(client)
    response = post_page(walker, "about-you", {**{n: VALID_DETAILS[n] for n in ABOUT_YOU}, "email": typed})
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.com" in text_of(response)
    assert f'value="{html.escape(typed)}"' in response.get_data(as_text=True)


def test_a_refused_details_page_shows_its_errors_after_a_redirect_to_itself_once(client) -> None:
    """A refused page's errors are shown by its GET (the browser's Back never meets a POST it
    cannot show again), even when nothing at all was typed, and only once: a reload shows the
    page as it stands (what was typed, without the errors)."""
    walker = to_outcome(client)
    walker.get("/request/about-you")
    empty = dict.fromkeys(("name", "job_role", "agency", "email", "phone"), "")
    sent = client.post("/request/about-you", data={**empty, "csrf_token": walker.token})
    assert sent.status_code == 303 and sent.location == "/request/about-you"
    shown = client.get(sent.location)
    assert shown.status_code == 200 and "<title>Error: " in shown.get_data(as_text=True)
    assert "Enter your full name" in text_of(shown) and "Enter your job role" in text_of(shown)
    reloaded = client.get("/request/about-you")
    assert "There is a problem" not in text_of(reloaded)
    # Sent again from a change (``?change=1``), it comes back to that address.
    sent = client.post("/request/about-you?change=1", data={**empty, "name": "Alex", "csrf_token": walker.token})
    assert sent.status_code == 303 and sent.location == "/request/about-you?change=1"
    shown = client.get(sent.location).get_data(as_text=True)
    assert 'value="Alex"' in shown and "Enter your job role" in shown


@pytest.mark.parametrize("email", ["alex@-.com", "alex@nhs-.net", "alex@-nhs.net", ".alex@nhs.net", "alex..p@nhs.net"])
def test_an_email_address_no_mail_could_reach_is_refused(client, email: str) -> None:
    """Found (security review): a domain whose name starts or ends with a hyphen ("alex@-.com")
    was taken, and the practitioner told emails were on their way to it."""
    walker = to_outcome(client)
    typed = {"name": "Alex", "job_role": "Nurse", "agency": "Team", "email": email, "phone": ""}
    response = post_page(walker, "about-you", typed)
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.com" in text_of(response)
    assert f'value="{email}"' in response.get_data(as_text=True)


def test_about_you_errors_use_govuk_wording_and_keep_what_was_typed(client) -> None:
    walker = to_outcome(client)
    typed = {"name": "Alex <b>Practitioner</b>", "job_role": "", "agency": "Team", "email": "alex@", "phone": "12"}
    response = post_page(walker, "about-you", typed)
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text
    assert "Enter your job role" in text
    assert "Enter an email address in the correct format, like name@example.com" in text
    assert "Enter a telephone number, like 01632 960 001" in text
    page = response.get_data(as_text=True)
    assert 'value="Alex &lt;b&gt;Practitioner&lt;/b&gt;"' in page
    assert 'href="#job_role"' in page and 'href="#email"' in page
    assert "<title>Error: " in page
    # What was typed survives leaving the page and coming back.
    again = walker.get("/request/about-you").get_data(as_text=True)
    assert 'value="alex@"' in again


def test_an_email_address_with_letters_beyond_ascii_is_refused_and_kept(client) -> None:
    """Found: "ålex@exämple.org" was accepted; most mail servers cannot take such an address
    (SMTPUTF8), so the acknowledgement promised on the sent page was given up as refused."""
    walker = to_outcome(client)
    typed = {**VALID_DETAILS, "email": "ålex@exämple.org"}
    response = post_page(
        walker, "about-you", {name: typed[name] for name in ("name", "job_role", "agency", "email", "phone")}
    )
    assert response.status_code == 200
    # Found (practitioner review): the format's message did not say what was wrong with a name's accents.
    assert "Enter your work email address without accents (such as â or ó), as your email system gives it" in text_of(
        response
    )
    assert 'value="ålex@exämple.org"' in response.get_data(as_text=True)
    # Not a well-formed address even without its accents: the format's message.
    response = post_page(
        walker,
        "about-you",
        {**{name: typed[name] for name in ("name", "job_role", "agency", "phone")}, "email": "siân at nhs.net"},
    )
    assert "Enter an email address in the correct format, like name@example.com" in text_of(response)


def test_text_far_over_its_limit_is_kept_in_part_and_never_checked_for_identifying_data(client) -> None:
    """Found: text far over a field's limit was kept whole in the session (megabytes), and the
    identifying-data check then ran over all of it: 48,000 characters held a worker for a minute."""
    walker = to_outcome(client)
    fill_details(walker)
    pasted = "Ashton-" * 100_000  # 700,000 characters, a name word with no end
    # A change from check your answers, refused, is kept to show again (what stood before stands).
    response = post_page(walker, "reflection", {"reflection": pasted}, change=True)
    assert response.status_code == 200 and "must be 1,500 characters or less" in text_of(response)
    with client.session_transaction() as session:
        assert session["refused_form"]["kept"]["typed"]["reflection"] == pasted[:15_000]
        assert session["request_details"]["reflection"] == VALID_DETAILS["reflection"]
    response = post_page(walker, "reflection", {"reflection": pasted})
    assert response.status_code == 200 and "must be 1,500 characters or less" in text_of(response)
    with client.session_transaction() as session:
        kept = session["request_details"]["reflection"]
    assert kept == pasted[:15_000]  # ten times the limit: enough to shorten, never megabytes
    # The page that shows what looks identifying sends the text back to its page first.
    warning = walker.get("/request/check-what-you-wrote")
    assert warning.status_code == 302 and warning.location.endswith("/request/reflection")


def test_reflection_is_limited_to_1500_characters(client) -> None:
    walker = to_outcome(client)
    too_long = post_page(walker, "reflection", {"reflection": "a" * 1501})
    assert too_long.status_code == 200
    assert "must be 1,500 characters or less" in text_of(too_long)
    assert "a" * 1501 in too_long.get_data(as_text=True)  # kept, not cut
    # Windows line endings count as one character each, as the character count shows them.
    just_right = post_page(walker, "reflection", {"reflection": ("b" * 99 + "\r\n") * 15})
    assert just_right.status_code == 302
    page = walker.get("/request/reflection").get_data(as_text=True)
    assert 'data-maxlength="1500"' in page and "govuk-character-count" in page
    # Found: the hint said "1500" while the counter and the error say "1,500".
    assert "You can enter up to 1,500 characters" in text_of(walker.get("/request/reflection"))
    assert not re.search(r"\b1500 characters", page)


@pytest.mark.parametrize(
    "params, hint",
    [
        ({"maxlength": 1000}, "You can enter up to 1,000 characters"),  # the inbox's note, the feedback comment
        ({"maxlength": 500}, "You can enter up to 500 characters"),
        ({"maxwords": 1200}, "You can enter up to 1,200 words"),
        (
            {"maxlength": 1000, "textareaDescriptionText": "Up to 1,000 characters"},
            "Up to 1,000 characters",
        ),  # as given
    ],
)
def test_every_character_count_writes_its_limit_with_a_thousands_comma(app, params, hint) -> None:
    """Every character count (the request's, the inbox's note, the feedback comment) goes
    through the GOV.UK macro, which our templates wrap so its hint reads as the counter does."""
    from flask import render_template_string

    template = (
        '{% from "govuk_frontend_jinja/components/character-count/macro.html" import govukCharacterCount %}'
        "{{ govukCharacterCount(params) }}"
    )
    with app.test_request_context():
        html_out = render_template_string(
            template, params={"id": "note", "name": "note", "label": {"text": "Note"}, **params}
        )
    [shown] = re.findall(
        r'<div id="note-info" class="govuk-hint govuk-character-count__message">\s*(.*?)\s*</div>', html_out, re.S
    )
    assert shown == hint


def test_family_reason_is_required_only_when_not_yet(client) -> None:
    walker = to_outcome(client)
    response = post_page(walker, "family", {"family_knows": "not_yet", "family_knows_reason": ""})
    assert response.status_code == 200
    assert "Enter why the family does not know yet" in text_of(response)
    assert post_page(walker, "family", {"family_knows": "yes", "family_knows_reason": ""}).status_code == 302


def revealed_under(body: str, value: str) -> str:
    """The conditional content of the radio with ``value`` ("" if it has none): what GOV.UK
    Frontend shows, with JavaScript, only while that radio is chosen."""
    radio = re.search(rf'<input [^>]*value="{value}"[^>]*>', body)
    assert radio is not None
    controls = re.search(r'data-aria-controls="([^"]+)"', radio.group(0))
    if controls is None:
        return ""
    opening = re.search(rf'<div class="govuk-radios__conditional[^"]*" id="{controls.group(1)}">', body)
    assert opening is not None
    # Up to the next radio, or the end of the radios' fieldset.
    rest = body[opening.start() :]
    return rest[
        : min(len(rest), *(rest.index(end) for end in ('class="govuk-radios__item"', "</fieldset>") if end in rest))
    ]


def test_the_family_reason_is_revealed_under_not_yet(client) -> None:
    """The reason box is inside "Not yet"'s conditional content, hidden until it is chosen, and
    shown when the page comes back with "Not yet" chosen, with the error summary linking to it."""
    walker = to_outcome(client)
    body = walker.get("/request/family").get_data(as_text=True)
    inside = revealed_under(body, "not_yet")
    assert 'class="govuk-radios__conditional govuk-radios__conditional--hidden"' in inside
    assert 'id="family_knows_reason"' in inside and "Why does the family not know yet?" in inside
    assert body.count('id="family_knows_reason"') == 1  # drawn once: not beside the radios as well
    assert revealed_under(body, "yes") == "" and revealed_under(body, "no") == ""
    assert "Only needed if" not in body  # its place under "Not yet" says so

    response = post_page(walker, "family", {"family_knows": "not_yet", "family_knows_reason": ""})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    inside = revealed_under(body, "not_yet")
    assert "govuk-radios__conditional--hidden" not in inside  # chosen: shown
    assert 'id="family_knows-error"' not in body and "Enter why the family does not know yet" in inside
    assert '<a href="#family_knows_reason">Enter why the family does not know yet</a>' in body

    typed = "We plan to tell them at the next visit." + "x" * 500  # too long: comes back as typed
    body = post_page(walker, "family", {"family_knows": "not_yet", "family_knows_reason": typed}).get_data(as_text=True)
    inside = revealed_under(body, "not_yet")
    assert "govuk-radios__conditional--hidden" not in inside and html.escape(typed) in inside


@pytest.mark.parametrize(
    "month, year, message",
    [
        ("", "", "Enter the month and year of the significant event"),
        ("", "2024", "must include a month"),
        ("3", "", "must include a year"),
        ("13", "2024", "must be a real date"),
        ("3", "24", "Year must include 4 numbers"),
        ("12", "2999", "must be this month or in the past"),
        ("13", "２０２４", "must be a real date"),  # full-width digits are read as digits: 13 is still no month
        # A real month before the earliest the field takes: say what the range is, not "real date".
        ("3", "1949", "The date of the significant event must be January 1950 or later"),
        ("12", "1000", "The date of the significant event must be January 1950 or later"),
        # A month named in another language is said so, not "not a real date" (practitioner review).
        ("Hyd", "2024", "Enter the month as a number, like 10, or its name in English, like October"),
        ("Październik", "2024", "or its name in English"),
    ],
)
def test_event_month_and_year(client, month, year, message) -> None:
    walker = to_outcome(client)
    response = post_page(walker, "significant-event", {"event_month": month, "event_year": year})
    assert response.status_code == 200
    text = text_of(response)
    assert message in text
    if "real date" not in message:  # only a month that cannot exist is "not a real date"
        assert "real date" not in text


def test_event_month_and_year_in_another_scripts_digits_are_taken(client, app) -> None:
    """Found (practitioner review): "١٠" and "٢٠٢٤" (Arabic-Indic digits) were refused as "not a
    real date"; full-width digits were taken. Any script's digits are read as digits."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "event_month": "١٠", "event_year": "٢٠٢٤"})
    assert "October 2024" in text_of(walker.get("/request/check-answers"))


def test_event_month_and_year_takes_the_earliest_month_it_allows(client) -> None:
    walker = to_outcome(client)
    response = post_page(walker, "significant-event", {"event_month": "1", "event_year": "1950"})
    assert response.status_code == 302


def test_event_page_is_skipped_without_the_debrief_criterion(client) -> None:
    path = [step if step[0] != "criteria" else ("criteria", ["stuck"]) for step in ELIGIBLE_PATH]
    walker = to_outcome(client, path)
    response = post_page(walker, "family", {"family_knows": "yes"})
    assert response.location.endswith("/request/how-soon")
    assert walker.get("/request/significant-event").location.endswith("/request")


@pytest.mark.parametrize(
    "slug, data, message",
    [
        ("manager", {"manager_knows": "perhaps"}, "Select yes if your manager or safeguarding lead knows"),
        ("how-soon", {"how_soon": "yesterday"}, "Select how soon a session is needed"),
        (
            "child-and-family",
            {"age_band": "<script>"},
            "The answer given for child's age band is not one of its answers",
        ),
    ],
)
def test_tampered_option_values_get_a_message_not_a_500(client, slug, data, message) -> None:
    walker = to_outcome(client)
    response = post_page(walker, slug, data)
    assert response.status_code == 200
    assert message in text_of(response)


def test_how_soon_says_it_is_not_an_urgent_route(client) -> None:
    walker = to_outcome(client)
    text = text_of(walker.get("/request/how-soon"))
    assert "This is not an urgent route" in text
    assert "999" in text


def test_radio_fieldsets_have_legends_and_no_empty_hints(client) -> None:
    walker = to_outcome(client)
    for slug in ("manager", "child-and-family", "family", "how-soon", "preferences"):
        page = walker.get(f"/request/{slug}").get_data(as_text=True)
        assert page.count("<fieldset") == page.count("<legend"), slug
        assert not re.search(r'<div id="[^"]*-hint" class="govuk-hint">\s*</div>', page), slug


@pytest.mark.parametrize(
    "path, expected",
    [
        (
            ELIGIBLE_PATH,
            [
                "Enter your full name",
                "Enter your job role",
                "Enter your agency or team",
                "Enter your work email address",
                "Enter your work telephone number",
                "Select yes if your manager or safeguarding lead knows you are asking for a session",
            ],
        ),
        (
            SUPERVISION_PATH,
            [
                "Enter the practitioner's full name",
                "Enter the practitioner's job role",
                "Enter the practitioner's agency or team",
                "Enter the practitioner's work email address",
                "Enter the practitioner's work telephone number",
                "Select yes if the practitioner's safeguarding lead knows about this request",
            ],
        ),
    ],
    ids=["practitioner", "supervision"],
)
def test_the_details_errors_speak_of_the_person_the_page_asks_about(client, path, expected) -> None:
    """Found: "Enter a full name" on a page about you, and "Select yes if the manager or
    safeguarding lead knows about this request" under "Does your manager or safeguarding lead
    know you are asking for a session?". Each error now speaks as its question does."""
    walker = to_outcome(client, path)
    about_you = post_page(walker, "about-you", dict.fromkeys(("name", "job_role", "agency", "email", "phone"), ""))
    manager = post_page(walker, "manager", {})
    summaries = [
        re.findall(
            r'<a href="#[^"]+">([^<]+)</a>', response.get_data(as_text=True).split("govuk-error-summary__list")[1]
        )
        for response in (about_you, manager)
    ]
    assert [html.unescape(message) for found in summaries for message in found] == expected


def test_supervision_mode_speaks_of_the_practitioner(client) -> None:
    walker = to_outcome(client, SUPERVISION_PATH)
    assert "The practitioner's details" in text_of(walker.get("/request/about-you"))
    page = walker.get("/request/about-you").get_data(as_text=True)
    assert 'autocomplete="name"' not in page  # the manager's browser must not fill in their own name


# --- check your answers ----------------------------------------------------------------------


def test_check_answers_lists_journey_and_details_with_change_links(client) -> None:
    walker = to_outcome(client)
    fill_details(walker)
    response = walker.get("/request/check-answers")
    page = response.get_data(as_text=True)
    for question_id, _ in ELIGIBLE_PATH:
        assert f'href="/questions/{question_id}?return_to=check-answers"' in page
    for slug in (
        "about-you",
        "manager",
        "reflection",
        "child-and-family",
        "family",
        "significant-event",
        "how-soon",
        "preferences",
    ):
        assert f'href="/request/{slug}?change=1#' in page
    # Each details row's Change goes to its own input (GOV.UK: "#" and the input's id), not the
    # top of a page that asks several things (found: "Change other agencies or roles to invite"
    # opened the child and family page at its first question, the child's age band).
    links = re.findall(
        r'href="(/request/[a-z-]+\?change=1)#([^"]+)">Change<span class="govuk-visually-hidden"> ([^<]+)<', page
    )
    assert ("/request/child-and-family?change=1", "other_agencies", "other agencies or roles to invite") in links
    assert ("/request/about-you?change=1", "phone", "work telephone") in links
    # A row (and its Change) for each field, those shown with another (``joins``: the job role and
    # agency with the name) apart: counted from the fields table, so a field added is counted too.
    assert len(links) == len([entry for entry in FIELDS if not entry.joins])
    radios = 0
    for url, anchor, _ in links:
        target = re.search(f'<(input|textarea)[^>]* id="{anchor}"[^>]*>', walker.get(url).get_data(as_text=True))
        assert target, (url, anchor)
        # For radios, the answer chosen (found, accessibility review: "Change how soon" went to
        # "Within 2 weeks", the first, where "Within a month" was chosen: an arrow key changed it).
        if 'type="radio"' in target.group(0):
            radios += 1
            assert " checked" in target.group(0), (url, anchor, target.group(0))
    assert radios >= 5 and ("/request/how-soon?change=1", "how_soon-2", "how soon") in links
    text = text_of(response)
    assert VALID_DETAILS["reflection"] in text and "March 2025" in text and "Within a month" in text


@pytest.mark.parametrize(
    "path, question, section",
    [
        (ELIGIBLE_PATH, "What you would like to reflect on", "Why you are asking for a session"),
        (
            SUPERVISION_PATH,
            "What the practitioner would like to reflect on",
            "Why the practitioner is asking for a session",
        ),
    ],
    ids=["practitioner", "supervision"],
)
def test_check_answers_says_what_to_reflect_on_once(client, path, question: str, section: str) -> None:
    """Found (review): "What you would like to reflect on" was both the section's heading and its
    one row's key, read twice. The heading says what the section is; the row keeps the question."""
    walker = to_outcome(client, path)
    fill_details(walker)
    response = walker.get("/request/check-answers")
    page = html.unescape(response.get_data(as_text=True))
    assert f'<h2 class="govuk-heading-m">{section}</h2>' in page
    assert f'<dt class="govuk-summary-list__key">{question}</dt>' in page
    assert text_of(response).count(question) == 1


STATEMENT = "complements but does not replace"  # in the "understand" confirmation's statement


@pytest.mark.parametrize("path", [ELIGIBLE_PATH, SUPERVISION_PATH], ids=["practitioner", "supervision"])
def test_the_confirmation_reads_confirmed_on_the_outcome_check_answers_and_in_the_request(client, app, path) -> None:
    """Found: the "does not replace" confirmation read "Confirmed" on the outcome page, but its
    whole paragraph on check your answers and in the request (HTML and PDF). "Confirmed" in each
    summary now; the request's data (request.json) keeps the statement as confirmed."""

    def row(page: str) -> str:
        [found] = re.findall(r'data-question="understand">(.*?)</div>', page, re.S)
        return " ".join(re.sub(r"<[^>]+>", " ", found).split())

    walker = to_outcome(client, path)
    outcome = walker.get("/result").get_data(as_text=True)
    assert row(outcome).startswith("Understands what Space to Think does not replace Confirmed Change")
    fill_details(walker)
    check = walker.get("/request/check-answers").get_data(as_text=True)
    keys = re.findall(
        r'<dt class="govuk-summary-list__key">\s*Understands what Space to Think does not replace\s*</dt>\s*'
        r'<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>',
        check,
        re.S,
    )
    assert keys == ["Confirmed"]
    assert STATEMENT not in text_of(walker.get("/request/check-answers"))
    submitted_request(walker)
    submitted = text_of(walker.get("/request/submitted"))
    assert "Understands what Space to Think does not replace Confirmed" in submitted
    assert STATEMENT not in submitted
    [stored] = stored_requests(app)
    [understand] = [reason for reason in stored.explanation if reason["question_id"] == "understand"]
    assert STATEMENT in understand["answers"][0]  # the data keeps what was confirmed

    walker = to_outcome(client)
    fill_details(walker)
    response = post_page(walker, "how-soon", {"how_soon": "two_weeks"}, change=True)
    assert response.location.endswith("/request/check-answers")
    assert "Within 2 weeks" in text_of(walker.get("/request/check-answers"))


def test_check_answers_sends_you_to_the_first_unfinished_page(client) -> None:
    walker = to_outcome(client)
    fill_details(walker, skip=("reflection", "how-soon"))
    # (As a change: every other page is done, so it leads straight back to check your answers.)
    assert walker.get("/request/check-answers").location == "/request/reflection?change=1"


def test_changing_who_is_using_this_asks_again_what_meant_something_else_in_the_other_mode(client, app) -> None:
    """Found (journey review): switching "Who is using this" on check your answers kept the
    practitioner's confirmation ("I understand …") under the supervision statement ("We
    understand …"), which no one had agreed to, and "Does your manager or safeguarding lead
    know?" answered Yes became "Safeguarding lead knows: Yes". Both are now asked again."""
    walker = to_outcome(client)  # as a practitioner
    fill_details(walker)
    assert walker.get("/request/check-answers").status_code == 200
    walker.get("/questions/mode?return_to=check-answers")
    response = walker.answer("mode", "supervision")
    # The confirmation is asked again, in the supervision wording.
    page = walker.follow(response.location)
    assert page.request.path == "/questions/understand"
    assert "We understand that Space to Think complements" in html.unescape(page.get_data(as_text=True))
    assert "checked" not in page.get_data(as_text=True).split('name="answer"')[1].split(">")[0]
    assert walker.answer("understand", "confirmed").status_code == 302
    # The request goes back to the details given as the practitioner's own, to be checked as the
    # practitioner's (``test_details_given_as_your_own_are_checked_again_when_who_is_using_this_changes``),
    # then the one page whose question means something else now, from the outcome page's
    # "Continue to the request" as from check your answers.
    assert walker.get("/request").location == "/request/about-you?change=1"
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    assert post_page(walker, "about-you", VALID_DETAILS, change=True).location == "/request/check-answers"
    assert walker.get("/request/check-answers").location == "/request/manager?change=1"
    assert post_page(walker, "preferences", VALID_DETAILS, change=True).location == "/request/check-answers"
    assert walker.get("/request").location == "/request/manager?change=1"
    page = walker.get("/request/manager")
    assert "Does the practitioner&#39;s safeguarding lead know about this request?" in page.get_data(as_text=True)
    assert 'value="yes" checked' not in page.get_data(as_text=True)
    assert post_page(walker, "manager", {"manager_knows": "no"}).status_code == 302
    assert walker.get("/request/check-answers").status_code == 200
    assert submit(walker).location.endswith("/request/submitted")
    [stored] = stored_requests(app)
    assert stored.mode == "supervision" and stored.details["manager_knows"] == "no"
    # Everything else typed was kept.
    assert stored.details["reflection"] == VALID_DETAILS["reflection"]


def test_who_is_using_this_changed_from_check_your_answers_asks_the_confirmation_then_goes_back_there(
    client,
) -> None:
    """Found (review): changing who is using this from check your answers asked the confirmation
    again (right) as if in the forward journey: its answer led to the outcome page, not back to
    check your answers. The question a change brings in is asked as a change too."""
    walker = to_outcome(client)
    fill_details(walker)
    walker.get("/request/check-answers")
    walker.get("/questions/mode?return_to=check-answers")
    response = walker.post("/questions/mode?return_to=check-answers", {"answer": "supervision"})
    assert response.status_code == 302 and response.location == "/questions/understand?return_to=check-answers"
    page = walker.get(response.location).get_data(as_text=True)
    assert 'href="/request/check-answers" class="govuk-back-link"' in page
    confirmed = walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    # Back towards check your answers: first the pages to check or answer again, in order.
    assert confirmed.status_code == 302 and confirmed.location == "/request/check-answers"
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"


def test_details_given_as_your_own_are_checked_again_when_who_is_using_this_changes(client, app) -> None:
    """Found (untidy-use review): a manager who first answered "who is using this" as a
    practitioner, typed their own details, then changed it to a manager in supervision, saw
    their own name and email kept as the practitioner's, and could send them so. The pages
    about the person (about you, preferences) are kept, filled in, but asked again saying why,
    before check your answers or Send request; the other pages are not asked again."""
    walker = to_outcome(client)  # as a practitioner
    fill_details(walker, {**VALID_DETAILS, "access_needs": "Captions, please"})
    shown_before = walker.get("/request/check-answers")
    assert shown_before.status_code == 200
    stale_send = dict(walker.shown)  # Send request, from this page, in a tab left open
    walker.get("/questions/mode?return_to=check-answers")
    walker.post("/questions/mode?return_to=check-answers", {"answer": "supervision"})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    walker.get("/questions/mode?return_to=check-answers")  # and back again: still to check
    walker.post("/questions/mode?return_to=check-answers", {"answer": "practitioner"})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    walker.get("/questions/mode?return_to=check-answers")
    walker.post("/questions/mode?return_to=check-answers", {"answer": "supervision"})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    # Send request from the page shown before: nothing goes, and the details are asked for,
    # saying so (regression review).
    refused = walker.post("/request/submit", stale_send)
    assert refused.status_code in (302, 303) and not stored_requests(app)
    assert refused.location == "/request/about-you?change=1"
    assert "The practitioner's request has not been sent: this page needs answering or checking first" in text_of(
        walker.get(refused.location)
    )
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    shown = walker.get("/request/about-you?change=1")
    page, said = shown.get_data(as_text=True), text_of(shown)
    assert (
        "You changed who is using this tool after these details were given, as your own. Check they are the "
        "practitioner's own work details, and change any that are not." in said
    )
    assert 'value="Alex Practitioner"' in page and 'value="alex.practitioner@nhs.example"' in page  # kept
    saved = post_page(walker, "about-you", {**VALID_DETAILS, "name": "Sam Practitioner"}, change=True)
    assert saved.location == "/request/check-answers"
    assert walker.get(saved.location).location == "/request/manager?change=1"
    post_page(walker, "manager", {"manager_knows": "yes"}, change=True)
    assert walker.get("/request/check-answers").location == "/request/preferences?change=1"
    shown = walker.get("/request/preferences?change=1")
    page = shown.get_data(as_text=True)
    assert "You changed who is using this tool after these preferences were given, as your own." in text_of(shown)
    assert "Captions, please" in page
    # Continue as it stands: it was checked. The notice is not shown again.
    post_page(walker, "preferences", {**VALID_DETAILS, "access_needs": "Captions, please"}, change=True)
    assert "You changed who is using this tool" not in text_of(walker.get("/request/about-you?change=1"))
    assert submit(walker).location.endswith("/request/submitted")
    [stored] = stored_requests(app)
    assert stored.mode == "supervision" and stored.details["name"] == "Sam Practitioner"
    assert stored.details["access_needs"] == "Captions, please"


def test_back_on_a_page_to_check_again_keeps_it_to_check(client) -> None:
    """Found (regression review): Back on "About you", asked again after a manager changed who is
    using this to supervision, unchanged, took the page as checked: the notice went, and check
    your answers offered the manager's own details as the practitioner's, ready to send. Back
    keeps what was typed, and the page is still to be checked."""
    walker = to_outcome(client)  # as a practitioner
    fill_details(walker)
    walker.get("/questions/mode?return_to=check-answers")
    walker.post("/questions/mode?return_to=check-answers", {"answer": "supervision"})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    back = post_page(walker, "about-you", {**VALID_DETAILS, "job_role": "Team manager", GO_BACK: "1"}, change=True)
    assert back.status_code == 302
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    shown = walker.get("/request/about-you?change=1")
    assert "You changed who is using this tool after these details were given, as your own." in text_of(shown)
    assert 'value="Team manager"' in shown.get_data(as_text=True)  # what was typed is kept


def test_details_sent_from_a_tab_shown_before_who_is_using_this_changed_are_checked_again(client, app) -> None:
    """The about-you page open in one tab, as a practitioner's; who is using this changed to
    supervision in another; the first tab's page sent: what it carried is kept, but it was not
    checked as the practitioner's (it never said it was to be), so it is shown again, saying so."""
    walker = to_outcome(client)
    fill_details(walker)
    old_tab = walker.get("/request/about-you?change=1").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', old_tab)
    assert token is not None and 'name="asked_in"' in old_tab
    walker.get("/questions/mode?return_to=check-answers")
    walker.post("/questions/mode?return_to=check-answers", {"answer": "supervision"})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    fields_of = dict(PAGE_FIELDS)["about-you"]
    sent = client.post(
        "/request/about-you?change=1",
        data={
            "csrf_token": token.group(1),
            "asked_in": "practitioner",
            **{name: VALID_DETAILS[name] for name in fields_of},
            "name": "Still Me",
        },
    )
    assert sent.status_code == 302 and sent.location == "/request/about-you?change=1"
    page = walker.get(sent.location)
    assert "You changed who is using this tool after these details were given, as your own." in text_of(page)
    assert 'value="Still Me"' in page.get_data(as_text=True)
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"


def switch_to(walker: Walker, mode: str) -> None:
    """Change who is using this from check your answers (the confirmation is asked again)."""
    walker.get("/questions/mode?return_to=check-answers")
    walker.post("/questions/mode?return_to=check-answers", {"answer": mode})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})


def test_switching_there_and_back_asks_nothing_of_details_given_in_that_mode(client) -> None:
    """Found (regression review): details typed as a practitioner, who is using this changed to
    supervision and back again without checking them, were then said to have been "given as the
    practitioner's", to be checked as one's own. They were given as one's own: nothing is asked."""
    walker = to_outcome(client)
    fill_details(walker)
    switch_to(walker, "supervision")
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    switch_to(walker, "practitioner")
    # Only the question that means something else in each mode is asked again, as it always is.
    assert walker.get("/request/check-answers").location == "/request/manager?change=1"
    post_page(walker, "manager", {"manager_knows": "yes"}, change=True)
    check = walker.get("/request/check-answers")
    assert check.status_code == 200, check.location
    assert "You changed who is using this tool" not in text_of(walker.get("/request/about-you"))


def test_details_refused_before_who_is_using_this_changed_are_checked_again_too(client) -> None:
    """Found (regression review): an about-you page refused (an email not valid), its answers kept,
    then who is using this changed: the page came back with one's own name as the practitioner's
    and no word of the change. Any page about the person with answers is checked again."""
    walker = to_outcome(client)
    post_page(walker, "about-you", {**VALID_DETAILS, "name": "Pat Own", "email": "not-an-email"})
    walker.get("/questions/mode")
    walker.answer("mode", "supervision")
    walker.answer("understand", "confirmed")
    assert walker.get("/request").location.startswith("/request/about-you")
    page = walker.get("/request/about-you")
    assert "You changed who is using this tool after these details were given, as your own." in text_of(page)
    assert 'value="Pat Own"' in page.get_data(as_text=True)


def about_you_from_a_tab_shown_in(client, mode: str, page: str, **changed: str):  # type: ignore[no-untyped-def]
    """Post the about-you page as a tab showing ``page`` (its HTML) in ``mode`` sends it."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    fields_of = dict(PAGE_FIELDS)["about-you"]
    data = {"csrf_token": token.group(1), "asked_in": mode, **{name: VALID_DETAILS[name] for name in fields_of}}
    return client.post("/request/about-you?change=1", data={**data, **changed})


@pytest.mark.parametrize("first", ["empty", "switched back"])
def test_about_you_given_in_another_mode_from_another_tab_is_always_checked_again(client, first: str) -> None:
    """Found (second regression review): "About you" shown in one mode and sent after another tab
    changed who is using this was taken as checked when the page had been empty at the change
    (nothing to check again then), or when the other tab had switched back meanwhile. What a page
    sent is noted as given in the mode it was shown in: given in another, it is checked again."""
    walker = to_outcome(client)
    if first == "empty":
        old_tab = walker.get("/request/about-you").get_data(as_text=True)  # as a practitioner, nothing typed
        switch_to(walker, "supervision")
        sent = about_you_from_a_tab_shown_in(client, "practitioner", old_tab, name="Manager Own Name")
        said = "after these details were given, as your own."
    else:
        fill_details(walker)
        switch_to(walker, "supervision")
        old_tab = walker.get("/request/about-you?change=1").get_data(as_text=True)  # the notice, in supervision
        switch_to(walker, "practitioner")
        sent = about_you_from_a_tab_shown_in(client, "supervision", old_tab, name="Pat Practitioner")
        said = "after these details were given, as the practitioner's."
    assert sent.location == "/request/about-you?change=1"
    page = walker.get(sent.location)
    assert f"You changed who is using this tool {said}" in text_of(page)
    assert walker.get("/request/check-answers").location.startswith("/request/about-you")  # (no other way on)


def test_about_you_refused_in_the_other_mode_is_checked_again_after_switching_back(client) -> None:
    """Found (second regression review): details typed as the practitioner's (the page asked again
    in supervision), refused for an email not valid, then who is using this switched back: the
    page showed the practitioner's name as one's own, with no notice. What a page sent is given in
    the mode it was sent in, refused or not."""
    walker = to_outcome(client)
    fill_details(walker)
    switch_to(walker, "supervision")
    post_page(walker, "about-you", {**VALID_DETAILS, "name": "Pat Practitioner", "email": "not-an-email"}, change=True)
    switch_to(walker, "practitioner")
    page = walker.get("/request/about-you?change=1")
    assert "You changed who is using this tool after these details were given, as the practitioner's." in text_of(page)
    assert 'value="Pat Practitioner"' in page.get_data(as_text=True)


def test_a_change_refused_from_a_tab_shown_in_the_other_mode_is_shown_with_the_notice(client, app) -> None:
    """Found (third regression review): "About you" open in a tab as one's own details; who is
    using this changed in another tab, and the page checked there; the first tab's change sent
    with an email not valid came back with its error only, headed as the practitioner's, and once
    the email was put right the manager's own name went as the practitioner's."""
    walker = to_outcome(client)
    fill_details(walker)
    old_tab = walker.get("/request/about-you?change=1").get_data(as_text=True)
    switch_to(walker, "supervision")
    post_page(walker, "about-you", {**VALID_DETAILS, "name": "Pat Practitioner"}, change=True)  # checked
    refused = about_you_from_a_tab_shown_in(
        client, "practitioner", old_tab, name="Manager Own Name", email="manager.own@"
    )
    assert refused.location == "/request/about-you?change=1"
    page = walker.get(refused.location)
    assert "You changed who is using this tool after these details were given, as your own." in text_of(page)
    assert 'value="Manager Own Name"' in page.get_data(as_text=True)
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"


@pytest.mark.parametrize("later", ["old tab", "new tab"])
@pytest.mark.parametrize("new_tab_sends", ["about-you changed", "about-you as shown", "preferences"])
def test_two_tabs_saving_at_once_never_let_details_given_as_your_own_go_unasked(
    client, app, later: str, new_tab_sends: str
) -> None:
    """Found (third and fourth regression reviews): an old tab's "About you" (shown as one's own
    details) and a new tab's page (shown after who is using this changed to supervision, with the
    notice) saved at the same moment were merged field by field: the old tab's name stayed with
    the new tab's "checked", and the manager's own name went as the practitioner's; a note of the
    pages to check written whole by one tab dropped the other's. However the two saves are merged,
    details not exactly as given in supervision are asked again, with the notice."""
    from support.tabs import another_tab, at_the_same_moment

    walker = to_outcome(client)
    fill_details(walker)
    old_tab = walker.get("/request/about-you?change=1").get_data(as_text=True)
    switch_to(walker, "supervision")
    new_tab = another_tab(app, client)

    def old() -> TestResponse:
        return about_you_from_a_tab_shown_in(client, "practitioner", old_tab, name="Manager Own Name")

    if new_tab_sends == "preferences":
        shown = new_tab.get("/request/preferences?change=1").get_data(as_text=True)

        def new() -> TestResponse:
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', shown)
            assert token is not None
            values = {name: VALID_DETAILS[name] for name in dict(PAGE_FIELDS)["preferences"]}
            data = {"csrf_token": token.group(1), "asked_in": "supervision", **values}
            return new_tab.post("/request/preferences?change=1", data=data)
    else:
        shown = new_tab.get("/request/about-you?change=1").get_data(as_text=True)
        changed = {"name": "Pat Practitioner"} if new_tab_sends == "about-you changed" else {}

        def new() -> TestResponse:
            return about_you_from_a_tab_shown_in(new_tab, "supervision", shown, **changed)

    first, second = (new, old) if later == "old tab" else (old, new)
    with at_the_same_moment(app, first):  # (run as the second's request ends, saved before it)
        second()
    with client.session_transaction() as held:
        name = held[DETAILS_KEY]["name"]
    if name == "Manager Own Name" or new_tab_sends == "preferences":
        assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
        page = text_of(walker.get("/request/about-you?change=1"))
        # (Why, as far as can be told: given as one's own, or, with the new tab's note over the old
        # tab's answers, saved in two tabs at once: either way asked again, to check.)
        assert (
            "You changed who is using this tool after these details were given, as your own." in page
            or "These details were saved in two tabs at the same moment" in page
        ), page
    else:  # the new tab's details, as given in supervision, with the notice seen
        assert name in ("Pat Practitioner", VALID_DETAILS["name"])


def test_a_change_refused_from_an_old_tab_as_another_tab_checks_the_page_is_given_back_with_the_notice(
    client, app
) -> None:
    """Found (fourth regression review): the old tab's change (one's own name, an email not valid)
    refused at the moment the new tab checked the page in supervision: the new tab's note of the
    page stood, and the old tab's typed name came back with its error only; put right, it went as
    the practitioner's. What was typed on the page as shown in the other mode comes back with the
    notice."""
    from support.tabs import another_tab, at_the_same_moment

    walker = to_outcome(client)
    fill_details(walker)
    old_tab = walker.get("/request/about-you?change=1").get_data(as_text=True)
    switch_to(walker, "supervision")
    new_tab = another_tab(app, client)
    shown = new_tab.get("/request/about-you?change=1").get_data(as_text=True)
    about_you_from_a_tab_shown_in(new_tab, "supervision", shown)  # checked once (so a change, refused, is kept apart)
    shown = new_tab.get("/request/about-you?change=1").get_data(as_text=True)
    with at_the_same_moment(
        app,
        lambda: about_you_from_a_tab_shown_in(
            client, "practitioner", old_tab, name="Manager Own Name", email="manager.own@"
        ),
    ):
        about_you_from_a_tab_shown_in(new_tab, "supervision", shown, phone="0161 496 0999")  # saved last
    page = walker.get("/request/about-you?change=1")
    assert 'value="Manager Own Name"' in page.get_data(as_text=True), text_of(page)
    assert "You changed who is using this tool after these details were given, as your own." in text_of(page)


def test_a_mode_change_before_the_details_asks_nothing_again(client) -> None:
    """Who is using this changed before any details were given: the pages are asked as usual,
    saying nothing of a change."""
    walker = to_outcome(client)
    walker.get("/questions/mode?return_to=check-answers")
    walker.post("/questions/mode?return_to=check-answers", {"answer": "supervision"})
    walker.post("/questions/understand?return_to=check-answers", {"answer": "confirmed"})
    assert walker.get("/request").location == "/request/about-you"
    assert "You changed who is using this tool" not in text_of(walker.get("/request/about-you"))


def test_a_page_a_change_adds_is_asked_and_then_it_is_back_to_check_your_answers(client) -> None:
    """Found (journey review): adding "reflect and debrief" from check your answers asked when
    the event was, with Back to the family page, then sent the person through how soon and their
    preferences again before check your answers."""
    path = with_answers(ELIGIBLE_PATH, criteria=["stuck"])
    walker = to_outcome(client, path)
    fill_details(walker)
    assert walker.get("/request/check-answers").status_code == 200
    walker.get("/questions/criteria?return_to=check-answers")
    response = walker.post("/questions/criteria?return_to=check-answers", {"answer": ["stuck", "debrief"]})
    assert response.location == "/request/check-answers"
    response = walker.get(response.location)
    assert response.location == "/request/significant-event?change=1"
    page = walker.get(response.location).get_data(as_text=True)
    # Back goes where it would in the journey (diff review: to check your answers, which sent
    # the person straight back here).
    assert BACK_BUTTON in page
    back = post_page(walker, "significant-event", {"event_month": "", "event_year": "", GO_BACK: "1"}, change=True)
    assert back.location == "/request/family"
    saved = post_page(walker, "significant-event", {"event_month": "3", "event_year": "2025"}, change=True)
    assert saved.location == "/request/check-answers"
    assert walker.get(saved.location).status_code == 200


def test_a_change_refused_can_be_given_up_and_what_stood_before_still_stands(client) -> None:
    """Found (manager's review): a change from check your answers that was refused ("Not yet"
    chosen with no reason) replaced the answers given before; Back led to the page before, and
    check your answers only back to the refused page, so the change could not be given up. The
    answers given before stand; the page shows what was typed with its errors (on a reload too),
    Back leads to check your answers, and the change is made once it is put right."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "family_knows": "yes", "family_knows_reason": ""})
    assert walker.get("/request/check-answers").status_code == 200
    refused = post_page(walker, "family", {"family_knows": "not_yet", "family_knows_reason": ""}, change=True)
    assert walker.urls[-2:] == ["/request/family?change=1", "/request/family?change=1"]  # sent back to it (303)
    for shown in (refused, walker.get("/request/family?change=1")):  # shown, then reloaded
        page = shown.get_data(as_text=True)
        assert "Enter why the family does not know yet" in page
        assert re.search(r'value="not_yet"[^>]*checked', page), "what was chosen is shown"
        assert BACK_BUTTON in page
    back = post_page(
        walker, "family", {"family_knows": "not_yet", "family_knows_reason": "", GO_BACK: "1"}, change=True
    )
    assert back.location == "/request/check-answers"
    check = walker.get("/request/check-answers")  # given up
    assert check.status_code == 200
    assert "Does the family know about this request Yes Change whether the family knows" in text_of(check)
    # Opened again from check your answers: what stands, no error.
    again = walker.get("/request/family?change=1").get_data(as_text=True)
    assert "Enter why the family does not know yet" not in again
    assert re.search(r'value="yes"[^>]*checked', again)
    # Put right, the change is made.
    post_page(walker, "family", {"family_knows": "not_yet", "family_knows_reason": ""}, change=True)
    saved = walker.post(
        "/request/family?change=1", {"family_knows": "not_yet", "family_knows_reason": "At the next visit."}
    )
    assert saved.location == "/request/check-answers"
    assert "At the next visit." in text_of(walker.get(saved.location))


# --- the identifying-data warning ------------------------------------------------------------

IDENTIFYING = "Mum (07700 900982) said the school at M6 5FX saw him on 12/03/2019."


def test_identifying_data_is_named_with_its_reason_and_can_be_confirmed(client, app) -> None:
    walker = to_outcome(client)
    response = fill_details(walker, {**VALID_DETAILS, "reflection": IDENTIFYING})
    assert response.location.endswith("/request/check-what-you-wrote")
    assert walker.get("/request/check-answers").location.endswith("/request/check-what-you-wrote")
    warning = walker.get("/request/check-what-you-wrote")
    text = text_of(warning)
    for found in ("07700 900982", "M6 5FX", "12/03/2019"):
        assert found in text
    assert "looks like a postcode" in text and "phone number" in text and "full date" in text
    assert "Instead of a name or initials" not in text  # (no name was found: said only where one is)
    # "Change what I wrote" goes to the input itself (GOV.UK: "#" and its id), not the page's top.
    assert 'href="/request/reflection?change=1#reflection"' in warning.get_data(as_text=True)
    assert re.search(
        r'<textarea[^>]*id="reflection"', walker.get("/request/reflection?change=1").get_data(as_text=True)
    )
    # Submitting without confirming is refused (sent back to the warning), never silently accepted.
    submit_now = walker.post("/request/submit", walker.shown)
    assert submit_now.location.endswith("/request/check-what-you-wrote")
    confirmed = walker.post("/request/check-what-you-wrote", {})
    assert confirmed.location.endswith("/request/check-answers")
    submit(walker)
    [stored] = stored_requests(app)
    assert stored.details["reflection"] == IDENTIFYING  # never changed
    assert stored.details["identifying_check"] == {"found": ["date", "phone", "postcode"], "confirmed": True}


def test_a_warning_left_open_while_the_text_changed_elsewhere_confirms_nothing(client, app) -> None:
    """Found (untidy-use review): the warning open in one tab listed only a postcode; in another tab
    the text was changed to give a phone number and an NHS number, and not confirmed there. The
    first tab's "Continue" confirmed the new findings, never shown on its page, and the request
    went saying they had been confirmed. The confirmation is kept only for what the page listed:
    otherwise the page comes back listing what the text gives now, saying why (409)."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "reflection": "We met the family near M5 4WT to talk about the plan."})
    old_page = walker.get("/request/check-what-you-wrote").get_data(as_text=True)
    assert "M5 4WT" in old_page and "07700 900982" not in old_page
    other_tab = Walker(client)
    other_tab.get("/request/reflection?change=1")
    changed = "Mum's mobile is 07700 900982 and the NHS number 943 476 5919, talk about the plan."
    other_tab.post("/request/reflection?change=1", {"reflection": changed})
    refused = walker.post("/request/check-what-you-wrote", {})  # the first tab, as it was shown
    words = text_of(refused)
    assert refused.status_code == 409
    assert "Your confirmation was not saved: what was written changed after this page was shown" in words
    assert "07700 900982" in words and "943 476 5919" in words  # the page as the text stands now
    assert listed_digest(refused.get_data(as_text=True)) not in (None, listed_digest(old_page))  # its form, now
    assert walker.get("/request/check-answers").location.endswith("/request/check-what-you-wrote")
    # Confirmed from the page as it is now, it is kept, and the request records what was confirmed.
    assert "943 476 5919" in text_of(walker.follow("/request/check-answers"))
    assert walker.post("/request/check-what-you-wrote", {}).location.endswith("/request/check-answers")
    submit(walker)
    [stored] = stored_requests(app)
    assert stored.details["reflection"] == changed
    assert stored.details["identifying_check"] == {"found": ["nhs_number", "phone"], "confirmed": True}


def test_a_name_written_several_times_is_listed_once_with_how_many_times(client) -> None:
    # Found (review): "Jayden" three times in a reflection was three identical lines on the warning.
    walker = to_outcome(client)
    reflection = "Jayden was quiet. Later Jayden said no. Staff think Jayden is scared. Mum phoned on 12/03/2019."
    fill_details(walker, {**VALID_DETAILS, "reflection": reflection})
    warning = walker.get("/request/check-what-you-wrote").get_data(as_text=True)
    items = [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", warning, re.S)
    ]
    jayden = [item for item in items if item.startswith("Jayden")]
    assert len(jayden) == 1 and jayden[0].startswith("Jayden (found 3 times), in \u201cJayden was quiet. Later ")
    assert next(item for item in items if item.startswith("12/03/2019")).startswith("12/03/2019, in ")  # no count


def test_a_street_address_and_a_school_are_warned_about_and_the_page_says_which_names_are_looked_for(
    client, app
) -> None:
    walker = to_outcome(client)
    reflection = "Since the move to 12 Acacia Avenue, staff at St Mary's Primary School have been worried."
    response = fill_details(walker, {**VALID_DETAILS, "reflection": reflection})
    assert response.location.endswith("/request/check-what-you-wrote")
    warning = walker.get("/request/check-what-you-wrote")
    text = text_of(warning)
    assert "12 Acacia Avenue" in text and "St Mary's Primary School" in text
    # The page is honest about what the check cannot do: it knows only common first names, and
    # says what it looks for (hospitals, names after "called" and families' surnames too), as a
    # list a person can scan, not one sentence of about 120 words.
    limits = re.search(r"<div data-check-limits>(.*?)</div>", warning.get_data(as_text=True), re.S)
    assert limits is not None
    looked_for = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", limits.group(1), re.S)]
    assert len(looked_for) >= 8
    assert (
        "common first names, and other names with an age, school year or family word: \u201cAmara (14)\u201d, "
        "\u201cMum: Amara\u201d" in looked_for
    )
    assert (
        "the names of schools and madrassas, places of worship, hospitals, GP (general practitioner) practices "
        "and doctors" in looked_for
    )
    assert (
        "names after a title, such as Mrs or Mr, or after words such as \u201ccalled\u201d or \u201csurname\u201d"
        in looked_for
    )
    assert (
        "other names where the sentence says a person is meant: "
        "\u201cI spoke with Amara\u201d, \u201cAmara told me\u201d" in looked_for
    )
    assert all(len(item.split()) <= 20 for item in looked_for)
    assert (
        "It can miss less common names when nothing around them says a person is meant (more often when written "
        "without a capital letter, or in another alphabet, such as Arabic or Chinese), names that are also everyday "
        "words (such as Summer or Will), and many initials. It looks for UK phone numbers only, and can miss a date "
        "or an address written the way another country writes it." in text
    )
    # What it cannot find in view, the list behind "What this check looks for" (found, content
    # review: eleven items stood between the findings and the button).
    page = warning.get_data(as_text=True)
    assert page.index("This check cannot find everything.") < page.index("What this check looks for")
    assert page.index("What this check looks for") < page.index("<div data-check-limits>")
    walker.post("/request/check-what-you-wrote", {})
    submit(walker)
    [stored] = stored_requests(app)
    assert stored.details["identifying_check"] == {"found": ["address", "school"], "confirmed": True}


def test_a_street_without_a_number_and_initials_given_as_a_name_are_warned_about(client, app) -> None:
    """Found: "lives on Acacia Avenue" and "known as KM" went through unwarned."""
    walker = to_outcome(client)
    reflection = "Since the family moved to Acacia Avenue, the youngest, known as KM, has stopped eating."
    response = fill_details(walker, {**VALID_DETAILS, "reflection": reflection})
    assert response.location.endswith("/request/check-what-you-wrote")
    text = text_of(walker.get("/request/check-what-you-wrote"))
    assert (
        "Acacia Avenue , in \u201c Since the family moved to Acacia Avenue , the youngest, known as KM,\u2026 \u201d: "
        "This looks like the name of a street. With the area, a street can point to a family's home." in text
    )
    assert "KM , in \u201c" in text and "This looks like a person's name: the words before it say it is one." in text
    walker.post("/request/check-what-you-wrote", {})
    submit(walker)
    [stored] = stored_requests(app)
    assert stored.details["reflection"] == reflection  # never changed
    assert stored.details["identifying_check"] == {"found": ["person_name", "street"], "confirmed": True}


def test_a_childs_first_name_is_warned_about(client, app) -> None:
    """Found: only names after a title were looked for, so "Jayden" went through unwarned."""
    walker = to_outcome(client)
    reflection = "Mum (Kelly) says Jayden has been missing school since the move."
    response = fill_details(walker, {**VALID_DETAILS, "reflection": reflection})
    assert response.location.endswith("/request/check-what-you-wrote")
    text = text_of(walker.get("/request/check-what-you-wrote"))
    assert (
        "Kelly , in \u201c Mum ( Kelly ) says Jayden has been missing\u2026 \u201d: This looks like a person's name."
        in text
    )
    assert "Jayden , in \u201c Mum (Kelly) says Jayden has been missing school since\u2026 \u201d" in text
    walker.post("/request/check-what-you-wrote", {})
    submit(walker)
    [stored] = stored_requests(app)
    assert stored.details["identifying_check"] == {"found": ["person_name"], "confirmed": True}


def test_the_text_checked_as_its_page_was_saved_is_not_checked_again_until_it_changes(client, app, monkeypatch) -> None:
    """The identifying-data check's answer for the text, found as its page was saved and as the
    warning was confirmed, is remembered in the session (on the server), so check your answers
    and sending do not check the same text again; a text changed since is checked again."""
    scans = scans_counted(monkeypatch)
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "reflection": IDENTIFYING})
    walker.get("/request/check-what-you-wrote")  # (this page shows what was found: it checks)
    walker.post("/request/check-what-you-wrote", {})
    scans.clear()
    submit(walker)
    assert scans == []
    [stored] = stored_requests(app)
    assert stored.details["identifying_check"] == {"found": ["date", "phone", "postcode"], "confirmed": True}

    # Remembered for a text that has changed since (here in the session itself): checked again.
    walker = to_outcome(client)
    fill_details(walker)
    with client.session_transaction() as session:
        assert session[GUARD_KEY]["found"] == []
        session[DETAILS_KEY] = {**session[DETAILS_KEY], "reflection": IDENTIFYING}
    assert walker.get("/request/check-answers").location.endswith("/request/check-what-you-wrote")
    assert scans


def test_changing_the_text_after_confirming_warns_again(client) -> None:
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "reflection": IDENTIFYING})
    walker.get("/request/check-what-you-wrote")
    walker.post("/request/check-what-you-wrote", {})
    response = post_page(walker, "reflection", {"reflection": "Now at SW1A 1AA."}, change=True)
    assert response.location == "/request/check-what-you-wrote?from=reflection&change=1"
    # Found (journey review): its Back link went to the last page (preferences), not to the text.
    warning = walker.get(response.location).get_data(as_text=True)
    assert '<a href="/request/reflection?change=1" class="govuk-back-link">Back</a>' in warning
    response = post_page(walker, "reflection", {"reflection": VALID_DETAILS["reflection"]}, change=True)
    assert response.location.endswith("/request/check-answers")


def test_a_reason_that_will_not_be_stored_gets_no_warning(client, app) -> None:
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "family_knows": "not_yet", "family_knows_reason": "Mum at M6 5JA is away"})
    walker.get("/request/check-what-you-wrote")
    walker.post("/request/check-what-you-wrote", {})
    # Now the family knows: the hidden reason box still holds the postcode, but it is not stored.
    response = post_page(
        walker, "family", {"family_knows": "yes", "family_knows_reason": "Mum at M6 5JA is away"}, change=True
    )
    assert response.location.endswith("/request/check-answers")
    assert walker.get("/request/check-what-you-wrote").location.endswith("/request/check-answers")
    submit(walker)
    [stored] = stored_requests(app)
    assert stored.details["family_knows_reason"] == ""
    assert stored.details["identifying_check"] == {"found": [], "confirmed": False}


def test_the_areas_own_places_are_not_taken_for_a_familys_surname(client) -> None:
    """ "The Salford children" and "the Eccles families" name places of the area (its partnership
    file's ``places``), not a family: no warning, which would teach people to click past it."""
    walker = to_outcome(client)
    details = {**VALID_DETAILS, "reflection": "The Salford children and the eccles families wait for months."}
    assert fill_details(walker, details).location.endswith("/request/check-answers")


def test_the_areas_boroughs_and_hospitals_reach_the_check(client) -> None:
    """The partnership file's ``boroughs`` and ``hospitals``: after a school year a town of the area
    names the school ("Year 9 at Walkden") where the whole city does not ("Year 9 at Salford"), and
    "hope hospital" is one of its hospitals."""
    walker = to_outcome(client)
    details = {**VALID_DETAILS, "reflection": "Year 9 at Salford, she met the worker at hope hospital."}
    assert fill_details(walker, details).location.endswith("/request/check-what-you-wrote")
    warning = walker.get("/request/check-what-you-wrote")
    found = re.findall(r'<strong class="app-finding">([^<]*)</strong>', warning.get_data(as_text=True))
    assert found == ["hope hospital"] and "looks like the name of a hospital" in text_of(warning)
    details = {**VALID_DETAILS, "reflection": "She was in Year 9 at Walkden when it began."}
    assert fill_details(walker, details).location.endswith("/request/check-what-you-wrote")
    assert "Walkden" in text_of(walker.get("/request/check-what-you-wrote"))


def test_ordinary_text_gets_no_warning(client) -> None:
    walker = to_outcome(client)
    assert fill_details(walker).location.endswith("/request/check-answers")


# --- submission --------------------------------------------------------------------------------


def test_submission_stores_one_request_and_shows_the_reference(client, app) -> None:
    walker = to_outcome(client)
    submitted_request(walker)
    [stored] = stored_requests(app)
    page = walker.get("/request/submitted")
    text = text_of(page)
    assert stored.reference in text
    assert "The facilitators will contact you" in text
    # The outbox worker has not made the PDF yet: say so, with a way to look again (no script needed).
    assert 'href="/request/submitted/request.pdf"' not in page.get_data(as_text=True)
    assert "Your PDF is being prepared" in text
    assert '<a class="govuk-link" href="/request/submitted">Check again for your PDF</a>' in page.get_data(as_text=True)
    assert client.get("/request/submitted/request.pdf").location.endswith("/request/submitted#your-copy")
    run_outbox(app)
    assert 'href="/request/submitted/request.pdf"' in walker.get("/request/submitted").get_data(as_text=True)
    assert VALID_DETAILS["reflection"] in text  # the same content as the PDF, as HTML
    # No mailbox configured: say plainly how the request reaches the facilitators; no address.
    assert "stored in the facilitators' inbox in this service" in text
    assert "@" not in text.replace(VALID_DETAILS["email"], "")
    assert "data-response-time" not in page.get_data(as_text=True)
    # The journey has been cleared; the request pages now lead to the submitted page.
    assert walker.get("/request/check-answers").location.endswith("/request/submitted")
    assert walker.get("/result").status_code == 302


@pytest.mark.parametrize(
    "path, who", [(ELIGIBLE_PATH, "you"), (SUPERVISION_PATH, "the practitioner")], ids=["practitioner", "supervision"]
)
def test_response_time_is_shown_only_when_configured_in_one_sentence(client, app, path, who) -> None:
    """Found: the setting (a phrase, "within 5 working days") was shown as a paragraph of its
    own under "The facilitators will contact you to arrange a session.". It is one sentence now."""
    app.config["RESPONSE_TIME_TEXT"] = "within 5 working days"
    walker = to_outcome(client, path)
    submitted_request(walker)
    page = walker.get("/request/submitted").get_data(as_text=True)
    [sentence] = re.findall(r"<p class=\"govuk-body\" data-response-time>(.*?)</p>", page, re.S)
    assert sentence == (
        f"The facilitators will usually contact {who} within 5 working days, to arrange a session or, if another "
        "route would suit it better, to say where to go instead."
    )
    assert text_of(walker.get("/request/submitted")).count("to arrange a session") == 1


def test_double_click_reload_and_back_give_one_request(client, app) -> None:
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    first = client.post("/request/submit", data=shown)
    second = client.post("/request/submit", data=shown)  # double click / reload
    assert first.location.endswith("/request/submitted") and second.location.endswith("/request/submitted")
    back = walker.get("/request/check-answers")  # back button, then submit again
    assert back.location.endswith("/request/submitted")
    assert len(stored_requests(app)) == 1


@pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_submission_reads_the_request_once_and_never_reloads_it(client, app) -> None:
    """Found: after storing the request, reading its reference for the submitted page reloaded
    the whole row (a SELECT in a new transaction). Now the only read of requests is the journey
    token check before the insert; the page still gets the stored reference."""
    walker = to_outcome(client)
    fill_details(walker)
    walker.get("/request/check-answers")
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        response = walker.post("/request/submit", walker.shown)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert response.location.endswith("/request/submitted")
    reads = [i for i, statement in enumerate(statements) if statement.startswith("SELECT requests.")]
    inserts = [i for i, statement in enumerate(statements) if statement.startswith("INSERT INTO requests")]
    assert len(inserts) == 1 and len(reads) == 1 and reads[0] < inserts[0], statements
    [stored] = stored_requests(app)
    assert stored.reference in text_of(walker.get("/request/submitted"))


def test_second_tab_submitting_the_same_journey_gives_the_same_request(client, app) -> None:
    walker = to_outcome(client)
    fill_details(walker)
    tab_one = client.get("/request/check-answers")
    tab_two = client.get("/request/check-answers")
    client.post("/request/submit", data=checked_field(tab_one))
    client.post("/request/submit", data=checked_field(tab_two))
    assert len(stored_requests(app)) == 1


@pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_tabs_sending_pages_at_the_same_moment_keep_both_pages(client, app) -> None:
    """Found (hard-to-break review, against gunicorn): two tabs each sending a details page at the
    same moment were both taken on as saved, but the page whose request finished last wrote back
    the session as it had read it, over the other's answers: what was typed on the other page was
    lost. Here the second tab's page is sent, and saved, while the first tab's is being answered."""
    walker = to_outcome(client)
    fill_details(walker)
    other_tab = another_tab(app, client)
    walker.get("/request/reflection")
    token = walker.token
    about_you = {name: VALID_DETAILS[name] for name in ("job_role", "agency", "email", "phone")}

    def other_tab_sends_its_page() -> TestResponse:
        return other_tab.post("/request/about-you", data={**about_you, "name": "Robin Other-Tab", "csrf_token": token})

    with at_the_same_moment(app, other_tab_sends_its_page) as sent:
        first = client.post(
            "/request/reflection", data={"reflection": "What the first tab typed. " + REFLECTION, "csrf_token": token}
        )
    assert sent == [302] and first.status_code == 302
    answers = text_of(client.get("/request/check-answers"))
    assert "What the first tab typed." in answers
    assert "Robin Other-Tab" in answers


def test_a_page_saved_as_another_tab_sends_the_request_leaves_nothing_typed_in_the_browser(client, app) -> None:
    """Found (review of the two tabs' merge): sending a request clears what was typed from the
    session (it went with the request) but keeps the session itself, for the sent request's page.
    A details page saved in another tab at that moment was made again on the cleared session, so
    what that page held stayed in the browser after the request had gone, and came back in the
    next check begun there. What another request cleared as a whole stays cleared."""
    walker = to_outcome(client)
    fill_details(walker)
    other_tab = another_tab(app, client)
    shown = checked_field(walker.get("/request/check-answers"))
    walker.get("/request/reflection")
    token = walker.token
    with at_the_same_moment(app, lambda: other_tab.post("/request/submit", data=shown)) as sent:
        first = client.post(
            "/request/reflection", data={"reflection": "Typed as it went. " + REFLECTION, "csrf_token": token}
        )
    assert sent == [302] and first.status_code == 302
    assert len(stored_requests(app)) == 1
    with app.app_context():
        held = db.session.scalars(select(JourneySessionRow.data)).all()
    assert held and not any("Typed as it went." in data or REFLECTION[:40] in data for data in held)
    assert "/request/submitted" in client.get("/request/check-answers").location


@pytest.mark.parametrize("saved_first", ["the page", "the request"])
@pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_details_typed_in_another_tab_as_the_request_is_sent_are_said_not_saved(client, app, saved_first: str) -> None:
    """Found (review of the two tabs' merge): a details page saved in another tab at the same
    moment as Send request was taken on as if saved, but what it held did not go with the request
    and was dropped without a word. The next page (the sent request's, where that tab's Continue
    leads) says so, and what to do, each time it is shown (the other tab may show it first); the
    request is as its check your answers page showed."""
    walker = to_outcome(client)
    fill_details(walker)
    other_tab = another_tab(app, client)
    shown = checked_field(walker.get("/request/check-answers"))
    walker.get("/request/reflection")
    typed = {"reflection": "Typed as it went. " + REFLECTION, "csrf_token": walker.token}

    def send() -> TestResponse:
        return other_tab.post("/request/submit", data=shown)

    def save_page() -> TestResponse:
        return client.post("/request/reflection", data=typed)

    outer, inner = (send, save_page) if saved_first == "the page" else (save_page, send)
    with at_the_same_moment(app, inner) as sent:
        first = outer()
    assert sent == [302] and first.status_code == 302
    [stored] = stored_requests(app)
    assert "Typed as it went." not in stored.details["reflection"]
    # The tab that typed follows its Continue: to the request sent, saying what went.
    next_page = client.get(first.location if outer is save_page else "/request")
    assert next_page.status_code == 302 and next_page.location.endswith("/request/submitted")
    # A HEAD (a link checker, a preview) only looks: it does not use the message up (found: review).
    assert client.head("/request/submitted").status_code == 200
    page = client.get("/request/submitted")
    assert 'data-notice="details-not-saved"' in page.get_data(as_text=True)
    words = text_of(page)
    assert (
        "What you typed in another tab at the same moment as you sent this request was not saved. "
        "Your request was sent with the details you checked, shown below."
    ) in words
    assert stored.reference in words
    # Said again (the other tab's page, loaded after this one, says it too).
    assert 'data-notice="details-not-saved"' in client.get("/request/submitted").get_data(as_text=True)


def test_answers_from_two_tabs_are_never_mixed_but_the_details_are_merged(app) -> None:
    """Two requests saving the session at once: the journey's answers stay as the one saving last
    left them, whole (the route is read from them as a whole, so a safety question answered in one
    tab must not be taken as answered on the other tab's route); the details are merged field by
    field, and the pages done as a set."""
    from app.journey import ANSWERS_KEY, DETAILS_KEY, DONE_KEY, NOTICE_KEY
    from app.sessions import merged

    read = {ANSWERS_KEY: {"mode": "practitioner"}, DETAILS_KEY: {"name": "A"}, DONE_KEY: ["about-you"]}
    theirs = {
        ANSWERS_KEY: {"mode": "practitioner", "immediate_danger": "no"},
        DETAILS_KEY: {"name": "A", "reflection": "Theirs"},
        DONE_KEY: ["about-you", "reflection"],
    }
    mine = {ANSWERS_KEY: {"mode": "supervision"}, DETAILS_KEY: {"name": "Mine"}, DONE_KEY: ["manager"]}
    with app.test_request_context():  # (where the answers that went lead is read from the rules)
        assert merged(read, mine, theirs) == {
            ANSWERS_KEY: {"mode": "supervision"},
            DETAILS_KEY: {"name": "Mine", "reflection": "Theirs"},
            DONE_KEY: ["reflection", "manager"],
            NOTICE_KEY: {"kind": "one_tab_kept", "count": 0},  # the other's answers went: the next page says so
        }
        # The same answers from both (a double click) are one tab's answers: nothing to say.
        assert NOTICE_KEY not in merged(read, {**mine, ANSWERS_KEY: theirs[ANSWERS_KEY]}, theirs)
        assert merged(read, read, theirs) == theirs  # nothing changed here: the other request's save stands


def test_submit_without_csrf_token_is_refused(client, app) -> None:
    walker = to_outcome(client)
    fill_details(walker)
    response = client.post("/request/submit", data={})
    assert response.status_code == 400
    assert stored_requests(app) == []


def test_submit_with_details_missing_goes_to_the_page_to_finish(client, app) -> None:
    walker = to_outcome(client)
    walker.get("/request/about-you")
    response = walker.post("/request/submit", walker.shown)
    assert response.status_code == 303 and response.location.endswith("/request/about-you")
    assert "Your request has not been sent: this page needs answering or checking first" in text_of(
        walker.get(response.location)
    )
    assert stored_requests(app) == []


def test_tampered_details_are_refused_with_a_page_not_a_500(client, app) -> None:
    walker = to_outcome(client)
    fill_details(walker)
    post_page(walker, "how-soon", {"how_soon": "now!"})  # refused on the page, but kept
    response = walker.post("/request/submit", walker.shown)
    # (To finish it, then back to check your answers, as check your answers itself leads.)
    assert response.status_code == 303 and response.location.endswith("/request/how-soon?change=1")
    page = walker.get("/request/how-soon")
    assert "Select how soon a session is needed" in text_of(page)
    assert stored_requests(app) == []


def test_submit_without_reaching_the_outcome_is_refused(client, app) -> None:
    walker = Walker(client)
    walker.walk(ELIGIBLE_PATH[:-1])  # not confirmed "understand"
    response = walker.post("/request/submit", walker.shown)
    assert response.status_code == 302 and response.location.endswith("/questions/understand")
    assert stored_requests(app) == []


# --- after submission ------------------------------------------------------------------------


def test_pdf_download_only_for_the_session_that_submitted(client, app) -> None:
    walker = to_outcome(client)
    submitted_request(walker)
    assert client.get("/request/submitted").status_code == 200
    run_outbox(app)
    response = client.get("/request/submitted/request.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        assert stored.reference in response.headers["Content-Disposition"]
        assert response.get_data() == stored.pdf
    stranger = app.test_client()
    for url in ("/request/submitted/request.pdf", "/request/submitted"):
        response = stranger.get(url)
        assert response.status_code == 404 and stored.reference not in response.get_data(as_text=True)
        assert "There is no sent request to show here" in text_of(response)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[0] == "created" and "viewed" in actions and "pdf_downloaded" in actions


def test_the_submitted_page_can_ask_whether_the_pdf_is_made_without_an_audited_view(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (new-user review): the page said "being prepared" until the person selected "Check
    again". Its script asks pdf-status; the answer holds nothing of the request, so asking is
    not a view of it, and only the browser that sent the request gets an answer."""
    submitted_request(to_outcome(client))
    assert client.get("/request/submitted").status_code == 200

    def views() -> int:
        with app.app_context():
            return len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed")).all())

    viewed = views()
    status = client.get("/request/submitted/pdf-status")
    assert status.status_code == 200 and status.get_json() == {"ready": False}
    assert status.headers["Cache-Control"] == "no-store"
    run_outbox(app)
    assert client.get("/request/submitted/pdf-status").get_json() == {"ready": True}
    assert views() == viewed
    assert app.test_client().get("/request/submitted/pdf-status").status_code == 404  # another browser
    page = client.get("/request/submitted").get_data(as_text=True)
    assert 'data-pdf="waiting"' not in page and 'data-pdf="made"' in page


def test_the_submitted_page_says_the_pdf_is_taking_longer_than_usual_without_javascript_too(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (dependency review): with the outbox worker stopped, the submitted page said "This
    usually takes less than a minute" at every reload, however long it had been; only the script
    said, after 2 minutes on the page, that it was taking longer than usual. Two minutes after
    sending, the page itself says so, and to check again in a few minutes."""
    submitted_request(to_outcome(client))
    page = " ".join(html.unescape(client.get("/request/submitted").get_data(as_text=True)).split())
    assert "Your PDF is being prepared. This usually takes less than a minute." in page
    assert "taking longer than usual. Check again" not in page
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        stored.created_at = utcnow() - dt.timedelta(minutes=3)
        db.session.commit()
    page = " ".join(html.unescape(client.get("/request/submitted").get_data(as_text=True)).split())
    assert 'data-pdf="waiting"' in page  # the script still asks, and offers the PDF once it is made
    assert (
        'Your PDF is taking longer than usual. <a class="govuk-link" href="/request/submitted">Check again for your '
        "PDF</a> in a few minutes. Your request is already stored, and shown in full below."
    ) in page
    assert "usually takes less than a minute" not in page


def test_the_submitted_page_says_plainly_when_the_pdf_could_not_be_made(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (robustness review): when the outbox worker could not make the PDF, the page said
    "being prepared" (then, with JavaScript, "taking longer than usual: check again") for as long
    as the person looked. Once the worker has stopped waiting for it (``pdf_failed_at``: the
    facilitators are emailed without it), the page says it could not be made, that nothing is lost,
    and how to keep a copy; it no longer offers the PDF as their copy."""
    submitted_request(to_outcome(client))
    with app.app_context():
        stored = db.session.scalar(select(StoredRequest))
        stored.pdf_attempts, stored.pdf_error, stored.pdf_failed_at = (
            3,
            "the PDF renderer failed (RuntimeError)",
            utcnow(),
        )
        db.session.commit()
    page = " ".join(html.unescape(client.get("/request/submitted").get_data(as_text=True)).split())
    assert 'data-pdf="failed"' in page and 'data-pdf="waiting"' not in page
    assert (
        "Your PDF (portable document format) file could not be made, but nothing is lost: your request is stored, "
        "the facilitators have it, and it is shown in full below. To keep a copy, print this page."
    ) in page
    assert "Your copy is in PDF" not in page and "holds the same request as below" not in page
    assert "RuntimeError" not in page  # why is for the facilitators and whoever runs the service
    assert VALID_DETAILS["reflection"] in page  # the request, in full


@pytest.mark.parametrize("url", ["/request/submitted", "/request/submitted/request.pdf"])
@pytest.mark.parametrize("acknowledged", [True, False])
def test_the_submitted_page_without_a_request_explains_instead_of_page_not_found(
    client, app, url, acknowledged
) -> None:
    """Found: a bookmark of the submitted page (or its PDF), another browser, or the page after the
    session ran out gave a bare "Page not found". It now says why, that a sent request is safe,
    where the reference is, and how to start a new check (still 404: nothing is here for it)."""
    app.config.update(
        SEND_ACKNOWLEDGEMENTS=acknowledged,
        FACILITATOR_EMAIL="facilitators@partnership.example" if acknowledged else None,
        FACILITATOR_CONTACT_TEXT="Email spacetothink@partnership.example.",
    )
    response = client.get(url)
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" not in text
    assert "can only be shown in the browser that sent the request, soon after it was sent" in text
    assert "If you sent a request, the Space to Think facilitators have it." in text
    assert ("an email with the request's reference" in text) is acknowledged
    assert "Email spacetothink@partnership.example" in text
    assert 'href="mailto:spacetothink@partnership.example">' in response.get_data(as_text=True)
    assert '<a class="govuk-link" href="/">Start a new check</a>' in response.get_data(as_text=True)


def test_no_outbox_without_a_mailbox(client, app) -> None:
    walker = to_outcome(client)
    submitted_request(walker)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_long_and_odd_unicode_text_is_kept_exactly(client, app) -> None:
    odd = (
        "Emoji 👩‍👧‍👦🙂, right-to-left \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627, "
        'zero\u200bwidth, combining e\u0301 a\u0308 \u0928\u092e\u0938\u094d\u0924\u0947, <img src=x> & "quotes" '
    )
    reflection = (odd * 20)[:1436] + " END"
    assert text_length(reflection) == 1500  # at the limit, counted as the browser counts it
    walker = to_outcome(client)
    submitted_request(
        walker, details={**VALID_DETAILS, "reflection": reflection, "name": "Zoë O\u2019Brien-\u0141\u00f3d\u017a"}
    )
    [stored] = stored_requests(app)
    assert stored.details["reflection"] == reflection.strip()
    page = walker.get("/request/submitted").get_data(as_text=True)
    assert "&lt;img src=x&gt;" in page and "<img src=x>" not in page
    assert "\u05e9\u05dc\u05d5\u05dd" in page and "👩‍👧‍👦" in page and "e\u0301" in page


def made_today(filename: str) -> tuple[str, ...]:
    """The download's Content-Disposition for a file named with today's UK date (or yesterday's,
    for a test that ran on past midnight)."""
    today = uk_today()
    return tuple(
        f'attachment; filename="{filename.format(day.isoformat())}"' for day in (today, today - dt.timedelta(days=1))
    )


def test_supervision_record_in_supervision_mode(client, app) -> None:
    """The record is made by the outbox worker, not inside the request: the link asks for it and
    its page says it is being made, with "Check again" (this page: no JavaScript needed); once
    the worker has made it, the same page offers the download."""
    walker = to_outcome(client, SUPERVISION_PATH)
    asked = client.get("/request/supervision-record")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Your supervision record is being made" in page
    assert 'href="/request/supervision-record">Check again for the supervision record</a>' in page
    assert 'data-status-url="/request/supervision-record/status"' in page and 'role="status"' in page
    # Not made yet: the download leads back to the page, and the status says so.
    assert client.get("/request/supervision-record/status").get_json() == {"ready": False, "failed": False}
    early = client.get("/request/supervision-record.pdf")
    assert early.status_code == 303 and early.location.endswith("/request/supervision-record")
    run_outbox(app)
    assert client.get("/request/supervision-record/status").get_json() == {"ready": True, "failed": False}
    again = client.get("/request/supervision-record").get_data(as_text=True)
    assert "Your supervision record is ready" in again
    assert 'href="/request/supervision-record.pdf">Download the supervision record (PDF)</a>' in again
    response = client.get("/request/supervision-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    # Named by the UK day it was made (all had one name: two could not be told apart).
    assert response.headers["Content-Disposition"] in made_today("space-to-think-supervision-record-{}.pdf")
    # Still there after the request is submitted (the journey is cleared by then).
    submitted_request(walker, SUPERVISION_PATH)
    page = walker.get("/request/submitted").get_data(as_text=True)
    assert 'href="/request/supervision-record">Download the supervision record (PDF)</a>' in page
    # Two PDFs on the page: what is said of one names it (found, review: "The PDF is ready to
    # download." beside the supervision record's link).
    assert "The request&#39;s PDF is being prepared." in page
    assert 'data-ready-announce="The request&#39;s PDF is ready to download."' in page
    assert "The PDF is" not in page
    assert supervision_record(client, app).mimetype == "application/pdf"


def test_the_supervision_record_page_says_it_is_taking_longer_than_usual_without_javascript_too(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (dependency review): with the outbox worker stopped, the supervision record's page
    said "This usually takes less than a minute" at every "Check again", however long it had been;
    only the script said it was taking longer. Two minutes after it was asked for, the page says so."""
    to_outcome(client, SUPERVISION_PATH)
    page = " ".join(html.unescape(client.get("/request/supervision-record").get_data(as_text=True)).split())
    shown = page.split('data-instead-link="the outcome page">')[1]  # after the script's words, in the tag
    assert "This usually takes less than a minute." in shown and "taking longer than usual" not in shown
    assert "print the outcome page instead" not in shown
    with app.app_context():
        record = db.session.scalar(select(SupervisionRecord))
        record.created_at = utcnow() - dt.timedelta(minutes=3)
        db.session.commit()
    page = " ".join(html.unescape(client.get("/request/supervision-record").get_data(as_text=True)).split())
    assert (
        "The supervision record is being made into a PDF (portable document format), and it is taking longer than "
        'usual. <a class="govuk-link" href="/request/supervision-record">Check again for the supervision record</a> '
        "in a few minutes."
    ) in page
    assert "usually takes less than a minute" not in page
    # Found (robustness review): with the worker stopped, that was all it ever said, in a meeting
    # with its time running out. It also says what to print meanwhile, with the page's link.
    assert (
        'If you need it now, print <a class="govuk-link" href="/result">the outcome page</a> instead: it shows the '
        "outcome, who to contact and why (the answers and the guidance they rest on)."
    ) in page
    run_outbox(app)  # once the worker is back, the same page offers the download
    assert "Download the supervision record (PDF)" in client.get("/request/supervision-record").get_data(as_text=True)


def test_the_supervision_record_page_has_a_back_link_to_where_it_was_asked_for(client, app) -> None:
    """DESIGN.md, the journey: every page has a back link. The record's page had only a "Go back"
    link at its foot, not the GOV.UK back link above the heading that every other page of the
    journey has: being made, made, or (after sending) from the submitted page."""
    walker = to_outcome(client, SUPERVISION_PATH)
    back = re.compile(r'<a href="([^"]*)" class="govuk-back-link">Back</a>')
    page = client.get("/request/supervision-record").get_data(as_text=True)
    assert "being made" in page and back.findall(page) == ["/result"]
    run_outbox(app)
    page = client.get("/request/supervision-record").get_data(as_text=True)
    assert "is ready" in page and back.findall(page) == ["/result"]
    submitted_request(walker, SUPERVISION_PATH)
    page = client.get("/request/supervision-record").get_data(as_text=True)
    assert back.findall(page) == ["/request/submitted"]


def test_a_record_made_after_sending_the_request_says_it_was_sent_with_its_reference(client, app) -> None:
    """Found (supervision review): a record asked for on the "Request sent" page still said to fill
    in the request with the practitioner, and gave no reference to file it with."""
    from app.models import StoredRequest, SupervisionRecord

    walker = to_outcome(client, SUPERVISION_PATH)
    client.get("/request/supervision-record")
    with app.app_context():
        [before] = db.session.scalars(select(SupervisionRecord.html)).all()
    assert before is not None and "data-request-sent" not in before
    submitted_request(walker, SUPERVISION_PATH)
    with app.app_context():
        reference = db.session.scalar(select(StoredRequest.reference))
    assert "being made" in client.get("/request/supervision-record").get_data(as_text=True)  # a new one
    with app.app_context():
        [after] = db.session.scalars(select(SupervisionRecord.html)).all()
    assert after is not None and "data-request-sent" in after
    assert f"Yes: reference {reference}." in after and "do not send it again" in after


def test_the_same_answers_reuse_the_record_and_other_answers_make_a_new_one(client, app) -> None:
    from app.models import SupervisionRecord

    walker = to_outcome(client, SUPERVISION_PATH)
    first = supervision_record(client, app).get_data()
    assert "is ready" in client.get("/request/supervision-record").get_data(as_text=True)  # not asked again
    assert client.get("/request/supervision-record.pdf").get_data() == first
    with app.app_context():
        [kept] = db.session.scalars(select(SupervisionRecord)).all()
        assert kept.html is None and kept.pdf == first  # the HTML goes once the PDF is made
    # Another answer (the same outcome): a new record, and the old one is deleted.
    walker.walk([("mode", "supervision"), ("immediate_danger", "not_sure")])
    assert "being made" in client.get("/request/supervision-record").get_data(as_text=True)
    with app.app_context():
        [newer] = db.session.scalars(select(SupervisionRecord)).all()
        assert newer.key != kept.key and newer.made_at is None


def test_another_browser_cannot_get_the_record(client, app) -> None:
    """The record is tied to the journey session that asked for it: its key is in that session's
    server-side data, never in an address, so another browser at the same outcome gets its own."""
    to_outcome(client, SUPERVISION_PATH)
    mine = supervision_record(client, app)
    assert mine.mimetype == "application/pdf"
    with app.app_context():
        [record] = db.session.scalars(select(SupervisionRecord)).all()
        key = record.key
    assert key not in mine.headers.get("Content-Disposition", "")
    other = app.test_client()
    assert other.get("/request/supervision-record/status").status_code == 404
    assert other.get("/request/supervision-record.pdf").status_code == 302  # to the start: no journey
    to_outcome(other, SUPERVISION_PATH)
    assert other.get("/request/supervision-record/status").status_code == 404
    response = other.get("/request/supervision-record.pdf")
    assert response.status_code == 303 and response.location.endswith("/request/supervision-record")
    with app.app_context():
        assert [row.key for row in db.session.scalars(select(SupervisionRecord))] == [key]


def test_a_supervision_record_the_renderer_cannot_make_says_to_try_again(client, app, monkeypatch, caplog) -> None:
    """Found (dependency review): with the PDF renderer failing (WeasyPrint raising; Pango missing,
    say), the supervision record's own page ("could not be made just now, try again") failed in
    turn, on a variable its template tests and the view did not give (``what``, for the questions'
    PDF): the general "problem with the service" page (500) instead, which says nothing of the record
    or of going back. Now it says what happened and what to do, and leads back to the outcome.
    The worker makes it now: it records the fault (the error's type, and a library it cannot load
    by its name, never the record's words)."""
    from app import supervision_record as record

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0' for Child protection plan")

    walker = to_outcome(client, SUPERVISION_PATH)
    assert client.get("/request/supervision-record").status_code == 200
    monkeypatch.setattr(record, "render_pdf", broken)
    with caplog.at_level("WARNING"):
        run_outbox(app)
    # The library it cannot load, by its name alone (operator review), never the rest of the words.
    said = "Supervision record not made: the PDF renderer cannot run (OSError: cannot load library 'libpango-1.0-0')"
    assert said in caplog.text and "Child protection" not in caplog.text
    response = client.get("/request/supervision-record")  # "Check again", without JavaScript
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 503
    assert "The supervision record could not be made just now" in page
    assert "Try again in a few minutes. The answers are kept." in page and 'href="/result"' in page
    # With JavaScript: the page's script hears it once (then shows "Try again"), and asking again
    # makes a new one, as after the page above.
    assert "being made" in client.get("/request/supervision-record").get_data(as_text=True)
    run_outbox(app)
    # A HEAD (a link checker, a preview) only looks: the failure is still there to be said (found: review).
    assert client.head("/request/supervision-record/status").status_code == 200
    assert client.get("/request/supervision-record/status").get_json() == {"ready": False, "failed": True}
    assert client.get("/request/supervision-record/status").status_code == 404
    monkeypatch.undo()
    assert walker.get("/result").status_code == 200  # the answers are kept
    assert supervision_record(client, app).mimetype == "application/pdf"  # asked again: made


def test_a_supervision_record_that_takes_too_long_says_to_try_again(client, app, monkeypatch) -> None:
    from app import supervision_record as record
    from app.pdf import PdfRenderTimeout

    def hangs(*args: object, **kwargs: object) -> bytes:
        raise PdfRenderTimeout(60)

    to_outcome(client, SUPERVISION_PATH)
    client.get("/request/supervision-record")
    monkeypatch.setattr(record, "render_pdf", hangs)
    run_outbox(app)
    response = client.get("/request/supervision-record.pdf")
    assert response.status_code == 503 and "could not be made just now" in response.get_data(as_text=True)


def test_a_supervision_record_made_from_the_stored_request_is_audited(client, app) -> None:
    """Found (privacy review): once the request is sent, the record is made from the stored
    request's answers, and that reading of it left no trace in its audit trail, unlike its page
    and its PDF. Made from the journey's own answers (before sending), there is no request yet."""
    walker = to_outcome(client, SUPERVISION_PATH)
    assert supervision_record(client, app).status_code == 200
    submitted_request(walker, SUPERVISION_PATH)
    assert (response := supervision_record(client, app)).status_code == 200
    with app.app_context():
        [stored] = stored_requests(app)
        # Named by the request's reference too, once there is one.
        named = "space-to-think-supervision-record-" + stored.reference + "-{}.pdf"
        assert response.headers["Content-Disposition"] in made_today(named)
        events = db.session.execute(select(AuditEvent.action, AuditEvent.reference, AuditEvent.actor)).all()
        assert [event for event in events if event.action == "supervision_record"] == [
            ("supervision_record", stored.reference, "requester session")
        ]


def test_supervision_records_made_again_are_one_line_of_the_requests_trail(client, app) -> None:
    """Found (diff review): each supervision record made from a sent request (up to 60 an hour)
    was a line of its own in the trail the facilitators read on the request's page."""
    from app.inbox.service import audit_trail

    walker = to_outcome(client, SUPERVISION_PATH)
    submitted_request(walker, SUPERVISION_PATH)
    assert supervision_record(client, app).status_code == 200
    for _ in range(2):
        assert client.get("/request/supervision-record.pdf").status_code == 200
    with app.app_context():
        [stored] = stored_requests(app)
        made = [entry for entry in audit_trail(stored.reference) if entry.action.startswith("Supervision record")]
        assert [(entry.who, entry.times) for entry in made] == [("The requester", 3)]


def test_a_supervision_record_goes_with_start_again_and_at_its_time(client, app) -> None:
    """Kept no longer than the journey session's idle limit (the worker's purge), and deleted
    when the person starts again or removes their copy."""
    import datetime as dt

    from app.models import SupervisionRecord
    from app.outbox import Purges, purge_due

    def records() -> int:
        with app.app_context():
            return len(db.session.scalars(select(SupervisionRecord)).all())

    walker = to_outcome(client, SUPERVISION_PATH)
    supervision_record(client, app)
    assert records() == 1
    with app.app_context():
        [row] = db.session.scalars(select(SupervisionRecord)).all()
        idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
        expires_at = row.expires_at
        assert expires_at - row.created_at == idle
        purge_due(Purges(), now=expires_at - dt.timedelta(seconds=1))
    assert records() == 1
    with app.app_context():
        purge_due(Purges(), now=expires_at)
    assert records() == 0
    # Asked for again, then Start again (the "remove this page" button posts there too): deleted.
    supervision_record(client, app)
    assert records() == 1
    page = walker.get("/result").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    assert client.post("/start-again", data={"csrf_token": token.group(1)}).status_code in (302, 303)
    assert records() == 0


def test_supervision_record_not_offered_in_practitioner_mode(client) -> None:
    to_outcome(client)
    response = client.get("/request/supervision-record")
    assert response.status_code == 302 and response.location.endswith("/result")
    # Without the "answer the questions in order" notice, which is about something else.
    result = client.get(response.location)
    assert result.status_code == 200
    assert "app-journey-notice" not in result.get_data(as_text=True)
    assert "Answer the questions in order" not in text_of(result)


def test_supervision_record_part_way_through_a_supervision_journey(client) -> None:
    Walker(client).walk([("mode", "supervision")])
    response = client.get("/request/supervision-record")
    assert response.status_code == 302 and "/result" not in response.location
    assert "Answer the questions in order" in text_of(client.get(response.location))


@pytest.mark.parametrize("minutes, wording", [(1, "for 1 minute,"), (30, "for 30 minutes,")])
def test_session_expired_page_says_minute_or_minutes(client, app, minutes, wording) -> None:
    app.config["SESSION_IDLE_MINUTES"] = minutes
    assert wording in text_of(client.get("/session-expired"))


@pytest.mark.parametrize("minutes, wording", [(1, "for 1 minute,"), (30, "for 30 minutes,")])
def test_a_details_form_sent_after_the_session_expired_says_minute_or_minutes(client, app, minutes, wording) -> None:
    """Found: "for 1 minutes" on the expired-form page. (Not "You have not done anything": found,
    operations review, a database outage longer than the limit cleared them too.)"""
    import datetime as dt

    from sqlalchemy import update

    from app.sessions import JourneySessionRow

    app.config["SESSION_IDLE_MINUTES"] = minutes
    walker = to_outcome(client)
    page = walker.get("/request/about-you")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(update(JourneySessionRow.__table__).values(expires_at=dt.datetime(2000, 1, 1)))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert token is not None
    response = client.post("/request/about-you", data={"csrf_token": token.group(1), "name": "Sam"})
    assert response.status_code == 400 and wording in text_of(response)
    assert f"Nothing was done in this browser {wording} so we cleared your answers" in text_of(response)


def test_supervision_record_at_another_outcome(client, app) -> None:
    walker = Walker(client)
    walker.walk([("mode", "supervision"), ("immediate_danger", "not_sure")])  # U2
    response = supervision_record(client, app)
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_changing_a_journey_answer_from_check_answers_goes_back_there(client) -> None:  # type: ignore[no-untyped-def]
    walker = to_outcome(client)
    fill_details(walker)
    check = walker.get("/request/check-answers").get_data(as_text=True)
    link = re.search(r'href="(/questions/multi_agency\?return_to=check-answers)"', check)
    assert link is not None
    page = walker.get(link.group(1)).get_data(as_text=True)
    assert 'href="/request/check-answers"' in page  # the back link returns there too
    response = walker.post(link.group(1), {"answer": "not_sure"})
    assert response.status_code in (302, 303) and response.location.endswith("/request/check-answers")


@pytest.mark.parametrize(
    "question, answer, page",
    [("mode", "supervision", "about-you"), ("criteria", ["needs", "debrief"], "significant-event")],
)
def test_continue_to_the_request_after_a_change_asks_only_the_page_it_needs(
    client, question: str, answer: object, page: str
) -> None:  # type: ignore[no-untyped-def]
    """Found (routing review): after a change that asks one request page again (who is using
    this, from its Change link: the confirmation is asked again, then the outcome page), or one
    more (the debrief ticked, going back through the questions), the outcome page's "Continue to
    the request" opened that page as the first of the request, and each page after it again,
    already filled in, before check your answers. Now it is asked as a change, as check your
    answers asks it, and leads back there (who is using this: the details about the person first,
    ``test_details_given_as_your_own_are_checked_again_when_who_is_using_this_changes``)."""
    walker = to_outcome(client, with_answers(ELIGIBLE_PATH, criteria=["needs"]))
    fill_details(walker)
    assert walker.get("/request/check-answers").status_code == 200
    walker.get(f"/questions/{question}")
    walker.follow(walker.answer(question, answer).location)
    if question == "mode":
        walker.follow(walker.answer("understand", "confirmed").location)
    assert walker.get("/result").status_code == 200
    assert walker.get("/request").location == f"/request/{page}?change=1"
    values = {**VALID_DETAILS, "manager_knows": "yes", "event_month": "3", "event_year": "2025"}
    fields_of = dict(PAGE_FIELDS)[page]
    saved = post_page(walker, page, {name: values[name] for name in fields_of}, change=True)
    assert saved.location == "/request/check-answers"


def test_continue_to_the_request_part_way_through_carries_on_in_order(client) -> None:  # type: ignore[no-untyped-def]
    walker = to_outcome(client)
    post_page(walker, "about-you", {name: VALID_DETAILS[name] for name in dict(PAGE_FIELDS)["about-you"]})
    assert walker.get("/request").location == "/request/manager"


def test_a_change_from_check_answers_that_leaves_the_request_route_shows_the_new_outcome(client) -> None:  # type: ignore[no-untyped-def]
    walker = to_outcome(client)
    fill_details(walker)
    response = walker.post("/questions/immediate_danger?return_to=check-answers", {"answer": "yes"})
    assert response.status_code in (302, 303) and response.location.endswith("/result")


DISCUSSED_PATH = tuple(
    step if step[0] != "supervision_discussed" else ("supervision_discussed", "yes") for step in ELIGIBLE_PATH
)
RAISE_IN_SUPERVISION = "Raise this in your own supervision too."


def test_a_change_from_check_answers_that_raises_advice_shows_it_as_the_journey_does(client) -> None:  # type: ignore[no-untyped-def]
    """Found: changing "talked about it in supervision" to "No" from check your answers went
    straight back there, skipping the advice the outcome page gives for that answer, and check
    your answers showed neither the advice nor the flag the request will carry."""
    walker = to_outcome(client, DISCUSSED_PATH)
    fill_details(walker)
    check = text_of(walker.get("/request/check-answers"))
    assert RAISE_IN_SUPERVISION not in check and "What we noted" not in check
    walker.get("/questions/supervision_discussed?return_to=check-answers")
    response = walker.post("/questions/supervision_discussed?return_to=check-answers", {"answer": "no"})
    # The outcome page, with the advice, as the forward journey shows it after this answer ...
    assert response.location.endswith("/result")
    outcome = walker.get("/result")
    assert RAISE_IN_SUPERVISION in text_of(outcome)
    assert 'href="/request"' in outcome.get_data(as_text=True)
    # ... whose "Continue" leads back to check your answers (every page is already done).
    assert walker.get("/request").location.endswith("/request/check-answers")
    check = text_of(walker.get("/request/check-answers"))
    assert "What we noted from your answers" in check
    assert "Not discussed in supervision before this request" in check and RAISE_IN_SUPERVISION in check
    # Changing it back raises nothing new: straight back to check your answers, with no advice.
    walker.get("/questions/supervision_discussed?return_to=check-answers")
    response = walker.post("/questions/supervision_discussed?return_to=check-answers", {"answer": "yes"})
    assert response.location.endswith("/request/check-answers")
    assert RAISE_IN_SUPERVISION not in text_of(walker.get("/request/check-answers"))


def test_a_change_from_check_answers_that_flags_the_request_shows_the_outcome_page_first(client) -> None:  # type: ignore[no-untyped-def]
    walker = to_outcome(client)
    fill_details(walker)
    walker.get("/questions/serious_incident?return_to=check-answers")
    response = walker.post("/questions/serious_incident?return_to=check-answers", {"answer": "yes_referred"})
    assert response.location.endswith("/result")
    assert "A practice review may be under way" in text_of(walker.get("/result"))
    assert "A practice review may be under way" in text_of(walker.follow("/request"))


def test_check_answers_in_supervision_shows_the_advice_in_the_managers_words(client) -> None:  # type: ignore[no-untyped-def]
    path = tuple(
        step if step[0] != "supervision_discussed" else ("supervision_discussed", "no") for step in SUPERVISION_PATH
    )
    walker = to_outcome(client, path)
    fill_details(walker)
    text = text_of(walker.get("/request/check-answers"))
    assert "What we noted from the answers" in text
    assert "Made in supervision with the practitioner's manager or supervisor" in text
    assert "Keep this on the agenda of the practitioner's supervision" in text
    assert "Not discussed in supervision before this request" in text  # before today: flagged in both modes


def hidden_change_texts(page: str) -> list[str]:
    """The visually hidden words after each "Change" link."""
    import html

    return [
        html.unescape(t).strip() for t in re.findall(r'>Change[^<]*<span class="govuk-visually-hidden">([^<]*)<', page)
    ]


def test_change_links_keep_the_case_of_names_and_acronyms(client) -> None:  # type: ignore[no-untyped-def]
    """Found: every hidden "Change ..." text was lowercased whole ("space to think")."""
    walker = to_outcome(client)
    fill_details(walker)
    hidden = hidden_change_texts(walker.get("/request/check-answers").get_data(as_text=True))
    assert "understands what Space to Think does not replace" in hidden
    assert "who is using this" in hidden and "a worry about an adult who works with children" in hidden
    assert "child's age band" in hidden and "when the significant event was" in hidden


@pytest.mark.parametrize("family_knows", ["yes", "not_yet"])
def test_the_family_row_change_link_names_it_whatever_the_answer(client, family_knows: str) -> None:  # type: ignore[no-untyped-def]
    """Found (new-user review): with "Yes" or "No" a screen reader heard "Change does the family
    know about this request"; with "Not yet", "Change whether the family knows"."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "family_knows": family_knows})
    hidden = hidden_change_texts(walker.get("/request/check-answers").get_data(as_text=True))
    assert "whether the family knows" in hidden
    assert not any(text.startswith("does the family know") for text in hidden)


def test_in_sentence_lowercases_only_a_first_letter_that_is_not_part_of_a_name() -> None:
    from app.requests.document import in_sentence

    assert in_sentence("Who is using this") == "who is using this"
    assert in_sentence("A concern not yet shared") == "a concern not yet shared"
    assert in_sentence("Understands what Space to Think does not replace") == (
        "understands what Space to Think does not replace"
    )
    assert in_sentence("NHS number") == "NHS number"
    assert in_sentence("Space to Think sessions") == "Space to Think sessions"
    assert in_sentence("I want") == "I want"
    assert in_sentence("") == ""


def test_a_child_named_in_the_job_role_is_warned_about_and_the_practitioners_school_is_not(client) -> None:  # type: ignore[no-untyped-def]
    """Found (privacy review): "Key worker for Jayden Smith" as a job role reached the inbox list
    unwarned. Now the warning names the job role and links to it on About you."""
    walker = to_outcome(client)
    fill_details(
        walker, {**VALID_DETAILS, "job_role": "Key worker for Jayden Smith", "agency": "DSL, Oakwood Primary School"}
    )
    warning = walker.get("/request/check-what-you-wrote")
    assert warning.status_code == 200
    page = warning.get_data(as_text=True)
    assert "Jayden Smith" in page and "Change what I wrote in job role" in text_of(warning)
    assert 'href="/request/about-you?change=1#job_role"' in page
    assert "Oakwood" not in page and "agency or team" not in text_of(warning).lower()


def test_the_phone_and_email_warning_says_where_the_persons_own_details_go(client) -> None:  # type: ignore[no-untyped-def]
    """Found: the warning said "Your own work number is asked for separately", which reads wrongly
    on a request made in supervision (the details are the practitioner's, not the manager's)."""
    reflection = "Please ring 07700 900982 or write to helper@example.org about the team."
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "reflection": reflection, "availability": "Mornings, call 0161 496 0001"})
    text = text_of(walker.get("/request/check-what-you-wrote"))
    assert "asked for separately" not in text
    assert text.count("Your own work telephone number belongs on the About you page, not here.") == 2
    assert "Your own work email address belongs on the About you page, not here." in text
    assert "Change what I wrote in availability" in text  # each field names itself, in a sentence

    walker = to_outcome(client, SUPERVISION_PATH)
    fill_details(walker, {**VALID_DETAILS, "reflection": reflection})
    text = text_of(walker.get("/request/check-what-you-wrote"))
    assert "Your own work" not in text
    assert "The practitioner's work telephone number belongs on the practitioner's details page, not here." in text
    assert "The practitioner's work email address belongs on the practitioner's details page, not here." in text


def test_the_page_before_a_new_check_says_nothing_of_the_requests_mode_even_in_its_timeout_warning(client, app) -> None:  # type: ignore[no-untyped-def]
    """That page shows nothing of the request sent (the next person at a shared computer may be
    reading it), not even whether it was sent from supervision. Found: its timeout warning, hidden
    until the idle limit nears, said "its two PDFs (the request and the supervision record)" for
    one sent in supervision. Now the page, warning included, is the same for every request."""
    pages = []
    for test_client, path in ((client, ELIGIBLE_PATH), (app.test_client(), SUPERVISION_PATH)):
        walker = to_outcome(test_client, path)
        submitted_request(walker)
        page = html.unescape(walker.get("/start").get_data(as_text=True))
        assert "remove the request's page and its PDF (or PDFs) from this browser" in page
        assert "two PDFs (the request and the supervision record) from" not in page and "Download both" not in page
        pages.append(re.sub(r'(nonce|value|token)="[^"]*"', "", page))
    assert pages[0] == pages[1]


def test_starting_a_new_check_after_sending_says_first_that_the_request_page_and_pdf_go(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (practitioner review): after sending a request, Start now on the start page began a
    new check at once, and with it removed the sent request's page and PDF from the browser, which
    the page had said stay until the idle limit: the PDF may not have been downloaded (or made)
    yet. Now it asks first, showing nothing of the request; Back and "carry on" links go to the
    request's page rather than quietly starting a new check."""
    walker = to_outcome(client)
    submitted_request(walker)
    response = walker.get("/start")
    assert response.status_code == 200
    text = text_of(response)
    assert "A request was sent from this browser" in text
    assert "Starting a new check removes them from this browser now. The request itself stays sent." in text
    assert "If you did not send it (on a shared computer, for example), start a new check: this removes it." in text
    [stored] = stored_requests(app)
    assert stored.reference not in text and VALID_DETAILS["reflection"][:40] not in text  # nothing of the request
    # Nothing was removed by asking: the page and its PDF are still there.
    assert walker.get("/request/submitted").status_code == 200
    # Back into the questions, or a kept page's "carry on" link: the sent request, not a new check.
    for address in ("/questions/mode", "/continue", "/result"):
        assert walker.get(address).location.endswith("/request/submitted"), address
    assert walker.get("/request/submitted").status_code == 200
    # "Start a new check" (the page's form) begins one.
    response = walker.post("/start", {})
    assert response.status_code == 302 and response.location.endswith("/questions/mode")
    assert walker.get("/request/submitted").location.endswith("/questions/mode")


def test_an_answer_from_a_question_page_opened_before_sending_asks_before_a_new_check(client) -> None:  # type: ignore[no-untyped-def]
    """Found (diff review): a question page opened before the request was sent (another tab, or
    one the browser kept) still had a working form token, and answering it began a new check at
    once, removing the sent request's page and PDF unasked. Now it leads to the page that asks
    first, and the request's page is still there."""
    walker = to_outcome(client)
    stale_token = csrf_token(walker.get("/questions/mode").get_data(as_text=True))
    submitted_request(walker)
    response = client.post("/questions/mode", data={"csrf_token": stale_token, "answer": "practitioner"})
    assert response.status_code == 302 and response.location.endswith("/start")
    assert "A request was sent from this browser" in text_of(client.get(response.location))
    assert client.get("/request/submitted").status_code == 200  # the page and its PDF stay


def test_a_sent_request_deleted_since_does_not_hold_up_a_new_check(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (diff review): once the request sent from this browser was deleted (``flask requests
    delete``: it held what it must not, say), Start now still said its page and PDF could be
    opened, "Go back to the request" and every question, Back or "carry on" led to "no request
    sent from this browser", and only the page's second button began a check. Now, with nothing
    left to lose, Start now and the questions begin a new check as before."""
    from app.retention import delete_request

    walker = to_outcome(client)
    submitted_request(walker)
    [stored] = stored_requests(app)
    with app.app_context():
        delete_request(stored.reference)
    for address in ("/questions/mode", "/continue"):
        response = client.get(address)
        assert not response.location or not response.location.endswith("/request/submitted"), address
    response = client.get("/start")
    assert response.status_code == 302 and response.location.endswith("/questions/mode")
    assert "A request was sent from this browser" not in text_of(client.get(response.location))


def test_starting_a_new_check_after_sending_speaks_of_both_pdfs_without_saying_how_it_was_sent(client) -> None:  # type: ignore[no-untyped-def]
    """From supervision the sent request has two PDFs (the request and the supervision record):
    the page asking before a new check removes them says so. Found (diff review): it said so only
    for a request sent from supervision, so the next person on a shared computer learnt how the
    request was made from a page that shows nothing of it. The page is now the same for both."""
    walker = to_outcome(client, SUPERVISION_PATH)
    submitted_request(walker, SUPERVISION_PATH)
    supervision = text_of(walker.get("/start"))
    assert "(two PDFs if it was sent from supervision: the request and the supervision record)" in supervision
    assert "download the PDF (or both PDFs) first" in supervision

    practitioner = to_outcome(client.application.test_client())
    submitted_request(practitioner)
    assert text_of(practitioner.get("/start")) == supervision


def test_the_request_sent_page_gives_the_urgent_contacts_under_its_warning(client) -> None:  # type: ignore[no-untyped-def]
    """Found (manager's review on a phone): "This is not an urgent route. If a child is at risk, use
    the contacts at the bottom of this page": at 320 pixels wide, eleven screens further down,
    below the whole request. They are under the warning, as on the how-soon page."""
    walker = to_outcome(client)
    page = walker.get(submitted_request(walker).location).get_data(as_text=True)
    warning = page.index("This is not an urgent route. If a child is at risk, use the contacts below.")
    listed = page.index(
        '<ul class="govuk-list app-urgent-contacts" aria-label="Contacts if a child is at risk">', warning
    )
    assert '<a class="govuk-link" href="tel:999">999</a>' in page[listed : page.index("</ul>", listed)]
    assert listed < page.index('id="your-copy"')


def test_the_facilitators_phone_and_email_in_the_contact_setting_are_links(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found (manager's review on a phone): the facilitators' phone number, typed into the contact
    setting, was plain text: it could not be tapped, and broke across two lines at 320 pixels. Each
    number and address in it is a link now (kept on one line by the style sheet), the rest escaped."""
    app.config["FACILITATOR_CONTACT_TEXT"] = (
        "Email stt<team>@partnership.example or sscp.facilitators@salford.gov.uk. "
        "Call 0161 603 4500 or +44 (0)7700 900123, Monday to Friday, 9am to 5pm (not 0161 603)."
    )
    walker = to_outcome(client)
    page = walker.get(submitted_request(walker).location).get_data(as_text=True)
    start = page.index("data-facilitator-contact")
    said = page[start : page.index("</p>", start)]
    assert '<a class="govuk-link" href="tel:01616034500">0161 603 4500</a>' in said
    assert '<a class="govuk-link" href="tel:+447700900123">+44 (0)7700 900123</a>' in said
    links = '<a class="govuk-link" href="mailto:sscp.facilitators@salford.gov.uk">sscp.facilitators@salford.gov.uk</a>.'
    assert links in said
    assert "stt&lt;team&gt;@partnership.example" in said and "<team>" not in said  # escaped, not a link
    assert "(not 0161 603)" in said and said.count("tel:") == 2
    # Other ways of writing a number, and what is not one (found, regression review: "0044 …" cut
    # short, digits inside a word linked, a hyphen after an address taken into it).
    from app.templating import linked_contacts

    linked = str(
        linked_contacts(
            "Call 0044 161 496 0000 or (0161) 496 0001. Ref ABC01614960000X, "
            "see https://a.example/?tel=01614960002 or write to team@a.example-."
        )
    )
    assert '<a class="govuk-link" href="tel:+441614960000">0044 161 496 0000</a>' in linked
    assert '<a class="govuk-link" href="tel:01614960001">(0161) 496 0001</a>' in linked
    assert linked.count("tel:") == 2
    assert '<a class="govuk-link" href="mailto:team@a.example">team@a.example</a>-.' in linked
    linked = str(
        linked_contacts("Tel:0161 496 0003, 00 44 161 496 0004; o'brien@a.example or 01614960005@sms.a.example.")
    )
    assert '<a class="govuk-link" href="tel:01614960003">0161 496 0003</a>' in linked
    assert '<a class="govuk-link" href="tel:+441614960004">00 44 161 496 0004</a>' in linked
    assert '<a class="govuk-link" href="mailto:o&#39;brien@a.example">o&#39;brien@a.example</a>' in linked
    assert '<a class="govuk-link" href="mailto:01614960005@sms.a.example">' in linked and linked.count("tel:") == 2
    # Never part of an address or of a longer run of digits (found, third regression review:
    # _stt@ linked as stt@, "07700 900 123 456" as 07700 900 123).
    linked = str(linked_contacts("Write to _stt@a.example or -x@a.example; ref 07700 900 123 456."))
    assert '<a class="govuk-link" href="mailto:_stt@a.example">_stt@a.example</a>' in linked
    assert "mailto:x@" not in linked and "tel:" not in linked


def test_the_submitted_page_is_not_shown_once_a_new_journey_has_begun(client, app) -> None:  # type: ignore[no-untyped-def]
    """Found: after sending a request and starting a new check, /request/submitted still showed
    "Request sent" with the earlier reference, as if the new journey had been sent."""
    walker = to_outcome(client)
    submitted_request(walker)
    [stored] = stored_requests(app)
    assert walker.get("/request/submitted").status_code == 200  # until a new journey begins
    run_outbox(app)
    # Start now asks first (the page and PDF would go), and tells someone who did not send it to
    # start a new check: its first page says nothing of the request, its reference included
    # (diff review: it said "The request you sent has the reference ...").
    text = text_of(walker.start())
    assert stored.reference not in text and "The request you sent" not in text and "Request sent" not in text
    walker.answer("mode", "practitioner")
    # Back (or a bookmark) to the confirmation: to where the new journey stands; never the old
    # "Request sent" page and not its reference.
    response = walker.get("/request/submitted")
    assert response.status_code == 302 and response.location.endswith("/questions/immediate_danger")
    text = text_of(walker.get(response.location))
    assert "Request sent" not in text
    again = walker.get("/request/submitted")
    assert again.location.endswith("/questions/immediate_danger")
    assert stored.reference not in text_of(walker.get(again.location))  # never said
    # Nor the earlier request's PDF, nor its pages for the new journey.
    assert walker.get("/request/submitted/request.pdf").location.endswith("/questions/immediate_danger")
    assert walker.get("/request/check-answers").location.endswith("/questions/immediate_danger")


def test_a_supervision_record_goes_with_exit_and_a_new_check(client, app) -> None:
    """Exit this page, and beginning the check again, delete the record this browser asked for."""
    from app.models import SupervisionRecord

    def records() -> int:
        with app.app_context():
            return len(db.session.scalars(select(SupervisionRecord)).all())

    to_outcome(client, SUPERVISION_PATH)
    supervision_record(client, app)
    assert records() == 1
    assert client.get("/exit").status_code == 303
    assert records() == 0
    to_outcome(client, SUPERVISION_PATH)
    supervision_record(client, app)
    assert records() == 1
    to_outcome(client, SUPERVISION_PATH)  # a new check from the start
    assert records() == 0


def test_send_request_from_a_page_shown_before_the_answers_changed_in_another_tab_sends_nothing(client, app) -> None:
    """Found (review of the two tabs' merge): Send request sent whatever the session held when it
    was pressed, so a check your answers page left open in one tab (or come back to with Back)
    sent answers changed since in another tab, which it never showed: here "No" to "are other
    agencies involved?" became "I'm not sure". Nothing is sent; the page is shown again, as it now
    stands, saying why, and sending from it sends what it shows."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = Walker(another_tab(app, client))
    other_tab.get("/questions/multi_agency")
    assert other_tab.answer("multi_agency", "not_sure").status_code == 302
    refused = client.post("/request/submit", data=shown)
    assert refused.status_code == 303 and refused.location.endswith("/request/check-answers")
    assert stored_requests(app) == []
    refused = client.get(refused.location)  # shown again, saying why: a GET, so Back and reload ask nothing
    page = text_of(refused)
    assert "Your request has not been sent: your answers changed after this page was shown" in page
    again = checked_field(refused)
    assert again["checked"] != shown["checked"]
    sent = client.post("/request/submit", data=again)
    assert sent.status_code == 302 and sent.location.endswith("/request/submitted")
    [stored] = stored_requests(app)
    assert stored.answers["multi_agency"] == "not_sure"


@pytest.mark.parametrize("saved_first", ["the answer", "the request"])
@pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_an_answer_changed_in_another_tab_as_the_request_is_sent_is_said_not_saved(
    client, app, saved_first: str
) -> None:
    """Found (review of the two tabs' merge): an answer changed in another tab at the same moment
    as Send request was taken on as if saved, but sending clears the journey, so it was dropped
    without a word. The request goes with the answers its check your answers page showed, never
    with the change, and the next page (the sent request's, which the other tab's next question
    leads to) says the change was not saved. Here the change is "a child is in immediate danger",
    which leads to 999, not to a request: both tabs' pages say what the check would have said with
    it, 999 first, each time they are shown (found, review of two tabs: the sending tab's page took
    the notice, and the tab where "Yes" was chosen showed only "Request sent")."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = another_tab(app, client)
    danger = {"answer": "yes", "csrf_token": walker.token}

    def send() -> TestResponse:
        return client.post("/request/submit", data=shown)

    def change() -> TestResponse:
        return other_tab.post("/questions/immediate_danger", data=danger)

    outer, inner = (send, change) if saved_first == "the answer" else (change, send)
    with at_the_same_moment(app, inner) as sent:
        first = outer()
    assert sent == [302] and first.status_code == 302
    [stored] = stored_requests(app)
    assert stored.answers["immediate_danger"] == "no" and stored.answers["multi_agency"] == "yes"
    # The tab whose answer went follows its Continue: to the request sent, saying so.
    changed = first if outer is change else None
    next_page = other_tab.get(changed.location if changed is not None else "/result")
    assert next_page.status_code == 302 and next_page.location.endswith("/request/submitted")
    page = other_tab.get("/request/submitted")
    # Shown in the sending tab first, as may happen when both load at once, then in this one, and again.
    for tab in (client, other_tab, other_tab):
        page = tab.get("/request/submitted")
        html = page.get_data(as_text=True)
        assert 'data-notice="change-not-saved" data-led-to="U1"' in html
        words = text_of(page)
        assert (
            "An answer was changed in this browser as this request was sent, or after. "
            "The change was not saved: the request was sent with the answers you checked, shown below. "
            "With the changed answer, this check would have said: "
            "Call 999 and contact children's social care now"
        ) in words
        assert "Call 999 if a child is in immediate danger." in words
        # Its contacts straight after its title, 999 first, before what to do (found, regression
        # review: after the actions, 999 was on a phone's second screen).
        contacts = html.split("data-led-to-title", 1)[1].split("</ul>", 1)[0]
        assert re.findall(r'href="(tel:[^"]+)"', contacts)[0] == "tel:999" and "Call 999 if" not in contacts
        assert "If the changed answer was right, do what it says above now" in words
        assert stored.reference in words


@pytest.mark.parametrize(
    "question, answer, outcome, first_contact",
    [("immediate_danger", "yes", "U1", "tel:999"), ("allegation", "yes", "L", None)],
)
def test_an_answer_changed_in_another_tab_after_the_request_was_sent_says_where_it_leads(
    client, app, question: str, answer: str, outcome: str, first_contact: str | None
) -> None:
    """Found (review of two tabs in a real browser, 92 trials in 245): "immediate danger: Yes"
    answered in a tab a moment (or minutes) after the other tab's Send request went through was
    dropped without a word: the tab showed "A request was sent from this browser", which asked them
    to start a new check, and nothing of 999 but the strip at the top. Now the sent request's page,
    each time it is shown, says the change was not saved and what the check would have said with it,
    its contacts first; the request stays as it went."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = another_tab(app, client)
    assert other_tab.get(f"/questions/{question}").status_code == 200  # the page open in the other tab
    assert client.post("/request/submit", data=shown).status_code == 302
    late = other_tab.post(f"/questions/{question}", data={"answer": answer, "csrf_token": walker.token})
    assert late.status_code == 302 and late.location.endswith("/request/submitted")
    [stored] = stored_requests(app)
    assert stored.answers[question] == "no"
    for tab in (other_tab, other_tab, client):  # and again on reload, and in the tab that sent it
        page = tab.get("/request/submitted")
        html = page.get_data(as_text=True)
        assert f'data-notice="change-not-saved" data-led-to="{outcome}"' in html
        assert "An answer was changed in this browser as this request was sent, or after." in text_of(page)
        contacts = html.split("data-led-to-title", 1)[1].split("</ul>", 1)[0]
        if first_contact is not None:
            assert re.findall(r'href="(tel:[^"]+)"', contacts)[0] == first_contact
        assert stored.reference in text_of(page)


def sent_with_a_tab_kept_open(client: FlaskClient, app: Flask) -> tuple[Walker, FlaskClient]:
    """A request sent from ``client``'s check your answers page, and another tab of the same browser
    whose pages were open before it went: the walker (its token) and that tab."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = another_tab(app, client)
    assert client.post("/request/submit", data=shown).status_code == 302
    return walker, other_tab


def test_a_later_answer_after_sending_does_not_take_away_where_an_earlier_one_led(client, app) -> None:
    """Found (regression review): after a late "immediate danger: Yes" the sent page said what the
    check would have said, 999 first; a second page kept open then sent another change (or put the
    answer back), and the 999 went from the page, or the person was taken to the page before a new
    check. Where the earlier change led stays on the request's page, which both go to."""
    walker, other_tab = sent_with_a_tab_kept_open(client, app)
    token = walker.token
    assert other_tab.post("/questions/immediate_danger", data={"answer": "yes", "csrf_token": token}).status_code == 302
    for question, value in (("multi_agency", "not_sure"), ("immediate_danger", "no")):
        late = other_tab.post(f"/questions/{question}", data={"answer": value, "csrf_token": token})
        assert late.status_code == 302 and late.location.endswith("/request/submitted"), question
        html = other_tab.get("/request/submitted").get_data(as_text=True)
        assert 'data-notice="change-not-saved" data-led-to="U1"' in html, question


def test_the_outcome_pages_no_request_notice_is_not_said_where_the_answers_lead_to_a_request_again(client, app) -> None:
    """Found (regression review): ``/result?not_sent=1`` reloaded after the other tab put the answer
    back (or opened from the browser's history) said "so no request has been sent" under "You can
    ask for a Space to Think session"."""
    walker = to_outcome(client)
    page = text_of(walker.get("/result?not_sent=1"))
    assert "You can ask for a Space to Think session" in page and "so no request has been sent" not in page


def test_the_answer_a_request_went_with_sent_again_from_another_tab_after_it_was_sent_says_nothing_of_a_change(
    client, app
) -> None:
    """The same answer the request went with, sent again from a page kept open: nothing changed, so
    nothing is said of a change; the page asking before a new check, as before."""
    walker, other_tab = sent_with_a_tab_kept_open(client, app)
    again = other_tab.post("/questions/immediate_danger", data={"answer": "no", "csrf_token": walker.token})
    assert again.status_code == 302 and again.location.endswith("/start")
    assert 'data-notice="change-not-saved"' not in other_tab.get("/request/submitted").get_data(as_text=True)


def test_an_answer_changed_in_another_tab_after_the_request_was_sent_that_leads_to_a_request_says_it_was_not_saved(
    client, app
) -> None:
    """A change after sending that still leads to a request: the sent page says it was not saved and
    where to go if someone is at risk, with no outcome of its own."""
    walker, other_tab = sent_with_a_tab_kept_open(client, app)
    late = other_tab.post("/questions/multi_agency", data={"answer": "not_sure", "csrf_token": walker.token})
    assert late.status_code == 302 and late.location.endswith("/request/submitted")
    html = other_tab.get("/request/submitted").get_data(as_text=True)
    assert 'data-notice="change-not-saved"' in html and "data-led-to" not in html


def test_an_answer_changed_in_another_tab_as_the_request_is_sent_that_leads_to_a_request_says_so_plainly(
    client, app
) -> None:
    """The change not saved leads to a request too (or to a question): the notice says only that it
    was not saved, and where to go if someone is at risk, with no outcome of its own."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = another_tab(app, client)
    unsure = {"answer": "not_sure", "csrf_token": walker.token}
    with at_the_same_moment(app, lambda: client.post("/request/submit", data=shown)) as sent:
        other_tab.post("/questions/multi_agency", data=unsure)
    assert sent == [302]
    page = other_tab.get("/request/submitted")
    html = page.get_data(as_text=True)
    assert 'data-notice="change-not-saved"' in html and "data-led-to" not in html
    assert "use the emergency and safeguarding contacts at the bottom of this page now" in text_of(page)


@pytest.mark.parametrize("checked", ["é", "0" * 64 + "\u2028", "x"])
def test_send_request_with_a_digest_that_is_none_sends_nothing_and_shows_the_page_again(client, app, checked) -> None:
    """Found (review): a digest with letters other than a to z (a changed page, or a script)
    ended in a 500: Python compares only plain ASCII text in constant time. It is a digest the
    session does not hold, so nothing is sent and the page is shown again, as for a page changed since."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    refused = client.post("/request/submit", data={**shown, "checked": checked})
    assert refused.status_code == 303 and refused.location.endswith("/request/check-answers")
    assert stored_requests(app) == []
    refused = client.get(refused.location)  # shown again, saying why: a GET, so Back and reload ask nothing
    assert "Your request has not been sent" in text_of(refused)


OUT_OF_DATE = "Your request has not been sent: this page was out of date, as the service was updated after it was shown"


@pytest.mark.parametrize("form", [{}, {"checked": ""}], ids=["without it", "empty"])
def test_send_request_from_a_page_that_does_not_say_what_it_showed_sends_nothing(client, app, form) -> None:
    """Found (review): Send request checked what its page showed only when the form said it, so a
    post without the ``checked`` field (a page from the version before the check, open during an
    upgrade, or a script) sent whatever the session held then: answers changed since in another
    tab, which no page had shown. Nothing is sent, and check your answers is shown again (after a redirect),
    saying the page was out of date (it was made before the check); Send request there sends what it shows."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    other_tab = Walker(another_tab(app, client))
    other_tab.get("/questions/multi_agency")
    assert other_tab.answer("multi_agency", "not_sure").status_code == 302
    refused = client.post("/request/submit", data={"csrf_token": shown["csrf_token"], **form})
    assert refused.status_code == 303 and refused.location.endswith("/request/check-answers")
    assert stored_requests(app) == []
    refused = client.get(refused.location)  # shown again, saying why: a GET, so Back and reload ask nothing
    assert OUT_OF_DATE in text_of(refused)
    sent = client.post("/request/submit", data=checked_field(refused))
    assert sent.status_code == 302 and sent.location.endswith("/request/submitted")
    [stored] = stored_requests(app)
    assert stored.answers["multi_agency"] == "not_sure"


@pytest.mark.parametrize("made_by", ["the version before", "other rules"])
def test_send_request_from_a_page_made_before_an_upgrade_says_the_page_was_out_of_date(client, app, made_by) -> None:
    """Found (review): after an upgrade, Send request from a check your answers page shown
    before it (its digest of what it showed made by the version before, or with the rules as
    they were) said "your answers changed after this page was shown", which they had not. The
    digest now says which version of it this is and which rules it was made with: such a page
    sends nothing, as before, and is said to have been out of date; Send request on the page
    shown again sends."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    form, rules, keyed = shown["checked"].split(":")
    # The version before wrote the keyed digest alone (the same one: nothing shown has changed).
    old = keyed if made_by == "the version before" else f"{form}:{'0' * len(rules)}:{keyed}"
    refused = client.post("/request/submit", data={**shown, "checked": old})
    assert refused.status_code == 303 and refused.location.endswith("/request/check-answers")
    assert stored_requests(app) == []
    refused = client.get(refused.location)  # shown again, saying why: a GET, so Back and reload ask nothing
    page = text_of(refused)
    assert f"{OUT_OF_DATE}. Check your answers again and select Send request" in page
    assert "your answers changed" not in page
    sent = client.post("/request/submit", data=checked_field(refused))
    assert sent.status_code == 302 and sent.location.endswith("/request/submitted")


@pytest.mark.parametrize(
    "database_backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_an_answer_lost_to_another_tab_leading_away_from_a_request_is_still_said_lost(client, app) -> None:
    """Found (review of the two tabs' merge): on check your answers, an answer changed in one tab
    as another tab, at the same moment and saving last, gave an answer that leads away from a
    request ("a child is in immediate danger"): the first tab's answer went, but the page its
    Continue led to said only that no request was sent, as that notice replaced the one saying
    only one tab's answers were kept. Both are said, the answers kept first."""
    walker = to_outcome(client)
    fill_details(walker)
    walker.get("/request/check-answers")
    walker.get("/questions/multi_agency?return_to=check-answers")
    other_tab = another_tab(app, client)
    change = {"answer": "not_sure", "csrf_token": walker.token}
    danger = {"answer": "yes", "csrf_token": walker.token}
    with at_the_same_moment(
        app, lambda: client.post("/questions/multi_agency?return_to=check-answers", data=change)
    ) as sent:
        last = other_tab.post("/questions/immediate_danger", data=danger)
    assert sent == [302] and last.status_code == 302
    # The tab whose answer went follows its Continue, to check your answers: no longer a request.
    again = client.get("/request/check-answers")
    assert again.status_code == 302 and again.location.endswith("/result")
    words = text_of(client.get("/result"))
    kept = "You answered questions in 2 tabs at the same moment, so only the answers from one of them were kept."
    no_request = "The answers now lead here, not to a request for a session, so no request has been sent."
    assert kept in words and no_request in words
    assert words.index(kept) < words.index(no_request)
    assert stored_requests(app) == []


def test_a_second_click_on_send_request_gives_the_request_sent_by_the_first(client, app) -> None:
    """A double click: the second post, from the same page, finds the request sent and goes to its page."""
    walker = to_outcome(client)
    fill_details(walker)
    shown = checked_field(walker.get("/request/check-answers"))
    with at_the_same_moment(app, lambda: client.post("/request/submit", data=shown)) as sent:
        first = client.post("/request/submit", data=shown)
    assert sent == [302] and first.status_code == 302 and first.location.endswith("/request/submitted")
    assert len(stored_requests(app)) == 1


def test_a_question_whose_meaning_changed_with_who_is_using_this_in_another_tab_is_asked_again(client, app) -> None:
    """Found (review of the two tabs' merge): "Does your manager or safeguarding lead know?" asks
    something else in supervision ("Does the practitioner's safeguarding lead know?"), so its answer
    is forgotten when who is using this changes. But a page shown before the change in another tab,
    sent after it, saved its answer as the answer to the other question. Now the page comes back
    in the new words, its other answers kept, asking that question again."""
    walker = to_outcome(client)
    fill_details(walker)
    walker.get("/request/manager")
    token = walker.token
    other_tab = Walker(another_tab(app, client))
    other_tab.get("/questions/mode")
    other_tab.answer("mode", "supervision")
    assert other_tab.answer("understand", "confirmed").status_code == 302
    sent = client.post(
        "/request/manager", data={"manager_knows": "yes", "asked_in": "practitioner", "csrf_token": token}
    )
    assert sent.status_code == 303 and sent.location == "/request/manager"
    page = text_of(client.get(sent.location))
    assert "Does the practitioner's safeguarding lead know about this request?" in page
    assert "Who is using this changed after this page was shown, so this question has changed" in page
    with client.session_transaction() as held:
        assert held[DETAILS_KEY].get("manager_knows") != "yes"
    # Sent from the page in its new words, the answer is kept.
    again = client.post(
        "/request/manager", data={"manager_knows": "yes", "asked_in": "supervision", "csrf_token": token}
    )
    assert again.status_code == 302
    with client.session_transaction() as held:
        assert held[DETAILS_KEY]["manager_knows"] == "yes"


def test_check_your_answers_says_when_only_one_tabs_answers_were_kept(client, app) -> None:
    """A change made from check your answers goes back there: when another tab saved a different
    answer at the same moment, that page says only one tab's answers were kept, as a question or
    outcome page does (it took the message, and showed nothing)."""
    walker = to_outcome(client)
    fill_details(walker)
    walker.get("/request/check-answers")
    other_tab = another_tab(app, client)
    other = {"answer": "not_sure", "csrf_token": walker.token}
    with at_the_same_moment(app, lambda: other_tab.post("/questions/multi_agency", data=other)) as sent:
        changed = walker.post("/questions/supervision_discussed?return_to=check-answers", {"answer": "yes"})
    assert sent == [302] and changed.location.endswith("/request/check-answers")
    page = text_of(walker.get("/request/check-answers"))
    assert "You answered questions in 2 tabs at the same moment" in page


def test_two_tabs_asking_for_the_supervision_record_at_the_same_moment_ask_for_one(client, app) -> None:
    """Found (review of the two tabs' merge): each page read the session before the other had
    saved the record it asked for, so each asked for one: two PDFs made, two counted against the
    limit on records, and one left behind, not this browser's any more, until its time."""
    to_outcome(client, SUPERVISION_PATH)
    other_tab = another_tab(app, client)
    with at_the_same_moment(app, lambda: other_tab.get("/request/supervision-record")) as sent:
        first = client.get("/request/supervision-record")
    assert sent == [200] and first.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupervisionRecord)) == 1
    assert "being made" in other_tab.get("/request/supervision-record").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupervisionRecord)) == 1


def test_a_head_request_to_the_sent_request_or_its_pdfs_is_not_audited(client, app) -> None:
    """Found (review): a HEAD request (a link checker, a preview) to the submitted page, its PDF
    or the supervision record made from the sent request was audited as a view, a download or a
    record made, though nothing was sent; the inbox's pages already left HEAD out."""
    walker = to_outcome(client, SUPERVISION_PATH)
    submitted_request(walker, SUPERVISION_PATH)
    assert client.get("/request/supervision-record").status_code == 200
    run_outbox(app)

    def audited() -> list[str]:
        with app.app_context():
            return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))

    before = audited()
    urls = ("/request/submitted", "/request/submitted/request.pdf", "/request/supervision-record.pdf")
    for url in urls:
        response = client.head(url)
        assert response.status_code == 200 and response.data == b"", url
    assert audited() == before
    # A GET is still audited, each.
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert audited()[len(before) :] == ["viewed", "pdf_downloaded", "supervision_record"]


def test_a_head_request_to_the_supervision_record_page_asks_for_no_record(client, app) -> None:
    """Found (review): a HEAD request (a link checker, a preview) to the supervision record's page
    asked for a record, as a GET does: the page's HTML stored for the outbox worker to make into
    a PDF, which no one had asked for. It now asks for nothing; the GET that follows does."""
    to_outcome(client, SUPERVISION_PATH)

    def records() -> int:
        with app.app_context():
            return int(db.session.scalar(select(func.count()).select_from(SupervisionRecord)) or 0)

    response = client.head("/request/supervision-record")
    assert response.status_code == 200 and response.data == b""
    assert records() == 0
    assert client.get("/request/supervision-record").status_code == 200
    assert records() == 1
    # Nor does a HEAD of Exit this page delete it (regression review: it did, keeping the answers).
    assert client.head("/exit").status_code == 303
    assert records() == 1 and client.get("/result").status_code == 200


def test_typed_text_is_shown_in_its_own_direction_as_it_is_typed_and_on_check_your_answers(client) -> None:
    """Found (user review): text typed in a right-to-left script (Arabic, Urdu) was laid out left to
    right, its punctuation at the wrong end, in the box and on check your answers. Boxes for words
    take the direction of what is typed (dir="auto"); the email address and telephone number, left to
    right in any language, do not; each value on check your answers does."""
    walker = to_outcome(client)
    about_you = walker.get("/request/about-you").get_data(as_text=True)
    boxes = dict(re.findall(r'<input class="govuk-input[^"]*" id="(\w+)"([^>]*)>', about_you))
    assert set(boxes) == {"name", "job_role", "agency", "email", "phone"}
    assert [name for name, rest in boxes.items() if 'dir="auto"' in rest] == ["name", "job_role", "agency"]
    reflection = walker.get("/request/reflection").get_data(as_text=True)
    assert re.search(r'<textarea [^>]*id="reflection"[^>]*dir="auto"', reflection)
    fill_details(walker, {**VALID_DETAILS, "job_role": "أخصائي اجتماعي"})
    check = walker.get("/request/check-answers").get_data(as_text=True)
    # (Named, "Job role", as "Requested by" names only the name: the value in its own direction.)
    assert re.search(r'<p class="govuk-body">Job role: <bdi>أخصائي اجتماعي</bdi></p>', check)
    assert re.search(r'<p class="govuk-body" dir="auto">Alex Practitioner</p>', check)


def test_details_saved_before_the_notes_of_their_mode_are_checked_again_too(client) -> None:
    """A journey whose details were saved by the version before pages noted the mode their answers
    were given in (no note in the session), then who is using this changed: they were given in the
    mode the details were typed in, and are checked again as any others."""
    from app.journey import GIVEN_KEY

    walker = to_outcome(client)
    fill_details(walker)
    with client.session_transaction() as held:
        held.pop(GIVEN_KEY, None)  # as the version before left it
    switch_to(walker, "supervision")
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    page = walker.get("/request/about-you?change=1")
    assert "You changed who is using this tool after these details were given, as your own." in text_of(page)


def test_about_you_saved_in_two_tabs_at_once_in_one_mode_is_asked_again_saying_so(client, app) -> None:
    """Found (regression review): two tabs' "About you", both as one's own details, one changing the
    name and the other the email, saved at the same moment: the page was asked again (each tab's
    change kept, but neither tab saw both), saying "You changed who is using this tool", which no
    one had. It says they were saved in two tabs at once."""
    from support.tabs import another_tab, at_the_same_moment

    walker = to_outcome(client)
    fill_details(walker)
    first = walker.get("/request/about-you?change=1").get_data(as_text=True)
    second_tab = another_tab(app, client)
    second = second_tab.get("/request/about-you?change=1").get_data(as_text=True)
    with at_the_same_moment(
        app, lambda: about_you_from_a_tab_shown_in(client, "practitioner", first, name="Alex Renamed")
    ):
        about_you_from_a_tab_shown_in(second_tab, "practitioner", second, email="alex.new@nhs.example")
    assert walker.get("/request/check-answers").location == "/request/about-you?change=1"
    page = text_of(walker.get("/request/about-you?change=1"))
    assert "These details were saved in two tabs at the same moment, so some may be from each." in page
    assert "You changed who is using this tool" not in page
    post_page(
        walker, "about-you", {**VALID_DETAILS, "name": "Alex Renamed", "email": "alex.new@nhs.example"}, change=True
    )
    assert walker.get("/request/check-answers").status_code == 200  # checked: on to send


def details_shown_on(response: TestResponse) -> str:
    """What a details page's form says of the answers it showed (its hidden ``details_shown``)."""
    found = re.search(r'name="details_shown" value="([^"]*)"', response.get_data(as_text=True))
    assert found, "no details_shown field on the page"
    return found[1]


def held_details(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with client.session_transaction() as held:
        return dict(held[DETAILS_KEY])


@pytest.mark.parametrize(
    "slug, name, older, newer, said",
    [
        ("how-soon", "how_soon", "flexible", "two_weeks", "Not saved yet: this was changed to “Within 2 weeks” in"),
        (
            "reflection",
            "reflection",
            "An older reflection, from the tab left open.",
            "A newer reflection, typed in the other tab.",
            "Not saved yet: this was changed in another tab or window after this page was shown. What you typed",
        ),
    ],
    ids=["how-soon", "reflection"],
)
def test_a_details_page_left_open_does_not_silently_replace_what_another_tab_changed_since(
    client, slug: str, name: str, older: str, newer: str, said: str
) -> None:
    """Found (stale pages review): a details page left open in one tab, sent after the same answer
    was changed in another ("how soon" to "Within 2 weeks", or the reflection rewritten), put the
    older answer back with nothing said. The page's form carries what it showed: such an answer is
    not saved over the newer one, and the page comes back with what was sent here (nothing typed is
    lost), saying what changed; sent again from it, it is saved. The same answer sent twice is not
    refused."""
    walker = to_outcome(client)
    fill_details(walker)
    url = f"/request/{slug}?change=1"
    left_open = details_shown_on(walker.get(url))
    newer_tab = details_shown_on(walker.get(url))
    assert walker.post(url, {name: newer, "details_shown": newer_tab}).status_code == 302
    assert walker.post(url, {name: newer, "details_shown": newer_tab}).status_code == 302  # sent twice: fine
    back = walker.post(url, {name: older, "details_shown": left_open})  # (its 303 to the page, followed)
    assert back.status_code == 200
    shown = " ".join(text_of(back).split())
    assert said in shown and older in back.get_data(as_text=True)  # what was sent here, kept to send again
    assert held_details(client)[name] == newer
    again = walker.post(url, {name: older, "details_shown": details_shown_on(back)})
    assert again.status_code == 302 and held_details(client)[name] == older


def test_back_from_a_page_refused_for_another_tabs_change_saves_nothing_over_it(client) -> None:
    """Found (regression review): Back pressed again on the page refused for a reflection changed in
    another tab saved this tab's text over the other's, where the page says only Continue does.
    What was typed here is kept with the refusal, and shown again when the page is."""
    walker = to_outcome(client)
    fill_details(walker)
    url = "/request/reflection?change=1"
    left_open = details_shown_on(walker.get(url))
    newer = details_shown_on(walker.get(url))
    assert walker.post(url, {"reflection": "Typed in the other tab.", "details_shown": newer}).status_code == 302
    refused = walker.post(url, {"reflection": "Typed in this tab.", "details_shown": left_open})
    assert "Not saved yet" in text_of(refused)
    back = walker.post(
        url, {"reflection": "Typed in this tab, then more.", GO_BACK: "1", "details_shown": details_shown_on(refused)}
    )
    assert back.status_code == 302 and held_details(client)["reflection"] == "Typed in the other tab."
    shown = walker.get(url)
    assert "Typed in this tab, then more." in shown.get_data(as_text=True) and "Not saved yet" in text_of(shown)


def test_answers_changed_in_another_tab_are_told_once_each_where_they_are_asked_and_kept_on_a_reload(client) -> None:
    """Found (regression review): in the first pass a reload of the page refused for answers
    changed in another tab showed the other tab's (what was typed here lost); a follow-up question
    the answer sent no longer asks ("Does the family know?" now "Yes") was refused, its error hidden;
    and a month and year had two messages, one calling the typed date a choice."""
    walker = to_outcome(client)
    fill_details(walker)
    # The family page: only the reason changed in the other tab; this tab answers "Yes", which
    # does not ask for one. Saved.
    url = "/request/family?change=1"
    left_open = details_shown_on(walker.get(url))
    newer = details_shown_on(walker.get(url))
    reason = {"family_knows": "not_yet", "family_knows_reason": "A newer reason, typed in the other tab."}
    assert walker.post(url, {**reason, "details_shown": newer}).status_code == 302
    assert walker.post(url, {"family_knows": "yes", "details_shown": left_open}).status_code == 302
    assert held_details(client)["family_knows"] == "yes"
    # The month and year, both changed in the other tab: one message, for a date typed.
    url = "/request/significant-event?change=1"
    left_open = details_shown_on(walker.get(url))
    newer = details_shown_on(walker.get(url))
    assert walker.post(url, {"event_month": "5", "event_year": "2024", "details_shown": newer}).status_code == 302
    back = walker.post(url, {"event_month": "7", "event_year": "2023", "details_shown": left_open})
    said = " ".join(text_of(back).split())
    assert said.count("Not saved yet: this was changed in another tab or window") == 2  # the summary, and the field
    assert "What you typed on this page is below" in said and "Check the answer here" not in said
    # In the first pass, a reload keeps what was sent here until it is sent again.
    walker = to_outcome(client)
    fill_details(walker, skip=("how-soon", "preferences"))
    url = "/request/reflection"
    left_open = details_shown_on(walker.get(url))
    newer = details_shown_on(walker.get(url))
    assert walker.post(url, {"reflection": "Typed in the other tab.", "details_shown": newer}).status_code == 302
    refused = walker.post(url, {"reflection": "Typed in this tab, left open.", "details_shown": left_open})
    assert "Typed in this tab, left open." in refused.get_data(as_text=True)
    reloaded = walker.get(url).get_data(as_text=True)
    assert "Typed in this tab, left open." in reloaded and "Not saved yet" in reloaded
    assert held_details(client)["reflection"] == "Typed in the other tab."


def test_the_page_asking_for_contact_details_links_to_the_privacy_notice_in_a_new_tab(client) -> None:
    """Found (data protection review): only the footer linked to the privacy notice, not the page
    where the contact details are asked for."""
    walker = to_outcome(client)
    page = walker.get("/request/about-you").get_data(as_text=True)
    assert 'href="/privacy" target="_blank" rel="noopener">privacy notice (opens in new tab)</a>' in page
    assert "data-privacy-link" not in walker.get("/request/how-soon").get_data(as_text=True)


def test_a_name_found_says_what_to_write_instead_and_not_initials(client) -> None:
    """Found (a review of real reflections): told "Kai" was a name that could identify a child,
    practitioners wrote "K (14)" and "the S family" instead, which identify as well and are seldom
    found. Where a name is found, the page says what to write in its place."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "reflection": "Mum says Kai (14) has not been in school since February."})
    text = text_of(walker.get("/request/check-what-you-wrote"))
    assert "Kai" in text
    assert (
        "Instead of a name or initials, say who someone is, such as “the child”, “mum” or “the eldest sibling”." in text
    )


def test_an_answer_changed_from_check_your_answers_to_another_route_says_the_request_was_not_sent(client) -> None:
    """Found (first-time users' review): from check your answers, "Change" on immediate danger to
    "I'm not sure" led to children's social care's page, which said the later answers were set aside
    but nothing of the request filled in: someone who had typed the whole form could think it had gone."""
    walker = to_outcome(client)
    fill_details(walker)
    checked_field(walker.get("/request/check-answers"))
    token = csrf_token(walker.get("/questions/immediate_danger").get_data(as_text=True))
    changed = client.post("/questions/immediate_danger", data={"answer": "not_sure", "csrf_token": token})
    assert changed.status_code == 302 and changed.location.endswith("/result")
    shown = client.get(changed.location)
    page = text_of(shown)
    assert 'data-notice="not-sent"' in shown.get_data(as_text=True)
    assert "The request that was being filled in has not been sent." in page and "set aside" in page
    # Changed back, the request is offered again, with nothing saying it was not sent.
    token = csrf_token(walker.get("/questions/immediate_danger").get_data(as_text=True))
    client.post("/questions/immediate_danger", data={"answer": "no", "csrf_token": token})
    assert 'data-notice="not-sent"' not in client.get("/result").get_data(as_text=True)
