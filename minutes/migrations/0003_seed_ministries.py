"""Seed the twelve ministries and their spellings.

The data is the twelve ministries as they stood when this migration was written (one
ministry per abbreviation, former names with their years); migration 0025 turns them into
ministries with periods and successions (minutes/ministries.py).
"""

from dataclasses import dataclass, field

from django.db import migrations


@dataclass(frozen=True)
class AliasSpec:
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


def seed(apps, schema_editor):
    Ministry = apps.get_model("minutes", "Ministry")
    MinistryAlias = apps.get_model("minutes", "MinistryAlias")
    for position, spec in enumerate(MINISTRIES):
        ministry, _ = Ministry.objects.update_or_create(
            abbreviation=spec.abbreviation,
            defaults={"name": spec.name, "slug": spec.slug, "position": position},
        )
        for alias in spec.aliases:
            MinistryAlias.objects.update_or_create(
                text=alias.text,
                defaults={
                    "ministry": ministry,
                    "valid_from": alias.valid_from,
                    "valid_until": alias.valid_until,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("minutes", "Ministry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("minutes", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
