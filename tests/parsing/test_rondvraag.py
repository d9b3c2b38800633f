"""Rondvraag contributions under ministry headings (`minutes.parsing.rondvraag`)."""

from __future__ import annotations

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
