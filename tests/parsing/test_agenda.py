"""Agenda items, inserted items and sub-items (`minutes.parsing.agenda`)."""

from __future__ import annotations

from datetime import time

from minutes.parsing import parse_minutes
from minutes.parsing.agenda import split_items, split_without_table, until_first_item
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


# -------------------------------------------------------------- split_items


def drafts_outline(text: str) -> list[tuple[str, str, list[str], list[tuple[str, str, list[str]]]]]:
    _preamble, drafts = split_items(text)
    return [(d.number, d.title, d.lines, d.subitems) for d in drafts]


def test_items_inserted_items_and_subitems() -> None:
    text = (
        "VERSLAG\n\n1. Opening\nDe vz opent.\n2. Verslag SGO 3 maart 2020\na. Eerste\nTekst a\n"
        "b. Tweede\nIngelast: Brexit\nBesproken.\n4. Rondvraag\n9. Geen agendapunt"
    )
    preamble, _drafts = split_items(text)
    assert preamble == "VERSLAG\n"
    # 3 was withheld, so 4 follows 2; 9 is too far off to be an item.
    assert drafts_outline(text) == [
        ("1", "Opening", ["De vz opent."], []),
        ("2", "Verslag SGO 3 maart 2020", [], [("a", "Eerste", ["Tekst a"]), ("b", "Tweede", [])]),
        ("ingelast", "Brexit", ["Besproken."], []),
        ("4", "Rondvraag", ["9. Geen agendapunt"], []),
    ]


def test_a_numbered_list_in_a_body_is_no_item() -> None:
    text = (
        "1. Opening\nSG AZ noemt twee onderwerpen:\n1. Brexit\n2. Coronamaatregelen.\n"
        "2. Verslag\nVastgesteld."
    )
    assert drafts_outline(text) == [
        (
            "1",
            "Opening",
            ["SG AZ noemt twee onderwerpen:", "1. Brexit", "2. Coronamaatregelen."],
            [],
        ),
        ("2", "Verslag", ["Vastgesteld."], []),
    ]


def test_under_bold_headings_a_plain_number_is_a_list_entry() -> None:
    text = "**1. Opening**\nSG AZ noemt:\n1. Brexit\n2. Corona\n**2. Verslag**\nVastgesteld."
    assert drafts_outline(text) == [
        ("1", "Opening", ["SG AZ noemt:", "1. Brexit", "2. Corona"], []),
        ("2", "Verslag", ["Vastgesteld."], []),
    ]


def test_without_a_table_the_letterhead_ends_at_the_first_item() -> None:
    lines = ["Kabinet", "Datum 4 maart 2020", "1. Opening", "tekst"]
    assert split_without_table(lines) == (lines[:2], lines[2:])
    # An item numbered above 2 does not open the minutes.
    assert split_without_table(["tekst", "5. Rondvraag"]) == ([], ["tekst", "5. Rondvraag"])


def test_until_first_item_stops_at_an_inserted_item_too() -> None:
    lines = ["Notulen", "gehouden op 3 maart 2020", "Ingelast: Brexit", "1. Opening"]
    assert until_first_item(lines) == lines[:2]
