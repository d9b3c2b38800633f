"""A first set of topics, taken from the subjects the minutes keep returning to.

Keywords are matched with the archive's Dutch text search (stemmed, accents folded),
so "thuiswerken" also finds "thuiswerk". Admins curate the list afterwards.
"""

from django.db import migrations

TOPICS = [
    ("COVID-19", "covid-19", "De coronacrisis en de aanpak ervan.",
     ["covid", "covid-19", "corona", "coronacrisis", "coronavirus", "pandemie",
      "besmettingscijfers", "quarantaine", "DG Covid-19"]),
    ("Rijksdienst en hybride werken", "rijksdienst-en-hybride-werken",
     "De rijksoverheid als werkgever: thuiswerken, hybride werken, Rijksdienst 2022.",
     ["thuiswerken", "hybride werken", "Rijksdienst 2022", "het nieuwe werken",
      "medewerkers", "werkgeverschap"]),
    ("Huisvesting", "huisvesting", "Rijkskantoren, bezetting en regels voor huisvesting.",
     ["huisvesting", "rijkskantoren", "bezettingscijfers", "kantoor", "werkplek"]),
    ("Informatiehuishouding", "informatiehuishouding",
     "Archivering, informatievoorziening en de informatiehuishouding van het Rijk.",
     ["informatiehuishouding", "archivering", "informatievoorziening", "archief"]),
    ("Woo en openbaarheid", "woo-en-openbaarheid",
     "Openbaarheid van bestuur: Woo, Wob en actieve openbaarmaking.",
     ["Woo", "Wob", "Woo-verzoek", "Wob-verzoek", "openbaarmaking", "Wet open overheid"]),
    ("Kabinetsformatie en demissionaire status", "kabinetsformatie-en-demissionaire-status",
     "Aftreden, formatie en wat een demissionair kabinet nog doet.",
     ["kabinetsformatie", "formatie", "demissionair", "aftreden", "afgetreden",
      "informateur", "regeerakkoord"]),
    ("Toeslagen en POK", "toeslagen-en-pok",
     "De kinderopvangtoeslagaffaire en het rapport van de Parlementaire Ondervragingscommissie.",
     ["toeslagen", "kinderopvangtoeslag", "POK", "POK-rapport", "toeslagenaffaire",
      "Parlementaire Ondervragingscommissie", "Parlementaire Onderzoekingscommissie"]),
    ("Interdepartementale afstemming", "interdepartementale-afstemming",
     "Voorbereiding van (R)MR, voorportalen en onderraden.",
     ["interdepartementale afstemming", "voorportalen", "onderraden", "ministerraad",
      "RMR", "MR"]),
    ("Integraal afwegingskader", "integraal-afwegingskader",
     "Het integraal afwegingskader voor beleid en regelgeving (IAK).",
     ["integraal afwegingskader", "IAK", "afwegingskader"]),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("minutes", "Topic")
    for name, slug, description, keywords in TOPICS:
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "keywords": keywords}
        )


def unseed(apps, schema_editor):
    apps.get_model("minutes", "Topic").objects.filter(slug__in=[t[1] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("minutes", "0003_seed_ministries")]

    operations = [migrations.RunPython(seed, unseed)]
