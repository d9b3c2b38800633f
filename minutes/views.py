"""Public pages of the archive. Views stay thin: reads live on the QuerySets."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from minutes.models import AgendaItem, Meeting, Ministry, MinistryMention, Topic


class HomeView(ListView):
    template_name = "minutes/home.html"
    context_object_name = "meetings"

    def get_queryset(self):
        return Meeting.objects.with_counts()[:10]


class MeetingListView(ListView):
    paginate_by = 25
    context_object_name = "meetings"

    def get_queryset(self):
        return Meeting.objects.with_counts()


class MeetingDetailView(DetailView):
    context_object_name = "meeting"

    def get_queryset(self):
        items = AgendaItem.objects.select_related("parent").prefetch_related("decisions")
        return Meeting.objects.prefetch_related(
            Prefetch("agenda_items", queryset=items),
            Prefetch(
                "ministry_mentions",
                queryset=MinistryMention.objects.select_related("ministry", "agenda_item"),
            ),
        )


def meeting_text(request: HttpRequest, slug: str) -> HttpResponse:
    """The original text exactly as imported, as plain text."""
    meeting = get_object_or_404(Meeting.objects.only("original_text"), slug=slug)
    response = HttpResponse(meeting.original_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="sgo-{slug}.txt"'
    return response


class MinistryDetailView(DetailView):
    model = Ministry
    context_object_name = "ministry"


class TopicDetailView(DetailView):
    model = Topic
    context_object_name = "topic"
