"""The ministries through time, the names they went by, and the spellings the minutes use.

This is plain data, shared by the parser (which must not touch the database) and the
data migration that seeds the `Ministry` table. Once seeded, the database's rows are the
ones the import uses, so an admin can add a spelling or a ministry without a code change.

A ministry here is an institution with a period: "EZ (2010–2017)" and "EZ (2024–)" are two
ministries with the same abbreviation. Each has one or more names, each name valid for a
period of its own (the 2010 ministry was called EL&I until 5 November 2012), and each name
is written in several ways ("J&V", "JenV", "Justitie en Veiligheid"). Successions link a
ministry to the ones that took over its work: renamed, merged, the continuing part of a
split, a part split off, or a task transferred.

`MinistryDirectory.resolve` turns a name as the parser found it and a meeting date into the
ministry that existed on that date. The dates and successions, with their sources, are in
the docstring of migration 0025.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class SuccessionKind(StrEnum):
    """How a ministry's work passed to a successor."""

    RENAMED = "renamed"  # the same work under a new name ("VenJ" → "JenV")
    MERGED = "merged"  # one of the ministries that together formed the successor
    CONTINUED = "continued"  # the continuing part of a split ("EZ" → "EZK" in 2017)
    SPLIT_OFF = "split_off"  # a part that became (part of) another ministry
    TRANSFERRED = "transferred"  # a task moved to an existing ministry


# A former name used later leads along these to the ministry that carried on the work.
FOLLOWED_FORWARD = (SuccessionKind.RENAMED, SuccessionKind.MERGED, SuccessionKind.CONTINUED)


@dataclass(frozen=True)
class NameSpec:
    """One name of a ministry, valid for a period (None: the ministry's own bound)."""

    abbreviation: str  # the name's key: every spelling of it stands for this ("J&V" → "JenV")
    spellings: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None  # the last day, inclusive


@dataclass(frozen=True)
class MinistrySpec:
    abbreviation: str
    name: str
    slug: str
    valid_from: date | None = None
    valid_until: date | None = None  # the last day, inclusive; None: still exists
    names: tuple[NameSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SuccessionSpec:
    predecessor: str  # slug
    successor: str  # slug
    kind: SuccessionKind


RUTTE_I = date(2010, 10, 14)
RUTTE_II = date(2012, 11, 5)
RUTTE_III = date(2017, 10, 26)
SCHOOF = date(2024, 7, 2)


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def _m(
    abbreviation: str,
    name: str,
    slug: str,
    *spellings: str,
    valid_from: date | None = None,
    valid_until: date | None = None,
    names: tuple[NameSpec, ...] = (),
) -> MinistrySpec:
    own = names or (NameSpec(abbreviation, (abbreviation, *spellings)),)
    return MinistrySpec(abbreviation, name, slug, valid_from, valid_until, own)


# Defined current ones first, then the former ones; `MINISTRIES` holds them in the
# archive's order.
_DEFINED: tuple[MinistrySpec, ...] = (
    _m("AZ", "Ministerie van Algemene Zaken", "az", "Algemene Zaken"),
    _m(
        "AenM",
        "Ministerie van Asiel en Migratie",
        "aenm",
        "Asiel en Migratie",
        "A&M",
        valid_from=SCHOOF,
    ),
    _m("BZ", "Ministerie van Buitenlandse Zaken", "bz", "Buitenlandse Zaken", "BuZa", "Buza"),
    _m(
        "BZK",
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        "bzk",
        "Binnenlandse Zaken en Koninkrijksrelaties",
        "Binnenlandse Zaken",
    ),
    _m("DEF", "Ministerie van Defensie", "def", "Defensie", "Def"),
    _m("EZ", "Ministerie van Economische Zaken", "ez", "Economische Zaken", valid_from=SCHOOF),
    _m("FIN", "Ministerie van Financiën", "fin", "Financiën", "Financien", "Fin"),
    _m(
        "IenW",
        "Ministerie van Infrastructuur en Waterstaat",
        "ienw",
        "Infrastructuur en Waterstaat",
        "I&W",
        "IENW",
        valid_from=RUTTE_III,
    ),
    _m(
        "JenV",
        "Ministerie van Justitie en Veiligheid",
        "jenv",
        "Justitie en Veiligheid",
        "J&V",
        "JENV",
        valid_from=RUTTE_III,
    ),
    _m(
        "KGG",
        "Ministerie van Klimaat en Groene Groei",
        "kgg",
        "Klimaat en Groene Groei",
        valid_from=SCHOOF,
    ),
    _m(
        "LVVN",
        "Ministerie van Landbouw, Visserij, Voedselzekerheid en Natuur",
        "lvvn",
        "Landbouw, Visserij, Voedselzekerheid en Natuur",
        valid_from=SCHOOF,
    ),
    _m(
        "OCW",
        "Ministerie van Onderwijs, Cultuur en Wetenschap",
        "ocw",
        "Onderwijs, Cultuur en Wetenschap",
        "OCenW",
    ),
    _m(
        "SZW",
        "Ministerie van Sociale Zaken en Werkgelegenheid",
        "szw",
        "Sociale Zaken en Werkgelegenheid",
        "Sociale Zaken",
    ),
    _m(
        "VRO",
        "Ministerie van Volkshuisvesting en Ruimtelijke Ordening",
        "vro",
        "Volkshuisvesting en Ruimtelijke Ordening",
        valid_from=SCHOOF,
    ),
    _m(
        "VWS",
        "Ministerie van Volksgezondheid, Welzijn en Sport",
        "vws",
        "Volksgezondheid, Welzijn en Sport",
    ),
    # Former ministries.
    _m(
        "EZK",
        "Ministerie van Economische Zaken en Klimaat",
        "ezk",
        "Economische Zaken en Klimaat",
        "EZ&K",
        valid_from=RUTTE_III,
        valid_until=_day_before(SCHOOF),
    ),
    _m(
        "LNV",
        "Ministerie van Landbouw, Natuur en Voedselkwaliteit",
        "lnv",
        "Landbouw, Natuur en Voedselkwaliteit",
        valid_from=RUTTE_III,
        valid_until=_day_before(SCHOOF),
    ),
    _m(
        "EZ",
        "Ministerie van Economische Zaken",
        "ez-2010",
        valid_from=RUTTE_I,
        valid_until=_day_before(RUTTE_III),
        names=(
            NameSpec(
                "EL&I",
                ("EL&I", "ELenI", "Economische Zaken, Landbouw en Innovatie"),
                RUTTE_I,
                _day_before(RUTTE_II),
            ),
            NameSpec("EZ", ("EZ", "Economische Zaken"), RUTTE_II, _day_before(RUTTE_III)),
        ),
    ),
    _m(
        "VenJ",
        "Ministerie van Veiligheid en Justitie",
        "venj",
        "Veiligheid en Justitie",
        "V&J",
        valid_from=RUTTE_I,
        valid_until=_day_before(RUTTE_III),
    ),
    _m(
        "IenM",
        "Ministerie van Infrastructuur en Milieu",
        "ienm",
        "Infrastructuur en Milieu",
        "I&M",
        valid_from=RUTTE_I,
        valid_until=_day_before(RUTTE_III),
    ),
    _m(
        "EZ",
        "Ministerie van Economische Zaken",
        "ez-tot-2010",
        "Economische Zaken",
        valid_until=_day_before(RUTTE_I),
    ),
    _m(
        "LNV",
        "Ministerie van Landbouw, Natuur en Voedselkwaliteit",
        "lnv-tot-2010",
        "Landbouw, Natuur en Voedselkwaliteit",
        valid_until=_day_before(RUTTE_I),
    ),
    # "Justitie" alone is a word too often ("Justitie en Veiligheid" begins with it): the
    # minutes' own abbreviation only.
    _m("JUS", "Ministerie van Justitie", "justitie", valid_until=_day_before(RUTTE_I)),
    _m(
        "VenW",
        "Ministerie van Verkeer en Waterstaat",
        "venw",
        "Verkeer en Waterstaat",
        "V&W",
        valid_until=_day_before(RUTTE_I),
    ),
    _m(
        "VROM",
        "Ministerie van Volkshuisvesting, Ruimtelijke Ordening en Milieubeheer",
        "vrom",
        "Volkshuisvesting, Ruimtelijke Ordening en Milieubeheer",
        valid_until=_day_before(RUTTE_I),
    ),
)


def archive_order(ministry: MinistrySpec) -> tuple:
    """The order the archive lists ministries in: the customary protocol order puts AZ
    first; the rest follow alphabetically by abbreviation, the newest of a name first."""
    newest_first = -(ministry.valid_from or date.min).toordinal()
    return (ministry.abbreviation != "AZ", ministry.abbreviation.casefold(), newest_first)


MINISTRIES: tuple[MinistrySpec, ...] = tuple(sorted(_DEFINED, key=archive_order))

_K = SuccessionKind
SUCCESSIONS: tuple[SuccessionSpec, ...] = (
    # Rutte I, 14 October 2010.
    SuccessionSpec("ez-tot-2010", "ez-2010", _K.MERGED),
    SuccessionSpec("lnv-tot-2010", "ez-2010", _K.MERGED),
    SuccessionSpec("justitie", "venj", _K.RENAMED),
    SuccessionSpec("venw", "ienm", _K.MERGED),
    SuccessionSpec("vrom", "ienm", _K.MERGED),
    SuccessionSpec("vrom", "bzk", _K.TRANSFERRED),
    # Rutte III, 26 October 2017.
    SuccessionSpec("venj", "jenv", _K.RENAMED),
    SuccessionSpec("ienm", "ienw", _K.RENAMED),
    SuccessionSpec("ez-2010", "ezk", _K.CONTINUED),
    SuccessionSpec("ez-2010", "lnv", _K.SPLIT_OFF),
    # Schoof, 2 July 2024.
    SuccessionSpec("ezk", "ez", _K.CONTINUED),
    SuccessionSpec("ezk", "kgg", _K.SPLIT_OFF),
    SuccessionSpec("bzk", "vro", _K.SPLIT_OFF),
    SuccessionSpec("lnv", "lvvn", _K.RENAMED),
    SuccessionSpec("jenv", "aenm", _K.SPLIT_OFF),
)


# Resolving a name on a date: plain data built from the specs above or from the database.


@dataclass(frozen=True)
class DatedName:
    """A name (`key`) a ministry went by from `valid_from` to `valid_until` (None: open)."""

    key: str
    ministry: str  # slug
    valid_from: date | None = None
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class Period:
    valid_from: date | None = None
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successor: str
    kind: str


def _later(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


class MinistryDirectory:
    """Ministries with their periods, dated names and successions, to resolve a name by date.

    `names` may bound a name more widely than its ministry existed: each is cut to its
    ministry's period.
    """

    def __init__(
        self,
        periods: Mapping[str, Period],
        names: Iterable[DatedName],
        successions: Iterable[Succession],
    ) -> None:
        self.periods = dict(periods)
        self.by_key: dict[str, list[DatedName]] = {}
        for name in names:
            period = self.periods.get(name.ministry)
            if period is None:
                continue
            cut = DatedName(
                name.key,
                name.ministry,
                _later(name.valid_from, period.valid_from),
                _earlier(name.valid_until, period.valid_until),
            )
            self.by_key.setdefault(name.key, []).append(cut)
        self.successors: dict[str, list[Succession]] = {}
        self.predecessors: dict[str, list[Succession]] = {}
        for link in successions:
            self.successors.setdefault(link.predecessor, []).append(link)
            self.predecessors.setdefault(link.successor, []).append(link)

    def resolve(self, key: str, day: date) -> str | None:
        """The slug of the ministry a name (a key such as "EZ") meant on a day, or None for
        a name no ministry went by.

        A name valid on the day wins. A former name used later follows the successions (a
        rename, a merger, the continuing part of a split) to the ministry that existed
        then. A name used before its ministry existed goes back to a predecessor that
        existed then. Failing those, the name's ministry nearest in time.
        """
        names = self.by_key.get(key)
        if not names:
            return None
        for name in names:
            if name.covers(day):
                return name.ministry
        earlier = [n for n in names if n.valid_until is not None and n.valid_until < day]
        later = [n for n in names if n.valid_from is not None and n.valid_from > day]
        if earlier:
            latest = max(earlier, key=lambda n: n.valid_until or date.min)
            found = self._along(latest.ministry, day, forward=True)
            if found is not None:
                return found
        if later:
            first = min(later, key=lambda n: n.valid_from or date.max)
            found = self._along(first.ministry, day, forward=False)
            if found is not None:
                return found
        if earlier:
            return max(earlier, key=lambda n: n.valid_until or date.min).ministry
        return names[0].ministry

    def _along(self, start: str, day: date, *, forward: bool) -> str | None:
        """The first ministry along the successions from `start` that existed on the day:
        forward through renames, mergers and continuations; backward through any link,
        renames and continuations first."""
        seen = {start}
        frontier = [start]
        while frontier:
            following: list[str] = []
            for slug in frontier:
                if forward:
                    links = [
                        link.successor
                        for link in self.successors.get(slug, [])
                        if link.kind in FOLLOWED_FORWARD
                    ]
                else:
                    ranked = sorted(
                        self.predecessors.get(slug, []),
                        key=lambda link: link.kind not in FOLLOWED_FORWARD,
                    )
                    links = [link.predecessor for link in ranked]
                for other in links:
                    if other in seen:
                        continue
                    seen.add(other)
                    period = self.periods.get(other)
                    if period is not None and period.covers(day):
                        return other
                    following.append(other)
            frontier = following
        return None

    def keys(self) -> list[str]:
        return list(self.by_key)


def default_directory() -> MinistryDirectory:
    """The directory of the data above (the database's may hold more spellings)."""
    periods = {m.slug: Period(m.valid_from, m.valid_until) for m in MINISTRIES}
    names = [
        DatedName(n.abbreviation, m.slug, n.valid_from, n.valid_until)
        for m in MINISTRIES
        for n in m.names
    ]
    links = [Succession(s.predecessor, s.successor, s.kind.value) for s in SUCCESSIONS]
    return MinistryDirectory(periods, names, links)


# The order names are listed in when the parser finds several: AZ first (the customary
# protocol order), the rest alphabetically.
CANONICAL_ORDER: tuple[str, ...] = (
    "AZ",
    *sorted({name.abbreviation for m in MINISTRIES for name in m.names} - {"AZ"}, key=str.casefold),
)


def default_alias_table() -> dict[str, str]:
    """Every spelling mapped to the name it writes ("J&V" → "JenV", "EZ&K" → "EZK")."""
    table: dict[str, str] = {}
    for ministry in MINISTRIES:
        for name in ministry.names:
            table.setdefault(name.abbreviation, name.abbreviation)
            for spelling in name.spellings:
                table.setdefault(spelling, name.abbreviation)
    # In the order the parser lists names in (stable within a name).
    rank = {key: i for i, key in enumerate(CANONICAL_ORDER)}
    return dict(sorted(table.items(), key=lambda entry: rank[entry[1]]))


class MinistryIds:
    """Names as the parser found them, resolved on a meeting's date to ministries' keys
    (the database's primary keys, or any id): `directory` resolves, `ids` maps slugs."""

    def __init__(self, directory: MinistryDirectory, ids: Mapping[str, int]) -> None:
        self.directory = directory
        self.ids = dict(ids)
        self._memo: dict[tuple[str, date], int | None] = {}

    def get(self, key: str, day: date) -> int | None:
        memo = (key, day)
        if memo not in self._memo:
            slug = self.directory.resolve(key, day)
            self._memo[memo] = None if slug is None else self.ids.get(slug)
        return self._memo[memo]
