""" "Bedoelde u …?": a corrected query from the archive's own words."""

from __future__ import annotations

import re

from minutes.search import vocabulary
from minutes.search.engine import Results


def suggest(query: str, *, found: int) -> str | None:
    """A corrected query, if it finds more than the `found` items of the original."""
    tokens = re.findall(r'-?"[^"]*"|\S+', query)
    changed = False
    corrected = []
    for token in tokens:
        word = token.lower()
        if vocabulary.is_word(word) and not vocabulary.is_known(word):
            replacement = vocabulary.closest(word)
            if replacement:
                corrected.append(replacement)
                changed = True
                continue
        corrected.append(token)
    if not changed:
        return None
    suggestion = " ".join(corrected)
    better = Results(suggestion).count() > found
    return suggestion if better else None
