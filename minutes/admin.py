"""The admin ("beheer"): every model, the import log, and uploading new minutes.

Meetings, agenda items and decisions come from imports, so their admin is for
looking things up and correcting them; new minutes arrive through "Verslagen
importeren" (minutes/admin_import.py). The import log cannot be edited or deleted
here: it is the record of what was imported, when and by whom.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from minutes import search
from minutes.admin_import import IMPORT_PERMISSION, MinutesImportAdminMixin
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistryMention,
    MinistrySuccession,
    Redaction,
    Series,
    SourceDocument,
    Topic,
)
from minutes.names import visible_name
from minutes.search import index as search_index
from minutes.services import fill_redactions, mark_interrupted_runs, tag_topics

admin.site.site_header = "SGO-archief beheer"
admin.site.site_title = "SGO-archief beheer"
admin.site.index_title = "Beheer"

EMPTY = "—"
# The best matches of the archive's text search that the agenda item list adds to its own.
ADMIN_SEARCH_LIMIT = 1000


def admin_link(obj: models.Model | None, text: str | None = None) -> str:
    if obj is None:
        return EMPTY
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def preformatted(text: str) -> str:
    """A long text (minutes, an earlier version) escaped in a scrollable block.

    Styled by .sgo-preformatted in static/css/admin.css: the CSP allows no style attribute.
    """
    if not text:
        return EMPTY
    return format_html('<pre class="sgo-preformatted">{}</pre>', text)


def short_sha256(value: str) -> str:
    """The first characters of a sha256, the whole one on hover."""
    if not value:
        return EMPTY
    return format_html('<code title="{}">{}…</code>', value, value[:12])


class ImportFileDisplays:
    """Columns the import-log views of ImportFile share."""

    @admin.display(description="bestandsnaam", ordering="name")
    def file_name(self, obj: ImportFile) -> str:
        return visible_name(obj.name)

    @admin.display(description="foutmelding")
    def error_text(self, obj: ImportFile) -> str:
        return visible_name(obj.error) if obj.error else EMPTY

    @admin.display(description="importrun")
    def run_link(self, obj: ImportFile) -> str:
        return admin_link(obj.run)

    @admin.display(description="vergadering")
    def meeting_link(self, obj: ImportFile) -> str:
        return admin_link(obj.meeting)

    @admin.display(description="sha256")
    def sha256_short(self, obj: ImportFile) -> str:
        return short_sha256(obj.sha256)

    @admin.display(description="vervangen versie")
    def replaced_version(self, obj: ImportFile) -> str:
        if not obj.replaced_sha256:
            return EMPTY
        return admin_link(obj, f"sha256 {obj.replaced_sha256[:12]}… (tekst bekijken)")


# --------------------------------------------------------------------------- filters


class YearFilter(admin.SimpleListFilter):
    """Filter by the year of a date field; subclasses name the field."""

    title = "jaar"
    parameter_name = "jaar"
    date_field = "date"
    model: type[models.Model] = Meeting

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        dates = self.model.objects.dates(self.date_field, "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in dates]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.date_field}__year": int(value)})
        return queryset


class DecisionYearFilter(YearFilter):
    date_field = "agenda_item__meeting__date"
    model = Decision


class MinistryFilter(admin.SimpleListFilter):
    """Meetings a ministry attended, spoke in or was named in."""

    title = "ministerie"
    parameter_name = "ministerie"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(ministry.slug, ministry.label) for ministry in Ministry.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            mentions = MinistryMention.objects.filter(
                meeting=OuterRef("pk"), ministry__slug=self.value()
            )
            return queryset.filter(Exists(mentions))
        return queryset


class HasDecisionsFilter(admin.SimpleListFilter):
    title = "met besluiten"
    parameter_name = "besluiten"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("ja", "Ja"), ("nee", "Nee")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        decisions = Exists(Decision.objects.filter(agenda_item__meeting=OuterRef("pk")))
        if self.value() == "ja":
            return queryset.filter(decisions)
        if self.value() == "nee":
            return queryset.filter(~decisions)
        return queryset


# --------------------------------------------------------------------------- ministries


class MinistryAliasInline(admin.TabularInline):
    model = MinistryAlias
    extra = 1
    fields = ("text", "name_key", "valid_from", "valid_until")


class MinistrySuccessorInline(admin.TabularInline):
    """The ministries that took over this one's work, and how."""

    model = MinistrySuccession
    fk_name = "predecessor"
    extra = 1
    fields = ("successor", "kind")
    autocomplete_fields = ("successor",)
    verbose_name = "opvolger"
    verbose_name_plural = "opvolgers"


class MinistryPredecessorInline(admin.TabularInline):
    """The ministries whose work this one took over, and how."""

    model = MinistrySuccession
    fk_name = "successor"
    extra = 1
    fields = ("predecessor", "kind")
    autocomplete_fields = ("predecessor",)
    verbose_name = "voorganger"
    verbose_name_plural = "voorgangers"


class ArchiveChangeAdmin(admin.ModelAdmin):
    """An admin whose edits change what the pages and the API show (a ministry's or a
    series' name) without touching a meeting: saving or deleting counts as a change of
    the archive (ArchiveVersion), so kept pages and counts, and the API's ETags, are new.
    """

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        ArchiveVersion.bump([])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        ArchiveVersion.bump([])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        ArchiveVersion.bump([])


@admin.register(Ministry)
class MinistryAdmin(ArchiveChangeAdmin):
    list_display = (
        "abbreviation",
        "name",
        "valid_from",
        "valid_until",
        "position",
        "alias_list",
        "meeting_count",
    )
    list_editable = ("position",)
    list_filter = (("valid_until", admin.EmptyFieldListFilter),)
    search_fields = ("abbreviation", "name", "slug", "aliases__text")
    search_help_text = "Zoekt in afkorting, naam, slug en schrijfwijzen."
    prepopulated_fields = {"slug": ("abbreviation",)}
    fields = ("abbreviation", "name", "slug", "valid_from", "valid_until", "position")
    inlines = [MinistryAliasInline, MinistryPredecessorInline, MinistrySuccessorInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("aliases").with_meeting_counts()

    @admin.display(description="schrijfwijzen")
    def alias_list(self, obj: Ministry) -> str:
        return ", ".join(alias.text for alias in obj.aliases.all()) or EMPTY

    @admin.display(description="vergaderingen", ordering="meeting_count")
    def meeting_count(self, obj: Ministry) -> int:
        return obj.meeting_count


@admin.register(MinistryAlias)
class MinistryAliasAdmin(ArchiveChangeAdmin):
    list_display = ("text", "name_key", "ministry", "valid_from", "valid_until")
    list_filter = ("ministry",)
    search_fields = ("text", "ministry__abbreviation", "ministry__name")
    search_help_text = "Zoekt in de schrijfwijze en in afkorting en naam van het ministerie."
    autocomplete_fields = ("ministry",)
    list_select_related = ("ministry",)


# --------------------------------------------------------------------------- meetings


class AgendaItemInline(admin.TabularInline):
    """The agenda of a meeting; decisions are edited on the agenda item itself."""

    model = AgendaItem
    fk_name = "meeting"
    fields = ("position", "number", "part_of", "title", "decision_list")
    readonly_fields = ("part_of", "decision_list")
    extra = 0
    show_change_link = True
    ordering = ("position",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("parent").prefetch_related("decisions")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Items come from the minutes text; a new one belongs in a new version of it.
        return False

    @admin.display(description="onderdeel van")
    def part_of(self, obj: AgendaItem) -> str:
        return obj.parent.number if obj.parent_id else EMPTY

    @admin.display(description="besluiten")
    def decision_list(self, obj: AgendaItem) -> str:
        decisions = list(obj.decisions.all())
        if not decisions:
            return EMPTY
        return format_html_join(
            mark_safe("<br>"),
            "<strong>{}</strong>: {}",
            ((d.get_kind_display(), d.text) for d in decisions),
        )


class MinistryMentionInline(admin.TabularInline):
    model = MinistryMention
    fk_name = "meeting"
    fields = ("ministry", "role", "agenda_item", "label", "text")
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("ministry", "agenda_item__parent")

    def get_formset(self, request: HttpRequest, obj: Meeting | None = None, **kwargs: Any):
        formset = super().get_formset(request, obj, **kwargs)
        # Offer only this meeting's agenda items, not every item in the archive.
        field = formset.form.base_fields.get("agenda_item")
        if field is not None:
            field.queryset = (
                AgendaItem.objects.filter(meeting=obj).select_related("parent")
                if obj is not None
                else AgendaItem.objects.none()
            )
        return formset


class RedactionInline(admin.TabularInline):
    """The meeting's redaction codes and withheld passages, as found in its text
    (minutes.parsing.redactions): read only, found again on every edit."""

    model = Redaction
    fk_name = "meeting"
    fields = ("position", "code", "ground", "law", "kind", "agenda_item", "part", "offset")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("agenda_item__parent")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MeetingImportFileInline(ImportFileDisplays, admin.TabularInline):
    """Every import of this meeting, with the version each one replaced."""

    model = ImportFile
    fk_name = "meeting"
    verbose_name = "import"
    verbose_name_plural = "importgeschiedenis"
    fields = ("run_link", "status", "file_name", "sha256_short", "replaced_version")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).select_related("run__user").order_by("-run__started_at")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(IMPORT_PERMISSION)


class SearchIndexedAdmin(admin.ModelAdmin):
    """An admin whose edits change what the search index holds for a meeting.

    Saving or deleting counts as a change of the archive (ArchiveVersion) and
    re-indexes the meeting once the admin's transaction has committed.
    """

    @staticmethod
    def meeting_of(obj: Any) -> int:
        if isinstance(obj, Meeting):
            return obj.pk
        if isinstance(obj, Decision):
            return obj.agenda_item.meeting_id
        return obj.meeting_id

    def reindex(self, meeting_ids: list[int]) -> None:
        # An edited title, text or list may add or drop redactions: found again.
        fill_redactions(meeting_ids)
        ArchiveVersion.bump(meeting_ids)
        search_index.after_commit()

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        self.reindex([self.meeting_of(form.instance)])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        meeting = self.meeting_of(obj)
        super().delete_model(request, obj)
        self.reindex([meeting])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        meetings = [self.meeting_of(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        self.reindex(meetings)


@admin.register(Meeting)
class MeetingAdmin(SearchIndexedAdmin):
    list_display = (
        "date",
        "series",
        "slug",
        "reference",
        "item_count",
        "decision_count",
        "withheld_passages",
        "source_file",
        "imported_at",
    )
    list_filter = ("series", YearFilter, MinistryFilter, HasDecisionsFilter)
    list_select_related = ("series",)
    search_fields = (
        "slug",
        "reference",
        "source_name",
        "description",
        "place",
        "agenda_items__title",
    )
    search_help_text = (
        "Zoekt in slug (datum), referentie, bronbestand, omschrijving, plaats en titels van "
        "agendapunten, en in de tekst zoals de zoekfunctie van de website."
    )
    ordering = ("-date", "slug")
    readonly_fields = (
        "series",
        "source_file",
        "text_origin",
        "source_document_link",
        "first_page",
        "last_page",
        "ocr_pages",
        "sha256",
        "encoding",
        "received_at",
        "imported_at",
        "redaction_code_list",
        "withheld_passages",
        "warning_list",
        "original_text_block",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("date", "slug"),
                    ("start_time", "end_time"),
                    "place",
                    "description",
                    ("reference", "document_date"),
                )
            },
        ),
        ("Aanwezigheid (zoals vermeld)", {"fields": ("attendees_text", "absentees_text")}),
        ("Woo", {"fields": ("release_url", "redaction_code_list", "withheld_passages")}),
        (
            "Import",
            {
                "fields": (
                    "series",
                    "source_file",
                    "sha256",
                    "encoding",
                    ("received_at", "imported_at"),
                    "warning_list",
                )
            },
        ),
        (
            "Bron (pdf)",
            {
                "fields": (
                    "text_origin",
                    "source_document_link",
                    ("first_page", "last_page"),
                    "ocr_pages",
                )
            },
        ),
        ("Oorspronkelijke tekst", {"classes": ("collapse",), "fields": ("original_text_block",)}),
    )
    inlines = [AgendaItemInline, MinistryMentionInline, RedactionInline, MeetingImportFileInline]

    @admin.display(description="bronbestand", ordering="source_name")
    def source_file(self, obj: Meeting) -> str:
        return visible_name(obj.source_name)

    @admin.display(description="bronbestand (pdf)")
    def source_document_link(self, obj: Meeting) -> str:
        document = obj.source_document
        return admin_link(document, visible_name(document.name)) if document else EMPTY

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_counts().select_related("series")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, duplicates
        # Also the archive's Dutch text search over the agenda, as on the public site.
        meetings = search.meetings_matching(Meeting.objects.all(), search.clean_query(search_term))
        matches = Q(pk__in=found.values("pk")) | Q(pk__in=meetings.values("pk"))
        return queryset.filter(matches), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A meeting is its minutes: it comes in through an import, which logs it.
        return False

    @admin.display(description="agendapunten", ordering="item_count")
    def item_count(self, obj: Meeting) -> int:
        return obj.item_count

    @admin.display(description="besluiten", ordering="decision_count")
    def decision_count(self, obj: Meeting) -> int:
        return obj.decision_count

    @admin.display(description="lakcodes")
    def redaction_code_list(self, obj: Meeting) -> str:
        return ", ".join(obj.redaction_codes) or EMPTY

    @admin.display(description="waarschuwingen bij het inlezen")
    def warning_list(self, obj: Meeting) -> str:
        if not obj.parse_warnings:
            return EMPTY
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in obj.parse_warnings))
        )

    @admin.display(description="tekst zoals ingelezen")
    def original_text_block(self, obj: Meeting) -> str:
        return preformatted(obj.original_text)


# --------------------------------------------------------------------------- series


@admin.register(Series)
class SeriesAdmin(ArchiveChangeAdmin):
    list_display = ("name", "short_name", "slug", "meeting_count", "first", "last")
    search_fields = ("name", "short_name", "slug", "description")
    search_help_text = "Zoekt in naam, afkorting, slug en omschrijving."
    fields = ("name", "short_name", "slug", "description")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_meeting_stats()

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict:
        # Only for a new series: a stored one's slug is in its meetings' addresses.
        return {} if obj else {"slug": ("name",)}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The slug names the meetings' addresses (and the SGO's and "overig" the import's
        # own series): it stays as it was given.
        return ("slug",) if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.slug in (Series.SGO, Series.OTHER):
            return False  # the import puts meetings in these two
        return super().has_delete_permission(request, obj)

    @admin.display(description="vergaderingen", ordering="meeting_count")
    def meeting_count(self, obj: Series) -> int:
        return obj.meeting_count

    @admin.display(description="eerste", ordering="first")
    def first(self, obj: Series) -> Any:
        return obj.first or EMPTY

    @admin.display(description="laatste", ordering="last")
    def last(self, obj: Series) -> Any:
        return obj.last or EMPTY


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    """Released documents as they were imported: a record, never edited here."""

    list_display = (
        "file_name",
        "page_count",
        "ocr_page_list",
        "size",
        "sha256_short",
        "meeting_list",
        "imported_at",
    )
    search_fields = ("name", "sha256")
    search_help_text = "Zoekt in bestandsnaam en sha256."
    fields = (
        "file_name",
        "download",
        "sha256",
        "size",
        "content_type",
        "page_count",
        "ocr_page_list",
        "meeting_list",
        "imported_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        meetings = Meeting.objects.select_related("series").only(
            "date", "slug", "source_document", "series"
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(models.Prefetch("meetings", queryset=meetings.order_by("date")))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a document comes in with an import

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # its meetings point to it

    @admin.display(description="bestandsnaam", ordering="name")
    def file_name(self, obj: SourceDocument) -> str:
        return visible_name(obj.name)

    @admin.display(description="OCR-pagina's")
    def ocr_page_list(self, obj: SourceDocument) -> str:
        return ", ".join(str(page) for page in obj.ocr_pages) or EMPTY

    @admin.display(description="sha256")
    def sha256_short(self, obj: SourceDocument) -> str:
        return short_sha256(obj.sha256)

    @admin.display(description="vergaderingen")
    def meeting_list(self, obj: SourceDocument) -> str:
        links = [(admin_link(meeting),) for meeting in obj.meetings.all()]
        return format_html_join(", ", "{}", links) if links else EMPTY

    @admin.display(description="downloaden")
    def download(self, obj: SourceDocument) -> str:
        if not obj.meetings.all():
            return EMPTY  # the public site offers only documents that minutes were read from
        url = reverse("minutes:source_document", args=[obj.sha256])
        return format_html('<a href="{}">{}</a>', url, visible_name(obj.name))


# --------------------------------------------------------------------------- agenda items


class DecisionInline(admin.TabularInline):
    model = Decision
    fields = ("position", "kind", "text")
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}
    }


@admin.register(AgendaItem)
class AgendaItemAdmin(SearchIndexedAdmin):
    list_display = ("__str__", "meeting", "topic_list", "decision_count")
    list_filter = ("topics", ("parent", admin.EmptyFieldListFilter))
    search_fields = ("title", "body", "meeting__slug")
    search_help_text = (
        "Zoekt in titel, tekst en slug (datum) van de vergadering, en zoals de zoekfunctie "
        "van de website."
    )
    autocomplete_fields = ("meeting", "parent")
    filter_horizontal = ("topics",)
    list_select_related = ("meeting", "parent")
    fields = ("meeting", "parent", "position", "number", "anchor", "title", "body", "topics")
    inlines = [DecisionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(decision_count=Count("decisions", distinct=True))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, duplicates
        items = search.item_ids(search.clean_query(search_term), limit=ADMIN_SEARCH_LIMIT)
        matches = Q(pk__in=found.values("pk")) | Q(pk__in=items)
        return queryset.filter(matches), False

    @admin.display(description="onderwerpen")
    def topic_list(self, obj: AgendaItem) -> str:
        return ", ".join(topic.name for topic in obj.topics.all()) or EMPTY

    @admin.display(description="besluiten", ordering="decision_count")
    def decision_count(self, obj: AgendaItem) -> int:
        return obj.decision_count


@admin.register(Decision)
class DecisionAdmin(SearchIndexedAdmin):
    list_display = ("short_text", "kind", "agenda_item", "meeting_date")
    list_filter = ("kind", DecisionYearFilter)
    search_fields = ("text", "agenda_item__title")
    search_help_text = "Zoekt in de tekst van het besluit en de titel van het agendapunt."
    autocomplete_fields = ("agenda_item",)
    list_select_related = ("agenda_item__meeting", "agenda_item__parent")

    @admin.display(description="besluit")
    def short_text(self, obj: Decision) -> str:
        return str(obj)

    @admin.display(description="vergaderdatum", ordering="agenda_item__meeting__date")
    def meeting_date(self, obj: Decision) -> Any:
        return obj.agenda_item.meeting.date


@admin.register(MinistryMention)
class MinistryMentionAdmin(SearchIndexedAdmin):
    list_display = ("meeting", "ministry", "role", "agenda_item", "label")
    list_filter = ("role", "ministry")
    search_fields = ("text", "label", "meeting__slug", "ministry__abbreviation")
    search_help_text = "Zoekt in inbreng, kopje, slug (datum) van de vergadering en afkorting."
    autocomplete_fields = ("meeting", "ministry", "agenda_item")
    list_select_related = ("meeting", "ministry", "agenda_item__parent")


# --------------------------------------------------------------------------- topics


KEYWORD_SEPARATORS = re.compile(r"[,\n]")


class KeywordsField(forms.CharField):
    """Keywords typed one per line (or separated by commas), cleaned and de-duplicated."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 60})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, (list, tuple)):
            value = "\n".join(value)
        keywords: list[str] = []
        seen: set[str] = set()
        for raw in KEYWORD_SEPARATORS.split(super().to_python(value) or ""):
            keyword = " ".join(raw.split())
            if keyword and keyword.casefold() not in seen:
                seen.add(keyword.casefold())
                keywords.append(keyword)
        return keywords

    def validate(self, value: list[str]) -> None:
        too_long = [k for k in value if len(k) > 100]
        if too_long:
            raise forms.ValidationError(f"Trefwoord te lang (maximaal 100 tekens): {too_long[0]}")


class TopicForm(forms.ModelForm):
    keywords = KeywordsField(
        label="trefwoorden",
        required=False,
        help_text=(
            "Eén woord of zinsdeel per regel (of gescheiden door komma’s). Ze worden gezocht "
            "zoals de zoekfunctie zoekt: op Nederlandse woordstam en zonder accenten, dus "
            "‘thuiswerken’ vindt ook ‘thuiswerk’. Na opslaan worden de agendapunten van dit "
            "onderwerp opnieuw bepaald."
        ),
    )

    class Meta:
        model = Topic
        fields = ("name", "slug", "description", "keywords")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = ("name", "keyword_list", "item_count")
    search_fields = ("name", "description")
    search_help_text = "Zoekt in naam, omschrijving en trefwoorden."
    prepopulated_fields = {"slug": ("name",)}
    actions = ["retag_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).annotate(item_count=Count("agenda_items", distinct=True))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return found, duplicates
        by_keyword = Topic.objects.alias(
            keyword_text=Func(
                F("keywords"), Value("\n"), function="array_to_string", output_field=TextField()
            )
        ).filter(keyword_text__icontains=term)
        return queryset.filter(
            Q(pk__in=found.values("pk")) | Q(pk__in=by_keyword.values("pk"))
        ), False

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        # The keywords are saved by now; the admin's transaction covers the re-tagging too.
        topic = form.instance
        links = tag_topics(topics=[topic])
        self.message_user(
            request,
            f"Onderwerp ‘{topic}’ is opnieuw toegekend: {links} agendapunten.",
            messages.INFO,
        )

    @admin.action(description="Geselecteerde onderwerpen opnieuw toekennen")
    def retag_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        topics = list(queryset)
        links = tag_topics(topics=topics)
        self.message_user(
            request,
            f"{len(topics)} onderwerpen opnieuw toegekend: {links} koppelingen.",
            messages.SUCCESS,
        )

    @admin.display(description="trefwoorden")
    def keyword_list(self, obj: Topic) -> str:
        return ", ".join(obj.keywords) or EMPTY

    @admin.display(description="agendapunten", ordering="item_count")
    def item_count(self, obj: Topic) -> int:
        return obj.item_count


# --------------------------------------------------------------------------- import log


class ImportLogPermissions:
    """The import log is read-only for everyone, and readable by importers.

    Nobody edits or deletes it here: it is the record of every version that came
    in, including the text a replacement overwrote.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(  # type: ignore[misc]
            IMPORT_PERMISSION
        )


class ImportFileInline(ImportLogPermissions, ImportFileDisplays, admin.TabularInline):
    model = ImportFile
    fields = (
        "file_name",
        "status",
        "error_text",
        "meeting_link",
        "size",
        "sha256_short",
        "replaced_version",
    )
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("meeting")


@admin.register(ImportRun)
class ImportRunAdmin(ImportLogPermissions, MinutesImportAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "origin",
        "status",
        "importer",
        "started_at",
        "finished_at",
        "imported",
        "replaced",
        "unchanged",
        "failed",
    )
    list_filter = ("origin", "status", ("user", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "started_at"
    list_select_related = ("user",)
    fields = (
        "origin",
        "status",
        "importer",
        "started_at",
        "finished_at",
        "release_url",
        "summary",
    )
    readonly_fields = fields
    inlines = [ImportFileInline]

    # A run whose process died shows as interrupted wherever the log is looked at.
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        mark_interrupted_runs()
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        mark_interrupted_runs()
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        counts = {
            str(status): Count("files", filter=Q(files__status=status))
            for status in ImportFile.Status
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description="gebruiker", ordering="user__username")
    def importer(self, obj: ImportRun) -> str:
        return str(obj.user) if obj.user else EMPTY

    @admin.display(description="geïmporteerd", ordering="imported")
    def imported(self, obj: ImportRun) -> int:
        return obj.imported

    @admin.display(description="vervangen", ordering="replaced")
    def replaced(self, obj: ImportRun) -> int:
        return obj.replaced

    @admin.display(description="ongewijzigd", ordering="unchanged")
    def unchanged(self, obj: ImportRun) -> int:
        return obj.unchanged

    @admin.display(description="mislukt", ordering="failed")
    def failed(self, obj: ImportRun) -> int:
        return obj.failed

    @admin.display(description="samenvatting")
    def summary(self, obj: ImportRun) -> str:
        counts = {str(status): getattr(obj, str(status), 0) for status in ImportFile.Status}
        return ImportFile.Status.summary(counts)


@admin.register(ImportFile)
class ImportFileAdmin(ImportLogPermissions, ImportFileDisplays, admin.ModelAdmin):
    list_display = (
        "file_name",
        "status",
        "run",
        "meeting_link",
        "size",
        "sha256_short",
        "has_replaced",
    )
    list_filter = ("status", "run__origin")
    search_fields = ("name", "sha256", "replaced_sha256", "error")
    search_help_text = "Zoekt in bestandsnaam, sha256 (ook van de vervangen versie) en foutmelding."
    list_select_related = ("run", "meeting")
    fields = (
        "run_link",
        "file_name",
        "status",
        "error_text",
        "meeting_link",
        "size",
        "sha256",
        "replacement_note",
        "replaced_sha256_full",
        "replaced_text_block",
    )
    readonly_fields = fields

    @admin.display(description="vorige versie bewaard", boolean=True)
    def has_replaced(self, obj: ImportFile) -> bool:
        return bool(obj.replaced_sha256)

    @admin.display(description="sha256 van de vervangen versie")
    def replaced_sha256_full(self, obj: ImportFile) -> str:
        return obj.replaced_sha256 or EMPTY

    @admin.display(description="tekst van de vervangen versie")
    def replaced_text_block(self, obj: ImportFile) -> SafeString | str:
        return preformatted(obj.replaced_text)
