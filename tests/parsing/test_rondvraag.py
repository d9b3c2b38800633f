"""Rondvraag contributions under ministry headings (`minutes.parsing.rondvraag`)."""

from __future__ import annotations

from minutes.ministries import default_alias_table
from minutes.parsing import ParsedContribution
from minutes.parsing.ministries import MinistryMatcher
from minutes.parsing.rondvraag import split_contributions
from tests.parsing.helpers import (
    item,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


def test_rondvraag_headings() -> None:
    meeting = parse_fixture("rondvraag_headings.txt")
    rondvraag = item(meeting, "1")
    assert [(c.label, c.ministry, c.text) for c in rondvraag.contributions] == [
        ("Fin:", "FIN", "- Meldt dat de Voorjaarsnota op schema ligt."),
        ("J&V:", "JenV", "- Vraagt aandacht voor de inzet bij de jaarwisseling."),
        ("EZK", "EZK", "- Staat stil bij de gaswinning in Groningen."),
        ("OCW:", "OCW", "Geen punten."),
    ]
    assert meeting.ministries_mentioned == ("EZK", "FIN", "JenV", "OCW")


def test_rondvraag_headings_as_bullets() -> None:
    meeting = parse_fixture("rondvraag_bullet_headings.txt")
    assert [(c.label, c.ministry, c.text) for c in item(meeting, "1").contributions] == [
        ("EZK:", "EZK", "Meldt dat de netcongestie toeneemt."),
        (
            "SG Financiën:",
            "FIN",
            "Meldt dat de Voorjaarsnota op schema ligt.\n- Vraagt aandacht voor de planning.",
        ),
    ]


# ------------------------------------------------------- split_contributions


def test_contributions_under_each_kind_of_heading() -> None:
    lines = [
        "J&V:",
        "- Meldt dat de inzet op schema ligt.",
        "",
        "Fin: Geen punten.",
        "SG EZK",
        "- Staat stil bij de gaswinning.",
        "- BZK: Meldt dat de planning klopt.",
        "Conclusie: niets",
    ]
    matcher = MinistryMatcher(default_alias_table())
    assert split_contributions(lines, matcher) == [
        ParsedContribution("JenV", "J&V:", "- Meldt dat de inzet op schema ligt."),
        ParsedContribution("FIN", "Fin:", "Geen punten."),
        ParsedContribution("EZK", "SG EZK", "- Staat stil bij de gaswinning."),
        # "Conclusie" is no ministry, so its line belongs to the contribution above it.
        ParsedContribution("BZK", "BZK:", "Meldt dat de planning klopt.\nConclusie: niets"),
    ]


def test_lines_before_the_first_heading_belong_to_no_one() -> None:
    matcher = MinistryMatcher(default_alias_table())
    assert split_contributions(["Geen bijzonderheden.", "OCW:", "Geen punten."], matcher) == [
        ParsedContribution("OCW", "OCW:", "Geen punten."),
    ]
