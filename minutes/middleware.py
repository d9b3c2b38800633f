"""Answers for failures that are not the visitor's fault and pass by themselves."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from minutes.search.index import IndexMissing

logger = logging.getLogger(__name__)


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
