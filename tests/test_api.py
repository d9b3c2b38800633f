"""The read API (/api/) on the archive every test starts from (tests/archive.py)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from minutes.models import AgendaItem, Decision, Meeting, Ministry, MinistryMention, Series, Topic

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    return response


def data(client, url, status=200):
    return get(client, url, status).json()


def every_page(client, url):
    """All results of a cursor-paginated list, following `next`."""
    rows = []
    while url:
        page = data(client, url)
        rows += page["results"]
        url = page["next"]
    return rows


# ------------------------------------------------------------------ meetings


def test_meeting_list_pages_through_every_meeting_newest_first(client):
    first = data(client, "/api/meetings/?limit=1")
    assert len(first["results"]) == 1
    assert first["previous"] is None and first["next"]
    assert "cursor=" in first["next"] and first["next"].startswith("http://testserver/api/")
    rows = every_page(client, "/api/meetings/?limit=1")
    expected = list(Meeting.objects.order_by("-date", "-pk").values_list("slug", flat=True))
    assert [row["slug"] for row in rows] == expected
    oldest = every_page(client, "/api/meetings/?limit=1&sorteer=oud")
    assert [row["slug"] for row in oldest] == expected[::-1]


def test_meeting_list_record(client):
    meeting = Meeting.objects.get(slug="2021-01-19")
    row = next(r for r in every_page(client, "/api/meetings/") if r["slug"] == meeting.slug)
    assert row["date"] == "2021-01-19"
    assert row["url"] == "http://testserver/vergaderingen/2021-01-19/"
    assert row["api_url"] == "http://testserver/api/meetings/2021-01-19/"
    assert row["series"]["slug"] == meeting.series.slug
    assert row["title"] == meeting.title()
    assert dt.datetime.fromisoformat(row["imported_at"]) == meeting.imported_at
    assert dt.datetime.fromisoformat(row["received_at"]) == meeting.received_at


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jaar=2020", lambda qs: qs.filter(date__year=2020)),
        ("van=2021-01-01&tot=2021-12-31", lambda qs: qs.filter(date__year=2021)),
        (
            "ministerie=def&rol=aanwezig",
            lambda qs: qs.filter(
                ministry_mentions__ministry__slug="def", ministry_mentions__role="present"
            ),
        ),
        (
            "ministerie=ezk&ministerie=bzk",
            lambda qs: qs.filter(ministry_mentions__ministry__slug="ezk").filter(
                ministry_mentions__ministry__slug="bzk"
            ),
        ),
        ("onderwerp=covid-19", lambda qs: qs.filter(agenda_items__topics__slug="covid-19")),
        ("reeks=sgo", lambda qs: qs.filter(series__slug="sgo")),
    ],
)
def test_meeting_list_filters_as_the_site_does(client, query, expected):
    rows = every_page(client, f"/api/meetings/?{query}")
    want = set(expected(Meeting.objects.all()).values_list("slug", flat=True))
    assert want, f"the archive should have meetings for {query}"
    assert {row["slug"] for row in rows} == want
    # The site's list with the same query string shows the same meetings.
    site = get(client, f"/vergaderingen/?{query}").context["paginator"].count
    assert site == len(want)


def test_meeting_search_filter(client):
    rows = every_page(client, "/api/meetings/?q=thuiswerken")
    site = get(client, "/vergaderingen/?q=thuiswerken").context["paginator"].count
    assert rows and len(rows) == site


def test_meeting_detail_has_the_agenda_with_text_decisions_ministries_and_provenance(client):
    meeting = Meeting.objects.get(slug="2021-01-19")
    record = data(client, "/api/meetings/2021-01-19/")
    top = AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position")
    assert [i["number"] for i in record["agenda_items"]] == [i.display_label for i in top]
    for item, row in zip(top, record["agenda_items"], strict=True):
        assert row["text"] == item.body
        assert row["anchor"] == item.anchor
        assert [d["text"] for d in row["decisions"]] == list(
            item.decisions.order_by("position").values_list("text", flat=True)
        )
        assert [s["number"] for s in row["sub_items"]] == [
            c.display_label for c in item.subitems.order_by("position")
        ]
        assert row["topics"] == sorted(row["topics"], key=row["topics"].index)
    assert any(row["text"] for row in record["agenda_items"]), "item text is in the record"
    mentions = MinistryMention.objects.filter(meeting=meeting)
    assert {m["ministry"]["abbreviation"] for m in record["ministries"]} == set(
        mentions.values_list("ministry__abbreviation", flat=True)
    )
    present = set(mentions.filter(role="present").values_list("ministry__abbreviation", flat=True))
    assert {
        m["ministry"]["abbreviation"] for m in record["ministries"] if "present" in m["roles"]
    } == present
    assert record["redaction_codes"] == meeting.redaction_codes
    provenance = record["provenance"]
    assert provenance["sha256"] == meeting.sha256
    assert provenance["source_name"] == meeting.source_name
    assert provenance["text_url"] == "http://testserver/vergaderingen/2021-01-19/tekst/"


def test_unknown_meeting_is_a_json_404(client):
    response = get(client, "/api/meetings/1999-01-01/", 404)
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"errors": {"detail": ["Not found."]}}


# ------------------------------------------------------------------ bad parameters


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/meetings/?jaar=twintig", "jaar"),
        ("/api/meetings/?van=gisteren", "van"),
        ("/api/meetings/?ministerie=nope", "ministerie"),
        ("/api/meetings/?sorteer=random", "sorteer"),
        ("/api/meetings/?year=2021", "year"),
        ("/api/meetings/?limit=0", "limit"),
        ("/api/meetings/?limit=abc", "limit"),
        ("/api/meetings/?cursor=bm9uc2Vuc2U", "cursor"),
        # Well-formed cursors whose position is no date: the database would refuse them.
        ("/api/meetings/?cursor=cD0yMDIx", "cursor"),
        ("/api/meetings/?sorteer=oud&cursor=cD1hYmM=", "cursor"),
        ("/api/decisions/?cursor=cD0yMDIx", "cursor"),
        ("/api/meetings/?limit=%C2%B2", "limit"),
        ("/api/meetings/?limit=%EF%BC%95", "limit"),
        ("/api/search/?q=thuiswerken&cursor=eyJvZmZzZXQiOiB0cnVlfQ==", "cursor"),
        ("/api/series/?x=1", "x"),
        ("/api/decisions/?soort=bogus", "soort"),
        ("/api/search/", "q"),
        ("/api/search/?q=thuiswerken&cursor=%%%", "cursor"),
        ("/api/search/?q=thuiswerken&besluit=misschien", "besluit"),
        ("/api/ministries/?page=2", "page"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, url, parameter):
    response = get(client, url, 400)
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert list(errors) == [parameter], errors


# ------------------------------------------------------------------ decisions


def test_decisions_hide_routine_ones_unless_asked(client):
    rows = every_page(client, "/api/decisions/?limit=1")
    non_routine = Decision.objects.exclude(kind=Decision.Kind.ADOPTED)
    assert len(rows) == non_routine.count()
    assert all(row["kind"] != "adopted" for row in rows)
    everything = every_page(client, "/api/decisions/?limit=1&vastgesteld=ja")
    assert len(everything) == Decision.objects.count()
    row = rows[0]
    decision = Decision.objects.select_related("agenda_item__meeting").get(
        text=row["text"], agenda_item__meeting__slug=row["meeting"]["slug"]
    )
    item = decision.agenda_item
    assert row["item_number"] == item.display_label
    assert row["item_url"] == (
        f"http://testserver/vergaderingen/{item.meeting.slug}/#{item.anchor}"
    )


def test_decisions_search_their_text_like_the_site(client):
    rows = every_page(client, "/api/decisions/?q=verslag&vastgesteld=ja")
    site = get(client, "/besluiten/?q=verslag&vastgesteld=ja").context["paginator"].count
    assert rows and len(rows) == site


# ------------------------------------------------------------------ search


def test_search_ranks_snippets_facets_and_pages(client):
    page = data(client, "/api/search/?q=thuiswerken&limit=1")
    site = get(client, "/zoeken/?q=thuiswerken")
    assert page["count"] == site.context["paginator"].count > 1
    first = page["results"][0]
    site_first = site.context["results"][0]
    assert first["anchor"] == site_first.anchor
    assert first["meeting"]["slug"] == site_first.meeting.slug
    assert "<mark>" in first["snippet_html"].lower() or "<mark>" in first["snippet_html"]
    assert "<" not in first["snippet"] or "<mark>" not in first["snippet"]
    assert first["url"].endswith(f"#{site_first.anchor}")
    facets = page["facets"]
    assert sum(y["count"] for y in facets["years"]) == page["count"]
    # Following next reaches every result once.
    seen = [first["url"]]
    url = page["next"]
    while url:
        more = data(client, url)
        seen += [r["url"] for r in more["results"]]
        url = more["next"]
    assert len(seen) == len(set(seen)) == page["count"]
    assert parse_qs(urlsplit(page["next"]).query)["q"] == ["thuiswerken"]


def test_search_facets_narrow_like_filters(client):
    page = data(client, "/api/search/?q=thuiswerken")
    year = page["facets"]["years"][0]
    narrowed = data(client, f"/api/search/?q=thuiswerken&jaar={year['year']}")
    assert narrowed["count"] == year["count"]


# ------------------------------------------------------------------ ministries, topics, series


def test_ministries_with_former_names_and_counts(client):
    rows = data(client, "/api/ministries/")
    assert [r["abbreviation"] for r in rows] == list(
        Ministry.objects.values_list("abbreviation", flat=True)
    )
    # Issue 16: VenJ is JenV's predecessor, a ministry of its own, no longer a former name.
    jenv = next(r for r in rows if r["slug"] == "jenv")
    assert [(p["slug"], p["kind"]) for p in jenv["predecessors"]] == [("venj", "renamed")]
    ez_2010 = next(r for r in rows if r["slug"] == "ez-2010")
    assert [n["name"] for n in ez_2010["former_names"]][:1] == ["EL&I"]
    ezk = Ministry.objects.get(slug="ezk")
    row = next(r for r in rows if r["slug"] == "ezk")
    mentions = MinistryMention.objects.filter(ministry=ezk)
    assert row["counts"] == {
        "meetings": mentions.values("meeting").distinct().count(),
        "meetings_present": mentions.filter(role="present").values("meeting").distinct().count(),
        "meetings_involved": mentions.exclude(role="present").values("meeting").distinct().count(),
        "items_discussed": mentions.filter(role="mentioned")
        .values("agenda_item")
        .distinct()
        .count(),
        "rondvraag_contributions": mentions.filter(role="speaker").count(),
    }
    assert data(client, "/api/ministries/ezk/") == row
    get(client, "/api/ministries/nope/", 404)


def test_topics_and_series(client):
    topics = data(client, "/api/topics/")
    assert {t["slug"] for t in topics} == set(Topic.objects.values_list("slug", flat=True))
    covid = data(client, "/api/topics/covid-19/")
    assert covid["item_count"] == Topic.objects.get(slug="covid-19").agenda_items.count()
    series = data(client, "/api/series/")
    assert {s["slug"] for s in series} == set(Series.objects.values_list("slug", flat=True))
    sgo = data(client, "/api/series/sgo/")
    assert sgo["meeting_count"] == Meeting.objects.filter(series__slug="sgo").count()


# ------------------------------------------------------------------ HTTP


def test_cors_allows_any_origin_to_read(client):
    response = get(client, "/api/meetings/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    # The site's pages are not opened up.
    page = get(client, "/vergaderingen/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_etag_gives_a_304_without_reading_the_archive(client):
    first = get(client, "/api/meetings/?jaar=2021")
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/meetings/?jaar=2021", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert len(queries) <= 1, [q["sql"] for q in queries]  # the archive version only
    # Another address has another tag; an import changes every tag.
    assert get(client, "/api/meetings/?jaar=2020")["ETag"] != etag
    from minutes.models import ArchiveVersion

    ArchiveVersion.bump([])
    assert client.get("/api/meetings/?jaar=2021", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_is_the_archives_last_change(client):
    from minutes.models import ArchiveVersion

    ArchiveVersion.bump([])
    response = get(client, "/api/series/")
    changed = ArchiveVersion.objects.get(pk=1).changed_at
    assert response["Last-Modified"] == http_date(changed.timestamp())
    since = response["Last-Modified"]
    assert client.get("/api/series/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    earlier = http_date(changed.timestamp() - 60)
    assert client.get("/api/series/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_writes_are_refused(client):
    assert client.post("/api/meetings/", {}).status_code == 405
    assert client.delete("/api/meetings/2021-01-19/").status_code == 405


def test_root_links_every_endpoint(client):
    root = data(client, "/api/")
    for name in ("meetings", "search", "decisions", "ministries", "topics", "series", "schema"):
        assert get(client, root[name] + ("?q=thuiswerken" if name == "search" else ""))


def test_openapi_document_is_valid_and_describes_every_endpoint(client):
    from openapi_spec_validator import validate

    response = get(client, "/api/schema/?format=json")
    schema = json.loads(response.content)
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/meetings/",
        "/api/meetings/{slug}/",
        "/api/search/",
        "/api/decisions/",
        "/api/ministries/",
        "/api/topics/",
        "/api/series/",
    ):
        assert path in paths, sorted(paths)
    parameters = {p["name"] for p in paths["/api/meetings/"]["get"]["parameters"]}
    assert {"jaar", "van", "tot", "ministerie", "onderwerp", "reeks", "q", "cursor"} <= parameters
    docs = get(client, "/api/docs/")
    assert b"swagger" in docs.content.lower()


def test_a_meeting_as_json_at_its_pages_address_is_the_api_record(client):
    record = data(client, "/vergaderingen/2021-01-19.json")
    assert record == data(client, "/api/meetings/2021-01-19/")
    assert record["url"] == "http://testserver/vergaderingen/2021-01-19/"
    # The English page's data is the same record (the data is Dutch in both).
    assert data(client, "/en/vergaderingen/2021-01-19.json") == record
    get(client, "/vergaderingen/1999-01-01.json", 404)


def test_meeting_page_carries_its_schema_org_event_and_json_link(client):
    import re

    page = get(client, "/vergaderingen/2021-01-19/").content.decode()
    assert (
        '<link rel="alternate" type="application/json" href="/vergaderingen/2021-01-19.json">'
        in page
    )
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    event = json.loads(block)
    meeting = Meeting.objects.get(slug="2021-01-19")
    assert event["@type"] == "Event" and event["@context"] == "https://schema.org"
    assert event["name"] == meeting.title()
    assert event["startDate"].startswith("2021-01-19")
    assert event["url"] == "http://testserver/vergaderingen/2021-01-19/"
    assert event["location"]["name"] == meeting.place
    top = AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position")
    assert [e["url"].rsplit("#", 1)[1] for e in event["subEvent"]] == [i.anchor for i in top]
    # On the English page the data stays Dutch.
    english = get(client, "/en/vergaderingen/2021-01-19/").content.decode()
    [block_en] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', english, re.S)
    assert json.loads(block_en) == event


@pytest.mark.parametrize(
    "query",
    [
        "jaar=2020",
        "van=2021-01-01&tot=2021-12-31",
        "ministerie=ezk",
        "onderwerp=covid-19",
        "reeks=sgo",
        "soort=decided",
        "soort=adopted&soort=consented",
        "q=verslag&vastgesteld=ja",
    ],
)
def test_decision_filters_as_the_site_does(client, query):
    rows = every_page(client, f"/api/decisions/?{query}")
    site = get(client, f"/besluiten/?{query}").context["paginator"].count
    assert len(rows) == site, query


@pytest.mark.parametrize(
    "query",
    [
        "q=verslag&jaar=2020",
        "q=verslag&van=2021-01-01",
        "q=verslag&ministerie=ezk",
        "q=verslag&onderwerp=covid-19",
        "q=verslag&reeks=sgo",
        "q=verslag&besluit=true",
        "q=verslag&sorteer=oud",
    ],
)
def test_search_filters_and_sorts_as_the_site_does(client, query):
    page = data(client, f"/api/search/?{query}&limit=100")
    site = get(client, f"/zoeken/?{query}")
    assert page["count"] == site.context["paginator"].count, query
    assert [r["anchor"] for r in page["results"]][:20] == [
        item.anchor for item in site.context["results"]
    ], query


def test_unknown_api_addresses_are_json_404s(client):
    for url in ("/api/meetings/nope/", "/api/nothing/", "/api/meetings/2021-01-19/extra/"):
        response = get(client, url, 404)
        assert response.json() == {"errors": {"detail": ["Not found."]}}, url


def test_cors_on_the_meeting_json_and_a_preflight(client):
    origin = {"HTTP_ORIGIN": "https://example.org"}
    for url in ("/vergaderingen/2021-01-19.json", "/en/vergaderingen/2021-01-19.json"):
        assert get(client, url, **origin)["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/meetings/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin)
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_an_admin_edit_of_a_series_name_is_a_new_etag(admin_client):
    before = get(admin_client, "/api/series/")["ETag"]
    series = Series.objects.get(slug="sgo")
    response = admin_client.post(
        f"/beheer/minutes/series/{series.pk}/change/",
        {
            "name": "Secretarissen-Generaal Overleg (SGO)",
            "short_name": series.short_name,
            "slug": series.slug,
            "description": series.description,
        },
    )
    assert response.status_code == 302, response.content[:500]
    after = get(admin_client, "/api/series/")
    assert after["ETag"] != before
    names = {row["slug"]: row["name"] for row in after.json()}
    assert names["sgo"] == "Secretarissen-Generaal Overleg (SGO)"
