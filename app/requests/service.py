"""Storing requests (the one writer), submitting them, and purging old ones: the only code in
app.requests that commits.

``store_request`` is the one place a request row is written, for a submission and an
import alike: it checks the record, then inserts the request, its outbox message and an
audit event in one transaction. It never renders the PDF or sends mail: the outbox worker
(``app.outbox``) does both later, so a slow or broken mail server or PDF renderer can
neither hold up a submission nor lose one.

``submit_request`` checks on the server that the journey reached the request outcome with
its confirmation, that every required detail is present and valid, and that any
identifying-looking text was confirmed; then it stores the request through ``store_request``.
It is idempotent on the journey token: a double click, a reload, back-and-resubmit or a
second tab all give back the one request (the unique constraint settles a race).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from .. import area_places, audit, email_address, input_guard, mail, months, workflow
from ..extensions import db
from ..journey import MODE_LABELS, noted_from_answers
from ..models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from ..pack import current_contacts, current_pack, current_partnership
from ..pdf import LOGO_URL, PdfAttachment, logo_images, render_pdf
from ..rules import Guidance, JourneyState, RulePack, evaluate
from ..rules.acronyms import acronyms_in
from ..stats.service import count_request_sent
from ..uk_time import uk_date, uk_day, uk_time
from ..wizard.glossary import Explainer
from . import fields, guard
from .document import (
    SIGNATURE_NAME,
    cited_titles,
    document_json,
    kept_glossary,
    request_document,
    request_sections,
    request_signature,
)
from .guard import scan_fields
from .reference import is_reference, new_reference, normalise_reference

log = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5


class IncompleteRequest(Exception):
    """The request cannot be stored yet. ``where`` says what to fix:
    "journey" (not at the request outcome), "details" (``pages`` lists the slugs with
    problems) or "identifying" (identifying-looking text not confirmed)."""

    def __init__(self, where: str, pages: tuple[str, ...] = ()) -> None:
        super().__init__(where)
        self.where = where
        self.pages = pages


@dataclass(frozen=True)
class Submission:
    """The stored request, whether this call created it (False: it already existed), and its
    reference and mode, read before the commit: reading ``request.reference`` after the commit
    would reload the whole row from the database just for it."""

    request: StoredRequest
    created: bool
    reference: str
    mode: str


def journey_complete(state: JourneyState) -> bool:
    """At an outcome that leads to a request, having answered a confirmation on the way."""
    return (
        state.outcome is not None
        and state.outcome.request
        and any(step.question.kind == "confirm" for step in state.steps)
    )


def chosen_criteria(state: JourneyState) -> tuple[str, ...]:
    """The criteria option values chosen in the journey (empty if the question was not on the path)."""
    return tuple(option.value for option in state.criteria)


def guarded_texts(details: Mapping[str, Any], debrief: bool = False) -> dict[str, str]:
    """The free text the guard reads, as it will be stored (``fields.clean_details``): text
    that storing drops, such as a reason left behind when the family now knows, is not read.
    (The guarded fields are all on pages every journey asks, so ``debrief`` changes nothing
    here today; it is passed so the text is always exactly what is stored.)"""
    stored = fields.clean_details(details, debrief)
    return {name: stored.get(name, "") for name in fields.GUARDED_TEXT}


def identifying_findings(details: Mapping[str, Any], debrief: bool = False) -> dict[str, list[Any]]:
    """What the guard finds in the request's free text as it will be stored, by field name."""
    found = scan_fields(guarded_texts(details, debrief), fields.GUARDED_TEXT, current_partnership().places)
    return without_the_partnerships_numbers(found)


def partnership_numbers() -> frozenset[str]:
    """The phone numbers of the services this tool sends people to (the contacts file), as national
    digits (``guard.national_number``)."""
    return frozenset(guard.national_number(contact.phone) for contact in current_contacts().contacts if contact.phone)


def without_the_partnerships_numbers(findings: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    """``findings`` (by field) less the phone numbers that are a service's this tool sends people to:
    found (identifying-data review), "I rang the Bridge on 0161 603 4500" and "EDT (0161 794 8888)",
    the numbers the tool itself gives, were warned about as "a family's phone number": a warning
    given for nothing is one people learn to click past."""
    numbers = partnership_numbers()
    kept = {
        name: [
            finding
            for finding in found
            if finding.kind != "phone" or guard.national_number(finding.text) not in numbers
        ]
        for name, found in findings.items()
    }
    return {name: found for name, found in kept.items() if found}


def identifying_check(findings: Mapping[str, list[Any]], confirmed: bool) -> dict[str, Any]:
    """What is stored of the identifying-data check (shown in the inbox and the PDF): the kinds
    found, never the text, and whether the requester was warned and confirmed it identifies no
    one (a submission; an import's text was never shown to anyone, so nothing was confirmed)."""
    kinds = sorted({finding.kind for found in findings.values() for finding in found})
    return {"found": kinds, "confirmed": confirmed and bool(kinds)}


def stored_findings(stored: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What the guard finds in stored details' free text (an import's, already in stored form)."""
    texts = {name: str(stored.get(name) or "") for name in fields.GUARDED_TEXT}
    return without_the_partnerships_numbers(scan_fields(texts, fields.GUARDED_TEXT, current_partnership().places))


def guarded_fingerprint(details: Mapping[str, Any], debrief: bool = False) -> str:
    """A hash of the free text the guard reads: a confirmation holds for exactly this text."""
    texts = list(guarded_texts(details, debrief).values())
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()


# What the identifying-data check's answer depends on besides the text: its code and word lists,
# the modules it takes patterns and tests from, which kinds each field is checked for
# (``fields.GUARDED_TEXT``) and the area's place names. A change to any of them is a new version
# of the check (``guard_version``), so an answer remembered under the old one is not used.
GUARD_FILES = (
    *(Path(module.__file__ or "") for module in (guard, area_places, email_address, input_guard, months)),
    Path(guard.__file__ or "").with_name("given_names.txt"),
    Path(guard.__file__ or "").with_name("given_names_also_words.txt"),
    Path(guard.__file__ or "").with_name("given_names_more.txt"),
    Path(guard.__file__ or "").with_name("common_words.txt"),
    Path(guard.__file__ or "").with_name("common_words_names.txt"),
    Path(guard.__file__ or "").with_name("not_names.txt"),
    Path(guard.__file__ or "").with_name("not_names_where_a_person_stands.txt"),
)


def _guard_code(files: Sequence[Path] = GUARD_FILES) -> bytes:
    """A digest of the check's code, word lists and fields."""
    digest = hashlib.sha256(repr(sorted(fields.GUARDED_TEXT.items())).encode("utf-8"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.digest()


# Read as this module is imported, just after the check itself: in a worker still running the
# code before a deploy replaced the files on disk, it is the digest of the code that worker runs.
GUARD_CODE = _guard_code()


@functools.lru_cache(maxsize=8)
def _guard_version(
    places: frozenset[str],
    boroughs: frozenset[str] = frozenset(),
    hospitals: frozenset[str] = frozenset(),
    numbers: frozenset[str] = frozenset(),
    public: frozenset[str] = frozenset(),
) -> str:
    digest = hashlib.sha256(GUARD_CODE)
    digest.update(json.dumps(sorted(places), ensure_ascii=False).encode("utf-8"))
    if boroughs or hospitals:
        digest.update(json.dumps([sorted(boroughs), sorted(hospitals)], ensure_ascii=False).encode("utf-8"))
    if public:
        digest.update(json.dumps(["public", sorted(public)], ensure_ascii=False).encode("utf-8"))
    if numbers:
        digest.update(json.dumps(sorted(numbers)).encode("utf-8"))
    return digest.hexdigest()[:32]


def guard_version() -> str:
    """This version of the identifying-data check, with the area's place names, which of them are
    whole boroughs, the names of its hospitals and its public places (``GUARD_FILES``), and the
    services' phone numbers, which it does not warn about (``partnership_numbers``)."""
    places = current_partnership().places
    return _guard_version(frozenset(places), places.boroughs, places.hospitals, partnership_numbers(), places.public)


def guard_record(
    details: Mapping[str, Any],
    debrief: bool = False,
    remembered: Any = None,
    findings: Mapping[str, list[Any]] | None = None,
) -> dict[str, Any]:
    """What the identifying-data check found in the free text as it will be stored: the text's
    ``guarded_fingerprint`` ("text"), the check's version ("check") and the kinds found ("found",
    as ``identifying_check`` stores them). The check takes a few milliseconds on a long text, and
    a request's text is checked when each details page is saved, on check your answers and on
    sending: the views keep this record in the session (on the server: the person cannot change
    it) and pass it back as ``remembered``, which is used only if it is of exactly this text under
    this version of the check; otherwise the text is checked now (or ``findings``, when the
    caller has just checked it, are used)."""
    fingerprint = guarded_fingerprint(details, debrief)
    if (
        isinstance(remembered, Mapping)
        and remembered.get("text") == fingerprint
        and remembered.get("check") == guard_version()
        and isinstance(found := remembered.get("found"), list)
        and all(isinstance(kind, str) for kind in found)
    ):
        return {"text": fingerprint, "check": remembered["check"], "found": list(found)}
    if findings is None:
        findings = identifying_findings(details, debrief)
    return {"text": fingerprint, "check": guard_version(), "found": identifying_check(findings, False)["found"]}


def find_by_token(journey_token: str) -> StoredRequest | None:
    """The request made by this journey, if there is one."""
    return db.session.scalar(select(StoredRequest).where(StoredRequest.journey_token == journey_token))


def find_by_reference(reference: str) -> StoredRequest | None:
    """The request with this reference, if it is still stored."""
    return db.session.scalar(select(StoredRequest).where(StoredRequest.reference == reference))


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class InvalidRequest(ValueError):
    """A record ``store_request`` refuses; the message names the field, never its content."""


@dataclass(frozen=True)
class NewRequest:
    """A request to store: from a submitted journey or from an imported PDF's checked data.
    ``details`` is the validated details mapping (``fields.clean_details`` plus criteria and
    the identifying-data check)."""

    reference: str
    journey_token: str
    created_at: dt.datetime
    mode: str
    rule_pack_version: str
    outcome_id: str
    answers: dict[str, Any]
    explanation: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    details: dict[str, Any]


# Column sizes (app.models.StoredRequest) for the plain-text fields.
TEXT_LIMITS = {"journey_token": 64, "rule_pack_version": 64, "outcome_id": 40}


def _bad_text(value: Any) -> bool:
    """Text no database column should hold: a NUL, or a lone surrogate (not encodable as UTF-8)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_json(name: str, value: Any, depth: int = 0) -> None:
    """Plain JSON data (mappings with text keys, lists, text, numbers, booleans, null) with clean text."""
    if depth > 20:
        raise InvalidRequest(f"{name} is nested too deeply")
    if isinstance(value, str):
        if _bad_text(value):
            raise InvalidRequest(f"{name} holds characters that cannot be stored")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or _bad_text(key):
                raise InvalidRequest(f"{name} has a key that cannot be stored")
            _check_json(name, item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(name, item, depth + 1)
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise InvalidRequest(f"{name} holds a value that is not plain data")


def check_record(record: NewRequest) -> None:
    """Refuse a record the database could not hold or the inbox could not show (``InvalidRequest``)."""
    if not isinstance(record.reference, str) or not is_reference(record.reference):
        raise InvalidRequest("reference is not a request reference")
    if record.mode not in MODE_LABELS:
        raise InvalidRequest("mode is not a known mode")
    for name, limit in TEXT_LIMITS.items():
        value = getattr(record, name)
        if not isinstance(value, str) or not value or len(value) > limit or _bad_text(value):
            raise InvalidRequest(f"{name} must be text of 1 to {limit} characters")
    if not isinstance(record.created_at, dt.datetime):
        raise InvalidRequest("created_at is not a time")
    for name, kind in (("answers", dict), ("explanation", list), ("flags", list), ("details", dict)):
        value = getattr(record, name)
        if not isinstance(value, kind):
            raise InvalidRequest(f"{name} has the wrong shape")
        _check_json(name, value)


def request_row(record: NewRequest) -> StoredRequest:
    """The unsaved row for a record: status "new", no PDF yet, and what the inbox list filters
    and sorts on copied out of the details: "how soon", the due date (``app.workflow``) and the flags."""
    how_soon = record.details.get("how_soon")
    how_soon = how_soon if how_soon in fields.FIELDS_BY_NAME["how_soon"].options else None
    flag_ids = [flag.get("id") for flag in record.flags if isinstance(flag, dict)]
    flag_text = ",".join(flag for flag in flag_ids if isinstance(flag, str) and "," not in flag)
    return StoredRequest(
        reference=record.reference,
        journey_token=record.journey_token,
        created_at=record.created_at,
        mode=record.mode,
        rule_pack_version=record.rule_pack_version,
        outcome_id=record.outcome_id,
        answers=record.answers,
        explanation=record.explanation,
        flags=record.flags,
        details=record.details,
        status="new",
        pdf=None,
        pdf_attempts=0,
        how_soon=how_soon,
        due_on=workflow.due_date(uk_day(record.created_at), how_soon),
        flag_ids=f",{flag_text}," if flag_text and len(flag_text) <= 398 else "",
    )


def store_request(
    record: NewRequest,
    *,
    actor: str,
    action: str,
    detail: str,
    email_to: str | None,
    acknowledge_to: str | None = None,
    email_check_pending: bool = False,
) -> StoredRequest | None:
    """The one writer of stored requests. Check ``record`` (``InvalidRequest``), then insert the
    request (status "new", PDF to be made by the outbox worker), an outbox message to the
    facilitators at ``email_to`` and an acknowledgement to ``acknowledge_to`` (each if given),
    the audit event, and the anonymous count of a request sent (submitted or imported: found,
    statistics review, one imported was never counted, yet its session held was), in one
    transaction.

    Returns the stored request, or None (nothing stored) when a request with the same
    reference or journey token is already there: the caller decides what that means.

    ``email_check_pending``: imported from a PDF this service could not check it made: its work
    email waits for a second person's check, and it is not counted as a request sent until then
    (``app.inbox.service.confirm_work_email``; found, b157 review: forged imports raised the count)."""
    check_record(record)
    request = request_row(record)
    request.email_check_pending = email_check_pending
    if email_to:
        request.outbox.append(
            OutboxMessage(
                kind=mail.FACILITATORS,
                recipient=email_to,
                subject=mail.subject_for(request),
                created_at=record.created_at,
                attempts=0,
            )
        )
    if acknowledge_to:
        request.outbox.append(
            OutboxMessage(
                kind=mail.ACKNOWLEDGEMENT,
                recipient=acknowledge_to,
                subject=mail.subject_for(request, mail.ACKNOWLEDGEMENT),
                created_at=record.created_at,
                attempts=0,
            )
        )
    db.session.add(request)
    audit.add_event(action, record.reference, actor, detail)
    try:
        db.session.flush()  # a taken reference or journey token shows here, before the count
        if not email_check_pending:
            count_request_sent(record.mode)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return request


def journey_record(
    pack: RulePack,
    state: JourneyState,
    journey_token: str,
    details: dict[str, Any],
    now: dt.datetime,
    reference: str | None = None,
) -> NewRequest:
    """What to store for this journey, under a new reference (or ``reference``, an import's):
    the answers on its path, its mode and outcome, and the explanation and flags as the pack
    gives them."""
    return NewRequest(
        reference=reference or new_reference(),
        journey_token=journey_token,
        created_at=now,
        mode=state.mode,
        rule_pack_version=pack.version,
        outcome_id=state.outcome.id if state.outcome else "",
        answers={key: _plain(value) for key, value in state.answers.items()},
        explanation=[
            {
                "question_id": reason.question_id,
                "question": reason.question,
                "short": asked.short.for_mode(state.mode) if (asked := pack.question(reason.question_id)) else "",
                "answers": list(reason.answers),
                "guidance": [
                    {"id": g.id, "source": g.source, "text": g.text, "glossary": _glossary_of(pack, g)}
                    for g in reason.guidance
                ],
            }
            for reason in state.explanation()
        ],
        flags=[
            {"id": flag, "label": flag_obj.label if (flag_obj := pack.flag(flag)) else flag} for flag in state.flags
        ],
        details=details,
    )


def _glossary_of(pack: RulePack, guidance: Guidance) -> dict[str, str]:
    """The pack's glossary meaning of each term a cited guidance item's source or text uses
    ("SSCP news, January 2023"), kept with the request: its page and PDF explain them from what
    it keeps (``document.kept_glossary``), so a request made under an earlier pack, shown or made
    into a PDF after the pack changed, reads as it did when it was sent. (Only the current pack is
    loaded: the version stored with a request names its pack but cannot bring its glossary back.)"""
    return dict(_glossary_terms(guidance, pack.glossary))


@functools.lru_cache(maxsize=1024)
def _glossary_terms(guidance: Guidance, glossary_pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """``_glossary_of``'s work, done once per guidance item and glossary (both pack data, the same
    for every request under one pack), not on every request sent: finding the acronyms is most
    of what keeping the glossary added to a submission."""
    glossary = dict(glossary_pairs)
    words = f"{guidance.source} {guidance.text}"
    return tuple((term, glossary[term]) for term in acronyms_in(words, glossary, plain=False) if term in glossary)


def stored_details(state: JourneyState, details: Mapping[str, Any], found: list[str]) -> dict[str, Any]:
    """The details as a sent request stores them: cleaned (``fields.clean_details``), with the
    criteria chosen in the journey and the kinds of identifying-looking text the check ``found``
    (confirmed by the requester when there are any: a request is not sent otherwise)."""
    stored = fields.clean_details(details, state.debrief)
    stored["criteria"] = [
        {"value": option.value, "label": option.label.for_mode(state.mode)} for option in state.criteria
    ]
    stored["identifying_check"] = {"found": found, "confirmed": bool(found)}
    stored[fields.ANSWER_LABELS] = fields.answer_labels(stored, state.mode)
    return stored


def build_request(
    pack: RulePack, state: JourneyState, journey_token: str, details: dict[str, Any], now: dt.datetime
) -> StoredRequest:
    """A new, unsaved request for this journey, without its PDF (for previews, tests and benchmarks)."""
    return request_row(journey_record(pack, state, journey_token, details, now))


def request_pdf(request: StoredRequest, pack: RulePack) -> bytes:
    """The request's PDF, with the request data attached as request.json, and its signature
    (``request_signature``) as request.json.sig, by which an import tells this service made it.

    Not signed while the request waits for a second person's check of its work email (imported from
    a PDF the service could not check it made: ``email_check_pending``): found (review of that
    check), the service signed its own PDF of the forged request, so its importer could download it
    and upload it again as a copy the service had made, which cleared the check. (An upload no longer
    clears it; a PDF of an unchecked request is not one the service vouches for either.)"""
    document = request_document(request)
    html = request_pdf_html(document, uk_time(request.created_at), pack.name)
    content = document_json(document)
    attachments = [
        PdfAttachment(
            "request.json",
            content,
            "The request as data, for importing into the facilitators' inbox",
            created=request.created_at,
        )
    ]
    if not request.email_check_pending:
        attachments.append(
            PdfAttachment(
                SIGNATURE_NAME,
                request_signature(content),
                "Shows that this service made request.json",
                created=request.created_at,
            )
        )
    return render_pdf(html, attachments, images=logo_images(current_partnership().logo))


def request_pdf_html(document: dict[str, Any], submitted: str, pack_name: str) -> str:
    """The HTML the request's PDF is made from: ``document`` (``request_document``), when it was
    submitted in words, and the rule pack's name; the partnership's logo, if its file gives one,
    beside its name at the top (its bytes are handed to the renderer from memory: app.pdf)."""
    return render_template(
        "pdf/request.html",
        document=document,
        sections=request_sections(document),
        citations=cited_titles(document),
        explainer=Explainer(kept_glossary(document)),
        submitted=submitted,
        pack_name=pack_name,
        # The rules whose contacts it gives, when not the request's (made by a process with other rules,
        # after the request waited for one with its own; or imported): found (contact change review), a
        # PDF gave the new number under the old version's stamp, which never had it.
        contacts_version=current_pack().version,
        logo_url=LOGO_URL,
    )


def supervision_record_html(state: JourneyState, now: dt.datetime, sent_as: str | None = None) -> str:
    """The HTML of the supervision record: what was considered and why, the outcome, its contacts (as on the
    outcome page, each with its note for when it applies) and its guidance, what the answers
    raised (the flags and the advice, as the outcome page says them), and boxes to fill in by
    hand (what was agreed, by whom, when to review it). No case details and no free text: only
    the rule pack's own wording. As on the outcome page, an acronym in quoted guidance is
    explained where the record first uses it (``explainer``)."""
    book = current_contacts()
    outcome = state.outcome
    contacts = (
        [
            (contact, note.for_mode(state.mode) if note else None)
            for contact, note in ((book.get(i), outcome.contact_note(i)) for i in outcome.contacts)
            if contact is not None
        ]
        if outcome
        else []
    )
    # The footer's contacts of every page (999, children's social care, out of hours), for those
    # the outcome does not list: a printed record has no footer (review: the Emergency Duty
    # Team's number was on no record whose outcome lists only the weekday front door).
    listed = {contact.id for contact, _note in contacts}
    emergency = [contact for contact in book.emergency if contact.id not in listed]
    return render_template(
        "pdf/supervision_record.html",
        state=state,
        pack=state.pack,
        outcome=outcome,
        contacts=contacts,
        emergency=emergency,
        reasons=state.explanation(),
        outcome_guidance=state.outcome_guidance(),
        mode=state.mode,
        **noted_from_answers(state),
        explainer=Explainer(dict(state.pack.glossary)),
        made=uk_time(now),
        made_date=uk_date(now),
        logo_url=LOGO_URL,
        sent_as=sent_as,
    )


def submit_request(
    pack: RulePack,
    answers: Mapping[str, Any],
    journey_token: str | None,
    details: Mapping[str, Any],
    confirmed_fingerprint: str | None,
    now: dt.datetime | None = None,
    remembered_check: Any = None,
) -> Submission:
    """Check and store a request (see the module docstring). Raises ``IncompleteRequest``.
    ``remembered_check``: what the identifying-data check found when the text was saved
    (``guard_record``), used only if it is of this very text under this version of the check."""
    if not journey_token:
        raise IncompleteRequest("journey")
    existing = find_by_token(journey_token)
    if existing is not None:
        return Submission(existing, created=False, reference=existing.reference, mode=existing.mode)
    state = evaluate(pack, answers)
    if not journey_complete(state):
        raise IncompleteRequest("journey")
    now = now or utcnow()
    debrief = state.debrief
    problems = fields.check_details(details, debrief, uk_day(now))  # this month as in the UK
    if problems:
        raise IncompleteRequest("details", tuple(problems))
    check = guard_record(details, debrief, remembered_check)
    if check["found"] and confirmed_fingerprint != check["text"]:
        raise IncompleteRequest("identifying")

    stored = stored_details(state, details, check["found"])

    facilitators = current_app.config.get("FACILITATOR_EMAIL")
    # The acknowledgement goes only where the service sends mail at all, to the work email given.
    acknowledge_to = stored.get("email") if facilitators and current_app.config.get("SEND_ACKNOWLEDGEMENTS") else None
    for _attempt in range(REFERENCE_ATTEMPTS):
        record = journey_record(pack, state, journey_token, stored, now)
        request = store_request(
            record,
            actor=audit.REQUESTER,
            action="created",
            email_to=facilitators,
            acknowledge_to=acknowledge_to,
            detail=f"outcome {record.outcome_id}; rule pack {record.rule_pack_version}; mode {record.mode}",
        )
        if request is not None:
            return Submission(request, created=True, reference=record.reference, mode=record.mode)
        existing = find_by_token(journey_token)
        if existing is not None:  # another submission of this journey won the race
            return Submission(existing, created=False, reference=existing.reference, mode=existing.mode)
        # the reference was taken: try another
    raise RuntimeError("could not find an unused reference")  # pragma: no cover (31^8 references)


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed (or, on a dry run, would remove)."""

    references: tuple[str, ...]
    outbox_messages: int
    cutoff: dt.datetime
    dry_run: bool
    # Past the period but kept (``keep``): the reference, and why, in a sentence for an operator.
    kept: tuple[tuple[str, str], ...] = ()


def delete_old_requests(
    retention_days: int,
    also: Callable[[dt.datetime], object],
    dry_run: bool = False,
    now: dt.datetime | None = None,
    actor: str = audit.CLI,
    keep: Callable[[StoredRequest], str | None] | None = None,
    may_keep: Callable[[], Collection[int]] | None = None,
) -> PurgeResult:
    """Delete requests older than ``retention_days`` with their PDFs and outbox messages (and
    everything else tied to them: notes, places in sessions, feedback tokens), recording an audit
    event (reference only, by ``actor``) for each; then ``also(cutoff)``, in the same transaction:
    what goes with them elsewhere (``app.retention.purge_requests`` passes the sessions left empty
    and the feedback comments older than the retention period). Commits. A request for which
    ``keep`` gives a reason is kept for now (``PurgeResult.kept``); only those whose id is among
    ``may_keep()`` (the ids ``keep`` could give one for, found in one query) are asked, when given.

    The requests are locked as they are found, skipping any another purge (another worker) has
    locked already, so two purges at once never record one request's deletion twice."""
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    query = (
        select(StoredRequest.id, StoredRequest.reference)
        .where(StoredRequest.created_at < cutoff)
        .order_by(StoredRequest.created_at)
    )
    rows = db.session.execute(query if dry_run else query.with_for_update(skip_locked=True)).all()
    if not dry_run:
        rows = _without_emails_being_sent(rows)
    kept: list[tuple[str, str]] = []
    if keep is not None:
        asked = set(may_keep()) if may_keep is not None else {row.id for row in rows}
        held = {
            row.id: why
            for row in rows
            if row.id in asked and (why := keep(db.session.get_one(StoredRequest, row.id))) is not None
        }
        kept = [(row.reference, held[row.id]) for row in rows if row.id in held]
        rows = [row for row in rows if row.id not in held]
    ids = [row.id for row in rows]
    references = tuple(row.reference for row in rows)
    outbox_count = 0
    if ids:
        outbox_count = int(
            db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.request_id.in_(ids)))
            or 0
        )
    if dry_run:
        db.session.rollback()
        return PurgeResult(references, outbox_count, cutoff, dry_run, tuple(kept))
    if not ids:
        also(cutoff)
        db.session.commit()
        return PurgeResult(references, outbox_count, cutoff, dry_run, tuple(kept))
    _delete_requests(ids)
    for reference in references:
        audit.add_event("purged", reference, actor, f"older than {retention_days} days")
    also(cutoff)
    db.session.commit()
    return PurgeResult(references, outbox_count, cutoff, dry_run, tuple(kept))


def _delete_requests(ids: Sequence[int]) -> None:
    """Delete these requests with every row tied to them (their PDFs go with the rows). No commit.

    Rows that refer to the requests go first (the outbox, and whatever else points at a
    request, such as the inbox's notes): SQLite enforces ON DELETE CASCADE only when its
    foreign keys are switched on, so this does not rely on it. A row whose reference is ON DELETE
    SET NULL (a feedback link sent: migration 0023) is kept, tied to no request."""
    for table in dependent_tables():
        for column in table.columns:
            to_requests = [fk for fk in column.foreign_keys if fk.column.table.name == StoredRequest.__tablename__]
            if any((fk.ondelete or "").upper() == "SET NULL" for fk in to_requests):
                db.session.execute(update(table).where(column.in_(ids)).values({column.name: None}))
            elif to_requests:
                db.session.execute(delete(table).where(column.in_(ids)))
    db.session.execute(delete(StoredRequest).where(StoredRequest.id.in_(ids)))


class DeletionRefused(Exception):
    """A request that cannot be deleted now: why, in a sentence."""


def reference_typed(text: str) -> str:
    """A reference as typed to a command, in its standard form, as the inbox reads it ("stt 7kq4
    m9xa", with an en dash pasted from a document); ``DeletionRefused`` if it is none. Found
    (operations review): `flask requests delete` took only the exact form, and said "There is no
    stored request" of one spaced out or with an en dash: the operator took the erasure as done."""
    reference = normalise_reference(text)
    if not is_reference(reference):
        raise DeletionRefused(f"{text.strip()!r} is not a request reference: give one like STT-7KQ4-M9XA.")
    return reference


# The audit detail of a request deleted before its retention period ended (``delete_one_request``).
DELETED_EARLY = "before the end of the retention period"


def delete_one_request(
    reference: str,
    also: Callable[[], object],
    actor: str = audit.CLI,
    refuse: Callable[[StoredRequest], str | None] | None = None,
) -> int:
    """Delete one request now, before its retention period ends (someone asked for their data to
    be erased, or a request holds what it must not), exactly as the purge deletes it: its PDF,
    emails, notes, place in a session and feedback link; then ``also()`` in the same transaction
    (``app.retention.delete_request`` passes the sessions left empty). Records a "purged" audit
    event (reference only, by ``actor``) and commits. Returns how many outbox messages went with
    it. ``DeletionRefused`` if there is no such request, or a worker is sending one of its emails
    at this moment (try again in a minute), or ``refuse`` (given the request, locked) says why not
    (``app.retention.delete_request``: its practitioner would be left untold about a session)."""
    reference = reference_typed(reference)
    query = select(StoredRequest.id, StoredRequest.reference).where(StoredRequest.reference == reference)
    row = db.session.execute(query.with_for_update()).first()
    if row is None:
        db.session.rollback()
        raise DeletionRefused(f"There is no stored request {reference}.")
    if not _without_emails_being_sent([row]):
        db.session.rollback()
        raise DeletionRefused(f"An email about {reference} is being sent now: try again in a minute.")
    if refuse is not None and (why := refuse(db.session.get_one(StoredRequest, row.id))) is not None:
        db.session.rollback()
        raise DeletionRefused(why)
    outbox_count = int(
        db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.request_id == row.id))
        or 0
    )
    _delete_requests([row.id])
    audit.add_event("purged", reference, actor, DELETED_EARLY)
    also()
    db.session.commit()
    return outbox_count


def _without_emails_being_sent(rows: Sequence[Any]) -> list[Any]:
    """The requests (``rows``, locked) less any with an email a worker is sending at this moment
    (its outbox row locked by that worker): the purge then never waits for a mail server, and a
    request goes at the next purge instead. Its other outbox rows are locked for the purge, so no
    worker starts sending one of them while the purge deletes it."""
    ids = [row.id for row in rows]
    if not ids:
        return list(rows)
    every = select(OutboxMessage.id, OutboxMessage.request_id).where(OutboxMessage.request_id.in_(ids))
    locked = {row.id for row in db.session.execute(every.with_for_update(skip_locked=True))}
    busy = {row.request_id for row in db.session.execute(every) if row.id not in locked}
    return [row for row in rows if row.id not in busy]


def dependent_tables() -> list[Any]:
    """Every table with a foreign key to ``requests`` (the outbox first), children before parents."""
    tables = [
        table
        for table in reversed(db.metadata.sorted_tables)
        if table.name != StoredRequest.__tablename__
        and any(fk.column.table.name == StoredRequest.__tablename__ for fk in table.foreign_keys)
    ]
    return sorted(tables, key=lambda table: table.name != OutboxMessage.__tablename__)


def audit_trail(reference: str) -> list[AuditEvent]:
    """Every audit event for a reference, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.reference == reference).order_by(AuditEvent.at, AuditEvent.id)
        )
    )
