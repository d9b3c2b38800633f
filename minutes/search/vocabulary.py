"""The archive's own vocabulary, for "Bedoelde u …?" suggestions: read from the index.

Every agenda item's document carries its words as written (lower case, accents kept;
minutes.search.terms.vocabulary_words) in the index's `words` field, so the
vocabulary follows every import, replacement and rebuild with the index itself. A
word is known when an item holds it; the closest known word to a typo is the one
with the fewest edits (a letter left out, added, changed or two swapped), then the
one most items use.
"""

from __future__ import annotations

import tantivy

from minutes.search import index

FIELD = "words"
# Dutch letters a typo may leave out, add or change (lower case, accents kept).
ALPHABET = "abcdefghijklmnopqrstuvwxyzáäéëèïíóöüú"
# Two edits are allowed from this length on (one below it): "vergaderng" ->
# "vergadering", while "raad" does not become "baan".
TWO_EDITS_FROM = 7


def is_word(token: str) -> bool:
    """A token a suggestion may replace: plain letters, four or more, no operator."""
    return token.isalpha() and len(token) >= 4 and token not in {"or", "and"}


def frequency(word: str, searcher: tantivy.Searcher | None = None) -> int:
    """How many agenda items use this word (as written, in lower case).

    Counted by a search, as the term dictionary's document frequency still counts
    the documents a replacement deleted until their segment is merged.
    """
    searcher = searcher or index.searcher()
    query = tantivy.Query.term_query(index.SCHEMA, FIELD, word)
    return searcher.search(query, limit=1, count=True).count


def is_known(word: str) -> bool:
    return frequency(word) > 0


def _edits(word: str) -> set[str]:
    """Every string one edit away: a letter deleted, two swapped, changed or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
        | {a + c + b for a, b in splits for c in ALPHABET}
    )


def distance(a: str, b: str) -> int:
    """Edits from a to b (optimal string alignment: a swap of neighbours is one)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def closest(word: str) -> str | None:
    """The known word fewest edits away (one, or two for longer words), commonest first.

    One edit: every candidate is looked up in the index's term dictionary (about
    70 per letter, a microsecond or two each). Two edits: the known words that share
    the typo's first two letters are compared with it (so "kmpasnald" finds nothing:
    looking further would compare thousands of words).
    """
    searcher = index.searcher()
    # The term dictionary first (it may still hold words only deleted items had) ...
    listed = [w for w in _edits(word) - {word} if searcher.doc_freq(FIELD, w)]
    if not listed and len(word) >= TWO_EDITS_FROM:
        listed = [
            w
            for w, _ in searcher.terms_with_prefix(FIELD, word[:2])
            if abs(len(w) - len(word)) <= 2 and distance(word, w) <= 2
        ]
    # ... then the items that use them now.
    near = {w: n for w in listed if (n := frequency(w, searcher))}
    if not near:
        return None
    return min(near, key=lambda w: (distance(word, w), -near[w], w))
