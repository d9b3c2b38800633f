"""The search engine behind the archive: matching, ranking, snippets and facets.

An embedded Tantivy index (minutes.search.index), queried with the query language
of minutes.search.query: BM25 with the title boosted over the body, sorts on the
date, filters and facets on the index's fast fields, snippets from the shown rows.
Views, filters, feeds and the admin ask these functions for "items matching this
query, ranked, with snippets and facets" and never build a search themselves, so
the engine can change behind them. Every `query` here is already cleaned
(minutes.search.query.clean_query).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict, overload

import tantivy
from django.db import models

from minutes import roles
from minutes.models import AgendaItem, Decision, Meeting, Ministry, Series, Topic
from minutes.redactions import ground_facet, without_withheld
from minutes.search import index
from minutes.search.config import HEADLINE_START, HEADLINE_STOP
from minutes.search.query import Clause, Sort, Term, parse
from minutes.search.terms import (
    TOKEN_RE,
    analyse,
    fold,
    is_stop_word,
    keyword_phrases,
    matching_topics,
    part_stems,
    stem,
)

FIELDS = ("title", "body")
SNIPPET_WORDS = 35
SNIPPET_FRAGMENTS = 2
ALL = 10_000_000  # "every bucket" for aggregations, "every hit" for id lists
FIRST_PAGE = 25  # hits fetched with the count: the largest first page of a list


class Facets(TypedDict):
    series: list[dict]
    years: list[dict]
    ministries: list[dict]
    topics: list[dict]
    with_decision: int
    grounds: list[dict]


# The index's ministry field for each role of minutes/roles.py (`rol`).
ROLE_FIELDS = {
    roles.Role.INVOLVED: "ministry",
    roles.Role.DISCUSSED: "discussed",
    roles.Role.RONDVRAAG: "speaker",
    roles.Role.PRESENT: "present",
}


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its words (each given value must hold)."""

    start: date | None = None
    end: date | None = None
    year: int | None = None
    ministries: tuple[int, ...] = ()
    # How the ministries take part (minutes/roles.py), for their filter and facet.
    role: str = roles.DEFAULT.value
    topics: tuple[int, ...] = ()
    # Any of these series (a meeting is in one).
    series: tuple[int, ...] = ()
    decided: bool = False
    meeting: int | None = None
    # Search the decisions' texts instead of the agenda items.
    decisions: bool = False
    # Redaction grounds (keys, minutes.parsing.redactions): each must hold.
    grounds: tuple[str, ...] = ()


# ------------------------------------------------------------------ queries


def _words(term: Term) -> list[str]:
    """The words of a term as the index splits them ("5.1.2e" is three)."""
    return [word for text in term.words for word in TOKEN_RE.findall(text)]


def _ignored(words: list[str]) -> bool:
    """A lone stop word ("de", "het"): in nearly every item, so not searched or marked."""
    return len(words) == 1 and is_stop_word(words[0])


def _prefix(term: Term) -> str:
    return "".join(fold(word) for word in TOKEN_RE.findall(term.words[0]))


def _sequence_query(field_name: str, tokens: Sequence[str]) -> tantivy.Query:
    """One index term, or several in this order (a phrase)."""
    if len(tokens) == 1:
        return tantivy.Query.term_query(index.SCHEMA, field_name, tokens[0])
    return tantivy.Query.phrase_query(index.SCHEMA, field_name, list(tokens))


def _all_ids(
    searcher: tantivy.Searcher, query: tantivy.Query, field_name: str, limit: int
) -> list[int]:
    """The `field_name` values of the best `limit` hits of `query` (all of them by default)."""
    count = searcher.search(query, limit=1).count
    hits = searcher.search(query, limit=max(1, min(limit, count))).hits
    return searcher.fast_field_values(field_name, [address for _, address in hits])


def _term_query(term: Term, field_name: str) -> tantivy.Query | None:
    if term.prefix:
        # The index holds stems, often shorter than the word: "thuiswerke*" looks for
        # terms that start with the stem "thuiswerk".
        prefix = _prefix(term)
        if not prefix:
            return None
        stemmed = stem(prefix)
        start = stemmed if prefix.startswith(stemmed) else prefix
        if len(start) > index.MAX_TERM:
            return tantivy.Query.empty_query()  # no term of the index is that long
        return tantivy.Query.regex_query(index.SCHEMA, field_name, re.escape(start) + ".*")
    words = _words(term)
    if not words or _ignored(words):
        return None
    return _sequence_query(field_name, [stem(word) for word in words])


def _term(term: Term) -> tantivy.Query | None:
    title, body = _term_query(term, "title"), _term_query(term, "body")
    if title is None or body is None:
        return None
    should = [
        (tantivy.Occur.Should, tantivy.Query.boost_query(title, index.TITLE_BOOST)),
        (tantivy.Occur.Should, body),
    ]
    if not term.prefix and len(_words(term)) == 1:
        # One word is found inside compounds too, ranked below the word itself.
        part = tantivy.Query.term_query(index.SCHEMA, "parts", stem(term.words[0]))
        should.append((tantivy.Occur.Should, tantivy.Query.boost_query(part, index.PARTS_BOOST)))
    return tantivy.Query.boolean_query(should)


def _clause(clause: Clause) -> tantivy.Query | None:
    queries = [q for q in (_term(term) for term in clause.terms) if q is not None]
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _filter_queries(filters: Filters) -> list[tantivy.Query]:
    schema = index.SCHEMA
    queries = [index.of_kind(index.DECISION)] if filters.decisions else []
    if filters.start or filters.end:
        queries.append(
            tantivy.Query.range_query(
                schema,
                "day",
                tantivy.FieldType.Unsigned,
                int(filters.start.strftime("%Y%m%d")) if filters.start else None,
                int(filters.end.strftime("%Y%m%d")) if filters.end else None,
            )
        )
    if filters.year:
        queries.append(tantivy.Query.term_query(schema, "year", filters.year))
    for ministry in filters.ministries:
        queries.append(tantivy.Query.term_query(schema, ROLE_FIELDS[filters.role], ministry))
    for topic in filters.topics:
        queries.append(tantivy.Query.term_query(schema, "topic", topic))
    if filters.series:
        queries.append(
            tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, tantivy.Query.term_query(schema, "series", series))
                    for series in filters.series
                ]
            )
        )
    for ground in filters.grounds:
        queries.append(tantivy.Query.term_query(schema, "ground", ground))
    if filters.decided:
        queries.append(tantivy.Query.term_query(schema, "decided", 1))
    if filters.meeting is not None:
        queries.append(tantivy.Query.term_query(schema, "meeting_id", filters.meeting))
    return queries


def to_query(query: str, filters: Filters = Filters()) -> tantivy.Query | None:
    """The index query for a cleaned query and filters; None when nothing can match."""
    musts: list[tantivy.Query] = []
    must_nots: list[tantivy.Query] = []
    for clause in parse(query):
        built = _clause(clause)
        if built is not None:  # a stop word or lone punctuation is ignored
            (must_nots if clause.exclude else musts).append(built)
    if not musts and not must_nots:
        return None
    scoring = list(musts) or [tantivy.Query.all_query()]
    parts = [(tantivy.Occur.Must, q) for q in scoring]
    parts += [(tantivy.Occur.MustNot, q) for q in must_nots]
    # Filters decide membership only; the words decide the score.
    parts += [
        (tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0))
        for q in _filter_queries(filters)
    ]
    if not filters.decisions:
        # Agenda items: "not a decision" is cheaper than "an item" (decisions are fewer;
        # 15 % on common words, bench at 10k).
        parts.append((tantivy.Occur.MustNot, index.of_kind(index.DECISION)))
    return tantivy.Query.boolean_query(parts)


# ------------------------------------------------------------------ results


class Results(Sequence[AgendaItem]):
    """Matching agenda items, best first or by date: counted and sliced like a QuerySet.

    Django's paginator asks for `count()` and a slice; a slice fetches its rows from
    PostgreSQL in the index's order. Rows the database no longer has (an index a
    moment behind a deletion) are left out of the page.
    """

    model = AgendaItem

    def __init__(
        self,
        query: str,
        *,
        filters: Filters = Filters(),
        sort: Sort = Sort.RELEVANCE,
        items: models.QuerySet[AgendaItem] | None = None,
    ) -> None:
        self.query = query
        self.filters = filters
        self.sort = sort
        self.items = items if items is not None else AgendaItem.objects.for_listing()
        self._index_query = to_query(query, filters) if query else None
        self._count: int | None = None
        self._first: tantivy.SearchResult | None = None  # the count's search: the first page
        self._searcher: tantivy.Searcher | None = None

    @property
    def searcher(self) -> tantivy.Searcher:
        """One view of the index for the whole request: doc addresses stay valid."""
        if self._searcher is None:
            self._searcher = index.searcher()
        return self._searcher

    def _search(self, limit: int, offset: int = 0) -> tantivy.SearchResult:
        order: dict[str, Any] = {}
        if self.sort == Sort.NEWEST:
            order = {"order_by_field": "newest", "order": tantivy.Order.Desc}
        elif self.sort == Sort.OLDEST:
            order = {"order_by_field": "oldest", "order": tantivy.Order.Asc}
        # limit=0 makes tantivy panic: ask for one hit at least.
        return self.searcher.search(self._index_query, limit=max(limit, 1), offset=offset, **order)

    def count(self) -> int:
        if self._count is None:
            if self._index_query is None:
                self._count = 0
            else:
                # Counted with the first page's hits, which the page then reuses.
                self._first = self._search(FIRST_PAGE)
                self._count = self._first.count
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[AgendaItem]:
        # One search for all, not one per position (Sequence's default).
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, key: int) -> AgendaItem: ...
    @overload
    def __getitem__(self, key: slice) -> list[AgendaItem]: ...

    def __getitem__(self, key: int | slice) -> AgendaItem | list[AgendaItem]:
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        if self._index_query is None or stop <= start:
            return []
        if start == 0 and self._first is not None and stop <= FIRST_PAGE:
            result = self._first
            hits = result.hits[:stop]
        else:
            result = self._search(stop - start, offset=start)
            hits = result.hits
        ids = self.searcher.fast_field_values("item_id", [address for _, address in hits])
        rows = self.items.in_bulk(ids)
        page = []
        for (score, _), pk in zip(hits, ids, strict=True):
            if pk in rows:
                if self.sort == Sort.RELEVANCE:
                    rows[pk].rank = score
                page.append(rows[pk])
        return page

    def item_ids(self, limit: int = ALL) -> list[int]:
        """The ids of the first `limit` matches in this search's order."""
        if self._index_query is None:
            return []
        if self.sort == Sort.RELEVANCE:
            return _all_ids(self.searcher, self._index_query, "item_id", limit)
        hits = self._search(max(1, min(limit, self.count()))).hits
        return self.searcher.fast_field_values("item_id", [address for _, address in hits])

    def facets(self) -> Facets:
        """Counts of all matches per series, year, ministry and topic, and with a decision.

        One aggregation request over every match (not only the page shown); the
        series, ministry and topic rows come back in the archive's order, empty ones
        left out.
        """
        if self._index_query is None:
            return {
                "series": [],
                "years": [],
                "ministries": [],
                "topics": [],
                "with_decision": 0,
                "grounds": [],
            }
        terms = {"size": ALL, "min_doc_count": 1}
        buckets = self.searcher.aggregate(
            self._index_query,
            {
                "series": {"terms": {"field": "series", **terms}},
                "years": {"terms": {"field": "year", **terms}},
                "ministries": {"terms": {"field": ROLE_FIELDS[self.filters.role], **terms}},
                "topics": {"terms": {"field": "topic", **terms}},
                "decided": {"terms": {"field": "decided", **terms}},
                "grounds": {"terms": {"field": "ground", **terms}},
            },
        )

        def counts(name: str) -> dict[int, int]:
            return {int(b["key"]): int(b["doc_count"]) for b in buckets[name]["buckets"]}

        years, per_ministry, per_topic = counts("years"), counts("ministries"), counts("topics")
        per_series = counts("series")
        return {
            "series": [
                {"series": s, "n": per_series[s.pk]}
                for s in Series.objects.filter(pk__in=per_series)
            ],
            "years": [{"year": y, "n": years[y]} for y in sorted(years, reverse=True)],
            "ministries": [
                {"ministry": m, "n": per_ministry[m.pk]}
                for m in Ministry.objects.filter(pk__in=per_ministry)
            ],
            "topics": [
                {"topic": t, "n": per_topic[t.pk]} for t in Topic.objects.filter(pk__in=per_topic)
            ],
            "with_decision": counts("decided").get(1, 0),
            "grounds": ground_facet(
                {b["key"]: int(b["doc_count"]) for b in buckets["grounds"]["buckets"]}
            ),
        }


def ranked(
    query: str,
    *,
    filters: Filters = Filters(),
    sort: Sort = Sort.RELEVANCE,
    items: models.QuerySet[AgendaItem] | None = None,
) -> Results:
    """Matching items, best first (title hits outrank body hits), or by date."""
    return Results(query, filters=filters, sort=sort, items=items)


def facets(results: Results) -> Facets:
    return results.facets()


def item_ids(query: str, *, filters: Filters = Filters(), limit: int = ALL) -> list[int]:
    """Ids of the items matching `query`, best first."""
    return Results(query, filters=filters).item_ids(limit)


def decision_ids(query: str, *, limit: int = ALL) -> list[int]:
    """Ids of the decisions whose text matches `query`, best first."""
    index_query = to_query(query, Filters(decisions=True)) if query else None
    if index_query is None:
        return []
    return _all_ids(index.searcher(), index_query, "decision_id", limit)


def meetings_matching(meetings: models.QuerySet[Meeting], query: str) -> models.QuerySet[Meeting]:
    """Meetings with at least one agenda item that matches `query`."""
    index_query = to_query(query) if query else None
    if index_query is None:
        return meetings.none()
    found = index.searcher().aggregate(
        index_query, {"meetings": {"terms": {"field": "meeting_id", "size": ALL}}}
    )
    # One array parameter, not one per id (minutes.models.AnyOf).
    return meetings.filter(pk__any=[int(b["key"]) for b in found["meetings"]["buckets"]])


# ------------------------------------------------------------------ highlighting


@dataclass
class _Highlighter:
    """Marks the words of a text that a query's positive terms match."""

    terms: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()

    @classmethod
    def for_query(cls, query: str) -> _Highlighter:
        terms: set[str] = set()
        prefixes: list[str] = []
        for clause in parse(query):
            if clause.exclude:
                continue
            for term in clause.terms:
                if term.prefix:
                    prefixes.append(_prefix(term))
                elif not _ignored(words := _words(term)):
                    terms.update(stem(w) for w in words)
        return cls(terms, tuple(p for p in prefixes if p))

    def matches(self, word: str) -> bool:
        if stem(word) in self.terms or not self.terms.isdisjoint(part_stems(word)):
            return True
        return bool(self.prefixes) and fold(word).startswith(self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text) if self.matches(m.group())]

    def mark(self, text: str, spans: Iterable[tuple[int, int]] | None = None) -> str:
        """The text with every match between the headline sentinels."""
        out, last = [], 0
        for start, end in self.spans(text) if spans is None else spans:
            out += [text[last:start], HEADLINE_START, text[start:end], HEADLINE_STOP]
            last = end
        out.append(text[last:])
        return "".join(out)

    def snippet(self, text: str) -> str:
        """Up to two windows of about 35 words around the matches, joined by " … "."""
        words = list(TOKEN_RE.finditer(text))
        if not words:
            return ""
        # A window around the first match, the next around the first match after it;
        # the words after the last window are never looked at.
        windows: list[tuple[int, int]] = []
        for i, match in enumerate(words):
            if windows and i <= windows[-1][1]:
                continue
            if self.matches(match.group()):
                first = max(0, i - SNIPPET_WORDS // 3)
                windows.append((first, min(len(words), first + SNIPPET_WORDS) - 1))
                if len(windows) == SNIPPET_FRAGMENTS:
                    break
        if not windows:
            return text[: words[min(SNIPPET_WORDS, len(words)) - 1].end()]
        if len(windows) == 1:  # one window: as long as the text allows
            first, last = windows[0]
            windows = [(max(0, min(first, len(words) - SNIPPET_WORDS)), last)]
        fragments = []
        for first, last in windows:
            start, end = words[first].start(), words[last].end()
            spans = [
                (m.start() - start, m.end() - start)
                for m in words[first : last + 1]
                if self.matches(m.group())
            ]
            fragments.append(self.mark(text[start:end], spans))
        return " … ".join(fragments)


class DecisionHeadline(TypedDict):
    kind: str  # the kind's label: "ingestemd"
    text: str  # the whole decision, matches between the headline sentinels


def with_snippets(items: list[AgendaItem], query: str) -> list[AgendaItem]:
    """The page's items with `title_headline`, `body_headline` and `decision_headlines`:
    these rows only.

    The headlines carry sentinels (minutes.search.config) that minutes.rendering
    turns into <mark> after escaping. An item's decisions come whole, in their order.
    """
    highlighter = _Highlighter.for_query(query)
    ids = [i.pk for i in items]
    # Lists select narrow rows (no body): one query for the bodies of these rows.
    bodies = dict(AgendaItem.objects.filter(pk__in=ids).values_list("pk", "body"))
    # And one for their decisions.
    labels = dict(Decision.Kind.choices)
    decisions: dict[int, list[DecisionHeadline]] = {}
    rows = (
        Decision.objects.filter(agenda_item__in=ids)
        .order_by("agenda_item", "position")
        .values_list("agenda_item", "kind", "text")
    )
    for item_id, kind, text in rows:
        headline: DecisionHeadline = {
            "kind": labels.get(kind, kind),
            "text": highlighter.mark(text),
        }
        decisions.setdefault(item_id, []).append(headline)
    for item in items:
        item.title_headline = highlighter.mark(item.title)
        # A withheld line ("- buiten verzoek") is no excerpt: it is left out of it.
        item.body_headline = highlighter.snippet(without_withheld(bodies.get(item.pk, "")))
        item.decision_headlines = decisions.get(item.pk, [])
    return list(items)


def with_decision_marks(decisions: Iterable[Decision], query: str) -> list[Decision]:
    """The page's decisions with `text_marked`: their whole text, matches between the
    headline sentinels (as `with_snippets` marks the decisions under search results)."""
    highlighter = _Highlighter.for_query(query)
    decisions = list(decisions)
    for decision in decisions:
        decision.text_marked = highlighter.mark(decision.text)
    return decisions


def mark_matches(items: list[AgendaItem], query: str) -> int:
    """Search within one meeting: give matching items their whole text with matches marked.

    Sets `title_marked` and `body_marked` beside title and body (the table of
    contents shows the plain title); returns the number of matching items.
    """
    if not items:
        return 0
    found = set(item_ids(query, filters=Filters(meeting=items[0].meeting_id)))
    highlighter = _Highlighter.for_query(query)
    for item in items:
        if item.pk in found:
            item.title_marked = highlighter.mark(item.title)
            item.body_marked = highlighter.mark(item.body) if item.body else ""
    return len(found & {item.pk for item in items})


def keyword_matches(
    keywords_by_topic: dict[int, list[str]], *, meeting_id: int | None = None
) -> dict[int, list[int]]:
    """The agenda items each topic's keywords match, as the search matches a "phrase".

    A keyword matches an item whose title or body holds its words in order (stemmed,
    accents folded, as a quoted phrase in the search box). For one meeting the items
    are read from the database (the meeting may not be committed, let alone indexed);
    for the whole archive the index answers, brought up to date first.
    """
    phrases = {topic: keyword_phrases(keywords) for topic, keywords in keywords_by_topic.items()}
    found: dict[int, list[int]] = {topic: [] for topic in phrases}
    if meeting_id is not None:
        items = AgendaItem.objects.filter(meeting_id=meeting_id).values_list("pk", "title", "body")
        for pk, title, body in items:
            for topic in matching_topics(phrases, [analyse(title)[1], analyse(body)[1]]):
                found[topic].append(pk)
        return found
    index.ensure()
    searcher = index.searcher()
    for topic, topic_phrases in phrases.items():
        if not topic_phrases:
            continue
        queries = [_sequence_query(f, phrase) for phrase in topic_phrases for f in FIELDS]
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, index.of_kind(index.ITEM)),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries]),
                ),
            ]
        )
        found[topic] = _all_ids(searcher, query, "item_id", ALL)
    return found
