"""The request pages say what they will refuse before it is refused: every free-text limit is
shown up front (review L2), and a month and year error outlines the input at fault and links
to it (review L4). Also the one name for the rules' version on every page a user reads (L6)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from app import uk_time
from app.requests import forms, service, views
from app.requests.fields import FIELDS, FIELDS_BY_NAME, LONG_TEXT_KINDS, clean_details
from support.clock import stop_clock
from support.submission import VALID_DETAILS, fill_details, post_page, submitted_request, to_outcome

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def text_of(page: str) -> str:
    """A page's main content as plain text."""
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def outlined(page: str) -> set[str]:
    """The ids of the inputs drawn with the GOV.UK error outline."""
    found = set()
    for tag in re.findall(r"<input\b[^>]*>", page):
        classes = re.search(r'class="([^"]*)"', tag)
        ident = re.search(r'id="([^"]*)"', tag)
        if classes and ident and "govuk-input--error" in classes.group(1).split():
            found.add(ident.group(1))
    return found


def summary_links(page: str) -> list[str]:
    """The error summary's links (their targets)."""
    start = page.index("govuk-error-summary")
    return re.findall(r'href="(#[^"]+)"', page[start : page.index("</ul>", start)])


# --- L2: limits shown up front ------------------------------------------------------------


def test_every_long_text_field_has_a_character_count() -> None:
    """A textarea with a limit uses the GOV.UK character count, which says the limit before it is reached."""
    long_text = [entry for entry in FIELDS if entry.kind in LONG_TEXT_KINDS]
    assert {entry.name for entry in long_text} >= {
        "other_agencies",
        "family_knows_reason",
        "availability",
        "access_needs",
    }
    assert [entry.name for entry in long_text if entry.kind != "character_count"] == []


@pytest.mark.parametrize(
    "slug, name, limit",
    [
        ("child-and-family", "other_agencies", 500),
        ("family", "family_knows_reason", 500),
        ("preferences", "availability", 500),
        ("preferences", "access_needs", 500),
    ],
)
def test_the_optional_textareas_say_their_limit_before_the_error(client, slug, name, limit) -> None:
    walker = to_outcome(client)
    page = walker.get(f"/request/{slug}").get_data(as_text=True)
    assert f'data-maxlength="{limit}"' in page
    textarea = re.search(rf'<textarea\b[^>]*\bname="{name}"[^>]*>', page)
    assert textarea is not None
    # The counter's hint is the field's description, so a screen reader hears it with the label.
    assert f"{name}-info" in textarea.group(0)
    info = re.search(rf'<div id="{name}-info"[^>]*>\s*(.*?)\s*</div>', page, re.S)
    assert info is not None and info.group(1) == f"You can enter up to {limit} characters"
    assert 'rows="3"' in textarea.group(0)  # as small as before: these are short, optional answers


def test_the_lead_professional_hint_says_its_limit(client) -> None:
    walker = to_outcome(client)
    page = walker.get("/request/child-and-family").get_data(as_text=True)
    hint = re.search(r'<div id="lead_professional-hint"[^>]*>\s*(.*?)\s*</div>', page, re.S)
    assert hint is not None and "You can enter up to 120 characters" in html.unescape(hint.group(1))
    assert FIELDS_BY_NAME["lead_professional"].limit == 120


def test_a_too_long_reason_the_family_does_not_know_reads_plainly(client) -> None:
    walker = to_outcome(client)
    response = post_page(walker, "family", {"family_knows": "not_yet", "family_knows_reason": "a" * 501})
    assert response.status_code == 200
    words = text_of(response.get_data(as_text=True))
    assert "The reason the family does not know yet must be 500 characters or less" in words
    assert "Why the family does not know yet must be" not in words


# --- L4: month and year errors outline the input at fault -----------------------------------


def event_date_refused(client, monkeypatch, month: str, year: str) -> str:  # type: ignore[no-untyped-def]
    """The significant-event page after posting this month and year on 15 June 2025, refused (200)."""
    stop_clock(monkeypatch, dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), uk_time)
    walker = to_outcome(client)
    response = post_page(walker, "significant-event", {"event_month": month, "event_year": year})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_this_month_is_the_month_in_the_uk(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Found (review): "this month or in the past" went by the date in UTC, so from midnight to
    1am on the first of a month in British Summer Time, the month just begun was refused as in
    the future, on the page and again at check answers and on sending."""
    moment = dt.datetime(2027, 5, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 June 2027 in the UK
    stop_clock(monkeypatch, moment, uk_time)
    for module in (forms, views, service):  # the server's clock (UTC), as the checks read it before
        monkeypatch.setattr(module, "utcnow", lambda: moment.replace(tzinfo=None), raising=False)
    walker = to_outcome(client)
    response = post_page(walker, "significant-event", {"event_month": "6", "event_year": "2027"})
    assert response.status_code == 302, text_of(response.get_data(as_text=True))
    # And at check answers and on sending (the views check every page again).
    submitted_request(walker, details={**VALID_DETAILS, "event_month": "6", "event_year": "2027"})


@pytest.mark.parametrize(
    "month, year, at_fault, message",
    [
        ("", "", {"event_month", "event_year"}, "Enter the month and year"),
        ("", "2024", {"event_month"}, "must include a month"),
        ("3", "", {"event_year"}, "must include a year"),
        ("13", "2024", {"event_month"}, "must be a real date"),
        ("abc", "def", {"event_month", "event_year"}, "must be a real date"),
        ("3", "def", {"event_year"}, "must be a real date"),
        ("13", "20", {"event_month", "event_year"}, "must be a real date"),  # both wrong: both outlined
        ("3", "24", {"event_year"}, "Year must include 4 numbers"),
        ("3", "1949", {"event_year"}, "must be January 1950 or later"),
        ("3", "2099", {"event_year"}, "must be this month or in the past"),
        ("7", "2025", {"event_month"}, "must be this month or in the past"),  # this year (2025), a later month
    ],
)
def test_a_month_and_year_error_outlines_the_input_at_fault(
    client, monkeypatch, month, year, at_fault, message
) -> None:
    page = event_date_refused(client, monkeypatch, month, year)
    assert message in text_of(page)
    assert outlined(page) == at_fault
    first = "event_month" if "event_month" in at_fault else "event_year"
    assert summary_links(page) == [f"#{first}"]  # one message, linked to the first input outlined
    assert page.count('class="govuk-error-message"') == 1


def test_the_month_may_be_typed_as_its_name_whole_or_shortened_in_any_case(client) -> None:
    """Found (practitioner review): "feb" with 2025 was "not a real date"; the GOV.UK date input
    pattern asks services to accept month names and abbreviations in the month field."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "event_month": "feb", "event_year": "2025"})
    for typed, shown in [
        ("feb", "February 2025"),
        ("February", "February 2025"),
        ("SEPT", "September 2025"),
        ("Sep.", "September 2025"),
        (" mar ", "March 2025"),
        ("03", "March 2025"),
    ]:
        response = post_page(walker, "significant-event", {"event_month": typed, "event_year": "2025"}, change=True)
        assert response.status_code == 302, (typed, text_of(response.get_data(as_text=True)))
        check = text_of(walker.get("/request/check-answers").get_data(as_text=True))
        assert f"When the significant event was {shown}" in check, typed


@pytest.mark.parametrize(
    "month, year, message",
    [
        ("feb", "25", "Year must include 4 numbers"),
        ("Febr", "2025", "Enter the month as a number, like 10, or its name in English"),  # said what to type
        ("Dec", "2025", "must be this month or in the past"),  # this year (2025), a later month
        pytest.param("1" * 5000, "2025", "must be a real date", id="5000 digits"),  # was a 500: int() refuses them
    ],
)
def test_a_month_name_is_kept_after_an_error_and_a_misspelt_one_is_not_a_real_date(
    client, monkeypatch, month, year, message
) -> None:
    page = event_date_refused(client, monkeypatch, month, year)
    assert message in text_of(page)
    assert re.search(rf'name="event_month"[^>]*value="{re.escape(month)}"', page)


@pytest.mark.parametrize(
    "month, year, message",
    [
        ("12/03/2015", "", "Enter only the month and year of the significant event, not the day"),
        ("12-3-2015", "2015", "Enter only the month and year of the significant event, not the day"),
        ("12 March 2015", "", "Enter only the month and year of the significant event, not the day"),
        ("2015-03-12", "", "Enter only the month and year of the significant event, not the day"),
        ("03/2015", "", "Enter the month in the Month box and the year in the Year box"),
        ("3 2025", "", "Enter the month in the Month box and the year in the Year box"),
        ("March 2015", "2015", "Enter the month in the Month box and the year in the Year box"),
        ("０３/２０１５", "", "Enter the month in the Month box and the year in the Year box"),
    ],
)
def test_a_date_typed_in_the_month_box_says_what_to_type_where(client, monkeypatch, month, year, message) -> None:
    """Found (practitioner review): a whole date in the month box ("12/03/2015") was told it
    "must include a year". The day is not dropped for them (12/03 is 3 December written month
    first): they are told to give the month and year only; what they typed is kept to correct."""
    page = event_date_refused(client, monkeypatch, month, year)
    assert message in text_of(page)
    assert "must include a year" not in text_of(page)
    assert outlined(page) == {"event_month"}
    assert summary_links(page) == ["#event_month"]
    assert re.search(rf'name="event_month"[^>]*value="{re.escape(month)}"', page)


def test_full_width_digits_are_read_as_digits(client) -> None:
    """Found (practitioner review): "０３" and "２０１５", as a Chinese or Japanese keyboard types
    them, were "not a real date"; each is the ordinary digit drawn wider, so it is read as one."""
    walker = to_outcome(client)
    fill_details(walker, {**VALID_DETAILS, "event_month": "3", "event_year": "2015"})
    response = post_page(walker, "significant-event", {"event_month": "０３", "event_year": "２０１５"}, change=True)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))
    check = text_of(walker.get("/request/check-answers").get_data(as_text=True))
    assert "When the significant event was March 2015" in check
    # Stored as the field always stores a month: "YYYY-MM" in ordinary digits.
    assert clean_details({"event_month": "０３", "event_year": "２０１５"}, debrief=True)["event_month"] == "2015-03"


def test_a_stored_date_in_the_future_outlines_the_year_when_the_page_is_shown_again(client) -> None:
    """Stored answers shown again (after a refused submit, say) are checked the same way."""
    walker = to_outcome(client)
    post_page(walker, "significant-event", {"event_month": "3", "event_year": "2099"})
    page = walker.get("/request/significant-event").get_data(as_text=True)
    assert outlined(page) == {"event_year"}
    assert summary_links(page) == ["#event_year"]


def test_the_event_month_and_year_are_not_kept_in_the_browsers_form_history(client) -> None:
    """Found (privacy review): on a shared computer, the browser offered the significant event's
    month and year to the next person typing in a field of that name."""
    page = to_outcome(client).get("/request/significant-event").get_data(as_text=True)
    for name in ("event_month", "event_year"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert tag is not None and 'autocomplete="off"' in tag.group(0), name


# --- L6: one name for the rules' version ----------------------------------------------------


def test_no_page_a_user_reads_says_rule_pack_version() -> None:
    """The outcome page, the submitted page, the PDFs and the inbox say "Rules version", as the
    how-it-decides page does (Jinja comments, for maintainers, may say "rule pack")."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        if re.search(r"rule pack( version)?\b", text, re.I):
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


def test_the_outcome_and_submitted_pages_say_rules_version(client) -> None:
    walker = to_outcome(client)
    page = walker.get("/result").get_data(as_text=True)
    outcome = text_of(page)
    assert "Rules version" in outcome and "Rule pack" not in outcome
    # Said what it is, and where the rules are explained (found: a bare code, unexplained).
    version = re.search(r'app-pack-version".*?</p>', page, re.S)
    assert version and "rules gave this result" in " ".join(re.sub(r"<[^>]+>", " ", version.group(0)).split())
    assert 'href="/how-it-decides"' in version.group(0)
    submitted_request(walker, details=VALID_DETAILS)
    submitted = text_of(walker.get("/request/submitted").get_data(as_text=True))
    assert "Rules version" in submitted and "Rule pack" not in submitted
