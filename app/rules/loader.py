"""Read rule packs and contacts from YAML into the data model, reporting every problem found.

Every problem names the file, the node (question, option, outcome...) and the field, with
the line where YAML tells us. Structural checks live here; graph checks live in
``validate``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import stat
from collections import Counter
from pathlib import Path
from typing import cast

import yaml

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]  # same interface, pure-Python parser

from .errors import DefinitionError, Problem
from .model import (
    BANK_HOLIDAY_NATIONS,
    MODES,
    NEUTRAL,
    QUESTION_KINDS,
    Contact,
    ContactBook,
    Flag,
    Guidance,
    Link,
    Mode,
    OpenHours,
    Option,
    Outcome,
    Question,
    QuestionKind,
    Roles,
    RulePack,
    Text,
    Verification,
    bank_holidays,
)

DEFAULT_PACK = Path(__file__).with_name("space_to_think.yaml")
DEFAULT_CONTACTS = Path(__file__).with_name("contacts.yaml")


class _Mapping(dict[str, object]):
    """A YAML mapping that remembers the line it started on."""

    line: int | None = None
    key_lines: dict[str, int] | None = None
    # For a key whose value is a list: the line of each of its items.
    item_lines: dict[str, list[int]] | None = None

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` in this mapping, else the mapping's own line."""
        return (self.key_lines or {}).get(key, self.line)

    def line_of_item(self, key: str, position: int) -> int | None:
        """The line of the item at ``position`` (from 1) in the list under ``key``, else the key's."""
        lines = (self.item_lines or {}).get(key, [])
        return lines[position - 1] if 0 < position <= len(lines) else self.line_of(key)


ALIAS_PROBLEM = "found an alias to an anchor defined here"
NOT_A_KEY = "found a list or mapping used as a key"


class _LineLoader(_SafeLoader):
    """A safe YAML loader that records lines and refuses duplicate keys.

    Built on libyaml's parser when PyYAML has it (about five times faster: the pack is read
    at every start-up), else on the pure-Python one; both give the same data and lines.
    """

    duplicate_keys: list[tuple[str, int]]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        """Each node once: a node met again is an alias (``*name``), refused. The files have
        no need of them, and nested aliases make a few lines stand for billions of values,
        which checking the file would take for ever to walk."""
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, ALIAS_PROBLEM, node.start_mark)
        return super().construct_object(node, deep=deep)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.item_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # a list or a mapping where a field's name goes
            raise yaml.constructor.ConstructorError(None, None, NOT_A_KEY, key_node.start_mark)
        # A key is whatever the file wrote (text, almost always); the checks name one that is not.
        key = cast("str", loader.construct_object(key_node, deep=True))
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode):
            mapping.item_lines[str(key)] = [item.start_mark.line + 1 for item in value_node.value]
        if key in mapping:
            loader.duplicate_keys.append((str(key), key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# YAML 1.1 reads a number with a leading 0 as octal ("phone: 01616034500" is 238565696), "8:30"
# as 510 (base 60) and "1_000" as 1000: a phone number or a time written without quotes would
# be changed without a word. Only a plain whole number is a number here; anything else YAML
# would take for a number (a float too: nothing in the data files is one) is kept as written.
_PLAIN_WHOLE_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int | str:
    text = loader.construct_scalar(node)
    return int(text) if _PLAIN_WHOLE_NUMBER.match(text) else text


def _construct_as_written(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


def _construct_date(loader: _LineLoader, node: yaml.ScalarNode) -> object:
    """A date as YAML reads it, or, for one that is not a real date ("2027-02-30"), the text as
    written, which the field's check then names (PyYAML would raise with no file or line)."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_as_written)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


_TAB_INDENT = "this line is indented with a tab: use spaces"


def _indented_with_a_tab(text: str, line: int) -> bool:
    """Whether line ``line`` (from 1) of ``text`` has a tab before its first character."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    found = lines[line - 1]
    return "\t" in found[: len(found) - len(found.lstrip(" \t"))]


# What PyYAML's usual complaints mean, for someone editing the file by hand: the start of
# PyYAML's ``problem`` text, and what to tell them. Anything else is "cannot be read".
_YAML_PROBLEMS = (
    ("did not find expected '-' indicator", "this line is not indented like the lines around it"),
    ("did not find expected key", "this line is not indented like the lines around it"),
    (
        "did not find expected node content",
        "something here is unfinished: check that brackets [ ], braces { } and quotes are closed",
    ),
    (
        "mapping values are not allowed",
        'there is a colon (:) where YAML does not expect one: put text that contains ": " in quotes, '
        "or check this line is indented like the lines around it",
    ),
    ("found character '\\t'", _TAB_INDENT),
    ("found a tab character", _TAB_INDENT),
    ("found unexpected end of stream", "a quote or bracket opened here is never closed"),
    ("did not find expected ',' or ']'", "a list in brackets [ ] opened here is not closed, or lacks a comma"),
    ("did not find expected ',' or '}'", "a mapping in braces { } opened here is not closed, or lacks a comma"),
    ("found undefined alias", "this line refers to an anchor (*name) that is not defined"),
    (ALIAS_PROBLEM, "anchors and aliases (&name and *name) are not allowed: write the value out in full"),
    (NOT_A_KEY, "a field's name here is a list or a set of fields: write a plain name, like label:"),
)
_YAML_CONTEXTS = {
    "while parsing a block collection": "the list that starts on line",
    "while parsing a block mapping": "the fields that start on line",
    "while parsing a flow sequence": "the list in brackets that starts on line",
    "while parsing a flow mapping": "the mapping in braces that starts on line",
    "while parsing a flow node": "the value that starts on line",
    "while scanning a quoted scalar": "the quoted text that starts on line",
    "while scanning a simple key": "the key on line",
}


def _read_error(err: OSError) -> str:
    """Why a file cannot be read, in plain words."""
    if isinstance(err, FileNotFoundError):
        return "there is no such file"
    if isinstance(err, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(err, PermissionError):
        return "permission is denied (the app's user may not read it)"
    return (err.strerror or str(err)).lower()


def _utf16(file: str) -> Problem:
    """A file saved as UTF-16, Notepad's "Unicode": every other byte is 0 (its first two, when
    present, mark the order). Found (maintainer review): it was told as a Windows-1252 "ÿ" on
    line 1, or, without those two, as YAML's "unacceptable character #x0000"."""
    return Problem(
        file,
        "",
        "",
        'cannot be read: it was saved as UTF-16 ("Unicode" in Notepad), not UTF-8 text, as the file must be. '
        "Save the file again as UTF-8 (in most editors: Save As, then Encoding: UTF-8)",
    )


def _saved_as_utf16(data: bytes) -> bool:
    """Whether ``data`` reads as UTF-16 text: it starts with UTF-16's byte-order mark, or, in its
    first 200 bytes, most bytes in one place of each pair are 0 and few in the other (the
    first 256 characters, English text, take one byte of the two)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:200]
    for zeros, others in ((head[1::2], head[0::2]), (head[0::2], head[1::2])):
        if zeros and zeros.count(0) * 4 >= len(zeros) * 3 and others.count(0) * 4 < len(others):
            return True
    return False


# Bytes no text file has: control characters other than tab, line feed, form feed and carriage return.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _not_text(file: str) -> Problem:
    """A file that is not text at all (a picture, a Word document, a zip file, random bytes: the
    wrong file named, or one cut short or damaged while copied). Found (rules review): 200 random
    bytes were told as a file "saved as UTF-16", and the advice to save it again as UTF-8 is no
    help for a file no editor can open as text."""
    return Problem(
        file,
        "",
        "",
        "cannot be read: it is not a text file (a YAML file), but holds other data, as a picture, a Word "
        "document or a zip file does. Check that you named the right file; if you did, it was damaged: put "
        "back the copy kept before the change (or start from the shipped file in app/rules/, or "
        "examples/northmere/)",
    )


def _unreadable_bytes(file: str, data: bytes) -> Problem | None:
    """The problem with a file whose bytes are not UTF-8 text, or that holds a 0 byte: saved as
    UTF-16, or not a text file at all (more than a stray control byte or two in its first 1,000
    bytes: a picture's, a zip file's or random bytes hold one in ten or more). None for text in
    another encoding (see ``_not_utf8``), or with a stray control byte (see ``_stray_control``).
    Found (rules review): a file saved as Windows-1252 with one stray control byte was "not a
    text file", though it is one, and saving it as UTF-8 mends all but that byte."""
    if _saved_as_utf16(data):
        return _utf16(file)
    head = data[:1000]
    if len(_NOT_TEXT.findall(head)) > max(2, len(head) // 100):
        return _not_text(file)
    return None


# The characters YAML refuses in a text: control characters other than tab, line feed and
# carriage return (a form feed too), and DEL and the C1 controls but for NEL (U+0085).
_STRAY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _stray_control(file: str, text: str) -> Problem | None:
    """A text file with a control character in it (a stray keypress, or a copy from another
    program): at its line, with its code, and how to mend it. Found (rules review): YAML's own
    words gave neither the line nor what to do ("unacceptable character #x000b: control
    characters are not allowed in "<unicode string>", position 2698")."""
    found = _STRAY_CONTROL.search(text)
    if found is None:
        return None
    line = text[: found.start()].count("\n") + 1
    return Problem(
        file,
        "",
        "",
        f"cannot be read: this line has a control character (code {ord(found.group()):#04x}) that a text file "
        "does not hold and most editors do not show (a stray keypress, or a copy from another program). Type "
        "the line again, or delete the character where the cursor stops an extra time",
        line,
    )


def _not_utf8(file: str, err: UnicodeDecodeError) -> Problem:
    """A file saved in another encoding (Windows-1252, most often: Word's curly quotes, an "é"),
    at the line of its first such character, and how to save it again. Found (maintainer
    review): the message gave only the byte's number, which no editor shows, and start-up added
    "set it to where the file is", though the file was there."""
    unreadable = _unreadable_bytes(file, err.object)
    if unreadable is not None:
        return unreadable
    line = err.object[: err.start].count(b"\n") + 1
    byte = err.object[err.start]
    found = bytes([byte]).decode("cp1252", errors="replace")
    what = f"byte {byte:#04x}"
    if found.isprintable() and found != "\ufffd":
        what += f": {found!r}, if it was saved as Windows-1252"
    # A stray control byte too (``_unreadable_bytes`` let one or two by): said now, so that
    # saving the file as UTF-8 is not followed by another refusal.
    then = ""
    as_read = err.object.decode("cp1252", errors="replace")
    stray = _STRAY_CONTROL.search(as_read)
    if stray is not None:
        then = (
            f". Line {as_read[: stray.start()].count(chr(10)) + 1} also has a control character (code "
            f"{ord(stray.group()):#04x}) that a text file does not hold and most editors do not show: type that "
            "line again"
        )
    return Problem(
        file,
        "",
        "",
        f"cannot be read: this line has a character ({what}) that is not UTF-8 text, as the file must be. Save "
        f"the file again as UTF-8 (in most editors: Save As, then Encoding: UTF-8){then}",
        line,
    )


# Spaces that look like spaces but are not ones to YAML, nor to a phone link: a non-breaking space
# (Word, emails and web pages put them in text copied from them), the other Unicode spaces, and the
# zero-width ones. (Not the byte order mark a file may start with, which YAML reads.)
_HIDDEN_SPACE = re.compile("[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]")


def _hidden_space_named(found: str) -> str:
    """The hidden space ``found`` in words a person can act on."""
    what = "a non-breaking space" if found in "\u00a0\u202f" else "a space that is not an ordinary one"
    return (
        f"{what} (code U+{ord(found):04X}), which looks like a space but is not one: it comes with text pasted "
        "from Word, an email or a web page"
    )


def _hidden_space_indent(text: str, before: int) -> tuple[int, str] | None:
    """The first of the lines YAML stopped at (``before``) and the two before it indented
    (wholly or partly) with a hidden space: its number and the space. (Not further back: a line
    of text that starts with one is read, and blaming it for a mistake further on misleads:
    found, regression review.)"""
    first = max(1, before - 2)
    for number, line in enumerate(text.splitlines()[first - 1 : before], start=first):
        indent = re.match(f"[ \t{_HIDDEN_SPACE.pattern[1:-1]}]*", line)
        if indent is not None and line[indent.end() :].strip() and (found := _HIDDEN_SPACE.search(indent.group())):
            return number, found.group()
    return None


_APOSTROPHE = (
    "this line has text in single quotes ('...') with an apostrophe in it, which YAML reads as the closing "
    "quote: put the text in double quotes instead (\"Yes, I don't\"), or write the apostrophe twice ('don''t')"
)
# Text in single quotes ended early by an apostrophe: inside a word, 'Yes, I don't' (the quote
# closes at "don'", and "t" follows), or after one, 'the workers' concern' (found, regression
# review): the quotes close, and more text follows where YAML expects the end of the value.
_QUOTE_CLOSED_IN_A_WORD = re.compile(r"(?:^|[\s{\[,:])'(?:[^'\n]|'')*?[A-Za-z]'(?:[A-Za-z]|\s+[^\s,}\]#])")


def _apostrophe_in_single_quotes(text: str, line: int) -> bool:
    """Whether line ``line`` of ``text`` has single-quoted text that an apostrophe closes early."""
    lines = text.splitlines()
    return 0 < line <= len(lines) and _QUOTE_CLOSED_IN_A_WORD.search(lines[line - 1]) is not None


def _the_cause(text: str, hidden_on: int, stopped_on: int) -> bool:
    """Whether the hidden spaces indenting line ``hidden_on`` are why YAML stopped on line
    ``stopped_on``: with them made ordinary spaces, it reads on past it. Found (regression review):
    a line of text starting with one, which YAML reads, was named for a mistake on the next line."""
    lines = text.split("\n")
    indent = re.match(f"[ \t{_HIDDEN_SPACE.pattern[1:-1]}]*", lines[hidden_on - 1])
    if indent is None:
        return False
    lines[hidden_on - 1] = _HIDDEN_SPACE.sub(" ", indent.group()) + lines[hidden_on - 1][indent.end() :]
    try:
        yaml.load("\n".join(lines), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 — a safe loader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return mark is None or mark.line + 1 != stopped_on
    return True


def _yaml_problem(file: str, err: yaml.YAMLError, text: str = "") -> Problem:
    """A YAML syntax error as one plain sentence, at the line PyYAML gives (``problem_mark``),
    naming what it was reading (``context_mark``) when PyYAML says; or, when a line before it is
    indented with a hidden space (``_HIDDEN_SPACE``), that line and that space."""
    problem = getattr(err, "problem", None) or str(err)
    mark = getattr(err, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    if (
        line is not None
        and (hidden := _hidden_space_indent(text, line)) is not None
        and _the_cause(text, hidden[0], line)
    ):
        # Found (rules maintainer's review): non-breaking spaces as a line's indent were said to be
        # the next line "not indented like the lines around it", the space never named.
        return Problem(
            file,
            "",
            "",
            f"cannot be read: this line is indented with {_hidden_space_named(hidden[1])}. Delete the spaces at "
            "the start of the line and type them again",
            hidden[0],
        )
    plain = next((meaning for start, meaning in _YAML_PROBLEMS if problem.startswith(start)), None)
    if line is not None and _apostrophe_in_single_quotes(text, line):
        # Found (rules maintainer's review): 'Yes, I don't' was "a mapping in braces { } opened here
        # is not closed, or lacks a comma", which said nothing of the apostrophe.
        plain = _APOSTROPHE
    if line is not None and _indented_with_a_tab(text, line):
        # libyaml (the parser used when PyYAML has it) says "found character that cannot start
        # any token" or "did not find expected key" without naming the tab: the line is looked at.
        plain = _TAB_INDENT
    if plain is None:
        plain = "YAML cannot read this line" if line is not None else "is not valid YAML"
    said = f"YAML could not read the file: {problem}"
    context = getattr(err, "context", None)
    context_mark = getattr(err, "context_mark", None)
    # The end of the file reached with a bracket or quote still open: PyYAML marks the line after
    # the last, which the editor does not have; name the line it was opened on, or the last.
    # Found (partnership review): "line 721" of a 720-line file.
    last = len(text.splitlines()) or 1
    if line is not None and text and line > last:
        line = min(context_mark.line + 1, last) if context_mark is not None else last
    if context and context_mark is not None:
        what = _YAML_CONTEXTS.get(context)
        where = min(context_mark.line + 1, last) if text else context_mark.line + 1
        said += f", in {what} {where}" if what else f", {context} on line {where}"
    return Problem(file, "", "", f"{plain} ({said})", line)


# The most a rule file (the pack, the contacts, the partnership file) may hold: the shipped pack
# is about 40 KB. Found (operator review): a 200 MB file named by mistake (a log, a database dump)
# was read whole, and /dev/zero would never have finished.
RULE_FILE_MAX_BYTES = 1024 * 1024


class TooLarge(OSError):
    """A rule file larger than RULE_FILE_MAX_BYTES (so never read whole)."""


class NotAFile(OSError):
    """A rule file's path names a named pipe or a socket, which would be waited on for ever."""

    strerror = "it is a named pipe or a socket, not a file: name the rule file itself"


def read_rule_file(path: Path) -> bytes:
    """The file's bytes, reading no more than RULE_FILE_MAX_BYTES (``TooLarge`` past them).
    ``NotAFile`` for a named pipe or a socket: found (operator review), a pack path naming a
    named pipe held start-up for ever, saying nothing."""
    if stat.S_ISFIFO(mode := path.stat().st_mode) or stat.S_ISSOCK(mode):
        raise NotAFile
    with path.open("rb") as handle:
        data = handle.read(RULE_FILE_MAX_BYTES + 1)
    if len(data) > RULE_FILE_MAX_BYTES:
        raise TooLarge
    return data


def read_yaml(path: Path) -> tuple[object, list[Problem]]:
    """Parse a YAML file, returning its data and any problems (unreadable, not YAML, duplicate keys).

    Problems with the whole file have no node or field: their message reads on from the
    file's name (see ``Problem``)."""
    name = str(path)
    try:
        # As Python reads a text file: \r\n and a lone \r are line ends like \n.
        text = read_rule_file(path).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except TooLarge:
        return None, [
            Problem(
                name,
                "",
                "",
                f"cannot be read: it is larger than {RULE_FILE_MAX_BYTES:,} bytes, far more than any rule file "
                "holds (the shipped rule pack is about 40,000): check that you named the right file",
            )
        ]
    except OSError as err:
        return None, [Problem(name, "", "", f"cannot be read: {_read_error(err)}")]
    except UnicodeDecodeError as err:
        return None, [_not_utf8(name, err)]
    if "\x00" in text[:200] and (unreadable := _unreadable_bytes(name, text.encode("utf-8"))) is not None:
        return None, [unreadable]
    stray = _stray_control(name, text)
    if stray is not None:
        return None, [stray]
    loader = _LineLoader(text)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as err:
        return None, [_yaml_problem(name, err, text)]
    finally:
        loader.dispose()
    if data is None:
        # Found (maintainer review): an empty file (an editor's save gone wrong, a copy cut short)
        # was "(pack): (top level): must be a mapping, not nothing", which says nothing of the file.
        return None, [
            Problem(
                name,
                "",
                "",
                "is empty, or holds only comments: put back the copy kept before the change (or start from "
                "the shipped file in app/rules/, or examples/northmere/)",
            )
        ]
    problems = [
        Problem(name, "", key, f"{key!r} appears twice in the same set of fields: keep one", line)
        for key, line in loader.duplicate_keys
    ]
    return data, problems


# What a missing text is for, and how it is written, said with "is missing" (found, maintainer
# review: "question allegation: error: is missing" left someone who had deleted a question's
# error message to find out what one is, and how the others are written).
_TEXT_MEANINGS = {
    "title": ': the question or heading at the top of the page, like title: {both: "Before you continue"}',
    "error": (
        ": the message shown when the question is left unanswered, in GOV.UK's words, like "
        'error: {both: "Select whether a decision or plan is needed"}'
    ),
    "label": ': the words of the answer, like label: {both: "Yes"}',
    "summary": ': the sentence under the outcome\'s heading, like summary: {both: "..."}',
}


# How long one text may be, in characters. Every text is read on a page, often on a phone: a
# paragraph pasted under a heading or an answer (easy to do in YAML, and hard to see there) made
# a page whose heading filled the screen, a radio button no one could take in, and the same in
# every PDF, and nothing refused it. The limits are well above what the shipped packs need, so
# only such a mistake meets one. (The partnership file's request answers have tighter ones.)
TEXT_MAX = 1_500  # any text: a hint, a summary, an action, a guidance quote, a contact's detail
TEXT_MAX_BY_FIELD = {
    "title": 200,  # a page's heading (and its title in the browser tab)
    "short": 100,  # the question as check your answers and the statistics name it
    "label": 400,  # an answer beside its radio button or checkbox (the confirmation is the longest)
    "error": 200,  # the message above a question left unanswered
    "exclusive_error": 200,
    "when": 200,  # the note before a contact on an outcome page
    "name": 100,  # a contact's or the partnership's name: a heading
    "hours": 150,  # a contact's opening hours, under its phone number
}


def _too_long(text: str, limit: int, wording: bool) -> str | None:
    """What is wrong with ``text`` if it is longer than ``limit`` characters, else None
    (``wording``: it is one of a question's or outcome's texts, which have others to hold more)."""
    if len(text) <= limit:
        return None
    more = " (a heading or an answer is read at a glance: more can go in a hint, a summary or an action)"
    return (
        f"is {len(text):,} characters long, more than the {limit:,} allowed here: was more pasted in than "
        f"belongs? Keep to what a person needs to read here{more if wording else ''}"
    )


class _Reader:
    """Typed field access that records problems instead of raising, so all are reported."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(
        self,
        node: str,
        field: str,
        message: str,
        line: int | None,
        one_wording: bool = False,
        newer_check: bool = False,
    ) -> None:
        """Record a problem."""
        self.problems.append(Problem(self.file, node, field, message, line, one_wording, newer_check))

    def mapping(self, value: object, node: str, field: str, line: int | None) -> _Mapping | None:
        """``value`` if it is a mapping, else a problem and None."""
        if isinstance(value, dict):
            return value if isinstance(value, _Mapping) else _Mapping(value)
        # Found (maintainer review): "footer: must be a mapping, not text" for "footer: Space to Think
        # is run by…" used a programmer's word, and did not say how such fields are written.
        self.problem(
            node,
            field,
            f"must hold fields of its own, each on an indented line below it (name: value), not {_kind(value)}",
            line,
        )
        return None

    def items(self, data: _Mapping, key: str, node: str, required: bool = True) -> list[_Mapping]:
        """A list of mappings under ``key``."""
        value = data.get(key)
        if value is None:
            if required:
                self.problem(node, key, "is missing (a list is needed)", data.line)
            return []
        if not isinstance(value, list):
            self.problem(node, key, f"must be a list, not {_kind(value)}", data.line_of(key))
            return []
        found: list[_Mapping] = []
        for position, item in enumerate(value, start=1):
            mapping = self.mapping(item, node, f"{key}[{position}]", data.line_of(key))
            if mapping is not None:
                found.append(mapping)
        return found

    def string(
        self,
        data: _Mapping,
        key: str,
        node: str,
        required: bool = True,
        field: str | None = None,
        meaning: str = "",
        longest: int | None = None,
        wording: bool = False,
    ) -> str | None:
        """A non-empty string under ``key`` (reported as ``field``, if given, else as ``key``;
        ``meaning``: what it is for and how it is written, said when it is missing), at most
        ``longest`` characters (by default what ``TEXT_MAX_BY_FIELD`` allows a ``key``; ``wording``:
        it is one of a pack's texts, read from ``text``)."""
        name = field or key
        value = data.get(key)
        if value is None:
            if required:
                self.problem(node, name, "is missing" + meaning, data.line)
            return None
        if isinstance(value, bool):
            self.problem(
                node,
                name,
                "must be text: YAML reads an unquoted yes, no, on, off, true or false as true/false, "
                'so put it in quotes, like "yes"',
                data.line_of(key),
            )
            return None
        if isinstance(value, dt.date):  # (found: "must be text, not text")
            self.problem(
                node,
                name,
                f"must be text, not a date: YAML reads {value.isoformat()} unquoted as a date, so put it in quotes, "
                f'like "{value.isoformat()}"',
                data.line_of(key),
            )
            return None
        if not isinstance(value, (str, int, float)):
            self.problem(node, name, f"must be text, not {_kind(value)}", data.line_of(key))
            return None
        text = str(value).strip()
        if not text:
            self.problem(node, name, "must not be empty", data.line_of(key))
            return None
        too_long = _too_long(text, longest or TEXT_MAX_BY_FIELD.get(key, TEXT_MAX), wording)
        if too_long:
            # Kept, so checking goes on; a check added once packs were live, so ``rules diff`` still
            # reads a live pack that fails it as the OLD pack (Problem.newer_check).
            self.problem(node, name, too_long, data.line_of(key), newer_check=True)
        return text

    def ident(self, data: _Mapping, key: str, node: str, field: str | None = None) -> str | None:
        """An id (``string``) that is also ``IDENT``: letters, digits, _ and - only, at most
        ``IDENT_MAX`` of them (ids name pages' addresses and are stored with requests and counts)."""
        text = self.string(data, key, node, field=field)
        if text is not None and not IDENT.fullmatch(text):
            self.problem(
                node,
                field or key,
                f"must be 1 to {IDENT_MAX} letters, digits, _, - or ., starting with a letter or digit (no spaces "
                f"or other signs): it names a page's address and is stored with each request, and {text[:60]!r} "
                "cannot be",
                data.line_of(key),
            )
        return text  # (kept even when refused, so what names it is not reported as well)

    def boolean(self, data: _Mapping, key: str, node: str) -> bool:
        """A true/false flag under ``key`` (absent means false)."""
        value = data.get(key, False)
        if not isinstance(value, bool):
            message = f"must be true or false, not {_kind(value)}"
            meant = {"true": "true", "yes": "true", "false": "false", "no": "false"}
            said = value.strip().lower() if isinstance(value, str) else None
            if said in meant:
                # Found (maintainer review): risk: "true", quoted, was "must be true or false, not text".
                message += f": write {meant[said]} without quotes"
            self.problem(node, key, message, data.line_of(key))
            # Read as meant for the checks that follow (the pack is refused all the same): found
            # (maintainer review), safe: "true" was also told as a risk answer that "can lead to
            # the request", with advice to send "No" to another outcome.
            return said is not None and meant.get(said) == "true"
        return value

    def date(self, data: _Mapping, key: str, node: str, meaning: str = "") -> dt.date:
        """A date (YYYY-MM-DD) under ``key`` (``meaning``: said when it is missing, as ``string``'s)."""
        value = data.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        if value is None:
            message = "is missing" + meaning
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            message = f"is not a real date: {value} (write it YYYY-MM-DD, as 2026-11-30)"
        elif isinstance(value, bool):
            # Found (partnership's review): "on": yes was "must be a date written YYYY-MM-DD, not
            # True", Python's word for what YAML made of it, not what was typed.
            message = (
                "must be a date written YYYY-MM-DD, like 2026-11-30, not a yes or no (yes, no, on, off, true or false)"
            )
        else:
            message = f"must be a date written YYYY-MM-DD, not {value!r}"
        self.problem(node, key, message, data.line_of(key))
        return dt.date.min

    def ids(self, data: _Mapping, key: str, node: str, texts: bool = False) -> tuple[str, ...]:
        """A list of ids (strings) under ``key``; a single string is accepted as a list of one
        (``texts``: the items are texts, which may hold commas and spaces, not ids)."""
        value = data.get(key)
        if value is None:
            return ()
        parts = [part for part in re.split(r"[\s,]+", value) if part] if isinstance(value, str) and not texts else []
        if len(parts) > 1:
            # Found (maintainer review): "cites: wt_allegations, kcsie_suitability" was "names
            # guidance 'wt_allegations, kcsie_suitability', which is not in the pack".
            self.problem(
                node,
                key,
                f"is {str(value).strip()!r}, one piece of text: write several as a list in brackets, "
                f"[{', '.join(parts)}]",
                data.line_of(key),
            )
            return tuple(parts)  # read as meant, so nothing is reported again as missing
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(node, key, "must be a list of ids", data.line_of(key))
            return ()
        found = tuple(v.strip() for v in value)
        if not texts:
            self.repeated(found, node, key, data.line_of(key))
        return found

    def repeated(self, ids: tuple[str, ...], node: str, key: str, line: int | None) -> None:
        """A problem for each id ``ids`` names more than once. Found (partnership review): the
        footer's contacts (``emergency``) or an outcome's ``contacts`` naming one twice showed it
        twice on every page, or the outcome's; a citation given twice was shown twice. A newer
        check: a live pack from before it is still ``rules diff``'s OLD pack."""
        for twice in [item for item, count in Counter(ids).items() if count > 1]:
            self.problem(node, key, f"names {twice!r} more than once: keep one", line, newer_check=True)

    def text(
        self, data: _Mapping, key: str, node: str, required: bool = True, longest: int | None = None
    ) -> Text | None:
        """Wording a person reads, in both modes: ``{practitioner: ..., supervision: ...}``, or
        ``{both: ...}`` for words that read right in both modes (marked so on purpose), each at
        most ``longest`` characters (by default what ``TEXT_MAX_BY_FIELD`` allows a ``key``).

        A bare string is refused (with the words kept, so checking goes on): a text that
        addresses the person must say, in the pack, what a manager in supervision reads.
        """
        value = data.get(key)
        if value is None:
            if required:
                self.problem(node, key, f"is missing{_TEXT_MEANINGS.get(key, '')}", data.line)
            elif key in data and not _WORDING_KEYS & set(map(str, data)):
                # Found (rules review): "advice:" with its words deleted was read as no advice, and
                # rules check said the pack was valid. (A newer check: rules diff reads a live pack
                # from before it as the OLD pack, where taking the advice away is listed first.
                # Its words indented too little, beside it, are told as that: ``_wording_outdented``.)
                self.problem(
                    node,
                    key,
                    f"is empty: write its words ({key}: {{{NEUTRAL}: ...}}, or {MODES[0]} and {MODES[1]} wording), "
                    "or take the line away",
                    data.line_of(key),
                    newer_check=True,
                )
            return None
        if isinstance(value, str):
            if not value.strip():
                self.problem(node, key, "must not be empty", data.line_of(key))
                return None
            self.problem(
                node,
                key,
                "has no supervision wording: give {practitioner: ..., supervision: ...}, or mark it "
                f"mode-neutral with {{{NEUTRAL}: ...}} if the same words read right in both modes",
                data.line_of(key),
                one_wording=True,
            )
            return Text(_clean(value), _clean(value))
        if isinstance(value, dict):
            mapping = value if isinstance(value, _Mapping) else _Mapping(value)
            line = mapping.line or data.line_of(key)
            limit = longest or TEXT_MAX_BY_FIELD.get(key, TEXT_MAX)
            keys = set(map(str, mapping))
            unknown = sorted(keys - {*MODES, NEUTRAL})
            # A variant's name with a capital or a space ("Supervision:"): said so, once, and read
            # as meant. Found (rules review): it was an unknown variant and the variant "missing",
            # two problems for one letter.
            meant = {
                name: name.strip().lower()
                for name in unknown
                if name.strip().lower() in {*MODES, NEUTRAL} and name.strip().lower() not in keys
            }
            if meant:
                for name, variant in meant.items():
                    self.problem(node, key, f'"{name}:" must be written "{variant}:", in small letters', line)
                mapping = _Mapping({meant.get(str(name), str(name)): words for name, words in mapping.items()})
                mapping.line = line
                keys = set(mapping)
                unknown = [name for name in unknown if name not in meant]
            if unknown:
                self.problem(
                    node,
                    key,
                    f"has unknown wording variant(s) {', '.join(unknown)}; use {' and '.join(MODES)}, or {NEUTRAL}",
                    line,
                )
            if NEUTRAL in keys:
                if keys & set(MODES):
                    self.problem(node, key, f"gives {NEUTRAL} and per-mode wording: give one or the other", line)
                words = self.string(mapping, NEUTRAL, node, field=f"{key}.{NEUTRAL}", longest=limit, wording=True)
                return Text(_clean(words), _clean(words)) if words is not None else None
            variants = [
                self.string(mapping, mode, node, field=f"{key}.{mode}", longest=limit, wording=True) for mode in MODES
            ]
            if None in variants:
                return None
            return Text(_clean(variants[0] or ""), _clean(variants[1] or ""))
        if isinstance(value, bool):
            # Found (maintainer review): "label: Yes" was "must be a mapping …, not true/false": the
            # person wrote Yes, and YAML's reading of it as true was left for them to guess.
            self.problem(
                node,
                key,
                f"has no supervision wording, and YAML reads an unquoted yes, no, on or off as true/false: "
                f'write {{{NEUTRAL}: "{"Yes" if value else "No"}"}}, with the quotes',
                data.line_of(key),
            )
            return None
        self.problem(
            node,
            key,
            f"must be a mapping of practitioner and supervision wording (or {NEUTRAL}), not {_kind(value)}",
            data.line_of(key),
        )
        return None

    def unknown_keys(self, data: _Mapping, allowed: set[str], node: str) -> None:
        """Report keys that the format does not define (usually typos)."""
        for key in data:
            if key not in allowed:
                meant = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
                hint = f"did you mean {meant[0]!r}? " if meant else ""
                if key in _WORDING_KEYS:
                    hint = _wording_outdented(data, str(key))
                self.problem(
                    node,
                    str(key) if _LOOKS_LIKE_A_FIELD.fullmatch(str(key)) else "a key",
                    f"is not a known field ({hint}known: {', '.join(sorted(allowed))})",
                    data.line_of(str(key)),
                )


# What a misspelt field's name can look like: it is quoted in the problem. Anything else (found,
# operator review: a password file named as the contacts file had each of its lines quoted whole,
# hashes and all, at start-up and in the server's log) is "a key", located by its line only.
_LOOKS_LIKE_A_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_ -]{0,39}")


# A text's wordings (``{practitioner: ..., supervision: ...}`` or ``{both: ...}``): found as a
# field of a question, option or outcome, they were indented too little.
_WORDING_KEYS = frozenset({"both", "practitioner", "supervision"})


def _wording_outdented(data: _Mapping, key: str) -> str:
    """What to say of a wording (``both:``...) found among a question's, option's or outcome's
    own fields: the field above it that was left empty is the one it belongs to, indented two
    spaces further. Found (maintainer review): a hint's "both:" one indent short was "both: is
    not a known field (known: cites, error, ...)", which did not say it was the indent."""
    line = data.line_of(key) or 0
    empty = [
        (data.line_of(str(field)) or 0, str(field))
        for field, value in data.items()
        if value is None and field not in _WORDING_KEYS and (data.line_of(str(field)) or 0) < line
    ]
    if empty:
        field = max(empty)[1]
        return (
            f"it belongs under {field}:, which is empty: indent the line two spaces further than {field}: "
            "to make it part of it. "
        )
    return f"{key}: goes under a text's own field (title:, hint:, label: ...), indented two spaces further. "


_PLACEHOLDER = Text("", "")
# A contact's email and links: one address; a whole https address with a dotted host name.
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
WEB_ADDRESS = re.compile(r"https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]\S*)?")
# UK numbers people may call (the examples in messages are Ofcom's numbers for drama, 0161 496 0xxx,
# which no one answers: found, review, the Bridge's real number was the example): the short ones, 0
# followed by 10 digits (0161 496 0000), or by 9
# in the 01 area codes that have such numbers (016977 3456), and freephone numbers, some shorter
# (Childline's 0800 1111).
SHORT_NUMBERS = frozenset({"999", "112", "111", "101", "105", "119", "100", "155"})


def _may_have_ten_digits(digits: str) -> bool:
    """Whether a number of 0 and 9 more digits can be real: only in 01 area codes of four or five
    digits (01204, 016977...). The big cities' codes (011x and 01x1: 0113, 0161...) and every 02,
    03, 07, 08 and 09 number have 0 and 10 more, so a 10-digit one there has lost a digit."""
    return digits.startswith("01") and "1" not in digits[2:4]


def uk_phone_problem(phone: str) -> str | None:
    """Why ``phone`` (digits and spaces) is not a UK number to call, or None."""
    digits = phone.replace(" ", "")
    if digits in SHORT_NUMBERS or (digits.startswith("116") and len(digits) == 6):
        return None
    if digits.startswith("0") and (len(digits) == 11 or (len(digits) == 10 and _may_have_ten_digits(digits))):
        return None
    if digits.startswith(("0800", "0808")) and len(digits) >= 8:  # freephone: Childline is 0800 1111
        return None
    relayed = digits[5:]
    if digits == "18000" or (
        digits.startswith("18001") and relayed.startswith("0") and uk_phone_problem(relayed) is None
    ):
        return None  # Relay UK: 18000 (999 by text relay), 18001 before a full number
    if not digits.startswith("0"):
        return (
            f"{phone!r} is not a UK phone number: a full number starts with 0, like 0161 496 0000 "
            "(short numbers such as 999, 111 or 101 are accepted as they are)"
        )
    if len(digits) == 10:
        return (
            f"has 10 digits: a UK number starting {digits[:4]} has 11, like 0161 496 0000 (only some 01 "
            "area codes, such as 016977, have numbers of 10): is a digit missing?"
        )
    return (
        f"has {len(digits)} digits: a UK phone number starting with 0 has 11 (0161 496 0000), or 10 in a few 01 areas"
    )


def _phone_not_digits(phone: str) -> str:
    """What to write instead of a phone number with more than digits and spaces in it: the same
    number as digits and spaces, where that is a UK number ("+44 (0)161 603-4500" is 0161 603
    4500). Found (maintainer review): "must be digits and spaces only" left someone who had
    written +44, dashes or brackets, as numbers are often printed, to work out what would do."""
    said = "must be digits and spaces only, as it becomes a tel: link"
    if hidden := _HIDDEN_SPACE.search(phone):
        # Found (rules maintainer's review): a non-breaking space in the number, pasted from a web
        # page, was told "write it as 0161 603 4501", which looked the same as what was there.
        return f"{said}, and it has {_hidden_space_named(hidden.group())}. Delete the spaces in it and type them again"
    if re.search(r"[^\d\s+()./-]", phone):  # words: an extension, an option to choose, a letter O
        return (
            f"{said}, like 0161 496 0000: put words (an extension, which option to choose) in the contact's "
            "detail, and check for a letter O written for a zero"
        )
    international = re.match(r"\s*\+\s*44\s*(?:\(\s*0\s*\)\s*)?", phone)
    rest = phone[international.end() :] if international else phone
    written = " ".join(re.findall(r"\d+", rest))
    if international:
        written = f"0{written}"
    if written and uk_phone_problem(written) is None:
        return f"{said}: write it as {written}"
    return f"{said}, like 0161 496 0000 (a UK number, starting with 0)"


# A glossary term: an acronym as the pages find it (app.rules.acronyms.acronyms_in, and the
# outcome page's explainer), exactly as written: letters, with no spaces, starting with a capital
# and with at least one more ("LADO", "DfE", "NHSx"), so not a word such as "Lado".
_GLOSSARY_TERM = re.compile(r"[A-Z][a-z]*[A-Z][A-Za-z]*")

# Ids of questions, options, outcomes and flags: they name pages' addresses (/questions/<id>)
# and are stored with each request and count (app.models, app.stats.models: 40 characters).
IDENT_MAX = 40
IDENT = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.-]{{0,{IDENT_MAX - 1}}}")  # not "." or "..": not an address
"""Stands in for wording that could not be read (already reported), so checking can go on."""


def _clean(text: str) -> str:
    return " ".join(text.split())


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):  # (an unquoted 2024-01-01: found, "must be text, not text")
        return "a date"
    return "text"


def _string_keys(data: object) -> object:
    """``data`` with every mapping key as text (YAML 1.1 reads a bare ``on`` key as true)."""
    if isinstance(data, dict):
        return {str(key): _string_keys(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_string_keys(value) for value in data]
    return data


def _content_hash(data: object) -> str:
    canonical = json.dumps(_string_keys(data), sort_keys=True, default=str, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


_PACK_KEYS = {"pack", "roles", "guidance", "flags", "questions", "outcomes", "glossary"}
_ROLE_KEYS = {"criteria_question", "debrief_criterion"}
_META_KEYS = {"name", "owner", "review_date", "start"}
_QUESTION_KEYS = {
    "id",
    "kind",
    "title",
    "short",
    "hint",
    "error",
    "exclusive_error",
    "options",
    "next",
    "cites",
    "risk",
}
_OPTION_KEYS = {
    "value",
    "label",
    "hint",
    "next",
    "cites",
    "flags",
    "advice",
    "safe",
    "unsure",
    "exclusive",
    "mode",
    "implies",
}
_OUTCOME_KEYS = {"id", "title", "summary", "actions", "contacts", "cites", "request", "change", "act_now"}


def parse_pack(data: object, file: str) -> tuple[RulePack | None, list[Problem]]:
    """Build a RulePack from parsed YAML, with every problem found in reading it.

    The pack is None only when the file is not a mapping at all. With problems, it is a
    best-effort pack (for validation to find the rest), never one to run journeys on.
    """
    reader = _Reader(file)
    root = reader.mapping(data, "(pack)", "(top level)", 1)
    if root is None:
        return None, reader.problems
    reader.unknown_keys(root, _PACK_KEYS, "(pack)")
    meta = reader.mapping(root.get("pack"), "pack", "pack", root.line) if "pack" in root else None
    if meta is None:
        if "pack" not in root:
            reader.problem("(pack)", "pack", "is missing (name, owner, review_date, start)", root.line)
        meta = _Mapping()
    reader.unknown_keys(meta, _META_KEYS, "pack")
    name = reader.string(meta, "name", "pack") or ""
    owner = reader.string(meta, "owner", "pack") or ""
    review_date = reader.date(meta, "review_date", "pack")
    start = reader.string(meta, "start", "pack") or ""
    roles = _parse_roles(reader, root)

    guidance: list[Guidance] = []
    for n, item in enumerate(reader.items(root, "guidance", "(pack)"), start=1):
        node = f"guidance {item.get('id', n)}"
        reader.unknown_keys(item, {"id", "source", "text", "url", "quote"}, node)
        guidance.append(
            Guidance(
                id=reader.ident(item, "id", f"guidance #{n}") or f"#{n}",
                source=reader.string(item, "source", node) or "",
                text=_clean(reader.string(item, "text", node) or ""),
                url=_web_address(reader, item, node),
                quote=reader.boolean(item, "quote", node),
                line=item.line,
                field_lines=_field_lines(item),
            )
        )
    flags: list[Flag] = []
    for n, item in enumerate(reader.items(root, "flags", "(pack)", required=False), start=1):
        node = f"flag {item.get('id', n)}"
        reader.unknown_keys(item, {"id", "label", "modes"}, node)
        flags.append(
            Flag(
                id=reader.ident(item, "id", f"flag #{n}") or f"#{n}",
                label=reader.string(item, "label", node) or "",
                modes=_modes(reader, item, node),
                line=item.line,
                label_line=item.line_of("label"),
            )
        )
    glossary: list[tuple[str, str]] = []
    term_lines: dict[str, int | None] = {}
    meaning_lines: dict[str, int | None] = {}
    for n, item in enumerate(_glossary_items(reader, root), start=1):
        node = f"glossary {item.get('term', '#' + str(n))}"
        if "term" not in item and "meaning" not in item and len(item) == 1:
            [(written, said)] = item.items()
            message = f"is missing: write this term as {_glossary_entry(written, said)}"
            reader.problem(f"glossary {written}", "term", message, item.line)
            continue
        reader.unknown_keys(item, {"term", "meaning"}, node)
        term, meaning = reader.string(item, "term", node), reader.string(item, "meaning", node)
        if term is not None and term in term_lines:
            # Found (maintainer review): a term given twice was taken silently, the later
            # meaning winning wherever the pages and PDFs spell it out.
            # A live pack from before this check is still read as `rules diff`'s OLD pack.
            first = term_lines[term]
            reader.problems.append(
                Problem(
                    reader.file,
                    node,
                    "term",
                    f"is given twice in the glossary{f' (also on line {first})' if first is not None else ''}: "
                    "keep one, with the meaning the pages should show",
                    item.line,
                    newer_check=True,
                )
            )
        elif term is not None:
            term_lines[term] = item.line
        if term is not None and not _GLOSSARY_TERM.fullmatch(term):
            # Found (partnership review): "term: Lado" (or "LA DO") was taken, and never matched
            # the LADO a quote uses, which the pages then left unexplained or `rules check`
            # refused with "add it to the glossary", though it was there.
            reader.problem(
                node,
                "term",
                f"is {term!r}: write the acronym exactly as the guidance writes it, with no spaces, starting "
                "with a capital letter and with at least one more (like LADO or DfE), or it is never found there",
                item.line_of("term"),
                newer_check=True,
            )
        if term and meaning:
            # Shown as "LADO means <meaning>.", on one line: a full stop of its own would be a second.
            glossary.append((term, _clean(meaning).removesuffix(".")))
        if term is not None:
            # Also for a term whose meaning is refused: the guidance that uses it is not then
            # told to add it to the glossary, where it is.
            meaning_lines.setdefault(term, item.line_of("meaning"))
    questions = tuple(
        question
        for n, item in enumerate(reader.items(root, "questions", "(pack)"), start=1)
        if (question := _parse_question(reader, item, n)) is not None
    )
    outcomes = tuple(
        outcome
        for n, item in enumerate(reader.items(root, "outcomes", "(pack)"), start=1)
        if (outcome := _parse_outcome(reader, item, n)) is not None
    )
    # Build the pack even when parts of it are broken (placeholders stand in for what could
    # not be read), so that validation can report every other problem in the same run.
    pack = RulePack(
        path=file,
        name=name,
        owner=owner,
        review_date=review_date,
        start=start,
        questions=questions,
        outcomes=outcomes,
        guidance=tuple(guidance),
        flags=tuple(flags),
        version=_content_hash(data),
        roles=roles,
        glossary=tuple(glossary),
        line_of={key: meta.line_of(key) for key in _META_KEYS},
        glossary_lines=meaning_lines,
    )
    return pack, reader.problems


def _glossary_entry(term: object, meaning: object) -> str:
    """How a glossary entry is written: "- {term: LADO, meaning: Local Authority Designated Officer}"."""
    return f"- {{term: {term}, meaning: {meaning if isinstance(meaning, str) else '...'}}}"


def _glossary_items(reader: _Reader, root: _Mapping) -> list[_Mapping]:
    """The glossary's entries. Found (partnership review): the glossary written as a mapping
    ("LADO: Local Authority Designated Officer"), as a dictionary is, was refused as "must be a list,
    not a mapping", and an entry so written with three problems, none saying how to write it."""
    raw = root.get("glossary")
    if isinstance(raw, dict) and raw:
        term, meaning = next(iter(raw.items()))
        reader.problem(
            "(pack)",
            "glossary",
            "must be a list of terms, each with its meaning, not a mapping: write each as "
            + _glossary_entry(term, meaning),
            root.line_of("glossary"),
        )
        return []
    return reader.items(root, "glossary", "(pack)", required=False)


def _modes(reader: _Reader, item: _Mapping, node: str) -> tuple[Mode, ...]:
    """``modes``: the modes a flag is set in (default: both)."""
    if "modes" not in item:
        return MODES
    listed = reader.ids(item, "modes", node)
    unknown = [mode for mode in listed if mode not in MODES]
    if unknown or not listed:
        # Found (maintainer review): "modes: [practioner]" did not say which word was wrong.
        said = "".join(
            f", not {mode!r}" + (f" (did you mean {meant[0]!r}?)" if meant else "")
            for mode in unknown
            for meant in [difflib.get_close_matches(mode, MODES, n=1, cutoff=0.6)]
        )
        reader.problem(node, "modes", f"must list one or more of {', '.join(MODES)}{said}", item.line_of("modes"))
    return tuple(mode for mode in MODES if mode in listed) or MODES


def _parse_roles(reader: _Reader, root: _Mapping) -> Roles:
    """``roles``: which question holds the criteria, and which of its options is the debrief."""
    raw = root.get("roles")
    if raw is None:
        reader.problem("(pack)", "roles", f"is missing ({', '.join(sorted(_ROLE_KEYS))})", root.line)
        return Roles("", "")
    mapping = reader.mapping(raw, "roles", "roles", root.line_of("roles"))
    if mapping is None:
        return Roles("", "")
    reader.unknown_keys(mapping, _ROLE_KEYS, "roles")
    return Roles(
        criteria_question=reader.string(mapping, "criteria_question", "roles") or "",
        debrief_criterion=reader.string(mapping, "debrief_criterion", "roles") or "",
        line=mapping.line,
    )


def _parse_question(reader: _Reader, item: _Mapping, position: int) -> Question | None:
    node_id = reader.ident(item, "id", f"question #{position}")
    node = f"question {node_id or '#' + str(position)}"
    reader.unknown_keys(item, _QUESTION_KEYS, node)
    raw_kind = reader.string(item, "kind", node)
    kind: QuestionKind | None = None
    for known in QUESTION_KINDS:
        if raw_kind == known:
            kind = known
    if raw_kind is not None and kind is None:
        reader.problem(node, "kind", f"must be one of {', '.join(QUESTION_KINDS)}, not {raw_kind!r}", item.line)
    title = reader.text(item, "title", node) or _PLACEHOLDER
    short = reader.text(item, "short", node, required=False) or title
    hint = reader.text(item, "hint", node, required=False)
    error = reader.text(item, "error", node) or _PLACEHOLDER
    exclusive_error = reader.text(item, "exclusive_error", node, required=False)
    options = tuple(
        _parse_option(reader, raw, f"{node} option", n)
        for n, raw in enumerate(reader.items(item, "options", node), start=1)
    )
    next_id = reader.string(item, "next", node, required=False)
    cites = reader.ids(item, "cites", node)
    risk = reader.boolean(item, "risk", node)
    if node_id is None:
        return None
    if kind is None:  # reported above; a stand-in so that the rest can still be checked
        kind = "multiple" if next_id is not None else "single"
    return Question(
        id=node_id,
        kind=kind,
        title=title,
        short=short,
        options=options,
        error=error,
        hint=hint,
        exclusive_error=exclusive_error,
        next=next_id,
        cites=cites,
        risk=risk,
        line=item.line,
        next_line=item.line_of("next"),
        field_lines=_field_lines(item),
    )


def _parse_option(reader: _Reader, item: _Mapping, prefix: str, position: int) -> Option:
    value = reader.ident(item, "value", f"{prefix} #{position}")
    node = f"{prefix} {value or '#' + str(position)}"
    reader.unknown_keys(item, _OPTION_KEYS, node)
    label = reader.text(item, "label", node)
    mode = reader.string(item, "mode", node, required=False)
    if mode is not None and mode not in MODES:
        reader.problem(node, "mode", f"must be one of {', '.join(MODES)}, not {mode!r}", item.line)
        mode = None
    return Option(
        value=value or f"#{position}",
        label=label or _PLACEHOLDER,
        next=reader.string(item, "next", node, required=False),
        hint=reader.text(item, "hint", node, required=False),
        cites=reader.ids(item, "cites", node),
        flags=reader.ids(item, "flags", node),
        advice=reader.text(item, "advice", node, required=False),
        safe=reader.boolean(item, "safe", node),
        unsure=reader.boolean(item, "unsure", node),
        exclusive=reader.boolean(item, "exclusive", node),
        mode=mode,
        implies=_implies(reader, item, node),
        line=item.line,
        next_line=item.line_of("next"),
        field_lines=_field_lines(item),
    )


def _implies(reader: _Reader, item: _Mapping, node: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``implies: {question_id: [value, ...]}``: answers this option suggests for a later question."""
    raw = item.get("implies")
    if raw is None:
        return ()
    mapping = reader.mapping(raw, node, "implies", item.line_of("implies"))
    if mapping is None:
        return ()
    found = []
    for question_id in mapping:
        values = reader.ids(mapping, question_id, f"{node} implies")
        if values:
            found.append((str(question_id), values))
    return tuple(found)


def _field_lines(item: _Mapping) -> dict[str, int]:
    """The line of each field of ``item`` in its file, by name."""
    return dict(item.key_lines or {})


def _parse_outcome(reader: _Reader, item: _Mapping, position: int) -> Outcome | None:
    node_id = reader.ident(item, "id", f"outcome #{position}")
    node = f"outcome {node_id or '#' + str(position)}"
    reader.unknown_keys(item, _OUTCOME_KEYS, node)
    title = reader.text(item, "title", node)
    summary = reader.text(item, "summary", node)
    raw_actions = item.get("actions")
    actions: list[Text] = []
    if not isinstance(raw_actions, list) or not raw_actions:
        reader.problem(node, "actions", "must be a list of at least one thing to do now", item.line)
    else:
        for n, raw in enumerate(raw_actions, start=1):
            entry = _Mapping({"action": raw})
            entry.line = item.line_of("actions")
            text = reader.text(entry, "action", f"{node} action {n}")
            if text is not None:
                actions.append(text)
    contacts, notes = _outcome_contacts(reader, item, node)
    cites = reader.ids(item, "cites", node)
    request = reader.boolean(item, "request", node)
    act_now = reader.boolean(item, "act_now", node)
    if act_now and request:
        reader.problem(
            node,
            "act_now",
            "cannot be true on an outcome that leads to a request for a session: act_now marks a route elsewhere, "
            "to act on now",
            item.line_of("act_now"),
        )
    change_question, change_text = None, None
    if "change" in item:
        change = reader.mapping(item.get("change"), node, "change", item.line_of("change"))
        if change is not None:
            reader.unknown_keys(change, {"question", "text"}, f"{node} change")
            change_question = reader.string(change, "question", f"{node} change")
            change_text = reader.text(change, "text", f"{node} change")
    if node_id is None:
        return None
    return Outcome(
        id=node_id,
        title=title or _PLACEHOLDER,
        summary=summary or _PLACEHOLDER,
        actions=tuple(actions),
        contacts=contacts,
        cites=cites,
        request=request,
        contact_notes=notes,
        change_question=change_question,
        change_text=change_text,
        act_now=act_now,
        line=item.line,
        field_lines=_field_lines(item)
        | {
            f"actions[{n}]": raw.line
            for n, raw in enumerate(raw_actions if isinstance(raw_actions, list) else [], start=1)
            if isinstance(raw, _Mapping) and raw.line is not None
        }
        | _note_lines(item),
    )


def _note_lines(item: _Mapping) -> dict[str, int]:
    """The lines of an outcome's notes for its contacts ("contacts (lado) when") and of its change
    link's text ("change text"), where a problem with their words is named. Found (maintainer
    review): both were named at the line of ``contacts:`` or ``change:``, above them."""
    lines: dict[str, int] = {}
    raw_contacts = item.get("contacts")
    for entry in raw_contacts if isinstance(raw_contacts, list) else []:
        contact_id = entry.get("id") if isinstance(entry, _Mapping) else None
        if isinstance(entry, _Mapping) and isinstance(contact_id, str) and (line := entry.line_of("when")):
            lines.setdefault(f"contacts ({contact_id.strip()}) when", line)
    change = item.get("change")
    if isinstance(change, _Mapping) and (line := change.line_of("text")):
        lines["change text"] = line
    return lines


def _outcome_contacts(
    reader: _Reader, item: _Mapping, node: str
) -> tuple[tuple[str, ...], tuple[tuple[str, Text], ...]]:
    """``contacts``: ids, or ``{id, when}`` for a contact that applies only in a case the outcome names."""
    raw = item.get("contacts")
    if raw is None:
        return (), ()
    if not isinstance(raw, list):
        reader.problem(node, "contacts", "must be a list of contact ids", item.line_of("contacts"))
        return (), ()
    ids: list[str] = []
    notes: list[tuple[str, Text]] = []
    for position, entry in enumerate(raw, start=1):
        if isinstance(entry, str) and entry.strip():
            ids.append(entry.strip())
            continue
        mapping = reader.mapping(entry, node, f"contacts[{position}]", item.line_of("contacts"))
        if mapping is None:
            continue
        reader.unknown_keys(mapping, {"id", "when"}, f"{node} contacts[{position}]")
        contact_id = reader.string(mapping, "id", f"{node} contacts[{position}]")
        when = reader.text(mapping, "when", f"{node} contacts[{position}]")
        if contact_id is not None:
            ids.append(contact_id)
            if when is not None:
                notes.append((contact_id, when))
    reader.repeated(tuple(ids), node, "contacts", item.line_of("contacts"))
    return tuple(ids), tuple(notes)


def _left_blank(value: object) -> bool:
    """A line left with nothing after it, or only quotes or spaces: said as that, once, so the
    contact's other checks do not say it again (regression review: ``phone: ""`` was also "no way
    to act", and ``hours: ""`` also "hours without a phone")."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


_CONTACT_KEYS = {"id", "name", "detail", "phone", "hours", "open", "links", "email", "verified"}
_VERIFIED_KEYS = {"on", "how", "sources"}


def parse_contacts(data: object, file: str) -> tuple[ContactBook | None, list[Problem]]:
    """Build a ContactBook from parsed YAML, or report why it cannot be built.

    Each contact keeps two things apart: where a person should go (``phone`` with ``hours``,
    ``links`` to pages, ``email``; at least one) and where its details were verified
    (``verified``: ``on`` a date, ``how``, and the ``sources`` compared with; required).
    """
    reader = _Reader(file)
    root = reader.mapping(data, "(contacts)", "(top level)", 1)
    if root is None:
        return None, reader.problems
    reader.unknown_keys(root, {"contacts", "emergency"}, "(contacts)")
    contacts: list[Contact] = []
    seen: dict[str, int | None] = {}  # each contact id, and the line of the first with it
    for n, item in enumerate(reader.items(root, "contacts", "(contacts)"), start=1):
        contact_id = reader.string(item, "id", f"contact #{n}")
        node = f"contact {contact_id or '#' + str(n)}"
        reader.unknown_keys(item, _CONTACT_KEYS, node)
        if item.get("links") == []:
            # (Found, regression review: accepted without a word beside a phone, where "links:" with
            # nothing after it was refused.)
            reader.problem(
                node,
                "links",
                "is an empty list: give a link ({text: ..., url: https://...}), or take the line away if the "
                "contact has a phone or an email",
                item.line_of("links"),
                newer_check=True,
            )
        for key in ("phone", "hours", "email", "links"):
            if key in item and item[key] is None:
                # Found (rules maintainer's review): "phone:" with its number deleted was read as no
                # phone, and rules check said the files were valid: the outcomes naming the contact
                # were served without its number. (A newer check: rules diff reads a live file from
                # before it as the OLD one.)
                reader.problem(
                    node,
                    key,
                    f"has nothing after it: write it ({key}: ...), or take the line away",
                    item.line_of(key),
                    newer_check=True,
                )
        if contact_id in seen:
            first = seen[contact_id]
            where = f" (on line {first})" if first is not None else ""
            reader.problem(
                node,
                "id",
                f"is used by another contact{where}: give each its own id, and name the new one where it is shown "
                "(an outcome's contacts)",
                item.line,
            )
        phone = reader.string(item, "phone", node, required=False)
        if phone is not None and not all(ch.isdigit() or ch == " " for ch in phone):
            reader.problem(node, "phone", _phone_not_digits(phone), item.line_of("phone"))
        elif phone is not None and (problem := uk_phone_problem(phone)) is not None:
            reader.problem(node, "phone", problem, item.line_of("phone"))
        email = reader.string(item, "email", node, required=False)
        if email is not None and not EMAIL.fullmatch(email):
            reader.problem(
                node,
                "email",
                "must be one email address, like safeguarding@partnership.example.org (without mailto: or angle "
                "brackets)",
                item.line_of("email"),
            )
        links = _links(reader, item, node)
        name = reader.string(item, "name", node, meaning=_CONTACT_MEANINGS["name"]) or ""
        # (One given but refused is said so, not also as none given: found, rules maintainer's review,
        # a link written "www…" was told it gave "no way to act", beside why the link was refused.)
        if (
            phone is None
            and not links
            and email is None
            and not any(way in item and (item[way] or _left_blank(item[way])) for way in ("phone", "links", "email"))
        ):
            reader.problem(
                node, "(ways to act)", "gives no way to act: add a phone, a link to a page, or an email", item.line
            )
        if phone is None and "phone" not in item and not _left_blank(item.get("hours")):
            # (A "phone:" with nothing after it is said so above: regression review, the hours
            # were reported too, as a second mistake.)
            # Found (partnership review): hours given to a contact with no phone were left out of
            # its card on every outcome page and in the supervision record (they are shown under
            # the number), though the footer showed them: what a person read depended on where.
            reader.problem(
                node,
                "hours",
                "are a phone's opening hours, shown under its number, but this contact has no phone: give "
                "the phone, or say when it can be used in its detail",
                item.line_of("hours"),
            )
        _check_contact_words(reader, item, node, name, links)
        open_hours = _open_hours(reader, item, node) if "open" in item else None
        if open_hours is not None and phone is None:
            reader.problem(
                node, "open", "says when a phone is answered, but this contact has no phone", item.line_of("open")
            )
        contact = Contact(
            id=contact_id or "",
            name=name,
            detail=_clean(reader.string(item, "detail", node, meaning=_CONTACT_MEANINGS["detail"]) or ""),
            verified=_verification(reader, item, node),
            phone=phone,
            hours=reader.string(item, "hours", node, required=False),
            open=open_hours,
            links=links,
            email=email,
            line=item.line,
            field_lines=_field_lines(item) | _verified_on_line(item) | _otherwise_line(item),
        )
        if contact_id:
            seen.setdefault(contact_id, item.line)
        contacts.append(contact)
    emergency = reader.ids(root, "emergency", "(contacts)")
    if not emergency:
        reader.problem("(contacts)", "emergency", "must list the contacts shown on every page", root.line)

    for contact_id in emergency:
        if contact_id not in seen:
            meant = difflib.get_close_matches(contact_id, sorted(seen), n=1, cutoff=0.75)
            hint = f" (did you mean {meant[0]!r}?)" if meant else ""
            reader.problem(
                "(contacts)",
                "emergency",
                f"names {contact_id!r}, which is not a contact{hint}",
                root.line_of("emergency"),
            )
    by_id = {contact.id: contact for contact in contacts}
    for contact in contacts:
        if contact.open is None:
            continue
        instead = by_id.get(contact.open.otherwise)
        if instead is None or instead is contact or not instead.phone:
            problem = "which is not another contact with a phone: name the contact to call when this one is closed"
        elif instead.open is not None:
            # (Found, regression review: two contacts naming each other, each "closed now: call the other".)
            problem = "which has open hours of its own: name a contact whose phone is answered when this one's is not"
        else:
            continue
        reader.problem(
            f"contact {contact.id}",
            "open.otherwise",
            f"names {contact.open.otherwise!r}, {problem}",
            contact.field_lines.get("open.otherwise", contact.line),
        )
    if reader.problems:
        return None, reader.problems
    return ContactBook(path=file, contacts=tuple(contacts), emergency_ids=emergency, version=_content_hash(data)), []


# "you" or "your": the reader, who in supervision mode is the manager, not the practitioner.
_ADDRESSES_THE_READER = re.compile(r"\byou(?:r|rs|rself)?\b", re.IGNORECASE)


def _check_contact_words(reader: _Reader, item: _Mapping, node: str, name: str, links: tuple[Link, ...]) -> None:
    """A contact's words are shown in both modes (to a practitioner, and to a manager in
    supervision with the practitioner), so they may not speak to the reader as "you"; and a
    link, shown under the contact's name as its heading, says what its page is rather than
    repeating the name."""
    for position, link in enumerate(links, start=1):
        if _clean(link.text).casefold() == _clean(name).casefold():
            reader.problem(
                f"{node} links[{position}]",
                "text",
                "repeats the contact's name: say what the page is (for example 'Practice review procedure')",
                link.line or item.line_of("links"),
            )
    texts = [(field, item.get(field), item.line_of(field)) for field in ("name", "detail", "hours")]
    texts += [
        (f"links[{position}] text", link.text, link.line or item.line_of("links"))
        for position, link in enumerate(links, start=1)
    ]
    for field, text, line in texts:
        found = _ADDRESSES_THE_READER.search(text) if isinstance(text, str) else None
        if found is not None:
            reader.problem(
                node,
                field,
                f"says {found.group(0)!r}: contacts are shown in both modes (to a practitioner, and to a manager "
                "in supervision), so word it for either reader ('the agency's', not 'your agency's'); words for one "
                "reader go in an outcome's note in the rule pack",
                line,
            )


def _web_address(reader: _Reader, item: _Mapping, node: str, key: str = "url") -> str | None:
    """An optional ``url``: a whole https:// address, or None (reported if it is not one)."""
    url = reader.string(item, key, node, required=False)
    if url is None:
        return None
    if not url.startswith("https://"):
        reader.problem(node, key, "must start with https://", item.line_of(key))
        return None
    if not WEB_ADDRESS.fullmatch(url):
        reader.problem(
            node,
            key,
            "must be a whole web address, like https://www.partnership.example.org/children (a site's name with a dot "
            "in it, and no spaces)",
            item.line_of(key),
        )
        return None
    return url


_OPEN_HOURS_FORMAT = (
    'like\n    open:\n      days: [Monday, Tuesday, Wednesday, Thursday, Friday]\n      from: "08:30"\n'
    '      until: "17:00"\n      except:\n        - days: [Friday]\n          until: "16:30"\n'
    "      otherwise: out_of_hours\n      bank_holidays: England\n(the times in quotes, "
    "24-hour with two digits each, UK time; except, if some of the days have other times: each with its days and "
    "its from, until or both; otherwise: the id of the contact to call when it is closed; "
    "bank_holidays, if it is closed on them: England, Wales, Scotland or Northern Ireland)"
)
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def _open_hours(reader: _Reader, item: _Mapping, node: str) -> OpenHours | None:
    """A contact's ``open``: the days and times its phone is answered, or a problem and None."""
    line = item.line_of("open")
    found = reader.mapping(item.get("open"), node, "open", line)
    if found is None:
        return None
    reader.unknown_keys(found, {"days", "from", "until", "except", "otherwise", "bank_holidays"}, node)
    window = _open_window(reader, found, node, "open", line, None)
    if window is None:
        return None
    days, opens, closes = window
    exceptions: list[tuple[frozenset[int], dt.time, dt.time]] = []
    if "except" in found:
        given = found.get("except")
        if not isinstance(given, list) or not given:
            reader.problem(
                node,
                "open.except",
                f"must list other times for some days, {_OPEN_HOURS_FORMAT}",
                found.line_of("except") or line,
            )
            return None
        for number, raw in enumerate(given):
            field_name = f"open.except[{number}]"
            entry = reader.mapping(raw, node, field_name, found.line_of("except") or line)
            if entry is None:
                return None
            reader.unknown_keys(entry, {"days", "from", "until"}, node)
            other = _open_window(reader, entry, node, field_name, found.line_of("except") or line, (opens, closes))
            if other is None:
                return None
            if not other[0] <= days:
                reader.problem(
                    node,
                    f"{field_name}.days",
                    f"must be days open.days names, {_OPEN_HOURS_FORMAT}",
                    entry.line_of("days") or line,
                )
                return None
            if any(other[0] & earlier for earlier, _, _ in exceptions):
                reader.problem(
                    node,
                    f"{field_name}.days",
                    "names a day an earlier except names too: give each day once",
                    entry.line_of("days") or line,
                )
                return None
            exceptions.append(other)
    otherwise = found.get("otherwise")
    if not isinstance(otherwise, str) or not otherwise:
        # Found (regression review): "Closed now", with nothing to call instead, on an outcome whose
        # only card is this one, told someone at night to wait for the morning.
        reader.problem(
            node, "open.otherwise", f"must name the contact to call when it is closed, {_OPEN_HOURS_FORMAT}", line
        )
        return None
    nation = found.get("bank_holidays")
    nations = {name.lower(): name for name in BANK_HOLIDAY_NATIONS}
    # (Given, it names one: "" was taken as not known, silently; regression review.)
    if "bank_holidays" in found and (not isinstance(nation, str) or nation.lower() not in nations):
        reader.problem(
            node,
            "open.bank_holidays",
            f"must name the nation whose bank holidays it is closed on, {_OPEN_HOURS_FORMAT}",
            found.line_of("bank_holidays") or line,
        )
        return None
    nation = nations[nation.lower()] if isinstance(nation, str) else ""
    if nation:
        bank_holidays(nation, dt.date.today().year)  # (loaded now: a fault in the package stops start-up)
    return OpenHours(days, opens, closes, otherwise, nation, tuple(exceptions))


def _open_window(
    reader: _Reader,
    found: _Mapping,
    node: str,
    field_name: str,
    line: int | None,
    defaults: tuple[dt.time, dt.time] | None,
) -> tuple[frozenset[int], dt.time, dt.time] | None:
    """``open``'s days and times, or one of its ``except`` entries' (``defaults``: ``open``'s times,
    for a time an entry leaves out; it must give one); or a problem and None."""
    days = found.get("days")
    names = [name.lower() for name in OpenHours.DAY_NAMES]
    if not isinstance(days, list) or not days or not all(isinstance(d, str) and d.lower() in names for d in days):
        reader.problem(
            node, f"{field_name}.days", f"must list days by name, {_OPEN_HOURS_FORMAT}", found.line_of("days") or line
        )
        return None
    if defaults is not None and "from" not in found and "until" not in found:
        reader.problem(node, field_name, f"must give its from, its until or both, {_OPEN_HOURS_FORMAT}", line)
        return None
    times: list[dt.time] = []
    for number, key in enumerate(("from", "until")):
        value = found.get(key)
        if value is None and defaults is not None:
            times.append(defaults[number])
            continue
        clock = _CLOCK.fullmatch(value) if isinstance(value, str) else None
        if clock is None:
            reader.problem(
                node, f"{field_name}.{key}", f"must be a time of day, {_OPEN_HOURS_FORMAT}", found.line_of(key) or line
            )
            return None
        times.append(dt.time(int(clock[1]), int(clock[2])))
    if times[0] >= times[1]:
        # An except entry giving one time keeps open's other: named as such (found, regression review:
        # "until must be later than from" for an entry with no until).
        if defaults is not None and "until" not in found:
            said = f"{field_name}.from", f"must be earlier than open.until ({times[1]:%H:%M}), which this entry keeps"
        elif defaults is not None and "from" not in found:
            said = f"{field_name}.until", f"must be later than open.from ({times[0]:%H:%M}), which this entry keeps"
        else:
            said = f"{field_name}.until", f"must be later than {field_name}.from"
        reader.problem(node, said[0], f"{said[1]}, {_OPEN_HOURS_FORMAT}", line)
        return None
    return frozenset(names.index(d.lower()) for d in days), times[0], times[1]


def _links(reader: _Reader, item: _Mapping, node: str) -> tuple[Link, ...]:
    """``links``: pages a person can open, each ``{text, url}`` with an https:// address
    (a contact's, and the partnership file's footer)."""
    links: list[Link] = []
    for position, raw in enumerate(reader.items(item, "links", node, required=False), start=1):
        where = f"{node} links[{position}]"
        reader.unknown_keys(raw, {"text", "url"}, where)
        text = reader.string(raw, "text", where)
        if "url" not in raw:
            reader.problem(where, "url", "is missing", raw.line)
        url = _web_address(reader, raw, where)
        if text is not None and url is not None:
            links.append(Link(_clean(text), url, line=raw.line_of("text")))
    return tuple(links)


# What a contact's missing field is for, and how it is written, as ``_TEXT_MEANINGS`` for the
# pack's texts (found, maintainer review: "contact police_emergency verified: how: is missing"
# said nothing of what to write there).
_CONTACT_MEANINGS = {
    "name": ": the service's name, as people see it, like name: Adult social care",
    "detail": (
        ": what the service is for, in a sentence people read under its name, like detail: Report abuse "
        "or neglect of an adult with care and support needs."
    ),
    "on": ': the date the details were last compared with their sources, like "on": 2026-11-30',
    "how": (
        ": how the details were compared, in words, like how: compared with the partnership's published "
        'page (or "compared with a stored copy of" when that is what happened)'
    ),
}


def _verified_on_line(item: _Mapping) -> dict[str, int]:
    """{"verified.on": its line}, where the warnings about the date name it (YAML 1.1 reads a
    bare ``on`` key as true: ``_verification``)."""
    raw = item.get("verified")
    lines = (raw.key_lines or {}) if isinstance(raw, _Mapping) else {}
    line = lines.get("on", lines.get("True"))
    return {Contact.VERIFIED_FIELD: line} if line is not None else {}


def _otherwise_line(item: _Mapping) -> dict[str, int]:
    """{"open.otherwise": its line} (or the line of ``open``), where a problem with the contact it
    names is reported, once every contact has been read (found, review: at the ``open:`` line)."""
    raw = item.get("open")
    line = (raw.key_lines or {}).get("otherwise") if isinstance(raw, _Mapping) else None
    line = line if line is not None else item.line_of("open")
    return {"open.otherwise": line} if line is not None else {}


def _verification(reader: _Reader, item: _Mapping, node: str) -> Verification:
    """``verified``: on (a date), how (in words), sources (what was compared); all required."""
    empty = Verification(dt.date.min, "", ())
    if "verified" not in item:
        reader.problem(node, "verified", "is missing (on, how and sources: where the details were verified)", item.line)
        return empty
    raw = reader.mapping(item.get("verified"), node, "verified", item.line_of("verified"))
    if raw is None:
        return empty
    where = f"{node} verified"
    entries: list[tuple[object, object]] = list(raw.items())
    if "on" not in raw and any(key is True for key, _ in entries):
        # YAML 1.1 reads a bare ``on`` key as true; authors should not have to quote it.
        renamed = _Mapping({("on" if key is True else str(key)): value for key, value in entries})
        renamed.line = raw.line
        renamed.key_lines = {("on" if key == "True" else key): line for key, line in (raw.key_lines or {}).items()}
        raw = renamed
    reader.unknown_keys(raw, _VERIFIED_KEYS, where)
    on = reader.date(raw, "on", where, meaning=_CONTACT_MEANINGS["on"])
    how = reader.string(raw, "how", where, meaning=_CONTACT_MEANINGS["how"]) or ""
    reported = len(reader.problems)
    sources = reader.ids(raw, "sources", where, texts=True)
    if not sources and len(reader.problems) == reported:
        reader.problem(where, "sources", "is missing (name what the details were compared with)", raw.line)
    return Verification(on, _clean(how), sources)


def check_contacts(path: str | Path | None = None) -> tuple[ContactBook | None, list[Problem]]:
    """Read and check a contacts file; return it (None unless it is valid) and every problem."""
    file = Path(path) if path is not None else DEFAULT_CONTACTS
    data, problems = read_yaml(file)
    if problems:
        return None, problems
    return parse_contacts(data, str(file))


def load_contacts(path: str | Path | None = None) -> ContactBook:
    """Load and check a contacts file (default: the one installed with the app)."""
    book, problems = check_contacts(path)
    if book is None:
        raise DefinitionError(problems)
    return book
