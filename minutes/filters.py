"""FilterSets behind the list pages, feeds and exports (one set of filters each)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from minutes import roles, search
from minutes.models import (
    AgendaItem,
    Decision,
    Meeting,
    Ministry,
    Redaction,
    Series,
    Topic,
    taking_part,
)
from minutes.parsing.redactions import normalise
from minutes.parsing.text import REDACTION_RE
from minutes.redactions import ground_choices

# The one checkbox that shows the routine decisions (Decision.Kind.ADOPTED) too.
ROUTINE_LABEL = gettext_lazy("Ook vastgestelde verslagen tonen")


class DateInput(forms.DateInput):
    input_type = "date"


class QueryField(forms.CharField):
    """The search box: refused when too long, otherwise cleaned once, here.

    Control characters such as NUL are dropped before validation (as everywhere a
    query is read), so they never make a query fail; the length is checked on the
    text as typed, so an absurdly long query is refused with a message.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", search.MAX_QUERY_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        return search.printable(super().to_python(value))

    def clean(self, value):
        return search.clean_query(super().clean(value))


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


class FilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", gettext("De einddatum ligt vóór de begindatum."))
        return data


class PeriodFilter(django_filters.FilterSet):
    """A date range; the base of every archive filter."""

    van = django_filters.DateFilter(
        label=pgettext_lazy("date range", "Van"),
        method="filter_from",
        widget=DateInput(format="%Y-%m-%d"),
    )
    tot = django_filters.DateFilter(
        label=pgettext_lazy("date range", "Tot en met"),
        method="filter_until",
        widget=DateInput(format="%Y-%m-%d"),
    )

    # Subclasses say how their rows reach a meeting's date.
    date_field = "meeting__date"

    class Meta:
        model = AgendaItem
        form = FilterForm
        fields = ["van", "tot"]

    def filter_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_until(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{f"{self.date_field}__lte": value})


class SeriesFilter(PeriodFilter):
    """A date range and a series: the filters of every list of the archive.

    A meeting is in one series, so one is chosen at a time (`?reeks=<slug>`).
    """

    reeks = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Reeks"),
        queryset=Series.objects.all(),
        to_field_name="slug",
        method="filter_series",
        empty_label=gettext_lazy("Alle reeksen"),
    )

    # How rows reach their meeting's series.
    series_field = "meeting__series"

    class Meta:
        model = AgendaItem
        form = FilterForm
        fields = ["van", "tot", "reeks"]

    def filter_series(self, queryset: QuerySet, name: str, value: Series) -> QuerySet:
        return queryset.filter(**{self.series_field: value})


class GroundField(forms.MultipleChoiceField):
    """Ground keys: those of the table and "buiten-verzoek", and any other code as the
    texts write it ("5.1.4", a ground the table does not name, is counted under its own
    key and offered by the facets), each normalised: "5.1.2.e" is "5.1.2e"."""

    def to_python(self, value) -> list[str]:
        keys = [key.strip() for key in super().to_python(value) if key.strip()]
        return [normalise(key) if REDACTION_RE.fullmatch(key) else key for key in keys]

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or bool(REDACTION_RE.fullmatch(value))


class GroundFilter(django_filters.MultipleChoiceFilter):
    field_class = GroundField


class ArchiveFilterSet(SeriesFilter):
    """Filters shared by meetings, decisions and search results."""

    jaar = django_filters.NumberFilter(
        label=gettext_lazy("Jaar"), method="filter_year", min_value=1900, max_value=2100
    )
    ministerie = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Ministerie"),
        queryset=Ministry.objects.all(),
        to_field_name="slug",
        method="filter_ministries",
        widget=forms.CheckboxSelectMultiple,
    )
    # How the chosen ministries take part, for the filter and the ministry facet (the
    # default: discussed or spoke in the rondvraag; minutes/roles.py).
    rol = django_filters.ChoiceFilter(
        label=gettext_lazy("Rol van het ministerie"),
        choices=roles.Role.choices,
        empty_label=None,
        method="filter_noop_role",
    )
    onderwerp = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Onderwerp"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topics",
        widget=forms.CheckboxSelectMultiple,
    )

    grond = GroundFilter(
        label=gettext_lazy("Woo-grond"),
        choices=ground_choices(),
        method="filter_grounds",
        widget=forms.CheckboxSelectMultiple,
    )

    # How rows reach their meeting, or their agenda item: with `item_ref` set, the
    # ministry and topic filters look at the agenda item itself, not the meeting.
    meeting_ref = "meeting"
    item_ref: str | None = None

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{f"{self.date_field}__year": int(value)})

    # The API's description (drf-spectacular): the parameter is a slug, repeatable.
    @extend_schema_field(OpenApiTypes.STR)
    def filter_ministries(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # Each chosen ministry narrows the result (AND), like every other facet, in the
        # role chosen (`rol`).
        role = self.role()
        for ministry in value:
            queryset = queryset.filter(
                taking_part(ministry, role, meeting_ref=self.meeting_ref, item_ref=self.item_ref)
            )
        return queryset

    def filter_noop_role(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the role shapes the ministry filter and facets

    def role(self) -> roles.Role:
        """The role chosen (`rol`), the default without one or with invalid filters."""
        if not self.is_bound or not self.is_valid():
            return roles.DEFAULT
        return roles.of(self.form.cleaned_data.get("rol"))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_grounds(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Rows with a redaction on each chosen ground (a key: "5.1.2e", "10.2.e",
        "buiten-verzoek"): in the meeting, or in the agenda item or its sub-items."""
        if self.item_ref:
            scope = Q(agenda_item=OuterRef(self.item_ref)) | Q(
                agenda_item__parent=OuterRef(self.item_ref)
            )
        else:
            scope = Q(meeting=OuterRef(self.meeting_ref))
        for ground in value:
            queryset = queryset.filter(Exists(Redaction.objects.filter(scope, ground=ground)))
        return queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_topics(self, queryset: QuerySet, name: str, value) -> QuerySet:
        tags = AgendaItem.topics.through.objects
        if self.item_ref:
            scope = {"agendaitem": OuterRef(self.item_ref)}
        else:
            scope = {"agendaitem__meeting": OuterRef(self.meeting_ref)}
        for topic in value:
            queryset = queryset.filter(Exists(tags.filter(topic=topic, **scope)))
        return queryset


class MinistryItemFilter(SeriesFilter):
    """A ministry's agenda items (its page, feed and exports): a period, a series and
    the role it takes (`rol`, minutes/roles.py; the default: the items that name it or
    carry its rondvraag contribution; `aanwezig`: the items of meetings it was present
    at). Give the ministry as `ministry`: its predecessors' and successors' items are
    listed with its own (`chain`), unless `alleen=eigen` asks for its own only."""

    rol = django_filters.ChoiceFilter(
        label=gettext_lazy("Rol van het ministerie"),
        choices=roles.Role.choices,
        empty_label=None,
        method="filter_noop",
    )

    class Meta:
        model = AgendaItem
        form = FilterForm
        fields = ["van", "tot", "reeks", "rol"]

    def __init__(self, data=None, *args, ministry: Ministry, **kwargs):
        # Bound even to no parameters: the role applies to the bare list too.
        data = QueryDict() if data is None else data
        self.ministry = ministry
        self.chain = ministry.chain()
        self.own_only = data.get("alleen") == "eigen" or not self.chain
        self.ministries = [ministry] if self.own_only else self.chain.all
        super().__init__(data, *args, **kwargs)

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the role is applied in filter_queryset, chosen or not

    def role(self) -> roles.Role:
        if not self.is_bound or not self.is_valid():
            return roles.DEFAULT
        return roles.of(self.form.cleaned_data.get("rol"))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Each item with the chain's rondvraag contributions and which of them it names.
        return (
            super()
            .filter_queryset(queryset)
            .involving(self.ministries, self.role())
            .with_contributions(*self.ministries)
            .with_mentions_of(self.ministries)
        )

    def meetings(self) -> QuerySet:
        """The meetings in the period and series chosen (for the ministry's timeline
        and counts); all meetings without filters."""
        meetings = Meeting.objects.all()
        if not self.is_bound or not self.is_valid():
            return meetings
        data = self.form.cleaned_data
        if data.get("van"):
            meetings = meetings.filter(date__gte=data["van"])
        if data.get("tot"):
            meetings = meetings.filter(date__lte=data["tot"])
        if data.get("reeks"):
            meetings = meetings.filter(series=data["reeks"])
        return meetings


class MeetingFilter(ArchiveFilterSet):
    q = QueryFilter(label=gettext_lazy("Zoekterm"), method="filter_q")
    sorteer = django_filters.ChoiceFilter(
        label=gettext_lazy("Sorteren"),
        choices=[("nieuw", gettext_lazy("Nieuwste eerst")), ("oud", gettext_lazy("Oudste eerst"))],
        empty_label=None,
        method="filter_sort",
    )

    date_field = "date"
    series_field = "series"
    meeting_ref = "pk"

    class Meta:
        model = Meeting
        form = FilterForm
        fields = [
            "van",
            "tot",
            "jaar",
            "reeks",
            "ministerie",
            "rol",
            "onderwerp",
            "grond",
            "q",
            "sorteer",
        ]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.meetings_matching(queryset, value)

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by("date", "slug") if value == "oud" else queryset


class DecisionFilter(ArchiveFilterSet):
    """Decisions by their own text and the archive's filters, routine ones hidden.

    A third of the decisions only adopt the previous minutes ("Het verslag is
    vastgesteld."): they are left out unless `vastgesteld` asks for them or kinds are
    chosen (then the kinds chosen decide). Always bind this filterset, even to an
    empty query string, so the default holds on the bare list too.
    """

    q = QueryFilter(label=gettext_lazy("Zoekterm"), method="filter_q")
    soort = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Soort besluit"),
        choices=Decision.Kind.choices,
        field_name="kind",
        widget=forms.CheckboxSelectMultiple,
    )
    vastgesteld = django_filters.BooleanFilter(
        label=ROUTINE_LABEL,
        method="filter_noop",
        widget=forms.CheckboxInput(check_test=lambda value: value in (True, "ja", "true")),
    )

    date_field = "agenda_item__meeting__date"
    series_field = "agenda_item__meeting__series"
    meeting_ref = "agenda_item__meeting"
    # A decision belongs to a ministry or topic when its agenda item does.
    item_ref = "agenda_item"

    class Meta:
        model = Decision
        form = FilterForm
        fields = [
            "q",
            "van",
            "tot",
            "jaar",
            "reeks",
            "ministerie",
            "rol",
            "onderwerp",
            "grond",
            "soort",
            "vastgesteld",
        ]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Decisions whose own text matches (the list keeps its order by date)."""
        ids = search.decision_ids(value)
        # One array parameter, not one per id (minutes.models.AnyOf).
        return queryset.filter(pk__any=ids) if ids else queryset.none()

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the routine decisions are left out last, in filter_queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """The filtered decisions; `with_routine` keeps them with the routine ones."""
        self.with_routine = super().filter_queryset(queryset)
        if self.hides_routine():
            return self.with_routine.exclude(kind=Decision.Kind.ADOPTED)
        return self.with_routine

    def hides_routine(self) -> bool:
        """Whether the routine decisions (minutes adopted) are left out of this list."""
        if not self.is_bound or not self.is_valid():
            return True
        data = self.form.cleaned_data
        return not data.get("vastgesteld") and not data.get("soort")


class SearchFilter(ArchiveFilterSet):
    """Full-text search over agenda items, with the archive's filters."""

    q = QueryFilter(label=gettext_lazy("Zoekterm"), method="filter_noop")
    besluit = django_filters.BooleanFilter(
        label=gettext_lazy("Met besluit"),
        method="filter_decision",
        widget=forms.Select(
            choices=[
                ("", gettext_lazy("Alle agendapunten")),
                ("true", gettext_lazy("Alleen met besluit")),
            ]
        ),
    )
    sorteer = django_filters.ChoiceFilter(
        label=gettext_lazy("Sorteren"),
        choices=[
            ("relevantie", gettext_lazy("Meest relevant")),
            ("nieuw", gettext_lazy("Nieuwste eerst")),
            ("oud", gettext_lazy("Oudste eerst")),
        ],
        empty_label=None,
        method="filter_noop",
    )

    # The UI's Dutch sort values, as the search package names them.
    SORTS = {
        "relevantie": search.Sort.RELEVANCE,
        "nieuw": search.Sort.NEWEST,
        "oud": search.Sort.OLDEST,
    }

    # Results are agenda items: ministry and topic filters look at the item itself.
    item_ref = "pk"

    class Meta:
        model = AgendaItem
        form = FilterForm
        fields = [
            "q",
            "van",
            "tot",
            "jaar",
            "reeks",
            "ministerie",
            "rol",
            "onderwerp",
            "grond",
            "besluit",
            "sorteer",
        ]

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the query and the sort are applied last, in filter_queryset

    def filter_queryset(self, queryset: QuerySet) -> search.Results:
        """The items matching the query and filters, ranked or sorted (none without a query).

        The search index applies the filters itself; `queryset` says how the rows
        of the page shown are fetched.
        """
        query, filters, sort = self.search_request()
        return search.ranked(query, filters=filters, sort=sort, items=queryset)

    def search_request(self) -> tuple[str, search.Filters, search.Sort]:
        """The cleaned query, the filters and the sort, as the search package takes them."""
        data = self.form.cleaned_data
        filters = search.Filters(
            start=data.get("van"),
            end=data.get("tot"),
            year=int(data["jaar"]) if data.get("jaar") else None,
            ministries=tuple(m.pk for m in data.get("ministerie") or ()),
            role=roles.of(data.get("rol")).value,
            topics=tuple(t.pk for t in data.get("onderwerp") or ()),
            series=(data["reeks"].pk,) if data.get("reeks") else (),
            decided=bool(data.get("besluit")),
            grounds=tuple(data.get("grond") or ()),
        )
        return data.get("q") or "", filters, self.SORTS[data.get("sorteer") or "relevantie"]

    def filter_decision(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied by the search index, in filter_queryset

    def filter_grounds(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied by the search index, in filter_queryset
