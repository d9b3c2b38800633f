"""Meetings of the SGO, their agenda items and decisions, ministries and topics."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, ExtractYear, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from minutes import roles
from minutes.formats import local_date
from minutes.names import visible_name
from minutes.parsing import INSERTED, DecisionKind, item_label, list_label
from minutes.roles import MentionRole


@models.BigAutoField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=[…]`: the ids as one array parameter, `id = ANY(%s)`.

    `pk__in` sends a parameter per id; for the thousands of ids a search matches
    (52,866 meetings for one word at 100,000) PostgreSQL then parses, binds and
    estimates each one: at 10,000 meetings a page of 5,193 matches took 192 ms
    to plan and run that way, 39 ms with one array (docs/benchmarks.md).
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, [int(pk) for pk in self.rhs]]


# The Woo release (the decision that made the minutes public) a text came from: only a
# web address, so a page can link it safely (never `javascript:` or `data:`).
RELEASE_URL_MAX_LENGTH = 500
validate_release_url = URLValidator(
    schemes=["http", "https"],
    message=gettext_lazy(
        "Geef het webadres van het Woo-besluit, beginnend met http:// of https://."
    ),
)


class ReleaseUrlFormField(forms.CharField):
    """A form's field for a release's address: http or https only, said in one message
    (an address without its scheme is refused, not completed with one)."""

    widget = forms.URLInput
    default_validators = [validate_release_url]


class ReleaseUrlField(models.URLField):
    """The address of a Woo release: http or https only (ftp, mailto and the rest refused)."""

    default_validators = [validate_release_url]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ReleaseUrlFormField, **kwargs})


class MinistryQuerySet(models.QuerySet):
    def with_meeting_counts(self) -> MinistryQuerySet:
        """Each ministry with the number of meetings it was present at, spoke in or was named in."""
        return self.annotate(meeting_count=models.Count("mentions__meeting", distinct=True))

    def role_counts(self, meetings: models.QuerySet | None = None) -> dict[int, dict[str, int]]:
        """Per ministry (by pk; every one of these, zeros included): `meetings` it was
        present at, spoke in or was named in, `meetings_present`, `meetings_involved`
        (named in an item or spoke in the rondvraag: the default role of the filters),
        `items_discussed` (agenda items naming it) and `rondvraag_contributions`.

        `meetings`: count within these meetings only (a period). Two grouped queries."""
        mentions = MinistryMention.objects.all()
        if meetings is not None:
            mentions = mentions.filter(meeting__in=meetings.order_by().values("pk"))
        counts = {
            pk: {
                "meetings": 0,
                "meetings_present": 0,
                "meetings_involved": 0,
                "items_discussed": 0,
                "rondvraag_contributions": 0,
            }
            for pk in self.values_list("pk", flat=True)
        }
        rows = (
            mentions.filter(ministry__in=counts)
            .order_by()
            .values("ministry")
            .annotate(
                any_role=models.Count("meeting", distinct=True),
                present=models.Count("meeting", distinct=True, filter=Q(role=MentionRole.PRESENT)),
                involved=models.Count(
                    "meeting", distinct=True, filter=~Q(role=MentionRole.PRESENT)
                ),
                discussed=models.Count(
                    "agenda_item", distinct=True, filter=Q(role=MentionRole.MENTIONED)
                ),
                spoke=models.Count("pk", filter=Q(role=MentionRole.SPEAKER)),
            )
        )
        for row in rows:
            counts[row["ministry"]].update(
                meetings=row["any_role"],
                meetings_present=row["present"],
                meetings_involved=row["involved"],
                items_discussed=row["discussed"],
                rondvraag_contributions=row["spoke"],
            )
        return counts


class Ministry(models.Model):
    """A ministry as an institution with a period: "EZ (2010–2017)" and "EZ (2024–)" are two.

    Its names through time are its `aliases` (each with a period of its own); successions
    link it to its predecessors and successors (`MinistrySuccession`).
    """

    abbreviation = models.CharField("afkorting", max_length=10)
    name = models.CharField("naam", max_length=200)
    slug = models.SlugField(max_length=20)
    position = models.PositiveSmallIntegerField("volgorde", default=0)
    valid_from = models.DateField(
        "bestaat vanaf",
        null=True,
        blank=True,
        help_text="Leeg: al vóór de periode van het archief.",
    )
    valid_until = models.DateField(
        "bestaat tot en met",
        null=True,
        blank=True,
        help_text="De laatste dag; leeg: bestaat nog.",
    )

    objects = MinistryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "abbreviation"]
        verbose_name = "ministerie"
        verbose_name_plural = "ministeries"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="ministry_unique_slug"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="ministry_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("minutes:ministry_detail", kwargs={"slug": self.slug})

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    @property
    def period(self) -> str:
        """ "2010–2017", "2024–", "–2010"; empty for a ministry without bounds."""
        if self.valid_from is None and self.valid_until is None:
            return ""
        start = str(self.valid_from.year) if self.valid_from else ""
        end = str(self.valid_until.year) if self.valid_until else ""
        return f"{start}–{end}"

    @property
    def label(self) -> str:
        """The abbreviation, with the period when the ministry has one: "EZ (2010–2017)"."""
        return f"{self.abbreviation} ({self.period})" if self.period else self.abbreviation

    @property
    def short_label(self) -> str:
        """ "EZ, 2010–2017" (after its full name: "Ministerie van Economische Zaken (…)")."""
        return f"{self.abbreviation}, {self.period}" if self.period else self.abbreviation

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def chain(self) -> MinistryChain:
        """Its predecessors and successors, each with the kind of link (two queries)."""
        predecessors = [
            (link.predecessor, link)
            for link in self.succeeded.select_related("predecessor").order_by(
                "predecessor__position"
            )
        ]
        successors = [
            (link.successor, link)
            for link in self.successions.select_related("successor").order_by("successor__position")
        ]
        return MinistryChain(self, predecessors, successors)

    def name_on(self, day: date, aliases: Iterable[MinistryAlias]) -> str:
        """The name it went by on the day ("EL&I" for EZ (2010–2017) in 2011), from its
        `aliases` (prefetched): a dated name valid then, else its abbreviation."""
        for alias in aliases:
            if (
                alias.name_key
                and (alias.valid_from is None or alias.valid_from <= day)
                and (alias.valid_until is None or day <= alias.valid_until)
            ):
                return alias.name_key
        return self.abbreviation

    # A run of more empty years than this is one period ("1946–2009") in a timeline.
    TIMELINE_MAX_EMPTY_YEARS = 10

    def timeline(
        self, role: str | None = None, meetings: models.QuerySet | None = None
    ) -> list[dict]:
        """This ministry's part per year (per month for a short span), in `role`
        (minutes.roles: the filters' `rol`, the default when None).

        What a period counts is what the ministry's counts count for that role:
        meetings discussed or spoke in (`betrokken`), agenda items naming it
        (`besproken`), rondvraag contributions (`rondvraag`), meetings present at
        (`aanwezig`); so the periods add up to the count the page shows. `meetings`
        limits the count to these meetings (a period, a series). One query.

        Empty periods between the first and last are listed too, so the chart's gaps
        are real; but a long run of empty years (a stray date far from the rest, year
        1 say) is one period with an `until` year, so the rows stay bounded by the
        years that have meetings, not by the span between them.
        """
        role = roles.of(role)
        mentions = MinistryMention.objects.filter(ministry=self, role__in=roles.mention_roles(role))
        if meetings is not None:
            mentions = mentions.filter(meeting__in=meetings.order_by().values("pk"))
        if role in (roles.Role.DISCUSSED, roles.Role.RONDVRAAG):
            unit = models.Count("agenda_item", distinct=True)  # one mention a role an item
        else:
            unit = models.Count("meeting", distinct=True)
        rows = (
            mentions.order_by()
            .values("meeting__date")
            .annotate(n=unit)
            .order_by("meeting__date")
            .values_list("meeting__date", "n")
        )
        per_day = list(rows)
        if not per_day:
            return []
        first, last = per_day[0][0], per_day[-1][0]
        monthly = (last - first).days <= 2 * 366
        counts: dict[tuple[int, int], int] = {}
        for day, n in per_day:
            key = (day.year, day.month if monthly else 0)
            counts[key] = counts.get(key, 0) + n
        if monthly:
            periods = []
            year, month = first.year, first.month
            while (year, month) <= (last.year, last.month):
                periods.append(
                    {"year": year, "month": month, "count": counts.get((year, month), 0)}
                )
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return periods
        periods = []
        years = sorted(year for year, _month in counts)
        for year, following in zip(years, [*years[1:], None], strict=True):
            periods.append({"year": year, "month": 0, "count": counts[(year, 0)]})
            if following is None or following == year + 1:
                continue
            if following - year - 1 > self.TIMELINE_MAX_EMPTY_YEARS:
                periods.append({"year": year + 1, "month": 0, "count": 0, "until": following - 1})
            else:
                periods.extend(
                    {"year": empty, "month": 0, "count": 0} for empty in range(year + 1, following)
                )
        return periods


class MinistryChain:
    """A ministry with its predecessors and successors: [(ministry, MinistrySuccession)]."""

    def __init__(
        self,
        ministry: Ministry,
        predecessors: list[tuple[Ministry, MinistrySuccession]],
        successors: list[tuple[Ministry, MinistrySuccession]],
    ) -> None:
        self.ministry = ministry
        self.predecessors = predecessors
        self.successors = successors

    @property
    def others(self) -> list[Ministry]:
        return [m for m, _link in self.predecessors] + [m for m, _link in self.successors]

    @property
    def all(self) -> list[Ministry]:
        return [self.ministry, *self.others]

    def __bool__(self) -> bool:
        return bool(self.predecessors or self.successors)

    def label(self, items: Iterable[AgendaItem]) -> None:
        """Set `as_name` on each item that involves a predecessor or successor but not the
        ministry itself: the name that one went by on the meeting's date ("VenJ"). Items
        need `chain_mentions` (AgendaItemQuerySet.with_mentions_of); one query."""
        items = list(items)
        others = {m.pk: m for m in self.others}
        aliases: dict[int, list[MinistryAlias]] = {pk: [] for pk in others}
        if others and items:
            for alias in MinistryAlias.objects.filter(ministry__in=others).exclude(name_key=""):
                aliases[alias.ministry_id].append(alias)
        for item in items:
            involved = {mention.ministry_id for mention in item.chain_mentions}
            if self.ministry.pk in involved:
                item.as_name = ""
                continue
            day = item.meeting.date
            names = [
                others[pk].name_on(day, aliases[pk])
                for pk in sorted(involved & others.keys(), key=lambda pk: others[pk].position)
            ]
            item.as_name = ", ".join(dict.fromkeys(names))


class MinistryAlias(models.Model):
    """A way the minutes write one of a ministry's names, valid for that name's period."""

    ministry = models.ForeignKey(
        Ministry, on_delete=models.CASCADE, related_name="aliases", verbose_name="ministerie"
    )
    text = models.CharField("schrijfwijze", max_length=100)
    name_key = models.CharField(
        "naam",
        max_length=20,
        blank=True,
        help_text="De afkorting van de naam die deze schrijfwijze schrijft (‘EL&I’); "
        "leeg: de afkorting van het ministerie.",
    )
    valid_from = models.DateField("geldig vanaf", null=True, blank=True)
    valid_until = models.DateField(
        "geldig tot en met", null=True, blank=True, help_text="Leeg: zolang het ministerie bestaat."
    )

    class Meta:
        ordering = ["ministry__position", "valid_from", "text"]
        verbose_name = "schrijfwijze"
        verbose_name_plural = "schrijfwijzen"
        constraints = [
            models.UniqueConstraint(
                fields=["ministry", "text"], name="ministry_alias_unique_text_per_ministry"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="ministry_alias_valid_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return self.name_key or self.ministry.abbreviation

    @property
    def is_former_name(self) -> bool:
        """A name the ministry stopped using while it still existed ("EL&I")."""
        return self.valid_until is not None and self.valid_until != self.ministry.valid_until


class MinistrySuccession(models.Model):
    """One ministry's work passing to another: renamed, merged, split, transferred."""

    class Kind(models.TextChoices):
        RENAMED = "renamed", pgettext_lazy("succession", "naamswijziging")
        MERGED = "merged", pgettext_lazy("succession", "samenvoeging")
        CONTINUED = "continued", pgettext_lazy("succession", "voortzetting na splitsing")
        SPLIT_OFF = "split_off", pgettext_lazy("succession", "afsplitsing")
        TRANSFERRED = "transferred", pgettext_lazy("succession", "overdracht van taken")

    predecessor = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        related_name="successions",
        verbose_name="voorganger",
    )
    successor = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        related_name="succeeded",
        verbose_name="opvolger",
    )
    kind = models.CharField("soort", max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["successor__valid_from", "predecessor__position", "successor__position"]
        verbose_name = "opvolging"
        verbose_name_plural = "opvolgingen"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="ministry_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="ministry_succession_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


# Columns a list of meetings never shows; the original text alone is kilobytes a row.
MEETING_HEAVY_FIELDS = ("original_text", "attendees_text", "absentees_text", "parse_warnings")


class MeetingQuerySet(models.QuerySet):
    def summaries(self) -> MeetingQuerySet:
        """Meetings without their heavy text columns, for lists and feeds."""
        return self.defer(*MEETING_HEAVY_FIELDS)

    def with_counts(self) -> MeetingQuerySet:
        """Add item_count and decision_count with subqueries (no row multiplication)."""
        items = (
            AgendaItem.objects.filter(meeting=models.OuterRef("pk"), parent=None)
            .order_by()
            .values("meeting")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        decisions = (
            Decision.objects.filter(agenda_item__meeting=models.OuterRef("pk"))
            .order_by()
            .values("agenda_item__meeting")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            item_count=Coalesce(models.Subquery(items), 0),
            decision_count=Coalesce(models.Subquery(decisions), 0),
        )

    def attach_counts(self, meetings: Iterable[Meeting]) -> list[Meeting]:
        """Set item_count and decision_count on these meetings, in one query.

        What `with_counts` adds, for a page of rows already fetched: its subqueries
        then run for the rows shown only. Annotated on a list query they run for every
        row PostgreSQL passes, the ones an OFFSET skips included (a deep page of
        100,000 meetings: 50,000 rows, a second; docs/benchmarks.md).
        """
        meetings = list(meetings)
        counts = (
            {
                pk: (items, decisions)
                for pk, items, decisions in self.model.objects.filter(
                    pk__in=[m.pk for m in meetings]
                )
                .with_counts()
                .order_by()
                .values_list("pk", "item_count", "decision_count")
            }
            if meetings
            else {}
        )
        for meeting in meetings:
            meeting.item_count, meeting.decision_count = counts.get(meeting.pk, (0, 0))
        return meetings

    def with_agenda_titles(self) -> MeetingQuerySet:
        """Prefetch the top-level agenda items (number and title) as `top_items`."""
        items = AgendaItem.objects.filter(parent=None).only(
            "meeting", "parent", "number", "title", "position"
        )
        return self.prefetch_related(
            models.Prefetch(
                "agenda_items", queryset=items.order_by("position"), to_attr="top_items"
            )
        )

    def with_page_facts(self) -> MeetingQuerySet:
        """Add what a meeting's page needs beside its row, in the same query.

        `archive_version` (for the rendered text's cache key) and `was_replaced` (does
        the import log hold earlier texts): two round trips fewer on every page view.
        """
        version = ArchiveVersion.objects.filter(pk=1).values("number")[:1]
        replaced = ImportFile.objects.filter(
            meeting=models.OuterRef("pk"), status=ImportFile.Status.REPLACED
        ).exclude(replaced_text="")
        return self.annotate(
            archive_version=Coalesce(models.Subquery(version), 0),
            was_replaced=models.Exists(replaced),
        )

    def with_agenda(self) -> MeetingQuerySet:
        """Prefetch a meeting's agenda as a tree, for its page.

        `agenda`: the top-level items in order, each with its decisions and topics,
        its sub-items as `children` (the prefetch sets their `parent`, so their labels
        cost no query) and its rondvraag contributions as `speakers`. `all_mentions`:
        every ministry mention of the meeting, with its ministry.
        """
        mentions = MinistryMention.objects.select_related("ministry")
        speakers = mentions.filter(role=MinistryMention.Role.SPEAKER)
        top_items = (
            AgendaItem.objects.filter(parent=None)
            .order_by("position")
            .prefetch_related(
                "decisions",
                "topics",
                models.Prefetch(
                    "subitems", queryset=AgendaItem.objects.order_by("position"), to_attr="children"
                ),
                models.Prefetch("ministry_mentions", queryset=speakers, to_attr="speakers"),
            )
        )
        return self.prefetch_related(
            models.Prefetch("agenda_items", queryset=top_items, to_attr="agenda"),
            models.Prefetch("ministry_mentions", queryset=mentions, to_attr="all_mentions"),
        )

    def year_counts(self) -> list[dict]:
        """[{"year": 2021, "n": 1}, …], newest year first, for facets and the home page."""
        return list(
            self.order_by()
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(n=models.Count("pk"))
            .order_by("-year")
        )

    def ministry_counts(self, role: str | None = None) -> list[dict]:
        """Per ministry, how many of these meetings have it in `role` (minutes.roles:
        the filters' `rol`; by default discussed or spoke in the rondvraag)."""
        rows = (
            MinistryMention.objects.filter(
                meeting__in=self.order_by().values("pk"), role__in=roles.mention_roles(role)
            )
            .order_by()
            .values("ministry")
            .annotate(n=models.Count("meeting", distinct=True))
        )
        counts = {row["ministry"]: row["n"] for row in rows}
        return [
            {"ministry": ministry, "n": counts[ministry.pk]}
            for ministry in Ministry.objects.all()
            if counts.get(ministry.pk)
        ]

    def ground_counts(self) -> dict[str, int]:
        """Per redaction ground (key), how many of these meetings hold one on it."""
        rows = (
            Redaction.objects.filter(meeting__in=self.order_by().values("pk"))
            .order_by()
            .values_list("ground")
            .annotate(n=models.Count("meeting", distinct=True))
        )
        return dict(rows)

    def series_counts(self) -> list[dict]:
        """Per series, how many of these meetings it holds, in the series' order."""
        rows = self.order_by().values("series").annotate(n=models.Count("pk"))
        counts = {row["series"]: row["n"] for row in rows}
        return [{"series": s, "n": counts[s.pk]} for s in Series.objects.filter(pk__in=counts)]

    def totals(self) -> dict:
        first_last = self.aggregate(first=models.Min("date"), last=models.Max("date"))
        return {
            "meetings": self.count(),
            "items": AgendaItem.objects.filter(meeting__in=self).count(),
            "decisions": Decision.objects.filter(agenda_item__meeting__in=self).count(),
            **first_last,
        }


class SeriesQuerySet(models.QuerySet):
    def with_meeting_stats(self) -> SeriesQuerySet:
        """Each series with its `meeting_count` and the dates of its `first` and `last` meeting."""
        return self.annotate(
            meeting_count=models.Count("meetings"),
            first=models.Min("meetings__date"),
            last=models.Max("meetings__date"),
        )

    def several_in_use(self) -> bool:
        """More than one series holds meetings: pages then name and offer the series.

        One probe of the (series, date) index per series, stopping at the second.
        """
        holding = Meeting.objects.filter(series=models.OuterRef("pk"))
        return self.filter(models.Exists(holding))[:2].count() > 1


class Series(models.Model):
    """A series of minutes: the meetings of one body (the SGO, a steering group, …).

    Recognised from a document's own words ("Omschrijving SGO, verslag", "Verslag
    Technisch Overleg Digikoppeling") or named on import. The SGO is the archive's
    own series: its meetings keep plain dates as their addresses.
    """

    SGO = "sgo"  # the slug of the SGO series (created by migration 0014)
    OTHER = "overig"  # where minutes go whose series nobody named or recognised

    name = models.CharField("naam", max_length=200)
    short_name = models.CharField(
        "afkorting", max_length=30, blank=True, help_text="Zoals de reeks wordt aangehaald: ‘SGO’."
    )
    slug = models.SlugField(max_length=80)
    description = models.TextField("omschrijving", blank=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = [Upper("name")]
        verbose_name = "reeks"
        verbose_name_plural = "reeksen"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="series_unique_slug"),
            models.UniqueConstraint(Upper("name"), name="series_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("minutes:series_detail", kwargs={"slug": self.slug})

    @property
    def is_sgo(self) -> bool:
        return self.slug == self.SGO

    @property
    def label(self) -> str:
        """The series as a meeting's title cites it: "SGO", or the full name."""
        return self.short_name or self.name

    def meeting_slug(self, day: date) -> str:
        """A meeting's address on a day (before -2, -3 … for a second one): the date
        for the SGO, so /vergaderingen/2021-01-19/ stays as it was; the series' slug
        and the date for others, so every meeting's address is unique and stable."""
        return day.isoformat() if self.slug == self.SGO else f"{self.slug}-{day.isoformat()}"

    @staticmethod
    def slug_for(name: str) -> str:
        """The slug a series named `name` has: "SGO" and its full name are the SGO's."""
        slug = slugify(name)[:80].strip("-")
        if not slug and name.strip():
            # A name without Latin letters or digits ("Комитет"): addresses keep to ASCII.
            slug = "reeks-" + hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:10]
        return Series.SGO if slug in ("sgo", "secretarissen-generaal-overleg") else slug


class SourceDocument(models.Model):
    """A file as it was released (a Woo PDF), kept unchanged beside the meetings read
    from it: one PDF can hold several meetings, each with its pages."""

    name = models.CharField("bestandsnaam", max_length=255)
    file = models.FileField("bestand", upload_to="bronnen/%Y/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField("grootte (bytes)")
    content_type = models.CharField("soort", max_length=100, default="application/pdf")
    page_count = models.PositiveIntegerField("pagina's", default=0)
    ocr_pages = ArrayField(
        models.PositiveIntegerField(),
        default=list,
        blank=True,
        verbose_name="OCR-pagina's",
        help_text="Pagina's zonder bruikbare tekstlaag, gelezen met OCR.",
    )
    # Each page's text as read (text layer or OCR): a second import of the same PDF
    # splits these again instead of reading (and OCR-ing) the file anew.
    page_texts = ArrayField(models.TextField(), default=list, blank=True)
    imported_at = models.DateTimeField("geïmporteerd op")

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "bronbestand"
        verbose_name_plural = "bronbestanden"
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="source_document_unique_sha256"),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A meeting of one series (the SGO's own, or another body's), as recorded in one
    file of minutes or one document of a PDF."""

    # The labels are translated (the meeting page names where its text came from);
    # the lazy text is the Dutch label itself, so the migrations see no change.
    class TextOrigin(models.TextChoices):
        TEXT = "text", pgettext_lazy("text origin", "tekstbestand")
        PDF = "pdf", pgettext_lazy("text origin", "tekstlaag van de pdf")
        OCR = "ocr", pgettext_lazy("text origin", "tekst via OCR")

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="meetings", verbose_name="reeks"
    )
    date = models.DateField("vergaderdatum")
    slug = models.SlugField(
        max_length=100,
        help_text="De datum (na de slug van de reeks, behalve bij het SGO), met -2, -3 … "
        "voor een tweede vergadering van de reeks op dezelfde dag.",
    )
    start_time = models.TimeField("aanvang", null=True, blank=True)
    end_time = models.TimeField("einde", null=True, blank=True)
    place = models.CharField("vergaderplaats", max_length=200, blank=True)
    reference = models.CharField("onze referentie", max_length=50, blank=True)
    document_date = models.DateField("datum verslag", null=True, blank=True)
    description = models.CharField("omschrijving", max_length=200, blank=True)
    attendees_text = models.TextField("aanwezig (zoals vermeld)", blank=True)
    absentees_text = models.TextField("afwezig (zoals vermeld)", blank=True)
    redaction_codes = ArrayField(
        models.CharField(max_length=20), default=list, blank=True, verbose_name="lakcodes"
    )
    withheld_passages = models.PositiveSmallIntegerField("passages buiten verzoek", default=0)
    parse_warnings = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        verbose_name="waarschuwingen bij het inlezen",
    )
    source_name = models.CharField("bronbestand", max_length=255)
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField("tekencodering", max_length=20)
    original_text = models.TextField("oorspronkelijke tekst")
    imported_at = models.DateTimeField("geïmporteerd op")
    # When the archive first had this meeting's text: a replacement keeps it, so feeds
    # (ordered by it) show a late release of old minutes as new, and a corrected text
    # of a meeting as no news.
    received_at = models.DateTimeField("ontvangen op", db_index=True)
    # Where the text came from: a text file, or pages of a released PDF (its text
    # layer, or OCR for pages without one).
    text_origin = models.CharField(
        "herkomst tekst", max_length=10, choices=TextOrigin.choices, default=TextOrigin.TEXT
    )
    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="bronbestand",
    )
    first_page = models.PositiveIntegerField("eerste pagina", null=True, blank=True)
    last_page = models.PositiveIntegerField("laatste pagina", null=True, blank=True)
    ocr_pages = ArrayField(
        models.PositiveIntegerField(), default=list, blank=True, verbose_name="OCR-pagina's"
    )
    release_url = ReleaseUrlField(
        gettext_lazy("Woo-besluit (URL)"),
        max_length=RELEASE_URL_MAX_LENGTH,
        blank=True,
        help_text=gettext_lazy(
            "Het webadres van het Woo-besluit waarmee deze tekst openbaar is gemaakt."
        ),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "slug"]
        get_latest_by = "date"
        verbose_name = "vergadering"
        verbose_name_plural = "vergaderingen"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="meeting_unique_slug"),
            models.UniqueConstraint(fields=["sha256"], name="meeting_unique_sha256"),
            # Two bodies' "verslag.txt" are two meetings; in one series, one.
            models.UniqueConstraint(
                fields=["series", "source_name"], name="meeting_unique_series_source_name"
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=models.F("start_time")),
                name="meeting_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["date"], name="meeting_date_idx"),
            models.Index(fields=["series", "date"], name="meeting_series_date_idx"),
        ]

    def __str__(self) -> str:
        # The series only if it is loaded already (admin lists and logs name meetings
        # by the dozen); an SGO meeting's slug is its date, another's starts with its
        # series' slug.
        series = self._state.fields_cache.get("series")
        if series is not None:
            return f"{series.label} {self.date.isoformat()}"
        if not self.slug or self.slug[:1].isdigit():
            return f"SGO {self.date.isoformat()}"
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("minutes:meeting_detail", kwargs={"slug": self.slug})

    def name(self, day_format: str = "j F Y") -> str:
        """Its series and date: "SGO 19 januari 2021", "Technisch Overleg Digikoppeling,
        4 maart 2021" ("SGO January 19, 2021" in English: `day_format` is a Dutch layout,
        minutes.formats). Load the series with the meeting (select_related)."""
        day = local_date(self.date, day_format)
        if self.series.is_sgo:
            return f"{self.series.label} {day}"
        return f"{self.series.label}, {day}"

    def title(self, day_format: str = "j F Y") -> str:
        """The meeting as pages and feeds title it: "Verslag SGO 19 januari 2021"; a
        meeting of another series by its name ("Technisch Overleg Digikoppeling, 4
        maart 2021")."""
        if not self.series.is_sgo:
            return self.name(day_format)
        # Translators: the title of an SGO meeting's minutes: "Verslag SGO 19 januari 2021".
        return gettext("Verslag %(meeting)s") % {"meeting": self.name(day_format)}

    @property
    def source_pages(self) -> list[int]:
        """The pages of its source document this meeting was read from (none known: [])."""
        if self.first_page is None:
            return []
        return list(range(self.first_page, (self.last_page or self.first_page) + 1))

    def render_cache_key(self) -> str:
        """The cache key of this meeting's rendered text: a new import or replacement
        (imported_at, sha256) and any edit (the archive version) give a new key."""
        version = getattr(self, "archive_version", None)  # MeetingQuerySet.with_page_facts
        if version is None:
            version = ArchiveVersion.current()
        return f"meeting-bodies:{self.pk}:{self.sha256}:{self.imported_at.timestamp()}:{version}"

    # The neighbours: the date bound alone is what PostgreSQL can take to the date index
    # (an index range from this meeting on), the OR then settles a shared day. Without it
    # the OR is a filter on a scan from the archive's end: 18 ms instead of 0.06 in the
    # middle of 100,000 meetings (docs/benchmarks.md, pages at 1k, 10k and 100k).
    # Within the meeting's own series: the (series, date) index serves the same way.
    def get_previous(self) -> Meeting | None:
        earlier = Q(date__lt=self.date) | Q(date=self.date, slug__lt=self.slug)
        return (
            Meeting.objects.filter(earlier, series_id=self.series_id, date__lte=self.date)
            .order_by("-date", "-slug")
            .only("date", "slug")
            .first()
        )

    def get_next(self) -> Meeting | None:
        later = Q(date__gt=self.date) | Q(date=self.date, slug__gt=self.slug)
        return (
            Meeting.objects.filter(later, series_id=self.series_id, date__gte=self.date)
            .order_by("date", "slug")
            .only("date", "slug")
            .first()
        )


class AgendaItemQuerySet(models.QuerySet):
    def top_level(self) -> AgendaItemQuerySet:
        return self.filter(parent=None)

    def for_listing(self) -> AgendaItemQuerySet:
        """Items with their meeting (and parent) for a list of results: no body text
        and no heavy meeting columns, so a page of results reads narrow rows."""
        return self.select_related("meeting__series", "parent").defer(
            "body",
            "parent__body",
            *(f"meeting__{name}" for name in MEETING_HEAVY_FIELDS),
        )

    def involving(
        self, ministry: Ministry | list[Ministry], role: str | None = None
    ) -> AgendaItemQuerySet:
        """Items that have the ministry (or any of a list) in `role` (minutes.roles; by
        default: items that name it or carry its rondvraag contribution; `aanwezig`:
        items of meetings it was present at)."""
        return self.filter(taking_part(ministry, role, meeting_ref="meeting", item_ref="pk"))

    def newest_first(self) -> AgendaItemQuerySet:
        return (
            self.for_listing()
            .prefetch_related("decisions")
            .order_by("-meeting__date", "-meeting__slug", "position")
        )

    def with_mentions_of(self, ministries: Iterable[Ministry]) -> AgendaItemQuerySet:
        """Prefetch which of the ministries each item involves as `chain_mentions`."""
        mentions = MinistryMention.objects.filter(ministry__in=list(ministries)).only(
            "pk", "agenda_item_id", "ministry_id", "role"
        )
        return self.prefetch_related(
            models.Prefetch("ministry_mentions", queryset=mentions, to_attr="chain_mentions")
        )

    def with_contributions(self, *ministries: Ministry) -> AgendaItemQuerySet:
        """Prefetch the ministries' rondvraag contributions to each item as `contributions`."""
        spoken = MinistryMention.objects.filter(
            ministry__in=ministries, role=MinistryMention.Role.SPEAKER
        ).exclude(text="")
        return self.prefetch_related(
            models.Prefetch("ministry_mentions", queryset=spoken, to_attr="contributions")
        )


class AgendaItem(models.Model):
    """An item on a meeting's agenda; sub-items (a, b, c) point to their parent."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name="vergadering"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subitems",
        verbose_name="onderdeel van",
    )
    position = models.PositiveSmallIntegerField("volgorde")
    number = models.CharField("nummer", max_length=20, help_text="‘1’, ‘5’, ‘ingelast’ of ‘a’.")
    anchor = models.SlugField("anker", max_length=40)
    title = models.CharField("titel", max_length=500)
    body = models.TextField("tekst", blank=True)
    topics = models.ManyToManyField(
        "Topic", blank=True, related_name="agenda_items", verbose_name="onderwerpen"
    )
    # Searched through the search index (minutes.search.index), not in PostgreSQL.
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = "agendapunt"
        verbose_name_plural = "agendapunten"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_unique_position"
            ),
            models.UniqueConstraint(fields=["meeting", "anchor"], name="agenda_item_unique_anchor"),
            # "ingelast" may occur more than once; numbers and letters may not.
            models.UniqueConstraint(
                fields=["meeting", "parent", "number"],
                condition=~Q(number=INSERTED),
                nulls_distinct=False,
                name="agenda_item_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list_label} {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.anchor}"

    @property
    def is_inserted(self) -> bool:
        """Added to the agenda at the meeting ("ingelast"): an item without a number."""
        return self.number == INSERTED

    @property
    def display_label(self) -> str:
        """The item as a reader cites it: "5", "5a", "Ingelast".

        The one label rule for pages, exports and feeds. A sub-item needs its parent:
        load it with the item (select_related or a prefetch of `subitems`).
        """
        if self.parent_id:
            return self._in_language(item_label(self.parent.number, self.number))
        return self._in_language(item_label(self.number))

    @property
    def list_label(self) -> str:
        """The label in front of a title in a list: "5.", "5a.", "Ingelast" (no dot)."""
        if self.parent_id:
            return self._in_language(list_label(self.parent.number, self.number))
        return self._in_language(list_label(self.number))

    def _in_language(self, label: str) -> str:
        """A label of minutes.parsing (which reads Dutch) in the page's language: an
        inserted item's "Ingelast" is a word ("Added" in English), a number is not."""
        number = self.parent.number if self.parent_id else self.number
        if number != INSERTED:
            return label
        # Translators: the label of an agenda item added at the meeting, in place of a number.
        return label.replace("Ingelast", pgettext("agenda item", "Ingelast"), 1)


class Decision(models.Model):
    """A sentence in which the SGO itself settles something."""

    # Shown on the public pages and feeds, so translated (lazily: the migrations see
    # the Dutch labels as before).
    class Kind(models.TextChoices):
        ADOPTED = DecisionKind.ADOPTED.value, pgettext_lazy("decision kind", "verslag vastgesteld")
        CONSENTED = DecisionKind.CONSENTED.value, pgettext_lazy("decision kind", "ingestemd")
        DECIDED = DecisionKind.DECIDED.value, pgettext_lazy("decision kind", "besloten")
        AGREED = DecisionKind.AGREED.value, pgettext_lazy("decision kind", "afgesproken")
        ACTION = DecisionKind.ACTION.value, pgettext_lazy("decision kind", "actiepunt")

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="decisions", verbose_name="agendapunt"
    )
    position = models.PositiveSmallIntegerField("volgorde")
    text = models.TextField("tekst")
    kind = models.CharField("soort", max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["agenda_item__meeting", "agenda_item__position", "position"]
        verbose_name = "besluit"
        verbose_name_plural = "besluiten"
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "position"], name="decision_unique_position"
            ),
            models.CheckConstraint(
                # Meta cannot see Kind (class bodies do not nest), so the values come
                # from where Kind takes them.
                condition=Q(kind__in=[kind.value for kind in DecisionKind]),
                name="decision_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["kind"], name="decision_kind_idx")]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.agenda_item.get_absolute_url()


class MinistryMention(models.Model):
    """A ministry present at, speaking in, or named in a meeting."""

    Role = MentionRole

    ministry = models.ForeignKey(
        Ministry, on_delete=models.CASCADE, related_name="mentions", verbose_name="ministerie"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="ministry_mentions",
        verbose_name="vergadering",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ministry_mentions",
        verbose_name="agendapunt",
        help_text="Leeg bij de lijst ‘Aanwezig’.",
    )
    role = models.CharField("rol", max_length=20, choices=Role.choices)
    label = models.CharField(
        "kopje", max_length=50, blank=True, help_text="Zoals geschreven: ‘J&V:’."
    )
    text = models.TextField("inbreng", blank=True, help_text="De inbreng in de rondvraag.")

    class Meta:
        ordering = ["meeting", "ministry__position"]
        verbose_name = "vermelding van een ministerie"
        verbose_name_plural = "vermeldingen van ministeries"
        constraints = [
            models.UniqueConstraint(
                fields=["ministry", "meeting", "agenda_item", "role"],
                nulls_distinct=False,
                name="ministry_mention_unique",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MentionRole.values),
                name="ministry_mention_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(role=MentionRole.PRESENT, agenda_item__isnull=True)
                | (~Q(role=MentionRole.PRESENT) & Q(agenda_item__isnull=False)),
                name="ministry_mention_item_matches_role",
            ),
        ]
        indexes = [models.Index(fields=["ministry", "role"], name="ministry_mention_role_idx")]

    def __str__(self) -> str:
        return f"{self.ministry} ({self.get_role_display()}) in {self.meeting}"


def taking_part(
    ministry: object, role: str | None, *, meeting_ref: str, item_ref: str | None = None
) -> models.Exists:
    """Whether the row (a meeting, or an agenda item with `item_ref`) has `ministry` (or
    any of a list of ministries) in `role` (minutes/roles.py): `meeting_ref` and
    `item_ref` say how the row reaches its meeting and item. Presence is recorded per
    meeting, so `aanwezig` reads the meeting."""
    role = roles.of(role)
    which = {"ministry__in": ministry} if isinstance(ministry, list) else {"ministry": ministry}
    mentions = MinistryMention.objects.filter(**which, role__in=roles.MENTION_ROLES[role])
    if item_ref and role != roles.Role.PRESENT:
        return models.Exists(mentions.filter(agenda_item=models.OuterRef(item_ref)))
    return models.Exists(mentions.filter(meeting=models.OuterRef(meeting_ref)))


class RedactionQuerySet(models.QuerySet):
    """Counts of redactions by ground; each one query, however large the archive."""

    def ground_counts(self) -> dict[str, int]:
        """{ground key: redactions}."""
        rows = self.order_by().values_list("ground").annotate(n=models.Count("pk"))
        return dict(rows)

    def year_counts(self) -> dict[int, dict[str, int]]:
        """{year: {ground key: redactions}} by the year of each redaction's meeting."""
        rows = (
            self.order_by()
            .annotate(year=ExtractYear("meeting__date"))
            .values_list("year", "ground")
            .annotate(n=models.Count("pk"))
        )
        years: dict[int, dict[str, int]] = {}
        for year, ground, n in rows:
            years.setdefault(year, {})[ground] = n
        return years

    @staticmethod
    def ministry_counts() -> dict[int, dict[str, int]]:
        """{ministry pk: {ground key: redactions}} in the agenda items that discuss each
        ministry: named in the item (MENTIONED) or speaking in it (SPEAKER). Mentions
        belong to top items: a sub-item's redactions count for its item's ministries.
        Two queries (the items' own, their sub-items'), counted in PostgreSQL."""
        discussing = MinistryMention.objects.filter(
            role__in=[MentionRole.MENTIONED, MentionRole.SPEAKER]
        ).order_by()
        counts: dict[int, dict[str, int]] = {}
        for path in ("agenda_item__redactions", "agenda_item__subitems__redactions"):
            rows = (
                discussing.filter(**{f"{path}__isnull": False})
                .values_list("ministry_id", f"{path}__ground")
                .annotate(n=models.Count(path, distinct=True))
            )
            for ministry, ground, n in rows:
                per = counts.setdefault(ministry, {})
                per[ground] = per.get(ground, 0) + n
        return counts


class Redaction(models.Model):
    """A redaction code or withheld passage as it stands in a meeting's text
    (minutes.parsing.redactions): where, as released, and on which ground."""

    class Kind(models.TextChoices):
        CODE = "code", pgettext_lazy("redaction kind", "lakcode")
        OUTSIDE = "buiten-verzoek", pgettext_lazy("redaction kind", "buiten verzoek")
        ITEM = "punt", pgettext_lazy("redaction kind", "agendapunt weggelakt")

    class Law(models.TextChoices):
        WOO = "woo", "Woo"
        WOB = "wob", "Wob"
        NONE = "", pgettext_lazy("redaction law", "geen")

    class Part(models.TextChoices):
        ATTENDEES = "aanwezig", pgettext_lazy("redaction part", "aanwezig")
        ABSENTEES = "afwezig", pgettext_lazy("redaction part", "afwezig")
        TITLE = "titel", pgettext_lazy("redaction part", "titel")
        BODY = "tekst", pgettext_lazy("redaction part", "tekst")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="redactions", verbose_name="vergadering"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="redactions",
        verbose_name="agendapunt",
        help_text="Leeg buiten de agendapunten (de lijst ‘Aanwezig’ of ‘Afwezig’).",
    )
    position = models.PositiveIntegerField("volgorde")
    part = models.CharField("deel", max_length=10, choices=Part.choices)
    offset = models.PositiveIntegerField("positie in de tekst")
    code = models.CharField("code zoals vrijgegeven", max_length=20, blank=True)
    ground = models.CharField("grond", max_length=20)
    law = models.CharField("wet", max_length=3, choices=Law.choices, blank=True)
    kind = models.CharField("soort", max_length=20, choices=Kind.choices)

    objects = RedactionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = "weglakking"
        verbose_name_plural = "weglakkingen"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="redaction_unique_position"
            ),
        ]
        indexes = [models.Index(fields=["ground", "meeting"], name="redaction_ground_idx")]

    def __str__(self) -> str:
        return f"{self.code or self.get_kind_display()} in {self.meeting}"


class TopicQuerySet(models.QuerySet):
    def with_item_counts(self) -> TopicQuerySet:
        return self.annotate(
            item_count=models.Count("agenda_items", distinct=True),
            meeting_count=models.Count("agenda_items__meeting", distinct=True),
        )


class Topic(models.Model):
    """A subject followed across meetings, tagged by its keywords."""

    name = models.CharField("naam", max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField("omschrijving", blank=True)
    keywords = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        verbose_name="trefwoorden",
        help_text=(
            "Woorden of zinsdelen, gescheiden door komma’s; gezocht op Nederlandse woordstam."
        ),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = [Upper("name")]
        verbose_name = "onderwerp"
        verbose_name_plural = "onderwerpen"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="topic_unique_slug"),
            models.UniqueConstraint(Upper("name"), name="topic_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("minutes:topic_detail", kwargs={"slug": self.slug})


class ArchiveVersion(models.Model):
    """A counter of the archive's content, bumped in every write's own transaction.

    Each bump records the meetings it changed (MeetingChange). The search index
    records the version it reflects and catches up on the changes after it, so an
    update that was missed (a crash between a commit and the index update) is made
    by the next one, and a stale index shows. One row; a bump keeps it locked until
    the commit, so versions become visible in the order they were given.
    """

    number = models.BigIntegerField(default=0)
    # When the archive last changed (the API's Last-Modified).
    changed_at = models.DateTimeField("gewijzigd op", null=True, blank=True)

    class Meta:
        verbose_name = "archiefversie"

    def __str__(self) -> str:
        return f"archiefversie {self.number}"

    @classmethod
    def bump(cls, meeting_ids: Iterable[int]) -> int:
        """Count one change of these meetings; call inside the transaction that makes it."""
        now = timezone.now()
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1, changed_at=now):
            cls.objects.update_or_create(pk=1, defaults={"number": 1, "changed_at": now})
        version = cls.current()
        MeetingChange.objects.bulk_create(
            MeetingChange(version=version, meeting_id=pk) for pk in sorted(set(meeting_ids))
        )
        return version

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0


class MeetingChange(models.Model):
    """A meeting (perhaps deleted since) changed at an archive version."""

    version = models.BigIntegerField(db_index=True)
    meeting_id = models.BigIntegerField()

    class Meta:
        verbose_name = "wijziging van een vergadering"

    def __str__(self) -> str:
        return f"vergadering {self.meeting_id} in versie {self.version}"


# Importing minutes (the admin upload, earlier versions of a meeting's text) is granted
# on its own: ImportRun.Meta.permissions.
IMPORT_PERMISSION = "minutes.import_minutes"


class ImportLogManager(models.Manager):
    """The import log: runs that were carried out, not uploads waiting in a preview."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().exclude(status=ImportRun.Status.STAGED)


class StagedRunManager(models.Manager):
    """Uploads staged for a preview in the admin and not yet confirmed."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(status=ImportRun.Status.STAGED)


class ImportRun(models.Model):
    """One run of the importer: a command line call or an upload in the admin.

    An upload is staged first (status "staged", its files as ImportFile rows with
    their bytes) so its owner can preview and confirm it; only then does it join
    the import log. `objects` is the log, `staged` the uploads waiting.
    """

    class Origin(models.TextChoices):
        COMMAND = "command", "opdrachtregel"
        UPLOAD = "upload", "upload in beheer"

    class Status(models.TextChoices):
        STAGED = "staged", "voorvertoning"
        RUNNING = "running", "bezig"
        FINISHED = "finished", "klaar"
        # Its process ended without finishing it (killed, crashed, a server restart).
        INTERRUPTED = "interrupted", "afgebroken"

    origin = models.CharField("herkomst", max_length=20, choices=Origin.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name="gebruiker",
    )
    status = models.CharField(
        "stand", max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    # While staged, started_at is when the upload was staged; confirming sets it anew.
    staged_at = models.DateTimeField("voorvertoning gemaakt", null=True, blank=True)
    started_at = models.DateTimeField("gestart")
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    # The process that carries out a running import, to tell a live one from a dead one:
    # its host, pid and the pid's start time (a pid is reused, its start time is not).
    host = models.CharField("server", max_length=255, blank=True)
    pid = models.PositiveIntegerField("proces", null=True, blank=True)
    process_started = models.FloatField("proces gestart", null=True, blank=True)
    # The Woo release the run's files came from, if the importer named it: each meeting
    # the run imports (or replaces) gets it.
    release_url = ReleaseUrlField(
        gettext_lazy("Woo-besluit (URL)"),
        max_length=RELEASE_URL_MAX_LENGTH,
        blank=True,
        help_text=gettext_lazy("Het webadres van het Woo-besluit waaruit deze bestanden komen."),
    )

    objects = ImportLogManager()
    staged = StagedRunManager()

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        verbose_name = "importrun"
        verbose_name_plural = "importruns"
        # Uploading minutes in the admin writes meetings, so it is granted on its own.
        permissions = [("import_minutes", "Kan verslagen importeren")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["staged", "running", "finished", "interrupted"]),
                name="import_run_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="finished", finished_at__isnull=False)
                | (~Q(status="finished") & Q(finished_at__isnull=True)),
                name="import_run_finished_has_time",
            ),
        ]

    def __str__(self) -> str:
        # In the local time of TIME_ZONE, as the admin shows "gestart" beside it.
        started = date_format(timezone.localtime(self.started_at), "j F Y H:i")
        return f"Import {started} ({self.get_origin_display()})"


class ImportFileQuerySet(models.QuerySet):
    def earlier_versions(self, meeting: Meeting) -> ImportFileQuerySet:
        """The texts replacements of a meeting overwrote, oldest first, without the texts.

        Each carries `version_imported_at`: when the log saw that text come in (None if
        it came in before the log kept it); its run's start is when it was replaced.
        """
        came_in = (
            ImportFile.objects.filter(
                sha256=models.OuterRef("replaced_sha256"),
                status__in=[ImportFile.Status.IMPORTED, ImportFile.Status.REPLACED],
            )
            .order_by("run__started_at")
            .values("run__started_at")[:1]
        )
        return (
            self.filter(meeting=meeting, status=ImportFile.Status.REPLACED)
            .exclude(replaced_text="")
            .annotate(version_imported_at=models.Subquery(came_in))
            .select_related("run")
            .defer("replaced_text", "preview")
            .order_by("run__started_at", "pk")
        )


class ImportFileLogManager(models.Manager.from_queryset(ImportFileQuerySet)):
    """The files of the import log, without those of uploads still in a preview."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().exclude(run__status=ImportRun.Status.STAGED)


class StagedFileManager(models.Manager):
    """The files of staged uploads, with their bytes and the preview's outcome."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(run__status=ImportRun.Status.STAGED)


STAGING_FOLDER = "import-staging/"  # where staged uploads keep their files


def staged_file_path(instance: ImportFile, filename: str) -> str:
    # Never the uploaded name: the run's id and a number. One flat folder, so removing
    # the files leaves no empty folders behind (storages cannot remove folders).
    return f"{STAGING_FOLDER}{instance.run_id}-{filename}"


class ImportFile(models.Model):
    """What happened to one file in an import run (or would, for a staged upload)."""

    class Status(models.TextChoices):
        IMPORTED = "imported", "geïmporteerd"
        UNCHANGED = "unchanged", "ongewijzigd"
        REPLACED = "replaced", "vervangen"
        FAILED = "failed", "mislukt"
        # Pages of a PDF that hold no minutes (a decision letter, an inventory): named
        # with the reason, not an error.
        SKIPPED = "skipped", "overgeslagen"

        @property
        def preview_label(self) -> str:
            """The status as the preview names it, before anything is imported."""
            return {
                "imported": "Nieuw",
                "unchanged": "Ongewijzigd",
                "replaced": "Gewijzigde versie",
                "failed": "Mislukt",
                "skipped": "Geen verslag",
            }[self.value]

        @classmethod
        def summary(cls, counts: Mapping[str, int], *, labels: bool = True) -> str:
            """One count per status, "2 geïmporteerd, 0 ongewijzigd, 0 vervangen, 1 mislukt"
            (and skipped pages, when there were any); with `labels=False` the status
            values, for the command line."""
            return ", ".join(
                f"{counts.get(status, 0)} {status.label if labels else status.value}"
                for status in cls
                if status != cls.SKIPPED or counts.get(status)
            )

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="files", verbose_name="importrun"
    )
    name = models.CharField("bestandsnaam", max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField("grootte (bytes)", default=0)
    status = models.CharField(max_length=20, choices=Status.choices)
    error = models.TextField("foutmelding", blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_files",
        verbose_name="vergadering",
    )
    # A replaced meeting keeps its earlier text here, so no version is lost unrecorded.
    replaced_sha256 = models.CharField(max_length=64, blank=True)
    replaced_text = models.TextField(blank=True)
    # A replacement's differences (agenda items, decisions, text), and whether it was
    # a suspicious one someone confirmed.
    replacement_note = models.TextField("toelichting vervanging", blank=True)
    # Only while the run is staged: the uploaded bytes (in the default storage, which no
    # URL serves) and what the parser read in them, for the preview page.
    data = models.FileField("bestand", upload_to=staged_file_path, blank=True, max_length=200)
    preview = models.JSONField("voorvertoning", default=dict, blank=True)

    objects = ImportFileLogManager()
    staged = StagedFileManager()

    class Meta:
        ordering = ["run", "id"]
        verbose_name = "geïmporteerd bestand"
        verbose_name_plural = "geïmporteerde bestanden"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["imported", "unchanged", "replaced", "failed", "skipped"]),
                name="import_file_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["failed", "skipped"]) | ~Q(error=""),
                name="import_file_failure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{visible_name(self.name)}: {self.get_status_display()}"
