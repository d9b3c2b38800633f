"""Reading and citing a meeting page (issue 14): wrapped minutes imported and shown,
links to agenda items and paragraph anchors, the citation, the redaction legend."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.test import TestCase
from django.utils import timezone
from django.utils.formats import date_format

from minutes.models import Decision, Meeting
from minutes.redactions import ground
from minutes.rendering import render_inline
from minutes.services import SourceFile, import_batch
from tests.archive import minutes
from tests.conftest import SAMPLES
from tests.test_rendering import rewrap
from tests.test_series import PDF_NAME, TwoSeriesTestCase

MEETING_2021 = "/vergaderingen/2021-01-19/"
MEETING_2020 = "/vergaderingen/2020-09-09/"


class Page(HTMLParser):
    """The ids, links (href and text) and redaction codes shown in a page's main part."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.codes: list[str] = []  # the visible code of every label in the minutes
        self._link: list[str] | None = None
        self._href = ""
        self._label_depth = 0
        self._depth = 0
        self._hidden = 0
        self.feed(html.split("<main", 1)[1].split("</main>", 1)[0])

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a":
            self._link, self._href = [], attributes.get("href", "")
        if tag == "span":
            self._depth += 1
            if "redaction" in classes and not self._label_depth:
                self._label_depth = self._depth
                self.codes.append("")
            if self._hidden or "redaction__explanation" in classes:
                self._hidden += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._href, " ".join("".join(self._link).split())))
            self._link = None
        if tag == "span":
            if self._hidden:
                self._hidden -= 1
            if self._depth == self._label_depth:
                self._label_depth = 0
            self._depth -= 1

    def handle_data(self, data):
        if self._link is not None:
            self._link.append(data)
        if self._label_depth and not self._hidden:
            self.codes[-1] += data.strip()


class WrappedMinutesPageTests(TestCase):
    """Minutes whose lines are hard-wrapped, imported through the real import."""

    @classmethod
    def setUpTestData(cls) -> None:
        text = (SAMPLES / "sgo-2021-01-19.txt").read_text(encoding="utf-8")
        wrapped = rewrap(text, 72).replace("19 januari 2021, 15.00", "26 januari 2021, 15.00")
        wrapped = wrapped.replace("4182454", "8880001")
        invented = minutes(
            "2 februari 2021",
            [
                ("Opening", "Geen mededelingen."),
                (
                    "Werkagenda",
                    "Spreker licht de werkagenda toe. Het SGO besluit de werkgroep te vragen\n"
                    "het voorstel uit te werken voor de volgende vergadering.\n\n"
                    "De werkagenda kent vier punten:\n"
                    "1. de herziening van het afwegingskader, waarover de werkgroep\n"
                    "   in maart rapporteert;\n"
                    "2. de informatiehuishouding;\n"
                    "3. het hybride werken, met een voorstel van\n"
                    "   5.1.2e over de huisvesting;\n"
                    "4. de evaluatie.",
                ),
                (
                    "Rondvraag",
                    "EZK\n- Meldt dat de evaluatie van het programma in het voorjaar\n"
                    "  verschijnt.\n\nFIN\n- Vraagt aandacht voor de begroting en de\n"
                    "  planning daarvan.",
                ),
            ],
        )
        result = import_batch(
            [
                SourceFile("sgo-2021-01-26.txt", wrapped.encode("utf-8")),
                SourceFile("sgo-2021-02-02.txt", invented),
            ]
        )
        assert result.count("imported") == 2, result.outcomes

    def test_the_wrapped_meeting_reads_as_the_unwrapped_one(self):
        original = self.client.get(MEETING_2021).content.decode()
        wrapped = self.client.get("/vergaderingen/2021-01-26/").content.decode()

        def items(page: str) -> str:
            return page.split('class="sgo-item"', 1)[1].split("sgo-prev-next")[0]

        self.assertEqual(items(wrapped).replace("2021-01-26", "2021-01-19"), items(original))
        stored = Meeting.objects.get(slug="2021-01-26").agenda_items.get(anchor="punt-3").body
        self.assertIn("\n", stored.split("\n\n")[0])  # the stored body keeps its lines

    def test_a_decision_over_two_lines_is_marked_and_listed(self):
        page = self.client.get("/vergaderingen/2021-02-02/").content.decode()
        sentence = (
            "Het SGO besluit de werkgroep te vragen het voorstel uit te werken voor de "
            "volgende vergadering."
        )
        self.assertTrue(Decision.objects.filter(text=sentence).exists())
        self.assertIn(
            '<strong class="decision-inline"><span class="sgo-visually-hidden">Besluit: </span>'
            f"{sentence}</strong>",
            page,
        )

    def test_a_numbered_list_and_rondvraag_bullets_keep_their_lines(self):
        page = self.client.get("/vergaderingen/2021-02-02/").content.decode()
        self.assertIn('<ol id="punt-2-p3">', page)
        self.assertEqual(re.findall(r'<li value="(\d)">', page), ["1", "2", "3", "4"])
        self.assertIn(
            '<li value="1">de herziening van het afwegingskader, waarover de werkgroep in '
            "maart rapporteert;</li>",
            page,
        )
        self.assertIn(
            "<li>Meldt dat de evaluatie van het programma in het voorjaar verschijnt.</li>", page
        )
        self.assertIn("<li>Vraagt aandacht voor de begroting en de planning daarvan.</li>", page)


class AnchorTests(TestCase):
    def test_every_agenda_item_has_a_named_link_to_its_anchor(self):
        response = self.client.get(MEETING_2021)
        page = Page(response.content.decode())
        permalink = response.context["permalink"]
        items = [
            (each.anchor, each)
            for item in response.context["items"]
            for each in (item, *item.children)
        ]
        self.assertEqual(len(items), 8)  # six items, two sub-items
        for anchor, item in items:
            links = [text for href, text in page.links if href == f"{permalink}#{anchor}"]
            self.assertEqual(len(links), 1, anchor)
            self.assertTrue(links[0].startswith("Link naar dit agendapunt ("), links[0])
            self.assertIn(item.title, links[0])
            self.assertIn(anchor, page.ids)

    def test_paragraph_anchors_are_numbered_per_item_and_unique_on_the_page(self):
        for path in (MEETING_2021, MEETING_2020):
            page = Page(self.client.get(path).content.decode())
            self.assertEqual(len(page.ids), len(set(page.ids)), path)
            paragraphs = [i for i in page.ids if re.fullmatch(r"punt-\d+[a-z]?-p\d+", i)]
            self.assertGreater(len(paragraphs), 10, path)
            for item in {p.rsplit("-p", 1)[0] for p in paragraphs}:
                numbers = [
                    int(p.rsplit("-p", 1)[1]) for p in paragraphs if p.startswith(item + "-p")
                ]
                self.assertEqual(numbers, list(range(1, len(numbers) + 1)), item)
        self.assertIn('<ul id="punt-3-p4">', self.client.get(MEETING_2021).content.decode())

    def test_paragraph_anchors_are_the_same_with_search_marks(self):
        plain = Page(self.client.get(MEETING_2021).content.decode()).ids
        marked = Page(self.client.get(MEETING_2021 + "?q=thuiswerken").content.decode()).ids
        self.assertEqual(plain, marked)


class CitationTests(TestCase):
    def test_the_citation_names_series_date_source_address_and_access_date(self):
        response = self.client.get(MEETING_2021)
        page = response.content.decode()
        citation = page.split('<blockquote class="sgo-cite__text">', 1)[1].split("</blockquote>")[0]
        text = " ".join(re.sub(r"<[^>]+>", "", citation).split())
        today = date_format(timezone.localdate(), "j F Y")
        self.assertEqual(
            text,
            "Secretarissen-Generaal Overleg, verslag van 19 januari 2021, referentie 4182454. "
            "Bron: sgo-2021-01-19.txt, openbaar gemaakt onder de Woo. SGO-archief, "
            f"{response.context['permalink']} (geraadpleegd op {today}).",
        )
        self.assertRegex(
            today,
            r"^\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|"
            r"september|oktober|november|december) \d{4}$",
        )
        self.assertIn("<cite>verslag van\n        19 januari 2021</cite>", citation)


class PdfCitationTests(TwoSeriesTestCase):
    def test_a_pdf_meeting_cites_its_document_with_a_download_link_and_pages(self):
        response = self.client.get(self.made["june"].get_absolute_url())
        page = response.content.decode()
        citation = page.split('<blockquote class="sgo-cite__text">', 1)[1].split("</blockquote>")[0]
        sha = self.made["document"].sha256
        self.assertIn(f'href="/bronnen/{sha}/"\n        download>{PDF_NAME}</a>', citation)
        text = " ".join(re.sub(r"<[^>]+>", "", citation).split())
        self.assertIn(
            f"Technisch Overleg Digikoppeling, verslag van 10 juni 2021. Bron: {PDF_NAME}, "
            "pagina's 3–7, openbaar gemaakt onder de Woo.",
            text.replace("&#x27;", "'"),
        )
        self.assertEqual(self.client.get(f"/bronnen/{sha}/").status_code, 200)


class LegendTests(TestCase):
    def legend(self, page: str) -> list[tuple[str, str]]:
        section = page.split('aria-labelledby="weggelakt-titel"', 1)[1].split("</section>")[0]
        return re.findall(
            r'<dt><span class="redaction"[^>]*><span class="redaction__explanation">'
            r"weggelakt, Woo-grond </span>([^<]+)</span></dt><dd>([^<]+)</dd>",
            section,
        )

    def test_the_legend_lists_each_code_shown_on_the_page_with_its_meaning(self):
        for path in (MEETING_2021, MEETING_2020):
            page = self.client.get(path).content.decode()
            self.assertIn("Weggelakte gegevens op deze pagina</h2>", page)
            legend = self.legend(page)
            before, after = page.split('aria-labelledby="weggelakt-titel"', 1)
            rest = before + after.split("</section>", 1)[1]
            shown = set(Page(rest).codes) - {""}
            codes = [code for code, _ in legend]
            self.assertEqual(len(codes), len(set(codes)))
            self.assertEqual(set(codes), shown)
            self.assertTrue(legend)
            for code, meaning in legend:
                self.assertEqual(meaning, ground(code))
        self.assertIn(("5.1.2e", "eerbiediging van de persoonlijke levenssfeer"), legend)

    def test_codes_are_kept_as_released_in_text_and_legend(self):
        body = "De notitie van 5.1.2.e en 10.2.e wordt besproken. Ook 5.1.2e is aanwezig."
        import_batch(
            [SourceFile("sgo-2021-02-09.txt", minutes("9 februari 2021", [("Notitie", body)]))]
        )
        page = self.client.get("/vergaderingen/2021-02-09/").content.decode()
        legend = self.legend(page)
        self.assertEqual([code for code, _ in legend], ["5.1.2e", "5.1.2.e", "10.2.e"])
        self.assertEqual(legend[2][1], "eerbiediging van de persoonlijke levenssfeer (Wob)")
        self.assertIn('5.1.2.e<span class="redaction__explanation redaction__ground">', page)

    def test_labels_in_the_text_take_focus_and_labels_in_links_do_not(self):
        page = self.client.get(MEETING_2021).content.decode()
        main = page.split('class="sgo-item"', 1)[1].split("sgo-prev-next")[0]
        labels = re.findall(r'<span class="redaction[ "][^>]*>', main)
        self.assertEqual(len(labels), 6)
        self.assertEqual(
            set(labels), {'<span class="redaction redaction--explained" tabindex="0">'}
        )
        # A title inside a link (lists, search results): the link takes the focus.
        title = render_inline("Notitie 5.1.2e")
        self.assertNotIn("tabindex", title)
        self.assertIn('title="Weggelakt, Woo-grond 5.1.2e: eerbiediging', title)
        self.assertIn('tabindex="0"', render_inline("Notitie 5.1.2e", focusable=True))
