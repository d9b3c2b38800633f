"""Feeds order and date their items by when the archive received the text (issue 15)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from minutes.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return ET.fromstring(response.content)


def links(root):
    return [item.findtext("link") for item in root.iter("item")]


@pytest.fixture
def late_release():
    """The 2020 meeting's text reached the archive after the 2021 one's (a late release)."""
    now = timezone.now()
    Meeting.objects.filter(slug="2021-01-19").update(received_at=now - dt.timedelta(days=30))
    Meeting.objects.filter(slug="2020-09-09").update(received_at=now - dt.timedelta(days=1))
    return now


def test_meeting_feed_shows_a_late_release_of_older_minutes_first(client, late_release):
    root = feed(client, "/vergaderingen/feed/")
    assert links(root) == [
        "http://testserver/vergaderingen/2020-09-09/",
        "http://testserver/vergaderingen/2021-01-19/",
    ]
    received = Meeting.objects.get(slug="2020-09-09").received_at
    first = root.find("channel/item")
    assert first.findtext("pubDate") == received.astimezone(dt.UTC).strftime(
        "%a, %d %b %Y %H:%M:%S +0000"
    )
    # The meeting's own date is in the item.
    assert "9 september 2020" in first.findtext("title")


def test_a_replacement_is_no_news(client, late_release):
    """A corrected text keeps the first receipt: the meeting stays where it was."""
    from minutes.services import SourceFile, import_batch
    from tests.conftest import SAMPLES

    sample = next(p for p in sorted(SAMPLES.iterdir()) if "2021" in p.name)
    before = Meeting.objects.get(slug="2021-01-19").received_at
    data = sample.read_bytes().replace(b"Webex", b"Webex (gecorrigeerd)", 1)
    import_batch([SourceFile(sample.name, data)])
    meeting = Meeting.objects.get(slug="2021-01-19")
    assert meeting.place.endswith("(gecorrigeerd)"), "the text was replaced"
    assert meeting.received_at == before
    assert meeting.imported_at > before
    assert links(feed(client, "/vergaderingen/feed/"))[0].endswith("/2020-09-09/")


def test_item_and_decision_feeds_follow_receipt_too(client, late_release):
    for url in ("/zoeken/feed/?q=verslag", "/besluiten/feed/?vastgesteld=ja"):
        dates = [
            Meeting.objects.get(slug=link.split("/")[4]).received_at
            for link in links(feed(client, url))
        ]
        assert len(dates) > 1 and dates == sorted(dates, reverse=True), url


def test_a_filtered_feeds_self_link_keeps_its_query(client):
    for url in (
        "/vergaderingen/feed/?jaar=2021&ministerie=ezk",
        "/zoeken/feed/?q=thuiswerken&jaar=2021",
        "/besluiten/feed/?q=verslag&vastgesteld=ja",
        "/onderwerpen/covid-19/feed/?van=2020-01-01",
        "/ministeries/ezk/feed/?reeks=sgo",
    ):
        self_link = feed(client, url).find(f"channel/{ATOM}link")
        assert self_link.get("rel") == "self"
        assert self_link.get("href") == "http://testserver" + url


def test_topic_feed_lists_its_items(client):
    root = feed(client, "/onderwerpen/covid-19/feed/")
    items = AgendaItem.objects.filter(topics__slug="covid-19")
    assert sorted(links(root)) == sorted(
        "http://testserver" + item.get_absolute_url() for item in items[:20]
    )
    assert client.get("/onderwerpen/bestaat-niet/feed/").status_code == 404


def test_ministry_feed_gives_its_rondvraag_contribution(client):
    root = feed(client, "/ministeries/ezk/feed/")
    descriptions = [item.findtext("description") for item in root.iter("item")]
    assert any(d.startswith("Rondvraag: ") for d in descriptions), descriptions
    from minutes.models import Ministry

    involved = AgendaItem.objects.involving(Ministry.objects.get(slug="ezk")).count()
    assert len(descriptions) == min(20, involved)
