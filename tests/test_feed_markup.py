"""Markup in the minutes (or in a search query) reaches RSS readers as text, never as HTML.

Feed readers render an item's description (and, in practice, its title) as HTML. Invented
minutes whose agenda titles and bodies hold a script, an image with an event handler and a
javascript: link are imported through the real import service and indexed; every feed is
fetched, its XML parsed, and each title and description parsed once more as HTML: no element,
no attribute (so no on*= handler, no javascript: URL) may come out, only the text as written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from minutes.services import SourceFile, import_batch
from tests.archive import IndexedTestCase, minutes

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">x</a>'
HOSTILE = [SCRIPT, IMAGE, LINK]
CODE = "5.1.2e"  # a redaction code, to be kept as written

HOSTILE_MINUTES = SourceFile(
    name="sgo-2023-06-13.txt",
    data=minutes(
        "13 juni 2023",
        [
            ("Opening en mededelingen", "Geen mededelingen."),
            (f"Kwetsbaarheid {SCRIPT}", f"De pentester schreef {SCRIPT} in het formulier."),
            (f"Plaatje {IMAGE}", f"Een kwetsbaarheid met {IMAGE} volgens {CODE}."),
            (f"Koppeling {LINK} van {CODE}", f"Een kwetsbaarheid met {LINK} gemeld door {CODE}."),
        ],
    ),
)


class HtmlSeen(HTMLParser):
    """Everything an HTML parser finds in a string: elements, attributes and text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        self.attributes += attrs

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


class FeedMarkupTests(IndexedTestCase):
    @classmethod
    def setUpTestData(cls):
        result = import_batch([HOSTILE_MINUTES])
        assert not result.failed, result.failed
        super().setUpTestData()  # index the hostile minutes too (the search feed asks the index)

    def feed_texts(self, url: str, params: dict) -> tuple[list[str], list[str]]:
        """The (titles, descriptions) of a feed, channel and items, as the XML carries them."""
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        channel = ET.fromstring(response.content).find("channel")
        items = channel.findall("item")
        self.assertTrue(items, f"{url} {params} has no items")
        titles = [channel.findtext("title")] + [i.findtext("title") for i in items]
        descriptions = [channel.findtext("description")] + [
            i.findtext("description") or "" for i in items
        ]
        return titles, descriptions

    def assert_plain(self, markup: str) -> str:
        """Parsed as HTML, a feed text has no element and no attribute; returns its text."""
        seen = HtmlSeen(markup)
        self.assertEqual(seen.elements, [], markup)
        self.assertEqual(seen.attributes, [], markup)
        return "".join(seen.text)

    def test_every_feed_carries_the_minutes_markup_as_text(self):
        feeds = [
            ("/vergaderingen/feed/", {}),
            ("/vergaderingen/feed/", {"jaar": "2023"}),
            ("/vergaderingen/feed/", {"q": "kwetsbaarheid"}),
            ("/zoeken/feed/", {"q": "kwetsbaarheid"}),
        ]
        for url, params in feeds:
            with self.subTest(url=url, params=params):
                titles, descriptions = self.feed_texts(url, params)
                shown = "\n".join(self.assert_plain(text) for text in titles + descriptions)
                # What a reader shows is the minutes as written: the markup as text, the
                # redaction code unchanged.
                for markup in HOSTILE:
                    self.assertIn(markup, shown)
                self.assertIn(CODE, shown)

    def test_a_search_query_with_markup_stays_text_in_the_feed_title(self):
        for markup in HOSTILE:
            with self.subTest(q=markup):
                response = self.client.get("/zoeken/feed/", {"q": markup})
                self.assertEqual(response.status_code, 200)
                title = ET.fromstring(response.content).findtext("channel/title")
                self.assertEqual(self.assert_plain(title), f"SGO-archief: zoeken naar “{markup}”")
