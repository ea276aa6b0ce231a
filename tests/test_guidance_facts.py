"""Statements of fact a designated safeguarding lead found wrong (the lead's review of every
statement of fact, Part A): each as a person reads it, on "How this tool decides", where every
piece of guidance the rules cite is shown with its source."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from app.rules import load_contacts, load_pack
from support.walk import Walker

PACK = load_pack(contacts=load_contacts())


def words(page: str) -> str:
    """The page's text as read: tags gone, entities decoded, white space single."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def how_it_decides(client: FlaskClient) -> str:
    response = client.get("/how-it-decides")
    assert response.status_code == 200
    return words(response.get_data(as_text=True))


def test_the_kcsie_fourth_test_is_given_in_kcsie_words_with_transferable_risk(client: FlaskClient) -> None:
    """A1. It said "behaved towards a child or children in a way that indicates they may not be
    suitable": KCSIE's fourth test is "behaved or may have behaved in a way that indicates they may
    not be suitable to work with children", and its point is behaviour not towards children (at
    home, outside work): transferable risk. Its source names its edition, as Working Together's
    does."""
    kcsie = PACK.guidance_for("kcsie_suitability")
    assert kcsie is not None
    assert re.search(r"\b20\d\d\b", kcsie.source), kcsie.source
    page = how_it_decides(client)
    assert (
        "an adult who has behaved or may have behaved in a way that indicates they may not be suitable to "
        "work with children"
    ) in page
    assert "transferable risk" in page and "outside work" in page
    assert "behaved towards a child or children in a way that indicates they may not be suitable" not in page


def test_the_serious_harm_outcome_does_not_say_the_agency_lead_decides(client: FlaskClient) -> None:
    """A2. R said "If it is not clear whether this is what happened, the agency's safeguarding lead
    decides": not CONTENT.md's words, and not who decides. The safeguarding partners decide,
    through the rapid review, whether a review is needed; the agency's lead refers it to them."""
    for mode in ("practitioner", "supervision"):
        outcome = PACK.outcome("R")
        assert outcome is not None
        summary = outcome.summary.for_mode(mode)
        assert "lead decides" not in summary
        assert "the partnership's practice review procedure applies" in summary
        assert "they refer it to the partnership, which decides whether a review is needed" in summary
    path = [
        ("mode", "practitioner"),
        ("immediate_danger", "no"),
        ("unshared_concern", "no_concern"),
        ("allegation", "no"),
        ("adult_at_risk", "no"),
        ("serious_incident", "not_sure"),
    ]
    page = words(Walker(client).walk(path).get_data(as_text=True))
    assert "safeguarding lead decides" not in page
    assert "they refer it to the partnership, which decides whether a review is needed" in page


def test_a_guidance_summary_carries_only_what_its_source_says(client: FlaskClient) -> None:
    """A5. The Care Act's section 42 summary ended "Report abuse or neglect of an adult to adult social
    care", and Working Together's allegations summary "Employers should not investigate before
    consulting the LADO": instructions neither source gives in those words. They are the outcomes'
    own steps (CONTENT.md's A and L), and stay there."""
    care_act, allegations = PACK.guidance_for("care_act"), PACK.guidance_for("wt_allegations")
    assert care_act is not None and allegations is not None
    assert "adult social care" not in care_act.text
    assert "investigate" not in allegations.text
    page = how_it_decides(client)
    assert "Report abuse or neglect of an adult to adult social care" not in page
    assert "Employers should not investigate" not in page
    for outcome_id, step in (("A", "Report the abuse or neglect to adult social care."), ("L", "Do not investigate")):
        outcome = PACK.outcome(outcome_id)
        assert outcome is not None
        assert any(action.for_mode("practitioner").startswith(step) for action in outcome.actions), outcome_id


def test_a_child_is_defined_as_the_law_does_and_an_unborn_baby_still_goes_to_childrens_social_care(
    client: FlaskClient,
) -> None:
    """A6. The concern question's hint said "A child is anyone under 18, including an unborn baby",
    which reads as the law's definition and is not: a child is anyone who has not reached 18. The
    practice point, that a worry about an unborn baby goes to children's social care, is kept."""
    for mode in ("practitioner", "supervision"):
        response = client.get(f"/questions-to-prepare?mode={mode}")
        assert response.status_code == 200
        page = words(response.get_data(as_text=True))
        assert "including an unborn baby" not in page
        assert "A child is anyone under 18. A worry about an unborn baby also goes to children's social care." in page


def test_the_example_partnerships_pack_carries_the_same_corrections() -> None:
    """Found (regression review): the example pack a new partnership copies (examples/northmere)
    still said what the shipped pack's guidance was corrected for: KCSIE's fourth test as behaviour
    "towards a child or children", local instructions in the Care Act's and Working Together's
    summaries, and "the agency's safeguarding lead decides" in R."""
    from pathlib import Path

    import yaml

    example = Path(__file__).resolve().parent.parent / "examples" / "northmere" / "space_to_think.yaml"
    text = " ".join(example.read_text(encoding="utf-8").split())
    for wrong in (
        "who has behaved towards a child or children in a way that indicates they may not be suitable",
        "Employers should not investigate before consulting the LADO.",
        "Report abuse or neglect of an adult to adult social care.",
        "the agency's safeguarding lead decides",
    ):
        assert wrong not in text, wrong
    guidance = {item["id"]: " ".join(item["text"].split()) for item in yaml.safe_load(example.read_text())["guidance"]}
    assert "behaved or may have behaved in a way that indicates" in guidance["kcsie_suitability"]
