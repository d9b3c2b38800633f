"""Meeting dates and times (`minutes.parsing.dates`)."""

from __future__ import annotations

from datetime import date, time

import pytest

from minutes.parsing import ParseError, parse_minutes
from tests.parsing.helpers import (
    FIXTURES,
    outline,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


@pytest.mark.parametrize(
    ("name", "meeting_date", "start", "end"),
    [
        ("time_start_only.txt", date(2020, 3, 3), time(10, 0), None),
        ("time_colon.txt", date(2023, 2, 14), time(13, 0), time(17, 30)),
        ("time_en_dash.txt", date(2020, 3, 10), time(10, 0), time(11, 30)),
        ("time_none.txt", date(2020, 3, 10), None, None),
    ],
)
def test_meeting_times(name: str, meeting_date: date, start: time | None, end: time | None) -> None:
    meeting = parse_fixture(name)
    assert meeting.meeting_date == meeting_date
    assert (meeting.start_time, meeting.end_time) == (start, end)


def test_other_template_with_datum_row_among_meeting_rows() -> None:
    meeting = parse_fixture("other_template_datum_row.txt")
    # "Datum:" next to "Tijd:" and "Plaats:" is this template's meeting date, not a
    # letterhead's document date.
    assert meeting.meeting_date == date(2020, 3, 3)
    assert meeting.document_date is None
    assert (meeting.start_time, meeting.end_time) == (time(10, 0), time(11, 0))
    assert meeting.place == "Den Haag"
    assert outline(meeting) == [("1", "Opening", []), ("2", "Huisvesting", [])]


def test_letterhead_datum_on_one_line_is_not_the_meeting_date() -> None:
    with pytest.raises(ParseError, match="no meeting date"):
        parse_fixture("no_meeting_date_inline_datum.txt")


def test_abbreviated_month_and_times_with_u() -> None:
    meeting = parse_fixture("time_u_abbreviated_month.txt")
    assert meeting.meeting_date == date(2020, 3, 3)
    assert (meeting.start_time, meeting.end_time) == (time(16, 30), time(18, 0))


def test_meeting_time_on_a_row_of_its_own():
    parsed = parse_minutes((FIXTURES / "time_own_row.txt").read_bytes())
    assert parsed.meeting_date == date(2020, 6, 2)
    assert (parsed.start_time, parsed.end_time) == (time(15, 0), time(16, 30))
    assert parsed.place == "Webex"
