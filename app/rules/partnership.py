"""The partnership that runs a deployment: its names, brand colour, footer, accessibility
statement, PDF author, email signature, the local examples in hints, and the answers offered
on the request form's questions that name local services (``request_options``).

Everything that differs from one area to another and is not a rule or a contact lives in
``partnership.yaml`` (beside the rule pack and the contacts; ``PARTNERSHIP_PATH`` points at
another). ``check_partnership`` reads it and reports every problem with its file, field and
line, like the pack and contacts loaders; ``cross_check`` compares it with the pack (the
partnership must be the pack's ``owner``) and the contacts (the accessibility contact must
exist). Colours are refused unless white text on the brand colour, and ordinary text and links
on the tint, reach WCAG AA contrast (4.5:1).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..area_places import Places
from .acronyms import acronyms_in, spelled_out
from .errors import DefinitionError, Problem
from .loader import DEFAULT_PACK, _clean, _content_hash, _links, _Mapping, _Reader, check_contacts, read_yaml
from .markup import MARKUP, words_pattern
from .model import BANK_HOLIDAY_NATIONS, MODES, ContactBook, Link, RulePack, Text, bank_holidays

DEFAULT_PARTNERSHIP = Path(__file__).with_name("partnership.yaml")

SERVICE_NAME = "Space to Think"
WHITE = "#ffffff"
TEXT_COLOUR = "#0b0c0c"  # GOV.UK Frontend's text colour, on the tint (footer, notices)
# What else is written on the tint (the footer's background, the service navigation's and the
# standing notice's): GOV.UK Frontend's link colours (the footer's emergency phone numbers and
# support links), as static/dist/app.css has them. A tint that black text can be read on may
# still be too dark for a link (#c8dcec: 13.9:1 with the text, 4.3:1 with the link colour).
TINT_TEXT_COLOURS = {
    TEXT_COLOUR: "the text colour",
    "#1a65a6": "the link colour",
    "#0f385c": "the link colour on hover",
    "#54319f": "the visited link colour",
}
AA_TEXT_CONTRAST = 4.5
TINT_WEIGHT = 0.05  # a tint is this much brand colour in white (when the file gives none)
BORDER_WEIGHT = 0.5
NODE = "(partnership)"

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# The request form's questions whose answers name local services, so each area gives its own
# (``request_options`` in the file): the field's name (app/requests/fields.py) and what it asks.
REQUEST_OPTION_FIELDS: dict[str, str] = {
    "support_level": "the current level of support, such as early help or a child protection plan",
}
# The answers each question offered before its answers came from the partnership file (the
# December 2026 release, in every area alike): requests stored before then, and their PDFs'
# JSON, hold these ids. A file written for the upgrade keeps them, in its own words, so those
# requests still show their answer and their PDFs can still be imported.
FORMER_OPTION_IDS: dict[str, tuple[str, ...]] = {
    "support_level": ("none", "early_help", "child_in_need", "child_protection", "looked_after", "not_known"),
}
# Where the operator finds the format and an example to copy, said when the section is missing.
REQUEST_OPTIONS_EXAMPLES = "app/rules/partnership.yaml's last section, or examples/northmere/partnership.yaml's"
# The logo in the header (optional): an SVG or PNG file beside the partnership file.
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
LOGO_MAX_BYTES = 100_000  # 100 KB: every page loads it (once; it is kept after that)
LOGO_ALT_MAX = 150
# A PNG's width and height: it is shown 40 pixels high (120 on a screen of 3 pixels a point), but a
# small file of one colour can say 20,000 by 20,000, which each browser unpacks to 1.6 GB.
LOGO_MAX_PIXELS = 2_000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What an SVG logo may not hold: scripts and event handlers (the app serves it from its own
# address), entities (which can make a small file huge to read), or anything it would fetch.
_SVG_REFUSED = re.compile(
    r"<script|<!ENTITY|<!DOCTYPE|<foreignObject|\bon[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*[\"'](?!#|data:image/)",
    re.IGNORECASE,
)
OPTION_LABEL_MAX = 100  # a radio button's words: short enough to read at a glance
OPTION_HINT_MAX = 250


@dataclass(frozen=True)
class Colours:
    """The brand colour (header, footer rule, notice borders, chart bars), its light tint
    (backgrounds) and a border colour for panels on white."""

    brand: str
    tint: str
    border: str

    def css(self) -> str:
        """CSS custom properties on :root that give the compiled stylesheet these colours."""
        properties = {
            "--govuk-brand-colour": self.brand,
            "--govuk-template-background-colour": self.tint,
            "--govuk-surface-background-colour": self.tint,
            "--govuk-surface-border-colour": self.border,
            "--app-brand-colour": self.brand,
            "--app-brand-tint": self.tint,
            "--app-brand-border": self.border,
        }
        return ":root{" + ";".join(f"{name}:{value}" for name, value in properties.items()) + "}"


@dataclass(frozen=True)
class AccessibilityStatement:
    """What the accessibility statement says that only the partnership can say."""

    contact_id: str
    reply_within: str
    prepared_on: dt.date
    tested_on: dt.date | None = None
    known_issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Logo:
    """The partnership's logo for the header: its bytes (read at start-up), their type, and the
    text alternative that says what it shows."""

    file: str
    alt: str
    mimetype: str
    data: bytes = field(repr=False)

    @property
    def extension(self) -> str:
        """``svg`` or ``png``."""
        return "svg" if self.mimetype == "image/svg+xml" else "png"


@dataclass(frozen=True)
class RequestOption:
    """One answer offered on a request question that names local services: its ``id`` is what
    is stored with the request (and in the PDF's JSON), so it stays when the words change."""

    id: str
    label: Text
    hint: Text | None = None


@dataclass(frozen=True)
class Partnership:
    """A whole, loaded partnership file. Build it with ``check_partnership``."""

    path: str
    name: str
    short_name: str
    colours: Colours
    page_title_suffix: str
    footer_text: str
    footer_links: tuple[Link, ...]
    pdf_author: str
    email_signature: str
    accessibility: AccessibilityStatement
    examples: dict[str, str] = field(default_factory=dict)
    request_options: dict[str, tuple[RequestOption, ...]] = field(default_factory=dict)
    # The area's place names, in small letters (``places`` in the file), with which of them are a
    # whole city or borough (``boroughs``) and the names of the area's well-known hospitals
    # (``hospitals``) and its busy public streets and squares (``public_places``): the request's check
    # for identifying details (app/requests/guard.py) does not take "the Salford children" for a
    # family's surname, nor "Year 9 at Salford" for a school, nor "found in Piccadilly Gardens" for
    # a family's street, and warns about "hope hospital".
    places: Places = field(default_factory=Places)
    logo: Logo | None = None
    # The UK nation whose bank holidays the area keeps ("England"; "" if not said): a session
    # arranged on one is confirmed first (app/space_sessions/forms.py).
    bank_holidays: str = ""
    version: str = ""
    line_of: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)

    def option_labels(self, name: str, mode: str) -> dict[str, str]:
        """The request question ``name``'s answers (``request_options``): id to label, for ``mode``."""
        return {option.id: option.label.for_mode(mode) for option in self.request_options.get(name, ())}

    def option_hints(self, name: str, mode: str) -> dict[str, str]:
        """The hints of the request question ``name``'s answers that have one: id to hint, for ``mode``."""
        return {option.id: option.hint.for_mode(mode) for option in self.request_options.get(name, ()) if option.hint}


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio between two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix_with_white(colour: str, weight: float) -> str:
    """``weight`` of ``colour`` in white, as ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * weight):02x}" for c in channels)


_TOP_KEYS = {
    "name",
    "short_name",
    "colours",
    "page_title_suffix",
    "footer",
    "pdf_author",
    "email_signature",
    "accessibility",
    "examples",
    "request_options",
    "places",
    "boroughs",
    "hospitals",
    "public_places",
    "logo",
    "bank_holidays",
}
_COLOUR_KEYS = {"brand", "tint", "border"}
_FOOTER_KEYS = {"text", "links"}
_ACCESSIBILITY_KEYS = {"contact", "reply_within", "prepared_on", "tested_on", "known_issues"}
_EXAMPLE_KEYS = {"agency"}
_OPTION_KEYS = {"id", "label", "hint"}
_LOGO_KEYS = {"file", "alt"}


def _colour(reader: _Reader, data: _Mapping, key: str, node: str, required: bool) -> str | None:
    if key in data and data[key] is None:  # "brand: #106165": YAML reads the # as a comment's start
        reader.problem(
            node,
            key,
            f'is empty: a # starts a comment in YAML, so write the colour in quotes, like {key}: "#106165"',
            data.line_of(key),
        )
        return None
    value = reader.string(data, key, node, required=required)
    if value is None:
        return None
    if not _HEX_COLOUR.fullmatch(value):
        reader.problem(node, key, f"must be a colour written #rrggbb (like #106165), not {value!r}", data.line_of(key))
        return None
    return value.lower()


def _section(
    reader: _Reader, root: _Mapping, key: str, allowed: set[str], missing: str | None = None
) -> tuple[_Mapping, str] | None:
    """The file's ``key`` mapping, its unknown keys reported, and the node name to report its
    problems under. None when it is absent (a problem saying what it needs, when ``missing``
    is given: the section is required) or not a mapping (a problem)."""
    if missing is not None and key not in root:
        reader.problem(NODE, key, f"is missing ({missing})", root.line)
        return None
    if missing is None and root.get(key) is None:
        return None
    raw = reader.mapping(root.get(key), NODE, key, root.line_of(key))
    if raw is None:
        return None
    node = f"{NODE} {key}"
    reader.unknown_keys(raw, allowed, node)
    return raw, node


def _colours(reader: _Reader, root: _Mapping) -> Colours:
    fallback = Colours("#000000", WHITE, "#000000")
    section = _section(reader, root, "colours", _COLOUR_KEYS, "brand: the brand colour, like #106165")
    if section is None:
        return fallback
    raw, node = section
    brand = _colour(reader, raw, "brand", node, required=True)
    if brand is None:
        return fallback
    tint = _colour(reader, raw, "tint", node, required=False) or mix_with_white(brand, TINT_WEIGHT)
    border = _colour(reader, raw, "border", node, required=False) or mix_with_white(brand, BORDER_WEIGHT)
    ratio = contrast_ratio(brand, WHITE)
    if ratio < AA_TEXT_CONTRAST:
        reader.problem(
            node,
            "brand",
            f"{brand} has a contrast of {ratio:.1f}:1 with white (the header's text), below the "
            f"{AA_TEXT_CONTRAST}:1 that WCAG AA needs: choose a darker colour",
            raw.line_of("brand"),
        )
    # The colour written on the tint that it contrasts least with (for a light tint, the link colour).
    ratio, colour = min((contrast_ratio(tint, colour), colour) for colour in TINT_TEXT_COLOURS)
    if ratio < AA_TEXT_CONTRAST:
        reader.problem(
            node,
            "tint",
            f"{tint} has a contrast of {ratio:.1f}:1 with {TINT_TEXT_COLOURS[colour]} {colour}, below the "
            f"{AA_TEXT_CONTRAST}:1 that WCAG AA needs: choose a lighter tint",
            raw.line_of("tint"),
        )
    return Colours(brand, tint, border)


def _optional_date(reader: _Reader, data: _Mapping, key: str, node: str) -> dt.date | None:
    return reader.date(data, key, node) if data.get(key) is not None else None


# How soon people are answered about accessibility is read as "We will reply within …": a length of
# time, with its unit. Found (hard-to-break review): "reply_within: 10" was taken, and the public
# statement said "We will reply within 10."
# ("A fortnight" is a length of time too, in British English.)
_A_TIME = re.compile(r"\b(?:hours?|days?|weeks?|fortnights?|months?)\b", re.IGNORECASE)


def _accessibility(reader: _Reader, root: _Mapping) -> AccessibilityStatement:
    empty = AccessibilityStatement("", "", dt.date.min)
    section = _section(
        reader, root, "accessibility", _ACCESSIBILITY_KEYS, "contact, reply_within, prepared_on: for the statement"
    )
    if section is None:
        return empty
    raw, node = section
    issues: list[str] = []
    value = raw.get("known_issues")
    if value is not None:
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            reader.problem(
                node, "known_issues", "must be a list of what is not accessible, in words", raw.line_of("known_issues")
            )
        else:
            issues = [_clean(item) for item in value]
    prepared_on = reader.date(raw, "prepared_on", node)
    tested_on = _optional_date(reader, raw, "tested_on", node)
    reply_within = _clean(reader.string(raw, "reply_within", node) or "")
    if reply_within and not _A_TIME.search(reply_within):
        reader.problem(
            node,
            "reply_within",
            f'must say how long, with its unit, as the statement reads "We will reply within {reply_within}.": '
            "for example 10 working days, or 2 weeks",
            raw.line_of("reply_within"),
        )
    return AccessibilityStatement(
        contact_id=reader.string(raw, "contact", node) or "",
        reply_within=reply_within,
        prepared_on=prepared_on,
        tested_on=tested_on,
        known_issues=tuple(issues),
    )


def _examples(reader: _Reader, root: _Mapping) -> dict[str, str]:
    section = _section(reader, root, "examples", _EXAMPLE_KEYS)
    if section is None:
        return {}
    raw, node = section
    found = {key: reader.string(raw, key, node, required=False) for key in sorted(_EXAMPLE_KEYS)}
    return {key: _clean(value) for key, value in found.items() if value is not None}


# A place name: one word of letters, or words joined by hyphens or an apostrophe ("Stoke-on-Trent",
# "King's"), as the check reads the word before "children" or "family".
_PLACE = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")
PLACES_MAX = 500


# A hospital's name without "Hospital": one to four such words ("Hope", "Stepping Hill"); a
# public place's, one to five ("Piccadilly Gardens", "St Peter's Square").
_HOSPITAL_NAME = re.compile(rf"{_PLACE.pattern}(?: {_PLACE.pattern}){{0,3}}")
_PUBLIC_PLACE_NAME = re.compile(rf"{_PLACE.pattern}(?: {_PLACE.pattern}){{0,4}}")


def _places(reader: _Reader, root: _Mapping) -> Places:
    """The area's place names (optional): the city or borough and its towns and neighbourhoods;
    which of them (or of the boroughs around) name a whole city or borough; the names its
    well-known hospitals are known by; and its busy public streets, squares and stations."""
    return Places(
        _place_names(reader, root, "places"),
        _place_names(reader, root, "boroughs"),
        _place_names(reader, root, "hospitals"),
        _place_names(reader, root, "public_places"),
    )


def _place_names(reader: _Reader, root: _Mapping, key: str) -> frozenset[str]:
    """The names listed under ``key`` (optional), in small letters: one word each, or for
    ``hospitals`` up to four words, for ``public_places`` up to five."""
    value = root.get(key)
    if value is None:
        return frozenset()
    line = root.line_of(key)
    example = {"hospitals": "[Hope, Stepping Hill]", "public_places": "[Market Street, Piccadilly Gardens]"}.get(
        key, "[Northmere, Eastwick]"
    )
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        words = "names" if key in ("hospitals", "public_places") else "place names, one word each"
        reader.problem(NODE, key, f"must be a list of {words}, like {example}", line)
        return frozenset()
    if len(value) > PLACES_MAX:
        reader.problem(NODE, key, f"has {len(value)} names: at most {PLACES_MAX}", line)
        return frozenset()
    if key == "hospitals":
        wrong = [
            item
            for item in value
            if not _HOSPITAL_NAME.fullmatch(" ".join(item.split()))
            or item.split()[-1].lower() in ("hospital", "infirmary")
        ]
        # (Found, another area's review: "Eastmoor Royal Infirmary" was refused as if it said "Hospital".)
        said = "must name each hospital in one to four words of letters, without the word Hospital or Infirmary"
    elif key == "public_places":
        wrong = [item for item in value if not _PUBLIC_PLACE_NAME.fullmatch(" ".join(item.split()))]
        said = "must name each public place in one to five words of letters"
    else:
        wrong = [item for item in value if not _PLACE.fullmatch(item.strip())]
        said = "must name one place a word, in letters (words may be joined with - or ')"
    if wrong:
        tail = "" if key in ("hospitals", "public_places") else ": a place of two words is two names"
        reader.problem(NODE, key, f"{said}, not {wrong[0]!r}{tail}", line)
        return frozenset()
    return frozenset(" ".join(item.split()).replace("\u2019", "'").lower() for item in value)


def _logo(reader: _Reader, root: _Mapping, folder: Path, partnership_name: str) -> Logo | None:
    """The logo, if the file gives one: a readable SVG or PNG file under ``folder`` (the
    partnership file's), at most ``LOGO_MAX_BYTES``, with its text alternative, which may not
    repeat the partnership's name: the header shows the name as text beside the logo, and a
    screen reader reads the two together."""
    section = _section(reader, root, "logo", _LOGO_KEYS)
    if section is None:
        return None
    raw, node = section
    alt = reader.string(raw, "alt", node)
    if alt is not None and len(alt) > LOGO_ALT_MAX:
        reader.problem(
            node,
            "alt",
            f"is {len(alt)} characters: say what the logo shows in {LOGO_ALT_MAX} or fewer",
            raw.line_of("alt"),
        )
    elif alt and partnership_name and partnership_name.casefold() in " ".join(alt.split()).casefold():
        reader.problem(
            node,
            "alt",
            "repeats the partnership's name, which the header shows beside the logo, so a screen reader "
            "would read the name twice: say what the logo shows, such as 'a star over two waves'",
            raw.line_of("alt"),
        )
    name = reader.string(raw, "file", node)
    if name is None:
        return None
    line = raw.line_of("file")
    path = Path(name)
    mimetype = LOGO_TYPES.get(path.suffix.lower())
    if mimetype is None:
        reader.problem(node, "file", f"{name} must be an SVG or PNG file (ending .svg or .png)", line)
        return None
    resolved = (folder / path).resolve()
    if path.is_absolute() or not resolved.is_relative_to(folder.resolve()):
        reader.problem(
            node, "file", f"{name} must be a file in the partnership file's folder ({folder}), named from there", line
        )
        return None
    try:
        size = resolved.stat().st_size
        data = resolved.read_bytes() if resolved.is_file() and size <= LOGO_MAX_BYTES else b""
    except FileNotFoundError:
        # Found (maintainer review): the README's way of changing a live file, a copy in /tmp
        # checked with `rules check --partnership`, was refused for the logo left behind, with
        # nothing to say the logo is looked for beside the file.
        reader.problem(
            node,
            "file",
            f"{resolved} cannot be read (there is no such file): the logo is read from the partnership file's own "
            f"folder ({folder}), so put {name} there, beside it (a copy checked somewhere else needs its logo "
            "copied beside it)",
            line,
        )
        return None
    except OSError as error:
        reader.problem(node, "file", f"{resolved} cannot be read ({error.strerror or error})", line)
        return None
    if not resolved.is_file():
        reader.problem(node, "file", f"{resolved} is not a file", line)
        return None
    if size > LOGO_MAX_BYTES:
        reader.problem(
            node, "file", f"{resolved} is {size:,} bytes: a logo must be {LOGO_MAX_BYTES:,} bytes or less", line
        )
        return None
    problem = _logo_content_problem(data, mimetype)
    if problem is not None:
        reader.problem(node, "file", f"{resolved} {problem}", line)
        return None
    return Logo(str(resolved), _clean(alt or ""), mimetype, data)


_SVG_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_NAMED_COLOURS = {"white": "#ffffff", "black": "#000000"}
_PAINT = re.compile(r"(?:fill|stroke)\s*:\s*([^;}]+)", re.IGNORECASE)
_FILL_SET = re.compile(r"(?:^|;)\s*fill\s*:", re.IGNORECASE)
# What an SVG draws with a fill (black unless one is given, on it or an element around it).
_FILLED_SHAPES = frozenset({"path", "rect", "circle", "ellipse", "polygon", "text", "tspan", "textPath"})


def _svg_colours(data: bytes) -> set[str] | None:
    """The colours an SVG logo is drawn in, as ``#rrggbb`` (black where it gives none, as an SVG
    draws then); None when it uses one that cannot be told here (a gradient, rgb(), most names)."""
    try:
        # A logo read at start-up, so checked by ``_logo_content_problem``: no DOCTYPE, no entities.
        root = ElementTree.fromstring(data)  # noqa: S314
    except (ElementTree.ParseError, ValueError, LookupError):
        return None
    given: list[str] = []
    styled = False  # a <style> block: which shapes it fills cannot be told here
    for element in root.iter():
        given += [value for value in (element.get("fill"), element.get("stroke")) if value is not None]
        given += _PAINT.findall(element.get("style") or "")
        if _local_name(element.tag)[1] == "style":
            given += _PAINT.findall(element.text or "")
            styled = True
    colours: set[str] = set()
    for value in (value.strip().lower() for value in given):
        if value in ("none", "transparent"):
            continue
        found = _SVG_HEX_COLOUR.fullmatch(value)
        if found is not None:
            digits = found[1] if len(found[1]) == 6 else "".join(digit * 2 for digit in found[1])
            colours.add(f"#{digits}")
        elif value in _NAMED_COLOURS:
            colours.add(_NAMED_COLOURS[value])
        else:
            return None
    # A shape given no fill, on it or around it, is drawn black (found, regression review: a logo
    # with its text left black beside a shape in the brand colour was called unseen).
    if not colours or (not styled and _unfilled_shape(root, False)):
        colours.add("#000000")
    return colours


def _unfilled_shape(element: ElementTree.Element, filled: bool) -> bool:
    """Whether a shape in ``element`` (``filled``: given a fill around it) has no fill of its own or around it."""
    filled = filled or element.get("fill") is not None or bool(_FILL_SET.search(element.get("style") or ""))
    if not filled and _local_name(element.tag)[1] in _FILLED_SHAPES:
        return True
    return any(_unfilled_shape(child, filled) for child in element)


def logo_unseen_on_brand(partnership: Partnership) -> list[Problem]:
    """A warning when an SVG logo is drawn only in colours under 3:1 against the brand colour, the
    header it stands on (WCAG 2.2's 1.4.11 for graphics): found (another area's review), a logo in
    the brand colour itself was taken in silence, and the header's logo could not be seen."""
    logo = partnership.logo
    if logo is None or logo.mimetype != LOGO_TYPES[".svg"] or not partnership.colours.brand:
        return []
    colours = _svg_colours(logo.data)
    if not colours:
        return []
    best = max(contrast_ratio(colour, partnership.colours.brand) for colour in colours)
    if best >= LOGO_CONTRAST_MIN:
        return []
    return [
        Problem(
            partnership.path,
            f"{NODE} logo",
            "file",
            f"{logo.file} is drawn only in colours of at most {best:.1f}:1 against the brand colour "
            f"{partnership.colours.brand}, the header it stands on, so it would hardly be seen: use a version of the "
            f"logo that reads on it (white, say), at least {LOGO_CONTRAST_MIN:g}:1",
            partnership.line_of.get("logo"),
        )
    ]


# The least contrast a logo's colours need against the header (WCAG 2.2, 1.4.11 Non-text Contrast).
LOGO_CONTRAST_MIN = 3.0


def _logo_content_problem(data: bytes, mimetype: str) -> str | None:
    """Why the logo's bytes are not a logo of their type, or None."""
    if mimetype == "image/png":
        if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 24:
            return "is not a PNG image (it does not start as one does)"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        if max(width, height) > LOGO_MAX_PIXELS:
            return (
                f"is {width:,} by {height:,} pixels: a logo must be {LOGO_MAX_PIXELS:,} pixels or less each way "
                "(every browser that shows it holds every pixel in memory; save it smaller)"
            )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "is not an SVG image (it is not text in UTF-8)"
    if not re.search(r"<svg\b", text):
        return "is not an SVG image (it has no <svg> element)"
    refused = _SVG_REFUSED.search(text)
    if refused is None:
        try:
            # No DOCTYPE (refused above), so no entities to expand: expat alone is safe here.
            root = ElementTree.fromstring(data)  # noqa: S314
        except (ElementTree.ParseError, ValueError, LookupError) as error:
            return f"is not an SVG image (it cannot be read as XML: {error})"
        refused_words = _svg_tree_problem(data, root)
    else:
        refused_words = refused.group(0).strip()
    if refused_words is not None:
        return (
            f"holds {refused_words!r}: a logo may not have scripts, entities or links to other files, "
            f"or draw more than {SVG_MAX_DRAWN:,} shapes (save it as plain SVG, or as PNG)"
        )
    return None


_XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
# Elements that run code or show another document, in whatever namespace prefix they are written.
_SVG_REFUSED_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"})
# In the text of a <style> element or a style attribute: a stylesheet or a file it would fetch
# ("@import", "url(https://...)"); "url(#gradient)" names a part of the logo itself.
_CSS_FETCH = re.compile(r"@import|url\(\s*[\"']?\s*(?![\s\"'#])", re.IGNORECASE)
# Where the parsed text, character references decoded ("&#106;avascript:"), would run code.
_CODE_URL = re.compile(r"(?:java|vb)script:", re.IGNORECASE)
# How many shapes the logo may draw, counting each <use> as a copy of what it names: a few
# hundred bytes of <use> nested in <use> would otherwise draw millions of shapes.
SVG_MAX_DRAWN = 10_000


def _local_name(name: str) -> tuple[str, str]:
    """An ElementTree name ("{namespace}local") as its namespace and local name."""
    namespace, _, local = name.rpartition("}")
    return namespace.lstrip("{"), local


def _svg_tree_problem(data: bytes, root: ElementTree.Element) -> str | None:
    """What the parsed SVG holds that a logo may not (the patterns above read the text as it
    is written: a prefix ("<svg:script>"), a character reference ("&#106;avascript:") or CSS
    hide what a parser and a browser read), or None. ``root`` is ``data`` parsed: it has no
    DOCTYPE, so no entities."""
    if re.search(rb"<\?xml-stylesheet", data, re.IGNORECASE):
        return "<?xml-stylesheet"
    by_id: dict[str, ElementTree.Element] = {}
    for element in root.iter():
        namespace, local = _local_name(str(element.tag))
        if namespace == _XHTML_NAMESPACE or local.lower() in _SVG_REFUSED_ELEMENTS:
            return f"<{local}>"
        if local == "style" and (fetch := _CSS_FETCH.search(element.text or "")):
            return fetch[0]
        for name, value in element.attrib.items():
            _, attribute = _local_name(name)
            if attribute.lower().startswith("on"):
                return f"{attribute}="
            if _CODE_URL.search(re.sub(r"[\s\x00-\x1f]", "", value)):
                return f'{attribute}="{value}"'
            if attribute in ("href", "src") and not value.strip().startswith(("#", "data:image/")):
                return f'{attribute}="{value}"'
            if found := _CSS_FETCH.search(value):  # a style, or a paint: fill="url(https://...)"
                return found[0]
            if attribute == "id":
                by_id[value] = element
    return _too_many_drawn(root, by_id)


def _too_many_drawn(root: ElementTree.Element, by_id: dict[str, ElementTree.Element]) -> str | None:
    """ "<use>" if drawing ``root`` would draw more than ``SVG_MAX_DRAWN`` shapes, a <use>
    drawing a copy of what it names, or naming itself (None otherwise)."""
    counted: dict[int, int] = {}
    drawing: set[int] = set()

    def drawn(element: ElementTree.Element) -> int:
        key = id(element)
        if key in counted:
            return counted[key]
        if key in drawing:
            return SVG_MAX_DRAWN + 1  # a <use> inside what it names: drawn without end
        drawing.add(key)
        total = 1 + sum(drawn(child) for child in element)
        if _local_name(str(element.tag))[1] == "use":
            target = next((value for name, value in element.attrib.items() if _local_name(name)[1] == "href"), "")
            if target.startswith("#") and target[1:] in by_id:
                total += drawn(by_id[target[1:]])
        drawing.discard(key)
        counted[key] = total = min(total, SVG_MAX_DRAWN + 1)
        return total

    try:
        return "<use>" if drawn(root) > SVG_MAX_DRAWN else None
    except RecursionError:  # thousands of elements each inside the last: no logo is drawn so
        return "elements nested too deep to count"


def _unexplained_acronyms(text: str) -> list[str]:
    """The acronyms in ``text`` not spelled out in it (CONTENT.md: every acronym explained on
    first use): each needs its meaning after it, "MASH (multi-agency safeguarding hub)" or
    "MASH: multi-agency safeguarding hub", or must stand in brackets after its meaning, "Team
    Around the Family (TAF)"."""
    return [acronym for acronym in acronyms_in(text) if not spelled_out(acronym, text)]


# What the accessibility statement (templates/main/accessibility.html) spells out, or names as it
# is, above its known issues: "Web Content Accessibility Guidelines (WCAG) version 2.2 at level
# AA". A known issue in GOV.UK's model wording ("fails WCAG 2.2 success criterion 1.4.3, level
# AA") says no more than the page around it.
STATEMENT_EXPLAINS = frozenset({"WCAG", "AA", "AAA"})


def _check_acronyms(reader: _Reader, texts: list[tuple[str, str, str, int | None]]) -> None:
    """The partnership's own words that pages and emails show (the footer on every page, the
    email signature, the hint under "Agency or team", the accessibility statement's known
    issues) spell out each acronym in them, as the request's answers must. Found (maintainer
    review): a footer "run by the SSCP." and a hint "For example, the MASH or CAMHS team" passed
    `rules check` and showed on every page, or the request, unexplained."""
    for node, name, text, line in texts:
        explained = STATEMENT_EXPLAINS if name.startswith("known_issues[") else frozenset()
        for acronym in (acronym for acronym in _unexplained_acronyms(text) if acronym not in explained):
            reader.problem(
                node,
                name,
                f"uses the acronym {acronym} without spelling it out: give its meaning after it, like "
                f'"{acronym} (what it stands for)", or write it in words',
                line,
            )
        # Found (partnership review): "<b>…</b>" or "**…**" in the footer or a known issue, as
        # copied from a web page or a document, passed, and every page showed the marks as typed.
        if (markup := MARKUP.search(text)) is not None:
            reader.problem(
                node,
                name,
                f"has {markup.group(0)!r} in it, which is shown just as it is written: write plain words, without "
                "HTML or Markdown",
                line,
            )


def _option_words(reader: _Reader, raw: _Mapping, key: str, node: str, limit: int, required: bool) -> Text | None:
    """An option's label or hint, in each mode, checked for plain English: one line, not too
    long, and no markup."""
    words = reader.text(raw, key, node, required=required, longest=limit)  # which refuses one too long
    if words is None:
        return None
    for variant in dict.fromkeys((words.practitioner, words.supervision)):
        if len(variant) <= limit and ("\n" in variant or "<" in variant or ">" in variant):
            reader.problem(node, key, "must be one line of plain words, without markup", raw.line_of(key))
    return words


def _former_ids(name: str) -> str:
    """What to keep when writing ``name``'s answers for the first time: the ids requests hold."""
    former = FORMER_OPTION_IDS.get(name)
    if not former:
        return ""
    return f"; keep the ids requests made before hold ({', '.join(former)}), each with a label in your area's words"


def _request_options(reader: _Reader, root: _Mapping) -> dict[str, tuple[RequestOption, ...]]:
    wanted = ", ".join(f"{name} ({what})" for name, what in REQUEST_OPTION_FIELDS.items())
    keep = "".join(_former_ids(name) for name in REQUEST_OPTION_FIELDS)
    section = _section(
        reader,
        root,
        "request_options",
        set(REQUEST_OPTION_FIELDS),
        f"the answers offered on the request form's questions that name local services: {wanted}. "
        f"Add a request_options section at the end of the file, as in {REQUEST_OPTIONS_EXAMPLES}{keep}",
    )
    if section is None:
        return {}
    raw, node = section
    found: dict[str, tuple[RequestOption, ...]] = {}
    for name in REQUEST_OPTION_FIELDS:
        if name not in raw:
            reader.problem(
                node,
                name,
                f"is missing (the answers offered for {REQUEST_OPTION_FIELDS[name]}: a list of {{id, label}}, "
                f"as in {REQUEST_OPTIONS_EXAMPLES}{_former_ids(name)})",
                raw.line,
            )
            continue
        answers = raw.get(name)
        if not isinstance(answers, list) or len(answers) < 2:
            reader.problem(node, name, "must be a list of at least two answers, each {id, label}", raw.line_of(name))
            continue
        options: list[RequestOption] = []
        for position, item in enumerate(reader.items(raw, name, node), start=1):
            where = f"{node} {name}[{position}]"
            reader.unknown_keys(item, _OPTION_KEYS, where)
            option_id = reader.ident(item, "id", where)
            label = _option_words(reader, item, "label", where, OPTION_LABEL_MAX, required=True)
            hint = _option_words(reader, item, "hint", where, OPTION_HINT_MAX, required=False)
            if option_id is None or label is None:
                continue
            if option_id in {option.id for option in options}:
                reader.problem(
                    where, "id", f"{option_id!r} is used by another answer: each needs its own", item.line_of("id")
                )
            said = sorted({label.for_mode(mode) + (f" {hint.for_mode(mode)}" if hint else "") for mode in MODES})
            labels = {acronym for mode in MODES for acronym in acronyms_in(label.for_mode(mode))}
            for acronym in dict.fromkeys(unexplained for text in said for unexplained in _unexplained_acronyms(text)):
                # Named where it is used: found (partnership review), one in the hint alone was
                # named as the label's, at the label's line.
                key = "label" if acronym in labels else "hint"
                reader.problem(
                    where,
                    key,
                    f"uses the acronym {acronym} without spelling it out: give its meaning after it, like "
                    f'"{acronym} (what it stands for)" or "{acronym}: what it stands for", in the label or the hint',
                    item.line_of(key),
                )
            options.append(RequestOption(option_id, label, hint))
        found[name] = tuple(options)
    return found


def parse_partnership(data: object, file: str) -> tuple[Partnership | None, list[Problem]]:
    """Build a Partnership from parsed YAML, with every problem found in reading it.

    When there are problems, the Partnership (None only when the file is not a mapping) has
    a placeholder for each part that could not be read, so ``cross_check`` can still report
    what the rest contradicts in the same run: it must not be used for anything else."""
    reader = _Reader(file)
    root = reader.mapping(data, NODE, "(top level)", 1)
    if root is None:
        return None, reader.problems
    reader.unknown_keys(root, _TOP_KEYS, NODE)
    name = _clean(reader.string(root, "name", NODE) or "")
    short_name = _clean(reader.string(root, "short_name", NODE) or "")
    colours = _colours(reader, root)
    footer_text = f"{SERVICE_NAME} is run by the {name}."
    footer_links: tuple[Link, ...] = ()
    footer_written = ""  # the footer's text as the file gives it: else it says the name, checked as the name
    if root.get("footer") is not None:
        footer = reader.mapping(root.get("footer"), NODE, "footer", root.line_of("footer"))
        if footer is not None:
            reader.unknown_keys(footer, _FOOTER_KEYS, f"{NODE} footer")
            footer_written = _clean(reader.string(footer, "text", f"{NODE} footer", required=False) or "")
            footer_text = footer_written or footer_text
            footer_links = _links(reader, footer, f"{NODE} footer")
    signature = reader.string(root, "email_signature", NODE, required=False)
    examples = _examples(reader, root)
    accessibility = _accessibility(reader, root)
    logo = _logo(reader, root, Path(file).parent, name)
    title_suffix = reader.string(root, "page_title_suffix", NODE, required=False)
    # Found (maintainer review): also read by people, yet not checked: the footer links' words
    # (every page), how soon the accessibility statement says people get an answer, and the
    # logo's text alternative (read out beside the name on every page).
    # Each named at its own line (found, maintainer review: a footer link's words, or the third
    # known issue, were named at the line their section starts on).
    _check_acronyms(
        reader,
        [
            # Found (partnership review): with no footer text given, an acronym as the name was
            # refused twice, the second time as the footer's text, which the file did not give.
            (f"{NODE} footer", "text", footer_written, _line_in(root, "footer", "text")),
            *(
                (f"{NODE} footer", f"links[{n}] text", link.text, link.line or root.line_of("footer"))
                for n, link in enumerate(footer_links, start=1)
            ),
            (NODE, "email_signature", signature or "", root.line_of("email_signature")),
            (f"{NODE} examples", "agency", examples.get("agency", ""), _line_in(root, "examples", "agency")),
            (
                f"{NODE} accessibility",
                "reply_within",
                accessibility.reply_within,
                _line_in(root, "accessibility", "reply_within"),
            ),
            *(
                (
                    f"{NODE} accessibility",
                    f"known_issues[{n}]",
                    issue,
                    _line_in(root, "accessibility", "known_issues", n),
                )
                for n, issue in enumerate(accessibility.known_issues, start=1)
            ),
            (f"{NODE} logo", "alt", logo.alt if logo is not None else "", _line_in(root, "logo", "alt")),
            # Found (partnership review): "Space to Think – SSCP" passed, and every page's title,
            # the first words a screen reader says and all a browser's tab shows, named it so; and
            # "name: SSCP" (the full name, shown in every page's header) passed as well.
            (NODE, "page_title_suffix", title_suffix or "", root.line_of("page_title_suffix")),
            (NODE, "name", name, root.line_of("name")),
        ],
    )
    partnership = Partnership(
        path=file,
        name=name,
        short_name=short_name,
        colours=colours,
        page_title_suffix=_clean(title_suffix or f"{SERVICE_NAME} – {name}"),
        footer_text=footer_text,
        footer_links=footer_links,
        # At the top of every PDF page, beside the reference: longer, it wraps into it (regression review).
        pdf_author=_clean(
            reader.string(root, "pdf_author", NODE, required=False, longest=PDF_AUTHOR_MAX) or f"{SERVICE_NAME}, {name}"
        ),
        # Line breaks are kept: a signature is usually several lines.
        email_signature="\n".join(line.strip() for line in (signature or SERVICE_NAME).strip().splitlines()),
        accessibility=accessibility,
        examples=examples,
        request_options=_request_options(reader, root),
        places=_places(reader, root),
        logo=logo,
        bank_holidays=_nation(reader, root),
        version=_content_hash(data),
        line_of={key: root.line_of(key) for key in _TOP_KEYS} | _statement_date_lines(root),
    )
    return partnership, reader.problems


def _nation(reader: _Reader, root: _Mapping) -> str:
    """The nation named by ``bank_holidays`` (as ``BANK_HOLIDAY_NATIONS`` spells it), or ""."""
    if "bank_holidays" not in root:
        return ""
    given = root.get("bank_holidays")
    nations = {name.lower(): name for name in BANK_HOLIDAY_NATIONS}
    if not isinstance(given, str) or given.strip().lower() not in nations:
        reader.problem(
            NODE,
            "bank_holidays",
            "must name the nation whose bank holidays the area keeps: England, Wales, Scotland or Northern Ireland",
            root.line_of("bank_holidays"),
        )
        return ""
    nation = nations[given.strip().lower()]
    bank_holidays(nation, dt.date.today().year)  # (loaded now: a fault in the package stops start-up)
    return nation


def _line_in(root: _Mapping, section: str, key: str, position: int | None = None) -> int | None:
    """The line of ``key`` in the file's ``section`` (of its item at ``position``, from 1, for a
    list), else the section's own line."""
    raw = root.get(section)
    if not isinstance(raw, _Mapping):
        return root.line_of(section)
    return raw.line_of(key) if position is None else raw.line_of_item(key, position)


def _statement_date_lines(root: _Mapping) -> dict[str, int | None]:
    """The lines of the accessibility statement's dates, for ``future_statement_dates``."""
    section = root.get("accessibility")
    if not isinstance(section, _Mapping):
        return {}
    return {f"accessibility.{key}": section.line_of(key) for key in ("prepared_on", "tested_on")}


def _near_contact(missing: str, contacts: ContactBook) -> str:
    """ " (did you mean 'x'?)": the contact id ``missing`` most likely meant, if one is near it."""
    meant = difflib.get_close_matches(missing, sorted(c.id for c in contacts.contacts), n=1, cutoff=0.75)
    return f" (did you mean {meant[0]!r}?)" if meant else ""


# The longest pdf_author: it is printed at the top of every page of every PDF, beside the reference.
PDF_AUTHOR_MAX = 120


# The contacts file shipped with the code: the shipped partnership's (Salford's) services and numbers.
SHIPPED_CONTACTS = DEFAULT_PARTNERSHIP.parent / "contacts.yaml"


@functools.cache
def _shipped() -> tuple[bytes, str, tuple[str, ...]]:
    """The shipped contacts file's bytes, the shipped partnership's name, and the words that name
    its area: the first word of its name and its short name (each read once in a process)."""
    shipped, _ = read_partnership(DEFAULT_PARTNERSHIP)
    name = shipped.name if shipped is not None else ""
    words = [name.split()[0]] if name else []
    if shipped is not None and shipped.short_name and shipped.short_name not in words:
        words.append(shipped.short_name)
    return SHIPPED_CONTACTS.read_bytes(), name, tuple(words)


def _another_area(partnership: Partnership, shipped_name: str, words: tuple[str, ...]) -> bool:
    """Whether ``partnership`` is another area's than the shipped partnership (``shipped_name``,
    its area and short name ``words``): not when it has the same name, nor when its name or short
    name still names the shipped area (found, regression review: the shipped partnership under a
    new name, "Salford Children's Safeguarding Partnership", was refused its own contacts)."""
    if not shipped_name or not partnership.name or partnership.name == shipped_name or not words:
        return False
    own = f"{partnership.name} {partnership.short_name or ''}"
    return words_pattern(words).search(own) is None


@functools.cache
def _shipped_places() -> Places | None:
    """The shipped partnership file's place lists (read once in a process)."""
    shipped, _ = read_partnership(DEFAULT_PARTNERSHIP)
    return shipped.places if shipped is not None else None


def shipped_place_lists(partnership: Partnership) -> list[Problem]:
    """A warning when another area's partnership file keeps any of the shipped partnership's own place
    lists unchanged (its towns and neighbourhoods, its hospitals, its busy public places): found
    (regression review), a copy of the shipped file with its name changed kept Salford's, which the
    request form uses to tell what in a request could identify a family, and nothing said so. Not
    the boroughs: a neighbour may well list the same ones (regression review: a Trafford file
    listing Greater Manchester's ten was told to leave them out)."""
    try:
        _, shipped_name, words = _shipped()
        shipped = _shipped_places()
    except OSError:
        return []
    if shipped is None or not _another_area(partnership, shipped_name, words):
        return []
    own = partnership.places
    lists = {
        "places": (own - own.boroughs, shipped - shipped.boroughs),
        "boroughs": (own.boroughs, shipped.boroughs),
        "hospitals": (own.hospitals, shipped.hospitals),
        "public_places": (own.public, shipped.public),
    }
    copied = [key for key, (own_list, theirs) in lists.items() if key != "boroughs" and own_list and own_list == theirs]
    if not copied:
        return []
    also = f", as {'is' if len(copied) == 2 else 'are'} {' and '.join(copied[1:])}" if copied[1:] else ""
    return [
        Problem(
            partnership.path,
            NODE,
            copied[0],
            f"is {shipped_name}'s list, unchanged{also}. The "
            "request form uses the place lists to tell what in a request could identify a family (a place in the "
            "area) and what does not (the name of a hospital or a public place): list your own area's instead.",
            partnership.line_of.get(copied[0]),
        )
    ]


def shipped_partnership_words(partnership: Partnership) -> tuple[tuple[str, ...], str]:
    """The shipped partnership's area and short name (``_shipped``), and its name, when
    ``partnership`` is another area's; else nothing to look for."""
    try:
        _, shipped_name, words = _shipped()
    except OSError:
        return (), ""
    if not _another_area(partnership, shipped_name, words):
        return (), ""
    return words, shipped_name


# The example deployment the README says to start from (examples/northmere/): a fictional area.
EXAMPLE_PARTNERSHIP = DEFAULT_PARTNERSHIP.parents[2] / "examples" / "northmere" / "partnership.yaml"


@functools.cache
def _example(path: Path) -> tuple[str, tuple[str, ...]]:
    """The example partnership's name, and the words that name its area (the first word of its
    name and its short name), read once in a process; nothing when it cannot be read."""
    example, _ = read_partnership(path)
    if example is None or not example.name:
        return "", ()
    words = [example.name.split()[0]] + ([example.short_name] if example.short_name else [])
    return example.name, tuple(dict.fromkeys(words))


def example_partnership_words(partnership: Partnership) -> tuple[tuple[str, ...], str]:
    """The example partnership's area and short name, and its name, when ``partnership`` is
    another's (not the example itself, nor one still naming it); else nothing to look for. Found
    (another area's review): "In Northmere, professionals cannot refer anonymously", left in an
    area's pack copied from the example, passed `rules check` in silence and reached its pages.
    Refused in production: the example's area is fictional, so no real area names it."""
    try:
        name, words = _example(EXAMPLE_PARTNERSHIP)
    except OSError:
        return (), ""
    if not name or not partnership.name or partnership.name == name:
        return (), ""
    if words_pattern(words).search(f"{partnership.name} {partnership.short_name or ''}"):
        return (), ""
    return words, name


def shipped_contacts_elsewhere(partnership: Partnership, contacts: ContactBook) -> Problem | None:
    """A warning if ``contacts`` is the shipped contacts file (its path, or a copy of it unchanged)
    while the partnership is another: every page, email and PDF would give the shipped partnership's
    services and phone numbers under this one's name. Found (another area's review): with
    CONTACTS_PATH left unset, Northmere's pages gave Salford's children's social care number, and
    nothing said so. A warning in `rules check` and elsewhere; production refuses to start with it
    (app/pack.py). Only while the file still names the shipped area: a file put in the shipped one's
    place, with another area's contacts, is theirs (regression review: it was refused as Salford's)."""
    try:
        shipped_bytes, shipped_name, words = _shipped()
        given = Path(contacts.path)
        read = given.read_bytes()
        same = given.resolve() == SHIPPED_CONTACTS.resolve() or read == shipped_bytes
    except OSError:
        return None
    if not same or not _another_area(partnership, shipped_name, words):
        return None
    if words_pattern(words).search(read.decode("utf-8", "replace")) is None:
        return None
    return Problem(
        contacts.path,
        "",
        "",
        f"is the contacts file shipped for {shipped_name}, but the partnership file ({partnership.path}) is "
        f"{partnership.name}'s: its services and phone numbers are not yours. Set CONTACTS_PATH (or `rules check "
        '--contacts`) to your area\'s contacts file (README, "Deploying it for another area")',
    )


# Pages every area may link to (national guidance), never taken for the shipped area's own.
NATIONAL_HOSTS = frozenset({"gov.uk", "www.gov.uk", "nhs.uk", "www.nhs.uk", "www.legislation.gov.uk"})


def _digits(phone: str) -> str:
    return "".join(character for character in phone if character.isdigit())


@functools.cache
def _shipped_details(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The shipped contacts' (``path``'s) own phone numbers (digits → the contact's name) and web and email
    hosts (host → the contact's name): not the emergency services' short numbers, nor national
    freephone lines, nor national pages (``NATIONAL_HOSTS``). Read once in a process."""
    shipped, _ = check_contacts(path)
    numbers: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for contact in shipped.contacts if shipped is not None else ():
        digits = _digits(contact.phone or "")
        if len(digits) >= 7 and not digits.startswith("08"):
            numbers.setdefault(digits, contact.name)
        for host in [urlsplit(link.url).hostname or "" for link in contact.links] + [
            (contact.email or "").rpartition("@")[2].lower()
        ]:
            if host and host not in NATIONAL_HOSTS:
                hosts.setdefault(host, contact.name)
    return numbers, hosts


def shipped_details_elsewhere(partnership: Partnership, contacts: ContactBook) -> list[Problem]:
    """For another area's contacts file, each contact giving one of the shipped partnership's
    phone numbers, or a page or mailbox on one of its services' hosts: found (another area's
    review), the shipped out-of-hours team's entry pasted into an otherwise new file (or the whole
    file copied with the area's name changed) passed every check, and every page's footer gave
    another council's out-of-hours number under this partnership's name. Refused in production
    as the whole file is (``shipped_contacts_elsewhere``, which says it once for a file that is
    the shipped one), a warning in `rules check` elsewhere."""
    try:
        _, shipped_name, words = _shipped()
        numbers, hosts = _shipped_details(SHIPPED_CONTACTS)
    except OSError:
        return []
    if not _another_area(partnership, shipped_name, words) or shipped_contacts_elsewhere(partnership, contacts):
        return []
    found: list[Problem] = []
    for contact in contacts.contacts:
        node = f"contact {contact.id}"
        digits = _digits(contact.phone or "")
        if digits in numbers:
            found.append(
                Problem(
                    contacts.path,
                    node,
                    "phone",
                    f"{contact.phone} is {shipped_name}'s number for {numbers[digits]}, not {partnership.name}'s: "
                    "give your own service's number (a contact copied from the shipped contacts file keeps it)",
                    contact.field_lines.get("phone", contact.line),
                )
            )
        given = [("links", urlsplit(link.url).hostname or "") for link in contact.links]
        given += [("email", (contact.email or "").rpartition("@")[2].lower())] if contact.email else []
        for field_name, host in dict.fromkeys(given):
            if host in hosts:
                found.append(
                    Problem(
                        contacts.path,
                        node,
                        field_name,
                        f"{host} is {shipped_name}'s ({hosts[host]}), not {partnership.name}'s: give your own "
                        "service's page or address",
                        contact.field_lines.get(field_name, contact.line),
                    )
                )
    return found


def _shipped_one_left(partnership: Partnership, pack: RulePack) -> str:
    """Which setting to set, when one of the two files is the shipped one (found, another area's
    review: with PARTNERSHIP_PATH, or RULE_PACK_PATH, left unset, the message said only that the
    names differ, where one for CONTACTS_PATH names the setting)."""
    shipped = {
        "PARTNERSHIP_PATH (or `rules check --partnership`)": _same_file(partnership.path, DEFAULT_PARTNERSHIP),
        "RULE_PACK_PATH (or `rules check --pack`)": _same_file(pack.path, DEFAULT_PACK),
    }
    left = [setting for setting, same in shipped.items() if same]
    if len(left) != 1:
        return ""
    return f'. The shipped file is in use: set {left[0]} to your area\'s file (README, "Deploying it for another area")'


def _same_file(given: str, shipped: Path) -> bool:
    try:
        return Path(given).resolve() == shipped.resolve()
    except OSError:
        return False


def cross_check(partnership: Partnership, pack: RulePack | None, contacts: ContactBook | None) -> list[Problem]:
    """What the partnership file says that the pack or the contacts contradict."""
    problems: list[Problem] = []
    # An empty name or contact is a part that could not be read: that is already reported.
    if pack is not None and partnership.name and pack.owner != partnership.name:
        problems.append(
            Problem(
                partnership.path,
                NODE,
                "name",
                f"is {partnership.name!r}, but the rule pack ({pack.path}) is owned by {pack.owner!r}: "
                "a partnership's file and its pack must name the same partnership"
                + _shipped_one_left(partnership, pack),
                partnership.line_of.get("name"),
            )
        )
    if contacts is not None and partnership.accessibility.contact_id:
        contact = contacts.get(partnership.accessibility.contact_id)
        if contact is None:
            problems.append(
                Problem(
                    partnership.path,
                    f"{NODE} accessibility",
                    "contact",
                    f"names {partnership.accessibility.contact_id!r}, which is not a contact in {contacts.path}"
                    + _near_contact(partnership.accessibility.contact_id, contacts),
                    partnership.line_of.get("accessibility"),
                )
            )
        elif contact.email is None and contact.phone is None:
            problems.append(
                Problem(
                    partnership.path,
                    f"{NODE} accessibility",
                    "contact",
                    f"names {contact.id!r}, which has no email or phone in {contacts.path}: "
                    "people must be able to ask for another format",
                    partnership.line_of.get("accessibility"),
                )
            )
    return problems


def read_partnership(path: str | Path | None = None) -> tuple[Partnership | None, list[Problem]]:
    """Read a partnership file: what could be read of it (see ``parse_partnership``; None when
    the file cannot be read at all) and every problem in it."""
    file = Path(path) if path is not None else DEFAULT_PARTNERSHIP
    data, problems = read_yaml(file)
    if problems:
        return None, problems
    return parse_partnership(data, str(file))


def check_partnership(path: str | Path | None = None) -> tuple[Partnership | None, list[Problem]]:
    """Read and check a partnership file; return it (None unless it is valid) and every problem."""
    partnership, problems = read_partnership(path)
    return (None if problems else partnership), problems


def load_partnership(path: str | Path | None = None) -> Partnership:
    """Load a valid partnership file, or raise ``DefinitionError`` naming every problem."""
    partnership, problems = check_partnership(path)
    if partnership is None:
        raise DefinitionError(problems)
    return partnership
