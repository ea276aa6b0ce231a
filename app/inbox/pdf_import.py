"""Reading a request back out of its PDF: the ``request.json`` attachment, checked for shape.

What the data says is checked again when it is stored (``app.inbox.service.import_request``):
its answers must lead to a request under this service's rule pack, and the explanation, flags
and criteria are made again from the pack, never taken from the file (anyone can write one).

A facilitator may receive a request PDF by email and import it into the inbox. The PDF is
untrusted input: anything wrong with it (not a PDF, no attachment, JSON that is malformed or
the wrong shape) raises ``ImportProblem`` with a message to show beside the upload field,
never an unhandled error. The checks mirror ``app.requests.document.request_document``; each
request field in ``details`` is checked against its entry in the fields table
(``app.requests.fields``): text within its limit, an option it offers, a month as "YYYY-MM".
An answer to a question naming local services that the partnership file no longer offers (its
id changed or removed since the request was made) is kept by its id (``earlier_answers``), as a
request stored before the change keeps it: the PDF holds the id only, never the words.

The service signs the request.json of each PDF it makes (request.json.sig:
``app.requests.document.request_signature``); ``ImportedRequest.signed`` says whether the upload's
signature is this service's. One that is not (made before the service signed them, under another
``SECRET_KEY``, altered, or made elsewhere) is imported only once the facilitator says they have
checked where it came from (``app.inbox.service.import_request``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..input_guard import find_unsafe_text
from ..journey import MODE_LABELS
from ..models import utcnow
from ..requests.document import DOCUMENT_FORMAT, DOCUMENT_VERSION, SIGNATURE_NAME, signature_matches
from ..requests.fields import ANSWER_LABELS, FIELDS, FIELDS_BY_NAME, Field, stored_value_problem
from ..requests.reference import is_reference
from ..rules.loader import IDENT

ATTACHMENT_NAME = "request.json"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_JSON_BYTES = 1024 * 1024
TEXT_MAX = 20_000
# pypdf's limits on what one stream may decode to (``pypdf.Configuration``), held to the JSON's
# limit while an upload is read.
DECODED_LIMITS = (
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "brotli_maximum_output_length",
    "array_based_stream_maximum_output_length",
    "jbig2_maximum_output_length",
    "maximum_declared_stream_length",
)
# No request can have been submitted before the service existed.
EARLIEST_SUBMITTED = dt.datetime(2024, 1, 1)
# How far ahead of now a request's time sent may be: a few minutes of clock difference between the
# server that made the PDF and this one. Found (security review): a day was allowed, and a request
# imported with tomorrow's date showed in the list and CSV as received tomorrow.
SUBMITTED_AHEAD = dt.timedelta(minutes=5)
# The longest signature attachment read (``SIGNATURE_PREFIX`` and 64 hexadecimal digits, with room):
# anything longer is not one of this service's, so it does not match.
MAX_SIGNATURE_BYTES = 200

log = logging.getLogger(__name__)


class ImportProblem(ValueError):
    """The upload cannot be imported. The message is GOV.UK error wording for the field."""


class NotChecked(ImportProblem):
    """The PDF does not carry this service's signature, and the facilitator has not yet said they
    checked where it came from (``NOT_CHECKED``)."""

    def __init__(self) -> None:
        super().__init__(NOT_CHECKED)


EMPTY_FILE = "The selected file is empty"
NOT_A_PDF = "The selected file must be a PDF"
# A PDF that cannot be opened (cut short by a download or a mailbox, or damaged): found
# (facilitator review), it was refused as "must be a PDF", which told a facilitator who had
# chosen the PDF from the email to choose a PDF.
UNREADABLE_PDF = (
    "The selected PDF cannot be opened: it may be damaged, or only part of it was saved. "
    "Save the PDF from the request's email again, or ask whoever sent it for another copy"
)
TOO_LARGE = "The selected file must be smaller than 5 megabytes (MB)"
NO_ATTACHMENT = (
    "The selected PDF is not a Space to Think request: it has no request data attached. "
    "Upload the PDF attached to the request's email"
)
# Damaged data: what is wrong, then what to do (a field at fault is named between them).
BAD_DATA_WHAT = "The request data in the selected PDF is damaged or incomplete, so it cannot be imported"
BAD_DATA_ADVICE = "Read the request in the PDF itself, or ask whoever sent it for another copy"
BAD_DATA = f"{BAD_DATA_WHAT}. {BAD_DATA_ADVICE}"


def _in_sentence(entry: Field) -> str:
    """The field as the request's row names it, inside a sentence: "current level of support"."""
    row = entry.row.for_mode("practitioner") if entry.row is not None else entry.short_name("myself")
    return row[0].lower() + row[1:]


def earlier_answers(details: Mapping[str, Any]) -> list[tuple[Field, str]]:
    """The answers to questions naming local services (``request_options`` in the partnership
    file) that this service no longer offers: each field, and the id the request holds."""
    return [
        (entry, value)
        for entry in FIELDS
        if entry.local_options
        and isinstance(value := details.get(entry.name), str)
        and value
        and value not in entry.choices()
    ]


def earlier_answers_note(details: Mapping[str, Any]) -> str:
    """For the facilitator who imported a request, what it holds that this service no longer
    offers (an id changed or removed from the partnership file since the request was made, a PDF
    from before an upgrade, say), and how it is shown ("" if nothing)."""
    said = []
    for entry, value in earlier_answers(details):
        said.append(
            f"Its {_in_sentence(entry)} is an answer from an earlier version of the questions, which this "
            f"service no longer offers (id: {value}). It was imported as it is: the request shows that id, and the "
            "PDF you imported shows the answer in words."
        )
    return " ".join(said)


FROM_THE_FUTURE = (
    "The request in the selected PDF says it was sent later than now, so it cannot be imported. If it came from "
    "this service's email, ask whoever looks after the service to check the server's clock"
)
NEWER_FORMAT = (
    "The selected PDF was made by a newer version of Space to Think, so it cannot be imported. "
    "Ask whoever looks after the service to update it"
)
NOT_A_REQUEST_ROUTE = (
    "The answers in the selected PDF do not lead to a Space to Think request under this service's rules, "
    "so it cannot be imported. Contact the person who sent it"
)
# A PDF made under another version of the rule pack, whose answers stop, under this one, at a
# question it answered with an option the pack no longer has, or did not ask: refused, as the rules
# cannot say whether the request fits them (whether it is safe to treat as a request for a session
# is what they decide), nor make its explanation and flags again. {why}: one of the two below.
OTHER_QUESTIONS = (
    "The selected PDF cannot be imported: it was made with a different version of the questions, {why}, so "
    "this service cannot check that the request fits its rules. Read the request in the PDF itself, and contact "
    "the person who made it (their details are in the PDF) to ask them to make the request again with this "
    "service if they still want a session"
)
ANSWER_NOT_OFFERED = "and its answer to “{question}” is not one the questions offer now"
QUESTION_NOT_ASKED = "which did not ask “{question}”"
# A PDF without this service's signature of its request.json (``app.requests.document.request_signature``):
# not imported at the first upload, but once the facilitator says they have checked where it came from.
NOT_CHECKED = (
    "This service cannot tell that it made the selected PDF. It may have been made by an earlier version "
    "of the service (before it marked the PDFs it makes) or before the service's secret key was changed, "
    "or it may have been altered or made somewhere else. Check where it came from: it should be attached "
    "to an email from the service to the facilitators' mailbox. To import it all the same, choose it again "
    "and tick “I have checked where this PDF came from”"
)
TOO_OLD = (
    "The request in the selected PDF was made on {day}, more than {days} days ago. Requests are deleted "
    "after {days} days, so it cannot be imported"
)


@dataclass(frozen=True)
class ImportedRequest:
    """The request data from a PDF, checked: what ``StoredRequest`` needs to be stored."""

    reference: str
    submitted_at: dt.datetime
    mode: str
    rule_pack_version: str
    outcome: str
    answers: dict[str, Any]
    flags: list[dict[str, Any]]
    details: dict[str, Any]
    explanation: list[dict[str, Any]]
    # Whether the PDF carried this service's signature of its request.json (``read_request_pdf``).
    signed: bool = False


def read_request_pdf(data: bytes) -> ImportedRequest:
    """The checked request data embedded in a request PDF, or ``ImportProblem``; ``signed`` if
    its request.json.sig attachment is this service's signature of its request.json's bytes (none,
    or one that does not match, is not a refusal here: the import asks for a check first)."""
    if not data:
        raise ImportProblem(EMPTY_FILE)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportProblem(TOO_LARGE)
    if b"%PDF-" not in data[:1024]:  # readers accept a little junk before the header
        raise ImportProblem(NOT_A_PDF)
    # Imported here, not with the module: every web worker and ``flask`` command loads this
    # module, and only an import needs pypdf (about a tenth of the app's import time).
    import pypdf

    # pypdf logs what it repairs in a damaged file ("EOF marker not found") as warnings, lines
    # without a request or a reason (security review); the line below says an upload failed.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # Only the attachment called request.json is decoded (a file with two is refused), and no stream may decode to
    # more than the JSON's limit: a 5 MB file of compressed attachments could otherwise inflate to
    # gigabytes (pypdf's own limits are 75 MB a stream, and ``attachments`` decodes every copy).
    try:
        limits = pypdf.get_configuration().with_overwrites(**dict.fromkeys(DECODED_LIMITS, MAX_JSON_BYTES + 1))
        with pypdf.apply_configuration(limits):
            attached = list(pypdf.PdfReader(io.BytesIO(data)).attachment_list)  # (a generator)
            named = [entry for entry in attached if entry.name == ATTACHMENT_NAME]
            signatures = [entry for entry in attached if entry.name == SIGNATURE_NAME]
            if not named:
                raise ImportProblem(NO_ATTACHMENT)
            if len(named) > 1 or len(signatures) > 1:
                # Two requests in one file: the service attaches one, and which would be imported is
                # not what the PDF shows (found, PDF review: the first was taken, silently). Two
                # signatures likewise: the service attaches one.
                raise ImportProblem(BAD_DATA)
            try:
                raw = named[0].content
                signature = signatures[0].content if signatures else b""
            except pypdf.errors.LimitReachedError:
                raise ImportProblem(BAD_DATA) from None
    except ImportProblem:
        raise
    except Exception as error:  # noqa: BLE001 — pypdf raises many types on a damaged file; all mean "not readable"
        log.info("An uploaded PDF could not be read: %s", type(error).__name__)
        raise ImportProblem(UNREADABLE_PDF) from None
    if len(raw) > MAX_JSON_BYTES:
        raise ImportProblem(BAD_DATA)
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ImportProblem(BAD_DATA) from None
    signed = bool(signature) and len(signature) <= MAX_SIGNATURE_BYTES and signature_matches(raw, signature)
    return replace(check_document(document), signed=signed)


def _text(value: Any, limit: int = TEXT_MAX) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ImportProblem(BAD_DATA)
    return value


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ImportProblem(BAD_DATA)
    return [_text(item) for item in value]


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ImportProblem(BAD_DATA)
    return value


def _submitted_at(value: Any, now: dt.datetime | None = None) -> dt.datetime:
    """``2026-11-27T09:05:00Z`` as a naive UTC datetime (how times are stored).

    Only a time the service could have made is accepted: not before ``EARLIEST_SUBMITTED``
    and not more than ``SUBMITTED_AHEAD`` (a few minutes) ahead of now (a request from the far
    future would never be purged, one out of range cannot even be shown, and one from tomorrow
    would be listed as received tomorrow)."""
    text = _text(value, 40)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise ImportProblem(BAD_DATA) from None
    latest = (now or utcnow()) + SUBMITTED_AHEAD
    if moment > latest:
        # Said as it is (found, regression review: "damaged or incomplete", of a whole, signed file).
        raise ImportProblem(FROM_THE_FUTURE)
    if moment < EARLIEST_SUBMITTED:
        raise ImportProblem(BAD_DATA)
    return moment


def check_document(document: Any) -> ImportedRequest:
    """Check the attachment's JSON has the shape ``request_document`` gives it.

    No text in it (keys included) may hold a character typed text never has: NUL (which
    PostgreSQL refuses), a lone surrogate (which no page can show), a non-character or a control
    character other than tab and line breaks. The app never writes them, so the file was altered.
    """
    top = _mapping(document)
    if find_unsafe_text(top):
        raise ImportProblem(BAD_DATA)
    if top.get("format") != DOCUMENT_FORMAT:
        raise ImportProblem(NO_ATTACHMENT)
    version = top.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportProblem(BAD_DATA)
    if version > DOCUMENT_VERSION:
        raise ImportProblem(NEWER_FORMAT)
    if version < 1:
        raise ImportProblem(BAD_DATA)
    reference = _text(top.get("reference"), 16)
    mode = _text(top.get("mode"), 20)
    if not is_reference(reference) or mode not in MODE_LABELS:
        raise ImportProblem(BAD_DATA)

    answers = dict(_mapping(top.get("answers")))
    for value in answers.values():
        if isinstance(value, list):
            _strings(value)
        else:
            _text(value)
    flags = top.get("flags")
    if not isinstance(flags, list):
        raise ImportProblem(BAD_DATA)
    for flag in flags:
        item = _mapping(flag)
        _text(item.get("id"), 100)
        _text(item.get("label"), 500)
    explanation = top.get("explanation")
    if not isinstance(explanation, list):
        raise ImportProblem(BAD_DATA)
    for reason in explanation:
        item = _mapping(reason)
        _text(item.get("question_id"), 100)
        _text(item.get("question"))
        if "short" in item:  # the question in a few words (requests made before it was kept have none)
            _text(item["short"], 500)
        _strings(item.get("answers"))
        guidance = item.get("guidance")
        if not isinstance(guidance, list):
            raise ImportProblem(BAD_DATA)
        for entry in guidance:
            cited = _mapping(entry)
            for key in ("id", "source", "text"):
                _text(cited.get(key))
    details = dict(_mapping(top.get("details")))
    for name, value in details.items():
        entry = FIELDS_BY_NAME.get(name)
        if entry is not None:  # a request field: checked as its entry in the fields table says
            if entry.local_options and isinstance(value, str) and value and value not in entry.choices():
                # An answer this service no longer offers (not damage: its id was changed or
                # removed from the partnership file since): kept by its id, as a request stored
                # before the change keeps it, and shown so (``Field.shown``). Only the shape the
                # partnership file allows an id (letters, digits, _ . -, at most 40): no words.
                if not IDENT.fullmatch(value):
                    what = f"its {_in_sentence(entry)} is not an answer the questions could have recorded"
                    raise ImportProblem(f"{BAD_DATA_WHAT}: {what}. {BAD_DATA_ADVICE}")
                continue
            if (problem := stored_value_problem(entry, value)) is not None:
                what = entry.short_name("myself")
                raise ImportProblem(f"{BAD_DATA_WHAT}: its {what[0].lower()}{what[1:]} {problem}. {BAD_DATA_ADVICE}")
        elif name == "criteria":
            if not isinstance(value, list):
                raise ImportProblem(BAD_DATA)
            for criterion in value:
                item = _mapping(criterion)
                _text(item.get("value"), 100)
                _text(item.get("label"))
        elif name == "identifying_check":
            item = _mapping(value)
            _strings(item.get("found", []))
        elif name == ANSWER_LABELS:
            for field_name, words in _mapping(value).items():
                _text(field_name, 100)
                _text(words, 500)
        elif value is not None:
            _text(value)
    return ImportedRequest(
        reference=reference,
        submitted_at=_submitted_at(top.get("submitted_at")),
        mode=mode,
        rule_pack_version=_text(top.get("rule_pack_version"), 64),
        outcome=_text(top.get("outcome"), 40),
        answers=answers,
        flags=list(flags),
        details=details,
        explanation=list(explanation),
    )


__all__ = [
    "ATTACHMENT_NAME",
    "MAX_UPLOAD_BYTES",
    "ImportProblem",
    "ImportedRequest",
    "NotChecked",
    "check_document",
    "earlier_answers",
    "earlier_answers_note",
    "read_request_pdf",
]
