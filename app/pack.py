"""The rule pack and the contacts: loaded once at start-up, then read by views and services.

``load_rules(app)`` reads both files (a broken file stops start-up naming file, node and
field); ``current_pack()`` and ``current_contacts()`` return what was loaded, for the app
handling the current request or command.
"""

from __future__ import annotations

from flask import Flask, current_app

from .config import StartupError
from .rules import ContactBook, RulePack, RulesError, load_contacts, load_pack

PACK_KEY = "space_to_think.pack"
CONTACTS_KEY = "space_to_think.contacts"


def load_rules(app: Flask) -> None:
    """Load contacts and the rule pack once; a broken file stops start-up naming file, node and field."""
    try:
        contacts = load_contacts(app.config["CONTACTS_PATH"])
        pack = load_pack(app.config["RULE_PACK_PATH"], contacts)
    except RulesError as error:
        raise StartupError(str(error)) from None
    except OSError as error:
        raise StartupError(f"cannot read rule data: {error}") from None
    app.extensions[CONTACTS_KEY] = contacts
    app.extensions[PACK_KEY] = pack


def current_pack() -> RulePack:
    """The rule pack loaded at start-up."""
    pack: RulePack = current_app.extensions[PACK_KEY]
    return pack


def current_contacts() -> ContactBook:
    """The contacts loaded at start-up."""
    contacts: ContactBook = current_app.extensions[CONTACTS_KEY]
    return contacts
