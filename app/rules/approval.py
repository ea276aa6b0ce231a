"""The safeguarding routes as the partnership's safeguarding lead agreed them.

``rules check`` saying a pack is valid does not say its safeguarding routes are right: swapping
where "Yes" and "I'm not sure" lead on "Is a child in immediate danger?" gives a valid pack that
sends a child in danger past 999 (found, rules maintainer's review: eight such mistakes passed
``rules check`` and start-up; only ``rules diff`` named them, and nothing made anyone run it).

So each rule file has an approved copy beside it (``space_to_think.approved.yaml`` beside
``space_to_think.yaml``, ``contacts.approved.yaml`` beside ``contacts.yaml``), written by ``flask
rules approve`` once the safeguarding lead has agreed the changes ``rules diff`` lists first. The
files are compared with their approved copies as ``rules diff`` compares two packs: any change it
lists under "Safeguarding checks changed, weakened or moved" stops ``rules check`` and start-up,
naming the change. Other changes (words, a new ordinary answer) need no approval. Without approved
copies, production refuses to start and elsewhere it is a warning (a draft, a test's pack).

Each approved copy starts with a comment saying who agreed it and when (``approval_header``), then
the file as it was agreed, byte for byte: ``rules check`` says whose agreement the rules in use
rest on. (The record guards against a mistake, not against someone set on getting a change past
it: a hand edit of the copy passes every check.)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Protocol

from .diff import diff_packs
from .errors import Problem
from .loader import check_contacts
from .model import Contact, ContactBook, RulePack

# Where ``rules diff`` lists a change again, which means nothing here.
_LISTED_UNDER = re.compile(r':\s*listed under "[^"]*"\.$')
_WORDS_LISTED_UNDER = re.compile(r'\s*The (?:words|details) are listed under "[^"]*"\.$')


class CheckPack(Protocol):
    """``app.rules.check_pack`` (passed in: it is the package's, which imports this module's callers)."""

    def __call__(
        self, path: str | Path | None = None, contacts: ContactBook | None = None, accept_one_wording: bool = False
    ) -> tuple[RulePack | None, list[Problem]]: ...


def approved_copy(path: str | Path) -> Path:
    """Where ``path``'s approved copy is: beside it, ``.approved`` before its suffix."""
    file = Path(path)
    return file.with_name(f"{file.stem}.approved{file.suffix}")


# The first line of an approved copy: who agreed the safeguarding routes in it, and when (UTC).
HEADER = "# Approved with flask rules approve on {when:%Y-%m-%d %H:%M} UTC: agreed by {by}.\n"
_HEADER = re.compile(r"^# Approved with flask rules approve on (\d{4}-\d\d-\d\d \d\d:\d\d) UTC: agreed by (.+)\.\n")
# The second: what the file is, for whoever opens it.
ABOUT = (
    "# The file beside it as the partnership's safeguarding lead agreed it: rules check and start-up compare\n"
    "# the file with what follows. Do not edit it: run flask rules approve again (docs/RULES.md, step 3).\n"
)


def approval_header(by: str, when: dt.datetime) -> str:
    """The comment an approved copy starts with (``by``: who agreed it, on one line)."""
    return HEADER.format(when=when, by=" ".join(by.split()).rstrip(".")) + ABOUT


def agreed_text(copy: Path) -> bytes:
    """An approved copy as the file it approves: without its header (``approval_header``)."""
    data = copy.read_bytes()
    found = _HEADER.match(data.decode("utf-8", "replace"))
    if found is None:
        return data
    rest = data[len(found.group(0).encode("utf-8")) :]
    return rest[len(ABOUT.encode("utf-8")) :] if rest.startswith(ABOUT.encode("utf-8")) else rest


def approved_by(copy: Path) -> str | None:
    """ "agreed by NAME on DATE" from an approved copy's header, or None (none, or unreadable)."""
    try:
        with copy.open(encoding="utf-8") as file:
            first = file.readline()
    except (OSError, UnicodeDecodeError):
        return None
    found = _HEADER.match(first)
    return f"agreed by {found.group(2)} on {found.group(1)} UTC" if found else None


def write_approved_copy(source: Path, copy: Path, by: str, when: dt.datetime) -> bool:
    """Write ``source``'s approved copy, saying ``by`` agreed it at ``when``; False (nothing written)
    when the copy already holds ``source`` as it is, with its record (that earlier agreement stands)."""
    text = source.read_bytes()
    if copy.is_file() and agreed_text(copy) == text and approved_by(copy) is not None:
        return False
    copy.write_bytes(approval_header(by, when).encode("utf-8") + text)
    return True


def approve_command(pack_path: str | Path, contacts_path: str | Path) -> str:
    """The command that approves these files, as the person runs it."""
    return f"flask rules approve --pack {pack_path} --contacts {contacts_path}"


def approval_problems(
    pack: RulePack, contacts: ContactBook, pack_path: str | Path, contacts_path: str | Path, check_pack: CheckPack
) -> tuple[list[Problem], list[Problem]]:
    """The safeguarding changes since the approved copies (problems), and, when there are no
    approved copies, that they are missing (a warning, refused in production)."""
    approved_pack, approved_contacts = approved_copy(pack_path), approved_copy(contacts_path)
    command = approve_command(pack_path, contacts_path)
    missing = [
        Problem(
            str(file),
            "",
            "",
            f"has no approved copy ({copy} not found), so nothing checks that its safeguarding routes are the ones "
            "the partnership's safeguarding lead agreed. If the live file has one, copy it here with the file; for "
            f"rules never approved, once the safeguarding lead has agreed them, run {command} --first (production "
            "does not start without the approved copies)",
        )
        for file, copy in ((pack_path, approved_pack), (contacts_path, approved_contacts))
        if not copy.is_file()
    ]
    if missing:
        return [], missing
    old = approved_rules(pack_path, contacts_path, check_pack)
    if isinstance(old, Problem):
        return [old], []
    old_pack, old_contacts = old
    diff = diff_packs(old_pack, pack, old_contacts, contacts)
    return [
        Problem(
            f"{pack_path} (or {contacts_path})",
            "",
            "",
            f"has a safeguarding check changed since the partnership's safeguarding lead approved the rules "
            f"({approved_pack}, {approved_contacts}): {change} Undo the change, or ask the safeguarding lead to agree "
            f"it (flask rules diff {approved_pack} {pack_path} --old-contacts {approved_contacts} --new-contacts "
            f"{contacts_path} lists it) and then run {command}",
            unapproved=change,
        )
        for change in (_WORDS_LISTED_UNDER.sub("", _LISTED_UNDER.sub(".", line)) for line in diff.safeguarding)
    ], []


def approved_rules(
    pack_path: str | Path, contacts_path: str | Path, check_pack: CheckPack
) -> tuple[RulePack, ContactBook] | Problem:
    """The approved copies of these files, read; or why they cannot be."""
    approved_pack, approved_contacts = approved_copy(pack_path), approved_copy(contacts_path)
    old_contacts, problems = check_contacts(approved_contacts)
    old_pack, pack_problems = (
        check_pack(approved_pack, old_contacts, accept_one_wording=True) if old_contacts is not None else (None, [])
    )
    if old_pack is not None and old_contacts is not None:
        return old_pack, old_contacts
    first = (problems + pack_problems)[:1]
    why = f": {first[0]}" if first else ""
    return Problem(
        str(approved_pack if old_contacts is not None else approved_contacts),
        "",
        "",
        f"cannot be read as the approved rules{why}. Put back the copy last approved (from the live files, a "
        "backup or the repository), or, once the safeguarding lead has agreed the rules as they are, run "
        f"{approve_command(pack_path, contacts_path)} --first",
    )


def contact_lines(contact: Contact) -> str:
    """A contact as the pages give it, in one line: its name, phone number and hours, email and
    pages, for the safeguarding lead to check against its sources."""
    ways = [f"phone {contact.phone}" + (f" ({contact.hours})" if contact.hours else "")] if contact.phone else []
    ways += [f"email {contact.email}"] if contact.email else []
    ways += [f"{link.text}: {link.url}" for link in contact.links]
    return f"{contact.name} ({contact.id}): " + ("; ".join(ways) or "no phone, email or page")


def every_contact(contacts: ContactBook) -> list[str]:
    """Every contact as the pages give it (``contact_lines``), those on every page's footer said so:
    for rules approved for the first time. Found (another area's review): `approve --first` listed
    contacts by their ids alone, so a safeguarding lead agreed another area's out-of-hours number
    without being shown it."""
    footer = set(contacts.emergency_ids)
    return [
        contact_lines(contact) + (" [on every page]" if contact.id in footer else "") for contact in contacts.contacts
    ]


def contact_changes(
    pack: RulePack, contacts: ContactBook, pack_path: str | Path, contacts_path: str | Path, check_pack: CheckPack
) -> list[str]:
    """What changed in the contacts since the approved copies, each field old → new, and ``rules
    diff``'s warnings (a number changed but not its ``verified.on`` date); nothing when the copies
    cannot be read. Found (another area's review): `approve` said only that a contact "changes its
    phone number", never from what to what, nor that its verification date had not changed."""
    old = approved_rules(pack_path, contacts_path, check_pack)
    if isinstance(old, Problem):
        return []
    diff = diff_packs(old[0], pack, old[1], contacts)
    lines: list[str] = []
    for item in diff.section("contacts"):
        lines.append(f"{item.kind.capitalize()}: {item.subject}" + (f": {item.note}" if item.note else ""))
        lines += [f"    {change.field}: {change.old} → {change.new}" for change in item.changes]
    return lines + [f"Warning: {warning}" for warning in diff.warnings]


def safety_routes(pack: RulePack) -> list[str]:
    """Every route an answer showing a risk takes, and what its outcome puts first: for rules
    approved for the first time, so the safeguarding lead agrees what they are shown."""
    routes = []
    for question in pack.questions:
        if not question.risk:
            continue
        for option in question.options:
            if option.safe:
                continue
            target = question.route_for(option)
            outcome = pack.outcome(target) if target is not None else None
            if outcome is None:
                routes.append(f'"{option.label.practitioner}" to "{question.short.practitioner}" leads to {target}.')
                continue
            first = outcome.contacts[0] if outcome.contacts else None
            note = outcome.contact_note(first) if first is not None else None
            shows = (
                f", first contact {first}" + (f" ({note.practitioner})" if note is not None else "") if first else ""
            )
            routes.append(
                f'"{option.label.practitioner}" to "{question.short.practitioner}" leads to {outcome.id} '
                f'"{outcome.title.practitioner}"{shows}.'
            )
    return routes
