"""Exports of the item lists: a topic's and a ministry's agenda items, and search results."""

from __future__ import annotations

import csv
import io
import json

import pytest

from minutes.models import AgendaItem, Ministry, MinistryMention, Topic
from minutes.search import item_ids

pytestmark = pytest.mark.django_db


def json_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    return json.loads(b"".join(response.streaming_content))


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_topic_export_has_every_item_with_its_text_and_decisions(client):
    topic = Topic.objects.get(slug="covid-19")
    items = list(
        topic.agenda_items.order_by("meeting__date", "meeting__slug", "position").select_related(
            "meeting"
        )
    )
    rows = json_rows(client, "/onderwerpen/covid-19/export.json")
    assert [r["url"] for r in rows] == [
        "http://testserver" + item.get_absolute_url() for item in items
    ]
    for row, item in zip(rows, items, strict=True):
        assert row["date"] == item.meeting.date.isoformat()
        assert row["item"] == item.display_label
        assert row["decisions"] == [
            {"kind": d.kind, "text": d.text} for d in item.decisions.order_by("position")
        ]
    assert any(row["text"] for row in rows), "the export carries the items' text"
    table = csv_rows(client, "/onderwerpen/covid-19/export.csv")
    assert [r["url"] for r in table] == [r["url"] for r in rows]
    response = client.get("/onderwerpen/covid-19/export.csv")
    assert 'filename="sgo-onderwerp-covid-19.csv"' in response["Content-Disposition"]


def test_topic_export_takes_the_pages_filters_and_refuses_bad_ones(client):
    topic = Topic.objects.get(slug="covid-19")
    expected = topic.agenda_items.filter(meeting__date__gte="2021-01-01").count()
    rows = json_rows(client, "/onderwerpen/covid-19/export.json?van=2021-01-01")
    assert len(rows) == expected
    assert all(r["date"] >= "2021-01-01" for r in rows)
    assert len(rows) < len(json_rows(client, "/onderwerpen/covid-19/export.json"))
    assert client.get("/onderwerpen/covid-19/export.json?van=gisteren").status_code == 400
    assert client.get("/onderwerpen/bestaat-niet/export.json").status_code == 404


def test_ministry_export_has_its_items_and_rondvraag_contributions(client):
    ministry = Ministry.objects.get(slug="ezk")
    expected = AgendaItem.objects.involving(ministry).count()
    rows = json_rows(client, "/ministeries/ezk/export.json")
    assert len(rows) == expected
    spoken = MinistryMention.objects.filter(ministry=ministry, role="speaker").exclude(text="")
    assert sorted(text for r in rows for text in r["contributions"]) == sorted(
        spoken.values_list("text", flat=True)
    )
    assert len(csv_rows(client, "/ministeries/ezk/export.csv")) == expected


def test_search_export_is_the_search_in_its_order(client):
    ids = item_ids("thuiswerken")
    assert ids
    rows = json_rows(client, "/zoeken/export.json?q=thuiswerken")
    anchors = dict(AgendaItem.objects.filter(pk__in=ids).values_list("pk", "anchor"))
    # (The index may hold an item another test's rolled-back import left; the export
    # skips what the database no longer has, as the search page does.)
    assert [r["url"].rsplit("#", 1)[1] for r in rows] == [anchors[i] for i in ids if i in anchors]
    oldest = json_rows(client, "/zoeken/export.json?q=thuiswerken&sorteer=oud")
    assert [r["date"] for r in oldest] == sorted(r["date"] for r in rows)
    assert json_rows(client, "/zoeken/export.json") == []
    assert client.get("/zoeken/export.csv?q=thuiswerken&jaar=abc").status_code == 400


def test_search_export_over_the_limit_is_refused_whole(client, settings):
    settings.SGO_EXPORT_MAX_ROWS = 1
    response = client.get("/zoeken/export.csv?q=thuiswerken")
    assert response.status_code == 400
    assert b"/zoeken/?q=thuiswerken" in response.content


@pytest.mark.parametrize(
    ("page", "feed", "exports"),
    [
        ("/vergaderingen/?jaar=2021", "/vergaderingen/feed/", "/vergaderingen/export"),
        ("/besluiten/?jaar=2021", "/besluiten/feed/", "/besluiten/export"),
        ("/zoeken/?q=thuiswerken&jaar=2021", "/zoeken/feed/", "/zoeken/export"),
        ("/onderwerpen/covid-19/?van=2020-01-01", "/onderwerpen/covid-19/feed/",
         "/onderwerpen/covid-19/export"),
        ("/ministeries/ezk/?van=2020-01-01", "/ministeries/ezk/feed/", "/ministeries/ezk/export"),
    ],
)  # fmt: skip
def test_every_list_links_its_feed_and_exports_with_its_selection(client, page, feed, exports):
    """The page links its feed and both exports with its own query, and each answers."""
    import re
    from html import unescape

    html = client.get(page).content.decode()
    query = page.split("?", 1)[1]
    hrefs = {unescape(h) for h in re.findall(r'href="([^"]+)"', html)}
    for target in (feed, f"{exports}.csv", f"{exports}.json"):
        wanted = f"{target}?{query}"
        assert wanted in hrefs, (page, wanted)
        assert client.get(wanted).status_code == 200, wanted
    # The feed is also announced in the page's head, for feed readers.
    assert re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]*href="'
                     + re.escape(feed), html), page  # fmt: skip
