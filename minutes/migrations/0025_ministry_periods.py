"""Ministries as institutions through time: periods, dated names, successions.

Until now one row per abbreviation held every name a ministry ever had, so "EZ" in 2025
was filed under EZK. This migration gives each ministry a period, adds the former
ministries and those of 2024, stores each name with its dates, links predecessors and
successors, and moves every existing mention to the ministry that existed on its
meeting's date (the name it was filed under, resolved by `MinistryDirectory.resolve`).
Existing ministries keep their rows and slugs (`ezk` is EZK, 2017–2024); the new ones are
`ez` (2024–), `ez-2010`, `kgg`, `vro`, `lvvn`, `aenm`, `venj`, `ienm` and those before 2010.

The data is minutes/ministries.py (MINISTRIES, SUCCESSIONS). Its dates are the days the
cabinets that made the changes were sworn in; a ministry's last day is the day before.

- Rutte I, 14 October 2010: EZ and LNV merged into Economische Zaken, Landbouw en
  Innovatie (EL&I); Justitie became Veiligheid en Justitie (VenJ); Verkeer en Waterstaat
  and VROM merged into Infrastructuur en Milieu (IenM), VROM's housing went to BZK.
  Sources: nl.wikipedia.org/wiki/Ministerie_van_Economische_Zaken,_Landbouw_en_Innovatie
  ("Door de fusie met het ministerie van Landbouw, Natuur en Voedselkwaliteit in 2010");
  en.wikipedia.org/wiki/Ministry_of_Agriculture,_Nature_and_Food_Quality ("On 14 October
  2010, when the Rutte cabinet took office, the department was merged with the Dutch
  Ministry of Economic Affairs"); en.wikipedia.org/wiki/Ministry_of_Justice_and_Security
  ("In 2010, it took over the public safety duties from the Ministry of the Interior ...
  and became Ministry of Security and Justice. In 2017 the ministry was renamed").
- Rutte II, 5 November 2012: EL&I renamed Economische Zaken (EZ), keeping agriculture.
  Source: en.wikipedia.org/wiki/Ministry_of_Economic_Affairs_(Netherlands) ("In 2012 the
  name was reverted as the Ministry of Economic Affairs but kept the responsibilities of
  the former Ministry of Agriculture"); parlement.com (LNV "tussen 2010 en 2012 onderdeel
  van het ministerie van Economische Zaken, Landbouw en Innovatie en tussen 2012 en 2017
  van het ministerie van Economische Zaken").
- Rutte III, 26 October 2017: VenJ renamed Justitie en Veiligheid (JenV), IenM renamed
  Infrastructuur en Waterstaat (IenW), EZ split into Economische Zaken en Klimaat (EZK)
  and Landbouw, Natuur en Voedselkwaliteit (LNV). Sources: the same Wikipedia pages ("In
  2017, the Ministry of Agriculture, Nature and Food Quality was reinstated ... The
  Ministry of Economic Affairs was renamed Ministry of Economic Affairs and Climate
  Policy"); nl.wikipedia.org/wiki/Ministerie_van_Landbouw,_Natuur_en_Voedselkwaliteit
  ("van 2003 tot 2010 en sinds 2017 onder deze naam").
- Schoof, 2 July 2024: EZK split into Economische Zaken (EZ) and Klimaat en Groene Groei
  (KGG); BZK gave housing and spatial planning to Volkshuisvesting en Ruimtelijke Ordening
  (VRO); LNV renamed Landbouw, Visserij, Voedselzekerheid en Natuur (LVVN); Asiel en
  Migratie (AenM) created from JenV's asylum and migration part. Sources:
  en.wikipedia.org/wiki/Ministry_of_Climate_Policy_and_Green_Growth ("spun off from the
  Ministry of Economic Affairs and Climate Policy on 2 July 2024, when the ... Schoof
  cabinet was installed. 'Economic Affairs' was simultaneously dropped from that
  ministry's name" [climate, that is]); Nieuwe Oogst, 21 February 2026 ("Met het aantreden
  [van] Wiersma in 2024 veranderde de naam van het departement in het ministerie van
  Landbouw, Visserij, Voedselzekerheid en Natuur (LVVN)"); rijksoverheid.nl, "Hoe vertaal
  ik de namen van de ministeries?" (the names of the Schoof cabinet's ministries).
"""

import django.db.models.deletion
from django.db import connection, migrations, models


def seed(apps, schema_editor):
    from minutes.ministries import MINISTRIES, SUCCESSIONS, default_directory

    Ministry = apps.get_model("minutes", "Ministry")
    MinistryAlias = apps.get_model("minutes", "MinistryAlias")
    MinistrySuccession = apps.get_model("minutes", "MinistrySuccession")
    MinistryMention = apps.get_model("minutes", "MinistryMention")
    Meeting = apps.get_model("minutes", "Meeting")
    ArchiveVersion = apps.get_model("minutes", "ArchiveVersion")

    # The name each existing ministry's mentions were filed under: its abbreviation.
    filed_under = dict(Ministry.objects.values_list("pk", "abbreviation"))
    known = {spec.slug for spec in MINISTRIES}
    by_slug = {}
    for position, spec in enumerate(MINISTRIES):
        ministry, _ = Ministry.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "abbreviation": spec.abbreviation,
                "name": spec.name,
                "position": position,
                "valid_from": spec.valid_from,
                "valid_until": spec.valid_until,
            },
        )
        by_slug[spec.slug] = ministry
        ministry.aliases.all().delete()
        aliases = []
        for name in spec.names:
            key = "" if name.abbreviation == spec.abbreviation else name.abbreviation
            for text in dict.fromkeys((name.abbreviation, *name.spellings)):
                aliases.append(
                    MinistryAlias(
                        ministry=ministry,
                        text=text,
                        name_key=key,
                        valid_from=name.valid_from,
                        valid_until=name.valid_until,
                    )
                )
        MinistryAlias.objects.bulk_create(aliases)
    # Ministries an admin added keep their place after these.
    extra = Ministry.objects.exclude(slug__in=known).order_by("position", "pk")
    for offset, ministry in enumerate(extra, start=len(MINISTRIES)):
        ministry.position = offset
        ministry.save(update_fields=["position"])
    for link in SUCCESSIONS:
        MinistrySuccession.objects.update_or_create(
            predecessor=by_slug[link.predecessor],
            successor=by_slug[link.successor],
            defaults={"kind": link.kind.value},
        )
    directory = default_directory()
    ids = {slug: ministry.pk for slug, ministry in by_slug.items()}

    def target(ministry_id, day):
        slug = directory.resolve(filed_under[ministry_id], day)
        return ids.get(slug) if slug else None

    move_mentions(MinistryMention, Meeting, filed_under, target)
    if MinistryMention.objects.exists():
        # Kept counts, cached pages and ETags belong to the archive before the move.
        ArchiveVersion.objects.filter(pk=1).update(number=models.F("number") + 1)


def move_mentions(MinistryMention, Meeting, sources, target):
    """Move each mention of the `sources` (ministry ids) to `target(ministry_id, date)`.

    A mention that would repeat one already there (two former ministries now one) is
    merged into it: a rondvraag contribution's text is kept, after the other's.
    """
    pairs = (
        MinistryMention.objects.filter(ministry__in=sources)
        .values_list("ministry", "meeting__date")
        .distinct()
        .order_by()
    )
    moves = {}
    for ministry_id, day in pairs:
        to = target(ministry_id, day)
        if to is not None and to != ministry_id:
            moves.setdefault((ministry_id, to), []).append(day)
    if not moves:
        return
    mention = quote(MinistryMention._meta.db_table)
    meeting = quote(Meeting._meta.db_table)
    same = (
        "t.meeting_id = s.meeting_id AND t.agenda_item_id IS NOT DISTINCT FROM s.agenda_item_id"
        " AND t.role = s.role"
    )
    with connection.cursor() as cursor:
        for (source, to_id), days in sorted(moves.items()):
            selected = (
                f"s.ministry_id = %s AND s.meeting_id IN "
                f"(SELECT id FROM {meeting} WHERE date = ANY(%s::date[]))"
            )
            cursor.execute(
                f"UPDATE {mention} t SET text = concat_ws(E'\\n\\n', nullif(t.text, ''), s.text)"
                f" FROM {mention} s WHERE {selected} AND t.ministry_id = %s AND {same}"
                " AND s.text <> ''",
                [source, days, to_id],
            )
            cursor.execute(
                f"DELETE FROM {mention} s USING {mention} t"
                f" WHERE {selected} AND t.ministry_id = %s AND {same}",
                [source, days, to_id],
            )
            cursor.execute(
                f"UPDATE {mention} s SET ministry_id = %s WHERE {selected}",
                [to_id, source, days],
            )


def quote(name):
    return connection.ops.quote_name(name)


def unseed(apps, schema_editor):
    """Back to one ministry per abbreviation: mentions of the ministries this migration
    added go to the existing ministry of their abbreviation's successor line, and the
    added ministries are removed."""
    from minutes.ministries import MINISTRIES

    Ministry = apps.get_model("minutes", "Ministry")
    MinistryMention = apps.get_model("minutes", "MinistryMention")
    Meeting = apps.get_model("minutes", "Meeting")
    back = {
        "ez": "ezk",
        "ez-2010": "ezk",
        "ez-tot-2010": "ezk",
        "kgg": "ezk",
        "vro": "bzk",
        "lvvn": "lnv",
        "lnv-tot-2010": "lnv",
        "aenm": "jenv",
        "venj": "jenv",
        "justitie": "jenv",
        "ienm": "ienw",
        "venw": "ienw",
        "vrom": "ienw",
    }
    by_slug = {m.slug: m for m in Ministry.objects.filter(slug__in={s.slug for s in MINISTRIES})}
    for slug, into in back.items():
        if slug in by_slug and into in by_slug:
            pk = by_slug[into].pk
            move_mentions(MinistryMention, Meeting, [by_slug[slug].pk], lambda _m, _d, pk=pk: pk)
            by_slug[slug].delete()
    Ministry.objects.update(valid_from=None, valid_until=None)
    # The schema changes that follow may not run with foreign-key checks still pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0024_received_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="MinistrySuccession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("renamed", "naamswijziging"),
                            ("merged", "samenvoeging"),
                            ("continued", "voortzetting na splitsing"),
                            ("split_off", "afsplitsing"),
                            ("transferred", "overdracht van taken"),
                        ],
                        max_length=20,
                        verbose_name="soort",
                    ),
                ),
            ],
            options={
                "verbose_name": "opvolging",
                "verbose_name_plural": "opvolgingen",
                "ordering": [
                    "successor__valid_from",
                    "predecessor__position",
                    "successor__position",
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="ministryalias",
            options={
                "ordering": ["ministry__position", "valid_from", "text"],
                "verbose_name": "schrijfwijze",
                "verbose_name_plural": "schrijfwijzen",
            },
        ),
        migrations.RemoveConstraint(
            model_name="ministry",
            name="ministry_unique_abbreviation",
        ),
        migrations.RemoveConstraint(
            model_name="ministryalias",
            name="ministry_alias_unique_text",
        ),
        migrations.RemoveConstraint(
            model_name="ministryalias",
            name="ministry_alias_valid_range",
        ),
        migrations.AddField(
            model_name="ministry",
            name="valid_from",
            field=models.DateField(
                blank=True,
                help_text="Leeg: al vóór de periode van het archief.",
                null=True,
                verbose_name="bestaat vanaf",
            ),
        ),
        migrations.AddField(
            model_name="ministry",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="De laatste dag; leeg: bestaat nog.",
                null=True,
                verbose_name="bestaat tot en met",
            ),
        ),
        migrations.AddField(
            model_name="ministryalias",
            name="name_key",
            field=models.CharField(
                blank=True,
                help_text="De afkorting van de naam die deze schrijfwijze schrijft (‘EL&I’); "
                "leeg: de afkorting van het ministerie.",
                max_length=20,
                verbose_name="naam",
            ),
        ),
        # Years become dates: the names are seeded afresh below.
        migrations.RemoveField(model_name="ministryalias", name="valid_from"),
        migrations.RemoveField(model_name="ministryalias", name="valid_until"),
        migrations.AddField(
            model_name="ministryalias",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="geldig vanaf"),
        ),
        migrations.AddField(
            model_name="ministryalias",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="Leeg: zolang het ministerie bestaat.",
                null=True,
                verbose_name="geldig tot en met",
            ),
        ),
        migrations.AddConstraint(
            model_name="ministry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_until__isnull", True),
                    ("valid_from__lte", models.F("valid_until")),
                    _connector="OR",
                ),
                name="ministry_valid_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="ministryalias",
            constraint=models.UniqueConstraint(
                fields=("ministry", "text"), name="ministry_alias_unique_text_per_ministry"
            ),
        ),
        migrations.AddConstraint(
            model_name="ministryalias",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_until__isnull", True),
                    ("valid_from__lte", models.F("valid_until")),
                    _connector="OR",
                ),
                name="ministry_alias_valid_dates",
            ),
        ),
        migrations.AddField(
            model_name="ministrysuccession",
            name="predecessor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="successions",
                to="minutes.ministry",
                verbose_name="voorganger",
            ),
        ),
        migrations.AddField(
            model_name="ministrysuccession",
            name="successor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="succeeded",
                to="minutes.ministry",
                verbose_name="opvolger",
            ),
        ),
        migrations.AddConstraint(
            model_name="ministrysuccession",
            constraint=models.UniqueConstraint(
                fields=("predecessor", "successor"), name="ministry_succession_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ministrysuccession",
            constraint=models.CheckConstraint(
                condition=models.Q(("predecessor", models.F("successor")), _negated=True),
                name="ministry_succession_not_itself",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
