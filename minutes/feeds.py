"""RSS feeds of every list: meetings (and a series'), a saved search, a topic's and a
ministry's agenda items, and decisions, each with its list's filters.

Feed readers show an RSS title or description as HTML, while the minutes (and a search
query) are plain text from outside that may contain markup such as "<script>". Every
text a feed carries therefore goes out HTML-escaped (`plain`), so a reader shows it as
written, redaction codes included, and never runs it. The XML writer then escapes it
once more for the XML itself.

Every feed lists what the archive received last first, dated when it received it (the
first import of a meeting's text, Meeting.received_at; a corrected text is no news), so
a late Woo release of old minutes reaches subscribers as new; each item names the
meeting's own date. A filtered feed's `atom:link rel="self"` keeps its query.

A withheld passage is not text: a withheld title ("buiten verzoek", "5.1.2i") goes out as
its marker ("Niet openbaar: buiten het verzoek", "Agendapunt weggelakt, Woo-grond
5.1.2i: …"), a withheld line of a body as its marker in square brackets
(minutes.redactions).
"""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy

from minutes import search
from minutes.filters import (
    DecisionFilter,
    MeetingFilter,
    MinistryItemFilter,
    SearchFilter,
    SeriesFilter,
)
from minutes.models import AgendaItem, Decision, Meeting, Ministry, Series, Topic
from minutes.redactions import marked_text, shown_title


def plain(text: str) -> str:
    """Plain text for a feed's title or description: escaped, so readers show it as text."""
    return escape(text)


# How many of a search's newest matches (by meeting date) a search feed orders by
# receipt: a late release of minutes older than the newest 10,000 matches of a query
# does not show in its feed (a narrower query shows it).
SEARCH_FEED_WINDOW = 10_000


class ArchiveFeed(Feed):
    """What the archive's feeds share: the self link with the query, receipt dates."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django's self link is the path alone: a filtered feed's must keep its filters.
        feed.feed["feed_url"] = request.build_absolute_uri(request.get_full_path())
        return feed

    @staticmethod
    def meeting_of(item):
        raise NotImplementedError

    def item_pubdate(self, item) -> datetime:
        return self.meeting_of(item).received_at

    def item_updateddate(self, item) -> datetime:
        return self.meeting_of(item).imported_at


class MeetingFeed(ArchiveFeed):
    description = gettext_lazy("Nieuwe verslagen in het SGO-archief (het SGO en andere reeksen).")
    limit = 20

    # One Feed instance serves every request: what a request needs travels in the
    # object get_object returns (the bound filterset), never on `self`.
    def get_object(self, request):
        return MeetingFilter(request.GET, queryset=Meeting.objects.summaries())

    def title(self, filterset) -> str:
        if self._filtered(filterset):
            return gettext("SGO-archief: vergaderingen (gefilterd)")
        return gettext("SGO-archief: vergaderingen")

    def link(self, filterset) -> str:
        query = filterset.data.urlencode()
        return reverse("minutes:meeting_list") + (f"?{query}" if query else "")

    def items(self, filterset):
        if filterset.is_bound and not filterset.is_valid():
            return Meeting.objects.none()
        newest = filterset.qs.with_agenda_titles().select_related("series")
        return newest.order_by("-received_at", "-date", "-slug")[: self.limit]

    @staticmethod
    def meeting_of(meeting: Meeting) -> Meeting:
        return meeting

    def item_title(self, meeting: Meeting) -> str:
        return plain(meeting.title())

    def item_description(self, meeting: Meeting) -> str:
        titles = [f"{item.list_label} {shown_title(item.title)}" for item in meeting.top_items]
        if not titles:
            return ""
        return plain(gettext("Agenda: %(titles)s") % {"titles": "; ".join(titles)})

    @staticmethod
    def _filtered(filterset) -> bool:
        return any(v for k, v in filterset.data.items() if k != "sorteer")


class SeriesFeed(MeetingFeed):
    """The newest meetings of one series (with the meeting list's filters, if given)."""

    def get_object(self, request, slug: str):
        series = get_object_or_404(Series, slug=slug)
        meetings = Meeting.objects.summaries().filter(series=series)
        filterset = MeetingFilter(request.GET, queryset=meetings)
        filterset.series = series  # travels with the request's object, never on `self`
        return filterset

    def title(self, filterset) -> str:
        if self._filtered(filterset):
            title = gettext("SGO-archief: %(series)s (gefilterd)")
        else:
            title = gettext("SGO-archief: %(series)s")
        return plain(title % {"series": filterset.series.name})

    def description(self, filterset) -> str:
        text = gettext("Nieuwe verslagen van %(series)s in het SGO-archief.")
        return plain(text % {"series": filterset.series.name})

    def link(self, filterset) -> str:
        return filterset.series.get_absolute_url()


class ItemFeed(ArchiveFeed):
    """Agenda items: titled with their meeting, described by their text."""

    limit = 20

    @staticmethod
    def meeting_of(item: AgendaItem) -> Meeting:
        return item.meeting

    def item_title(self, item: AgendaItem) -> str:
        return plain(f"{shown_title(item.title)} ({item.meeting.name()})")

    def item_description(self, item: AgendaItem) -> str:
        body = marked_text(item.body)
        return plain(body[:500] + ("…" if len(body) > 500 else ""))

    def item_link(self, item: AgendaItem) -> str:
        return item.get_absolute_url()

    def items(self, filterset):
        """The newest received of the filtered items (a topic's, a ministry's)."""
        if not filterset.is_valid():
            return AgendaItem.objects.none()
        return self.newest_received(filterset.qs)[: self.limit]

    @staticmethod
    def newest_received(items):
        return items.select_related("meeting__series").order_by(
            "-meeting__received_at", "-meeting__date", "-meeting__slug", "position"
        )


class SearchFeed(ItemFeed):
    """A saved search as RSS: the newest matching agenda items (an alert without accounts)."""

    def get_object(self, request):
        return SearchFilter(
            request.GET,
            queryset=AgendaItem.objects.select_related("meeting__series"),
        )

    def title(self, filterset) -> str:
        query = filterset.form.cleaned_data.get("q") if filterset.is_valid() else ""
        if not query:
            return gettext("SGO-archief: zoeken")
        return plain(gettext("SGO-archief: zoeken naar “%(query)s”") % {"query": query})

    def description(self, filterset) -> str:
        return gettext(
            "Nieuwste agendapunten in het SGO-archief die aan deze zoekopdracht voldoen."
        )

    def link(self, filterset) -> str:
        return reverse("minutes:search") + "?" + filterset.data.urlencode()

    def items(self, filterset):
        if not filterset.is_valid():
            # Invalid filters (a bad date, a query too long): a feed finds nothing.
            return AgendaItem.objects.none()
        query, filters, _ = filterset.search_request()
        newest = search.ranked(query, filters=filters, sort=search.Sort.NEWEST)
        ids = newest.item_ids(limit=SEARCH_FEED_WINDOW)
        return self.newest_received(AgendaItem.objects.filter(pk__any=ids))[: self.limit]


class TopicFeed(ItemFeed):
    """A topic's newest agenda items (with the topic page's filters, if given)."""

    def get_object(self, request, slug: str):
        topic = get_object_or_404(Topic, slug=slug)
        filterset = SeriesFilter(request.GET, queryset=topic.agenda_items.all())
        filterset.topic = topic  # travels with the request's object, never on `self`
        return filterset

    def title(self, filterset) -> str:
        return plain(gettext("SGO-archief: %(topic)s") % {"topic": filterset.topic.name})

    def description(self, filterset) -> str:
        text = gettext("Nieuwe agendapunten over %(topic)s in het SGO-archief.")
        return plain(text % {"topic": filterset.topic.name})

    def link(self, filterset) -> str:
        return filterset.topic.get_absolute_url()


class MinistryFeed(ItemFeed):
    """A ministry's newest agenda items: those naming it or carrying its rondvraag
    contribution, which the item's description gives."""

    def get_object(self, request, slug: str):
        ministry = get_object_or_404(Ministry, slug=slug)
        items = AgendaItem.objects.all()
        # The page's filters, its role (`rol`) too.
        return MinistryItemFilter(request.GET, queryset=items, ministry=ministry)

    def title(self, filterset) -> str:
        return plain(gettext("SGO-archief: %(ministry)s") % {"ministry": filterset.ministry.name})

    def description(self, filterset) -> str:
        text = gettext("Nieuwe agendapunten en rondvraagbijdragen van %(ministry)s.")
        return plain(text % {"ministry": filterset.ministry.abbreviation})

    def link(self, filterset) -> str:
        return filterset.ministry.get_absolute_url()

    def item_description(self, item: AgendaItem) -> str:
        spoken = [m.text for m in item.contributions]
        if not spoken:
            return super().item_description(item)
        return plain(gettext("Rondvraag: %(text)s") % {"text": " ".join(spoken)})


class DecisionFeed(ArchiveFeed):
    """The newest decisions for the same query and filters as the decision list."""

    description = gettext_lazy("Nieuwe besluiten van het SGO in het SGO-archief.")
    limit = 20

    def get_object(self, request):
        decisions = Decision.objects.select_related("agenda_item__meeting__series")
        return DecisionFilter(request.GET, queryset=decisions)

    def title(self, filterset) -> str:
        query = filterset.form.cleaned_data.get("q") if filterset.is_valid() else ""
        if not query:
            return gettext("SGO-archief: besluiten")
        return plain(gettext("SGO-archief: besluiten over “%(query)s”") % {"query": query})

    def link(self, filterset) -> str:
        query = filterset.data.urlencode()
        return reverse("minutes:decision_list") + (f"?{query}" if query else "")

    def items(self, filterset):
        if not filterset.is_valid():
            return Decision.objects.none()
        newest = filterset.qs.order_by(
            "-agenda_item__meeting__received_at",
            "-agenda_item__meeting__date",
            "-agenda_item__meeting__slug",
            "-agenda_item__position",
        )
        return newest[: self.limit]

    @staticmethod
    def meeting_of(decision: Decision) -> Meeting:
        return decision.agenda_item.meeting

    def item_title(self, decision: Decision) -> str:
        item = decision.agenda_item
        title = shown_title(item.title)
        return plain(f"{decision.get_kind_display()}: {title} ({item.meeting.name()})")

    def item_description(self, decision: Decision) -> str:
        return plain(decision.text)

    def item_link(self, decision: Decision) -> str:
        return decision.agenda_item.get_absolute_url()

    def item_guid(self, decision: Decision) -> str:
        return f"sgo-archief:besluit:{decision.pk}"

    item_guid_is_permalink = False
