"""The inbox's work: facilitator accounts, signing in, triage and importing request PDFs.

The only code in ``app.inbox`` that commits. Every change to a request (status, assignment,
note, import) is committed with its audit event in one transaction; reads that must be
audited (viewing a request, downloading its PDF) commit their event on their own.
Audit events name the facilitator by id (``facilitator:<id>``), never by email, and never
hold note text or request content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping, MutableMapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from flask import current_app, has_app_context, render_template
from sqlalchemy import CursorResult, and_, delete, or_, select, update
from sqlalchemy import text as text_sql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, mail, workflow
from ..database_files import forget_deleted_text
from ..email_address import is_email_address
from ..extensions import db
from ..input_guard import REMOVED_FROM_FORMS, is_blank, is_invisible, text_length, without_invisible
from ..journey import MODE_LABELS
from ..mail import (
    GIVEN_UP_AS_MEANT,
    REDIRECTED,
    given_up_what_to_do,
    mail_problem_words,
    message_was_refused,
    too_late,
    until_mended,
)
from ..models import AuditEvent, OutboxMessage, StoredRequest, utcnow
from ..pack import current_contacts, current_pack, current_partnership
from ..requests import fields
from ..requests.document import kinds_in_words
from ..requests.guard import (
    CHILDRENS_NAMES_IN_SMALL_LETTERS,
    KINDS,
    SPEAKS_OF_HARM,
    Finding,
    Kind,
    Sentences,
    names_with_a_cue,
    scan_with_cued_names,
)
from ..requests.reference import is_reference, normalise_reference
from ..requests.service import (
    InvalidRequest,
    NewRequest,
    identifying_check,
    journey_record,
    store_request,
    stored_findings,
    without_the_partnerships_numbers,
)
from ..rules import Contact, JourneyState, evaluate
from ..sessions import end_sessions_holding, when_expired
from ..space_sessions.calendar import references_in_words
from ..space_sessions.models import SpaceSession
from ..space_sessions.service import (
    ARRANGED,
    STILL_IN_SUBJECT_STARTS,
    SUBJECTS,
    after_status_change,
    hold_request,
    hold_sqlite_for_writing,
    in_trail,
    not_held_yet,
    session_place,
    starts_in_words,
)
from ..stats.service import SESSION_HELD, add_count, count_request_sent
from ..uk_time import uk_date, uk_day, uk_time
from .listing import FINISHED_STATUSES, retry_words, seen_since
from .models import (
    EMAIL_MAX,
    FACILITATOR,
    NAME_MAX,
    NOTE_MAX,
    PARTNERSHIP,
    ROLES,
    Assignment,
    Facilitator,
    TriageNote,
)
from .pdf_import import (
    ANSWER_NOT_OFFERED,
    NOT_A_REQUEST_ROUTE,
    OTHER_QUESTIONS,
    QUESTION_NOT_ASKED,
    TOO_OLD,
    ImportedRequest,
    ImportProblem,
    NotChecked,
)
from .redirected import queue_redirected_email, when_reopened

# A rule pack's version: the first 12 hex digits of its content's hash (app.rules.loader).
PACK_VERSION = re.compile(r"[0-9a-f]{12}")
SESSION_HELD_STATUS = "session_held"  # moving a request here counts a session held (app.stats)

PASSWORD_MIN = 12
PASSWORD_MAX = 256
# The rules in words: asked for by ``flask facilitators add`` and ``reset-password``, and the hint
# on the inbox's "Change your password" page.
PASSWORD_RULES = (
    f"at least {PASSWORD_MIN} characters, not a common password or one easy to guess; 3 or 4 unrelated words are best"
)
# Guesses for this app in particular, on top of the published list (common_passwords.txt):
# refused as they are, and (like the list) with digits, years or symbols added.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopas",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "letmein12345",
        "iloveyou1234",
        "welcome12345",
        "changeme1234",
        "abc123abc123",
        "trustno1trustno1",
        "administrator",
        "safeguarding",
        "safeguarding1",
        "safeguarding123",
        "facilitator1",
        "football1234",
        "monkey123456",
        # The passphrase everyone has seen as the example of one (xkcd's "Password Strength"),
        # which guessers try early (found, new-user review: accepted with a digit added).
        "correct horse battery staple",
    }
)
# The 10,000 passwords seen most often in breaches (NCSC's list from Have I Been Pwned; where
# it comes from is at the top of the file).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Look-alikes for letters: 1 and ! stand for i or for l, so each gets a table.
_LOOK_ALIKES = (str.maketrans("013457@$!", "oieastasi"), str.maketrans("013457@$!", "oleastasl"))
_BASE_MIN = 4  # a shorter core ("abc", "bob") is too short to hold against a password
_EDGE = 3  # how many digits or symbols next to the letters may be look-alikes ("hell0")
# Rows of the keyboard and the alphabet: four or more neighbours in a row ("qwer", "lkjh",
# "abcd") are a run; for digits, three ("123", "987", "890").
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")
_DIGIT_ROWS = ("0123456789", "1234567890")
# One label per status (app.workflow, where the statuses and the moves between them live).
STATUS_LABELS = workflow.STATUS_LABELS


class FacilitatorError(Exception):
    """A facilitator account cannot be added or changed; the message says why."""


# --- accounts -------------------------------------------------------------------------------


# The characters references never have: 0 and O, 1, I and L (``app.requests.reference.ALPHABET``).
_NEVER_IN_A_REFERENCE = re.compile(r"[01OIL]")


def normalise_email(text: str) -> str:
    """An email address as stored: trimmed and lower-case."""
    return text.strip().lower()


def email_problem(email: str) -> str | None:
    """Why ``email`` (normalised) is not a usable address for an account, or None: not an address,
    or the facilitators' shared one (``FACILITATOR_EMAIL``), whose mailbox every facilitator reads,
    where the account's notices (its password changed) would go to them all (found, regression review)."""
    if len(email) > EMAIL_MAX or not is_email_address(email):
        return "Enter an email address in the correct format, like name@example.org."
    shared = current_app.config.get("FACILITATOR_EMAIL") if has_app_context() else None
    if shared and normalise_email(str(shared)) == email:
        return (
            f"{email} is the facilitators' shared address (FACILITATOR_EMAIL), which every facilitator reads: give "
            "the person's own work email address, as the account's notices are for them alone."
        )
    return None


def partnership_words() -> set[str]:
    """The words of the partnership's names ("salford", "sscp"...): with digits and symbols
    added, a place's name is among the first guesses for a password there."""
    if not has_app_context():
        return set()
    partnership = current_partnership()
    words = re.split(r"[^a-z0-9]+", f"{partnership.name} {partnership.short_name}".lower())
    return {word for word in words if len(word) >= 3}


def made_of_partnership_words(lowered: str, personal: AbstractSet[str] = frozenset()) -> bool:
    """Whether the letters of a lower-case password (look-alike digits and symbols read as
    letters: ``password_bases``) are only the partnership's words, one or more, in any order
    ("salford2025", "Salford Safeguarding", "SSCP Salford 2025!": found, security review, the
    last two were accepted: only one word alone was refused), and the ``personal`` words (the
    account's name and email address: ``personal_words``)."""
    words = partnership_words() | {"space", "to", "think"} | set(personal)
    candidates = {re.sub(r"[^a-z]", "", lowered)} | {re.sub(r"[^a-z]", "", base) for base in password_bases(lowered)}
    return any(_segments_into(letters, words) for letters in candidates if letters)


def personal_words(email: str, name: str) -> set[str]:
    """The runs of letters of an account's email address (its domain's too) and name, however
    short: "jo.li@salford.gov.uk", "Jo Li" give jo, li, salford, gov, uk."""
    return set(re.findall(r"[a-z]+", f"{email} {name}".lower()))


def _segments_into(letters: str, words: AbstractSet[str]) -> bool:
    """Whether ``letters`` is one or more of ``words`` run together."""
    ends = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        ends[end] = any(ends[end - len(word)] and letters.endswith(word, 0, end) for word in words if len(word) <= end)
    return ends[-1]


def password_bases(lowered: str) -> set[str]:
    """The words a lower-case password is built on, as a guesser sees them: the letters from
    the first to the last, with look-alike digits and symbols read as letters (0 as o, 1 as i
    or l, 3 as e, 4 as a, 5 as s, 7 as t, @ as a, $ as s, ! as i or l), and the digits, years
    and symbols before and after taken off; each also without the spaces or symbols inside.
    "P@ssw0rd1234" gives "password", "Liverpool123!" "liverpool", "hell0-2024" "hello"."""
    letters = [at for at, char in enumerate(lowered) if "a" <= char <= "z"]
    if not letters:
        return set()
    first, last = letters[0], letters[-1]
    bases: set[str] = set()
    for before in range(min(first, _EDGE) + 1):
        for after in range(min(len(lowered) - 1 - last, _EDGE) + 1):
            core = lowered[first - before : last + 1 + after]
            for table in _LOOK_ALIKES:
                word = re.sub(r"^[^a-z]+|[^a-z]+$", "", core.translate(table))
                bases.update(base for base in (word, re.sub(r"[^a-z]", "", word)) if len(base) >= _BASE_MIN)
    return bases


@lru_cache(maxsize=1)
def common_password_bases() -> frozenset[str]:
    """The bases (``password_bases``) of the common passwords: "liverpool1" and "Liverpool"
    both give "liverpool", so "Liverpool123!" is refused too. Read once per process."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    bases: set[str] = set()
    for password in (*lines, *COMMON_PASSWORDS):
        lowered = password.lower()
        letters = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
        for table in _LOOK_ALIKES:
            word = letters.translate(table)
            bases.update(base for base in (word, re.sub(r"[^a-z]", "", word)) if len(base) >= _BASE_MIN)
    return frozenset(bases)


def is_common_password(lowered: str) -> bool:
    """Whether a lower-case password is a common one, or one with look-alikes for its letters or
    digits, years or symbols added (see ``password_bases``)."""
    return lowered in COMMON_PASSWORDS or not password_bases(lowered).isdisjoint(common_password_bases())


def run_characters(lowered: str) -> int:
    """How many characters of a lower-case password are in runs a guesser tries first: keys next
    to each other ("qwer", "asdf"), letters or digits in order either way ("abcd", "4321"),
    or one character three times or more ("aaa", "!!!")."""
    in_run = [False] * len(lowered)
    for row in (*_KEY_ROWS, *_DIGIT_ROWS):
        shortest = 3 if row in _DIGIT_ROWS else 4
        places = [row.find(char) for char in lowered]
        for step in (1, -1):
            start = 0
            for at in range(1, len(lowered) + 1):
                if at < len(lowered) and min(places[at - 1], places[at]) >= 0 and places[at] - places[at - 1] == step:
                    continue
                if at - start >= shortest:
                    in_run[start:at] = [True] * (at - start)
                start = at
    for repeated in re.finditer(r"(.)\1{2,}", lowered):
        in_run[repeated.start() : repeated.end()] = [True] * (repeated.end() - repeated.start())
    return sum(in_run)


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is too weak for a facilitator account, or None.

    Length first (the best single defence), then what a guesser tries early: common
    passwords (the published list in common_passwords.txt, also with look-alike digits for
    letters and digits, years or symbols added), keyboard runs and letters or digits in order,
    few different characters, only digits, the partnership's name with digits or symbols
    added, or the person's own email or name.
    """
    if len(password) < PASSWORD_MIN:
        return f"The password must be at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"The password must be {PASSWORD_MAX:,} characters or less."
    lowered = password.lower()
    advice = "Use a longer passphrase, for example 3 or 4 unrelated words"
    if is_common_password(lowered):
        return (
            "The password is too easy to guess: it is a common password, perhaps with numbers or "
            f"symbols added or in place of letters. {advice}."
        )
    if run_characters(lowered) * 2 >= len(lowered):
        return (
            "The password is too easy to guess: most of it is keys next to each other or letters "
            f"or numbers in order, like qwerty, abcd or 1234. {advice}."
        )
    personal = [part for part in re.split(r"[^a-z0-9]+", f"{email.split('@')[0]} {name}".lower()) if len(part) >= 4]
    if (
        "password" in lowered
        or "spacetothink" in lowered.replace(" ", "")
        # Found (security review): the account's own address as its password ("jo.li@salford.gov.uk"),
        # and "Sam Salford 2026" for Sam, were taken: only parts of 4 letters or more were looked for.
        or made_of_partnership_words(lowered, personal_words(email, name))
        or len(set(lowered)) < 6
        or password.isdigit()
        or any(part in lowered for part in personal)
    ):
        return (
            f"The password is too easy to guess. {advice}, without your name, your email, the "
            "partnership's name or the word password."
        )
    return None


def find_facilitator(email: str, afresh: bool = False) -> Facilitator | None:
    """The facilitator with this email address (any case), active or not. ``afresh``: read from the
    database again even if this session has read it already (a command that asked first)."""
    query = select(Facilitator).where(Facilitator.email == normalise_email(email))
    return db.session.scalar(query.execution_options(populate_existing=afresh))


def tidy_name(name: str) -> str:
    """A facilitator's name as shown in the inbox, emails and calendar files: runs of whitespace
    made one space, and control and other invisible characters removed (found: ``flask
    facilitators add --name`` stored a typed or pasted control character, which the web forms
    never let through)."""
    return " ".join("".join(char for char in name if char.isspace() or not is_invisible(char)).split())


def new_account_problem(email: str, name: str) -> str | None:
    """What is wrong with a new account's email address or name (the address not one address,
    the name blank or too long, the address already an account's), or None. Checked before its
    password is asked for, so that no one types a password twice to be told the address is wrong."""
    email = normalise_email(email)
    problem = email_problem(email) or name_problem(tidy_name(name))
    if problem is None and find_facilitator(email) is not None:
        problem = already_an_account(email)
    return problem


def name_problem(name: str) -> str | None:
    """What is wrong with a facilitator's name (tidied: ``tidy_name``): blank, or too long; or None.
    The same for a new account (``new_account_problem``) and a name corrected (``rename_facilitator``)."""
    if not name:
        return "Enter the facilitator's name."
    if len(name) > NAME_MAX:
        return f"The name must be {NAME_MAX:,} characters or less."
    return None


def as_a_form_sends_it(password: str) -> str:
    """A password given to a command, as the sign-in page will receive it when the person types
    it: without what every form leaves out (``input_guard.REMOVED_FROM_FORMS``: control characters,
    direction controls). Found (regression review): one set by a command with a direction control
    in it could not be typed on the sign-in page, which never received that character."""
    return REMOVED_FROM_FORMS.sub("", password)


def add_facilitator(
    email: str, name: str, password: str, role: str = FACILITATOR, must_change_password: bool = False
) -> Facilitator:
    """Create an active account (a facilitator, or a read-only partnership one). Raises ``FacilitatorError``.
    ``must_change_password``: its first sign-in is sent to choose its own (``flask facilitators add``:
    the person who ran it chose this one)."""
    if role not in ROLES:
        raise FacilitatorError(f"The role must be one of: {', '.join(ROLES)}.")
    email = normalise_email(email)
    name = tidy_name(name)
    password = as_a_form_sends_it(password)
    problem = new_account_problem(email, name) or password_problem(password, email, name)
    if problem:
        raise FacilitatorError(problem)
    facilitator = Facilitator(
        email=email,
        display_name=name,
        password_hash=generate_password_hash(password),
        active=True,
        role=role,
        created_at=utcnow(),
        must_change_password=must_change_password,
    )
    db.session.add(facilitator)
    try:
        db.session.flush()
    except IntegrityError:
        # Another administrator added the same address after it was checked above, at the same
        # moment: said as when one comes after the other (found, two facilitators at once review:
        # "The database refused the command's work (IntegrityError)").
        db.session.rollback()
        raise FacilitatorError(already_an_account(email)) from None
    audit.add_event("facilitator_added", None, audit.cli_actor(), facilitator.actor)
    db.session.commit()
    return facilitator


def already_an_account(email: str) -> str:
    """Why an account cannot be added for ``email``: one has it already."""
    return f"There is already a facilitator with the email address {email}."


def lock_active_facilitators() -> set[int]:
    """The ids of the active accounts with the facilitator role, read again and held until the
    transaction ends. Two commands run at the same
    moment (each deactivating, or making read-only, one of the last two facilitators) would each
    count the other's account as still there and leave none: on PostgreSQL the second waits here
    (``SELECT ... FOR UPDATE``) and then counts what the first left; SQLite lets one writer at a
    time, and its reads take no lock, so the transaction begins by taking the write lock
    (``BEGIN IMMEDIATE``): the second waits there for the first (as long as SQLite waits for a lock)
    and then counts what the first left. Found: on SQLite, a second command that began while the
    first was writing counted the accounts before the first committed, then waited to write, and
    the two left no facilitator."""
    hold_sqlite_for_writing()
    query = (
        select(Facilitator.id)
        .where(Facilitator.active.is_(True), Facilitator.role == FACILITATOR)
        .order_by(Facilitator.id)
        .with_for_update()
    )
    return set(db.session.scalars(query))


def refuse_leaving_no_facilitator(facilitator: Facilitator, still_in: set[int], afterwards: str) -> None:
    """``FacilitatorError`` (nothing changed) if ``facilitator`` is the only active facilitator
    account among ``still_in`` (``lock_active_facilitators``): ``afterwards`` begins the sentence
    saying that, so changed, no one could open the requests."""
    if facilitator.id in still_in and not still_in - {facilitator.id}:
        raise FacilitatorError(
            f"Nothing was changed: {facilitator.email} is the only active facilitator account. {afterwards} "
            "no one could open the requests in the inbox. Add another facilitator first "
            "(flask facilitators add EMAIL --name NAME), then run this again."
        )


def deactivate_facilitator(email: str) -> Facilitator:
    """Stop a facilitator signing in, and end every session signed in to the account now.
    Deactivating an account that is deactivated already keeps the time it was first deactivated;
    one whose name, email address and password were removed is left as it is, unrecorded. The
    last active facilitator is refused (``FacilitatorError``): no one could then open the requests."""
    still_in = lock_active_facilitators()
    facilitator = find_facilitator(email, afresh=True)
    if facilitator is None:
        raise FacilitatorError(f"There is no facilitator with the email address {normalise_email(email)}.")
    if facilitator.anonymised_at is not None:
        return facilitator  # deactivated for good, its details removed: nothing to change or record
    refuse_leaving_no_facilitator(facilitator, still_in, "If it were deactivated,")
    if facilitator.active or facilitator.deactivated_at is None:
        facilitator.deactivated_at = utcnow()
    facilitator.active = False
    # Its account emails not sent yet are withdrawn, as none is queued for it from now on
    # (``queue_password_notice``; found, b149 review: a password notice queued just before went after).
    withdraw_account_emails(facilitator)
    audit.add_event("facilitator_deactivated", None, audit.cli_actor(), facilitator.actor)
    db.session.commit()
    # Its sign-ins end now, not at their next inbox page: one kept alive on the other pages (or by
    # "Stay signed in") meanwhile would otherwise be the inbox again once the account was
    # reactivated (security review).
    # Each is audited as a sign-in ended (found: only the deactivation was, so the log showed the
    # sign-ins open and never ended).
    # Each browser signed in to it is told so, once, at its next inbox page (found, b149 review: the
    # sign-in page said nothing of it, and the right password was then refused as if mistyped).
    for _ in range(end_sessions_holding(FACILITATOR_SESSION_KEY, facilitator.id, because=ACCOUNT_CLOSED)):
        audit.add_event("signed_out", None, facilitator.actor, SIGNED_OUT_BECAUSE[ACCOUNT_CLOSED])
    db.session.commit()
    return facilitator


def reactivate_facilitator(email: str) -> tuple[Facilitator, bool]:
    """Let a deactivated facilitator sign in again, with the password they had (audited).
    Returns the account and whether it changed (False: it was active already, nothing recorded)."""
    facilitator = find_facilitator(email)
    if facilitator is None:
        raise FacilitatorError(f"There is no facilitator with the email address {normalise_email(email)}.")
    if facilitator.active:
        return facilitator, False
    refuse_a_removed_account(facilitator)
    facilitator.active = True
    facilitator.deactivated_at = None  # its personal data is no longer due to be removed
    audit.add_event("facilitator_reactivated", None, audit.cli_actor(), facilitator.actor)
    db.session.commit()
    return facilitator, True


# What each role may do, in words (``flask facilitators set-role`` says it).
ROLE_WORDS = {FACILITATOR: "works the inbox", PARTNERSHIP: "read-only: sees the statistics only"}


def change_role(email: str, role: str) -> tuple[Facilitator, str]:
    """Make an account a facilitator or a read-only partnership one, keeping everything else (its
    notes, assignments and audit trail stay linked to it, as removing and adding it again would
    not), audited with the roles before and after. Returns the account and its role before (the
    same role: nothing changed, nothing recorded). The role is read on every inbox page, so a
    sign-in open now has the new role from its next page. Refused (``FacilitatorError``): a role
    the app does not know, an account with its details removed, and the last active facilitator
    made read-only (no one could then open the requests)."""
    if role not in ROLES:
        raise FacilitatorError(f"The role must be one of: {', '.join(ROLES)}.")
    still_in = lock_active_facilitators()
    facilitator = find_facilitator(email, afresh=True)
    if facilitator is None:
        raise FacilitatorError(f"There is no facilitator with the email address {normalise_email(email)}.")
    old = facilitator.role
    if old == role:
        return facilitator, old
    refuse_a_removed_account(facilitator)
    if role != FACILITATOR:
        refuse_leaving_no_facilitator(facilitator, still_in, f"With the {role} role,")
    facilitator.role = role
    audit.add_event("facilitator_role_changed", None, audit.cli_actor(), f"{facilitator.actor}; {old} to {role}")
    db.session.commit()
    return facilitator, old


def rename_facilitator(email: str, name: str) -> tuple[Facilitator, str]:
    """Correct an account's name (a misspelling, a name changed), keeping everything else, audited
    with the names before and after (b149 review: the only way was to deactivate it and add a new
    account, cut off from its notes, assignments and audit trail). The name is checked and tidied
    as ``add`` does it. Returns the account and its name before (the same: nothing changed, nothing
    recorded). Shown from the next page anyone opens. Refused (``FacilitatorError``): no such
    account, one whose details were removed, a blank or too long name."""
    facilitator = find_facilitator(email)
    if facilitator is None:
        raise FacilitatorError(f"There is no facilitator with the email address {normalise_email(email)}.")
    refuse_a_removed_account(facilitator)
    name = tidy_name(name)
    if problem := name_problem(name):
        raise FacilitatorError(problem)
    old = facilitator.display_name
    if old == name:
        return facilitator, old
    facilitator.display_name = name
    # The audit log names accounts by number, never by name or address, as everywhere else in it (the
    # command's own output says both names to whoever ran it).
    audit.add_event(RENAMED, None, audit.cli_actor(), f"{facilitator.actor}; name corrected")
    db.session.commit()
    return facilitator, old


RENAMED = "facilitator_renamed"
EMAIL_CHANGED = "facilitator_email_changed"
# The audit actions of the notices that an account's email address changed (``queue_email_notice``),
# queued and sent (app.outbox.send_message), as for a password's.
EMAIL_NOTICE_QUEUED = "email_notice_queued"
EMAIL_NOTICE_SENT = "email_notice_sent"


def change_email(email: str, new_email: str) -> tuple[Facilitator, str]:
    """Give an account another email address (married, a council's new domain, a typo at ``add``),
    keeping everything else, audited with the addresses before and after (b149 review: the only way
    was a new account, and the password notices went on going to the old address). The address is
    checked as ``add`` checks it, and refused if another account has it (active, deactivated or
    being added at the same moment). What was keyed by the old address: the account's emails not
    sent yet to it (a password-changed notice) go to the new one; the sign-in lockout and known-device
    cookies are the command's (``flask facilitators set-email``). A notice that it changed is queued
    to both addresses (``queue_email_notice``). Returns the account and its address before (the
    same: nothing changed, nothing recorded)."""
    facilitator = find_facilitator(email)
    if facilitator is None:
        raise FacilitatorError(f"There is no facilitator with the email address {normalise_email(email)}.")
    refuse_a_removed_account(facilitator)
    new = normalise_email(new_email)
    old = facilitator.email
    if new == old:
        return facilitator, old
    if problem := email_problem(new):
        raise FacilitatorError(problem)
    if find_facilitator(new) is not None:
        raise FacilitatorError(already_an_account(new))
    facilitator.email = new
    try:
        db.session.flush()
    except IntegrityError:  # another command gave it to another account at the same moment
        db.session.rollback()
        raise FacilitatorError(already_an_account(new)) from None
    # Its password notice not sent yet follows it: the old address may be someone else's now. (Only one
    # to the old address: a notice to an address before it stays where it was meant; and not an earlier
    # change's notice, which says what that address was then, and is followed there by this change's:
    # found, regression review, changed twice, the newest address had two "this is now the address".)
    # One a worker is sending now (its row locked) is left to it, to the old address: waiting on it held
    # the command up to the database's time limit, blaming "a migration" (found, regression review).
    waiting = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.facilitator_id == facilitator.id,
                OutboxMessage.request_id.is_(None),
                OutboxMessage.kind == mail.PASSWORD_CHANGED,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.recipient == old,
            )
            .with_for_update(skip_locked=True)
        )
    )
    if waiting:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(waiting)).values(recipient=new))
    actor = audit.cli_actor()
    audit.add_event(EMAIL_CHANGED, None, actor, f"{facilitator.actor}; email address changed")
    queue_email_notice(facilitator, old, actor)
    db.session.commit()
    return facilitator, old


def _who_to_tell() -> Contact | None:
    """The partnership's contact that an account's notice names, for "that was not me" (its
    accessibility statement's), or None."""
    partnership = current_partnership()
    contact_id = partnership.accessibility.contact_id
    return current_contacts().get(contact_id) if contact_id else None


def queue_email_notice(facilitator: Facilitator, old: str, actor: str, now: dt.datetime | None = None) -> bool:
    """Queue the emails saying the account's address changed, one to the old address and one to the
    new (``templates/inbox/email_changed.txt``: neither names the other address, nor the person; no
    link), each audited by the account's id; no commit. The old address learns that it no longer
    signs in (its owner can say so if that was not them); the new one, that it does now. As for the
    password notice (``queue_password_notice``): False, nothing queued, where the service sends no
    mail (``FACILITATOR_EMAIL`` unset) or to a deactivated account."""
    if not current_app.config.get("FACILITATOR_EMAIL") or not facilitator.active:
        return False
    now = now or utcnow()
    contact = _who_to_tell()
    for to_old, recipient in ((True, old), (False, facilitator.email)):
        body = render_template("inbox/email_changed.txt", when=uk_time(now), to_old=to_old, contact=contact)
        db.session.add(
            OutboxMessage(
                kind=mail.EMAIL_CHANGED,
                facilitator_id=facilitator.id,
                recipient=recipient,
                subject=mail.EMAIL_CHANGED_SUBJECT,
                created_at=now,
                attempts=0,
                body=body,
            )
        )
        which = "the account's email address before" if to_old else "the account's new email address"
        audit.add_event(EMAIL_NOTICE_QUEUED, None, actor, f"{facilitator.actor}; to {which}")
    return True


def reset_password(email: str, password: str) -> Facilitator:
    """Give a facilitator a new password, which they must change at their next sign-in (the
    person who set it knows it: ``Facilitator.must_change_password``). Raises ``FacilitatorError``
    naming the problem."""
    facilitator = find_facilitator(email)
    if facilitator is None:
        raise FacilitatorError(f"There is no facilitator with the email address {normalise_email(email)}.")
    refuse_a_removed_account(facilitator)
    password = as_a_form_sends_it(password)
    problem = password_problem(password, facilitator.email, facilitator.display_name)
    if problem:
        raise FacilitatorError(problem)
    facilitator.password_hash = generate_password_hash(password)
    facilitator.must_change_password = True
    actor = audit.cli_actor()
    audit.add_event("password_reset", None, actor, facilitator.actor)
    queue_password_notice(facilitator, actor, by_self=False)
    db.session.commit()
    return facilitator


def password_is_right(facilitator: Facilitator, password: str) -> bool:
    """Whether ``password`` is the account's own (nothing recorded: the caller audits a failure)."""
    return len(password) <= PASSWORD_MAX and check_password_hash(facilitator.password_hash, password)


PASSWORD_CHANGED = "password_changed"  # noqa: S105 - the audit action's name, not a password


def change_own_password(facilitator: Facilitator, password: str) -> str | None:
    """A signed-in facilitator's new password, set once its current one was checked
    (``app.inbox.views.change_password``): what is wrong with it (the same rules as
    ``reset_password``, and not the one it replaces), or None once it is set, audited and
    committed. Every other sign-in of the account ends with it (``credential_stamp`` changes)."""
    problem = own_password_problem(facilitator, password)
    if problem is None:
        set_own_password(facilitator, hash_password(password))
    return problem


def own_password_problem(facilitator: Facilitator, password: str) -> str | None:
    """What is wrong with a signed-in facilitator's new password (``change_own_password``), or None."""
    problem = password_problem(password, facilitator.email, facilitator.display_name)
    if problem is None and password_is_right(facilitator, password):
        problem = "The new password must be different from your current password."
    return problem


def own_password_changed_since(facilitator: Facilitator, since: dt.datetime) -> bool:
    """Whether the facilitator changed their own password since ``since`` (its audit entry)."""
    found = select(AuditEvent.id).where(
        AuditEvent.action == PASSWORD_CHANGED, AuditEvent.actor == facilitator.actor, AuditEvent.at >= since
    )
    return db.session.scalar(found.limit(1)) is not None


def hash_password(password: str) -> str:
    """A new password's hash, as stored (``set_own_password``)."""
    return generate_password_hash(password)


def set_own_password(facilitator: Facilitator, password_hash: str) -> None:
    """Set a new password ``own_password_problem`` found nothing wrong with (its hash:
    ``hash_password``, made first, as it takes a while): audited and committed."""
    facilitator.password_hash = password_hash
    facilitator.must_change_password = False  # one only they know now
    audit.add_event(PASSWORD_CHANGED, None, facilitator.actor, "changed by the account's own user, signed in")
    queue_password_notice(facilitator, facilitator.actor, by_self=True)
    db.session.commit()


# The audit action of a password notice queued (``queue_password_notice``); the worker records
# its sending as ``PASSWORD_NOTICE_SENT`` (app.outbox.send_message).
PASSWORD_NOTICE_QUEUED = "password_notice_queued"  # noqa: S105 - an audit action's name, not a password
PASSWORD_NOTICE_SENT = "password_notice_sent"  # noqa: S105 - an audit action's name, not a password
# An account's email withdrawn unsent when the account was deactivated (``withdraw_account_emails``).
ACCOUNT_EMAIL_WITHDRAWN = "account_email_withdrawn"
ACCOUNT_EMAIL_WORDS = {
    mail.PASSWORD_CHANGED: "its notice that the password was changed",
    mail.EMAIL_CHANGED: "its notice that the email address was changed",
}


def queue_password_notice(facilitator: Facilitator, actor: str, by_self: bool, now: dt.datetime | None = None) -> bool:
    """Queue the email to the account's own address saying its password was changed, when, and
    whom to contact if it was not them (``templates/inbox/password_changed.txt``: never the
    password, no link), and audit it by the account's id (``actor`` did the change); no commit:
    it goes with the change, in its transaction, and the outbox worker sends it. False (nothing
    queued) where the service sends no mail (``FACILITATOR_EMAIL`` unset, as for the other emails),
    or to a deactivated account (``flask facilitators reset-password`` of one): its owner has left,
    or cannot sign in anyway, and the address may now be read by someone else (found: it was
    emailed). Without it, a password changed by someone else (a session left open, a stolen
    password, a reset of the wrong account) was learnt of only at the owner's next sign-in, refused."""
    if not current_app.config.get("FACILITATOR_EMAIL") or not facilitator.active:
        return False
    now = now or utcnow()
    contact = _who_to_tell()
    body = render_template("inbox/password_changed.txt", when=uk_time(now), by_self=by_self, contact=contact)
    db.session.add(
        OutboxMessage(
            kind=mail.PASSWORD_CHANGED,
            facilitator_id=facilitator.id,
            recipient=facilitator.email,
            subject=mail.PASSWORD_CHANGED_SUBJECT,
            created_at=now,
            attempts=0,
            body=body,
        )
    )
    audit.add_event(PASSWORD_NOTICE_QUEUED, None, actor, f"{facilitator.actor}; to the account's email address")
    return True


def withdraw_account_emails(facilitator: Facilitator) -> int:
    """Delete the account's emails (``mail.ACCOUNT_KINDS``) not sent yet: its owner has left, and
    the address may now be read by someone else. One a worker is sending now (its row locked) is
    left to it, and it gives that up unsent (``account_closed_before_it_went``). No commit;
    returns how many. Each is audited (found, regression review: the audit log's last word was "Password
    notice queued", read as the owner told, and reactivating queued nothing)."""
    found = list(
        db.session.execute(
            select(OutboxMessage.id, OutboxMessage.kind)
            .where(
                OutboxMessage.facilitator_id == facilitator.id,
                OutboxMessage.request_id.is_(None),
                OutboxMessage.kind.in_(mail.ACCOUNT_KINDS),
                OutboxMessage.sent_at.is_(None),
            )
            .with_for_update(skip_locked=True)
        )
    )
    if found:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in found])))
    for row in found:
        audit.add_event(
            ACCOUNT_EMAIL_WITHDRAWN,
            None,
            audit.cli_actor(),
            f"{facilitator.actor}; {ACCOUNT_EMAIL_WORDS.get(row.kind, 'an email about the account')} not sent: "
            "the account was deactivated",
        )
    return len(found)


def account_closed_before_it_went(message: OutboxMessage) -> str | None:
    """Why an account email (``mail.ACCOUNT_KINDS``) not sent yet must not go now (its account was
    deactivated since it was queued: the outbox worker gives it up unsent), or None."""
    if message.kind not in mail.ACCOUNT_KINDS or message.sent_at is not None or message.facilitator_id is None:
        return None
    account = db.session.get(Facilitator, message.facilitator_id, populate_existing=True)
    return None if account is not None and account.active else mail.ACCOUNT_CLOSED_BEFORE_SENT


def unchecked_before_it_went(message: OutboxMessage) -> str | None:
    """Why an email to a request's practitioner not sent yet must not go now: its request waits for
    a second person's check of its work email (``email_check_pending``), or None. Nothing queues one
    then (``send_invitation`` and the rest refuse), but an email queued before (by the version
    before migration 0030, whose data step put the request in wait, or by a server still running it
    in a rolling upgrade) would otherwise go to the unconfirmed address (found, b163 upgrade review).
    The facilitators' own email about the request goes as ever."""
    if message.request_id is None or message.sent_at is not None or message.kind == mail.FACILITATORS:
        return None
    pending = db.session.scalar(select(StoredRequest.email_check_pending).where(StoredRequest.id == message.request_id))
    return mail.UNCHECKED_BEFORE_SENT if pending else None


def purge_account_emails(cutoff: dt.datetime, facilitator_ids: Sequence[int] = ()) -> int:
    """Delete the emails about inbox accounts (``mail.ACCOUNT_KINDS``, which belong to no request)
    queued before ``cutoff``, sent or not: a request's emails go with it after the retention
    period, and these, which hold an account's address, go as soon; and, whenever queued, those
    of the accounts ``facilitator_ids`` (whose name and address are being removed). One a worker
    is sending now (its row locked) is left for the next purge. No commit; returns how many."""
    which = OutboxMessage.created_at < cutoff
    if facilitator_ids:
        which = or_(which, OutboxMessage.facilitator_id.in_(facilitator_ids))
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.request_id.is_(None), which).with_for_update(skip_locked=True)
        )
    )
    if ids:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return len(ids)


# What a departed account's name, email address and password become (``remove_departed_accounts``):
# the name says only what it was; the "address" is not one, so no account can be added with it and
# the sign-in form refuses it; and no password matches the "hash" (it is not one).
FORMER_NAME = "Former facilitator {id}"
FORMER_EMAIL = "removed-account-{id}"
NO_PASSWORD = "!"  # noqa: S105 - not a password: the hash no password matches
REMOVED_ACTION = "facilitator_details_removed"


def refuse_a_removed_account(facilitator: Facilitator) -> None:
    """``FacilitatorError`` if the account's name, email address and password have been removed:
    it cannot be used again (someone coming back gets a new account)."""
    if facilitator.anonymised_at is not None:
        raise FacilitatorError(
            f"This account's name, email address and password were removed on {facilitator.anonymised_at:%Y-%m-%d}, "
            "once it had been deactivated for longer than the audit log is kept (AUDIT_RETENTION_DAYS), so it "
            "cannot be used again. Add a new account instead (flask facilitators add EMAIL --name NAME)."
        )


def remove_departed_accounts(
    days: int, dry_run: bool = False, now: dt.datetime | None = None, actor: str = audit.SYSTEM
) -> int:
    """Remove the name, email address and password of every account deactivated more than
    ``days`` ago (``AUDIT_RETENTION_DAYS``: by then the audit log holds nothing it did while it
    could sign in, so nothing needs its name), recording each in the audit log by id only, and
    commit. The row stays, as "Former facilitator <id>": the notes, assignments and audit entries
    that name its id still resolve, and no later account is given its id. On a dry run, only count
    them. Returns how many were (or would be) removed."""
    now = now or utcnow()
    query = (
        select(Facilitator)
        .where(
            Facilitator.active.is_(False),
            Facilitator.anonymised_at.is_(None),
            Facilitator.deactivated_at < now - dt.timedelta(days=days),
        )
        .order_by(Facilitator.id)
    )
    if dry_run:
        count = len(db.session.scalars(query).all())
        db.session.rollback()
        return count
    # Locked as they are found, skipping any another worker's purge holds: each is recorded once.
    accounts = db.session.scalars(query.with_for_update(skip_locked=True)).all()
    # Their emails go too (a notice that a password changed): each holds the account's address.
    if accounts:
        purge_account_emails(dt.datetime.min, [account.id for account in accounts])
    for account in accounts:
        account.display_name = FORMER_NAME.format(id=account.id)
        account.email = FORMER_EMAIL.format(id=account.id)
        account.password_hash = NO_PASSWORD
        account.anonymised_at = now
        audit.add_event(REMOVED_ACTION, None, actor, account.actor)
    db.session.commit()
    return len(accounts)


def all_facilitators() -> list[Facilitator]:
    """Every facilitator account, by email."""
    return list(db.session.scalars(select(Facilitator).order_by(Facilitator.email)))


def active_facilitators() -> list[Facilitator]:
    """Facilitators who can sign in and work the inbox (and so can be assigned requests), by name."""
    return list(
        db.session.scalars(
            select(Facilitator)
            .where(Facilitator.active.is_(True), Facilitator.role == FACILITATOR)
            .order_by(Facilitator.display_name, Facilitator.id)
        )
    )


def signed_in_facilitator(facilitator_id: object) -> Facilitator | None:
    """The active facilitator a session names, or None (unknown id, or deactivated since)."""
    if not isinstance(facilitator_id, int):
        return None
    facilitator = db.session.get(Facilitator, facilitator_id)
    return facilitator if facilitator is not None and facilitator.active else None


# A sign-in lasts at most this long, however busy (the idle limit, SESSION_IDLE_MINUTES, ends it sooner).
# Longer than 20 hours, so WCAG 2.2.1 (Timing Adjustable) asks for no "simple action" to extend it
# (its 20-hour exception). It was 12: extending it needed the password, which two accessibility
# reviews judged is not the simple action 2.2.1 asks for; with the 30-minute idle limit, a sign-in
# lives to its end only if someone uses it without a half-hour break, so 24 protects much the same.
SIGN_IN_MAX_AGE = dt.timedelta(hours=24)
# Every inbox page shown this close to the end of a sign-in says when it ends (accessibility
# review, WCAG 2.2.1: the 24 hours ran out with no warning, and a note being typed was lost).
SIGN_IN_ENDING_WARNING = dt.timedelta(minutes=20)
# The session's key for the account it is signed in to (app.inbox.views.FACILITATOR_KEY).
FACILITATOR_SESSION_KEY = "facilitator_id"
# What a session keeps of a sign-in besides the facilitator's id (app.inbox.views.FACILITATOR_KEY).
STAMP_KEY = "facilitator_stamp"
SIGNED_IN_AT_KEY = "facilitator_signed_in_at"
# The audit detail of a sign-in extended by confirming the password (app.inbox.views.confirm_sign_in).
STAYED_SIGNED_IN = "password confirmed to stay signed in"
# The audit detail of a wrong password given there: by whoever holds a session signed in to the
# account, so not a mistyped sign-in but maybe a stolen session cookie (security review).
CONFIRM_FAILED = "wrong password given to stay signed in, from a session signed in to this account"
# The same, given as the current password on the "Change your password" page.
CHANGE_FAILED = "wrong current password given to change it, from a session signed in to this account"
# A wrong password sent with the cookie of a sign-in (or password change) replaced a moment
# before: the same form sent again by someone else, who planted or copied that cookie (security
# review: app.inbox.views.password_given_again).
SENT_AGAIN_FAILED = "wrong password sent again with the browser cookie that a sign-in had just replaced"
CREDENTIALS_CHANGED = "credentials changed"
TOO_OLD_SIGN_IN = "signed in too long ago"
ACCOUNT_CLOSED = "account closed"
# Clocks of several app servers may differ a little: a sign-in time this far ahead is accepted.
CLOCK_SLACK = dt.timedelta(minutes=5)


def credential_stamp(facilitator: Facilitator) -> str:
    """A tag of the account's password hash (which changes, with its salt, at every reset): a
    session made before ``flask facilitators reset-password`` no longer matches it."""
    key = str(current_app.secret_key or "").encode("utf-8")
    return hmac.new(key, facilitator.password_hash.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def sign_in_marks(facilitator: Facilitator, now: dt.datetime | None = None) -> dict[str, str]:
    """What the session keeps of a sign-in, beside the id: the credential stamp and when."""
    return {STAMP_KEY: credential_stamp(facilitator), SIGNED_IN_AT_KEY: (now or utcnow()).isoformat()}


def session_facilitator(
    facilitator_id: object, marks: Mapping[str, Any], now: dt.datetime | None = None
) -> tuple[Facilitator | None, str | None]:
    """The facilitator a session is signed in as, or None with why (None: not signed in;
    ``ACCOUNT_CLOSED``: the account it names is deactivated or gone; ``CREDENTIALS_CHANGED``: its
    password was reset since; ``TOO_OLD_SIGN_IN``: signed in more than ``SIGN_IN_MAX_AGE`` ago)."""
    facilitator = signed_in_facilitator(facilitator_id)
    if facilitator is None:
        return None, ACCOUNT_CLOSED if isinstance(facilitator_id, int) else None
    stamp = marks.get(STAMP_KEY)
    if stamp is None and SIGNED_IN_AT_KEY not in marks:
        return facilitator, None  # signed in before these marks existed: ``adopt_sign_in`` adds them
    if not isinstance(stamp, str) or not hmac.compare_digest(stamp, credential_stamp(facilitator)):
        return None, CREDENTIALS_CHANGED
    try:
        since = dt.datetime.fromisoformat(str(marks.get(SIGNED_IN_AT_KEY)))
    except ValueError:
        return None, TOO_OLD_SIGN_IN
    # (Up to CLOCK_SLACK "in the future": another server, its clock a little ahead, signed it in.)
    if not -CLOCK_SLACK <= (now or utcnow()) - since < SIGN_IN_MAX_AGE:
        return None, TOO_OLD_SIGN_IN
    return facilitator, None


def sign_in_ahead(marks: Mapping[str, Any], now: dt.datetime | None = None) -> dt.timedelta | None:
    """How far the session's sign-in time is ahead of this server's clock, past ``CLOCK_SLACK``
    (the clock was put back, or another server's is fast): then how long ago it was cannot be
    told, and ``session_facilitator`` asks for the password as if the hours were up. None if not."""
    try:
        since = dt.datetime.fromisoformat(str(marks.get(SIGNED_IN_AT_KEY)))
    except ValueError:
        return None
    ahead = since - (now or utcnow())
    return ahead if ahead > CLOCK_SLACK else None


def sign_in_ends_at(marks: Mapping[str, Any]) -> dt.datetime | None:
    """When a session's sign-in ends, however busy it is (``SIGN_IN_MAX_AGE`` after it began), or
    None if the session does not say when it began."""
    try:
        since = dt.datetime.fromisoformat(str(marks.get(SIGNED_IN_AT_KEY)))
    except ValueError:
        return None
    return since + SIGN_IN_MAX_AGE


def adopt_sign_in(facilitator: Facilitator, marks: MutableMapping[str, Any]) -> None:
    """Give a sign-in from before the credential stamp existed its marks, counting its 24 hours
    from now (its users were not signed out by the change that brought the marks in)."""
    if STAMP_KEY not in marks and SIGNED_IN_AT_KEY not in marks:
        marks.update(sign_in_marks(facilitator))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so both cases take as long."""
    return generate_password_hash("not-a-real-password-only-for-equal-timing")


def _account_signing_in(email: str) -> Facilitator | None:
    """The account a sign-in with this address is for, active or not; None for no account, and
    for one whose name, email address and password were removed (``remove_departed_accounts``):
    its stand-in address "removed-account-N" is no one's, so a sign-in with it is treated as one
    for an unknown address, checked against the dummy hash for as long and audited as such, and
    which accounts were removed cannot be found out by trying their numbers."""
    facilitator = find_facilitator(email)
    return None if facilitator is None or facilitator.anonymised_at is not None else facilitator


def password_signs_in(email: str, password: str) -> Facilitator | None:
    """The active facilitator with this email and password, or None; nothing recorded yet (the
    inbox first makes sure the same form sent twice at once signs in once: ``record_sign_in``)."""
    return password_check(email, password)[0]


def password_check(email: str, password: str) -> tuple[Facilitator | None, bool]:
    """``password_signs_in``'s account, and whether the password was right for a deactivated
    account (its owner, who has left, or been deactivated by mistake: the sign-in page says only
    what it says for any failure, and counts it towards the lockout as any failure, so that the
    lockout tells no guesser it was right (regression review), but audits it as
    ``RIGHT_PASSWORD_ACCOUNT_CLOSED``: found, b149 review, it read as someone guessing; `reactivate`
    lifts the lockout). One check of the password, as long for any address."""
    # The hash checked for an unknown address is made on the first attempt a process sees, whatever
    # the address: made only for an unknown one, it took that attempt twice as long as one for an
    # account, which said which addresses have one (security review).
    dummy_hash = _dummy_hash()
    facilitator = _account_signing_in(email)
    stored_hash = facilitator.password_hash if facilitator is not None else dummy_hash
    # No account has a longer password, so skip hashing megabytes of text (a cheap way to load the server).
    password_matches = len(password) <= PASSWORD_MAX and check_password_hash(stored_hash, password)
    if facilitator is None or not password_matches:
        return None, False
    if not facilitator.active:
        return None, True
    return facilitator, False


# The audit detail of a failed sign-in that gave the right password of a deactivated account (``password_check``).
RIGHT_PASSWORD_ACCOUNT_CLOSED = "the right password, but the account is deactivated"  # noqa: S105 - words, not a password


def record_sign_in(facilitator: Facilitator, detail: str = "") -> None:
    """A sign-in with the right password (``password_signs_in``), recorded and committed."""
    facilitator.last_login_at = utcnow()
    audit.add_event("signed_in", None, facilitator.actor, detail)
    db.session.commit()


def stayed_signed_in_since(facilitator: Facilitator, since: dt.datetime) -> bool:
    """Whether the facilitator confirmed their password to stay signed in since ``since`` (its audit entry)."""
    found = select(AuditEvent.id).where(
        AuditEvent.action == "signed_in",
        AuditEvent.actor == facilitator.actor,
        AuditEvent.detail == STAYED_SIGNED_IN,
        AuditEvent.at >= since,
    )
    return db.session.scalar(found.limit(1)) is not None


def pdf_overdue(stored: StoredRequest, after: dt.timedelta) -> bool:
    """Whether the request's PDF is still not made ``after`` it reached this inbox: when it was
    sent, or, imported from a request PDF, when it was imported (found, facilitators' review: a
    request sent weeks before and imported a moment ago said at once that the part of the service
    that makes PDFs "may have stopped")."""
    now = utcnow()
    if stored.pdf_made_at is not None or now - stored.created_at <= after:
        return False
    imported = db.session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.reference == stored.reference, AuditEvent.action == "imported")
        .order_by(AuditEvent.at.desc())
        .limit(1)
    )
    return imported is None or now - imported > after


def record_failed_sign_in(email: str, locked: bool, detail: str = "") -> str:
    """Note a sign-in that failed (wrong email or password, or an inactive account) in the audit
    log: which account it was for, by id, or that there is none, with the address's tag; never
    the address or password. One refused because the account is locked (``locked``) is only
    logged: the lock already bounds the failures audited, and refusals cost an attacker nothing,
    so auditing each would let anyone grow the audit log (kept for years) at will. ``detail``: how
    it was tried, if not on the sign-in page (``CONFIRM_FAILED``). Returns the tag."""
    tag = email_fingerprint(email)
    if locked:
        return tag
    facilitator = _account_signing_in(email)
    target = facilitator.actor if facilitator is not None else "no such account"
    how = f"; {detail}" if detail else ""
    audit.record_event("sign_in_failed", None, audit.SIGN_IN_FORM, f"{target}; account tag {tag}{how}")
    return tag


# How a sign-in ended, the detail of its "signed_out" entry in the audit log (``timed_out_words``
# for the idle limit): before, only Sign out was recorded.
SIGNED_OUT = "signed out"
SIGNED_OUT_BY_EXIT = 'signed out by "Exit this page"'
SIGNED_OUT_BY_SIGNING_IN = "signed out by signing in again"
# A session found ended for one of ``session_facilitator``'s reasons, and so cleared.
SIGNED_OUT_BECAUSE = {
    CREDENTIALS_CHANGED: "signed out: the password was changed",
    ACCOUNT_CLOSED: "signed out: the account was closed",
    TOO_OLD_SIGN_IN: SIGNED_OUT,  # (cleared only by Sign out: any other page asks for the password)
}


def record_sign_out(facilitator: Facilitator, how: str = SIGNED_OUT) -> None:
    """Note in the audit log that a facilitator's sign-in ended, and how (``SIGNED_OUT``: Sign out)."""
    audit.record_event("signed_out", None, facilitator.actor, how)


def record_sign_in_ended(facilitator_id: object, how: str, at: dt.datetime | None = None) -> None:
    """Note in the audit log that the sign-in of the account a session named has ended, and how
    (and when, if not now); nothing for a session signed in to no account."""
    facilitator = db.session.get(Facilitator, facilitator_id) if isinstance(facilitator_id, int) else None
    if facilitator is None:
        return
    event = audit.add_event("signed_out", None, facilitator.actor, how)
    if at is not None:
        event.at = at
    db.session.commit()


def timed_out_words() -> str:
    """The audit detail of a sign-in ended by the idle limit (``SESSION_IDLE_MINUTES``)."""
    minutes = int(current_app.config["SESSION_IDLE_MINUTES"])
    return f"timed out: nothing done for {minutes} minute{'s' if minutes != 1 else ''}"


def record_timed_out(held: Mapping[str, Any], expired_at: dt.datetime) -> None:
    """A session has passed its idle limit (``app.sessions.when_expired``): if it was signed in,
    the sign-in timed out then."""
    if FACILITATOR_SESSION_KEY in held:
        # One whose password was changed meanwhile (on another device, or by ``reset-password``)
        # had ended then, not when its idle limit passed: found, it was audited as timed out.
        _facilitator, why = session_facilitator(held[FACILITATOR_SESSION_KEY], held, expired_at)
        how = SIGNED_OUT_BECAUSE[why] if why in (CREDENTIALS_CHANGED, ACCOUNT_CLOSED) else timed_out_words()
        record_sign_in_ended(held[FACILITATOR_SESSION_KEY], how, expired_at)


when_expired(record_timed_out)


def with_plain_apostrophes(address: str) -> str:
    """An address with curly apostrophes (a word processor's, pasted from a letter: "o’neil@...")
    as the plain one a request's address has (found, data protection review: refused as no address)."""
    return address.replace("\u2019", "'").replace("\u2018", "'")


def address_as_searched(email: str) -> str:
    """A work email as the search by work email takes it, compares it and tags it in the audit log:
    without characters no one can see, its curly apostrophes plain, no spaces around it (its case:
    the comparison and the tag ignore it). `flask facilitators audit-log --email` takes it the same
    way (found, review of the address tags: "o’neil@..." as a letter gives it, or an address
    copied with a zero-width space, matched the search and not the command, "No entries match")."""
    return with_plain_apostrophes(without_invisible(email)).strip()


def email_fingerprint(email: str) -> str:
    """A short tag for an email address, for the log and audit entries of failed sign-ins: the
    same address always gets the same tag, but a list of staff addresses cannot be matched to
    tags without the deployment's secret key (an HMAC, not a plain hash)."""
    return audit.address_tag(normalise_email(email))


# --- the inbox ------------------------------------------------------------------------------


def find_request(reference: str, with_pdf: bool = False, afresh: bool = False) -> StoredRequest | None:
    """The stored request with this reference (its PDF bytes only loaded when asked for). With
    ``afresh``, as the database has it now, even if this transaction read it before."""
    query = select(StoredRequest).where(StoredRequest.reference == reference)
    if not with_pdf:
        query = query.options(defer(StoredRequest.pdf))
    if afresh:
        query = query.execution_options(populate_existing=True)
    return db.session.scalar(query)


def deleted_on(reference: str) -> tuple[dt.datetime, int | None] | None:
    """When a request with this reference was deleted (its audit trail outlives it), with the
    retention period then in days (from the event's "older than N days"; None if it was deleted
    before its period ended, by ``flask requests delete``), or None if it never was."""
    found = db.session.execute(
        select(AuditEvent.at, AuditEvent.detail)
        .where(AuditEvent.reference == reference, AuditEvent.action == "purged")
        .limit(1)
    ).first()
    if found is None:
        return None
    days = re.search(r"older than (\d+) days", found.detail or "")
    return found.at, int(days.group(1)) if days else None


def assigned_facilitator(request: StoredRequest) -> Facilitator | None:
    """Who the request is assigned to, or None."""
    return db.session.scalar(
        select(Facilitator)
        .join(Assignment, Assignment.facilitator_id == Facilitator.id)
        .where(Assignment.request_id == request.id)
    )


def open_requests_assigned(facilitator: Facilitator) -> list[str]:
    """The references of the requests not yet finished (``FINISHED_STATUSES``) assigned to
    ``facilitator``, oldest first: what someone must reassign once the account cannot work on them."""
    return list(
        db.session.scalars(
            select(StoredRequest.reference)
            .join(Assignment, Assignment.request_id == StoredRequest.id)
            .where(Assignment.facilitator_id == facilitator.id, StoredRequest.status.not_in(FINISHED_STATUSES))
            .order_by(StoredRequest.created_at, StoredRequest.id)
        )
    )


def triage_notes(request: StoredRequest) -> list[tuple[TriageNote, Facilitator]]:
    """The request's notes with their authors, oldest first."""
    query = (
        select(TriageNote, Facilitator)
        .join(Facilitator, Facilitator.id == TriageNote.author_id)
        .where(TriageNote.request_id == request.id)
        .order_by(TriageNote.created_at, TriageNote.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


@dataclass(frozen=True)
class TrailEntry:
    """One audit event, in words for the request page; ``times`` views in a row by the same
    person (each one in the audit log), shown as one line, ``last_at`` the latest."""

    at: dt.datetime
    who: str
    action: str
    detail: str
    times: int = 1
    last_at: dt.datetime | None = None
    people: tuple[str, ...] = ()  # a line of showings by several people (``SHOWN_IN_BULK``): each, once
    actors: tuple[str, ...] = ()  # their accounts (two people of the same name are two people)


# A read-only account refused an inbox page (``record_refusal``): the event's action, and its detail's start.
REFUSED_ACTION = "refused"
READ_ONLY_REFUSED = "read-only account"
# Each inbox page a read-only account can be refused, in words (found, privacy review: the trail
# read "Refused to a read-only account (statistics only): form address", the code's own name).
REFUSED_PAGE_WORDS = {
    "request_page": "the request's page",
    "download_pdf": "the request's PDF",
    "change_status": "changing the request's status",
    "assign": "assigning the request",
    "add_note": "adding a note",
    "delete_note": "deleting a note",
    "form_address": "a form on the request's page",
    "arrange_session": "arranging a session",
    "send_invitation": "sending a session's invitation",
    "session_outcome": "recording whether the session was held",
    "sign_in": "the sign-in page",
    "confirm_sign_in": "confirming the sign-in",
    "index": "the inbox list",
    "export_csv": "the requests' spreadsheet (CSV file)",
    "find_by_email": "finding requests by email address",
    "guide": "the facilitators' guide",
    "import_request": "importing a request's PDF",
    "sessions_list": "the sessions list",
    "session_page": "a session's page",
    "cancel_session": "cancelling a session",
    "delete_comment": "deleting a feedback comment",
    "confirm_email": "confirming a request's work email",
}
# A restore from a backup, as scripts/backup writes it in the audit log (reference empty), and when
# the backup was taken, as its detail says.
RESTORED_ACTION = audit.RESTORED_FROM_BACKUP
RESTORED_PATTERN = re.compile(r"from a backup taken at (.+?) \(")
# The audit action of a request shown on the sessions list, a session's page or its cancel page
# (``record_shown_in_sessions``).
SHOWN_IN_SESSIONS = "shown_in_sessions"
ACTION_WORDS = {
    "created": "Request submitted",
    "imported": "Imported from a request PDF",
    "viewed": "Viewed",
    "listed": "Shown in the inbox list, with the job role and agency",
    SHOWN_IN_SESSIONS: "Shown on the sessions pages, with its status and its session",
    "pdf_downloaded": "PDF downloaded",
    "supervision_record": "Supervision record made from its answers, after sending the request",
    "refused": "Refused to a read-only account (statistics only)",
    "import_refused": "Import of a request PDF refused",
    "uploaded_again": "A copy of its PDF uploaded to import, nothing added (it was already here)",
    "work_email_confirmed": "Work email confirmed as the practitioner's (emails to it may go from now on)",
    "work_email_confirm_refused": "Confirmation of the work email refused (the facilitator who imported it)",
    "exported": "Included in a download of the list as a spreadsheet (CSV: comma-separated values)",
    "found_by_email": "Found by a search for its work email",
    "shown_with_same_email": "Shown on another request's page, as a request with the same work email",
    "status_changed": "Status changed",
    "assigned": "Assignment changed",
    "note_added": "Note added",
    "note_deleted": "Note deleted",
    "purged": "Deleted",
    "pdf_made": "PDF made",
    "pdf_failed": "PDF could not be made (it will be tried again)",
    "emailed": "Emailed to the facilitators",
    "emailed_without_pdf": "Emailed to the facilitators without the PDF, which could not be made",
    "acknowledged": "Acknowledgement emailed to the requester",
    "acknowledgement_dropped": (
        "Acknowledgement not sent: the request was redirected before it went, and the email saying where to go "
        "instead gives the reference"
    ),
    "redirect_email_dropped": ("Email saying where to go instead not sent: the request was reopened before it went"),
    "email_failed": "Email not sent yet (it will be tried again)",
    "email_given_up": "Email not sent: the mail server refused the address (it will not be tried again)",
    "invitation_queued": "Session invitation queued",
    "invitation_sent": "Session invitation emailed to the requester",
    "invitation_update_sent": "Updated session invitation emailed to the requester (the session had changed)",
    "cancellation_sent": "Session cancellation emailed to the requester",
    "left_session_sent": (
        "Emailed to the requester that this request is no longer in the session (they keep their place in it for "
        "another request)"
    ),
    "reminder_sent": "Session reminder emailed to the requester",
    "feedback_link_sent": "Feedback link emailed to the requester",
    "redirect_emailed": "Where to go instead emailed to the requester",
    "reopen_emailed": "Emailed to the requester that the request was reopened",
    "feedback_not_sent": "Feedback link not sent",
    "session_changed": "Session changed",
    "sent_not_recorded": "An email was sent, but could not be recorded as sent",
    "sent_twice": "An email may have been sent twice",
    "sent_again_after_stop": "An email may have been sent twice",
    "marked_sent": "Email recorded as sent without sending it, after a restore from a backup",
    # Written by scripts/backup --restore, with no reference: shown in the trail of every request
    # stored before it (``audit_trail``). Found (restore review): the trail ran on from the backup's
    # last entry as if nothing had been lost, and "who has seen my data" was answered short.
    RESTORED_ACTION: "The service's data was put back from a backup",
    "outbox_released": "Emails let go after a restore from a backup, once the checks were done",
    "duplicate_moved": "Now a duplicate of another request",
    "duplicates_moved_here": "Duplicates of another request moved to this one",
}
# An email given up on because the mail server refused the email itself, not its address (``mail.message_was_refused``).
EMAIL_REFUSED_WORDS = "Email not sent: the mail server refused the email itself (it will not be tried again)"
# An email given up on unsent because the time to send it had passed (``mail.too_late``).
EMAIL_TOO_LATE_WORDS = "Email not sent: too late to send (it will not be sent now)"
# Where a view or download happened (the event's detail), as the end of "Viewed ..." or "PDF downloaded ...".
PLACE_WORDS = {
    ("viewed", "inbox"): "in the inbox",
    ("viewed", "submitted page"): "after sending the request",
    ("viewed", "deleted"): "after it was deleted (its audit trail)",
    ("pdf_downloaded", "inbox"): "from the inbox",
}
# The outbox's kinds of email (app.mail, app.space_sessions), for "Email not sent".
EMAIL_WORDS = {
    "facilitators": "the request to the facilitators",
    "acknowledgement": "the acknowledgement to the requester",
    "invitation": "the session invitation",
    "cancellation": "the session cancellation",
    "reminder": "the session reminder",
    "feedback": "the feedback link",
    "redirected": "the email telling the practitioner where to go instead",
    "reopened": "the email telling the practitioner it was reopened",
    # (An update, and a request out of the session its practitioner keeps a place in: app.outbox.about.)
    "invitation_update": "the updated session invitation",
    "left_session": "the email saying this request is no longer in the session",
}
# Emails of a kind that say something else by their subject: an update of an invitation, and a
# request no longer in the session its practitioner keeps a place in. Found (regression review): an
# update not sent yet was "The session invitation could not be sent yet", the invitation having gone.
EMAIL_WORDS_BY_SUBJECT = {
    SUBJECTS["update"].partition("{")[0]: "the updated session invitation",
    **dict.fromkeys(STILL_IN_SUBJECT_STARTS, "the email saying this request is no longer in the session"),
}


def _email_in_words(message: OutboxMessage) -> str:
    """Which email ``message`` is, in words (``EMAIL_WORDS``, or by its subject)."""
    subject = message.subject or ""
    return next(
        (words for start, words in EMAIL_WORDS_BY_SUBJECT.items() if subject.startswith(start)),
        EMAIL_WORDS.get(message.kind, "an email"),
    )


# The emails about a session, which a change to the session can take out of the outbox unsent.
SESSION_EMAIL_KINDS = frozenset({"invitation", "cancellation", "reminder"})
# Why a feedback link was not sent (app.space_sessions.service), in words.
REASON_WORDS = {"PUBLIC_BASE_URL is not set": "the service's web address is not set up (PUBLIC_BASE_URL)"}
ACTOR_PATTERN = re.compile(r"facilitator:(\d+)")
# A session in an audit event's detail: its number, and (since the trail named sessions by their
# number alone) when it started as it stood then, UTC (``space_sessions.service.in_trail``).
SESSION_NAMED = r"session (?P<session>\d+)(?: at (?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d))?"
SESSION_PATTERN = re.compile(rf"\b{SESSION_NAMED}\b")
# A status change's note on the session it joined, or left when it was cancelled.
# (Joining a session that has taken place is recorded "after it took place": found, regression
# review, shown as its raw words and the session's number.)
JOINED_PATTERN = re.compile(
    rf"(?P<how>joined|new) {SESSION_NAMED}(?P<after>, recorded after it (?:started|took place))?"
)
CANCELLED_PATTERN = re.compile(rf"{SESSION_NAMED} cancelled")
# The session a request left by a status change, or was marked not held in.
LEFT_PATTERN = re.compile(rf"(?P<how>left|not held:) {SESSION_NAMED}")
FOUND_PATTERN = re.compile(r"(?:^|; )the identifying-data check found: (.+)$")
CREATED_PATTERN = re.compile(r"outcome (?P<outcome>[^;]+); rule pack (?P<version>[^;]+); mode (?P<mode>\w+)")
ATTEMPT_PATTERN = re.compile(r"(?:(?P<kind>\w+), )?attempt (?P<attempt>\d+)(?:: (?P<problem>.*))?", re.S)
# A note_deleted event's detail (``delete_note``), its author already named (``audit_trail``).
NOTE_DELETED_PATTERN = re.compile(r"note \d+ by (?P<author>.+), added (?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")
WARNING_CONFIRMED = "identifying-data warning confirmed"
WARNING_WORDS = "the warning about identifying data was confirmed"


@dataclass(frozen=True)
class EmailProblem:
    """An email about a request that has not gone out after trying: ``given_up`` when the mail
    server refused its address for good (never tried again), else it will be tried again.
    ``needs_action``: given up (but not as the facilitators meant it: its session cancelled, or its
    request taken out of it, before it went), or refused until something is changed; else the
    service is still trying, and there is nothing to do yet."""

    kind: str
    given_up: bool
    text: str
    needs_action: bool = True


def unsent_tried(request_id: int) -> list[OutboxMessage]:
    """A request's emails that were tried and have not gone out (to be tried again, or given
    up on, whether tried or too late to try), oldest first, without their text."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.request_id == request_id,
                OutboxMessage.sent_at.is_(None),
                or_(OutboxMessage.attempts > 0, OutboxMessage.given_up_at.is_not(None)),
            )
            .options(defer(OutboxMessage.body), defer(OutboxMessage.calendar))
            .order_by(OutboxMessage.id)
        )
    )


def address_refused_for_good(request: StoredRequest) -> str | None:
    """The practitioner's work email, if the mail server refused it for good (a 5xx reply to the
    address: "550 no such mailbox") for an email about this request; else None. Found
    (facilitators' review): with the acknowledgement refused so, "Send invitation" was offered
    with no word that the invitation would be refused too."""
    address = str((request.details or {}).get("email") or "").strip().lower()
    if not address:
        return None
    for message in unsent_tried(request.id):
        refused = (message.last_error or "").startswith("SMTPRecipientsRefused: 5")
        if refused and message.given_up_at is not None and message.recipient.strip().lower() == address:
            return address
    return None


def email_problems(request: StoredRequest) -> list[EmailProblem]:
    """The request's emails that were tried and have not gone out, oldest first, each in a
    sentence for the request page. (Emails not tried yet are simply waiting for the worker.)"""
    problems = []
    for message in unsent_tried(request.id):
        what = _email_in_words(message)
        what = what[0].upper() + what[1:]
        why = mail_problem_words(message.last_error or "")
        if message.given_up_at is not None and too_late(message.last_error):
            text = f"{what} was not sent to {message.recipient}: {why}. It will not be sent now."
        elif message.given_up_at is not None:
            text = (
                f"{what} could not be sent to {message.recipient}: {why}. "
                f"{given_up_what_to_do(message.last_error, message.attempts, message.refusals)}"
            )
        elif until_mended(message.last_error):
            tried = "once" if message.attempts == 1 else f"{message.attempts} times"
            text = (
                f"{what} could not be sent (tried {tried}): {why}. It will go on being refused until something "
                "is changed, so tell whoever runs the service. Everything in the request is on this page."
            )
        else:
            tried = "once" if message.attempts == 1 else f"{message.attempts} times"
            when = retry_words(message.next_attempt_at, last_attempt_at=message.last_attempt_at)
            text = f"{what} could not be sent yet (tried {tried}): {why}. The service {when}."
        given_up = message.given_up_at is not None
        # As the list's "Needs attention" tag, count and filter have it (``listing.
        # emails_stuck_condition``; found, regression review: the page said "Needs attention" of
        # emails the list left out): not one given up as the facilitators meant; not one given up
        # as too late once the session is no longer arranged; none given up once the request is
        # closed, redirected or a duplicate, but the email saying where to go instead until a
        # facilitator has opened the request's page since.
        needs_action = (
            given_up
            and message.last_error not in GIVEN_UP_AS_MEANT
            and (not too_late(message.last_error) or request.status == "session_arranged")
            and (
                request.status not in FINISHED_STATUSES
                or (
                    message.kind == REDIRECTED
                    and message.given_up_at is not None
                    and not seen_since(request.reference, message.given_up_at)
                )
            )
        ) or until_mended(message.last_error)
        problems.append(EmailProblem(message.kind, given_up, text, needs_action))
    return problems


def _attempts(attempt: str) -> str:
    """ "" for a first attempt; "after 3 attempts" for later ones."""
    return "" if attempt == "1" else f"after {attempt} attempts"


def _trail_words(action: str, detail: str, session_names: dict[str, str]) -> tuple[str, str]:
    """An audit event's action and detail in words a facilitator reads: outcomes by their title,
    sessions by their date, modes and places in words, no internal ids or codes. A detail in a
    shape not known here is shown as it is (with facilitators and statuses named)."""
    words = ACTION_WORDS.get(action, action.replace("_", " ").capitalize())
    # (An address's tag is for the audit log's readers, ``flask facilitators audit-log --email``.)
    detail = audit.without_address_tag(detail)
    if action == "sent_not_recorded":
        # Which email first, then why it matters (regression review: the email came last, after a
        # second colon, and "its session cancelled" was said of a session changed).
        what = EMAIL_WORDS.get(detail, "an email")
        if detail in SESSION_EMAIL_KINDS:
            # Written only when its row was changed or taken out meanwhile: its session changed or
            # cancelled, or the request taken out of it; nothing followed it (regression review).
            return words, (
                f"{what[:1].upper()}{what[1:]} went just as the service's database stopped. Before the database "
                "was back, the session was changed or cancelled, or the request taken out of it, and nothing was "
                "sent after it: tell the requester what has changed."
            )
        return words, f"{what[:1].upper()}{what[1:]} went just as the service's database stopped."
    if action == RESTORED_ACTION:
        taken = RESTORED_PATTERN.search(detail)
        return words, (
            f"Taken at {taken[1] if taken else 'an earlier time'}: what was done after then (changes, notes, emails "
            "sent, views) was lost with the data, and is not in this trail."
        )
    if action == "marked_sent":
        what = EMAIL_WORDS.get(detail, "an email")
        return words, f"{what}, waiting in the backup, had gone after the backup was taken, so it was not sent again"
    if action == "sent_again_after_stop":
        what = EMAIL_WORDS.get(detail, "an email")
        return words, (
            f"{what[:1].upper()}{what[1:]} went at this time, sent again because the service stopped while sending "
            "it before, before it could record whether it went: it may have arrived twice."
        )
    if action == "sent_twice":
        what = EMAIL_WORDS.get(detail, "an email")
        return words, (
            f"{what[:1].upper()}{what[1:]} went at this time, just as the service's database stopped, and was sent "
            "again once the database was back, before it could be recorded as sent: it may have arrived twice."
        )
    if action == "created" and (found := CREATED_PATTERN.fullmatch(detail)):
        outcome = next((o for o in current_pack().outcomes if o.id == found["outcome"]), None)
        mode = MODE_LABELS.get(found["mode"])
        parts = [f"by {mode[0].lower()}{mode[1:]}" if mode else ""]
        parts.append(f"outcome: {outcome.title.for_mode(found['mode'])}" if outcome else "")
        parts.append(f"rules version {found['version']}")
        return words, "; ".join(part for part in parts if part)
    if action == "imported":
        rest = detail.removeprefix("from a request PDF").removeprefix(";").strip()
        if found := FOUND_PATTERN.search(rest):
            kinds = kinds_in_words([kind.strip() for kind in found[1].split(",")])
            listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
            rest = f"{rest[: found.start()]}the identifying-data check found {listed}".removeprefix("; ")
        return words, rest
    if action in ("listed", SHOWN_IN_SESSIONS, FOUND_BY_EMAIL):
        return words, ""
    if action == REFUSED_ACTION and detail.startswith(READ_ONLY_REFUSED):
        page = detail.partition("; ")[2]
        return words, REFUSED_PAGE_WORDS.get(page, "an inbox page")
    if action in ("viewed", "pdf_downloaded"):
        place = PLACE_WORDS.get((action, detail))
        return (f"{words} {place}", "") if place else (words, detail)
    if action == "assigned":
        return words, "no longer assigned to anyone" if detail == "unassigned" else detail
    if action == "note_added":
        _, _, rest = detail.partition("; ")
        return words, rest
    if action == "note_deleted" and (found := NOTE_DELETED_PATTERN.fullmatch(detail)):
        return words, f"the note {found['author']} added on {uk_time(dt.datetime.fromisoformat(found['at']))}"
    if action == "feedback_not_sent":
        return words, REASON_WORDS.get(detail, detail)
    if action in ("invitation_queued", "session_changed"):
        # "session N at …[; was <when>][; its place changed]" (``space_sessions.service.change_session``)
        core, also, changed = detail.partition("; its ")
        named, moved, was = core.partition("; was ")
        if found := SESSION_PATTERN.fullmatch(named):
            name = _session_name(found, session_names)
            said = f"{name}; it was {was}" if moved and action == "session_changed" else name
            return words, said + (f"; its {changed}" if also and action == "session_changed" else "")
    if action == "email_given_up" and too_late((late := detail.partition(": "))[2]):
        # Given up unsent as too late ("invitation: Too late: …", ``outbox.give_up_late``): no
        # mail server refused anything (the trail said it had refused the address).
        return EMAIL_TOO_LATE_WORDS, f"{EMAIL_WORDS.get(late[0], late[0])}; {mail_problem_words(late[2])}"
    if (found := ATTEMPT_PATTERN.fullmatch(detail)) and action not in ("status_changed", "purged"):
        kind = EMAIL_WORDS.get(found["kind"] or "", found["kind"] or "")
        problem = found["problem"] or ""
        if action == "email_given_up" and message_was_refused(problem):
            words = EMAIL_REFUSED_WORDS
        if action in ("email_failed", "email_given_up") and problem:
            problem = mail_problem_words(problem)
        parts = [kind, _attempts(found["attempt"]), problem]
        return words, "; ".join(part for part in parts if part)
    if action == "status_changed":
        return _status_words(words, detail, session_names)
    return words, detail


def _status_words(words: str, detail: str, session_names: dict[str, str]) -> tuple[str, str]:
    """ "in_triage to redirected; to <outcome>" as "Status changed from in triage to redirected"
    and "redirected to <outcome>": both statuses in lower case, as in a sentence."""
    move, _, rest = detail.partition("; ")
    if move.count(" to ") != 1 or not all(part in STATUS_LABELS for part in move.split(" to ")):
        return words, detail
    old, new = move.split(" to ")
    notes = []
    for note in rest.split("; ") if rest else []:
        if new == "redirected" and note.startswith("to "):
            note = f"redirected {note}"
        elif new == "duplicate" and note.startswith("of "):
            note = f"a duplicate {note}"
        elif found := JOINED_PATTERN.fullmatch(note):
            # (Found: "new session 4, recorded after it started", its number shown: the pattern
            # took no words after the number.)
            name = _session_name(found, session_names)
            joined = found["how"] == "joined"
            note = f"joined {name}" if joined else f"a new {name.removeprefix('the ').removeprefix('a ')}"
            note += found["after"] or ""
        elif found := CANCELLED_PATTERN.fullmatch(note):
            note = f"{_session_name(found, session_names, 'the session')} was cancelled"
        elif found := LEFT_PATTERN.fullmatch(note):
            name = _session_name(found, session_names, "its session")
            note = f"left {name}" if found["how"] == "left" else f"{name} was not held"
        notes.append(note)
    return f"{words} from {STATUS_LABELS[old].lower()} to {STATUS_LABELS[new].lower()}", "; ".join(notes)


def _session_names(ids: set[int]) -> dict[str, str]:
    """Sessions by id, in words: "the session on Thursday 5 March 2026 at 10am"."""
    if not ids:
        return {}
    found = db.session.scalars(select(SpaceSession).where(SpaceSession.id.in_(ids)))
    return {str(session.id): f"the session on {starts_in_words(session.starts_at)}" for session in found}


def _session_name(found: re.Match[str], session_names: dict[str, str], unknown: str = "a session") -> str:
    """A session named in an audit event (``SESSION_PATTERN``), in words: at the time it had when
    the event was recorded, where the event says (``in_trail``); else (an older event) at its
    time now, from ``session_names``."""
    if found["at"]:
        try:
            return f"the session on {starts_in_words(dt.datetime.fromisoformat(found['at']))}"
        except (ValueError, OverflowError):  # not a time (the detail is ours, but a trail must always show)
            pass
    return session_names.get(found["session"], unknown)


# Repeated in a row by the same account (or session) with the same detail: one line of the trail
# ("5 times, the last at ..."). Found (diff review): the supervision record, made again from a sent
# request's answers up to 60 times an hour, and the requester's PDF downloads, were a line each.
COLLAPSED_ACTIONS = frozenset(
    {
        "viewed",
        "listed",
        SHOWN_IN_SESSIONS,
        REFUSED_ACTION,
        "pdf_downloaded",
        "supervision_record",
        "found_by_email",
        "shown_with_same_email",
    }
)
# Showings of the request among many (the list, a download of it): between two other events, one
# line for each, whoever showed it, naming everyone who did. Found (review at scale): with four
# facilitators opening the list and a download of it every other day, a request's trail held
# 306 lines of them, burying its status changes and notes.
SHOWN_IN_BULK = frozenset({"listed", SHOWN_IN_SESSIONS, "exported"})


def audit_trail(reference: str) -> list[TrailEntry]:
    """The request's audit events, oldest first, in words: facilitators named, statuses,
    outcomes and sessions in words (``_trail_words``)."""
    # Rows, not AuditEvent objects: a request viewed often has hundreds (bench/bench_inbox.py).
    # With each restore from a backup (about no one request) since the request's first entry.
    events = list(
        db.session.execute(
            select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
            .where(
                or_(
                    AuditEvent.reference == reference,
                    and_(AuditEvent.reference.is_(None), AuditEvent.action == RESTORED_ACTION),
                )
            )
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    while events and events[0].action == RESTORED_ACTION:
        events.pop(0)  # (restores before the request was made, or before the first entry kept)
    ids = {int(found) for event in events for found in ACTOR_PATTERN.findall(f"{event.actor} {event.detail}")}
    names = (
        {
            f"facilitator:{f.id}": f.display_name
            for f in db.session.scalars(select(Facilitator).where(Facilitator.id.in_(ids)))
        }
        if ids
        else {}
    )
    session_ids = {int(found["session"]) for event in events for found in SESSION_PATTERN.finditer(event.detail)}
    session_names = _session_names({found for found in session_ids if found < 2**31})
    entries: list[TrailEntry] = []
    previous: Any = None
    shown_in_bulk: dict[str, tuple[int, str]] = {}  # since the last other event: action -> (line, detail)
    for event in events:
        if event.action not in SHOWN_IN_BULK:
            shown_in_bulk.clear()
        elif event.action in shown_in_bulk:
            line, first_detail = shown_in_bulk[event.action]
            entry, who = entries[line], names.get(event.actor) or audit.actor_in_words(event.actor) or event.actor
            new_person = event.actor not in entry.actors
            people = (*entry.people, who) if new_person else entry.people
            entries[line] = replace(
                entry,
                who=references_in_words(people),
                people=people,
                actors=(*entry.actors, event.actor) if new_person else entry.actors,
                times=entry.times + 1,
                last_at=event.at,
                detail=entry.detail if event.detail == first_detail else "",  # (a download's size)
            )
            previous = event
            continue
        same = previous is not None and (previous.action, previous.actor, previous.detail) == (
            event.action,
            event.actor,
            event.detail,
        )
        previous = event
        if event.action in COLLAPSED_ACTIONS and same:
            # Views in a row by the same account (not only the same name), one line (found: 59
            # "Viewed" lines among 25 actions); the same for showings in the list. (Its words are
            # the line's already: not worked out again.)
            entries[-1] = replace(entries[-1], times=entries[-1].times + 1, last_at=event.at)
            continue
        detail = ACTOR_PATTERN.sub(lambda match: names.get(match.group(0), "a facilitator"), event.detail)
        action, detail = _trail_words(event.action, detail, session_names)
        who = names.get(event.actor) or audit.actor_in_words(event.actor) or event.actor
        entries.append(
            TrailEntry(
                event.at,
                who,
                action,
                detail.replace(WARNING_CONFIRMED, WARNING_WORDS),
                people=(who,),
                actors=(event.actor,),
            )
        )
        if event.action in SHOWN_IN_BULK:
            shown_in_bulk[event.action] = (len(entries) - 1, event.detail)
    return entries


def record_view_of_deleted(reference: str, facilitator: Facilitator) -> None:
    """Audit that a facilitator opened the page of a deleted request, which shows its kept trail."""
    audit.record_event("viewed", reference, facilitator.actor, "deleted")


def record_view(request: StoredRequest, facilitator: Facilitator) -> None:
    """Audit that a facilitator opened the request's page (not the page shown again after an
    action: the action is the audit entry)."""
    audit.record_event("viewed", request.reference, facilitator.actor, "inbox")


# The same refusal (account, page and request) again within this time is not recorded again.
REFUSAL_RECORDED_ONCE_IN = dt.timedelta(minutes=10)


def record_refusal(facilitator: Facilitator, reference: str | None, page: str, now: dt.datetime | None = None) -> None:
    """Audit that a read-only account was refused an inbox page (``page``), in the trail of the
    request it names (``reference``) if one is stored, else with no reference.

    Once per ``REFUSAL_RECORDED_ONCE_IN`` for the same account, page and request: found (diff
    review), each refusal was a row, so an account reloading (or a script asking for) a request's
    address filled its trail, shown whole on the request's page, and the audit log, with up to
    the site-wide limit's 2,000 rows a minute; and every made-up reference of the right shape was
    kept in the log as a request's. The first refusal shows the account tried; its repeats add
    nothing but rows."""
    if reference is not None and find_request(reference) is None:
        reference = None  # no request of that reference: no trail to put it in
    detail = f"{READ_ONLY_REFUSED}; {page}"
    recently = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.at >= (now or utcnow()) - REFUSAL_RECORDED_ONCE_IN,
            AuditEvent.action == REFUSED_ACTION,
            AuditEvent.actor == facilitator.actor,
            AuditEvent.detail == detail,
            AuditEvent.reference.is_(None) if reference is None else AuditEvent.reference == reference,
        )
        .limit(1)
    )
    if recently is None:
        audit.record_event(REFUSED_ACTION, reference, facilitator.actor, detail)


def record_pdf_download(request: StoredRequest, facilitator: Facilitator) -> None:
    """Audit that a facilitator downloaded the request's PDF."""
    audit.record_event("pdf_downloaded", request.reference, facilitator.actor, "inbox")


# --- free text a facilitator writes: notes and reasons ------------------------------------------


# What is looked for in a session's joining instructions or place: everything but GP practices,
# hospitals and places of worship, since a session may well be held at a health centre ("Room 2,
# Eccles Health Centre") or in a church's or a mosque's hall ("St Peter's Church hall"), as a
# room in a named building is not a family's address; and but names after a title ("ask for
# Mrs Khan at reception"), the staff who welcome the practitioner, not the family, though a name
# the text says is a family's is ("the Kowalski family", "Sarah Jones's house", "foster carer Mrs
# Patel", "Zoë is 7": ``guard.names_with_a_cue``); and but a street's name without a house number
# ("Unity House, Chorley Road"), which says where a building is, as a venue's place does. Record
# numbers are looked for ("Case ref CP123456": found, facilitator review, the place is emailed to
# every practitioner in the session), not an online meeting's ("Meeting ID: 81234567890").
PLACE_KINDS: tuple[Kind, ...] = tuple(
    kind for kind in KINDS if kind not in ("gp_practice", "hospital", "place_of_worship", "person_name", "street")
)


def identifying_findings(text: str, kinds: Sequence[Kind] = KINDS, requester: str | None = None) -> list[Finding]:
    """What looks like identifying data in a note or reason (the request pages' guard). Where
    names are not looked for (a session's place), a name the text says is someone's still is
    ("Zoë is 7", "Amara (mum)": ``guard.scan_with_cued_names``).

    ``requester``: the name the request's practitioner gave for themselves. A name in the text
    made only of its words is theirs, not a child's or a family's, and is not a finding, unless
    the text says it is someone's ("Alex (7)"). Found (facilitators' review): "Alex asked to join
    the Thursday group" was refused as naming a person, and facilitators name the practitioner
    all the time: a warning that comes every time is clicked past when it matters. The same holds
    for the facilitators' own names, as their accounts give them (found, facilitators' review:
    "Anna: practitioner agreed to Tuesday" and "Spoke to Ben about it" were warned about)."""
    places = current_partnership().places
    found = without_the_partnerships_numbers({"text": scan_with_cued_names(text, kinds, places)}).get("text", [])
    if not found:
        return found
    # Each name on its own: words of two facilitators' names together are someone else's (found,
    # regression review: "Ben Hall" passed, with facilitators Ben Smith and Anna Hall).
    names = [set(_name_words(requester or ""))] + (facilitators_names() if "person_name" in kinds else [])
    # Each name, and with the short forms of its given names (not those that are a child's name too).
    names = [name for name in names if name]
    shortened = [_with_short_forms(name) for name in names]
    if not names or "person_name" not in kinds:
        return found
    cued = [(finding.start, finding.end) for finding in names_with_a_cue(text, places)]
    sentences = Sentences(text)

    def theirs(finding: Finding) -> bool:
        words = set(_name_words(finding.text))
        said_to_be_someones = any(start < finding.end and finding.start < end for start, end in cued)
        # A name that goes on after the words found is a longer one, someone else's ("Ben Smith
        # Jones" beside the facilitator Ben Smith: found, regression review).
        goes_on = _name_goes_on(text, finding.end)
        # A short form is theirs only where its sentence speaks of no harm: "Dave hit her when she was 6"
        # with a facilitator David is someone else (regression review: unwarned, as "Dave" was his).
        mine = any(words <= name for name in names) or (
            any(words <= name for name in shortened)
            and not sentences.holds(_speaks_of_harm, finding.start, finding.end)
        )
        return finding.kind == "person_name" and bool(words) and mine and not said_to_be_someones and not goes_on

    return [finding for finding in found if not theirs(finding)]


def facilitators_names() -> list[set[str]]:
    """The names of the inbox's facilitators' accounts (active ones), each as its words in small letters."""
    names = db.session.scalars(
        select(Facilitator.display_name).where(Facilitator.active.is_(True), Facilitator.role == FACILITATOR)
    )
    return [set(_name_words(name)) for name in names]


# After a name: the next word, with no punctuation between ("Ben Smith Jones").
_NEXT_NAME_WORD = re.compile(r"[ \t]{1,3}([^\W\d_][\w'’\-]*)")
# Capitalised words that follow a name in a note and are not part of it ("Ben Smith Monday", "To call").
_NOT_MORE_OF_A_NAME = frozenset(
    {
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow"),
        # (Not May, June, April or August, nor Will or Said: first names or surnames too.)
        *("january", "february", "march", "july", "september", "october", "november", "december"),
        *("am", "pm", "re", "to", "and", "or", "is", "has", "says"),
        *("called", "rang", "emailed", "agreed", "asked", "spoke", "from", "at", "on", "in", "for", "the"),
    }
)


# Capitals after a name in a note that are not a name: acronyms of the work (more, from the rule
# pack's glossary, in ``_name_goes_on``).
_ACRONYMS_IN_NOTES = frozenset(
    {"OK", "NB", "TBC", "TBA", "ASAP", "FYI", "MASH", "CAMHS", "LADO", "CP", "CIN", "TAF", "EHA", "DSL", "GP", "SW"}
)


def _name_goes_on(text: str, end: int) -> bool:
    """Whether the name found ending at ``end`` goes on with another capitalised word of a name:
    then it is a longer name, someone else's ("Ben Smith Jones", "Kim Colleague Émile")."""
    following = _NEXT_NAME_WORD.match(text, end)
    if following is None:
        return False
    word = following.group(1)
    # A capital then small letters or an apostrophe ("Jones", "O'Brien"), or a surname in capitals
    # as records write them ("JONES"); not "I", nor an acronym notes use ("Kim Colleague MASH
    # referral discussed" was taken for a longer name: regression reviews).
    if len(word) < 2 or not word[0].isupper() or word.casefold() in _NOT_MORE_OF_A_NAME:
        return False
    return word[1].islower() or word[1] in "'’" or (word.isupper() and word.upper() not in _ACRONYMS_IN_NOTES)


@lru_cache(maxsize=1)
def _short_forms() -> dict[str, frozenset[str]]:
    """Each full given name's short forms (short_names.txt: "david: dave davy"), in small letters."""
    forms: dict[str, frozenset[str]] = {}
    for line in Path(__file__).with_name("short_names.txt").read_text(encoding="utf-8").splitlines():
        full, colon, short = line.partition("#")[0].partition(":")
        if colon:
            forms[full.strip().casefold()] = frozenset(short.casefold().split())
    return forms


def _speaks_of_harm(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a sentence) speaks of harm."""
    return SPEAKS_OF_HARM.search(text, start, end) is not None


def _with_short_forms(words: set[str]) -> set[str]:
    """A name's words with the short forms of its given names: a note says "Dave" of the
    facilitator David Jones (found, regression review: warned about, once adults' short names
    were looked for). Not a short form that is a child's given name too ("Liam", "Beth", "Sam",
    "Katie": a note naming such a child went unwarned once a facilitator was William, Elizabeth,
    Samantha or Katherine: regression review). Such a colleague's short form is warned about (a
    warning the facilitator can confirm): a second review let a list of harm words decide, and it
    let "Liam told us his uncle touched him" through."""
    forms = _short_forms()
    short = set().union(*(forms.get(word, frozenset()) for word in words))
    return words | (short - CHILDRENS_NAMES_IN_SMALL_LETTERS)


def _name_words(name: str) -> list[str]:
    """The words of a name, in small letters, their accents and apostrophes as plain as typed on
    any keyboard ("O’Neil-Brown, Zoë" → o'neil-brown, zoe: found, regression review: "Sinead"
    and a curly apostrophe were not taken for "Sinéad O'Connor")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).replace("’", "'")
    return [word.casefold() for word in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", plain)]


def requester_name(request: StoredRequest) -> str | None:
    """The name the practitioner gave for themselves in the request (None if there is none)."""
    name = (request.details or {}).get("name")
    return name if isinstance(name, str) else None


def text_fingerprint(text: str) -> str:
    """A hash of the text as it will be stored: confirming a warning holds for exactly this text."""
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).hexdigest()


def needs_confirmation(
    text: str, confirmed: str | None, kinds: Sequence[Kind] = KINDS, requester: str | None = None
) -> list[Finding]:
    """The findings a facilitator has still to confirm for ``text`` (empty: store it);
    ``requester``, the practitioner's own name (``identifying_findings``)."""
    findings = identifying_findings(text.strip(), kinds, requester)
    return findings if findings and confirmed != text_fingerprint(text) else []


def _kinds(text: str, requester: str | None = None) -> str:
    """The kinds of identifying-looking data in ``text``, for the audit log (never the text)."""
    kinds = sorted({finding.kind.replace("_", " ") for finding in identifying_findings(text, requester=requester)})
    return f"; identifying-data warning confirmed ({', '.join(kinds)})" if kinds else ""


# --- moving a request on ----------------------------------------------------------------------


class MovedMeanwhile(Exception):
    """A colleague moved the request (cancelling its session, say) while this move waited."""


def _hold_the_session_first(request: StoredRequest) -> None:
    """Hold the request (its session first, if it is in one: ``hold_request``) and read it
    afresh: ``MovedMeanwhile`` if its status changed. Found (review, PostgreSQL): "Closed" posted
    as a colleague cancelled the session both went through, each from "session arranged", and the
    trail's last line ("… to session offered: the session was cancelled") said other than the
    status (closed)."""
    if hold_request(request) != request.status:
        raise MovedMeanwhile(request.status)


def duplicates_lock(reference: str) -> int:
    """The PostgreSQL advisory lock that marking a request as a duplicate, or of it, holds
    (``_one_duplicate_at_a_time``): a number from the reference."""
    return int.from_bytes(hashlib.sha256(f"duplicates:{reference}".encode()).digest()[:8], "big", signed=True)


def _one_duplicate_at_a_time(request: StoredRequest, move: Move) -> None:
    """Mark a request as a duplicate of another (or reopen a duplicate) only while no one else marks
    either of them, or of either of them, or reopens one, until this transaction ends: the check of
    the other request (``check_move``) then reads it as a colleague's move left it (regression review:
    marked as a duplicate of a request being reopened, the facilitator was told to enter the
    request it had repeated instead). Found (regression review, PostgreSQL): two
    facilitators marking two requests as duplicates of each other at the same moment each held only
    their own request, each read the other as new, and both were saved (neither left as the
    original); or one met a service problem page. A lock for each of the two references, in order,
    taken before any row is held: no one waits for them while holding what their holder needs, and
    marking two other requests does not wait (regression review: one lock for every marking kept
    an unrelated one waiting behind a slow one). (SQLite writes one at a time anyway:
    ``hold_request`` begins by taking its write lock.)"""
    if db.engine.dialect.name != "postgresql":
        return
    typed = move.duplicate_of.strip()
    original = normalise_reference(typed) if typed else ""
    for reference in sorted({request.reference, *([original] if is_reference(original) else [])}):
        db.session.execute(text_sql("SELECT pg_advisory_xact_lock(:key)"), {"key": duplicates_lock(reference)})


class MoveRefused(Exception):
    """A status change that cannot be made: ``field`` is the form field to mark, ``str()`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Move:
    """A status change as a facilitator asked for it (the extra fields only for their status)."""

    status: str
    redirected_to: str = ""  # a rule pack outcome id, for "redirected"
    reason: str = ""  # why, for "redirected"
    duplicate_of: str = ""  # a reference as typed, for "duplicate"


REASON_MAX = 500


def check_move(request: StoredRequest, move: Move, outcomes: dict[str, str]) -> dict[str, str]:
    """Refuse a move the workflow does not allow, or one without what its status needs
    (``MoveRefused``). ``outcomes``: the rule pack outcomes a request may be redirected to
    (id → title). Returns the checked extra fields to store."""
    if move.status not in workflow.STATUSES:
        raise MoveRefused("status", "Select a status")
    if not workflow.can_move(request.status, move.status):
        raise MoveRefused("status", workflow.refusal(request.status, move.status))
    if (
        move.status == SESSION_HELD_STATUS
        and request.status != SESSION_HELD_STATUS
        and (too_soon := not_held_yet(request))
    ):
        raise MoveRefused("status", too_soon)
    if move.status == ARRANGED and request.status != ARRANGED and session_place(request) is None:
        raise MoveRefused(
            "status",
            "A request reaches session arranged when its session is arranged: enter the date, time and "
            "place under Session on this page",
        )
    if move.status == "redirected":
        if move.redirected_to not in outcomes:
            raise MoveRefused("redirected_to", "Select where the request was redirected to")
        reason = move.reason.strip()
        if is_blank(reason):
            raise MoveRefused("reason", "Enter why the request was redirected")
        if text_length(reason) > REASON_MAX:
            raise MoveRefused("reason", f"The reason must be {REASON_MAX:,} characters or less")
        return {"redirected_to": move.redirected_to, "redirect_reason": reason}
    if move.status == "duplicate":
        typed = move.duplicate_of.strip()
        reference = normalise_reference(typed) if typed else ""
        if not typed:
            raise MoveRefused("duplicate_of", "Enter the reference of the request this one repeats, like STT-7KQ4-M9XA")
        if not is_reference(reference):
            # Found (facilitator review): "hello" had the empty box's message (GOV.UK: one for the format).
            # One of the right shape with a character references never have (a reference read out
            # over the phone: "zero" or "oh", "one" or "el") says which (facilitator review).
            confused = sorted(set(_NEVER_IN_A_REFERENCE.findall(reference[len("STT-") :])))
            if len(reference) == len("STT-7KQ4-M9XA") and confused:
                raise MoveRefused(
                    "duplicate_of",
                    f"References never have {' or '.join(confused)} in them, so they cannot be mistaken for other "
                    "letters or numbers: check the reference, like STT-7KQ4-M9XA, on the request itself",
                )
            raise MoveRefused(
                "duplicate_of",
                "Enter a reference in the correct format: STT, then two groups of 4 letters and numbers, "
                "like STT-7KQ4-M9XA",
            )
        if reference == request.reference:
            raise MoveRefused(
                "duplicate_of", "Enter the reference of another request: a request cannot be a duplicate of itself"
            )
        original = find_request(reference, afresh=True)  # (as a colleague's move just left it)
        if original is None:
            if deleted_on(reference) is not None:
                # Found (facilitator review): "There is no request with the reference ..." for a
                # request the facilitator had seen, which read as a typing mistake. Its audit
                # trail outlives it; nothing more about it is said.
                raise MoveRefused(
                    "duplicate_of",
                    f"Request {reference} has been deleted, so it cannot be the original. Enter the reference of a "
                    "request that is still kept, or choose another status",
                )
            raise MoveRefused("duplicate_of", f"There is no request with the reference {reference}")
        if original.status == "duplicate" and original.duplicate_of == request.reference:
            # Found (browser review): a colleague had just marked that request as a duplicate of this
            # one, and this said "Enter <this request> instead".
            raise MoveRefused(
                "duplicate_of",
                f"{reference} is marked as a duplicate of this request, so this request cannot be a duplicate of "
                f"it. If {reference} is the original, first change its status on its own page",
            )
        if original.status == "duplicate" and original.duplicate_of and find_request(original.duplicate_of):
            # (Its original deleted, it is the one kept: found, regression review, each named the other.)
            raise MoveRefused(
                "duplicate_of",
                f"{reference} is itself a duplicate of {original.duplicate_of}. Enter {original.duplicate_of} instead",
            )
        return {"duplicate_of": reference}
    return {}


def move_request(
    request: StoredRequest,
    move: Move,
    facilitator: Facilitator,
    outcomes: dict[str, str],
    seen: int | None = None,
) -> list[str]:
    """Change the request's status if the workflow allows it (else ``MoveRefused``), with one
    audit event: the move, and where to or of which request (never the reason's text). Returns
    what the move did besides, in sentences for the facilitator (leaving a session: see
    ``app.space_sessions.service.leave_session``). ``MovedMeanwhile`` if a colleague moved the
    request while this move waited for its session, or since the page sending it was shown
    (``seen``: its ``moves_seen``, checked again here, with the request held)."""
    if "duplicate" in (move.status, request.status):  # marked as a duplicate, or reopened from one
        _one_duplicate_at_a_time(request, move)
    _hold_the_session_first(request)
    if seen is not None and moves_seen(request) != seen:
        raise MovedMeanwhile(request.status)
    extra = check_move(request, move, outcomes)
    detail = f"{request.status} to {move.status}"
    if "redirected_to" in extra:
        detail += f"; to {outcomes[extra['redirected_to']]}{_kinds(extra['redirect_reason'], requester_name(request))}"
    moved = _duplicates_now_of(request, extra["duplicate_of"], facilitator) if "duplicate_of" in extra else []
    if "duplicate_of" in extra:
        detail += f"; of {extra['duplicate_of']}"
    if moved:
        its = "its duplicates, are now duplicates" if len(moved) > 1 else "its duplicate, is now a duplicate"
        detail += f"; {_and(moved)}, {its} of {extra['duplicate_of']} too"
    held = move.status == SESSION_HELD_STATUS and request.status != SESSION_HELD_STATUS
    old = request.status
    kept = _redirect_kept(request, outcomes) if old == "redirected" else None
    request.status = move.status
    # Leaving "redirected" or "duplicate" (reopening) clears what went with it; the audit log keeps
    # the route and the request repeated, and a note the reason (``_redirect_kept``).
    request.redirected_to = extra.get("redirected_to")
    request.redirect_reason = extra.get("redirect_reason")
    request.duplicate_of = extra.get("duplicate_of")
    # The session it leaves, named in the trail (found, facilitators' review: closing a request
    # said nothing there of the session it was taken out of).
    # (Read without writing the status first: ``leave_session`` holds the session before the
    # request's change is written, as a colleague cancelling the session does; a flush here would
    # take them in the other order, and the two could wait for each other.)
    leaving = old == ARRANGED and move.status not in (ARRANGED, SESSION_HELD_STATUS)
    with db.session.no_autoflush:
        place = session_place(request) if leaving else None
        left = db.session.get(SpaceSession, place.session_id) if place is not None else None
    if left is not None:
        detail += f"; left {in_trail(left)}"
    audit.add_event("status_changed", request.reference, facilitator.actor, detail)
    if kept is not None:
        _add_note(request, kept, facilitator)
    if held and not request.email_check_pending:  # (not one whose work email no one has checked)
        add_count(SESSION_HELD, request.mode)  # the anonymous count of sessions held, in the same transaction
    # Leaving "session arranged" takes the request out of its session; "session held" sends the feedback link.
    said = after_status_change(request, old)
    # Redirected, the practitioner is emailed where to go instead; reopened, the facilitator is told of that email.
    if move.status == "redirected":
        said = [*said, queue_redirected_email(request)]
    elif old == "redirected" and (reopened := when_reopened(request)) is not None:
        said = [*said, reopened]
    if moved:
        now = (
            "marked as duplicates of this request, are now duplicates"
            if len(moved) > 1
            else "marked as a duplicate of this request, is now a duplicate"
        )
        said = [*said, f"{_and(moved)}, {now} of {extra['duplicate_of']}."]
    db.session.commit()
    return [REASON_KEPT, *said] if kept is not None else said


def _and(references: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return references[0] if len(references) == 1 else f"{', '.join(references[:-1])} and {references[-1]}"


def _duplicates_now_of(request: StoredRequest, original: str, facilitator: Facilitator) -> list[str]:
    """The requests marked as duplicates of ``request``, which is now marked as a duplicate of
    ``original``, marked as duplicates of ``original`` instead, each with an event in its trail: a
    duplicate names the original, never another duplicate (as ``check_move`` asks of one marked).
    Found (regression review): X marked as a duplicate of Y, then Y of Z, left X naming Y, a
    duplicate, and Z's page did not list X. Returns their references, oldest first. (Reopened
    later, the request does not take them back: each is a duplicate of the original.)"""
    rows = db.session.execute(
        update(StoredRequest)
        .where(StoredRequest.duplicate_of == request.reference, StoredRequest.status == "duplicate")
        .values(duplicate_of=original)
        .returning(StoredRequest.reference, StoredRequest.created_at, StoredRequest.id)
        .execution_options(synchronize_session=False)
    ).all()
    moved = [reference for reference, _, _ in sorted(rows, key=lambda row: (row[1], row[2]))]
    for reference in moved:
        why = (
            f"{original}, because {request.reference} (the request this one repeated) was marked as a duplicate of "
            f"{original}"
        )
        audit.add_event(DUPLICATE_MOVED, reference, facilitator.actor, why)
    if moved:
        # The original's own trail names them too (its page lists them; found, last session's review:
        # its trail said nothing of requests that had become its duplicates).
        # The references last: a detail is cut at the audit log's length (regression review: with
        # many, the reason went).
        its = (
            f"its duplicates are now duplicates of this request too: {_and(moved)}"
            if len(moved) > 1
            else (f"its duplicate {moved[0]} is now a duplicate of this request too")
        )
        why = f"{request.reference} was marked as a duplicate of this request, so {its}"
        audit.add_event(DUPLICATES_MOVED_HERE, original, facilitator.actor, why)
    return moved


DUPLICATE_MOVED = "duplicate_moved"
DUPLICATES_MOVED_HERE = "duplicates_moved_here"


# Said when a redirected request is reopened and its reason kept as a note (``_redirect_kept``).
REASON_KEPT = "The reason it was redirected is kept in a note."


def _redirect_kept(request: StoredRequest, outcomes: dict[str, str]) -> str | None:
    """The note that keeps a redirected request's route and reason when it is reopened, or None
    if it has no reason. Found (facilitator review): reopening cleared the reason, and the audit
    log keeps only the route (never what a facilitator wrote), so the sentence a colleague wrote
    for the others was lost, with nothing to say so, when triage had to start again."""
    reason = (request.redirect_reason or "").strip()
    if not reason:
        return None
    route = outcomes.get(request.redirected_to or "", "another route")
    # Who gave it (found, facilitators' review: the note, added by whoever reopened the request,
    # read as their reason).
    redirected_by = who_redirected(request.reference)
    colleague = facilitator_acting(redirected_by) if redirected_by is not None else None
    given = f"The reason {colleague.display_name} gave" if colleague is not None else "The reason given"
    return f"Before it was reopened, this request was redirected to: {route}. {given}: {reason}"[:NOTE_MAX]


def who_redirected(reference: str) -> str | None:
    """The actor ("facilitator:<id>") of the request's newest move to "redirected", or None."""
    for detail, actor in db.session.execute(
        select(AuditEvent.detail, AuditEvent.actor)
        .where(
            AuditEvent.reference == reference,
            AuditEvent.action == "status_changed",
            AuditEvent.detail.contains(" to redirected"),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ):
        if (detail or "").partition(";")[0].partition(" to ")[2] == "redirected":
            return str(actor)
    return None


def same_email_requests(request: StoredRequest) -> list[tuple[str, str, dt.datetime]]:
    """The other stored requests giving the same work email as this one (its case and spaces
    aside), oldest first: (reference, status, received). A practitioner who sends a second
    request (about the same situation, after changing an answer, say) is one person: seen side by
    side, the requests can be marked duplicates, or one session arranged, not two."""
    email = (request.details or {}).get("email")
    if not isinstance(email, str) or not email.strip():
        return []
    return [found for found in requests_with_email(email) if found[0] != request.reference]


def requests_with_email(email: str) -> list[tuple[str, str, dt.datetime]]:
    """Every stored request giving this work email (its case and the spaces around it aside, in
    the request as in ``email``), oldest first: (reference, status, received). For the request
    page's "other requests with the same work email", and for a facilitator answering a
    practitioner's subject access or erasure request (``find_by_email``).

    Compared here, not in the database: PostgreSQL reads a JSON column's whole text to take one
    field from it, and refuses one holding a lone surrogate (a request imported before the input
    guard refused them), so that one request stopped every request page, and every search, on
    PostgreSQL. The requests are those of the retention period: tens or hundreds. (Not narrowed first
    by a search of the details' text: an address stored with a character the text writes otherwise,
    before the stricter check, was then missed (regression review), and this answers people asking
    for their information.)"""
    wanted = address_as_searched(email).lower()
    rows = db.session.execute(
        select(StoredRequest.reference, StoredRequest.status, StoredRequest.created_at, StoredRequest.details).order_by(
            StoredRequest.created_at, StoredRequest.id
        )
    )
    return [
        (reference, status, created_at)
        for reference, status, created_at, details in rows
        # The stored address without invisible characters too, as the one searched for (regression review:
        # one stored with a zero-width space, before the stricter check, was never found).
        if isinstance(given := (details or {}).get("email"), str) and without_invisible(given).strip().lower() == wanted
    ]


def record_shown_in_sessions(references: Sequence[str], where: str, facilitator: Facilitator) -> None:
    """Audit requests shown on a sessions page (``where``: which), in each one's own trail, once a
    UK day for each account, request and page (``audit.record_once_a_day``). Found (audit review):
    these pages show each request's reference, its status, its session's time and place and whether
    its practitioner was invited, and recorded nothing, though every view of a request is to be."""
    audit.record_once_a_day(SHOWN_IN_SESSIONS, references, facilitator.actor, where)


# The audit log's entries for a search by work email (``record_email_search``).
EMAIL_SEARCHED = "searched_by_email"
FOUND_BY_EMAIL = "found_by_email"
SHOWN_WITH_SAME_EMAIL = "shown_with_same_email"


def record_same_email_shown(references: Sequence[str], shown_on: str, facilitator: Facilitator) -> None:
    """Audit, in each one's own trail, the requests a request's page (``shown_on``) lists as having
    the same work email: it shows their reference, status and date, as a search by work email does
    (found, audit review: a search was in each found request's trail, the same facts on a request's
    page in none). Once a UK day for each account and page (``audit.record_once_a_day``)."""
    audit.record_once_a_day(SHOWN_WITH_SAME_EMAIL, references, facilitator.actor, f"on the page of {shown_on}")


def record_email_search(references: Sequence[str], facilitator: Facilitator, email: str) -> None:
    """Audit a search by work email: one entry for the search (who, when, how many found, and the
    keyed tag of the address searched for, ``audit.address_tag``), and one in each found request's
    own trail, since the results show it (its reference, status and date) to whoever searched.
    Never the address itself: the audit log is kept for years after the requests
    (``AUDIT_RETENTION_DAYS``). Found (b157 review): a search that found nothing (a curious look
    for a neighbour) could not be tied to the address searched; now a data protection officer given
    an address can find it (`flask facilitators audit-log --email`), and no list of addresses can be
    matched to tags without the service's secret key."""
    count = len(references)
    summary = f"{count} request{'' if count == 1 else 's'} found"
    for reference in references:
        audit.add_event(FOUND_BY_EMAIL, reference, facilitator.actor, "search by work email")
    # (The address as the search compares it: ``address_as_searched``.)
    audit.record_event(
        EMAIL_SEARCHED, None, facilitator.actor, audit.with_address_tag(summary, address_as_searched(email))
    )


def duplicates_of(request: StoredRequest) -> list[str]:
    """References of the requests marked as duplicates of this one."""
    return list(
        db.session.scalars(
            select(StoredRequest.reference)
            .where(StoredRequest.duplicate_of == request.reference)
            .order_by(StoredRequest.created_at)
        )
    )


class AssignedMeanwhile(Exception):
    """The request's assignment changed (a colleague's, a moment before) while this one waited."""


_NOT_SAID = object()


def assign(
    request: StoredRequest, assignee: Facilitator | None, facilitator: Facilitator, read: object = _NOT_SAID
) -> bool:
    """Assign the request to ``assignee`` (None: unassign); False if nothing changed. The request
    is held first, and its assignment read afresh: ``AssignedMeanwhile`` if it is no longer ``read``
    (the facilitator's id it had when the page's form was checked, or None), so two assigning at
    once never both insert (no commit then: the caller rolls back)."""
    hold_request(request)
    now = db.session.scalar(select(Assignment.facilitator_id).where(Assignment.request_id == request.id))
    if read is not _NOT_SAID and now != read:
        raise AssignedMeanwhile(now)
    if now == (assignee.id if assignee else None):
        db.session.rollback()  # (the hold let go: on SQLite it is the whole file's write lock)
        return False
    current = db.session.get(Assignment, request.id, populate_existing=True)
    if current is not None:
        db.session.delete(current)
        db.session.flush()
    if assignee is not None:
        db.session.add(Assignment(request_id=request.id, facilitator_id=assignee.id, assigned_at=utcnow()))
    audit.add_event(
        "assigned", request.reference, facilitator.actor, f"to {assignee.actor}" if assignee else "unassigned"
    )
    db.session.commit()
    return True


# A note sent again within this long (the form sent twice: Back, then Add note, with the
# browser keeping the text; or a reload that posts again) is not added a second time.
NOTE_RESENT_WITHIN = dt.timedelta(minutes=10)


def _newest_event(request: StoredRequest, action: str) -> AuditEvent | None:
    """The request's newest audit event of this kind."""
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.reference == request.reference, AuditEvent.action == action)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def moves_seen(request: StoredRequest) -> int:
    """Which of the request's moves is its newest (the id of its newest status change in the audit
    trail; 0 for none), for the status form to send back: a form from a page shown before another
    move is refused (``MovedMeanwhile``) even when the status is again the one the page showed.
    Found (three facilitators at once review): a page showing "Redirected" (to the LADO), left open
    while a colleague reopened the request and redirected it to "Share the concern with children's
    social care now", reopened it all the same: the colleague's route, and its email, not gone
    yet, were dropped without a word."""
    newest = _newest_event(request, "status_changed")
    return newest.id if newest is not None else 0


def newest_move_by(request: StoredRequest) -> str | None:
    """The actor of the request's newest status change, if any."""
    newest = _newest_event(request, "status_changed")
    return newest.actor if newest is not None else None


def newest_assignment_by(request: StoredRequest) -> str | None:
    """The actor of the request's newest change of assignment, if any."""
    newest = _newest_event(request, "assigned")
    return newest.actor if newest is not None else None


def is_move_resent(
    request: StoredRequest, from_status: str, to_status: str, facilitator: Facilitator, move: Move | None = None
) -> bool:
    """Whether a status form from a page showing ``from_status`` that moves to ``to_status`` is
    the same form sent twice (a double click with JavaScript off, or a second click on a slow
    page): the request's newest move is this facilitator's, that very move, in the last
    ``NOTE_RESENT_WITHIN``, and nothing has moved it since; and, given the form's ``move``, it
    went where the form says (the same route and reason, or the same request repeated). Found
    (stale pages review): from a second tab, a redirect to "Call 999 ..." after the same person's
    redirect to another route was called the same form sent twice, and dropped."""
    newest = _newest_event(request, "status_changed")
    return (
        request.status == to_status
        and newest is not None
        and newest.actor == facilitator.actor
        and (
            newest.detail == f"{from_status} to {to_status}"
            or newest.detail.startswith(f"{from_status} to {to_status};")
        )
        and utcnow() - newest.at < NOTE_RESENT_WITHIN
        and (move is None or _moved_as(request, move))
    )


def _moved_as(request: StoredRequest, move: Move) -> bool:
    """Whether ``request`` stands where ``move`` would have put it: its route and reason, or the
    request it repeats."""
    if move.status == "redirected":
        return (request.redirected_to or "") == move.redirected_to and (request.redirect_reason or "").strip() == (
            move.reason.strip()
        )
    if move.status == "duplicate":
        typed = move.duplicate_of.strip()
        return (request.duplicate_of or "") == (normalise_reference(typed) if typed else "")
    return True


def is_assignment_resent(request: StoredRequest, assignee: Facilitator | None, facilitator: Facilitator) -> bool:
    """Whether an assignment form to ``assignee`` (None: no one), from a page showing the
    assignment before it, is the same form sent twice: the request's newest assignment is this
    facilitator's, to ``assignee``, in the last ``NOTE_RESENT_WITHIN``."""
    newest = _newest_event(request, "assigned")
    return (
        newest is not None
        and newest.actor == facilitator.actor
        and newest.detail == (f"to {assignee.actor}" if assignee is not None else "unassigned")
        and utcnow() - newest.at < NOTE_RESENT_WITHIN
    )


def is_note_resent(request: StoredRequest, text: str, facilitator: Facilitator, shown_since: int | None = None) -> bool:
    """Whether this note is the same form sent twice, not a new note. Given the newest note the
    form's page showed (``shown_since``, its id; 0 for none): whether this facilitator added the
    same words after it, so the page was drawn before they were added (Back, then Add note again;
    a double click; two tabs at once). Found (regression review): the same words typed again on a
    page that showed them (a second voicemail left) were refused for 10 minutes; and with another
    note between, sent at the same moment, added twice. From a page drawn before the form said
    (None): whether the request's newest note is this facilitator's, with the same words, added
    in the last ``NOTE_RESENT_WITHIN``."""
    if shown_since is not None:
        return (
            db.session.scalar(
                select(TriageNote.id)
                .where(
                    TriageNote.request_id == request.id,
                    TriageNote.id > shown_since,
                    TriageNote.author_id == facilitator.id,
                    TriageNote.text == text.strip(),
                )
                .limit(1)
            )
            is not None
        )
    newest = db.session.scalar(
        select(TriageNote)
        .where(TriageNote.request_id == request.id)
        .order_by(TriageNote.created_at.desc(), TriageNote.id.desc())
        .limit(1)
    )
    return (
        newest is not None
        and newest.author_id == facilitator.id
        and newest.text == text.strip()
        and utcnow() - newest.created_at < NOTE_RESENT_WITHIN
    )


def add_note_once(
    request: StoredRequest, text: str, facilitator: Facilitator, shown_since: int | None = None
) -> TriageNote | None:
    """Add the note (``add_note``), unless it was just added (``is_note_resent``): then nothing, and
    None. The request is held first (``hold_request``), so the same form sent twice at the same
    moment (a double click with a slow connection, or two tabs) adds it once: found (browser review),
    each sending looked before the other had added it, and the note was there twice."""
    hold_request(request)
    if is_note_resent(request, text, facilitator, shown_since):
        db.session.rollback()
        return None
    return add_note(request, text, facilitator)


def add_note(request: StoredRequest, text: str, facilitator: Facilitator) -> TriageNote:
    """Add a triage note (the audit event records that a note was added, and whether an
    identifying-data warning was confirmed, never what it says)."""
    text = text.strip()
    if is_blank(text) or text_length(text) > NOTE_MAX:
        raise ValueError("a note must have 1 to 1000 characters")
    note = _add_note(request, text, facilitator)
    db.session.commit()
    return note


def _add_note(request: StoredRequest, text: str, facilitator: Facilitator) -> TriageNote:
    """The note added, with its audit event, in the caller's transaction."""
    note = TriageNote(request_id=request.id, author_id=facilitator.id, created_at=utcnow(), text=text)
    db.session.add(note)
    db.session.flush()
    audit.add_event(
        "note_added", request.reference, facilitator.actor, f"note {note.id}{_kinds(text, requester_name(request))}"
    )
    return note


def find_note(request: StoredRequest, note_id: str) -> tuple[TriageNote, Facilitator] | None:
    """The request's note with this id (ASCII digits only, as in an address), with its author;
    None if the request has no such note (deleted, or never on this request)."""
    if not (note_id.isascii() and note_id.isdigit() and len(note_id) < 10):
        return None
    row = db.session.execute(
        select(TriageNote, Facilitator)
        .join(Facilitator, Facilitator.id == TriageNote.author_id)
        .where(TriageNote.id == int(note_id), TriageNote.request_id == request.id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def note_stamp(note: TriageNote) -> str:
    """When the note was added, to the microsecond: the confirmation page posts it back, so a
    note added later under the same number (SQLite may reuse a deleted row's id) is not the one
    deleted."""
    return note.created_at.isoformat()


def delete_note(request: StoredRequest, note: TriageNote, facilitator: Facilitator) -> bool:
    """Delete a triage note (one that identifies someone, say), whoever added it. The audit event
    records which note (its number, who added it and when), and who deleted it, never what it said.
    Returns False, recording nothing, if the note had gone meanwhile: a colleague deleting it at
    the same moment (their deletion is the one in the audit log).

    The text goes from the database at once: the row is zeroed in SQLite's file (``secure_delete``)
    and SQLite's write-ahead log, which keeps the earlier versions of its page, is emptied
    (``forget_deleted_text``), as after the purges. (PostgreSQL reclaims the row's space when it
    is vacuumed.)"""
    detail = f"note {note.id} by facilitator:{note.author_id}, added {note.created_at.isoformat(timespec='seconds')}"
    reference = request.reference
    # A statement, not the session's delete, which only warns when another deletion came first.
    deleted = db.session.execute(
        delete(TriageNote)
        .where(TriageNote.id == note.id, TriageNote.request_id == note.request_id)
        .where(TriageNote.created_at == note.created_at)
        .execution_options(synchronize_session=False)
    )
    if not cast("CursorResult[Any]", deleted).rowcount:
        db.session.rollback()
        return False
    db.session.expunge(note)
    audit.add_event("note_deleted", reference, facilitator.actor, detail)
    db.session.commit()
    forget_deleted_text("a note")
    return True


def note_deleted_by(request: StoredRequest, note_id: str) -> str | None:
    """Who deleted the request's note with this id ("facilitator:<id>", from the audit log; the
    latest, should SQLite have reused the number), or None if no note of that number was deleted."""
    if not (note_id.isascii() and note_id.isdigit() and len(note_id) < 10):
        return None
    return db.session.scalar(
        select(AuditEvent.actor)
        .where(
            AuditEvent.reference == request.reference,
            AuditEvent.action == "note_deleted",
            AuditEvent.detail.startswith(f"note {int(note_id)} by "),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def who_cancelled(session_named: str) -> str | None:
    """The actor ("facilitator:<id>") whose cancelling of the session the audit log names
    ``session_named`` (``space_sessions.service.in_trail``) moved its requests back, or None (it
    had none in it, or they have been deleted since)."""
    return db.session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.action == "status_changed", AuditEvent.detail.endswith(f"; {session_named} cancelled"))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def who_emptied(session_named: str) -> tuple[str, str, str] | None:
    """The last request whose status change took it out of the session ``session_named`` names
    (``in_trail``), which cancels a session no one is left in: (its reference, the actor, the
    status it moved to), or None."""
    found = db.session.execute(
        select(AuditEvent.reference, AuditEvent.actor, AuditEvent.detail)
        .where(AuditEvent.action == "status_changed", AuditEvent.detail.endswith(f"; left {session_named}"))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    if found is None or found.reference is None:
        return None
    new = found.detail.partition(";")[0].partition(" to ")[2]
    return (found.reference, found.actor, new) if new in STATUS_LABELS else None


def facilitator_acting(actor: str) -> Facilitator | None:
    """The facilitator an audit event's actor ("facilitator:<id>") names, or None (the service, a command)."""
    found = ACTOR_PATTERN.fullmatch(actor)
    return db.session.get(Facilitator, int(found[1])) if found is not None and len(found[1]) < 10 else None


def assignable(facilitator_id: str) -> Facilitator | None:
    """The active facilitator with this id (as posted by the assignment form), or None (also for a
    partnership account, which cannot be assigned requests)."""
    found = signed_in_facilitator(int(facilitator_id)) if facilitator_id.isdigit() else None
    return found if found is not None and not found.reads_statistics_only else None


def import_incomplete(imported: ImportedRequest, state: JourneyState) -> str | None:
    """Why an imported request is not one the service could have stored (or None): the outcome
    it names must be the request outcome its answers lead to (``state``), and every required
    request field that its pages ask must have a value, and a month must be one the form takes
    on the day the request was sent (the values' form is checked by ``pdf_import.check_document``).
    Names the part, never the text."""
    if state.outcome is None or imported.outcome != state.outcome.id:
        return "the outcome is not the one its answers lead to"
    names = fields.asked_fields(imported.details, state.debrief)
    asked = [entry for entry in fields.FIELDS if entry.name in names]
    # Blank as the form sees it (only spaces, say, is blank): found (security review), an import
    # took a required detail of spaces alone.
    missing = [
        entry.name for entry in asked if entry.required and not fields.clean_text(imported.details.get(entry.name))
    ]
    if missing:
        return f"required details missing: {', '.join(missing)}"
    # A month the form would refuse on the day the request was sent (before January 1950, or
    # after that month): found (security review), an import took "0000-01" and "2999-01".
    sent_on = uk_day(imported.submitted_at)
    for entry in asked:
        month = imported.details.get(entry.name)
        if entry.kind == "month_year" and month:
            typed = {entry.name: month[5:], entry.year_input: month[:4]}
            if fields.month_year_problem(entry, typed, sent_on) is not None:
                return (
                    f"{entry.name} is not a month the request form takes, from January "
                    f"{fields.EARLIEST_EVENT_YEAR} to the month the request was sent"
                )
    return None


def imported_record(imported: ImportedRequest, now: dt.datetime | None = None) -> NewRequest:
    """What to store for an imported request, its answers checked against the rule pack.

    The file is untrusted (anyone can write a PDF and email it): its answers must lead to a
    request outcome under this service's rules, or ``ImportProblem`` says they do not. The
    answers kept are those on that path; the mode, explanation, guidance, flags and criteria are
    made again from the pack, as a submission makes them, so nothing the file says about them
    is shown. A request older than the retention period is refused: the next purge would delete
    it. Raises ``InvalidRequest`` for data no submission could have made."""
    pack = current_pack()
    state = evaluate(pack, imported.answers)
    stopped_at = state.next_question
    if stopped_at is not None and imported.rule_pack_version != pack.version:
        # Made under other rules, its answers stop here under these: at a question answered with
        # an option these rules no longer have, or one those rules did not ask. Said, with what to
        # do. (Under these same rules, the file was altered: it does not lead to a request.)
        why = ANSWER_NOT_OFFERED if stopped_at.id in imported.answers else QUESTION_NOT_ASKED
        question = stopped_at.title.for_mode(state.mode)
        raise ImportProblem(OTHER_QUESTIONS.format(why=why.format(question=question)))
    if state.outcome is None or not state.outcome.request:
        raise ImportProblem(NOT_A_REQUEST_ROUTE)
    days = int(current_app.config.get("RETENTION_DAYS") or 90)
    if imported.submitted_at < (now or utcnow()) - dt.timedelta(days=days):
        raise ImportProblem(TOO_OLD.format(day=uk_date(imported.submitted_at), days=days))
    problem = import_incomplete(imported, state)
    if problem is not None:
        raise InvalidRequest(problem)
    # Only the request's own fields are kept (a key no form has, with text no one would see, is
    # dropped), and the identifying-data check is made again from their text, never taken from the file.
    # A field its answers did not ask is kept empty, as a request sent through the form keeps it
    # (``fields.clean_details``): the family's reason, say, when the family knows, which no page,
    # PDF or list shows, so its text was kept where no one could see, check or delete it.
    asked = fields.asked_fields(imported.details, state.debrief)
    details: dict[str, Any] = {
        entry.name: (imported.details.get(entry.name) or "") if entry.name in asked else "" for entry in fields.FIELDS
    }
    details["criteria"] = [
        {"value": option.value, "label": option.label.for_mode(state.mode)} for option in state.criteria
    ]
    details["identifying_check"] = identifying_check(stored_findings(details), confirmed=False)
    # The words of the answers of the partnership's, as offered now (never the file's words, which
    # could say anything: an answer no longer offered is shown by its id, and the PDF has its words).
    details[fields.ANSWER_LABELS] = fields.answer_labels(details, state.mode)
    return journey_record(
        pack,
        state,
        f"imported:{imported.reference}",  # no journey; the token only has to be unique, as the reference is
        details,
        imported.submitted_at,
        reference=imported.reference,
    )


# An import refused because the service had deleted the request (``import_request``): the audit
# event, its detail, and what the import page says.
IMPORT_REFUSED = "import_refused"
DELETED_ALREADY = "the request had been deleted"
WAS_DELETED = (
    "Request {reference} was deleted from this service on {day}, so it cannot be imported again. "
    "Delete the email it came with if it is no longer needed"
)


# In the audit detail of a request imported from a PDF without this service's signature, once the
# facilitator said they had checked where it came from; the request's page shows a warning while
# its trail holds it (``imported_unchecked``).
UNCHECKED_IMPORT = "the service could not check that it made this PDF"


# In the audit detail of a copy uploaded again that this service made and that matches the request
# (``uploaded_again``): the request is then as checked as one imported from a signed PDF.
MADE_HERE = "this service made it"


def imported_unchecked(reference: str) -> bool:
    """Whether the request was imported from a PDF this service could not check it made, and no
    copy it made, matching the request, was uploaded since (found, regression review: the warning
    stayed after the service's own copy was uploaded and matched)."""

    def found(action: str, words: str) -> bool:
        return (
            db.session.scalar(
                select(AuditEvent.id)
                .where(
                    AuditEvent.reference == reference,
                    AuditEvent.action == action,
                    AuditEvent.detail.contains(words, autoescape=True),
                )
                .limit(1)
            )
            is not None
        )

    return found("imported", UNCHECKED_IMPORT) and not found(UPLOADED_AGAIN, MADE_HERE)


def import_request(
    imported: ImportedRequest, facilitator: Facilitator, origin_checked: bool = False
) -> tuple[StoredRequest, bool]:
    """Store an imported request (status new), or find the one already stored with its reference.

    A PDF without this service's signature (``imported.signed``: made before the service signed
    its PDFs, under another ``SECRET_KEY``, altered, or made elsewhere) is stored only once the
    facilitator has said they checked where it came from (``origin_checked``; else ``NotChecked``),
    and its trail says so. Found (security review): a PDF anyone had made imported as a real
    request, and only "Imported from a request PDF" in its trail told it apart. One already here
    is found as before: nothing is added, and the upload is compared with it.

    Returns the request and whether it was created now. Its answers are checked against the
    rule pack and the rest made again from it (``imported_record``: ``ImportProblem`` if they do
    not lead to a request, or it is past the retention period). It goes through the same writer
    as a submission (``app.requests.service.store_request``), which refuses data the database
    could not hold (``InvalidRequest``). The uploaded PDF is not kept: the outbox worker makes
    the request's PDF from the checked data, so nothing the upload carried (scripts, forms,
    altered text) is ever served back. No email is sent: the facilitators already have it.

    A request this service has deleted (its audit trail says so: at the end of its retention
    period, or sooner by ``flask requests delete``, when someone asked for their information to
    be erased) is refused, and the refusal recorded in its trail: importing the copy still in the
    facilitators' mailbox would undo the deletion (privacy review: it did).
    """
    existing = find_request(imported.reference)
    if existing is not None:
        uploaded_again(imported, existing, facilitator)
        return existing, False
    if (deleted := deleted_on(imported.reference)) is not None:
        audit.record_event(IMPORT_REFUSED, imported.reference, facilitator.actor, DELETED_ALREADY)
        raise ImportProblem(WAS_DELETED.format(reference=imported.reference, day=uk_date(deleted[0])))
    if not imported.signed and not origin_checked:
        raise NotChecked
    record = imported_record(imported)
    detail = "from a request PDF"
    if imported.rule_pack_version != record.rule_pack_version:
        # The file's version goes in the audit log (kept for good) only if it looks like one:
        # anything else in that slot is text someone wrote.
        made_with = imported.rule_pack_version if PACK_VERSION.fullmatch(imported.rule_pack_version) else "unknown"
        detail += f" made with rules version {made_with}, checked against {record.rule_pack_version}"
    if not imported.signed:
        detail += f"; {UNCHECKED_IMPORT}"
    if found := record.details["identifying_check"]["found"]:
        detail += f"; the identifying-data check found: {', '.join(found)}"
    # (Counted as a request sent, as one sent online is, by the one writer: only when stored now;
    # one unchecked only once a second person confirms its work email: ``confirm_work_email``.)
    stored = store_request(
        record,
        actor=facilitator.actor,
        action="imported",
        detail=detail,
        email_to=None,
        email_check_pending=not imported.signed,
    )
    if stored is not None:
        return stored, True
    existing = find_request(imported.reference)  # someone imported (or the service stored) it a moment ago
    if existing is None:
        raise InvalidRequest("reference or journey token already taken")
    uploaded_again(imported, existing, facilitator)
    return existing, False


# The audit action of a request's PDF uploaded again (``uploaded_again``).
UPLOADED_AGAIN = "uploaded_again"
NOT_THE_SAME = "does not match"


def uploaded_again(imported: ImportedRequest, existing: StoredRequest, facilitator: Facilitator) -> None:
    """Record in the request's trail that a copy of its PDF was uploaded, and whether it matches
    the request stored: its answers, its fields and when it was sent (found, privacy review: the
    upload of a full copy left no trace; security review: a PDF giving the reference of a stored
    request, with another person's name, was told only "already in the inbox"). Commits."""
    differs = copy_differs(imported, existing)
    detail = (
        f"the copy matches this request{'; ' + MADE_HERE if imported.signed else ''}"
        if not differs
        else f"the copy {NOT_THE_SAME} this request (different: {', '.join(differs)})"
    )
    # A copy, even the service's own and matching, does not stand for the second person's check of an
    # unchecked import's work email (found, review of that check: the importer uploaded the service's
    # PDF of their own forged request, and the check was cleared, the request counted).
    audit.record_event(UPLOADED_AGAIN, existing.reference, facilitator.actor, detail)


# --- a request imported unchecked: its work email confirmed by a second person ----------------------

# The audit actions of a work email confirmed, and of a confirmation refused (``confirm_work_email``).
EMAIL_CONFIRMED = "work_email_confirmed"
EMAIL_CONFIRM_REFUSED = "work_email_confirm_refused"
# What the request page's check says, and the audit detail of a confirmation from it.
EMAIL_CHECK_WORDS = "I have checked with the practitioner that this is their work email"
# Why the importer cannot confirm their own import (the page's error, and the refusal's audit detail).
OWN_IMPORT = (
    "You imported this request, so another facilitator must check its work email: "
    "ask a colleague to check it with the practitioner"
)
OWN_IMPORT_AUDITED = "refused: the facilitator who imported it"
# Why emails to the practitioner wait (the request and session pages; refusals to send).
EMAILS_WAIT = (
    "Nothing will be emailed to the practitioner of this request until another facilitator (not the "
    "one who imported it) confirms that its work email is theirs: it came from a PDF this service "
    "could not check it made, so the address may not be the practitioner's. It is not counted in "
    "the statistics until then."
)


class ConfirmRefused(Exception):
    """A work email confirmation refused; the message says why, for the page or the command line."""


def importer_of(reference: str) -> str | None:
    """The actor who imported the request (its ``imported`` audit entry), or None."""
    return db.session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.reference == reference, AuditEvent.action == "imported")
        .order_by(AuditEvent.at, AuditEvent.id)
        .limit(1)
    )


def _email_checked(request: StoredRequest) -> bool:
    """Clear ``email_check_pending`` once only (one statement: two confirmations at the same moment
    count one request sent), and count the request sent it now is, in the month of the confirmation
    (not one flagged by migration 0030: it was counted when it was imported, ``count_when_confirmed``).
    No commit. Whether it was cleared now."""
    cleared = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(StoredRequest)
            .where(StoredRequest.id == request.id, StoredRequest.email_check_pending.is_(True))
            .values(email_check_pending=False)
            .execution_options(synchronize_session="fetch")
        ),
    ).rowcount
    if cleared != 1:
        return False
    if request.count_when_confirmed:
        count_request_sent(request.mode)
    return True


def confirm_work_email(request: StoredRequest, actor: str, by_importer_allowed: bool = False) -> bool:
    """Record that a second person checked the work email of a request imported unchecked: emails
    to it may go from now on, and it is counted as a request sent (once). ``actor``: the
    facilitator's (refused, and the refusal audited, when they imported it), or an operator's
    (``by_importer_allowed``: a partnership with one facilitator). Commits. False when it was
    confirmed already (nothing done)."""
    if not request.email_check_pending:
        return False
    if not by_importer_allowed and importer_of(request.reference) == actor:
        audit.record_event(EMAIL_CONFIRM_REFUSED, request.reference, actor, OWN_IMPORT_AUDITED)
        raise ConfirmRefused(OWN_IMPORT)
    if not _email_checked(request):
        db.session.rollback()
        return False
    audit.add_event(EMAIL_CONFIRMED, request.reference, actor, EMAIL_CHECK_WORDS)
    db.session.commit()
    return True


def copy_differs(imported: ImportedRequest, existing: StoredRequest) -> list[str]:
    """What in an uploaded copy of a request differs from the request stored, in words: the
    answers, the names of the fields that differ (their labels, never their text), the date sent."""
    differs = []
    if imported.answers != existing.answers:
        differs.append("the answers")
    differs.extend(
        f'"{field.row_key(existing.mode, in_request=True) or field.label.for_mode(existing.mode)}"'
        for field in fields.FIELDS
        if _same_value(imported.details.get(field.name)) != _same_value(existing.details.get(field.name))
    )
    if abs(imported.submitted_at - existing.created_at) >= dt.timedelta(minutes=1):
        differs.append("when it was sent")
    return differs


def _same_value(value: Any) -> Any:
    """A field's value as compared: no answer, an empty text and an empty list alike."""
    return value if value not in (None, "", [], ()) else None


def facilitator_choices(facilitators: Sequence[Facilitator]) -> list[tuple[str, str]]:
    """(value, label) pairs for the assignment list: unassigned first, then each facilitator."""
    return [("", "Not assigned")] + [(str(f.id), f.display_name) for f in facilitators]


def assignment_choices(assignee: Facilitator | None) -> list[tuple[str, str]]:
    """The assignment list for a request assigned to ``assignee`` (``assigned_facilitator``):
    ``facilitator_choices`` of the active facilitators, with the assignee kept in it, marked as
    the page marks them (``Facilitator.assignee_suffix``), if they cannot work on requests now
    (account closed, or moved to the partnership role), so the list says what the page says, and
    saving it unchanged changes nothing."""
    choices = facilitator_choices(active_facilitators())
    if assignee is not None and all(value != str(assignee.id) for value, _ in choices):
        choices.insert(1, (str(assignee.id), assignee.display_name + assignee.assignee_suffix))
    return choices
