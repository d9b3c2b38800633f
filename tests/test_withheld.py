"""Withheld passages as markers on every surface (issue 14).

"buiten verzoek" (outside the scope of the Woo request) and an agenda item whose title is
only a Woo code ("3. 5.1.2i") are withheld passages, not text: the meeting page, the
lists, the feeds, the exports and the search show their marker ("Niet openbaar: buiten
het verzoek", "Agendapunt weggelakt, Woo-grond 5.1.2i: …"), never the released words as
if they were a title or a sentence. The stored text stays as released.

The invented minutes (tests/fixtures/withheld.txt, no names) hold a real sentence with
"buiten verzoek" in it (item 1), an item titled "5.1.2i" with body "5.1.2i" (3), an item
titled and bodied "buiten verzoek" (4) and a rondvraag bullet "- buiten verzoek" (5).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from minutes.models import AgendaItem, Decision
from minutes.redactions import (
    Withheld,
    ground,
    marked_text,
    shown_title,
    withheld,
    without_withheld,
)
from minutes.rendering import render_text, render_title
from minutes.services import SourceFile, import_batch
from tests.archive import IndexedTestCase
from tests.conftest import FIXTURES

OUTSIDE = "Niet openbaar: buiten het verzoek"
ITEM_5_1_2I = "Agendapunt weggelakt, Woo-grond 5.1.2i: het goed functioneren van de Staat"
MEETING = "/vergaderingen/2020-03-10/"


# ------------------------------------------------------------------ classification


@pytest.mark.parametrize(
    "text",
    [
        "buiten verzoek",
        "Buiten verzoek",
        "BUITEN VERZOEK",
        "buiten  verzoek",
        "buiten\nverzoek",
        "buiten het verzoek",
        "- buiten verzoek",
        "-  buiten verzoek",
        "• Buiten verzoek.",
        "(buiten verzoek)",
        "**buiten verzoek**",
        "buiten verzoek:",
    ],
)
def test_outside_the_request_in_any_case_and_punctuation(text: str) -> None:
    found = withheld(text)
    assert found == Withheld(outside_request=True, codes=())
    assert found.kind == "buiten verzoek"
    assert found.marker() == OUTSIDE
    assert found.marker(item=True) == OUTSIDE
    assert shown_title(text) == OUTSIDE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("5.1.2i", "5.1.2i"),
        ("5.1.2.i", "5.1.2.i"),  # kept as released, not normalised
        ("**5.1.2i**", "5.1.2i"),
        ("5.1.2e.", "5.1.2e"),
        ("5.2.1", "5.2.1"),
        ("10.2.e", "10.2.e"),  # Wob
        ("10.2e", "10.2e"),
        ("11.1", "11.1"),
    ],
)
def test_a_code_alone_is_a_withheld_item(text: str, code: str) -> None:
    found = withheld(text)
    assert found == Withheld(outside_request=False, codes=(code,))
    assert found.kind == code
    assert found.marker(item=True) == f"Agendapunt weggelakt, Woo-grond {code}: {ground(code)}"
    assert found.marker() == f"Weggelakt, Woo-grond {code}: {ground(code)}"
    assert shown_title(text) == found.marker(item=True)


def test_the_marker_names_the_ground_of_5_1_2i() -> None:
    assert withheld("5.1.2i").marker(item=True) == ITEM_5_1_2I
    assert withheld("5.1.2.i").marker(item=True) == (
        "Agendapunt weggelakt, Woo-grond 5.1.2.i: het goed functioneren van de Staat"
    )


def test_codes_beside_outside_the_request_are_kept() -> None:
    found = withheld("- 10.2.e - buiten verzoek")
    assert found == Withheld(outside_request=True, codes=("10.2.e",))
    assert found.marker() == f"{OUTSIDE} (10.2.e)"
    assert found.kind == "buiten verzoek"
    both = withheld("5.1.2e, 5.1.2i")
    assert both.codes == ("5.1.2e", "5.1.2i")
    assert both.marker(item=True) == (
        "Agendapunt weggelakt, Woo-gronden 5.1.2e: eerbiediging van de persoonlijke "
        "levenssfeer; 5.1.2i: het goed functioneren van de Staat"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Opening en mededelingen",
        "Dit valt buiten verzoek van de Kamer",
        "Het verzoek ligt buiten verzoek en wordt afgewezen.",
        "Stukken buiten verzoek",
        "buiten verzoekschrift",
        "binnen verzoek",
        "5.1.2e (BZK)",
        "5.1.2e meldt dat het verslag klaar is.",
        "Verslag SGO 3 maart 2020",
        "2020",
        "5.1.2z",
    ],
)
def test_text_is_not_withheld(text: str) -> None:
    assert withheld(text) is None
    assert shown_title(text) == text


def test_marked_text_brackets_withheld_lines_and_keeps_the_rest() -> None:
    body = "BZK:\n-  buiten verzoek\n- Meldt iets.\n5.1.2i\nDit valt buiten verzoek van de Kamer."
    assert marked_text(body) == (
        f"BZK:\n-  [{OUTSIDE}]\n- Meldt iets.\n"
        "[Weggelakt, Woo-grond 5.1.2i: het goed functioneren van de Staat]\n"
        "Dit valt buiten verzoek van de Kamer."
    )


def test_search_reads_withheld_lines_as_their_codes_only() -> None:
    assert without_withheld("buiten\nverzoek") == ""
    assert without_withheld("5.1.2i") == "5.1.2i"
    assert without_withheld("BZK:\n- buiten verzoek\n- 10.2.e - buiten verzoek\n- Meldt iets.") == (
        "BZK:\n\n10.2.e\n- Meldt iets."
    )
    text = "Dit valt buiten verzoek van de Kamer."
    assert without_withheld(text) == text


def test_rendered_markers_not_text() -> None:
    html = render_text("Tekst.\n\n- buiten verzoek\n- Meldt dat hij iets zegt.\n\nbuiten verzoek")
    assert f'<li><span class="withheld">{OUTSIDE}</span></li>' in html
    assert f'<p class="sgo-withheld"><span class="withheld">{OUTSIDE}</span></p>' in html
    assert "<li>Meldt dat hij iets zegt.</li>" in html
    assert ">buiten verzoek<" not in html
    assert render_title("5.1.2i") == (
        '<span class="withheld">Agendapunt weggelakt, Woo-grond '
        '<span class="redaction withheld__code">5.1.2i</span>: het goed functioneren van de '
        "Staat</span>"
    )
    # A search mark inside a withheld title is dropped with the words it marked.
    assert render_title("buiten \x03verzoek\x04", marks=True) == (
        f'<span class="withheld">{OUTSIDE}</span>'
    )
    sentence = render_title("Dit valt buiten \x03verzoek\x04 van de Kamer", marks=True)
    assert sentence == "Dit valt buiten <mark>verzoek</mark> van de Kamer"


# ------------------------------------------------------------------ surfaces


def text_of(html: str) -> str:
    """The words of an HTML fragment, tags dropped, blanks folded."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def section(html: str, anchor: str) -> str:
    start = html.index(f'<section class="sgo-item" id="{anchor}"')
    return html[start : html.index("</section>", start)]


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


class WithheldSurfaceTests(IndexedTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        data = (FIXTURES / "withheld.txt").read_bytes()
        result = import_batch([SourceFile("sgo-2020-03-10.txt", data)])
        assert result.count("imported") == 1, result.outcomes
        items = AgendaItem.objects.filter(meeting__slug="2020-03-10")
        cls.opening, cls.code_item, cls.outside_item, cls.rondvraag = (
            items.get(number=n) for n in ("1", "3", "4", "5")
        )
        # A decision under the withheld item, so the decision surfaces show its title.
        Decision.objects.create(
            agenda_item=cls.code_item,
            position=1,
            kind=Decision.Kind.DECIDED,
            text="Het SGO besluit het voorstel aan te houden.",
        )
        super().setUpTestData()  # index the invented minutes beside the shared archive

    def test_the_stored_text_stays_as_released(self):
        self.assertEqual(self.code_item.title, "5.1.2i")
        self.assertEqual(self.outside_item.title, "buiten verzoek")
        self.assertEqual(self.outside_item.body, "buiten verzoek")
        self.assertIn("- buiten verzoek", self.rondvraag.body)

    def test_meeting_page_shows_markers_in_headings_bodies_and_bullets(self):
        html = self.client.get(MEETING).content.decode()
        code_item = section(html, "punt-3")
        heading = code_item.split("</h2>", 1)[0]
        self.assertEqual(text_of(heading), f"3. {ITEM_5_1_2I}")
        self.assertIn('<span class="withheld">Agendapunt weggelakt', heading)
        self.assertIn(
            '<span class="withheld">Weggelakt, Woo-grond <span class="redaction withheld__code">'
            "5.1.2i</span>: het goed functioneren van de Staat</span>",
            code_item,
        )
        outside = section(html, "punt-4")
        self.assertEqual(text_of(outside.split("</h2>", 1)[0]), f"4. {OUTSIDE}")
        self.assertIn(
            f'<p class="sgo-withheld" id="punt-4-p1"><span class="withheld">{OUTSIDE}</span></p>',
            outside,
        )
        # The hidden name of the item's link says the marker, not "buiten verzoek".
        self.assertIn(f"(4. {OUTSIDE})", text_of(outside))
        rondvraag = section(html, "punt-5")
        self.assertIn(f'<li><span class="withheld">{OUTSIDE}</span></li>', rondvraag)
        self.assertIn("<li>Meldt dat de huisvestingsnotitie", rondvraag)
        # The table of contents and the meta description say the markers too.
        toc = html[html.index('<nav class="toc"') : html.index("</nav>", html.index('class="toc"'))]
        self.assertIn(f"3. {ITEM_5_1_2I}", text_of(toc))
        self.assertIn(f"4. {OUTSIDE}", text_of(toc))
        description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
        self.assertIn(f"2020; {ITEM_5_1_2I}; {OUTSIDE}; Rondvraag", description)
        # Nowhere is the released "buiten verzoek" a heading, a paragraph or a bullet,
        # nor "5.1.2i" a title; the sentence that only contains the words stays text.
        # (The provenance's "Buiten verzoek" is a label of the count, not a passage.)
        main = html.split("<main", 1)[1].split('<section class="sgo-cite"', 1)[0]
        self.assertIsNone(re.search(r">\s*(?:- )?buiten verzoek\s*<", main, re.IGNORECASE))
        self.assertNotIn("</span> 5.1.2i</a>", main)
        self.assertIn("dit valt buiten verzoek van de Kamer en blijft staan.", main)

    def test_the_legend_keeps_the_withheld_items_code(self):
        html = self.client.get(MEETING).content.decode()
        aside = html.split('aria-labelledby="weggelakt-titel"', 1)[1].split("</section>", 1)[0]
        self.assertIn("5.1.2i", aside)
        self.assertIn(ground("5.1.2i"), aside)

    def test_meeting_list_rows_show_markers_as_agenda_titles(self):
        html = self.client.get("/vergaderingen/", {"jaar": "2020"}).content.decode()
        row = html.split('href="/vergaderingen/2020-03-10/"', 1)[1].split("</li>", 1)[0]
        agenda = row.split('class="sgo-result__agenda">', 1)[1].split("</p>", 1)[0]
        self.assertEqual(
            text_of(agenda),
            "Opening en mededelingen; Verslag SGO 3 maart 2020; "
            f"{ITEM_5_1_2I}; {OUTSIDE}; Rondvraag, actualiteiten en sluiting",
        )
        self.assertIn(f'<span class="withheld">{OUTSIDE}</span>', agenda)

    def test_decision_list_shows_the_marker_as_the_items_title(self):
        html = self.client.get("/besluiten/", {"jaar": "2020"}).content.decode()
        self.assertIn(f"Agendapunt 3: {ITEM_5_1_2I}", text_of(html))
        self.assertNotIn("Agendapunt 3: 5.1.2i</a>", html)

    def test_feeds_carry_markers(self):
        rss = ET.fromstring(self.client.get("/vergaderingen/feed/").content)
        meeting = next(item for item in rss.iter("item") if item.findtext("link").endswith(MEETING))
        self.assertEqual(
            meeting.findtext("description"),
            "Agenda: 1. Opening en mededelingen; 2. Verslag SGO 3 maart 2020; "
            f"3. {ITEM_5_1_2I}; 4. {OUTSIDE}; 5. Rondvraag, actualiteiten en sluiting",
        )
        found = ET.fromstring(
            self.client.get("/zoeken/feed/", {"q": "huisvestingsnotitie"}).content
        )
        [item] = found.iter("item")
        self.assertEqual(
            item.findtext("description"),
            f"BZK:\n- [{OUTSIDE}]\n- Meldt dat de huisvestingsnotitie volgende week in het "
            "SGO komt.",
        )
        decisions = ET.fromstring(self.client.get("/besluiten/feed/", {"jaar": "2020"}).content)
        titles = [item.findtext("title") for item in decisions.iter("item")]
        self.assertIn(f"besloten: {ITEM_5_1_2I} (SGO 10 maart 2020)", titles)

    def test_meeting_csv_shows_markers_and_lists_withheld_items(self):
        response = self.client.get("/vergaderingen/export.csv", {"jaar": "2020"})
        rows = {r["date"]: r for r in csv.DictReader(io.StringIO(body_of(response)), delimiter=";")}
        row = rows["2020-03-10"]
        self.assertEqual(
            row["agenda_items"],
            "1. Opening en mededelingen | 2. Verslag SGO 3 maart 2020 | "
            f"3. {ITEM_5_1_2I} | 4. {OUTSIDE} | 5. Rondvraag, actualiteiten en sluiting",
        )
        self.assertEqual(row["withheld_items"], "3: 5.1.2i | 4: buiten verzoek")
        self.assertEqual(rows["2020-09-09"]["withheld_items"], "")

    def test_meeting_json_marks_withheld_items(self):
        response = self.client.get("/vergaderingen/export.json", {"jaar": "2020"})
        meeting = next(m for m in json.loads(body_of(response)) if m["date"] == "2020-03-10")
        self.assertEqual(
            [{k: v for k, v in item.items() if k != "text"} for item in meeting["agenda_items"]],
            [
                {"number": "1", "title": "Opening en mededelingen"},
                {"number": "2", "title": "Verslag SGO 3 maart 2020"},
                {"number": "3", "title": ITEM_5_1_2I, "withheld": "5.1.2i"},
                {"number": "4", "title": OUTSIDE, "withheld": "buiten verzoek"},
                {"number": "5", "title": "Rondvraag, actualiteiten en sluiting"},
            ],
        )
        # The items' text: a withheld body or line is its marker, never the released words.
        texts = [item["text"] for item in meeting["agenda_items"]]
        self.assertTrue(texts[2].startswith("[Weggelakt, Woo-grond 5.1.2i: "), texts[2])
        self.assertEqual(texts[3], "[Niet openbaar: buiten het verzoek]")
        self.assertIn("- [Niet openbaar: buiten het verzoek]\n- Meldt dat", texts[4])
        self.assertIn("valt buiten verzoek van de Kamer", texts[0])  # text, not a marker
        self.assertEqual(meeting["redaction_codes"], ["5.1.2e", "5.1.2i"])

    def test_decision_exports_mark_a_withheld_items_title(self):
        response = self.client.get("/besluiten/export.csv", {"jaar": "2020", "soort": "decided"})
        rows = list(csv.DictReader(io.StringIO(body_of(response)), delimiter=";"))
        row = next(r for r in rows if r["date"] == "2020-03-10")
        self.assertEqual((row["item_title"], row["item_withheld"]), (ITEM_5_1_2I, "5.1.2i"))
        response = self.client.get("/besluiten/export.json", {"jaar": "2020"})
        data = json.loads(body_of(response))
        [withheld_one] = [d for d in data if d["date"] == "2020-03-10"]
        self.assertEqual(withheld_one["item_title"], ITEM_5_1_2I)
        self.assertEqual(withheld_one["item_withheld"], "5.1.2i")
        self.assertTrue(all(d["item_withheld"] is None for d in data if d is not withheld_one))

    def test_search_finds_real_text_not_markers(self):
        response = self.client.get("/zoeken/", {"q": "verzoek"})
        found = {item.pk for item in response.context["results"]}
        # Item 1's sentence is text; items 3, 4 and the rondvraag bullet are markers.
        self.assertIn(self.opening.pk, found)
        self.assertFalse(found & {self.code_item.pk, self.outside_item.pk, self.rondvraag.pk})
        html = response.content.decode()
        self.assertNotIn("<mark>verzoek</mark></a>", html)

    def test_search_results_show_a_withheld_title_as_its_marker(self):
        # A code finds the items withheld on it, shown by their marker.
        response = self.client.get("/zoeken/", {"q": "5.1.2i"})
        self.assertEqual([i.pk for i in response.context["results"]], [self.code_item.pk])
        html = response.content.decode()
        title = html.split('class="sgo-result__title', 1)[1].split("</h2>", 1)[0]
        self.assertEqual(text_of(title.split(">", 1)[1]), f"3. {ITEM_5_1_2I}")

    def test_search_excerpts_leave_withheld_lines_out(self):
        response = self.client.get("/zoeken/", {"q": "huisvestingsnotitie"})
        [item] = response.context["results"]
        self.assertEqual(item.pk, self.rondvraag.pk)
        self.assertNotIn("buiten verzoek", item.body_headline)
        self.assertIn("huisvestingsnotitie", item.body_headline)


# ------------------------------------------------------------------ in a browser


@pytest.fixture
def withheld_site(live_server, imported_samples) -> str:
    """The live site with the samples and the invented minutes with withheld passages."""
    from minutes.search import index

    data = (FIXTURES / "withheld.txt").read_bytes()
    result = import_batch([SourceFile("sgo-2020-03-10.txt", data)])
    assert result.count("imported") == 1, result.outcomes
    index.rebuild()
    return live_server.url


@pytest.mark.django_db(transaction=True)
def test_markers_are_what_a_screen_reader_hears(withheld_site, page, screenshot) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    page.goto(withheld_site + MEETING)
    main = page.locator("main")
    expect(main.get_by_role("heading", name=f"3. {ITEM_5_1_2I}", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=f"4. {OUTSIDE}", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="buiten verzoek")).to_have_count(0)
    expect(main.get_by_role("link", name=f"3. {ITEM_5_1_2I}", exact=True)).to_be_visible()
    bullet = page.locator("#punt-5 li").first
    expect(bullet).to_have_text(OUTSIDE)
    # The marker looks like one: framed, not plain text.
    border = page.locator("#punt-4 .withheld").first.evaluate(
        "el => getComputedStyle(el).borderTopStyle"
    )
    assert border == "dashed"
    screenshot(page, "withheld-meeting")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(withheld_site + "/vergaderingen/?jaar=2020")
    row = page.locator(".sgo-result", has=page.locator(f'a[href="{MEETING}"]'))
    expect(row.locator(".withheld")).to_have_text([ITEM_5_1_2I, OUTSIDE])
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
