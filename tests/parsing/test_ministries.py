"""The ministry matcher (`minutes.parsing.ministries`)."""

from __future__ import annotations

import pytest

from minutes.ministries import MINISTRIES, default_alias_table
from minutes.parsing import parse_minutes
from minutes.parsing.ministries import MinistryMatcher, ministries_present, order_ministries
from tests.parsing.helpers import (
    FIXTURES,
    item,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


def test_ministerraad_in_passing_mentions() -> None:
    meeting = parse_fixture("ministerraad_in_passing.txt")
    # "kabinet" and "ministerraad" are bodies, not ministries; SG AZ is.
    assert meeting.ministries_mentioned == ("AZ",)


def test_agencies_roles_and_words_are_not_ministries() -> None:
    meeting = parse_fixture("not_ministries.txt")
    # AZ stands in the letterhead and on the Aanwezig line, never in the body.
    assert meeting.ministries_present == ("AZ", "DEF")
    assert meeting.ministries_mentioned == ()
    assert item(meeting, "1").ministries_mentioned == ()


def test_attendee_tags_with_roles() -> None:
    meeting = parse_fixture("attendees_roles.txt")
    assert meeting.ministries_present == ("AZ", "BZK", "FIN")


def test_attendees_without_tags() -> None:
    # Where no bracketed tag names a ministry, "SG BZK" on the Aanwezig line still does.
    meeting = parse_fixture("attendees_untagged.txt")
    assert meeting.ministries_present == ("AZ", "BZK", "FIN")
    assert meeting.ministries_mentioned == ()


# ------------------------------------------------------------------- matcher

MATCHER = MinistryMatcher(default_alias_table())


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Current names, whole or abbreviated.
        ("Ministerie van Justitie en Veiligheid", ["JenV"]),
        ("SG Financiën en J&V melden", ["FIN", "JenV"]),
        ("IenW, I&W en Infrastructuur en Waterstaat", ["IenW"]),
        ("EZ&K en OCenW", ["EZK", "OCW"]),
        ("Financien", ["FIN"]),
        # The longest name wins: this is BZK, named once.
        ("Binnenlandse Zaken en Koninkrijksrelaties", ["BZK"]),
        # A name broken over a line.
        ("Justitie en\nVeiligheid", ["JenV"]),
        # Words, not ministries: lower case, or part of a longer word.
        ("financiële implicaties, az", []),
        ("AZC en BZKA", []),
    ],
)
def test_find(text: str, found: list[str]) -> None:
    assert MATCHER.find(text) == found


# Names of former ministries, and former names ("EL&I"), with the name each writes. The
# matcher finds the name; the import resolves it on the meeting's date
# (tests/test_ministry_periods.py). Until issue 16 a former name was found as today's
# ministry ("VenJ" as JenV) whatever the year.
FORMER_NAMES = [
    (spelling, name.abbreviation)
    for spec in MINISTRIES
    for name in spec.names
    if spec.valid_until is not None or name.valid_until is not None
    for spelling in name.spellings
]


def test_there_are_former_names_to_test() -> None:
    assert {"VenJ", "Infrastructuur en Milieu", "Economische Zaken", "EL&I"} <= {
        text for text, _ in FORMER_NAMES
    }


@pytest.mark.parametrize(("name", "key"), FORMER_NAMES)
def test_former_names_find_the_name_they_write(name: str, key: str) -> None:
    assert MATCHER.find(f"SG {name} meldt dat de planning klopt.") == [key]
    assert MATCHER.resolve(name) == key


def test_an_alias_table_of_its_own() -> None:
    matcher = MinistryMatcher({"AZ": "AZ", "Landsverdediging": "DEF"})
    assert matcher.find("Landsverdediging en AZ, niet Defensie of BZK") == ["AZ", "DEF"]


def test_parse_minutes_uses_the_aliases_it_is_given() -> None:
    data = (FIXTURES / "cp1252.txt").read_bytes()
    assert parse_minutes(data).ministries_mentioned == ("FIN",)
    # Without the spelling "Financiën" the same text names no ministry.
    assert parse_minutes(data, aliases={"FIN": "FIN"}).ministries_mentioned == ()


@pytest.mark.parametrize(
    ("heading", "abbreviation"),
    [
        ("J&V", "JenV"),
        (" Fin ", "FIN"),
        ("Justitie en  Veiligheid", "JenV"),
        ("VenJ", "VenJ"),
        ("V&J", "VenJ"),
        ("SG", None),
        ("fin", None),
    ],
)
def test_resolve_a_heading(heading: str, abbreviation: str | None) -> None:
    assert MATCHER.resolve(heading) == abbreviation


@pytest.mark.parametrize(
    ("attendees", "present"),
    [
        ("5.1.2e (AZ, vz), 5.1.2e (FIN, plv.), 5.1.2e (secretaris)", ["AZ", "FIN"]),
        ("5.1.2e (plv. SG FIN), 5.1.2e (OCW)", ["FIN", "OCW"]),
        # No tag names a ministry: the words outside the brackets do.
        ("SG AZ (vz), SG BZK", ["AZ", "BZK"]),
        ("5.1.2e", []),
    ],
)
def test_ministries_present(attendees: str, present: list[str]) -> None:
    assert ministries_present(attendees, MATCHER) == present


def test_order_ministries_puts_az_first_and_drops_repeats() -> None:
    assert order_ministries(["VWS", "AZ", "BZ", "AZ", "IenW", "EZK"]) == [
        "AZ", "BZ", "EZK", "IenW", "VWS",
    ]  # fmt: skip
