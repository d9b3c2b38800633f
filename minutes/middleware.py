"""Answers for failures that are not the visitor's fault and pass by themselves, and the
page's language from its address."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import translation

from minutes.search.index import IndexMissing

logger = logging.getLogger(__name__)


class UrlLanguageMiddleware:
    """The language of a page is in its address, and only there: /en/… is English,
    every other path Dutch (settings.LANGUAGE_CODE).

    Django's LocaleMiddleware would also read a cookie or Accept-Language on the
    unprefixed paths and say so with `Vary: Accept-Language`, which makes every Dutch
    page uncacheable by shared caches (and by minutes/cache.py) though its language
    never varies. One address, one page, in one language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SearchUnavailableMiddleware:
    """A page that needs the search index while it is missing answers 503, not 500.

    The page says why and offers the ways that work without the index (browsing);
    the log says what to run. A `Retry-After` tells clients and crawlers when to
    come back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, IndexMissing):
            return None
        logger.error("%s: run `manage.py search_index --ensure`", exception)
        response = TemplateResponse(request, "minutes/search_unavailable.html", status=503)
        response["Retry-After"] = "120"
        return response.render()


def outage_errors() -> tuple[type[Exception], ...]:
    """The errors of a database that is gone: Django's, and the driver's own, which
    some paths raise unwrapped (closing a server-side cursor on a dropped connection
    raises psycopg.OperationalError as it is)."""
    errors: list[type[Exception]] = [OperationalError, InterfaceError]
    for alias in connections:
        driver = connections[alias].Database
        errors += [driver.OperationalError, driver.InterfaceError]
    return tuple(errors)


class DatabaseUnavailableMiddleware:
    """A request that finds the database down answers 503 with a Dutch page, not 500.

    An outage (a restart, a failover, a full connection table) passes by itself, so
    the visitor is told to come back and `Retry-After` says when. The page is a
    stand-alone template rendered without a request context: no context processor
    (the user, the messages) may reach for the database that is gone.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, outage_errors()):
            return None
        logger.error("Database unavailable for %s: %s", request.path, exception)
        response = HttpResponse(
            render_to_string("database_unavailable.html"),
            status=503,
            content_type="text/html; charset=utf-8",
        )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


class HeadWithoutBodyMiddleware:
    """A HEAD request gets GET's status and headers and no body, from any server.

    Views answer HEAD as they answer GET; this drops the body here (keeping GET's
    Content-Length) so a WSGI server need not, and a streamed export is not run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
