"""The one home of search: query language, configuration, engine, snippets, facets,
suggestions and the vocabulary behind them.

Views, filters, feeds, the admin and rendering call `minutes.search.<name>`;
nothing else builds a search. The names that need the models and the index are
loaded on first use (PEP 562), so the query language and the limits can be
imported before Django's apps are ready (forms, settings-free tools).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from minutes.search.config import MAX_QUERY_LENGTH
from minutes.search.query import Sort, clean_query, printable

if TYPE_CHECKING:
    from minutes.search.engine import (
        Facets,
        Filters,
        Results,
        decision_ids,
        facets,
        item_ids,
        keyword_matches,
        mark_matches,
        meetings_matching,
        ranked,
        with_decision_marks,
        with_snippets,
    )
    from minutes.search.suggestions import suggest

_LAZY = {
    "Facets": "engine",
    "Filters": "engine",
    "Results": "engine",
    "decision_ids": "engine",
    "facets": "engine",
    "item_ids": "engine",
    "keyword_matches": "engine",
    "mark_matches": "engine",
    "meetings_matching": "engine",
    "ranked": "engine",
    "with_decision_marks": "engine",
    "with_snippets": "engine",
    "suggest": "suggestions",
}

__all__ = [
    "MAX_QUERY_LENGTH",
    "Facets",
    "Filters",
    "Results",
    "Sort",
    "clean_query",
    "decision_ids",
    "facets",
    "item_ids",
    "keyword_matches",
    "mark_matches",
    "meetings_matching",
    "printable",
    "ranked",
    "suggest",
    "with_decision_marks",
    "with_snippets",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"minutes.search.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
