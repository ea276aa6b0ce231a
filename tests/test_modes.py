"""Both modes, throughout: a manager using the tool in supervision is never addressed as if
they were the practitioner ("you", "your request"), and a practitioner on their own is never
"the practitioner" or "they". Walked over HTTP: every question (with its error messages),
every outcome, the request pages, check your answers and the submitted page, in each mode.

A request made in supervision says so ("Made in supervision with the practitioner's manager
or supervisor") on the submitted page, in the inbox and in its PDF, instead of "Not yet
discussed in the practitioner's own supervision".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.rules import JourneyPath, enumerate_paths, load_contacts, load_pack
from support.mail import SmtpServer
from support.pdf import pdf_text
from support.submission import (
    ELIGIBLE_PATH,
    PAGE_FIELDS,
    VALID_DETAILS,
    run_outbox,
    submitted_request,
    supervision_record,
)
from support.walk import Walker, outcome_of, question_of

PACK = load_pack(contacts=load_contacts())

# Words that speak to the practitioner as "you": wrong when the manager is the reader.
# (Each was seen in supervision mode once; "you" for the manager, such as "Why you are seeing
# this" or "Check what you wrote", is right and not listed.)
ADDRESSES_THE_PRACTITIONER = (
    r"\bdo you (have|need|disagree)\b",
    r"\bhave you talked\b",
    r"\bis your (main )?worry\b",
    r"\byour concern\b",
    r"\bthat you are not sure about\b",
    r"\bI'm not sure\b",  # an answer: whose uncertainty? In supervision "Not sure", the manager's or the practitioner's
    r"\byou reach\b",
    r"\bhelp you think\b",
    r"\bi want the decision reviewed\b",
    r"\bwhat you describe\b",
    r"\bwhat you would like\b",
    r"\bwould you like\b",
    r"\bare you usually\b",
    r"\byour (answers|later answers|earlier answers|request|reference|pdf|preferences)\b",
    r"\byour (own )?(supervision|practice|manager|supervisor|line manager|designated|safeguarding lead)\b",
    r"\b(tell|talk to) your\b",
    r"\byou are asking\b",
    r"\bknow you are\b",
    r"\bcontinue to your request\b",
    r"\babout you\b",
    r"\bi'?m flexible\b",
    r"\bsupervision is not available to me\b",
    r"\bi understand that\b",
    r"\bcontinue to ask\b",
    r"\bnot yet discussed in (the practitioner's own )?supervision\b",
)
# Words that speak of the reader in the third person: wrong in the practitioner's own mode.
SPEAKS_OF_THE_READER = (
    r"\bthe practitioner\b",
    r"\bwhat they would like\b",
    r"\bthey would like\b",
    r"\bmanager or supervisor, in supervision\b",
    r"\bmade in supervision\b",
)
NEVER_SAID = {"supervision": ADDRESSES_THE_PRACTITIONER, "practitioner": SPEAKS_OF_THE_READER}
MODES = ("practitioner", "supervision")

SUPERVISION_FLAG = "Made in supervision with the practitioner's manager or supervisor"
NOT_DISCUSSED_FLAG = "Not discussed in supervision before this request"


def eligible_path(mode: str) -> tuple[tuple[str, str | Sequence[str]], ...]:
    """The eligible journey in ``mode``, answering "no" to whether it was talked about in
    supervision before (in supervision: before today), so every question is asked."""
    return (("mode", mode), *ELIGIBLE_PATH[1:])


def outcome_paths(mode: str) -> list[JourneyPath]:
    """The first route of the pack to each outcome, in ``mode``."""
    chosen: dict[str, JourneyPath] = {}
    for path in enumerate_paths(PACK):
        if path.mode == mode:
            chosen.setdefault(path.outcome, path)
    assert set(chosen) == {outcome.id for outcome in PACK.outcomes}
    return list(chosen.values())


def main_text(response: TestResponse) -> str:
    """What the page's main content says (the words a person reads there), in one line."""
    page = response.get_data(as_text=True)
    main = re.search(r"<main\b.*?</main>", page, re.S)
    body = main.group(0) if main else page
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    words = re.sub(r"<[^>]+>", " ", (title.group(1) if title else "") + " " + body)
    return " ".join(html.unescape(words).split())


def assert_worded_for(mode: str, where: str, said: str) -> None:
    """Nothing in ``said`` speaks to the wrong reader for ``mode``."""
    for pattern in NEVER_SAID[mode]:
        found = re.search(pattern, said, re.I)
        assert found is None, f"{mode} mode, {where}: {found.group(0)!r} in {said!r}"


def question_pages(walker: Walker, question_id: str, value: str | Sequence[str]) -> Iterator[tuple[str, str]]:
    """The question's page, its page after an empty answer (the error message), and for a
    multiple-choice question with an exclusive option, its page after a mixed answer."""
    page = walker.get(f"/questions/{question_id}")
    assert page.status_code == 200 and question_of(page) == question_id, (question_id, page.status_code)
    yield f"question {question_id}", main_text(page)
    empty = walker.post(f"/questions/{question_id}", {})
    assert "govuk-error-summary" in empty.get_data(as_text=True), question_id
    yield f"question {question_id} left unanswered", main_text(empty)
    asked = PACK.question(question_id)
    assert asked is not None
    exclusive = [option.value for option in asked.options if option.exclusive]
    if exclusive:
        ordinary = next(option.value for option in asked.options if not option.exclusive)
        mixed = walker.post(f"/questions/{question_id}", {"answer": [exclusive[0], ordinary]})
        assert "govuk-error-summary" in mixed.get_data(as_text=True), question_id
        yield f"question {question_id} with 'none of these' and another", main_text(mixed)


@pytest.mark.parametrize("mode", MODES)
def test_every_question_and_its_errors_speak_to_the_reader_of_the_mode(client: FlaskClient, mode: str) -> None:
    walker = Walker(client)
    walker.start()
    asked = []
    for question_id, value in eligible_path(mode):
        if question_id != "mode":  # asked before anyone has said who is using the tool
            for where, said in question_pages(walker, question_id, value):
                assert_worded_for(mode, where, said)
            asked.append(question_id)
        response = walker.answer(question_id, value)
        assert response.status_code == 302, question_id
    assert set(asked) == {question.id for question in PACK.questions} - {"mode"}  # the path asks them all
    outcome = walker.follow("/result")
    assert outcome_of(outcome) == "P"
    assert_worded_for(mode, "outcome P", main_text(outcome))


@pytest.mark.parametrize("mode", MODES)
def test_every_outcome_speaks_to_the_reader_of_the_mode(client: FlaskClient, mode: str) -> None:
    for path in outcome_paths(mode):
        response = Walker(client).walk(path.answers)
        assert outcome_of(response) == path.outcome
        assert_worded_for(mode, f"outcome {path.outcome}", main_text(response))


@pytest.mark.parametrize("mode", MODES)
def test_the_request_pages_speak_to_the_reader_of_the_mode(client: FlaskClient, mode: str) -> None:
    walker = Walker(client)
    assert walker.walk(eligible_path(mode)).status_code == 200
    for slug, names in PAGE_FIELDS:
        url = f"/request/{slug}"
        page = walker.get(url)
        assert page.status_code == 200, slug
        assert_worded_for(mode, f"request page {slug}", main_text(page))
        if slug == "manager" and mode == "supervision":  # the manager is not asked whether the manager knows
            assert "Does the practitioner's safeguarding lead know about this request?" in main_text(page)
            assert not re.search(r"manager or safeguarding lead know", main_text(page), re.I)
        refused = walker.post(url, dict.fromkeys(names, ""))
        if refused.status_code == 400:  # a page with a required field: its error messages
            assert_worded_for(mode, f"request page {slug} with errors", main_text(refused))
        done = walker.post(url, {name: VALID_DETAILS.get(name, "") for name in names})
        assert done.status_code == 302, slug
    check = walker.get("/request/check-answers")
    assert check.status_code == 200
    said = main_text(check)
    assert_worded_for(mode, "check your answers", said)
    reflect = "What you would like to reflect on" if mode == "practitioner" else "What the practitioner would like"
    assert reflect in said
    submitted = walker.follow(walker.post("/request/submit", walker.shown).location)
    assert submitted.status_code == 200
    said = main_text(submitted)
    assert_worded_for(mode, "the submitted page", said)
    # Not talked about in supervision before (today): flagged so in both modes; a request made in
    # supervision says that too.
    assert NOT_DISCUSSED_FLAG in said
    assert (SUPERVISION_FLAG in said) == (mode == "supervision")


def submitted_in(client: FlaskClient, mode: str) -> tuple[Walker, TestResponse]:
    """The eligible journey in ``mode``, its request filled in and sent; the submitted page."""
    walker = Walker(client)
    walker.walk(eligible_path(mode))
    submitted_request(walker)
    return walker, walker.follow("/request/submitted")


def test_a_request_made_in_supervision_says_so_on_the_submitted_page_and_in_the_inbox(
    client: FlaskClient, app: Flask
) -> None:
    from test_inbox import signed_in

    _, submitted = submitted_in(client, "supervision")  # "no": not talked about in supervision before today
    said = main_text(submitted)
    assert SUPERVISION_FLAG in said and NOT_DISCUSSED_FLAG in said
    reference = re.search(r'class="app-reference">([^<]+)<', submitted.get_data(as_text=True))
    assert reference is not None
    facilitator, _ = signed_in(app)
    inbox_page = facilitator.get(f"/inbox/requests/{reference.group(1)}")
    assert inbox_page.status_code == 200
    said = main_text(inbox_page)
    assert SUPERVISION_FLAG in said and NOT_DISCUSSED_FLAG in said
    assert "Made in supervision" in main_text(facilitator.get("/inbox"))


def test_the_acknowledgement_of_a_request_made_in_supervision_speaks_to_the_practitioner(
    app: Flask, smtp_server: SmtpServer, client: FlaskClient
) -> None:
    """The acknowledgement goes to the work email in the request: the practitioner's, in both
    modes. So it says "you" to them, and that the request was made in supervision."""
    app.config.update(
        FACILITATOR_EMAIL="facilitators@partnership.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        SMTP_TIMEOUT=5,
        MAIL_FROM="space-to-think@partnership.example",
        SEND_ACKNOWLEDGEMENTS=True,
    )
    smtp_server.start()
    submitted_in(client, "supervision")
    run_outbox(app)
    [acknowledgement] = [m for m in smtp_server.mailbox.messages if m["To"] == VALID_DETAILS["email"]]
    body = " ".join(acknowledgement.get_body(preferencelist=("plain",)).get_content().split())
    # Not a session promised: a redirect may follow (found, content review).
    assert "contact you, to arrange a session or, if another route would suit it better, to say where to go" in body
    assert "Your request was made with your manager or supervisor, in supervision." in body
    assert not re.search(r"\bthe practitioner\b", body, re.I)


@pytest.mark.real_pdf
def test_the_request_pdf_and_supervision_record_made_in_supervision_say_so(client: FlaskClient, app: Flask) -> None:
    walker = Walker(client)
    walker.walk(eligible_path("supervision"))
    record = pdf_text(supervision_record(client).get_data())
    assert "The practitioner can ask for a Space to Think session" in record
    assert "Fill in the request with the practitioner" in record and "Continue to the request" not in record
    assert SUPERVISION_FLAG in record and NOT_DISCUSSED_FLAG in record
    submitted_request(walker)
    run_outbox(app)
    request_pdf = pdf_text(client.get("/request/submitted/request.pdf").get_data())
    assert SUPERVISION_FLAG in request_pdf and NOT_DISCUSSED_FLAG in request_pdf
    assert "Safeguarding lead knows about this request" in request_pdf
    assert not re.search(r"\bwhat they would like\b", request_pdf, re.I)


def test_templates_choose_words_by_mode_through_one_helper() -> None:
    """No template picks its words with an if on the mode: they read them through ``say``."""
    from app.config import PROJECT_ROOT

    offenders = []
    for template in (PROJECT_ROOT / "templates").rglob("*"):
        if template.suffix in (".html", ".txt"):
            source = template.read_text(encoding="utf-8")
            if re.search(r'if mode == "supervision" else|\.for_mode\(mode\)', source):
                offenders.append(str(template.relative_to(PROJECT_ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    "mode, role, agency",
    [
        ("practitioner", "Job role", "Agency or team"),
        ("supervision", "The practitioner's job role", "The practitioner's agency or team"),
    ],
)
def test_the_requests_summary_for_triage_says_whose_job_role_and_agency_it_gives(
    app: Flask, mode: str, role: str, agency: str
) -> None:
    """Found (journey review): in supervision the summary said "Completed by: A manager or
    supervisor", then "Job role" and "Agency or team", which read as the manager's; they are
    the practitioner's."""
    from app.requests.document import request_sections

    document = {"mode": mode, "details": {**VALID_DETAILS, "criteria": []}, "flags": [], "explanation": []}
    with app.test_request_context():
        [triage] = [section for section in request_sections(document) if section.id == "triage"]
    keys = {row.key: row.values for row in triage.rows}
    assert keys[role] == (VALID_DETAILS["job_role"],)
    assert keys[agency] == (VALID_DETAILS["agency"],)


@pytest.mark.parametrize("changed_to", MODES)
def test_who_is_using_this_changed_part_way_says_the_earlier_answers_are_kept(
    client: FlaskClient, changed_to: str
) -> None:
    """Found (supervision review, b148): a practitioner who began alone, joined by their manager
    part-way, went back to "Who is using this" and chose supervision. The next page was the first
    question not yet answered, in supervision's words, and nothing said that the safety questions
    before it had been answered (alone, in the practitioner's words) and kept. The next question
    now says so, once, with where to check them; a first answer to the question says nothing."""
    began_in = "supervision" if changed_to == "practitioner" else "practitioner"
    walker = Walker(client)
    walker.start()
    first = walker.answer("mode", began_in)
    assert "kept" not in main_text(walker.follow(first.location))
    for question_id, value in eligible_path(began_in)[1:4]:
        walker.answer(question_id, value)
    changed = walker.answer("mode", changed_to)
    page = walker.follow(changed.location)
    next_question = eligible_path(changed_to)[4][0]
    assert question_of(page) == next_question
    said = main_text(page)
    assert "You changed who is using this. The answers already given to the earlier questions are kept." in said
    if changed_to == "supervision":
        assert "Check them with the practitioner" in said
    assert_worded_for(changed_to, "the question after who is using this changed", said)
    assert "are kept" not in main_text(walker.follow(f"/questions/{next_question}"))  # said once


@pytest.mark.parametrize("mode", MODES)
def test_the_timeout_warning_speaks_to_the_reader_of_the_mode(client: FlaskClient, mode: str) -> None:
    """Found (supervision review): in supervision every page spoke of "the practitioner", but the
    warning before the answers are cleared said "Do you want to keep your answers? … Keep my
    answers", and so did the Keep button shown without JavaScript: words for one person, where two
    are using the tool together."""
    walker = Walker(client)
    walker.walk(eligible_path(mode)[:3])
    for path in (f"/questions/{eligible_path(mode)[3][0]}", "/request/about-you"):
        if path.startswith("/request"):
            assert walker.walk(eligible_path(mode)).status_code == 200
        page = html.unescape(walker.get(path).get_data(as_text=True))
        warning = re.search(r"<script type=\"text/template\"[^>]*data-app-dialog>(.*?)</script>", page, re.S)
        keep = re.search(r"<noscript>(.*?)</noscript>", page, re.S)
        assert warning and keep, path
        said = " ".join(re.sub(r"<[^>]+>", " ", warning.group(1) + " " + keep.group(1)).split())
        if mode == "supervision":
            assert "Do you want to keep the answers?" in said and "select Keep the answers" in said, said
            assert not re.search(r"\b(your|my) answers\b|\byour information\b", said, re.I), (path, said)
        else:
            assert "Do you want to keep your answers?" in said and "select Keep my answers" in said, said


def test_the_manager_is_told_their_own_details_are_not_asked_for_or_kept(client: FlaskClient) -> None:
    """Found (supervision review): only the privacy notice said so, and a manager wanting a copy
    might put their own email where the practitioner's goes."""
    walker = Walker(client)
    assert walker.walk(eligible_path("supervision")).status_code == 200
    said = main_text(walker.get("/request/about-you"))
    assert (
        "Your own details are not asked for or kept: the acknowledgement and any invitation go to the practitioner."
        in said
    )
