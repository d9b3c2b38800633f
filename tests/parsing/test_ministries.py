"""The ministry matcher (`minutes.parsing.ministries`)."""

from __future__ import annotations

from tests.parsing.helpers import (
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
