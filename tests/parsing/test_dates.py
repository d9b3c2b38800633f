"""Meeting dates and times (`minutes.parsing.dates`)."""

from __future__ import annotations

from datetime import date, time

import pytest

from minutes.parsing import ParseError, ParseWarning, parse_minutes
from minutes.parsing.dates import find_meeting_date, meeting_times, parse_date, parse_times
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
    with pytest.raises(ParseError, match="geen vergaderdatum") as error:
        parse_fixture("no_meeting_date_inline_datum.txt")
    assert error.value.code == "document_date_only"


def test_abbreviated_month_and_times_with_u() -> None:
    meeting = parse_fixture("time_u_abbreviated_month.txt")
    assert meeting.meeting_date == date(2020, 3, 3)
    assert (meeting.start_time, meeting.end_time) == (time(16, 30), time(18, 0))


def test_meeting_time_on_a_row_of_its_own():
    parsed = parse_minutes((FIXTURES / "time_own_row.txt").read_bytes())
    assert parsed.meeting_date == date(2020, 6, 2)
    assert (parsed.start_time, parsed.end_time) == (time(15, 0), time(16, 30))
    assert parsed.place == "Webex"


# --------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19 januari 2021", date(2021, 1, 19)),
        ("dinsdag 19 januari 2021, 15.00 - 16.30 uur", date(2021, 1, 19)),
        ("1 Oktober 2022", date(2022, 10, 1)),
        ("5 mei 2020", date(2020, 5, 5)),
        # Abbreviated months, with or without the dot, in any case.
        ("3 mrt. 2020", date(2020, 3, 3)),
        ("3 MRT 2020", date(2020, 3, 3)),
        ("19 jan 2021", date(2021, 1, 19)),
        ("12 sept. 2019", date(2019, 9, 12)),
        # Numeric dates are day first.
        ("19-01-2021", date(2021, 1, 19)),
        ("9/9/2020", date(2020, 9, 9)),
        ("1.2.2020", date(2020, 2, 1)),
        # Dates that do not exist, and no date at all.
        ("31 februari 2021", None),
        ("30 feb. 2020", None),
        ("32-13-2020", None),
        ("geen datum", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


# -------------------------------------------------------------- parse_times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19 januari 2021, 16.30 - 18.00 uur", (time(16, 30), time(18, 0))),
        ("10:00 tot 11:30", (time(10, 0), time(11, 30))),
        ("10.00 uur tot en met 11.30 uur", (time(10, 0), time(11, 30))),
        ("15.00 u. - 16.30 u.", (time(15, 0), time(16, 30))),
        ("10.00–11.30 uur", (time(10, 0), time(11, 30))),
        ("3 mrt. 2020 16.30u-18.00u", (time(16, 30), time(18, 0))),
        ("aanvang 10.00 uur", (time(10, 0), None)),
        # parse_times reads what is written; the meeting's own check comes after.
        ("16.30 - 10.00 uur", (time(16, 30), time(10, 0))),
        # A numeric date is never read as a time.
        ("19-01-2021", (None, None)),
        ("25.00 - 26.00", (None, None)),
        ("geen tijd", (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_times(text: str, expected: tuple[time | None, time | None]) -> None:
    assert parse_times(text) == expected


# -------------------------------------------------------- find_meeting_date


def test_the_table_date_comes_first() -> None:
    assert find_meeting_date("3 maart 2020, 16.30 uur", ["gehouden op 5 maart 2020"]) == (
        date(2020, 3, 3),
        None,
    )


def test_a_phrase_above_the_items_gives_the_date() -> None:
    preamble = ["", "Notulen", "gehouden op dinsdag 3 maart 2020", ""]
    assert find_meeting_date("", preamble) == (date(2020, 3, 3), None)


def test_a_datum_row_among_the_meeting_rows_gives_the_date_and_its_row() -> None:
    preamble = ["Notulen", "Datum: 3 maart 2020", "", "Tijd: 10.00 - 11.00 uur"]
    assert find_meeting_date("", preamble) == (date(2020, 3, 3), 1)


def test_a_letterhead_datum_is_not_the_meeting_date() -> None:
    preamble = ["Datum 4 maart 2020", "Onze referentie 4100001"]
    assert find_meeting_date("", preamble) == (None, None)


# ---------------------------------------------------- an end before the start


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("15.00 - 16.30 uur", time(15, 0), time(16, 30)),
        # A meeting may end at the minute it starts; the database allows it too.
        ("16.30 - 16.30 uur", time(16, 30), time(16, 30)),
        ("aanvang 10.00 uur", time(10, 0), None),
        ("geen tijd", None, None),
    ],
)
def test_meeting_times_as_written(text: str, start: time | None, end: time | None) -> None:
    assert meeting_times(text) == (start, end, None)


def test_meeting_times_drop_an_end_before_the_start() -> None:
    start, end, warning = meeting_times("19 januari 2021, 16.30 - 10.00 uur")
    assert (start, end) == (time(16, 30), None)
    assert warning == ParseWarning("end_before_start", end="10.00", start="16.30")
    assert str(warning) == (
        "eindtijd 10.00 uur ligt vóór de begintijd 16.30 uur; de eindtijd is weggelaten"
    )


def test_a_file_with_an_end_before_the_start_keeps_its_start_and_warns() -> None:
    meeting = parse_fixture("time_end_before_start.txt")
    assert meeting.meeting_date == date(2021, 1, 19)
    assert (meeting.start_time, meeting.end_time) == (time(16, 30), None)
    [warning] = meeting.warnings
    assert (warning.code, warning.params) == (
        "end_before_start",
        {"end": "10.00", "start": "16.30"},
    )
    assert meeting.as_json()["end_time"] is None
    assert meeting.as_json()["warnings"] == [{"code": "end_before_start", "message": str(warning)}]
    # The rest of the file is read as usual.
    assert outline(meeting) == [("1", "Opening en mededelingen", [])]
