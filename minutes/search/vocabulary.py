"""The archive's own vocabulary, for "Bedoelde u …?" suggestions.

Kept up to date by the import service (count_terms per meeting written or
replaced) and read by minutes.search.suggestions.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection

from minutes.models import AgendaItem, SearchTerm

# Real words only: letters (and inner hyphens), four or more, as ts_stat gives them.
WORD_PATTERN = "^[[:alpha:]][[:alpha:]-]{2,98}[[:alpha:]]$"


def _words(meeting_id: int | None = None) -> str:
    """SQL for (word, number of agenda items using it): one meeting's or all."""
    scope = f" WHERE meeting_id = {int(meeting_id)}" if meeting_id is not None else ""
    return (
        "SELECT word, ndoc FROM ts_stat("
        "'SELECT to_tsvector(''simple'', title || '' '' || body) "
        f"FROM {AgendaItem._meta.db_table}{scope}') "
        f"WHERE word ~ '{WORD_PATTERN}'"
    )


def recount_all() -> None:
    """Count the whole archive's vocabulary afresh (bulk loads; one statement pair)."""
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} (word, frequency) {_words()}")


def count_terms(*, meeting_id: int, sign: int) -> None:
    """Add (+1) or remove (-1) one meeting's words to the suggestion vocabulary.

    The vocabulary holds real words (lower case, accents kept) with the number of
    agenda items that use them, so a suggestion offers the archive's own spelling.
    One or two statements per meeting.
    """
    words = _words(meeting_id)
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        if sign > 0:
            cursor.execute(
                f"INSERT INTO {table} (word, frequency) {words} ON CONFLICT (word) "
                f"DO UPDATE SET frequency = {table}.frequency + EXCLUDED.frequency"
            )
        else:
            cursor.execute(
                f"UPDATE {table} AS t SET frequency = GREATEST(t.frequency - old.ndoc, 0) "
                f"FROM ({words}) AS old WHERE t.word = old.word"
            )
            cursor.execute(f"DELETE FROM {table} WHERE frequency = 0")


def is_known(word: str) -> bool:
    return SearchTerm.objects.filter(word=word).exists()


def closest(word: str, *, threshold: float = 0.4) -> str | None:
    """The most similar known word (trigram similarity), commonest on a tie."""
    return (
        SearchTerm.objects.filter(word__trigram_similar=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .filter(similarity__gte=threshold)
        .exclude(word=word)
        .order_by("-similarity", "-frequency", "word")
        .values_list("word", flat=True)
        .first()
    )


def is_word(token: str) -> bool:
    """A token a suggestion may replace: plain letters, four or more, no operator."""
    return token.isalpha() and len(token) >= 4 and token not in {"or", "and"}
