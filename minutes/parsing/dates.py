"""Dates and times as the minutes write them: the one place that finds them.

Dutch month names, written out or abbreviated ("3 mrt. 2020"), numeric dates, time
ranges ("16.30 - 18.00 uur", "10:00 tot 11:30") and single start times; and the two
other templates' ways of giving the meeting date (a "vergadering van ..." phrase, a
"Datum:" row among the meeting's rows).
"""

from __future__ import annotations

import re
from datetime import date, time

from minutes.parsing.text import ParseWarning

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
# Tables sometimes abbreviate the month ("3 mrt. 2020"). Full names come first in the
# alternation, so "januari" is never read as "jan" followed by junk.
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9,
    "sep": 9, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH_PATTERN = "|".join([*MONTHS, *(rf"{abbr}\.?" for abbr in MONTH_ABBREVIATIONS)])
WEEKDAYS = "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
DATE_WORDS_RE = re.compile(
    rf"(?:(?:{WEEKDAYS})\s+)?(\d{{1,2}})\s+({MONTH_PATTERN})\s+(\d{{4}})", re.IGNORECASE
)
DATE_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
# A pattern for a date as written in a running header (any Dutch date).
DATE_PATTERN = rf"\d{{1,2}}\s+(?:{MONTH_PATTERN})\s+\d{{4}}"

TIME_RANGE_RE = re.compile(
    r"(\d{1,2})[.:](\d{2})\s*(?:u(?:ur)?\.?\s*)?(?:-|–|—|tot(?:\s+en\s+met)?)\s*(\d{1,2})[.:](\d{2})"
)
TIME_SINGLE_RE = re.compile(r"(?<![\d.:])(\d{1,2})[.:](\d{2})(?:\s*uur)?(?![\d])")


def parse_date(text: str) -> date | None:
    """The first date in the text ("19 januari 2021", "3 mrt. 2020", "19-01-2021"), if real."""
    match = DATE_WORDS_RE.search(text)
    try:
        if match:
            day, month, year = match.groups()
            key = month.lower().rstrip(".")
            return date(int(year), MONTHS.get(key) or MONTH_ABBREVIATIONS[key], int(day))
        match = DATE_NUMERIC_RE.search(text)
        if match:
            day, month, year = match.groups()
            return date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None


def parse_times(text: str) -> tuple[time | None, time | None]:
    """(start, end) as written: "16.30 - 18.00 uur", "10:00 tot 11:30", or a start only."""

    def make(h: str, m: str) -> time | None:
        try:
            return time(int(h), int(m))
        except ValueError:
            return None

    # Ignore the date part so "19-01-2021" is never read as a time.
    text = DATE_NUMERIC_RE.sub(" ", DATE_WORDS_RE.sub(" ", text))
    match = TIME_RANGE_RE.search(text)
    if match:
        return make(*match.group(1, 2)), make(*match.group(3, 4))
    match = TIME_SINGLE_RE.search(text)
    if match:
        return make(*match.group(1, 2)), None
    return None, None


def meeting_times(text: str) -> tuple[time | None, time | None, ParseWarning | None]:
    """(start, end, warning): the meeting's times, without an end before the start.

    "16.30 - 10.00 uur" is a slip of the pen, and the archive cannot hold a meeting that
    ends before it starts; the start is kept, the end dropped with a warning.
    """
    start, end = parse_times(text)
    if start is not None and end is not None and end < start:
        warning = ParseWarning("end_before_start", end=f"{end:%H.%M}", start=f"{start:%H.%M}")
        return start, None, warning
    return start, end, None


MEETING_ROW_RE = re.compile(
    r"^(?:\*\*)?(?:tijd|tijdstip|aanvang|plaats|locatie|vergaderplaats|aanwezig|aanwezigen"
    r"|afwezig|afwezigen|voorzitter|notulist)(?:\*\*)?[ \t]*[:\t]",
    re.IGNORECASE,
)
# "Datum", then a colon or a tab among blanks, then the value. Written as two branches
# (a colon; or a run of blanks holding a tab) so each run of blanks is read once:
# `[ \t]*[:\t][ \t]*\S` tries every tab of a long run as the separator.
DATUM_ROW_RE = re.compile(r"^(?:\*\*)?Datum(?:\*\*)?(?:[ \t]*+:|(?= *+\t))[ \t]*+\S", re.IGNORECASE)


def meeting_datum_row(lines: list[str]) -> int | None:
    """The index of a "Datum: 3 maart 2020" row among the meeting's own rows.

    Other templates give the meeting date as "Datum:" next to "Tijd:" and "Plaats:".
    A letterhead's Datum is the document date, never the meeting's; it stands apart
    from such rows (next to "Onze referentie"), so only a Datum row with a meeting row
    right above or below it counts.
    """
    filled = [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    for pos, (index, line) in enumerate(filled):
        if not (DATUM_ROW_RE.match(line) and parse_date(line)):
            continue
        neighbours = [filled[p][1] for p in (pos - 1, pos + 1) if 0 <= p < len(filled)]
        if any(MEETING_ROW_RE.match(neighbour) for neighbour in neighbours):
            return index
    return None


PREAMBLE_DATE_RE = re.compile(
    rf"(?:gehouden\s+op|vergadering\s+van|vergaderd\s+op|datum\s+vergadering:?)\s+"
    rf"((?:(?:{WEEKDAYS})\s+)?{DATE_PATTERN})",
    re.IGNORECASE,
)


def date_from_preamble(text: str) -> date | None:
    """Another template's way of giving the meeting date ("vergadering van 3 maart 2020")."""
    match = PREAMBLE_DATE_RE.search(text)
    return parse_date(match.group(1)) if match else None


def find_meeting_date(when: str, preamble_lines: list[str]) -> tuple[date | None, int | None]:
    """(the meeting's date, the index of the "Datum:" row that gave it, if one did).

    First the header table's date row (`when`); failing that, the lines above the first
    agenda item (a date in an item title, "2. Verslag van de vergadering van 25 februari
    2020", is another meeting's): a "vergadering van ..." phrase, then a Datum row among
    the meeting's rows.
    """
    meeting_date = parse_date(when) if when else None
    if meeting_date is not None:
        return meeting_date, None
    meeting_date = date_from_preamble("\n".join(preamble_lines))
    if meeting_date is not None:
        return meeting_date, None
    datum_row = meeting_datum_row(preamble_lines)
    if datum_row is None:
        return None, None
    return parse_date(preamble_lines[datum_row]), datum_row


# Other bodies' minutes: the labels of the meeting's own date, and the forms of a date
# their titles also use ("13-april-2023", "2023-01-26").
MEETING_DATE_LABEL_RE = re.compile(
    r"^(?:vergaderdatum(?:\s*(?:en|&|/)\s*-?\s*(?:tijd(?:stip)?|plaats))?"
    r"|datum\s+(?:van\s+de\s+)?vergadering|datum\s+en\s+(?:tijd(?:stip)?|plaats)"
    r"|datum\s*/\s*tijd)(?![\w-])[\s:|]*(.*)$",
    re.IGNORECASE,
)
DATE_HYPHEN_WORDS_RE = re.compile(rf"(?<!\d)(\d{{1,2}})-({MONTH_PATTERN})-(\d{{4}})", re.IGNORECASE)
DATE_ISO_RE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
# "d.d. 24-11-2020", "dd 24-11-2020": a date given as the meeting's in a title block.
DATED_RE = re.compile(r"\b(?:d\.\s?d\.|dd)\s", re.IGNORECASE)
# A line that opens with the date: "Donderdag 9 maart 2023 te Amersfoort", "8 december 2022".
LEADING_DATE_RE = re.compile(
    rf"^(?:(?:{WEEKDAYS}),?\s+)?(?:\d{{1,2}}\s+(?:{MONTH_PATTERN})\s+\d{{4}}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


def parse_title_date(text: str) -> date | None:
    """`parse_date`, and the forms titles also use: "13-april-2023", "2023-01-26"."""
    found = parse_date(text)
    if found is not None:
        return found
    try:
        match = DATE_HYPHEN_WORDS_RE.search(text)
        if match:
            day, month, year = match.groups()
            key = month.lower().rstrip(".")
            return date(int(year), MONTHS.get(key) or MONTH_ABBREVIATIONS[key], int(day))
        match = DATE_ISO_RE.search(text)
        if match:
            year, month, day = match.groups()
            return date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None
