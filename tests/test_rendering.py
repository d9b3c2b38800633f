"""Rendering stored bodies: paragraphs and lists rebuilt from hard-wrapped lines (issue 14).

The stored body keeps the lines as the source had them; the rendering shows prose.
The samples are wrapped again with textwrap at several widths, parsed by the real
parser and rendered: the paragraphs, lists and marked decisions must be the ones of
the unwrapped text.
"""

from __future__ import annotations

import re
import textwrap

from django.test import SimpleTestCase

from minutes.parsing import parse_minutes
from minutes.rendering import MARK_END, MARK_START, render_text
from tests.conftest import SAMPLES

# A heading line of the SGO template ("4. Voortgang …", "a. RMR …"): never wrapped,
# as the parser reads an agenda item's title from one line.
AGENDA_LINE_RE = re.compile(r"^(?:\d{1,2}|[a-z])\.\s")
DECISION_RE = re.compile(r'<strong class="decision-inline">|<div class="decision"')


def rewrap(text: str, width: int) -> str:
    """`text` with every longer body line hard-wrapped at `width`; bullets hang."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width or AGENDA_LINE_RE.match(line) or "\t" in line:
            lines.append(line)
            continue
        bullet = re.match(r"^[-•–]\s+", line)
        indent = " " * len(bullet.group(0)) if bullet else ""
        lines += textwrap.wrap(
            line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
    return "\n".join(lines)


def rendered_items(text: str) -> list[str]:
    """Each agenda item's body as the meeting page renders it, with its decisions."""
    meeting = parse_minutes(text.encode("utf-8"))
    bodies = []
    for index, item in enumerate(meeting.agenda_items):
        decisions = [d.text for d in meeting.decisions if d.item_index == index]
        bodies.append(str(render_text(item.body, decisions, f"punt-{index + 1}")))
    return bodies


def without_decision_marks(html: str) -> str:
    """A rendered body as plain paragraphs: a decision block or mark is a paragraph or text."""
    html = re.sub(
        r'<div class="decision"( id="[^"]+")>'
        r'<p class="decision__label">Besluit</p><p>(.*?)</p></div>',
        r"<p\1>\2</p>",
        html,
    )
    html = html.replace('<span class="sgo-visually-hidden">Besluit: </span>', "")
    return re.sub(r"</?strong[^>]*>", "", html)


def blocks(html: str) -> list[str]:
    """The top-level blocks of a rendered body: "p", "ul:5" (a list of five), "decision"."""
    found = []
    for line in html.split("\n"):
        tag = re.match(r"<(\w+)", line).group(1)
        if tag in ("ul", "ol"):
            found.append(f"{tag}:{line.count('<li')}")
        elif line.startswith('<div class="decision"'):
            found.append("decision")
        else:
            found.append(tag)
    return found


class RewrappedSampleTests(SimpleTestCase):
    """The 2021 sample (long lines) against itself wrapped at 60, 72 and 80 columns."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.source = (SAMPLES / "sgo-2021-01-19.txt").read_text(encoding="utf-8")
        cls.unwrapped = rendered_items(cls.source)

    def test_the_wrapped_text_really_is_wrapped(self):
        for width in (60, 72, 80):
            meeting = parse_minutes(rewrap(self.source, width).encode("utf-8"))
            body = meeting.agenda_items[2].body
            self.assertGreater(body.count("\n"), 30, width)
            self.assertLessEqual(max(len(line) for line in body.split("\n")), width)

    def test_same_paragraphs_and_lists_at_every_width(self):
        expected = [without_decision_marks(body) for body in self.unwrapped]
        for width in (60, 72, 80):
            with self.subTest(width=width):
                got = [
                    without_decision_marks(b) for b in rendered_items(rewrap(self.source, width))
                ]
                self.assertEqual(got, expected)

    def test_the_unwrapped_sample_has_the_structure_the_reader_sees(self):
        # Item 3: four paragraphs, a list of five findings, a paragraph, the
        # paragraph announcing the points, a list of ten, a closing paragraph.
        self.assertEqual(blocks(self.unwrapped[2]), ["p", "p", "p", "ul:5", "p", "p", "ul:10", "p"])
        # Item 6: the EZK heading, its two bullets; the decision inside the second.
        self.assertEqual(blocks(self.unwrapped[5]), ["p", "ul:2"])
        self.assertIn('class="sgo-rondvraag-heading" id="punt-6-p1">EZK</p>', self.unwrapped[5])

    def test_decisions_are_marked_whatever_the_wrapping(self):
        for width in (72, 80):
            with self.subTest(width=width):
                self.assertEqual(rendered_items(rewrap(self.source, width)), self.unwrapped)
        # At 60 columns a line ends on "c.q.", and the parser takes the decision of item
        # 4 to end there; the rendering still marks what the parser stored, in one piece.
        narrow = rendered_items(rewrap(self.source, 60))
        for body, unwrapped in zip(narrow, self.unwrapped, strict=True):
            self.assertEqual(len(DECISION_RE.findall(body)), len(DECISION_RE.findall(unwrapped)))


class ParagraphTests(SimpleTestCase):
    def test_a_wrapped_decision_is_one_paragraph_and_marked(self):
        html = render_text(
            "Spreker licht het voorstel toe. Het SGO besluit de werkgroep te vragen\n"
            "het voorstel uit te werken voor de volgende vergadering.",
            [
                "Het SGO besluit de werkgroep te vragen het voorstel uit te werken voor de "
                "volgende vergadering."
            ],
        )
        self.assertEqual(html.count("<p>"), 1)
        self.assertIn(
            '<strong class="decision-inline"><span class="sgo-visually-hidden">Besluit: </span>'
            "Het SGO besluit de werkgroep te vragen het voorstel uit te werken voor de "
            "volgende vergadering.</strong>",
            html,
        )

    def test_a_numbered_list_is_one_list_with_its_numbers(self):
        html = render_text(
            "Het SGO stemt in met de volgende punten:\n"
            "1. de werkgroep werkt het voorstel uit voor de\n"
            "   volgende vergadering;\n"
            "2. het voorstel gaat naar de ICBR;\n"
            "3. BZK coördineert\n"
            "de uitvoering;\n"
            "4. de evaluatie volgt in 2022."
        )
        self.assertEqual(html.count("<ol"), 1)
        self.assertEqual(re.findall(r'<li value="(\d)">', html), ["1", "2", "3", "4"])
        self.assertIn(
            '<li value="1">de werkgroep werkt het voorstel uit voor de volgende vergadering;</li>',
            html,
        )
        self.assertIn('<li value="3">BZK coördineert de uitvoering;</li>', html)

    def test_a_list_numbered_from_elsewhere_keeps_its_numbers(self):
        html = render_text("3. derde punt;\n4. vierde punt.")
        self.assertEqual(re.findall(r'<li value="(\d)">', html), ["3", "4"])

    def test_a_bullets_second_line_stays_in_its_bullet(self):
        for indent in ("", "  "):
            html = render_text(
                "EZK\n"
                "- Staat stil bij het aftreden van het kabinet en het per direct\n"
                f"{indent}opstappen van de minister.\n"
                "- Vraagt aandacht voor de informatiehuishouding naar aanleiding van\n"
                f"{indent}het rapport.\n"
                "J&V:\n"
                "- Meldt dat de wet is aangenomen."
            )
            self.assertEqual(blocks(html), ["p", "ul:2", "p", "ul:1"], html)
            self.assertIn(
                "<li>Staat stil bij het aftreden van het kabinet en het per direct opstappen "
                "van de minister.</li>",
                html,
            )
            self.assertIn('<p class="sgo-rondvraag-heading">J&amp;V:</p>', html)

    def test_a_dash_a_wrap_put_first_is_no_bullet(self):
        html = render_text(
            "Gemeld wordt dat vanaf heden\n- vanwege het aftreden van het kabinet -\nalle adviezen"
            " aan de ministerraad worden voorgelegd."
        )
        self.assertNotIn("<li>", html)
        self.assertIn("vanaf heden - vanwege het aftreden van het kabinet - alle adviezen", html)

    def test_short_lines_that_end_sentences_stay_paragraphs(self):
        html = render_text(
            "Besproken.\nDe notitie wordt aangepast.\nConclusies van de werkgroep\n"
            "De werkgroep stelt voor het kader in 2022 te herzien."
        )
        self.assertEqual(html.count("<p"), 4, html)

    def test_unwrapped_long_lines_are_not_joined(self):
        long = "Spreker meldt dat de herziening wordt vormgegeven langs vier actielijnen " * 2
        html = render_text(f"- {long.strip()}.\nHet SGO stemt in met het voorstel.")
        self.assertEqual(blocks(html), ["ul:1", "p"], html)

    def test_the_stored_body_is_not_changed(self):
        body = "Het SGO besluit de werkgroep te vragen\nhet voorstel uit te werken."
        render_text(body, [], "punt-3")
        self.assertIn("\n", body)


class ParagraphAnchorTests(SimpleTestCase):
    BODY = (
        "Spreker licht het voorstel toe.\n\nUit het onderzoek blijkt dat:\n- thuiswerken\n"
        "  positief is;\n- nabijheid telt.\n\nHet verslag is vastgesteld."
    )

    def test_each_paragraph_and_list_has_the_item_anchor_and_its_number(self):
        html = render_text(self.BODY, ["Het verslag is vastgesteld."], "punt-3")
        self.assertEqual(
            re.findall(r' id="([^"]+)"', html), ["punt-3-p1", "punt-3-p2", "punt-3-p3", "punt-3-p4"]
        )
        self.assertIn('<div class="decision" id="punt-3-p4">', html)
        self.assertIn('<ul id="punt-3-p3">', html)

    def test_anchors_stay_when_search_matches_are_marked(self):
        marked = self.BODY.replace("thuiswerken", f"{MARK_START}thuiswerken{MARK_END}")
        plain = render_text(self.BODY, [], "punt-3")
        highlighted = render_text(marked, [], "punt-3")
        self.assertEqual(
            re.findall(r' id="([^"]+)"', plain), re.findall(r' id="([^"]+)"', highlighted)
        )
        self.assertIn("<mark>thuiswerken</mark>", highlighted)

    def test_without_an_anchor_no_ids(self):
        self.assertNotIn(" id=", render_text(self.BODY))
