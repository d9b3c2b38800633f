"""Which ISO weeks of a series hold minutes: a calendar per year, without the database.

Dates (and the addresses of their meetings) in, weeks per year with a status out.
A week between a series' first and last meeting either holds minutes, falls in a
usual recess, or is a possible gap: minutes that may be missing from the archive.

The recesses are a simple, documented rule, not a parliamentary calendar:
- summer recess: ISO weeks 29 to 34 (the Dutch parliament's summer recess falls in
  these weeks, give or take a week);
- Christmas recess: the ISO week holding 25 December and the one holding 1 January.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

SUMMER_RECESS_WEEKS = range(29, 35)  # ISO weeks 29–34


class Status(StrEnum):
    MINUTES = "minutes"  # at least one meeting in the week
    RECESS = "recess"  # no meeting, but the week is a usual recess
    GAP = "gap"  # no meeting outside a recess: possibly missing
    OUTSIDE = "outside"  # before the series' first or after its last meeting week


@dataclass(frozen=True)
class Week:
    year: int  # the ISO year
    number: int  # the ISO week, 1..52 or 53
    status: Status
    meetings: tuple[tuple[date, str], ...] = ()  # (date, slug) of its meetings

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 7)


@dataclass
class Year:
    year: int
    weeks: list[Week] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for week in self.weeks if week.status == status)

    @property
    def with_minutes(self) -> int:
        return self.count(Status.MINUTES)

    @property
    def recess(self) -> int:
        return self.count(Status.RECESS)

    @property
    def gaps(self) -> int:
        return self.count(Status.GAP)


def weeks_in_year(iso_year: int) -> int:
    """52 or 53: 28 December always lies in the ISO year's last week."""
    return date(iso_year, 12, 28).isocalendar()[1]


def is_recess(iso_year: int, week: int) -> bool:
    """The week is in the summer recess (weeks 29–34) or holds 25 December or 1 January."""
    if week in SUMMER_RECESS_WEEKS:
        return True
    for day in (date(iso_year, 12, 25), date(iso_year, 1, 1), date(iso_year + 1, 1, 1)):
        y, w, _ = day.isocalendar()
        if (y, w) == (iso_year, week):
            return True
    return False


def calendar(meetings: Iterable[tuple[date, str]]) -> list[Year]:
    """Every ISO year from the first meeting's to the last's, each with all its weeks.

    Weeks before the first meeting's week and after the last's are OUTSIDE; between
    them a week is MINUTES, RECESS or GAP. No meetings: no years.
    """
    by_week: dict[tuple[int, int], list[tuple[date, str]]] = {}
    for day, slug in meetings:
        y, w, _ = day.isocalendar()
        by_week.setdefault((y, w), []).append((day, slug))
    if not by_week:
        return []
    first, last = min(by_week), max(by_week)
    years = []
    for iso_year in range(first[0], last[0] + 1):
        year = Year(iso_year)
        for number in range(1, weeks_in_year(iso_year) + 1):
            key = (iso_year, number)
            if key in by_week:
                status = Status.MINUTES
            elif key < first or key > last:
                status = Status.OUTSIDE
            elif is_recess(iso_year, number):
                status = Status.RECESS
            else:
                status = Status.GAP
            year.weeks.append(Week(iso_year, number, status, tuple(sorted(by_week.get(key, ())))))
        years.append(year)
    return years


def weeks_with_minutes(meeting_dates: Iterable[date]) -> int:
    """How many distinct ISO weeks hold at least one of these dates."""
    return len({day.isocalendar()[:2] for day in meeting_dates})
