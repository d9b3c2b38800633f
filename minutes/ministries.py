"""The twelve ministries and the spellings the minutes use for them.

This is plain data, shared by the parser (which must not touch the database) and the
data migration that seeds the `Ministry` table. Once seeded, the aliases in the
database are the ones the import uses, so an admin can add a spelling without a
code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AliasSpec:
    """One way of writing a ministry's name; former names carry their years."""

    text: str
    valid_from: int | None = None
    valid_until: int | None = None


@dataclass(frozen=True)
class MinistrySpec:
    abbreviation: str
    name: str
    slug: str
    aliases: tuple[AliasSpec, ...] = field(default_factory=tuple)


def _a(*texts: str) -> tuple[AliasSpec, ...]:
    return tuple(AliasSpec(text) for text in texts)


# Order is the order the archive lists ministries in (the customary protocol order
# puts AZ first; the rest follow alphabetically by abbreviation).
MINISTRIES: tuple[MinistrySpec, ...] = (
    MinistrySpec("AZ", "Ministerie van Algemene Zaken", "az", _a("Algemene Zaken")),
    MinistrySpec(
        "BZ",
        "Ministerie van Buitenlandse Zaken",
        "bz",
        _a("Buitenlandse Zaken", "BuZa", "Buza"),
    ),
    MinistrySpec(
        "BZK",
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        "bzk",
        _a("Binnenlandse Zaken en Koninkrijksrelaties", "Binnenlandse Zaken"),
    ),
    MinistrySpec("DEF", "Ministerie van Defensie", "def", _a("Defensie", "Def")),
    MinistrySpec(
        "EZK",
        "Ministerie van Economische Zaken en Klimaat",
        "ezk",
        (
            *_a("Economische Zaken en Klimaat", "EZ&K"),
            AliasSpec("EZ", 2010, 2017),
            AliasSpec("Economische Zaken", 2010, 2017),
        ),
    ),
    MinistrySpec("FIN", "Ministerie van Financiën", "fin", _a("Financiën", "Financien", "Fin")),
    MinistrySpec(
        "IenW",
        "Ministerie van Infrastructuur en Waterstaat",
        "ienw",
        (
            *_a("Infrastructuur en Waterstaat", "I&W", "IENW"),
            AliasSpec("IenM", 2010, 2017),
            AliasSpec("I&M", 2010, 2017),
            AliasSpec("Infrastructuur en Milieu", 2010, 2017),
        ),
    ),
    MinistrySpec(
        "JenV",
        "Ministerie van Justitie en Veiligheid",
        "jenv",
        (
            *_a("Justitie en Veiligheid", "J&V", "JENV"),
            AliasSpec("VenJ", 2010, 2017),
            AliasSpec("V&J", 2010, 2017),
            AliasSpec("Veiligheid en Justitie", 2010, 2017),
        ),
    ),
    MinistrySpec(
        "LNV",
        "Ministerie van Landbouw, Natuur en Voedselkwaliteit",
        "lnv",
        _a("Landbouw, Natuur en Voedselkwaliteit"),
    ),
    MinistrySpec(
        "OCW",
        "Ministerie van Onderwijs, Cultuur en Wetenschap",
        "ocw",
        _a("Onderwijs, Cultuur en Wetenschap", "OCenW"),
    ),
    MinistrySpec(
        "SZW",
        "Ministerie van Sociale Zaken en Werkgelegenheid",
        "szw",
        _a("Sociale Zaken en Werkgelegenheid", "Sociale Zaken"),
    ),
    MinistrySpec(
        "VWS",
        "Ministerie van Volksgezondheid, Welzijn en Sport",
        "vws",
        _a("Volksgezondheid, Welzijn en Sport"),
    ),
)


def default_alias_table() -> dict[str, str]:
    """Every spelling (abbreviation included) mapped to its canonical abbreviation."""
    table: dict[str, str] = {}
    for ministry in MINISTRIES:
        table[ministry.abbreviation] = ministry.abbreviation
        for alias in ministry.aliases:
            table[alias.text] = ministry.abbreviation
    return table


CANONICAL_ORDER: tuple[str, ...] = tuple(m.abbreviation for m in MINISTRIES)
