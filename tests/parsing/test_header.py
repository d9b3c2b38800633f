"""The header table, the letterhead and running page headers (`minutes.parsing.header`)."""

from __future__ import annotations

from datetime import date

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
