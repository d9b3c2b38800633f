"""How the archive's text is tokenised for search, and the sentinels of its highlights.

Pure configuration and expression builders: imported by the models (for the agenda
item's generated search vector) and by the rest of the search package. Changing
tokenising is a change here plus the migration that regenerates the column.
"""

from __future__ import annotations

from django.contrib.postgres.search import CombinedSearchVector, SearchVector
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast

# A copy of PostgreSQL's `dutch` configuration that folds accents first, created in
# migration 0001; every text search names it explicitly, because the server's
# default_text_search_config is English.
SEARCH_CONFIG = "dutch_unaccent"

# One limit for one query: the search forms refuse a longer query with a message;
# where there is no form to complain in (a meeting page, a feed) it is cut to this.
MAX_QUERY_LENGTH = 1000

# Markers for search highlights that cannot occur in stored text (the parser drops
# control characters); minutes.rendering swaps them for <mark> after escaping.
HEADLINE_START, HEADLINE_STOP = "\x03", "\x04"


def slash_as_space(field: str) -> models.Func:
    """The text with a slash between two letters or digits read as a space.

    PostgreSQL's parser reads "inreisverbod/quarantaine-advies" or "EZK/LNV" as one
    file-path token. Only between word characters, so markup such as "</script>"
    keeps its shape. Every part is typed as text: a migration keeps the Values' and
    Cast's types.
    """
    text = models.TextField()
    return models.Func(
        Cast(field, text),
        Value("([[:alnum:]])/(?=[[:alnum:]])", output_field=text),
        Value(r"\1 ", output_field=text),
        Value("g", output_field=text),
        function="regexp_replace",
        output_field=text,
    )


def item_search_vector() -> CombinedSearchVector:
    """The agenda item's stored search vector: title (weight A) above body (weight B)."""
    return SearchVector(slash_as_space("title"), weight="A", config=SEARCH_CONFIG) + SearchVector(
        slash_as_space("body"), weight="B", config=SEARCH_CONFIG
    )
