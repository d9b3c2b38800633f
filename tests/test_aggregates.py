"""The archive-wide counts of the home page and the ministry and topic lists (issue 11):
made once per archive version, not per request, and never older than the archive."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from minutes.charts import bar_chart
from minutes.models import Meeting, Topic
from tests.archive import import_a_later_meeting


def statements(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # Server-side cursors (the filter form's choices) get a new name per request.
    return [
        re.sub(r"_django_curs_\d+_sync_\d+", "cursor", q["sql"]) for q in queries.captured_queries
    ]


class ArchiveAggregateTests(TestCase):
    def test_counts_are_made_once_per_archive_version(self):
        for url in ("/", "/ministeries/", "/onderwerpen/", "/vergaderingen/", "/ministeries/bzk/"):
            with self.subTest(url=url):
                cache.clear()
                first, second = statements(self.client, url), statements(self.client, url)
                saved = [sql for sql in first if sql not in second]
                self.assertTrue(saved, first)  # the archive-wide counts (or dates)
                self.assertEqual([sql for sql in second if sql not in first], [])

    def test_an_import_shows_in_the_counts_at_once(self):
        home = self.client.get("/")
        self.assertEqual(home.context["totals"]["meetings"], Meeting.objects.count())
        topics_before = {
            t.slug: t.item_count for t in self.client.get("/onderwerpen/").context["topics"]
        }

        import_a_later_meeting()  # asserts that it was imported

        home = self.client.get("/")
        self.assertEqual(home.context["totals"]["meetings"], Meeting.objects.count())
        topics_after = {
            t.slug: t.item_count for t in self.client.get("/onderwerpen/").context["topics"]
        }
        grown = {slug for slug, n in topics_after.items() if n > topics_before.get(slug, 0)}
        expected = set(
            Topic.objects.filter(agenda_items__meeting__date="2020-10-14").values_list(
                "slug", flat=True
            )
        )
        self.assertTrue(expected)
        self.assertEqual(grown, expected)


class MeetingListFacetTests(TestCase):
    def test_the_unfiltered_list_shows_the_same_facets_as_counted_afresh(self):
        from minutes.models import Meeting

        response = self.client.get("/vergaderingen/", {"sorteer": "oud", "page": "1"})
        self.assertEqual(response.context["year_facets"], Meeting.objects.year_counts())
        self.assertEqual(
            response.context["ministry_facets"], Meeting.objects.all().ministry_counts()
        )
        filtered = self.client.get("/vergaderingen/", {"jaar": "2020"})
        self.assertEqual(
            filtered.context["year_facets"],
            Meeting.objects.filter(date__year=2020).year_counts(),
        )


class MinistryTimelineTests(TestCase):
    def test_the_whole_timeline_equals_a_fresh_one_and_a_period_is_counted_afresh(self):
        from minutes.models import Meeting, Ministry

        bzk = Ministry.objects.get(slug="bzk")
        whole = self.client.get("/ministeries/bzk/").context["chart"]
        self.client.get("/ministeries/bzk/")  # from the cache now
        again = self.client.get("/ministeries/bzk/").context["chart"]
        self.assertEqual(again, whole)
        fresh = bar_chart(bzk.timeline())
        self.assertEqual(whole, fresh)
        period = self.client.get("/ministeries/bzk/", {"van": "2021-01-01"}).context["chart"]
        meetings = Meeting.objects.filter(date__gte="2021-01-01")
        self.assertEqual(period, bar_chart(bzk.timeline(meetings=meetings)))
