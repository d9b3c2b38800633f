"""Seed the twelve ministries and their spellings from minutes/ministries.py."""

from django.db import migrations


def seed(apps, schema_editor):
    from minutes.ministries import MINISTRIES

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
