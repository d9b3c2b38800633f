"""Ministries through time (issue 16): periods, dated names, successions; a mention filed
under the ministry that existed on the meeting's date; pages along the chain."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minutes.ministries import MINISTRIES, SUCCESSIONS, default_alias_table, default_directory
from minutes.models import (
    ArchiveVersion,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistryMention,
    MinistrySuccession,
)
from minutes.parsing import parse_minutes
from minutes.services import SourceFile, alias_table, import_batch, ministry_directory
from tests.archive import minutes

# (name as written, meeting date, slug of the ministry it meant then)
RESOLUTIONS = [
    # The issue's own examples.
    ("EZ", date(2012, 6, 12), "ez-2010"),
    ("EZ", date(2025, 3, 4), "ez"),
    # EZ by date, on both sides of 26 October 2017 and 2 July 2024.
    ("EZ", date(2017, 10, 25), "ez-2010"),
    ("EZ", date(2017, 10, 26), "ezk"),
    ("EZ", date(2019, 5, 14), "ezk"),
    ("EZ", date(2024, 7, 1), "ezk"),
    ("EZ", date(2024, 7, 2), "ez"),
    ("EZK", date(2024, 7, 1), "ezk"),
    ("EZK", date(2024, 7, 2), "ez"),  # a former name follows the continuing part
    ("EZK", date(2016, 1, 12), "ez-2010"),  # written before it existed: its predecessor
    ("EL&I", date(2011, 3, 1), "ez-2010"),  # the 2010 ministry's first name
    ("EL&I", date(2013, 3, 1), "ez-2010"),
    ("EL&I", date(2019, 3, 1), "ezk"),
    # Renamed ministries.
    ("VenJ", date(2016, 4, 5), "venj"),
    ("JenV", date(2019, 4, 2), "jenv"),
    ("VenJ", date(2019, 4, 2), "jenv"),
    ("JenV", date(2016, 4, 5), "venj"),
    ("VenJ", date(2017, 10, 25), "venj"),
    ("VenJ", date(2017, 10, 26), "jenv"),
    ("IenM", date(2020, 1, 7), "ienw"),
    ("LNV", date(2024, 7, 1), "lnv"),
    ("LNV", date(2024, 7, 2), "lvvn"),
    ("LNV", date(2012, 6, 12), "ez-2010"),  # LNV had merged into EL&I
    # Split off in 2024: before that, the ministry it came from.
    ("KGG", date(2024, 7, 1), "ezk"),
    ("KGG", date(2024, 7, 2), "kgg"),
    ("AenM", date(2023, 5, 9), "jenv"),
    ("VRO", date(2023, 5, 9), "bzk"),
    ("VRO", date(2024, 7, 2), "vro"),
    # Ministries without a change.
    ("AZ", date(2012, 6, 12), "az"),
    ("AZ", date(2025, 3, 4), "az"),
]


@pytest.mark.parametrize(("key", "day", "slug"), RESOLUTIONS)
def test_a_name_is_resolved_to_the_ministry_of_its_date(key: str, day: date, slug: str) -> None:
    assert default_directory().resolve(key, day) == slug


def test_an_unknown_name_resolves_to_nothing() -> None:
    assert default_directory().resolve("XYZ", date(2020, 1, 1)) is None


def test_the_parser_finds_the_name_written_not_a_ministry() -> None:
    # The pure parser knows no dates of ministries: it reports the names it found.
    table = default_alias_table()
    assert table["Veiligheid en Justitie"] == "VenJ"
    assert table["J&V"] == "JenV"
    assert table["Economische Zaken, Landbouw en Innovatie"] == "EL&I"
    text = minutes("12 juni 2012", [("Begroting", "EZ en Veiligheid en Justitie lichten toe.")])
    assert parse_minutes(text).agenda_items[0].ministries_mentioned == ("EZ", "VenJ")


def test_the_data_is_consistent() -> None:
    slugs = [m.slug for m in MINISTRIES]
    assert len(set(slugs)) == len(slugs)
    assert {"ezk", "ez", "ez-2010", "kgg", "vro", "lvvn", "aenm", "venj", "ienm"} <= set(slugs)
    periods = {m.slug: m for m in MINISTRIES}
    for link in SUCCESSIONS:
        before, after = periods[link.predecessor], periods[link.successor]
        ended, started = before.valid_until, after.valid_from
        # Something changed: the predecessor ended, or the successor began (or both).
        assert ended or started, link
        if ended and started:
            assert (started - ended).days == 1, link  # the next day
        if link.kind in ("renamed", "continued"):
            assert ended and started, link


# ----------------------------------------------------------------- the database's


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "day", "slug"), RESOLUTIONS)
def test_the_database_resolves_as_the_data_does(key: str, day: date, slug: str) -> None:
    directory, _ids = ministry_directory()
    assert directory.resolve(key, day) == slug


@pytest.mark.django_db
def test_seeded_ministries_and_successions() -> None:
    ezk = Ministry.objects.get(slug="ezk")
    assert (ezk.abbreviation, ezk.valid_from, ezk.valid_until) == (
        "EZK",
        date(2017, 10, 26),
        date(2024, 7, 1),
    )
    assert Ministry.objects.filter(abbreviation="EZ").count() == 3
    assert str(Ministry.objects.get(slug="ez")) == "EZ (2024–)"
    assert str(Ministry.objects.get(slug="ez-2010")) == "EZ (2010–2017)"
    assert str(Ministry.objects.get(slug="az")) == "AZ"
    kinds = {
        (link.predecessor.slug, link.successor.slug): link.kind
        for link in MinistrySuccession.objects.select_related("predecessor", "successor")
    }
    assert kinds[("venj", "jenv")] == "renamed"
    assert kinds[("ezk", "ez")] == "continued"
    assert kinds[("ezk", "kgg")] == "split_off"
    assert kinds[("jenv", "aenm")] == "split_off"
    assert kinds[("lnv", "lvvn")] == "renamed"
    assert kinds[("ez-tot-2010", "ez-2010")] == "merged"
    el_i = MinistryAlias.objects.get(text="EL&I")
    assert (el_i.ministry.slug, el_i.key, el_i.valid_until) == (
        "ez-2010",
        "EL&I",
        date(2012, 11, 4),
    )


def meeting_mentions(day: str, role: str = MinistryMention.Role.MENTIONED) -> set[str]:
    return set(
        MinistryMention.objects.filter(meeting__date=day, role=role).values_list(
            "ministry__slug", flat=True
        )
    )


@pytest.mark.django_db
def test_the_import_files_a_mention_under_the_ministry_of_its_date() -> None:
    sources = [
        SourceFile(
            "sgo-2012-06-12.txt",
            minutes("12 juni 2012", [("Begroting", "EZ, LNV en VenJ lichten de begroting toe.")]),
        ),
        SourceFile(
            "sgo-2019-04-02.txt",
            minutes("2 april 2019", [("Begroting", "EZ en VenJ lichten de begroting toe.")]),
        ),
        SourceFile(
            "sgo-2025-03-04.txt",
            minutes("4 maart 2025", [("Begroting", "EZ en KGG lichten de begroting toe.")]),
        ),
    ]
    result = import_batch(sources)
    assert not result.failed, result.failed
    # EZ and LNV in 2012 are one ministry, mentioned once.
    assert meeting_mentions("2012-06-12") == {"ez-2010", "venj"}
    assert meeting_mentions("2019-04-02") == {"ezk", "jenv"}
    assert meeting_mentions("2025-03-04") == {"ez", "kgg"}


@pytest.mark.django_db
def test_a_rondvraag_heading_is_resolved_by_date_too() -> None:
    text = minutes(
        "4 maart 2025",
        [("Rondvraag", "EZ:\n- Meldt de voortgang.\n\nLNV:\n- Geen punten.")],
    )
    assert not import_batch([SourceFile("sgo-2025-03-04.txt", text)]).failed
    assert meeting_mentions("2025-03-04", MinistryMention.Role.SPEAKER) == {"ez", "lvvn"}


@pytest.mark.django_db
def test_a_spelling_added_in_the_admin_is_used_by_the_import() -> None:
    MinistryAlias.objects.create(
        ministry=Ministry.objects.get(slug="venj"), text="Ministerie V&J", name_key="VenJ"
    )
    assert alias_table()["Ministerie V&J"] == "VenJ"
    text = minutes("12 juni 2012", [("Begroting", "Ministerie V&J licht toe.")])
    assert not import_batch([SourceFile("sgo-2012-06-12.txt", text)]).failed
    assert meeting_mentions("2012-06-12") == {"venj"}


# ----------------------------------------------------------------- the data migration


def migration():
    return importlib.import_module("minutes.migrations.0025_ministry_periods")


@pytest.mark.django_db
def test_the_migration_moves_mentions_to_the_ministry_of_their_date() -> None:
    """Before 0025 every "EZ" was filed under EZK, "VenJ" under JenV, whatever the year:
    put mentions back that way, run the migration's data step, see them moved."""
    sources = [
        SourceFile(
            f"sgo-{day}.txt",
            minutes(
                dutch,
                [
                    ("Begroting", "EZK, LNV en JenV lichten de begroting toe."),
                    ("Rondvraag", "EZK:\n- Eerste punt.\n\nLNV:\n- Tweede punt."),
                ],
            ),
        )
        for day, dutch in (
            ("2012-06-12", "12 juni 2012"),
            ("2019-04-02", "2 april 2019"),
            ("2025-03-04", "4 maart 2025"),
        )
    ]
    assert not import_batch(sources).failed
    old = {slug: Ministry.objects.get(slug=slug).pk for slug in ("ezk", "lnv", "jenv")}
    # As the old import filed them: under the ministry of the abbreviation.
    days = ["2012-06-12", "2019-04-02", "2025-03-04"]
    mentions = MinistryMention.objects.filter(meeting__date__in=days)
    mentions.delete()
    meetings = {m.slug: m for m in Meeting.objects.filter(date__in=days)}
    for meeting in meetings.values():
        items = list(meeting.agenda_items.order_by("position"))
        for slug in ("ezk", "lnv", "jenv"):
            MinistryMention.objects.create(
                ministry_id=old[slug], meeting=meeting, agenda_item=items[0], role="mentioned"
            )
        for slug, said in (("ezk", "Eerste punt."), ("lnv", "Tweede punt.")):
            MinistryMention.objects.create(
                ministry_id=old[slug],
                meeting=meeting,
                agenda_item=items[1],
                role="speaker",
                label=slug.upper(),
                text=said,
            )
    version = ArchiveVersion.current()

    migration().seed(apps, None)

    assert meeting_mentions("2012-06-12") == {"ez-2010", "venj"}
    assert meeting_mentions("2019-04-02") == {"ezk", "lnv", "jenv"}
    assert meeting_mentions("2025-03-04") == {"ez", "lvvn", "jenv"}
    # EZK and LNV spoke in 2012 as one ministry: one contribution holding both texts.
    spoken = MinistryMention.objects.get(meeting__date="2012-06-12", role="speaker")
    assert spoken.ministry.slug == "ez-2010"
    assert "Eerste punt." in spoken.text and "Tweede punt." in spoken.text
    assert ArchiveVersion.current() > version
    # Run again, nothing moves.
    before = sorted(MinistryMention.objects.values_list("pk", "ministry_id"))
    migration().seed(apps, None)
    assert sorted(MinistryMention.objects.values_list("pk", "ministry_id")) == before


# ----------------------------------------------------------------- pages and API


@pytest.fixture
def along_the_chain(db):
    """A VenJ item (2016) and a JenV item (2019), through the real import."""
    sources = [
        SourceFile(
            "sgo-2016-04-05.txt",
            minutes("5 april 2016", [("Vreemdelingenketen", "VenJ licht de aanpak toe.")]),
        ),
        SourceFile(
            "sgo-2019-04-02.txt",
            minutes("2 april 2019", [("Jaarwisseling", "JenV licht de inzet toe.")]),
        ),
    ]
    assert not import_batch(sources).failed


def test_a_renamed_ministry_is_found_under_its_successor_with_the_old_name(along_the_chain, client):
    response = client.get("/ministeries/jenv/")
    html = response.content.decode()
    titles = [item.title for item in response.context["items"]]
    assert "Vreemdelingenketen" in titles and "Jaarwisseling" in titles
    old = next(i for i in response.context["items"] if i.title == "Vreemdelingenketen")
    assert old.as_name == "VenJ"
    assert 'als <span lang="nl">VenJ</span>' in html
    # The chain: VenJ before it, AenM split off after it, each linked with its period.
    assert 'href="/ministeries/venj/"' in html and "(2010–2017)" in html
    assert 'href="/ministeries/aenm/"' in html and "(2024–)" in html
    assert "naamswijziging" in html and "afsplitsing" in html
    assert "Bestaat sinds 26 oktober 2017." in html
    # Only its own.
    own = client.get("/ministeries/jenv/?alleen=eigen")
    titles = [item.title for item in own.context["items"]]
    assert "Jaarwisseling" in titles and "Vreemdelingenketen" not in titles
    assert "Toon ook die van voorgangers en opvolgers" in own.content.decode()


def test_a_former_ministry_page_links_its_successor_and_lists_its_items(along_the_chain, client):
    response = client.get("/ministeries/venj/")
    html = response.content.decode()
    assert "Bestond van 14 oktober 2010 tot en met 25 oktober 2017." in html
    assert 'href="/ministeries/jenv/"' in html and 'href="/ministeries/justitie/"' in html
    items = {item.title: item.as_name for item in response.context["items"]}
    assert items["Vreemdelingenketen"] == "" and items["Jaarwisseling"] == "JenV"
    # The samples' JenV items (2020, 2021) are there as JenV's too.
    assert set(items.values()) == {"", "JenV"}


def test_the_ministry_list_shows_former_ministries_apart(client, db):
    response = client.get("/ministeries/")
    current = [m.slug for m in response.context["ministries"]]
    former = [m.slug for m in response.context["former_ministries"]]
    assert "ez" in current and "kgg" in current and "ezk" not in current
    assert {"ezk", "venj", "ez-2010", "lnv"} <= set(former)
    html = response.content.decode()
    assert "Voormalige ministeries" in html
    assert "26 oktober 2017" in html and "1 juli 2024" in html


def test_facets_tell_two_ministries_of_one_abbreviation_apart(client, db):
    sources = [
        SourceFile("sgo-2012-06-12.txt", minutes("12 juni 2012", [("Begroting", "EZ licht toe.")])),
        SourceFile("sgo-2025-03-04.txt", minutes("4 maart 2025", [("Begroting", "EZ licht toe.")])),
    ]
    assert not import_batch(sources).failed
    html = client.get("/vergaderingen/").content.decode()
    assert "</abbr> (2010–2017)" in html and "</abbr> (2024–)" in html
    response = client.get("/vergaderingen/?ministerie=ez")
    assert [m.slug for m in response.context["meetings"]] == ["2025-03-04"]
    response = client.get("/vergaderingen/?ministerie=ez-2010")
    assert [m.slug for m in response.context["meetings"]] == ["2012-06-12"]


def test_the_api_gives_periods_and_the_chain(along_the_chain, client):
    record = client.get("/api/ministries/jenv/").json()
    assert record["valid_from"] == "2017-10-26" and record["valid_until"] is None
    assert [(m["slug"], m["kind"]) for m in record["predecessors"]] == [("venj", "renamed")]
    assert [(m["slug"], m["kind"]) for m in record["successors"]] == [("aenm", "split_off")]
    assert record["predecessors"][0]["valid_until"] == "2017-10-25"
    listed = client.get("/api/ministries/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {"ez", "ez-2010", "ezk"} <= {row["slug"] for row in rows}


def test_ministry_page_queries_do_not_grow_with_the_data(along_the_chain, client):
    url = "/ministeries/jenv/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    sources = [
        SourceFile(
            f"sgo-{year}-05-1{n}.txt",
            minutes(
                f"1{n} mei {year}",
                [(f"Punt {year} {n}", f"{name} licht toe."), ("Overig", "AZ en EZ melden.")],
            ),
        )
        for year, name in ((2013, "VenJ"), (2015, "VenJ"), (2020, "JenV"), (2025, "AenM"))
        for n in range(3)
    ]
    assert not import_batch(sources).failed
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["items"]) > 10
    assert len(large) == len(small), (len(small), len(large))


# ----------------------------------------------------------------- admin


def post_data(form, formsets) -> dict:
    """What the admin's change form posts unchanged: every field's current value."""
    data: dict = {}

    def add(bound_form) -> None:
        for name in bound_form.fields:
            value = bound_form[name].value()
            if value is None or value is False:
                continue
            data[bound_form.add_prefix(name)] = "on" if value is True else str(value)

    add(form)
    for formset in formsets:
        management = formset.management_form
        data[management.add_prefix("TOTAL_FORMS")] = str(len(formset.initial_forms))
        data[management.add_prefix("INITIAL_FORMS")] = str(len(formset.initial_forms))
        for bound in formset.initial_forms:
            add(bound)
    return data


@pytest.mark.django_db
def test_the_admin_edits_periods_names_and_successors(client):
    client.force_login(User.objects.create_superuser("beheer", password="geheim-wachtwoord-1"))
    ministry = Ministry.objects.get(slug="jenv")
    url = f"/beheer/minutes/ministry/{ministry.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("Bestaat vanaf", "Bestaat tot en met", "Voorgangers", "Opvolgers", "Soort"):
        assert label in html, label
    formsets = [inline.formset for inline in page.context["inline_admin_formsets"]]
    data = post_data(page.context["adminform"].form, formsets)
    # A successor added in the admin (invented: JenV → KGG), and a last day.
    successors = next(f for f in formsets if f.fk.name == "predecessor")
    n = len(successors.initial_forms)
    data[successors.management_form.add_prefix("TOTAL_FORMS")] = str(n + 1)
    data[f"{successors.prefix}-{n}-successor"] = str(Ministry.objects.get(slug="kgg").pk)
    data[f"{successors.prefix}-{n}-kind"] = "split_off"
    data["valid_until"] = "2030-01-01"
    version = ArchiveVersion.current()
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    ministry.refresh_from_db()
    assert ministry.valid_until == date(2030, 1, 1)
    assert MinistrySuccession.objects.get(predecessor=ministry, successor__slug="kgg").kind == (
        "split_off"
    )
    # Saved like every ArchiveChangeAdmin: a change of the archive (kept pages are new).
    assert ArchiveVersion.current() > version
