"""Public pages of the archive. Views stay thin: reads live on the QuerySets."""

from __future__ import annotations

import os
import re
from datetime import date
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from minutes import aggregates, comparison, coverage, opendata, rendering, roles, search
from minutes.charts import bar_chart, share_bars
from minutes.filters import (
    DecisionFilter,
    MeetingFilter,
    MinistryItemFilter,
    QueryField,
    SearchFilter,
    SeriesFilter,
)
from minutes.formats import local_date
from minutes.models import (
    IMPORT_PERMISSION,
    MEETING_HEAVY_FIELDS,
    AgendaItem,
    Decision,
    ImportFile,
    Meeting,
    Ministry,
    MinistryMention,
    Redaction,
    Series,
    SourceDocument,
    Topic,
)
from minutes.names import visible_name
from minutes.parsing.redactions import OUTSIDE_REQUEST
from minutes.redactions import ground_facet, ground_rows


class FilteredListView(FilterView):
    """A FilterView that answers 400 (with the form errors shown) for bad filters.

    With `counts_scope` set, the paginator's count (and whatever the view keeps with
    `filtered_counts.kept`) is counted once per archive version and filter combination
    (minutes.aggregates): at 100,000 meetings a count over a filter is 0.1–2 s.
    """

    counts_scope = ""
    # The page shows the query in a box of its own, not among the filters and chips.
    query_box = False

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.query_box:
            context["active_filters"] = active_filters(self.filterset, skip=("q",))
            context["query_box"] = True
            query = search.clean_query(self.request.GET.get("q"))
            # Clearing the filters keeps the query.
            context["clear_query"] = "?" + urlencode({"q": query}) if query else ""
            context["query"] = query
        else:
            context["active_filters"] = active_filters(self.filterset)
        # The series filter is offered once there is more than one series to choose.
        context["several_series"] = Series.objects.several_in_use()
        return context

    def get_counts_scope(self) -> str:
        """Whose list this is, for the keys of its kept counts (a ministry page: which)."""
        return self.counts_scope

    @cached_property
    def archive_counts(self) -> aggregates.ArchiveCounts:
        return aggregates.ArchiveCounts()

    @cached_property
    def filtered_counts(self) -> aggregates.FilteredCounts | None:
        """This list's kept counts; None without a scope or for invalid filters."""
        if not self.counts_scope:
            return None
        return self.archive_counts.for_filters(self.get_counts_scope(), self.filterset)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        counts = self.filtered_counts
        if counts is not None:
            # Paginator.count is a cached_property: set, it is never counted.
            paginator.count = counts.kept("count", queryset.count)
        return paginator

    def unfiltered(self) -> bool:
        """No filter narrows the list (sorting and paging aside): archive-wide counts apply."""
        filterset = self.filterset
        return not filterset.is_bound or (filterset.is_valid() and not active_filters(filterset))


def active_filters(filterset, skip: tuple[str, ...] = ()) -> list[dict]:
    """The filters in use, each with the query string that removes it (for chips);
    the fields in `skip` are not shown as chips."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    cleaned = filterset.form.cleaned_data
    chips = []
    for name, field in filterset.form.fields.items():
        if name == "sorteer" or name in skip:
            continue
        for raw in filterset.data.getlist(name):
            if not raw.strip() or (name == "rol" and raw == roles.DEFAULT):
                continue  # the default role (as the form sends it) narrows nothing
            remaining = filterset.data.copy()
            remaining.setlist(name, [v for v in remaining.getlist(name) if v != raw])
            remaining.pop("page", None)
            chips.append(
                {
                    "label": field.label,
                    "text": _chip_text(field, raw, cleaned.get(name)),
                    "remove_query": remaining.urlencode(),
                }
            )
    return chips


def _chip_text(field, raw: str, value) -> str:
    """How a chip names one raw filter value: a date, a name, a choice label."""
    if isinstance(field, QueryField):
        return value  # the query as it was searched for, cleaned
    if isinstance(value, date):
        return local_date(value, "j F Y")
    if isinstance(value, bool):
        return pgettext("filter value", "ja") if value else pgettext("filter value", "nee")
    if getattr(value, "slug", None) == raw:
        return str(value)  # a series' name
    for obj in value if isinstance(value, (list, tuple, QuerySet)) else []:
        if getattr(obj, "slug", None) == raw:
            return str(obj)  # a ministry's abbreviation, a topic's name
    choices = dict(getattr(field, "choices", None) or []) if not hasattr(field, "queryset") else {}
    return str(choices.get(raw, raw))


class HomeView(TemplateView):
    template_name = "minutes/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = Meeting.objects.summaries().with_counts().select_related("series")[:6]
        counts = aggregates.ArchiveCounts()
        context["totals"] = counts.totals()
        context["series_facets"] = counts.series_facets()
        context["several_series"] = len(context["series_facets"]) > 1
        context["years"] = counts.year_counts()
        context["covered_weeks"] = counts.covered_weeks()
        context["redaction_total"] = counts.redaction_total()
        # Per ministry the meetings it was discussed or spoke in: the filters' default role.
        # Former ministries only where the archive has their meetings.
        ministries = [m for m in counts.ministries() if m.is_current or m.meeting_count]
        roles_counts = counts.ministry_roles()
        for ministry in ministries:
            ministry.involved = roles_counts[ministry.pk]["meetings_involved"]
        context["ministries"] = ministries
        context["topics"] = counts.topics()
        return context


class CountedMeetingsMixin:
    """A list of meetings whose items and decisions are counted for the page's rows
    only, not for every row an OFFSET skips."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = rows = Meeting.objects.attach_counts(rows)
        return paginator, page, rows, is_paginated


class MeetingListView(CountedMeetingsMixin, FilteredListView):
    filterset_class = MeetingFilter
    paginate_by = 25
    context_object_name = "meetings"
    template_name = "minutes/meeting_list.html"
    counts_scope = "meetings"

    def get_queryset(self):
        # The items and decisions per meeting are counted for the page's rows only
        # (paginate_queryset), not for every row an OFFSET skips.
        return Meeting.objects.summaries().with_agenda_titles().select_related("series")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = self.object_list
        kept = self.filtered_counts
        if self.unfiltered():  # the whole archive: its facets are the archive-wide counts
            context["series_facets"] = self.archive_counts.series_facets()
            context["year_facets"] = self.archive_counts.year_counts()
            context["ministry_facets"] = self.archive_counts.ministry_facets()
            grounds = self.archive_counts.ground_facets()
        elif kept is not None:  # counted once per archive version and filter combination
            role = self.filterset.role()
            context["series_facets"] = kept.kept("series", results.series_counts)
            context["year_facets"] = kept.kept("years", results.year_counts)
            context["ministry_facets"] = kept.kept(
                "ministries", lambda: results.ministry_counts(role)
            )
            grounds = kept.kept("grounds", results.ground_counts)
        else:
            context["series_facets"] = results.series_counts()
            context["year_facets"] = results.year_counts()
            context["ministry_facets"] = results.ministry_counts(self.filterset.role())
            grounds = results.ground_counts()
        context["ground_facets"] = ground_facet(grounds)
        # Each row names its series when the list holds more than one.
        context["show_series"] = len(context["series_facets"]) > 1
        return context


class MeetingDetailView(DetailView):
    context_object_name = "meeting"

    def get_queryset(self):
        return (
            Meeting.objects.with_counts()
            .with_page_facts()
            .with_agenda()
            .select_related("series", "source_document")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        context["items"] = meeting.agenda
        present = MinistryMention.Role.PRESENT
        context["present"] = [m.ministry for m in meeting.all_mentions if m.role == present]
        mentioned = {m.ministry for m in meeting.all_mentions if m.role != present}
        context["mentioned"] = sorted(mentioned, key=lambda m: m.position)
        context["previous"] = meeting.get_previous()
        context["next"] = meeting.get_next()
        context["permalink"] = self.request.build_absolute_uri(meeting.get_absolute_url())
        context["earlier_versions"] = (
            ImportFile.objects.earlier_versions(meeting) if meeting.was_replaced else []
        )
        context["query"] = query = search.clean_query(self.request.GET.get("q"))
        every_item = [*meeting.agenda, *(c for item in meeting.agenda for c in item.children)]
        if query:
            context["match_count"] = search.mark_matches(every_item, query)
            bodies = rendering.item_bodies(meeting.agenda, marked=True)
        else:
            # The text without highlights is the same for every visitor: rendered once.
            bodies = rendering.cached_item_bodies(meeting.render_cache_key(), meeting.agenda)
        for item in every_item:
            item.body_html = bodies[item.pk]
        grounds = meeting.redactions.ground_counts()
        context["redaction_counts"] = ground_rows(grounds)
        # Passages "buiten verzoek" as the records count them (a sentence that merely
        # holds the words is none), as in the counts above and on /weglakkingen/.
        context["withheld_passages"] = grounds.get(OUTSIDE_REQUEST, 0)
        return context


@require_safe
def meeting_text(request: HttpRequest, slug: str) -> HttpResponse:
    """The original text exactly as imported, as plain text (never as HTML)."""
    meeting = get_object_or_404(Meeting.objects.only("original_text", "slug"), slug=slug)
    response = HttpResponse(meeting.original_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="sgo-{meeting.slug}.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def meeting_text_version(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """An earlier text of a meeting, as the import log kept it when it was replaced.

    For importers only: a replacement may be the fix of a redaction that went wrong,
    and what was withheld must not come back through the archive.
    """
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied(gettext("Eerdere versies zijn alleen voor beheerders in te zien."))
    meeting = get_object_or_404(Meeting.objects.only("slug"), slug=slug)
    replaced = get_object_or_404(
        ImportFile.objects.earlier_versions(meeting).defer(None), pk=version
    )
    response = HttpResponse(replaced.replaced_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'inline; filename="sgo-{meeting.slug}-versie-{replaced.pk}.txt"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def source_document(request: HttpRequest, sha256: str) -> FileResponse:
    """A released document (a Woo PDF) as it was imported, for download.

    Only documents that minutes were read from: the meeting pages link here.
    """
    documents = SourceDocument.objects.filter(
        Exists(Meeting.objects.filter(source_document=OuterRef("pk")))
    )
    document = get_object_or_404(documents, sha256=sha256)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(gettext("Het bronbestand is niet meer aanwezig.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(document.name),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_name(name: str) -> str:
    """A stored file's name for a download: its last part, control characters written out."""
    return visible_name(re.split(r"[\\/]", name)[-1]) or "bron.pdf"


class OpenDataView(TemplateView):
    """What the download of the whole archive holds, its files and fields, and its licence."""

    template_name = "minutes/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manifest = opendata.manifest()
        context["manifest"] = manifest
        context["tables"] = [
            {"table": table, "count": manifest.counts.get(table.name) if manifest else None}
            for table in opendata.TABLES
        ]
        context["zip_name"], context["sqlite_name"] = opendata.ZIP_NAME, opendata.SQLITE_NAME
        if manifest is not None:
            context["generated_at"] = timezone.localtime(manifest.generated_at)
        context["api_docs_url"] = _existing_path("/api/docs/")
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The page follows the files, which are rebuilt just after an import commits: never
        # a copy kept per archive version (minutes/cache.py) from before the rebuild.
        patch_cache_control(response, private=True, no_cache=True)
        return response


def _existing_path(path: str) -> str | None:
    """`path` if a page is routed there (the API's documentation, once it exists), else None."""
    try:
        resolve(path)
    except Resolver404:
        return None
    return path


@require_safe
def open_data_file(request: HttpRequest, name: str, names: dict[str, str]) -> HttpResponse:
    """One file of the open data download, as built after the last import (minutes/opendata.py)."""
    if name not in names:
        raise Http404(gettext("Dit bestand bestaat niet."))
    path = opendata.directory() / name
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        response = TemplateResponse(request, "minutes/open_data_missing.html", status=404)
        patch_cache_control(response, private=True, no_cache=True)
        return response
    stat = os.fstat(handle.fileno())
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    conditional = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if conditional is not None:
        handle.close()
        return conditional
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=names[name])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class SeriesListView(TemplateView):
    """Every series of minutes, with its meetings' count and span."""

    template_name = "minutes/series_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The SGO's own series first, the others in alphabetical order.
        series = aggregates.ArchiveCounts().series()
        context["series_list"] = sorted(series, key=lambda s: not s.is_sgo)
        return context


class CoverageView(TemplateView):
    """Which weeks hold minutes, per series and year, and where minutes may be missing
    (minutes/coverage.py)."""

    template_name = "minutes/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage"] = aggregates.ArchiveCounts().coverage()
        context["meeting_list"] = reverse("minutes:meeting_list")
        context["summer_recess"] = coverage.SUMMER_RECESS_WEEKS
        return context


class RedactionsView(TemplateView):
    """Redactions counted by ground: in all, per year and per ministry, as charts and
    tables, with each ground's meaning (minutes.redactions.GROUNDS)."""

    template_name = "minutes/redactions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = aggregates.ArchiveCounts().redactions()
        context["counts"] = counts
        context["ground_chart"] = share_bars(counts["columns"])
        years = [{"label": str(row["year"]), "n": row["total"]} for row in counts["years"]]
        context["year_chart"] = share_bars(years)
        return context


class SeriesDetailView(CountedMeetingsMixin, ListView):
    """One series: what it is, its counts and its meetings, newest first."""

    paginate_by = 25
    context_object_name = "meetings"
    template_name = "minutes/series_detail.html"

    def get(self, request, *args, **kwargs):
        self.series = get_object_or_404(Series, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    @cached_property
    def archive_counts(self) -> aggregates.ArchiveCounts:
        return aggregates.ArchiveCounts()

    @cached_property
    def totals(self) -> dict:
        return self.archive_counts.series_totals(self.series)

    def get_queryset(self):
        return (
            Meeting.objects.filter(series=self.series)
            .summaries()
            .with_agenda_titles()
            .select_related("series")
        )

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        paginator.count = self.totals["meetings"]  # kept per archive version: no COUNT
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["series"] = self.series
        context["totals"] = self.totals
        context["several_series"] = Series.objects.several_in_use()
        return context


class MinistryListView(ListView):
    context_object_name = "ministries"
    template_name = "minutes/ministry_list.html"

    def get_queryset(self):
        counts = aggregates.ArchiveCounts()
        ministries = counts.ministries()
        role_counts = counts.ministry_roles()
        for ministry in ministries:
            ministry.roles = role_counts[ministry.pk]
        return ministries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Current ministries in the table; former ones apart, with their periods.
        ministries = context["ministries"]
        context["ministries"] = [m for m in ministries if m.is_current]
        former = [m for m in ministries if not m.is_current]
        # The most recently ended first.
        former.sort(key=lambda m: -m.valid_until.toordinal())
        context["former_ministries"] = former
        return context


class MinistryDetailView(FilteredListView):
    """One ministry: its counts per role, its timeline and the agenda items it appears in
    (all three in the role chosen, `rol`: minutes/roles.py)."""

    filterset_class = MinistryItemFilter
    paginate_by = 25
    context_object_name = "items"
    template_name = "minutes/ministry_detail.html"
    counts_scope = "ministry"

    def get_counts_scope(self) -> str:
        return f"ministry:{self.ministry.pk}{':eigen' if self.filterset.own_only else ''}"

    def get(self, request, *args, **kwargs):
        self.ministry = get_object_or_404(
            Ministry.objects.prefetch_related("aliases"), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "ministry": self.ministry}

    def get_queryset(self):
        return AgendaItem.objects.newest_first()  # the filter adds what the list shows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ministry"] = self.ministry
        # Its predecessors' and successors' items are listed with its own, unless
        # `?alleen=eigen` asks for its own only (MinistryItemFilter).
        context["chain"], context["own_only"] = self.filterset.chain, self.filterset.own_only
        self.filterset.chain.label(context["items"])
        context["former_names"] = [a for a in self.ministry.aliases.all() if a.is_former_name]
        context["spellings"] = [a for a in self.ministry.aliases.all() if not a.is_former_name]
        role = self.filterset.role()
        meetings = self.filterset.meetings()
        kept = self.filtered_counts
        ministry = self.ministry
        if self.unfiltered():
            timeline = self.archive_counts.timeline(ministry, role)
            counts = self.archive_counts.ministry_roles()[ministry.pk]
        elif kept is not None:
            timeline = kept.kept("timeline", lambda: ministry.timeline(role, meetings))
            counts = kept.kept(
                "roles",
                lambda: Ministry.objects.filter(pk=ministry.pk).role_counts(meetings)[ministry.pk],
            )
        else:
            timeline = ministry.timeline(role, meetings)
            counts = Ministry.objects.filter(pk=ministry.pk).role_counts(meetings)[ministry.pk]
        context["chart"] = bar_chart(timeline)
        context["chart_caption"] = roles.timeline_caption(role, ministry.abbreviation)
        context["chart_unit"] = roles.timeline_unit(role)
        context["role"] = role
        context["role_rows"] = roles.count_rows(counts, role, self.request.GET)
        return context


class MinistryComparisonView(TemplateView):
    """Ministries side by side (minutes/comparison.py): one small chart per ministry on
    the same scale, each with its data as a table, the measure chosen by `maat`."""

    template_name = "minutes/ministry_compare.html"

    def get(self, request, *args, **kwargs):
        self.form = comparison.MeasureForm(request.GET or None)
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = aggregates.ArchiveCounts()
        measure = self.form.measure() if self.form.is_bound else comparison.DEFAULT_MEASURE
        context["form"] = self.form
        context["measures"] = [
            {"value": value, "label": label, "current": value == measure}
            for value, (label, _share) in comparison.MEASURES.items()
        ]
        context["comparison"] = comparison.charts(counts.comparison(), counts.ministries(), measure)
        return context


class TopicListView(ListView):
    context_object_name = "topics"
    template_name = "minutes/topic_list.html"

    def get_queryset(self):
        return aggregates.ArchiveCounts().topics()


class TopicDetailView(FilteredListView):
    """One topic's items across meetings, oldest first, to follow it week by week."""

    filterset_class = SeriesFilter
    paginate_by = 25
    context_object_name = "items"
    template_name = "minutes/topic_detail.html"
    counts_scope = "topic"

    def get_counts_scope(self) -> str:
        return f"topic:{self.topic.pk}"

    def get(self, request, *args, **kwargs):
        self.topic = get_object_or_404(Topic, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            self.topic.agenda_items.for_listing()
            .prefetch_related("decisions")
            .order_by("meeting__date", "meeting__slug", "position")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topic"] = self.topic
        return context


class DecisionListView(FilteredListView):
    filterset_class = DecisionFilter
    paginate_by = 25
    context_object_name = "decisions"
    template_name = "minutes/decision_list.html"
    counts_scope = "decisions"
    query_box = True

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Bound even to no parameters: the routine decisions are hidden by default.
        kwargs["data"] = self.request.GET
        return kwargs

    def get_queryset(self):
        return (
            Decision.objects.select_related("agenda_item__meeting__series", "agenda_item__parent")
            .defer(
                "agenda_item__body",
                "agenda_item__parent__body",
                *(f"agenda_item__meeting__{name}" for name in MEETING_HEAVY_FIELDS),
            )
            .order_by("-agenda_item__meeting__date", "agenda_item__position", "position")
        )

    def _kept(self, name: str, compute):
        kept = self.filtered_counts
        return compute() if kept is None else kept.kept(name, compute)

    @cached_property
    def all_kind_facets(self) -> list[dict]:
        """[{"kind", "n"}] over the result with its routine decisions; one kind each."""
        routine = getattr(self.filterset, "with_routine", self.object_list)
        return self._kept("kinds-with-routine", lambda: decision_kind_counts(routine))

    @cached_property
    def kind_facets(self) -> list[dict]:
        """[{"kind", "n"}] over the decisions listed."""
        if not self.filterset.hides_routine():
            return self.all_kind_facets
        return [row for row in self.all_kind_facets if row["kind"] != Decision.Kind.ADOPTED]

    def hidden_routine(self) -> int:
        """How many routine decisions the default leaves out of this result."""
        if not self.filterset.hides_routine():
            return 0
        adopted = Decision.Kind.ADOPTED
        return sum(row["n"] for row in self.all_kind_facets if row["kind"] == adopted)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super(FilteredListView, self).get_paginator(queryset, *args, **kwargs)
        if self.filtered_counts is not None:
            # The kinds' counts add up to the whole: no COUNT of its own.
            paginator.count = sum(row["n"] for row in self.kind_facets)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind_facets"] = self.kind_facets
        context["hidden_routine"] = self.hidden_routine()
        labels = dict(Decision.Kind.choices)
        context["kind_facet_rows"] = [
            {"value": row["kind"], "label": labels[row["kind"]], "n": row["n"]}
            for row in self.kind_facets
        ]
        if context["query"]:
            context["decisions"] = search.with_decision_marks(
                context["decisions"], context["query"]
            )
            # Nothing decided in these words: the agenda items may still speak of them.
            query = urlencode({"q": context["query"]})
            context["search_url"] = f"{reverse('minutes:search')}?{query}"
        if not self.filterset.errors:
            decisions = self.object_list
            context["year_facets"] = self._kept("years", lambda: decision_year_counts(decisions))
            role = self.filterset.role()
            context["ministry_facets"] = self._kept(
                "ministries", lambda: decision_ministry_counts(decisions, role)
            )
            context["series_facets"] = self._kept(
                "series", lambda: decision_series_counts(decisions)
            )
            context["ground_facets"] = ground_facet(
                self._kept("grounds", lambda: decision_ground_counts(decisions))
            )
        return context


def decision_kind_counts(decisions: QuerySet[Decision]) -> list[dict]:
    """[{"kind", "n"}] in the kinds' order of the database values."""
    rows = decisions.order_by().values("kind").annotate(n=Count("pk"))
    return list(rows.order_by("kind"))


def decision_year_counts(decisions: QuerySet[Decision]) -> list[dict]:
    """[{"year", "n"}] by the year of each decision's meeting, newest first."""
    rows = (
        decisions.order_by()
        .annotate(year=ExtractYear("agenda_item__meeting__date"))
        .values("year")
        .annotate(n=Count("pk"))
    )
    return list(rows.order_by("-year"))


def decision_ministry_counts(decisions: QuerySet[Decision], role: str | None = None) -> list[dict]:
    """[{"ministry", "n"}]: the decisions whose agenda item has each ministry in `role`
    (minutes/roles.py; `aanwezig`: present at the item's meeting), as the ministry filter
    reads it, in the archive's order of ministries."""
    if roles.of(role) == roles.Role.PRESENT:
        mentions = "agenda_item__meeting__ministry_mentions"
    else:
        mentions = "agenda_item__ministry_mentions"
    rows = (
        decisions.order_by()
        .filter(**{f"{mentions}__role__in": roles.mention_roles(role)})
        .values(f"{mentions}__ministry")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = {row[f"{mentions}__ministry"]: row["n"] for row in rows}
    return [
        {"ministry": ministry, "n": counts[ministry.pk]}
        for ministry in Ministry.objects.filter(pk__in=counts)
    ]


def decision_ground_counts(decisions: QuerySet[Decision]) -> dict[str, int]:
    """{ground key: decisions}: the decisions whose agenda item (or one of its sub-items)
    holds a redaction on each ground, as the `grond` filter reads it. Two queries: the
    grounds in use, then one count per ground in a single aggregate."""
    keys = sorted(Redaction.objects.order_by().values_list("ground", flat=True).distinct())
    if not keys:
        return {}
    item = OuterRef("agenda_item")
    scope = Q(agenda_item=item) | Q(agenda_item__parent=item)
    flagged = decisions.order_by().annotate(
        **{
            f"has{index}": Exists(Redaction.objects.filter(scope, ground=key))
            for index, key in enumerate(keys)
        }
    )
    counts = flagged.aggregate(
        **{
            f"n{index}": Count("pk", filter=Q(**{f"has{index}": True}))
            for index in range(len(keys))
        }
    )
    return {key: counts[f"n{index}"] for index, key in enumerate(keys) if counts[f"n{index}"]}


def decision_series_counts(decisions: QuerySet[Decision]) -> list[dict]:
    """[{"series", "n"}] by each decision's meeting's series, in the series' order."""
    rows = decisions.order_by().values("agenda_item__meeting__series").annotate(n=Count("pk"))
    counts = {row["agenda_item__meeting__series"]: row["n"] for row in rows}
    return [{"series": s, "n": counts[s.pk]} for s in Series.objects.filter(pk__in=counts)]


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("minutes:django.contrib.sitemaps.views.sitemap"))
    # Search and export URLs are endless combinations of the same content, in every
    # language of the interface (/zoeken/, /en/zoeken/).
    endless = [
        "minutes:search",
        "minutes:meeting_export_csv",
        "minutes:meeting_export_json",
        "minutes:decision_export_csv",
        "minutes:decision_export_json",
        "minutes:healthz",
    ]
    disallowed = [reverse("admin:index"), reverse("api:root")]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            disallowed += [reverse(name) for name in endless]
            # A topic's and a ministry's exports (a wildcard for the slug).
            for name in ("minutes:topic_export_csv", "minutes:ministry_export_csv"):
                path = reverse(name, kwargs={"slug": "SLUG"}).rsplit(".", 1)[0]
                disallowed.append(path.replace("SLUG", "*"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in dict.fromkeys(disallowed)),
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class SearchView(FilteredListView):
    """Full-text search at agenda-item level, with facets and typo suggestions."""

    filterset_class = SearchFilter
    paginate_by = 20
    context_object_name = "results"
    template_name = "minutes/search.html"
    query_box = True

    def get_queryset(self):
        return AgendaItem.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.filterset.is_valid()
        query = self.filterset.form.cleaned_data.get("q", "") if valid else ""
        # An invalid form still shows what was typed (cut like any query that is read).
        context["query"] = query if valid else search.clean_query(self.request.GET.get("q"))
        context["own_search_box"] = True  # not the header's box as well
        if query:
            context["results"] = search.with_snippets(context["results"], query)
            context["facets"] = search.facets(self.object_list)
            found = context["paginator"].count
            if found < 5:
                context["suggestion"] = search.suggest(query, found=found)
        return context
