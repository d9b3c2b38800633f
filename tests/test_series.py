"""Series on the reading side (issue 13): addresses, the ?reeks= filter and facet on every
list, search, feed and export, the series pages, and where a meeting read from a PDF came
from (its pages, the OCR, the PDF itself for download).

The shared archive (the two SGO samples) plus, per test case, invented minutes of a
second series imported through the real service (`save_meeting`), one of them read
from a real (small, hand-made) PDF kept in Django's storage.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.db.models import Count
from django.test import TestCase, override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from minutes import search
from minutes.models import (
    AgendaItem,
    Decision,
    Meeting,
    Ministry,
    Series,
    SourceDocument,
    Topic,
)
from minutes.parsing import parse_minutes
from minutes.services import SourceFile, alias_table, import_batch, save_meeting
from tests.archive import IndexedTestCase, minutes
from tests.search.test_index import IndexTestCase

MEDIA = Path(tempfile.mkdtemp(prefix="sgo-test-sources-"))
SLUG = "technisch-overleg-digikoppeling"
PDF_NAME = "woo-besluit-digikoppeling.pdf"
# A word in both series' minutes (the 2021 SGO sample discusses thuiswerken too).
SHARED_WORD = "thuiswerken"


def teardown_module() -> None:
    shutil.rmtree(MEDIA, ignore_errors=True)


def small_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 holding these lines (Helvetica), its xref offsets counted."""
    shown = " ".join(
        "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for line in lines
    )
    stream = f"BT /F1 11 Tf 72 770 Td 14 TL {shown} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF = small_pdf(["Verslag Technisch Overleg Digikoppeling", "10 juni 2021"])


def store(data: bytes, name: str, series: Series) -> Meeting:
    parsed = parse_minutes(data, aliases=alias_table())
    sha = hashlib.sha256(data).hexdigest()
    return save_meeting(parsed=parsed, source_name=name, sha256=sha, series=series)


def add_second_series() -> dict:
    """A second series with three meetings: two on one day (the second gets -2), and
    one read from pages 3–7 of a PDF, pages 4 and 5 of them by OCR."""
    series = Series.objects.create(
        name="Technisch Overleg Digikoppeling",
        slug=SLUG,
        description="Overleg over de koppelvlakstandaard Digikoppeling (ingevoegd voor de test).",
    )
    march = store(
        minutes(
            "4 maart 2021",
            [
                ("Opening", "De voorzitter opent de vergadering."),
                ("Thuiswerken en beveiliging", f"FIN spreekt over {SHARED_WORD} en koppelingen."),
                ("Huisvesting beheerteam", "De huisvesting van het beheerteam wordt besproken."),
            ],
        ),
        "to-2021-03-04.txt",
        series,
    )
    march_again = store(
        minutes("4 maart 2021", [("Extra overleg", "Het verslag wordt vastgesteld.")]),
        "to-2021-03-04-extra.txt",
        series,
    )
    june = store(
        minutes(
            "10 juni 2021",
            [
                ("Opening", "Geen mededelingen."),
                ("Beveiligingsprofiel", f"Ook {SHARED_WORD} komt aan de orde; FIN stemt in."),
            ],
        ),
        "to-2021-06-10.txt",
        series,
    )
    document = SourceDocument(
        name=PDF_NAME,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        page_count=9,
        ocr_pages=[4, 5],
        imported_at=timezone.now(),
    )
    document.file.save(PDF_NAME, ContentFile(PDF), save=False)
    document.save()
    Meeting.objects.filter(pk=june.pk).update(
        source_document=document,
        text_origin=Meeting.TextOrigin.OCR,
        first_page=3,
        last_page=7,
        ocr_pages=[4, 5],
    )
    return {
        "series": series,
        "march": march,
        "march_again": march_again,
        "june": june,
        "document": document,
    }


@override_settings(MEDIA_ROOT=str(MEDIA))
class TwoSeriesTestCase(IndexedTestCase):
    """The shared archive, a second series of three meetings, and the index of all."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.made = add_second_series()
        cls.series = cls.made["series"]
        cls.sgo = Series.objects.get(slug=Series.SGO)
        super().setUpTestData()  # rebuilds the index with these meetings in it

    def slugs_in(self, response) -> set[str]:
        return {m.slug for m in response.context["meetings"]}


class AddressTests(TwoSeriesTestCase):
    def test_other_series_meetings_have_their_series_in_the_address(self):
        self.assertEqual(self.made["march"].slug, f"{SLUG}-2021-03-04")
        self.assertEqual(self.made["march_again"].slug, f"{SLUG}-2021-03-04-2")
        for meeting in (self.made["march"], self.made["march_again"], self.made["june"]):
            url = meeting.get_absolute_url()
            self.assertEqual(url, f"/vergaderingen/{meeting.slug}/")
            self.assertEqual(resolve(url).kwargs, {"slug": meeting.slug})
            self.assertEqual(self.client.get(url).context["meeting"].pk, meeting.pk)

    def test_sgo_addresses_stay_plain_dates(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["meeting"].series, self.sgo)
        self.assertContains(response, "Verslag SGO dinsdag 19 januari 2021")
        text = self.client.get(f"/vergaderingen/{SLUG}-2021-03-04/tekst/")
        self.assertEqual(text.status_code, 200)
        self.assertEqual(text.content.decode(), self.made["march"].original_text)

    def test_bad_addresses_are_not_found(self):
        for path in (
            f"/vergaderingen/{SLUG}-2021-03-05/",  # no meeting that day
            "/vergaderingen/technisch-overleg-2021-03-04/",  # another series' name
            f"/vergaderingen/{SLUG}/",  # no date
            f"/vergaderingen/{SLUG}-2021-3-4/",  # not a date as addresses write it
            "/vergaderingen/2021-03-04/",  # the SGO did not meet that day
            "/vergaderingen/-2021-01-19/",
            "/vergaderingen/../2021-01-19/",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_titles_name_the_series_but_for_the_sgo(self):
        response = self.client.get(self.made["march"].get_absolute_url())
        self.assertContains(
            response,
            '<h1 id="titel" class="utrecht-heading-1">'
            "Technisch Overleg Digikoppeling, donderdag 4 maart 2021</h1>",
            html=False,
        )
        self.assertContains(
            response, "<title>Technisch Overleg Digikoppeling, 4 maart 2021 – SGO-archief</title>"
        )
        self.assertNotContains(response, "Verslag SGO")

    def test_previous_and_next_stay_within_the_series(self):
        response = self.client.get(self.made["march_again"].get_absolute_url())
        self.assertEqual(response.context["previous"].pk, self.made["march"].pk)
        self.assertEqual(response.context["next"].pk, self.made["june"].pk)
        # The SGO's own last meeting has no next one, though the other series meets later.
        self.assertIsNone(self.client.get("/vergaderingen/2021-01-19/").context["next"])


class MeetingListTests(TwoSeriesTestCase):
    def test_the_series_filter_narrows_the_list(self):
        ours = set(Meeting.objects.filter(series=self.series).values_list("slug", flat=True))
        sgo = set(Meeting.objects.filter(series=self.sgo).values_list("slug", flat=True))
        self.assertEqual(len(ours), 3)
        self.assertEqual(self.slugs_in(self.client.get(f"/vergaderingen/?reeks={SLUG}")), ours)
        self.assertEqual(self.slugs_in(self.client.get("/vergaderingen/?reeks=sgo")), sgo)
        everything = self.slugs_in(self.client.get("/vergaderingen/"))
        self.assertEqual(everything, ours | sgo)
        combined = self.client.get(f"/vergaderingen/?reeks={SLUG}&jaar=2021&van=2021-05-01")
        self.assertEqual(self.slugs_in(combined), {self.made["june"].slug})

    def test_the_series_facet_counts_the_database(self):
        for query in ("", "?jaar=2021", "?ministerie=fin", f"?q={SHARED_WORD}"):
            with self.subTest(query=query):
                response = self.client.get(f"/vergaderingen/{query}")
                shown = {row["series"].slug: row["n"] for row in response.context["series_facets"]}
                listed = Meeting.objects.filter(pk__in=[m.pk for m in response.context["meetings"]])
                counted = dict(
                    listed.values_list("series__slug").annotate(n=Count("pk")).order_by()
                )
                self.assertEqual(shown, counted)
                self.assertEqual(len(shown), 2)
                self.assertTrue(response.context["show_series"])
                narrowed = f"{query[1:]}&amp;reeks={SLUG}" if query else f"reeks={SLUG}"
                self.assertContains(response, f'href="?{narrowed}"')

    def test_rows_name_their_series_only_when_the_list_holds_several(self):
        both = self.client.get("/vergaderingen/")
        self.assertContains(both, '<span class="sgo-series-label">Technisch Overleg Digikoppeling')
        self.assertContains(both, '<span class="sgo-series-label">Secretarissen-Generaal Overleg')
        one = self.client.get("/vergaderingen/?reeks=sgo")
        self.assertFalse(one.context["show_series"])
        self.assertNotContains(one, "sgo-series-label")
        self.assertContains(one, "Verslag SGO dinsdag 19 januari 2021")

    def test_the_filter_form_offers_the_series_and_a_chip_names_it(self):
        response = self.client.get(f"/vergaderingen/?reeks={SLUG}")
        self.assertContains(
            response,
            '<select class="utrecht-select utrecht-select--html-select" name="reeks" id="id_reeks"',
        )
        self.assertContains(response, f'<option value="{SLUG}"\n          selected>', html=False)
        chips = response.context["active_filters"]
        self.assertEqual([(c["label"], c["text"]) for c in chips], [("Reeks", self.series.name)])

    def test_an_unknown_series_is_a_bad_request(self):
        for url in (
            "/vergaderingen/?reeks=bestaat-niet",
            "/besluiten/?reeks=bestaat-niet",
            "/ministeries/fin/?reeks=bestaat-niet",
            "/zoeken/?q=verslag&reeks=nee",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Selecteer een geldige keuze", status_code=400)


class OtherListTests(TwoSeriesTestCase):
    def test_decisions_filter_by_series(self):
        response = self.client.get(f"/besluiten/?reeks={SLUG}&vastgesteld=ja")
        shown = {d.pk for d in response.context["decisions"]}
        expected = set(
            Decision.objects.filter(agenda_item__meeting__series=self.series).values_list(
                "pk", flat=True
            )
        )
        self.assertTrue(expected)
        self.assertEqual(shown, expected)
        sgo_page = self.client.get("/besluiten/?reeks=sgo&vastgesteld=ja")
        sgo = {d.pk for d in sgo_page.context["decisions"]}
        self.assertFalse(sgo & expected)
        self.assertContains(response, "Technisch Overleg Digikoppeling, 4 maart 2021")

    def test_ministry_and_topic_pages_filter_by_series(self):
        fin = Ministry.objects.get(abbreviation="FIN")
        topic = Topic.objects.get(slug="huisvesting")
        for url, items in (
            ("/ministeries/fin/", AgendaItem.objects.involving(fin)),
            ("/onderwerpen/huisvesting/", topic.agenda_items.all()),
        ):
            for series in (self.series, self.sgo):
                with self.subTest(url=url, series=series.slug):
                    response = self.client.get(f"{url}?reeks={series.slug}")
                    shown = {i.pk for i in response.context["items"]}
                    expected = set(
                        items.filter(meeting__series=series).values_list("pk", flat=True)
                    )
                    self.assertTrue(expected)
                    self.assertEqual(shown, expected)

    def test_a_ministry_timeline_follows_the_series_filter(self):
        response = self.client.get(f"/ministeries/fin/?reeks={SLUG}")
        bars = response.context["chart"]["bars"]
        # FIN is named in an item of two of the series' meetings (and the SGO's are left out).
        self.assertEqual(sum(bar["count"] for bar in bars), 2)


class SearchTests(TwoSeriesTestCase):
    def test_the_series_facet_counts_the_database(self):
        ids = search.item_ids(SHARED_WORD)
        counted = dict(
            AgendaItem.objects.filter(pk__in=ids)
            .values_list("meeting__series__slug")
            .annotate(n=Count("pk"))
            .order_by()
        )
        self.assertEqual(set(counted), {Series.SGO, SLUG})
        response = self.client.get(f"/zoeken/?q={SHARED_WORD}")
        facets = response.context["facets"]["series"]
        self.assertEqual({row["series"].slug: row["n"] for row in facets}, counted)
        self.assertContains(response, f'href="?q={SHARED_WORD}&amp;reeks={SLUG}"')

    def test_the_series_filter_narrows_the_results(self):
        total = self.client.get(f"/zoeken/?q={SHARED_WORD}").context["paginator"].count
        found = {}
        for series in (self.series, self.sgo):
            response = self.client.get(f"/zoeken/?q={SHARED_WORD}&reeks={series.slug}")
            results = list(response.context["results"])
            self.assertTrue(results)
            self.assertEqual({item.meeting.series_id for item in results}, {series.pk})
            found[series.slug] = response.context["paginator"].count
            facets = response.context["facets"]["series"]
            self.assertEqual(
                [(r["series"], r["n"]) for r in facets], [(series, found[series.slug])]
            )
        self.assertEqual(sum(found.values()), total)

    def test_a_result_names_its_meeting_with_its_series(self):
        response = self.client.get(f"/zoeken/?q={SHARED_WORD}&reeks={SLUG}")
        self.assertContains(response, "Technisch Overleg Digikoppeling, 10 juni 2021</time>")


class FeedAndExportTests(TwoSeriesTestCase):
    def feed_items(self, url: str) -> list[dict]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)
        return [
            {"title": item.findtext("title"), "link": item.findtext("link")}
            for item in root.iter("item")
        ]

    def test_the_meeting_feed_filters_by_series(self):
        items = self.feed_items(f"/vergaderingen/feed/?reeks={SLUG}")
        self.assertEqual(
            [i["title"] for i in items],
            [
                "Technisch Overleg Digikoppeling, 10 juni 2021",
                "Technisch Overleg Digikoppeling, 4 maart 2021",
                "Technisch Overleg Digikoppeling, 4 maart 2021",
            ],
        )
        sgo = self.feed_items("/vergaderingen/feed/?reeks=sgo")
        self.assertEqual(
            [i["title"] for i in sgo],
            ["Verslag SGO 19 januari 2021", "Verslag SGO 9 september 2020"],
        )

    def test_the_series_feed_holds_its_meetings(self):
        items = self.feed_items(f"/reeksen/{SLUG}/feed/")
        self.assertEqual(
            {i["link"].split("testserver", 1)[1] for i in items},
            {m.get_absolute_url() for m in Meeting.objects.filter(series=self.series)},
        )
        response = self.client.get(f"/reeksen/{SLUG}/feed/")
        self.assertContains(response, "<title>SGO-archief: Technisch Overleg Digikoppeling</title>")
        self.assertEqual(self.client.get("/reeksen/bestaat-niet/feed/").status_code, 404)

    def test_the_search_feed_filters_by_series(self):
        items = self.feed_items(f"/zoeken/feed/?q={SHARED_WORD}&reeks={SLUG}")
        self.assertTrue(items)
        for item in items:
            self.assertIn("(Technisch Overleg Digikoppeling, ", item["title"])
            self.assertIn(f"/vergaderingen/{SLUG}-", item["link"])

    def test_exports_filter_by_series_and_name_it(self):
        data = json.loads(
            b"".join(self.client.get(f"/vergaderingen/export.json?reeks={SLUG}").streaming_content)
        )
        self.assertEqual([m["series"] for m in data], [SLUG] * 3)
        self.assertEqual(
            [m["url"].split("testserver", 1)[1] for m in data],
            [
                m.get_absolute_url()
                for m in Meeting.objects.filter(series=self.series).order_by("date", "slug")
            ],
        )
        june = data[-1]
        self.assertEqual(june["text_origin"], "ocr")
        self.assertEqual(june["source_document"]["sha256"], hashlib.sha256(PDF).hexdigest())
        self.assertEqual(
            (june["source_document"]["first_page"], june["source_document"]["last_page"]), (3, 7)
        )
        self.assertEqual(june["source_document"]["ocr_pages"], [4, 5])
        self.assertIsNone(data[0]["source_document"])

        body = b"".join(
            self.client.get("/vergaderingen/export.csv?reeks=sgo").streaming_content
        ).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
        self.assertEqual([r["series"] for r in rows], ["sgo", "sgo"])
        self.assertEqual(
            [r["title"] for r in rows],
            ["Verslag SGO 9 september 2020", "Verslag SGO 19 januari 2021"],
        )


class SeriesPageTests(TwoSeriesTestCase):
    def test_the_series_list_has_counts_and_dutch_dates(self):
        response = self.client.get("/reeksen/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'href="/reeksen/{SLUG}/"')
        self.assertContains(response, "3\n      vergaderingen, van")
        self.assertContains(response, '<time datetime="2021-03-04">4 maart 2021</time> tot en')
        self.assertContains(response, '<time datetime="2021-06-10">10 juni 2021</time>')
        self.assertContains(response, "Overleg over de koppelvlakstandaard Digikoppeling")
        listed = [s.slug for s in response.context["series_list"]]
        self.assertEqual(listed[0], Series.SGO)
        self.assertEqual(set(listed), set(Series.objects.values_list("slug", flat=True)))
        counts = {s.slug: s.meeting_count for s in response.context["series_list"]}
        self.assertEqual(
            counts,
            {s.slug: s.meetings.count() for s in Series.objects.all()},
        )

    def test_a_series_page_shows_its_meetings_counts_and_feed(self):
        response = self.client.get(f"/reeksen/{SLUG}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [m.slug for m in response.context["meetings"]],
            # Newest first; a day's meetings in the order of their addresses.
            [f"{SLUG}-2021-06-10", f"{SLUG}-2021-03-04", f"{SLUG}-2021-03-04-2"],
        )
        totals = response.context["totals"]
        self.assertEqual(totals["meetings"], 3)
        self.assertEqual(
            totals["items"], AgendaItem.objects.filter(meeting__series=self.series).count()
        )
        self.assertContains(response, f'href="/reeksen/{SLUG}/feed/"', count=2)
        self.assertContains(response, f'href="/vergaderingen/?reeks={SLUG}"')
        self.assertContains(response, "Overleg over de koppelvlakstandaard")
        self.assertContains(response, "3 vergaderingen, nieuwste eerst.")

    def test_an_empty_series_says_so_and_links_back(self):
        response = self.client.get(f"/reeksen/{Series.OTHER}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Deze reeks bevat nog geen vergaderingen.")
        self.assertContains(response, 'href="/reeksen/"')
        self.assertContains(response, 'href="/vergaderingen/"')
        self.assertEqual(self.client.get("/reeksen/bestaat-niet/").status_code, 404)

    def test_navigation_and_home_page_offer_the_series(self):
        for url in ("/", "/vergaderingen/", "/reeksen/", self.made["march"].get_absolute_url()):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), 'sgo-nav__link"\n  href="/reeksen/"')
        home = self.client.get("/")
        self.assertContains(home, "Per reeks")
        counts = {row["series"].slug: row["n"] for row in home.context["series_facets"]}
        self.assertEqual(counts, {Series.SGO: 2, SLUG: 3})
        self.assertContains(home, "Technisch Overleg Digikoppeling, 10 juni 2021")

    def test_the_sitemap_lists_series_that_hold_meetings(self):
        body = self.client.get("/sitemap.xml").content.decode()
        self.assertIn(f"/reeksen/{SLUG}/</loc>", body)
        self.assertIn("/reeksen/sgo/</loc>", body)
        self.assertIn("/reeksen/</loc>", body)
        self.assertNotIn(f"/reeksen/{Series.OTHER}/</loc>", body)
        self.assertIn(f"/vergaderingen/{SLUG}-2021-03-04-2/</loc>", body)


class OneSeriesTests(TestCase):
    """The shared archive alone: all its meetings are the SGO's."""

    def test_no_series_navigation_column_or_filter_with_one_series(self):
        for url in ("/", "/vergaderingen/", "/vergaderingen/2021-01-19/", "/besluiten/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, 'href="/reeksen/"')
                self.assertNotContains(response, "sgo-series-label")
                self.assertNotContains(response, 'name="reeks"')
        self.assertNotContains(self.client.get("/"), "Per reeks")

    def test_the_series_pages_are_there_all_the_same(self):
        response = self.client.get("/reeksen/sgo/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["totals"]["meetings"], 2)
        self.assertContains(response, "Verslag SGO dinsdag 19 januari 2021")


class ProvenanceTests(TwoSeriesTestCase):
    def test_a_pdf_meeting_names_its_source_pages_and_digest(self):
        response = self.client.get(self.made["june"].get_absolute_url())
        sha = hashlib.sha256(PDF).hexdigest()
        self.assertContains(
            response, f"<dt>Bron</dt><dd>{PDF_NAME},\n          pagina&#x27;s 3–7</dd>"
        )
        self.assertContains(response, f'<code class="sgo-hash">{sha}</code>')
        self.assertContains(response, f'href="/bronnen/{sha}/" download>Oorspronkelijke pdf')
        self.assertContains(response, f"({len(PDF)}\xa0bytes,\n        9 pagina&#x27;s)")
        self.assertContains(response, "Tekst zoals uit de pdf gelezen")
        self.assertNotContains(response, "<dt>Tekencodering</dt>")

    def test_ocr_is_said_with_its_pages_and_what_it_means_for_readers(self):
        response = self.client.get(self.made["june"].get_absolute_url())
        self.assertContains(response, "<strong>Tekst via OCR.</strong>")
        self.assertContains(
            response, "Pagina&#x27;s 4–5 van de pdf\n      waren scans zonder tekst"
        )
        self.assertContains(response, "woorden\n      verkeerd gelezen zijn")
        self.assertContains(response, "tekst via OCR\n          (pagina&#x27;s 4–5),")
        # The same meeting from the text layer: no OCR note.
        Meeting.objects.filter(pk=self.made["june"].pk).update(
            text_origin=Meeting.TextOrigin.PDF, ocr_pages=[]
        )
        layer = self.client.get(self.made["june"].get_absolute_url())
        self.assertNotContains(layer, "OCR")
        self.assertContains(layer, "<dt>Tekst</dt><dd>tekstlaag van de pdf")

    def test_a_text_file_meeting_shows_what_it_showed(self):
        response = self.client.get("/vergaderingen/2021-01-19/")
        meeting = response.context["meeting"]
        self.assertContains(response, f"<dt>Bronbestand</dt><dd>{meeting.source_name}</dd>")
        self.assertContains(response, f'<code class="sgo-hash">{meeting.sha256}</code>')
        self.assertContains(response, "<dt>Tekencodering</dt>")
        self.assertContains(response, "Oorspronkelijke tekst (zoals geïmporteerd)")
        self.assertNotContains(response, "/bronnen/")
        self.assertNotContains(response, "OCR")

    def test_the_pdf_downloads_as_it_was_stored(self):
        sha = hashlib.sha256(PDF).hexdigest()
        response = self.client.get(f"/bronnen/{sha}/")
        self.assertEqual(response.status_code, 200)
        body = b"".join(response.streaming_content)
        self.assertEqual(body, PDF)
        self.assertTrue(body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF"))
        self.assertEqual(hashlib.sha256(body).hexdigest(), sha)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{PDF_NAME}"')
        self.assertEqual(response["Content-Length"], str(len(PDF)))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_head_is_allowed_and_other_methods_are_not(self):
        sha = hashlib.sha256(PDF).hexdigest()
        head = self.client.head(f"/bronnen/{sha}/")
        self.assertEqual(head.status_code, 200)
        self.assertEqual(b"".join(head.streaming_content), b"")
        self.assertEqual(head["Content-Length"], str(len(PDF)))
        self.assertEqual(self.client.post(f"/bronnen/{sha}/").status_code, 405)

    def test_unknown_or_unused_documents_are_not_found(self):
        self.assertEqual(self.client.get(f"/bronnen/{'0' * 64}/").status_code, 404)
        self.assertEqual(self.client.get("/bronnen/ABC/").status_code, 404)
        unused = SourceDocument.objects.create(
            name="los.pdf",
            sha256="1" * 64,
            size=len(PDF),
            file=ContentFile(PDF, name="los.pdf"),
            imported_at=timezone.now(),
        )
        self.assertEqual(self.client.get(f"/bronnen/{unused.sha256}/").status_code, 404)

    def test_a_download_name_never_carries_a_path_or_control_characters(self):
        document = self.made["document"]
        SourceDocument.objects.filter(pk=document.pk).update(name="map\\sub/rapport\u202etxt.pdf")
        response = self.client.get(f"/bronnen/{document.sha256}/")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="rapport\\\\u202etxt.pdf"'
        )
        b"".join(response.streaming_content)


class ConverterTests(TestCase):
    def test_a_series_meeting_slug_reverses_and_resolves_to_the_meeting_page(self):
        slug = Series(slug=SLUG).meeting_slug(date(2021, 3, 4)) + "-12"
        url = reverse("minutes:meeting_detail", kwargs={"slug": slug})
        self.assertEqual(url, f"/vergaderingen/{SLUG}-2021-03-04-12/")
        self.assertEqual(resolve(url).url_name, "meeting_detail")
        self.assertEqual(resolve(url).kwargs, {"slug": slug})


class AdminTests(TwoSeriesTestCase):
    def setUp(self) -> None:
        from django.contrib.auth.models import User

        self.client.force_login(User.objects.create_superuser("beheerder", password="x" * 16))

    def test_series_list_counts_meetings_and_searches(self):
        response = self.client.get(reverse("admin:minutes_series_changelist"))
        self.assertEqual(response.status_code, 200)
        rows = {s.slug: s for s in response.context["cl"].result_list}
        for series in Series.objects.all():
            self.assertEqual(rows[series.slug].meeting_count, series.meetings.count())
        self.assertEqual(rows[SLUG].first, date(2021, 3, 4))
        self.assertEqual(rows[SLUG].last, date(2021, 6, 10))
        found = self.client.get(reverse("admin:minutes_series_changelist"), {"q": "digikoppeling"})
        self.assertEqual([s.slug for s in found.context["cl"].result_list], [SLUG])

    def test_a_new_series_gets_its_slug_from_its_name_a_stored_one_keeps_it(self):
        add = self.client.get(reverse("admin:minutes_series_add"))
        self.assertContains(add, "data-prepopulated-field")
        self.assertIn("slug", add.context["adminform"].form.fields)
        change = self.client.get(reverse("admin:minutes_series_change", args=[self.series.pk]))
        self.assertNotIn("slug", change.context["adminform"].form.fields)
        self.client.post(
            reverse("admin:minutes_series_change", args=[self.series.pk]),
            {"name": "Technisch Overleg DK", "short_name": "TO DK", "description": "x"},
        )
        self.series.refresh_from_db()
        self.assertEqual((self.series.name, self.series.slug), ("Technisch Overleg DK", SLUG))

    def test_the_import_series_cannot_be_deleted(self):
        for slug in (Series.SGO, Series.OTHER):
            pk = Series.objects.get(slug=slug).pk
            response = self.client.get(reverse("admin:minutes_series_delete", args=[pk]))
            self.assertEqual(response.status_code, 403)

    def test_source_documents_are_listed_read_only(self):
        document = self.made["document"]
        response = self.client.get(reverse("admin:minutes_sourcedocument_changelist"))
        self.assertContains(response, PDF_NAME)
        self.assertContains(response, "4, 5")  # the OCR pages
        self.assertContains(response, f'<code title="{document.sha256}">')
        self.assertContains(
            response, reverse("admin:minutes_meeting_change", args=[self.made["june"].pk])
        )
        self.assertNotContains(response, reverse("admin:minutes_sourcedocument_add"))
        view = self.client.get(reverse("admin:minutes_sourcedocument_change", args=[document.pk]))
        self.assertEqual(view.status_code, 200)
        self.assertContains(view, f'href="/bronnen/{document.sha256}/"')
        self.assertNotContains(view, 'type="submit" value="Opslaan"')
        self.assertEqual(
            self.client.get(reverse("admin:minutes_sourcedocument_add")).status_code, 403
        )

    def test_meetings_are_listed_and_filtered_by_series(self):
        url = reverse("admin:minutes_meeting_changelist")
        response = self.client.get(url, {"series__id__exact": self.series.pk})
        self.assertEqual(
            {m.slug for m in response.context["cl"].result_list},
            set(self.series.meetings.values_list("slug", flat=True)),
        )
        self.assertContains(
            response, '<td class="field-series nowrap">Technisch Overleg Digikoppeling</td>'
        )


class ImportedSeriesIndexTests(IndexTestCase):
    """The index documents an import prepares carry their meeting's series too."""

    def test_an_imported_meeting_is_found_under_its_series(self):
        series = Series.objects.create(name="Stuurgroep Koppelingen", slug="stuurgroep-koppelingen")
        data = minutes("7 april 2021", [("Thuiswerken", f"Over {SHARED_WORD} en koppelingen.")])
        with self.captureOnCommitCallbacks(execute=True):
            result = import_batch([SourceFile("sk-2021-04-07.txt", data)], series=series)
        self.assertEqual(result.count("imported"), 1, result.outcomes)
        meeting = Meeting.objects.get(series=series)
        self.assertEqual(meeting.slug, "stuurgroep-koppelingen-2021-04-07")
        ours = set(meeting.agenda_items.values_list("pk", flat=True))
        found = search.item_ids(SHARED_WORD, filters=search.Filters(series=(series.pk,)))
        self.assertTrue(found)
        self.assertEqual(set(found), ours & set(search.item_ids(SHARED_WORD)))
        sgo = Series.objects.get(slug=Series.SGO)
        in_sgo = set(search.item_ids(SHARED_WORD, filters=search.Filters(series=(sgo.pk,))))
        self.assertFalse(in_sgo & ours)
        facets = search.ranked(SHARED_WORD).facets()["series"]
        self.assertIn({"series": series, "n": len(found)}, facets)
