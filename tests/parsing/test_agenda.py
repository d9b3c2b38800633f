"""Agenda items, inserted items and sub-items (`minutes.parsing.agenda`)."""

from __future__ import annotations

from datetime import time

from minutes.parsing import parse_minutes
from tests.parsing.helpers import (
    FIXTURES,
    decisions,
    item,
    item_at,
    outline,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


def test_two_inserted_items_in_document_order() -> None:
    meeting = parse_fixture("ingelast_twice.txt")
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("ingelast", "coronamaatregelen rijksdienst", []),
        ("2", "Verslag SGO 25 februari 2020", []),
        ("ingelast", "Brexit", []),
        ("3", "Rondvraag, actualiteiten en sluiting", []),
    ]
    assert item_at(meeting, 1).body == "SG BZK geeft een toelichting op de maatregelen."
    assert decisions(meeting) == [
        ("2", "Vastgesteld.", "adopted"),
        ("ingelast", "Het SGO besluit de werkgroep Brexit te verlengen.", "decided"),
    ]
    # "ingelast" repeats, so a decision also says which item it belongs to by position.
    assert [d.item_index for d in meeting.decisions] == [2, 3]


def test_subitems_with_tab_and_decision_under_subitem() -> None:
    meeting = parse_fixture("subitems_tab.txt")
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 25 februari 2020", []),
        (
            "3",
            "Interdepartementale afstemming",
            [
                ("a", "RMR en MR vrijdag 6 maart 2020"),
                ("b", "Voorportalen en Onderraden"),
                ("c", "Werkgroep informatiehuishouding"),
            ],
        ),
        ("4", "Rondvraag, actualiteiten en sluiting", []),
    ]
    afstemming = item(meeting, "3")
    assert [s.body for s in afstemming.subitems] == [
        "Besproken.",
        "Geen bijzonderheden.",
        "SG BZK licht de notitie toe. Het SGO stemt in met de voorgestelde aanpak.",
    ]
    # The decision under 3c is a decision of item 3.
    assert decisions(meeting) == [
        ("2", "Het verslag is vastgesteld.", "adopted"),
        ("3", "Het SGO stemt in met de voorgestelde aanpak.", "consented"),
    ]


def test_subitems_written_with_item_number() -> None:
    meeting = parse_fixture("subitems_numbered.txt")
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        (
            "2",
            "Interdepartementale afstemming",
            [("a", "RMR en MR vrijdag 6 maart 2020"), ("b", "Voorportalen en Onderraden")],
        ),
        ("3", "Rondvraag", []),
    ]
    assert [s.body for s in item(meeting, "2").subitems] == [
        "Besproken.",
        "Geen bijzonderheden.",
    ]


def test_inserted_item_with_bold_label_and_dash() -> None:
    meeting = parse_fixture("ingelast_bold_dash.txt")
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("ingelast", "Brexit", []),
    ]
    assert item(meeting, "ingelast").body == "Besproken."


def test_plain_numbered_list_under_bold_headings() -> None:
    meeting = parse_fixture("bold_headings_plain_list.txt")
    # "2. Coronamaatregelen" carries on the list; the bold "2. Verslag ..." is the item.
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 25 februari 2020", []),
    ]
    assert item(meeting, "1").body == (
        "SG AZ noemt twee onderwerpen:\n1. Brexit\n2. Coronamaatregelen"
    )
    assert decisions(meeting) == [("2", "Vastgesteld.", "adopted")]


def test_an_agenda_listed_up_front_is_not_taken_for_the_items():
    parsed = parse_minutes((FIXTURES / "agenda_listed_first.txt").read_bytes())
    assert [(i.number, i.title) for i in parsed.agenda_items] == [
        ("1", "Opening"),
        ("2", "Verslag SGO 5 maart 2019"),
        ("3", "Rondvraag"),
    ]
    assert parsed.agenda_items[0].body == "De vz opent de vergadering."
    assert [(d.item, d.kind) for d in parsed.decisions] == [("2", "adopted")]


def test_item_numbers_followed_by_a_tab_without_a_dot():
    parsed = parse_minutes((FIXTURES / "items_tab_numbered.txt").read_bytes())
    assert [(i.number, i.title) for i in parsed.agenda_items] == [
        ("1", "Opening en mededelingen"),
        ("2", "Verslag SGO 27 mei 2020"),
    ]
    assert (parsed.start_time, parsed.end_time) == (time(10, 0), time(11, 30))
    assert [(d.item, d.kind) for d in parsed.decisions] == [("2", "adopted")]
