from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from minutes.models import Meeting, Ministry, Series, Topic


class MeetingSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Meeting.objects.only("slug", "date", "imported_at").order_by("date", "slug")

    def lastmod(self, meeting: Meeting):
        return meeting.imported_at


class PageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return [
            "minutes:home",
            "minutes:meeting_list",
            "minutes:series_list",
            "minutes:ministry_list",
            "minutes:topic_list",
            "minutes:decision_list",
            "minutes:ministry_compare",
            "minutes:redactions",
            "minutes:coverage",
            "minutes:open_data",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


class MinistrySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Ministry.objects.all()


class SeriesSitemap(Sitemap):
    """The series that hold meetings (an empty one's page has nothing to find)."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Series.objects.filter(Exists(Meeting.objects.filter(series=OuterRef("pk"))))


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Topic.objects.all()


SITEMAPS = {
    "pages": PageSitemap,
    "meetings": MeetingSitemap,
    "series": SeriesSitemap,
    "ministries": MinistrySitemap,
    "topics": TopicSitemap,
}
