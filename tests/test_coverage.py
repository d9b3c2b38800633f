"""Coverage (/dekking/): which ISO weeks hold minutes, recesses and possible gaps."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext

from minutes.coverage import Status, calendar, is_recess, weeks_in_year, weeks_with_minutes
from minutes.models import Meeting
from minutes.services import SourceFile, import_batch
from tests.conftest import SAMPLES


def weekly(start: date, end: date, skip: set[int] = frozenset()) -> list[tuple[date, str]]:
    """A meeting every Tuesday from `start` to `end`, but in the ISO weeks `skip`."""
    day = start + timedelta(days=(1 - start.weekday()) % 7)
    meetings = []
    while day <= end:
        if day.isocalendar()[1] not in skip:
            meetings.append((day, day.isoformat()))
        day += timedelta(days=7)
    return meetings


def statuses(years) -> dict[tuple[int, int], Status]:
    return {(w.year, w.number): w.status for y in years for w in y.weeks}


class CalendarTests(SimpleTestCase):
    def test_summer_recess_is_no_gap_but_a_missing_spring_week_is(self):
        meetings = weekly(date(2019, 1, 7), date(2019, 12, 17), skip={12, 29, 30, 31, 32, 33, 34})
        (year,) = calendar(meetings)
        got = statuses([year])
        self.assertEqual(year.year, 2019)
        self.assertEqual(len(year.weeks), 52)
        self.assertEqual(got[2019, 12], Status.GAP)
        for week in range(29, 35):
            self.assertEqual(got[2019, week], Status.RECESS)
        self.assertEqual(got[2019, 11], Status.MINUTES)
        self.assertEqual(year.gaps, 1)
        self.assertEqual(year.recess, 6)
        # Tuesdays from 8 January (week 2) to 17 December (week 51), seven weeks skipped.
        self.assertEqual(year.with_minutes, 50 - 7)
        self.assertEqual(got[2019, 1], Status.OUTSIDE)  # before the first meeting, no flag
        self.assertEqual(got[2019, 52], Status.OUTSIDE)  # after the last meeting, no flag

    def test_christmas_weeks_across_the_year_boundary(self):
        # 25 December 2019 is in 2019-W52, 1 January 2020 in 2020-W01.
        meetings = weekly(date(2019, 12, 1), date(2020, 1, 31), skip={52, 1})
        years = calendar(meetings)
        got = statuses(years)
        self.assertEqual([y.year for y in years], [2019, 2020])
        self.assertEqual(got[2019, 52], Status.RECESS)
        self.assertEqual(got[2020, 1], Status.RECESS)
        self.assertEqual(got[2019, 47], Status.OUTSIDE)  # before the first meeting
        self.assertEqual(sum(y.gaps for y in years), 0)

    def test_iso_week_53(self):
        self.assertEqual(weeks_in_year(2020), 53)
        self.assertEqual(weeks_in_year(2026), 53)
        self.assertEqual(weeks_in_year(2021), 52)
        # 1 January 2021 falls in 2020-W53: that week is the Christmas recess, 2021-W01 is not.
        self.assertTrue(is_recess(2020, 53))
        self.assertTrue(is_recess(2020, 52))
        self.assertFalse(is_recess(2021, 1))
        meetings = weekly(date(2020, 12, 1), date(2021, 1, 20), skip={53})
        years = calendar(meetings)
        self.assertEqual(len(years[0].weeks), 53)
        self.assertEqual(statuses(years)[2020, 53], Status.RECESS)

    def test_a_date_early_in_january_counts_in_the_iso_year_of_its_week(self):
        # 2 January 2021 (a Saturday) is in 2020-W53.
        (year,) = calendar([(date(2021, 1, 2), "a"), (date(2020, 12, 29), "b")])
        self.assertEqual(year.year, 2020)
        week = year.weeks[-1]
        self.assertEqual((week.number, week.status), (53, Status.MINUTES))
        self.assertEqual(week.meetings, ((date(2020, 12, 29), "b"), (date(2021, 1, 2), "a")))
        self.assertEqual(weeks_with_minutes([date(2021, 1, 2), date(2020, 12, 29)]), 1)

    def test_no_meetings_no_years(self):
        self.assertEqual(calendar([]), [])


class CoveragePageTests(TestCase):
    def test_page_on_the_test_archive(self):
        # 2020-09-09 is 2020-W37, 2021-01-19 is 2021-W03; 2020 has 53 weeks, of which
        # 52 (25 December) and 53 (1 January 2021) are the Christmas recess.
        response = self.client.get("/dekking/")
        self.assertEqual(response.status_code, 200)
        (series, years) = response.context["coverage"]["series"][0]
        self.assertTrue(series.is_sgo)
        got = statuses(years)
        self.assertEqual(got[2020, 36], Status.OUTSIDE)
        self.assertEqual(got[2020, 37], Status.MINUTES)
        self.assertEqual(
            [w for w in range(38, 54) if got[2020, w] == Status.GAP], list(range(38, 52))
        )
        self.assertEqual((got[2020, 52], got[2020, 53]), (Status.RECESS, Status.RECESS))
        self.assertEqual((got[2021, 1], got[2021, 2]), (Status.GAP, Status.GAP))
        self.assertEqual(got[2021, 3], Status.MINUTES)
        self.assertEqual(got[2021, 4], Status.OUTSIDE)
        self.assertContains(response, 'href="/vergaderingen/2020-09-09/"')
        self.assertContains(response, 'href="/vergaderingen/2021-01-19/"')
        self.assertContains(
            response, "1 week met een verslag, 2 weken reces, 14 weken mogelijk ontbrekend"
        )
        self.assertContains(
            response, "1 week met een verslag, 0 weken reces, 2 weken mogelijk ontbrekend"
        )
        self.assertContains(response, "verslag van 9 september 2020")
        self.assertContains(response, "Legenda")
        newest = Meeting.objects.order_by("-date").first()
        self.assertEqual(response.context["coverage"]["newest"], newest.date)
        self.assertContains(
            response, '<time datetime="2021-01-19">19 januari 2021</time>', html=True
        )
        self.assertContains(response, "Laatst geïmporteerd")
        latest = Meeting.objects.order_by("-imported_at").first().imported_at
        self.assertEqual(response.context["coverage"]["imported"], latest)

    def test_english_page(self):
        response = self.client.get("/en/dekking/")
        self.assertContains(
            response, "1 week with minutes, 2 weeks of recess, 14 weeks possibly missing"
        )
        self.assertContains(response, "possibly missing")
        self.assertNotContains(response, "mogelijk ontbrekend")

    def test_home_says_how_many_weeks_and_links_here(self):
        response = self.client.get("/")
        self.assertContains(response, "<div><dt>Periode</dt><dd>2020–2021</dd></div>", html=False)
        self.assertContains(response, 'href="/dekking/">2 weken met een verslag</a>', html=False)
        english = self.client.get("/en/")
        self.assertContains(english, "2 weeks with minutes</a>")

    def test_linked_from_footer_and_series_list(self):
        self.assertContains(self.client.get("/vergaderingen/"), 'href="/dekking/"')
        self.assertContains(self.client.get("/reeksen/"), 'href="/dekking/"')

    def test_queries_do_not_grow_with_the_meetings(self):
        with CaptureQueriesContext(connection) as two:
            self.client.get("/dekking/")
        for n in range(3):
            data = (
                (SAMPLES / "sgo-2021-01-19.txt")
                .read_bytes()
                .replace(b"19 januari 2021, 15.00", f"{n + 1} maart 2021, 15.00".encode())
                .replace(b"4182454", f"99910{n}".encode())
            )
            result = import_batch([SourceFile(name=f"extra-{n}.txt", data=data)])
            self.assertEqual(result.count("imported"), 1, result.outcomes)
        with CaptureQueriesContext(connection) as five:
            response = self.client.get("/dekking/")
        self.assertEqual(Meeting.objects.count(), 5)
        (_, years) = response.context["coverage"]["series"][0]
        # 1, 2 and 3 March 2021 are in one week (2021-W09): one link, to that week's
        # meetings (the page grows with the weeks, not with the meetings).
        self.assertEqual(sum(y.with_minutes for y in years), 3)
        march = years[-1].weeks[8]
        self.assertEqual((march.number, march.status, len(march.meetings)), (9, Status.MINUTES, 3))
        self.assertNotContains(response, 'href="/vergaderingen/2021-03-02/"')
        week = "/vergaderingen/?van=2021-03-01&amp;tot=2021-03-07&amp;reeks=sgo"
        self.assertContains(response, f'href="{week}"', count=1)
        self.assertContains(response, "3 verslagen in deze week")
        listed = self.client.get(week.replace("&amp;", "&"))
        self.assertEqual(
            {m.slug for m in listed.context["meetings"]},
            {"2021-03-01", "2021-03-02", "2021-03-03"},
        )
        english = self.client.get("/en/dekking/")
        self.assertContains(english, "3 meetings this week")
        self.assertEqual(len(two), len(five))
