"""The words of the archive as the search index holds them: folded, lower case, stemmed.

One function makes the terms of a text for the index (`analyse`) and of a query's
word (`stem`), so a query finds what the index holds, and the highlighter marks what
the query found. Stemming and compound splitting are minutes.search.analysis (the
study behind them: docs/search-analysis.md); this module caches them per word and
turns texts into the strings the index's whitespace analyzer reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from minutes.search import analysis

# Runs of letters and digits, as Tantivy's simple tokenizer splits text.
TOKEN_RE = re.compile(r"[^\W_]+")

# Snowball's Dutch stop words (as PostgreSQL's dutch.stop): a word of a query that is
# one of these is ignored, as "de" or "het" would match nearly every item. They stay
# in the index, so a "phrase" with them still finds the words in their order.
STOP_WORDS = frozenset(
    (
        "de",
        "en",
        "van",
        "ik",
        "te",
        "dat",
        "die",
        "in",
        "een",
        "hij",
        "het",
        "niet",
        "zijn",
        "is",
        "was",
        "op",
        "aan",
        "met",
        "als",
        "voor",
        "had",
        "er",
        "maar",
        "om",
        "hem",
        "dan",
        "zou",
        "of",
        "wat",
        "mijn",
        "men",
        "dit",
        "zo",
        "door",
        "over",
        "ze",
        "zich",
        "bij",
        "ook",
        "tot",
        "je",
        "mij",
        "uit",
        "der",
        "daar",
        "haar",
        "naar",
        "heb",
        "hoe",
        "heeft",
        "hebben",
        "deze",
        "u",
        "want",
        "nog",
        "zal",
        "me",
        "zij",
        "nu",
        "ge",
        "geen",
        "omdat",
        "iets",
        "worden",
        "toch",
        "al",
        "waren",
        "veel",
        "meer",
        "doen",
        "toen",
        "moet",
        "ben",
        "zonder",
        "kan",
        "hun",
        "dus",
        "alles",
        "onder",
        "ja",
        "eens",
        "hier",
        "wie",
        "werd",
        "altijd",
        "doch",
        "wordt",
        "wezen",
        "kunnen",
        "ons",
        "zelf",
        "tegen",
        "na",
        "reeds",
        "wil",
        "kon",
        "niets",
        "uw",
        "iemand",
        "geweest",
        "andere",
    )
)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without accents: "Financiën" -> "financien"."""
    return analysis.fold(word)


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """The index term of one word (letters and digits only)."""
    return analysis.stem(word)


@lru_cache(maxsize=500_000)
def part_stems(word: str) -> tuple[str, ...]:
    """The terms of a compound's parts, without the word's own: () for a simple word."""
    own = stem(word)
    return tuple(dict.fromkeys(t for t in map(stem, analysis.compound_parts(word)) if t != own))


def is_stop_word(word: str) -> bool:
    return fold(word) in STOP_WORDS


def words(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


Analysed = tuple[list[str], list[str]]  # a text's words and their terms, in order


def analyse(text: str) -> Analysed:
    """A text's words and their terms: one tokenisation for every use of a text."""
    found = words(text)
    return found, list(map(stem, found))


def index_word_parts(words: list[str]) -> str:
    """The terms of the compound parts of a text's words, for the index's "parts" field."""
    return " ".join(term for word in words for term in part_stems(word))


def vocabulary_words(words: list[str]) -> str:
    """A text's real words (letters only, four or more) in lower case, each once.

    Accents are kept, so a "Bedoelde u …?" suggestion offers the archive's spelling.
    """
    return " ".join(sorted({w.lower() for w in words if len(w) >= 4 and w.isalpha()}))


def keyword_phrases(keywords: Iterable[str]) -> list[tuple[str, ...]]:
    """A topic's keywords as phrases of terms, as the search box reads a "phrase"."""
    return [phrase for phrase in (tuple(map(stem, words(k))) for k in keywords) if phrase]


def matching_topics(
    phrases_by_topic: dict[int, list[tuple[str, ...]]], streams: list[list[str]]
) -> list[int]:
    """The topics one of whose phrases some text holds, its terms in order (`streams`:
    each text's terms, `analyse`).

    Pure (the import's parsing workers call it beside the parser): the same match as
    a quoted phrase in the search box, stemmed and accents folded.
    """
    present = {term for terms in streams for term in terms}
    return [
        topic
        for topic, phrases in phrases_by_topic.items()
        if any(
            _holds(terms, phrase)
            for phrase in phrases
            if present.issuperset(phrase)
            for terms in streams
        )
    ]


def _holds(terms: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    first = phrase[0]
    return any(
        term == first and tuple(terms[i : i + size]) == phrase for i, term in enumerate(terms)
    )
