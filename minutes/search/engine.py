"""The search engine behind the archive: matching, ranking, snippets and facets.

Today PostgreSQL full-text search over the agenda items' stored search vector.
Views, filters, feeds and the admin ask these functions for "items matching this
query, ranked, with snippets and facets" and never build a search themselves, so
the engine can change behind them. Every `query` here is already cleaned
(minutes.search.query.clean_query).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractYear

from minutes.models import (
    AgendaItem,
    Decision,
    Meeting,
    Ministry,
    MinistryMention,
    Topic,
)
from minutes.search.config import HEADLINE_START, HEADLINE_STOP, SEARCH_CONFIG, shield_tags
from minutes.search.query import Sort, to_search_query

VECTOR = "search_vector"


class Facets(TypedDict):
    years: list[dict]
    ministries: list[dict]
    topics: list[dict]
    with_decision: int


def match(query: str, *, vector: str = VECTOR) -> Q:
    """A condition matching `query` on a search vector (`vector` as a lookup path)."""
    if not query:
        return Q(pk__in=[])
    return Q(**{vector: to_search_query(query)})


def keywords_condition(keywords: Iterable[str], *, table: str) -> tuple[str, list[object]] | None:
    """SQL matching any of these words or phrases (topic keywords), with its parameters.

    Each keyword is matched as a phrase on the search vector of the agenda items
    table named `table` in the statement (an alias such as ``item``), for statements
    that insert what matches in one go (topic tagging). None when no keyword has text.
    """
    phrases = [keyword for keyword in (k.strip() for k in keywords) if keyword]
    if not phrases:
        return None
    condition = " || ".join(["phraseto_tsquery(%s::regconfig, %s)"] * len(phrases))
    params: list[object] = []
    for phrase in phrases:
        params.extend([SEARCH_CONFIG, phrase])
    return f"{table}.{VECTOR} @@ ({condition})", params


def matching(items: models.QuerySet[AgendaItem], query: str) -> models.QuerySet[AgendaItem]:
    """The agenda items that match `query`; none for an empty query."""
    if not query:
        return items.none()
    return items.filter(match(query))


def ranked(
    items: models.QuerySet[AgendaItem], query: str, *, sort: Sort = Sort.RELEVANCE
) -> models.QuerySet[AgendaItem]:
    """Matching items, best first (title hits outrank body hits), or by date."""
    matches = matching(items, query)
    if not query:
        return matches
    matches = matches.annotate(rank=SearchRank(models.F(VECTOR), to_search_query(query)))
    if sort == Sort.NEWEST:
        return matches.order_by("-meeting__date", "-meeting__slug", "position")
    if sort == Sort.OLDEST:
        return matches.order_by("meeting__date", "meeting__slug", "position")
    return matches.order_by("-rank", "-meeting__date", "position")


def meetings_matching(meetings: models.QuerySet[Meeting], query: str) -> models.QuerySet[Meeting]:
    """Meetings with at least one agenda item that matches `query`."""
    items = matching(AgendaItem.objects.all(), query).filter(meeting=OuterRef("pk"))
    return meetings.filter(Exists(items))


def _with_headlines(
    items: models.QuerySet[AgendaItem], query: str, *, whole: bool
) -> models.QuerySet[AgendaItem]:
    """Annotate title_headline and body_headline with sentinel-marked matches.

    ts_headline re-parses the text and is the costly part of a search: call it on
    the rows that are shown only (after LIMIT).
    """
    search_query = to_search_query(query)
    options = {"config": SEARCH_CONFIG, "start_sel": HEADLINE_START, "stop_sel": HEADLINE_STOP}
    body_options = (
        {"highlight_all": True}
        if whole
        else {"max_words": 35, "min_words": 15, "max_fragments": 2, "fragment_delimiter": " … "}
    )
    return items.annotate(
        title_headline=SearchHeadline(
            shield_tags("title"), search_query, highlight_all=True, **options
        ),
        body_headline=SearchHeadline(shield_tags("body"), search_query, **body_options, **options),
    )


def with_snippets(items: list[AgendaItem], query: str) -> list[AgendaItem]:
    """The page's items with `title_headline` and `body_headline`: these rows only.

    The headlines carry sentinels (minutes.search.config) that minutes.rendering
    turns into <mark> after escaping.
    """
    ids = [item.pk for item in items]
    headlines = {
        row.pk: row
        for row in _with_headlines(AgendaItem.objects.filter(pk__in=ids), query, whole=False).only(
            "pk", "title", "body"
        )
    }
    for item in items:
        item.title_headline = headlines[item.pk].title_headline
        item.body_headline = headlines[item.pk].body_headline
    return list(items)


def mark_matches(items: list[AgendaItem], query: str) -> int:
    """Search within one meeting: give matching items their whole text with matches marked.

    Sets `title_marked` and `body_marked` beside title and body (the table of
    contents shows the plain title); returns the number of matching items.
    """
    found = matching(AgendaItem.objects.filter(pk__in=[i.pk for i in items]), query)
    marked = {
        row.pk: row for row in _with_headlines(found, query, whole=True).only("pk", "title", "body")
    }
    for item in items:
        if item.pk in marked:
            item.title_marked = marked[item.pk].title_headline
            item.body_marked = marked[item.pk].body_headline if item.body else ""
    return len(marked)


def facets(items: models.QuerySet[AgendaItem]) -> Facets:
    """Counts of these items per year, ministry and topic, and with a decision.

    One grouped query per facet over the (filtered) result set; the ministry and
    topic rows come back in the archive's order, empty ones left out.
    """
    base = items.order_by()
    pks = base.values("pk")
    years = list(
        base.annotate(year=ExtractYear("meeting__date"))
        .values("year")
        .annotate(n=models.Count("pk"))
        .order_by("-year")
    )
    per_ministry = dict(
        # order_by(): the default ordering would join meeting and ministry into
        # the GROUP BY although nothing is sorted.
        MinistryMention.objects.filter(agenda_item__in=pks)
        .order_by()
        .values("ministry")
        .annotate(n=models.Count("agenda_item", distinct=True))
        .values_list("ministry", "n")
    )
    per_topic = dict(
        AgendaItem.topics.through.objects.filter(agendaitem__in=pks)
        .values("topic")
        .annotate(n=models.Count("agendaitem"))
        .values_list("topic", "n")
    )
    with_decision = Decision.objects.filter(agenda_item__in=pks).aggregate(
        n=models.Count("agenda_item", distinct=True)
    )["n"]
    return {
        "years": years,
        "ministries": [
            {"ministry": m, "n": per_ministry[m.pk]}
            for m in Ministry.objects.all()
            if per_ministry.get(m.pk)
        ],
        "topics": [
            {"topic": t, "n": per_topic[t.pk]} for t in Topic.objects.all() if per_topic.get(t.pk)
        ],
        "with_decision": with_decision,
    }
