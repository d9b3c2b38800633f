"""The header table, the letterhead and running page headers (`minutes.parsing.header`)."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.parsing.header import (
    letterhead_field,
    letterhead_names,
    page_header_pattern,
    parse_table,
    remove_page_headers,
)
from tests.parsing.helpers import (
    assert_no_page_header,
    decisions,
    item,
    outline,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


def test_page_header_glued_and_bold() -> None:
    meeting = parse_fixture("header_glued_bold.txt")
    assert meeting.reference == "4182454"
    assert meeting.document_date == date(2021, 1, 20)
    assert item(meeting, "1").body == (
        "Spreker meldt dat de derde actielijn nader wordt uitgewerkt."
    )
    assert_no_page_header(meeting, "Kabinet", "Datum", "4182454", "**")


def test_page_header_on_one_line() -> None:
    meeting = parse_fixture("header_one_line.txt")
    assert item(meeting, "1").body == (
        "SG OCW licht de werkagenda toe. De leden van het SGO onderschrijven de hoofdlijnen "
        "van de werkagenda en vragen om een uitwerking per departement."
    )
    assert decisions(meeting) == [
        (
            "1",
            "De leden van het SGO onderschrijven de hoofdlijnen van de werkagenda en vragen "
            "om een uitwerking per departement.",
            "agreed",
        )
    ]


def test_page_header_with_page_number() -> None:
    meeting = parse_fixture("header_pagina.txt")
    assert item(meeting, "1").body == "SG OCW licht toe dat de werkagenda in april verschijnt."
    assert_no_page_header(meeting, "Pagina", "van 3", "Kabinet", "4100001")


def test_page_header_with_another_reference_than_the_letterhead() -> None:
    meeting = parse_fixture("header_other_reference.txt")
    assert meeting.reference == "4182454"
    assert item(meeting, "1").body == (
        "Spreker meldt dat de derde actielijn nader wordt uitgewerkt."
    )


def test_attendees_with_continuation_lines() -> None:
    meeting = parse_fixture("aanwezig_continuation.txt")
    assert meeting.attendees_text == (
        "5.1.2e (AZ, vz), 5.1.2e (BZ), 5.1.2e (FIN, plv.), 5.1.2e (I&W), 5.1.2e (JenV), "
        "5.1.2e (OCW) en 5.1.2e (secretaris)"
    )
    assert meeting.absentees_text == "5.1.2e (DEF)"
    # "(secretaris)" is a role, and DEF sent apologies.
    assert meeting.ministries_present == ("AZ", "BZ", "FIN", "IenW", "JenV", "OCW")
    assert meeting.body.startswith("1. Opening en mededelingen")
    assert outline(meeting) == [("1", "Opening en mededelingen", [])]


# ------------------------------------------------------------- page headers

HEADER_RE = page_header_pattern(["Kabinet Minister-President"], "20 januari 2021", "4182454")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # In the middle of a sentence: the two halves are joined.
        (
            "Spreker meldt dat de derde\nKabinet Minister-President\nDatum\n20 januari 2021\n"
            "Onze referentie\n4182454\nactielijn nader wordt uitgewerkt.",
            "Spreker meldt dat de derde actielijn nader wordt uitgewerkt.",
        ),
        # Bold and glued to the words around it.
        (
            "Spreker meldt dat de derde**Kabinet Minister-President** **Datum** 20 januari 2021 "
            "**Onze referentie** 4182454 actielijn nader wordt uitgewerkt.",
            "Spreker meldt dat de derde actielijn nader wordt uitgewerkt.",
        ),
        # Between two paragraphs: the paragraph break stays.
        (
            "Einde van de alinea.\n\nKabinet Minister-President\nDatum\n20 januari 2021\n"
            "Onze referentie\n4182454\n\nNieuwe alinea.",
            "Einde van de alinea.\n\nNieuwe alinea.",
        ),
        # A page number alone.
        (
            "SG OCW licht toe\nPagina 2 van 3\ndat de werkagenda in april verschijnt.",
            "SG OCW licht toe dat de werkagenda in april verschijnt.",
        ),
        # Another ministry's letterhead, another date and another reference.
        (
            "SG BZK meldt dat\nMinisterie van Binnenlandse Zaken\nDatum\n4 maart 2021\n"
            "Onze referentie\n4199999\nde planning klopt.",
            "SG BZK meldt dat de planning klopt.",
        ),
        # Words that are no header stay.
        (
            "De datum van de vergadering is 20 januari 2021, zo meldt het Kabinet.",
            "De datum van de vergadering is 20 januari 2021, zo meldt het Kabinet.",
        ),
    ],
    ids=["mid-sentence", "bold-glued", "between-paragraphs", "page-number", "other", "no-header"],
)
def test_remove_page_headers(text: str, expected: str) -> None:
    assert remove_page_headers(text, HEADER_RE) == expected


def test_letterhead_names_stop_at_the_contact_block() -> None:
    lines = ["Ministerie van Algemene Zaken", "Kabinet Minister-President", "", "Contactpersoon"]
    assert letterhead_names(lines) == [
        "Ministerie van Algemene Zaken",
        "Kabinet Minister-President",
    ]


def test_letterhead_names_skip_sentences_and_stop_at_a_postcode() -> None:
    lines = ["Het verslag volgt.", "Directie Communicatie", "2513 AA Den Haag", "Kabinet"]
    assert letterhead_names(lines) == ["Directie Communicatie"]


# ----------------------------------------------------------- table, letterhead


def test_header_table_with_a_continuation_line() -> None:
    lines = [
        "Kabinet Minister-President",
        "",
        "Omschrijving\tSGO, verslag",
        "Vergaderdatum en -tijd\t19 januari 2021, 15.00 - 16.30 uur",
        "Vergaderplaats\tWebex",
        "Aanwezig\t5.1.2e (AZ, vz), 5.1.2e (BZ)",
        "\t5.1.2e (FIN)",
        "",
        "1. Opening",
    ]
    fields, first, end = parse_table(lines)
    assert fields == {
        "description": "SGO, verslag",
        "when": "19 januari 2021, 15.00 - 16.30 uur",
        "place": "Webex",
        "present": "5.1.2e (AZ, vz), 5.1.2e (BZ) 5.1.2e (FIN)",
    }
    assert lines[first:end] == lines[2:7]


def test_header_table_with_bold_colon_labels() -> None:
    lines = ["**Datum en tijd:** 3 maart 2020", "Plaats:   Den Haag", "Afgemeld: 5.1.2e (DEF)"]
    assert parse_table(lines) == (
        {"when": "3 maart 2020", "place": "Den Haag", "absent": "5.1.2e (DEF)"},
        0,
        3,
    )


def test_no_header_table() -> None:
    assert parse_table(["Geen tabel hier", "1. Opening"]) == ({}, -1, -1)


@pytest.mark.parametrize(
    ("lines", "label", "value"),
    [
        (
            ["Datum", "", "20 januari 2021", "Onze referentie", "4182454"],
            "Datum",
            "20 januari 2021",
        ),
        (
            ["Datum", "", "20 januari 2021", "Onze referentie", "4182454"],
            "Onze referentie",
            "4182454",
        ),
        (["Onze referentie 4182454"], "Onze referentie", "4182454"),
        (["Datum: 20 januari 2021"], "Datum", "20 januari 2021"),
        (["Datumprikker"], "Datum", None),
    ],
)
def test_letterhead_field(lines: list[str], label: str, value: str | None) -> None:
    assert letterhead_field(lines, label) == value
