"""Finding ministries in text, in any spelling the alias table knows.

The alias table maps every spelling (current names, former names such as "VenJ",
abbreviations such as "J&V") to the canonical abbreviation; the import service builds
it from the database, `minutes.ministries.default_alias_table` from plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from minutes.ministries import CANONICAL_ORDER


def _alias_pattern(name: str) -> str:
    # Multi-word names may be broken over a line or spaced oddly.
    return r"\s+".join(re.escape(part) for part in name.split())


def _alias_key(name: str) -> str:
    return " ".join(name.split())


def order_ministries(abbreviations: Iterable[str]) -> list[str]:
    """Abbreviations once each, in the archive's order (AZ first)."""
    rank = {abbr: i for i, abbr in enumerate(CANONICAL_ORDER)}
    return sorted(set(abbreviations), key=lambda a: (rank.get(a, len(rank)), a))


class MinistryMatcher:
    """Find ministries in text, in any spelling the alias table knows."""

    def __init__(self, aliases: Mapping[str, str]):
        self.aliases = dict(aliases)
        # Longest first, so "Binnenlandse Zaken en Koninkrijksrelaties" wins over
        # "Binnenlandse Zaken", and "EZK" over "EZ".
        names = sorted(self.aliases, key=len, reverse=True)
        alternation = "|".join(_alias_pattern(name) for name in names)
        # Case-sensitive on purpose: "Financiën" is the ministry, "financiën" and
        # "financiële" are words; "AZ" is the ministry, "az" is nothing.
        self.pattern = re.compile(rf"(?<![\w&])({alternation})(?![\w&])")
        self.by_key = {_alias_key(name): abbr for name, abbr in self.aliases.items()}

    def find(self, text: str) -> list[str]:
        """The ministries named anywhere in the text, in the archive's order."""
        found = {self.by_key[_alias_key(m.group(1))] for m in self.pattern.finditer(text)}
        return order_ministries(found)

    def resolve(self, token: str) -> str | None:
        """The canonical abbreviation for a token that is exactly an alias."""
        return self.by_key.get(_alias_key(token.strip()))


def ministries_present(attendees: str, matcher: MinistryMatcher) -> list[str]:
    """Ministries from the tags on the Aanwezig line: "(AZ, vz)", "(FIN, plv.)".

    A tag may carry a role around the ministry ("(plv. SG FIN)"), so each tag is
    searched rather than matched whole. Only where no tag names a ministry ("SG AZ (vz),
    SG BZK") do the words outside the brackets count.
    """
    found = [abbr for tag in re.findall(r"\(([^()]*)\)", attendees) for abbr in matcher.find(tag)]
    if not found:
        found = matcher.find(re.sub(r"\([^()]*\)", " ", attendees))
    return order_ministries(found)
