"""The submission service: completeness on the server, idempotency, storage, references."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StoredRequest
from app.pack import current_pack
from app.requests import guard, service
from app.requests import reference as reference_module
from app.requests.reference import ALPHABET, is_reference, new_reference, normalise_reference
from app.requests.service import IncompleteRequest, guarded_fingerprint
from support import both_databases
from support.submission import ELIGIBLE_ANSWERS, VALID_DETAILS, make_request, scans_counted


def count(model: type) -> int:
    """Rows in a model's table."""
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_reference_is_easy_to_read_out() -> None:
    references = {new_reference() for _ in range(500)}
    assert len(references) == 500
    for ref in references:
        assert re.fullmatch(r"STT-[A-Z2-9]{4}-[A-Z2-9]{4}", ref)
        assert not set(ref[4:].replace("-", "")) & set("01OIL")
        assert is_reference(ref)
    assert set(ALPHABET).isdisjoint("01OIL")
    assert normalise_reference(" stt 7kq4m9xa") == "STT-7KQ4-M9XA"
    assert not is_reference("STT-7KQ4-M9X0")


@both_databases
def test_submission_stores_request_with_everything(app) -> None:
    with app.app_context():
        submission = make_request(token="journey-1")
        assert submission.created
        stored = db.session.get(StoredRequest, submission.request.id)
        pack = current_pack()
        assert stored.reference == submission.request.reference and is_reference(stored.reference)
        assert stored.journey_token == "journey-1"
        assert stored.mode == "practitioner" and stored.outcome_id == "P" and stored.status == "new"
        assert stored.rule_pack_version == pack.version
        assert stored.answers == ELIGIBLE_ANSWERS
        assert [r["question_id"] for r in stored.explanation] == list(ELIGIBLE_ANSWERS)
        assert all(r["guidance"] for r in stored.explanation)
        assert [f["id"] for f in stored.flags] == ["not_discussed_in_supervision"]
        details = stored.details
        for name in ("name", "email", "reflection", "how_soon", "family_knows_reason"):
            assert details[name] == VALID_DETAILS[name]
        assert details["event_month"] == "2025-03"
        assert [c["value"] for c in details["criteria"]] == ["stuck", "debrief"]
        assert details["identifying_check"] == {"found": [], "confirmed": False}
        assert stored.pdf is None and stored.pdf_made_at is None  # made later by the outbox worker
        assert count(OutboxMessage) == 0  # no facilitator mailbox configured
        events = db.session.scalars(select(AuditEvent)).all()
        assert [(e.action, e.reference, e.actor) for e in events] == [
            ("created", stored.reference, "requester session")
        ]
        assert VALID_DETAILS["name"] not in events[0].detail and "@" not in events[0].detail


@both_databases
def test_same_journey_gives_the_same_request(app) -> None:
    with app.app_context():
        first = make_request(token="journey-twice")
        second = make_request(token="journey-twice", details={**VALID_DETAILS, "name": "Someone Else"})
        assert first.created and not second.created
        assert second.request.reference == first.request.reference
        assert count(StoredRequest) == 1
        assert second.request.details["name"] == VALID_DETAILS["name"]


@both_databases
def test_race_between_two_submissions_is_settled_by_the_unique_constraint(app, monkeypatch) -> None:
    """Two submissions of one journey that both pass the "already stored?" check before
    either commits: the second insert hits the unique constraint and returns the first."""
    with app.app_context():
        winner = make_request(token="journey-race")
        winner_reference = winner.request.reference
        db.session.expunge_all()
        real_find = service.find_by_token
        calls = {"n": 0}

        def not_yet_stored(token: str):  # the loser looked before the winner committed
            calls["n"] += 1
            return None if calls["n"] == 1 else real_find(token)

        monkeypatch.setattr(service, "find_by_token", not_yet_stored)
        loser = make_request(token="journey-race")
        assert not loser.created
        assert loser.request.reference == winner_reference
        assert count(StoredRequest) == 1
        assert count(AuditEvent) == 1


@both_databases
def test_reference_collision_tries_another(app, monkeypatch) -> None:
    with app.app_context():
        taken = make_request(token="journey-a").request.reference
        fresh = iter([taken, "STT-2222-3333"])
        monkeypatch.setattr(service, "new_reference", lambda: next(fresh))
        second = make_request(token="journey-b")
        assert second.created and second.request.reference == "STT-2222-3333"
        assert count(StoredRequest) == 2


def test_reference_module_uses_secrets(monkeypatch) -> None:
    monkeypatch.setattr(reference_module.secrets, "choice", lambda alphabet: alphabet[0])
    assert new_reference() == "STT-2222-2222"


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {**ELIGIBLE_ANSWERS, "immediate_danger": "not_sure"},  # U2, not the request outcome
        {k: v for k, v in ELIGIBLE_ANSWERS.items() if k != "understand"},  # confirmation not given
        {**ELIGIBLE_ANSWERS, "understand": "yes please"},  # tampered confirmation
        {**ELIGIBLE_ANSWERS, "criteria": ["none"]},  # S
    ],
)
def test_journey_must_reach_the_request_outcome(app, answers) -> None:
    with app.app_context():
        with pytest.raises(IncompleteRequest) as refused:
            make_request(answers=answers)
        assert refused.value.where == "journey"
        assert count(StoredRequest) == 0


def test_missing_token_is_refused(app) -> None:
    with app.app_context():
        from app.requests.service import submit_request

        with pytest.raises(IncompleteRequest):
            submit_request(current_pack(), ELIGIBLE_ANSWERS, None, VALID_DETAILS, None)


@pytest.mark.parametrize(
    "changes, page_slug",
    [
        ({"name": ""}, "about-you"),
        ({"email": "not-an-email"}, "about-you"),
        ({"phone": "call me"}, "about-you"),
        ({"manager_knows": "maybe"}, "manager"),  # tampered option value
        ({"reflection": "   "}, "reflection"),
        ({"name": "\u200b"}, "about-you"),  # invisible characters only
        ({"job_role": "\u2060"}, "about-you"),
        ({"agency": "\ufeff"}, "about-you"),
        ({"reflection": "\u200b\u200b"}, "reflection"),
        ({"phone": "0161\u0664\u0669\u0666"}, "about-you"),  # Arabic-Indic digits, read as digits: too few
        ({"reflection": "x" * 1501}, "reflection"),
        ({"age_band": "12"}, "child-and-family"),  # tampered optional option
        ({"family_knows": "not_yet", "family_knows_reason": ""}, "family"),
        ({"event_month": "", "event_year": ""}, "significant-event"),  # required: "debrief" chosen
        ({"event_month": "13"}, "significant-event"),
        ({"event_year": "2999"}, "significant-event"),
        ({"how_soon": ""}, "how-soon"),
        ({"format": "carrier pigeon"}, "preferences"),
    ],
)
def test_details_are_checked_on_the_server(app, changes, page_slug) -> None:
    with app.app_context():
        with pytest.raises(IncompleteRequest) as refused:
            make_request(details={**VALID_DETAILS, **changes})
        assert refused.value.where == "details"
        assert refused.value.pages[0] == page_slug
        assert count(StoredRequest) == 0


@pytest.mark.parametrize("typed", ["a@b.co\u200b", "a\u0007@b.co", "\ufeffa@b.co"])
def test_an_email_address_with_invisible_characters_is_stored_without_them(app, typed: str) -> None:
    """An address copied with an invisible character (a zero-width space, a byte order mark, a
    control character) is taken without it, as the form shows it (it was refused as not in the
    correct format, though it looked right), and stored and emailed without it."""
    with app.app_context():
        reference = make_request(details={**VALID_DETAILS, "email": typed}).reference
        stored = db.session.scalars(select(StoredRequest).where(StoredRequest.reference == reference)).one()
        assert stored.details["email"] == "a@b.co"


def test_event_month_only_needed_for_a_debrief(app) -> None:
    with app.app_context():
        answers = {**ELIGIBLE_ANSWERS, "criteria": ["stuck"]}
        submission = make_request(answers=answers, details={**VALID_DETAILS, "event_month": "", "event_year": ""})
        assert submission.request.details["event_month"] == ""
        other = make_request(answers=answers)  # given anyway: not stored when not asked
        assert other.request.details["event_month"] == ""


def test_reason_kept_only_when_family_does_not_know_yet(app) -> None:
    with app.app_context():
        submission = make_request(details={**VALID_DETAILS, "family_knows": "yes"})
        assert submission.request.details["family_knows_reason"] == ""


def test_identifying_text_needs_confirmation_of_that_exact_text(app) -> None:
    details = {**VALID_DETAILS, "reflection": REFLECTION_WITH_POSTCODE}
    with app.app_context():
        with pytest.raises(IncompleteRequest) as refused:
            make_request(details=details)
        assert refused.value.where == "identifying"
        stale = guarded_fingerprint({**details, "reflection": "something else M6 5FX"})
        with pytest.raises(IncompleteRequest):
            make_request(details=details, confirmed=stale)
        submission = make_request(details=details, confirmed=guarded_fingerprint(details))
        assert submission.request.details["reflection"] == REFLECTION_WITH_POSTCODE  # never changed
        assert submission.request.details["identifying_check"] == {"found": ["postcode"], "confirmed": True}


REFLECTION_WITH_POSTCODE = "The family moved to M6 5FX last year and things have felt stuck since."


def test_the_guard_reads_only_text_that_will_be_stored(app) -> None:
    # The reason box was filled in for "not yet", then the answer changed to "yes": the
    # reason is not stored, so it is not warned about nor recorded as found.
    details = {**VALID_DETAILS, "family_knows": "yes", "family_knows_reason": "Mum at M6 5JA is away"}
    assert guarded_fingerprint(details) == guarded_fingerprint({**details, "family_knows_reason": ""})
    with app.app_context():  # the check reads the area's place names from the partnership file
        assert service.identifying_findings(details) == {}
        submission = make_request(details=details)  # no confirmation needed
        assert submission.request.details["family_knows_reason"] == ""
        assert submission.request.details["identifying_check"] == {"found": [], "confirmed": False}
        # While the answer is "not yet" the reason is stored, so it is read.
        assert list(service.identifying_findings({**details, "family_knows": "not_yet"})) == ["family_knows_reason"]


def test_bidirectional_controls_are_not_stored(app) -> None:
    with app.app_context():
        submission = make_request(
            details={
                **VALID_DETAILS,
                "name": "Alex \u202eevol\u202c",
                "reflection": "\u2066Stuck\u2069 " + VALID_DETAILS["reflection"],
            }
        )
        assert submission.request.details["name"] == "Alex evol"
        assert submission.request.details["reflection"] == "Stuck " + VALID_DETAILS["reflection"]


def test_text_is_stored_cleaned(app) -> None:
    with app.app_context():
        submission = make_request(
            details={**VALID_DETAILS, "reflection": "  line one\r\nline two  ", "name": " Alex  "}
        )
        assert submission.request.details["reflection"] == "line one\nline two"
        assert submission.request.details["name"] == "Alex"


def test_created_at_is_utc(app) -> None:
    with app.app_context():
        before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        submission = make_request()
        assert before - dt.timedelta(seconds=1) <= submission.request.created_at
        assert submission.request.created_at.tzinfo is None


@both_databases
def test_two_threads_submitting_one_journey_make_one_request(app) -> None:
    """A real race: both threads check for the journey's request before either commits."""
    import threading

    barrier = threading.Barrier(2)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []
    real_find = service.find_by_token

    waited = threading.local()

    def find_then_wait(token: str):
        found = real_find(token)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=10)  # both have looked (and found nothing) before either inserts
        return found

    def worker() -> None:
        try:
            with app.app_context():
                submission = make_request(token="journey-threads")
                results.append((submission.request.reference, submission.created))
        except BaseException as error:  # noqa: BLE001 - whatever a thread raises is reported below, in the test
            errors.append(error)

    original = service.find_by_token
    service.find_by_token = find_then_wait
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        service.find_by_token = original
    assert errors == []
    assert len(results) == 2
    assert results[0][0] == results[1][0]
    assert sorted(created for _, created in results) == [False, True]
    with app.app_context():
        assert count(StoredRequest) == 1


def send(details, confirmed=None, remembered=None):
    """Submit a new journey's request with these details, confirmation and remembered check."""
    token = secrets.token_urlsafe(16)
    return service.submit_request(
        current_pack(), ELIGIBLE_ANSWERS, token, details, confirmed, remembered_check=remembered
    )


def test_the_check_remembered_for_this_very_text_is_not_made_again_on_sending(app, monkeypatch) -> None:
    """What the identifying-data check found when the text was saved (``guard_record``, kept in
    the session on the server) is used on sending: the same text is not checked a second time."""
    details = {**VALID_DETAILS, "reflection": REFLECTION_WITH_POSTCODE}
    with app.app_context():
        remembered = service.guard_record(details)
        assert remembered["found"] == ["postcode"] and remembered["text"] == guarded_fingerprint(details)
        clean = service.guard_record(VALID_DETAILS)
        scans = scans_counted(monkeypatch)
        submission = send(details, confirmed=remembered["text"], remembered=remembered)
        assert scans == []
        assert submission.request.details["identifying_check"] == {"found": ["postcode"], "confirmed": True}
        # The same for a text with nothing found: stored as found, nothing to confirm.
        submission = send(VALID_DETAILS, remembered=clean)
        assert scans == []
        assert submission.request.details["identifying_check"] == {"found": [], "confirmed": False}


def test_a_check_remembered_for_other_text_or_by_another_version_of_the_check_is_not_used(app, monkeypatch) -> None:
    """The text changed since it was checked, or the check itself changed (its code, word lists or
    the area's place names: ``guard_version``): the text is checked again, and what it now finds
    must be confirmed."""
    details = {**VALID_DETAILS, "reflection": REFLECTION_WITH_POSTCODE}
    with app.app_context():
        fingerprint = guarded_fingerprint(details)
        other_text = service.guard_record(VALID_DETAILS)  # nothing found, in the text before it changed
        older_check = {"text": fingerprint, "check": "an older version", "found": []}
        not_a_list = {"text": fingerprint, "check": service.guard_version(), "found": "postcode"}
        scans = scans_counted(monkeypatch)
        for remembered in (other_text, older_check, not_a_list, ["nothing found"]):
            with pytest.raises(IncompleteRequest) as refused:
                send(details, remembered=remembered)
            assert refused.value.where == "identifying"
        assert len(scans) == 4
        assert count(StoredRequest) == 0
        # The version is of the check's own files and of the area's place names.
        assert service._guard_version(frozenset({"salford"})) != service._guard_version(frozenset())
        names = {path.name for path in service.GUARD_FILES}
        assert {"guard.py", "given_names.txt", "given_names_also_words.txt", "given_names_more.txt"} <= names
        assert all(path.is_file() for path in service.GUARD_FILES)
        # Every word list the check reads (found: not_names.txt was not, so a change to it was not a
        # new version of the check, and an answer remembered under the old list was used).
        read = set(re.findall(r'with_name\("([\w.]+\.txt)"\)', Path(guard.__file__).read_text()))
        assert read and read <= names, read - names


def test_the_checks_version_is_of_the_code_loaded_not_of_files_changed_on_disk_since(
    app, tmp_path, monkeypatch
) -> None:
    """A deploy replaces the files under workers still running the code before: such a worker's
    version stays that of the check it runs, so a newer worker never takes its answers for its own."""
    with app.app_context():
        before = service.guard_version()
        changed = tmp_path / "guard.py"
        changed.write_text("# the check, changed on disk after it was loaded\n")
        monkeypatch.setattr(service, "GUARD_FILES", (changed,))
        service._guard_version.cache_clear()
        assert service.guard_version() == before
        assert service._guard_code((changed,)) != service.GUARD_CODE  # (a worker started now would differ)


def test_the_services_own_phone_numbers_are_not_warned_about_as_a_familys(app) -> None:  # type: ignore[no-untyped-def]
    """Found (identifying-data review): "I rang the Bridge on 0161 …" and "EDT (0161 …)", the numbers
    the tool itself gives (the contacts file: read from it here), were warned about as "a family's
    phone number". A family's number beside them still is; and a change of the contacts' numbers is
    a new version of the check, so a text checked under the old ones is checked again."""
    from app.pack import CONTACTS_KEY

    with app.app_context():
        contacts = app.extensions[CONTACTS_KEY]
        first, second = [contact.phone for contact in contacts.contacts if contact.phone and len(contact.phone) > 5][:2]
        as_written_otherwise = f"+44 (0){first[1:]}"
        text = f"I rang the Bridge on {first} and EDT ({second}). Mum is on 07700 900123."
        found = service.identifying_findings({"reflection": text})
        assert [(each.kind, each.text) for each in found["reflection"]] == [("phone", "07700 900123")]
        assert service.identifying_findings({"reflection": f"Rang {as_written_otherwise} today."}) == {}
        before = service.guard_version()
        changed = dataclasses.replace(
            contacts,
            contacts=tuple(
                dataclasses.replace(contact, phone="0161 496 0999") if contact.phone == first else contact
                for contact in contacts.contacts
            ),
        )
        app.extensions[CONTACTS_KEY] = changed
        try:
            assert service.guard_version() != before
            found = service.identifying_findings({"reflection": f"I rang the Bridge on {first}."})
            assert [each.kind for each in found["reflection"]] == ["phone"]
        finally:
            app.extensions[CONTACTS_KEY] = contacts


def test_the_identifying_check_names_hospitals_once_beside_gp_practices() -> None:
    """Found (PDF review): the longest request's PDF said "the name of a GP (general practitioner)
    practice, hospital or doctor, the name of a hospital": hospitals twice. The GP practice kind
    names hospitals only alone (requests stored before hospitals were a kind of their own)."""
    from app.requests.document import identifying_check_text

    both = identifying_check_text({"found": ["gp_practice", "hospital"], "confirmed": True})
    assert both.count("hospital") == 1
    assert "the name of a GP (general practitioner) practice or doctor and the name of a hospital" in both
    alone = identifying_check_text({"found": ["gp_practice"], "confirmed": True})
    assert "the name of a GP (general practitioner) practice, hospital or doctor" in alone


def test_an_imported_requests_history_names_hospitals_once_beside_gp_practices() -> None:
    """Found (regression review): the inbox's history line for an imported request built its own
    list of what the check found, and still said hospitals twice."""
    from app.inbox.service import _trail_words

    detail = "from a request PDF; the identifying-data check found: gp_practice, hospital"
    _, said = _trail_words("imported", detail, {})
    assert said.count("hospital") == 1 and "practice or doctor and the name of a hospital" in said, said
