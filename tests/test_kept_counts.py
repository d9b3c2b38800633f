"""Counts of filtered lists kept per archive version and filter combination (issue 11).

The facets and the paginator's count of a filtered list are counted once per archive
version and filter combination (minutes.aggregates.FilteredCounts), a meeting list
counts its meetings' items and decisions for the rows shown only, and the decisions
list takes its total from its kinds. Real PostgreSQL, the two samples and copies of
them imported through the real import service.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from minutes.aggregates import filter_key
from minutes.filters import MeetingFilter
from minutes.models import Decision, Meeting
from minutes.views import MeetingListView
from tests.test_query_counts import grow_archive, reindex_afterwards  # noqa: F401 (a fixture)

FILTERED = [
    "/vergaderingen/?ministerie=bzk",
    "/vergaderingen/?onderwerp=huisvesting",
    "/vergaderingen/?q=huisvesting",
    "/vergaderingen/?jaar=2020&ministerie=bzk",
    "/ministeries/bzk/",
    "/ministeries/bzk/?van=2020-01-01&tot=2021-12-31",
    "/onderwerpen/huisvesting/",
    "/besluiten/?jaar=2020&ministerie=bzk",
    "/besluiten/?soort=agreed",
]


def cleaned(query: str) -> dict:
    filterset = MeetingFilter(QueryDict(query), queryset=Meeting.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.form.cleaned_data


def requested(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def status_line(page: str) -> str:
    """The "N vergaderingen gevonden …" sentence screen readers hear."""
    found = re.search(r'role="status"[^>]*>\s*(.*?)\s*<', page, re.S)
    assert found, page[:2000]
    return found.group(1)


@pytest.mark.django_db
def test_a_filter_combination_has_one_key_whatever_its_order_sorting_or_page():
    one = filter_key(cleaned("ministerie=bzk&ministerie=az&jaar=2020"))
    assert filter_key(cleaned("jaar=2020&ministerie=az&ministerie=bzk&ministerie=az")) == one
    assert filter_key(cleaned("ministerie=bzk&ministerie=az&jaar=2020&sorteer=oud")) == one
    assert filter_key(cleaned("ministerie=bzk&ministerie=az&jaar=2020&q=")) == one
    assert filter_key(cleaned("ministerie=bzk&jaar=2020")) != one
    assert filter_key(cleaned("ministerie=bzk&ministerie=az&jaar=2021")) != one
    assert filter_key(cleaned("ministerie=bzk&ministerie=az&jaar=2020&q=brexit")) != one
    assert filter_key(cleaned("")) == filter_key(cleaned("sorteer=oud")) == filter_key({})


@pytest.mark.parametrize("url", FILTERED)
def test_a_filtered_list_counts_once_per_archive_version(db, client, url):
    cold, first = requested(client, url)
    warm, second = requested(client, url)
    assert second == first
    assert warm < cold, f"{url}: {cold} statements, then {warm}"


@pytest.mark.parametrize(
    ("url", "before", "after"),
    [
        ("/vergaderingen/?ministerie=bzk", "2 vergaderingen", "12 vergaderingen"),
        ("/vergaderingen/?jaar=2020&ministerie=bzk", "1 vergadering ", "6 vergaderingen"),
        ("/onderwerpen/huisvesting/", None, None),
        ("/besluiten/?soort=agreed", None, None),
    ],
)
@pytest.mark.usefixtures("reindex_afterwards")
def test_an_import_brings_new_counts(db, client, url, before, after):
    """The archive version changes with the import: nothing kept before it is shown."""
    small = status_line(requested(client, url)[1])
    requested(client, url)  # kept now
    grow_archive()
    large = status_line(requested(client, url)[1])
    assert large != small
    if before:
        assert small.startswith(before), small
        assert large.startswith(after), large
    assert status_line(requested(client, url)[1]) == large


@pytest.mark.usefixtures("reindex_afterwards")
def test_each_meeting_shown_has_its_own_counts(db, client, monkeypatch):
    """Counted for the page's rows only, the counts are those of with_counts."""
    grow_archive()
    expected = {m.slug: (m.item_count, m.decision_count) for m in Meeting.objects.with_counts()}
    monkeypatch.setattr(MeetingListView, "paginate_by", 5)
    seen = {}
    for page in (1, 2, 3):
        response = client.get(f"/vergaderingen/?page={page}&sorteer=oud")
        assert response.status_code == 200
        for meeting in response.context["meetings"]:
            seen[meeting.slug] = (meeting.item_count, meeting.decision_count)
    assert seen == expected
    assert any(decisions for _items, decisions in seen.values())


def test_the_decisions_total_is_the_sum_of_its_kinds(db, client):
    for url, filtered in [
        (
            "/besluiten/?jaar=2020&vastgesteld=ja",
            Decision.objects.filter(agenda_item__meeting__date__year=2020),
        ),
        (
            "/besluiten/?soort=agreed&soort=decided",
            Decision.objects.filter(kind__in=["agreed", "decided"]),
        ),
    ]:
        response = client.get(url)
        assert response.context["paginator"].count == filtered.count() > 0
        kinds = {row["kind"]: row["n"] for row in response.context["kind_facets"]}
        assert sum(kinds.values()) == filtered.count()


def test_an_invalid_filter_is_never_kept(db, client):
    response = client.get("/vergaderingen/?jaar=abc")
    assert response.status_code == 400
    assert not [key for key in cache._cache if "filtered-aggregates" in key]
    client.get("/vergaderingen/?jaar=2020")
    assert [key for key in cache._cache if "filtered-aggregates" in key]


def test_ids_as_one_array_parameter_select_what_a_list_of_them_selects(db):
    ids = list(Meeting.objects.values_list("pk", flat=True))
    chosen = [*ids[:1], max(ids) + 1000]  # one that is there, one that is not
    with CaptureQueriesContext(connection) as captured:
        found = list(Meeting.objects.filter(pk__any=chosen).values_list("pk", flat=True))
    assert found == ids[:1]
    assert "= ANY(" in captured[0]["sql"]
    # In a subquery (as the facets use it) the column is the subquery's own.
    decisions = Decision.objects.filter(
        agenda_item__meeting__in=Meeting.objects.filter(pk__any=ids).values("pk")
    )
    assert decisions.count() == Decision.objects.count() > 0
