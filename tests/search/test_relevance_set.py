"""The judged set of bench/relevance: well-formed, and every judged item in the corpus.

The corpus is imported through the real import service: the test database already
holds the two samples (tests/archive.py), so only the rest of the corpus (the
fixtures and the invented minutes) is imported here, in the harness's order, inside
the test's transaction.
"""

import re

from django.test import SimpleTestCase, TestCase

from bench.relevance import corpus
from bench.relevance.ndcg import check_meetings, dcg, load_judgements, ndcg
from minutes.models import AgendaItem, Meeting

ITEM = re.compile(
    r"^(?P<slug>(?:[a-z0-9-]+-)?\d{4}-\d{2}-\d{2}(-\d+)?)#(?P<anchor>punt-[a-z0-9-]+)$"
)


class JudgementsFileTests(SimpleTestCase):
    def setUp(self):
        self.judgements = load_judgements()
        self.queries = self.judgements["queries"]

    def test_there_are_enough_queries_each_with_a_note_and_judged_items(self):
        self.assertGreaterEqual(len(self.queries), 20)
        ids = [q["id"] for q in self.queries]
        self.assertEqual(len(ids), len(set(ids)))
        for query in self.queries:
            with self.subTest(query=query["id"]):
                self.assertTrue(query["query"].strip())
                self.assertTrue(query["note"].strip())
                self.assertTrue(query["kinds"])
                self.assertTrue(query["relevant"], "a query without judged items scores nothing")

    def test_grades_are_one_or_two_and_items_are_slug_and_anchor(self):
        for query in self.queries:
            for key, grade in query["relevant"].items():
                with self.subTest(query=query["id"], item=key):
                    self.assertIn(grade, (1, 2))
                    match = ITEM.match(key)
                    self.assertIsNotNone(match)
                    self.assertIn(match["slug"], self.judgements["meetings"])

    def test_the_set_covers_the_kinds_of_query_the_issue_names(self):
        texts = [q["query"] for q in self.queries]
        self.assertTrue(any(t.startswith('"') and t.endswith('"') for t in texts), "phrase")
        self.assertTrue(any(" OR " in f" {t.upper()} " for t in texts), "or")
        self.assertTrue(any(re.search(r"(^|\s)-\w", t) for t in texts), "exclusion")
        self.assertTrue(any(re.fullmatch(r"\d+(\.\d+)+\.?[a-z]", t) for t in texts), "code")
        self.assertIn("EZK", texts)
        self.assertIn("J&V", texts)
        kinds = {kind for q in self.queries for kind in q["kinds"]}
        for kind in ("plural", "compound", "compound-part", "rare", "common", "accent"):
            self.assertIn(kind, kinds)


class NdcgTests(SimpleTestCase):
    def test_the_ideal_order_scores_one(self):
        score, actual, ideal = ndcg(["a", "b", "x"], {"a": 2, "b": 1})
        self.assertEqual(score, 1.0)
        self.assertEqual(actual, ideal)

    def test_graded_gains_and_log_discount(self):
        # 2^1-1 at rank 1, 2^2-1 at rank 2 (discount log2(3)); ideal the other way round.
        self.assertAlmostEqual(dcg([1, 2]), 1 + 3 / 1.5849625, places=6)
        score, _, _ = ndcg(["b", "a"], {"a": 2, "b": 1})
        self.assertAlmostEqual(score, (1 + 3 / 1.5849625) / (3 + 1 / 1.5849625), places=6)
        self.assertLess(score, 1.0)

    def test_only_the_first_ten_count_and_missing_items_cost(self):
        ranking = [f"x{n}" for n in range(10)] + ["a"]
        self.assertEqual(ndcg(ranking, {"a": 2})[0], 0.0)
        self.assertAlmostEqual(ndcg(["a"], {"a": 2, "b": 2})[0], 3 / (3 + 3 / 1.5849625))


class JudgedItemsExistTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.samples = set(Meeting.objects.values_list("source_name", flat=True))
        cls.loaded = corpus.load(corpus.extra_sources())

    def test_the_samples_come_from_the_session_archive_and_the_rest_imports(self):
        self.assertEqual(self.samples, {s.name for s in corpus.sample_sources()})
        self.assertGreaterEqual(len(self.loaded["imported"]), 30)
        # Header stubs of the 2021-01-19 sample must not replace the real minutes.
        self.assertIn("header_other_reference.txt", self.loaded["duplicate"])
        self.assertEqual(Meeting.objects.get(slug="2021-01-19").source_name, "sgo-2021-01-19.txt")
        self.assertIn("empty.txt", self.loaded["failed"])

    def test_every_judged_item_is_in_the_corpus_where_the_judgements_say(self):
        judgements = load_judgements()
        self.assertEqual(check_meetings(judgements), [])
        for query in judgements["queries"]:
            for key in query["relevant"]:
                slug, anchor = key.split("#")
                with self.subTest(item=key):
                    self.assertTrue(
                        AgendaItem.objects.filter(meeting__slug=slug, anchor=anchor).exists()
                    )

    def test_a_shifted_slug_is_reported(self):
        judgements = load_judgements()
        judgements["meetings"]["2020-03-03-13"] = "some_other_file.txt"
        judgements["queries"][0]["relevant"]["2020-03-03-13#punt-99"] = 1
        problems = check_meetings(judgements)
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("redactions.txt", problems[0])
