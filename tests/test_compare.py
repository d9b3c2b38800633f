"""Ministries side by side (issue 16): /ministeries/vergelijken/, one small SVG chart per
ministry on the same scale with its data as a table, the measure chosen by `maat`; and
every chart label at least 12 px on a 360 px phone, measured in Chromium (the ministry
page's timeline too)."""

from __future__ import annotations

import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minutes.models import Ministry
from tests.test_browser import MOBILE, visit
from tests.test_query_counts import grow_archive, reindex_afterwards  # noqa: F401 (a fixture)
from tests.test_roles import RoleTestCase

COMPARE = "/ministeries/vergelijken/"
MEASURES = ["besproken", "rondvraag", "besproken-aandeel", "rondvraag-aandeel"]


def table_of(html: str, slug: str) -> dict[str, list[str]]:
    """A ministry's data table on the page: {year: [cells]}, the cells' text as shown."""
    start = html.index(f'id="vergelijk-{slug}"')
    table = html[start : html.index("</table>", start)]
    rows = {}
    for row in re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", table, re.S)[1:]:
        cells = [
            " ".join(re.sub(r"<[^>]+>", "", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


class ComparisonTests(RoleTestCase):
    def test_a_chart_and_a_table_per_ministry_from_the_list(self):
        listing = self.client.get("/ministeries/")
        self.assertContains(listing, f'href="{COMPARE}"')
        response = self.client.get(COMPARE)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        # Templates' comments stay out of the page (a {# #} comment is one line only).
        for page in (html, self.client.get("/ministeries/def/").content.decode()):
            self.assertNotIn("{#", page)
            self.assertNotIn("{% comment", page)
        # The ministries that existed in the archive's years (2020–2023): not those of
        # before 2017 (VenJ, EZ (2010–2017) …) nor those of 2024 (EZ (2024–), KGG …).
        then = ["az", "bz", "bzk", "def", "ezk", "fin", "ienw", "jenv", "lnv", "ocw", "szw", "vws"]
        shown = re.findall(
            r'<h3 class="utrecht-heading-3 sgo-multiples__title" id="vergelijk-([\w-]+)"', html
        )
        self.assertEqual(sorted(shown), then)
        self.assertEqual(html.count('<svg class="sgo-chart__svg sgo-multiples__svg"'), len(then))
        self.assertEqual(html.count("<table"), len(then))
        # Two ministries may share an abbreviation: each says its period.
        self.assertContains(response, ">EZK (2017–2024)</a></h3>")
        self.assertFalse(Ministry.objects.get(slug="ezk").is_current)
        # DEF in 2022: named in three items of the first meeting (and in the rondvraag of
        # the second, where it spoke): 3 items, 1 contribution; discussed in both of the
        # year's 2 meetings (100%), spoke in 1 (50%).
        self.assertEqual(table_of(html, "def")["2022"], ["3", "1", "2 (100%)", "1 (50%)", "2"])
        self.assertEqual(table_of(html, "def")["2023"], ["0", "0", "0 (0%)", "0 (0%)", "1"])
        self.assertEqual(list(table_of(html, "def")), ["2020", "2021", "2022", "2023"])

    def test_every_chart_has_the_same_scale(self):
        for measure in MEASURES:
            with self.subTest(measure=measure):
                context = self.client.get(COMPARE, {"maat": measure}).context["comparison"]
                ratios = {
                    round(bar["height"] / bar["value"], 6)
                    for entry in context["charts"]
                    for bar in entry["chart"]["bars"]
                    if bar["value"]
                }
                self.assertEqual(len(ratios), 1, ratios)
                # The chart's bars are its table's values.
                field = {"besproken": "discussed", "rondvraag": "spoke"}.get(
                    measure,
                    measure.replace("besproken-aandeel", "discussed_share").replace(
                        "rondvraag-aandeel", "spoke_share"
                    ),
                )
                for entry in context["charts"]:
                    self.assertEqual(
                        [bar["value"] for bar in entry["chart"]["bars"]],
                        [row[field] for row in entry["rows"]],
                    )

    def test_the_measure_is_a_shareable_parameter(self):
        spoke = self.client.get(COMPARE, {"maat": "rondvraag-aandeel"})
        self.assertContains(spoke, "<title>2022: 50%</title>")
        self.assertContains(spoke, 'href="?maat=rondvraag-aandeel"\n      aria-current="true"')
        count = self.client.get(COMPARE, {"maat": "rondvraag"})
        self.assertContains(count, "<title>2022: 1</title>")
        wrong = self.client.get(COMPARE, {"maat": "alles"})
        self.assertEqual(wrong.status_code, 400)
        self.assertContains(wrong, 'role="alert"', status_code=400)
        # Still the default charts, with a way back.
        self.assertContains(wrong, "<title>2022: 3</title>", status_code=400)
        self.assertContains(wrong, f'href="{COMPARE}"', status_code=400)

    def test_the_english_page(self):
        response = self.client.get("/en" + COMPARE, {"maat": "besproken-aandeel"})
        self.assertContains(response, "Compare ministries")
        self.assertContains(response, "Share of meetings discussed in")


def uncached_queries(client, url: str) -> int:
    """The statements of one request with nothing kept in the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        COMPARE,
        COMPARE + "?maat=rondvraag-aandeel",
        "/ministeries/",
        "/ministeries/bzk/?rol=aanwezig",
    ],
)
def test_queries_do_not_grow_with_the_meetings(reindex_afterwards, db, client, url):  # noqa: F811
    small = uncached_queries(client, url)
    grow_archive()
    large = uncached_queries(client, url)
    assert large == small, f"{url}: {small} queries with 2 meetings, {large} with 12"


# ------------------------------------------------------------------ in Chromium, at 360 px

# Every text of the page's charts: its rendered size (the CSS size times the SVG's scale)
# and its box, per chart.
CHART_TEXTS = """
() => [...document.querySelectorAll('svg.sgo-chart__svg')].map((svg) => {
  const frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map((text) => {
    const box = text.getBoundingClientRect();
    return {
      text: text.textContent.trim(),
      label: text.classList.contains('sgo-chart__label'),
      size: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
      left: box.left - frame.left, right: box.right - frame.left, width: frame.width,
      top: box.top, bottom: box.bottom,
    };
  });
})
"""


def chart_texts(page) -> list[list[dict]]:
    return page.evaluate(CHART_TEXTS)


@pytest.fixture
def compared_site(live_server, imported_samples) -> str:
    return live_server.url


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        COMPARE,
        COMPARE + "?maat=rondvraag-aandeel",
        "/ministeries/ezk/",
        "/ministeries/ezk/?rol=besproken",
        "/en" + COMPARE,
    ],
)
def test_chart_labels_are_at_least_12_px_on_a_phone(compared_site, browser, unhashed_static, path):
    context = browser.new_context(viewport=MOBILE, locale="nl-NL")
    page = context.new_page()
    try:
        visit(page, compared_site + path)
        charts = chart_texts(page)
        assert charts and all(charts), f"{path}: no chart texts"
        for texts in charts:
            for text in texts:
                assert text["size"] >= 12, f"{path}: {text['text']!r} at {text['size']:.1f} px"
                # Inside the chart's width, not cut off at either side.
                assert text["left"] >= -0.5 and text["right"] <= text["width"] + 0.5, text
            labels = sorted((t for t in texts if t["label"]), key=lambda t: t["left"])
            for before, after in itertools.pairwise(labels):
                assert before["right"] <= after["left"], f"{path}: {before} overlaps {after}"
    finally:
        context.close()
