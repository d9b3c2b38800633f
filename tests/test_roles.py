"""Roles everywhere (issue 16): present, discussed and spoke in the rondvraag counted apart,
and the same count on every surface: the ministry list, its page and timeline, the API,
the filters' result counts and the facets of meetings, decisions and search.

The fixture adds three invented meetings to the samples, in which DEF is present at all
three, discussed in two items of the first, and speaks in the rondvraag of the second
(the rondvraag item names it too): with the 2020 sample, where DEF is present only,
DEF is present at 4 meetings, involved in 2, discussed in 3 items, spoke once.
"""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree

from minutes import roles, search
from minutes.models import AgendaItem, Decision, Meeting, MentionRole, Ministry, MinistryMention
from tests.archive import IndexedTestCase

ROLES = [role.value for role in roles.Role]


def invented(day: str, present: list[str], items: list[tuple[str, str]]) -> bytes:
    """Small invented minutes in the layout of the real ones (names redacted)."""
    lines = [
        "Omschrijving\tSGO, verslag",
        f"Vergaderdatum en -tijd\t{day}, 16.00 - 17.30 uur",
        "Vergaderplaats\tTrêveszaal",
        "Aanwezig\t" + ", ".join(f"5.1.2e ({m})" for m in present),
        "Afwezig\t",
        "",
    ]
    for number, (title, body) in enumerate(items, start=1):
        lines += [f"{number}. {title}", "", body, ""]
    return "\n".join(lines).encode("utf-8")


CLOSING = "Rondvraag, actualiteiten en sluiting"
OPENING = ("Opening", "Geen opmerkingen.")
FIXTURE = [
    (
        "a.txt",
        invented(
            "1 maart 2022",
            ["AZ, vz", "DEF", "FIN"],
            [
                OPENING,
                ("Defensiebegroting", "DEF licht de begroting toe. FIN reageert."),
                ("Krijgsmacht", "DEF meldt de stand van zaken."),
                (CLOSING, "Geen."),
            ],
        ),
    ),
    (
        "b.txt",
        invented(
            "5 april 2022",
            ["AZ, vz", "DEF"],
            [OPENING, (CLOSING, "DEF\n\n- Meldt een oefening.")],
        ),
    ),
    ("c.txt", invented("3 mei 2023", ["AZ, vz", "DEF"], [OPENING, (CLOSING, "Geen.")])),
]


def oracle(ministry: Ministry) -> dict[str, int]:
    """The four counts straight from the mention rows."""
    mentions = MinistryMention.objects.filter(ministry=ministry)

    def meetings(*kinds: str) -> int:
        return mentions.filter(role__in=kinds).values("meeting").distinct().count()

    return {
        "betrokken": meetings(MentionRole.MENTIONED, MentionRole.SPEAKER),
        "besproken": mentions.filter(role=MentionRole.MENTIONED)
        .values("agenda_item")
        .distinct()
        .count(),
        "rondvraag": mentions.filter(role=MentionRole.SPEAKER).count(),
        "aanwezig": meetings(MentionRole.PRESENT),
    }


def meetings_in_role(ministry: Ministry, role: str) -> set[str]:
    kinds = roles.mention_roles(role)
    return set(
        Meeting.objects.filter(
            ministry_mentions__ministry=ministry, ministry_mentions__role__in=kinds
        ).values_list("slug", flat=True)
    )


def items_in_role(ministry: Ministry, role: str) -> set[int]:
    """Agenda items with the ministry in a role: on the item itself, or (aanwezig) present
    at its meeting; written out here, not through the filters."""
    if role == "aanwezig":
        present = MinistryMention.objects.filter(ministry=ministry, role=MentionRole.PRESENT)
        return set(
            AgendaItem.objects.filter(meeting__in=present.values("meeting")).values_list(
                "pk", flat=True
            )
        )
    kinds = roles.mention_roles(role)
    return set(
        MinistryMention.objects.filter(ministry=ministry, role__in=kinds).values_list(
            "agenda_item", flat=True
        )
    )


class RoleTestCase(IndexedTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from minutes.services import SourceFile, import_batch

        result = import_batch([SourceFile(name, data) for name, data in FIXTURE])
        assert result.count("imported") == 3, result.outcomes
        super().setUpTestData()  # the index, rebuilt with the invented meetings
        cls.defence = Ministry.objects.get(slug="def")

    def counts(self) -> dict[str, int]:
        return oracle(self.defence)


class RoleCountTests(RoleTestCase):
    def test_the_fixture_tells_the_roles_apart(self):
        self.assertEqual(
            self.counts(), {"betrokken": 2, "besproken": 3, "rondvraag": 1, "aanwezig": 4}
        )

    def test_the_list_the_page_and_the_api_show_the_same_four_counts(self):
        expected = self.counts()
        listing = self.client.get("/ministeries/").content.decode()
        row = re.search(r'href="/ministeries/def/".*?</tr>', listing, re.S).group(0)
        self.assertEqual(
            dict(re.findall(r'data-role="(\w+)">(\d+)<', row)),
            {role: str(n) for role, n in expected.items()},
        )
        page = self.client.get("/ministeries/def/").content.decode()
        self.assertEqual(
            dict(re.findall(r'data-role="(\w+)">(\d+)<', page)),
            {role: str(n) for role, n in expected.items()},
        )
        home = self.client.get("/").content.decode()
        entry = re.search(r'href="/ministeries/def/".*?</li>', home, re.S).group(0)
        self.assertIn(f"({expected['betrokken']} vergaderingen)", " ".join(entry.split()))
        api = self.client.get("/api/ministries/def/").json()["counts"]
        self.assertEqual(
            {
                "betrokken": api["meetings_involved"],
                "besproken": api["items_discussed"],
                "rondvraag": api["rondvraag_contributions"],
                "aanwezig": api["meetings_present"],
            },
            expected,
        )

    def test_each_roles_timeline_adds_up_to_its_count(self):
        expected = self.counts()
        for role in ROLES:
            with self.subTest(role=role):
                response = self.client.get("/ministeries/def/", {"rol": role})
                bars = response.context["chart"]["bars"]
                self.assertEqual(sum(bar["count"] for bar in bars), expected[role])
                chosen = [row for row in response.context["role_rows"] if row["current"]]
                self.assertEqual(
                    [(row["role"], row["n"]) for row in chosen],
                    [(role, expected[role])],
                )

    def test_a_period_counts_and_charts_that_period_only(self):
        for role in ROLES:
            with self.subTest(role=role):
                response = self.client.get("/ministeries/def/", {"rol": role, "van": "2022-04-01"})
                bars = response.context["chart"]["bars"]
                shown = {row["role"]: row["n"] for row in response.context["role_rows"]}
                self.assertEqual(sum(bar["count"] for bar in bars), shown[role])
        later = self.client.get("/ministeries/def/", {"van": "2022-04-01"}).context["role_rows"]
        # From April 2022: meetings b and c, present at both, spoke (and named) in b only.
        self.assertEqual(
            {row["role"]: row["n"] for row in later},
            {"betrokken": 1, "besproken": 1, "rondvraag": 1, "aanwezig": 2},
        )

    def test_the_ministry_pages_items_follow_the_role(self):
        for role in ROLES:
            with self.subTest(role=role):
                response = self.client.get("/ministeries/def/", {"rol": role})
                self.assertEqual(
                    response.context["paginator"].count,
                    len(items_in_role(self.defence, role)),
                )
        spoke = self.client.get("/ministeries/def/", {"rol": "rondvraag"})
        self.assertEqual(spoke.context["paginator"].count, self.counts()["rondvraag"])

    def test_an_empty_timeline_says_what_it_counts_in_the_role_chosen(self):
        # KGG (2024–) has no meetings in the fixture: the page says so for the role
        # chosen, not "no meetings" when only the role was chosen.
        bare = self.client.get("/ministeries/kgg/")
        self.assertContains(
            bare,
            "Vergaderingen waarin KGG werd besproken of inbreng had in de rondvraag: nog geen.",
        )
        spoke = self.client.get("/ministeries/kgg/", {"rol": "rondvraag"})
        self.assertContains(spoke, "Inbreng van KGG in de rondvraag: geen, met deze filters.")
        english = self.client.get("/en/ministeries/kgg/", {"rol": "aanwezig"})
        self.assertNotContains(english, "met deze filters")


class RoleFilterTests(RoleTestCase):
    def test_the_default_role_leaves_out_meetings_it_was_only_present_at(self):
        default = self.client.get("/vergaderingen/", {"ministerie": "def"})
        slugs = {m.slug for m in default.context["meetings"]}
        self.assertEqual(slugs, {"2022-03-01", "2022-04-05"})
        present = self.client.get("/vergaderingen/", {"ministerie": "def", "rol": "aanwezig"})
        self.assertEqual(
            {m.slug for m in present.context["meetings"]},
            {"2020-09-09", "2022-03-01", "2022-04-05", "2023-05-03"},
        )
        # Named in the URL, the default is the same list.
        explicit = self.client.get("/vergaderingen/", {"ministerie": "def", "rol": "betrokken"})
        self.assertEqual({m.slug for m in explicit.context["meetings"]}, slugs)

    def test_meeting_filter_and_facets_per_role_on_the_site_and_the_api(self):
        for role in ROLES:
            with self.subTest(role=role):
                want = meetings_in_role(self.defence, role)
                page = self.client.get("/vergaderingen/", {"ministerie": "def", "rol": role})
                self.assertEqual(page.context["paginator"].count, len(want))
                self.assertEqual({m.slug for m in page.context["meetings"]}, want)
                api = self.client.get("/api/meetings/", {"ministerie": "def", "rol": role})
                self.assertEqual({row["slug"] for row in api.json()["results"]}, want)
                # The facet over the whole list, in the same role: every ministry.
                facets = self.client.get("/vergaderingen/", {"rol": role}).context[
                    "ministry_facets"
                ]
                self.assertEqual(
                    {row["ministry"].slug: row["n"] for row in facets},
                    {
                        m.slug: len(meetings_in_role(m, role))
                        for m in Ministry.objects.all()
                        if meetings_in_role(m, role)
                    },
                )
        # The meetings a ministry was involved in: the count its ministry page shows.
        self.assertEqual(len(meetings_in_role(self.defence, "betrokken")), 2)
        self.assertEqual(len(meetings_in_role(self.defence, "aanwezig")), 4)

    def test_decision_filter_and_facets_per_role(self):
        shown = Decision.objects.exclude(kind=Decision.Kind.ADOPTED)
        for role in ROLES:
            with self.subTest(role=role):
                facets = self.client.get("/besluiten/", {"rol": role}).context["ministry_facets"]
                expected = {}
                for ministry in Ministry.objects.all():
                    n = shown.filter(agenda_item__in=items_in_role(ministry, role)).count()
                    if n:
                        expected[ministry.slug] = n
                self.assertEqual({row["ministry"].slug: row["n"] for row in facets}, expected)
                for slug, n in expected.items():
                    page = self.client.get("/besluiten/", {"ministerie": slug, "rol": role})
                    self.assertEqual(page.context["paginator"].count, n, slug)
        # The present role reaches decisions of meetings a ministry only attended.
        self.assertNotEqual(
            self.client.get("/besluiten/", {"rol": "aanwezig"}).context["ministry_facets"],
            self.client.get("/besluiten/").context["ministry_facets"],
        )

    def test_search_filter_and_facets_per_role_come_from_the_index(self):
        query = "opmerkingen OR begroting OR oefening OR stand"
        matched = set(search.item_ids(query))
        self.assertTrue(matched)
        for role in ROLES:
            with self.subTest(role=role):
                want = matched & items_in_role(self.defence, role)
                self.assertTrue(want)
                page = self.client.get("/zoeken/", {"q": query, "rol": role})
                facets = {
                    row["ministry"].slug: row["n"] for row in page.context["facets"]["ministries"]
                }
                self.assertEqual(facets["def"], len(want))
                narrowed = self.client.get(
                    "/zoeken/", {"q": query, "rol": role, "ministerie": "def"}
                )
                self.assertEqual(narrowed.context["paginator"].count, len(want))
                self.assertEqual(set(narrowed.context["paginator"].object_list.item_ids()), want)
                api = self.client.get(
                    "/api/search/", {"q": query, "rol": role, "ministerie": "def"}
                ).json()
                self.assertEqual(api["count"], len(want))
                api_facets = {row["slug"]: row["count"] for row in api["facets"]["ministries"]}
                self.assertEqual(api_facets["def"], len(want))
        # Present at the meeting is wider than named in the item.
        self.assertGreater(
            len(matched & items_in_role(self.defence, "aanwezig")),
            len(matched & items_in_role(self.defence, "betrokken")),
        )

    def test_an_unknown_role_is_refused_everywhere_by_name(self):
        for path in ("/vergaderingen/", "/besluiten/", "/ministeries/def/"):
            with self.subTest(path=path):
                response = self.client.get(path, {"rol": "minister"})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "minister", status_code=400)
        search_page = self.client.get("/zoeken/", {"q": "opmerkingen", "rol": "minister"})
        self.assertEqual(search_page.status_code, 400)
        for path in ("/api/meetings/", "/api/decisions/", "/api/search/?q=opmerkingen"):
            with self.subTest(path=path):
                response = self.client.get(path, {"rol": "minister"})
                self.assertEqual(response.status_code, 400)
                self.assertIn("rol", response.json()["errors"])
        export = self.client.get("/vergaderingen/export.csv", {"rol": "minister"})
        self.assertEqual(export.status_code, 400)

    def test_exports_and_feeds_follow_the_pages_role(self):
        spoke = self.client.get("/ministeries/def/export.csv", {"rol": "rondvraag"})
        rows = list(
            csv.DictReader(
                io.StringIO(b"".join(spoke.streaming_content).decode("utf-8-sig")), delimiter=";"
            )
        )
        self.assertEqual(len(rows), self.counts()["rondvraag"])
        present = self.client.get("/ministeries/def/export.csv", {"rol": "aanwezig"})
        rows = list(
            csv.DictReader(
                io.StringIO(b"".join(present.streaming_content).decode("utf-8-sig")), delimiter=";"
            )
        )
        self.assertEqual(len(rows), len(items_in_role(self.defence, "aanwezig")))
        feed = self.client.get("/ministeries/def/feed/", {"rol": "besproken"})
        entries = ElementTree.fromstring(feed.content).findall("./channel/item")
        self.assertEqual(len(entries), min(self.counts()["besproken"], 20))
        meetings = self.client.get(
            "/vergaderingen/export.csv", {"ministerie": "def", "rol": "aanwezig"}
        )
        body = b"".join(meetings.streaming_content).decode("utf-8-sig")
        dates = {row["date"] for row in csv.DictReader(io.StringIO(body), delimiter=";")}
        self.assertEqual(dates, {"2020-09-09", "2022-03-01", "2022-04-05", "2023-05-03"})

    def test_the_role_is_a_shareable_choice_in_the_filter_forms(self):
        for path in (
            "/vergaderingen/",
            "/besluiten/",
            "/zoeken/?q=opmerkingen",
            "/ministeries/def/",
        ):
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                self.assertIn(
                    '<select class="utrecht-select utrecht-select--html-select" name="rol"', html
                )
        chosen = self.client.get("/vergaderingen/", {"ministerie": "def", "rol": "rondvraag"})
        self.assertContains(chosen, '<option value="rondvraag"\n          selected>')
        chips = [chip["text"] for chip in chosen.context["active_filters"]]
        self.assertIn(str(roles.Role.RONDVRAAG.label), chips)
