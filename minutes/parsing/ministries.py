"""Finding ministries in text, in any spelling the alias table knows.

The alias table maps every spelling (current names, former names such as "VenJ",
abbreviations such as "J&V") to the canonical abbreviation; the import service builds
it from the database, `minutes.ministries.default_alias_table` from plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from minutes.ministries import CANONICAL_ORDER


def _alias_pattern(name: str) -> str:
    # Multi-word names may be broken over a line or spaced oddly.
    return r"\s+".join(re.escape(part) for part in name.split())


# Not after a word character or "&": a name starts no word and no "J&V".
NOT_AFTER = r"[\w&]"


def _alias_alternative(name: str) -> str:
    r"""One alias in the alternation, with the check that no word runs into it from the left.

    `(?<![\w&])X` read as `c(?<![\w&]c)Y`, where `c` is the name's first character and
    `Y` the rest: the same test on the character before the name, made right after its
    first character. So every alternative starts with a plain character, and the
    regular expression engine can skip every position whose character starts no name
    instead of trying all names there.
    """
    pattern = _alias_pattern(name)
    if not pattern:
        return rf"(?<!{NOT_AFTER})"
    first = re.escape(name.split()[0][0])
    assert pattern.startswith(first), (name, pattern)
    return rf"{first}(?<!{NOT_AFTER}{first}){pattern[len(first) :]}"


def _alias_key(name: str) -> str:
    return " ".join(name.split())


RANK = {abbr: i for i, abbr in enumerate(CANONICAL_ORDER)}


def order_ministries(abbreviations: Iterable[str]) -> list[str]:
    """Abbreviations once each, in the archive's order (AZ first)."""
    return sorted(set(abbreviations), key=lambda a: (RANK.get(a, len(RANK)), a))


class MinistryMatcher:
    """Find ministries in text, in any spelling the alias table knows."""

    def __init__(self, aliases: Mapping[str, str]):
        self.aliases = dict(aliases)
        # Longest first, so "Binnenlandse Zaken en Koninkrijksrelaties" wins over
        # "Binnenlandse Zaken", and "EZK" over "EZ".
        names = sorted(self.aliases, key=len, reverse=True)
        alternation = "|".join(_alias_alternative(name) for name in names)
        # Case-sensitive on purpose: "Financiën" is the ministry, "financiën" and
        # "financiële" are words; "AZ" is the ministry, "az" is nothing. What it finds
        # is what `(?<![\w&])(NAME|NAME|...)(?![\w&])` finds (see `_alias_alternative`).
        self.pattern = re.compile(rf"({alternation})(?!{NOT_AFTER})")
        self.by_key = {_alias_key(name): abbr for name, abbr in self.aliases.items()}
        # The abbreviation of each alias as written, so that a name found as the table
        # writes it needs no key made.
        self.by_name = {name: self.by_key[_alias_key(name)] for name in self.aliases}

    def find(self, text: str) -> list[str]:
        """The ministries named anywhere in the text, in the archive's order."""
        by_name = self.by_name
        found = {
            by_name[name] if name in by_name else self.by_key[_alias_key(name)]
            for name in set(self.pattern.findall(text))
        }
        return order_ministries(found)

    def resolve(self, token: str) -> str | None:
        """The canonical abbreviation for a token that is exactly an alias."""
        return self.by_key.get(_alias_key(token.strip()))


@lru_cache(maxsize=16)
def _cached_matcher(aliases: tuple[tuple[str, str], ...]) -> MinistryMatcher:
    return MinistryMatcher(dict(aliases))


def matcher_for(aliases: Mapping[str, str]) -> MinistryMatcher:
    """The matcher of this alias table, built once per table (its pattern is long).

    Tables are told apart by their items in order, which is all a matcher is made of.
    """
    return _cached_matcher(tuple(aliases.items()))


TAG_RE = re.compile(r"\(([^()]*)\)")


def ministries_present(attendees: str, matcher: MinistryMatcher) -> list[str]:
    """Ministries from the tags on the Aanwezig line: "(AZ, vz)", "(FIN, plv.)".

    A tag may carry a role around the ministry ("(plv. SG FIN)"), so each tag is
    searched rather than matched whole. Only where no tag names a ministry ("SG AZ (vz),
    SG BZK") do the words outside the brackets count.
    """
    found = [abbr for tag in TAG_RE.findall(attendees) for abbr in matcher.find(tag)]
    if not found:
        found = matcher.find(TAG_RE.sub(" ", attendees))
    return order_ministries(found)
