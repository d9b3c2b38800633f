"""Counts over the whole archive, kept per archive version instead of counted per request.

The home page and the ministry and topic lists count every meeting, item, mention and
topic tag of the archive; at 100,000 meetings that is seconds of PostgreSQL time
(docs/benchmarks.md, pages at 1k, 10k and 100k). The archive version changes with
every import, replacement and admin edit of the minutes (ArchiveVersion.bump), so a
count made at one version holds until the next: each process keeps it in Django's
cache under that version. Names and order of ministries and topics can change in the
admin without a new version; AGGREGATES_SECONDS bounds how long such an edit waits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.functions import TruncWeek

from minutes import coverage
from minutes.models import ArchiveVersion, Meeting, Ministry, Redaction, Series, Topic
from minutes.redactions import ground_order, ground_rows

T = TypeVar("T")
AGGREGATES_SECONDS = 300


def kept(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in Django's cache under `key` (a key holding the archive version)."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, AGGREGATES_SECONDS)
    return value


# Form fields that order or page a list but never change what it holds.
NOT_FILTERS = frozenset({"sorteer", "page"})


def filter_key(cleaned: dict) -> str:
    """One filter combination as a short, stable key: the cleaned values, normalised.

    Order and repetition of chosen ministries or topics do not matter (they narrow
    the list as a set), empty fields are left out, sorting and paging are no filters.
    """
    normal: dict[str, Any] = {}
    for name, value in cleaned.items():
        if name in NOT_FILTERS or value in (None, "", [], ()):
            continue
        if hasattr(value, "model"):  # a QuerySet of chosen rows
            value = sorted({row.pk for row in value})
            if not value:
                continue
        elif isinstance(value, (list, tuple, set, frozenset)):
            value = sorted({str(v) for v in value})
        elif isinstance(value, date):
            value = value.isoformat()
        else:
            value = str(value)
        normal[name] = value
    text = json.dumps(normal, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class FilteredCounts:
    """Counts and facets of one filtered list, kept per archive version and filter set.

    The same rule as ArchiveCounts: the version changes with every import, so a count
    kept under it is never stale. The first request for a combination after an
    import counts; the next ones read the cache (per process).
    """

    def __init__(self, version: int, scope: str, key: str) -> None:
        self.version = version
        self.prefix = f"filtered-aggregates:{version}:{scope}:{key}"

    def kept(self, name: str, compute: Callable[[], T]) -> T:
        return kept(f"{self.prefix}:{name}", compute)


class ArchiveCounts:
    """The archive-wide counts at the archive's version as read once, on creation.

    A page that shows several of them (the home page: four) reads the version once.
    Each count is made once per process and version, and kept in Django's cache.
    """

    def __init__(self) -> None:
        self.version = ArchiveVersion.current()

    def _kept(self, name: str, compute: Callable[[], T]) -> T:
        return kept(f"archive-aggregates:{self.version}:{name}", compute)

    def for_filters(self, scope: str, filterset: Any) -> FilteredCounts | None:
        """The counts of one filtered list at this version (None for invalid filters)."""
        if not filterset.is_bound:
            cleaned = {}  # no filters: the whole list
        elif filterset.is_valid():
            cleaned = filterset.form.cleaned_data
        else:
            return None
        return FilteredCounts(self.version, scope, filter_key(cleaned))

    def totals(self) -> dict:
        return self._kept("totals", lambda: Meeting.objects.totals())

    def year_counts(self) -> list[dict]:
        return self._kept("years", lambda: list(Meeting.objects.year_counts()))

    def ministry_facets(self) -> list[dict]:
        """Meetings per ministry in the default role (discussed or spoke)."""
        return self._kept("ministry-facets", lambda: Meeting.objects.all().ministry_counts())

    def timeline(self, ministry: Ministry, role: str) -> list[dict]:
        """A ministry's whole timeline in `role` (minutes/roles.py)."""
        return self._kept(f"timeline:{ministry.pk}:{role}", lambda: ministry.timeline(role))

    def comparison(self) -> dict:
        """Per year and ministry: items discussed, rondvraag contributions and the meetings
        of each (minutes.comparison.counts); three queries however large the archive."""
        from minutes import comparison

        return self._kept("comparison", comparison.counts)

    def ministries(self) -> list[Ministry]:
        return self._kept("ministries", lambda: list(Ministry.objects.with_meeting_counts()))

    def ministry_roles(self) -> dict[int, dict[str, int]]:
        """MinistryQuerySet.role_counts over the whole archive."""
        return self._kept("ministry-roles", lambda: Ministry.objects.all().role_counts())

    def topics(self) -> list[Topic]:
        return self._kept("topics", lambda: list(Topic.objects.with_item_counts()))

    def series(self) -> list[Series]:
        """Every series, empty ones too, with its meeting count and first and last date."""
        return self._kept("series", lambda: list(Series.objects.with_meeting_stats()))

    def series_facets(self) -> list[dict]:
        """[{"series", "n"}] for the series that hold meetings."""
        return [{"series": s, "n": s.meeting_count} for s in self.series() if s.meeting_count]

    def covered_weeks(self) -> int:
        """How many ISO weeks hold at least one meeting of any series (one query)."""
        return self._kept(
            "covered-weeks",
            lambda: Meeting.objects.annotate(week=TruncWeek("date")).aggregate(
                n=Count("week", distinct=True)
            )["n"],
        )

    def coverage(self) -> dict:
        """The week calendars of the series that hold meetings, the SGO's first, and the
        latest import: {"series": [(series, [coverage.Year])], "imported", "newest"}.

        Two queries however large the archive, apart from the dates list they read.
        """

        def compute() -> dict:
            dates: dict[int, list[tuple[date, str]]] = {}
            for series_id, day, slug in Meeting.objects.order_by().values_list(
                "series_id", "date", "slug"
            ):
                dates.setdefault(series_id, []).append((day, slug))
            latest = Meeting.objects.aggregate(imported=Max("imported_at"), newest=Max("date"))
            series = sorted(
                (s for s in self.series() if s.pk in dates), key=lambda s: (not s.is_sgo,)
            )
            return {
                "series": [(s, coverage.calendar(dates[s.pk])) for s in series],
                **latest,
            }

        return self._kept("coverage", compute)

    def series_totals(self, series: Series) -> dict:
        """One series' meetings, items, decisions, first and last date."""
        return self._kept(
            f"series-totals:{series.pk}", lambda: Meeting.objects.filter(series=series).totals()
        )

    def redaction_total(self) -> int:
        """How many redactions the archive holds (the home page's figure)."""
        return self._kept("redaction-total", lambda: Redaction.objects.count())

    def ground_facets(self) -> dict[str, int]:
        """{ground key: meetings holding a redaction on it} over the whole archive."""
        return self._kept("ground-facets", lambda: Meeting.objects.all().ground_counts())

    def redactions(self) -> dict:
        """Redactions counted by ground: in all, per year and per ministry (the items
        discussing it), with the meetings and whole items withheld. Seven queries
        however large the archive (minutes.models.RedactionQuerySet)."""

        def compute() -> dict:
            records = Redaction.objects.all()
            per_ground = records.ground_counts()
            columns = sorted(per_ground, key=ground_order)

            def row(counts: dict[str, int]) -> dict:
                return {
                    "total": sum(counts.values()),
                    "cells": [counts.get(key, 0) for key in columns],
                }

            per_ministry = Redaction.objects.ministry_counts()
            return {
                "total": sum(per_ground.values()),
                "grounds": ground_rows(per_ground, every=True),
                "columns": ground_rows({key: per_ground[key] for key in columns}),
                "meetings": records.order_by().values("meeting").distinct().count(),
                "all_meetings": Meeting.objects.count(),
                "withheld_items": records.filter(kind=Redaction.Kind.ITEM)
                .order_by()
                .values("agenda_item")
                .distinct()
                .count(),
                "years": [
                    {"year": year, **row(counts)}
                    for year, counts in sorted(records.year_counts().items())
                ],
                "ministries": [
                    {"ministry": ministry, **row(per_ministry[ministry.pk])}
                    for ministry in Ministry.objects.filter(pk__in=per_ministry)
                ],
            }

        return self._kept("redactions", compute)
