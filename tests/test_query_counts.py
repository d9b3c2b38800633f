"""Query-count guards (issue 11): no page sends more SQL queries for a larger archive.

Each page is asked for on the shared archive (the two samples), then again after ten
more minutes were imported through the real import service (copies of the samples
on other days: the same ministries, topics and decisions, so every list, filter,
facet, chart and count below has more to show). The number of SQL statements one
request sends must be the same both times: a query per row (an N+1) grows with the
archive, and at 100,000 meetings that is the difference between 20 ms and seconds.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minutes.models import AgendaItem, Decision, Meeting, Topic
from minutes.services import SourceFile, import_batch
from minutes.views import MeetingListView
from tests.conftest import SAMPLES

COPIES = 5  # of each sample: 2 meetings become 12

PAGES = [
    "/",
    "/vergaderingen/",
    "/vergaderingen/?jaar=2020",
    "/vergaderingen/?ministerie=bzk",
    "/vergaderingen/?onderwerp=huisvesting",
    "/vergaderingen/?van=2020-01-01&tot=2021-12-31",
    "/vergaderingen/?q=huisvesting",
    "/vergaderingen/?sorteer=oud",
    "/vergaderingen/?jaar=2020&ministerie=bzk",
    "/vergaderingen/2021-01-19/",
    "/ministeries/",
    "/ministeries/bzk/",
    "/ministeries/bzk/?van=2020-01-01&tot=2021-12-31",
    "/onderwerpen/",
    "/onderwerpen/huisvesting/",
    "/onderwerpen/interdepartementale-afstemming/",
    "/besluiten/",
    "/besluiten/?soort=agreed",
    "/besluiten/?jaar=2020&ministerie=bzk",
    "/besluiten/?q=verslag",
    # Issue 14: decisions by subject, the routine ones shown, search results' decisions.
    "/besluiten/?q=SGO",
    "/besluiten/?vastgesteld=ja&jaar=2020",
    "/besluiten/feed/?q=SGO",
    # Series (issue 13): the filter on each list, search, and the series pages.
    "/vergaderingen/?reeks=sgo",
    "/vergaderingen/?reeks=sgo&jaar=2020",
    "/besluiten/?reeks=sgo",
    "/ministeries/bzk/?reeks=sgo",
    "/onderwerpen/huisvesting/?reeks=sgo",
    "/zoeken/?q=huisvesting",
    "/zoeken/?q=huisvesting&reeks=sgo",
    "/reeksen/",
    "/reeksen/sgo/",
]


def copies() -> list[SourceFile]:
    """Five copies of each sample, each on a day of its own with a reference of its own."""
    sources = []
    for n in range(COPIES):
        day = 6 + 5 * n  # 6 to 26 October 2020
        autumn = (
            (SAMPLES / "sgo-2020-09-09.txt")
            .read_bytes()
            .replace(b"9 september 2020, 16.30", f"{day} oktober 2020, 16.30".encode())
            .replace(b"4151247", f"88800{n}".encode())
        )
        winter = (
            (SAMPLES / "sgo-2021-01-19.txt")
            .read_bytes()
            .replace(b"19 januari 2021, 15.00", f"{n + 2} maart 2021, 15.00".encode())
            .replace(b"4182454", f"99900{n}".encode())
        )
        sources += [
            SourceFile(name=f"copy-2020-{n}.txt", data=autumn),
            SourceFile(name=f"copy-2021-{n}.txt", data=winter),
        ]
    return sources


def grow_archive() -> None:
    """Import the copies and index them, inside the test's transaction."""
    from minutes.search import index

    result = import_batch(copies())
    assert not result.failed, result.failed
    assert result.count("imported") == 2 * COPIES
    index.rebuild()


@pytest.fixture
def reindex_afterwards(django_db_blocker):
    """The index again as the shared archive has it, once the test's rows rolled back.

    Requested before `db`, so it is torn down after the test's transaction is gone.
    """
    yield
    from minutes.search import index

    with django_db_blocker.unblock():
        index.rebuild()


def queries_of(client, url: str) -> tuple[int, bytes]:
    """The statements one request sends, once what the app caches is filled."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content


@pytest.mark.parametrize("url", PAGES)
def test_queries_do_not_grow_with_the_archive(reindex_afterwards, db, client, url):
    small, small_page = queries_of(client, url)
    grow_archive()
    large, large_page = queries_of(client, url)
    assert small_page != large_page, f"{url} shows nothing more for a larger archive"
    assert large == small, f"{url}: {small} queries with 2 meetings, {large} with 12"


def test_the_larger_archive_has_more_of_everything(reindex_afterwards, db):
    """What the guards rely on: the copies add meetings, items, decisions and topic tags."""
    before = (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Decision.objects.count(),
        Topic.objects.get(slug="huisvesting").agenda_items.count(),
    )
    grow_archive()
    after = (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Decision.objects.count(),
        Topic.objects.get(slug="huisvesting").agenda_items.count(),
    )
    assert after[0] == before[0] + 2 * COPIES == 12
    for was, now in zip(before[1:], after[1:], strict=True):
        assert now == was * (1 + COPIES)


def test_a_deep_list_page_sends_as_many_queries_as_the_first(
    reindex_afterwards, db, client, monkeypatch
):
    """One meeting per page: the last page of 2 and the 12th page of 12 cost the same."""
    monkeypatch.setattr(MeetingListView, "paginate_by", 1)
    shallow, _ = queries_of(client, "/vergaderingen/?page=2")
    grow_archive()
    deep, page = queries_of(client, "/vergaderingen/?page=12")
    assert b'href="/vergaderingen/2020-09-09/"' in page  # the oldest: the last page
    assert deep == shallow
