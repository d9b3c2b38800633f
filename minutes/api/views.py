"""The API's endpoints: read-only, thin; reads live on the QuerySets and in minutes.search."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, QuerySet
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.utils.urls import remove_query_param, replace_query_param

from minutes import aggregates, search
from minutes.api import serializers
from minutes.cache import archive_version
from minutes.filters import DecisionFilter, MeetingFilter, SearchFilter
from minutes.models import (
    MEETING_HEAVY_FIELDS,
    AgendaItem,
    ArchiveVersion,
    Decision,
    Meeting,
    Ministry,
    Series,
    Topic,
)

# Parameters every list takes besides its filters.
PAGING = ("cursor", "limit")
# The records' shape, in every ETag: raise it when a field is added, renamed or changed.
SHAPE = 2  # 2: a ministry's meetings_involved


class ArchivePagination(CursorPagination):
    """Cursor pagination: `next`/`previous` links that stay right while imports add rows.

    `limit` rows a page (default 25, at most 100). The order is the view's `ordering`;
    a cursor is only valid with the query it came with.
    """

    page_size = 25
    page_size_query_param = "limit"
    max_page_size = 100

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return view.get_ordering()

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:  # DRF answers a cursor it did not make with a 404
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        # A well-formed cursor can still carry a position the ordering's column cannot
        # take ("p=2021" for a date): the database refuses it only here.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None


class ApiView(GenericAPIView):
    """What every endpoint shares: the parameters it knows (others are a 400 naming them)
    and an ETag per archive version and address (a 304 without reading the archive)."""

    pagination_class = ArchivePagination
    # The list's own parameters, besides the filterset's and PAGING.
    extra_parameters: tuple[str, ...] = ()

    def known_parameters(self) -> set[str]:
        known = set(self.extra_parameters)
        if getattr(self, "filterset_class", None) is not None:
            known |= set(self.filterset_class.base_filters) | set(PAGING)
        return known

    def dispatch(self, request, *args: Any, **kwargs: Any):
        # The API speaks English (its messages too), whatever the site's language.
        with translation.override("en"):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        known = self.known_parameters()
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = "Unknown parameter. " + (
                f"Known: {', '.join(sorted(known))}." if known else "This address takes none."
            )
            raise ValidationError({name: [message] for name in unknown})
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            # The site reads "misschien" as no choice; the API says what it takes.
            for name, field in filterset_class.base_filters.items():
                value = request.query_params.get(name)
                if value and isinstance(field, BooleanFilter):
                    # A check box (vastgesteld) also takes the site's "ja"; a select,
                    # true or false only (anything else it would read as no choice).
                    box = isinstance(field.extra.get("widget"), forms.CheckboxInput)
                    accepted = ("true", "false", "ja") if box else ("true", "false")
                    if value not in accepted:
                        raise ValidationError({name: ["One of: " + ", ".join(accepted)]})
        limit = request.query_params.get("limit")
        if limit is not None and not (
            limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 100
        ):
            raise ValidationError({"limit": ["A whole number from 1 to 100."]})

    def etag(self, request: Request) -> str:
        """Per archive version and address; and per SHAPE, which is raised whenever the
        API's records change shape, so a new release of the code is no 304."""
        version = archive_version.current()
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
        return quote_etag(f"v{version}-{SHAPE}-{digest}")

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        etag = self.etag(request)
        if etag in request.headers.get("If-None-Match", ""):
            return self.not_modified(etag)
        changed = ArchiveVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if (
            "If-None-Match" not in request.headers
            and changed is not None
            and since is not None
            and int(changed.timestamp()) <= since
        ):
            return self.not_modified(etag)
        response = self.answer(request, *args, **kwargs)
        response["ETag"] = etag
        if changed is not None:
            response["Last-Modified"] = http_date(changed.timestamp())
        patch_cache_control(response, no_cache=True)
        return response

    @staticmethod
    def not_modified(etag: str) -> HttpResponseNotModified:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response

    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotImplementedError  # each endpoint says what it answers


class ListEndpoint(ApiView, ListAPIView):
    filter_backends = [DjangoFilterBackend]
    ordering: tuple[str, ...] = ()

    def get_ordering(self) -> tuple[str, ...]:
        return self.ordering

    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


class DetailEndpoint(ApiView, RetrieveAPIView):
    lookup_field = "slug"
    pagination_class = None

    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)


# ------------------------------------------------------------------ meetings


class MeetingList(ListEndpoint):
    """Meetings, newest first (`sorteer=oud`: oldest first), with the filters of
    /vergaderingen/: `van`, `tot` (dates), `jaar`, `reeks` (series slug), `ministerie` and
    `onderwerp` (slugs, repeatable, each narrowing), `q` (the search query language)."""

    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet:
        return Meeting.objects.defer(*MEETING_HEAVY_FIELDS).select_related("series")

    def get_ordering(self) -> tuple[str, ...]:
        if self.request.query_params.get("sorteer") == "oud":
            return ("date", "pk")
        return ("-date", "-pk")


class MeetingDetail(DetailEndpoint):
    """One meeting with its whole agenda (sub-items and text), decisions, ministries and
    their roles, redaction codes and provenance. `slug` as in the site's address."""

    serializer_class = serializers.MeetingDetailSerializer

    def get_queryset(self) -> QuerySet:
        return Meeting.objects.with_agenda().select_related("series", "source_document")


# ------------------------------------------------------------------ decisions


class DecisionList(ListEndpoint):
    """Decisions, newest meeting first, with the filters of /besluiten/: `q` searches
    the decisions' own text; routine ones (minutes adopted) are left out unless
    `vastgesteld=ja` or kinds (`soort`) are chosen."""

    serializer_class = serializers.DecisionListSerializer
    filterset_class = DecisionFilter
    ordering = ("-meeting_date", "-pk")

    def get_queryset(self) -> QuerySet:
        return (
            Decision.objects.select_related("agenda_item__meeting__series", "agenda_item__parent")
            .defer(
                "agenda_item__body",
                "agenda_item__parent__body",
                *(f"agenda_item__meeting__{name}" for name in MEETING_HEAVY_FIELDS),
            )
            .annotate(meeting_date=F("agenda_item__meeting__date"))
        )


# ------------------------------------------------------------------ ministries, topics, series


class MinistryEndpoint:
    serializer_class = serializers.MinistryDetailSerializer

    def get_queryset(self) -> QuerySet:
        return Ministry.objects.prefetch_related(
            "aliases", "succeeded__predecessor", "successions__successor"
        )

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()  # type: ignore[misc]
        context["counts"] = aggregates.ArchiveCounts().ministry_roles()
        return context


class MinistryList(MinistryEndpoint, ListEndpoint):
    """Every ministry, former ones too, with its period, former names, predecessors,
    successors and counts."""

    pagination_class = None
    filter_backends: list = []


class MinistryDetail(MinistryEndpoint, DetailEndpoint):
    """One ministry, with its period, former names, predecessors, successors and counts."""


class TopicList(ListEndpoint):
    """The topics followed across meetings, with their counts."""

    serializer_class = serializers.TopicDetailSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return Topic.objects.with_item_counts()


class TopicDetail(DetailEndpoint):
    serializer_class = serializers.TopicDetailSerializer

    def get_queryset(self) -> QuerySet:
        return Topic.objects.with_item_counts()


class SeriesList(ListEndpoint):
    """The series of minutes (the SGO's and other bodies'), with counts and span."""

    serializer_class = serializers.SeriesDetailSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return Series.objects.with_meeting_stats().order_by("name")


class SeriesDetail(DetailEndpoint):
    serializer_class = serializers.SeriesDetailSerializer

    def get_queryset(self) -> QuerySet:
        return Series.objects.with_meeting_stats()


# ------------------------------------------------------------------ search


# How deep a search pages: 10,000 results (400 pages of 25); narrower queries go further.
MAX_OFFSET = 10_000


def _offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(cursor: str | None) -> int:
    """The offset a search cursor stands for; a cursor not made here is a 400."""
    if not cursor:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"]
    except (ValueError, KeyError, TypeError):
        raise ValidationError({"cursor": ["Invalid cursor."]}) from None
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise ValidationError({"cursor": ["Invalid cursor."]})
    return offset


@extend_schema(
    responses=serializers.SearchPageSerializer,
    parameters=[
        OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` or `previous`."),
        OpenApiParameter("limit", OpenApiTypes.INT, description="Results a page, 1–100 (25)."),
    ],
)
class Search(ApiView):
    """Agenda items matching `q` (required; the query language of /zoeken/: words, "a
    phrase", -word, OR, prefix*), ranked (`sorteer=nieuw`/`oud`: by date), with the
    filters of /zoeken/, an excerpt and the decisions of each, and facet counts over all
    matches."""

    filterset_class = SearchFilter
    serializer_class = serializers.SearchPageSerializer
    pagination_class = None

    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = SearchFilter(
            request.query_params,
            queryset=AgendaItem.objects.for_listing().prefetch_related("decisions"),
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        query = filterset.form.cleaned_data.get("q") or ""
        if not query:
            raise ValidationError({"q": ["Required: what to search for."]})
        limit = int(request.query_params.get("limit") or ArchivePagination.page_size)
        offset = _offset(request.query_params.get("cursor"))
        results = filterset.qs
        found = results.count()
        page = search.with_snippets(results[offset : offset + limit], query)

        url = request.build_absolute_uri()

        def link(to: int) -> str:
            if to <= 0:
                return remove_query_param(url, "cursor")
            return replace_query_param(url, "cursor", _offset_cursor(to))

        context = self.get_serializer_context()
        body = {
            "count": found,
            "next": (
                link(offset + limit)
                if offset + limit < found and offset + limit <= MAX_OFFSET
                else None
            ),
            "previous": link(offset - limit) if offset > 0 else None,
            "results": serializers.SearchResultSerializer(page, many=True, context=context).data,
            "facets": serializers.FacetsSerializer.of(search.facets(results)),
            "suggestion": search.suggest(query, found=found) if found < 5 else None,
        }
        return Response(body)


ROOT_LINKS = {
    "meetings": "meeting_list",
    "search": "search",
    "decisions": "decision_list",
    "ministries": "ministry_list",
    "topics": "topic_list",
    "series": "series_list",
    "schema": "schema",
    "docs": "docs",
}


class Root(ApiView):
    """The API's endpoints, its description and its docs."""

    pagination_class = None

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot",
            {name: drf.URLField() for name in ROOT_LINKS},  # type: ignore[misc]
        )
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            {name: reverse(f"api:{route}", request=request) for name, route in ROOT_LINKS.items()}
        )


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
def not_found(request: Request) -> Response:
    raise NotFound()
