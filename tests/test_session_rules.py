"""What a session may and may not become: one that has started (held, or under way) is never
changed or listed as upcoming, nor joined while under way (once over, a request discussed in it
can be recorded in it: test_sessions.py); a start time that could be morning or afternoon, or that
the clocks skip or repeat, is asked about; "not held" waits for the start, as "held" does; and
no reminder follows straight after an invitation. Each test is for a review's finding."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, utcnow
from app.space_sessions.models import SpaceSession
from support import both_databases
from support.sessions import UK, session_form, session_has_started, uk_today
from test_inbox import events, post_form, signed_in, text
from test_session_reopen import SESSION_PAGE, held_then_reopened, session_app
from test_sessions import (
    arrange,
    arrange_with,
    invite,
    offered,
    outbox_kinds,
    outcome,
    request_url,
    session_id_of,
    signed_in_as_colleague,
)
from test_workflow import status_of

__all__ = ["session_app"]  # a fixture: pytest finds it by name here

STARTED_NOT_CHANGED = "This session has started, so it cannot be changed"
NEEDS_AM_OR_PM = "Enter am or pm, for example 2:30pm, or use the 24-hour clock, for example 14:30"


def offered_to_join(client: FlaskClient, reference: str, session_id: int | None) -> bool:
    """Whether the request's arrange form offers this session to join."""
    page = text(client.get(request_url(reference)))
    return re.search(rf'name="session"[^>]*value="{session_id}"', page) is not None


def starts_at(app: Flask, session_id: int) -> dt.datetime:
    with app.app_context():
        return db.session.get(SpaceSession, session_id).starts_at


# --- a session that has started is read-only ----------------------------------------------------


def test_a_held_session_cannot_be_moved_into_the_future(session_app: Flask) -> None:
    """Found: after the request was reopened, the held session's page still offered "Change the
    session"; moved to next month, it was listed as upcoming (with no requests), offered to
    other requests to join, could be cancelled, and the change was audited nowhere."""
    client, _ = signed_in(session_app)
    reference, held = held_then_reopened(session_app, client)
    page_url = SESSION_PAGE.format(held)
    before = starts_at(session_app, held)
    page = text(client.get(page_url))
    assert "data-change-session" not in page and "Save the changes" not in page and "data-cancel-link" not in page
    assert "This session has started, so it cannot be cancelled or changed." in page
    assert reference in page.split("data-earlier-members")[1]  # its history is still shown

    later = session_form(day=uk_today() + dt.timedelta(days=30))
    refused = post_form(client, page_url, page_url, later, follow_redirects=True)
    # (What was typed given back to copy, on a page of its own: found, interrupted people review.)
    assert refused.status_code == 409 and STARTED_NOT_CHANGED in text(refused)
    assert "govuk-notification-banner--success" not in text(refused) and "Session changed" not in text(refused)
    assert "What you typed is below" in text(refused)
    # A form from a page opened earlier whose token has also run out: the same refusal.
    expired = client.post(page_url, data=later)
    assert expired.status_code == 409 and STARTED_NOT_CHANGED in text(expired)
    with session_app.app_context():
        session = db.session.get(SpaceSession, held)
        assert (session.starts_at, session.sequence, session.cancelled_at) == (before, 0, None)
    assert events(session_app, "session_changed") == []
    assert outbox_kinds(session_app).count("invitation") == 1  # no update sent

    # Neither upcoming nor offered to join.
    assert f'data-upcoming-session="{held}"' not in text(client.get("/inbox/sessions"))
    other = offered(session_app)
    assert not offered_to_join(client, other, held)
    joined = arrange_with(client, other, {"session": str(held)})
    assert joined.status_code == 200 and "Select a session, or A new session" in text(joined)
    assert status_of(session_app, other) == "session_offered" and session_id_of(session_app, other) is None


def test_a_session_under_way_is_not_changed_listed_or_joined(session_app: Flask) -> None:
    """Started ten minutes ago, still on: nothing about it can be changed (nor by the service
    itself), no one else can join it, and it is not among the upcoming sessions."""
    from app.space_sessions.service import SessionDetails, SessionRefused, change_session

    client, _ = signed_in(session_app)
    reference, other = offered(session_app), offered(session_app)
    assert arrange(client, reference).status_code == 302
    assert invite(client, reference).status_code == 302
    session_id = session_id_of(session_app, reference)
    assert offered_to_join(client, other, session_id)  # still to come: it can be joined
    session_has_started(session_app, reference, ago=dt.timedelta(minutes=10))
    page_url = SESSION_PAGE.format(session_id)
    page = text(client.get(page_url))
    assert "data-change-session" not in page and "say whether the session was held" in page
    assert "data-joinable-until" not in page  # (said once it is over)
    refused = post_form(client, page_url, page_url, session_form(), follow_redirects=True)
    assert STARTED_NOT_CHANGED in text(refused)
    assert f'data-upcoming-session="{session_id}"' not in text(client.get("/inbox/sessions"))
    assert not offered_to_join(client, other, session_id)
    with session_app.app_context():
        session = db.session.get(SpaceSession, session_id)
        details = SessionDetails(uk_today() + dt.timedelta(days=3), dt.time(10), 60, "phone", "Call us")
        with pytest.raises(SessionRefused, match=STARTED_NOT_CHANGED):
            change_session(session, details, "test")
        db.session.rollback()
    assert events(session_app, "session_changed") == []
    assert outbox_kinds(session_app).count("invitation") == 1


def test_a_change_to_a_session_with_no_request_in_it_is_still_audited(app: Flask) -> None:
    """Found: "session_changed" was recorded once for each request in the session, so a session
    with none was changed with no record at all. It is recorded without a reference."""
    from app.space_sessions.service import SessionDetails, change_session

    with app.app_context():
        session = SpaceSession(
            uid="empty@space-to-think",
            starts_at=utcnow() + dt.timedelta(days=2),
            minutes=60,
            format="phone",
            place="Call us",
            sequence=0,
        )
        db.session.add(session)
        db.session.commit()
        change_session(session, SessionDetails(uk_today() + dt.timedelta(days=4), dt.time(11), 45, "phone", "x"), "t")
        found = [(e.reference, e.actor, e.detail) for e in db.session.scalars(select(AuditEvent))]
        [(reference, actor, detail)] = found
        assert (reference, actor) == (None, "t") and detail.startswith(
            f"session {session.id} at {session.starts_at:%Y-%m-%dT%H:%M}; was "
        )


# --- start times that are not clear -------------------------------------------------------------


def test_a_start_time_that_could_be_morning_or_afternoon_is_asked_about(app: Flask) -> None:
    """Found: "2.30" was taken as 2:30am with no question (in an office it almost always means
    the afternoon); so were "3" and "7:15"."""
    client, _ = signed_in(app)
    reference = offered(app)
    for typed in ("2.30", "3", "2", "7:15", "1"):
        response = arrange(client, reference, start_time=typed)
        page = text(response)
        assert response.status_code == 200 and page.count(NEEDS_AM_OR_PM) == 2, typed  # the summary and the field
        assert re.search(rf'name="start_time"[^>]*value="{re.escape(typed)}"', page), typed  # kept as typed
        # Found (facilitator review): beside "Enter am or pm", a tick for "Yes, the session starts
        # at 2:30am", which contradicted the question and could not answer it.
        assert 'name="unusual_time"' not in page and "Yes, the session starts at" not in page, typed
    assert status_of(app, reference) == "session_offered" and session_id_of(app, reference) is None


def test_12am_is_asked_about_and_a_time_outside_the_working_day_must_be_confirmed(app: Flask) -> None:
    """Found: "12am" became midnight (people often mean midday), and "0:30" or "23:59" were
    arranged without a word, ready for an invitation in the middle of the night."""
    client, _ = signed_in(app)
    reference = offered(app)
    response = arrange(client, reference, start_time="12am")
    assert response.status_code == 200 and text(response).count("Enter 12pm for midday") == 2
    assert "Yes, the session starts at 12am" not in text(response)  # asked, not offered as midnight
    # Found (facilitator review): "12:21am" got that same message, which did not say how to enter it.
    response = arrange(client, reference, start_time="12:21am")
    said = "Enter 12:21pm for just after midday. For just after midnight, use the 24-hour clock: 00:21"
    assert response.status_code == 200 and text(response).count(said) == 2
    for typed, words in (
        ("0:30", "12:30am"),
        ("23:59", "11:59pm"),
        ("6:59am", "6:59am"),
        ("21:00", "9pm"),
        # Found (review): "midnight", as the pages write 00:00, was refused as not a time of day.
        ("midnight", "midnight"),
        ("12 midnight", "midnight"),
    ):
        response = arrange(client, reference, start_time=typed, place="Room 4, the Civic Centre")
        page = text(response)
        assert response.status_code == 200, typed
        # (A sentence's first word with its capital: found, dates review, "midnight is outside...".)
        assert page.count(f"{words.capitalize()} is outside the working day") == 2, typed  # the summary and the field
        assert f"Yes, the session starts at {words}" in page and 'name="unusual_time"' in page, typed
        assert "Room 4, the Civic Centre" in page  # what was typed is kept
    assert session_id_of(app, reference) is None
    # Confirmed for another time than the one typed: asked again.
    response = arrange(client, reference, start_time="23:59", unusual_time="00:30")
    assert "11:59pm is outside the working day" in text(response) and session_id_of(app, reference) is None
    # Confirmed: arranged.
    assert arrange(client, reference, start_time="23:59", unusual_time="23:59").status_code == 302
    assert session_id_of(app, reference) is not None
    # Within the working day, no question.
    for typed in ("7am", "20:59"):
        later = offered(app)
        assert arrange(client, later, start_time=typed).status_code == 302
        assert session_id_of(app, later) is not None


def test_a_session_confirmed_outside_the_working_day_can_be_changed_without_confirming_again(app: Flask) -> None:
    """Found (diff review): the change page showed the confirmation of an arranged 6:30am session
    unticked, so changing only its place was refused until it was ticked again."""
    client, _ = signed_in(app)
    reference = offered(app)
    assert arrange(client, reference, start_time="06:30", unusual_time="06:30").status_code == 302
    page_url = f"/inbox/sessions/{session_id_of(app, reference)}"
    page = text(client.get(page_url))
    assert re.search(r'name="unusual_time"[^>]*value="06:30"[^>]*checked', page)  # as it was confirmed
    moved = post_form(
        client, page_url, page_url, session_form(start_time="06:30", unusual_time="06:30", place="Room 2")
    )
    assert moved.status_code == 302
    # Saved unchanged: no update is sent to anyone.
    same = post_form(client, page_url, page_url, session_form(start_time="06:30", unusual_time="06:30", place="Room 2"))
    assert same.status_code == 302
    assert "Nothing was changed, so no one was sent an update" in text(client.get(page_url))
    assert len(events(app, "session_changed")) == 1


@pytest.mark.parametrize(
    "parts",
    [
        {"date-year": "9" * 30},
        {"date-day": "9" * 30},
        {"date-month": "1" * 19},
        {"date-year": "\u0662\u0660\u0662"},  # Arabic-Indic digits, read as digits: three are no year
        {"date-day": "\u00b9"},  # a superscript one
    ],
)
def test_a_date_of_huge_or_odd_numbers_is_refused_with_everything_kept(app: Flask, parts: dict[str, str]) -> None:
    """Found: a 30-digit year, day or month gave a 500 (OverflowError) and lost the form. Digits of
    other scripts are read as digits, as the request's own dates read them."""
    client, _ = signed_in(app)
    reference = offered(app)
    response = arrange(client, reference, place="Room 9 on the top floor", **parts)
    page = text(response)
    assert response.status_code == 200
    assert "The date of the session must be a real date" in page or "Year must include 4 numbers" in page
    assert "Room 9 on the top floor" in page and session_id_of(app, reference) is None


def test_a_date_in_full_width_digits_or_with_invisible_characters_is_read_as_the_requests_dates_are(app: Flask) -> None:
    """Found (user review): the session's date refused full-width digits (from a Chinese or
    Japanese keyboard) and a zero-width space copied with a number, which the request's own month
    and year boxes take: the facilitator could not see what was wrong."""
    client, _ = signed_in(app)
    day = uk_today() + dt.timedelta(days=7)
    full_width = str.maketrans("0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")
    for parts in (
        {"date-year": str(day.year).translate(full_width), "date-day": str(day.day).translate(full_width)},
        {"date-day": f"\u200b{day.day}", "date-year": f"{day.year}\ufeff", "date-month": f"{day.month}\u200e"},
    ):
        reference = offered(app)
        response = arrange(client, reference, day=day, **parts)
        assert response.status_code == 302, text(response)
        with app.app_context():
            session = db.session.get(SpaceSession, session_id_of(app, reference))
            assert session is not None and session.starts_at.date() == day  # (10am in the UK: the same day in UTC)


@pytest.mark.parametrize(
    "spelling",
    [str.title, str.upper, lambda name: name[:3].lower(), lambda name: name[:3] + "."],
    ids=["March", "MARCH", "mar", "Mar."],
)
def test_the_sessions_month_may_be_typed_as_its_name_whole_or_shortened(app: Flask, spelling) -> None:
    """Found (practitioner review): a month typed as a name ("feb", "February") was refused as
    not a real date; the GOV.UK date input pattern asks services to accept names and abbreviations."""
    client, _ = signed_in(app)
    reference = offered(app)
    day = uk_today() + dt.timedelta(days=10)
    typed = spelling(day.strftime("%B"))
    response = arrange(client, reference, day=day, **{"date-month": typed})
    assert response.status_code == 302, text(response)
    session_id = session_id_of(app, reference)
    assert session_id is not None
    assert starts_at(app, session_id).replace(tzinfo=dt.UTC).astimezone(UK).date() == day


def test_a_month_name_is_kept_after_another_error_and_a_misspelt_one_is_not_a_real_date(app: Flask) -> None:
    client, _ = signed_in(app)
    reference = offered(app)
    day = uk_today() + dt.timedelta(days=10)
    kept = text(arrange(client, reference, day=day, start_time="25:00", **{"date-month": day.strftime("%b")}))
    assert "Enter the start time as a time of day" in kept
    assert re.search(rf'name="date-month"[^>]*value="{day.strftime("%b")}"', kept)
    refused = text(arrange(client, reference, day=day, **{"date-month": "Febr"}))
    assert "The date of the session must be a real date" in refused
    assert re.search(r'name="date-month"[^>]*value="Febr"', refused)
    assert session_id_of(app, reference) is None


def outlined_date_inputs(page: str) -> list[str]:
    """The session date's inputs outlined in red (``govuk-input--error``), in order."""
    found = re.findall(r'<input class="([^"]*)" id="date-(day|month|year)"', page)
    return [part for classes, part in found if "govuk-input--error" in classes.split()]


def summary_links(page: str) -> list[str]:
    """Where the error summary's links go, in order."""
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="(#[^"]+)">', summary)


@pytest.mark.parametrize(
    "parts, outlined",
    [
        ({"date-day": "", "date-month": "", "date-year": ""}, ["day", "month", "year"]),
        ({"date-day": ""}, ["day"]),
        ({"date-month": ""}, ["month"]),
        ({"date-month": "", "date-year": ""}, ["month", "year"]),
        ({"date-year": "27"}, ["year"]),
        ({"date-month": "13"}, ["month"]),
        ({"date-month": "Septembre"}, ["month"]),
        ({"date-day": "32"}, ["day"]),
        ({"date-day": "x", "date-year": "y"}, ["day", "year"]),
        ({"date-month": "13", "date-year": "27"}, ["month", "year"]),  # both wrong: both outlined
        ({"date-year": "2000"}, ["day", "month", "year"]),  # the whole date is in the past
    ],
    ids=[
        "none",
        "no-day",
        "no-month",
        "no-month-or-year",
        "two-digit-year",
        "month-13",
        "misspelt-month",
        "day-32",
        "letters",
        "month-13-year-27",
        "past",
    ],
)
def test_a_date_error_outlines_only_the_inputs_at_fault_and_links_to_the_first(
    app: Flask, parts: dict[str, str], outlined: list[str]
) -> None:
    """Found (accessibility review): every error in the session's date outlined all three inputs,
    and the error summary's link always went to Day, so "must include a month" put the focus on a
    day typed correctly. As the GOV.UK date input (and the significant event's date): only the
    parts with the problem, or all three when it is the whole date; the link to the first of them."""
    client, _ = signed_in(app)
    reference = offered(app)
    page = text(arrange(client, reference, **parts))
    assert outlined_date_inputs(page) == outlined
    assert summary_links(page)[0] == f"#date-{outlined[0]}"
    assert session_id_of(app, reference) is None


@pytest.mark.parametrize(
    "typed, time",
    [
        ("02:30", dt.time(2, 30)),
        ("07:15", dt.time(7, 15)),
        ("14:30", dt.time(14, 30)),
        ("2:30pm", dt.time(14, 30)),
        ("2.30 am", dt.time(2, 30)),
        ("9.30", dt.time(9, 30)),
        ("8", dt.time(8)),
        ("10", dt.time(10)),
        ("12", dt.time(12)),
        ("0:15", dt.time(0, 15)),
        ("\uff11\uff10:00", None),  # full-width digits are not read as a time
    ],
)
def test_a_clear_start_time_is_still_read_as_before(typed: str, time: dt.time | None) -> None:
    from app.space_sessions.forms import needs_am_or_pm, parse_time

    assert not needs_am_or_pm(typed) and parse_time(typed) == time


def last_sunday(month: int) -> dt.date:
    """The next last Sunday of ``month`` (when the UK clocks change) after today: within a year."""
    today = uk_today()
    for year in (today.year, today.year + 1):
        day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        day -= dt.timedelta(days=(day.weekday() - 6) % 7)
        if day > today:
            return day
    raise AssertionError("unreachable")


def test_a_start_time_the_clocks_skip_or_repeat_is_refused(app: Flask) -> None:
    """Found: 1:30am on the day the clocks go forward (which does not exist) silently became a
    session at 2:30am. The hour the clocks go back happens twice: refused as well, not guessed."""
    app.config["RETENTION_DAYS"] = 400  # kept past the day the clocks change, up to a year ahead
    client, _ = signed_in(app)
    reference = offered(app)
    spring, autumn = last_sunday(3), last_sunday(10)
    skipped = (
        f"The clocks go forward at 1am on {spring.day} March {spring.year}, "
        "so 1:30am does not exist that day. Enter another time"
    )
    twice = (
        f"The clocks go back at 2am on {autumn.day} October {autumn.year}, "
        "so 1:30am happens twice that day. Enter a time before 1am or from 2am"
    )
    for day, typed, message in ((spring, "1:30am", skipped), (spring, "01:30", skipped), (autumn, "01:30", twice)):
        response = arrange(client, reference, day=day, start_time=typed)
        page = text(response)
        assert response.status_code == 200 and page.count(message) == 2, (day, typed)
        assert re.search(rf'name="start_time"[^>]*value="{typed}"', page)
        # No box to say "Yes, the session starts at 1:30am" beside "does not exist" (facilitator review).
        assert 'name="unusual_time"' not in page, (day, typed)
    assert status_of(app, reference) == "session_offered"
    # Either side of the change is one time, and accepted.
    assert arrange(client, reference, day=spring, start_time="02:00", unusual_time="02:00").status_code == 302
    with app.app_context():
        session = db.session.scalar(select(SpaceSession))
        assert session.starts_at == dt.datetime.combine(spring, dt.time(1))  # 2am BST is 1am UTC


# --- "not held" only once the session has started --------------------------------------------------


def test_not_held_is_refused_before_the_session_starts_and_says_what_to_do(session_app: Flask) -> None:
    """Found: "The session was not held" was saved for a session a week away (while "held" was
    refused), and the audit said "session not held" for a session that had not happened."""
    client, _ = signed_in(session_app)
    reference = offered(session_app)
    assert arrange(client, reference).status_code == 302
    session_id = session_id_of(session_app, reference)
    response = outcome(client, reference, "not_held")
    page = text(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert "The session has not happened yet: it starts on" in page and "at 10am (UK time)" in page
    assert "cancel it from the session's page, or change this request's status" in page
    assert re.search(r'value="not_held" checked', page)  # the answer is kept
    assert status_of(session_app, reference) == "session_arranged"
    assert session_id_of(session_app, reference) == session_id
    with session_app.app_context():
        details = list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "status_changed")))
    assert not [detail for detail in details if "not held" in detail]
    # Once it has started, it can be.
    session_has_started(session_app, reference, ago=dt.timedelta(minutes=1))
    assert outcome(client, reference, "not_held").status_code == 302
    assert status_of(session_app, reference) == "session_offered"
    # Found: the page said only "Status changed to session offered", while the session, left with
    # no one in it, was cancelled without a word. It says what leaving the session did.
    shown = text(client.get(f"/inbox/requests/{reference}"))
    assert "Status changed to session offered. It is no longer in the session on" in shown
    assert "No one else was in that session, so the session itself is ended." in shown
    # Its page says so, not "Cancelled", as if called off beforehand (found, facilitator review).
    session_page = text(client.get(f"/inbox/sessions/{session_id}"))
    assert "data-not-held" in session_page and "data-cancelled" not in session_page
    assert "None now: every request in it left it after it started." in session_page


# --- no reminder straight after the invitation -------------------------------------------------------


def invitations_queued_at(app: Flask, moment: dt.datetime) -> None:
    """Every invitation (and update) queued so far was queued at ``moment``."""
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.kind == "invitation").values(created_at=moment))
        db.session.commit()


@both_databases
def test_no_reminder_straight_after_an_invitation_for_tomorrow(session_app: Flask) -> None:
    """Found: an invitation sent the day before the session was followed 24 ms later by "your
    session is tomorrow". Not within 12 hours of the invitation, or of its update, nor the same
    day (regression review: invited at 11am, reminded at 11pm); once only."""
    from app.space_sessions.service import queue_reminders

    client, _ = signed_in(session_app)
    reference = offered(session_app)
    day = uk_today() + dt.timedelta(days=8)
    assert arrange(client, reference, day=day, start_time="15:00").status_code == 302
    assert invite(client, reference).status_code == 302

    def at(days_before: int, hour: int) -> dt.datetime:
        local = dt.datetime.combine(day - dt.timedelta(days=days_before), dt.time(hour), tzinfo=UK)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    invitations_queued_at(session_app, at(1, 11))  # that morning
    with session_app.app_context():
        assert queue_reminders(now=at(1, 12)) == 0  # the invitation has just said when it is
        assert queue_reminders(now=at(1, 23)) == 0  # 12 hours on, but it was that day
    invitations_queued_at(session_app, at(2, 22))  # 10 hours before 8am
    with session_app.app_context():
        assert queue_reminders(now=at(1, 8)) == 0
    # An update queued now counts as the invitation.
    page_url = SESSION_PAGE.format(session_id_of(session_app, reference))
    assert post_form(client, page_url, page_url, session_form(day=day, start_time="16:00")).status_code == 302
    invitations_queued_at(session_app, at(1, 9))
    with session_app.app_context():
        assert queue_reminders(now=at(1, 10)) == 0
    invitations_queued_at(session_app, at(2, 18))
    with session_app.app_context():
        assert queue_reminders(now=at(1, 8)) == 1
        assert queue_reminders(now=at(1, 9)) == 0  # once only
    assert outbox_kinds(session_app)[-2:] == ["invitation", "reminder"]  # the update replaced the unsent invitation


@both_databases
def test_reminders_are_queued_from_8am_on_the_day_before(session_app: Flask) -> None:
    """Found: a reminder was queued just after midnight on the day before, so it reached the
    practitioner in the small hours, and for a session late the next evening nearly two days
    before it. Now from 8am (UK time, GMT or BST) on the day before, once, and never on the day."""
    from app.space_sessions.service import queue_reminders

    client, _ = signed_in(session_app)
    reference = offered(session_app)
    day = uk_today() + dt.timedelta(days=8)
    assert arrange(client, reference, day=day, start_time="20:00").status_code == 302
    assert invite(client, reference).status_code == 302

    def at(days_before: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
        local = dt.datetime.combine(day - dt.timedelta(days=days_before), dt.time(hour, minute, second), tzinfo=UK)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    invitations_queued_at(session_app, at(3, 12))
    with session_app.app_context():
        assert queue_reminders(now=at(1, 0, 1)) == 0  # just after midnight: not yet
        assert queue_reminders(now=at(1, 7, 59, 59)) == 0
        assert queue_reminders(now=at(2, 12)) == 0  # two days before: not yet
        assert queue_reminders(now=at(1, 8)) == 1
        assert queue_reminders(now=at(1, 23, 59)) == 0  # once only
        assert queue_reminders(now=at(0, 9)) == 0  # the session's own day: too late
    assert outbox_kinds(session_app)[-1] == "reminder"


def test_flask_outbox_remind_before_8am_says_when_reminders_are_queued(
    session_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (regression review): run before 8am, `flask outbox remind` said only "Queued 0
    reminders.", as if none were due tomorrow."""
    from app import outbox

    today = uk_today()
    for hour, says_why in ((7, True), (9, False)):
        moment = dt.datetime.combine(today, dt.time(hour), tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)
        monkeypatch.setattr(outbox, "utcnow", lambda moment=moment: moment)
        said = session_app.test_cli_runner().invoke(args=["outbox", "remind"]).output.strip()
        why = " Reminders are queued from 8am (UK time) on the day before a session"
        assert said.startswith("Queued 0 reminders.") and (why in said) is says_why, said


def started_a_minute_ago(app: Flask, client: FlaskClient) -> str:
    """A request offered a session, its session arranged by ``client`` and begun a minute ago
    (so it can be marked held or not held): its reference."""
    reference = offered(app)
    assert arrange(client, reference).status_code == 302
    session_has_started(app, reference, ago=dt.timedelta(minutes=1))
    return reference


def test_held_after_a_colleague_marked_it_not_held_says_it_changed_meanwhile(session_app: Flask) -> None:
    """Found (facilitator review): with the session marked not held by a colleague (the request
    back to session offered), "The session was held" from the page opened before said "A request
    that has been offered a session cannot be moved to session held. It can be moved to session
    arranged, in triage or closed": a rule to learn, not a change to check, where the same
    answer the other way round says what changed."""
    client, _ = signed_in(session_app)
    reference = started_a_minute_ago(session_app, client)
    assert outcome(client, reference, "not_held").status_code == 302
    response = outcome(client, reference, "held")  # from the page as it was before
    page = text(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert "this request has now been offered a session, with none arranged (it changed" in page
    assert "changed while this page was open" in page and "cannot be moved" not in page
    assert status_of(session_app, reference) == "session_offered"
    # Held already, by a colleague: said as done, by whom, not as a failure (found, regression
    # review: "The request has already had its session").
    again = started_a_minute_ago(session_app, client)
    colleague, _ = signed_in_as_colleague(session_app)
    assert outcome(colleague, again, "held").status_code == 302
    response = outcome(client, again, "held")
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "The status was already session held: it changed while this page was open." in page
    assert "There is a problem" not in page


@pytest.mark.parametrize("answer, status", [("held", "session_held"), ("not_held", "session_offered")])
def test_held_or_not_held_sent_twice_says_the_first_did_it(session_app: Flask, answer: str, status: str) -> None:
    """Found (facilitator review): "Save" under After the session, clicked twice (JavaScript off,
    or a slow page), did it, then showed the second answer: "There is a problem. The request has
    already had its session", or "Nothing has been changed: this request is now session offered,
    not session arranged (it changed while this page was open, in another tab or by another
    facilitator)", so the facilitator thought it had failed, or that a colleague had done it."""
    client, _ = signed_in(session_app)
    reference = started_a_minute_ago(session_app, client)
    assert outcome(client, reference, answer).status_code == 302
    twice = outcome(client, reference, answer)
    assert twice.status_code == 302
    shown = text(client.get(twice.location))
    said = "held" if answer == "held" else "not held"
    assert f"You had already said the session was {said}, so nothing more was changed" in shown
    assert "There is a problem" not in shown
    assert status_of(session_app, reference) == status
    assert len([e for e in events(session_app, "status_changed") if e.detail.startswith("session_arranged to")]) == 1


def test_not_held_after_a_colleague_marked_it_held_says_it_changed_meanwhile(session_app: Flask) -> None:
    """Found (facilitator review): with the session marked held by a colleague (or in another
    tab), "The session was not held" from the page opened before said "Only a request with a
    session arranged can be marked not held", which read as a rule to learn, not as a change to
    check."""
    client, _ = signed_in(session_app)
    reference = started_a_minute_ago(session_app, client)
    assert outcome(client, reference, "held").status_code == 302
    response = outcome(client, reference, "not_held")  # from the page as it was before
    page = text(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert "this request now has its session marked as held (it changed" in page
    assert "changed while this page was open" in page
    assert "You made that change, in another tab or window. Check the request, then choose again" in page
    assert status_of(session_app, reference) == "session_held"
    # By a colleague: named, as a colleague's change of assignment is (found, facilitator review).
    again = started_a_minute_ago(session_app, client)
    colleague, _ = signed_in_as_colleague(session_app)
    assert outcome(colleague, again, "held").status_code == 302
    page = text(outcome(client, again, "not_held"))
    assert "Kim Colleague made that change. Check the request, then choose again" in page


def next_bank_holiday() -> dt.date:
    """The first bank holiday in England after tomorrow (there is always one within a year)."""
    from app.rules.model import bank_holidays

    day = uk_today() + dt.timedelta(days=2)
    return min(d for d in bank_holidays("England", day.year) | bank_holidays("England", day.year + 1) if d >= day)


def test_a_session_on_a_bank_holiday_must_be_confirmed_and_stays_confirmed_when_changed(app: Flask) -> None:
    """Found (review of Christmas week): a session could be arranged on Christmas Day, or on the
    substitute day for Boxing Day, without a word, and its invitations went out for a day the
    offices are shut. The partnership file says whose bank holidays the area keeps."""
    from app.rules.model import bank_holiday_name

    client, _ = signed_in(app)
    reference = offered(app)
    holiday = next_bank_holiday()
    name = bank_holiday_name("England", holiday)
    words = f"{holiday.day} {holiday:%B %Y}"
    response = arrange(client, reference, day=holiday, bank_holiday="", place="Room 7, the Civic Centre")
    page = text(response)
    assert response.status_code == 200 and session_id_of(app, reference) is None
    said = f"{words} is a bank holiday: {name}. Check the date, or if it is right, select that the session is on {name}"
    assert page.count(said) == 2  # the summary and the date
    assert f"Yes, the session is on {name}, {words}" in page and 'name="bank_holiday"' in page
    assert 'href="#bank_holiday"' in page and 'id="bank_holiday"' in page  # the summary leads to the box to tick
    assert "Room 7, the Civic Centre" in page  # what was typed is kept
    # Confirmed for another day than the one typed: asked again.
    other = (holiday + dt.timedelta(days=1)).isoformat()
    assert said in text(arrange(client, reference, day=holiday, bank_holiday=other))
    assert session_id_of(app, reference) is None
    assert arrange(client, reference, day=holiday, bank_holiday=holiday.isoformat()).status_code == 302
    session_id = session_id_of(app, reference)
    assert session_id is not None
    # Its page shows the date confirmed, so changing only its place asks nothing again.
    page_url = f"/inbox/sessions/{session_id}"
    assert re.search(rf'name="bank_holiday"[^>]*value="{holiday.isoformat()}"[^>]*checked', text(client.get(page_url)))
    moved = post_form(
        client, page_url, page_url, session_form(day=holiday, place="Room 2", bank_holiday=holiday.isoformat())
    )
    assert moved.status_code == 302
    # Another day that is not a bank holiday: no question.
    plain = holiday + dt.timedelta(days=1)
    while bank_holiday_name("England", plain) or plain.weekday() >= 5:
        plain += dt.timedelta(days=1)
    later = offered(app)
    assert arrange(client, later, day=plain, bank_holiday="").status_code == 302


def test_a_session_at_the_weekend_must_be_confirmed(app: Flask) -> None:
    """Found (a day of real use): a session on a Saturday was arranged, and its invitations sent,
    without a word, where Christmas Day and a 2am start were asked about. A day at the weekend is
    asked about as a bank holiday is; confirmed, it is arranged."""
    from app.uk_time import day_in_words

    client, _ = signed_in(app)
    reference = offered(app)
    saturday = uk_today() + dt.timedelta(days=2)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    for day, name in ((saturday, "a Saturday"), (saturday + dt.timedelta(days=1), "a Sunday")):
        response = arrange(client, reference, day=day, bank_holiday="", place="Room 7, the Civic Centre")
        page = text(response)
        assert response.status_code == 200 and session_id_of(app, reference) is None
        said = (
            f"{day_in_words(day)} is at the weekend. Check the date, or if it is right, select that the session "
            f"is on {name}"
        )
        assert page.count(said) == 2, page  # the summary and the date
        assert f"Yes, the session is on {name}, {day_in_words(day)}" in page and "Room 7, the Civic Centre" in page
    assert arrange(client, reference, day=saturday, bank_holiday=saturday.isoformat()).status_code == 302
    assert session_id_of(app, reference) is not None


def test_bank_holidays_are_named_as_gov_uk_names_them() -> None:
    from app.rules.model import bank_holiday_name

    assert bank_holiday_name("England", dt.date(2026, 12, 25)) == "Christmas Day"
    assert bank_holiday_name("England", dt.date(2026, 12, 28)) == "Boxing Day (substitute day)"
    assert bank_holiday_name("England", dt.date(2027, 12, 27)) == "Christmas Day (substitute day)"
    assert bank_holiday_name("Scotland", dt.date(2027, 1, 4)) == "2nd January (substitute day)"
    # As GOV.UK names them, and never a weekend day (its substitute day is the bank holiday).
    assert bank_holiday_name("England", dt.date(2027, 5, 3)) == "Early May bank holiday"
    assert bank_holiday_name("Scotland", dt.date(2027, 11, 30)) == "St Andrew's Day"
    assert bank_holiday_name("England", dt.date(2026, 12, 26)) == ""  # a Saturday
    assert bank_holiday_name("England", dt.date(2026, 12, 29)) == ""
    assert bank_holiday_name("", dt.date(2026, 12, 25)) == ""  # the nation not known: none
