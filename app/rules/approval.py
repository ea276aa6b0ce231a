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
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from .diff import diff_packs
from .errors import Problem
from .loader import check_contacts
from .model import ContactBook, RulePack

# Where ``rules diff`` lists a change again, which means nothing here.
_LISTED_UNDER = re.compile(r':\s*listed under "[^"]*"\.$')


class CheckPack(Protocol):
    """``app.rules.check_pack`` (passed in: it is the package's, which imports this module's callers)."""

    def __call__(
        self, path: str | Path | None = None, contacts: ContactBook | None = None, accept_one_wording: bool = False
    ) -> tuple[RulePack | None, list[Problem]]: ...


def approved_copy(path: str | Path) -> Path:
    """Where ``path``'s approved copy is: beside it, ``.approved`` before its suffix."""
    file = Path(path)
    return file.with_name(f"{file.stem}.approved{file.suffix}")


def approval_problems(
    pack: RulePack, contacts: ContactBook, pack_path: str | Path, contacts_path: str | Path, check_pack: CheckPack
) -> tuple[list[Problem], list[Problem]]:
    """The safeguarding changes since the approved copies (problems), and, when there are no
    approved copies, that they are missing (a warning, refused in production)."""
    approved_pack, approved_contacts = approved_copy(pack_path), approved_copy(contacts_path)
    missing = [str(copy) for copy in (approved_pack, approved_contacts) if not copy.is_file()]
    if missing:
        return [], [
            Problem(
                str(pack_path),
                "",
                "",
                f"has no approved copy ({' and '.join(missing)} not found), so nothing checks that its safeguarding "
                "routes are the ones the partnership's safeguarding lead agreed. Once they have agreed them, run "
                "flask rules approve (production does not start without the approved copies)",
            )
        ]
    old_contacts, problems = check_contacts(approved_contacts)
    old_pack, pack_problems = (
        check_pack(approved_pack, old_contacts, accept_one_wording=True) if old_contacts is not None else (None, [])
    )
    if old_pack is None or old_contacts is None:
        first = (problems + pack_problems)[:1]
        why = f": {first[0]}" if first else ""
        return [
            Problem(
                str(approved_pack),
                "",
                "",
                f"cannot be read as the approved rules{why}. Put back the copy last approved, or, once the "
                "safeguarding lead has agreed the rules as they are, run flask rules approve",
            )
        ], []
    diff = diff_packs(old_pack, pack, old_contacts, contacts)
    return [
        Problem(
            str(pack_path),
            "",
            "",
            f"has a safeguarding check changed since the partnership's safeguarding lead approved the rules "
            f"({approved_pack}): {change} Undo the change, or ask the safeguarding lead to agree it (flask rules diff "
            f"{approved_pack} {pack_path} --old-contacts {approved_contacts} --new-contacts {contacts_path} lists it) "
            "and then run flask rules approve",
            unapproved=change,
        )
        for change in (_LISTED_UNDER.sub(".", line) for line in diff.safeguarding)
    ], []
