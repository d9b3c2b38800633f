"""Decisions by subject (issue 14): /besluiten/?q=, the routine filter, facets, feed and
exports, and the decisions under search results; on the shared archive (the samples).

The samples hold five decisions: two adopt the previous minutes ("verslag vastgesteld",
the routine ones), one consents (2021, item 4, JenV), two agree (2020's inserted item
on housing; 2021's rondvraag, BZK and EZK).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from django.db.models import Exists, OuterRef
from django.test import TestCase, override_settings

from minutes.models import Decision, Ministry, MinistryMention, Series

ADOPTED = Decision.Kind.ADOPTED


def pks(response) -> set[int]:
    return {d.pk for d in response.context["decisions"]}


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


class DecisionQueryTests(TestCase):
    def test_a_query_finds_decisions_by_their_own_text(self):
        consented = Decision.objects.get(kind=Decision.Kind.CONSENTED)
        response = self.client.get("/besluiten/", {"q": "governance"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(pks(response), {consented.pk})
        self.assertEqual(response.context["paginator"].count, 1)
        self.assertContains(response, "Besluiten over “governance”")
        # The query stays in the page's own box, not in the filters or as a chip.
        self.assertContains(response, 'id="besluiten-q"')
        self.assertContains(response, 'id="besluiten-q"\n      name="q" value="governance"')
        self.assertContains(response, '<input type="hidden" name="q" value="governance">')
        self.assertEqual(response.context["active_filters"], [])
        # The match is marked; the header's box (all agenda items) is left empty.
        self.assertContains(response, "dat de <mark>governance</mark> minder klassiek")
        self.assertContains(response, 'id="sgo-zoekterm"\n        name="q" value=""')

    def test_the_query_language_of_search(self):
        agreed = set(
            Decision.objects.filter(kind=Decision.Kind.AGREED).values_list("pk", flat=True)
        )
        either = self.client.get("/besluiten/", {"q": "governance or aansluitend"})
        consented = Decision.objects.get(kind=Decision.Kind.CONSENTED).pk
        self.assertIn(consented, pks(either))
        self.assertTrue(pks(either) & agreed)
        phrase = self.client.get("/besluiten/", {"q": '"volgende vergadering"'})
        self.assertEqual(len(pks(phrase)), 1)
        excluded = self.client.get("/besluiten/", {"q": "SGO -vergadering"})
        self.assertNotIn(pks(phrase).pop(), pks(excluded))

    def test_no_match_says_so_and_offers_the_agenda_items(self):
        response = self.client.get("/besluiten/", {"q": "thuiswerken"})
        self.assertEqual(pks(response), set())
        self.assertContains(response, "Geen besluiten gevonden over “thuiswerken”")
        self.assertContains(response, 'href="/zoeken/?q=thuiswerken"')
        # No filter is set: nothing offers to drop filters.
        self.assertNotContains(response, "zonder filters")
        filtered = self.client.get("/besluiten/", {"q": "thuiswerken", "jaar": "2020"})
        self.assertContains(filtered, "met deze filters; ")
        self.assertContains(filtered, 'href="/besluiten/?q=thuiswerken">zoek zonder filters</a>')

    def test_bad_query_syntax_never_fails(self):
        for query in [
            '"open',
            "-",
            "or",
            "or or",
            "***",
            "a & | ! <-> b",
            "<script>",
            "5.1.2e*",
            "\x00",
        ]:
            with self.subTest(query=query):
                response = self.client.get("/besluiten/", {"q": query})
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "<script>")
        too_long = self.client.get("/besluiten/", {"q": "woord " * 400})
        self.assertEqual(too_long.status_code, 400)
        self.assertContains(too_long, "Deze filters kunnen niet worden toegepast", status_code=400)


class RoutineFilterTests(TestCase):
    def test_routine_decisions_are_hidden_by_default(self):
        response = self.client.get("/besluiten/")
        routine = set(Decision.objects.filter(kind=ADOPTED).values_list("pk", flat=True))
        rest = set(Decision.objects.exclude(kind=ADOPTED).values_list("pk", flat=True))
        self.assertEqual(len(routine), 2)
        self.assertEqual(pks(response), rest)
        self.assertEqual(response.context["paginator"].count, len(rest))
        self.assertEqual(response.context["hidden_routine"], 2)
        self.assertContains(response, "2 vastgestelde verslagen")
        self.assertContains(response, 'href="?vastgesteld=ja"')
        # The checkbox that shows them, unchecked.
        self.assertContains(
            response,
            '<input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" '
            'name="vastgesteld"\n        value="ja" id="id_vastgesteld" >',
            html=False,
        )

    def test_routine_decisions_shown_on_request(self):
        response = self.client.get("/besluiten/", {"vastgesteld": "ja"})
        self.assertEqual(pks(response), set(Decision.objects.values_list("pk", flat=True)))
        self.assertEqual(response.context["hidden_routine"], 0)
        self.assertNotContains(response, "vastgestelde verslagen\n      niet getoond")
        self.assertContains(response, 'id="id_vastgesteld" checked')
        # A chip says so and takes it back.
        chips = [c["label"] for c in response.context["active_filters"]]
        self.assertEqual(chips, ["Ook vastgestelde verslagen tonen"])

    def test_a_chosen_kind_is_shown_whatever_the_default(self):
        response = self.client.get("/besluiten/", {"soort": "adopted"})
        self.assertEqual(
            pks(response), set(Decision.objects.filter(kind=ADOPTED).values_list("pk", flat=True))
        )
        self.assertEqual(response.context["hidden_routine"], 0)

    def test_a_query_hides_the_routine_matches_and_says_how_many(self):
        response = self.client.get("/besluiten/", {"q": "vastgesteld"})
        self.assertEqual(pks(response), set())
        self.assertEqual(response.context["hidden_routine"], 2)
        self.assertContains(response, 'href="?q=vastgesteld&amp;vastgesteld=ja"')


class DecisionFacetTests(TestCase):
    """Every facet count equals a count made here, straight from the database."""

    URLS = [
        ("/besluiten/", {}),
        ("/besluiten/?vastgesteld=ja", {"routine": True}),
        ("/besluiten/?jaar=2021", {"year": 2021}),
        ("/besluiten/?ministerie=bzk&vastgesteld=ja", {"ministry": "bzk", "routine": True}),
        ("/besluiten/?q=SGO", {"query": True}),
    ]

    def expected(self, year=None, ministry=None, routine=False, query=False):
        decisions = Decision.objects.all()
        if not routine:
            decisions = decisions.exclude(kind=ADOPTED)
        if year:
            decisions = decisions.filter(agenda_item__meeting__date__year=year)
        if ministry:
            decisions = decisions.filter(
                Exists(
                    MinistryMention.objects.filter(
                        agenda_item=OuterRef("agenda_item"), ministry__slug=ministry
                    )
                )
            )
        if query:
            decisions = decisions.filter(text__icontains="SGO")
        return decisions

    def test_facets_equal_database_counts(self):
        for url, params in self.URLS:
            with self.subTest(url=url):
                decisions = self.expected(**params)
                self.assertTrue(decisions.exists())
                context = self.client.get(url).context
                self.assertEqual(pks_of(context), set(decisions.values_list("pk", flat=True)))
                kinds = {row["kind"]: row["n"] for row in context["kind_facets"]}
                self.assertEqual(kinds, {k: decisions.filter(kind=k).count() for k in kinds})
                self.assertEqual(sum(kinds.values()), decisions.count())
                years = {row["year"]: row["n"] for row in context["year_facets"]}
                expected_years = {
                    d.year: decisions.filter(agenda_item__meeting__date__year=d.year).count()
                    for d in decisions.dates("agenda_item__meeting__date", "year")
                }
                self.assertEqual(years, expected_years)
                ministries = {row["ministry"].slug: row["n"] for row in context["ministry_facets"]}
                expected_ministries = {}
                for ministry in Ministry.objects.all():
                    n = decisions.filter(
                        Exists(
                            MinistryMention.objects.filter(
                                agenda_item=OuterRef("agenda_item"), ministry=ministry
                            )
                        )
                    ).count()
                    if n:
                        expected_ministries[ministry.slug] = n
                self.assertEqual(ministries, expected_ministries)
                series = {row["series"].slug: row["n"] for row in context["series_facets"]}
                expected_series = {
                    s.slug: decisions.filter(agenda_item__meeting__series=s).count()
                    for s in Series.objects.all()
                    if decisions.filter(agenda_item__meeting__series=s).exists()
                }
                self.assertEqual(series, expected_series)

    def test_facets_link_to_narrower_lists(self):
        response = self.client.get("/besluiten/")
        self.assertContains(response, 'href="?jaar=2021"')
        self.assertContains(response, 'href="?soort=agreed"')
        self.assertContains(response, 'href="?ministerie=bzk"')


def pks_of(context) -> set[int]:
    return {d.pk for d in context["paginator"].object_list}


class DecisionFeedTests(TestCase):
    def items(self, url: str) -> list[ET.Element]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        return list(ET.fromstring(response.content).iter("item"))

    def test_the_feed_lists_the_filtered_decisions_newest_first(self):
        items = self.items("/besluiten/feed/")
        expected = Decision.objects.exclude(kind=ADOPTED).order_by(
            "-agenda_item__meeting__date", "-agenda_item__position"
        )
        self.assertEqual(len(items), expected.count())
        self.assertEqual(
            [i.findtext("description") for i in items],
            [d.text.replace("'", "&#x27;") for d in expected],
        )
        self.assertEqual(
            items[0].findtext("link"), "http://testserver/vergaderingen/2021-01-19/#punt-6"
        )
        self.assertTrue(items[0].findtext("title").startswith("afgesproken: Rondvraag"))
        self.assertEqual(
            len(self.items("/besluiten/feed/?vastgesteld=ja")), Decision.objects.count()
        )
        governance = self.items("/besluiten/feed/?q=governance")
        self.assertEqual(len(governance), 1)
        self.assertIn("governance", governance[0].findtext("description"))
        self.assertEqual(self.items("/besluiten/feed/?jaar=abc"), [])

    def test_the_list_links_its_feed_and_exports_with_its_filters(self):
        response = self.client.get("/besluiten/", {"jaar": "2021", "page": "1"})
        for path in ("feed/", "export.csv", "export.json"):
            self.assertContains(response, f'href="/besluiten/{path}?jaar=2021"')
        self.assertContains(response, 'type="application/rss+xml"')


class DecisionExportTests(TestCase):
    def rows(self, url: str) -> list[dict]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.DictReader(io.StringIO(body_of(response)), delimiter=";"))

    def test_csv_holds_the_filtered_decisions(self):
        rows = self.rows("/besluiten/export.csv")
        expected = Decision.objects.exclude(kind=ADOPTED).order_by(
            "agenda_item__meeting__date", "agenda_item__position", "position"
        )
        self.assertEqual([r["text"] for r in rows], [d.text for d in expected])
        self.assertEqual(rows[0]["item"], "Ingelast")
        self.assertEqual(rows[-1]["url"], "http://testserver/vergaderingen/2021-01-19/#punt-6")
        self.assertEqual(rows[-1]["kind"], "agreed")
        self.assertEqual(len(self.rows("/besluiten/export.csv?vastgesteld=ja")), 5)
        governance = self.rows("/besluiten/export.csv?q=governance")
        self.assertEqual([r["kind"] for r in governance], ["consented"])

    def test_csv_cells_never_run_as_formulas(self):
        item = Decision.objects.get(kind=Decision.Kind.CONSENTED).agenda_item
        Decision.objects.create(
            agenda_item=item, position=9, kind=Decision.Kind.DECIDED, text="=HYPERLINK(1)"
        )
        rows = self.rows("/besluiten/export.csv?soort=decided")
        self.assertEqual([r["text"] for r in rows], ["'=HYPERLINK(1)"])
        data = json.loads(body_of(self.client.get("/besluiten/export.json?soort=decided")))
        self.assertEqual([d["text"] for d in data], ["=HYPERLINK(1)"])  # JSON is data, as it is

    def test_json_holds_the_filtered_decisions(self):
        response = self.client.get("/besluiten/export.json?jaar=2021")
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        data = json.loads(body_of(response))
        self.assertEqual(
            [(d["item"], d["kind"]) for d in data], [("4", "consented"), ("6", "agreed")]
        )
        self.assertEqual(data[0]["date"], "2021-01-19")
        self.assertEqual(data[0]["series"], "sgo")
        self.assertEqual(data[0]["meeting_url"], "http://testserver/vergaderingen/2021-01-19/")
        bad = self.client.get("/besluiten/export.json?jaar=abc")
        self.assertEqual(bad.status_code, 400)
        self.assertIn("jaar", json.loads(bad.content)["errors"])

    @override_settings(SGO_EXPORT_MAX_ROWS=2)
    def test_exports_over_the_limit_are_refused_whole(self):
        for path in ("export.csv", "export.json"):
            with self.subTest(path=path):
                refused = self.client.get(f"/besluiten/{path}?vastgesteld=ja")
                self.assertEqual(refused.status_code, 400)
                self.assertContains(refused, "5", status_code=400)
                self.assertContains(refused, 'href="/besluiten/?vastgesteld=ja"', status_code=400)
                fits = self.client.get(f"/besluiten/{path}?jaar=2021")
                self.assertEqual(fits.status_code, 200)


class SearchShowsDecisionsTests(TestCase):
    def test_results_show_their_items_decisions(self):
        response = self.client.get("/zoeken/", {"q": "governance"})
        consented = Decision.objects.get(kind=Decision.Kind.CONSENTED)
        result = next(i for i in response.context["results"] if i.pk == consented.agenda_item_id)
        self.assertEqual(len(result.decision_headlines), 1)
        self.assertEqual(result.decision_headlines[0]["kind"], "ingestemd")
        self.assertContains(response, '<ul class="sgo-result__decisions" aria-label="Besluit">')
        self.assertContains(response, "<mark>governance</mark> minder klassiek")
        # Items without a decision show none.
        others = [i for i in response.context["results"] if i.pk != consented.agenda_item_id]
        self.assertTrue(all(not i.decision_headlines for i in others if not i.decisions.exists()))


class SearchPageTests(TestCase):
    def test_one_query_box_on_the_search_page(self):
        response = self.client.get("/zoeken/", {"q": "thuiswerken", "jaar": "2021"})
        self.assertContains(response, 'name="q"', count=2)  # the box, and the filters' hidden copy
        self.assertContains(response, 'type="hidden" name="q" value="thuiswerken"')
        self.assertNotContains(response, 'id="sgo-zoekterm"')  # not the header's box
        self.assertEqual([c["label"] for c in response.context["active_filters"]], ["Jaar"])
        self.assertContains(response, '<details class="sgo-filters" >')
        self.assertContains(response, "Filters\n        (1 actief)</summary>")
        # Other pages keep the header's box.
        self.assertContains(self.client.get("/besluiten/"), 'id="sgo-zoekterm"')

    def test_the_empty_state_names_only_what_is_set(self):
        bare = self.client.get("/zoeken/", {"q": "onbestaandwoordxyz"})
        self.assertContains(bare, "Geen agendapunten gevonden voor “onbestaandwoordxyz”.")
        self.assertNotContains(bare, "zonder filters")
        filtered = self.client.get("/zoeken/", {"q": "onbestaandwoordxyz", "jaar": "2020"})
        self.assertContains(filtered, "met jaar 2020.")
        self.assertContains(
            filtered, 'href="/zoeken/?q=onbestaandwoordxyz">Zoek\n          zonder filters'
        )

    def test_filter_errors_open_the_filters(self):
        response = self.client.get("/zoeken/", {"q": "thuiswerken", "van": "nee"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, '<details class="sgo-filters" open>', status_code=400)
