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


def per_archive_version(name: str, compute: Callable[[], T]) -> T:
    """`compute()` for the archive as it is now: made once per process and version."""
    key = f"archive-aggregates:{ArchiveVersion.current()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, AGGREGATES_SECONDS)
    return value


def totals() -> dict:
    return per_archive_version("totals", lambda: Meeting.objects.totals())


def year_counts() -> list[dict]:
    return per_archive_version("years", lambda: list(Meeting.objects.year_counts()))


def ministry_facets() -> list[dict]:
    return per_archive_version("ministry-facets", lambda: Meeting.objects.all().ministry_counts())


def timeline(ministry: Ministry, items: QuerySet) -> list[dict]:
    """A ministry's whole timeline (`items`: all agenda items involving it)."""
    return per_archive_version(f"timeline:{ministry.pk}", lambda: ministry.timeline(items))


def ministries() -> list[Ministry]:
    return per_archive_version("ministries", lambda: list(Ministry.objects.with_meeting_counts()))


def topics() -> list[Topic]:
    return per_archive_version("topics", lambda: list(Topic.objects.with_item_counts()))
