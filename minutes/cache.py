"""Whole responses of public pages, kept per archive version (issue 11).

A public page shows the archive and nothing of the visitor: no name, no form with a
CSRF token, no messages, no per-response secret (the Content-Security-Policy has no
nonces). So an anonymous visitor's page can be answered from a copy made for another,
as long as the archive has not changed since. Every write to the archive bumps
ArchiveVersion in its own transaction (an import, a replacement, an admin edit of the
minutes, a re-tagging), and the version is part of the key: an import makes every
kept page unreachable at once, without a purge. Each request reads the version (one
primary-key SELECT) before it looks for a copy.

What is never kept or served from here:
- anything but GET and HEAD (HEAD shares GET's copy; HeadWithoutBodyMiddleware drops
  the body), the admin, `/healthz`, and search results (the search page and any `q=`
  filter): those come from the Tantivy index, which catches up with the archive
  version just after the commit, so a key by version could keep a result from before;
- requests with a session or messages cookie, or an Authorization header: a logged-in
  user (or a pending message) is never given an anonymous copy, and what such a
  request renders is never kept for others;
- responses other than 200, streamed ones, ones that set a cookie (a page that used a
  CSRF token sets one), carry `Vary`, `Cache-Control: private/no-store`, a CSP nonce,
  or a body over SGO_PAGE_CACHE_MAX_BYTES.

Names and order of ministries and topics can be edited in the admin without a new
archive version (as for minutes/aggregates.py): SGO_PAGE_CACHE_SECONDS bounds how long
such an edit waits.

A meeting's citation gives the day it was consulted ("geraadpleegd op 7 december
2026"), so no copy outlives the local day (TIME_ZONE) it was made on: the day is part
of the key, and a copy is kept until the next local midnight at the latest.

Kept responses get a strong ETag (a hash of the body, so equal across workers) and a
Last-Modified (when the copy was made), `Cache-Control: no-cache` unless the view set
one (browsers keep the page but ask again, and an import shows at once), and a
conditional GET or HEAD is answered 304 Not Modified. `X-Page-Cache: hit|miss` says
where an answer came from (gunicorn's access log records it).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from minutes.middleware import outage_errors
from minutes.models import ArchiveVersion

HEADER = "X-Page-Cache"
REFUSED_CACHE_CONTROL = ("private", "no-store")


class _VersionReader:
    """The archive version, read with one bare statement (no ORM compiling on a hit).

    With SGO_PAGE_CACHE_VERSION_SECONDS > 0 a process reads it at most that often and
    answers from copies of the version it read last meanwhile: a hit then sends no
    statement at all, and a new import shows that much later. 0 (the default) reads it
    on every request.
    """

    def __init__(self) -> None:
        self.number = 0
        self.read_at = float("-inf")

    def current(self) -> int:
        window = settings.SGO_PAGE_CACHE_VERSION_SECONDS  # type: ignore[attr-defined]
        now = time.monotonic()
        if window > 0 and now - self.read_at < window:
            return self.number
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {ArchiveVersion._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        self.number, self.read_at = (row[0] if row else 0), now
        return self.number


archive_version = _VersionReader()


def local_now() -> datetime:
    """Now, in the local time zone the pages give their dates in (tests set this clock)."""
    return timezone.localtime()


def seconds_to_keep(seconds: int, now: datetime) -> int:
    """How long a copy made at `now` (aware, local) is kept: `seconds`, but no later than
    the next local midnight, when its access date turns into yesterday's. At least one
    second (a cache takes 0 as "not at all"); a day of 23 or 25 hours is counted as it is."""
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    midnight = timezone.make_aware(midnight, now.tzinfo)
    return max(1, min(seconds, int(midnight.timestamp() - now.timestamp())))


_making: dict[str, threading.Lock] = {}
_making_guard = threading.Lock()


@contextmanager
def _single_flight(key: str) -> Iterator[None]:
    """Hold the lock of this key in this process (waiting at most
    SGO_PAGE_CACHE_WAIT_SECONDS for it; then go on without it)."""
    with _making_guard:
        lock = _making.setdefault(key, threading.Lock())
    got = lock.acquire(timeout=settings.SGO_PAGE_CACHE_WAIT_SECONDS)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if got:
            with _making_guard:
                if _making.get(key) is lock:
                    del _making[key]
            lock.release()


class Entry(NamedTuple):
    """One kept response: what a hit needs to answer, and its validators."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int

    @classmethod
    def of(cls, response: HttpResponseBase) -> Entry:
        content = response.content  # type: ignore[attr-defined]
        etag = (
            response.get("ETag") or f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        )
        response["ETag"] = etag
        # The view's own Last-Modified (a feed's) if it has one, else when this copy is made.
        last_modified = parse_http_date_safe(response.get("Last-Modified") or "")
        if last_modified is None:
            last_modified = int(time.time())
            response["Last-Modified"] = http_date(last_modified)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        headers = tuple((k, v) for k, v in response.items() if k != HEADER)
        return cls(content, headers, etag, last_modified)

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        return response


def storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """May this response be given to any anonymous visitor asking for the same URL?"""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Vary"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in REFUSED_CACHE_CONTROL):
        return False
    policies = response.get("Content-Security-Policy", "") + response.get(
        "Content-Security-Policy-Report-Only", ""
    )
    if "'nonce-" in policies:
        return False
    if len(response.content) > settings.SGO_PAGE_CACHE_MAX_BYTES:  # type: ignore[attr-defined]
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class ResponseCacheMiddleware:
    """Answer anonymous GET/HEAD of public pages from a copy kept per archive version.

    Placed after SecurityMiddleware (its redirect to HTTPS and its headers apply to
    every answer) and WhiteNoise (static files never get here), before the session,
    CSRF, authentication, message and CSP middleware, which a hit skips: their headers
    (X-Frame-Options, Content-Security-Policy) are kept with the copy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    @cached_property
    def excluded_prefixes(self) -> tuple[str, ...]:
        prefixes = [reverse("admin:index")]
        for language, _name in settings.LANGUAGES:
            with translation.override(language):  # /zoeken/ and /en/zoeken/
                prefixes += [reverse("minutes:search"), reverse("minutes:healthz")]
        return tuple(dict.fromkeys(prefixes))

    @cached_property
    def private_cookies(self) -> tuple[str, ...]:
        # The messages framework's cookie (CookieStorage.cookie_name) and the session's.
        return (settings.SESSION_COOKIE_NAME, "messages")

    def cacheable(self, request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if any(name in request.COOKIES for name in self.private_cookies):
            return False
        if "HTTP_AUTHORIZATION" in request.META or "q" in request.GET:
            return False
        return not request.path.startswith(self.excluded_prefixes)

    def key(self, request: HttpRequest, version: int, day: date) -> str:
        what = "\n".join(
            (
                day.isoformat(),
                request.scheme or "",
                request.get_host(),
                # The page's language is in its path (UrlLanguageMiddleware runs after
                # this one: the thread's active language would be the last request's).
                translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE,
                request.get_full_path(),
            )
        )
        return f"page:{version}:{hashlib.sha256(what.encode()).hexdigest()}"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = settings.SGO_PAGE_CACHE_SECONDS  # type: ignore[attr-defined]
        if seconds <= 0 or not self.cacheable(request):
            return self.get_response(request)
        try:
            version = archive_version.current()
        except outage_errors():
            # The database is gone: the page's own view answers (503, its own page).
            return self.get_response(request)
        store = caches[settings.SGO_PAGE_CACHE]  # type: ignore[attr-defined]
        now = local_now()
        key = self.key(request, version, now.date())
        entry: Entry | None = store.get(key)
        response: HttpResponseBase | None = None
        if entry is None:
            # One thread of this process makes a missing page; the others asking for
            # it meanwhile wait for its copy instead of each making it too (after an
            # import every page is missing at once, and under load four threads making
            # the same page share one core and each take four times as long).
            with _single_flight(key):
                entry = store.get(key)
                if entry is None:
                    response = self.get_response(request)
                    if not storable(request, response):
                        return response
                    entry = Entry.of(response)
                    store.set(key, entry, seconds_to_keep(seconds, now))
                    response[HEADER] = "miss"
        if response is None:
            response = entry.response()
            response[HEADER] = "hit"
        conditional = get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )
        if conditional is not response:
            conditional[HEADER] = response[HEADER]
        return conditional
