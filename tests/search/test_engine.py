"""Full-text search: Dutch stemming, accents, syntax, ranking, facets, safety.

Everything runs on a real PostgreSQL with the `dutch_unaccent` configuration. The
two sample minutes are imported through the real import service; a few small,
invented minutes (redaction codes instead of names) add what the samples lack.
"""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from minutes import search
from minutes.models import AgendaItem, MinistryMention
from minutes.search import vocabulary
from minutes.services import SourceFile, import_batch
from tests.archive import IndexedTestCase, items_where, minutes

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
MANY = 25  # more matches than one page of results (20)
FEW = 6  # fewer than one page, but enough (5+) that no typo suggestion is looked up


INVENTED = [
    SourceFile(
        name="sgo-2022-03-08.txt",
        data=minutes(
            "8 maart 2022",
            [
                ("Opening en mededelingen", "Geen mededelingen."),
                # Body only, and before the title hit: without ranking it would come first.
                ("Inventaris", "Bij de verhuizing is een kompasnaald zoekgeraakt."),
                ("Kompasnaald", "Besproken."),
                (
                    "Begroting",
                    "De vergaderkamer krijgt volgend jaar een zonnepaneel. "
                    "De begroting van Financiën wordt toegelicht.",
                ),
                ("Weglakking", "Een passage in de bijlage is weggelakt op grond van 5.1.2i."),
            ],
        ),
    ),
    SourceFile(
        name="sgo-2022-04-12.txt",
        data=minutes(
            "12 april 2022",
            [
                ("Opening en mededelingen", "Geen mededelingen."),
                (
                    f"Beveiligingstest {SCRIPT}",
                    f"In de notitie staat letterlijk {SCRIPT} als voorbeeld bij de "
                    "kwetsbaarheidstest van de website.",
                ),
            ],
        ),
    ),
    SourceFile(
        name="sgo-2022-05-10.txt",
        data=minutes(
            "10 mei 2022",
            [
                (
                    f"Onderdeel {n}",
                    "De zandloper loopt." + (" Een lantaarn brandt." if n <= FEW else ""),
                )
                for n in range(1, MANY + 1)
            ],
        ),
    ),
]


def text_of(item: AgendaItem) -> str:
    return f"{item.title}\n{item.body}"


def matching_ids(query: str) -> set[int]:
    """Every item a query matches, asked of the search index directly (no page, no view)."""
    return set(search.item_ids(query))


def item(slug: str, anchor: str) -> AgendaItem:
    return AgendaItem.objects.get(meeting__slug=slug, anchor=anchor)


class SearchTestCase(IndexedTestCase):
    @classmethod
    def setUpTestData(cls):
        result = import_batch(INVENTED)
        assert not result.failed, result.failed
        assert result.count("imported") == len(INVENTED)
        super().setUpTestData()  # index the invented minutes beside the shared archive
        cls.work = item("2021-01-19", "punt-3")  # Presentatie Rijksdienst 2022
        cls.housing = item("2020-09-09", "punt-ingelast")  # stand van zaken regels huisvesting
        cls.body_hit = item("2022-03-08", "punt-2")
        cls.title_hit = item("2022-03-08", "punt-3")
        cls.budget = item("2022-03-08", "punt-4")
        cls.code_i = item("2022-03-08", "punt-5")
        cls.hostile = item("2022-04-12", "punt-2")

    def found(self, query: str, **params) -> list[AgendaItem]:
        """The items /zoeken/ lists for a query (first page), in their order."""
        response = self.client.get("/zoeken/", {"q": query, **params})
        self.assertEqual(response.status_code, 200)
        return list(response.context["results"])

    def found_ids(self, query: str) -> set[int]:
        return matching_ids(query)


class InventedMinutesTests(SearchTestCase):
    def test_the_invented_minutes_are_parsed_as_meant(self):
        self.assertEqual(self.title_hit.title, "Kompasnaald")
        self.assertIn("kompasnaald", self.body_hit.body)
        self.assertNotIn("ompasnaald", self.body_hit.title)
        self.assertEqual(self.hostile.title, f"Beveiligingstest {SCRIPT}")
        self.assertIn(SCRIPT, self.hostile.body)
        self.assertEqual(AgendaItem.objects.filter(meeting__slug="2022-05-10").count(), MANY)


class StemmingAndAccentTests(SearchTestCase):
    def test_a_plural_finds_the_singular(self):
        with_verslag = items_where(r"\bverslag\b")
        self.assertGreaterEqual(len(with_verslag), 3)
        self.assertEqual(self.found_ids("verslagen"), items_where(r"\bverslag(en)?\b"))
        self.assertLessEqual(with_verslag, {i.pk for i in self.found("verslagen")})

    def test_a_stem_finds_the_verb(self):
        self.assertEqual(items_where(r"\bthuiswerk\b"), set())
        expected = items_where(r"\bthuiswerken\b")
        self.assertEqual(expected, {self.work.pk, self.housing.pk})
        self.assertEqual({i.pk for i in self.found("thuiswerk")}, expected)

    def test_accents_are_folded_both_ways(self):
        self.assertEqual({i.pk for i in self.found("Financien")}, {self.budget.pk})
        self.assertEqual({i.pk for i in self.found("financiën")}, {self.budget.pk})
        self.assertIn("financiële", self.work.body)
        self.assertEqual({i.pk for i in self.found("financiele")}, items_where("financiële"))
        self.assertIn(self.work.pk, {i.pk for i in self.found("financiele")})


class SyntaxTests(SearchTestCase):
    def test_a_quoted_phrase_finds_the_words_together(self):
        self.assertIn("'hybride werken'", self.work.body)
        self.assertEqual({i.pk for i in self.found('"hybride werken"')}, {self.work.pk})

    def test_a_phrase_whose_words_only_occur_apart_does_not_match(self):
        # Both words are in one item, but not next to each other.
        self.assertEqual(self.found_ids("vergaderkamer zonnepaneel"), {self.budget.pk})
        self.assertEqual(self.found('"vergaderkamer zonnepaneel"'), [])
        self.assertEqual(self.found('"zonnepaneel vergaderkamer"'), [])
        # In the sample, "thuiswerken en dat onderzoek": stop words still count as gaps.
        self.assertEqual(self.found('"thuiswerken onderzoek"'), [])

    def test_minus_excludes(self):
        self.assertIn("onderzoek", self.work.body)
        self.assertNotIn("onderzoek", self.housing.body)
        ids = {i.pk for i in self.found("thuiswerken -onderzoek")}
        self.assertEqual(ids, {self.housing.pk})

    def test_or_finds_either(self):
        infections = items_where(r"\bbesmettingscijfers\b")
        assessment = items_where(r"\bafwegingskader\b")
        self.assertTrue(infections and assessment and not infections & assessment)
        self.assertEqual(self.found_ids("besmettingscijfers afwegingskader"), set())
        ids = {i.pk for i in self.found("besmettingscijfers or afwegingskader")}
        self.assertEqual(ids, infections | assessment)
        self.assertEqual({i.pk for i in self.found("besmettingscijfers OR afwegingskader")}, ids)

    def test_words_joined_by_a_slash_are_found(self):
        rondvraag = item("2020-09-09", "punt-4")
        self.assertIn("inreisverbod/quarantaine-advies", rondvraag.body)
        self.assertIn(rondvraag.pk, self.found_ids("quarantaine"))


class RedactionCodeTests(SearchTestCase):
    def test_a_code_finds_the_items_carrying_it(self):
        expected = items_where(r"(?<![\w.])5\.1\.2\.?e(?!\w)")
        self.assertGreaterEqual(len(expected), 3)
        self.assertEqual({i.pk for i in self.found("5.1.2e")}, expected)

    def test_another_letter_finds_only_its_own_code(self):
        self.assertEqual(items_where(r"5\.1\.2i"), {self.code_i.pk})
        self.assertEqual({i.pk for i in self.found("5.1.2i")}, {self.code_i.pk})

    def test_a_found_code_is_marked_whole_and_labelled(self):
        response = self.client.get("/zoeken/", {"q": "5.1.2i"})
        self.assertContains(response, '<mark><span class="redaction" title="Weggelakt, Woo-grond')


class RankingTests(SearchTestCase):
    def test_a_title_hit_outranks_a_body_hit(self):
        results = self.found("kompasnaald")
        self.assertEqual([i.pk for i in results], [self.title_hit.pk, self.body_hit.pk])
        self.assertGreater(results[0].rank, results[1].rank)

    def test_sorting_by_date_ignores_the_rank(self):
        results = self.found("kompasnaald", sorteer="oud")
        self.assertEqual([i.pk for i in results], [self.body_hit.pk, self.title_hit.pk])


class FacetTests(SearchTestCase):
    def expected_facets(self, ids: set[int]) -> dict:
        items = AgendaItem.objects.filter(pk__in=ids).select_related("meeting")
        years = Counter(item.meeting.date.year for item in items)
        ministries = Counter()
        for pk in ids:
            ministries.update(
                set(
                    MinistryMention.objects.filter(agenda_item=pk).values_list(
                        "ministry__abbreviation", flat=True
                    )
                )
            )
        topics = Counter(
            slug for item in items for slug in item.topics.values_list("slug", flat=True)
        )
        return {
            "years": sorted(years.items(), reverse=True),
            "ministries": dict(ministries),
            "topics": dict(topics),
            "with_decision": sum(1 for item in items if item.decisions.exists()),
        }

    def shown_facets(self, response) -> dict:
        facets = response.context["facets"]
        return {
            "years": [(row["year"], row["n"]) for row in facets["years"]],
            "ministries": {row["ministry"].abbreviation: row["n"] for row in facets["ministries"]},
            "topics": {row["topic"].slug: row["n"] for row in facets["topics"]},
            "with_decision": facets["with_decision"],
        }

    def test_facets_count_the_whole_result_set(self):
        query = "thuiswerken or verslag or interdepartementale or 5.1.2e"
        ids = matching_ids(query)
        response = self.client.get("/zoeken/", {"q": query})
        self.assertEqual(response.context["paginator"].count, len(ids))
        expected = self.expected_facets(ids)
        # The query spans years, ministries, topics and decisions, so nothing is vacuous.
        self.assertGreaterEqual(len(expected["years"]), 2)
        self.assertTrue(expected["ministries"] and expected["topics"])
        self.assertGreater(expected["with_decision"], 0)
        self.assertEqual(self.shown_facets(response), expected)
        self.assertContains(
            response,
            f'Met een besluit</a> <span class="sgo-count">{expected["with_decision"]}</span>',
        )

    def test_facets_follow_the_filters(self):
        query = "thuiswerken or verslag or interdepartementale or 5.1.2e"
        ids = {
            pk
            for pk in matching_ids(query)
            if AgendaItem.objects.get(pk=pk).meeting.date.year == 2020
        }
        response = self.client.get("/zoeken/", {"q": query, "jaar": "2020"})
        self.assertEqual(response.context["paginator"].count, len(ids))
        self.assertEqual(self.shown_facets(response), self.expected_facets(ids))
        self.assertEqual(response.context["facets"]["years"], [{"year": 2020, "n": len(ids)}])


class SuggestionTests(SearchTestCase):
    def test_a_typo_gets_a_suggestion_that_finds_results(self):
        self.assertFalse(vocabulary.is_known("thuiswerkn"))
        self.assertTrue(vocabulary.is_known("thuiswerken"))
        response = self.client.get("/zoeken/", {"q": "thuiswerkn"})
        self.assertEqual(response.context["paginator"].count, 0)
        self.assertEqual(response.context["suggestion"], "thuiswerken")
        html = response.content.decode()
        match = re.search(r'Bedoelde u: <a [^>]*href="([^"]+)">thuiswerken</a>', html)
        self.assertIsNotNone(match, "no 'Bedoelde u' link")
        href = unescape(match.group(1))
        self.assertEqual(href, "?q=thuiswerken")
        followed = self.client.get("/zoeken/" + href)
        self.assertEqual(followed.status_code, 200)
        self.assertEqual(
            {i.pk for i in followed.context["results"]}, {self.work.pk, self.housing.pk}
        )
        self.assertNotContains(followed, "Bedoelde u")

    def test_the_vocabulary_is_the_archives_words_as_written(self):
        for word in ("kompasnaald", "zandloper", "lantaarn", "financiën", "mededelingen"):
            with self.subTest(word=word):
                expected = items_where(rf"\b{word}\b")
                self.assertTrue(expected)
                self.assertEqual(vocabulary.frequency(word), len(expected))
        self.assertEqual(vocabulary.frequency("kompasnaald"), 2)
        self.assertEqual(vocabulary.frequency("financien"), 0)  # the archive writes "ë"

    def test_the_closest_word_is_the_fewest_edits_away(self):
        for typo, word in (
            ("kompasnald", "kompasnaald"),  # a letter left out
            ("kompasnaaldd", "kompasnaald"),  # one added
            ("kompasnaalt", "kompasnaald"),  # one changed
            ("kopmasnaald", "kompasnaald"),  # two swapped
            ("kompsnald", "kompasnaald"),  # two edits in a long word
            ("financien", "financiën"),  # the archive's spelling
        ):
            with self.subTest(typo=typo):
                self.assertEqual(vocabulary.closest(typo), word)
        self.assertIsNone(vocabulary.closest("lntarn"))  # two edits in a short word
        self.assertIsNone(vocabulary.closest("qqqqqqqq"))

    def test_no_suggestion_when_the_query_is_a_known_word(self):
        response = self.client.get("/zoeken/", {"q": "zonnepaneel"})
        self.assertEqual(response.context["paginator"].count, 1)
        self.assertIsNone(response.context.get("suggestion"))
        self.assertNotContains(response, "Bedoelde u")

    def test_no_suggestion_that_finds_nothing_more(self):
        # "thuiswerk" already finds every item "thuiswerken" finds (Dutch stemming).
        self.assertEqual(self.found_ids("thuiswerk"), self.found_ids("thuiswerken"))
        response = self.client.get("/zoeken/", {"q": "thuiswerk"})
        self.assertEqual(response.context["paginator"].count, 2)
        self.assertNotContains(response, "Bedoelde u")


class HighlightTests(SearchTestCase):
    def test_the_snippet_marks_the_matches(self):
        response = self.client.get("/zoeken/", {"q": "thuiswerken"})
        self.assertContains(response, '<p class="sgo-result__excerpt">', count=2)
        excerpts = re.findall(
            r'<p class="sgo-result__excerpt">(.*?)</p>', response.content.decode()
        )
        for excerpt in excerpts:
            self.assertIn("<mark>thuiswerken</mark>", excerpt)

    def test_a_title_hit_is_marked_in_the_title(self):
        response = self.client.get("/zoeken/", {"q": "kompasnaald"})
        self.assertContains(response, "<mark>Kompasnaald</mark>")

    def search_queries(self, query: str, page: int = 1) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/zoeken/", {"q": query, "page": page})
        self.assertEqual(response.status_code, 200)
        self.query_response = response
        return [q["sql"] for q in queries.captured_queries]

    def test_headlines_are_computed_for_the_shown_rows_only(self):
        self.assertEqual(len(matching_ids("zandloper")), MANY)
        self.assertEqual(len(matching_ids("lantaarn")), FEW)
        self.assertEqual(len(matching_ids("zonnepaneel")), 1)

        many = self.search_queries("zandloper")
        self.assertEqual(self.query_response.context["paginator"].count, MANY)
        self.assertEqual(len(self.query_response.context["results"]), 20)
        few = self.search_queries("lantaarn")
        one = self.search_queries("zonnepaneel")
        second_page = self.search_queries("zandloper", page=2)
        self.assertEqual(len(self.query_response.context["results"]), MANY - 20)

        # A fixed number of queries, whatever the number of matches.
        self.assertEqual(len(many), len(few))
        self.assertEqual(len(second_page), len(many))
        # One result: the same, plus the look-up of the typo suggestion.
        self.assertLessEqual(len(many), len(one))

        # Snippets are made from the 20 shown rows' text, not from all 25 matches.
        headline_sql = [sql for sql in many if '."body"' in sql and " IN (" in sql]
        self.assertEqual(len(headline_sql), 1)
        ids = re.search(r'"id" IN \(([^)]*)\)', headline_sql[0])
        self.assertIsNotNone(ids, headline_sql[0])
        self.assertEqual(len(ids.group(1).split(",")), 20)


class EscapingTests(SearchTestCase):
    def test_markup_in_the_minutes_is_escaped_in_search_results(self):
        response = self.client.get("/zoeken/", {"q": "kwetsbaarheidstest"})
        self.assertEqual([i.pk for i in response.context["results"]], [self.hostile.pk])
        self.assertNotIn(b"<script>alert", response.content)
        self.assertContains(response, f"Beveiligingstest {ESCAPED_SCRIPT}")
        self.assertContains(response, "<mark>kwetsbaarheidstest</mark>")

    def test_a_title_hit_next_to_markup_is_escaped(self):
        response = self.client.get("/zoeken/", {"q": "beveiligingstest"})
        self.assertNotIn(b"<script>alert", response.content)
        self.assertContains(response, f"<mark>Beveiligingstest</mark> {ESCAPED_SCRIPT}")

    def test_markup_in_the_body_survives_in_the_snippet(self):
        response = self.client.get("/zoeken/", {"q": "kwetsbaarheidstest"})
        excerpt = re.search(
            r'<p class="sgo-result__excerpt">(.*?)</p>', response.content.decode()
        ).group(1)
        self.assertIn(f"letterlijk {ESCAPED_SCRIPT} als voorbeeld", excerpt)

    def test_markup_in_the_minutes_is_escaped_on_the_meeting_page(self):
        for params in ({}, {"q": "kwetsbaarheidstest"}, {"q": "beveiligingstest"}):
            with self.subTest(**params):
                response = self.client.get("/vergaderingen/2022-04-12/", params)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(b"<script>alert", response.content)
                html = response.content.decode()
                # The title (heading, table of contents) and the body, all escaped.
                self.assertGreaterEqual(html.count(ESCAPED_SCRIPT), 3)
                self.assertIn(f"letterlijk {ESCAPED_SCRIPT} als voorbeeld", html)
        marked = self.client.get("/vergaderingen/2022-04-12/", {"q": "kwetsbaarheidstest"})
        self.assertContains(marked, "<mark>kwetsbaarheidstest</mark>")

    def test_markup_in_the_query_is_escaped(self):
        response = self.client.get("/zoeken/", {"q": SCRIPT})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(b"<script>alert", response.content)
        self.assertContains(response, f"<title>Zoeken: {ESCAPED_SCRIPT} – SGO-archief</title>")
        self.assertContains(response, f'name="q" value="{ESCAPED_SCRIPT}"')
        self.assertContains(response, f"Zoekresultaten voor “{ESCAPED_SCRIPT}”")
        # The item that holds this text literally is found, its markup escaped.
        self.assertEqual([i.pk for i in response.context["results"]], [self.hostile.pk])
        self.assertContains(response, "Beveiligingstest &lt;<mark>script</mark>&gt;")

    def test_markup_in_the_query_is_escaped_on_the_meeting_page_and_list(self):
        detail = self.client.get("/vergaderingen/2021-01-19/", {"q": SCRIPT})
        self.assertEqual(detail.status_code, 200)
        self.assertNotIn(b"<script>alert", detail.content)
        self.assertContains(detail, f"“{ESCAPED_SCRIPT}” komt niet voor in dit verslag")
        listing = self.client.get("/vergaderingen/", {"q": SCRIPT})
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn(b"<script>alert", listing.content)
        self.assertContains(listing, ESCAPED_SCRIPT)


HOSTILE = [
    '"foo',
    'thuiswerken "',
    '"',
    "-",
    "or",
    "OR",
    "!",
    "&",
    "|",
    ":*",
    "thuis:*",
    "''",
    "'",
    "\\",
    "\\\\",
    "(",
    ")",
    "((thuiswerken",
    "<->",
    "foo & bar | !baz",
    "thuiswerken & !onderzoek",
    "'; DROP TABLE minutes_agendaitem; --",
    "1' OR '1'='1",
    "%",
    "_",
    "de het een",  # stop words only: an empty tsquery
    "🙂",
    "thuiswerken 🏠",
    "\x01\x02\x03\x04",  # the highlight sentinels themselves
    "thuis\x03werken\x04",
    "   ",
    "\t\n",
    "-thuiswerken",
    "- - -",
    "x" * 300,  # a single word longer than any in the archive
    "5.1.2e" * 100,
]
SEARCH_URLS = [
    "/zoeken/",
    "/vergaderingen/",
    "/vergaderingen/2021-01-19/",
    "/zoeken/feed/",
    "/vergaderingen/feed/",
]


class HostileQueryTests(SearchTestCase):
    def get(self, url: str, query: str):
        with self.assertNoLogs("django.request", level="ERROR"):
            return self.client.get(url, {"q": query})

    def test_hostile_queries_never_fail(self):
        for url in SEARCH_URLS:
            for query in HOSTILE:
                with self.subTest(url=url, q=query):
                    response = self.get(url, query)
                    self.assertEqual(response.status_code, 200)
        # No statement failed inside the test's transaction (it would be aborted now).
        self.assertEqual(self.found_ids("thuiswerken"), {self.work.pk, self.housing.pk})

    def test_operators_alone_find_nothing_and_say_so(self):
        for query in ["-", "!", "&", "|", ":*", "''", "\\", "(", "<->", "de het een"]:
            with self.subTest(q=query):
                response = self.get("/zoeken/", query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["paginator"].count, 0)
                self.assertContains(response, "0 agendapunten gevonden.")
                self.assertContains(response, "Geen agendapunten gevonden")

    def test_tsquery_syntax_is_read_as_words(self):
        # Not raw tsquery: "&", "|" and "!" are no operators; all three words are needed.
        self.assertEqual(self.found("foo & bar | !baz"), [])
        self.assertEqual({i.pk for i in self.found("thuiswerken & !onderzoek")}, {self.work.pk})

    def test_whitespace_only_is_an_empty_search(self):
        for query in ["", "   ", "\t\n"]:
            with self.subTest(q=query):
                response = self.get("/zoeken/", query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["query"], "")
                self.assertContains(response, "Zoeken in de verslagen")
                self.assertNotContains(response, '<ol class="sgo-results"')
                self.assertNotContains(response, "gevonden")

    def test_an_empty_search_loads_no_items(self):
        response = self.get("/zoeken/", "   ")
        self.assertEqual(list(response.context["results"]), [])
        self.assertEqual(response.context["paginator"].count, 0)

    def test_a_nul_byte_never_fails(self):
        for url in SEARCH_URLS:
            for query in ["foo\x00bar", "\x00", "thuis\x00werken"]:
                with self.subTest(url=url, q=query):
                    with self.assertNoLogs("django.request", level="ERROR"):
                        response = self.client.get(url, {"q": query})
                    # Dropped like any control character: never refused, never a failure.
                    self.assertEqual(response.status_code, 200)

    def test_a_nul_byte_is_dropped_like_other_control_characters(self):
        statuses = {
            url: self.client.get(url, {"q": "thuis\x00werken"}).status_code
            for url in ["/zoeken/", "/vergaderingen/"]
        }
        self.assertEqual(statuses, {"/zoeken/": 200, "/vergaderingen/": 200})
        # The chip and the feed's title name the query as it was searched for.
        response = self.client.get("/vergaderingen/", {"q": "thuis\x00werken"})
        chips = [chip["text"] for chip in response.context["active_filters"]]
        self.assertEqual(chips, ["thuiswerken"])
        feed = ET.fromstring(self.client.get("/zoeken/feed/", {"q": "thuis\x00werken"}).content)
        self.assertEqual(feed.findtext("channel/title"), "SGO-archief: zoeken naar “thuiswerken”")

    def test_control_characters_are_dropped(self):
        response = self.get("/zoeken/", "thuis\x03werken\x04")
        self.assertEqual(response.context["query"], "thuiswerken")
        self.assertEqual(
            {i.pk for i in response.context["results"]}, {self.work.pk, self.housing.pk}
        )

    def test_an_absurdly_long_query_is_refused_with_a_message(self):
        query = "thuiswerken " * 420  # about 5,000 characters
        self.assertGreater(len(query), 5000)
        for url in ["/zoeken/", "/vergaderingen/"]:
            with self.subTest(url=url):
                with self.assertLogs("django.request", level="WARNING") as logs:
                    response = self.client.get(url, {"q": query})
                self.assertEqual(response.status_code, 400)
                self.assertFalse([r for r in logs.records if r.levelname == "ERROR"])
                self.assertContains(response, 'role="alert"', status_code=400)
                self.assertContains(response, "niet meer dan 1000 tekens", status_code=400)
        response = self.client.get("/zoeken/", {"q": query})
        self.assertContains(
            response, "Deze zoekopdracht kan niet worden uitgevoerd", status_code=400
        )
        # Where there is no form to complain in, the query is cut, not refused.
        for url in ["/vergaderingen/2021-01-19/", "/zoeken/feed/"]:
            with self.subTest(url=url):
                self.assertEqual(self.get(url, query).status_code, 200)


class MeetingListSearchTests(SearchTestCase):
    def meetings(self, query: str) -> list[str]:
        response = self.client.get("/vergaderingen/", {"q": query})
        self.assertEqual(response.status_code, 200)
        return [meeting.slug for meeting in response.context["meetings"]]

    def test_the_meeting_list_uses_the_same_search(self):
        self.assertEqual(len(self.meetings("")), 5)
        # The meetings with at least one matching item, newest first.
        for query in ["thuiswerk", "verslagen", "Financien", "5.1.2i", '"hybride werken"']:
            with self.subTest(q=query):
                slugs = AgendaItem.objects.filter(pk__in=matching_ids(query)).values_list(
                    "meeting__slug", flat=True
                )
                expected = sorted(set(slugs), reverse=True)
                self.assertTrue(expected)
                self.assertEqual(self.meetings(query), expected)

    def test_a_stemmed_query_narrows_the_meetings(self):
        self.assertEqual(self.meetings("thuiswerk"), ["2021-01-19", "2020-09-09"])
        self.assertEqual(self.meetings('"hybride werken"'), ["2021-01-19"])
        self.assertEqual(self.meetings("thuiswerken -onderzoek"), ["2020-09-09"])
        self.assertEqual(self.meetings("zonnepaneel"), ["2022-03-08"])
        self.assertEqual(self.meetings("onbekendwoord"), [])


class MeetingPageSearchTests(SearchTestCase):
    def test_matches_are_marked_and_counted(self):
        response = self.client.get("/vergaderingen/2021-01-19/", {"q": "thuiswerken"})
        self.assertEqual(response.status_code, 200)
        in_meeting = {
            i.pk for i in AgendaItem.objects.filter(meeting__slug="2021-01-19")
        } & items_where(r"\bthuiswerken\b")
        self.assertEqual(in_meeting, {self.work.pk})
        self.assertEqual(response.context["match_count"], 1)
        self.assertContains(
            response, "“thuiswerken” komt voor in 1 agendapunt; de treffers zijn gemarkeerd."
        )
        occurrences = len(re.findall(r"\bthuiswerken\b", text_of(self.work)))
        self.assertGreaterEqual(occurrences, 4)
        self.assertContains(response, "<mark>thuiswerken</mark>", count=occurrences)
        # Only item 3 is marked.
        html = response.content.decode()
        section = html.split('id="punt-3"')[1].split('<section class="sgo-item"')[0]
        self.assertEqual(section.count("<mark>"), occurrences)

    def test_a_stemmed_query_is_counted_per_item(self):
        response = self.client.get("/vergaderingen/2021-01-19/", {"q": "verslagen"})
        expected = {
            i.pk for i in AgendaItem.objects.filter(meeting__slug="2021-01-19")
        } & items_where(r"\bverslag(en)?\b")
        self.assertGreaterEqual(len(expected), 2)
        self.assertEqual(response.context["match_count"], len(expected))
        self.assertContains(response, f"komt voor in {len(expected)} agendapunten")
        self.assertContains(response, "<mark>Verslag</mark> SGO 12 januari 2021")

    def test_a_query_absent_from_the_meeting_says_so(self):
        self.assertTrue(matching_ids("besmettingscijfers"))  # it is in the other meeting
        response = self.client.get("/vergaderingen/2021-01-19/", {"q": "besmettingscijfers"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["match_count"], 0)
        self.assertContains(response, "“besmettingscijfers” komt niet voor in dit verslag.")
        self.assertContains(response, 'href="/zoeken/?q=besmettingscijfers"')
        self.assertNotContains(response, "<mark>")

    def test_the_page_reads_the_same_with_and_without_a_search(self):
        plain = self.client.get("/vergaderingen/2021-01-19/").content.decode()
        marked = self.client.get(
            "/vergaderingen/2021-01-19/", {"q": "thuiswerken"}
        ).content.decode()
        self.assertNotIn("<mark>", plain)
        strip = re.compile(r"</?mark>")
        body = re.compile(r'<section class="sgo-item".*</section>', re.DOTALL)
        self.assertEqual(strip.sub("", body.search(marked).group(0)), body.search(plain).group(0))

    def test_a_marked_decision_stays_a_decision(self):
        def decisions(html: str) -> tuple[int, int]:
            return html.count('<div class="decision"'), html.count('class="decision-inline"')

        plain = self.client.get("/vergaderingen/2021-01-19/").content.decode()
        self.assertEqual(decisions(plain), (2, 1))
        shown = {}
        # "vastgesteld" is in a decision paragraph, "volgende" in an inline decision.
        for query in ["vastgesteld", "volgende"]:
            response = self.client.get("/vergaderingen/2021-01-19/", {"q": query})
            self.assertContains(response, f"<mark>{query}</mark>")
            shown[query] = decisions(response.content.decode())
        self.assertEqual(shown, {"vastgesteld": (2, 1), "volgende": (2, 1)})


class SearchFeedTests(SearchTestCase):
    def test_the_search_feed_is_rss_with_links_to_the_items(self):
        response = self.client.get("/zoeken/feed/", {"q": "thuiswerken"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/rss+xml"))
        rss = ET.fromstring(response.content)
        self.assertEqual(rss.tag, "rss")
        channel = rss.find("channel")
        self.assertEqual(channel.findtext("title"), "SGO-archief: zoeken naar “thuiswerken”")
        links = [entry.findtext("link") for entry in channel.findall("item")]
        self.assertEqual(
            links,
            [
                "http://testserver/vergaderingen/2021-01-19/#punt-3",
                "http://testserver/vergaderingen/2020-09-09/#punt-ingelast",
            ],
        )
        titles = [entry.findtext("title") for entry in channel.findall("item")]
        self.assertEqual(titles[0], "Presentatie Rijksdienst 2022 (SGO 19 januari 2021)")

    def test_the_feed_uses_the_same_search(self):
        for query in ["thuiswerk", "Financien", "thuiswerken -onderzoek", "5.1.2i"]:
            with self.subTest(q=query):
                response = self.client.get("/zoeken/feed/", {"q": query})
                rss = ET.fromstring(response.content)
                links = {entry.findtext("link") for entry in rss.iter("item")}
                expected = {
                    "http://testserver" + i.get_absolute_url()
                    for i in AgendaItem.objects.filter(pk__in=matching_ids(query))
                }
                self.assertTrue(expected)
                self.assertEqual(links, expected)

    def test_markup_in_the_minutes_stays_text_in_the_feed(self):
        response = self.client.get("/zoeken/feed/", {"q": "kwetsbaarheidstest"})
        rss = ET.fromstring(response.content)
        (entry,) = rss.iter("item")
        # Readers show a title as HTML: it is escaped, and shows the markup as written.
        self.assertIn(ESCAPED_SCRIPT, entry.findtext("title"))
        self.assertIn(SCRIPT, unescape(entry.findtext("title")))
        self.assertNotIn(b"<script>", response.content)

    def test_an_empty_query_gives_an_empty_feed(self):
        response = self.client.get("/zoeken/feed/", {"q": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(ET.fromstring(response.content).iter("item")), [])


class DecisionSearchTests(SearchTestCase):
    def test_decisions_are_found_by_their_own_text(self):
        from minutes.models import Decision

        adopted = Decision.objects.filter(text__icontains="vastgesteld")
        self.assertTrue(adopted.exists())
        # Adopted minutes are routine: found once the list is asked to show them.
        response = self.client.get("/besluiten/", {"q": "vastgesteld", "vastgesteld": "ja"})
        self.assertEqual(response.status_code, 200)
        shown = {d.pk for d in response.context["decisions"]}
        self.assertEqual(shown, set(adopted.values_list("pk", flat=True)))
        # A word that is in the agenda item's text but not in any decision finds none.
        response = self.client.get("/besluiten/", {"q": "Webex"})
        self.assertEqual(list(response.context["decisions"]), [])
        self.assertEqual(search.decision_ids("vastgesteld -verslag"), [])

    def test_decision_documents_do_not_count_as_agenda_items(self):
        self.assertEqual(len(set(matching_ids("vastgesteld"))), len(matching_ids("vastgesteld")))
        self.assertTrue(
            set(matching_ids("vastgesteld")) <= set(AgendaItem.objects.values_list("pk", flat=True))
        )


class IndexFieldTests(SearchTestCase):
    """The index carries what the facets of later pages need: grounds, speakers, kinds."""

    def buckets(self, field_name: str, kind: int) -> dict:
        from minutes.search import index

        found = index.searcher().aggregate(
            index.of_kind(kind), {"f": {"terms": {"field": field_name, "size": 1000}}}
        )
        return {b["key"]: b["doc_count"] for b in found["f"]["buckets"]}

    def test_redaction_grounds_are_counted_per_item(self):
        from minutes.search import index

        grounds = self.buckets("ground", index.ITEM)
        with_i = [i for i in AgendaItem.objects.all() if "5.1.2i" in f"{i.title}\n{i.body}"]
        self.assertEqual(grounds["5.1.2i"], len(with_i))
        with_e = [i for i in AgendaItem.objects.all() if "5.1.2e" in f"{i.title}\n{i.body}"]
        self.assertEqual(grounds["5.1.2e"], len(with_e))

    def test_speakers_and_decision_kinds(self):
        from minutes.models import Decision
        from minutes.search import index

        speakers = self.buckets("speaker", index.ITEM)
        spoken = MinistryMention.objects.filter(role=MinistryMention.Role.SPEAKER)
        expected = Counter(
            m for m, _ in spoken.values_list("ministry_id", "agenda_item_id").distinct()
        )
        self.assertEqual({int(k): v for k, v in speakers.items()}, dict(expected))
        kinds = self.buckets("decision_kind", index.DECISION)
        self.assertEqual(kinds, dict(Counter(Decision.objects.values_list("kind", flat=True))))
