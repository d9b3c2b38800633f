from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from minutes.models import Meeting, Ministry, Topic


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
            "minutes:ministry_list",
            "minutes:topic_list",
            "minutes:decision_list",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


class MinistrySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Ministry.objects.all()


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Topic.objects.all()


SITEMAPS = {
    "pages": PageSitemap,
    "meetings": MeetingSitemap,
    "ministries": MinistrySitemap,
    "topics": TopicSitemap,
}
