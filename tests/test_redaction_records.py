"""Redactions as records: each code and withheld passage stored with its place and
ground, counted per meeting, ministry, year and ground, and a filter and facet."""

from __future__ import annotations

import csv
import io
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext

from minutes import parsing
from minutes.models import Meeting, Ministry, Redaction
from minutes.parsing.redactions import (
    OUTSIDE_REQUEST,
    Kind,
    Law,
    Part,
    law,
    normalise,
    redactions,
)
from minutes.parsing.text import REDACTION_RE
from minutes.redactions import GROUNDS, ground, ground_choices
from minutes.services import SourceFile, import_batch
from tests.conftest import FIXTURES, SAMPLES

SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
WITHHELD = FIXTURES / "withheld.txt"  # 10 March 2020
CODES = FIXTURES / "redactions.txt"  # 3 March 2020


def parse(path) -> parsing.ParsedMeeting:
    return parsing.parse_minutes(path.read_bytes())


def records(meeting: Meeting) -> list[tuple]:
    return list(
        meeting.redactions.values_list(
            "position", "agenda_item__anchor", "part", "code", "ground", "law", "kind"
        )
    )


def import_files(*paths, force: bool = False) -> None:
    files = [SourceFile(name=path.name, data=path.read_bytes()) for path in paths]
    result = import_batch(files, force=force)
    assert not result.failed, result.failed


class NormalisationTests(SimpleTestCase):
    def test_woo_codes_with_or_without_the_dot_before_the_letter_are_one_ground(self):
        self.assertEqual(normalise("5.1.2.e"), "5.1.2e")
        self.assertEqual(normalise("5.1.2e"), "5.1.2e")
        self.assertEqual(normalise("5.1.1.c"), "5.1.1c")
        self.assertEqual(normalise("5.2.1"), "5.2.1")
        self.assertEqual(normalise("5.1.5"), "5.1.5")
        self.assertEqual(law("5.1.2e"), Law.WOO)

    def test_wob_codes_are_normalised_to_their_wob_keys(self):
        self.assertEqual(normalise("10.2.e"), "10.2.e")
        self.assertEqual(normalise("10.2e"), "10.2.e")
        self.assertEqual(normalise("10.2.g"), "10.2.g")
        self.assertEqual(normalise("10.1c"), "10.1.c")
        self.assertEqual(normalise("11.1"), "11.1")
        for key in ("10.2.e", "10.2.g", "11.1"):
            self.assertEqual(law(key), Law.WOB)
            self.assertIn(key, GROUNDS)
        self.assertEqual(ground("10.2e"), "eerbiediging van de persoonlijke levenssfeer (Wob)")
        self.assertEqual(ground("11.1"), "persoonlijke beleidsopvattingen (Wob)")
        self.assertEqual(law(OUTSIDE_REQUEST), Law.NONE)

    def test_every_ground_of_the_table_is_a_filter_value_and_so_is_outside_the_request(self):
        values = [value for value, _ in ground_choices()]
        self.assertEqual(values[:-1], list(GROUNDS))
        self.assertEqual(values[-1], OUTSIDE_REQUEST)
        # The Wob's grounds the table once lacked.
        for key in ("10.1.a", "10.1.b", "10.1.d", "10.2.f"):
            self.assertIn(key, GROUNDS)


class ExtractionTests(SimpleTestCase):
    def test_withheld_items_passages_and_codes_in_reading_order(self):
        found = redactions(parse(WITHHELD))
        got = [(r.position, r.item, r.part, r.code, r.ground, r.kind) for r in found]
        self.assertEqual(
            got,
            [
                # Aanwezig: three names withheld.
                (0, None, Part.ATTENDEES, "5.1.2e", "5.1.2e", Kind.CODE),
                (1, None, Part.ATTENDEES, "5.1.2e", "5.1.2e", Kind.CODE),
                (2, None, Part.ATTENDEES, "5.1.2e", "5.1.2e", Kind.CODE),
                # 1. "… dit valt buiten verzoek van de Kamer …" is a sentence, not a passage.
                # 3. "5.1.2i": the whole item withheld, its title and its text.
                (3, 2, Part.TITLE, "5.1.2i", "5.1.2i", Kind.ITEM),
                (4, 2, Part.BODY, "5.1.2i", "5.1.2i", Kind.ITEM),
                # 4. "buiten verzoek": the whole item outside the request.
                (5, 3, Part.TITLE, "", OUTSIDE_REQUEST, Kind.ITEM),
                (6, 3, Part.BODY, "", OUTSIDE_REQUEST, Kind.ITEM),
                # 5. Rondvraag: "- buiten verzoek" under BZK.
                (7, 4, Part.BODY, "", OUTSIDE_REQUEST, Kind.OUTSIDE),
            ],
        )

    def test_offsets_point_at_the_code_as_released(self):
        parsed = parse(CODES)
        item = parsed.agenda_items[0]
        texts = {Part.ATTENDEES: parsed.attendees_text, Part.BODY: item.body}
        found = redactions(parsed)
        self.assertEqual(
            [r.code for r in found], ["5.1.2e", "5.1.2e", "5.1.1c", "5.2.1", "", "10.2.e", ""]
        )
        for record in found:
            text = texts[record.part]
            if record.code:
                self.assertEqual(text[record.offset :].split()[0].strip(".;,"), record.code)
            else:
                self.assertRegex(text[record.offset :], r"^buiten verzoek")
        self.assertEqual([r.law for r in found if r.code == "10.2.e"], [Law.WOB])


class RecordsTests(TestCase):
    def test_the_samples_codes_are_counted_outside_the_letterhead(self):
        for path in (SAMPLE_2020, SAMPLE_2021):
            text = path.read_text(encoding="utf-8")
            # Everything from the attendee list on: the letterhead above it (a contact
            # person's name, repeated as a running page header) is not the minutes.
            minutes = text[text.index("Aanwezig\t") :]
            meeting = Meeting.objects.get(source_name=path.name)
            codes = meeting.redactions.exclude(code="")
            self.assertEqual(
                list(codes.values_list("code", flat=True)), REDACTION_RE.findall(minutes)
            )
        meeting = Meeting.objects.get(slug="2020-09-09")
        self.assertEqual(meeting.redactions.ground_counts(), {"5.1.2e": 13, OUTSIDE_REQUEST: 1})
        self.assertEqual(
            Meeting.objects.get(slug="2021-01-19").redactions.ground_counts(), {"5.1.2e": 7}
        )
        # The attendee list lies outside the agenda: no item.
        attendees = meeting.redactions.filter(part=Redaction.Part.ATTENDEES)
        self.assertEqual(attendees.count(), 13)
        self.assertFalse(attendees.filter(agenda_item__isnull=False).exists())
        outside = meeting.redactions.get(ground=OUTSIDE_REQUEST)
        self.assertEqual((outside.kind, outside.code, outside.law), ("buiten-verzoek", "", ""))
        self.assertIsNotNone(outside.agenda_item)

    def test_import_stores_codes_as_released_with_ground_law_and_item(self):
        import_files(WITHHELD, CODES)
        codes = Meeting.objects.get(date="2020-03-03")
        self.assertEqual(
            records(codes),
            [
                (0, None, "aanwezig", "5.1.2e", "5.1.2e", "woo", "code"),
                (1, "punt-1", "tekst", "5.1.2e", "5.1.2e", "woo", "code"),
                (2, "punt-1", "tekst", "5.1.1c", "5.1.1c", "woo", "code"),
                (3, "punt-1", "tekst", "5.2.1", "5.2.1", "woo", "code"),
                (4, "punt-1", "tekst", "", OUTSIDE_REQUEST, "", "buiten-verzoek"),
                (5, "punt-1", "tekst", "10.2.e", "10.2.e", "wob", "code"),
                (6, "punt-1", "tekst", "", OUTSIDE_REQUEST, "", "buiten-verzoek"),
            ],
        )
        withheld = Meeting.objects.get(date="2020-03-10")
        self.assertEqual(
            withheld.redactions.ground_counts(), {"5.1.2e": 3, "5.1.2i": 2, OUTSIDE_REQUEST: 3}
        )
        items = withheld.redactions.filter(kind=Redaction.Kind.ITEM)
        self.assertEqual(
            sorted(set(items.values_list("agenda_item__anchor", flat=True))),
            ["punt-3", "punt-4"],
        )

    def test_a_replacement_replaces_the_records(self):
        import_files(CODES)
        meeting = Meeting.objects.get(date="2020-03-03")
        old = list(meeting.redactions.values_list("pk", flat=True))
        changed = CODES.read_bytes().replace(b"10.2.e als contactpersoon", b"de secretaris")
        result = import_batch([SourceFile(name=CODES.name, data=changed)], force=True)
        self.assertEqual(result.count("replaced"), 1, result.outcomes)
        self.assertFalse(Redaction.objects.filter(pk__in=old).exists())
        self.assertEqual(
            meeting.redactions.ground_counts(),
            {"5.1.2e": 2, "5.1.1c": 1, "5.2.1": 1, OUTSIDE_REQUEST: 2},
        )
        self.assertEqual(
            list(meeting.redactions.values_list("position", flat=True)), list(range(6))
        )

    def test_the_data_migration_fills_the_records_of_stored_meetings(self):
        import_files(WITHHELD, CODES)
        fields = ("meeting", "agenda_item", "position", "part", "offset", "code", "ground")
        imported = list(Redaction.objects.order_by("meeting", "position").values_list(*fields))
        Redaction.objects.all().delete()
        import_module("minutes.migrations.0026_redactions").fill(apps, None)
        filled = list(Redaction.objects.order_by("meeting", "position").values_list(*fields))
        self.assertEqual(filled, imported)
        self.assertEqual(len(filled), Redaction.objects.count())

    def test_counts_per_ministry_year_and_ground(self):
        import_files(WITHHELD, CODES)
        bzk = Ministry.objects.get(abbreviation="BZK")
        per_ministry = Redaction.objects.ministry_counts()
        # redactions.txt: item 1 names BZK and holds all its codes and two passages;
        # withheld.txt: BZK speaks in the rondvraag, whose one passage is withheld;
        # 2020-09-09: the rondvraag names "SG BZK" and withholds one passage.
        self.assertEqual(
            per_ministry[bzk.pk],
            {"5.1.2e": 1, "5.1.1c": 1, "5.2.1": 1, "10.2.e": 1, OUTSIDE_REQUEST: 2 + 1 + 1},
        )
        # The attendee list is no agenda item: present there (FIN, withheld.txt) counts not.
        fin = Ministry.objects.get(abbreviation="FIN")
        self.assertNotIn(OUTSIDE_REQUEST, per_ministry.get(fin.pk, {}))
        years = Redaction.objects.year_counts()
        self.assertEqual(
            years[2020],
            {"5.1.2e": 13 + 3 + 2, "5.1.2i": 2, "5.1.1c": 1, "5.2.1": 1, "10.2.e": 1,
             OUTSIDE_REQUEST: 1 + 3 + 2},
        )  # fmt: skip
        self.assertEqual(years[2021], {"5.1.2e": 7})


class PageTests(TestCase):
    def test_redactions_page_has_a_chart_and_tables(self):
        import_files(WITHHELD, CODES)
        response = self.client.get("/weglakkingen/")
        self.assertEqual(response.status_code, 200)
        counts = response.context["counts"]
        self.assertEqual(counts["total"], Redaction.objects.count())
        self.assertEqual(counts["total"], 14 + 7 + 8 + 7)
        self.assertEqual((counts["meetings"], counts["all_meetings"]), (4, 4))
        self.assertEqual(counts["withheld_items"], 2)
        by_key = {row["key"]: row for row in counts["grounds"]}
        self.assertEqual(by_key["5.1.2e"]["n"], 13 + 7 + 3 + 2)
        self.assertEqual(by_key[OUTSIDE_REQUEST]["n"], 6)
        self.assertEqual(by_key["10.2.g"]["n"], 0)  # every ground of the table is listed
        content = response.content.decode()
        self.assertIn('<svg class="sgo-hbars"', content)
        self.assertIn(">5.1.2e: 25</text>", content)
        self.assertIn(">buiten het verzoek: 6</text>", content)
        self.assertIn(">2020: 29</text>", content)
        self.assertIn("eerbiediging van de persoonlijke levenssfeer (Wob)", content)
        self.assertIn("persoonlijke beleidsopvattingen (Wob)", content)
        self.assertIn("Weglakkingen per ministerie en grond", content)
        self.assertIn('href="/vergaderingen/?grond=5.1.2i"', content)
        # Chart labels are text of 14 CSS pixels, never scaled with the chart (no viewBox).
        chart = re.search(r'<svg class="sgo-hbars"[^>]*>', content).group(0)
        self.assertNotIn("viewBox", chart)
        self.assertIn("font-size: 14px", (SAMPLES.parent / "static/css/site.css").read_text())

    def test_english_page(self):
        response = self.client.get("/en/weglakkingen/")
        self.assertContains(response, "Redactions by ground")
        self.assertContains(response, "outside the request")
        self.assertContains(response, "respect for personal privacy")
        self.assertNotContains(response, "Weglakkingen per grond")

    def test_linked_from_footer_home_and_meeting(self):
        self.assertContains(self.client.get("/dekking/"), 'href="/weglakkingen/"')
        home = self.client.get("/")
        self.assertContains(home, 'href="/weglakkingen/">21 weglakkingen, per grond geteld</a>')
        meeting = self.client.get("/vergaderingen/2020-09-09/")
        self.assertEqual(
            [(row["key"], row["n"]) for row in meeting.context["redaction_counts"]],
            [("5.1.2e", 13), (OUTSIDE_REQUEST, 1)],
        )
        self.assertContains(meeting, "Weglakkingen geteld")
        self.assertContains(meeting, 'href="/weglakkingen/">Alle weglakkingen in het archief</a>')
        self.assertContains(meeting, '<th class="utrecht-table__cell" scope="row">5.1.2e</th>')

    def test_queries_do_not_grow_with_the_meetings(self):
        def measure() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get("/weglakkingen/").status_code, 200)
                self.assertEqual(self.client.get("/vergaderingen/?grond=5.1.2e").status_code, 200)
                self.assertEqual(self.client.get("/besluiten/?grond=5.1.2e").status_code, 200)
            return len(captured)

        two = measure()
        for n in range(3):
            data = (
                SAMPLE_2021.read_bytes()
                .replace(b"19 januari 2021, 15.00", f"{n + 1} maart 2021, 15.00".encode())
                .replace(b"4182454", f"99910{n}".encode())
            )
            import_batch([SourceFile(name=f"extra-{n}.txt", data=data)])
        import_files(WITHHELD, CODES)
        self.assertEqual(Meeting.objects.count(), 7)
        self.assertEqual(measure(), two)


class FilterTests(TestCase):
    def test_meeting_list_filter_and_facet(self):
        response = self.client.get("/vergaderingen/")
        facet = {row["value"]: row["n"] for row in response.context["ground_facets"]}
        self.assertEqual(facet, {"5.1.2e": 2, OUTSIDE_REQUEST: 1})
        response = self.client.get("/vergaderingen/?grond=buiten-verzoek")
        self.assertEqual([m.slug for m in response.context["meetings"]], ["2020-09-09"])
        self.assertContains(response, "Woo-grond")
        both = self.client.get("/vergaderingen/?grond=buiten-verzoek&grond=5.1.2e")
        self.assertEqual([m.slug for m in both.context["meetings"]], ["2020-09-09"])
        none = self.client.get("/vergaderingen/?grond=5.1.2i")
        self.assertEqual(list(none.context["meetings"]), [])

    def test_exports_and_feeds_follow_the_filter(self):
        exported = self.client.get("/vergaderingen/export.csv?grond=buiten-verzoek")
        text = b"".join(exported.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(len(rows), 2)
        self.assertIn("2020-09-09", rows[1])
        feed = self.client.get("/vergaderingen/feed/?grond=buiten-verzoek")
        self.assertContains(feed, "/vergaderingen/2020-09-09/")
        self.assertNotContains(feed, "/vergaderingen/2021-01-19/")

    def test_an_invalid_ground_is_refused_naming_the_parameter(self):
        self.assertEqual(self.client.get("/vergaderingen/?grond=5.1.2z").status_code, 400)
        self.assertEqual(self.client.get("/besluiten/?grond=x").status_code, 400)
        response = self.client.get("/api/meetings/?grond=5.1.2z")
        self.assertEqual(response.status_code, 400)
        self.assertIn("grond", response.json()["errors"])
        self.assertEqual(self.client.get("/api/meetings/?grond=5.1.2e").status_code, 200)

    def test_decisions_filter_and_facet(self):
        everything = self.client.get("/besluiten/?vastgesteld=ja")
        facet = {row["value"]: row["n"] for row in everything.context["ground_facets"]}
        self.assertTrue(facet)
        for key, n in facet.items():
            response = self.client.get(f"/besluiten/?vastgesteld=ja&grond={key}")
            self.assertEqual(response.context["paginator"].count, n, key)
            for decision in response.context["decisions"]:
                item = decision.agenda_item
                scope = [item, *item.subitems.all()]
                found = Redaction.objects.filter(ground=key, agenda_item__in=scope)
                self.assertTrue(found.exists())

    def test_search_filter_and_facet(self):
        response = self.client.get("/zoeken/?q=verslag")
        facet = {row["value"]: row["n"] for row in response.context["facets"]["grounds"]}
        self.assertIn("5.1.2e", facet)
        filtered = self.client.get("/zoeken/?q=verslag&grond=5.1.2e")
        self.assertEqual(filtered.context["paginator"].count, facet["5.1.2e"])
        for item in filtered.context["results"]:
            self.assertTrue(Redaction.objects.filter(agenda_item=item, ground="5.1.2e").exists())
        outside = self.client.get("/zoeken/?q=verslag&grond=buiten-verzoek")
        for item in outside.context["results"]:
            self.assertTrue(
                Redaction.objects.filter(agenda_item=item, ground=OUTSIDE_REQUEST).exists()
            )
        exported = self.client.get("/zoeken/export.json?q=verslag&grond=5.1.2e")
        self.assertEqual(exported.status_code, 200)
        self.assertEqual(self.client.get("/zoeken/?q=verslag&grond=nee").status_code, 400)
        api = self.client.get("/api/search/?q=verslag&grond=5.1.2e").json()
        self.assertEqual(api["count"], facet["5.1.2e"])
        grounds = {row["ground"]: row["count"] for row in api["facets"]["grounds"]}
        self.assertEqual(grounds["5.1.2e"], facet["5.1.2e"])
        bad = self.client.get("/api/search/?q=verslag&grond=nee")
        self.assertEqual(bad.status_code, 400)
        self.assertIn("grond", bad.json()["errors"])


@pytest.mark.browser
def test_chart_labels_are_at_least_12_px_on_a_phone(
    imported_samples, live_server, browser, unhashed_static
):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="nl-NL")
    page = context.new_page()
    try:
        for path in ("/weglakkingen/", "/en/weglakkingen/"):
            page.goto(live_server.url + path)
            labels = page.locator("svg.sgo-hbars text")
            assert labels.count() >= 2
            sizes = labels.evaluate_all("els => els.map(el => el.getBoundingClientRect().height)")
            font = labels.evaluate_all(
                "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))"
            )
            assert min(font) >= 12, font
            assert min(sizes) >= 12, sizes
            # The chart fits the phone's width: nothing scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


class AdminTests(TestCase):
    def setUp(self) -> None:
        from django.contrib.auth.models import User

        self.client.force_login(User.objects.create_superuser("beheer", password="geheim-1-ww"))

    def test_meeting_page_lists_its_redactions_read_only(self):
        meeting = Meeting.objects.get(slug="2020-09-09")
        response = self.client.get(f"/beheer/minutes/meeting/{meeting.pk}/change/")
        self.assertContains(response, "Weglakkingen")
        self.assertContains(response, "buiten-verzoek")
        self.assertNotContains(response, "redactions-0-code")  # no input: read only

    def test_an_edited_item_text_has_its_redactions_found_again(self):
        meeting = Meeting.objects.get(slug="2021-01-19")
        item = meeting.agenda_items.filter(decisions__isnull=True, parent=None).first()
        before = meeting.redactions.filter(ground=OUTSIDE_REQUEST).count()
        response = self.client.post(
            f"/beheer/minutes/agendaitem/{item.pk}/change/",
            {
                "meeting": meeting.pk,
                "position": item.position,
                "number": item.number,
                "anchor": item.anchor,
                "title": item.title,
                "body": f"{item.body}\n- buiten verzoek",
                "decisions-TOTAL_FORMS": 0,
                "decisions-INITIAL_FORMS": 0,
                "decisions-MIN_NUM_FORMS": 0,
                "decisions-MAX_NUM_FORMS": 1000,
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        added = meeting.redactions.filter(ground=OUTSIDE_REQUEST, agenda_item=item)
        self.assertEqual(meeting.redactions.filter(ground=OUTSIDE_REQUEST).count(), before + 1)
        self.assertEqual(added.get().kind, Redaction.Kind.OUTSIDE)


class UnlistedGroundTests(TestCase):
    """A code the table does not name ("5.1.4") is counted under its own key: its facet
    value is a filter value too, and a code as released ("5.1.2.e") filters as its key."""

    @classmethod
    def setUpTestData(cls) -> None:
        from tests.test_roles import invented

        data = invented(
            "7 juni 2022",
            ["AZ, vz", "FIN"],
            [("Opening", "Geen opmerkingen."), ("Begroting", "FIN meldt 5.1.4 en 5.1.2.e.")],
        )
        result = import_batch([SourceFile(name="unlisted.txt", data=data)])
        assert not result.failed, result.failed

    def test_every_ground_in_a_facet_can_be_chosen(self):
        for url in ("/vergaderingen/", "/besluiten/?vastgesteld=ja"):
            facet = {row["value"] for row in self.client.get(url).context["ground_facets"]}
            for key in facet:
                with self.subTest(url=url, key=key):
                    response = self.client.get(f"{url}{'&' if '?' in url else '?'}grond={key}")
                    self.assertEqual(response.status_code, 200)
        response = self.client.get("/vergaderingen/?grond=5.1.4")
        self.assertEqual([m.slug for m in response.context["meetings"]], ["2022-06-07"])
        self.assertEqual(self.client.get("/api/meetings/?grond=5.1.4").status_code, 200)

    def test_a_code_as_released_filters_as_its_ground(self):
        normal = self.client.get("/vergaderingen/?grond=5.1.2e")
        released = self.client.get("/vergaderingen/?grond=5.1.2.e")
        self.assertEqual(released.status_code, 200)
        self.assertEqual(list(released.context["meetings"]), list(normal.context["meetings"]))
        self.assertEqual(self.client.get("/vergaderingen/?grond=5.1.2z").status_code, 400)


class MeetingPageCountTests(TestCase):
    def test_the_page_counts_outside_the_request_once_as_the_records_do(self):
        # The fixture has three passages "buiten verzoek" and a sentence that merely
        # holds the words: the page says 3 wherever it counts them.
        import_files(WITHHELD)
        meeting = Meeting.objects.get(slug="2020-03-10")
        self.assertEqual(meeting.redactions.filter(ground=OUTSIDE_REQUEST).count(), 3)
        response = self.client.get(meeting.get_absolute_url())
        rows = {row["key"]: row["n"] for row in response.context["redaction_counts"]}
        self.assertEqual(rows[OUTSIDE_REQUEST], 3)
        text = re.sub(r"\s+", " ", response.content.decode())
        self.assertIn("3 passages", text)
        self.assertNotIn("4 passages", text)
