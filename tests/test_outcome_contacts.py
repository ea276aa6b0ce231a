"""Every outcome ends in something a person can do, in both modes, through HTTP.

One path to each outcome in each mode comes from the pack (``enumerate_paths``), so a new
outcome is checked without editing this file. What is checked is what a person relies on:
a phone number or a page to act on at once, no link to an old news post, guidance that is
only summarised never shown as a quote, and the ways on that each route's content names.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from app.rules import JourneyPath, enumerate_paths, load_contacts, load_pack
from support.database import dispose, migrated_sqlite
from support.walk import Walker

CONTACTS = load_contacts()
PACK = load_pack(contacts=CONTACTS)
MANAGING_ALLEGATIONS = "https://safeguardingchildren.salford.gov.uk/professionals/managing-allegations-against-adults-who-work-with-children"
FRONT_DOOR_TEL = "tel:01616034500"


def one_path_per_outcome_and_mode() -> list[JourneyPath]:
    """The first path the pack gives to each (outcome, mode)."""
    chosen: dict[tuple[str, str], JourneyPath] = {}
    for path in enumerate_paths(PACK):
        chosen.setdefault((path.outcome, path.mode), path)
    return list(chosen.values())


PATHS = one_path_per_outcome_and_mode()


Pages = dict[tuple[str, str], str]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    """Each outcome page's <main> HTML, in each mode, reached by answering as a person would.

    Walked once for the module (one app, a fresh client per path): the pages are only read.
    """
    from app import create_app

    database = migrated_sqlite(tmp_path_factory.mktemp("outcomes") / "test.db")
    application = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database})
    found: Pages = {}
    for path in PATHS:
        response = Walker(application.test_client()).walk(path.answers)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        found[(path.outcome, path.mode)] = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    yield found
    dispose(application)


def links(html: str) -> list[str]:
    """Every link address in ``html``, in page order."""
    return [html_module.unescape(href) for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)]


def test_there_is_a_path_to_every_outcome_in_both_modes() -> None:
    assert {(p.outcome, p.mode) for p in PATHS} == {
        (o.id, mode) for o in PACK.outcomes for mode in ("practitioner", "supervision")
    }


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.outcome}-{p.mode}")
def test_every_outcome_offers_a_phone_number_or_a_page_first_and_no_news_post(pages: Pages, path: JourneyPath) -> None:
    main = pages[(path.outcome, path.mode)]
    found = links(main)
    assert any(href.startswith(("tel:", "https://")) for href in found), f"{path.outcome}: nothing to act on"
    assert not [href for href in found if "/news/" in href], f"{path.outcome} links to a news post"
    # Above the fold: the first link after the heading is a phone number or a page
    # (the eligible outcome's first is its request button, then the contacts).
    after_heading = links(main.split("</h1>", 1)[1])
    outcome = PACK.outcome(path.outcome)
    assert outcome is not None
    first = after_heading[1] if outcome.request else after_heading[0]
    if outcome.request:
        assert after_heading[0] == "/request"
    assert first.startswith(("tel:", "https://", "mailto:")), f"{path.outcome}: first link is {first}"
    assert any(h.startswith(("tel:", "https://")) for h in after_heading[: 3 if outcome.request else 2])


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.outcome}-{p.mode}")
def test_summaries_are_labelled_and_only_verbatim_quotes_are_quotes(pages: Pages, path: JourneyPath) -> None:
    main = html_module.unescape(pages[(path.outcome, path.mode)])
    quoted = " ".join(re.findall(r"<blockquote\b[^>]*>(.*?)</blockquote>", main, re.S))
    details = main.split('id="guidance"', 1)[1]
    for guidance in PACK.guidance:
        if guidance.text not in details:
            continue
        if guidance.quote:
            assert guidance.text in quoted
        else:
            assert guidance.text not in quoted, f"summary {guidance.id} is shown as a quote"
            assert guidance.label in details and guidance.label.startswith("Summary of ")


def test_allegation_links_to_the_managing_allegations_page_with_the_portal_and_one_working_day(pages: Pages) -> None:
    main = pages[("L", "practitioner")]
    assert links(main.split("</h1>", 1)[1])[0] == MANAGING_ALLEGATIONS
    text = html_module.unescape(main)
    assert "within one working day" in text and "referral to LADO" in text
    assert "Salford Children and Families Portal" in text


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_a_new_concern_also_points_to_the_lado_for_an_adult_who_works_with_children(pages: Pages, mode: str) -> None:
    main = pages[("U2", mode)]
    assert MANAGING_ALLEGATIONS in links(main)
    assert FRONT_DOOR_TEL in links(main)


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_a_new_concern_about_an_adult_who_works_with_children_gives_the_allegation_pages_steps(
    pages: Pages, mode: str
) -> None:
    """Found (practitioners' cases review): a worry about a colleague that no one has been told of
    is answered "Yes" at the concern not yet shared, so reaches this page before the allegation
    question; it named the LADO with none of L's steps (CONTENT.md: "also consult the LADO (as in
    L)"), and a manager could go on to question the colleague."""
    text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", pages[("U2", mode)])).split())
    assert "named senior officer for allegations" in text and "within one working day of becoming aware" in text
    assert (
        "consulted within one working day" in text
        or "consult the Local Authority Designated Officer (LADO) within one working day" in text
    )
    assert "Do not investigate before consulting the LADO" in text
    if mode == "supervision":
        assert "if you are the line manager, you are now aware too" in text
        assert "Agree now who will consult the LADO" in text


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_escalation_and_an_adult_at_risk_keep_the_childs_safety_in_view(pages: Pages, mode: str) -> None:
    """Found (practitioners' cases review): a 17-year-old going missing, their case closed: the
    escalation page said nothing of the child's safety while the decision is challenged, and had
    no contact but the procedure. An adult social care worker whose client has young children was
    told nothing about them. Each page now says so, with children's social care to contact."""
    escalation = pages[("E", mode)]
    said = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", escalation)).split())
    assert "act on any new concern about the child's safety" in said
    if mode == "supervision":  # who acts is agreed (second regression review)
        assert "agree with the practitioner who will act on any new concern" in said
    assert "(for example, if the child goes missing)" in said and "If a child is in immediate danger, call 999" in said
    assert FRONT_DOOR_TEL in links(escalation) and "tel:999" in links(escalation)
    adult = pages[("A", mode)]
    said = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", adult)).split())
    assert "If children live with this adult or are cared for by them, think about their safety too" in said
    assert "If there is a worry about children who live with or are cared for by this adult" in said
    assert FRONT_DOOR_TEL in links(adult)


def test_in_supervision_each_step_says_who_does_it(pages: Pages) -> None:
    """Found (supervision review): in supervision, U1's "Then contact children's social care now"
    and D's two steps named no one (each person could leave the meeting thinking the other would);
    A said "Report the abuse" and then "Agree who will report it"; its card said "If you are
    worried", the worry being the practitioner's; R's children's social care card said nothing of
    why it was there."""

    def said(outcome: str) -> str:
        return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", pages[(outcome, "supervision")])).split())

    assert "Then agree now who will contact children's social care (the Bridge Partnership)" in said("U1")
    assert "tell their designated safeguarding lead today" in said("U1")
    assert "Agree with the practitioner who will contact the lead professional" in said("D")
    assert "Agree which of the meetings already in place to take this to" in said("D")
    assert "Agree now who will report the abuse or neglect to adult social care, and by when" in said("A")
    assert "Report the abuse or neglect to adult social care. Agree" not in said("A")
    assert "If children's social care does not know what happened, or another child may be at risk" in said("R")
    assert (
        "If a child may be in immediate danger, agree now who calls 999, and call now. Do not wait until this "
        "supervision ends" in said("U2")
    )
    assert "If there is a worry about children" in said("A") and "If you are worried" not in said("A")


def test_the_concern_and_allegation_questions_say_who_counts() -> None:
    """Found (practitioners' cases review): a housing officer took a homeless 17-year-old for a young
    adult and answered that they had no concern "of that kind" about a child; a supervising social
    worker was unsure whether a foster carer "works or volunteers with children"."""
    concern, allegation = PACK.question("unshared_concern"), PACK.question("allegation")
    assert concern is not None and concern.hint is not None and allegation is not None and allegation.hint is not None
    for mode in ("practitioner", "supervision"):
        # Not "including an unborn baby" as if the law said so (found, safeguarding lead's review):
        # the practice point stands beside the definition.
        assert concern.hint.for_mode(mode).startswith(
            "A child is anyone under 18. A worry about an unborn baby also goes to children's social care."
        )
        assert "including an unborn baby" not in concern.hint.for_mode(mode)
        assert "a volunteer or a foster carer" in allegation.hint.for_mode(mode)


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_a_decision_or_plan_does_not_send_people_to_the_front_door(pages: Pages, mode: str) -> None:
    main = pages[("D", mode)]
    assert FRONT_DOOR_TEL not in links(main) and "0161 603 4500" not in main


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_serious_harm_links_to_changing_that_answer_not_starting_again(pages: Pages, mode: str) -> None:
    main = pages[("R", mode)]
    actions = main.split("</h1>", 1)[1].split('id="why"', 1)[0]
    # The link comes back to this outcome once the answer is changed (as check your answers does).
    assert "/questions/serious_incident?return_to=result" in links(actions)
    assert "start again and answer" not in html_module.unescape(main).lower()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.outcome}-{p.mode}")
def test_contact_cards_give_hours_on_their_own_line_and_links_that_say_where_they_go(
    pages: Pages, path: JourneyPath
) -> None:
    """A contact's hours read as a sentence of their own (not in brackets after the number,
    where the Emergency Duty Team's once nested brackets); no link repeats its card's heading."""
    main = html_module.unescape(pages[(path.outcome, path.mode)])
    cards = re.findall(r'<li class="app-contact" data-contact="([^"]+)">(.*?)</li>', main, re.S)
    assert cards, f"{path.outcome}: no contact cards"
    for contact_id, card in cards:
        contact = CONTACTS.get(contact_id)
        assert contact is not None
        phone_line = re.search(r'<p class="[^"]*app-contact__phone">(.*?)</p>', card, re.S)
        if contact.hours:
            assert phone_line is not None and "(" not in phone_line.group(1)
            hours = re.findall(r'<p class="[^"]*app-contact__hours">(.*?)</p>', card, re.S)
            assert hours == [contact.hours]
        heading = re.sub(r"<[^>]+>", "", card.split("</h3>", 1)[0]).strip()
        link_texts = [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<a\b[^>]*>(.*?)</a>", card, re.S)]
        assert heading not in link_texts, f"{contact_id}: a link repeats the heading {heading!r}"


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_supervision_or_another_route_does_not_send_the_case_to_the_partnerships_email(pages: Pages, mode: str) -> None:
    """Found: outcome S listed first the partnership's general email ("Email the partnership
    about this tool or the guidance"), which read as a place to take the case. CONTENT.md points
    S to the person's own supervision, safeguarding lead or team (its actions), with children's
    social care only if a concern about a child comes up: so "Who to contact", not "... now"."""
    main = html_module.unescape(pages[("S", mode)])
    assert "mailto:" not in main and "sscp@salford.gov.uk" not in main
    cards = re.findall(r'<li class="app-contact" data-contact="([^"]+)">(.*?)</li>', main, re.S)
    assert [contact_id for contact_id, _ in cards] == ["childrens_social_care"]
    assert "If a concern about a child's safety or welfare comes up:" in cards[0][1]
    assert '<h2 class="govuk-heading-m">Who to contact</h2>' in main
    actions = " ".join(re.sub(r"<[^>]+>", " ", main.split("What to do now", 1)[1].split("</ul>", 1)[0]).split())
    assert "supervis" in actions and "safeguarding lead" in actions and "team" in actions


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.outcome}-{p.mode}")
def test_a_heading_says_where_to_go_over_pages_and_who_to_contact_over_people(pages: Pages, path: JourneyPath) -> None:
    """Found (new-user review): "Who to contact now" stood over a policy page (the escalation
    procedure), which is a page to read, not someone to reach."""
    outcome = PACK.outcome(path.outcome)
    assert outcome is not None
    contacts = [CONTACTS.get(contact_id) for contact_id in outcome.contacts]
    if not contacts:
        return
    main = html_module.unescape(pages[(path.outcome, path.mode)])
    heading = re.search(r'<h2 class="govuk-heading-m">((?:Who to contact|Where to go)(?: now)?)</h2>', main)
    assert heading, main
    people = any(contact is not None and (contact.phone or contact.email) for contact in contacts)
    assert heading.group(1).startswith("Who to contact" if people else "Where to go")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.outcome}-{p.mode}")
def test_contact_cards_never_say_you_so_they_read_right_in_both_modes(pages: Pages, path: JourneyPath) -> None:
    """A contact's words are the same in both modes: in supervision "your agency's
    representative" spoke to the manager about the practitioner's agency. (Its note, from the
    rule pack, is worded for each mode, and is left out here.)"""
    main = html_module.unescape(pages[(path.outcome, path.mode)])
    for contact_id, card in re.findall(r'<li class="app-contact" data-contact="([^"]+)">(.*?)</li>', main, re.S):
        card = re.sub(r'<p class="[^"]*app-contact__when">.*?</p>', " ", card, flags=re.S)
        said = " ".join(re.sub(r"<[^>]+>", " ", card).split())
        assert not re.search(r"\byou(r|rs|rself)?\b", said, re.I), (contact_id, said)
    if path.mode == "supervision" and path.outcome == "R":
        assert "Referrals go through the agency's representative on the practice review subgroup." in main


def test_an_outcome_says_whether_the_front_door_is_open_now_and_whom_to_call_instead(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (review as someone worried about a child on a phone, at 11pm on a Saturday): the
    immediate-danger page gave the Bridge Partnership's number first, closed, and left the reader to
    work out from its hours that the Emergency Duty Team's was the one to call. The Bridge's card
    says whether its phone line is usually open now, in UK time, and, closed, the Emergency Duty
    Team's number if it cannot wait (regression review: not "call" unconditionally, nor, open,
    "if it does not answer", beside the team's card saying it covers only outside these hours). Never
    when it opens next (regression review: "It opens at 8:30am tomorrow" on
    Christmas Eve; and on an outcome whose only card it is, a reason to wait). Closed on England's bank
    holidays (found, review of Christmas Day: "usually open now (not on bank holidays)" on Christmas
    morning). On screen only, and the same answers' page is never kept with another time's words."""
    import datetime as dt

    from app import pack

    at: list[dt.datetime] = []
    monkeypatch.setattr(pack, "uk_now", lambda: at[-1])
    # Until when: the page does not change while it is open (found, clock review).
    open_words = "This phone line is usually open now, until 4:30pm."
    # Where the first step is to call 999 (U1), the number to call instead, with no "if it cannot wait"
    # (found, first-time users' review: at 4.45pm on a Friday it asked whether "Call 999" could wait
    # until Monday); so too on a route to act on now (U2, act_now: found, content review: "share the
    # concern now" above "if it cannot wait until it opens"); elsewhere (L), if it cannot wait.
    # Nor on a card an act-now outcome gives for one case only (R's, with its when-note: regression review).
    instead = "This phone line is closed now. Call instead: Emergency Duty Team (out of hours), 0161 794 8888."
    unless = "This phone line is closed now. If it cannot wait until it opens: Emergency Duty Team (out of hours), "
    closed = {"U1": instead, "U2": instead, "L": unless + "0161 794 8888.", "R": unless + "0161 794 8888."}
    for outcome in ("U1", "U2", "L", "R"):
        closed_words = closed[outcome]
        path = next(p for p in PATHS if p.outcome == outcome and p.mode == "practitioner")
        client = app.test_client()
        for number, (moment, said) in enumerate(
            (
                (dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.UTC), closed_words),  # Saturday night
                (dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC), open_words),
                (dt.datetime(2026, 12, 4, 16, 29, tzinfo=dt.UTC), open_words),
                (dt.datetime(2026, 12, 4, 16, 30, tzinfo=dt.UTC), closed_words),  # Friday, closing time
                (dt.datetime(2026, 12, 7, 8, 29, tzinfo=dt.UTC), closed_words),  # Monday, a minute before
                # British Summer Time: 7:45 UTC is 8:45 in the UK, open; 15:45 UTC is 4:45pm, closed.
                (dt.datetime(2026, 7, 3, 7, 45, tzinfo=dt.UTC), open_words),
                (dt.datetime(2026, 7, 2, 15, 45, tzinfo=dt.UTC), closed_words),
                # Bank holidays: Christmas Day (a Friday), the Monday given for Boxing Day, and the day after.
                (dt.datetime(2026, 12, 25, 10, 0, tzinfo=dt.UTC), closed_words),
                (dt.datetime(2026, 12, 28, 10, 0, tzinfo=dt.UTC), closed_words),
                (dt.datetime(2026, 12, 29, 10, 0, tzinfo=dt.UTC), open_words),
            )
        ):
            at.append(moment)
            response = Walker(client).walk(path.answers) if number == 0 else client.get("/result")
            page = response.get_data(as_text=True)
            card = page.split('data-contact="childrens_social_care"', 1)[1].split("</li>", 1)[0]
            line = card.split("data-open-now=", 1)[1].split("</p>", 1)[0]
            assert ('href="tel:01617948888"' in line) is (said == closed_words), line  # (open: its own number)
            assert "opens at" not in page and "Monday" not in line, (outcome, moment)
            # Left out of text copied from the page (found, printing review), as of a printed page.
            assert "app-open-now" in card.split("data-open-now=", 1)[0][-200:]
            if said == instead:
                # Closed on a route to act on now: one line naming the number once, its words for the
                # screen and for paper apart (found, safeguarding lead's review: the screen's line and
                # the paper's both, without the style sheet, the second "if it cannot wait").
                assert card.count("0161 794 8888") == 1, card
                assert '<span class="app-screen-only">This phone line is closed now. Call instead:</span>' in line
                assert (
                    '<span class="app-print-only app-print-only--inline" data-print-outside-hours>Outside these '
                    "hours, call:</span>"
                ) in line, line
                assert "Emergency Duty Team (out of hours), <a" in line and "if it cannot wait" not in card
                continue
            assert said in html_module.unescape(re.sub(r"<[^>]+>", "", line.split(">", 1)[1])), (outcome, moment, line)
            assert "app-screen-only" in card.split("data-open-now=", 1)[0][-200:]
            # On paper, read at any hour, the line to call outside these hours, open or closed now
            # (found, printing review: only in the footer, on the last sheet).
            assert (
                '<p class="govuk-body-s govuk-!-margin-bottom-1 app-print-only" data-print-outside-hours>Outside these '
                "hours, if it cannot wait: Emergency Duty Team (out of hours), 0161 794 8888.</p>"
            ) in card, card


def test_an_outcome_says_until_when_a_line_is_open_by_that_days_own_hours(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (another area's review): a line open until 5pm Monday to Thursday and 4:30pm on Fridays
    could not be given. With ``except``, the outcome page says it is open until that day's closing
    time, and closed after it, the page kept for one day not shown on another."""
    import datetime as dt
    from dataclasses import replace

    from app import pack

    with app.app_context():
        book = pack.current_contacts()
        bridge = book.get("childrens_social_care")
        assert bridge is not None and bridge.open is not None
        friday = (frozenset({4}), bridge.open.opens, dt.time(16, 30))
        hours = replace(bridge.open, closes=dt.time(17, 0), exceptions=(friday,))
        app.extensions[pack.CONTACTS_KEY] = replace(
            book, contacts=tuple(replace(c, open=hours) if c.id == bridge.id else c for c in book.contacts)
        )
    at: list[dt.datetime] = []
    monkeypatch.setattr(pack, "uk_now", lambda: at[-1])
    path = next(p for p in PATHS if p.outcome == "L" and p.mode == "practitioner")
    client = app.test_client()
    for number, (moment, said) in enumerate(
        (
            (dt.datetime(2026, 12, 10, 16, 45, tzinfo=dt.UTC), "This phone line is usually open now, until 5pm."),
            (dt.datetime(2026, 12, 11, 16, 15, tzinfo=dt.UTC), "This phone line is usually open now, until 4:30pm."),
            (dt.datetime(2026, 12, 11, 16, 45, tzinfo=dt.UTC), "This phone line is closed now."),
            (dt.datetime(2026, 12, 10, 16, 15, tzinfo=dt.UTC), "This phone line is usually open now, until 5pm."),
        )
    ):
        at.append(moment)
        response = Walker(client).walk(path.answers) if number == 0 else client.get("/result")
        card = response.get_data(as_text=True).split('data-contact="childrens_social_care"', 1)[1].split("</li>", 1)[0]
        line = html_module.unescape(re.sub(r"<[^>]+>", "", card.split("data-open-now=", 1)[1].split("</p>", 1)[0]))
        assert said in line, (moment, line)


def test_the_urgent_contacts_under_not_an_urgent_route_say_when_the_front_door_is_closed(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (Christmas week review): on Christmas Day the page after sending a request, the
    request's "how soon" page and the answers-cleared page listed the Bridge Partnership's number
    first, and nothing said it was closed, where the outcome's card did. Each says so now, on screen."""
    import datetime as dt

    from app import pack

    for moment, closed in (
        (dt.datetime(2026, 12, 25, 10, 0, tzinfo=dt.UTC), True),  # Christmas Day
        (dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.UTC), True),  # Saturday night
        (dt.datetime(2026, 12, 29, 10, 0, tzinfo=dt.UTC), False),
    ):
        monkeypatch.setattr(pack, "uk_now", lambda at=moment: at)
        page = app.test_client().get("/session-expired").get_data(as_text=True)
        listed = page.split('aria-label="Contacts if a child is at risk"', 1)[1].split("</ul>", 1)[0]
        bridge = next(item for item in listed.split("<li>") if "the Bridge Partnership" in item)
        said = (
            '<span class="app-screen-only app-open-now" data-open-now="closed">. This phone line is closed now</span>'
        )
        assert (said in bridge) is closed, (moment, bridge)
        assert "closed now" not in listed.replace(bridge, ""), listed  # (the others are always open)


def test_closed_now_after_hours_ending_with_a_full_stop_has_one(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression review: a partnership's hours ending with a full stop read "...5pm.. This phone
    line is closed now"."""
    import datetime as dt
    from types import SimpleNamespace

    from app import pack
    from app.rules.model import Contact, OpenHours, Verification

    hours = OpenHours(frozenset(range(5)), dt.time(9), dt.time(17), "out_of_hours")
    checked = Verification(dt.date(2026, 12, 1), "compared with the published page", ("example",))
    front_door = Contact(
        "front_door", "The front door", "Refer here.", checked, "0161 000 0000", "Weekdays, 9am to 5pm.", hours
    )
    book = SimpleNamespace(emergency=(front_door,), get={"front_door": front_door}.get)
    monkeypatch.setattr(pack, "current_contacts", lambda: book)
    monkeypatch.setattr(pack, "uk_now", lambda: dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.UTC))  # a Saturday night
    with app.test_request_context():
        listed = app.jinja_env.from_string(
            '{% from "requests/_urgent_contacts.html" import urgent_contacts %}{{ urgent_contacts(book) }}'
        ).render(book=book)
    assert "Weekdays, 9am to 5pm.<span" in listed and '"closed"> This phone line is closed now</span>' in listed, listed


@pytest.mark.parametrize("mode", ["practitioner", "supervision"])
def test_an_adult_at_risk_outcome_offers_999_in_its_own_contacts(pages: Pages, mode: str) -> None:
    """Found (mutation review): outcome A could lose its 999 contact and only a picture of the pack
    noticed (the footer still offers 999, many screens down on a phone)."""
    assert "tel:999" in links(pages[("A", mode)])


def test_every_pages_emergency_contacts_put_999_first(app: Flask) -> None:
    """The footer's emergency contacts, on every page, start with 999. Found (mutation review):
    their order was pinned only by a picture of the pack and a diff message's words."""
    page = app.test_client().get("/").get_data(as_text=True)
    footer = page.split('id="emergency-contacts-heading"', 1)[1]
    assert re.findall(r'href="(tel:[^"]+)"', footer)[0] == "tel:999"
