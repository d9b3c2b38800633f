"""Sentences and decisions (`minutes.parsing.decisions`)."""

from __future__ import annotations

import pytest

from tests.parsing.helpers import (
    decisions,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


@pytest.mark.parametrize(
    "name",
    [
        "verslag_aangehouden.txt",
        "kennisname.txt",
        "ministerraad_in_passing.txt",
        "moet_worden_vastgesteld.txt",
    ],
)
def test_not_decisions(name: str) -> None:
    meeting = parse_fixture(name)
    assert meeting.agenda_items
    assert decisions(meeting) == []


def test_decision_phrasings() -> None:
    meeting = parse_fixture("decision_phrasings.txt")
    # Not decisions: "Vastgesteld." under the agenda (not minutes), a request to decide
    # later, a decision still to come, and an observation ("Vastgesteld wordt dat").
    assert decisions(meeting) == [
        ("2", "Verslag vastgesteld.", "adopted"),
        ("3", "Vastgesteld met een wijziging van SG BZK.", "adopted"),
        (
            "4",
            "Het SGO neemt kennis van de notitie en stemt in met het vervolgproces.",
            "consented",
        ),
    ]
