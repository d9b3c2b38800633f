"""The query language: what a user's text means, cleaned once at the boundary.

The archive speaks web-search syntax: words (Dutch stems, accents folded),
"exact phrase", `or`, `-exclude`; redaction codes such as 5.1.2e are words too.
Operators of PostgreSQL's own tsquery syntax (`&`, `|`, `!`, `<->`) are read as
words, never as operators, so no input can make a query fail.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.contrib.postgres.search import SearchQuery

from minutes.search.config import MAX_QUERY_LENGTH, SEARCH_CONFIG


class Sort(StrEnum):
    """How results are ordered; the filters map the UI's Dutch values onto these."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


def printable(text: str | None) -> str:
    """The text without NUL and other control characters (which no query needs)."""
    return "".join(ch for ch in (text or "") if ch.isprintable() or ch == " ")


def clean_query(text: str | None) -> str:
    """A user's query as the search reads it: printable, single-spaced, capped.

    Call it once where a query enters (a form field, a URL parameter); everything
    after takes the cleaned text as it is.
    """
    text = printable(text)
    # Slashes between words separate them, as in the search vector ("wel/niet").
    text = re.sub(r"(?<=\w)/(?=\w)", " ", text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def to_search_query(query: str) -> SearchQuery:
    """A cleaned query in web-search syntax as a PostgreSQL text query."""
    return SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
