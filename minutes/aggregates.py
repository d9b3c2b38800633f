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

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import QuerySet

from minutes.models import ArchiveVersion, Meeting, Ministry, Topic

T = TypeVar("T")
AGGREGATES_SECONDS = 300


class ArchiveCounts:
    """The archive-wide counts at the archive's version as read once, on creation.

    A page that shows several of them (the home page: four) reads the version once.
    Each count is made once per process and version, and kept in Django's cache.
    """

    def __init__(self) -> None:
        self.version = ArchiveVersion.current()

    def _kept(self, name: str, compute: Callable[[], T]) -> T:
        key = f"archive-aggregates:{self.version}:{name}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, AGGREGATES_SECONDS)
        return value

    def totals(self) -> dict:
        return self._kept("totals", lambda: Meeting.objects.totals())

    def year_counts(self) -> list[dict]:
        return self._kept("years", lambda: list(Meeting.objects.year_counts()))

    def ministry_facets(self) -> list[dict]:
        return self._kept("ministry-facets", lambda: Meeting.objects.all().ministry_counts())

    def timeline(self, ministry: Ministry, items: QuerySet) -> list[dict]:
        """A ministry's whole timeline (`items`: all agenda items involving it)."""
        return self._kept(f"timeline:{ministry.pk}", lambda: ministry.timeline(items))

    def ministries(self) -> list[Ministry]:
        return self._kept("ministries", lambda: list(Ministry.objects.with_meeting_counts()))

    def topics(self) -> list[Topic]:
        return self._kept("topics", lambda: list(Topic.objects.with_item_counts()))
