"""``flask rules …``: check, draw and list the rule pack, for the partnership and developers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import current_app, has_app_context
from flask.cli import AppGroup

from app.pack import refusal
from app.rules import (
    DEFAULT_CONTACTS,
    DEFAULT_PACK,
    DEFAULT_PARTNERSHIP,
    ContactBook,
    RulePack,
    check_pack,
    check_rules,
    enumerate_paths,
    load_contacts,
    load_pack,
)
from app.rules.approval import (
    approved_by,
    approved_copy,
    contact_changes,
    every_contact,
    safety_routes,
    write_approved_copy,
)
from app.rules.diff import ROUTES_SHOWN, diff_packs, to_markdown, to_text
from app.rules.errors import DefinitionError
from app.rules.graph import paths_json, paths_table, to_dot, to_mermaid
from app.uk_time import uk_today

rules_cli = AppGroup("rules", help="Check, draw and list the rule pack.")


def _file_option(flag: str, dest: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--flag FILE``: another rule file than the installed one."""
    return click.option(flag, dest, type=click.Path(path_type=Path), default=None, help=help)


_pack_option = _file_option("--pack", "pack_path", "Rule pack file (default: the installed pack).")
_contacts_option = _file_option("--contacts", "contacts_path", "Contacts file (default: the installed contacts).")
_partnership_option = _file_option(
    "--partnership",
    "partnership_path",
    "Partnership file to check with the pack (default: the installed one, but none when "
    "--pack is given: a draft or another area's pack is checked without one unless you name it).",
)


def _default(path: Path | None, config_key: str, fallback: Path) -> Path:
    if path is not None:
        return path
    configured = current_app.config.get(config_key) if has_app_context() else None
    return Path(configured) if configured else fallback


def _load(pack_path: Path | None, contacts_path: Path | None) -> RulePack:
    try:
        contacts = load_contacts(_default(contacts_path, "CONTACTS_PATH", DEFAULT_CONTACTS))
        return load_pack(_default(pack_path, "RULE_PACK_PATH", DEFAULT_PACK), contacts)
    except DefinitionError as err:
        click.echo(str(err), err=True)
        sys.exit(1)


@rules_cli.command("check")
@_pack_option
@_contacts_option
@_partnership_option
def check(pack_path: Path | None, contacts_path: Path | None, partnership_path: Path | None) -> None:
    """Validate a rule pack, its contacts and the partnership file: name every problem in one
    run (exit 1), and warn (exit 0) when the review date has passed or a contact was verified
    over 12 months ago. A pack given with --pack (a draft, another area's) is checked
    without a partnership file unless --partnership names one too. In production it refuses
    what production refuses to start with, as start-up says it. It runs while the installed
    files are refused: to check a mended copy (--partnership COPY) before installing it."""
    pack_file = _default(pack_path, "RULE_PACK_PATH", DEFAULT_PACK)
    contacts_file = _default(contacts_path, "CONTACTS_PATH", DEFAULT_CONTACTS)
    partnership_file = (
        _default(partnership_path, "PARTNERSHIP_PATH", DEFAULT_PARTNERSHIP)
        if partnership_path is not None or pack_path is None
        else None
    )
    report = check_rules(pack_file, contacts_file, uk_today(), partnership_path=partnership_file)
    # What start-up would refuse, as it would say it (in production, an example's fictional
    # guidance or contact details too): the app is loaded without the live files when they are
    # refused, so this is where they are checked (app/pack.py).
    files = {
        "--pack" if pack_path is not None else "RULE_PACK_PATH": pack_file,
        "--contacts" if contacts_path is not None else "CONTACTS_PATH": contacts_file,
        "--partnership" if partnership_path is not None else "PARTNERSHIP_PATH": partnership_file,
    }
    production = has_app_context() and current_app.config.get("APP_ENV") == "production"
    refused = refusal(report, files, production, partnership=partnership_file is not None)
    if refused is not None or report.pack is None:
        click.echo(refused, err=True)
        sys.exit(1)
    pack = report.pack
    paths = list(enumerate_paths(pack))
    click.echo(f"{pack_file}: valid. {pack.name}, version {pack.version}, review by {pack.review_date}.")
    click.echo(
        f"{len(pack.questions)} questions, {len(pack.outcomes)} outcomes, {len(paths)} paths; "
        f"contacts from {contacts_file}."
    )
    if partnership_file is not None:
        click.echo(f"Partnership: {pack.owner}, from {partnership_file}.")
    else:
        # Found (regression review): run with --pack alone, it said nothing of the checks it left out.
        click.echo(
            "Partnership: not checked. Give --partnership FILE too to check your area's partnership file, and your "
            "contacts' numbers and the pack's words against the shipped and example areas'."
        )
    if not report.unapproved:
        # Whose agreement the safeguarding routes rest on (the approved copies' record), for each file
        # (found, regression review: one file's record read as the other's, which had none).
        for file in (pack_file, contacts_file):
            copy = approved_copy(file)
            click.echo(f"{copy.name}: {approved_by(copy) or 'approved, with no record of who agreed it or when'}.")
    for warning in (*report.warnings, *report.unapproved):
        click.echo(f"Warning: {warning}", err=True)


@rules_cli.command("approve")
@_pack_option
@_contacts_option
@click.option("--yes", is_flag=True, help="Do not ask: the safeguarding lead has agreed every change listed.")
@click.option(
    "--first",
    is_flag=True,
    help="The files have no approved copy (rules never approved, or the copy lost): list every safety route to agree.",
)
@click.option(
    "--by",
    "agreed_by",
    default="",
    help='Who agreed them, written in the approved copies: "Sam Jones, safeguarding lead" (asked for if not given).',
)
@_partnership_option
def approve(
    pack_path: Path | None,
    contacts_path: Path | None,
    yes: bool,
    first: bool,
    agreed_by: str,
    partnership_path: Path | None,
) -> None:
    """Record the rules' safeguarding routes as agreed with the partnership's safeguarding lead:
    list what changed since they last agreed them (as rules diff lists it first), ask, then copy the
    pack and the contacts beside themselves as their approved copies (X.approved.yaml), which rules
    check and start-up compare them with, each starting with who agreed it (--by) and when. Deploy
    the approved copies with the files. With no approved copy to compare with, --first lists every
    route an answer showing a risk takes."""
    pack_file = _default(pack_path, "RULE_PACK_PATH", DEFAULT_PACK)
    contacts_file = _default(contacts_path, "CONTACTS_PATH", DEFAULT_CONTACTS)
    report = check_rules(pack_file, contacts_file)
    approved_pack, approved_contacts = approved_copy(pack_file), approved_copy(contacts_file)
    copies = {str(approved_pack), str(approved_contacts)}
    unreadable = [problem for problem in report.problems if problem.file in copies]
    others = [problem for problem in report.problems if not problem.unapproved and problem not in unreadable]
    if others or report.contacts is None:
        click.echo(f"Nothing approved: the files are not valid.\n{DefinitionError(others)}", err=True)
        sys.exit(1)
    if report.unapproved or unreadable:
        if not first:
            # Found (regression review): approving files with no approved copy beside them (edited in
            # /tmp, the live file's copy left behind) said they had never been approved and listed
            # nothing, so a changed number went live approved, never shown to anyone.
            click.echo(
                f"Nothing approved: {(unreadable or list(report.unapproved))[0]}.\nIf the live files have approved "
                "copies, copy them beside these files first, so that what changed since is listed. To approve every "
                "safeguarding route as it is (rules never approved, or the approved copy lost), run this again "
                "with --first: it lists each one for the safeguarding lead to agree.",
                err=True,
            )
            sys.exit(1)
        routes = safety_routes(load_pack(pack_file, report.contacts))
        click.echo(f"No approved copy to compare with: every route an answer showing a risk takes ({len(routes)}):")
        for route in routes:
            click.echo(f"  - {route}")
        listed = every_contact(report.contacts)
        click.echo(f"Every contact as the pages give it, to check against its source ({len(listed)}):")
        for line in listed:
            click.echo(f"  - {line}")
    elif changes := [problem.unapproved for problem in report.problems]:
        click.echo(f"Safeguarding checks changed since the rules were last approved ({len(changes)}):")
        for change in changes:
            click.echo(f"  - {change}")
        details = contact_changes(
            load_pack(pack_file, report.contacts), report.contacts, pack_file, contacts_file, check_pack
        )
        if details:
            click.echo("What changed in the contacts, as rules diff gives it:")
            for line in details:
                click.echo(f"  {line}")
    else:
        click.echo("No safeguarding check has changed since the rules were last approved.")
    # What `rules check` warns of in these files, said before the question (found, regression review:
    # --first listed another area's out-of-hours number and the example's fictional ones for the
    # safeguarding lead to agree, with no word that `rules check` warns of each).
    partnership_file = (
        _default(partnership_path, "PARTNERSHIP_PATH", DEFAULT_PARTNERSHIP)
        if partnership_path is not None or pack_path is None
        else None
    )
    # (The files as they are: compared with their approved copies, a change to approve would leave
    # the pack unchecked, and its warnings unsaid: found, regression review.)
    checked = check_rules(
        pack_file, contacts_file, uk_today(), partnership_path=partnership_file, compare_approved=False
    )
    if partnership_file is None:
        click.echo(
            "The partnership file was not checked: give --partnership FILE too to check it, and your contacts' "
            "numbers and the pack's words against the shipped and example areas'."
        )
    if checked.warnings:
        click.echo(
            f"rules check warns of these in the files ({len(checked.warnings)}): mend them first, or agree them "
            "knowing of them:"
        )
        for warning in checked.warnings:
            click.echo(f"  - Warning: {warning}")
    if not yes and not click.confirm(
        "Has the partnership's safeguarding lead agreed the safeguarding routes as they are now?", default=False
    ):
        click.echo("Nothing approved.", err=True)
        sys.exit(1)
    # Who agreed them, written in the copies with the time (found: nothing recorded either).
    if not agreed_by.strip() and yes:
        click.echo('Nothing approved: say who agreed them, with --by "Sam Jones, safeguarding lead".', err=True)
        sys.exit(1)
    while not agreed_by.strip():
        agreed_by = click.prompt('Who agreed them? Their name and role, such as "Sam Jones, safeguarding lead"')
    when = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for source, copy in ((pack_file, approved_pack), (contacts_file, approved_contacts)):
        try:
            # (Unchanged, as the shipped pack's copy, in a checkout the service user may not write to, the
            # earlier agreement stands, and is said: found, regression review.)
            if not write_approved_copy(source, copy, agreed_by, when):
                click.echo(f"{copy.name} is unchanged: its earlier record stands ({approved_by(copy)}).")
        except OSError as error:
            click.echo(f"{copy} could not be written: {error.strerror}. Nothing more was approved.", err=True)
            sys.exit(1)
    click.echo(
        f"Approved: {approved_pack} and {approved_contacts} hold the rules as agreed. Deploy them with the files."
    )


@rules_cli.command("graph")
@_pack_option
@_contacts_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "svg"]),
    default="mermaid",
    show_default=True,
    help="svg needs Graphviz's dot command.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def graph(pack_path: Path | None, contacts_path: Path | None, fmt: str, output: Path | None) -> None:
    """Draw the decision graph as Mermaid, Graphviz DOT, or SVG."""
    pack = _load(pack_path, contacts_path)
    if fmt == "svg":
        dot = shutil.which("dot")
        if dot is None:
            click.echo(
                "Graphviz is not installed (no 'dot' command): use --format dot or mermaid, "
                "or install the graphviz package.",
                err=True,
            )
            sys.exit(1)
        # Graphviz's own dot, found on PATH, with fixed arguments; the pack goes in on standard input.
        result = subprocess.run(  # noqa: S603 - no untrusted text in the command line
            [dot, "-Tsvg"], input=to_dot(pack).encode(), capture_output=True, check=False
        )
        if result.returncode != 0:
            click.echo(result.stderr.decode(errors="replace"), err=True)
            sys.exit(1)
        text = result.stdout.decode()
    else:
        text = to_mermaid(pack) if fmt == "mermaid" else to_dot(pack)
    if output is not None:
        write_output(output, text)
        click.echo(f"Wrote {output} (rule pack version {pack.version}).")
    else:
        click.echo(text, nl=False)


@rules_cli.command("paths")
@_pack_option
@_contacts_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def paths(pack_path: Path | None, contacts_path: Path | None, as_json: bool) -> None:
    """List every path through the pack: the answers in order and the outcome they reach."""
    pack = _load(pack_path, contacts_path)
    found = list(enumerate_paths(pack))
    if as_json:
        click.echo(paths_json(pack, found), nl=False)
    else:
        click.echo(f"{pack.name} rule pack, version {pack.version}: {len(found)} paths")
        click.echo(paths_table(pack, found), nl=False)


@rules_cli.command("diff")
@click.argument("old_path", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_path", metavar="NEW", type=click.Path(path_type=Path))
@click.option(
    "--old-contacts",
    "old_contacts_path",
    type=click.Path(path_type=Path),
    default=None,
    help=(
        "Contacts file for the old pack: a copy of the contacts as they were (default: the "
        "installed contacts, so a change to the contacts does not show)."
    ),
)
@click.option(
    "--new-contacts",
    "new_contacts_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Contacts file for the new pack (default: the installed contacts).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: headings, lists and a table of changed routes, for a change request.",
)
@click.option(
    "--all-routes",
    is_flag=True,
    help=f"List every route whose outcome changes (by default the first {ROUTES_SHOWN} of each kind, and a count).",
)
def diff(
    old_path: Path,
    new_path: Path,
    old_contacts_path: Path | None,
    new_contacts_path: Path | None,
    fmt: str,
    all_routes: bool,
) -> None:
    """Compare two rule packs in plain English: what was added, removed or changed, and every
    route whose outcome changes, with any safeguarding check weakened or moved listed first. Exits
    1 when any outcome changes or a safeguarding check is weakened or moved (so a deployment can
    require review), 0 when neither, 2 when a pack or contacts file is not valid."""
    errors: list[str] = []
    loaded: list[tuple[RulePack, ContactBook]] = []
    # Found (operator review): one broken contacts file, shared by both packs (the default), was
    # read twice and each problem said twice. Each file is read once, and each problem said once.
    contact_books: dict[Path, ContactBook | None] = {}
    for pack_path, contacts_path, old_format in (
        (old_path, old_contacts_path, True),
        (new_path, new_contacts_path, False),
    ):
        contacts_file = _default(contacts_path, "CONTACTS_PATH", DEFAULT_CONTACTS)
        try:
            if contacts_file not in contact_books:
                contact_books[contacts_file] = None  # said once below, if it cannot be read
                contact_books[contacts_file] = load_contacts(contacts_file)
            contacts = contact_books[contacts_file]
            if contacts is None:
                continue
            # The live pack may be from before every text needed its supervision wording: it is
            # read as it was (a plain string serves both modes), so the change can be reviewed.
            loaded.append((load_pack(pack_path, contacts, accept_one_wording=old_format), contacts))
        except DefinitionError as err:
            if str(err) not in errors:
                errors.append(str(err))
    if errors:
        click.echo("\n".join(errors), err=True)
        sys.exit(2)
    (old, old_contacts), (new, new_contacts) = loaded
    result = diff_packs(old, new, old_contacts, new_contacts, today=uk_today())
    report = to_markdown(result, all_routes) if fmt == "markdown" else to_text(result, all_routes)
    click.echo(report, nl=False)
    sys.exit(result.exit_code)


def write_output(output: Path, text: str | bytes, newline: str | None = None) -> None:
    """Write a command's ``--output`` file, or stop with one line saying why it could not
    (operations review: a folder the user may not write to gave a traceback). Used by every
    command that writes a file: ``rules graph``, ``site offline-page``, ``stats csv``. Text is
    written as UTF-8; bytes as they are (a PNG logo)."""
    try:
        if isinstance(text, bytes):
            output.write_bytes(text)
            return
        with output.open("w", encoding="utf-8", newline=newline) as file:
            file.write(text)
    except PermissionError:
        raise click.ClickException(
            f"Could not write {output}: this user may not write there. Run the command as a user who may "
            "(the owner of the folder), or give --output a file in a folder this user can write to."
        ) from None
    except OSError as error:
        raise click.ClickException(f"Could not write {output}: {error.strerror or error}.") from None
