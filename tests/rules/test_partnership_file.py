"""The partnership file (app/rules/partnership.yaml): read, checked and refused like the pack.

A mistake names the file, the field and the line; a brand colour that white text cannot be
read on (or a tint ordinary text cannot be read on) is refused; the file must name the
pack's owner, and its accessibility contact must be a contact that people can reach.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner

from app.config import StartupError
from app.pack import load_rules, refusal
from app.requests.fields import FIELDS
from app.rules import DEFAULT_CONTACTS, DEFAULT_PACK, DEFAULT_PARTNERSHIP, check_partnership, check_rules
from app.rules.approval import approved_copy
from app.rules.partnership import (
    _EXAMPLE_KEYS,
    FORMER_OPTION_IDS,
    REQUEST_OPTION_FIELDS,
    Colours,
    contrast_ratio,
    mix_with_white,
)
from app.uk_time import uk_today

WritePack = Callable[..., Path]


@pytest.fixture
def partnership_data() -> dict[str, Any]:
    """The installed partnership file as data, to spoil."""
    data: dict[str, Any] = yaml.safe_load(DEFAULT_PARTNERSHIP.read_text(encoding="utf-8"))
    return data


def problems_of(write_pack: WritePack, data: object) -> list[tuple[str, str, int | None]]:
    partnership, problems = check_partnership(write_pack(data, "partnership.yaml"))
    assert partnership is None
    return [(problem.node, problem.field, problem.line) for problem in problems]


def test_the_installed_partnership_file_is_valid_and_names_the_packs_owner() -> None:
    report = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, partnership_path=DEFAULT_PARTNERSHIP)
    assert report.problems == ()
    assert report.partnership is not None and report.pack is not None
    assert report.partnership.name == report.pack.owner
    assert contrast_ratio(report.partnership.colours.brand, "#ffffff") >= 4.5


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey


@pytest.mark.parametrize("brand", ["#1d9bf0", "#ffdd00", "#888888"])
def test_a_brand_colour_white_text_cannot_be_read_on_stops_start_up(
    partnership_data: dict[str, Any], write_pack: WritePack, brand: str
) -> None:
    partnership_data["colours"] = {"brand": brand}
    path = write_pack(partnership_data, "partnership.yaml")
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(DEFAULT_PACK), CONTACTS_PATH=str(DEFAULT_CONTACTS), PARTNERSHIP_PATH=str(path))
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    message = str(caught.value)
    assert str(path) in message and "(partnership) colours: brand:" in message and "contrast" in message


def test_a_tint_ordinary_text_cannot_be_read_on_is_refused(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    partnership_data["colours"]["tint"] = "#505a5f"
    assert [(node, field) for node, field, _ in problems_of(write_pack, partnership_data)] == [
        ("(partnership) colours", "tint")
    ]


def test_a_tint_links_cannot_be_read_on_is_refused(partnership_data: dict[str, Any], write_pack: WritePack) -> None:
    """Found (accessibility review, WCAG 1.4.3): the tint was checked against black text only,
    but the footer's links (the emergency phone numbers among them) are in the link colour on
    it. A light blue like #c8dcec (13.9:1 with the text) left them at 4.3:1."""
    partnership_data["colours"]["tint"] = "#c8dcec"
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert partnership is None
    assert [(problem.node, problem.field) for problem in problems] == [("(partnership) colours", "tint")]
    assert "4.3:1 with the link colour #1a65a6" in str(problems[0])


def test_the_link_colours_checked_on_the_tint_are_the_stylesheets() -> None:
    """The colours the tint is checked against are the ones the compiled stylesheet writes on it."""
    from app.rules.partnership import TINT_TEXT_COLOURS

    css = (Path(__file__).resolve().parents[2] / "static" / "dist" / "app.css").read_text(encoding="utf-8")
    for name in ("link", "link-hover", "link-visited"):
        found = re.search(rf"--govuk-{name}-colour:\s*(#[0-9a-f]{{6}})", css)
        assert found is not None and found.group(1) in TINT_TEXT_COLOURS, name


@pytest.mark.parametrize("colour", ["teal", "#16f", "106165", "#10616g"])
def test_a_colour_must_be_written_as_six_hex_digits(
    partnership_data: dict[str, Any], write_pack: WritePack, colour: str
) -> None:
    partnership_data["colours"]["brand"] = colour
    found = problems_of(write_pack, partnership_data)
    assert [(node, field) for node, field, _ in found] == [("(partnership) colours", "brand")]
    assert found[0][2] is not None  # the line, to find it by


def test_tint_and_border_are_worked_out_from_the_brand_colour_when_left_out(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    partnership_data["colours"] = {"brand": "#4c2c92"}
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None
    assert partnership.colours == Colours("#4c2c92", mix_with_white("#4c2c92", 0.05), mix_with_white("#4c2c92", 0.5))
    assert contrast_ratio(partnership.colours.tint, "#0b0c0c") >= 4.5
    assert "--govuk-brand-colour:#4c2c92" in partnership.colours.css()


def test_every_mistake_is_named_in_one_run(partnership_data: dict[str, Any], write_pack: WritePack) -> None:
    del partnership_data["name"]
    partnership_data["colour"] = "#106165"  # a typo for colours
    partnership_data["footer"]["links"] = [{"text": "Our website", "url": "http://example.org/"}]
    partnership_data["accessibility"]["prepared_on"] = "last week"
    partnership_data["accessibility"]["known_issues"] = "none"
    partnership_data["examples"]["team"] = "For example, the north team"
    found = {(node, field) for node, field, _ in problems_of(write_pack, partnership_data)}
    assert found == {
        ("(partnership)", "name"),
        ("(partnership)", "colour"),
        ("(partnership) footer links[1]", "url"),
        ("(partnership) accessibility", "prepared_on"),
        ("(partnership) accessibility", "known_issues"),
        ("(partnership) examples", "team"),
    }


def test_the_areas_place_names_are_read_in_small_letters(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    partnership_data["places"] = ["Northmere", "Stoke-on-Trent", "King\u2019s", " Eastbrook "]
    partnership_data["boroughs"] = ["Northmere", "Westford"]
    partnership_data["hospitals"] = ["Hope", "Stepping  Hill"]
    partnership_data["public_places"] = ["Market Street", "St Peter\u2019s  Square"]
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None
    # A borough is a place too.
    assert partnership.places == {"northmere", "stoke-on-trent", "king's", "eastbrook", "westford"}
    assert partnership.places.boroughs == {"northmere", "westford"}
    assert partnership.places.hospitals == {"hope", "stepping hill"}
    assert partnership.places.public == {"market street", "st peter's square"}
    for key in ("places", "boroughs", "hospitals", "public_places"):
        del partnership_data[key]
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None and partnership.places == frozenset()
    assert partnership.places.boroughs == partnership.places.hospitals == partnership.places.public == frozenset()


@pytest.mark.parametrize(
    "places, said",
    [
        ("Salford", "must be a list of place names"),
        (["Salford", 7], "must be a list of place names"),
        (["Salford", "Greater Manchester"], "'Greater Manchester': a place of two words is two names"),
        (["M6 4LA"], "not 'M6 4LA'"),
        (["Salford"] * 501, "at most 500"),
    ],
)
def test_a_place_name_the_check_cannot_use_is_named(
    partnership_data: dict[str, Any], write_pack: WritePack, places: object, said: str
) -> None:
    partnership_data["places"] = places
    path = write_pack(partnership_data, "partnership.yaml")
    _, problems = check_partnership(path)
    assert [(problem.node, problem.field) for problem in problems] == [("(partnership)", "places")]
    assert said in problems[0].message
    assert problems[0].file == str(path) and problems[0].line is not None  # the file, field and line named


@pytest.mark.parametrize(
    "key, names, said",
    [
        ("boroughs", ["Salford", "Greater Manchester"], "'Greater Manchester': a place of two words is two names"),
        ("boroughs", "Salford", "must be a list of place names"),
        ("hospitals", ["Hope Hospital"], "without the word Hospital or Infirmary, not 'Hope Hospital'"),
        (
            "hospitals",
            ["Eastmoor Royal Infirmary"],
            "without the word Hospital or Infirmary, not 'Eastmoor Royal Infirmary'",
        ),
        ("hospitals", ["Royal Albert Edward Queen Mary"], "one to four words"),
        ("hospitals", [""], "one to four words"),
        ("hospitals", "Hope", "must be a list of names"),
        (
            "public_places",
            ["Market Street", "12 Market Street"],
            "one to five words of letters, not '12 Market Street'",
        ),
        ("public_places", ["The Big Long Shopping Centre Square"], "one to five words"),
        ("public_places", "Market Street", "must be a list of names"),
    ],
)
def test_a_borough_or_hospital_name_the_check_cannot_use_is_named(
    partnership_data: dict[str, Any], write_pack: WritePack, key: str, names: object, said: str
) -> None:
    partnership_data[key] = names
    _, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert [(problem.node, problem.field) for problem in problems] == [("(partnership)", key)]
    assert said in problems[0].message and problems[0].line is not None


def test_a_missing_or_unreadable_file_is_named(tmp_path: Path, write_pack: WritePack) -> None:
    _, problems = check_partnership(tmp_path / "nowhere.yaml")
    assert len(problems) == 1 and str(problems[0]).startswith(str(tmp_path / "nowhere.yaml"))
    assert problems_of(write_pack, "- just\n- a list\n") == [("(partnership)", "(top level)", 1)]


def test_the_partnership_must_be_the_packs_owner(partnership_data: dict[str, Any], write_pack: WritePack) -> None:
    partnership_data["name"] = "Northmere Safeguarding Partnership"
    report = check_rules(
        DEFAULT_PACK, DEFAULT_CONTACTS, partnership_path=write_pack(partnership_data, "partnership.yaml")
    )
    assert report.partnership is None
    assert [(p.node, p.field) for p in report.problems] == [("(partnership)", "name")]
    assert "Salford Safeguarding Children Partnership" in report.problems[0].message


@pytest.mark.parametrize("contact", ["nobody", "lado"])
def test_the_accessibility_contact_must_be_a_contact_with_an_email_or_phone(
    partnership_data: dict[str, Any], write_pack: WritePack, contact: str
) -> None:
    partnership_data["accessibility"]["contact"] = contact
    contacts = yaml.safe_load(DEFAULT_CONTACTS.read_text(encoding="utf-8"))
    for entry in contacts["contacts"]:
        if entry["id"] == "lado":  # a contact reachable only through a page (its number's hours go with it)
            for reach in ("phone", "email", "hours"):
                entry.pop(reach, None)
            entry["links"] = [{"text": "Police", "url": "https://police.example.org/"}]
    report = check_rules(
        DEFAULT_PACK,
        write_pack(contacts, "contacts.yaml"),
        partnership_path=write_pack(partnership_data, "partnership.yaml"),
    )
    assert [(p.node, p.field) for p in report.problems] == [("(partnership) accessibility", "contact")]


def test_every_example_hint_a_field_asks_for_is_one_the_file_can_give() -> None:
    wanted = {field.example_hint for field in FIELDS if field.example_hint is not None}
    assert wanted and wanted <= _EXAMPLE_KEYS


def test_rules_check_checks_a_partnership_file_with_its_pack_and_contacts(
    runner: FlaskCliRunner, partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    example = Path(__file__).resolve().parent.parent.parent / "examples" / "northmere"
    files = ["--pack", str(example / "space_to_think.yaml"), "--contacts", str(example / "contacts.yaml")]
    result = runner.invoke(args=["rules", "check", *files, "--partnership", str(example / "partnership.yaml")])
    assert result.exit_code == 0, result.output
    assert "Partnership: Northmere Safeguarding Partnership" in result.output
    # Salford's partnership file with Northmere's pack: the names disagree, and it says which file.
    result = runner.invoke(args=["rules", "check", *files, "--partnership", str(DEFAULT_PARTNERSHIP)])
    assert result.exit_code == 1
    assert f"{DEFAULT_PARTNERSHIP}:" in result.output and "(partnership): name:" in result.output


def test_problems_in_the_file_do_not_hide_what_it_contradicts(
    runner: FlaskCliRunner, partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found: an unreadable colour, a name that is not the pack's owner and an unknown
    accessibility contact were reported one at a time ("1 problem"): the file's own mistakes
    stopped it being compared with the pack and the contacts. All three come in one run, in
    ``flask rules check`` and at start-up."""
    partnership_data["name"] = "Somewhere Else Partnership"
    partnership_data["colours"]["brand"] = "teal"
    partnership_data["accessibility"]["contact"] = "nobody_here"
    path = write_pack(partnership_data, "partnership.yaml")
    expected = [
        ("(partnership) colours", "brand"),
        ("(partnership)", "name"),
        ("(partnership) accessibility", "contact"),
    ]
    report = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, partnership_path=path)
    assert [(problem.node, problem.field) for problem in report.problems] == expected
    assert report.partnership is None
    result = runner.invoke(args=["rules", "check", "--partnership", str(path)])
    assert result.exit_code == 1 and "3 problems in the rule data" in result.output
    assert "'teal'" in result.output and "Somewhere Else Partnership" in result.output
    assert "nobody_here" in result.output
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(DEFAULT_PACK), CONTACTS_PATH=str(DEFAULT_CONTACTS), PARTNERSHIP_PATH=str(path))
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    assert "3 problems in the rule data" in str(caught.value)


def test_a_part_that_cannot_be_read_is_not_reported_again_as_a_contradiction(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """A missing name or accessibility section is one problem each, not also "is '' but the
    pack is owned by …" or "names '', which is not a contact"."""
    del partnership_data["name"]
    del partnership_data["accessibility"]
    report = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, partnership_path=write_pack(partnership_data, "p.yaml"))
    assert [(problem.node, problem.field) for problem in report.problems] == [
        ("(partnership)", "name"),
        ("(partnership)", "accessibility"),
    ]


# The answers to "What is the current level of support?" before they moved to the partnership
# file: Salford's file must keep them word for word, and their ids, which stored requests hold.
SALFORD_SUPPORT_LEVELS = {
    "none": "None",
    "early_help": "Early help or Team Around the Family",
    "child_in_need": "Child in Need",
    "child_protection": "Child Protection",
    "looked_after": "Looked after",
    "not_known": "Not known",
}


def test_the_installed_file_keeps_the_request_answers_and_their_ids_as_they_were() -> None:
    partnership, problems = check_partnership(DEFAULT_PARTNERSHIP)
    assert problems == [] and partnership is not None
    for mode in ("practitioner", "supervision"):
        assert partnership.option_labels("support_level", mode) == SALFORD_SUPPORT_LEVELS
        assert partnership.option_hints("support_level", mode) == {}


def test_every_question_naming_local_services_takes_its_answers_from_the_file() -> None:
    local = {entry.name for entry in FIELDS if entry.local_options}
    assert local == set(REQUEST_OPTION_FIELDS) == {"support_level"}
    assert all(not entry.options for entry in FIELDS if entry.local_options)


OPTIONS = "(partnership) request_options"


def _support_levels(data: dict[str, Any]) -> list[dict[str, Any]]:
    levels: list[dict[str, Any]] = data["request_options"]["support_level"]
    return levels


@pytest.mark.parametrize(
    "spoil, node, field",
    [
        (lambda data: data.pop("request_options"), "(partnership)", "request_options"),
        (lambda data: data["request_options"].pop("support_level"), OPTIONS, "support_level"),
        (
            lambda data: data["request_options"].update(support_level=[]),
            OPTIONS,
            "support_level",
        ),
        (
            lambda data: data["request_options"].update(level_of_support=[]),
            OPTIONS,
            "level_of_support",
        ),
        (
            lambda data: _support_levels(data)[2].update(id="none"),
            f"{OPTIONS} support_level[3]",
            "id",
        ),
        (
            lambda data: _support_levels(data)[2].update(id="child in need"),
            f"{OPTIONS} support_level[3]",
            "id",
        ),
        (lambda data: _support_levels(data)[1].pop("label"), f"{OPTIONS} support_level[2]", "label"),
        (  # one wording, not said to read right in both modes
            lambda data: _support_levels(data)[1].update(label="Early help"),
            f"{OPTIONS} support_level[2]",
            "label",
        ),
        (  # a mode's wording missing
            lambda data: _support_levels(data)[1].update(label={"practitioner": "Early help"}),
            f"{OPTIONS} support_level[2]",
            "label.supervision",
        ),
        (
            lambda data: _support_levels(data)[1].update(label={"both": "MASH enquiry"}),
            f"{OPTIONS} support_level[2]",
            "label",
        ),
        (  # named with its wording, as the rule pack's texts are
            lambda data: _support_levels(data)[1].update(label={"both": "Early help " + "and more " * 12}),
            f"{OPTIONS} support_level[2]",
            "label.both",
        ),
        (
            lambda data: _support_levels(data)[1].update(label={"both": "Early <b>help</b>"}),
            f"{OPTIONS} support_level[2]",
            "label",
        ),
        (  # named as the hint's, where it is (found, partnership review: it was named as the label's)
            lambda data: _support_levels(data)[1].update(hint={"both": "Assessed by the EHA team"}),
            f"{OPTIONS} support_level[2]",
            "hint",
        ),
        (
            lambda data: _support_levels(data)[1].update(colour="red"),
            f"{OPTIONS} support_level[2]",
            "colour",
        ),
    ],
    ids=[
        "no request_options",
        "no support_level",
        "no answers",
        "an unknown question",
        "an id used twice",
        "an id with spaces",
        "no label",
        "one wording",
        "no supervision wording",
        "an acronym not spelled out",
        "a label too long",
        "markup",
        "an acronym in the hint",
        "an unknown key",
    ],
)
def test_a_missing_or_bad_request_answer_is_named_with_its_field(
    partnership_data: dict[str, Any],
    write_pack: WritePack,
    spoil: Callable[[dict[str, Any]], object],
    node: str,
    field: str,
) -> None:
    spoil(partnership_data)
    found = problems_of(write_pack, partnership_data)
    assert (node, field) in [(found_node, found_field) for found_node, found_field, _ in found], found
    assert all(line is not None for _, _, line in found)


def test_a_bad_request_answer_stops_start_up_naming_the_file_and_field(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    _support_levels(partnership_data)[1]["label"] = {"both": "MASH referral"}
    path = write_pack(partnership_data, "partnership.yaml")
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(DEFAULT_PACK), CONTACTS_PATH=str(DEFAULT_CONTACTS), PARTNERSHIP_PATH=str(path))
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    message = str(caught.value)
    assert str(path) in message
    assert f"{OPTIONS} support_level[2]: label: uses the acronym MASH without spelling it out" in message


@pytest.mark.parametrize(
    "label, hint",
    [
        ("MASH (multi-agency safeguarding hub) enquiry", None),
        ("MASH: multi-agency safeguarding hub", None),
        ("Team Around the Family (TAF)", None),
        ("A MASH enquiry", "MASH (multi-agency safeguarding hub): the front door"),
    ],
)
def test_an_acronym_spelled_out_in_the_label_or_hint_is_accepted(
    partnership_data: dict[str, Any], write_pack: WritePack, label: str, hint: str | None
) -> None:
    answer: dict[str, Any] = {"id": "mash", "label": {"both": label}}
    if hint is not None:
        answer["hint"] = {"both": hint}
    _support_levels(partnership_data).append(answer)
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None
    assert partnership.option_labels("support_level", "supervision")["mash"] == label


def test_an_acronym_in_the_partnerships_own_words_is_spelled_out(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (maintainer review): a footer "run by the SSCP." (on every page), a hint under "Agency
    or team" naming "the MASH or CAMHS team", an email signature and a known accessibility issue
    passed `rules check` with their acronyms unexplained; only the request's answers were checked."""
    partnership_data["footer"] = {"text": "Space to Think is run by the SSCP."}
    partnership_data["email_signature"] = "Space to Think\nSSCP"
    partnership_data["examples"] = {"agency": "For example, the MASH or CAMHS team"}
    partnership_data["accessibility"]["known_issues"] = ["Some PDF files are not tagged."]
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert partnership is None
    assert [(p.node, p.field, p.message.split(" without")[0]) for p in problems] == [
        ("(partnership) footer", "text", "uses the acronym SSCP"),
        ("(partnership)", "email_signature", "uses the acronym SSCP"),
        ("(partnership) examples", "agency", "uses the acronym MASH"),
        ("(partnership) examples", "agency", "uses the acronym CAMHS"),
        ("(partnership) accessibility", "known_issues[1]", "uses the acronym PDF"),
    ]
    partnership_data["footer"] = {
        "text": "Space to Think is run by the Salford Safeguarding Children Partnership (SSCP)."
    }
    partnership_data["email_signature"] = "Space to Think\nSalford Safeguarding Children Partnership"
    partnership_data["examples"] = {"agency": "For example, the child and adolescent mental health services (CAMHS)"}
    partnership_data["accessibility"]["known_issues"] = ["Some PDF (printable) files are not tagged."]
    _, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert [(p.field, p.message.split(" without")[0]) for p in problems] == [
        ("known_issues[1]", "uses the acronym PDF")  # words in brackets that do not spell it out
    ]
    partnership_data["accessibility"]["known_issues"] = [
        "Some PDF (portable document format) files are not tagged.",
        "Some pages do not yet follow the GOV.UK Design System used across the UK.",  # words, not acronyms
    ]
    assert check_partnership(write_pack(partnership_data, "partnership.yaml"))[1] == []


def test_an_acronym_in_a_footer_link_the_reply_time_or_the_logos_text_is_spelled_out(
    partnership_data: dict[str, Any], write_pack: WritePack, tmp_path: Path
) -> None:
    """Found (maintainer review): a footer link "SSCP news" (every page), a reply time "10 working
    days, per our SLA" (the accessibility statement) and a logo described as "The SSCP shield"
    (read out beside the name on every page) passed `rules check` with their acronyms
    unexplained, where the footer's own text was refused."""
    (tmp_path / "logo.svg").write_bytes((DEFAULT_PARTNERSHIP.parents[2] / "examples/northmere/logo.svg").read_bytes())
    partnership_data["footer"] = {
        "text": "Space to Think is run by the Salford Safeguarding Children Partnership.",
        "links": [{"text": "SSCP news", "url": "https://safeguardingchildren.salford.gov.uk/news/"}],
    }
    partnership_data["accessibility"]["reply_within"] = "10 working days, per our SLA"
    partnership_data["logo"] = {"file": "logo.svg", "alt": "The SSCP shield"}
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert partnership is None
    assert [(p.node, p.field, p.message.split(" without")[0]) for p in problems] == [
        ("(partnership) footer", "links[1] text", "uses the acronym SSCP"),
        ("(partnership) accessibility", "reply_within", "uses the acronym SLA"),
        ("(partnership) logo", "alt", "uses the acronym SSCP"),
    ]


def test_an_acronym_in_the_partnerships_words_is_named_at_its_own_line(
    partnership_data: dict[str, Any], write_pack: WritePack, tmp_path: Path
) -> None:
    """Found (maintainer review): an acronym in a footer link's words, or in the third known issue,
    was named at the line the footer or the accessibility section starts on, lines above it."""
    (tmp_path / "logo.svg").write_bytes((DEFAULT_PARTNERSHIP.parents[2] / "examples/northmere/logo.svg").read_bytes())
    partnership_data["footer"] = {
        "text": "Space to Think is run by the SSCP.",
        "links": [
            {"text": "Partnership news", "url": "https://safeguardingchildren.salford.gov.uk/news/"},
            {"url": "https://safeguardingchildren.salford.gov.uk/lado/", "text": "The LADO's page"},
        ],
    }
    partnership_data["examples"] = {"agency": "For example, the MASH"}
    partnership_data["accessibility"]["known_issues"] = [
        "Some tables have no headings.",
        "Some maps have no text alternative.",
        "Some PDF files are not tagged.",
    ]
    partnership_data["accessibility"]["reply_within"] = "10 working days, per our SLA"
    partnership_data["logo"] = {"file": "logo.svg", "alt": "The SSCP shield"}
    path = write_pack(partnership_data, "partnership.yaml")
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = check_partnership(path)[1]
    found = {p.field: lines[p.line - 1] if p.line else "" for p in problems}
    assert found.keys() == {"text", "links[2] text", "agency", "known_issues[3]", "reply_within", "alt"}, found
    for field, words in {
        "text": "run by the SSCP",
        "links[2] text": "The LADO's page",
        "agency": "the MASH",
        "known_issues[3]": "Some PDF files",
        "reply_within": "per our SLA",
        "alt": "The SSCP shield",
    }.items():
        assert words in found[field], (field, found[field])


def test_markup_in_the_partnerships_words_is_refused(partnership_data: dict[str, Any], write_pack: WritePack) -> None:
    """Found (partnership review): words copied from a web page or a document with their marks
    ("<b>…</b>", "**…**", a Markdown link) passed `rules check`, and every page showed them as typed."""
    partnership_data["footer"]["text"] = "Space to Think is run by the <b>Salford</b> partnership."
    partnership_data["email_signature"] = "Space to Think\n&nbsp;Salford"
    partnership_data["examples"] = {"agency": "For example, the **front door**"}
    partnership_data["accessibility"]["known_issues"] = [
        "Some tables have no headings.",
        "See [the list](https://x.org).",
    ]
    problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))[1]
    assert [(p.field, p.message.split(" in it")[0]) for p in problems] == [
        ("text", "has '<b>'"),
        ("email_signature", "has '&nbsp;'"),
        ("agency", "has '**front door**'"),
        ("known_issues[2]", "has '[the list](https://x.org)'"),
    ], [str(p) for p in problems]


def test_an_address_in_angle_brackets_is_not_markup(partnership_data: dict[str, Any], write_pack: WritePack) -> None:
    """Found (review): an email signature giving the team's address as mail programs write it,
    "<sscp@salford.gov.uk>", or a web address so, was refused as HTML, and stopped start-up after
    the upgrade. A tag is still refused beside it."""
    partnership_data["email_signature"] = (
        "Space to Think team <space.to.think@example.gov.uk>\nWeb: < https://www.example.gov.uk/sscp >"
    )
    assert check_partnership(write_pack(partnership_data, "partnership.yaml"))[1] == []
    partnership_data["email_signature"] += "\n<a href='mailto:sscp@example.gov.uk'>Email us</a>"
    problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))[1]
    assert [(p.field, p.message.split(" in it")[0]) for p in problems] == [
        ("email_signature", "has \"<a href='mailto:sscp@example.gov.uk'>\"")
    ], [str(p) for p in problems]


def test_a_known_issue_may_name_wcag_and_its_levels_as_the_statement_does(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (review of 10c39d9): a known issue in GOV.UK's model wording for accessibility
    statements ("fails WCAG 2.2 success criterion 1.4.3, level AA"), which earlier versions took,
    was refused at start-up for WCAG and AA, though the statement spells WCAG out just above its
    known issues and names the level AA itself. Another acronym in a known issue is still refused."""
    partnership_data["accessibility"]["known_issues"] = [
        "Some links in the footer do not have enough contrast (WCAG 2.2 success criterion 1.4.3, level AA).",
        "The date fields do not say which one is wrong, as level AAA asks.",
    ]
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None
    partnership_data["accessibility"]["known_issues"].append("Some PDF files are not tagged (WCAG level A).")
    problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))[1]
    assert [(p.field, p.message.split(" without")[0]) for p in problems] == [
        ("known_issues[3]", "uses the acronym PDF")
    ]


def test_answers_may_be_worded_for_each_mode(partnership_data: dict[str, Any], write_pack: WritePack) -> None:
    _support_levels(partnership_data)[1]["hint"] = {
        "practitioner": "You are working with the family's lead professional",
        "supervision": "The practitioner is working with the family's lead professional",
    }
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None
    assert partnership.option_hints("support_level", "practitioner") == {
        "early_help": "You are working with the family's lead professional"
    }
    assert partnership.option_hints("support_level", "supervision")["early_help"].startswith("The practitioner")


# A PNG of one white pixel: the smallest real logo.
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffffff7f0009fb03fd2a86e38a0000000049454e44ae426082"
)
PLAIN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#fff"/></svg>'
)


def _png_of_size(width: int, height: int) -> bytes:
    """The one-pixel PNG saying it is ``width`` by ``height`` (its header is all that is read)."""
    return ONE_PIXEL_PNG[:16] + width.to_bytes(4, "big") + height.to_bytes(4, "big") + ONE_PIXEL_PNG[24:]


_PNG_SIGNATURE_ONLY = ONE_PIXEL_PNG[:8]
# What a pattern read over the text missed: a namespace prefix, a character reference, CSS, a
# stylesheet instruction, a declared encoding that hides a tag, and <use> copying <use>.
_USE_BOMB = '<g id="u0"><rect width="1" height="1"/></g>' + "".join(
    f'<g id="u{level}"><use href="#u{level - 1}"/><use href="#u{level - 1}"/></g>' for level in range(1, 30)
)
HIDDEN_IN_SVG = [
    ('<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script><circle', "'<script>'"),
    ('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script><circle', "'<script>'"),
    ('<s:foreignObject xmlns:s="http://www.w3.org/2000/svg"/><circle', "'<foreignObject>'"),
    ("<style>@import url(https://fonts.example.org/a.css);</style><circle", "'@import'"),
    ("<style>circle{fill:url( //example.org/a.svg#p)}</style><circle", "'url( '"),
    ("<circle style=\"fill:url('https://example.org/a.svg#p')\"/><circle", '"url(\'"'),
    ('<rect fill="url(https://example.org/a.svg#p)" width="1" height="1"/><circle', "'url('"),
    ('<a href="#x"><set attributeName="href" to="&#106;avascript:alert(1)"/></a><circle', "javascript:"),
    ('<use href="#me" id="me"/><circle', "'<use>'"),
    (f"{_USE_BOMB}<circle", "'<use>'"),
    ("<g>" * 10_000 + "</g>" * 10_000 + "<circle", "nested too deep"),
    ('<?xml-stylesheet type="text/xsl" href="#x"?><circle', "'<?xml-stylesheet'"),
]
# What a logo saved from a drawing program may hold, and may keep: an editor's namespace, a
# gradient named by url(#...), a shape copied by <use>, a character reference in its title.
DRAWN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10" inkscape:version="1.3">'
    '<title>Emblem &#169; 2026</title><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
    '</linearGradient><circle id="dot" r="1"/></defs><style>.a{fill:url(#g)}</style>'
    '<use xlink:href="#dot" x="2" y="2"/><use href="#dot" x="8" y="8" style="fill: url( #g )"/>'
    '<rect class="a" width="10" height="2" fill="url(#g)"/></svg>'
)


def test_the_installed_file_has_no_logo_so_the_header_is_as_it_was() -> None:
    partnership, _ = check_partnership(DEFAULT_PARTNERSHIP)
    assert partnership is not None and partnership.logo is None


@pytest.mark.parametrize(
    "name, data, mimetype",
    [
        ("logo.svg", PLAIN_SVG.encode(), "image/svg+xml"),
        ("art/logo.PNG", ONE_PIXEL_PNG, "image/png"),
        ("drawn.svg", DRAWN_SVG.encode(), "image/svg+xml"),
    ],
)
def test_a_logo_beside_the_file_is_read_with_its_text_alternative(
    partnership_data: dict[str, Any], write_pack: WritePack, tmp_path: Path, name: str, data: bytes, mimetype: str
) -> None:
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_bytes(data)
    partnership_data["logo"] = {"file": name, "alt": "Salford emblem"}
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None and partnership.logo is not None
    assert (partnership.logo.data, partnership.logo.mimetype, partnership.logo.alt) == (
        data,
        mimetype,
        "Salford emblem",
    )


def test_a_copy_checked_without_its_logo_says_the_logo_is_read_from_beside_it(
    partnership_data: dict[str, Any], write_pack: WritePack, tmp_path: Path
) -> None:
    """Found (maintainer review): the README's way of changing the live partnership file (a copy in
    /tmp, checked with `rules check --partnership`) was refused with "/tmp/logo.svg cannot be read
    (No such file or directory)" where the live file has its logo: nothing said the logo is looked
    for beside the file, so the copy looked broken."""
    partnership_data["logo"] = {"file": "logo.svg", "alt": "Emblem"}
    copy = write_pack(partnership_data, "partnership.yaml")
    _, problems = check_partnership(copy)
    assert [str(problem).split(": ", 1)[1] for problem in problems] == [
        f"(partnership) logo: file: {tmp_path / 'logo.svg'} cannot be read (there is no such file): the logo is read "
        f"from the partnership file's own folder ({tmp_path}), so put logo.svg there, beside it (a copy checked "
        "somewhere else needs its logo copied beside it)"
    ]


@pytest.mark.parametrize(
    "logo, files, field, words",
    [
        ({"file": "logo.svg"}, {"logo.svg": PLAIN_SVG.encode()}, "alt", "is missing"),
        ({"file": "logo.svg", "alt": "  "}, {"logo.svg": PLAIN_SVG.encode()}, "alt", "must not be empty"),
        ({"file": "logo.svg", "alt": "x" * 151}, {"logo.svg": PLAIN_SVG.encode()}, "alt", "151 characters"),
        ({"alt": "Emblem"}, {}, "file", "is missing"),
        ({"file": "nowhere.svg", "alt": "Emblem"}, {}, "file", "nowhere.svg cannot be read"),
        ({"file": "art", "alt": "Emblem"}, {"art/x.svg": b""}, "file", "must be an SVG or PNG file"),
        ({"file": "logo.gif", "alt": "Emblem"}, {"logo.gif": b"GIF89a"}, "file", "must be an SVG or PNG file"),
        ({"file": "logo.png", "alt": "Emblem"}, {"logo.png": PLAIN_SVG.encode()}, "file", "is not a PNG image"),
        ({"file": "logo.svg", "alt": "Emblem"}, {"logo.svg": ONE_PIXEL_PNG}, "file", "is not an SVG image"),
        ({"file": "logo.svg", "alt": "Emblem"}, {"logo.svg": b"<html></html>"}, "file", "no <svg> element"),
        (
            {"file": "logo.svg", "alt": "Emblem"},
            {"logo.svg": PLAIN_SVG.replace("<circle", "<script>alert(1)</script><circle").encode()},
            "file",
            "may not have scripts",
        ),
        (
            {"file": "logo.svg", "alt": "Emblem"},
            {"logo.svg": PLAIN_SVG.replace("<circle", '<image href="https://example.org/a.png"/><circle').encode()},
            "file",
            "links to other files",
        ),
        (
            {"file": "logo.svg", "alt": "Emblem"},
            {"logo.svg": PLAIN_SVG.replace("<circle", "<circle onload='x()'").encode()},
            "file",
            "may not have scripts",
        ),
        *(
            (
                {"file": "logo.svg", "alt": "Emblem"},
                {"logo.svg": PLAIN_SVG.replace("<circle", hidden).encode()},
                "file",
                words,
            )
            for hidden, words in HIDDEN_IN_SVG
        ),
        (
            {"file": "logo.png", "alt": "Emblem"},
            {"logo.png": ONE_PIXEL_PNG + b"\0" * 100_000},
            "file",
            "a logo must be 100,000 bytes or less",
        ),
        (
            {"file": "logo.png", "alt": "Emblem"},
            {"logo.png": _png_of_size(20_000, 1)},
            "file",
            "is 20,000 by 1 pixels: a logo must be 2,000 pixels or less each way",
        ),
        ({"file": "logo.png", "alt": "Emblem"}, {"logo.png": _PNG_SIGNATURE_ONLY}, "file", "is not a PNG image"),
        ({"file": "../logo.svg", "alt": "Emblem"}, {}, "file", "must be a file in the partnership file's folder"),
        ({"file": "/etc/logo.svg", "alt": "Emblem"}, {}, "file", "must be a file in the partnership file's folder"),
        (
            {"file": "logo.svg", "alt": "Salford  Safeguarding Children Partnership logo"},
            {"logo.svg": PLAIN_SVG.encode()},
            "alt",
            "repeats the partnership's name, which the header shows beside the logo",
        ),
    ],
    ids=[
        "no alt",
        "empty alt",
        "alt too long",
        "no file",
        "no such file",
        "a folder",
        "a GIF",
        "a PNG that is not one",
        "an SVG that is a PNG",
        "an SVG that is not one",
        "a script",
        "a link to another file",
        "an event handler",
        *(f"hidden: {hidden[:40]}" for hidden, _ in HIDDEN_IN_SVG),
        "too large",
        "too many pixels",
        "only a PNG's signature",
        "outside the folder",
        "an absolute path",
        "the name again",
    ],
)
def test_a_logo_that_cannot_be_used_is_named_with_its_field(
    partnership_data: dict[str, Any],
    write_pack: WritePack,
    tmp_path: Path,
    logo: dict[str, str],
    files: dict[str, bytes],
    field: str,
    words: str,
) -> None:
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(data)
    partnership_data["logo"] = logo
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert partnership is None
    found = [problem for problem in problems if (problem.node, problem.field) == ("(partnership) logo", field)]
    assert found and words in found[0].message, problems
    assert found[0].line is not None


def test_a_logo_that_cannot_be_used_stops_start_up_naming_the_file_and_field(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    partnership_data["logo"] = {"file": "missing.png", "alt": "Emblem"}
    path = write_pack(partnership_data, "partnership.yaml")
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(DEFAULT_PACK), CONTACTS_PATH=str(DEFAULT_CONTACTS), PARTNERSHIP_PATH=str(path))
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    message = str(caught.value)
    assert f"{path}:" in message and "(partnership) logo: file:" in message and "missing.png cannot be read" in message


@pytest.mark.parametrize(
    "spoil, where",
    [
        (lambda data: data.pop("request_options"), "(partnership): request_options: is missing"),
        (
            lambda data: data["request_options"].pop("support_level"),
            f"{OPTIONS}: support_level: is missing",
        ),
    ],
    ids=["a file written before request_options", "no support_level"],
)
def test_a_partnership_file_from_before_request_options_is_told_what_to_add(
    partnership_data: dict[str, Any], write_pack: WritePack, spoil: Callable[[dict[str, Any]], object], where: str
) -> None:
    """Upgrade review: a partnership file copied out of the checkout before the request's
    answers came from it stops the upgraded app; its one line says what to add, where to copy
    it from, and which ids the requests stored already hold (kept, the answers still show)."""
    spoil(partnership_data)
    path = write_pack(partnership_data, "partnership.yaml")
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(DEFAULT_PACK), CONTACTS_PATH=str(DEFAULT_CONTACTS), PARTNERSHIP_PATH=str(path))
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    message = str(caught.value)
    assert str(path) in message and where in message, message
    assert "app/rules/partnership.yaml" in message and "examples/northmere/partnership.yaml" in message
    assert "keep the ids requests made before hold (none, early_help, child_in_need, child_protection, " in message
    assert "looked_after, not_known)" in message


@pytest.mark.parametrize(
    "path", [DEFAULT_PARTNERSHIP, DEFAULT_PARTNERSHIP.parents[2] / "examples/northmere/partnership.yaml"]
)
def test_the_files_the_message_points_at_keep_the_ids_stored_before(path: Path) -> None:
    partnership, problems = check_partnership(path)
    assert problems == [] and partnership is not None
    for name, former in FORMER_OPTION_IDS.items():
        assert set(former) <= set(partnership.option_labels(name, "practitioner")), path


def test_a_new_name_left_out_of_the_title_footer_or_pdf_author_is_warned_of(
    partnership_data: dict[str, Any], write_pack: WritePack, tmp_path: Path
) -> None:
    """Found (maintainer review): with the partnership's name changed in its file and the pack's
    owner, every page's title and footer and every PDF's author still named the old one, and
    `rules check` said nothing. Each is worded freely, so it is a warning."""
    import datetime as dt

    old, new = partnership_data["name"], "Salford Children and Families Safeguarding Partnership"
    pack = tmp_path / "pack.yaml"
    pack.write_text(DEFAULT_PACK.read_text(encoding="utf-8").replace(f"owner: {old}", f"owner: {new}", 1), "utf-8")
    partnership_data.update(name=new, short_name="SCFSP")
    # Today, not a fixed day: a contact verified again after that day (contacts.yaml) would be
    # "in the future" there, a problem that has nothing to do with the names.
    today = dt.date.today()
    report = check_rules(pack, DEFAULT_CONTACTS, today, write_pack(partnership_data, "partnership.yaml"))
    assert report.problems == () and report.partnership is not None
    warned = [(w.field, w.message.split(" names neither")[0]) for w in report.warnings if "names neither" in w.message]
    assert warned == [
        ("page_title_suffix", f"'Space to Think – {old}' (every page's title)"),
        ("footer text", f"'Space to Think is run by the {old}.' (every page's footer)"),
        ("pdf_author", f"'Space to Think, {old}' (every PDF's author)"),
    ]
    # Left out, they name the partnership; the short name alone will do.
    for key in ("page_title_suffix", "footer", "pdf_author"):
        partnership_data.pop(key)
    partnership_data["pdf_author"] = "Space to Think, SCFSP"
    report = check_rules(pack, DEFAULT_CONTACTS, today, write_pack(partnership_data, "partnership.yaml"))
    assert report.partnership is not None and not [w for w in report.warnings if "names neither" in w.message]
    # The installed files name their partnership throughout.
    installed = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, today, DEFAULT_PARTNERSHIP)
    assert not [w for w in installed.warnings if "names neither" in w.message]


def test_a_section_written_as_text_says_how_its_fields_are_written(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (maintainer review): "footer: Space to Think is run by …" (the text, without its
    `text:` line) was "footer: must be a mapping, not text": a programmer's word, and no way on."""
    partnership_data["footer"] = "Space to Think is run by the Salford Safeguarding Children Partnership."
    _, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "(partnership): footer: must hold fields of its own, each on an indented line below it (name: value), not text"
    ]


def test_the_docs_say_the_logo_is_in_every_pdf_that_shows_it() -> None:
    """Found (maintainer review): the partnership file's own format notes said the logo is shown
    "(not in the PDFs)", and the README that the supervision record and the questions to prepare
    "have no partnership header", while every PDF's template puts the logo at its top: a
    maintainer changing the logo was not told where to look for it."""
    root = DEFAULT_PARTNERSHIP.parents[2]
    templates = sorted((root / "templates/pdf").glob("[!_]*.html"))
    assert templates and all("partnership_band(" in t.read_text(encoding="utf-8") for t in templates)
    for path in (DEFAULT_PARTNERSHIP, root / "README.md"):
        text = " ".join(path.read_text(encoding="utf-8").replace("#", " ").split())
        assert "not in the PDFs" not in text and "no partnership header" not in text, path


@pytest.mark.parametrize("key", ["prepared_on", "tested_on"])
def test_an_accessibility_statement_dated_in_the_future_stops_start_up_naming_the_date(
    partnership_data: dict[str, Any], write_pack: WritePack, key: str
) -> None:
    """Found (partnership review): "prepared_on: 2062-11-27" (for 2026) was taken, and the public
    statement said it was prepared in 2062; a contact "verified" in 2062 was already refused.
    Today is accepted (the day a statement is prepared, or the tool tested). Today is the UK's, as
    start-up takes it: from 11pm to midnight UTC in summer, UTC's is a day behind, and two days
    after it was only a day after start-up's (within its day's grace)."""
    today = uk_today()
    partnership_data["accessibility"][key] = today
    path = write_pack(partnership_data, "partnership.yaml")
    assert check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, today, partnership_path=path).problems == ()
    partnership_data["accessibility"][key] = today + dt.timedelta(days=2)  # beyond a day's grace for time zones
    path = write_pack(partnership_data, "partnership.yaml")
    report = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, today, partnership_path=path)
    assert [(p.node, p.field) for p in report.problems] == [("(partnership) accessibility", key)]
    [problem] = report.problems
    assert problem.line is not None and path.read_text().splitlines()[problem.line - 1].strip().startswith(f"{key}:")
    app = Flask(__name__)
    app.config.update(RULE_PACK_PATH=str(DEFAULT_PACK), CONTACTS_PATH=str(DEFAULT_CONTACTS), PARTNERSHIP_PATH=str(path))
    with pytest.raises(StartupError) as caught:
        load_rules(app)
    assert f"{path}:{problem.line}: (partnership) accessibility: {key}: is in the future" in str(caught.value)


@pytest.mark.parametrize("reply_within", [10, "10", "ten", "soon"])
def test_how_soon_accessibility_questions_are_answered_must_say_a_length_of_time(
    partnership_data: dict[str, Any], write_pack: WritePack, reply_within: object
) -> None:
    """Found (hard-to-break review): "reply_within: 10" was taken, and the public accessibility
    statement said "We will reply within 10." A length of time with its unit is needed."""
    partnership_data["accessibility"]["reply_within"] = reply_within
    path = write_pack(partnership_data, "partnership.yaml")
    _, problems = check_partnership(path)
    assert [(p.node, p.field) for p in problems] == [("(partnership) accessibility", "reply_within")]
    assert "must say how long, with its unit" in problems[0].message
    line = problems[0].line
    assert line is not None and path.read_text().splitlines()[line - 1].strip().startswith("reply_within:")
    for good in ("10 working days", "2 weeks", "one month", "48 hours", "a fortnight"):
        partnership_data["accessibility"]["reply_within"] = good
        assert check_partnership(write_pack(partnership_data, "partnership.yaml"))[1] == [], good


def test_an_acronym_in_the_page_title_must_be_spelled_out(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (partnership review): "Space to Think – SSCP" passed `rules check`, and every page's
    title (all a browser's tab shows, and the first words a screen reader says) had SSCP
    unexplained. The footer and the other words people read were already checked."""
    partnership_data["page_title_suffix"] = "Space to Think – SSCP"
    path = write_pack(partnership_data, "partnership.yaml")
    _, problems = check_partnership(path)
    assert [(p.node, p.field) for p in problems] == [("(partnership)", "page_title_suffix")]
    assert "uses the acronym SSCP without spelling it out" in problems[0].message
    line = problems[0].line
    assert line is not None and path.read_text().splitlines()[line - 1].startswith("page_title_suffix:")
    partnership_data["page_title_suffix"] = "Space to Think – Salford Safeguarding Children Partnership (SSCP)"
    assert check_partnership(write_pack(partnership_data, "partnership.yaml"))[1] == []


def test_a_request_answer_far_too_long_is_named_once_with_its_own_limit(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """A label pasted in at 500 characters is named once, with the answers' own limit (100), not
    again with the limit of any answer in the rule pack (400)."""
    _support_levels(partnership_data)[1]["label"] = {"both": "Early help " + "and more " * 60}
    found = problems_of(write_pack, partnership_data)
    assert [(node, field) for node, field, _ in found] == [(f"{OPTIONS} support_level[2]", "label.both")]
    [problem] = check_partnership(write_pack(partnership_data, "partnership.yaml"))[1]
    assert "more than the 100 allowed here" in problem.message


def test_an_acronym_as_the_partnerships_name_must_be_spelled_out(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (partnership review): "name: SSCP" passed `rules check` (with the pack's owner to
    match), and every page's header named the partnership by an acronym nothing explained."""
    partnership_data["name"] = "SSCP"
    path = write_pack(partnership_data, "partnership.yaml")
    _, problems = check_partnership(path)
    assert [(p.node, p.field) for p in problems] == [("(partnership)", "name")]
    assert "uses the acronym SSCP without spelling it out" in problems[0].message
    partnership_data["name"] = "Salford Safeguarding Children Partnership (SSCP)"
    assert check_partnership(write_pack(partnership_data, "partnership.yaml"))[1] == []


def test_an_acronym_as_the_name_is_refused_once_where_the_footer_text_is_not_given(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (partnership review): with no footer text, the footer says "Space to Think is run by
    the <name>.", and an acronym as the name was refused a second time, as the footer's text,
    which the file does not give."""
    partnership_data["name"] = "SSCP"
    partnership_data.pop("footer", None)
    _, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert [(p.node, p.field) for p in problems] == [("(partnership)", "name")], [str(p) for p in problems]


def test_another_partnership_given_the_shipped_contacts_is_warned_that_they_are_not_its_own(tmp_path: Path) -> None:
    """Found (another area's review): with CONTACTS_PATH left unset, Northmere's pages, emails and
    PDFs gave Salford's children's social care and out-of-hours numbers under Northmere's name, and
    nothing said so. A warning (start-up logs it, `rules check` shows it): a copy of the shipped
    file unchanged is warned of too; the shipped partnership renamed is not stopped."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    pack, partnership = examples / "space_to_think.yaml", examples / "partnership.yaml"
    copy = tmp_path / "contacts.yaml"
    copy.write_bytes(DEFAULT_CONTACTS.read_bytes())
    for contacts in (DEFAULT_CONTACTS, copy):
        report = check_rules(pack, contacts, uk_today(), partnership_path=partnership)
        [warned] = [w for w in report.warnings if "is the contacts file shipped for" in w.message]
        assert warned.file == str(contacts) and "Set CONTACTS_PATH (or `rules check --contacts`) to your area's" in (
            warned.message
        )
        assert "Salford Safeguarding Children Partnership" in warned.message
        # Production does not start with it, as with an example's contacts (regression review).
        files = {"RULE_PACK_PATH": pack, "CONTACTS_PATH": contacts, "PARTNERSHIP_PATH": partnership}
        refused = refusal(report, files, production=True)
        assert refused is not None and "is the contacts file shipped for" in refused
        assert refusal(report, files, production=False) is None
    own = check_rules(pack, examples / "contacts.yaml", uk_today(), partnership_path=partnership)
    assert not [w for w in own.warnings if "is the contacts file shipped for" in w.message]
    shipped = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, uk_today(), partnership_path=DEFAULT_PARTNERSHIP)
    assert not [w for w in shipped.warnings if "is the contacts file shipped for" in w.message]


def test_another_partnerships_contact_giving_a_shipped_number_or_page_is_refused_in_production(tmp_path: Path) -> None:
    """Found (another area's review): the shipped out-of-hours team's entry pasted into an otherwise
    new contacts file, or the shipped file copied with only the area's name changed, passed every
    check and started in production: every page's footer gave Salford's out-of-hours number under
    another partnership's name. Each such number, page or mailbox is named: a warning in `rules
    check`, a refusal in production."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    pack, partnership = examples / "space_to_think.yaml", examples / "partnership.yaml"
    shipped = DEFAULT_CONTACTS.read_text(encoding="utf-8")
    own = (examples / "contacts.yaml").read_text(encoding="utf-8")

    def block(text: str, contact_id: str) -> str:
        start = text.index(f"  - id: {contact_id}\n")
        end = text.find("\n  - id: ", start + 1)
        return text[start : end + 1]

    pasted = tmp_path / "pasted" / "contacts.yaml"
    pasted.parent.mkdir()
    mixed = own.replace(block(own, "out_of_hours"), block(shipped, "out_of_hours"))
    pasted.write_text(mixed.replace(block(own, "lado"), block(shipped, "lado")), encoding="utf-8")
    renamed = tmp_path / "renamed" / "contacts.yaml"
    renamed.parent.mkdir()
    renamed.write_text(shipped.replace("Salford", "Northmere").replace("salford", "northmere"), encoding="utf-8")
    files = {"RULE_PACK_PATH": pack, "PARTNERSHIP_PATH": partnership}
    from app.rules.loader import load_contacts

    theirs = {contact.id: contact for contact in load_contacts(DEFAULT_CONTACTS).contacts}
    out_of_hours = theirs["out_of_hours"]
    local = [contact.phone for contact in theirs.values() if contact.phone and len(contact.phone) > 6]
    assert len(local) == 3
    for contacts, expected in (
        (
            pasted,
            [f"{out_of_hours.phone} is Salford Safeguarding Children Partnership's number for {out_of_hours.name}"],
        ),
        (renamed, [f"{phone} is Salford" for phone in local]),
    ):
        report = check_rules(pack, contacts, uk_today(), partnership_path=partnership)
        warned = [w.message for w in report.warnings if "not Northmere Safeguarding Partnership's" in w.message]
        assert all(any(message.startswith(start) for message in warned) for start in expected), warned
        refused = refusal(report, {**files, "CONTACTS_PATH": contacts}, production=True)
        assert refused is not None and all(start in refused for start in expected), refused
    # Its pages too, on the shipped services' hosts (the LADO's).
    report = check_rules(pack, pasted, uk_today(), partnership_path=partnership)
    [link] = [w for w in report.warnings if w.field == "links" and w.node == "contact lado"]
    assert link.message.startswith("safeguardingchildren.salford.gov.uk is Salford"), link.message
    # Its own contacts, and the shipped partnership's own, are not.
    for report in (
        check_rules(pack, examples / "contacts.yaml", uk_today(), partnership_path=partnership),
        check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, uk_today(), partnership_path=DEFAULT_PARTNERSHIP),
    ):
        assert not [w for w in report.warnings if "Salford Safeguarding Children Partnership's" in w.message]


def test_a_copy_of_the_shipped_pack_for_another_partnership_is_warned_of_each_text_naming_salford(
    tmp_path: Path,
) -> None:
    """Found (another area's review): the shipped pack copied with only its owner changed kept its
    mentions of Salford ("In Salford, you reach children's social care through the Bridge
    Partnership"), and `rules check` said it was valid. Each text naming the shipped partnership's
    area or short name is warned of; the example, written for its own area, is not."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    copied = tmp_path / "space_to_think.yaml"
    copied.write_text(
        DEFAULT_PACK.read_text(encoding="utf-8").replace(
            "owner: Salford Safeguarding Children Partnership", "owner: Northmere Safeguarding Partnership", 1
        ),
        encoding="utf-8",
    )
    partnership, contacts = examples / "partnership.yaml", examples / "contacts.yaml"

    def naming_salford(pack: Path) -> list[tuple[str, str]]:
        report = check_rules(pack, contacts, uk_today(), partnership_path=partnership)
        return [(w.node, w.field) for w in report.warnings if "which is Salford Safeguarding Children" in w.message]

    named = naming_salford(copied)
    assert ("question unshared_concern", "hint") in named and len(named) >= 5
    # A guidance item's source (its label on outcome pages and PDFs) and a glossary meaning too
    # (regression review: neither was read).
    assert ("guidance escalation", "source") in named and ("glossary", "SSCP meaning") in named
    assert naming_salford(examples / "space_to_think.yaml") == []


def test_a_logo_drawn_only_in_colours_the_header_hides_is_warned_of(tmp_path: Path) -> None:
    """Found (another area's review): a logo drawn in the brand colour itself, so invisible on the
    header it stands on, was taken in silence. An SVG logo whose every colour is under 3:1 against
    the brand colour is warned of; the example's white logo, and one it cannot read the colours
    of (a gradient), are not."""
    from app.rules.partnership import _svg_colours, logo_unseen_on_brand

    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    partnership = tmp_path / "partnership.yaml"
    partnership.write_bytes((examples / "partnership.yaml").read_bytes())
    logo = (examples / "logo.svg").read_text(encoding="utf-8")
    # A shape given no fill is drawn black: counted among the colours (regression review: a logo with
    # its text left black, 4.3:1 on a red brand colour, beside a shape in the brand colour, was
    # called unseen); not when a fill is given around it.
    text_left_black = logo.replace('"#fff"', '"#d4351c"').replace("</svg>", '<text x="0" y="9">N</text></svg>')
    assert _svg_colours(text_left_black.encode()) == {"#d4351c", "#000000"}
    grouped = text_left_black.replace("<text ", '<g fill="#d4351c"><text ').replace("</text>", "</text></g>")
    assert _svg_colours(grouped.encode()) == {"#d4351c"}
    (tmp_path / "logo.svg").write_text(logo, encoding="utf-8")
    read = check_partnership(partnership)[0]
    assert read is not None and logo_unseen_on_brand(read) == []
    brand = read.colours.brand
    for drawn, warned in (
        (logo.replace('"#fff"', f'"{brand}"'), True),
        (logo.replace('fill="#fff"', f'style="fill: {brand.upper()}"').replace('stroke="#fff"', 'stroke="#123"'), True),
        (logo.replace('"#fff"', '"url(#shine)"'), False),
        (logo.replace('"#fff"', '"white"'), False),
        # (Regression review: a style block's paint in capitals was not read.)
        (logo.replace('"#fff"', f'"{brand}"').replace("</svg>", "<style>path { FILL: #ffffff }</style></svg>"), False),
    ):
        (tmp_path / "logo.svg").write_text(drawn, encoding="utf-8")
        read = check_partnership(partnership)[0]
        assert read is not None
        found = logo_unseen_on_brand(read)
        assert bool(found) is warned, drawn
        if warned:
            assert f"against the brand colour {brand}, the header it stands on" in found[0].message
            assert "at least 3:1" in found[0].message
            report = check_rules(
                examples / "space_to_think.yaml", examples / "contacts.yaml", uk_today(), partnership_path=partnership
            )
            assert any("the header it stands on" in w.message for w in report.warnings)


def test_a_pack_and_partnership_file_of_two_partnerships_say_which_setting_was_left_unset() -> None:
    """Found (another area's review): with PARTNERSHIP_PATH (or RULE_PACK_PATH) left unset, start-up
    said only that the two files name different partnerships, where one with CONTACTS_PATH left
    unset names the setting. When one of the two is the shipped file, the message names the setting
    to set; when neither is, it does not guess."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    contacts = examples / "contacts.yaml"

    def mismatch(pack: Path, partnership: Path) -> str:
        report = check_rules(pack, contacts, uk_today(), partnership_path=partnership)
        [found] = [p.message for p in report.problems if "must name the same partnership" in p.message]
        return found

    unset = 'to your area\'s file (README, "Deploying it for another area")'
    said = mismatch(examples / "space_to_think.yaml", DEFAULT_PARTNERSHIP)
    assert said.endswith(f"The shipped file is in use: set PARTNERSHIP_PATH (or `rules check --partnership`) {unset}")
    said = mismatch(DEFAULT_PACK, examples / "partnership.yaml")
    assert said.endswith(f"The shipped file is in use: set RULE_PACK_PATH (or `rules check --pack`) {unset}")


def test_the_examples_area_named_in_another_areas_files_is_warned_of_and_refused_in_production(tmp_path: Path) -> None:
    """Found (another area's review): an area starting from examples/northmere/, as the README
    says, that left "In Northmere, professionals cannot refer anonymously." in its pack passed
    `rules check` in silence, and production started: its practitioners read of a fictional
    area. Each text naming the example's area or short name is warned of, and production refuses
    them, as it does the example's fictional numbers; the example itself, and Salford's files, not."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    pack = tmp_path / "space_to_think.yaml"
    pack.write_text(
        (examples / "space_to_think.yaml")
        .read_text(encoding="utf-8")
        .replace("owner: Northmere Safeguarding Partnership", "owner: Eastmoor Safeguarding Partnership", 1),
        encoding="utf-8",
    )
    partnership = tmp_path / "partnership.yaml"
    partnership.write_text(
        (examples / "partnership.yaml")
        .read_text(encoding="utf-8")
        .replace("name: Northmere Safeguarding Partnership", "name: Eastmoor Safeguarding Partnership", 1)
        .replace("short_name: NSP", "short_name: ESP", 1),
        encoding="utf-8",
    )
    contacts = examples / "contacts.yaml"
    (tmp_path / "logo.svg").write_bytes((examples / "logo.svg").read_bytes())

    def naming_northmere(report: Any) -> list[tuple[str, str]]:
        return [
            (w.node, w.field) for w in report.warnings if "which is Northmere Safeguarding Partnership's" in w.message
        ]

    report = check_rules(pack, contacts, uk_today(), partnership_path=partnership)
    named = naming_northmere(report)
    assert len(named) >= 3 and any(node.startswith("outcome") for node, _ in named), named
    assert any(node == "(partnership)" for node, _ in named), named  # the partnership file's own texts
    files = {"RULE_PACK_PATH": pack, "CONTACTS_PATH": contacts, "PARTNERSHIP_PATH": partnership}
    refused = refusal(report, files, production=True)
    assert refused is not None and "which is Northmere Safeguarding Partnership's" in refused
    own = check_rules(
        examples / "space_to_think.yaml", contacts, uk_today(), partnership_path=examples / "partnership.yaml"
    )
    assert naming_northmere(own) == []
    assert (
        naming_northmere(check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, uk_today(), partnership_path=DEFAULT_PARTNERSHIP))
        == []
    )


def _salford_files(tmp_path: Path, name: str, short_name: str) -> tuple[Path, Path]:
    """The shipped pack and partnership file, copied with the partnership's name changed."""
    pack = tmp_path / "space_to_think.yaml"
    pack.write_text(
        DEFAULT_PACK.read_text(encoding="utf-8").replace(
            "owner: Salford Safeguarding Children Partnership", f"owner: {name}", 1
        ),
        encoding="utf-8",
    )
    partnership = tmp_path / "partnership.yaml"
    partnership.write_text(
        DEFAULT_PARTNERSHIP.read_text(encoding="utf-8")
        .replace("name: Salford Safeguarding Children Partnership", f"name: {name}", 1)
        .replace("short_name: SSCP", f"short_name: {short_name}", 1),
        encoding="utf-8",
    )
    return pack, partnership


def test_a_copy_of_the_shipped_partnership_file_for_another_area_is_warned_of_its_signature_and_examples(
    tmp_path: Path,
) -> None:
    """Found (regression review): a copy of the shipped partnership file with its name changed kept
    "Salford Safeguarding Children Partnership" under every email and "Salford Royal health
    visiting" in the request's hint, and nothing said so."""
    pack, partnership = _salford_files(tmp_path, "Northmere Safeguarding Partnership", "NSP")
    report = check_rules(pack, DEFAULT_CONTACTS, uk_today(), partnership_path=partnership)
    in_file = {(w.node, w.field) for w in report.warnings if w.file == str(partnership) and "Salford" in w.message}
    assert {("(partnership)", "email_signature"), ("(partnership) examples", "agency")} <= in_file
    [signature] = [w for w in report.warnings if w.field == "email_signature"]
    assert signature.line is not None and "name your own area" in signature.message
    # Its title, footer and author are warned of once each (regression review: twice, as naming
    # neither of its names and as naming Salford).
    fields = [w.field for w in report.warnings if w.file == str(partnership)]
    for field in ("page_title_suffix", "footer text", "pdf_author"):
        assert fields.count(field) == 1, (field, fields)
    # Its place lists, Salford's unchanged: the form would look for Salford's places, not its own
    # (regression review).
    [lists] = [w for w in report.warnings if "'s list, unchanged" in w.message]
    assert lists.field == "places" and lists.line is not None and "list your own area's" in lists.message
    assert lists.message.startswith(
        "is Salford Safeguarding Children Partnership's list, unchanged, as are hospitals and "
    )
    # A neighbour's file listing the same boroughs, with places of its own, is not warned of (regression
    # review: a Trafford file listing Greater Manchester's ten was told they were Salford's); one that
    # keeps Salford's hospitals and streets beside its own towns is, of those (regression review).
    text = partnership.read_text(encoding="utf-8")
    own = "places: [Trafford, Altrincham, Sale, Stretford]"
    partnership.write_text(re.sub(r"^places: \[[^]]*\]", own, text, flags=re.M | re.S))
    kept = check_rules(pack, DEFAULT_CONTACTS, uk_today(), partnership_path=partnership)
    [lists] = [w for w in kept.warnings if "'s list, unchanged" in w.message]
    assert lists.field == "hospitals" and lists.message.startswith(
        "is Salford Safeguarding Children Partnership's list, unchanged, as is public_places."
    )
    text = partnership.read_text(encoding="utf-8")
    text = re.sub(r"^hospitals: \[[^]]*\]", "hospitals: [Trafford General]", text, flags=re.M | re.S)
    partnership.write_text(
        re.sub(r"^public_places: \[[^]]*\]", "public_places: [Altrincham Interchange]", text, flags=re.M | re.S)
    )
    neighbour = check_rules(pack, DEFAULT_CONTACTS, uk_today(), partnership_path=partnership)
    assert not [w for w in neighbour.warnings if "'s list, unchanged" in w.message]
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    northmere = check_rules(
        examples / "space_to_think.yaml",
        examples / "contacts.yaml",
        uk_today(),
        partnership_path=examples / "partnership.yaml",
    )
    assert not [w for w in northmere.warnings if "'s list, unchanged" in w.message]
    shipped = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, uk_today(), partnership_path=DEFAULT_PARTNERSHIP)
    assert not [w for w in shipped.warnings if "'s list, unchanged" in w.message]


def test_the_shipped_partnership_under_a_new_name_keeps_its_own_contacts_and_words(tmp_path: Path) -> None:
    """Found (regression review): the shipped partnership renamed in its copied files ("Salford
    Children's Safeguarding Partnership") was refused its own contacts in production ("its
    services and phone numbers are not yours") and warned of six texts naming Salford."""
    pack, partnership = _salford_files(tmp_path, "Salford Children's Safeguarding Partnership", "SCSP")
    approved_copy(pack).write_bytes(pack.read_bytes())  # (approved as renamed: production needs it)
    report = check_rules(pack, DEFAULT_CONTACTS, uk_today(), partnership_path=partnership)
    assert report.problems == ()
    assert not [w for w in report.warnings if "Salford Safeguarding Children Partnership's" in w.message]
    files = {"RULE_PACK_PATH": pack, "CONTACTS_PATH": DEFAULT_CONTACTS, "PARTNERSHIP_PATH": partnership}
    assert refusal(report, files, production=True) is None


def test_another_areas_contacts_put_where_the_shipped_file_was_are_not_called_the_shipped_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (regression review): an area that wrote its own contacts over the shipped file was
    refused in production, told the file was the shipped partnership's."""
    from app.rules import partnership as partnership_module

    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    in_place = tmp_path / "contacts.yaml"
    in_place.write_bytes((examples / "contacts.yaml").read_bytes())
    monkeypatch.setattr(partnership_module, "SHIPPED_CONTACTS", in_place)
    partnership_module._shipped.cache_clear()
    try:
        pack, partnership = examples / "space_to_think.yaml", examples / "partnership.yaml"
        report = check_rules(pack, in_place, uk_today(), partnership_path=partnership)
        assert not [w for w in report.warnings if "is the contacts file shipped for" in w.message]
        files = {"RULE_PACK_PATH": pack, "CONTACTS_PATH": in_place, "PARTNERSHIP_PATH": partnership}
        # (Production refuses the example's fictional details: but not as the shipped contacts.)
        assert "is the contacts file shipped for" not in (refusal(report, files, production=True) or "")
        in_place.write_bytes(DEFAULT_CONTACTS.read_bytes())  # the shipped file's words in that place: refused
        partnership_module._shipped.cache_clear()
        report = check_rules(pack, in_place, uk_today(), partnership_path=partnership)
        refused = refusal(report, files, production=True)
        assert refused is not None and "is the contacts file shipped for" in refused
    finally:
        partnership_module._shipped.cache_clear()


def test_production_names_the_shipped_contacts_beside_any_other_problem_in_one_run(tmp_path: Path) -> None:
    """Found (regression review): with another problem in the rule files, production said that
    alone, and once it was mended refused again for the shipped contacts."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "northmere"
    pack = tmp_path / "space_to_think.yaml"
    text = (examples / "space_to_think.yaml").read_text(encoding="utf-8")
    assert "      - childrens_social_care\n" in text
    pack.write_text(text.replace("      - childrens_social_care\n", "      - nosuch_contact\n", 1), encoding="utf-8")
    partnership = examples / "partnership.yaml"
    report = check_rules(pack, DEFAULT_CONTACTS, uk_today(), partnership_path=partnership)
    assert report.problems
    files = {"RULE_PACK_PATH": pack, "CONTACTS_PATH": DEFAULT_CONTACTS, "PARTNERSHIP_PATH": partnership}
    refused = refusal(report, files, production=True)
    assert refused is not None and "nosuch_contact" in refused and "is the contacts file shipped for" in refused


def test_a_pdf_author_too_long_for_the_pdfs_running_header_is_refused(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    """Found (regression review): ``pdf_author`` is printed at the top of every PDF page, beside the
    reference; from about 150 characters it wrapped into it ("STT-HSKU-" / "K3RE"). At most 120."""
    partnership_data["pdf_author"] = "Space to Think, " + "a" * 104  # 120 characters
    assert check_partnership(write_pack(partnership_data, "partnership.yaml"))[1] == []
    partnership_data["pdf_author"] += "a"
    _, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert [(p.field, p.message.split(":")[0]) for p in problems] == [
        ("pdf_author", "is 121 characters long, more than the 120 allowed here")
    ]


@pytest.mark.parametrize("given", ["Englnd", "", "UK", 1, ["England"]])
def test_a_nation_whose_bank_holidays_cannot_be_known_is_named(
    partnership_data: dict[str, Any], write_pack: WritePack, given: object
) -> None:
    partnership_data["bank_holidays"] = given
    _, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert [(problem.node, problem.field) for problem in problems] == [("(partnership)", "bank_holidays")]
    assert "England, Wales, Scotland or Northern Ireland" in problems[0].message and problems[0].line is not None


def test_the_nation_whose_bank_holidays_the_area_keeps_is_read_in_any_letters(
    partnership_data: dict[str, Any], write_pack: WritePack
) -> None:
    partnership_data["bank_holidays"] = "northern ireland"
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None and partnership.bank_holidays == "Northern Ireland"
    del partnership_data["bank_holidays"]
    partnership, problems = check_partnership(write_pack(partnership_data, "partnership.yaml"))
    assert problems == [] and partnership is not None and partnership.bank_holidays == ""
    shipped, _ = check_partnership(DEFAULT_PARTNERSHIP)
    assert shipped is not None and shipped.bank_holidays == "England"
