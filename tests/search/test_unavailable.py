"""Without a search index the pages that need it say so (503); browsing goes on."""

import tempfile
from pathlib import Path

from django.test import TestCase, override_settings

from minutes.search import index


class MissingIndexTests(TestCase):
    def setUp(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="sgo-no-index-")) / "index"
        override = override_settings(SEARCH_INDEX_DIR=str(folder))
        override.enable()
        self.addCleanup(index.forget)
        self.addCleanup(override.disable)
        index.forget()

    def test_search_answers_503_with_a_way_out(self):
        for url in ("/zoeken/", "/vergaderingen/", "/besluiten/", "/zoeken/feed/"):
            with self.subTest(url=url), self.assertLogs("minutes.middleware", "ERROR"):
                response = self.client.get(url, {"q": "verslag"})
                self.assertEqual(response.status_code, 503)
                self.assertEqual(response["Retry-After"], "120")
                self.assertContains(
                    response, "Zoeken is tijdelijk niet beschikbaar", status_code=503
                )
                self.assertContains(response, 'href="/vergaderingen/"', status_code=503)

    def test_browsing_needs_no_index(self):
        for url in ("/", "/vergaderingen/", "/besluiten/", "/vergaderingen/2021-01-19/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
