"""Walk a path to every outcome, in both modes, through HTTP, and check the outcome page.

The paths come from the rule pack itself (``enumerate_paths``): one representative per
outcome and mode, plus one per combination of flags, so a new outcome or flag in the pack
is walked without editing this file. Every path of the pack is checked below HTTP by the
rules tests; here we check what the person sees.
"""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from app.rules import JourneyPath, RulePack, enumerate_paths, load_contacts, load_pack
from support.walk import Walker, outcome_of, page_text, path_of, title_of

CONTENT_OUTCOMES = {"U1", "U2", "L", "A", "R", "E", "D", "S", "P"}
CONTACTS = load_contacts()
PACK = load_pack(contacts=CONTACTS)


def representative_paths(pack: RulePack) -> list[JourneyPath]:
    """The first path to each (outcome, mode), then the first to each new set of flags."""
    chosen: dict[object, JourneyPath] = {}
    for path in enumerate_paths(pack):
        chosen.setdefault((path.outcome, path.mode), path)
        chosen.setdefault(("flags", path.outcome, frozenset(path.flags)), path)
    return list(chosen.values())


PATHS = representative_paths(PACK)


def path_id(path: JourneyPath) -> str:
    """A readable test id: outcome, mode and flags."""
    return "-".join([path.outcome, path.mode, *sorted(path.flags)])


def test_the_paths_cover_every_outcome_of_the_content_in_both_modes() -> None:
    assert {p.outcome for p in PATHS} == CONTENT_OUTCOMES
    assert {(p.outcome, p.mode) for p in PATHS} == {
        (o, m) for o in CONTENT_OUTCOMES for m in ("practitioner", "supervision")
    }


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_walking_the_path_shows_its_outcome_and_why(client, app: Flask, path: JourneyPath) -> None:
    walker = Walker(client)
    response = walker.walk(path.answers)
    page = page_text(response)
    outcome = PACK.outcome(path.outcome)
    assert outcome is not None

    assert response.status_code == 200
    assert path_of(response.request.path) == "/result"
    assert outcome_of(response) == path.outcome
    assert f'data-mode="{path.mode}"' in page
    # The heading names the outcome; the page title does not, so a browser's history does not say
    # what the worry was ("Consult the LADO", on a shared computer: new-user review).
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading and outcome.title.for_mode(path.mode) in html.unescape(re.sub(r"<[^>]+>", "", heading.group(1)))
    assert title_of(response).startswith("Your result – " if path.mode == "practitioner" else "The result – ")

    # What to do now, in the mode's wording.
    for action in outcome.actions:
        assert action.for_mode(path.mode) in page
    # The contacts that apply, phone numbers as tel: links, emails as mailto: links.
    for contact_id in outcome.contacts:
        contact = CONTACTS.get(contact_id)
        assert contact is not None
        assert f'data-contact="{contact_id}"' in page
        if contact.phone:
            assert f'href="tel:{contact.phone.replace(" ", "")}"' in page
        if contact.email:
            assert f'href="mailto:{contact.email}"' in page
    # Why: every answered question, the answer's label, and the guidance each rule cites.
    explanation = page.split('id="why"', 1)[1]
    for question_id, value in path.answers:
        question = PACK.question(question_id)
        assert question is not None
        assert f'data-question="{question_id}"' in explanation
        assert question.short.for_mode(path.mode) in explanation
        assert f'href="/questions/{question_id}?return_to=result"' in explanation  # Back returns here
        for chosen in [value] if isinstance(value, str) else value:
            option = question.option(chosen)
            assert option is not None
            # A confirmation reads "Confirmed" (its statement was on the question page); the rest, their label.
            assert ("Confirmed" if question.kind == "confirm" else option.label.for_mode(path.mode)) in explanation
            for guidance_id in question.cites_for(option):
                guidance = PACK.guidance_for(guidance_id)
                assert guidance is not None
                assert guidance.source in explanation
                assert guidance.text in explanation
    for guidance_id in outcome.cites:
        guidance = PACK.guidance_for(guidance_id)
        assert guidance is not None and guidance.source in explanation
    # Flags, in plain words; the version and review date.
    for flag_id in path.flags:
        flag = PACK.flag(flag_id)
        assert flag is not None and flag.label in page
    assert f"Rules version {PACK.version[:12]}" in page
    assert f'data-pack-version="{PACK.version}"' in page
    # Start again is a form that posts with a CSRF token.
    assert re.search(r'<form method="post" action="/start-again"[^>]*>\s*<input type="hidden" name="csrf_token"', page)
    # The request button only for the outcome that leads to a request, after what to do and not to
    # put in it (found in review: it came first, before "Do not include anything that could
    # identify the child or family"), and before the contacts, which are for a new concern.
    assert ("app-continue-to-request" in page) == outcome.request
    if outcome.request:
        button = page.index("app-continue-to-request")
        assert page.index("app-actions") < page.index("Do not include anything that could identify") < button
        assert button < page.index("app-contacts")
    # CONTENT.md: in supervision mode every outcome also offers the supervision record PDF.
    assert ('href="/request/supervision-record"' in page) == (path.mode == "supervision")
    # No answer ever appears in a URL: every address seen names only a page or a question.
    assert_no_answers_in_urls(walker.urls)


def assert_no_answers_in_urls(urls: list[str]) -> None:
    """Every URL is a known page or question address, with no query string or fragment."""
    allowed = {"/", "/start", "/result", "/start-again", *(f"/questions/{q.id}" for q in PACK.questions)}
    assert urls
    for url in urls:
        assert "?" not in url and "#" not in url, url
        assert path_of(url) in allowed, url


@pytest.mark.parametrize("outcome_id", sorted(CONTENT_OUTCOMES))
def test_supervision_mode_uses_supervision_wording(client, outcome_id: str) -> None:
    path = next(p for p in PATHS if p.outcome == outcome_id and p.mode == "supervision")
    page = page_text(Walker(client).walk(path.answers))
    outcome = PACK.outcome(outcome_id)
    assert outcome is not None
    for text in (outcome.title, outcome.summary, *outcome.actions):
        assert text.supervision in page
        # (Unless the supervision words say the practitioner's and more: "Report the abuse or neglect
        # to adult social care. Agree now which of you will do it, and by when.")
        if text.practitioner != text.supervision and text.practitioner not in text.supervision:
            assert text.practitioner not in page
    # The answers on the path are shown in supervision wording.
    for question_id, value in path.answers:
        question = PACK.question(question_id)
        assert question is not None
        for chosen in [value] if isinstance(value, str) else value:
            option = question.option(chosen)
            assert option is not None
            # A confirmation reads "Confirmed" on the outcome (its statement was on the question page).
            assert ("Confirmed" if question.kind == "confirm" else option.label.supervision) in page
            if option.label.practitioner != option.label.supervision:
                assert option.label.practitioner not in page
