"""Whole public pages kept per archive version (minutes/cache.py, issue 11): on the real
middleware stack, the real database and the sample archive, through the test client."""

from __future__ import annotations

import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minutes import cache
from minutes.cache import HEADER, archive_version, seconds_to_keep, storable
from minutes.models import ArchiveVersion
from tests.archive import import_a_later_meeting

MEETING = "/vergaderingen/2020-09-09/"
LIST = "/vergaderingen/?jaar=2020"
PUBLIC_PAGES = [
    "/",
    MEETING,
    "/vergaderingen/",
    LIST,
    "/ministeries/",
    "/ministeries/bzk/",
    "/onderwerpen/",
    "/besluiten/",
    "/vergaderingen/feed/",
    "/robots.txt",
]
# Headers a kept copy must give as the view gave them.
SAME_HEADERS = ["Content-Type", "Content-Length", "Content-Security-Policy", "X-Frame-Options"]


@pytest.fixture
def page_cache(settings, no_page_cache):
    """The page cache on, as in production (conftest turns it off for the other tests)."""
    settings.SGO_PAGE_CACHE_SECONDS = 300
    caches[settings.SGO_PAGE_CACHE].clear()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_kept_page_is_served_as_the_view_made_it(page_cache, client, url):
    made = client.get(url)
    assert made.status_code == 200
    assert made[HEADER] == "miss"
    if made["Content-Type"].startswith("text/html"):
        assert made.context is not None  # the view ran

    with CaptureQueriesContext(connection) as queries:
        kept = client.get(url)
    assert kept.status_code == 200
    assert kept[HEADER] == "hit"
    assert kept.context is None  # no view, no template
    assert len(queries) == 1  # the archive version, nothing else
    assert kept.content == made.content
    for name in [*SAME_HEADERS, "ETag", "Last-Modified", "Cache-Control"]:
        assert kept[name] == made[name], name
    # SecurityMiddleware, outside the cache, still adds its headers to a kept copy.
    assert kept["X-Content-Type-Options"] == "nosniff"
    assert kept["Cache-Control"] == "no-cache"


@pytest.mark.django_db
def test_a_kept_page_equals_a_fresh_rendering(page_cache, client, settings):
    client.get(MEETING)
    kept = client.get(MEETING)
    assert kept[HEADER] == "hit"
    settings.SGO_PAGE_CACHE_SECONDS = 0
    fresh = client.get(MEETING)
    assert HEADER not in fresh
    assert fresh.content == kept.content


@pytest.mark.django_db
def test_an_import_changes_the_kept_pages(page_cache, client):
    version = ArchiveVersion.current()
    before = {url: client.get(url) for url in (MEETING, "/vergaderingen/", LIST, "/")}
    assert all(client.get(url)[HEADER] == "hit" for url in before)

    import_a_later_meeting()
    assert ArchiveVersion.current() > version

    for url, old in before.items():
        new = client.get(url)
        assert new[HEADER] == "miss", url
        assert new.content != old.content, url
        assert new["ETag"] != old["ETag"], url
        assert "2020-10-14" in new.content.decode(), url  # a link to the new meeting
    # A conditional GET with the old validator gets the new page, not a 304.
    again = client.get(MEETING, HTTP_IF_NONE_MATCH=before[MEETING]["ETag"])
    assert again.status_code == 200
    assert again[HEADER] == "hit"


@pytest.mark.django_db
def test_a_logged_in_user_never_gets_an_anonymous_copy(page_cache, client):
    anonymous = client.get(MEETING)
    assert client.get(MEETING)[HEADER] == "hit"

    user = get_user_model().objects.create_user("redacteur", password="x" * 20)
    client.force_login(user)
    logged_in = client.get(MEETING)
    assert logged_in.status_code == 200
    assert HEADER not in logged_in
    assert logged_in.context is not None  # rendered for this user
    assert logged_in.context["user"] == user
    assert "ETag" not in logged_in
    assert anonymous.context["user"].is_anonymous


@pytest.mark.django_db
def test_what_a_logged_in_user_gets_is_never_kept_for_others(page_cache, client):
    user = get_user_model().objects.create_superuser("beheerder", password="x" * 20)
    client.force_login(user)
    for url in PUBLIC_PAGES:
        assert HEADER not in client.get(url)

    anonymous = Client()
    for url in PUBLIC_PAGES:
        response = anonymous.get(url)
        assert response[HEADER] == "miss", url
        if response.context is not None:
            assert response.context["user"].is_anonymous


@pytest.mark.django_db
def test_a_session_or_messages_cookie_is_never_answered_from_the_cache(page_cache, client):
    client.get(MEETING)
    assert client.get(MEETING)[HEADER] == "hit"
    for cookie in ("sessionid", "messages"):
        other = Client()
        other.cookies[cookie] = "anything"
        response = other.get(MEETING)
        assert response.status_code == 200
        assert HEADER not in response, cookie
    # A CSRF cookie alone changes no public page: the copy is served.
    with_csrf = Client()
    with_csrf.cookies["csrftoken"] = "a" * 32
    assert with_csrf.get(MEETING)[HEADER] == "hit"


@pytest.mark.django_db
def test_conditional_get_is_answered_304(page_cache, client):
    first = client.get(MEETING)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"')

    for headers in (
        {"HTTP_IF_NONE_MATCH": etag},
        {"HTTP_IF_NONE_MATCH": f'"other", {etag}'},
        {"HTTP_IF_MODIFIED_SINCE": last_modified},
    ):
        not_modified = client.get(MEETING, **headers)
        assert not_modified.status_code == 304, headers
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
        assert not_modified[HEADER] == "hit"

    changed = client.get(MEETING, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200
    assert changed.content == first.content

    # A miss is conditional too: another worker's copy has the same ETag.
    caches["pages"].clear()
    not_modified = client.get(MEETING, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified[HEADER] == "miss"


@pytest.mark.django_db
def test_head_shares_gets_copy_without_a_body(page_cache, client):
    # HEAD first: it fills the copy a GET then gets.
    head = client.head(MEETING)
    assert head.status_code == 200
    assert head[HEADER] == "miss"
    assert head.content == b""
    get = client.get(MEETING)
    assert get[HEADER] == "hit"
    assert int(head["Content-Length"]) == len(get.content) > 0
    assert head["ETag"] == get["ETag"]

    again = client.head(MEETING)
    assert again[HEADER] == "hit"
    assert again.content == b""
    assert again["Content-Length"] == head["Content-Length"]
    assert client.head(MEETING, HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/vergaderingen/1999-01-01/",  # 404
        "/vergaderingen/?jaar=twintig",  # an invalid filter: 400
        "/vergaderingen/?page=99",  # 404
        "/zoeken/?q=huisvesting",  # search results follow the search index
        "/vergaderingen/?q=huisvesting",
        f"{MEETING}?q=huisvesting",
        "/healthz",
        "/beheer/login/",
        "/vergaderingen",  # a redirect to the slash
    ],
)
def test_what_is_never_kept(page_cache, client, url):
    first, second = client.get(url), client.get(url)
    assert HEADER not in first, url
    assert HEADER not in second, url
    assert "ETag" not in second or url == "/healthz"


@pytest.mark.django_db
def test_post_is_never_answered_from_the_cache(page_cache, client):
    client.get(MEETING)
    response = client.post(MEETING)
    assert response.status_code == 405
    assert HEADER not in response


def test_responses_with_cookies_nonces_or_vary_are_not_storable(settings):
    request = HttpRequest()
    plain = HttpResponse(b"<p>page</p>")
    assert storable(request, plain)

    with_cookie = HttpResponse(b"<p>page</p>")
    with_cookie.set_cookie("csrftoken", "secret")
    assert not storable(request, with_cookie)

    with_nonce = HttpResponse(b"<p>page</p>")
    with_nonce["Content-Security-Policy"] = "script-src 'self' 'nonce-abc123'"
    assert not storable(request, with_nonce)

    varying = HttpResponse(b"<p>page</p>")
    varying["Vary"] = "Cookie"
    assert not storable(request, varying)

    private = HttpResponse(b"<p>page</p>")
    private["Cache-Control"] = "private"
    assert not storable(request, private)

    assert not storable(request, HttpResponse(b"x", status=404))
    settings.SGO_PAGE_CACHE_MAX_BYTES = 5
    assert not storable(request, plain)


@pytest.mark.django_db
def test_with_a_version_window_a_hit_sends_no_statement(page_cache, client, settings):
    """SGO_PAGE_CACHE_VERSION_SECONDS: the version read last is trusted that long, so an
    import shows when the window has passed (here: when the reader is told it has)."""
    settings.SGO_PAGE_CACHE_VERSION_SECONDS = 3600
    archive_version.read_at = float("-inf")
    old = client.get(MEETING)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MEETING)[HEADER] == "hit"
    assert len(queries) == 0

    import_a_later_meeting()
    assert client.get(MEETING).content == old.content  # inside the window: the old copy
    archive_version.read_at = float("-inf")  # the window has passed
    new = client.get(MEETING)
    assert new[HEADER] == "miss"
    assert "2020-10-14" in new.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_a_missing_page_make_it_once(page_cache, imported_samples):
    """Threads of one process (gunicorn's gthread workers) asking for the same missing
    page at once: one makes it, the others wait and are given its copy."""
    threads = 6
    barrier = threading.Barrier(threads)
    answers: list[tuple[int, str, bytes]] = []

    def ask() -> None:
        try:
            barrier.wait()
            response = Client().get(MEETING)
            answers.append((response.status_code, response[HEADER], response.content))
        finally:
            connection.close()

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [status for status, _, _ in answers] == [200] * threads
    assert sorted(how for _, how, _ in answers) == ["hit"] * (threads - 1) + ["miss"]
    assert len({content for _, _, content in answers}) == 1


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMSTERDAM)


def test_a_copy_is_kept_until_the_next_local_midnight_at_the_latest():
    assert seconds_to_keep(300, local(2026, 12, 7, 12, 0)) == 300
    assert seconds_to_keep(300, local(2026, 12, 7, 23, 58)) == 120
    assert seconds_to_keep(300, local(2026, 12, 7, 23, 59, 59)) == 1
    assert seconds_to_keep(300, local(2026, 12, 8, 0, 0, 1)) == 300
    # Midnight in Amsterdam, not in UTC (an hour earlier in winter).
    assert seconds_to_keep(7200, local(2026, 12, 7, 23, 30)) == 1800
    # The days the clocks change have 23 and 25 hours.
    assert seconds_to_keep(10**6, local(2026, 3, 29, 0, 0)) == 23 * 3600
    assert seconds_to_keep(10**6, local(2026, 10, 25, 0, 0)) == 25 * 3600


@pytest.mark.django_db
def test_a_copy_made_before_midnight_is_not_served_after_it(page_cache, client, settings):
    """The citation's access date ("geraadpleegd op …") is the day the page was made: the
    copy of 23:58 is served at 23:59:59, and after midnight the page is made anew."""
    store = caches[settings.SGO_PAGE_CACHE]
    clock = mock.patch.object(cache, "local_now")
    with clock as now, mock.patch.object(store, "set", wraps=store.set) as kept:
        now.return_value = local(2026, 12, 7, 23, 58)
        assert client.get(MEETING)[HEADER] == "miss"
        assert kept.call_args.args[2] == 120  # two minutes, not SGO_PAGE_CACHE_SECONDS

        now.return_value = local(2026, 12, 7, 23, 59, 59)
        assert client.get(MEETING)[HEADER] == "hit"

        now.return_value = local(2026, 12, 8, 0, 0, 1)
        assert client.get(MEETING)[HEADER] == "miss"
        assert kept.call_args.args[2] == 300
        assert client.get(MEETING)[HEADER] == "hit"
