"""The query language: what a user's text means, cleaned once at the boundary.

The archive speaks web-search syntax: words (Dutch stems, accents folded),
"exact phrase", `or`, `-exclude`; redaction codes such as 5.1.2e are words too.
Operators of PostgreSQL's own tsquery syntax (`&`, `|`, `!`, `<->`) are read as
words, never as operators, so no input can make a query fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from minutes.search.config import MAX_QUERY_LENGTH


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


@dataclass(frozen=True)
class Term:
    """A word (`prefix`: typed with a trailing *) or, with several words, a phrase."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Clause:
    """Any of these terms (joined by `or`); `exclude`: none of them (typed with -)."""

    terms: tuple[Term, ...]
    exclude: bool = False


TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD_RE = re.compile(r"[^\W_]+(?:[.&'’-][^\W_]+)*\*?")


def parse(query: str) -> tuple[Clause, ...]:
    """A cleaned query as clauses that must all hold, in web-search syntax.

    Words are all required; "a phrase" in quotes; `or` between two terms makes
    either do; a leading - excludes a word or phrase; a trailing * makes a word a
    prefix. Anything else (stray quotes, operators of other languages, lone
    punctuation) is read as words or dropped: no input is an error.
    """
    clauses: list[Clause] = []
    join_next = False
    for match in TOKEN_RE.finditer(query):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        exclude = False
        if phrase is not None:
            words = tuple(WORD_RE.findall(phrase))
            term = Term(tuple(w.rstrip("*") for w in words)) if words else None
            exclude = bool(negated)
        else:
            if bare.lower() == "or" and clauses and not clauses[-1].exclude:
                join_next = True
                continue
            exclude = bare.startswith("-") and len(bare) > 1
            words = tuple(WORD_RE.findall(bare))
            if not words:
                continue
            if len(words) == 1:
                term = Term((words[0].rstrip("*"),), prefix=words[0].endswith("*"))
            else:
                term = Term(tuple(w.rstrip("*") for w in words))
        if term is None or not any(term.words):
            continue
        if join_next and not exclude and clauses:
            last = clauses.pop()
            clauses.append(Clause((*last.terms, term)))
        else:
            clauses.append(Clause((term,), exclude=exclude))
        join_next = False
    return tuple(clauses)
