"""A request as data (the JSON embedded in its PDF) and as sections to show (PDF and HTML).

``request_document`` is what was submitted, as plain JSON-able data: a facilitator can import
it back from the PDF. ``request_sections`` turns it into titled rows, so the PDF and the
submitted page show the same content from the same code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from flask import current_app

from ..journey import MODE_LABELS, summary_answers
from ..models import StoredRequest
from ..rules.partnership import SERVICE_NAME
from ..wizard.glossary import Explainer
from . import fields
from .guard import NAMES, Kind

DOCUMENT_FORMAT = "space-to-think/request"
DOCUMENT_VERSION = 1

# Who reads the request as shown: the facilitators (the inbox and the PDF, worded for triage), or
# the person who sent it (the submitted page, worded as check your answers words it: "you", and
# in supervision "the practitioner").
Audience = Literal["facilitators", "requester"]


def request_document(request: StoredRequest) -> dict[str, Any]:
    """The request as submitted: everything stored about it except its status and PDF."""
    return {
        "format": DOCUMENT_FORMAT,
        "format_version": DOCUMENT_VERSION,
        "reference": request.reference,
        "submitted_at": request.created_at.replace(microsecond=0).isoformat() + "Z",
        "mode": request.mode,
        "rule_pack_version": request.rule_pack_version,
        "outcome": request.outcome_id,
        "answers": request.answers,
        "flags": request.flags,
        "details": request.details,
        "explanation": request.explanation,
    }


def document_json(document: Mapping[str, Any]) -> bytes:
    """The document as UTF-8 JSON, stable (sorted keys) and readable (indented)."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


# The request PDF's second attachment: a signature of its request.json, by which an import can
# tell this service made the file. Found (security review): a facilitator could import a request
# PDF anyone had made (any reference, name and email), and it looked exactly like a real request.
SIGNATURE_NAME = "request.json.sig"
SIGNATURE_PREFIX = b"hmac-sha256:"


def request_signature(content: bytes, secret_key: str | None = None) -> bytes:
    """What the signature attachment holds for ``content`` (request.json's bytes): an HMAC
    (SHA-256) under a key derived from the app's ``SECRET_KEY`` for this use only, as the emails'
    Message-IDs are keyed with it (``app.emails``). A PDF made under another key (the key
    changed, or a restore under another) no longer matches: its import asks for a check.
    ``secret_key``: another key than the app's (tests)."""
    secret = str(current_app.config["SECRET_KEY"] if secret_key is None else secret_key).encode("utf-8")
    key = hmac.new(secret, b"space-to-think request PDF", hashlib.sha256).digest()
    return SIGNATURE_PREFIX + hmac.new(key, content, hashlib.sha256).hexdigest().encode("ascii")


def signature_matches(content: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (the attachment, as read) is this service's for ``content``."""
    return hmac.compare_digest(signature.strip(), request_signature(content))


def in_sentence(text: str) -> str:
    """A label as it reads inside a sentence ("Change who is using this"): only its first letter
    is lowercased, and not even that when the first word is an acronym ("NHS number"), is "I",
    or starts a name that keeps its capital ("Space to Think sessions"), so the names and
    acronyms in it ("what Space to Think does not replace") keep their case."""
    first_word = text.split(" ", 1)[0]
    if not first_word[:1].isupper() or first_word == "I" or any(ch.isupper() for ch in first_word[1:]):
        return text
    if text.startswith(NAMES_WITH_CAPITALS):
        return text
    return text[0].lower() + text[1:]


# Names a label may start with that keep their capital letters inside a sentence.
NAMES_WITH_CAPITALS = (SERVICE_NAME,)


@dataclass(frozen=True)
class Row:
    """One line of a summary: a key and its value(s). ``change`` is an endpoint (check answers),
    ``change_anchor`` the id of its input there (the link goes to the input itself: for radios, the
    answer chosen)."""

    key: str
    values: tuple[str, ...]
    long_text: bool = False
    change: str | None = None
    change_label: str = ""
    change_args: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # Separate items of one kind (the criteria, the flags): the PDF lists them, one a bullet.
    listed: bool = False
    # What each value is, where the key names only the first ("Requested by": the name, then "Job role"
    # and "Agency or team"), shown before it on the pages ("" for none). Found (accessibility review):
    # a screen reader read out three values in a row, the job role and the agency unnamed.
    value_labels: tuple[str, ...] = ()
    # Each glossary term the notes (the guidance cited) use, said where the request first does:
    # "SSCP means Salford Safeguarding Children Partnership." (``explained``).
    explained: tuple[str, ...] = ()
    change_anchor: str = ""


@dataclass(frozen=True)
class Section:
    """A titled group of rows."""

    id: str
    title: str
    rows: tuple[Row, ...]


def detail_rows(
    details: Mapping[str, Any],
    mode: str,
    with_changes: bool = False,
    triage_apart: bool = False,
    audience: Audience = "facilitators",
) -> dict[str, tuple[Row, ...]]:
    """The request's fields as rows, by section id, from the fields table: each field with a
    row of its own, followed in it by the fields that join it (a field asked only on some
    journeys, and not answered, has no row). ``with_changes`` (check your answers) adds each
    page's endpoint; without it the rows are the request's, which the facilitators read, keyed
    as the request keys them, unless ``audience`` is the requester (the submitted page): then
    they are keyed as on check your answers. ``triage_apart`` leaves out the triage fields
    (``triage_rows`` shows them)."""
    in_request = not with_changes and audience == "facilitators"
    rows: dict[str, list[Row]] = {section.id: [] for section in fields.SECTIONS}
    for entry in fields.FIELDS:
        if entry.row is None or (triage_apart and entry.triage):
            continue
        shown = entry.shown(details, mode)
        page = fields.PAGE_OF_FIELD[entry.name]
        if page.debrief_only and not shown:
            continue
        key = entry.row_key(mode, in_request=in_request)
        change = page.endpoint if with_changes else None
        joined = [
            part
            for part in fields.FIELDS
            if part.joins == entry.name
            and not (triage_apart and part.triage)
            and (part.only_if is None or (part.asked(details) and part.shown(details, mode)))
        ]
        if joined:
            parts = (entry, *joined)
            rows[entry.section].append(
                Row(
                    key,
                    tuple(part.shown(details, mode) for part in parts),
                    any(part.long_text for part in parts),
                    change,
                    entry.change_label,
                    change_anchor=entry.input_id(details, mode) if change else "",
                    value_labels=("", *(part.short_name(mode) for part in joined)),
                )
            )
        else:
            rows[entry.section].append(
                Row(
                    key,
                    (shown,) if shown else ("Not given",),
                    entry.long_text,
                    change,
                    entry.change_label or in_sentence(key),
                    change_anchor=entry.input_id(details, mode) if change else "",
                )
            )
    return {section_id: tuple(found) for section_id, found in rows.items()}


def triage_rows(details: Mapping[str, Any], mode: str) -> tuple[Row, ...]:
    """The fields marked ``triage`` in the fields table, a row each, in table order."""
    return tuple(
        Row(
            (entry.triage_row.for_mode(mode) if entry.triage_row is not None else "")
            or entry.row_key(mode, in_request=True)
            or entry.label.for_mode(mode),
            (entry.shown(details, mode) or "Not given",),
        )
        for entry in fields.FIELDS
        if entry.triage
    )


# The GP practice kind's words beside the hospital kind (a request stored before hospitals were a kind
# of their own found them as GP practices, so its words name hospitals too).
GP_PRACTICE_BESIDE_HOSPITAL = "the name of a GP (general practitioner) practice or doctor"


def kinds_in_words(kinds: Sequence[str]) -> list[str]:
    """Each kind the identifying-data check found, in words; hospitals said once (found, PDF review:
    "…practice, hospital or doctor, the name of a hospital")."""
    return [
        GP_PRACTICE_BESIDE_HOSPITAL
        if kind == "gp_practice" and "hospital" in kinds
        else NAMES.get(cast("Kind", kind), kind.replace("_", " "))
        for kind in kinds
    ]


def identifying_check_text(check: Mapping[str, Any] | None, audience: Audience = "facilitators") -> str:
    """What the identifying-data check found, in words (kinds only, never the text): for the
    facilitators, about "the requester"; for the requester, to them ("you", in both modes: the
    person at the keyboard was warned, as the warning page says "what you wrote")."""
    found = kinds_in_words((check or {}).get("found", []))
    if not found:
        if audience == "requester":
            return "Nothing that looked like identifying information was found in what you wrote."
        return "Nothing that looked like identifying information was found in the free text."
    listed = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]
    if not (check or {}).get("confirmed"):  # imported from a PDF: no one was warned about this text
        return (
            f"The free text seems to contain {listed}. This request was imported from a PDF, and the "
            "text was checked again here: check it identifies no one before you share it."
        )
    if audience == "requester":
        return (
            f"You were warned that what you wrote seemed to contain {listed}, and you confirmed "
            "that it does not identify anyone."
        )
    return (
        f"The free text seemed to contain {listed}. The requester was warned and confirmed "
        "that it does not identify anyone."
    )


def cited_titles(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The titles of the guidance the answers' rules cite, without repeats, in first-cited order."""
    titles: list[str] = []
    for reason in document.get("explanation", []):
        for guidance in reason.get("guidance", []):
            title = str(guidance.get("source", ""))
            if title and title not in titles:
                titles.append(title)
    return tuple(titles)


def kept_glossary(document: Mapping[str, Any]) -> dict[str, str]:
    """The glossary's meanings the request keeps with the guidance it cites (each item's
    ``glossary``, as the pack gave them when it was made), by term. A stored request is shown, and
    made into a PDF, after the pack may have changed, so its explanations come from what it keeps,
    never from the pack loaded now: it reads the same every time. (A request kept from before they
    were kept has none, and reads as it always did.)"""
    meanings: dict[str, str] = {}
    for reason in document.get("explanation", []):
        for guidance in reason.get("guidance", []):
            kept = guidance.get("glossary")
            if isinstance(kept, Mapping):
                for term, meaning in kept.items():
                    if isinstance(term, str) and isinstance(meaning, str):
                        meanings.setdefault(term, meaning)
    return meanings


def explained(titles: tuple[str, ...], explainer: Explainer) -> tuple[str, ...]:
    """Each glossary term in ``titles`` not yet explained where the request is shown, in words,
    as the outcome page says it: "SSCP means Salford Safeguarding Children Partnership."."""
    return tuple(f"{term} means {meaning}." for title in titles for term, meaning in explainer.unexplained(title))


def request_sections(document: Mapping[str, Any], audience: Audience = "facilitators") -> tuple[Section, ...]:
    """The request, in titled sections, for the PDF and the pages that show it: first what the
    facilitators triage on (who, how soon, the criteria, the flags, the identifying-data
    check), then the details, then each answer (the question in a few words, where the request
    keeps them) with the titles of the guidance its rule cites. For the requester (the
    submitted page), the same request as check your answers showed it (``requester_sections``)."""
    details: Mapping[str, Any] = document.get("details", {})
    mode = str(document.get("mode", "practitioner"))
    if audience == "requester":
        return requester_sections(document, details, mode)
    rows = detail_rows(details, mode, triage_apart=True)
    criteria = tuple(str(item.get("label", "")) for item in details.get("criteria", []))
    flags = tuple(str(item.get("label", "")) for item in document.get("flags", []))
    reasons = []
    explainer = Explainer(kept_glossary(document))
    for reason in document.get("explanation", []):
        titles = tuple(dict.fromkeys(str(g.get("source", "")) for g in reason.get("guidance", [])))
        answers = summary_answers(str(reason.get("question_id", "")), [str(a) for a in reason.get("answers", [])])
        if criteria and answers == criteria:  # listed in full in the summary for the facilitators
            answers = ("The criteria listed in the summary for the facilitators",)
        question = reason.get("short") or reason.get("question", "")
        reasons.append(Row(str(question), answers, notes=titles, explained=explained(titles, explainer)))
    return (
        Section(
            "triage",
            "Summary for the facilitators",
            (
                Row("Completed by", (MODE_LABELS.get(mode, mode),)),
                *triage_rows(details, mode),
                # In the words the requester chose them in: "I feel stuck" from a practitioner, "The
                # practitioner feels stuck" in supervision (the record keeps what they saw).
                Row("Criteria, as the requester chose them", criteria or ("Not given",), long_text=True, listed=True),
                Row("Flags from the answers", flags or ("None",), listed=True),
                Row(
                    "Identifying information check",
                    (identifying_check_text(details.get("identifying_check")),),
                    long_text=True,
                ),
            ),
        ),
        *(Section(section.id, section.title, rows[section.id]) for section in fields.SECTIONS),
        Section("route", "The answers, and the guidance each rests on", tuple(reasons)),
    )


def requester_sections(document: Mapping[str, Any], details: Mapping[str, Any], mode: str) -> tuple[Section, ...]:
    """The request for the person who sent it, worded and ordered as check your answers words
    it for ``mode``: the answers (each with the titles of the guidance its rule cites), what
    was noted from them (the flags the request tells the facilitators, and the identifying-data
    check), then the details under check your answers' headings and keys."""
    flags = tuple(str(item.get("label", "")) for item in document.get("flags", []))
    answers = []
    explainer = Explainer(kept_glossary(document))
    for reason in document.get("explanation", []):
        titles = tuple(dict.fromkeys(str(g.get("source", "")) for g in reason.get("guidance", [])))
        shown = summary_answers(str(reason.get("question_id", "")), [str(a) for a in reason.get("answers", [])])
        question = reason.get("short") or reason.get("question", "")
        notes = tuple(f"Guidance: {title}" for title in titles if title)
        answers.append(Row(str(question), shown, notes=notes, explained=explained(notes, explainer)))
    tells = fields.Words("What your request tells the facilitators", "What the request tells the facilitators")
    noted = [Row(tells.for_mode(mode), flags, listed=True)] if flags else []
    noted.append(
        Row(
            "Check for identifying information",
            (identifying_check_text(details.get("identifying_check"), audience="requester"),),
            long_text=True,
        )
    )
    rows = detail_rows(details, mode, audience="requester")
    return (
        Section(
            "answers",
            fields.Words("Your answers about the situation", "The answers about the situation").for_mode(mode),
            tuple(answers),
        ),
        Section(
            "noted",
            fields.Words("What we noted from your answers", "What we noted from the answers").for_mode(mode),
            tuple(noted),
        ),
        *(Section(section.id, section.check_title.for_mode(mode), rows[section.id]) for section in fields.SECTIONS),
    )
