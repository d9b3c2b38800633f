"""The public pages, on the real samples imported through the real import service."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from minutes.models import AgendaItem, Decision, Meeting, Ministry, MinistryMention
from minutes.services import SourceFile, import_batch
from tests.conftest import ROOT, SAMPLES


class HomeTests(TestCase):
    def test_counts_and_entry_points(self):
        response = self.client.get("/")
        dates = Meeting.objects.dates("date", "year")
        for label, count in (
            ("Vergaderingen", Meeting.objects.count()),
            ("Agendapunten", AgendaItem.objects.count()),  # sub-items included
            ("Besluiten", Decision.objects.count()),
            ("Periode", f"{dates.first().year}–{dates.last().year}"),
        ):
            self.assertContains(response, f"<div><dt>{label}</dt><dd>{count}</dd></div>")
        self.assertContains(response, 'href="/vergaderingen/?jaar=2021"')
        self.assertContains(response, 'href="/ministeries/ezk/"')
        self.assertContains(response, 'href="/onderwerpen/covid-19/"')
        self.assertContains(response, "Verslag SGO 19 januari 2021")
        self.assertContains(response, '<html lang="nl"', html=False)

    def test_empty_archive_says_why(self):
        Meeting.objects.all().delete()
        response = self.client.get("/")
        self.assertContains(response, "Het archief bevat nog geen verslagen")


class MeetingListTests(TestCase):
    def test_a_2021_date_range_shows_the_2021_meeting_only(self):
        response = self.client.get("/vergaderingen/?van=2021-01-01&tot=2021-12-31")
        self.assertContains(response, 'href="/vergaderingen/2021-01-19/"')
        self.assertNotContains(response, 'href="/vergaderingen/2020-09-09/"')
        self.assertContains(response, "1 vergadering gevonden met deze filters")
        # The active filters show as removable chips.
        self.assertContains(response, 'class="chip"')
        self.assertContains(response, "1 januari 2021")

    def test_year_and_ministry_filters(self):
        response = self.client.get("/vergaderingen/?jaar=2020")
        self.assertContains(response, 'href="/vergaderingen/2020-09-09/"')
        self.assertNotContains(response, 'href="/vergaderingen/2021-01-19/"')
        # DEF was present in 2020 only, never discussed: found as present (rol=aanwezig),
        # not by default (discussed or spoke). AND over repeated ministries narrows.
        response = self.client.get("/vergaderingen/?ministerie=def")
        self.assertEqual([m.slug for m in response.context["meetings"]], [])
        response = self.client.get("/vergaderingen/?ministerie=def&rol=aanwezig")
        self.assertEqual([m.slug for m in response.context["meetings"]], ["2020-09-09"])
        response = self.client.get("/vergaderingen/?ministerie=ezk&ministerie=bzk")
        both = Meeting.objects.filter(
            ministry_mentions__ministry__slug="ezk", ministry_mentions__agenda_item__isnull=False
        ).filter(
            ministry_mentions__ministry__slug="bzk", ministry_mentions__agenda_item__isnull=False
        )
        self.assertEqual(len(response.context["meetings"]), both.distinct().count())
        response = self.client.get("/vergaderingen/?ministerie=ezk&ministerie=def&rol=aanwezig")
        self.assertEqual([m.slug for m in response.context["meetings"]], ["2020-09-09"])

    def test_topic_filter_and_sort(self):
        response = self.client.get("/vergaderingen/?onderwerp=integraal-afwegingskader")
        self.assertEqual([m.slug for m in response.context["meetings"]], ["2021-01-19"])
        response = self.client.get("/vergaderingen/?sorteer=oud")
        self.assertEqual(
            [m.slug for m in response.context["meetings"]], ["2020-09-09", "2021-01-19"]
        )

    def test_facets_count_the_current_result_set(self):
        response = self.client.get("/vergaderingen/?jaar=2021")
        years = {row["year"]: row["n"] for row in response.context["year_facets"]}
        self.assertEqual(years, {2021: 1})
        ministries = {
            row["ministry"].abbreviation: row["n"] for row in response.context["ministry_facets"]
        }
        self.assertEqual(ministries, {"AZ": 1, "BZK": 1, "EZK": 1, "JenV": 1})
        # A facet link adds to the filters instead of replacing them.
        self.assertContains(response, 'href="?jaar=2021&amp;ministerie=az"')

    def test_facets_mark_the_values_in_use(self):
        response = self.client.get("/vergaderingen/?ministerie=ezk")
        page = response.content.decode()
        self.assertIn('href="?ministerie=ezk" aria-current="true"><abbr title=', page)
        self.assertIn('href="?ministerie=ezk&amp;ministerie=az"><abbr title=', page)
        n = Meeting.objects.filter(ministry_mentions__ministry__slug="ezk").distinct().count()
        self.assertGreater(n, 0)
        self.assertContains(
            response,
            f'<p class="sgo-result-count" role="status">{n} vergadering{"" if n == 1 else "en"}'
            " gevonden met deze filters.</p>",
        )

    def test_bad_filter_values_give_a_visible_error_not_a_500(self):
        # A filter value that cannot be read is the request's fault: 400 with the form's
        # message in an alert.
        for query in (
            "van=gisteren",
            "jaar=twintig",
            "jaar=99999",
            "ministerie=bestaat-niet",
            "onderwerp=%00",
            "sorteer=willekeurig",
            "van=2021-02-01&tot=2021-01-01",
        ):
            with self.subTest(query=query):
                response = self.client.get(f"/vergaderingen/?{query}")
                self.assertContains(response, 'role="alert"', status_code=400)
        # A page that does not exist is not found, whether or not it is a number.
        for query in ("page=abc", "page=99"):
            with self.subTest(query=query):
                self.assertEqual(self.client.get(f"/vergaderingen/?{query}").status_code, 404)

    def test_reversed_date_range_is_explained(self):
        response = self.client.get("/vergaderingen/?van=2021-02-01&tot=2021-01-01")
        self.assertContains(response, "De einddatum ligt vóór de begindatum.", status_code=400)

    def test_empty_result_offers_a_way_out(self):
        response = self.client.get("/vergaderingen/?jaar=1999")
        self.assertContains(response, "Geen vergaderingen gevonden die aan alle filters voldoen")
        self.assertContains(response, "bekijk alle vergaderingen")

    def test_queries_do_not_grow_with_the_rows_shown(self):
        with CaptureQueriesContext(connection) as two:
            self.client.get("/vergaderingen/")
        for n in range(3):
            data = (
                (SAMPLES / "sgo-2021-01-19.txt")
                .read_bytes()
                .replace(b"19 januari 2021, 15.00", f"{n + 1} februari 2021, 15.00".encode())
                .replace(b"4182454", f"99900{n}".encode())
            )
            import_batch([SourceFile(name=f"extra-{n}.txt", data=data)])
        with CaptureQueriesContext(connection) as five:
            response = self.client.get("/vergaderingen/")
        self.assertEqual(len(response.context["meetings"]), Meeting.objects.count())
        self.assertEqual(Meeting.objects.count(), 5)
        self.assertEqual(len(two), len(five))


class MeetingDetailTests(TestCase):
    def test_agenda_with_anchors_and_table_of_contents(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        self.assertContains(response, 'id="punt-4"')
        self.assertContains(response, 'id="punt-5a"')
        self.assertContains(response, 'href="#punt-5b"')
        self.assertContains(response, "Voortgang op de herziening van het integraal afwegingskader")
        self.assertContains(response, "Verslag SGO dinsdag 19 januari 2021")
        self.assertContains(response, "15.00–16.30 uur")
        self.assertContains(response, "20 januari 2021")  # document date
        self.assertContains(response, "4182454")

    def test_sentence_cut_by_a_page_header_is_whole_and_headers_are_gone(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        self.assertContains(response, "Aansluitend wordt gemeld dat de derde en vierde actielijn")
        # The agenda text runs from the first item to the citation block.
        agenda = response.content.decode().split('class="sgo-item"', 1)[1].split("sgo-prev-next")[0]
        for header_text in ("Kabinet Minister-President", "Onze referentie", "4182454", "Datum"):
            self.assertNotIn(header_text, agenda)
        response = self.client.get("/vergaderingen/2020-09-09/")
        self.assertContains(response, "SG SZW neemt het voortouw om interdepartementaal contact")

    def test_decisions_are_marked(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        self.assertContains(
            response,
            '<div class="decision" id="punt-2-p1"><p class="decision__label">Besluit</p>'
            "<p>Het verslag is vastgesteld.</p></div>",
            html=True,
        )
        self.assertContains(response, '<strong class="decision-inline">', count=1)

    def test_redactions_show_as_redactions_with_their_ground(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        self.assertContains(response, 'class="redaction redaction--explained" tabindex="0"')
        self.assertContains(response, "eerbiediging van de persoonlijke levenssfeer")
        # The code itself is never presented as a name or turned into a link.
        self.assertNotContains(response, ">5.1.2e</a>")

    def test_one_redaction_markup_in_text_provenance_and_footer(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        page = response.content.decode()
        # A label with its ground takes focus and shows the ground then (issue 14).
        label = (
            '<span class="redaction redaction--explained" tabindex="0">'
            '<span class="redaction__explanation">weggelakt, Woo-grond </span>5.1.2e'
            '<span class="redaction__explanation redaction__ground">: '
            "eerbiediging van de persoonlijke levenssfeer</span></span>"
        )
        body = page.split('class="sgo-item"', 1)[1].split("sgo-prev-next")[0]
        provenance = page.split("Weggelakt op grond van", 1)[1].split("</dd>")[0]
        self.assertIn(label, body)  # in the minutes' text
        self.assertIn(label, provenance)  # in the list of grounds
        # The footer's sentence names the ground itself, so its label leaves it out.
        footer = page.split("<footer", 1)[1]
        self.assertIn(
            '<span class="redaction" title="Weggelakt, Woo-grond 5.1.2e">'
            '<span class="redaction__explanation">weggelakt, Woo-grond </span>5.1.2e</span>'
            " betekent",
            footer,
        )

    def test_ministries_present_and_mentioned_are_links(self):
        response = self.client.get("/vergaderingen/2020-09-09/")
        present = response.context["present"]
        listed = MinistryMention.objects.filter(
            meeting__slug="2020-09-09", role=MinistryMention.Role.PRESENT
        )
        self.assertEqual(len(present), listed.count())
        self.assertEqual(len(present), 12)  # every ministry on the sample's Aanwezig line
        self.assertContains(response, 'href="/ministeries/jenv/"')
        mentioned = [m.abbreviation for m in response.context["mentioned"]]
        self.assertEqual(
            mentioned, ["AZ", "BZ", "BZK", "EZK", "FIN", "IenW", "JenV", "OCW", "SZW", "VWS"]
        )

    def test_previous_next_cite_and_provenance(self):
        meeting = Meeting.objects.get(date="2021-01-19")
        response = self.client.get("/vergaderingen/2021-01-19/")
        self.assertContains(response, 'rel="prev" href="/vergaderingen/2020-09-09/"')
        self.assertContains(response, "http://testserver/vergaderingen/2021-01-19/")
        self.assertContains(response, meeting.sha256)
        self.assertContains(response, "sgo-2021-01-19.txt")
        self.assertContains(response, 'href="/vergaderingen/2021-01-19/tekst/"')
        response = self.client.get("/vergaderingen/2020-09-09/")
        self.assertContains(response, 'rel="next" href="/vergaderingen/2021-01-19/"')
        self.assertNotContains(response, 'rel="prev"')

    def test_original_text_is_plain_text(self):
        response = self.client.get("/vergaderingen/2021-01-19/tekst/")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(
            response.content.decode("utf-8"),
            (SAMPLES / "sgo-2021-01-19.txt").read_text(encoding="utf-8"),
        )

    def test_unknown_dates_are_404(self):
        for url in (
            "/vergaderingen/2021-01-20/",
            "/vergaderingen/2021-13-45/",
            "/vergaderingen/2021-01-19-7/",
            "/vergaderingen/2021-01-20/tekst/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
        self.assertContains(
            self.client.get("/vergaderingen/1999-01-01/"), "Alle vergaderingen", status_code=404
        )

    def test_agenda_tree_counts_and_speakers_come_from_the_database(self):
        meeting = Meeting.objects.get(date="2021-01-19")
        response = self.client.get(meeting.get_absolute_url())
        items = response.context["items"]
        self.assertEqual(
            [i.pk for i in items],
            list(meeting.agenda_items.filter(parent=None).values_list("pk", flat=True)),
        )
        for item in items:
            self.assertEqual(
                [c.pk for c in item.children], [c.pk for c in item.subitems.order_by("position")]
            )
            speakers = item.ministry_mentions.filter(role=MinistryMention.Role.SPEAKER)
            self.assertEqual([m.pk for m in item.speakers], [m.pk for m in speakers])
        decisions = Decision.objects.filter(agenda_item__meeting=meeting).count()
        self.assertContains(response, f"<dt>Besluiten</dt><dd>{decisions}</dd>")
        # Sub-item labels need their parent, which the prefetch already set.
        child = next(c for item in items for c in item.children)
        with self.assertNumQueries(0):
            self.assertEqual(child.display_label, child.parent.number + child.number)

    def test_page_queries_do_not_grow_with_items(self):
        with CaptureQueriesContext(connection) as small:
            self.client.get("/vergaderingen/2020-09-09/")
        with CaptureQueriesContext(connection) as large:
            self.client.get("/vergaderingen/2021-01-19/")
        self.assertEqual(len(small), len(large))


class MinistryAndTopicTests(TestCase):
    def test_ministry_list_counts_meetings(self):
        response = self.client.get("/ministeries/")
        # Issue 16: ministries by slug (two may share an abbreviation), the former ones in a
        # table of their own.
        listed = [*response.context["ministries"], *response.context["former_ministries"]]
        counts = {m.slug: m.meeting_count for m in listed}
        for ministry in Ministry.objects.all():
            with self.subTest(ministry=ministry.slug):
                meetings = Meeting.objects.filter(ministry_mentions__ministry=ministry).distinct()
                self.assertEqual(counts[ministry.slug], meetings.count())
        self.assertEqual(counts["def"], 1)  # present in 2020 only

    def test_ministry_page_timeline_items_and_former_names(self):
        response = self.client.get("/ministeries/jenv/")
        self.assertContains(response, "Ministerie van Justitie en Veiligheid")
        # Issue 16: VenJ is its predecessor, linked with its period (no longer a former name).
        self.assertContains(response, 'href="/ministeries/venj/"')
        self.assertContains(response, "</abbr> (2010–2017)")
        self.assertContains(response, '<svg class="sgo-chart__svg"')
        self.assertContains(response, "Gegevens als tabel")
        items = response.context["items"]
        # Newest first; the rondvraag contribution of J&V is shown with its item.
        self.assertEqual(items[0].meeting.slug, "2021-01-19")
        self.assertContains(response, "roept andere departementen op")

    def test_timeline_names_months_in_dutch(self):
        response = self.client.get("/ministeries/jenv/")
        dates = sorted(i.meeting.date for i in response.context["items"])
        self.assertLessEqual((dates[-1] - dates[0]).days, 2 * 366)  # short span: per month
        labels = [bar["label"] for bar in response.context["chart"]["bars"]]
        self.assertEqual(labels, ["sep 2020", "okt 2020", "nov 2020", "dec 2020", "jan 2021"])
        self.assertContains(response, '<th class="utrecht-table__cell" scope="row">okt 2020</th>')

    def test_ministry_page_filters_by_period(self):
        response = self.client.get("/ministeries/jenv/?van=2021-01-01")
        self.assertTrue(all(i.meeting.date.year == 2021 for i in response.context["items"]))
        self.assertEqual(self.client.get("/ministeries/jenv/?van=nee").status_code, 400)

    def test_unknown_ministry_or_topic_is_404(self):
        self.assertEqual(self.client.get("/ministeries/xyz/").status_code, 404)
        self.assertEqual(self.client.get("/onderwerpen/bestaat-niet/").status_code, 404)

    def test_topics_follow_a_subject_in_order(self):
        response = self.client.get("/onderwerpen/")
        self.assertContains(response, 'href="/onderwerpen/rijksdienst-en-hybride-werken/"')
        response = self.client.get("/onderwerpen/interdepartementale-afstemming/")
        dates = [i.meeting.date.isoformat() for i in response.context["items"]]
        self.assertEqual(dates, sorted(dates))
        self.assertIn("2020-09-09", dates)
        self.assertIn("2021-01-19", dates)


class DecisionListTests(TestCase):
    def test_all_decisions_linked_to_their_items(self):
        response = self.client.get("/besluiten/?vastgesteld=ja")
        self.assertEqual(response.context["paginator"].count, Decision.objects.count())
        self.assertContains(response, 'href="/vergaderingen/2021-01-19/#punt-4"')

    def test_filters_by_kind_date_and_ministry(self):
        response = self.client.get("/besluiten/?soort=adopted")
        adopted = Decision.objects.filter(kind=Decision.Kind.ADOPTED)
        self.assertEqual({d.pk for d in response.context["decisions"]}, {d.pk for d in adopted})
        self.assertEqual(adopted.count(), 2)  # both samples adopt their previous minutes
        response = self.client.get("/besluiten/?jaar=2021&soort=consented")
        consented = Decision.objects.filter(
            kind=Decision.Kind.CONSENTED, agenda_item__meeting__date__year=2021
        )
        self.assertEqual([d.pk for d in response.context["decisions"]], [d.pk for d in consented])
        self.assertEqual(consented.count(), 1)
        response = self.client.get("/besluiten/?ministerie=ezk")
        self.assertEqual([d.agenda_item.number for d in response.context["decisions"]], ["6"])
        self.assertEqual(self.client.get("/besluiten/?soort=geen").status_code, 400)


class FeedAndExportTests(TestCase):
    def test_rss_feed_honours_the_filters(self):
        response = self.client.get("/vergaderingen/feed/")
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        root = ET.fromstring(response.content)
        links = [item.findtext("link") for item in root.iter("item")]
        self.assertEqual(
            links,
            [
                "http://testserver/vergaderingen/2021-01-19/",
                "http://testserver/vergaderingen/2020-09-09/",
            ],
        )
        # Dated when the archive received the text (issue 15), not by the meeting date.
        received = Meeting.objects.get(slug="2021-01-19").received_at
        self.assertEqual(
            root.find("channel/item/pubDate").text,
            received.astimezone(datetime.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        )
        root = ET.fromstring(self.client.get("/vergaderingen/feed/?jaar=2020").content)
        self.assertEqual(len(list(root.iter("item"))), 1)
        # The agenda in the description uses the pages' label rule, top-level items only.
        description = root.find("channel/item/description").text
        self.assertIn("Ingelast stand van zaken regels huisvesting", description)
        self.assertNotIn("Ingelast.", description)

    def test_feed_keeps_no_request_on_its_shared_instance(self):
        feed = resolve("/vergaderingen/feed/").func
        self.client.get("/vergaderingen/feed/?jaar=2020")
        self.assertFalse(hasattr(feed, "request"))
        # Two requests with different filters on the same instance stay apart.
        first = ET.fromstring(self.client.get("/vergaderingen/feed/?jaar=2020").content)
        second = ET.fromstring(self.client.get("/vergaderingen/feed/").content)
        self.assertEqual(len(list(first.iter("item"))), 1)
        self.assertEqual(len(list(second.iter("item"))), Meeting.objects.count())

    def test_csv_export(self):
        response = self.client.get("/vergaderingen/export.csv?ministerie=def&rol=aanwezig")
        raw = b"".join(response.streaming_content)
        # For a Dutch-locale Excel: a BOM, semicolons, CRLF (exports.CSV_DIALECT).
        self.assertTrue(raw.startswith(b"\xef\xbb\xbfdate;series;title;url;"), raw[:40])
        self.assertIn(b"\r\n", raw)
        body = raw.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["date"], "2020-09-09")
        self.assertEqual(rows[0]["place"], "Trêveszaal")
        # The label rule of the pages: "2. …", "Ingelast …" (AgendaItem.list_label).
        self.assertIn("Ingelast stand van zaken regels huisvesting", rows[0]["agenda_items"])
        self.assertIn("2. ", rows[0]["agenda_items"])
        self.assertIn("[2] Met inachtneming van besproken wijziging", rows[0]["decisions"])
        self.assertIn("DEF", rows[0]["ministries_present"].split())

    def test_json_export(self):
        response = self.client.get("/vergaderingen/export.json")
        data = json.loads(b"".join(response.streaming_content))
        self.assertEqual([m["date"] for m in data], ["2020-09-09", "2021-01-19"])
        meeting = data[1]
        self.assertEqual(meeting["reference"], "4182454")
        self.assertIn(
            {"number": "5a", "title": "RMR en MR vrijdag 22 januari 2021", "text": ""},
            meeting["agenda_items"],
        )
        # Each item carries its text as stored.
        stored = AgendaItem.objects.filter(meeting__slug="2021-01-19").order_by("position")
        self.assertEqual([i["text"] for i in meeting["agenda_items"]], [i.body for i in stored])
        self.assertIn("thuiswerken", meeting["agenda_items"][2]["text"])
        numbers = [i["number"] for i in data[0]["agenda_items"]]
        self.assertIn("Ingelast", numbers)
        self.assertNotIn("ingelast", numbers)
        self.assertEqual(
            [d["kind"] for d in meeting["decisions"]], ["adopted", "consented", "agreed"]
        )
        bad = self.client.get("/vergaderingen/export.json?jaar=abc")
        self.assertEqual(bad.status_code, 400)

    def test_sitemap_and_robots(self):
        response = self.client.get("/sitemap.xml")
        self.assertContains(response, "http://testserver/vergaderingen/2021-01-19/")
        self.assertContains(response, "http://testserver/ministeries/ezk/")
        robots = self.client.get("/robots.txt")
        self.assertContains(robots, "Sitemap: http://testserver/sitemap.xml")
        self.assertContains(robots, "Disallow: /beheer/")


class TemplateSourceTests(SimpleTestCase):
    """Links come from {% url %} and lines stay readable in every public template."""

    def test_no_hard_coded_paths_and_no_long_lines(self):
        templates = sorted((ROOT / "templates").rglob("*.html"))
        self.assertGreater(len(templates), 20)
        self.assertIn(ROOT / "templates/admin/minutes/import/preview.html", templates)
        for path in templates:
            text = path.read_text(encoding="utf-8")
            with self.subTest(template=str(path.relative_to(ROOT))):
                # 500.html is rendered when something is broken: no tag that could fail again.
                if path.name != "500.html":
                    self.assertNotRegex(text, r'(href|action)="/')
                long_lines = [n for n, line in enumerate(text.splitlines(), 1) if len(line) > 120]
                self.assertEqual(long_lines, [])
