"""The API's records: English field names, ISO dates, absolute addresses.

Each serializer reads what its view prefetched; none runs a query of its own per row.
Addresses (`url`) are the Dutch HTML pages, the archive's canonical ones.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minutes.models import AgendaItem, Decision, Meeting, MinistryMention, MinistrySuccession
from minutes.redactions import marked_text, shown_title, withheld_kind
from minutes.search.config import HEADLINE_START, HEADLINE_STOP


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def page_url(request, obj: Any) -> str:
    """The Dutch HTML page of a record (the API speaks no page language of its own)."""
    with translation.override("nl"):
        return absolute(request, obj.get_absolute_url())


def api_url(request, name: str, **kwargs: Any) -> str:
    return absolute(request, reverse(f"api:{name}", kwargs=kwargs))


class PageUrlField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return page_url(self.context.get("request"), value)


@extend_schema_field(OpenApiTypes.URI)
class MeetingPageUrlField(PageUrlField):
    pass


class SeriesSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    url = MeetingPageUrlField(help_text="The series' page on the site.")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, series) -> str:
        return api_url(self.context.get("request"), "series_detail", slug=series.slug)


class SeriesDetailSerializer(SeriesSerializer):
    description = serializers.CharField()
    meeting_count = serializers.IntegerField()
    first_meeting = serializers.DateField(source="first", allow_null=True)
    last_meeting = serializers.DateField(source="last", allow_null=True)


class MinistrySerializer(serializers.Serializer):
    abbreviation = serializers.CharField(
        help_text="Not unique: EZ (2010–2017) and EZ (2024–) are two ministries."
    )
    name = serializers.CharField()
    slug = serializers.CharField()
    valid_from = serializers.DateField(
        allow_null=True, help_text="First day it existed; null: before the archive's period."
    )
    valid_until = serializers.DateField(
        allow_null=True, help_text="Last day it existed (inclusive); null: it still exists."
    )
    url = MeetingPageUrlField(help_text="The ministry's page on the site.")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, ministry) -> str:
        return api_url(self.context.get("request"), "ministry_detail", slug=ministry.slug)


class FormerNameSerializer(serializers.Serializer):
    name = serializers.CharField(source="text")
    valid_from = serializers.DateField(allow_null=True, help_text="First day (inclusive).")
    valid_until = serializers.DateField(allow_null=True, help_text="Last day (inclusive).")


class LinkedMinistrySerializer(MinistrySerializer):
    # A plain string in the schema: "kind" is also a decision's enum (drf-spectacular
    # would have to name two enums of one field name apart).
    kind = serializers.CharField(
        help_text="How the work passed: "
        + ", ".join(value for value in MinistrySuccession.Kind.values)
        + " (continued: the continuing part of a split)."
    )


class MinistryCountsSerializer(serializers.Serializer):
    meetings = serializers.IntegerField(
        help_text="Meetings it was present at, named in or spoke in."
    )
    meetings_present = serializers.IntegerField(help_text="Meetings it was listed as present at.")
    meetings_involved = serializers.IntegerField(
        help_text="Meetings it was named in or spoke in (the default `rol`, betrokken)."
    )
    items_discussed = serializers.IntegerField(help_text="Agenda items that name it.")
    rondvraag_contributions = serializers.IntegerField(
        help_text="Its contributions to any other business (rondvraag)."
    )


class MinistryDetailSerializer(MinistrySerializer):
    former_names = serializers.SerializerMethodField()
    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    @extend_schema_field(LinkedMinistrySerializer(many=True))
    def get_predecessors(self, ministry) -> list[dict]:
        """The ministries whose work it took over (prefetched `succeeded`)."""
        return self._linked([(link.predecessor, link.kind) for link in ministry.succeeded.all()])

    @extend_schema_field(LinkedMinistrySerializer(many=True))
    def get_successors(self, ministry) -> list[dict]:
        """The ministries that took over its work (prefetched `successions`)."""
        return self._linked([(link.successor, link.kind) for link in ministry.successions.all()])

    def _linked(self, pairs: list) -> list[dict]:
        rows = []
        for other, kind in pairs:
            row = dict(MinistrySerializer(other, context=self.context).data)
            row["kind"] = kind
            rows.append(row)
        return rows

    @extend_schema_field(FormerNameSerializer(many=True))
    def get_former_names(self, ministry) -> list[dict]:
        names = [alias for alias in ministry.aliases.all() if alias.is_former_name]
        return FormerNameSerializer(names, many=True).data

    @extend_schema_field(MinistryCountsSerializer)
    def get_counts(self, ministry) -> dict:
        """From the view's `counts` (minutes.api.views.ministry_counts), every key there."""
        return self.context["counts"][ministry.pk]


class TopicSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = MeetingPageUrlField(help_text="The topic's page on the site.")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, topic) -> str:
        return api_url(self.context.get("request"), "topic_detail", slug=topic.slug)


class TopicDetailSerializer(TopicSerializer):
    description = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    item_count = serializers.IntegerField()
    meeting_count = serializers.IntegerField()


class DecisionSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=Decision.Kind.choices)


class ItemNameSerializer(serializers.Serializer):
    """An agenda item named: a withheld one has its marker as `title` (the words the site
    shows) and says what was withheld in `withheld`; its codes stay as released."""

    number = serializers.CharField(source="display_label", help_text="'3', '5a', 'ingelast'.")
    anchor = serializers.CharField()
    title = serializers.SerializerMethodField()
    withheld = serializers.SerializerMethodField(
        help_text="What the release withheld: 'buiten verzoek' or the Woo code(s); null when "
        "the item has a title of its own."
    )
    decisions = DecisionSerializer(many=True)

    def get_title(self, item: AgendaItem) -> str:
        return shown_title(item.title)

    def get_withheld(self, item: AgendaItem) -> str | None:
        return withheld_kind(item.title)


class ItemFieldsMixin(ItemNameSerializer):
    """An agenda item with its text."""

    text = serializers.SerializerMethodField(
        help_text="The item's text as released; a withheld line is its marker in brackets."
    )

    def get_text(self, item: AgendaItem) -> str:
        return marked_text(item.body)


class SubItemSerializer(ItemFieldsMixin):
    pass


class AgendaItemSerializer(ItemFieldsMixin):
    topics = serializers.SerializerMethodField(help_text="Slugs of the item's topics.")
    sub_items = SubItemSerializer(source="children", many=True)

    def get_topics(self, item: AgendaItem) -> list[str]:
        return [topic.slug for topic in item.topics.all()]


class MinistryRoleSerializer(serializers.Serializer):
    ministry = MinistrySerializer()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=MinistryMention.Role.choices),
        help_text="present: listed as present; mentioned: named in an agenda item; "
        "speaker: spoke in the rondvraag.",
    )
    items = serializers.ListField(
        child=serializers.CharField(), help_text="Numbers of the agenda items naming it."
    )


class SourceDocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.SerializerMethodField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    page_count = serializers.IntegerField()

    def get_url(self, document) -> str:
        return absolute(
            self.context.get("request"), reverse("minutes:source_document", args=[document.sha256])
        )


class ProvenanceSerializer(serializers.Serializer):
    source_name = serializers.CharField(help_text="The file the text was imported from.")
    sha256 = serializers.CharField(help_text="SHA-256 of that file (or of the meeting's part).")
    encoding = serializers.CharField()
    text_origin = serializers.ChoiceField(choices=Meeting.TextOrigin.choices)
    imported_at = serializers.DateTimeField()
    source_document = SourceDocumentSerializer(allow_null=True)
    first_page = serializers.IntegerField(allow_null=True)
    last_page = serializers.IntegerField(allow_null=True)
    ocr_pages = serializers.ListField(child=serializers.IntegerField())
    text_url = serializers.SerializerMethodField(help_text="The text as imported.")

    def get_text_url(self, meeting) -> str:
        with translation.override("nl"):
            path = reverse("minutes:meeting_text", kwargs={"slug": meeting.slug})
        return absolute(self.context.get("request"), path)


class MeetingRefSerializer(serializers.Serializer):
    """A meeting named: its address, date and title."""

    slug = serializers.CharField()
    date = serializers.DateField()
    title = serializers.SerializerMethodField(help_text="As the site's Dutch page names it.")
    url = MeetingPageUrlField(help_text="The meeting's page on the site.")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, meeting) -> str:
        return api_url(self.context.get("request"), "meeting_detail", slug=meeting.slug)

    def get_title(self, meeting) -> str:
        return dutch_title(meeting)


class MeetingSerializer(MeetingRefSerializer):
    """A meeting in a list: what it is and where."""

    series = SeriesSerializer()
    place = serializers.CharField()
    reference = serializers.CharField()
    received_at = serializers.DateTimeField(help_text="When the archive first had these minutes.")
    imported_at = serializers.DateTimeField(help_text="When its current text was imported.")


def dutch_title(meeting: Meeting) -> str:
    with translation.override("nl"):
        return meeting.title()


class MeetingDetailSerializer(MeetingSerializer):
    """One meeting whole: agenda with sub-items and their text, decisions, ministries with
    their roles, the redactions as released, and where the text came from."""

    start_time = serializers.TimeField(allow_null=True, format="%H:%M")
    end_time = serializers.TimeField(allow_null=True, format="%H:%M")
    document_date = serializers.DateField(allow_null=True)
    description = serializers.CharField()
    agenda_items = AgendaItemSerializer(source="agenda", many=True)
    ministries = serializers.SerializerMethodField()
    redaction_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Woo/Wob codes as released, e.g. '5.1.2e'."
    )
    withheld_passages = serializers.IntegerField(
        help_text="Passages marked 'buiten verzoek' (outside the request)."
    )
    provenance = ProvenanceSerializer(source="*")

    @extend_schema_field(MinistryRoleSerializer(many=True))
    def get_ministries(self, meeting) -> list[dict]:
        labels = {}
        for item in meeting.agenda:
            labels[item.pk] = item.display_label
            for child in item.children:
                labels[child.pk] = child.display_label
        rows: dict[int, dict] = {}
        for mention in meeting.all_mentions:
            row = rows.setdefault(
                mention.ministry_id, {"ministry": mention.ministry, "roles": [], "items": []}
            )
            if mention.role not in row["roles"]:
                row["roles"].append(mention.role)
            label = labels.get(mention.agenda_item_id)
            if label and label not in row["items"]:
                row["items"].append(label)
        ordered = sorted(rows.values(), key=lambda row: row["ministry"].position)
        return MinistryRoleSerializer(ordered, many=True, context=self.context).data


class ResultMeetingSerializer(MeetingRefSerializer):
    series = serializers.CharField(source="series.slug", help_text="The series' slug.")


class DecisionListSerializer(DecisionSerializer):
    """A decision with the agenda item and meeting it was taken in."""

    item_number = serializers.CharField(source="agenda_item.display_label")
    item_title = serializers.SerializerMethodField()
    item_withheld = serializers.SerializerMethodField()
    item_url = serializers.SerializerMethodField(help_text="The item on the meeting's page.")
    meeting = ResultMeetingSerializer(source="agenda_item.meeting")

    def get_item_title(self, decision) -> str:
        return shown_title(decision.agenda_item.title)

    def get_item_withheld(self, decision) -> str | None:
        return withheld_kind(decision.agenda_item.title)

    def get_item_url(self, decision) -> str:
        item = decision.agenda_item
        return page_url(self.context.get("request"), item.meeting) + f"#{item.anchor}"


def headline_html(text: str) -> str:
    """A search headline as HTML: the text escaped, its matches in <mark>."""
    return escape(text).replace(HEADLINE_START, "<mark>").replace(HEADLINE_STOP, "</mark>")


def headline_text(text: str) -> str:
    return text.replace(HEADLINE_START, "").replace(HEADLINE_STOP, "")


class SearchResultSerializer(ItemNameSerializer):
    """An agenda item that matches, with its excerpt and decisions."""

    snippet = serializers.SerializerMethodField(help_text="Excerpt around the matches.")
    snippet_html = serializers.SerializerMethodField(
        help_text="The excerpt as HTML: escaped, the matches in <mark>."
    )
    url = serializers.SerializerMethodField(help_text="The item on the meeting's page.")
    meeting = ResultMeetingSerializer()

    def get_snippet(self, item: AgendaItem) -> str:
        return headline_text(item.body_headline)

    def get_snippet_html(self, item: AgendaItem) -> str:
        return headline_html(item.body_headline)

    def get_url(self, item: AgendaItem) -> str:
        return page_url(self.context.get("request"), item.meeting) + f"#{item.anchor}"


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class SeriesCountSerializer(CountSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class YearCountSerializer(CountSerializer):
    year = serializers.IntegerField()


class MinistryCountSerializer(CountSerializer):
    slug = serializers.CharField()
    abbreviation = serializers.CharField()
    label = serializers.CharField(help_text="The abbreviation with its period: EZ (2024–).")


class TopicCountSerializer(CountSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class GroundCountSerializer(CountSerializer):
    ground = serializers.CharField(
        help_text="The ground's key: a code normalised (5.1.2e, 10.2.e) or buiten-verzoek."
    )
    label = serializers.CharField()


class FacetsSerializer(serializers.Serializer):
    """Counts over every match (not only this page), per value of each filter."""

    series = SeriesCountSerializer(many=True, help_text="Filter: reeks=<slug>.")
    years = YearCountSerializer(many=True, help_text="Filter: jaar=<year>.")
    ministries = MinistryCountSerializer(many=True, help_text="Filter: ministerie=<slug>.")
    topics = TopicCountSerializer(many=True, help_text="Filter: onderwerp=<slug>.")
    with_decision = serializers.IntegerField(help_text="Filter: besluit=true.")
    grounds = GroundCountSerializer(many=True, help_text="Filter: grond=<ground>.")

    @staticmethod
    def of(facets: dict) -> dict:
        return {
            "series": [
                {"slug": row["series"].slug, "name": row["series"].name, "count": row["n"]}
                for row in facets["series"]
            ],
            "years": [{"year": row["year"], "count": row["n"]} for row in facets["years"]],
            "ministries": [
                {
                    "slug": row["ministry"].slug,
                    "abbreviation": row["ministry"].abbreviation,
                    "label": row["ministry"].label,
                    "count": row["n"],
                }
                for row in facets["ministries"]
            ],
            "topics": [
                {"slug": row["topic"].slug, "name": row["topic"].name, "count": row["n"]}
                for row in facets["topics"]
            ],
            "with_decision": facets["with_decision"],
            "grounds": [
                {"ground": row["value"], "label": row["label"], "count": row["n"]}
                for row in facets["grounds"]
            ],
        }


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="All matches.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)
    facets = FacetsSerializer()
    suggestion = serializers.CharField(
        allow_null=True, help_text="A corrected query that finds more, when few are found."
    )
